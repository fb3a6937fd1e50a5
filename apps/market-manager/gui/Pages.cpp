#include "Pages.h"

#include "ui/ErrorBanner.h"
#include "ui/Format.h"
#include "ui/GuiSupport.h"
#include "ui/SizeSpinBox.h"

#include <algorithm>
#include <cmath>
#include <QSet>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBuffer>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDialog>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QDialogButtonBox>
#include <QFontMetricsF>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLineEdit>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMap>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStackedBarSeries>
#include <QTableView>
#include <QTimeZone>
#include <QValueAxis>
#include <QVBoxLayout>

#include <functional>
#include <memory>
#include <utility>

namespace lendable::market {

using namespace lendable::protocol;

namespace {

QString shortId(const QString &id)
{
    return id.left(12);
}

/// How the tables and charts show a lender or borrower: by the name it gave, else by its
/// short node ID.
QString partyName(const QString &name, const QString &nodeId)
{
    return name.isEmpty() ? shortId(nodeId) : name;
}

/// A party's tooltip in the tables: its name and its whole node ID (names are not unique).
QString partyToolTip(const QString &name, const QString &nodeId)
{
    return name.isEmpty() ? nodeId : QStringLiteral("%1\n%2").arg(name, nodeId);
}

/// A time's tooltip where the table shows it in local time (ui::formatTimestamp()): the
/// zone it is shown in, and the time in UTC, as billing periods and exports have it.
QString utcToolTip(qint64 utcMs)
{
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC);
    return ContractsPage::tr("Shown in this computer's time zone (%1). In UTC, as billing periods and exports go: %2.")
        .arg(utc.toLocalTime().timeZoneAbbreviation(), utc.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
}

double toUnits(Money m)
{
    return double(m.micros()) / double(Money::kMicrosPerUnit); // for drawing only, never for sums
}

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent, const QString &name)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    view->setSortingEnabled(true);
    // Fixed row heights let the view scroll 100,000 rows without measuring them.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    if (auto *paged = qobject_cast<ui::PagedTableModel *>(model))
        ui::keepSelectionAcrossRefresh(view, paged);
    return view;
}

/// One page of an admin listing for a PagedTableModel: asks the market, if still connected,
/// and hands the model what `toPage` makes of the answer, or the error.
template <typename Page, typename Request, typename ToPage>
void requestPage(const QPointer<Channel> &channel, QObject *context, const Request &req,
                 const ui::PagedTableModel::Reply &reply, ToPage toPage)
{
    if (!channel) {
        reply(Error(ErrorCode::ConnectionClosed, QObject::tr("not connected to the market")));
        return;
    }
    channel->request<Page>(req, context, [reply, toPage](Result<Page> r) {
        if (!r.ok()) {
            reply(r.error());
            return;
        }
        reply(toPage(*r));
    });
}

/// The most contracts an export reads (each a few hundred bytes in memory).
constexpr qint64 kMaxExportContracts = 2'000'000;

// A partitions row's key: what Rebalance… needs of the row.
struct PartitionKey {
    QString lenderId;
    QString partitionId;
    Resources resources;
    QString borrowerId;                        // empty when free
    std::optional<bool> marketHoldsAllocation; // unknown from a market that does not say
    std::optional<Resources> rebalanceLimit;   // likewise
    // The same partition whatever its state: a refresh keeps the selection on a partition that
    // was lent or rebalanced meanwhile (keepSelectionAcrossRefresh() compares keys).
    bool operator==(const PartitionKey &other) const
    {
        return lenderId == other.lenderId && partitionId == other.partitionId;
    }
};

// The key of the selected partitions row, if one is selected and loaded.
std::optional<PartitionKey> selectedPartition(const QTableView *view, const ui::PagedTableModel *model)
{
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const QVariant key = model->keyAt(rows.first().row());
    if (key.metaType() != QMetaType::fromType<PartitionKey>())
        return std::nullopt;
    return key.value<PartitionKey>();
}

/// Fetches every page of the contracts that ended in [endedSinceMs, endedBeforeMs) (for
/// exports) and calls done once.
void fetchPeriodContracts(QPointer<Channel> channel, QObject *context, qint64 endedSinceMs, qint64 endedBeforeMs,
                          std::function<void(Result<BillingPage::Contracts>)> done)
{
    // The market picks the period's ended contracts (endedSinceMs, endedBeforeMs) and gives
    // them in the order they ended. Each page after the first starts where the last one
    // ended (endedSinceMs moved up, skipping the contracts already had that ended at that
    // very millisecond), so that the market walks its index from there instead of skipping
    // an ever longer offset: a period of 750,000 contracts in minutes became seconds. A
    // market older than those fields sends every contract, which the caller filters; its
    // pages then do not move on, and the offset is used instead.
    struct State {
        BillingPage::Contracts all;
        bool byOffset = false;
    };
    auto state = std::make_shared<State>();
    auto step = std::make_shared<std::function<void()>>();
    constexpr int kPage = 1000;
    // The step refers to itself weakly; the request in flight holds it (`self`), so that it
    // is freed with the last page's callback rather than kept alive by its own capture.
    *step = [=, weakStep = std::weak_ptr<std::function<void()>>(step)]() {
        const std::shared_ptr<std::function<void()>> self = weakStep.lock();
        if (!self)
            return;
        if (!channel) {
            done(Error(ErrorCode::ConnectionClosed, QObject::tr("not connected to the market")));
            return;
        }
        const QList<Bill> &had = state->all.bills;
        AdminListContracts req;
        req.limit = kPage;
        req.sort = QStringLiteral("ended");
        req.endedSinceMs = endedSinceMs;
        req.endedBeforeMs = endedBeforeMs;
        if (state->byOffset || had.isEmpty()) {
            req.offset = had.size();
        } else {
            req.endedSinceMs = had.last().endedAtMs;
            qint64 tied = 0;
            for (qsizetype i = had.size() - 1; i >= 0 && had[i].endedAtMs == had.last().endedAtMs; --i)
                ++tied;
            req.offset = tied;
        }
        channel->request<AdminContractPage>(req, context, [=](Result<AdminContractPage> page) {
            if (!page.ok()) {
                done(page.error());
                return;
            }
            if (state->all.bills.isEmpty() && page->total > kMaxExportContracts) {
                // Said, not cut short: an export that left contracts out would be a wrong bill.
                done(Error(ErrorCode::ResourceExhausted,
                           BillingPage::tr("the period has %1 contracts; an export holds at most %2: choose a shorter period")
                               .arg(page->total)
                               .arg(kMaxExportContracts)));
                return;
            }
            const QList<Bill> &had = state->all.bills;
            if (!state->byOffset && !had.isEmpty() && !page->rows.isEmpty()) {
                const Bill &last = had.last();
                const Bill &first = page->rows.first();
                if (first.endedAtMs < last.endedAtMs || (first.endedAtMs == last.endedAtMs && first.contractId <= last.contractId)) {
                    state->byOffset = true; // an older market: it did not start where asked
                    (*self)();
                    return;
                }
            }
            for (qsizetype i = 0; i < page->rows.size(); ++i) {
                const Bill &b = page->rows[i];
                if (const QString name = page->borrowerNames.value_or(QStringList()).value(i); !name.isEmpty())
                    state->all.names.insert(b.borrowerId, name);
                if (const QString name = page->lenderNames.value_or(QStringList()).value(i); !name.isEmpty())
                    state->all.names.insert(b.lenderId, name);
            }
            state->all.bills.append(page->rows);
            if (page->rows.size() < kPage || (state->byOffset && state->all.bills.size() >= page->total))
                done(state->all);
            else
                (*self)();
        });
    };
    (*step)();
}

/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n'))
        && !value.contains(QLatin1Char('\r')))
        return value;
    return QLatin1Char('"') + QString(value).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

/// Someone else's text (a name, a partition ID: a lender picks any 1–128 characters) as a CSV
/// field: one that a spreadsheet would take for a formula (=, +, -, @, a tab or a carriage
/// return first) gets a leading apostrophe, as OWASP advises against CSV injection, so it
/// opens as the text it is; one with a comma, a quote or a line break is quoted, so that the
/// columns after it stay where they are.
QString csvText(const QString &value)
{
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    return csvField(!value.isEmpty() && formulaStarts.contains(value.front()) ? QLatin1Char('\'') + value : value);
}

} // namespace

// ───────────────────────────── partitions ─────────────────────────────

