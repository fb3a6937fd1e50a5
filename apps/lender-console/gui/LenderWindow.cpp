#include "LenderWindow.h"
#include "ImageStore.h"
#include "PartitionMath.h"
#include "OwnerCli.h"
#include "identity/Identity.h"
#include "protocol/DisplayName.h"
#include "protocol/ReceiptJson.h"
#include "protocol/Terms.h"

#include "ui/AboutDialog.h"
#include "ui/ErrorBanner.h"
#include "ui/Format.h"
#include "ui/GuiSupport.h"
#include "ui/UsageChart.h"
#include "util/Backoff.h"

#include <QApplication>
#include <algorithm>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lendable::lender {

using namespace lendable::protocol;

namespace {

/// The OS images typed on a card ("busybox, debian-12"), if there is one, each is a name,
/// and there are no more than a partition may offer.
std::optional<QStringList> typedImages(const QString &text)
{
    QStringList images;
    for (const QString &s : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty())
            images.append(s.trimmed());
    }
    images.removeDuplicates();
    if (images.size() > protocol::kMaxOsImagesPerPartition)
        return std::nullopt;
    if (images.isEmpty() || !std::all_of(images.cbegin(), images.cend(), [](const QString &i) { return lender::ImageStore::isValidName(i); }))
        return std::nullopt;
    return images;
}

/// Text a field cannot take is shown in red (and not sent).
void markReadable(QLineEdit *edit, bool readable)
{
    edit->setStyleSheet(readable ? QString() : QStringLiteral("QLineEdit { color: #b00020; }"));
}
const QList<QColor> kPartitionColors{QColor(0x3b82f6), QColor(0x10b981), QColor(0xf59e0b), QColor(0x8b5cf6),
                                     QColor(0xef4444), QColor(0x14b8a6), QColor(0xec4899), QColor(0x84cc16)};
const QColor kReserveColor(0x6b7280);
const QColor kFreeColor(0xe5e7eb);

bool lockedState(const QString &state)
{
    return state != QStringLiteral("unregistered");
}

QString stateText(const PartitionState &p)
{
    if (p.state == QStringLiteral("unregistered"))
        return QObject::tr("Not registered — you can change it");
    if (p.state == QStringLiteral("registered"))
        return QObject::tr("Registered with market %1 — locked").arg(p.marketId.left(12));
    if (p.state == QStringLiteral("running"))
        return QObject::tr("Lent to %1 — job %2 running — locked").arg(p.borrowerLabel(40), p.jobId);
    if (p.state == QStringLiteral("lent"))
        return QObject::tr("Lent to %1 — contract %2 — locked").arg(p.borrowerLabel(40), p.contractId);
    return p.state;
}
} // namespace

// ───────────────────────────── machine bar ─────────────────────────────

MachineBar::MachineBar(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("machineBar"));
    setMinimumHeight(96 + legendHeight());
}

void MachineBar::setMachine(const MachineInfo &machine, const QList<PartitionState> &partitions)
{
    m_machine = machine;
    m_partitions = partitions;
    QStringList tip;
    tip << tr("Host: %1 vCPU, %2 memory, %3 disk").arg(machine.host.cpus).arg(formatSizeMib(machine.host.memoryMib), formatSizeMib(machine.host.diskMib));
    tip << tr("Owner's reserve: %1 vCPU, %2, %3").arg(machine.reserve.cpus).arg(formatSizeMib(machine.reserve.memoryMib), formatSizeMib(machine.reserve.diskMib));
    for (const PartitionState &p : partitions)
        tip << tr("%1: %2 vCPU, %3, %4").arg(p.partitionId).arg(p.conditions.resources.cpus)
                   .arg(formatSizeMib(p.conditions.resources.memoryMib), formatSizeMib(p.conditions.resources.diskMib));
    setToolTip(tip.join(QLatin1Char('\n')));
    update();
}

void MachineBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int rowH = (height() - 8 - legendHeight()) / 3;
    struct Row {
        QString name;
        double total;
        double reserve;
        std::function<double(const Resources &)> of;
        std::function<QString(double)> fmt;
    };
    const QList<Row> rows{
        {tr("CPU"), double(m_machine.host.cpus), double(m_machine.reserve.cpus), [](const Resources &r) { return double(r.cpus); },
         [](double v) { return QString::number(v, 'f', 0); }},
        {tr("Memory"), double(m_machine.host.memoryMib), double(m_machine.reserve.memoryMib),
         [](const Resources &r) { return double(r.memoryMib); }, [](double v) { return formatSizeMib(qint64(v)); }},
        {tr("Disk"), double(m_machine.host.diskMib), double(m_machine.reserve.diskMib),
         [](const Resources &r) { return double(r.diskMib); }, [](double v) { return formatSizeMib(qint64(v)); }},
    };
    // Room for the longest label: translations ("Arbeitsspeicher") are wider than English.
    int labelW = 70;
    for (const Row &row : rows)
        labelW = qMax(labelW, painter.fontMetrics().horizontalAdvance(row.name) + 12);
    for (int i = 0; i < rows.size(); ++i) {
        const Row &row = rows[i];
        const QRectF bar(labelW, 4 + i * rowH, width() - labelW - 4, rowH - 6);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRectF(0, bar.top(), labelW - 6, bar.height()), Qt::AlignRight | Qt::AlignVCenter, row.name);
        painter.setPen(Qt::NoPen);
        painter.setBrush(kFreeColor);
        painter.drawRoundedRect(bar, 3, 3);
        if (row.total <= 0)
            continue;
        double x = bar.left();
        auto segment = [&](double amount, const QColor &color, const QString &label) {
            const double w = bar.width() * qMin(1.0, amount / row.total);
            if (w <= 0)
                return;
            const QRectF r(x, bar.top(), w, bar.height());
            painter.setBrush(color);
            painter.drawRect(r);
            painter.setPen(Qt::white);
            if (painter.fontMetrics().horizontalAdvance(label) < w - 4)
                painter.drawText(r, Qt::AlignCenter, label);
            painter.setPen(Qt::NoPen);
            x += w;
        };
        segment(row.reserve, kReserveColor, tr("owner %1").arg(row.fmt(row.reserve)));
        for (int p = 0; p < m_partitions.size(); ++p)
            segment(row.of(m_partitions[p].conditions.resources), kPartitionColors[p % kPartitionColors.size()],
                    QStringLiteral("%1 %2").arg(m_partitions[p].partitionId.left(8), row.fmt(row.of(m_partitions[p].conditions.resources))));
    }
    // The legend: what each colour is, also for segments too thin to carry their name.
    QList<QPair<QColor, QString>> items{{kReserveColor, tr("owner's reserve")}};
    for (int p = 0; p < m_partitions.size(); ++p)
        items.append({kPartitionColors[p % kPartitionColors.size()], tr("partition %1").arg(m_partitions[p].partitionId)});
    items.append({kFreeColor, tr("free")});
    const QFontMetrics fm = painter.fontMetrics();
    const int box = fm.height() - 4;
    const int y = height() - legendHeight() + 2;
    int x = labelW;
    m_legend.clear();
    for (const auto &[color, text] : std::as_const(items)) {
        const int w = box + 4 + fm.horizontalAdvance(text) + 14;
        if (x + w > width() - 4 && x > labelW) {
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(QRect(x, y, width() - x, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("…"));
            m_legend.append(QStringLiteral("…"));
            break;
        }
        painter.setPen(palette().color(QPalette::Mid));
        painter.setBrush(color);
        painter.drawRect(QRectF(x, y + (fm.height() - box) / 2.0, box, box));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(x + box + 4, y, w - box - 4, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, text);
        m_legend.append(text);
        x += w;
    }
}

int MachineBar::legendHeight() const
{
    return fontMetrics().height() + 6;
}

// ───────────────────────────── partition card ─────────────────────────────

