#pragma once

#include "protocol/Channel.h"
#include "protocol/Messages.h"
#include "ui/PagedTableModel.h"

#include <QDate>
#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLineEdit;
class QCheckBox;
class QTableView;
class QPushButton;
class QComboBox;
class QDateEdit;
class QChartView;
class QLabel;

namespace lendable::market {

/// The resource database (FIG. 3): every lender's partitions with lending status, paged.
class PartitionsPage : public QWidget {
    Q_OBJECT
public:
    explicit PartitionsPage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// The market's connection, after the app reconnected (requests go there from now on).
    void setChannel(protocol::Channel *channel) { m_channel = channel; }
    ui::PagedTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    void reload();
    /// The rows in view fetched again in place (scroll position, order, filter and selection
    /// kept): lending status is live, and Rebalance… follows the selected row's new state.
    void refresh();

signals:
    void error(const lendable::Error &error);
    /// What failed last (the rows, or a rebalance) has succeeded since: its error is stale.
    void recovered();
    /// Something done that the window's status bar should say (a rebalance went through).
    void notice(const QString &text);

private:
    void rebalanceSelected();
    enum class Failed { Nothing, Rows, Rebalance };
    Failed m_failed = Failed::Nothing;
    void failed(Failed what, const lendable::Error &e);
    void succeeded(Failed what);