PartitionsPage::PartitionsPage(Channel *channel, QWidget *parent)
    : QWidget(parent)
    , m_channel(channel)
    , m_filter(new QLineEdit(this))
    , m_rebalance(new QPushButton(tr("Rebalance…"), this))
    , m_summary(new QLabel(this))
    , m_model(new ui::PagedTableModel({{tr("Lender"), QStringLiteral("lender")},
                                       {tr("Partition"), QStringLiteral("partition")},
                                       {tr("vCPUs"), QStringLiteral("cpus"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Memory"), QStringLiteral("memory"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Disk"), QStringLiteral("disk"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("OS images"), {}},
                                       {tr("Rate / h"), QStringLiteral("rate"), Qt::AlignRight | Qt::AlignVCenter},
                                       // The longest a contract may run (h:mm:ss): it ends by itself then.
                                       {tr("Time limit"), QStringLiteral("time"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Lender status"), {}},
                                       {tr("Reliability"), QStringLiteral("reliability"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Lending status"), QStringLiteral("status")}},
                                      this))
{
    m_filter->setObjectName(QStringLiteral("partitionFilterEdit"));
    m_summary->setObjectName(QStringLiteral("partitionSummaryLabel"));
    m_filter->setPlaceholderText(tr("Filter by partition ID, lender or borrower name or ID"));
    m_filter->setClearButtonEnabled(true);
    m_rebalance->setObjectName(QStringLiteral("rebalanceButton"));
    m_rebalance->setEnabled(false);
    m_rebalance->setToolTip(tr("Change the allocation of an unlent partition whose allocation the market holds"));
    m_view = makeTable(m_model, this, QStringLiteral("partitionsView"));
    ui::sizeColumns(m_view, {QStringLiteral("render-farm-01"), QStringLiteral("part-0000"), QStringLiteral("000"),
                         QStringLiteral("512M"), QStringLiteral("512G"), QStringLiteral("busybox, debian-12"),
                         QStringLiteral("00.00"), QStringLiteral("000:00:00"), tr("offline"), tr("Reliability")});

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_rebalance);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);

    m_view->sortByColumn(0, Qt::AscendingOrder);
    ui::keepSortIndicatorOnSortableColumns(m_view, m_model);
    m_model->setFetcher([this](qint64 offset, int limit, const QString &sortKey, Qt::SortOrder order,
                               const ui::PagedTableModel::Reply &reply) {
        AdminListPartitions req;
        req.filter = m_filter->text().trimmed();
        if (!sortKey.isEmpty())
            req.sort = ui::sortArgument(sortKey, order);
        req.offset = offset;
        req.limit = limit;
        requestPage<AdminPartitionPage>(m_channel, this, req, reply, [this](const AdminPartitionPage &answer) {
            ui::TablePage page;
            page.total = answer.total;
            QHash<QString, AllocationRefusal> refusals;
            for (const AllocationRefusal &r : answer.allocationRefusals.value_or(QList<AllocationRefusal>()))
                refusals.insert(r.offerId, r);
            for (qsizetype i = 0; i < answer.rows.size(); ++i) {
                const Offer &o = answer.rows[i];
                const QString borrower = answer.lendingStatus.value(i);
                const QString borrowerName = answer.borrowerNames.value_or(QStringList()).value(i);
                const bool online = answer.online.value(i, false);
                const bool pending = answer.allocationPending && answer.allocationPending->value(i, false);
                const auto refusal = refusals.constFind(o.offerId);
                page.rows.append({partyName(o.lenderName, o.lenderId), o.partitionId,
                                  o.conditions.resources.cpus, formatSizeMib(o.conditions.resources.memoryMib),
                                  formatSizeMib(o.conditions.resources.diskMib),
                                  o.conditions.osImages.join(QStringLiteral(", ")), ui::formatAmount(o.conditions.ratePerHour),
                                  ui::formatTimeLimit(o.conditions.maxDurationS), online ? tr("online") : tr("offline"),
                                  // the share of the lender's ended contracts not lost (the market's count)
                                  tr("%1 %").arg(o.reliability),
                                  !borrower.isEmpty() ? tr("lent to %1").arg(partyName(borrowerName, borrower))
                                  : pending           ? tr("free, new allocation not yet confirmed by the lender")
                                  : refusal != refusals.cend()
                                      ? tr("free; on %1 the lender refused %2 vCPUs, %3 memory, %4 disk: %5")
                                            .arg(ui::formatTimestamp(refusal->atMs),
                                                 QString::number(refusal->resources.cpus), formatSizeMib(refusal->resources.memoryMib),
                                                 formatSizeMib(refusal->resources.diskMib), refusal->message)
                                      : tr("free")});
                QHash<int, QString> tips{{0, partyToolTip(o.lenderName, o.lenderId)}};
                if (!borrower.isEmpty())
                    tips.insert(10, partyToolTip(borrowerName, borrower));
                page.toolTips.append(tips);
                // An older market says neither whether a row can be rebalanced nor how far:
                // unknown, and the dialog offers its own bounds.
                PartitionKey key{.lenderId = o.lenderId, .partitionId = o.partitionId, .resources = o.conditions.resources,
                                 .borrowerId = borrower};
                if (answer.externallyReferenced && i < answer.externallyReferenced->size())
                    key.marketHoldsAllocation = answer.externallyReferenced->at(i);
                if (answer.rebalanceLimits && i < answer.rebalanceLimits->size())
                    key.rebalanceLimit = answer.rebalanceLimits->at(i);
                page.keys.append(QVariant::fromValue(key));
            }
            return page;
        });
    });
    connect(m_model, &ui::PagedTableModel::failed, this, [this](const Error &e) { failed(Failed::Rows, e); });
    connect(m_model, &ui::PagedTableModel::loaded, this, [this](qint64 total) {
        const QString filter = m_filter->text().trimmed();
        m_summary->setText(total > 0 || filter.isEmpty() ? tr("%Ln partition(s)", nullptr, int(qMin<qint64>(total, INT_MAX)))
                                                         : tr("No partition matches \u201c%1\u201d.").arg(filter));
        succeeded(Failed::Rows);
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_model->reload(); });
    // Rebalance… only with a partition selected whose allocation the market holds (the
    // others' lenders hold theirs), and that is not lent; the button's tip says why not. Also
    // after the rows were fetched again: a reload (a filter, File › Refresh) clears the
    // selection silently, and a refresh brings the selected partition's new state (lent since).
    const auto updateRebalance = [this] {
        const std::optional<PartitionKey> key = selectedPartition(m_view, m_model);
        const bool heldByLender = key && key->marketHoldsAllocation == false;
        const bool lent = key && !key->borrowerId.isEmpty();
        m_rebalance->setEnabled(key && !heldByLender && !lent);
        m_rebalance->setToolTip(heldByLender ? tr("Its lender holds this partition's allocation: only partitions registered with "
                                                  "the market holding their allocation can be rebalanced")
                                : lent       ? tr("This partition is lent: its allocation is locked until the contract ends")
                                             : tr("Change the allocation of an unlent partition whose allocation the market holds"));
    };
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, updateRebalance);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateRebalance);
    connect(m_model, &ui::PagedTableModel::loaded, this, updateRebalance);
    connect(m_rebalance, &QPushButton::clicked, this, &PartitionsPage::rebalanceSelected);
}

void PartitionsPage::reload()
{
    m_model->reload();
}

void PartitionsPage::refresh()
{
    m_model->refresh();
}

void PartitionsPage::rebalanceSelected()
{
    const std::optional<PartitionKey> key = selectedPartition(m_view, m_model);
    if (!key || !m_channel)
        return;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("rebalanceDialog"));
    dialog.setWindowTitle(tr("Rebalance Partition %1").arg(key->partitionId));
    auto *form = new QFormLayout(&dialog);
    QList<QSpinBox *> spins;
    // Sizes in MiB, shown and typed as the table shows them ("512M", "4G"). The least a
    // control offers is the least the market accepts (leastRebalanceFor()), never its step (a
    // disk of 100M shown as 256M would ask for a change nobody made); one registered with less
    // keeps what it has as its least, so that opening the dialog changes nothing.
    auto addSlider = [&](const QString &label, int value, int least, int max, int step, bool size, const QString &name) {
        const auto [slider, spin] = ui::makeSliderSpin(&dialog, size, step, name);
        slider->setRange(least, max);
        spin->setRange(least, max);
        slider->setValue(value);
        spin->setValue(value);
        auto *row = new QHBoxLayout;
        row->addWidget(slider, 1);
        row->addWidget(spin);
        form->addRow(label, row);
        spins.append(spin);
        return spin;
    };
    const int cpus = key->resources.cpus;
    const qint64 mem = key->resources.memoryMib;
    const qint64 disk = key->resources.diskMib;
    // As far as the lender's budget allows (the market says how far); from an older market,
    // which does not say, up to four times the allocation (the market checks the budget).
    const std::optional<Resources> &limit = key->rebalanceLimit;
    const bool budgetKnown = limit.has_value();
    const int maxCpus = budgetKnown ? qMax(cpus, limit->cpus) : qMax(1, cpus * 4);
    const qint64 maxMem = budgetKnown ? qMax(mem, limit->memoryMib) : qMax<qint64>(256, mem * 4);
    const qint64 maxDisk = budgetKnown ? qMax(disk, limit->diskMib) : qMax<qint64>(1024, disk * 4);
    const auto spinRange = [](qint64 v) { return int(qMin<qint64>(v, INT_MAX)); };
    const Resources least = leastRebalanceFor(key->resources);
    QSpinBox *cpuSpin = addSlider(tr("vCPUs"), cpus, least.cpus, maxCpus, 1, false, QStringLiteral("cpu"));
    QSpinBox *memSpin = addSlider(tr("Memory"), spinRange(mem), spinRange(least.memoryMib), spinRange(maxMem), 64, true,
                                  QStringLiteral("memory"));
    QSpinBox *diskSpin = addSlider(tr("Disk"), spinRange(disk), spinRange(least.diskMib), spinRange(maxDisk), 256, true,
                                   QStringLiteral("disk"));
    // One width for the three boxes, so that the sliders line up. A box's own hint fits its
    // bounds' texts ("16M", "1G"): the sizes between them ("1536M") need room of their own.
    int spinWidth = 0;
    for (QSpinBox *spin : std::as_const(spins)) {
        const QFontMetrics metrics = spin->fontMetrics();
        const int bounds = qMax(metrics.horizontalAdvance(formatSizeMib(spin->minimum())), metrics.horizontalAdvance(formatSizeMib(spin->maximum())));
        spinWidth = qMax(spinWidth, spin->sizeHint().width() + qMax(0, metrics.horizontalAdvance(QStringLiteral("00000M")) - bounds));
    }
    for (QSpinBox *spin : std::as_const(spins))
        spin->setMinimumWidth(spinWidth);
    auto *note = new QLabel(budgetKnown ? tr("The sliders go as far as the lender's budget allows: what it has not given its other "
                                             "partitions. The lender applies the change the next time it generates the partition; if "
                                             "it refuses it, the partition keeps its allocation.")
                                        : tr("The market checks the lender's budget; the lender applies the change the next time it "
                                             "generates the partition. If the lender refuses it, the partition keeps its allocation."),
                            &dialog);
    note->setWordWrap(true);
    form->addRow(note);
    dialog.setMinimumWidth(qMax(dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 160, 440));
    // What cannot be done is said here, in the dialog, which stays open with what the user set:
    // a size typed beyond a control's range, nothing changed, the market's or the lender's no.
    auto *problem = new ui::ErrorBanner(&dialog);
    form->addRow(problem);
    // Taller to show it: the wrapped note above would be cut instead.
    const auto fit = [shown = &dialog] {
        shown->layout()->activate();
        if (const int height = shown->heightForWidth(shown->width()); height > shown->height())
            shown->resize(shown->width(), height);
    };
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    // A number typed is the value once entered (Enter, or the box left), not digit by digit:
    // "2048" on its way would otherwise leave 204 behind when 2048 is refused.
    for (QSpinBox *spin : std::as_const(spins))
        spin->setKeyboardTracking(false);
    // A size refused as it is entered (the box goes back to its value) also holds the OK that
    // took the focus from its box: that OK would send what the user did not mean. The next OK
    // sends what the boxes show.
    auto refusedInput = std::make_shared<bool>(false);
    const QList<std::pair<QSpinBox *, QString>> sizes{{memSpin, tr("Memory")}, {diskSpin, tr("Disk")}};
    for (const auto &[spin, label] : sizes) {
        connect(static_cast<ui::SizeSpinBox *>(spin), &ui::SizeSpinBox::outOfRange, &dialog,
                [problem, refusedInput, label, fit](const QString &typed, const QString &bound) {
                    problem->showMessage(tr("%1 cannot be %2: %3.").arg(label, typed, bound));
                    fit();
                    *refusedInput = true;
                });
    }
    for (QSpinBox *spin : std::as_const(spins)) {
        connect(spin, &QSpinBox::valueChanged, &dialog, [problem, refusedInput] {
            if (std::exchange(*refusedInput, false))
                problem->hide(); // what it said is mended
        });
    }
    const QList<QWidget *> controls = dialog.findChildren<QWidget *>(Qt::FindDirectChildrenOnly);
    const auto setAsking = [controls, buttons, problem](bool asking) {
        // While the market is asked, nothing to change or send twice; Cancel closes the dialog
        // (the answer then goes to the status bar or the window's banner).
        for (QWidget *w : controls) {
            if (w != buttons && w != problem)
                w->setEnabled(!asking);
        }
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!asking);
    };
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&, refusedInput] {
        if (std::exchange(*refusedInput, false) && problem->isVisible())
            return; // said in the banner (unless the user dismissed it)
        AdminRebalance req;
        req.lenderId = key->lenderId;
        req.partitionId = key->partitionId;
        // What the user left alone goes as the partition has it, exactly (a size beyond a
        // spin box's range was shown cut to it).
        const auto chosen = [&spinRange](const QSpinBox *spin, qint64 had) { return spin->value() == spinRange(had) ? had : spin->value(); };
        req.resources = Resources{cpuSpin->value(), chosen(memSpin, mem), chosen(diskSpin, disk)};
        if (req.resources == Resources{cpus, mem, disk}) {
            problem->showNotice(tr("Nothing to change: the partition has these values already. Move a slider or type a new value, "
                                   "or Cancel."));
            fit();
            return;
        }
        if (!m_channel) {
            problem->showError(Error(ErrorCode::ConnectionClosed, tr("Not connected to the market.")));
            fit();
            return;
        }
        problem->hide();
        setAsking(true);
        m_channel->request<Ack>(req, this, [this, req, open = QPointer<QDialog>(&dialog), problem, setAsking, fit](Result<Ack> r) {
            // The row's new allocation, or the refusal, in place: the user's place in the table stays.
            m_model->refresh();
            if (r.ok()) {
                succeeded(Failed::Rebalance);
                emit notice(tr("Partition %1 now has %n vCPU(s), %2 memory and %3 disk; its lender applies that the next time "
                               "it generates the partition.",
                               nullptr, req.resources.cpus)
                                .arg(req.partitionId, formatSizeMib(req.resources.memoryMib), formatSizeMib(req.resources.diskMib)));
                if (open)
                    open->accept();
            } else if (open) {
                // Refused with the dialog still open: said there, with what the user set, to
                // adjust and send again.
                setAsking(false);
                problem->showError(r.error());
                fit();
            } else {
                failed(Failed::Rebalance, r.error());
            }
        });
    });
    dialog.exec();
}