PartitionCard::PartitionCard(const PartitionState &state, QWidget *parent)
    : QGroupBox(parent)
    , m_state(state)
    , m_rows(new QVBoxLayout)
    , m_rate(new QLineEdit(this))
    , m_images(new QLineEdit(this))
    , m_timeLimit(new QLineEdit(this))
    , m_lock(new QLabel(this))
    , m_stateLabel(new QLabel(this))
    , m_earnings(new QLabel(this))
    , m_earningsTicker(new QTimer(this))
    , m_register(new QPushButton(tr("Register"), this))
    , m_withdraw(new QPushButton(tr("Withdraw"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_lendDirect(new QPushButton(tr("Lend directly…"), this))
    , m_usage(new ui::UsageChart(this))
{
    setObjectName(QStringLiteral("partitionCard_") + state.partitionId);
    m_cpu = addControl(tr("vCPUs"), false, 1, QStringLiteral("cpu"));
    m_memory = addControl(tr("Memory"), true, 64, QStringLiteral("memory"));
    m_disk = addControl(tr("Disk"), true, 256, QStringLiteral("disk"));
    m_rate->setObjectName(QStringLiteral("rateEdit"));
    m_images->setObjectName(QStringLiteral("imagesEdit"));
    m_timeLimit->setObjectName(QStringLiteral("timeLimitEdit"));
    m_timeLimit->setToolTip(tr("The longest a contract may run (hours:minutes:seconds, or an amount such as 90m, 2h or "
                               "1d): the market ends it then. Empty for no limit."));
    m_register->setObjectName(QStringLiteral("registerButton"));
    m_withdraw->setObjectName(QStringLiteral("withdrawButton"));
    m_lendDirect->setObjectName(QStringLiteral("lendDirectButton"));
    m_lendDirect->setToolTip(tr("Lend this partition to one borrower on your network, without a market"));
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_stateLabel->setTextFormat(Qt::PlainText); // a borrower's name is the borrower's text
    m_lock->setObjectName(QStringLiteral("lockIcon"));
    m_earnings->setObjectName(QStringLiteral("earningsLabel"));
    // The state wraps rather than set the card's width, and the earnings have a line of their
    // own: every card then splits its width alike between controls and chart, and the
    // earnings ticking each second never move the sliders.
    m_stateLabel->setWordWrap(true);
    m_usage->setMinimumHeight(130);
    m_earningsTicker->setInterval(1000);
    connect(m_earningsTicker, &QTimer::timeout, this, &PartitionCard::showEarnings);

    auto *terms = new QFormLayout;
    terms->addRow(tr("Rate per hour"), m_rate);
    terms->addRow(tr("OS images"), m_images);
    terms->addRow(tr("Time limit"), m_timeLimit);
    auto *left = new QVBoxLayout;
    auto *stateRow = new QHBoxLayout;
    stateRow->addWidget(m_lock);
    stateRow->addWidget(m_stateLabel, 1);
    left->addLayout(stateRow);
    left->addLayout(m_rows);
    left->addLayout(terms);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_register);
    buttons->addWidget(m_withdraw);
    buttons->addWidget(m_delete);
    buttons->addWidget(m_lendDirect);
    buttons->addStretch();
    left->addLayout(buttons);
    left->addWidget(m_earnings, 0, Qt::AlignRight);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(left, 3);
    layout->addWidget(m_usage, 2);

    connect(m_rate, &QLineEdit::editingFinished, this, &PartitionCard::emitAlter);
    connect(m_images, &QLineEdit::editingFinished, this, &PartitionCard::emitAlter);
    connect(m_timeLimit, &QLineEdit::editingFinished, this, &PartitionCard::emitAlter);
    // A rate, images or a time limit that cannot be read are shown so, and not sent.
    connect(m_rate, &QLineEdit::textChanged, this, [this](const QString &text) { markReadable(m_rate, protocol::parseRatePerHour(text).has_value()); });
    connect(m_images, &QLineEdit::textChanged, this,
            [this](const QString &text) { markReadable(m_images, typedImages(text).has_value()); });
    connect(m_timeLimit, &QLineEdit::textChanged, this,
            [this](const QString &text) { markReadable(m_timeLimit, protocol::parseDurationS(text).has_value()); });
    connect(m_register, &QPushButton::clicked, this, [this] { emit registerRequested(m_state.partitionId); });
    connect(m_withdraw, &QPushButton::clicked, this, [this] { emit withdrawRequested(m_state.partitionId); });
    connect(m_delete, &QPushButton::clicked, this, [this] { emit deleteRequested(m_state.partitionId); });
    connect(m_lendDirect, &QPushButton::clicked, this, [this] { emit lendDirectRequested(m_state.partitionId); });
}

ResourceControl PartitionCard::addControl(const QString &label, bool size, int step, const QString &name)
{
    const ui::SliderSpin c = ui::makeSliderSpin(this, size, step, name);
    c.spin->setKeyboardTracking(false);
    auto *row = new QHBoxLayout;
    auto *l = new QLabel(label, this);
    l->setMinimumWidth(60);
    row->addWidget(l);
    row->addWidget(c.slider, 1);
    row->addWidget(c.spin);
    m_rows->addLayout(row);
    // A drag ends in one alteration; typing in the spin box, a key or a page click too.
    ui::onValueSettled(c, this, [this] { emitAlter(); });
    return c;
}

bool PartitionCard::isLocked() const
{
    return lockedState(m_state.state);
}

LendingConditions PartitionCard::editedConditions() const
{
    LendingConditions c = m_state.conditions;
    // A locked partition's allocation is what it is, whatever a control still shows.
    if (!isLocked())
        c.resources = Resources{m_cpu.spin->value(), m_memory.spin->value(), m_disk.spin->value()};
    if (const std::optional<Money> rate = protocol::parseRatePerHour(m_rate->text()))
        c.ratePerHour = *rate;
    if (const std::optional<QStringList> images = typedImages(m_images->text()))
        c.osImages = *images;
    if (const std::optional<qint64> limit = protocol::parseDurationS(m_timeLimit->text()))
        c.maxDurationS = *limit;
    return c;
}

void PartitionCard::emitAlter()
{
    // Registered: only the terms (rate, images) may change, through the market (FIG. 7);
    // lent: nothing.
    if (m_updating || (isLocked() && m_state.state != QStringLiteral("registered")))
        return;
    const LendingConditions c = editedConditions();
    if (c == m_state.conditions)
        return;
    emit alterRequested(m_state.partitionId, c);
}

void PartitionCard::setState(const PartitionState &state, const Resources &available)
{
    m_updating = true;
    m_state = state;
    setTitle(tr("Partition %1").arg(state.partitionId));
    const Resources &r = state.conditions.resources;
    // The sliders stop at what the machine can still give this partition.
    // A control the owner is changing keeps the owner's value (a push within a run of wheel
    // notches would drop it); it is sent once the run settles. Not once the partition is
    // locked: its allocation can no longer change, and the controls show what it is.
    const bool keepOwnersChange = !lockedState(state.state);
    auto set = [keepOwnersChange](ResourceControl &c, qint64 value, qint64 max, int min) {
        const int top = int(qMax<qint64>(value, max));
        ui::setRangeAndValue(c, min, qMax(min, top), int(value), keepOwnersChange);
    };
    set(m_cpu, r.cpus, r.cpus + available.cpus, 1);
    set(m_memory, r.memoryMib, r.memoryMib + available.memoryMib, 64);
    set(m_disk, r.diskMib, r.diskMib + available.diskMib, int(kMinPartitionDiskMib));
    if (!m_rate->hasFocus())
        m_rate->setText(state.conditions.ratePerHour.toString());
    if (!m_images->hasFocus())
        m_images->setText(state.conditions.osImages.join(QStringLiteral(", ")));
    if (!m_timeLimit->hasFocus())
        m_timeLimit->setText(state.conditions.maxDurationS > 0 ? ui::formatDuration(state.conditions.maxDurationS * 1000) : QString());
    const bool locked = isLocked();
    for (QWidget *w : {static_cast<QWidget *>(m_cpu.slider), static_cast<QWidget *>(m_cpu.spin),
                       static_cast<QWidget *>(m_memory.slider), static_cast<QWidget *>(m_memory.spin),
                       static_cast<QWidget *>(m_disk.slider), static_cast<QWidget *>(m_disk.spin),
                       static_cast<QWidget *>(m_delete)})
        w->setEnabled(!locked);
    const bool termsEditable = !locked || state.state == QStringLiteral("registered");
    m_rate->setEnabled(termsEditable);
    m_images->setEnabled(termsEditable);
    m_timeLimit->setEnabled(termsEditable);
    m_timeLimit->setPlaceholderText(termsEditable ? tr("none — or e.g. 2h, 1d, 1:30:00") : tr("none"));
    m_lock->setPixmap(locked ? style()->standardIcon(QStyle::SP_VistaShield).pixmap(18, 18) : QPixmap());
    m_lock->setToolTip(locked ? tr("Locked: the allocation cannot change while registered or lent") : QString());
    m_stateLabel->setText(stateText(state));
    // The whole name and node ID of the borrower, whose name the label may cut short.
    m_stateLabel->setToolTip(state.borrowerId.isEmpty() ? QString()
                                                        : tr("Borrower: %1\nNode ID: %2").arg(state.borrowerName.value_or(QString()).isEmpty() ? tr("(no name given)") : *state.borrowerName,
                                                                 state.borrowerId));
    m_register->setEnabled(state.state == QStringLiteral("unregistered"));
    m_lendDirect->setEnabled(state.state == QStringLiteral("unregistered"));
    // A direct lease has no market to end it: its owner ends it here, also (above all) while
    // a borrower's job runs in it, which the agent reports as "running" rather than "lent".
    const bool directLease = (state.state == QStringLiteral("lent") || state.state == QStringLiteral("running"))
                             && state.marketId.isEmpty() && !state.contractId.isEmpty();
    m_withdraw->setText(directLease ? tr("End Lease") : tr("Withdraw"));
    m_withdraw->setToolTip(directLease ? tr("End the direct lease: the borrower's key stops working") : QString());
    m_withdraw->setEnabled(state.state == QStringLiteral("registered") || directLease);
    showEarnings();
    m_updating = false;
}

void PartitionCard::showEarnings()
{
    const std::optional<Money> soFar = m_state.contractEarnedSoFar(QDateTime::currentMSecsSinceEpoch());
    if (bool(soFar) != m_earningsTicker->isActive())
        soFar ? m_earningsTicker->start() : m_earningsTicker->stop();
    if (!soFar) {
        m_earnings->setText(tr("Earned %1").arg(m_state.earnings.toString()));
        return;
    }
    m_earnings->setText(tr("Earned %1 · this contract %2 so far").arg(m_state.earnings.toString(), soFar->toString()));
}

// ───────────────────────────── direct leases ─────────────────────────────

DirectLeaseDialog::DirectLeaseDialog(const QString &partitionId, QWidget *parent)
    : QDialog(parent)
    , m_id(new QLineEdit(this))
    , m_name(new QLineEdit(this))
    , m_hint(new QLabel(this))
{
    setObjectName(QStringLiteral("directLeaseDialog"));
    setWindowTitle(tr("Lend Partition %1 Directly").arg(partitionId));
    m_id->setObjectName(QStringLiteral("borrowerIdEdit"));
    m_id->setPlaceholderText(tr("64 hex digits"));
    m_id->setMinimumWidth(QFontMetrics(m_id->font()).horizontalAdvance(QString(66, QLatin1Char('0'))));
    m_name->setObjectName(QStringLiteral("borrowerNameEdit"));
    m_name->setPlaceholderText(tr("optional"));
    // In UTF-16 units, of which a character takes at most two: the exact rule is check()'s.
    m_name->setMaxLength(int(2 * protocol::kMaxDisplayNameLength));
    m_hint->setObjectName(QStringLiteral("borrowerIdHint"));
    auto *intro = new QLabel(tr("Lend this partition to one borrower, without a market: you give the borrower a key file, and "
                                "its Borrower Client reaches this machine directly. Nobody is billed; end the lease here."),
                             this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Borrower's node ID"), m_id);
    form->addRow(QString(), m_hint);
    form->addRow(tr("Borrower's name"), m_name);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_lend = buttons->addButton(tr("Lend"), QDialogButtonBox::AcceptRole);
    m_lend->setObjectName(QStringLiteral("lendButton"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_id, &QLineEdit::textChanged, this, &DirectLeaseDialog::check);
    connect(m_name, &QLineEdit::textChanged, this, &DirectLeaseDialog::check);
    check();
}

QString DirectLeaseDialog::borrowerId() const
{
    return m_id->text().trimmed().toLower();
}

QString DirectLeaseDialog::borrowerName() const
{
    return m_name->text().trimmed();
}

void DirectLeaseDialog::check()
{
    // What the agent would refuse is said here, before anything is sent.
    QString problem;
    if (!borrowerId().isEmpty() && !Identity::isValidNodeId(borrowerId()))
        problem = tr("A node ID has 64 hex digits (this has %n characters).", nullptr, int(borrowerId().size()));
    else if (protocol::firstForbiddenNameCharacter(borrowerName()) >= 0)
        problem = tr("The name may not hold control characters.");
    else if (const qsizetype length = protocol::displayNameLength(borrowerName()); length > protocol::kMaxDisplayNameLength)
        problem = tr("The name is %1 characters long; at most %2 are kept.").arg(length).arg(protocol::kMaxDisplayNameLength);
    // The row keeps its place (the dialog does not jump): guidance until there is a problem.
    m_hint->setText(problem.isEmpty() ? tr("The borrower's machine prints it: borrower-client --print-id") : problem);
    m_hint->setForegroundRole(problem.isEmpty() ? QPalette::PlaceholderText : QPalette::WindowText);
    m_lend->setEnabled(problem.isEmpty() && Identity::isValidNodeId(borrowerId()));
}

KeyFileDialog::KeyFileDialog(const protocol::DirectLease &lease, const QString &borrowerLabel, QWidget *parent)
    : QDialog(parent)
    , m_json(QJsonDocument(directLeaseKeyFile(lease)).toJson(QJsonDocument::Indented))
    , m_contractId(lease.contractId)
    , m_status(new QLabel(this))
    , m_save(new QPushButton(tr("Save key file…"), this))
    , m_copy(new QPushButton(tr("Copy"), this))
{
    setObjectName(QStringLiteral("keyFileDialog"));
    setWindowTitle(tr("Key for Partition %1").arg(lease.partitionId));
    auto *intro = new QLabel(tr("Partition %1 is lent to %2, contract %3.\nGive the borrower this key file; it is shown only now. "
                                "The borrower runs jobs with: borrower-client --cli submit --key-file FILE …")
                                     .arg(lease.partitionId, borrowerLabel, lease.contractId)
                                 + (lease.startedAtMs && lease.maxDurationS && *lease.maxDurationS > 0
                                        ? QLatin1Char('\n')
                                              + tr("The lease ends by itself at %1 (the partition's time limit, %2 h:mm:ss).")
                                                    .arg(ui::formatTimestamp(*lease.startedAtMs + *lease.maxDurationS * 1000),
                                                         ui::formatTimeLimit(*lease.maxDurationS))
                                        : QString()),
                             this);
    intro->setTextFormat(Qt::PlainText); // the borrower's name is the owner's text
    intro->setWordWrap(true);
    auto *text = new QPlainTextEdit(QString::fromUtf8(m_json), this);
    text->setObjectName(QStringLiteral("keyFileText"));
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setMinimumSize(QFontMetrics(text->font()).horizontalAdvance(QString(100, QLatin1Char('0'))),
                         QFontMetrics(text->font()).lineSpacing() * 8);
    m_status->setObjectName(QStringLiteral("keyFileStatus"));
    m_save->setObjectName(QStringLiteral("saveKeyFileButton"));
    m_copy->setObjectName(QStringLiteral("copyKeyFileButton"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_save, QDialogButtonBox::ActionRole);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(text, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(QString::fromUtf8(m_json));
        m_kept = true;
        m_status->setText(tr("Copied."));
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save key file"),
                                                          QStringLiteral("lendable-key-%1.json").arg(m_contractId),
                                                          tr("Key files (*.json)"));
        if (!path.isEmpty())
            saveTo(path);
    });
}

bool KeyFileDialog::saveTo(const QString &path)
{
    QSaveFile f(path);
    // Readable by its owner only, before a byte of the key is written.
    const bool ok = f.open(QIODevice::WriteOnly) && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
        && f.write(m_json) == m_json.size() && f.commit();
    if (!ok) {
        m_status->setText(tr("Could not save %1: %2").arg(QDir::toNativeSeparators(path), f.errorString()));
        return false;
    }
    m_kept = true;
    m_status->setText(tr("Saved to %1 (readable by you only).").arg(QDir::toNativeSeparators(path)));
    return true;
}

void KeyFileDialog::done(int result)
{
    // The key exists only here: closing without keeping it leaves a lease nobody can use.
    if (!m_kept
        && QMessageBox::question(this, windowTitle(),
                                 tr("Close without saving or copying the key? It cannot be shown again: the borrower "
                                    "could not use the partition until you end the lease and lend it anew."),
                                 QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Close)
        return;
    QDialog::done(result);
}

// ───────────────────────────── jobs ─────────────────────────────


JobsDialog::JobsDialog(Channel *owner, QWidget *parent)
    : QDialog(parent)
    , m_owner(owner)
    , m_partition(new QComboBox(this))
    , m_table(new QTableWidget(0, 8, this))
    , m_status(new QLabel(this))
    , m_older(new QPushButton(tr("Older jobs"), this))
{
    setObjectName(QStringLiteral("jobsDialog"));
    setWindowTitle(tr("Jobs on This Machine"));
    m_partition->setObjectName(QStringLiteral("jobsPartitionFilter"));
    m_partition->addItem(tr("All partitions"), QString());
    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setHorizontalHeaderLabels({tr("Submitted"), tr("Job"), tr("Partition"), tr("Borrower"), tr("OS"), tr("State"),
                                        tr("Ran"), tr("Results")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_status->setObjectName(QStringLiteral("jobsStatus"));
    m_older->setObjectName(QStringLiteral("olderJobsButton"));
    m_older->setEnabled(false);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    auto *filter = new QHBoxLayout;
    filter->addWidget(new QLabel(tr("Partition:"), this));
    filter->addWidget(m_partition);
    filter->addStretch(1);
    filter->addWidget(refreshButton);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_older, QDialogButtonBox::ActionRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filter);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(1120, 440);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(refreshButton, &QPushButton::clicked, this, &JobsDialog::refresh);
    connect(m_older, &QPushButton::clicked, this, [this] { ask(true); });
    connect(m_partition, &QComboBox::currentIndexChanged, this, &JobsDialog::refresh);
    refresh();
}

void JobsDialog::setPartitions(const QStringList &partitionIds)
{
    const QString current = m_partition->currentData().toString();
    const QSignalBlocker block(m_partition);
    while (m_partition->count() > 1)
        m_partition->removeItem(1);
    QStringList ids = partitionIds;
    // A partition deleted since keeps its jobs, and the filter the owner chose stays.
    if (!current.isEmpty() && !ids.contains(current))
        ids << current;
    for (const QString &id : std::as_const(ids))
        m_partition->addItem(id, id);
    m_partition->setCurrentIndex(qMax(0, m_partition->findData(current)));
}

void JobsDialog::refresh()
{
    ask(false);
}

void JobsDialog::ask(bool older)
{
    if (!m_owner) {
        m_status->setText(tr("Not connected to the lender agent."));
        return;
    }
    ListJobs req;
    req.limit = 200;
    if (const QString p = m_partition->currentData().toString(); !p.isEmpty())
        req.partitionId = p;
    if (older && !m_jobs.isEmpty()) {
        req.submittedBeforeMs = m_jobs.last().submittedAtMs;
        req.beforeJobId = m_jobs.last().jobId;
    }
    const quint64 generation = ++m_generation;
    m_owner->request<JobList>(req, this, [this, older, generation](Result<JobList> r) {
        if (generation != m_generation)
            return;
        if (!r.ok()) {
            // An agent from before ListJobs does not know the question.
            m_status->setText(r.error().code == ErrorCode::UnknownMessageType
                                  ? tr("This lender agent is older than this Lender Console and cannot list its jobs; update it.")
                                  : r.error().message);
            if (r.error().code != ErrorCode::UnknownMessageType)
                emit error(r.error());
            return;
        }
        if (older)
            m_jobs += r->jobs;
        else
            m_jobs = r->jobs;
        m_more = r->more;
        showJobs();
    });
}

void JobsDialog::showJobs()
{
    // Keeps the row the owner selected, by job.
    const int selectedRow = m_table->currentRow();
    const QString selected = selectedRow >= 0 && m_table->item(selectedRow, 1) ? m_table->item(selectedRow, 1)->text() : QString();
    m_table->setRowCount(int(m_jobs.size()));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int row = 0; row < m_jobs.size(); ++row) {
        const JobSummary &j = m_jobs[row];
        const QString borrower = j.borrowerName ? tr("%1 (%2)").arg(*j.borrowerName, j.borrowerId.left(12)) : j.borrowerId.left(12);
        QString state = j.state;
        if (j.exitCode)
            state = tr("%1, exit code %2").arg(j.state).arg(*j.exitCode);
        QString results;
        if (j.resultsRemovedAtMs)
            results = tr("removed %1").arg(ui::formatTimestamp(*j.resultsRemovedAtMs));
        else if (j.resultsKeptUntilMs)
            results = tr("kept until %1").arg(ui::formatTimestamp(*j.resultsKeptUntilMs));
        else if (j.endedAtMs > 0)
            results = tr("kept");
        const QStringList cells = {ui::formatTimestamp(j.submittedAtMs), j.jobId, j.partitionId, borrower, j.os, state,
                                   j.endedAtMs > 0 ? ui::formatDuration(j.endedAtMs - j.submittedAtMs)
                                                   : tr("%1 so far").arg(ui::formatDuration(now - j.submittedAtMs)),
                                   results};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (col == 5 && !j.message.isEmpty())
                item->setToolTip(j.message);
            if (col == 3)
                item->setToolTip(j.borrowerId);
            m_table->setItem(row, col, item);
        }
        if (j.jobId == selected)
            m_table->selectRow(row);
    }
    m_table->resizeColumnsToContents();
    m_older->setEnabled(m_more);
    m_status->setText(m_jobs.isEmpty() ? tr("No job has run on this machine yet.")
                      : m_more         ? tr("Jobs shown: the newest %1; older ones remain.").arg(m_jobs.size())
                                       : tr("Jobs shown: %1, all of them.").arg(m_jobs.size()));
}

// ───────────────────────────── bills ─────────────────────────────

BillsDialog::BillsDialog(Channel *owner, QWidget *parent)
    : QDialog(parent)
    , m_owner(owner)
    , m_market(new QComboBox(this))
    , m_marketLabel(new QLabel(tr("Market:"), this))
    , m_table(new QTableWidget(0, 10, this))
    , m_totals(new QLabel(this))
    , m_saveReceipt(new QPushButton(tr("Save receipt…"), this))
{
    setObjectName(QStringLiteral("billsDialog"));
    setWindowTitle(tr("Bills at the Market"));
    m_market->setObjectName(QStringLiteral("billsMarket"));
    m_market->hide();
    m_marketLabel->hide();
    m_table->setObjectName(QStringLiteral("billsTable"));
    m_table->setHorizontalHeaderLabels({tr("Started"), tr("Contract"), tr("Partition"), tr("Borrower"), tr("Ended"), tr("Duration"),
                                        tr("Rate / h"), tr("Charge"), tr("Payout"), tr("Market fee")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_totals->setObjectName(QStringLiteral("billsTotals"));
    m_totals->setWordWrap(true);
    m_saveReceipt->setObjectName(QStringLiteral("saveReceiptButton"));
    m_saveReceipt->setToolTip(tr("The selected contract's receipt, signed by the market, to keep or to check with "
                                 "`lender-console --cli receipt verify FILE`"));
    m_saveReceipt->setEnabled(false);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(m_marketLabel);
    top->addWidget(m_market, 1);
    top->addStretch(1);
    top->addWidget(refreshButton);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_saveReceipt, QDialogButtonBox::ActionRole);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_totals);
    layout->addWidget(buttons);
    resize(1180, 440);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(refreshButton, &QPushButton::clicked, this, &BillsDialog::refresh);
    connect(m_market, &QComboBox::currentIndexChanged, this, &BillsDialog::refresh);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] { m_saveReceipt->setEnabled(!m_table->selectedItems().isEmpty()); });
    connect(m_saveReceipt, &QPushButton::clicked, this, [this] {
        const QList<QTableWidgetItem *> selected = m_table->selectedItems();
        if (selected.isEmpty())
            return;
        const QString contractId = m_table->item(selected.first()->row(), 1)->text();
        QString safe = contractId;
        safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
        const QString path = QFileDialog::getSaveFileName(this, tr("Save receipt"), QStringLiteral("receipt-%1.json").arg(safe),
                                                          tr("Receipts (*.json)"));
        if (path.isEmpty())
            return;
        m_saveReceipt->setEnabled(false);
        m_saveReceipt->setText(tr("Asking the market…"));
        saveReceipt(contractId, path, [this, contractId, path](Result<void> r) {
            m_saveReceipt->setText(tr("Save receipt…"));
            m_saveReceipt->setEnabled(!m_table->selectedItems().isEmpty());
            if (!r.ok())
                emit error(r.error());
            else
                emit notice(tr("The receipt for contract %1 is saved in %2 (signed by the market, checked here).").arg(contractId, path));
        });
    });
    refresh();
}

void BillsDialog::setMarkets(const QStringList &marketIds)
{
    const QString current = marketId();
    const QSignalBlocker block(m_market);
    m_market->clear();
    for (const QString &id : marketIds)
        m_market->addItem(id.left(16), id);
    m_market->setCurrentIndex(qMax(0, m_market->findData(current)));
    // One market (or none known): the agent's own, asked without naming it.
    m_market->setVisible(marketIds.size() > 1);
    m_marketLabel->setVisible(marketIds.size() > 1);
    if (marketIds.size() > 1 && current != marketId())
        refresh();
}

QString BillsDialog::marketId() const
{
    return m_market->count() > 1 ? m_market->currentData().toString() : QString();
}

void BillsDialog::refresh()
{
    if (!m_owner) {
        m_totals->setText(tr("Not connected to the lender agent."));
        return;
    }
    const quint64 generation = ++m_generation;
    m_owner->request<BillList>(OwnerBills{.marketId = marketId(), .sinceMs = 0, .contractId = std::nullopt, .receipts = false}, this,
                               [this, generation](Result<BillList> r) {
                                   if (generation != m_generation)
                                       return;
                                   if (!r.ok()) {
                                       m_totals->setText(r.error().code == ErrorCode::UnknownMessageType
                                                             ? tr("This lender agent is older than this Lender Console and cannot ask "
                                                                  "the market for bills; update it.")
                                                             : r.error().message);
                                       if (r.error().code != ErrorCode::UnknownMessageType)
                                           emit error(r.error());
                                       return;
                                   }
                                   m_bills = r->bills;
                                   showBills();
                               });
}

void BillsDialog::showBills()
{
    const int selectedRow = m_table->currentRow();
    const QString selected = selectedRow >= 0 && m_table->item(selectedRow, 1) ? m_table->item(selectedRow, 1)->text() : QString();
    m_table->setRowCount(int(m_bills.size()));
    for (int row = 0; row < m_bills.size(); ++row) {
        const Bill &b = m_bills[row];
        const bool ended = b.endedAtMs > 0;
        const QStringList cells = {ui::formatTimestamp(b.startedAtMs),
                                   b.contractId,
                                   b.partitionId,
                                   b.borrowerName && !b.borrowerName->isEmpty() ? tr("%1 (%2)").arg(*b.borrowerName, b.borrowerId.left(12))
                                                                                 : b.borrowerId.left(12),
                                   ended ? ui::formatTimestamp(b.endedAtMs) : tr("running"),
                                   ended ? ui::formatDuration(b.durationMs) : tr("%1 so far").arg(ui::formatDuration(b.durationMs)),
                                   ui::formatAmount(b.ratePerHour),
                                   ui::formatCharge(b.charge),
                                   ended ? ui::formatCharge(b.lenderPayout) : tr("when it ends"),
                                   ended ? ui::formatCharge(b.marketFee) : QString()};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (col >= 6)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (col == 3)
                item->setToolTip(b.borrowerId);
            m_table->setItem(row, col, item);
        }
        if (b.contractId == selected)
            m_table->selectRow(row);
    }
    m_table->resizeColumnsToContents();
    if (m_bills.isEmpty()) {
        m_totals->setText(tr("The market has no contract of this machine yet."));
        return;
    }
    const BillTotals totals = billTotals(m_bills);
    QString text = tr("Contracts: %1 · paid out %2 of %3 charged · the market's fee %4")
                       .arg(m_bills.size())
                       .arg(ui::formatCharge(totals.payout), ui::formatCharge(totals.charge), ui::formatCharge(totals.fee));
    if (totals.running > 0)
        text += QStringLiteral(" · ") + tr("still running: %1 (paid when they end)").arg(totals.running);
    if (m_bills.size() >= 1000)
        text += QStringLiteral(" · ") + tr("the market lists the newest 1,000");
    m_totals->setText(text);
}

