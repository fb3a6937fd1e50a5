#pragma once

#include "BorrowerSession.h"
#include "ui/PagedTableModel.h"

#include <QMainWindow>
#include <QStringDecoder>
#include <QTimer>

class QTabWidget;
class QSpinBox;
class QComboBox;
class QLineEdit;
class QTableView;
class QPushButton;
class QLabel;
class QPlainTextEdit;
class QListWidget;
class QProgressBar;
class QTableWidget;
class QTableWidgetItem;

namespace lendable::ui {
class ErrorBanner;
class UsageChart;
}

namespace lendable::borrower {

/// Shop offers (FIG. 8 S41–S44): filter widgets and the query language, a paged, sortable
/// list, and the market's explanation when nothing matches.
class OffersPage : public QWidget {
    Q_OBJECT
public:
    explicit OffersPage(BorrowerSession *session, QWidget *parent = nullptr);
    ui::PagedTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QSpinBox *cpuFilter() const { return m_cpus; }
    QLineEdit *memoryFilter() const { return m_memory; }
    QLineEdit *osFilter() const { return m_os; }
    QLineEdit *maxRateFilter() const { return m_maxRate; }
    /// The shortest time limit wanted (8h, 1:30:00, 3600), or none for offers without one.
    QLineEdit *minTimeLimitFilter() const { return m_minTimeLimit; }
    QLineEdit *queryEdit() const { return m_query; }
    QLabel *explanationLabel() const { return m_explanation; }
    QPushButton *borrowButton() const { return m_borrow; }
    /// The offer on the selected row, if its page is loaded.
    std::optional<protocol::Offer> selectedOffer() const;
    void search();

signals:
    void borrowRequested(const lendable::protocol::Offer &offer);
    void error(const lendable::Error &error);

private:
    protocol::SearchOffers currentSearch() const;

    BorrowerSession *m_session;
    QSpinBox *m_cpus;
    QLineEdit *m_memory;
    QLineEdit *m_disk;
    QLineEdit *m_os;
    QLineEdit *m_maxRate;
    QLineEdit *m_minTimeLimit;
    QLineEdit *m_query;
    QLabel *m_explanation;
    QPushButton *m_borrow;
    QTableView *m_view;
    ui::PagedTableModel *m_model;
    /// The search the list shows, as it was when search() ran: pages fetched later (while
    /// scrolling, or sorting) ask for it, not for what the filter boxes say by then.
    protocol::SearchOffers m_search;
    quint64 m_searches = 0; ///< search() calls so far: a superseded one's answer says nothing
    QHash<QString, protocol::Offer> m_offers; // offers of the loaded pages, by offer ID
};

/// One contract: submit jobs, watch the console and usage live, cancel, end and see the bill.
class ContractPage : public QWidget {
    Q_OBJECT
public:
    ContractPage(BorrowerSession *session, ContractRecord contract, QWidget *parent = nullptr);
    const ContractRecord &contract() const { return m_contract; }
    QPlainTextEdit *scriptEdit() const { return m_script; }
    QComboBox *osCombo() const { return m_os; }
    QPushButton *submitButton() const { return m_submit; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *endButton() const { return m_end; }
    QPlainTextEdit *console() const { return m_console; }
    QLabel *stateLabel() const { return m_state; }
    QLabel *chargeLabel() const { return m_charge; }
    QListWidget *history() const { return m_history; }
    QString currentJobId() const { return m_jobId; }
    void submit();
    /// Ends the contract; with `confirm`, after the user agrees in a dialog that shows the
    /// charge so far and any running job (what the End contract button does).
    void endContract(bool confirm = true);

signals:
    void error(const lendable::Error &error);
    /// Something the user should know that is not an error (a job outliving its contract).
    void notice(const QString &text);
    void ended(const QString &contractId);

private:
    void setRunning(bool running);
    /// Whether the contract's time limit has passed (the market or lender ends it then).
    bool pastTimeLimit() const;
    /// Arms m_timeLimit for the moment the contract ends by itself, if it has a time limit.
    void armTimeLimit();
    /// The contract's time limit passed: no more jobs or ending from here; the market's bills
    /// bring its end (contractEndedAtMarket()).
    void timeLimitReached();
    /// Asks the market for the bills, again a little later while they still show this
    /// contract running (the market ends it at its next sweep), at most `attempts` times.
    void askForEnd(int attempts);

    BorrowerSession *m_session;
    ContractRecord m_contract;
    QString m_jobId;
    QComboBox *m_os;
    QPlainTextEdit *m_script;
    QListWidget *m_inputs;
    QSpinBox *m_timeout;
    QPushButton *m_submit;
    QPushButton *m_cancel;
    QPushButton *m_end;
    QLabel *m_state;
    QProgressBar *m_progress;
    QPlainTextEdit *m_console;
    ui::UsageChart *m_usage;
    QListWidget *m_history;
    QLabel *m_charge;
    /// One per job: a character split across two chunks of output is shown whole.
    QStringDecoder m_consoleDecoder{QStringDecoder::Utf8};
    QTimer m_timeLimit;
};

/// Every contract with its duration and charge, totals per month, receipts, CSV export.
class BillsPage : public QWidget {
    Q_OBJECT
public:
    explicit BillsPage(BorrowerSession *session, QWidget *parent = nullptr);
    void reload();
    /// Shows these bills (what reload() does with the market's answer).
    void showBills(const QList<protocol::Bill> &bills);
    QTableWidget *table() const { return m_table; }
    QTableWidget *monthTable() const { return m_months; }
    /// Says when the market listed as many contracts as it lists at most (the newest ones).
    QLabel *limitLabel() const { return m_limitNote; }
    const QList<protocol::Bill> &bills() const { return m_bills; }
    Result<void> exportCsv(const QString &path) const;
    /// Writes the receipt kept for a contract as JSON, in the form `receipt verify` reads.
    Result<void> saveReceipt(const QString &contractId, const QString &path) const;
    /// saveReceipt(), after fetching the receipt from the market when the one that counts
    /// is not kept here (the end receipt of an ended contract); `done` gets the outcome.
    void fetchAndSaveReceipt(const QString &contractId, const QString &path, std::function<void(Result<void>)> done);
    QPushButton *saveReceiptButton() const { return m_saveReceipt; }

signals:
    void error(const lendable::Error &error);
    /// Something done that the user should see (a receipt saved).
    void notice(const QString &text);
    /// A running contract kept here was double-clicked: its tab is wanted (again).
    void openRequested(const ContractRecord &contract);

private:
    std::optional<protocol::Receipt> keptReceipt(const QString &contractId) const;
    static Result<void> writeReceipt(const protocol::Receipt &receipt, const QString &path);
    QString selectedContractId() const;
    QTableWidgetItem *receiptItem(const protocol::Bill &bill, const std::optional<protocol::Receipt> &receipt) const;