    QPointer<protocol::Channel> m_channel;
    QLineEdit *m_filter;
    QTableView *m_view;
    QPushButton *m_rebalance;
    QLabel *m_summary;
    ui::PagedTableModel *m_model;
};

/// Running and past contracts with their charges.
class ContractsPage : public QWidget {
    Q_OBJECT
public:
    explicit ContractsPage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// The market's connection, after the app reconnected (requests go there from now on).
    void setChannel(protocol::Channel *channel) { m_channel = channel; }
    ui::PagedTableModel *model() const { return m_model; }
    QLineEdit *filterEdit() const { return m_filter; }
    QCheckBox *runningOnly() const { return m_running; }
    QTableView *view() const { return m_view; }
    /// How many contracts the list holds, or that none matches.
    QLabel *summary() const { return m_summary; }
    void reload();
    /// The rows in view fetched again in place (scroll position and selection kept).
    void refresh();

signals:
    void error(const lendable::Error &error);

private:
    QPointer<protocol::Channel> m_channel;
    QLineEdit *m_filter;
    QCheckBox *m_running;
    QTableView *m_view;
    ui::PagedTableModel *m_model;
    QLabel *m_summary;
};

/// Lock violations lenders reported (FIG. 13–14): when, which lender, partition and
/// contract, what changed, and whether the agent restored the lease (if not, the market
/// ended the contract). Newest first, filtered by a substring, paged like the other tables.
class ViolationsPage : public QWidget {
    Q_OBJECT
public:
    explicit ViolationsPage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// The market's connection, after the app reconnected (requests go there from now on).
    void setChannel(protocol::Channel *channel) { m_channel = channel; }
    ui::PagedTableModel *model() const { return m_model; }
    QLineEdit *filterEdit() const { return m_filter; }
    void reload();
    /// The rows in view fetched again in place (scroll position and selection kept).
    void refresh();

signals:
    void error(const lendable::Error &error);

private:
    QPointer<protocol::Channel> m_channel;
    QLineEdit *m_filter;
    QLabel *m_summary;
    QTableView *m_view;
    ui::PagedTableModel *m_model;
};

/// Billing charts (revenue per day, fees vs payouts, top parties, utilisation) and exports.
class BillingPage : public QWidget {
    Q_OBJECT
public:
    explicit BillingPage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// The market's connection, after the app reconnected (requests go there from now on).
    void setChannel(protocol::Channel *channel) { m_channel = channel; }
    void reload();
    /// The period the tab shows and exports: the last 7, 30 or 90 days up to now, or whole
    /// days (UTC) from one date to another, both included.
    struct Period {
        qint64 fromMs = 0;
        qint64 toMs = 0; ///< exclusive
        QDate first;
        QDate last;
        bool custom = false;
    };
    Period period() const;
    /// The tab opens with the period the user chose last (QSettings "billing/period",
    /// "billing/firstDay", "billing/lastDay"), else the last 7 days. The two setters below
    /// (the command line's --period and --from) show a period without remembering it.
    /// Shows the last `days` days (7, 30 or 90; another number is ignored).
    void setLastDays(int days);
    /// Shows the days from `first` to `last` (UTC), both included. A range that
    /// checkRange() refuses leaves the period as it was.
    Result<void> setRange(QDate first, QDate last);
    /// A custom range the market reports on: valid dates, `first` not after `last`, at most
    /// ten years (kMaxRangeDays), from 2000 on (InvalidArgument otherwise).
    static Result<void> checkRange(QDate first, QDate last);
    static constexpr qint64 kMaxRangeDays = protocol::AdminBillingReport::kMaxDays; // the market's own limit
    /// Where the save dialog proposes to write `what` ("invoices", "payouts", "report"): the
    /// directory of the last export (QSettings "billing/exportDirectory", else Documents) and
    /// a name that says the period, lendable-invoices-2026-11-01-to-2026-11-30.csv.
    QString suggestedExportPath(const QString &what, const QString &suffix) const;
    /// True while an export fetches or writes (its buttons are disabled meanwhile).
    bool isExporting() const { return m_exports > 0; }
    const protocol::BillingReport &report() const { return m_report; }
    /// Fetches the period's ended contracts, then writes per-borrower invoices or
    /// per-lender payouts as CSV; `done` gets the outcome (also when the fetch failed).
    void exportCsv(const QString &path, bool invoices, std::function<void(Result<void>)> done);
    /// Contracts for an export, with the names their parties go by (node ID → name).
    struct Contracts {
        QList<protocol::Bill> bills;
        QHash<QString, QString> names;
    };
    /// Writes invoices or payouts of `contracts` (ended ones) as CSV.
    static Result<void> writeCsv(const QString &path, bool invoices, const Contracts &contracts);
    /// Fetches the period's ended contracts, then writes the period's report as PDF: the
    /// totals and the charts, then an invoice line per borrower and a payout line per lender;
    /// `done` gets the outcome (also when the fetch failed).
    void exportPdf(const QString &path, std::function<void(Result<void>)> done);
    /// Writes the report of period `p` as PDF with the invoices and payouts of `contracts`
    /// (its ended ones); the charts are the tab's, which must show `p`'s report.
    Result<void> writePdf(const QString &path, const Period &p, const Contracts &contracts);
    /// A file of an export: the report (PDF), the invoices or the payouts (CSV).
    struct ExportFile {
        enum Kind { Report, Invoices, Payouts } kind;
        QString path;
    };
    /// Writes `files` in turn from one fetch of the period's contracts, so that they list the
    /// same contracts (one that ended between two fetches would be in one file and not the
    /// next) and a long period is read once. The period is the one shown when the export
    /// starts, for every file and every part of the PDF, whatever the tab shows later; the
    /// period's controls are disabled until the export ends. `wrote` after each file; `done`
    /// after the last, or with the first failure (the files after it are not written).
    void exportFiles(QList<ExportFile> files, std::function<void(const QString &path)> wrote,
                     std::function<void(Result<void>)> done);
    /// The period's totals in one line, as the tab and the PDF's first page show them: rounded
    /// to hundredths, the payouts shown as the revenue shown less the fees shown, so that
    /// what is shown adds up.
    static QString totalsLine(Money revenue, Money fees, Money payouts, qint32 feeBasisPoints);
    /// Borrowers and lenders each in the top chart, at most.
    static constexpr int kChartParties = 5;