void BillsDialog::saveReceipt(const QString &contractId, const QString &path, std::function<void(Result<void>)> done)
{
    if (!m_owner) {
        done(Error(ErrorCode::ConnectionFailed, tr("Not connected to the lender agent.")));
        return;
    }
    const QString market = marketId();
    m_owner->request<BillList>(
        OwnerBills{.marketId = market, .sinceMs = 0, .contractId = contractId, .receipts = true}, this,
        [contractId, path, market, done = std::move(done)](Result<BillList> r) {
            if (!r.ok())
                return done(r.error());
            // What the owner keeps must verify later: checked before it is written.
            Result<Receipt> receipt = receiptOfBill(*r, contractId, market);
            if (!receipt.ok())
                return done(receipt.error());
            const QByteArray bytes = QJsonDocument(receiptToJson(*receipt)).toJson();
            QSaveFile f(path);
            if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
                return done(Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(path, f.errorString())));
            done({});
        });
}

// ───────────────────────────── machine tab ─────────────────────────────

MachineTab::MachineTab(Channel *owner, QWidget *parent)
    : QWidget(parent)
    , m_owner(owner)
    , m_bar(new MachineBar(this))
    , m_libvirtWarning(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_new(new QPushButton(tr("New partition"), this))
    , m_jobsButton(new QPushButton(tr("Jobs…"), this))
    , m_billsButton(new QPushButton(tr("Bills…"), this))
    , m_cardLayout(new QVBoxLayout)
{
    m_reconnectTimer = new QTimer(this);
    m_connectionWarning = new QLabel(this);
    m_content = new QWidget(this);
    m_summary->setObjectName(QStringLiteral("machineSummary"));
    // Shown while the connection to the agent is lost; it goes once the agent answers again.
    m_connectionWarning->setObjectName(QStringLiteral("connectionWarning"));
    m_connectionWarning->setWordWrap(true);
    m_connectionWarning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connectionWarning->setStyleSheet(QStringLiteral("#connectionWarning { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0; "
                                                      "border-radius: 4px; padding: 6px; }"));
    m_connectionWarning->hide();
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &MachineTab::tryReconnect);
    // Shown while the agent cannot reach libvirt's daemon; it goes when the agent is back.
    m_libvirtWarning->setObjectName(QStringLiteral("libvirtWarning"));
    m_libvirtWarning->setWordWrap(true);
    m_libvirtWarning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_libvirtWarning->setStyleSheet(QStringLiteral("#libvirtWarning { background: #fff4e5; color: #663c00; border: 1px solid #ffd8a8; "
                                                   "border-radius: 4px; padding: 6px; }"));
    m_libvirtWarning->hide();
    m_new->setObjectName(QStringLiteral("newPartitionButton"));
    auto *reserveBox = new QGroupBox(tr("Owner's reserve (never lent)"), this);
    auto *reserveLayout = new QHBoxLayout(reserveBox);
    auto addReserve = [&](const QString &label, bool size, int step, const QString &name) {
        const ui::SliderSpin c = ui::makeSliderSpin(reserveBox, size, step, name + QStringLiteral("Reserve"));
        c.spin->setKeyboardTracking(false);
        reserveLayout->addWidget(new QLabel(label, reserveBox));
        reserveLayout->addWidget(c.slider, 1);
        reserveLayout->addWidget(c.spin);
        return c;
    };
    m_reserveCpu = addReserve(tr("vCPUs"), false, 1, QStringLiteral("cpu"));
    m_reserveMemory = addReserve(tr("Memory"), true, 256, QStringLiteral("memory"));
    m_reserveDisk = addReserve(tr("Disk"), true, 1024, QStringLiteral("disk"));
    auto applyReserve = [this] {
        SetReserve req;
        req.reserve = Resources{m_reserveCpu.spin->value(), m_reserveMemory.spin->value(), m_reserveDisk.spin->value()};
        if (req.reserve == m_machine.reserve)
            return;
        // What was asked, until the agent's answer says what is: a quick step there and back
        // compares with the step, not with the value before it.
        m_machine.reserve = req.reserve;
        send<MachineInfo>(req);
    };
    for (const ResourceControl &c : {m_reserveCpu, m_reserveMemory, m_reserveDisk})
        ui::onValueSettled(c, this, applyReserve);

    auto *cards = new QWidget(this);
    cards->setLayout(m_cardLayout);
    m_cardLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(cards);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_jobsButton);
    top->addWidget(m_billsButton);
    top->addWidget(m_new);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_connectionWarning);
    layout->addWidget(m_libvirtWarning);
    auto *content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->addWidget(m_bar);
    content->addLayout(top);
    content->addWidget(reserveBox);
    content->addWidget(scroll, 1);
    layout->addWidget(m_content, 1);

    m_jobsButton->setObjectName(QStringLiteral("jobsButton"));
    m_jobsButton->setToolTip(tr("The jobs borrowers ran on this machine, and what became of their results"));
    connect(m_jobsButton, &QPushButton::clicked, this, [this] {
        if (!m_jobs) {
            m_jobs = new JobsDialog(m_owner, this);
            m_jobs->setAttribute(Qt::WA_DeleteOnClose);
            connect(m_jobs, &JobsDialog::error, this, &MachineTab::error);
        }
        QStringList ids = m_cards.keys(); // the partitions shown, also those only pushed so far
        ids.sort();
        m_jobs->setPartitions(ids);
        m_jobs->show();
        m_jobs->raise();
        m_jobs->activateWindow();
    });

    m_billsButton->setObjectName(QStringLiteral("billsButton"));
    m_billsButton->setToolTip(tr("What the market bills for this machine's contracts: your payouts, its fees, and signed receipts"));
    connect(m_billsButton, &QPushButton::clicked, this, [this] {
        if (!m_billsDialog) {
            m_billsDialog = new BillsDialog(m_owner, this);
            m_billsDialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(m_billsDialog, &BillsDialog::error, this, &MachineTab::error);
            connect(m_billsDialog, &BillsDialog::notice, this, &MachineTab::notice);
        } else {
            m_billsDialog->refresh();
        }
        // The markets the agent lends on, also those no partition is registered on now (their
        // bills and receipts stay), and any a partition names.
        QStringList markets = m_machine.marketIds.value_or(QStringList());
        for (const PartitionState &p : std::as_const(m_partitions))
            if (!p.marketId.isEmpty() && !markets.contains(p.marketId))
                markets << p.marketId;
        markets.sort();
        m_billsDialog->setMarkets(markets);
        m_billsDialog->show();
        m_billsDialog->raise();
        m_billsDialog->activateWindow();
    });

    connect(m_new, &QPushButton::clicked, this, [this] {
        PartitionCreate req;
        const Resources &free = m_machine.available;
        req.conditions.resources = Resources{qMin(1, free.cpus), qMin<qint64>(256, free.memoryMib), qMin<qint64>(1024, free.diskMib)};
        req.conditions.osImages = {QStringLiteral("busybox")};
        req.conditions.ratePerHour = Money::fromMicros(1'000'000);
        send<PartitionInfo>(req);
    });

    if (owner)
        attach(owner);
    refresh();
}