void PartitionsPage::failed(Failed what, const Error &e)
{
    m_failed = what;
    emit error(e);
}

void PartitionsPage::succeeded(Failed what)
{
    if (m_failed == what) {
        m_failed = Failed::Nothing;
        emit recovered();
    }
}

// ───────────────────────────── contracts ─────────────────────────────

ContractsPage::ContractsPage(Channel *channel, QWidget *parent)
    : QWidget(parent)
    , m_channel(channel)
    , m_filter(new QLineEdit(this))
    , m_running(new QCheckBox(tr("Running only"), this))
    , m_model(new ui::PagedTableModel({{tr("Contract"), QStringLiteral("contract")},
                                       {tr("Borrower"), QStringLiteral("borrower")},
                                       {tr("Lender"), QStringLiteral("lender")},
                                       {tr("Partition"), QStringLiteral("partition")},
                                       {tr("Rate / h"), QStringLiteral("rate"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Started"), QStringLiteral("started"), Qt::AlignLeft | Qt::AlignVCenter,
                                        tr("When the contract started, in this computer's time zone (%1). Billing periods and "
                                           "exports go by UTC.")
                                            .arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))},
                                       {tr("Ended"), QStringLiteral("ended"), Qt::AlignLeft | Qt::AlignVCenter,
                                        tr("When the contract ended, in this computer's time zone (%1). Billing periods and "
                                           "exports go by UTC.")
                                            .arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))},
                                       {tr("Duration"), QStringLiteral("duration"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("Charge"), QStringLiteral("charge"), Qt::AlignRight | Qt::AlignVCenter},
                                       {tr("State"), {}}},
                                      this))
    , m_summary(new QLabel(this))
{
    m_summary->setObjectName(QStringLiteral("contractSummaryLabel"));
    m_filter->setObjectName(QStringLiteral("contractFilterEdit"));
    m_filter->setPlaceholderText(tr("Search by contract or partition ID, borrower or lender name or ID"));
    m_filter->setClearButtonEnabled(true);
    m_running->setObjectName(QStringLiteral("runningOnlyCheckBox"));
    m_view = makeTable(m_model, this, QStringLiteral("contractsView"));
    // Contract IDs begin with their creation time, so the contracts of one minute share
    // their first characters: an ID too long for its column keeps its start and its end.
    m_view->setTextElideMode(Qt::ElideMiddle);
    const QString timestamp = ui::formatTimestamp(QDateTime::currentMSecsSinceEpoch());
    // Borrowers by name (or a short node ID): room for a name of two words; longer ones
    // are elided (the window is 1,200 pixels wide by default).
    ui::sizeColumns(m_view, {QStringLiteral("c-01234567…0123456789"), QStringLiteral("Acme Research"),
                         QStringLiteral("render-farm-01"), QStringLiteral("part-0000"), QStringLiteral("00.00"), timestamp,
                         timestamp, ui::formatDuration(999 * 3600'000LL), QStringLiteral("0000.000000")});
    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_running);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);

    m_view->sortByColumn(5, Qt::DescendingOrder); // newest first
    ui::keepSortIndicatorOnSortableColumns(m_view, m_model);
    m_model->setFetcher([this](qint64 offset, int limit, const QString &sortKey, Qt::SortOrder order,
                               const ui::PagedTableModel::Reply &reply) {
        AdminListContracts req;
        req.filter = m_filter->text().trimmed();
        if (!sortKey.isEmpty())
            req.sort = ui::sortArgument(sortKey, order);
        req.runningOnly = m_running->isChecked();
        req.offset = offset;
        req.limit = limit;
        requestPage<AdminContractPage>(m_channel, this, req, reply, [this](const AdminContractPage &answer) {
            ui::TablePage page;
            page.total = answer.total;
            for (qsizetype i = 0; i < answer.rows.size(); ++i) {
                const Bill &b = answer.rows[i];
                const QString lenderName = answer.lenderNames.value_or(QStringList()).value(i);
                const QString borrowerName = answer.borrowerNames.value_or(QStringList()).value(i);
                page.rows.append({b.contractId, partyName(borrowerName, b.borrowerId),
                                  partyName(lenderName, b.lenderId), b.partitionId,
                                  ui::formatAmount(b.ratePerHour), ui::formatTimestamp(b.startedAtMs), ui::formatTimestamp(b.endedAtMs),
                                  ui::formatDuration(b.durationMs), ui::formatCharge(b.charge),
                                  b.state == QStringLiteral("running") ? tr("running") : tr("ended")});
                QHash<int, QString> tips{{1, partyToolTip(borrowerName, b.borrowerId)}, {2, partyToolTip(lenderName, b.lenderId)}};
                // The times are local, the billing periods and exports UTC: the time in UTC,
                // to find a contract in them.
                for (const auto &[column, ms] : {std::pair{5, b.startedAtMs}, std::pair{6, b.endedAtMs}}) {
                    if (ms > 0)
                        tips.insert(column, utcToolTip(ms));
                }
                page.toolTips.append(tips);
                page.keys.append(b.contractId);
            }
            return page;
        });
    });
    connect(m_model, &ui::PagedTableModel::failed, this, &ContractsPage::error);
    connect(m_model, &ui::PagedTableModel::loaded, this, [this](qint64 total) {
        const QString filter = m_filter->text().trimmed();
        if (total > 0)
            m_summary->setText(m_running->isChecked() ? tr("%Ln running contract(s)", nullptr, int(qMin<qint64>(total, INT_MAX)))
                                                      : tr("%Ln contract(s)", nullptr, int(qMin<qint64>(total, INT_MAX))));
        else if (!filter.isEmpty())
            m_summary->setText(m_running->isChecked() ? tr("No running contract matches \u201c%1\u201d.").arg(filter)
                                                      : tr("No contract matches \u201c%1\u201d.").arg(filter));
        else
            m_summary->setText(m_running->isChecked() ? tr("No contract is running.") : tr("No contracts yet."));
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_model->reload(); });
    connect(m_running, &QCheckBox::toggled, this, [this] { m_model->reload(); });
}

void ContractsPage::reload()
{
    m_model->reload();
}

void ContractsPage::refresh()
{
    m_model->refresh();
}

// ───────────────────────────── violations ─────────────────────────────

ViolationsPage::ViolationsPage(Channel *channel, QWidget *parent)
    : QWidget(parent)
    , m_channel(channel)
    , m_filter(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_model(new ui::PagedTableModel({{tr("Reported"), {}, Qt::AlignLeft | Qt::AlignVCenter,
                                        tr("When the market was told, in this computer's time zone (%1).")
                                            .arg(QString::fromUtf8(QTimeZone::systemTimeZoneId()))},
                                       {tr("Lender"), {}},
                                       {tr("Partition"), {}},
                                       {tr("Contract"), {}},
                                       {tr("Lease"), {}},
                                       {tr("What changed"), {}}},
                                      this))
{
    m_filter->setObjectName(QStringLiteral("violationFilterEdit"));
    m_filter->setPlaceholderText(tr("Filter by lender, partition, contract or what changed"));
    m_filter->setClearButtonEnabled(true);
    m_summary->setObjectName(QStringLiteral("violationSummaryLabel"));
    m_view = makeTable(m_model, this, QStringLiteral("violationsView"));
    m_view->setSortingEnabled(false); // newest first, as the market keeps them
    // Widths for what the columns hold (a time, a name with an ID, IDs, the lease's state);
    // the detail takes what is left.
    ui::sizeColumns(m_view, {ui::formatTimestamp(QDateTime::currentMSecsSinceEpoch()), QStringLiteral("render-farm (0123456789ab)"),
                         QStringLiteral("part-0000"), QStringLiteral("c-0123456789ab"), tr("not restored: contract ended")});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);

    m_model->setFetcher([this](qint64 offset, int limit, const QString &, Qt::SortOrder, const ui::PagedTableModel::Reply &reply) {
        AdminListViolations req;
        req.filter = m_filter->text().trimmed();
        // The detail column shows lock reports in people's words: a filter in those words
        // also finds the lender's ("memory limit": hard_limit).
        req.detailTerms = ui::lockReportTermsFor(req.filter);
        req.offset = offset;
        req.limit = limit;
        requestPage<AdminViolationPage>(m_channel, this, req, reply, [this](const AdminViolationPage &answer) {
            ui::TablePage page;
            page.total = answer.total;
            for (const Violation &v : answer.rows) {
                const QString described = ui::describeLockReport(v.detail);
                const QString lender = v.lenderName.isEmpty() ? shortId(v.lenderId)
                                                              : QStringLiteral("%1 (%2)").arg(v.lenderName, shortId(v.lenderId));
                page.rows.append({ui::formatTimestamp(v.atMs), lender, v.partitionId,
                                  v.contractId.isEmpty() ? tr("none") : v.contractId,
                                  v.restored ? tr("restored") : tr("not restored: contract ended"), described});
                page.keys.append(QStringLiteral("%1/%2/%3").arg(v.atMs).arg(v.lenderId, v.partitionId));
                // The time in UTC too, and the lender's own words where they are not what the
                // cell shows.
                QHash<int, QString> tips{{0, utcToolTip(v.atMs)}};
                if (described != v.detail)
                    tips.insert(5, tr("As the lender reported it: %1").arg(v.detail));
                page.toolTips.append(tips);
            }
            return page;
        });
    });
    connect(m_model, &ui::PagedTableModel::failed, this, &ViolationsPage::error);
    connect(m_model, &ui::PagedTableModel::loaded, this, [this](qint64 total) {
        m_summary->setText(tr("%Ln violation(s) reported", nullptr, int(qMin<qint64>(total, INT_MAX))));
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this] { m_model->reload(); });
}

void ViolationsPage::refresh()
{
    m_model->refresh();
}

void ViolationsPage::reload()
{
    m_model->reload();
}

// ───────────────────────────── billing ─────────────────────────────

BillingPage::BillingPage(Channel *channel, QWidget *parent)
    : QWidget(parent)
    , m_channel(channel)
    , m_period(new QComboBox(this))
    , m_range(new QWidget(this))
    , m_first(new QDateEdit(m_range))
    , m_last(new QDateEdit(m_range))
    , m_totals(new QLabel(this))
{
    m_period->setObjectName(QStringLiteral("periodComboBox"));
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("Last 90 days"), 90);
    m_period->addItem(tr("Custom range"), 0);
    // A custom range: whole days (UTC), the first and the last both included. Neither date
    // moves the other: a last day before the first (a year half typed, say) is shown as the
    // wrong range it is, and nothing is asked for or remembered until it is right again.
    const QDate today = QDateTime::currentDateTimeUtc().date();
    for (QDateEdit *edit : {m_first, m_last}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setMinimumDate(QDate(2000, 1, 1));
        edit->setDate(today);
    }
    m_first->setObjectName(QStringLiteral("periodFirstDayEdit"));
    m_first->setToolTip(tr("The period's first day (UTC)"));
    m_first->setDate(today.addDays(-29));
    m_last->setObjectName(QStringLiteral("periodLastDayEdit"));
    m_last->setToolTip(tr("The period's last day (UTC), included"));
    auto *rangeLayout = new QHBoxLayout(m_range);
    rangeLayout->setContentsMargins(0, 0, 0, 0);
    rangeLayout->addWidget(m_first);
    rangeLayout->addWidget(new QLabel(tr("to"), m_range));
    rangeLayout->addWidget(m_last);
    m_range->setVisible(false);
    restorePeriod();
    // A date typed digit by digit asks for one report, once the typing has paused.
    m_reloadSoon.setSingleShot(true);
    m_reloadSoon.setInterval(300);
    connect(&m_reloadSoon, &QTimer::timeout, this, &BillingPage::reload);
    // A range checkRange() refuses is said (reload() puts the reason in the banner) and
    // neither fetched nor remembered.
    const auto datesChanged = [this] {
        const bool right = checkRange(m_first->date(), m_last->date()).ok();
        markRange(right);
        if (!period().custom)
            return;
        if (right)
            rememberPeriod();
        m_reloadSoon.start();
    };
    connect(m_first, &QDateEdit::dateChanged, this, datesChanged);
    connect(m_last, &QDateEdit::dateChanged, this, datesChanged);
    m_totals->setObjectName(QStringLiteral("totalsLabel"));
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto makeChart = [this](const QString &name) {
        auto *view = new QChartView(new QChart, this);
        view->setObjectName(name);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(320, 220);
        return view;
    };
    m_revenue = makeChart(QStringLiteral("revenueChart"));
    m_split = makeChart(QStringLiteral("feeSplitChart"));
    m_parties = makeChart(QStringLiteral("topPartiesChart"));
    m_parties->installEventFilter(this);
    // After a resize or a new chart, when Qt Charts has laid the chart out (a posted layout
    // request): as many parties as fit, if that is not what the chart shows.
    m_fitParties.setSingleShot(true);
    m_fitParties.setInterval(50);
    connect(&m_fitParties, &QTimer::timeout, this, [this] {
        if (const int fit = partiesThatFit(); fit != m_partyRows)
            showParties(fit);
    });
    m_utilisation = makeChart(QStringLiteral("utilisationChart"));

    auto *invoices = new QPushButton(tr("Export invoices (CSV)…"), this);
    invoices->setObjectName(QStringLiteral("exportInvoicesButton"));
    auto *payouts = new QPushButton(tr("Export payouts (CSV)…"), this);
    payouts->setObjectName(QStringLiteral("exportPayoutsButton"));
    auto *pdf = new QPushButton(tr("Export report (PDF)…"), this);
    pdf->setObjectName(QStringLiteral("exportPdfButton"));
    m_exportButtons = {invoices, payouts, pdf};
    // The period and the exports on one row, the period's totals on their own below (wrapped
    // when narrow): in one row they made the window wider than a laptop's screen in German.
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Period:"), this));
    top->addWidget(m_period);
    top->addWidget(m_range);
    top->addStretch(1);
    top->addWidget(invoices);
    top->addWidget(payouts);
    top->addWidget(pdf);
    m_totals->setWordWrap(true);
    auto *grid = new QGridLayout;
    grid->addWidget(m_revenue, 0, 0);
    grid->addWidget(m_split, 0, 1);
    grid->addWidget(m_parties, 1, 0);
    grid->addWidget(m_utilisation, 1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_totals);
    layout->addLayout(grid, 1);

    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        m_range->setVisible(period().custom);
        reload();
    });
    // Only the user's own choice is remembered (activated() is not emitted for setLastDays()
    // or setRange(), which the command line's --period and --from call).
    connect(m_period, &QComboBox::activated, this, &BillingPage::rememberPeriod);
    // Asks where to save, then fetches the period's contracts and writes the file; a
    // failure (the market gone, an unwritable file, a full disk) shows in the error banner.
    // The period is taken before the dialog opens: the file is of the period its proposed
    // name says, also when the day turns (UTC) while the dialog is open.
    const auto exportTo = [this](const QString &title, const QString &what, const QString &filter, const QString &suffix,
                                 ExportFile::Kind kind) {
        const Result<Period> p = checkedPeriod();
        if (!p)
            return failed(Failed::Export, p.error());
        const QString path = QFileDialog::getSaveFileName(this, title, exportPath(what, suffix, *p), filter);
        if (path.isEmpty())
            return;
        // The folder is proposed next time only once a file was written there: a folder that
        // took none (/proc, a full or read-only disk) is not one to start the next dialog in.
        exportFiles(*p, {ExportFile{kind, path}}, {}, [this, path](Result<void> r) {
            if (!r.ok())
                return failed(Failed::Export, r.error());
            succeeded(Failed::Export);
            QSettings().setValue(QStringLiteral("billing/exportDirectory"), QFileInfo(path).absolutePath());
        });
    };
    connect(invoices, &QPushButton::clicked, this, [exportTo] {
        exportTo(tr("Export invoices"), QStringLiteral("invoices"), tr("CSV files (*.csv)"), QStringLiteral("csv"), ExportFile::Invoices);
    });
    connect(payouts, &QPushButton::clicked, this, [exportTo] {
        exportTo(tr("Export payouts"), QStringLiteral("payouts"), tr("CSV files (*.csv)"), QStringLiteral("csv"), ExportFile::Payouts);
    });
    connect(pdf, &QPushButton::clicked, this, [exportTo] {
        exportTo(tr("Export report"), QStringLiteral("report"), tr("PDF files (*.pdf)"), QStringLiteral("pdf"), ExportFile::Report);
    });
}

