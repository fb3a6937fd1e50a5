#include "BorrowerWindow.h"

#include "MarketDialog.h"
#include "OfferText.h"

#include "protocol/ReceiptJson.h"
#include "protocol/Terms.h"
#include "ui/AboutDialog.h"
#include "ui/ErrorBanner.h"
#include "ui/Format.h"
#include "ui/GuiSupport.h"
#include "ui/UsageChart.h"

#include <QCloseEvent>
#include <QColor>
#include <QCoreApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMap>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <limits>

namespace lendable::borrower {

using namespace lendable::protocol;

namespace {

/// The keys of a query's tokens in lower case (`cpus` of `cpus>=2`), as the market reads them.
QStringList queryKeys(const QString &query)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    static const QRegularExpression op(QStringLiteral("[<>=!]"));
    QStringList keys;
    for (const QString &token : query.split(space, Qt::SkipEmptyParts)) {
        const qsizetype at = token.indexOf(op);
        keys.append((at < 0 ? token : token.left(at)).toLower());
    }
    return keys;
}

QString conditionsText(const LendingConditions &c)
{
    return QObject::tr("%1 vCPU · %2 memory · %3 disk · %4 per hour · images: %5")
        .arg(c.resources.cpus)
        .arg(formatSizeMib(c.resources.memoryMib), formatSizeMib(c.resources.diskMib), c.ratePerHour.toString(),
             c.osImages.join(QStringLiteral(", ")));
}

/// Job states come from the protocol as identifiers; show them in the user's language.
QString jobStateText(const QString &state)
{
    static const char *const kStates[] = {
        QT_TRANSLATE_NOOP("JobState", "queued"),    QT_TRANSLATE_NOOP("JobState", "preparing"),
        QT_TRANSLATE_NOOP("JobState", "booting"),   QT_TRANSLATE_NOOP("JobState", "running"),
        QT_TRANSLATE_NOOP("JobState", "succeeded"), QT_TRANSLATE_NOOP("JobState", "failed"),
        QT_TRANSLATE_NOOP("JobState", "cancelled"), QT_TRANSLATE_NOOP("JobState", "timed_out"),
        QT_TRANSLATE_NOOP("JobState", "error")};
    for (const char *known : kStates) {
        if (state == QLatin1String(known))
            return QCoreApplication::translate("JobState", known);
    }
    return state;
}

/// One line of a contract's job history, the same for jobs run earlier and the one that just
/// ended: when it was submitted, its ID, image, state and exit code.
QString historyLine(const JobRecord &j)
{
    QString line = QStringLiteral("%1  %2  %3  %4").arg(ui::formatTimestamp(j.submittedAtMs), j.jobId, j.os, jobStateText(j.state));
    if (j.exitCode)
        line += QCoreApplication::translate("lendable::borrower::ContractPage", " (exit code %1)").arg(*j.exitCode);
    return line;
}

/// A cell of the bills tables: shown as text, sorted by a number (an amount in micro-units, a
/// time or a duration in ms, a count), so that 10.5 sorts after 9.1. Numbers are right-aligned.
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(const QString &text, qint64 key) : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, key);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        return data(Qt::UserRole).toLongLong() < other.data(Qt::UserRole).toLongLong();
    }
};

/// A time cell: sorted by its time (a running contract's end after every end).
class TimeItem : public NumberItem {
public:
    TimeItem(const QString &text, qint64 key) : NumberItem(text, key) { setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter); }
};

const char *kSampleScript = "#!/bin/sh\n# Runs in the lent partition; files from \"Inputs\" are in /job/in,\n"
                            "# files written to the working directory come back as outputs.\n"
                            "echo \"hello from $(uname -n)\"\nls -l /job/in\necho result > result.txt\nexit 0\n";
} // namespace

// ───────────────────────────── offers ─────────────────────────────