void MachineTab::setKeepAlive(int intervalMs, int timeoutMs)
{
    m_keepAliveMs = intervalMs;
    m_keepAliveTimeoutMs = timeoutMs;
    if (m_owner)
        ui::KeepAlive::keep(m_owner, tr("the lender agent"), m_keepAliveMs, m_keepAliveTimeoutMs);
}

void MachineTab::connectNow()
{
    m_content->setEnabled(false);
    m_connectionWarning->setText(tr("Connecting to the lender agent…"));
    m_connectionWarning->show();
    m_reconnectFailures = 0;
    tryReconnect();
}

void MachineTab::attach(Channel *owner)
{
    m_owner = owner;
    m_everConnected = true;
    connect(owner, &Channel::closed, this, &MachineTab::lost);
    // An agent that stops answering (a frozen process, a link gone without a word) closes
    // no connection: the pings find it out, and lost() handles it as any lost connection.
    ui::KeepAlive::keep(owner, tr("the lender agent"), m_keepAliveMs, m_keepAliveTimeoutMs);
    {
        // Live: the agent pushes partition changes and usage samples to watching owners.
        connect(owner, &Channel::envelopeReceived, this, [this](const Envelope &e) {
            if (e.type == quint32(MessageType::PartitionInfo)) {
                if (Result<PartitionInfo> info = decodeMessage<PartitionInfo>(e); info.ok())
                    applyPartition(info->partition);
                refresh();
                // A job started or ended with it (the partition names its running job).
                if (m_jobs && m_jobs->isVisible())
                    m_jobs->refresh();
            } else if (e.type == quint32(MessageType::MachineInfo)) {
                refresh(); // libvirt lost or back: the partitions' view as well as the machine's
            } else if (e.type == quint32(MessageType::UsageSample)) {
                if (Result<UsageSample> s = decodeMessage<UsageSample>(e); s.ok()) {
                    if (PartitionCard *c = m_cards.value(s->partitionId))
                        c->usageChart()->addSample(s->atMs, s->cpuPermille, s->memoryUsedMib, s->memoryMib);
                }
            } else if (e.type == quint32(MessageType::LockViolated)) {
                if (Result<LockViolated> v = decodeMessage<LockViolated>(e); v.ok())
                    showViolation(*v);
            }
        });
        owner->request<Ack>(OwnerWatch{}, this, [this](Result<Ack> r) {
            if (!r.ok())
                emit error(r.error());
        });
    }
}