    /// Draws `report` (the market's answer to the period's AdminBillingReport).
    void showReport(const protocol::BillingReport &report);
    /// The bars of the revenue, fee and utilisation charts: a day each up to kMaxDailyBars
    /// days, a week each (from the period's first day) up to seven times that, else a
    /// calendar month each, so that a bar stays wide enough to see.
    static constexpr qsizetype kMaxDailyBars = 92;
    enum class BarUnit { Day, Week, Month };
    struct Bars {
        BarUnit unit = BarUnit::Day;
        QList<protocol::DayStat> stats; ///< each summed over its days, dayStartMs its first
        QList<int> days;                ///< how many of the report's days each bar holds
    };
    static Bars barsOf(const QList<protocol::DayStat> &days);
    /// The labelled bars (index, label): every bar up to ten, then every `step`th so that at
    /// most ten are (six where labels are longer: with a year, or months), or at most `atMost`
    /// where that is fewer (a chart drawn narrower); "MM-dd" (the year too where it is not
    /// `today`'s, on the first label and where it changes), "yyyy-MM" for months.
    static QList<std::pair<qsizetype, QString>> barLabels(const Bars &bars, QDate today, qsizetype atMost = 0);
    /// How many rows the top chart has room for at its present height (it shows at most
    /// that many parties, fewer if the report has fewer).
    int partyRows() const { return m_partyRows; }

signals:
    void error(const lendable::Error &error);
    /// What failed last (the report, or an export) has succeeded since: its error is stale.
    void recovered();
    void reportLoaded();
    /// An export to `path` began; exportFinished() follows, `ok` or not (the error goes to
    /// the export's caller).
    void exportStarted(const QString &path);
    void exportFinished(const QString &path, bool ok);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class Failed { Nothing, Report, Export };
    Failed m_failed = Failed::Nothing;
    void failed(Failed what, const lendable::Error &e);
    void succeeded(Failed what);
    /// Rows of the top chart that keep every name readable at its present height.
    int partiesThatFit() const;
    void showParties(int rows);
    void restorePeriod();
    /// Puts a range checkRange() accepts into the date edits, without their signals (no
    /// report is asked for, nothing is remembered).
    void showDates(QDate first, QDate last);
    /// Saves the period shown as the user's choice (after they picked or typed it); of a
    /// custom range that checkRange() refuses, only that it is custom.
    void rememberPeriod();
    /// Shows the date edits as a range checkRange() takes, or as one it refuses.
    void markRange(bool right);
    /// period(), or InvalidArgument for a custom range checkRange() refuses.
    Result<Period> checkedPeriod() const;
    /// Asks for the report of `p` and shows it; `done` gets the outcome.
    void loadReport(const Period &p, std::function<void(Result<void>)> done);
    /// Counts an export to `path` in until `done` is called: the export buttons and the
    /// period's controls are disabled and exportStarted()/exportFinished() are emitted.
    std::function<void(Result<void>)> trackExport(const QString &path, std::function<void(Result<void>)> done);
    /// The ended contracts of `p` and their parties' names, fetched page by page.
    void fetchPeriod(const Period &p, std::function<void(Result<Contracts>)> done);
    void writeFiles(QList<ExportFile> files, const Period &p, const Contracts &contracts,
                    std::function<void(const QString &path)> wrote, std::function<void(Result<void>)> done);
    /// exportFiles() of period `p`.
    void exportFiles(const Period &p, QList<ExportFile> files, std::function<void(const QString &path)> wrote,
                     std::function<void(Result<void>)> done);
    /// suggestedExportPath() of period `p`.
    static QString exportPath(const QString &what, const QString &suffix, const Period &p);
    /// The export buttons and the period's controls, enabled or not.
    void setExportControlsEnabled(bool enabled);

    QPointer<protocol::Channel> m_channel;
    QComboBox *m_period;
    QWidget *m_range;
    QDateEdit *m_first;
    QDateEdit *m_last;
    QTimer m_reloadSoon;
    QList<QPushButton *> m_exportButtons;
    /// The days of the report shown (from reload()); invalid before the first one.
    QDate m_shownFirst;
    QDate m_shownLast;
    int m_exports = 0;
    /// A report reload() asked for is on its way; another reload() came meanwhile.
    bool m_reportAsked = false;
    bool m_askAgain = false;
    QLabel *m_totals;
    QChartView *m_revenue;
    QChartView *m_split;
    QChartView *m_parties;
    QChartView *m_utilisation;
    protocol::BillingReport m_report;
    QTimer m_fitParties;
    int m_partyRows = 0;
};

} // namespace lendable::market
