#pragma once

#include "protocol/Channel.h"
#include "ui/KeepAlive.h"
#include "ui/SizeSpinBox.h"

#include <QDialog>
#include <QGroupBox>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <functional>

class QLabel;
class QSlider;
class QSpinBox;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QComboBox;
class QVBoxLayout;
class QSystemTrayIcon;
class QTimer;

namespace lendable::ui {
class ErrorBanner;
class UsageChart;
}

namespace lendable::lender {

/// A picture of the machine: for CPUs, memory and disk, a bar split into the owner's reserve
/// (non-lendable partition 2P), each lendable partition, and what is free.
class MachineBar : public QWidget {
    Q_OBJECT
public:
    explicit MachineBar(QWidget *parent = nullptr);
    void setMachine(const protocol::MachineInfo &machine, const QList<protocol::PartitionState> &partitions);
    QSize sizeHint() const override { return {600, 96 + legendHeight()}; }
    /// The legend's entries drawn last (the owner's reserve, each partition, free).
    QStringList legend() const { return m_legend; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int legendHeight() const;

    protocol::MachineInfo m_machine;
    QList<protocol::PartitionState> m_partitions;
    QStringList m_legend;
};

/// One resource row of a partition: a slider you drag and a spin box, kept in step.
using ResourceControl = ui::SliderSpin;

/// A lendable partition: sliders for its allocation (locked while registered or lent), rate,
/// OS images, time limit, register/withdraw, state, earnings and live usage.
class PartitionCard : public QGroupBox {
    Q_OBJECT
public:
    PartitionCard(const protocol::PartitionState &state, QWidget *parent = nullptr);
    void setState(const protocol::PartitionState &state, const Resources &available);
    const protocol::PartitionState &state() const { return m_state; }
    bool isLocked() const;
    QSlider *cpuSlider() const { return m_cpu.slider; }
    QSlider *memorySlider() const { return m_memory.slider; }
    QSlider *diskSlider() const { return m_disk.slider; }
    QLabel *stateLabel() const { return m_stateLabel; }
    QLabel *earningsLabel() const { return m_earnings; }
    QPushButton *registerButton() const { return m_register; }
    /// "Withdraw" while offered on a market; "End Lease" while lent directly.
    QPushButton *withdrawButton() const { return m_withdraw; }
    QPushButton *lendDirectButton() const { return m_lendDirect; }
    /// The longest a contract may run ("H:MM:SS", empty for no limit).
    QLineEdit *timeLimitEdit() const { return m_timeLimit; }
    ui::UsageChart *usageChart() const { return m_usage; }
    /// The allocation the controls show now.
    protocol::LendingConditions editedConditions() const;

signals:
    /// The owner changed the allocation or terms (sent when a slider is released).
    void alterRequested(const QString &partitionId, const lendable::protocol::LendingConditions &conditions);
    void registerRequested(const QString &partitionId);
    void withdrawRequested(const QString &partitionId);
    void deleteRequested(const QString &partitionId);
    void lendDirectRequested(const QString &partitionId);

private:
    /// A slider and its spin box; `size`: MiB, shown and typed as "512M", "4G" (ui::SizeSpinBox).
    ResourceControl addControl(const QString &label, bool size, int step, const QString &name);
    void emitAlter();
    /// "Earned …", and while lent what the running contract has earned so far (each second).
    void showEarnings();

    protocol::PartitionState m_state;
    QVBoxLayout *m_rows;
    ResourceControl m_cpu;
    ResourceControl m_memory;
    ResourceControl m_disk;
    QLineEdit *m_rate;
    QLineEdit *m_images;
    QLineEdit *m_timeLimit;
    QLabel *m_lock;
    QLabel *m_stateLabel;
    QLabel *m_earnings;
    QTimer *m_earningsTicker;
    QPushButton *m_register;
    QPushButton *m_withdraw;
    QPushButton *m_delete;
    QPushButton *m_lendDirect;
    ui::UsageChart *m_usage;
    bool m_updating = false;
};

/// Asks whom to lend a partition to directly (LAN variant, no market): the borrower's node
/// ID and, optionally, the name the owner knows it by.
class DirectLeaseDialog : public QDialog {
    Q_OBJECT
public:
    DirectLeaseDialog(const QString &partitionId, QWidget *parent = nullptr);
    /// The node ID as typed, trimmed and in lower case.
    QString borrowerId() const;
    QString borrowerName() const;
    QLineEdit *borrowerIdEdit() const { return m_id; }
    QLineEdit *borrowerNameEdit() const { return m_name; }
    QPushButton *lendButton() const { return m_lend; }

private:
    void check();