void MachineTab::lost(const Error &reason)
{
    if (sender() != m_owner.data() || !m_owner)
        return; // an earlier connection
    Channel *gone = m_owner;
    m_owner = nullptr;
    gone->disconnect(this);
    if (m_reconnect)
        gone->deleteLater(); // made for this tab; a new one replaces it
    // What the tab shows is what the agent said before: it stays to be read, but nothing on
    // it can be changed until the agent answers again.
    m_content->setEnabled(false);
    m_connectionWarning->setText(m_reconnect ? tr("Lost the connection to the lender agent (%1). Connecting again… What is shown is from before.")
                                                   .arg(reason.message)
                                             : tr("Lost the connection to the lender agent (%1). What is shown is from before.").arg(reason.message));
    m_connectionWarning->show();
    emit error(Error(reason.code, tr("Lost the connection to the lender agent: %1").arg(reason.message)));
    if (m_reconnect) {
        m_reconnectFailures = 1; // the connection lost
        m_reconnectTimer->start(backoffDelayMs(m_reconnectDelayMs, kMaxReconnectDelayMs, m_reconnectFailures));
    }
}

void MachineTab::tryReconnect()
{
    Channel *attempt = m_reconnect ? m_reconnect() : nullptr;
    const auto again = [this](const QString &why) {
        ++m_reconnectFailures;
        const int delay = backoffDelayMs(m_reconnectDelayMs, kMaxReconnectDelayMs, m_reconnectFailures);
        if (m_everConnected) {
            m_connectionWarning->setText(tr("Lost the connection to the lender agent. Trying again in %1 s (%2). What is shown is from before.")
                                             .arg(qMax(1, delay / 1000))
                                             .arg(why));
        } else {
            // Never reached yet: the tab has nothing to show; the banner says it once, as this
            // tab may not be the one in view.
            m_connectionWarning->setText(tr("Not connected to the lender agent yet (%1). Trying again in %2 s.").arg(why).arg(qMax(1, delay / 1000)));
            if (m_reconnectFailures == 1)
                emit error(Error(ErrorCode::ConnectionFailed, tr("Cannot connect to a lender agent: %1. Its tab tries again by itself.").arg(why)));
        }
        m_reconnectTimer->start(delay);
    };
    if (!attempt) {
        again(tr("cannot connect"));
        return;
    }
    connect(attempt, &Channel::established, this, [this, attempt] {
        attempt->disconnect(this);
        const bool before = m_everConnected;
        attach(attempt);
        m_content->setEnabled(true);
        m_connectionWarning->hide();
        if (m_jobs)
            m_jobs->setChannel(attempt);
        if (m_billsDialog)
            m_billsDialog->setChannel(attempt);
        if (before)
            emit notice(tr("Connected to the lender agent again."));
        refresh();
    });
    connect(attempt, &Channel::closed, this, [attempt, again](const Error &why) {
        attempt->deleteLater();
        again(why.message);
    });
}