OffersPage::OffersPage(BorrowerSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_cpus(new QSpinBox(this))
    , m_memory(new QLineEdit(this))
    , m_disk(new QLineEdit(this))
    , m_os(new QLineEdit(this))
    , m_maxRate(new QLineEdit(this))
    , m_minTimeLimit(new QLineEdit(this))
    , m_query(new QLineEdit(this))
    , m_explanation(new QLabel(this))
    , m_borrow(new QPushButton(tr("Borrow…"), this))
    , m_model(new ui::PagedTableModel({{tr("Lender"), {}},
                                       {tr("Partition"), {}},
                                       {tr("vCPUs"), QStringLiteral("cpus"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Memory"), QStringLiteral("memory"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Disk"), QStringLiteral("disk"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("OS images"), {}},
                                       {tr("Rate / h"), QStringLiteral("rate"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Reliability"), QStringLiteral("reliability"), Qt::AlignRight | Qt::AlignVCenter},
                                       // The longest a contract may run (h:mm:ss): it ends by itself then.
                                       {tr("Time limit"), QStringLiteral("time"), Qt::AlignRight | Qt::AlignVCenter}},
                                      this))
{
    m_cpus->setObjectName(QStringLiteral("cpuSpinBox"));
    m_cpus->setRange(0, 1024);
    m_cpus->setSpecialValueText(tr("any"));
    m_memory->setObjectName(QStringLiteral("memoryEdit"));
    m_memory->setPlaceholderText(tr("e.g. 512M, 2G"));
    m_disk->setObjectName(QStringLiteral("diskEdit"));
    m_disk->setPlaceholderText(tr("e.g. 4G"));
    m_os->setObjectName(QStringLiteral("osEdit"));
    m_os->setPlaceholderText(tr("e.g. busybox"));
    m_maxRate->setObjectName(QStringLiteral("maxRateEdit"));
    m_maxRate->setPlaceholderText(tr("e.g. 1.50"));
    m_minTimeLimit->setObjectName(QStringLiteral("minTimeLimitEdit"));
    m_minTimeLimit->setPlaceholderText(tr("e.g. 8h"));
    m_minTimeLimit->setToolTip(tr("Offers whose contracts may run at least this long (8h, 1:30:00, 3600 seconds); offers without "
                                  "a time limit always do. \"none\": only offers without a time limit."));
    m_query->setObjectName(QStringLiteral("queryEdit"));
    m_query->setPlaceholderText(tr("Query language, e.g. cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate"));
    m_query->setClearButtonEnabled(true);
    m_explanation->setObjectName(QStringLiteral("explanationLabel"));
    m_explanation->setWordWrap(true);
    m_borrow->setObjectName(QStringLiteral("borrowButton"));
    m_borrow->setEnabled(false);
    auto *searchButton = new QPushButton(tr("Search"), this);
    searchButton->setObjectName(QStringLiteral("searchButton"));
    searchButton->setDefault(true);

    auto *filters = new QHBoxLayout;
    auto addFilter = [&](const QString &label, QWidget *w) {
        auto *l = new QLabel(label, this);
        l->setBuddy(w);
        filters->addWidget(l);
        filters->addWidget(w);
    };
    addFilter(tr("Min &vCPUs"), m_cpus);
    addFilter(tr("Min &memory"), m_memory);
    addFilter(tr("Min &disk"), m_disk);
    addFilter(tr("&OS image"), m_os);
    addFilter(tr("Max &rate"), m_maxRate);
    addFilter(tr("Min &time limit"), m_minTimeLimit);
    filters->addStretch();
    auto *queryRow = new QHBoxLayout;
    queryRow->addWidget(m_query, 1);
    queryRow->addWidget(searchButton);
    queryRow->addWidget(m_borrow);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("offersView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    ui::sizeColumns(m_view, {QStringLiteral("render-farm-01"), QStringLiteral("part-0000"), QStringLiteral("000"),
                             QStringLiteral("512M"), QStringLiteral("512G"), QString(), QStringLiteral("00.00"),
                             QStringLiteral("100 %"), QStringLiteral("000:00:00")});
    m_view->sortByColumn(6, Qt::AscendingOrder);
    ui::keepSortIndicatorOnSortableColumns(m_view, m_model);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(queryRow);
    layout->addWidget(m_explanation);
    layout->addWidget(m_view, 1);

    m_model->setFetcher([this](qint64 offset, int limit, const QString &sortKey, Qt::SortOrder order,
                               const ui::PagedTableModel::Reply &reply) {
        SearchOffers req = m_search;
        req.offset = offset;
        req.limit = limit;
        // An order written in the query (order= or sort=, any case) wins over the header's.
        const QStringList keys = queryKeys(req.query);
        if (!sortKey.isEmpty() && !keys.contains(QLatin1String("order")) && !keys.contains(QLatin1String("sort")))
            req.order = ui::sortArgument(sortKey, order);
        m_session->searchOffers(req, this, [this, reply, offset, search = m_searches](Result<OfferPage> r) {
            // The list drops a superseded search's pages itself; its words are dropped here,
            // as are those of one given up with the market it was asked of (File › Market…).
            if (search != m_searches || (!r.ok() && r.error().code == ErrorCode::Cancelled)) {
                reply(ui::TablePage{});
                return;
            }
            if (!r.ok()) {
                m_explanation->setText(tr("Search failed: %1").arg(r.error().message));
                reply(r.error());
                return;
            }
            if (offset == 0) {
                if (r->total == 0 && !r->explanation.isEmpty()) {
                    QStringList why;
                    for (const Exclusion &e : r->explanation)
                        why.append(tr("%1 excluded %n offer(s)", nullptr, int(e.excluded)).arg(exclusionText(e)));
                    m_explanation->setText(tr("No offer matches. %1.").arg(why.join(QStringLiteral("; "))));
                } else if (r->total == 0) {
                    m_explanation->setText(tr("No offer is available right now."));
                } else {
                    m_explanation->setText(tr("%n offer(s) match.", nullptr, int(qMin<qint64>(r->total, INT_MAX))));
                }
            }
            ui::TablePage page;
            page.total = r->total;
            for (const Offer &o : r->offers) {
                m_offers.insert(o.offerId, o);
                page.rows.append({o.lenderName.isEmpty() ? o.lenderId.left(12) : o.lenderName, o.partitionId,
                                  o.conditions.resources.cpus, formatSizeMib(o.conditions.resources.memoryMib),
                                  formatSizeMib(o.conditions.resources.diskMib), o.conditions.osImages.join(QStringLiteral(", ")),
                                  ui::formatAmount(o.conditions.ratePerHour), QStringLiteral("%1 %").arg(o.reliability),
                                  ui::formatTimeLimit(o.conditions.maxDurationS)});
                page.keys.append(o.offerId);
            }
            reply(page);
        });
    });
    connect(searchButton, &QPushButton::clicked, this, &OffersPage::search);
    connect(m_query, &QLineEdit::returnPressed, this, &OffersPage::search);
    for (QLineEdit *e : {m_memory, m_disk, m_os, m_maxRate, m_minTimeLimit})
        connect(e, &QLineEdit::returnPressed, this, &OffersPage::search);
    connect(m_cpus, &QSpinBox::valueChanged, this, &OffersPage::search);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_borrow->setEnabled(selectedOffer().has_value()); });
    connect(m_view, &QTableView::doubleClicked, this, [this] {
        if (auto offer = selectedOffer())
            emit borrowRequested(*offer);
    });
    connect(m_borrow, &QPushButton::clicked, this, [this] {
        if (auto offer = selectedOffer())
            emit borrowRequested(*offer);
    });
}

SearchOffers OffersPage::currentSearch() const
{
    SearchOffers req;
    req.minCpus = m_cpus->value();
    if (Result<qint64> mem = parseSizeMib(m_memory->text().trimmed()); !m_memory->text().trimmed().isEmpty() && mem.ok())
        req.minMemoryMib = *mem;
    if (Result<qint64> disk = parseSizeMib(m_disk->text().trimmed()); !m_disk->text().trimmed().isEmpty() && disk.ok())
        req.minDiskMib = *disk;
    req.os = m_os->text().trimmed();
    if (Result<Money> rate = Money::parse(m_maxRate->text().trimmed()); !m_maxRate->text().trimmed().isEmpty() && rate.ok())
        req.maxRate = *rate;
    req.query = m_query->text().trimmed();
    // The search has no field of its own for it: the query's `time` requirement says it.
    const QString limit = m_minTimeLimit->text().trimmed();
    QString timeRequirement;
    if (limit.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        timeRequirement = QStringLiteral("time=none");
    else if (const std::optional<qint64> s = protocol::parseDurationS(limit); s && *s > 0)
        timeRequirement = QStringLiteral("time>=%1").arg(*s);
    if (!timeRequirement.isEmpty())
        req.query = req.query.isEmpty() ? timeRequirement : req.query + QLatin1Char(' ') + timeRequirement;
    return req;
}

void OffersPage::search()
{
    // A typo in a filter box is said at once, not silently ignored.
    QStringList problems;
    if (!m_memory->text().trimmed().isEmpty() && !parseSizeMib(m_memory->text().trimmed()).ok())
        problems.append(parseSizeMib(m_memory->text().trimmed()).error().message);
    if (!m_disk->text().trimmed().isEmpty() && !parseSizeMib(m_disk->text().trimmed()).ok())
        problems.append(parseSizeMib(m_disk->text().trimmed()).error().message);
    if (!m_maxRate->text().trimmed().isEmpty() && !Money::parse(m_maxRate->text().trimmed()).ok())
        problems.append(Money::parse(m_maxRate->text().trimmed()).error().message);
    if (const QString limit = m_minTimeLimit->text().trimmed(); !limit.isEmpty() && !protocol::parseDurationS(limit))
        problems.append(tr("'%1' is not a time limit: write one such as 8h, 1:30:00 or 3600 (seconds), or none for offers without "
                           "a limit")
                            .arg(limit));
    // The market lets a query's limit and offset win over the list's own paging, which would
    // then show the same rows on every page, or leave rows blank.
    const QStringList keys = queryKeys(m_query->text());
    if (keys.contains(QLatin1String("limit")) || keys.contains(QLatin1String("offset")))
        problems.append(tr("the list shows every match as you scroll: leave limit= and offset= out of the query (the "
                           "command line's `offers` takes them)"));
    if (!problems.isEmpty()) {
        emit error(Error(ErrorCode::InvalidArgument, problems.join(QStringLiteral("; "))));
        return;
    }
    m_search = currentSearch();
    ++m_searches;
    m_offers.clear();
    m_model->reload();
}

std::optional<Offer> OffersPage::selectedOffer() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const QString id = m_model->keyAt(rows.first().row()).toString();
    const auto it = m_offers.constFind(id);
    if (it == m_offers.cend())
        return std::nullopt;
    return *it;
}

// ───────────────────────────── contract ─────────────────────────────

ContractPage::ContractPage(BorrowerSession *session, ContractRecord contract, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_contract(std::move(contract))
    , m_os(new QComboBox(this))
    , m_script(new QPlainTextEdit(this))
    , m_inputs(new QListWidget(this))
    , m_timeout(new QSpinBox(this))
    , m_submit(new QPushButton(tr("&Submit job"), this))
    , m_cancel(new QPushButton(tr("&Cancel job"), this))
    , m_end(new QPushButton(tr("&End contract"), this))
    , m_state(new QLabel(tr("No job yet"), this))
    , m_progress(new QProgressBar(this))
    , m_console(new QPlainTextEdit(this))
    , m_usage(new ui::UsageChart(this))
    , m_history(new QListWidget(this))
    , m_charge(new QLabel(this))
{
    setObjectName(QStringLiteral("contractPage"));
    m_os->setObjectName(QStringLiteral("osComboBox"));
    m_os->addItems(m_contract.osImages.isEmpty() ? QStringList{QStringLiteral("busybox")} : m_contract.osImages);
    m_script->setObjectName(QStringLiteral("scriptEdit"));
    m_script->setPlainText(QString::fromUtf8(kSampleScript));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_script->setFont(mono);
    m_script->setLineWrapMode(QPlainTextEdit::NoWrap); // a script's lines are lines
    m_console->setObjectName(QStringLiteral("consoleView"));
    m_console->setReadOnly(true);
    m_console->setFont(mono);
    m_console->setMaximumBlockCount(20000);
    m_timeout->setObjectName(QStringLiteral("timeoutSpinBox"));
    m_timeout->setRange(10, 86400);
    m_timeout->setValue(300);
    m_timeout->setSuffix(tr(" s"));
    m_submit->setObjectName(QStringLiteral("submitButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    m_end->setObjectName(QStringLiteral("endContractButton"));
    m_state->setObjectName(QStringLiteral("jobStateLabel"));
    m_charge->setObjectName(QStringLiteral("chargeLabel"));
    m_history->setObjectName(QStringLiteral("jobHistoryList"));
    m_progress->setVisible(false);
    m_inputs->setObjectName(QStringLiteral("inputsList"));
    m_inputs->setMaximumHeight(70);

    auto *summary = new QLabel(tr("<b>Contract %1</b> with lender %2 — partition %3<br>%4<br>Started %5")
                                   .arg(m_contract.contractId.toHtmlEscaped(), m_contract.lenderId.left(16),
                                        m_contract.partitionId.toHtmlEscaped())
                                   .arg(tr("rate %1 per hour").arg(m_contract.ratePerHour.toString()),
                                        ui::formatTimestamp(m_contract.startedAtMs)),
                               this);
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (m_contract.maxDurationS > 0) {
        // A job still running then is stopped with it: the borrower plans by this.
        summary->setText(summary->text() + QStringLiteral("<br>")
                         + (m_contract.direct ? tr("The lender ends it by itself at %1 (time limit %2, h:mm:ss).")
                                              : tr("The market ends it by itself at %1 (time limit %2, h:mm:ss)."))
                               .arg(ui::formatTimestamp(m_contract.endsByItselfAtMs()), ui::formatTimeLimit(m_contract.maxDurationS))
                               .toHtmlEscaped());
    }
    summary->setObjectName(QStringLiteral("contractSummaryLabel"));

    auto *job = new QGroupBox(tr("New job"), this);
    auto *form = new QFormLayout(job);
    form->addRow(tr("OS image"), m_os);
    auto *scriptRow = new QHBoxLayout;
    auto *load = new QPushButton(tr("Load script…"), job);
    scriptRow->addWidget(m_script, 1);
    scriptRow->addWidget(load, 0, Qt::AlignTop);
    form->addRow(tr("Script"), scriptRow);
    auto *inputRow = new QHBoxLayout;
    auto *addInput = new QPushButton(tr("Add…"), job);
    auto *removeInput = new QPushButton(tr("Remove"), job);
    inputRow->addWidget(m_inputs, 1);
    auto *inputButtons = new QVBoxLayout;
    inputButtons->addWidget(addInput);
    inputButtons->addWidget(removeInput);
    inputRow->addLayout(inputButtons);
    form->addRow(tr("Input files"), inputRow);
    form->addRow(tr("Time limit"), m_timeout);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_submit);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    buttons->addWidget(m_end);
    form->addRow(buttons);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *stateRow = new QHBoxLayout;
    stateRow->addWidget(m_state, 1);
    stateRow->addWidget(m_progress);
    rightLayout->addLayout(stateRow);
    rightLayout->addWidget(m_console, 3);
    rightLayout->addWidget(m_usage, 2);
    rightLayout->addWidget(new QLabel(tr("Job history"), right));
    rightLayout->addWidget(m_history, 1);
    rightLayout->addWidget(m_charge);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(job);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(splitter, 1);

    connect(load, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load job script"));
        if (path.isEmpty())
            return;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            emit error(Error(ErrorCode::IoError, tr("cannot read %1: %2").arg(path, f.errorString())));
            return;
        }
        m_script->setPlainText(QString::fromUtf8(f.readAll()));
    });
    connect(addInput, &QPushButton::clicked, this, [this] {
        for (const QString &path : QFileDialog::getOpenFileNames(this, tr("Add input files")))
            m_inputs->addItem(path);
    });
    connect(removeInput, &QPushButton::clicked, this, [this] { qDeleteAll(m_inputs->selectedItems()); });
    connect(m_submit, &QPushButton::clicked, this, &ContractPage::submit);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_jobId.isEmpty())
            return;
        m_session->cancelJob(m_jobId, this, [this](Result<void> r) {
            if (!r.ok())
                emit error(r.error());
        });
    });
    connect(m_end, &QPushButton::clicked, this, [this] { endContract(true); });

    connect(m_session, &BorrowerSession::jobOutput, this, [this](const QString &jobId, qint64, const QByteArray &data) {
        if (jobId != m_jobId)
            return;
        m_console->moveCursor(QTextCursor::End);
        m_console->insertPlainText(m_consoleDecoder.decode(data));
        m_console->verticalScrollBar()->setValue(m_console->verticalScrollBar()->maximum());
    });
    connect(m_session, &BorrowerSession::jobStateChanged, this, [this](const JobStateChanged &s) {
        if (s.jobId != m_jobId)
            return;
        QString text = tr("Job %1: %2").arg(s.jobId, jobStateText(s.state));
        if (s.exitCode)
            text += tr(" (exit code %1)").arg(*s.exitCode);
        if (!s.message.isEmpty())
            text += QStringLiteral(" — ") + s.message;
        m_state->setText(text);
        if (isFinalJobState(s.state)) {
            setRunning(false);
            JobRecord done = m_session->store().job(s.jobId).value_or(JobRecord{});
            if (done.jobId.isEmpty()) {
                done.jobId = s.jobId;
                done.os = m_os->currentText();
                done.submittedAtMs = QDateTime::currentMSecsSinceEpoch();
            }
            done.state = s.state;
            if (s.exitCode)
                done.exitCode = s.exitCode;
            m_history->addItem(historyLine(done));
            m_session->fetchJobResult(s.jobId, this, [this](Result<JobOutcome> r) {
                m_progress->setVisible(false); // large outputs came with a bar of their own
                if (!r.ok()) {
                    emit error(r.error());
                    return;
                }
                if (!r->outputPaths.isEmpty())
                    m_history->addItem(tr("    outputs: %1").arg(r->outputPaths.join(QStringLiteral(", "))));
                if (!r->incomplete.isEmpty())
                    emit error(Error(ErrorCode::IoError, r->incomplete.join(QStringLiteral("; "))));
            });
        }
    });
    connect(m_session, &BorrowerSession::progress, this, [this](const JobProgress &p) {
        if (p.jobId != m_jobId)
            return;
        m_progress->setVisible(true);
        m_progress->setFormat(p.stage == QStringLiteral("image_download")    ? tr("downloading image %p%")
                              : p.stage == QStringLiteral("boot")            ? tr("booting")
                              : p.stage == QStringLiteral("result_download") ? tr("fetching outputs %p%")
                                                                             : tr("collecting outputs"));
        m_progress->setRange(0, p.total > 0 ? 100 : 0);
        if (p.total > 0)
            m_progress->setValue(int(100 * p.done / p.total));
    });
    connect(m_session, &BorrowerSession::usageSample, this, [this](const UsageSample &s) {
        if (s.partitionId == m_contract.partitionId)
            m_usage->addSample(s.atMs, s.cpuPermille, s.memoryUsedMib, s.memoryMib);
    });
    // Jobs run earlier (from this app or the CLI) are in the local store: list them, and show
    // the console of the last one that was fetched.
    if (Result<QList<JobRecord>> jobs = m_session->store().jobsOf(m_contract.contractId); jobs.ok()) {
        for (const JobRecord &j : *jobs)
            m_history->addItem(historyLine(j));
        if (!jobs->isEmpty()) {
            const JobRecord &last = jobs->last();
            // Its end only: a console kept whole may be far longer than the view keeps, and
            // is read here on the window's thread.
            QFile console(m_session->store().jobDir(last.jobId) + QStringLiteral("/console.log"));
            constexpr qint64 kShownConsoleBytes = 2 * 1024 * 1024;
            if (console.open(QIODevice::ReadOnly) && console.seek(qMax<qint64>(0, console.size() - kShownConsoleBytes)))
                m_console->setPlainText(QString::fromUtf8(console.read(kShownConsoleBytes)));
            m_state->setText(tr("Last job %1: %2").arg(last.jobId, jobStateText(last.state))
                             + (last.exitCode ? tr(" (exit code %1)").arg(*last.exitCode) : QString()));
            if (!isFinalJobState(last.state)) {
                m_jobId = last.jobId;
                setRunning(true);
                m_session->watchJob(m_jobId, 0, this, [this](Result<void> w) {
                    if (!w.ok())
                        emit error(w.error());
                });
            }
        }
    }
    if (m_contract.direct) {
        // No market bills it or can end it: its owner does.
        m_end->setEnabled(false);
        m_end->setToolTip(tr("The partition's owner lent it to you directly, without a market: ask the owner to end the lease."));
    }
    connect(m_session, &BorrowerSession::contractEndedAtMarket, this,
            [this](const QString &contractId, qint64 endedAtMs, const Money &charge) {
                if (contractId != m_contract.contractId)
                    return;
                m_contract.endedAtMs = endedAtMs;
                m_contract.charge = charge;
                m_charge->setText(tr("The market ended this contract on %1 (its lender could no longer lend the partition, or its "
                                     "time ran out) · charge %2 · no end receipt")
                                      .arg(ui::formatTimestamp(endedAtMs), charge.toString()));
                m_submit->setEnabled(false);
                m_cancel->setEnabled(false);
                m_end->setEnabled(false);
                emit ended(m_contract.contractId);
            });
    if (m_contract.isEnded()) {
        m_charge->setText(tr("Ended %1 · charge %2").arg(ui::formatTimestamp(m_contract.endedAtMs), m_contract.charge.toString()));
        m_submit->setEnabled(false);
        m_end->setEnabled(false);
    }
    m_timeLimit.setSingleShot(true);
    connect(&m_timeLimit, &QTimer::timeout, this, &ContractPage::timeLimitReached);
    armTimeLimit();
}