    QLineEdit *m_id;
    QLineEdit *m_name;
    QLabel *m_hint; ///< guidance, or what is wrong with what was typed
    QPushButton *m_lend;
};

/// A new direct lease's key file, shown once: the owner saves it (mode 0600) or copies it, and
/// hands it to the borrower (`borrower-client --key-file FILE`).
class KeyFileDialog : public QDialog {
    Q_OBJECT
public:
    KeyFileDialog(const protocol::DirectLease &lease, const QString &borrowerLabel, QWidget *parent = nullptr);
    QByteArray keyFile() const { return m_json; }
    /// Writes the key file to `path`, readable by its owner only; false (and says why) if not.
    bool saveTo(const QString &path);
    /// Whether the key was saved or copied (closing without is questioned).
    bool isKept() const { return m_kept; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *copyButton() const { return m_copy; }

    void done(int result) override;

private:
    QByteArray m_json;
    QString m_contractId;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_copy;
    bool m_kept = false;
};

/// The jobs borrowers ran on one machine, newest first (ListJobs): who ran what, in which
/// partition, how it ended, and what became of its results. Follows the machine while open.
class JobsDialog : public QDialog {
    Q_OBJECT
public:
    explicit JobsDialog(protocol::Channel *owner, QWidget *parent = nullptr);
    /// Asks for the newest page again (of the chosen partition).
    void refresh();
    /// The agent's connection, after the console connected again; asks afresh.
    void setChannel(protocol::Channel *owner)
    {
        m_owner = owner;
        refresh();
    }
    /// The partitions the filter offers.
    void setPartitions(const QStringList &partitionIds);
    QTableWidget *table() const { return m_table; }
    QComboBox *partitionFilter() const { return m_partition; }
    QPushButton *olderButton() const { return m_older; }
    const QList<protocol::JobSummary> &jobs() const { return m_jobs; }

signals:
    void error(const lendable::Error &error);

private:
    void ask(bool older);
    void showJobs();

    QPointer<protocol::Channel> m_owner;
    QComboBox *m_partition;
    QTableWidget *m_table;
    QLabel *m_status;
    QPushButton *m_older;
    QList<protocol::JobSummary> m_jobs;
    bool m_more = false;
    quint64 m_generation = 0; // answers to an older question are dropped
};

/// What the market bills for this machine's contracts (OwnerBills, the market's word): each
/// contract's charge, the owner's payout and the market's fee, with totals; and any
/// contract's receipt, signed by the market, saved to a file that `receipt verify` checks.
class BillsDialog : public QDialog {
    Q_OBJECT
public:
    explicit BillsDialog(protocol::Channel *owner, QWidget *parent = nullptr);
    void refresh();
    /// The agent's connection, after the console connected again; asks afresh.
    void setChannel(protocol::Channel *owner)
    {
        m_owner = owner;
        refresh();
    }
    /// The markets this machine's partitions are registered with; a choice appears for two or more.
    void setMarkets(const QStringList &marketIds);
    QTableWidget *table() const { return m_table; }
    QLabel *totals() const { return m_totals; }
    QPushButton *saveReceiptButton() const { return m_saveReceipt; }
    const QList<protocol::Bill> &bills() const { return m_bills; }
    /// Asks the market for the contract's receipt, checks it, and writes it to `path` in the
    /// form `receipt verify` reads; `done` gets the outcome.
    void saveReceipt(const QString &contractId, const QString &path, std::function<void(Result<void>)> done);

signals:
    void error(const lendable::Error &error);
    /// Something done that the owner should see (a receipt saved).
    void notice(const QString &text);

private:
    void showBills();
    QString marketId() const;