BillingPage::Period BillingPage::period() const
{
    // Days are the market's: UTC days, as the report's per-day figures are.
    const auto startOf = [](QDate day) { return QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch(); };
    Period p;
    if (const int days = m_period->currentData().toInt(); days > 0) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        p.last = now.date();
        p.first = p.last.addDays(-(days - 1));
        p.fromMs = startOf(p.first);
        p.toMs = now.toMSecsSinceEpoch() + 1;
    } else {
        p.custom = true;
        p.first = m_first->date();
        p.last = m_last->date();
        p.fromMs = startOf(p.first);
        p.toMs = startOf(p.last.addDays(1));
    }
    return p;
}

// QSettings "billing/period" ("7", "30", "90" or "custom") and, for a custom range,
// "billing/firstDay" and "billing/lastDay" (ISO dates, UTC days).
void BillingPage::restorePeriod()
{
    const QSettings settings;
    const QString saved = settings.value(QStringLiteral("billing/period")).toString();
    const QDate first = QDate::fromString(settings.value(QStringLiteral("billing/firstDay")).toString(), Qt::ISODate);
    const QDate last = QDate::fromString(settings.value(QStringLiteral("billing/lastDay")).toString(), Qt::ISODate);
    // Remembered dates come back also under a last-N-days period, for when the user turns
    // to a custom range again; dates a market would refuse (an edited file) do not.
    const bool rangeOk = checkRange(first, last).ok();
    if (rangeOk)
        showDates(first, last);
    const QSignalBlocker blockPeriod(m_period);
    if (saved == QLatin1String("custom") && rangeOk)
        m_period->setCurrentIndex(m_period->findData(0));
    else if (const int i = m_period->findData(saved.toInt()); i >= 0 && saved.toInt() > 0)
        m_period->setCurrentIndex(i);
    m_range->setVisible(period().custom);
}