void ContractPage::setRunning(bool running)
{
    m_submit->setEnabled(!running && !m_contract.isEnded() && !pastTimeLimit());
    m_cancel->setEnabled(running);
    if (!running)
        m_progress->setVisible(false);
}

bool ContractPage::pastTimeLimit() const
{
    const qint64 ends = m_contract.endsByItselfAtMs();
    return ends > 0 && QDateTime::currentMSecsSinceEpoch() >= ends;
}

void ContractPage::armTimeLimit()
{
    const qint64 ends = m_contract.endsByItselfAtMs();
    if (ends <= 0 || m_contract.isEnded())
        return;
    // A timer counts in int milliseconds (24 days): a later limit is waited for in steps.
    m_timeLimit.start(int(qBound(qint64(0), ends - QDateTime::currentMSecsSinceEpoch(), qint64(std::numeric_limits<int>::max()))));
}

void ContractPage::timeLimitReached()
{
    if (m_contract.isEnded())
        return;
    if (!pastTimeLimit()) {
        armTimeLimit();
        return;
    }
    // Whatever was asked now would be refused, and a job still running is being stopped.
    m_submit->setEnabled(false);
    m_cancel->setEnabled(false);
    m_end->setEnabled(false);
    const QString why = m_contract.direct
                            ? tr("The lease reached its time limit (%1, h:mm:ss) at %2: the lender ends it, and stops a job still "
                                 "running. No more jobs can be submitted.")
                            : tr("The contract reached its time limit (%1, h:mm:ss) at %2: the market ends it, and the lender "
                                 "stops a job still running. No more jobs can be submitted.");
    m_charge->setText(why.arg(ui::formatTimeLimit(m_contract.maxDurationS), ui::formatTimestamp(m_contract.endsByItselfAtMs())));
    m_submit->setToolTip(m_charge->text());
    // The market's bills bring its end, and the charge (contractEndedAtMarket()); no market
    // knows of a direct lease.
    if (!m_contract.direct)
        askForEnd(5);
}