void MachineTab::showViolation(const LockViolated &v)
{
    // Often the owner's own change (virsh setvcpus, a memory tweak) on a lent partition: say
    // what was undone and what it costs. A direct lease has no market to tell or to end it.
    const QString what = tr("Partition %1 is lent, and its allocation was changed behind the agent's back (%2).")
                             .arg(v.partitionId, ui::describeLockReport(v.detail));
    const bool market = !v.marketId.isEmpty();
    if (v.restored) {
        emit notice(what + QLatin1Char(' ')
                    + (market ? tr("The agent put the lease back and reported it to the market. Change a partition only when it is not lent.")
                              : tr("The agent put the lease back. Change a partition only when it is not lent.")));
    } else {
        emit error(Error(ErrorCode::Conflict,
                         what + QLatin1Char(' ')
                             + (market ? tr("The agent could not put the lease back: the market ends the contract and counts it against "
                                            "this machine's reliability.")
                                       : tr("The agent could not put the lease back: the borrower no longer has what was leased; end the "
                                            "lease if it cannot be given back."))));
    }
}

template <typename Reply, typename Request>
void MachineTab::send(const Request &request)
{
    if (!m_owner) {
        emit error(Error(ErrorCode::ConnectionClosed, tr("not connected to the lender agent")));
        return;
    }
    m_owner->request<Reply>(request, this, [this](Result<Reply> r) {
        if (!r.ok())
            emit error(r.error());
        refresh(); // also puts a refused slider back where the agent says it is
    });
}