void BillingPage::rememberPeriod()
{
    QSettings settings;
    const Period p = period();
    if (!p.custom) {
        settings.setValue(QStringLiteral("billing/period"), QString::number(m_period->currentData().toInt()));
        return;
    }
    settings.setValue(QStringLiteral("billing/period"), QStringLiteral("custom"));
    if (!checkRange(p.first, p.last).ok())
        return; // the last right days stay remembered
    settings.setValue(QStringLiteral("billing/firstDay"), p.first.toString(Qt::ISODate));
    settings.setValue(QStringLiteral("billing/lastDay"), p.last.toString(Qt::ISODate));
}

void BillingPage::setLastDays(int days)
{
    if (const int i = m_period->findData(days); i >= 0 && days > 0)
        m_period->setCurrentIndex(i);
}

Result<void> BillingPage::checkRange(QDate first, QDate last)
{
    if (!first.isValid() || !last.isValid())
        return Error(ErrorCode::InvalidArgument, tr("a billing period needs a valid first and last day"));
    if (first < QDate(2000, 1, 1))
        return Error(ErrorCode::InvalidArgument, tr("a billing period starts in 2000 or later, not on %1").arg(first.toString(Qt::ISODate)));
    if (last < first)
        return Error(ErrorCode::InvalidArgument, tr("the billing period's last day (%1) is before its first (%2)")
                                                     .arg(last.toString(Qt::ISODate), first.toString(Qt::ISODate)));
    if (first.daysTo(last) + 1 > kMaxRangeDays)
        return Error(ErrorCode::InvalidArgument, tr("a billing period covers at most %1 days, not %2").arg(kMaxRangeDays).arg(first.daysTo(last) + 1));
    return {};
}

void BillingPage::showDates(QDate first, QDate last)
{
    const QSignalBlocker blockFirst(m_first), blockLast(m_last);
    m_first->setDate(first);
    m_last->setDate(last);
    markRange(true);
}

Result<void> BillingPage::setRange(QDate first, QDate last)
{
    if (Result<void> ok = checkRange(first, last); !ok)
        return ok;
    // Both dates set before the period turns custom or reloads: one report, of the new range.
    showDates(first, last);
    if (const int custom = m_period->findData(0); m_period->currentIndex() != custom)
        m_period->setCurrentIndex(custom);
    else
        reload();
    return {};
}

void BillingPage::markRange(bool right)
{
    // The two dates in the error colour while they make no period the market reports on.
    for (QDateEdit *edit : {m_first, m_last})
        edit->setStyleSheet(right ? QString() : QStringLiteral("QDateEdit { color: #b00020; }"));
}

Result<BillingPage::Period> BillingPage::checkedPeriod() const
{
    const Period p = period();
    if (p.custom) {
        if (Result<void> ok = checkRange(p.first, p.last); !ok)
            return ok.error();
    }
    return p;
}

void BillingPage::loadReport(const Period &p, std::function<void(Result<void>)> done)
{
    if (!m_channel) {
        done(Error(ErrorCode::ConnectionClosed, QObject::tr("not connected to the market")));
        return;
    }
    AdminBillingReport req;
    req.fromMs = p.fromMs;
    req.toMs = p.toMs;
    m_channel->request<BillingReport>(req, this, [this, p, done = std::move(done)](Result<BillingReport> r) {
        if (!r.ok()) {
            done(r.error());
            return;
        }
        m_shownFirst = p.first;
        m_shownLast = p.last;
        showReport(*r);
        done({});
    });
}

void BillingPage::reload()
{
    if (!m_channel)
        return;
    m_reloadSoon.stop();
    Result<Period> p = checkedPeriod();
    if (!p) {
        failed(Failed::Report, p.error());
        return;
    }
    // One report at a time. The window asks every 5 s while the tab is shown, and on a large
    // market a report can take longer than that: the market reads its requests one after the
    // other, and would queue them without bound. Asked again meanwhile, the tab asks once the
    // answer is in, and only for another period than the one answered (the next refresh
    // brings the same period's newer figures).
    if (m_reportAsked) {
        m_askAgain = true;
        return;
    }
    m_reportAsked = true;
    loadReport(*p, [this, asked = *p](Result<void> loaded) {
        m_reportAsked = false;
        if (!loaded.ok())
            failed(Failed::Report, loaded.error());
        else
            succeeded(Failed::Report);
        if (std::exchange(m_askAgain, false)) {
            const Period now = period();
            if (now.custom != asked.custom || now.first != asked.first || now.last != asked.last)
                reload();
        }
    });
}

void BillingPage::failed(Failed what, const Error &e)
{
    m_failed = what;
    emit error(e);
}

void BillingPage::succeeded(Failed what)
{
    if (m_failed == what) {
        m_failed = Failed::Nothing;
        emit recovered();
    }
}

void BillingPage::fetchPeriod(const Period &p, std::function<void(Result<Contracts>)> done)
{
    // The contract list is fetched for an export only: the 5 s refresh reloads the report,
    // which the server aggregates, and never every contract of the period.
    fetchPeriodContracts(m_channel, this, p.fromMs, p.toMs, [p, done](Result<Contracts> all) {
        if (!all.ok()) {
            done(all.error());
            return;
        }
        Contracts inPeriod;
        inPeriod.names = all->names;
        for (const Bill &b : std::as_const(all->bills)) {
            if (b.state == QStringLiteral("ended") && b.endedAtMs >= p.fromMs && b.endedAtMs < p.toMs)
                inPeriod.bills.append(b);
        }
        done(inPeriod);
    });
}

QString BillingPage::suggestedExportPath(const QString &what, const QString &suffix) const
{
    return exportPath(what, suffix, period());
}

QString BillingPage::exportPath(const QString &what, const QString &suffix, const Period &p)
{
    QString dir = QSettings().value(QStringLiteral("billing/exportDirectory")).toString();
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    return QDir(dir).filePath(QStringLiteral("lendable-%1-%2-to-%3.%4")
                                  .arg(what, p.first.toString(Qt::ISODate), p.last.toString(Qt::ISODate), suffix));
}

std::function<void(Result<void>)> BillingPage::trackExport(const QString &path, std::function<void(Result<void>)> done)
{
    if (m_exports++ == 0)
        setExportControlsEnabled(false);
    emit exportStarted(path);
    return [page = QPointer<BillingPage>(this), path, done = std::move(done)](Result<void> r) {
        if (page) {
            if (--page->m_exports == 0)
                page->setExportControlsEnabled(true);
            emit page->exportFinished(path, r.ok());
        }
        done(std::move(r));
    };
}

void BillingPage::setExportControlsEnabled(bool enabled)
{
    // The period too: an export writes the period it started with, and a period changed
    // meanwhile would have the tab show another than the one being written.
    for (QPushButton *b : std::as_const(m_exportButtons))
        b->setEnabled(enabled);
    for (QWidget *w : std::initializer_list<QWidget *>{m_period, m_first, m_last})
        w->setEnabled(enabled);
}

void BillingPage::exportCsv(const QString &path, bool invoices, std::function<void(Result<void>)> done)
{
    exportFiles({ExportFile{invoices ? ExportFile::Invoices : ExportFile::Payouts, path}}, {}, std::move(done));
}

void BillingPage::exportPdf(const QString &path, std::function<void(Result<void>)> done)
{
    exportFiles({ExportFile{ExportFile::Report, path}}, {}, std::move(done));
}

void BillingPage::exportFiles(QList<ExportFile> files, std::function<void(const QString &path)> wrote,
                              std::function<void(Result<void>)> done)
{
    if (files.isEmpty()) {
        done({});
        return;
    }
    // The period taken once, here: every file, and every part of the PDF (its title, footer,
    // charts and tables), is of it. Asked again while writing, a "last N days" period that
    // crossed midnight UTC during a long fetch would be another.
    Result<Period> p = checkedPeriod();
    if (!p) {
        done(p.error());
        return;
    }
    exportFiles(*p, std::move(files), std::move(wrote), std::move(done));
}

void BillingPage::exportFiles(const Period &p, QList<ExportFile> files, std::function<void(const QString &path)> wrote,
                              std::function<void(Result<void>)> done)
{
    if (files.isEmpty()) {
        done({});
        return;
    }
    done = trackExport(files.constFirst().path, std::move(done));
    fetchPeriod(p, [this, files, p, wrote, done](Result<Contracts> contracts) {
        if (!contracts.ok())
            done(contracts.error());
        else
            writeFiles(files, p, *contracts, wrote, done);
    });
}

void BillingPage::writeFiles(QList<ExportFile> files, const Period &p, const Contracts &contracts,
                             std::function<void(const QString &path)> wrote, std::function<void(Result<void>)> done)
{
    if (files.isEmpty()) {
        done({});
        return;
    }
    const ExportFile next = files.takeFirst();
    const auto written = [this, files, p, contracts, wrote, done, next](Result<void> r) {
        if (!r.ok()) {
            done(r);
            return;
        }
        if (wrote)
            wrote(next.path);
        writeFiles(files, p, contracts, wrote, done);
    };
    if (next.kind != ExportFile::Report) {
        written(writeCsv(next.path, next.kind == ExportFile::Invoices, contracts));
        return;
    }
    // The first page draws the report the tab shows. If that is not yet the period's (a
    // date changed a moment ago, or the day turned), the period's report comes first.
    if (p.first == m_shownFirst && p.last == m_shownLast) {
        written(writePdf(next.path, p, contracts));
        return;
    }
    loadReport(p, [this, next, p, contracts, written](Result<void> loaded) {
        written(loaded.ok() ? writePdf(next.path, p, contracts) : loaded);
    });
}

namespace {

/// A money axis on round numbers. A period without billing has nothing but zeros, and
/// QValueAxis::applyNiceNumbers() makes NaN of an empty range: 0 to 1 then.
void roundMoneyAxis(QValueAxis *axis)
{
    if (axis->max() > axis->min())
        axis->applyNiceNumbers();
    else
        axis->setRange(0, 1);
    // As many decimals as the ticks need ("600", not "600.0"; "0.25" where they are that fine).
    const double step = (axis->max() - axis->min()) / qMax(1, axis->tickCount() - 1);
    int decimals = 0;
    while (decimals < 6 && step * std::pow(10.0, decimals) - std::floor(step * std::pow(10.0, decimals) + 1e-9) > 1e-6)
        ++decimals;
    axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
}

QDate utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date();
}