void ContractPage::askForEnd(int attempts)
{
    m_session->listBills(0, this, [this, attempts](Result<BillList>) {
        // The market ends a contract at the sweep after its limit: while its bill still says
        // running, ask again a little later.
        if (!m_contract.isEnded() && attempts > 1)
            QTimer::singleShot(3000, this, [this, attempts] { askForEnd(attempts - 1); });
    });
}

void ContractPage::submit()
{
    JobSpec spec;
    spec.os = m_os->currentText();
    spec.script = m_script->toPlainText().toUtf8();
    spec.timeoutS = m_timeout->value();
    // Names and sizes are checked before anything is read: a file of gigabytes would
    // otherwise be read whole on this thread, the window frozen meanwhile, only to be refused.
    const qsizetype limit = BorrowerSession::kMaxJobBytes;
    const QLocale locale;
    qint64 total = spec.script.size();
    QStringList names;
    for (int i = 0; i < m_inputs->count(); ++i) {
        const QFileInfo info(m_inputs->item(i)->text());
        const QString name = info.fileName();
        if (names.contains(name)) {
            emit error(Error(ErrorCode::InvalidArgument, tr("Two input files are named %1: they would overwrite each other in /job/in. "
                                                            "Rename one of them, or remove it from the list.")
                                                             .arg(name)));
            return;
        }
        names.append(name);
        // Not a device or a pipe either: its size says nothing of what reading it gives.
        if (!info.isFile()) {
            emit error(Error(ErrorCode::IoError, tr("Cannot send input %1: it is not a file (or no longer there).").arg(info.filePath())));
            return;
        }
        if (info.size() > limit) {
            emit error(Error(ErrorCode::InvalidArgument, tr("Input %1 is %2; at most %3 go with a job, script and inputs together.")
                                                             .arg(info.filePath(), locale.formattedDataSize(info.size()),
                                                                  locale.formattedDataSize(limit))));
            return;
        }
        total += info.size() + name.toUtf8().size();
        if (total > limit) {
            emit error(Error(ErrorCode::InvalidArgument, tr("The script and input files add up to more than %1, the most that goes "
                                                            "with a job. Remove an input, or make it smaller.")
                                                             .arg(locale.formattedDataSize(limit))));
            return;
        }
    }
    for (int i = 0; i < m_inputs->count(); ++i) {
        const QString path = m_inputs->item(i)->text();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            emit error(Error(ErrorCode::IoError, tr("cannot read input %1: %2").arg(path, f.errorString())));
            return;
        }
        // No more than the limit, even from a file that grew since: the session refuses the rest.
        spec.inputs.append(JobFile{QFileInfo(path).fileName(), f.read(limit + 1)});
    }
    m_console->clear();
    m_consoleDecoder.resetState();
    m_usage->clear();
    // Nothing to cancel until the lender has taken the job and named it: the last job's ID
    // is not this one's.
    m_jobId.clear();
    setRunning(true);
    m_cancel->setEnabled(false);
    m_state->setText(tr("Submitting…"));
    m_session->submitJob(m_contract.contractId, spec, this, [this](Result<JobRecord> r) {
        if (!r.ok()) {
            setRunning(false);
            m_state->setText(tr("Submission refused"));
            emit error(r.error());
            return;
        }
        m_jobId = r->jobId;
        m_cancel->setEnabled(true);
        m_state->setText(tr("Job %1: queued").arg(m_jobId));
        // The contract's end stops the job, whatever its own time limit: say so now, not
        // when its outputs are lost.
        if (const qint64 ends = m_contract.endsByItselfAtMs(); ends > 0) {
            const qint64 jobLimitAt = QDateTime::currentMSecsSinceEpoch() + qint64(m_timeout->value()) * 1000;
            if (jobLimitAt > ends)
                emit notice((m_contract.direct ? tr("Job %1 may run for %2, but the lender ends this lease at %3 (its time limit): a job "
                                                    "still running then is stopped, and its outputs are lost.")
                                               : tr("Job %1 may run for %2, but the market ends this contract at %3 (its time limit): a job "
                                                    "still running then is stopped, and its outputs are lost."))
                                .arg(m_jobId, ui::formatDuration(qint64(m_timeout->value()) * 1000), ui::formatTimestamp(ends)));
        }
        m_session->watchJob(m_jobId, 0, this, [this](Result<void> w) {
            if (!w.ok())
                emit error(w.error());
        });
    });
}