void MachineTab::refresh()
{
    if (!m_owner)
        return;
    m_owner->request<MachineInfo>(MachineShow{}, this, [this](Result<MachineInfo> r) {
        if (!r.ok()) {
            emit error(r.error());
            return;
        }
        m_machine = *r;
        QStringList warnings;
        if (m_machine.libvirtProblem) {
            // The agent's text names the URI, since when and why ("libvirt (URI) is not reachable since …").
            warnings << tr("%1. Running jobs go on, but no new job can start until the agent is connected "
                           "to libvirt again, which it does by itself.")
                            .arg(*m_machine.libvirtProblem);
        }
        // Promised more than the machine has: its free disk shrank (other files, kept job
        // results) below what the partitions and the reserve were given.
        const Resources over = m_machine.reserve + m_machine.allocated - m_machine.host;
        QStringList short_;
        if (over.cpus > 0)
            short_ << tr("%n vCPU(s)", nullptr, over.cpus);
        if (over.memoryMib > 0)
            short_ << tr("%1 of memory").arg(ui::formatSize(over.memoryMib));
        if (over.diskMib > 0)
            short_ << tr("%1 of disk").arg(ui::formatSize(over.diskMib));
        if (!short_.isEmpty())
            warnings << tr("The partitions and your reserve were promised %1 more than this machine has now: a job may not get "
                           "all that its partition promises (a full disk stops it). Make a partition or the reserve smaller, or "
                           "free space on the disk.")
                            .arg(short_.join(tr(" and ")));
        m_libvirtWarning->setText(warnings.join(QStringLiteral("\n\n")));
        m_libvirtWarning->setVisible(!warnings.isEmpty());
        m_summary->setText(tr("%1 — %2 vCPU, %3 memory, %4 free disk · available to lend: %5 vCPU, %6 memory, %7 disk · %8 (%9)")
                               .arg(m_machine.hostName)
                               .arg(m_machine.host.cpus)
                               .arg(ui::formatSize(m_machine.host.memoryMib), ui::formatSize(m_machine.host.diskMib))
                               .arg(m_machine.available.cpus)
                               .arg(ui::formatSize(m_machine.available.memoryMib), ui::formatSize(m_machine.available.diskMib),
                                    m_machine.libvirtUri, m_machine.virtType));
        m_summary->setToolTip(tr("Exactly: %1 memory, %2 disk; available %3 memory, %4 disk. The disk is the free space of the "
                                 "file system holding the agent's data, plus what running jobs already wrote.")
                                  .arg(formatSizeMib(m_machine.host.memoryMib), formatSizeMib(m_machine.host.diskMib),
                                       formatSizeMib(m_machine.available.memoryMib), formatSizeMib(m_machine.available.diskMib)));
        emit hostNameKnown(m_machine.hostName);
        // As on the cards: a reserve the owner is changing keeps the owner's value.
        auto setReserve = [](ResourceControl &c, qint64 value, qint64 max) {
            const QSignalBlocker b1(c.slider), b2(c.spin);
            ui::setRangeAndValue(c, 0, int(max), int(value));
        };
        // The reserve can grow only into what no partition uses.
        setReserve(m_reserveCpu, m_machine.reserve.cpus, m_machine.reserve.cpus + m_machine.available.cpus);
        setReserve(m_reserveMemory, m_machine.reserve.memoryMib, m_machine.reserve.memoryMib + m_machine.available.memoryMib);
        setReserve(m_reserveDisk, m_machine.reserve.diskMib, m_machine.reserve.diskMib + m_machine.available.diskMib);
        m_new->setEnabled(m_machine.available.cpus > 0 && m_machine.available.memoryMib >= 64);
        if (!m_owner)
            return; // lost meanwhile
        m_owner->request<PartitionListReply>(PartitionList{}, this, [this](Result<PartitionListReply> list) {
            if (!list.ok()) {
                emit error(list.error());
                return;
            }
            showPartitions(list->partitions);
        });
    });
}