/// `amount` to hundredths as ui::formatTotal() rounds it (half away from zero).
Money roundedToCents(Money amount)
{
    const qint64 cents = (qAbs(amount.micros()) + 5'000) / 10'000;
    return Money::fromMicros((amount.isNegative() ? -cents : cents) * 10'000);
}

} // namespace

QString BillingPage::totalsLine(Money revenue, Money fees, Money payouts, qint32 feeBasisPoints)
{
    // Rounded each on its own, the three would not always add up (revenue 1,630.71, fees
    // 163.07, payouts 1,467.63), and a reader adding them would think a cent lost. The
    // revenue is the fees and the payouts exactly, bill by bill: the payouts are shown as what
    // is left of the revenue shown once the fees shown are taken, which is at most a cent
    // from their own rounding. Figures that do not add up exactly are shown as they are.
    QString shownPayouts = ui::formatTotal(payouts);
    if (const Result<Money> rest = revenue.subtract(fees); rest.ok() && *rest == payouts) {
        if (const Result<Money> shown = roundedToCents(revenue).subtract(roundedToCents(fees)); shown.ok())
            shownPayouts = ui::formatTotal(*shown);
    }
    return tr("Revenue %1 · Fees %2 · Payouts %3 · Fee %4 %")
        .arg(ui::formatTotal(revenue), ui::formatTotal(fees), shownPayouts)
        .arg(double(feeBasisPoints) / 100.0);
}

BillingPage::Bars BillingPage::barsOf(const QList<DayStat> &days)
{
    Bars bars;
    bars.unit = days.size() <= kMaxDailyBars ? BarUnit::Day : days.size() <= 7 * kMaxDailyBars ? BarUnit::Week : BarUnit::Month;
    for (qsizetype i = 0; i < days.size(); ++i) {
        const DayStat &d = days[i];
        const QDate date = utcDate(d.dayStartMs);
        const bool next = bars.stats.isEmpty() || bars.unit == BarUnit::Day || (bars.unit == BarUnit::Week && i % 7 == 0)
            || (bars.unit == BarUnit::Month && date.day() == 1);
        if (next) {
            bars.stats.append(DayStat{.dayStartMs = d.dayStartMs});
            bars.days.append(0);
        }
        DayStat &bar = bars.stats.last();
        bar.revenue = bar.revenue.add(d.revenue).value_or(bar.revenue);
        bar.fees = bar.fees.add(d.fees).value_or(bar.fees);
        bar.payouts = bar.payouts.add(d.payouts).value_or(bar.payouts);
        bar.lentSeconds += d.lentSeconds;
        bar.capacitySeconds += d.capacitySeconds;
        ++bars.days.last();
    }
    return bars;
}

QList<std::pair<qsizetype, QString>> BillingPage::barLabels(const Bars &bars, QDate today, qsizetype atMost)
{
    // The year where it is not this one, on the first label and where it changes: "2025-12-29",
    // "01-05", not a December and a January side by side with no year between them.
    const qsizetype n = bars.stats.size();
    const bool thisYearOnly =
        n == 0 || (utcDate(bars.stats.first().dayStartMs).year() == today.year() && utcDate(bars.stats.last().dayStartMs).year() == today.year());
    // A few labels whatever the period, each with room to be read whole: 90 days show every
    // 14th date, not 90 clipped ones; fewer labels where they are longer (with a year), and
    // months every quarter, half year or year.
    const bool months = bars.unit == BarUnit::Month;
    const qsizetype readable = months || !thisYearOnly ? 6 : 10;
    const qsizetype most = atMost > 0 ? qMin(atMost, readable) : readable;
    static const QList<int> monthSteps{1, 2, 3, 6, 12, 24, 60};
    static const QList<int> daySteps{1, 2, 3, 4, 5, 7, 14, 28, 56, 91, 182, 364};
    int step = 1;
    for (int s : months ? monthSteps : daySteps) {
        step = s;
        if ((n + s - 1) / s <= most)
            break;
    }
    QList<std::pair<qsizetype, QString>> labels;
    int shownYear = 0;
    for (qsizetype i = 0; i < n; i += step) {
        const QDate date = utcDate(bars.stats[i].dayStartMs);
        if (bars.unit == BarUnit::Month) {
            labels.append({i, date.toString(QStringLiteral("yyyy-MM"))});
        } else {
            const bool withYear = !thisYearOnly && date.year() != shownYear;
            labels.append({i, date.toString(withYear ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("MM-dd"))});
            shownYear = date.year();
        }
    }
    return labels;
}

namespace {

/// The time axis of the bar charts: bar i at x = i (bars are grouped around their index on
/// a value axis), with barLabels()' labels under their bars.
QCategoryAxis *barAxis(qsizetype bars, const QList<std::pair<qsizetype, QString>> &labels)
{
    auto *axis = new QCategoryAxis;
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setRange(-0.5, qMax<qsizetype>(1, bars) - 0.5);
    for (const auto &[at, label] : labels)
        axis->append(label, double(at)); // distinct: dates, with their year where it repeats
    return axis;
}

/// Puts on `chart`'s time axis (barAxis()) as many of barLabels()' labels as are read whole at
/// the width the chart is laid out at now, and returns the labels it had (for putAxisLabels()).
QList<std::pair<double, QString>> putAxisLabels(QChart *chart, const QList<std::pair<double, QString>> &labels)
{
    QList<std::pair<double, QString>> had;
    const QList<QAbstractAxis *> axes = chart->axes(Qt::Horizontal);
    auto *axis = axes.isEmpty() ? nullptr : qobject_cast<QCategoryAxis *>(axes.first());
    if (!axis)
        return had;
    for (const QString &label : axis->categoriesLabels()) {
        had.append({axis->endValue(label), label});
        axis->remove(label);
    }
    for (const auto &[at, label] : labels)
        axis->append(label, at);
    return had;
}

/// The labels of `bars` that `chart`'s time axis has room for at its present width: each with
/// a label's width and an em to spare before the next.
QList<std::pair<double, QString>> labelsThatFit(QChart *chart, const BillingPage::Bars &bars, QDate today)
{
    const QList<QAbstractAxis *> axes = chart->axes(Qt::Horizontal);
    const QFontMetricsF metrics(axes.isEmpty() ? chart->font() : axes.first()->labelsFont());
    const double perBar = chart->plotArea().width() / double(qMax<qsizetype>(1, bars.stats.size()));
    QList<std::pair<qsizetype, QString>> labels;
    for (qsizetype most = 10; most >= 1; --most) {
        labels = BillingPage::barLabels(bars, today, most);
        double widest = 0;
        for (const auto &l : std::as_const(labels))
            widest = qMax(widest, metrics.horizontalAdvance(l.second));
        const qsizetype step = labels.size() > 1 ? labels[1].first - labels[0].first : bars.stats.size();
        if (double(step) * perBar >= widest + metrics.height())
            break;
    }
    QList<std::pair<double, QString>> out;
    for (const auto &[at, label] : std::as_const(labels))
        out.append({double(at), label});
    return out;
}

} // namespace

void BillingPage::showReport(const BillingReport &report)
{
    m_report = report;
    auto *revenue = new QBarSet(tr("Revenue"));
    auto *fees = new QBarSet(tr("Market fees"));
    auto *payouts = new QBarSet(tr("Lender payouts"));
    // A bar per day; per week or month over a long period, so that each stays wide enough.
    const Bars bars = barsOf(report.days);
    const auto labels = barLabels(bars, QDateTime::currentDateTimeUtc().date());
    // Utilisation where there was capacity to use: a day before any partition was registered,
    // or still to come, has no point (a gap in the line), not 0 %. Each run of days with
    // capacity is a series of its own, all in one colour and under one legend entry.
    QList<QLineSeries *> utilisation;
    const auto newRun = [&utilisation] {
        utilisation.append(new QLineSeries);
        utilisation.last()->setName(tr("Lent capacity %"));
    };
    Money totalRevenue, totalFees, totalPayouts;
    for (qsizetype i = 0; i < bars.stats.size(); ++i) {
        const DayStat &d = bars.stats[i];
        *revenue << toUnits(d.revenue);
        *fees << toUnits(d.fees);
        *payouts << toUnits(d.payouts);
        if (d.capacitySeconds > 0) {
            if (utilisation.isEmpty() || bars.stats[i - 1].capacitySeconds <= 0)
                newRun();
            utilisation.last()->append(double(i), 100.0 * double(d.lentSeconds) / double(d.capacitySeconds));
        }
        totalRevenue = totalRevenue.add(d.revenue).value_or(totalRevenue);
        totalFees = totalFees.add(d.fees).value_or(totalFees);
        totalPayouts = totalPayouts.add(d.payouts).value_or(totalPayouts);
    }
    if (utilisation.isEmpty()) // nothing registered in the period: the legend still says what the chart is
        newRun();
    const QString per = bars.unit == BarUnit::Day ? tr("Revenue per day") : bars.unit == BarUnit::Week ? tr("Revenue per week") : tr("Revenue per month");
    const QString split = bars.unit == BarUnit::Day    ? tr("Fees vs payouts")
                        : bars.unit == BarUnit::Week ? tr("Fees vs payouts per week")
                                                     : tr("Fees vs payouts per month");
    // Totals rounded to hundredths, as people read them, so that they add up; exact to the
    // micro-unit in the tooltip, the CSV and the PDF's tables.
    m_totals->setText(totalsLine(totalRevenue, totalFees, totalPayouts, report.feeBasisPoints));
    m_totals->setToolTip(tr("Exact: revenue %1, fees %2, payouts %3")
                             .arg(totalRevenue.toString(), totalFees.toString(), totalPayouts.toString()));

    auto setChart = [](QChartView *view, QChart *chart, const QString &title) {
        chart->setTitle(title);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->setAnimationOptions(QChart::NoAnimation);
        QChart *old = view->chart();
        view->setChart(chart);
        delete old;
    };
    // Money axes on round numbers, once their series are attached.
    // Money in the locale's digits, grouped ("1,000,000", not "1000000").
    const auto moneyAxis = [](QChart *chart, QAbstractSeries *series) {
        chart->setLocalizeNumbers(true);
        auto *axis = new QValueAxis;
        chart->addAxis(axis, Qt::AlignLeft);
        series->attachAxis(axis);
        roundMoneyAxis(axis);
    };

    auto *revenueChart = new QChart;
    auto *revenueSeries = new QBarSeries;
    revenueSeries->append(revenue);
    revenueChart->addSeries(revenueSeries);
    revenueChart->addAxis(barAxis(bars.stats.size(), labels), Qt::AlignBottom);
    revenueSeries->attachAxis(revenueChart->axes(Qt::Horizontal).first());
    moneyAxis(revenueChart, revenueSeries);
    setChart(m_revenue, revenueChart, per);

    auto *splitChart = new QChart;
    auto *splitSeries = new QStackedBarSeries;
    splitSeries->append(fees);
    splitSeries->append(payouts);
    splitChart->addSeries(splitSeries);
    splitChart->addAxis(barAxis(bars.stats.size(), labels), Qt::AlignBottom);
    splitSeries->attachAxis(splitChart->axes(Qt::Horizontal).first());
    moneyAxis(splitChart, splitSeries);
    setChart(m_split, splitChart, split);

    showParties(partiesThatFit());

    auto *utilChart = new QChart;
    QCategoryAxis *utilDays = barAxis(bars.stats.size(), labels);
    auto *pct = new QValueAxis;
    pct->setRange(0, 100);
    pct->setLabelFormat(QStringLiteral("%d %%"));
    utilChart->addAxis(utilDays, Qt::AlignBottom);
    utilChart->addAxis(pct, Qt::AlignLeft);
    for (qsizetype i = 0; i < utilisation.size(); ++i) {
        QLineSeries *run = utilisation[i];
        utilChart->addSeries(run);
        run->attachAxis(utilDays);
        run->attachAxis(pct);
        // A run of one day is a dot; all runs in the first one's colour, under its legend entry.
        run->setPointsVisible(run->count() == 1);
        if (i > 0) {
            run->setColor(utilisation.first()->color());
            utilChart->legend()->markers(run).value(0)->setVisible(false);
        }
    }
    setChart(m_utilisation, utilChart, tr("Utilisation of lent capacity"));
    emit reportLoaded();
}

int BillingPage::partiesThatFit() const
{
    // Qt Charts gives each category's label the axis's height divided by the categories
    // plus one, less 4 px of padding above and below, and draws "..." for a label that is
    // taller than that. So as many parties are charted as keep their names readable at the
    // chart's present height: fewer in a small window, more in a tall one.
    QChart *chart = m_parties->chart();
    const QList<QAbstractAxis *> axes = chart->axes(Qt::Vertical);
    const QFont font = axes.isEmpty() ? QBarCategoryAxis().labelsFont() : axes.first()->labelsFont();
    const qreal perLabel = QFontMetricsF(font).height() + 2 * 4.0 + 1.0;
    const qreal height = chart->plotArea().height();
    if (height <= 0)
        return 2 * kChartParties;
    return qBound(2, int(height / perLabel) - 1, 2 * kChartParties);
}

void BillingPage::showParties(int rows)
{
    m_partyRows = rows;
    auto *chart = new QChart;
    // Stacked: each category holds one party, with 0 in the other set, and its bar is then
    // centred on its name and as thick as the category allows (side by side, it took half).
    auto *series = new QHorizontalStackedBarSeries;
    auto *borrowerSet = new QBarSet(tr("Borrowers (charged)"));
    auto *lenderSet = new QBarSet(tr("Lenders (paid)"));
    // `rows` shared between the largest borrowers and the largest lenders (half each, or
    // more for one side when the other has fewer), at most kChartParties of each.
    const int borrowers = qMin<int>(qMin<int>(report().topBorrowers.size(), kChartParties),
                                    qMax<int>(rows / 2, rows - int(qMin<qsizetype>(report().topLenders.size(), kChartParties))));
    const int lenders = qMin<int>(qMin<int>(report().topLenders.size(), kChartParties), rows - borrowers);
    // From the top down, borrowers then lenders; a horizontal bar chart draws its first
    // category at the bottom, so they are appended bottom first.
    struct Bar {
        QString label;
        QString nodeId;
        double charged;
        double paid;
    };
    QList<Bar> bars;
    for (const PartyTotal &p : report().topBorrowers.mid(0, borrowers))
        bars.append({partyName(p.name, p.nodeId.left(8)), p.nodeId, toUnits(p.amount), 0});
    for (const PartyTotal &p : report().topLenders.mid(0, lenders))
        bars.append({partyName(p.name, p.nodeId.left(8)), p.nodeId, 0, toUnits(p.amount)});
    // Borrower or lender is told by the bar's colour (and the legend). Names are not unique,
    // and a category axis keeps one of each label (the bars below a repeated one would take
    // their neighbours' names): one node that both borrows and lends gets its role named,
    // and different parties of one name their node IDs.
    QHash<QString, QSet<QString>> nodesByLabel;
    QHash<QString, int> uses;
    for (const Bar &b : std::as_const(bars)) {
        nodesByLabel[b.label].insert(b.nodeId);
        ++uses[b.label];
    }
    for (Bar &b : bars) {
        if (uses.value(b.label) < 2)
            continue;
        const bool otherNodes = nodesByLabel.value(b.label).size() > 1;
        const QString base = otherNodes ? tr("%1 (%2)").arg(b.label, b.nodeId.left(8)) : b.label;
        const bool bothRoles = std::count_if(bars.cbegin(), bars.cend(), [&](const Bar &o) { return o.nodeId == b.nodeId; }) > 1;
        b.label = !bothRoles ? base : b.paid > 0 || b.charged == 0 ? tr("%1 (lender)").arg(base) : tr("%1 (borrower)").arg(base);
    }
    QStringList parties;
    for (auto it = bars.crbegin(); it != bars.crend(); ++it) {
        parties.append(it->label);
        *borrowerSet << it->charged;
        *lenderSet << it->paid;
    }
    series->append(borrowerSet);
    series->append(lenderSet);
    series->setBarWidth(0.6);
    chart->addSeries(series);
    auto *names = new QBarCategoryAxis;
    names->append(parties);
    chart->addAxis(names, Qt::AlignLeft);
    auto *money = new QValueAxis;
    chart->setLocalizeNumbers(true); // "200,000", as the money axes of the other charts
    chart->addAxis(money, Qt::AlignBottom);
    series->attachAxis(names);
    series->attachAxis(money);
    roundMoneyAxis(money);
    chart->setTitle(tr("Top borrowers and lenders"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    QChart *old = m_parties->chart();
    m_parties->setChart(chart);
    delete old;
    // Once laid out, the chart's height may allow more or fewer rows than were guessed.
    m_fitParties.start();
}

bool BillingPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_parties && event->type() == QEvent::Resize)
        m_fitParties.start();
    return QWidget::eventFilter(watched, event);
}

Result<void> BillingPage::writeCsv(const QString &path, bool invoices, const Contracts &contracts)
{
    // One block per party: its contracts of the period, then its total (exact decimal sums).
    // The party's name, if it has one, is the last column (added after the others, so that
    // scripts reading the columns by position keep working).
    QMap<QString, QList<Bill>> byParty;
    for (const Bill &b : contracts.bills)
        byParty[invoices ? b.borrowerId : b.lenderId].append(b);
    QString csv = invoices ? QStringLiteral("borrower_id,contract_id,partition_id,lender_id,started_at,ended_at,duration_ms,rate,charge,borrower_name\n")
                           : QStringLiteral("lender_id,contract_id,partition_id,borrower_id,started_at,ended_at,duration_ms,charge,market_fee,payout,lender_name\n");
    // Every text field through csvText(), IDs too: a partition ID is the lender's own text, and
    // the others cost nothing to treat alike. Times and amounts are this program's.
    for (auto it = byParty.cbegin(); it != byParty.cend(); ++it) {
        const QString party = csvText(it.key());
        const QString name = csvText(contracts.names.value(it.key()));
        Money total;
        for (const Bill &b : it.value()) {
            const QString started = QDateTime::fromMSecsSinceEpoch(b.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs);
            const QString ended = QDateTime::fromMSecsSinceEpoch(b.endedAtMs, Qt::UTC).toString(Qt::ISODateWithMs);
            if (invoices) {
                csv += QStringList{party, csvText(b.contractId), csvText(b.partitionId), csvText(b.lenderId), started, ended,
                                   QString::number(b.durationMs), b.ratePerHour.toString(), b.charge.toString(), name}
                           .join(QLatin1Char(',')) + QLatin1Char('\n');
                total = total.add(b.charge).value_or(total);
            } else {
                csv += QStringList{party, csvText(b.contractId), csvText(b.partitionId), csvText(b.borrowerId), started, ended,
                                   QString::number(b.durationMs), b.charge.toString(), b.marketFee.toString(),
                                   b.lenderPayout.toString(), name}
                           .join(QLatin1Char(',')) + QLatin1Char('\n');
                total = total.add(b.lenderPayout).value_or(total);
            }
        }
        csv += invoices ? QStringLiteral("%1,TOTAL,,,,,,,%2,%3\n").arg(party, total.toString(), name)
                        : QStringLiteral("%1,TOTAL,,,,,,,,%2,%3\n").arg(party, total.toString(), name);
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(path, f.errorString()));
    const QByteArray bytes = csv.toUtf8();
    if (f.write(bytes) != bytes.size() || !f.commit())
        return Error(ErrorCode::DiskFull, tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

namespace {

/// One party's sums over a period's ended contracts, for the report's tables.
struct PartySums {
    QString id;
    QString name;
    int contracts = 0;
    qint64 durationMs = 0;
    Money charged;
    Money fees;
    Money paid;
};

/// Per borrower (`byBorrower`) or per lender, largest amount first (charged, or paid).
QList<PartySums> sumByParty(const BillingPage::Contracts &contracts, bool byBorrower)
{
    QHash<QString, PartySums> sums;
    for (const Bill &b : contracts.bills) {
        const QString &id = byBorrower ? b.borrowerId : b.lenderId;
        PartySums &p = sums[id];
        p.id = id;
        p.name = contracts.names.value(id);
        ++p.contracts;
        p.durationMs += b.durationMs;
        p.charged = p.charged.add(b.charge).value_or(p.charged);
        p.fees = p.fees.add(b.marketFee).value_or(p.fees);
        p.paid = p.paid.add(b.lenderPayout).value_or(p.paid);
    }
    QList<PartySums> out = sums.values();
    std::sort(out.begin(), out.end(), [byBorrower](const PartySums &a, const PartySums &b) {
        const qint64 x = byBorrower ? a.charged.micros() : a.paid.micros();
        const qint64 y = byBorrower ? b.charged.micros() : b.paid.micros();
        return x != y ? x > y : a.id < b.id;
    });
    return out;
}

/// Lays out the report's pages: a running footer, and tables that continue on the next page
/// (their header repeated) when a page is full.
class ReportPainter {
public:
    ReportPainter(QPdfWriter &writer, QPainter &painter, QString footer)
        : m_writer(writer)
        , m_painter(painter)
        , m_footer(std::move(footer))
        , m_page(painter.viewport())
    {
    }

    QRect page() const { return m_page; }
    int y() const { return m_y; }
    void setY(int y) { m_y = y; }

    /// Ends the page (its footer) and starts the next.
    bool newPage()
    {
        drawFooter();
        if (!m_writer.newPage())
            return false;
        ++m_pageNumber;
        m_y = 0;
        return true;
    }

    void finish() { drawFooter(); }

    void heading(const QString &text)
    {
        const int h = 34;
        if (m_y + h + 3 * rowHeight() > contentBottom())
            newPage();
        QFont f = m_painter.font();
        f.setPointSize(13);
        f.setBold(true);
        m_painter.save();
        m_painter.setFont(f);
        m_painter.drawText(QRect(0, m_y, m_page.width(), h), Qt::AlignLeft | Qt::AlignVCenter, text);
        m_painter.restore();
        m_y += h;
    }

    /// A line of small grey text under a heading.
    void note(const QString &text)
    {
        m_painter.save();
        QFont f = m_painter.font();
        f.setPointSize(9);
        m_painter.setFont(f);
        m_painter.setPen(Qt::darkGray);
        // Wrapped to the page's width (a translation may be longer than the English).
        const int h = m_painter.fontMetrics().boundingRect(QRect(0, 0, m_page.width(), 10 * m_page.height()), Qt::TextWordWrap, text).height() + 6;
        m_painter.drawText(QRect(0, m_y, m_page.width(), h), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, text);
        m_painter.restore();
        m_y += h;
    }

    /// A table: `widths` are shares of the page's width; numbers (`rightAligned`) align right.
    /// The last row, if `totalRow`, is drawn bold above a rule.
    void table(const QStringList &headers, const QList<double> &widths, const QList<bool> &rightAligned,
               const QList<QStringList> &rows, bool totalRow)
    {
        drawHeader(headers, widths, rightAligned);
        for (qsizetype r = 0; r < rows.size(); ++r) {
            if (m_y + rowHeight() > contentBottom()) {
                newPage();
                drawHeader(headers, widths, rightAligned);
            }
            const bool total = totalRow && r == rows.size() - 1;
            m_painter.save();
            if (total) {
                QFont f = m_painter.font();
                f.setBold(true);
                m_painter.setFont(f);
                m_painter.drawLine(0, m_y, m_page.width(), m_y);
            } else if (r % 2 == 1) {
                m_painter.fillRect(QRect(0, m_y, m_page.width(), rowHeight()), QColor(0xf2, 0xf2, 0xf2));
            }
            drawRow(rows[r], widths, rightAligned);
            m_painter.restore();
            m_y += rowHeight();
        }
        m_y += rowHeight();
    }

private:
    int rowHeight() const { return m_painter.fontMetrics().height() + 8; }
    int contentBottom() const { return m_page.height() - 2 * rowHeight(); }

    void drawHeader(const QStringList &headers, const QList<double> &widths, const QList<bool> &rightAligned)
    {
        m_painter.save();
        QFont f = m_painter.font();
        f.setBold(true);
        m_painter.setFont(f);
        drawRow(headers, widths, rightAligned);
        m_painter.drawLine(0, m_y + rowHeight(), m_page.width(), m_y + rowHeight());
        m_painter.restore();
        m_y += rowHeight();
    }

    void drawRow(const QStringList &cells, const QList<double> &widths, const QList<bool> &rightAligned)
    {
        int x = 0;
        for (qsizetype c = 0; c < cells.size(); ++c) {
            const int w = int(widths.value(c) * m_page.width());
            const QRect cell(x + 4, m_y, w - 8, rowHeight());
            const Qt::Alignment align = (rightAligned.value(c) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter;
            m_painter.drawText(cell, align, m_painter.fontMetrics().elidedText(cells[c], Qt::ElideRight, cell.width()));
            x += w;
        }
    }

    void drawFooter()
    {
        m_painter.save();
        QFont f = m_painter.font();
        f.setPointSize(8);
        m_painter.setFont(f);
        m_painter.setPen(Qt::darkGray);
        const QRect line(0, m_page.height() - m_painter.fontMetrics().height(), m_page.width(), m_painter.fontMetrics().height());
        m_painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, m_footer);
        m_painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter, BillingPage::tr("Page %1").arg(m_pageNumber));
        m_painter.restore();
    }

    QPdfWriter &m_writer;
    QPainter &m_painter;
    QString m_footer;
    QRect m_page;
    int m_y = 0;
    int m_pageNumber = 1;
};

} // namespace

Result<void> BillingPage::writePdf(const QString &path, const Period &p, const Contracts &contracts)
{
    // Written to memory first, then replaced in one step (QSaveFile): a full disk or an
    // unwritable directory is a typed error, and an earlier report at `path` stays whole.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QString from = p.first.toString(Qt::ISODate);
    const QString to = p.last.toString(Qt::ISODate);
    {
        QPdfWriter writer(&buffer);
        writer.setTitle(tr("Lendable billing report"));
        writer.setCreator(QStringLiteral("Lendable Market Manager"));
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageOrientation(QPageLayout::Landscape);
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
        writer.setResolution(96);
        QPainter painter;
        if (!painter.begin(&writer))
            return Error(ErrorCode::IoError, tr("cannot write %1").arg(path));
        QFont body = painter.font();
        body.setPointSize(10);
        painter.setFont(body);
        ReportPainter report(writer, painter,
                             tr("Lendable billing report · %1 to %2 (UTC) · made %3 UTC")
                                 .arg(from, to, QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        const QRect page = report.page();

        // Page 1: the totals and the four charts as the Billing tab shows them. A "last N
        // days" period is named as the list names it ("Last 30 days"), by its N, not by what
        // the list shows now.
        const QString lastDaysName = p.custom ? QString() : m_period->itemText(m_period->findData(int(p.first.daysTo(p.last) + 1)));
        QFont title = body;
        title.setPointSize(16);
        title.setBold(true);
        painter.setFont(title);
        painter.drawText(QRect(0, 0, page.width(), 36), Qt::AlignLeft | Qt::AlignVCenter,
                         p.custom ? tr("Lendable billing report — %1 to %2").arg(from, to)
                                  : tr("Lendable billing report — %1 (%2 to %3)").arg(lastDaysName, from, to));
        painter.setFont(body);
        // The sums of the bills the tables list (one fetch), not the tab's report: that one
        // is up to a refresh older, and the page says its totals are these tables' sums.
        Money revenue, fees, payouts;
        for (const Bill &b : contracts.bills) {
            revenue = revenue.add(b.charge).value_or(revenue);
            fees = fees.add(b.marketFee).value_or(fees);
            payouts = payouts.add(b.lenderPayout).value_or(payouts);
        }
        painter.drawText(QRect(0, 40, page.width(), 24), Qt::AlignLeft | Qt::AlignVCenter,
                         totalsLine(revenue, fees, payouts, m_report.feeBasisPoints));
        const int chartTop = 70;
        const int chartW = page.width() / 2 - 10;
        const int chartH = (page.height() - chartTop - 40) / 2 - 10;
        const QList<QChartView *> charts{m_revenue, m_split, m_parties, m_utilisation};
        const Bars bars = barsOf(m_report.days);
        const QDate today = QDateTime::currentDateTimeUtc().date();
        for (int i = 0; i < charts.size(); ++i) {
            const QRect target((i % 2) * (chartW + 20), chartTop + (i / 2) * (chartH + 20), chartW, chartH);
            // Laid out at the page's size for the while, not scaled from the window's: a small
            // window would give small charts with large letters, a large one the reverse. The
            // dates under the bars likewise, as many as are read whole at that width.
            QChart *chart = charts[i]->chart();
            const QRectF shown = chart->geometry();
            chart->setGeometry(QRectF(shown.topLeft(), QSizeF(target.size())));
            chart->layout()->activate();
            const bool dated = charts[i] != m_parties;
            const QList<std::pair<double, QString>> had = dated ? putAxisLabels(chart, labelsThatFit(chart, bars, today))
                                                                : QList<std::pair<double, QString>>();
            chart->layout()->activate();
            charts[i]->scene()->render(&painter, QRectF(target), chart->geometry());
            if (dated)
                putAxisLabels(chart, had);
            chart->setGeometry(shown);
            chart->layout()->activate();
        }

        // Then an invoice line per borrower and a payout line per lender, every party of the
        // period (the chart shows the largest few).
        report.newPage();
        const QList<PartySums> borrowers = sumByParty(contracts, true);
        const QList<PartySums> lenders = sumByParty(contracts, false);
        // Counts and hours grouped as the amounts beside them are ("1,306", "12,480.5").
        const QLocale locale;
        const auto hours = [&locale](qint64 ms) { return locale.toString(double(ms) / 3'600'000.0, 'f', 1); };
        const auto count = [&locale](qint64 n) { return locale.toString(n); };
        PartySums all;
        QList<QStringList> rows;
        for (const PartySums &p : borrowers) {
            rows.append({p.name.isEmpty() ? tr("(no name)") : p.name, p.id.left(16), count(p.contracts),
                         hours(p.durationMs), ui::formatCharge(p.charged)});
            all.contracts += p.contracts;
            all.durationMs += p.durationMs;
            all.charged = all.charged.add(p.charged).value_or(all.charged);
            all.fees = all.fees.add(p.fees).value_or(all.fees);
            all.paid = all.paid.add(p.paid).value_or(all.paid);
        }
        rows.append({tr("Total (%n borrower(s))", nullptr, int(borrowers.size())), QString(), count(all.contracts),
                     hours(all.durationMs), ui::formatCharge(all.charged)});
        report.heading(tr("Invoices by borrower"));
        report.note(tr("The contracts that ended in the period, each billed in full when it ended, as the CSV exports list "
                       "them; the totals on page 1 are the sums of these bills. Running contracts are billed when they end."));
        report.table({tr("Borrower"), tr("Node ID"), tr("Contracts"), tr("Hours lent"), tr("Charged")},
                     {0.30, 0.18, 0.14, 0.18, 0.20}, {false, false, true, true, true}, rows, true);
        rows.clear();
        for (const PartySums &p : lenders)
            rows.append({p.name.isEmpty() ? tr("(no name)") : p.name, p.id.left(16), count(p.contracts),
                         ui::formatCharge(p.charged), ui::formatCharge(p.fees), ui::formatCharge(p.paid)});
        rows.append({tr("Total (%n lender(s))", nullptr, int(lenders.size())), QString(), count(all.contracts),
                     ui::formatCharge(all.charged), ui::formatCharge(all.fees), ui::formatCharge(all.paid)});
        report.heading(tr("Payouts by lender"));
        report.table({tr("Lender"), tr("Node ID"), tr("Contracts"), tr("Charged"), tr("Market fee"), tr("Payout")},
                     {0.22, 0.16, 0.11, 0.17, 0.18, 0.16}, {false, false, true, true, true, true}, rows, true);
        report.finish();
        if (!painter.end())
            return Error(ErrorCode::IoError, tr("cannot write %1").arg(path));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(path, f.errorString()));
    if (f.write(buffer.data()) != buffer.size() || !f.commit())
        return Error(ErrorCode::DiskFull, tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

} // namespace lendable::market