void ContractPage::endContract(bool confirm)
{
    if (confirm) {
        // Billed up to the time limit at most, however late the market's end comes.
        const qint64 limitAt = m_contract.endsByItselfAtMs();
        const qint64 nowMs = limitAt > 0 ? qMin(QDateTime::currentMSecsSinceEpoch(), limitAt) : QDateTime::currentMSecsSinceEpoch();
        const Money soFar = Money::charge(m_contract.ratePerHour, qMax<qint64>(0, nowMs - m_contract.startedAtMs)).value_or(Money());
        QMessageBox box(QMessageBox::Question, tr("End contract"),
                        tr("End contract %1 for partition %2?").arg(m_contract.contractId, m_contract.partitionId),
                        QMessageBox::Ok | QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("endContractDialog"));
        QString details = tr("The charge so far is %1 (%2 at %3 per hour); the market bills until the moment it ends the contract.")
                              .arg(soFar.toString(), ui::formatDuration(nowMs - m_contract.startedAtMs), m_contract.ratePerHour.toString());
        if (!m_jobId.isEmpty() && m_cancel->isEnabled())
            details += QStringLiteral("\n\n") + tr("Job %1 is still running: the lender stops it, and its outputs are lost.").arg(m_jobId);
        details += QStringLiteral("\n\n") + tr("The partition goes back to its lender; the lending key stops working.");
        box.setInformativeText(details);
        box.button(QMessageBox::Ok)->setText(tr("End contract"));
        box.setDefaultButton(QMessageBox::Cancel);
        if (box.exec() != QMessageBox::Ok)
            return;
    }
    m_end->setEnabled(false);
    m_session->endContract(m_contract.contractId, this, [this](Result<ContractEnd> r) {
        if (!r.ok()) {
            m_end->setEnabled(!pastTimeLimit());
            emit error(r.error());
            // Ended already, by the market: its bill says when, and this page follows.
            if (r.error().code == ErrorCode::Conflict)
                m_session->listBills(0, this, [](Result<BillList>) {});
            return;
        }
        m_contract.endedAtMs = r->closed.receipt.endedAtMs;
        m_contract.charge = r->closed.charge;
        m_charge->setText(tr("Contract ended after %1 · charge %2 · receipt %3")
                              .arg(ui::formatDuration(r->closed.durationMs), r->closed.charge.toString(),
                                   r->receiptProblem.isError() ? tr("NOT verified: %1").arg(r->receiptProblem.message)
                                                               : tr("verified")));
        m_submit->setEnabled(false);
        m_cancel->setEnabled(false);
        if (r->recordProblem.isError())
            emit error(r->recordProblem);
        emit ended(m_contract.contractId);
    });
}

// ───────────────────────────── bills ─────────────────────────────