void MachineTab::showPartitions(const QList<PartitionState> &partitions)
{
    m_partitions = partitions;
    QSet<QString> seen;
    for (const PartitionState &p : partitions) {
        seen.insert(p.partitionId);
        applyPartition(p);
    }
    for (auto it = m_cards.begin(); it != m_cards.end();) {
        if (!seen.contains(it.key())) {
            it.value()->deleteLater();
            it = m_cards.erase(it);
        } else {
            ++it;
        }
    }
    m_bar->setMachine(m_machine, m_partitions);
    emit changed();
}

void MachineTab::applyPartition(const PartitionState &state)
{
    PartitionCard *card = m_cards.value(state.partitionId);
    if (!card) {
        card = new PartitionCard(state, this);
        m_cardLayout->insertWidget(m_cardLayout->count() - 1, card);
        m_cards.insert(state.partitionId, card);
        connect(card, &PartitionCard::alterRequested, this, [this](const QString &id, const LendingConditions &c) {
            send<PartitionInfo>(PartitionAlter{.partitionId = id, .conditions = c});
        });
        connect(card, &PartitionCard::registerRequested, this, [this](const QString &id) {
            send<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}, .externallyReferenced = false});
        });
        connect(card, &PartitionCard::withdrawRequested, this, [this](const QString &id) { withdraw(id); });
        connect(card, &PartitionCard::deleteRequested, this,
                [this](const QString &id) { send<Ack>(PartitionDelete{.partitionId = id}); });
        connect(card, &PartitionCard::lendDirectRequested, this, &MachineTab::lendDirectly);
    }
    for (PartitionState &p : m_partitions) {
        if (p.partitionId == state.partitionId)
            p = state;
    }
    card->setState(state, m_machine.available);
}

void MachineTab::withdraw(const QString &partitionId, bool force)
{
    if (!m_owner) {
        emit error(Error(ErrorCode::ConnectionClosed, tr("not connected to the lender agent")));
        return;
    }
    PartitionWithdraw req{.partitionId = partitionId, .force = force ? std::optional<bool>(true) : std::nullopt};
    m_owner->request<PartitionInfo>(req, this, [this, partitionId, force](Result<PartitionInfo> r) {
        refresh();
        if (r.ok()) {
            if (r->marketToldLater.value_or(false))
                emit notice(tr("Partition %1 is withdrawn here; its market is told when this machine reaches it again.").arg(partitionId));
            return;
        }
        const ErrorCode code = r.error().code;
        const bool unreachable = isUnreachable(code);
        if (force || !unreachable) {
            emit error(r.error());
            return;
        }
        auto *box = new QMessageBox(QMessageBox::Question, tr("Withdraw partition"),
                                    tr("The market of partition %1 cannot be reached now.").arg(partitionId),
                                    QMessageBox::Ok | QMessageBox::Cancel, this);
        box->setObjectName(QStringLiteral("forceWithdrawDialog"));
        box->setInformativeText(tr("Withdraw it here anyway? The partition is yours again at once, and the market is told when this "
                                   "machine reaches it again. A borrower who contracts it there meanwhile is refused, which counts "
                                   "against this machine's reliability."));
        box->setDetailedText(r.error().message);
        box->button(QMessageBox::Ok)->setText(tr("Withdraw anyway"));
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::finished, this, [this, box, partitionId](int) {
            if (box->clickedButton() == box->button(QMessageBox::Ok))
                withdraw(partitionId, true);
        });
        box->open();
    });
}

void MachineTab::lendDirectly(const QString &partitionId)
{
    auto *ask = new DirectLeaseDialog(partitionId, this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QDialog::accepted, this, [this, ask, partitionId] {
        if (!m_owner) {
            emit error(Error(ErrorCode::ConnectionClosed, tr("not connected to the lender agent")));
            return;
        }
        const QString borrowerId = ask->borrowerId();
        const QString name = ask->borrowerName();
        m_owner->request<DirectLease>(
            LendDirect{.partitionId = partitionId, .borrowerId = borrowerId, .borrowerName = name}, this,
            [this, borrowerId, name](Result<DirectLease> r) {
                refresh();
                if (!r.ok()) {
                    emit error(r.error());
                    return;
                }
                PartitionState lent;
                lent.borrowerId = borrowerId;
                lent.borrowerName = name;
                auto *keys = new KeyFileDialog(*r, lent.borrowerLabel(), this);
                keys->setAttribute(Qt::WA_DeleteOnClose);
                keys->open();
            });
    });
    ask->open();
}

QPair<int, int> MachineTab::lendingCounts() const
{
    int lent = 0, registered = 0;
    for (const PartitionState &p : m_partitions) {
        if (p.state == QStringLiteral("lent") || p.state == QStringLiteral("running"))
            ++lent;
        else if (p.state == QStringLiteral("registered"))
            ++registered;
    }
    return {lent, registered};
}

// ───────────────────────────── window ─────────────────────────────

LenderWindow::LenderWindow(const QString &localNodeId, QWidget *parent)
    : QMainWindow(parent)
    , m_localNodeId(localNodeId)
    , m_banner(new ui::ErrorBanner(this))
    , m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("lenderWindow"));
    setWindowTitle(tr("Lendable Lender Console"));
    m_tabs->setObjectName(QStringLiteral("machineTabs"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    ui::addLanguageMenu(menuBar());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        ui::AboutDialog(tr("Lendable Lender Console"), tr("Partition your machine and lend what you do not use."), m_localNodeId, this).exec();
    });
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(style()->standardIcon(QStyle::SP_ComputerIcon), this);
        auto *menu = new QMenu(this);
        menu->addAction(tr("Show"), this, &QWidget::showNormal);
        menu->addAction(tr("Quit"), qApp, &QApplication::quit);
        m_tray->setContextMenu(menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, &QWidget::showNormal);
        m_tray->show();
    }
    ui::restoreWindowState(this, QSize(1100, 820));
}

MachineTab *LenderWindow::addMachine(Channel *owner, const QString &title, bool local)
{
    auto *tab = new MachineTab(owner, m_tabs);
    connect(tab, &MachineTab::hostNameKnown, this, [this, tab, title, local](const QString &hostName) {
        const int index = m_tabs->indexOf(tab);
        if (index < 0 || hostName.isEmpty())
            return;
        m_tabs->setTabText(index, local ? tr("This machine (%1)").arg(hostName) : hostName);
        m_tabs->setTabToolTip(index, title);
    });
    connect(tab, &MachineTab::error, this, [this](const Error &e) { m_banner->showError(e); });
    connect(tab, &MachineTab::notice, this, [this](const QString &text) { m_banner->showNotice(text); });
    connect(tab, &MachineTab::changed, this, &LenderWindow::updateTray);
    m_tabs->addTab(tab, title);
    return tab;
}

MachineTab *LenderWindow::machine(int index) const
{
    return qobject_cast<MachineTab *>(m_tabs->widget(index));
}

void LenderWindow::updateTray()
{
    int lent = 0, registered = 0;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (MachineTab *t = machine(i)) {
            lent += t->lendingCounts().first;
            registered += t->lendingCounts().second;
        }
    }
    const QString text = tr("Lendable: %n partition(s) lent, %1 offered", nullptr, lent).arg(registered);
    // The platform adds " — Lendable Lender Console" (the application display name).
    setWindowTitle(tr("%1 lent, %2 offered").arg(lent).arg(registered));
    if (m_tray)
        m_tray->setToolTip(text);
}

void LenderWindow::closeEvent(QCloseEvent *event)
{
    ui::saveWindowState(this);
    // With a tray, closing the window keeps the agent lending; the tray shows its state.
    if (m_tray && m_tray->isVisible()) {
        hide();
        m_tray->showMessage(tr("Lendable"), tr("Still lending in the background. Quit from the tray menu."));
        event->ignore();
        return;
    }
    event->accept();
}

} // namespace lendable::lender