    BorrowerSession *m_session;
    QTableWidget *m_table;
    QTableWidget *m_months;
    QLabel *m_limitNote;
    QPushButton *m_saveReceipt;
    QList<protocol::Bill> m_bills;
    quint64 m_reloads = 0; ///< reload() calls so far: only the latest one's answer is shown
};

class BorrowerWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit BorrowerWindow(BorrowerSession *session, QWidget *parent = nullptr);
    OffersPage *offersPage() const { return m_offers; }
    BillsPage *billsPage() const { return m_bills; }
    QTabWidget *tabs() const { return m_tabs; }
    ui::ErrorBanner *errorBanner() const { return m_banner; }
    /// The page of a contract, opened if needed.
    ContractPage *openContract(const ContractRecord &contract);
    /// Opens a tab for every running contract kept here that has none (File › Open running
    /// contracts; at start, those of earlier sessions).
    void openRunningContracts();
    /// Asks for confirmation (unless `confirm` is false), then borrows.
    void borrowOffer(const protocol::Offer &offer, bool confirm = true);
    /// Tells the market the name its managers (and the lenders it borrows from) see for this borrower (File › Your Name at the
    /// Market…); the status bar shows it once the market accepted it.
    void setDisplayName(const QString &name);
    /// File › Market…: asks for another market's address and ID; once taken, the offers and
    /// bills are those of that market.
    void chooseMarket();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showIdentity();
    // Hides the banner if it still shows `shown` (a text this window put there, which is no
    // longer so), and forgets it.
    void hideBannerIfStill(QString &shown);
    /// Asks the market about borrows whose answers were lost (a window closed while it
    /// borrowed, or every attempt unanswered), if any were sent to it, and shows what they made.
    void recoverLostBorrows();
    void showRecoveries(const QList<BorrowRecovery> &recoveries);

    BorrowerSession *m_session;
    ui::ErrorBanner *m_banner;
    /// What the banner says while the market cannot be reached, taken down once it answers.
    QString m_unreachableText;
    QString m_askedAgainText; // the banner's notice that a borrow is asked for again
    bool m_recovering = false; // recoverLostBorrows() waits for the market's answers
    QTabWidget *m_tabs;
    OffersPage *m_offers;
    BillsPage *m_bills;
};

} // namespace lendable::borrower