BillsPage::BillsPage(BorrowerSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_table(new QTableWidget(0, 8, this))
    , m_months(new QTableWidget(0, 3, this))
    , m_limitNote(new QLabel(this))
    , m_saveReceipt(new QPushButton(tr("Save receipt…"), this))
{
    m_table->setObjectName(QStringLiteral("billsTable"));
    m_table->setHorizontalHeaderLabels({tr("Contract"), tr("Partition"), tr("Rate / h"), tr("Started"), tr("Ended"),
                                        tr("Duration"), tr("Charge"), tr("Receipt")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Contract IDs begin with their creation time: one too long for its column keeps its
    // start and its end.
    m_table->setTextElideMode(Qt::ElideMiddle);
    const QString timestamp = ui::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
    ui::sizeColumns(m_table, {QStringLiteral("c-0123456789ab…0123456789"), QStringLiteral("part-0000"), QStringLiteral("00.00"),
                              timestamp, timestamp, ui::formatDuration(999 * 3600'000LL), QStringLiteral("0000.000000")});
    m_months->setObjectName(QStringLiteral("monthTotalsTable"));
    m_months->setHorizontalHeaderLabels({tr("Month (UTC)"), tr("Contracts"), tr("Total")});
    m_months->horizontalHeaderItem(0)->setToolTip(tr("As the market invoices: each contract in the month it ended in (UTC), whole"));
    m_months->horizontalHeader()->setStretchLastSection(true);
    m_months->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_months->verticalHeader()->hide();
    m_months->setWordWrap(false);
    ui::sizeColumns(m_months, {tr("running (so far)"), QStringLiteral("000000")}); // wider than "2026-12"
    m_months->setMaximumHeight(160);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    auto *verify = new QPushButton(tr("Verify receipt…"), this);
    verify->setObjectName(QStringLiteral("verifyReceiptButton"));
    m_saveReceipt->setObjectName(QStringLiteral("saveReceiptButton"));
    m_saveReceipt->setToolTip(tr("Save the signed receipt of the selected contract, to keep or to check with "
                                 "`borrower-client --cli receipt verify FILE`; one not kept here is asked of the market"));
    m_saveReceipt->setEnabled(false);
    auto *exportButton = new QPushButton(tr("Export CSV…"), this);
    exportButton->setObjectName(QStringLiteral("exportCsvButton"));
    auto *top = new QHBoxLayout;
    top->addWidget(refresh);
    top->addStretch();
    top->addWidget(m_saveReceipt);
    top->addWidget(verify);
    top->addWidget(exportButton);
    m_limitNote->setObjectName(QStringLiteral("billsLimitLabel"));
    m_limitNote->setWordWrap(true);
    m_limitNote->setVisible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_limitNote);
    layout->addWidget(m_table, 1);
    layout->addWidget(new QLabel(tr("Totals per month, by the month a contract ended in"), this));
    layout->addWidget(m_months);

    connect(refresh, &QPushButton::clicked, this, &BillsPage::reload);
    connect(verify, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Verify receipt"), {}, tr("Receipts (*.json)"));
        if (path.isEmpty())
            return;
        const Result<Receipt> receipt = readVerifiedReceipt(path, m_session->marketId());
        if (receipt.ok() && receipt->endedAtMs > 0)
            QMessageBox::information(this, tr("Receipt"), tr("The receipt for contract %1 is valid: signed by market %2 (this market); charge %3.")
                                                              .arg(receipt->contractId, receipt->marketId.left(16), ui::formatCharge(receipt->charge)));
        else if (receipt.ok())
            QMessageBox::information(this, tr("Receipt"), tr("The start receipt for contract %1 is valid: signed by market %2 (this market) when "
                                                             "the contract began. It bills nothing: the end receipt carries the charge.")
                                                              .arg(receipt->contractId, receipt->marketId.left(16)));
        else if (receipt.error().code == ErrorCode::IoError) // a file that cannot be read is no invalid receipt
            emit error(receipt.error());
        else
            emit error(Error(receipt.error().code, tr("The receipt is NOT valid: %1").arg(receipt.error().message)));
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_saveReceipt->setEnabled(!selectedContractId().isEmpty()); });
    // A running contract's tab, closed, opens again from here.
    connect(m_table, &QTableWidget::itemDoubleClicked, this, [this](QTableWidgetItem *item) {
        const QTableWidgetItem *id = item ? m_table->item(item->row(), 0) : nullptr;
        if (!id)
            return;
        if (Result<ContractRecord> c = m_session->store().contract(id->text()); c && !c->isEnded())
            emit openRequested(*c);
    });
    // An end receipt fetched in the background (the market ended the contract): the column
    // is drawn again from what is kept, without asking the market.
    m_session->setFetchMissingReceipts(true);
    connect(m_session, &BorrowerSession::endReceiptKept, this, [this] { showBills(m_bills); });
    connect(m_saveReceipt, &QPushButton::clicked, this, [this] {
        const QString contractId = selectedContractId();
        const QString path = QFileDialog::getSaveFileName(this, tr("Save receipt"),
                                                          QStringLiteral("receipt-%1.json").arg(BorrowerStore::safeFileName(contractId)),
                                                          tr("Receipts (*.json)"));
        if (path.isEmpty())
            return;
        // Asking the market can take a while (or fail when it is away): the button says so.
        m_saveReceipt->setEnabled(false);
        m_saveReceipt->setText(tr("Asking the market…"));
        fetchAndSaveReceipt(contractId, path, [this, contractId, path](Result<void> r) {
            m_saveReceipt->setText(tr("Save receipt…"));
            m_saveReceipt->setEnabled(!selectedContractId().isEmpty());
            if (!r.ok())
                emit error(r.error());
            else
                emit notice(tr("The receipt for contract %1 is saved in %2 (signed by the market, checked here).").arg(contractId, path));
        });
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export bills"), QStringLiteral("lendable-bills.csv"), tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        if (const Result<void> r = exportCsv(path); !r.ok())
            emit error(r.error());
    });
}

void BillsPage::reload()
{
    // Only the latest list is shown, and none asked of a market no longer used (File ›
    // Market…: given up, cancelled, as it is left).
    const quint64 reload = ++m_reloads;
    m_session->listBills(0, this, [this, reload](Result<BillList> r) {
        if (reload != m_reloads || (!r.ok() && r.error().code == ErrorCode::Cancelled))
            return;
        if (!r.ok()) {
            emit error(r.error());
            return;
        }
        showBills(r->bills);
    });
}

void BillsPage::showBills(const QList<Bill> &bills)
{
    m_bills = bills;
    // The market lists the newest contracts only: a full list may leave older ones out, and
    // the totals below with them.
    m_limitNote->setVisible(m_bills.size() >= BorrowerSession::kMaxBills);
    m_limitNote->setText(tr("Only the newest %1 contracts are listed (the most the market lists), and the totals per month "
                            "cover only those: older contracts and their charges are missing here.")
                             .arg(QLocale().toString(BorrowerSession::kMaxBills)));
    // The receipts this directory keeps, read once for the whole table.
    QHash<QString, std::optional<Receipt>> kept;
    if (Result<QList<ContractRecord>> local = m_session->store().contracts(); local.ok())
        for (const ContractRecord &c : std::as_const(*local))
            kept.insert(c.contractId, c.endReceipt ? c.endReceipt : c.startReceipt);
    m_table->setSortingEnabled(false);
    m_table->setRowCount(int(m_bills.size()));
    QMap<QString, QPair<int, Money>> months;
    for (int i = 0; i < m_bills.size(); ++i) {
        const Bill &b = m_bills[i];
        auto *idItem = new QTableWidgetItem(b.contractId);
        if (b.endedAtMs == 0 && m_session->store().contract(b.contractId).ok()) // kept here: its tab can open
            idItem->setToolTip(tr("Running: double-click to open its tab"));
        m_table->setItem(i, 0, idItem);
        m_table->setItem(i, 1, new QTableWidgetItem(b.partitionId));
        m_table->setItem(i, 2, new NumberItem(ui::formatAmount(b.ratePerHour), b.ratePerHour.micros()));
        m_table->setItem(i, 3, new TimeItem(ui::formatTimestamp(b.startedAtMs), b.startedAtMs));
        m_table->setItem(i, 4, new TimeItem(b.endedAtMs > 0 ? ui::formatTimestamp(b.endedAtMs) : tr("running"),
                                            b.endedAtMs > 0 ? b.endedAtMs : std::numeric_limits<qint64>::max()));
        m_table->setItem(i, 5, new NumberItem(ui::formatDuration(b.durationMs), b.durationMs));
        m_table->setItem(i, 6, new NumberItem(ui::formatCharge(b.charge), b.charge.micros()));
        m_table->setItem(i, 7, receiptItem(b, kept.value(b.contractId)));
        // As the market invoices: a contract in the UTC month it ended in, whole; one still
        // running is not billed yet and is summed (so far) in a row of its own, last.
        const QString month = b.endedAtMs > 0 ? QDateTime::fromMSecsSinceEpoch(b.endedAtMs, Qt::UTC).toString(QStringLiteral("yyyy-MM"))
                                              : QStringLiteral("~running");
        auto &m = months[month];
        ++m.first;
        m.second = m.second.add(b.charge).value_or(m.second);
    }
    m_table->setSortingEnabled(true);
    m_months->setRowCount(int(months.size()));
    int row = 0;
    for (auto it = months.cbegin(); it != months.cend(); ++it, ++row) {
        m_months->setItem(row, 0, new QTableWidgetItem(it.key() == QLatin1String("~running") ? tr("running (so far)") : it.key()));
        m_months->setItem(row, 1, new NumberItem(QString::number(it->first), it->first));
        m_months->setItem(row, 2, new NumberItem(ui::formatCharge(it->second), it->second.micros()));
    }
}

std::optional<Receipt> BillsPage::keptReceipt(const QString &contractId) const
{
    if (contractId.isEmpty())
        return std::nullopt;
    Result<ContractRecord> c = m_session->store().contract(contractId);
    if (!c.ok())
        return std::nullopt;
    return c->endReceipt ? c->endReceipt : c->startReceipt;
}

QString BillsPage::selectedContractId() const
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return {};
    const QTableWidgetItem *id = m_table->item(selected.first()->row(), 0);
    return id ? id->text() : QString();
}

QTableWidgetItem *BillsPage::receiptItem(const Bill &bill, const std::optional<Receipt> &receipt) const
{
    // The receipt this data directory keeps (the end receipt once the contract ended),
    // checked here against the pinned market as the command line's `receipt verify` does.
    auto *item = new QTableWidgetItem;
    if (!receipt) {
        item->setText(tr("not kept here"));
        item->setToolTip(tr("This data directory has no receipt for the contract (it was made from another one). "
                            "Save receipt… asks the market for it."));
        item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        return item;
    }
    const Result<void> valid = verifyReceipt(*receipt, m_session->marketId());
    if (!valid.ok()) {
        item->setText(tr("NOT valid"));
        item->setToolTip(valid.error().message);
        item->setForeground(QColor(0xb0, 0x00, 0x20));
        return item;
    }
    if (bill.endedAtMs > 0 && receipt->endedAtMs == 0) {
        item->setText(tr("start only"));
        item->setToolTip(tr("The receipt kept is the one for the contract's start: it ended elsewhere, or its end receipt never "
                            "arrived. Save receipt… asks the market for the end receipt."));
        return item;
    }
    if (receipt->charge != bill.charge && bill.endedAtMs > 0) {
        item->setText(tr("NOT valid"));
        item->setToolTip(tr("The signed receipt says %1, the market's bill %2.").arg(receipt->charge.toString(), bill.charge.toString()));
        item->setForeground(QColor(0xb0, 0x00, 0x20));
        return item;
    }
    item->setText(receipt->endedAtMs > 0 ? tr("verified") : tr("start verified"));
    item->setToolTip(tr("Signed by market %1; checked on this computer.").arg(receipt->marketId.left(16)));
    return item;
}

Result<void> BillsPage::saveReceipt(const QString &contractId, const QString &path) const
{
    const std::optional<Receipt> receipt = keptReceipt(contractId);
    if (!receipt)
        return Error(ErrorCode::NotFound, tr("no signed receipt is kept here for contract %1").arg(contractId));
    return writeReceipt(*receipt, path);
}

void BillsPage::fetchAndSaveReceipt(const QString &contractId, const QString &path, std::function<void(Result<void>)> done)
{
    const std::optional<Receipt> kept = keptReceipt(contractId);
    bool ended = false;
    for (const Bill &b : std::as_const(m_bills))
        if (b.contractId == contractId)
            ended = b.endedAtMs > 0;
    if (kept && (kept->endedAtMs > 0 || !ended)) {
        done(writeReceipt(*kept, path));
        return;
    }
    m_session->fetchReceipt(contractId, this, [path, done = std::move(done)](Result<Receipt> r) {
        done(r.ok() ? writeReceipt(*r, path) : Result<void>(r.error()));
    });
}

Result<void> BillsPage::writeReceipt(const Receipt &receipt, const QString &path)
{
    const QByteArray bytes = QJsonDocument(receiptToJson(receipt)).toJson();
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

Result<void> BillsPage::exportCsv(const QString &path) const
{
    QString csv = QStringLiteral("contract_id,partition_id,lender_id,rate,started_at,ended_at,duration_ms,charge\n");
    for (const Bill &b : m_bills)
        csv += QStringList{b.contractId, b.partitionId, b.lenderId, b.ratePerHour.toString(),
                           QDateTime::fromMSecsSinceEpoch(b.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs),
                           b.endedAtMs > 0 ? QDateTime::fromMSecsSinceEpoch(b.endedAtMs, Qt::UTC).toString(Qt::ISODateWithMs) : QString(),
                           QString::number(b.durationMs), b.charge.toString()}
                   .join(QLatin1Char(',')) + QLatin1Char('\n');
    QSaveFile f(path);
    const QByteArray bytes = csv.toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

// ───────────────────────────── window ─────────────────────────────

BorrowerWindow::BorrowerWindow(BorrowerSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_banner(new ui::ErrorBanner(this))
    , m_tabs(new QTabWidget(this))
    , m_offers(new OffersPage(session, this))
    , m_bills(new BillsPage(session, this))
{
    setObjectName(QStringLiteral("borrowerWindow"));
    setWindowTitle(tr("Lendable Borrower Client"));
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(m_offers, tr("Offers"));
    m_tabs->addTab(m_bills, tr("Bills"));
    for (int i = 0; i < 2; ++i)
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    showIdentity();

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *name = file->addAction(tr("Your &name at the market…"), this, [this] {
        bool ok = false;
        const QString wanted = QInputDialog::getText(this, tr("Your name at the market"),
                                                     tr("The market's managers see this name on your contracts and invoices,\n"
                                                        "and lenders on the partitions you borrow, instead of your node ID\n"
                                                        "(empty: the node ID again)."),
                                                     QLineEdit::Normal, m_session->displayName(), &ok);
        if (ok)
            setDisplayName(wanted);
    });
    name->setObjectName(QStringLiteral("displayNameAction"));
    QAction *market = file->addAction(tr("&Market…"), this, &BorrowerWindow::chooseMarket);
    market->setObjectName(QStringLiteral("marketAction"));
    // Every running contract kept here gets its tab (again): also one lent directly, which
    // the Bills page, the market's, does not list.
    QAction *reopen = file->addAction(tr("&Open running contracts"), this, &BorrowerWindow::openRunningContracts);
    reopen->setObjectName(QStringLiteral("openRunningContractsAction"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    ui::addLanguageMenu(menuBar());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        ui::AboutDialog(tr("Lendable Borrower Client"), tr("Borrow partitions of real computers and run jobs in them."),
                        m_session->nodeId(), this)
            .exec();
    });

    // A market that cannot be reached is another here than on the command line.
    m_session->setMarketHint(tr("is the market running there? File › Market… changes its address and ID"));
    auto showError = [this](const Error &e) { m_banner->showError(e); };
    connect(m_offers, &OffersPage::error, this, showError);
    connect(m_bills, &BillsPage::error, this, showError);
    connect(m_bills, &BillsPage::notice, this, [this](const QString &text) { m_banner->showNotice(text); });
    connect(m_offers, &OffersPage::borrowRequested, this, [this](const Offer &o) { borrowOffer(o); });
    connect(m_bills, &BillsPage::openRequested, this, [this](const ContractRecord &c) { openContract(c); });
    // A market that cannot be reached: what was asked waits for it, and the window says so
    // rather than stay blank; the banner goes once the market answers.
    connect(m_session, &BorrowerSession::marketUnreachable, this, [this](const Error &reason, int retryInMs) {
        const Error shown(reason.code, tr("%1. Trying again in %n s; what you asked for is done once the market answers.", nullptr,
                                          qMax(1, (retryInMs + 999) / 1000))
                                           .arg(reason.message));
        m_banner->showError(shown);
        m_unreachableText = m_banner->text();
    });
    // A borrow whose answer was lost is asked for again: the window says so, rather than sit
    // silent for as long as that takes.
    connect(m_session, &BorrowerSession::borrowAskedAgain, this, [this](const Error &why, int attempt, int attempts) {
        m_banner->showNotice(tr("No answer from the market to the borrow (%1). Asking again (%2 of %3); the market makes one "
                                "contract however often it is asked.")
                                 .arg(why.message)
                                 .arg(attempt)
                                 .arg(attempts));
        m_askedAgainText = m_banner->text();
    });
    connect(m_session, &BorrowerSession::marketConnected, this, [this] {
        hideBannerIfStill(m_unreachableText);
        // What could not be asked while the market was out of reach.
        recoverLostBorrows();
    });
    // A borrow asks first about those whose answers were lost: what they made is said, and a
    // running contract among them opens in its tab.
    connect(m_session, &BorrowerSession::borrowsRecovered, this, &BorrowerWindow::showRecoveries);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index < 2)
            return;
        // Closing the tab ends nothing: a running contract is still billed, so say where it is.
        if (auto *page = qobject_cast<ContractPage *>(m_tabs->widget(index)); page && !page->contract().isEnded()) {
            if (page->contract().direct)
                m_banner->showNotice(tr("Contract %1, lent to you directly, runs until the partition's owner ends it; "
                                        "File › Open running contracts opens its tab again.")
                                         .arg(page->contract().contractId));
            else
                m_banner->showNotice(tr("Contract %1 keeps running, and is billed, until you end it; double-click it on the "
                                        "Bills page (or File › Open running contracts) to open its tab again.")
                                         .arg(page->contract().contractId));
        }
        m_tabs->widget(index)->deleteLater();
    });
    // Running contracts from earlier sessions reopen as tabs.
    openRunningContracts();
    m_tabs->setCurrentIndex(0);
    ui::restoreWindowState(this);
    m_offers->search();
    m_bills->reload();
    recoverLostBorrows();
}

void BorrowerWindow::recoverLostBorrows()
{
    Result<QList<PendingBorrowRecord>> pending = m_session->store().pendingBorrows();
    if (!pending.ok()) {
        m_banner->showError(pending.error());
        return;
    }
    const QString market = m_session->marketId();
    if (m_recovering
        || std::none_of(pending->cbegin(), pending->cend(), [&market](const PendingBorrowRecord &p) { return p.marketId == market; }))
        return;
    m_recovering = true;
    m_session->recoverPendingBorrows(this, [this](Result<QList<BorrowRecovery>> r) {
        m_recovering = false;
        if (r.ok())
            showRecoveries(*r);
    });
}

void BorrowerWindow::showRecoveries(const QList<BorrowRecovery> &recoveries)
{
    QStringList said;
    bool settled = false;
    qint64 askAgainAtMs = 0;
    for (const BorrowRecovery &r : recoveries) {
        // Another market's borrows wait until that market is chosen again, and those the
        // market could not be asked about until it answers (the banner says it cannot be
        // reached; they are asked about once it is): not said each time.
        if (r.borrow.marketId != m_session->marketId())
            continue;
        const ErrorCode why = r.problem ? r.problem->code : ErrorCode::None;
        if (r.outcome == BorrowRecovery::Outcome::Unknown
            && (why == ErrorCode::ConnectionFailed || why == ErrorCode::ConnectionClosed || why == ErrorCode::Cancelled))
            continue;
        // Sent moments ago: the market may still make it; asked again once it can tell.
        if (r.knownAfterMs > 0)
            askAgainAtMs = askAgainAtMs == 0 ? r.knownAfterMs : qMin(askAgainAtMs, r.knownAfterMs);
        said.append(BorrowerSession::describeRecovery(r));
        if (r.outcome == BorrowRecovery::Outcome::Recovered && r.contract)
            openContract(*r.contract);
        settled = settled || r.outcome != BorrowRecovery::Outcome::Unknown;
    }
    if (askAgainAtMs > 0)
        QTimer::singleShot(int(qBound(qint64(0), askAgainAtMs - QDateTime::currentMSecsSinceEpoch(), qint64(3'600'000))) + 1'000, this,
                           &BorrowerWindow::recoverLostBorrows);
    if (said.isEmpty())
        return;
    m_banner->showNotice(said.join(QLatin1Char(' ')));
    if (settled) {
        m_bills->reload();
        m_offers->search();
    }
}

void BorrowerWindow::hideBannerIfStill(QString &shown)
{
    if (!shown.isEmpty() && m_banner->text() == shown)
        m_banner->hide();
    shown.clear();
}

void BorrowerWindow::chooseMarket()
{
    MarketDialog dialog(m_session, m_session->marketAddress(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    // What the banner said of the market used before is no longer so.
    hideBannerIfStill(m_unreachableText);
    showIdentity();
    m_offers->search();
    m_bills->reload();
    recoverLostBorrows();
}

void BorrowerWindow::openRunningContracts()
{
    Result<QList<ContractRecord>> all = m_session->store().contracts();
    if (!all.ok()) {
        m_banner->showError(all.error());
        return;
    }
    for (const ContractRecord &c : *all) {
        if (!c.isEnded())
            openContract(c);
    }
}

ContractPage *BorrowerWindow::openContract(const ContractRecord &contract)
{
    for (int i = 2; i < m_tabs->count(); ++i) {
        if (auto *page = qobject_cast<ContractPage *>(m_tabs->widget(i)); page && page->contract().contractId == contract.contractId) {
            m_tabs->setCurrentIndex(i);
            return page;
        }
    }
    auto *page = new ContractPage(m_session, contract, m_tabs);
    connect(page, &ContractPage::error, this, [this](const Error &e) { m_banner->showError(e); });
    connect(page, &ContractPage::notice, this, [this](const QString &text) { m_banner->showNotice(text); });
    connect(page, &ContractPage::ended, this, [this] {
        m_bills->reload();
        m_offers->search();
    });
    // Contract IDs begin with their creation time, so their first characters tell contracts
    // apart poorly: the tab names the partition and when the contract began; the tooltip
    // has the whole contract ID.
    const QDateTime started = QDateTime::fromMSecsSinceEpoch(contract.startedAtMs);
    // (An earlier day's with its time too: two contracts of one day on one partition differ.)
    const QString since = started.date() == QDate::currentDate() ? QLocale().toString(started.time(), QLocale::ShortFormat)
                                                                  : QLocale().toString(started, QLocale::ShortFormat);
    const int index = m_tabs->addTab(page, tr("%1 · since %2").arg(contract.partitionId, since));
    m_tabs->setTabToolTip(index, tr("Contract %1 with lender %2").arg(contract.contractId, contract.lenderId));
    m_tabs->setCurrentIndex(index);
    return page;
}

void BorrowerWindow::borrowOffer(const Offer &offer, bool confirm)
{
    if (confirm) {
        QMessageBox box(QMessageBox::Question, tr("Borrow partition"),
                        tr("Borrow partition %1 of lender %2?").arg(offer.partitionId, offer.lenderName.isEmpty() ? offer.lenderId.left(16) : offer.lenderName),
                        QMessageBox::Ok | QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("contractDialog"));
        QString terms = conditionsText(offer.conditions);
        if (offer.conditions.maxDurationS > 0)
            terms += QLatin1Char('\n') + tr("The contract ends by itself after %1 (h:mm:ss).").arg(ui::formatTimeLimit(offer.conditions.maxDurationS));
        box.setInformativeText(tr("%1\n\nYou are charged from now until you end the contract, by the second.").arg(terms));
        box.button(QMessageBox::Ok)->setText(tr("Borrow"));
        if (box.exec() != QMessageBox::Ok)
            return;
    }
    // The terms the dialog showed are the ones agreed to: if the lender made them worse in
    // the meantime, the market refuses rather than charge what the borrower did not accept.
    m_session->borrow(
        offer.offerId, {}, this,
        [this](Result<ContractRecord> r) {
            // The notice that it was asked again is over, answered or not.
            hideBannerIfStill(m_askedAgainText);
            if (!r.ok()) {
                if (r.error().code == ErrorCode::TermsChanged)
                    m_banner->showNotice(tr("Nothing was borrowed: %1. The list now shows the new terms; borrow the offer again "
                                            "to accept them.")
                                             .arg(r.error().message));
                else
                    m_banner->showError(r.error());
                m_offers->search();
                return;
            }
            openContract(*r);
            m_offers->search();
            m_bills->reload();
        },
        offer.conditions);
}

void BorrowerWindow::showIdentity()
{
    const QString name = m_session->displayName();
    const QString base = tr("Market %1 at %2 · this node %3")
                             .arg(m_session->marketId().left(16), m_session->marketAddress(), m_session->nodeId().left(16));
    statusBar()->showMessage(name.isEmpty() ? base : tr("%1 · known there as \"%2\"").arg(base, name));
}

void BorrowerWindow::setDisplayName(const QString &name)
{
    m_session->setDisplayName(name, this, [this](Result<void> r) {
        if (r.ok())
            showIdentity();
        else
            m_banner->showError(r.error()); // e.g. too long, or a control character
    });
}

void BorrowerWindow::closeEvent(QCloseEvent *event)
{
    ui::saveWindowState(this);
    event->accept();
}

} // namespace lendable::borrower