    QPointer<protocol::Channel> m_owner;
    QComboBox *m_market;
    QLabel *m_marketLabel;
    QTableWidget *m_table;
    QLabel *m_totals;
    QPushButton *m_saveReceipt;
    QList<protocol::Bill> m_bills;
    quint64 m_generation = 0;
};

/// Everything about one machine (one lender agent), through the owner role of the protocol.
class MachineTab : public QWidget {
    Q_OBJECT
public:
    MachineTab(protocol::Channel *owner, QWidget *parent = nullptr);
    void refresh();
    /// Makes a new connection to the agent (--connect), for when this one is lost: the tab
    /// then tries it, after `firstDelayMs` and doubling up to 30 s, until the agent answers.
    /// Without one, a lost connection is only said.
    using Reconnector = std::function<protocol::Channel *()>;
    void setReconnector(Reconnector reconnect, int firstDelayMs = 1000)
    {
        m_reconnect = std::move(reconnect);
        m_reconnectDelayMs = firstDelayMs;
    }
    /// Connects with the reconnector now: for a tab made before its agent answered (each
    /// --connect at start). The tab says it is connecting, takes no changes, and tries again
    /// as for a lost connection until the agent answers; the other tabs are not held up.
    void connectNow();
    /// How often the agent is pinged, and how long a ping may go unanswered before the
    /// connection counts as lost (ui::KeepAlive; tests shorten them): for the connection now
    /// and those to come.
    void setKeepAlive(int intervalMs, int timeoutMs);
    /// False while the connection to the agent is lost: the tab shows what the agent said
    /// before, and takes no changes.
    bool isConnected() const { return m_owner != nullptr; }
    QLabel *connectionWarning() const { return m_connectionWarning; }
    PartitionCard *card(const QString &partitionId) const { return m_cards.value(partitionId); }
    QList<PartitionCard *> cards() const { return m_cards.values(); }
    const protocol::MachineInfo &machine() const { return m_machine; }
    QPushButton *newPartitionButton() const { return m_new; }
    QPushButton *jobsButton() const { return m_jobsButton; }
    QPushButton *billsButton() const { return m_billsButton; }
    /// The Jobs dialog once opened (Jobs…), else nullptr.
    JobsDialog *jobsDialog() const { return m_jobs; }
    /// The Bills dialog once opened (Bills…), else nullptr.
    BillsDialog *billsDialog() const { return m_billsDialog; }
    /// Lent / registered counts, for the tray icon.
    QPair<int, int> lendingCounts() const;
    /// Asks whom to lend the partition to (DirectLeaseDialog, window-modal), lends it, and
    /// shows the key file (KeyFileDialog).
    void lendDirectly(const QString &partitionId);
    /// Withdraws a partition from its market. When the market cannot be reached, asks
    /// (forceWithdrawDialog) whether to withdraw it here now and tell the market later.
    void withdraw(const QString &partitionId, bool force = false);

signals:
    void error(const lendable::Error &error);
    void changed();
    /// The agent's host name, once it is known (the tab is named after it).
    void hostNameKnown(const QString &hostName);
    /// Something the owner should know that is not an error (a withdrawal the market hears of later).
    void notice(const QString &text);

private:
    void showPartitions(const QList<protocol::PartitionState> &partitions);
    void applyPartition(const protocol::PartitionState &state);
    /// A lock violation the agent pushed: a notice when it put the lease back, else an error.
    void showViolation(const protocol::LockViolated &violation);
    template <typename Reply, typename Request>
    void send(const Request &request);
    /// Listens to the agent on `owner` (its pushes, its end) and asks it to push.
    void attach(protocol::Channel *owner);
    void lost(const lendable::Error &reason);
    void tryReconnect();

    QPointer<protocol::Channel> m_owner;
    Reconnector m_reconnect;
    int m_reconnectDelayMs = 1000;
    int m_keepAliveMs = ui::KeepAlive::kIntervalMs;
    int m_keepAliveTimeoutMs = ui::KeepAlive::kTimeoutMs;
    int m_reconnectFailures = 0;
    bool m_everConnected = false; ///< false until the agent first answered (connectNow())
    QTimer *m_reconnectTimer = nullptr;
    QLabel *m_connectionWarning = nullptr;
    QWidget *m_content = nullptr; ///< everything below the warnings: disabled while disconnected
    protocol::MachineInfo m_machine;
    QList<protocol::PartitionState> m_partitions;
    MachineBar *m_bar;
    QLabel *m_libvirtWarning;
    QLabel *m_summary;
    ResourceControl m_reserveCpu;
    ResourceControl m_reserveMemory;
    ResourceControl m_reserveDisk;
    QPushButton *m_new;
    QPushButton *m_jobsButton;
    QPushButton *m_billsButton;
    QPointer<JobsDialog> m_jobs;
    QPointer<BillsDialog> m_billsDialog;
    QVBoxLayout *m_cardLayout;
    QHash<QString, PartitionCard *> m_cards;
};

class LenderWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit LenderWindow(const QString &localNodeId, QWidget *parent = nullptr);
    /// A tab for one machine, first called `title` (its address); once the agent says its
    /// host name, the tab is named after it (with "This machine" for the `local` one) and
    /// the address moves to the tab's tooltip.
    MachineTab *addMachine(protocol::Channel *owner, const QString &title, bool local = false);
    MachineTab *machine(int index) const;
    QTabWidget *tabs() const { return m_tabs; }
    ui::ErrorBanner *errorBanner() const { return m_banner; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void updateTray();

    QString m_localNodeId;
    ui::ErrorBanner *m_banner;
    QTabWidget *m_tabs;
    QSystemTrayIcon *m_tray = nullptr;
};

} // namespace lendable::lender
