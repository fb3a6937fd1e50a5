// The Lender Console offscreen over a real in-process lender agent (libvirt's test driver
// for speed; the VM suite covers real domains): dragging a slider changes the partition's
// allocation in the agent, the sliders stop at what the machine can give, and a locked
// (lent) partition's sliders do not move.

#include "../borrower/FreezingRelay.h"
#include "../lender/DiskSupport.h"
#include "../lender/MarketAgentSupport.h"

#include "LenderAgent.h"
#include "LenderWindow.h"
#include "identity/Identity.h"
#include "protocol/LocalChannel.h"
#include "protocol/SslChannel.h"
#include "protocol/ReceiptJson.h"
#include "protocol/Terms.h"
#include "ui/Format.h"
#include "ui/SizeSpinBox.h"
#include "ui/ErrorBanner.h"
#include "ui/UsageChart.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QTableWidget>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QDateTime>
#include <QLabel>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "GuiTimeouts.h"
#include "MessageBoxes.h"

using namespace lendable;
using namespace lendable::protocol;

class TestLenderGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void draggingASliderChangesTheAllocation();
    void slidersStopAtWhatTheMachineCanGive();
    void lockedPartitionSlidersDoNotMove();
    void lentCardNamesTheBorrower();
    void lendingDirectlyFromTheCard();
    void endLeaseWhileAJobRunsInADirectLease();
    void jobsDialogShowsWhatRan();
    void usageChartKeepsItsLabelsWhole();
    void withdrawingWhileTheMarketIsAway();
    void billsAndReceiptsFromTheMarket();
    void billsOfTheChosenMarket();
    void tabAndBarsSayWhatTheyShow();
    void diskPromisedBeyondWhatIsFreeIsShown();
    void lockViolationsAreShown();
    void reserveSlidersApplyKeyboardSteps();
    void wheelAndSpinStepsApplyOnceTheyStop();
    void aPushKeepsTheOwnersUnsettledValue();
    void timeLimitIsSetOnTheCard();
    void unreadableRateOrImagesAreShownNotSent();
    void reconnectsWhenTheAgentComesBack();
    void agentThatStopsAnsweringIsFoundOut();
    void agentDownAtStartGetsATabThatConnectsLater();
    void cleanupTestCase();

private:
    QString createPartition(int cpus, qint64 memoryMib);
    /// A new partition (1 vCPU, 256 MiB) once its card shows; nullptr if it did not.
    lender::PartitionCard *newPartitionsCard();
    PartitionState partitionInAgent(const QString &id);
    /// The memory the agent reserves for the owner, MiB; -1 if it could not be asked.
    qint64 reservedMemory();
    /// An owner connection to `agent`; nullptr if it did not come up.
    static std::unique_ptr<Channel> ownerOf(lender::LenderAgent *agent);
    /// A new partition (1 vCPU, 256 MiB, 1 GiB, busybox) at `rate`, registered with the
    /// agent's market; its ID, or empty if either step failed.
    static QString registeredPartition(Channel *owner, Money rate, const QString &marketId = {});
    static void drag(QSlider *slider, int toValue);

    QTemporaryDir m_dir;
    std::unique_ptr<lender::LenderAgent> m_agent;
    Channel *m_owner = nullptr;
    std::unique_ptr<lender::LenderWindow> m_window;
    lender::MachineTab *m_tab = nullptr;
};

void TestLenderGui::initTestCase()
{
    lender::AgentConfig config;
    config.dataDir = m_dir.path();
    config.libvirtUri = QStringLiteral("test:///default");
    Result<std::unique_ptr<lender::LenderAgent>> agent = lender::LenderAgent::create(config);
    QVERIFY2(agent.ok(), qPrintable(agent.error().toString()));
    m_agent = std::move(*agent);
    QVERIFY(m_agent->start().ok());
    HandshakeConfig owner;
    owner.localRole = QStringLiteral("owner");
    m_owner = m_agent->server()->connectLocal(m_agent->nodeId(), owner);
    QVERIFY(m_owner->waitEstablished(5000).ok());
    m_window = std::make_unique<lender::LenderWindow>(m_agent->nodeId());
    m_tab = m_window->addMachine(m_owner, QStringLiteral("test"));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY(m_tab->machine().host.cpus > 0);
}

QString TestLenderGui::createPartition(int cpus, qint64 memoryMib)
{
    PartitionCreate req;
    req.conditions.resources = Resources{cpus, memoryMib, 1024};
    req.conditions.osImages = {QStringLiteral("busybox")};
    req.conditions.ratePerHour = Money::fromMicros(500'000);
    Result<PartitionInfo> r = m_owner->call<PartitionInfo>(req);
    return r.ok() ? r->partition.partitionId : QString();
}

lender::PartitionCard *TestLenderGui::newPartitionsCard()
{
    const QString id = createPartition(1, 256);
    if (id.isEmpty())
        return nullptr;
    m_tab->refresh();
    return QTest::qWaitFor([&] { return m_tab->card(id) != nullptr; }, lendable::test::kGuiWaitMs) ? m_tab->card(id) : nullptr;
}

qint64 TestLenderGui::reservedMemory()
{
    const Result<MachineInfo> info = m_owner->call<MachineInfo>(MachineShow{});
    return info.ok() ? info->reserve.memoryMib : -1;
}

PartitionState TestLenderGui::partitionInAgent(const QString &id)
{
    Result<PartitionListReply> list = m_owner->call<PartitionListReply>(PartitionList{});
    if (list.ok()) {
        for (const PartitionState &p : list->partitions) {
            if (p.partitionId == id)
                return p;
        }
    }
    return {};
}

std::unique_ptr<Channel> TestLenderGui::ownerOf(lender::LenderAgent *agent)
{
    HandshakeConfig ownerRole;
    ownerRole.localRole = QStringLiteral("owner");
    std::unique_ptr<Channel> owner(agent->server()->connectLocal(agent->nodeId(), ownerRole));
    return owner->waitEstablished(5000).ok() ? std::move(owner) : nullptr;
}

QString TestLenderGui::registeredPartition(Channel *owner, Money rate, const QString &marketId)
{
    PartitionCreate create;
    create.conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, rate, 0};
    Result<PartitionInfo> created = owner->call<PartitionInfo>(create);
    if (!created.ok()) {
        qWarning() << "partition create:" << created.error();
        return {};
    }
    const QString id = created->partition.partitionId;
    Result<PartitionInfo> registered = owner->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = marketId});
    if (!registered.ok()) {
        qWarning() << "partition register:" << registered.error();
        return {};
    }
    return id;
}

void TestLenderGui::drag(QSlider *slider, int toValue)
{
    // A real drag: press on the handle, move, release (the card alters on release).
    const QPoint from = QPoint(int(double(slider->value() - slider->minimum()) / qMax(1, slider->maximum() - slider->minimum())
                                   * (slider->width() - 12)) + 6,
                               slider->height() / 2);
    const QPoint to = QPoint(int(double(toValue - slider->minimum()) / qMax(1, slider->maximum() - slider->minimum())
                                 * (slider->width() - 12)) + 6,
                             slider->height() / 2);
    QTest::mousePress(slider, Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, to, slider->mapToGlobal(to), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(slider, &move);
    QTest::mouseRelease(slider, Qt::LeftButton, {}, to);
}

void TestLenderGui::draggingASliderChangesTheAllocation()
{
    lender::PartitionCard *card = newPartitionsCard();
    QVERIFY(card);
    const QString id = card->state().partitionId;
    QTRY_VERIFY(card->cpuSlider()->maximum() > 1);
    QVERIFY(card->cpuSlider()->isEnabled());
    const int target = qMin(card->cpuSlider()->maximum(), 3);
    drag(card->cpuSlider(), target);
    QTRY_COMPARE(partitionInAgent(id).conditions.resources.cpus, card->cpuSlider()->value());
    QVERIFY(card->cpuSlider()->value() > 1);
    // The spin box works the same way.
    card->findChild<QSpinBox *>(QStringLiteral("memorySpinBox"))->setValue(512);
    emit card->findChild<QSpinBox *>(QStringLiteral("memorySpinBox"))->editingFinished();
    QTRY_COMPARE(partitionInAgent(id).conditions.resources.memoryMib, qint64(512));
}

void TestLenderGui::slidersStopAtWhatTheMachineCanGive()
{
    m_tab->refresh();
    QTRY_VERIFY(!m_tab->cards().isEmpty());
    lender::PartitionCard *card = m_tab->cards().first();
    QTRY_COMPARE(card->cpuSlider()->maximum(), card->state().conditions.resources.cpus + m_tab->machine().available.cpus);
    // Asking the agent directly for more than that is refused with a typed error.
    PartitionAlter alter{.partitionId = card->state().partitionId, .conditions = card->state().conditions};
    alter.conditions.resources.cpus = card->cpuSlider()->maximum() + 1;
    QCOMPARE(m_owner->call<PartitionInfo>(alter).error().code, ErrorCode::ResourceExhausted);
}

void TestLenderGui::lockedPartitionSlidersDoNotMove()
{
    const QString id = createPartition(1, 256);
    QVERIFY(!id.isEmpty());
    Result<DirectLease> lease = m_owner->call<DirectLease>(LendDirect{.partitionId = id, .borrowerId = QString(64, QLatin1Char('b'))});
    QVERIFY2(lease.ok(), qPrintable(lease.error().toString()));
    m_tab->refresh();
    QTRY_VERIFY(m_tab->card(id) && m_tab->card(id)->isLocked());
    lender::PartitionCard *card = m_tab->card(id);
    QVERIFY(!card->cpuSlider()->isEnabled());
    QVERIFY(!card->memorySlider()->isEnabled());
    QVERIFY(card->stateLabel()->text().contains(QStringLiteral("locked")));
    // While lent, the card shows what the contract has earned so far, from the agent's
    // record of its start and rate; a partition that is not lent has neither.
    const PartitionState lent = partitionInAgent(id);
    QVERIFY(lent.contractStartedAtMs.has_value());
    QVERIFY(qAbs(*lent.contractStartedAtMs - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    // A direct lease bills nobody: its rate is 0, whatever the partition's rate at markets.
    QCOMPARE(lent.contractRatePerHour, std::optional<Money>(Money()));
    QVERIFY2(card->earningsLabel()->text().contains(QStringLiteral("so far")), qPrintable(card->earningsLabel()->text()));
    int notLent = 0;
    for (lender::PartitionCard *other : m_tab->cards()) {
        if (other->state().partitionId != id) {
            QVERIFY(!partitionInAgent(other->state().partitionId).contractStartedAtMs.has_value());
            QVERIFY(!other->earningsLabel()->text().contains(QStringLiteral("so far")));
            ++notLent;
        }
    }
    QVERIFY(notLent > 0);
    const int before = card->cpuSlider()->value();
    drag(card->cpuSlider(), card->cpuSlider()->maximum());
    QTest::qWait(200);
    QCOMPARE(card->cpuSlider()->value(), before);
    QCOMPARE(partitionInAgent(id).conditions.resources.cpus, before);
    // The agent refuses the change too, whatever the GUI does.
    PartitionAlter alter{.partitionId = id, .conditions = card->state().conditions};
    alter.conditions.resources.memoryMib = 512;
    QCOMPARE(m_owner->call<PartitionInfo>(alter).error().code, ErrorCode::Conflict);
}

void TestLenderGui::lentCardNamesTheBorrower()
{
    // A lent partition's card says who borrows it: the name the market gave (as plain text,
    // cut short if long) and the start of the node ID; the tooltip has both whole.
    PartitionState state = partitionInAgent(m_tab->cards().first()->state().partitionId);
    state.state = QStringLiteral("lent");
    state.contractId = QStringLiteral("c-1");
    state.borrowerId = QString(64, QLatin1Char('b'));
    state.borrowerName = QStringLiteral("Acme <b>Labs</b> & Sons");
    lender::PartitionCard card(state);
    card.setState(state, m_tab->machine().available);
    QCOMPARE(card.stateLabel()->textFormat(), Qt::PlainText);
    QVERIFY2(card.stateLabel()->text().startsWith(QStringLiteral("Lent to Acme <b>Labs</b> & Sons (bbbbbbbbbbbb) — contract c-1")),
             qPrintable(card.stateLabel()->text()));
    QVERIFY2(card.stateLabel()->toolTip().contains(state.borrowerId) && card.stateLabel()->toolTip().contains(*state.borrowerName),
             qPrintable(card.stateLabel()->toolTip()));
    state.borrowerName = QString(128, QLatin1Char('n'));
    card.setState(state, m_tab->machine().available);
    QVERIFY2(card.stateLabel()->text().startsWith(QStringLiteral("Lent to %1\u2026 (bbbbbbbbbbbb)").arg(QString(39, QLatin1Char('n')))),
             qPrintable(card.stateLabel()->text()));
    QVERIFY(card.stateLabel()->toolTip().contains(*state.borrowerName));
    // No name: the node ID's start, and the tooltip says none was given.
    state.borrowerName.reset();
    card.setState(state, m_tab->machine().available);
    QVERIFY2(card.stateLabel()->text().startsWith(QStringLiteral("Lent to bbbbbbbbbbbb — contract c-1")), qPrintable(card.stateLabel()->text()));
    QVERIFY(card.stateLabel()->toolTip().contains(QStringLiteral("no name given")));
}

void TestLenderGui::endLeaseWhileAJobRunsInADirectLease()
{
    // While a borrower's job runs in a partition lent directly, the agent reports it
    // "running", not "lent": End Lease must stay on offer then, for it is what stops the job
    // (the user guide says so). A market's running contract is not the owner's to end.
    lender::PartitionCard *any = m_tab->cards().isEmpty() ? newPartitionsCard() : m_tab->cards().first();
    QVERIFY(any);
    PartitionState state = partitionInAgent(any->state().partitionId);
    state.state = QStringLiteral("running");
    state.marketId.clear();
    state.contractId = QStringLiteral("d-1");
    state.borrowerId = QString(64, QLatin1Char('b'));
    state.jobId = QStringLiteral("j-1");
    lender::PartitionCard card(state);
    card.setState(state, m_tab->machine().available);
    QCOMPARE(card.withdrawButton()->text(), QStringLiteral("End Lease"));
    QVERIFY(card.withdrawButton()->isEnabled());
    QSignalSpy ended(&card, &lender::PartitionCard::withdrawRequested);
    QTest::mouseClick(card.withdrawButton(), Qt::LeftButton);
    QCOMPARE(ended.count(), 1);
    QCOMPARE(ended.first().at(0).toString(), state.partitionId);

    state.marketId = QString(64, QLatin1Char('m'));
    card.setState(state, m_tab->machine().available);
    QCOMPARE(card.withdrawButton()->text(), QStringLiteral("Withdraw"));
    QVERIFY(!card.withdrawButton()->isEnabled());
    // The lease ended and its job is being stopped: nothing left to end.
    state.marketId.clear();
    state.contractId.clear();
    state.borrowerId.clear();
    card.setState(state, m_tab->machine().available);
    QVERIFY(!card.withdrawButton()->isEnabled());
}

void TestLenderGui::lendingDirectlyFromTheCard()
{
    // Lend directly… on an unregistered partition's card: the dialog takes the borrower's ID
    // (checked as typed) and a name, the agent lends, and the key file it shows once names
    // the partition, the contract, the key the agent checks, and where the agent is. End
    // Lease on the card ends it.
    lender::PartitionCard *card = newPartitionsCard();
    QVERIFY(card);
    const QString id = card->state().partitionId;
    QTRY_VERIFY(card->lendDirectButton()->isEnabled());
    QVERIFY(!card->withdrawButton()->isEnabled());
    QTest::mouseClick(card->lendDirectButton(), Qt::LeftButton);
    lender::DirectLeaseDialog *ask = nullptr;
    QTRY_VERIFY((ask = m_tab->findChild<lender::DirectLeaseDialog *>()) && ask->isVisible());
    QVERIFY(!ask->lendButton()->isEnabled());
    QTest::keyClicks(ask->borrowerIdEdit(), QStringLiteral("c0ffee"));
    QVERIFY(!ask->lendButton()->isEnabled());
    QVERIFY(ask->findChild<QLabel *>(QStringLiteral("borrowerIdHint"))->text().contains(QStringLiteral("64 hex digits")));
    const QString borrowerId = QString(64, QLatin1Char('c'));
    ask->borrowerIdEdit()->setText(QStringLiteral("  ") + borrowerId.toUpper() + QStringLiteral(" "));
    QTest::keyClicks(ask->borrowerNameEdit(), QStringLiteral("Lab B"));
    QVERIFY(ask->lendButton()->isEnabled());
    // scripts/screenshots.sh keeps pictures of both dialogs in docs/screenshots/.
    const QString grabs = qEnvironmentVariable("LENDABLE_GRAB_DIR");
    if (!grabs.isEmpty())
        QVERIFY(ask->grab().save(grabs + QStringLiteral("/lender-console-lend-directly.png")));
    QTest::mouseClick(ask->lendButton(), Qt::LeftButton);

    lender::KeyFileDialog *keys = nullptr;
    QTRY_VERIFY((keys = m_tab->findChild<lender::KeyFileDialog *>()) && keys->isVisible());
    const QJsonObject file = QJsonDocument::fromJson(keys->keyFile()).object();
    QCOMPARE(file.value(QStringLiteral("partition_id")).toString(), id);
    QCOMPARE(file.value(QStringLiteral("lender_id")).toString(), m_agent->nodeId());
    QVERIFY(!file.value(QStringLiteral("lender_address")).toString().isEmpty());
    const QByteArray key = QByteArray::fromHex(file.value(QStringLiteral("key")).toString().toLatin1());
    QCOMPARE(key.size(), 32);
    Result<lender::ContractRecord> contract = m_agent->store().contract(file.value(QStringLiteral("contract_id")).toString());
    QVERIFY2(contract.ok(), qPrintable(contract.error().toString()));
    QCOMPARE(contract->keyHash, QCryptographicHash::hash(key, QCryptographicHash::Sha256));
    QCOMPARE(contract->borrowerId, borrowerId);
    QCOMPARE(contract->borrowerName, QStringLiteral("Lab B"));
    if (!grabs.isEmpty())
        QVERIFY(keys->grab().save(grabs + QStringLiteral("/lender-console-key-file.png")));

    // Closing before the key is kept asks first; Cancel keeps the dialog open.
    QTimer::singleShot(0, this, [] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Cancel)->click();
    });
    keys->reject();
    QVERIFY(keys->isVisible());
    const QString saved = m_dir.filePath(QStringLiteral("direct-key.json"));
    QVERIFY(keys->saveTo(saved));
    QFile written(saved);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), keys->keyFile());
    QCOMPARE(written.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther), QFile::Permissions());
    QVERIFY(!keys->saveTo(m_dir.filePath(QStringLiteral("no/such/dir/key.json"))));
    QTest::mouseClick(keys->copyButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), keys->keyFile());
    QPointer<lender::KeyFileDialog> closing = keys;
    keys->reject();
    QTRY_VERIFY(!closing);

    // The card shows the lease, and ends it.
    QTRY_VERIFY(card->stateLabel()->text().startsWith(QStringLiteral("Lent to Lab B (cccccccccccc)")));
    QVERIFY(!card->lendDirectButton()->isEnabled());
    QCOMPARE(card->withdrawButton()->text(), QStringLiteral("End Lease"));
    QVERIFY(card->withdrawButton()->isEnabled());
    QTest::mouseClick(card->withdrawButton(), Qt::LeftButton);
    QTRY_COMPARE(partitionInAgent(id).state, QStringLiteral("unregistered"));
    QTRY_COMPARE(card->withdrawButton()->text(), QStringLiteral("Withdraw"));
    QVERIFY(!card->withdrawButton()->isEnabled());
    QVERIFY(card->lendDirectButton()->isEnabled());
}

void TestLenderGui::jobsDialogShowsWhatRan()
{
    // Jobs… on the machine tab: the jobs borrowers ran, newest first, with how each ended and
    // what became of its results; the partition filter narrows it.
    const QString pid = createPartition(1, 256);
    QVERIFY(!pid.isEmpty());
    m_tab->refresh();
    QTRY_VERIFY(m_tab->card(pid));
    lender::ContractRecord c;
    c.contractId = QStringLiteral("c-gui-jobs");
    c.partitionId = pid;
    c.keyHash = QByteArray(32, 'k');
    c.borrowerId = QString(64, QLatin1Char('b'));
    c.borrowerName = QStringLiteral("Orbit Analytics");
    c.startedAtMs = QDateTime::currentMSecsSinceEpoch() - 3'600'000;
    c.ratePerHour = Money::fromMicros(500'000);
    const Result<void> started = m_agent->store().startContract(c);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const struct {
        const char *id;
        const char *partition;
        qint64 submittedAgoMs;
        const char *state;
        std::optional<qint32> exitCode;
        qint64 ranMs;
    } rows[] = {{"j-render-frames", "", 3'000'000, "succeeded", 0, 754'000},
                {"j-train-model", "", 1'800'000, "failed", 2, 95'000},
                {"j-other-partition", "p-elsewhere", 1'200'000, "timed_out", std::nullopt, 3'600'000},
                {"j-simulate", "", 600'000, "cancelled", std::nullopt, 42'000}};
    for (const auto &r : rows) {
        lender::JobRecord j;
        j.jobId = QString::fromLatin1(r.id);
        j.partitionId = *r.partition ? QString::fromLatin1(r.partition) : pid;
        j.contractId = c.contractId;
        j.borrowerId = c.borrowerId;
        j.os = QStringLiteral("busybox");
        j.state = QString::fromLatin1(r.state);
        j.exitCode = r.exitCode;
        j.message = r.exitCode ? QStringLiteral("exit code %1").arg(*r.exitCode) : QStringLiteral("ended");
        j.domainName = QStringLiteral("lendable-") + j.jobId;
        j.jobDir = m_dir.filePath(QStringLiteral("jobs/") + j.jobId);
        j.submittedAtMs = now - r.submittedAgoMs;
        j.endedAtMs = j.submittedAtMs + r.ranMs;
        j.timeoutS = 3600;
        QVERIFY(m_agent->store().insertJob(j).ok());
    }
    QVERIFY(m_agent->store().markResultsRemoved(QStringLiteral("j-render-frames"), now - 60'000).ok());

    QTest::mouseClick(m_tab->jobsButton(), Qt::LeftButton);
    lender::JobsDialog *dialog = m_tab->jobsDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QTRY_COMPARE(dialog->table()->rowCount(), 4);
    QCOMPARE(dialog->table()->item(0, 1)->text(), QStringLiteral("j-simulate"));
    QCOMPARE(dialog->table()->item(3, 1)->text(), QStringLiteral("j-render-frames"));
    QCOMPARE(dialog->table()->item(1, 3)->text(), QStringLiteral("Orbit Analytics (bbbbbbbbbbbb)"));
    QCOMPARE(dialog->table()->item(2, 5)->text(), QStringLiteral("failed, exit code 2"));
    QCOMPARE(dialog->table()->item(2, 5)->toolTip(), QStringLiteral("exit code 2"));
    QCOMPARE(dialog->table()->item(2, 6)->text(), QStringLiteral("0:01:35"));
    QVERIFY(dialog->table()->item(2, 7)->text().startsWith(QStringLiteral("kept until ")));
    QVERIFY(dialog->table()->item(3, 7)->text().startsWith(QStringLiteral("removed ")));
    QVERIFY(!dialog->olderButton()->isEnabled());
    // scripts/screenshots.sh keeps a picture of it in docs/screenshots/.
    if (const QString grabs = qEnvironmentVariable("LENDABLE_GRAB_DIR"); !grabs.isEmpty())
        QVERIFY(dialog->grab().save(grabs + QStringLiteral("/lender-console-jobs.png")));

    // Only this partition's jobs.
    const int index = dialog->partitionFilter()->findData(pid);
    QVERIFY(index > 0);
    dialog->partitionFilter()->setCurrentIndex(index);
    QTRY_COMPARE(dialog->table()->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(dialog->table()->item(row, 2)->text(), pid);
    dialog->close();
    QTRY_VERIFY(!m_tab->jobsDialog());
}

void TestLenderGui::usageChartKeepsItsLabelsWhole()
{
    // A partition card's chart, small (a narrow window, a long borrower's name beside it):
    // fewer ticks rather than labels cut to "…"; all of them with room.
    ui::UsageChart chart;
    chart.resize(250, 170);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY2(chart.timeTickCount() <= 3, qPrintable(QString::number(chart.timeTickCount())));
    QCOMPARE(chart.percentTickCount(), 3);
    chart.resize(900, 300);
    QTRY_COMPARE(chart.timeTickCount(), 5);
    QCOMPARE(chart.percentTickCount(), 5);
    // The time axis runs on before the first sample and between samples; once samples come,
    // it follows their clock (the agent's), however far it is from this machine's.
    const qint64 shownAt = chart.axisEndMs();
    QTRY_VERIFY_WITH_TIMEOUT(chart.axisEndMs() >= shownAt + 1000, 5000);
    const qint64 agentClock = QDateTime::currentMSecsSinceEpoch() - 3'600'000; // an hour behind
    chart.addSample(agentClock, 500, 128, 256);
    QVERIFY(qAbs(chart.axisEndMs() - agentClock) < 1000);
    QTRY_VERIFY_WITH_TIMEOUT(chart.axisEndMs() >= agentClock + 1000, 5000);
    QVERIFY(chart.axisEndMs() < agentClock + 60'000);
}

void TestLenderGui::withdrawingWhileTheMarketIsAway()
{
    // A second machine, registered with a real market that then goes away: Withdraw says the
    // market cannot be reached and offers to withdraw anyway; agreed, the partition is the
    // owner's again and the agent keeps the withdrawal for the market's return.
    lender::testing::MarketForAgents market({});
    QVERIFY(market.listening);
    std::unique_ptr<lender::LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    std::unique_ptr<Channel> owner = ownerOf(agent.get());
    QVERIFY(owner);
    const QString id = registeredPartition(owner.get(), Money::fromMicros(500'000));
    QVERIFY(!id.isEmpty());

    std::unique_ptr<lender::MachineTab> tab(m_window->addMachine(owner.get(), QStringLiteral("away")));
    m_window->tabs()->setCurrentWidget(tab.get());
    QTRY_VERIFY(tab->card(id) && tab->card(id)->state().state == lender::PartitionStateName::Registered);
    market.service->shutdown();
    market.service.reset();
    // The bills are the market's: asked while it is away, the agent says so at once (not
    // after a request's timeout) once it knows the link is down.
    QTRY_VERIFY_WITH_TIMEOUT(owner->call<BillList>(OwnerBills{}).error().message.contains(QStringLiteral("cannot be reached now")), 15'000);

    QString said;
    test::answerMessageBox(QStringLiteral("forceWithdrawDialog"), QMessageBox::Ok, &said);
    QTest::mouseClick(tab->card(id)->withdrawButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!said.isEmpty(), 30'000);
    QVERIFY2(said.contains(QStringLiteral("cannot be reached")), qPrintable(said));
    QTRY_COMPARE_WITH_TIMEOUT(tab->card(id)->state().state, QString(lender::PartitionStateName::Unregistered), 15'000);
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("is withdrawn here")));
    QVERIFY(m_window->errorBanner()->property("notice").toBool()); // news, not an error
    QCOMPARE(agent->store().pendingWithdrawals(market.id()).value(), QStringList{id});
    tab.reset();
}

void TestLenderGui::billsAndReceiptsFromTheMarket()
{
    // A machine whose partition a borrower rented for an hour at a real market: Bills… shows
    // the market's bill (charge, the owner's payout, the fee) and saves the contract's
    // receipt, signed by the market, in the form `receipt verify` checks.
    lender::testing::MarketForAgents market({});
    QVERIFY(market.listening);
    std::unique_ptr<lender::LenderAgent> agent = market.startAgent(QStringLiteral("billed"));
    QVERIFY(agent);
    std::unique_ptr<Channel> owner = ownerOf(agent.get());
    QVERIFY(owner);
    const QString id = registeredPartition(owner.get(), Money::fromMicros(1'500'000));
    QVERIFY(!id.isEmpty());
    QVERIFY(!registeredPartition(owner.get(), Money::fromMicros(900'000)).isEmpty());
    lender::testing::Peer borrower(lender::testing::newIdentity(QStringLiteral("borrower")), market.address, market.id());
    QVERIFY(borrower.waitUp().ok());
    Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1 order=-rate")});
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
    market.clockAheadMs = 3'600'000; // an hour later, on the market's contract clock
    Result<ContractClosed> closed = borrower.channel->call<ContractClosed>(EndContract{.contractId = granted->contractId});
    QVERIFY2(closed.ok(), qPrintable(closed.error().toString()));
    // One still running: its charge so far, paid when it ends.
    Result<ContractGranted> running = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
    QVERIFY2(running.ok(), qPrintable(running.error().toString()));
    market.clockAheadMs = 3'600'000 + 1'800'000;

    std::unique_ptr<lender::MachineTab> tab(m_window->addMachine(owner.get(), QStringLiteral("billed")));
    m_window->tabs()->setCurrentWidget(tab.get());
    QTRY_VERIFY(tab->card(id));
    QTest::mouseClick(tab->billsButton(), Qt::LeftButton);
    lender::BillsDialog *dialog = tab->billsDialog();
    QVERIFY(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->bills().size(), qsizetype(2), lendable::test::kGuiWaitMs);
    // Newest first: the running contract, then the ended one.
    QCOMPARE(dialog->bills().first().contractId, running->contractId);
    QCOMPARE(dialog->table()->item(0, 4)->text(), QStringLiteral("running"));
    const Money soFar = dialog->bills().first().charge; // 30 min at 0.9/h, and the moments the test took
    QVERIFY2(soFar.micros() >= 450'000 && soFar.micros() < 460'000, qPrintable(soFar.toString()));
    QCOMPARE(dialog->table()->item(0, 7)->text(), ui::formatCharge(soFar));
    QCOMPARE(dialog->table()->item(0, 8)->text(), QStringLiteral("when it ends"));
    const Bill bill = dialog->bills().last();
    QCOMPARE(bill.contractId, granted->contractId);
    QCOMPARE(bill.charge, closed->charge);
    QVERIFY(bill.lenderPayout.micros() > 0 && bill.marketFee.micros() > 0);
    QCOMPARE(bill.lenderPayout.add(bill.marketFee).value(), closed->charge);
    QCOMPARE(dialog->table()->item(1, 1)->text(), granted->contractId);
    QCOMPARE(dialog->table()->item(1, 7)->text(), ui::formatCharge(closed->charge));
    QCOMPARE(dialog->table()->item(1, 8)->text(), ui::formatCharge(bill.lenderPayout));
    const QString totals = dialog->totals()->text();
    QVERIFY2(totals.contains(ui::formatCharge(bill.lenderPayout)) && totals.contains(QStringLiteral("still running: 1")), qPrintable(totals));

    QVERIFY(!dialog->saveReceiptButton()->isEnabled());
    dialog->table()->selectRow(1);
    QVERIFY(dialog->saveReceiptButton()->isEnabled());
    if (const QString grabs = qEnvironmentVariable("LENDABLE_GRAB_DIR"); !grabs.isEmpty())
        QVERIFY(dialog->grab().save(grabs + QStringLiteral("/lender-console-bills.png")));
    const QString path = m_dir.filePath(QStringLiteral("lender-receipt.json"));
    std::optional<Result<void>> saved;
    dialog->saveReceipt(granted->contractId, path, [&saved](Result<void> r) { saved = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(saved.has_value(), lendable::test::kGuiWaitMs);
    QVERIFY2(saved->ok(), qPrintable(saved->error().toString()));
    Result<Receipt> receipt = readReceiptFile(path);
    QVERIFY2(receipt.ok(), qPrintable(receipt.error().toString()));
    QVERIFY(verifyReceipt(*receipt, market.id()).ok());
    QCOMPARE(receipt->charge, closed->charge);
    QCOMPARE(receipt->lenderId, agent->nodeId());
    QCOMPARE(receipt->endedAtMs, closed->receipt.endedAtMs);
    // Another market's contract, or none: the market's refusal, nothing written.
    saved.reset();
    dialog->saveReceipt(QStringLiteral("c-none"), m_dir.filePath(QStringLiteral("none.json")), [&saved](Result<void> r) { saved = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(saved.has_value(), lendable::test::kGuiWaitMs);
    QCOMPARE(saved->error().code, ErrorCode::NotFound);
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("none.json"))));
    dialog->close();
    tab.reset();
}

void TestLenderGui::billsOfTheChosenMarket()
{
    // A machine that lends on two markets: Bills… offers the choice, and shows the bills of
    // the market chosen, asked of that market.
    lender::testing::MarketForAgents first({});
    lender::testing::MarketForAgents second({});
    QVERIFY(first.listening && second.listening);
    std::unique_ptr<lender::LenderAgent> agent = first.startAgent(QStringLiteral("two-markets"), [&second](lender::AgentConfig &c) {
        c.markets << lender::MarketEndpoint::parse(second.address, second.id()).value();
    });
    QVERIFY(agent);
    std::unique_ptr<Channel> owner = ownerOf(agent.get());
    QVERIFY(owner);
    QTRY_VERIFY_WITH_TIMEOUT(agent->market(first.id()) && agent->market(first.id())->isConnected() && agent->market(second.id())
                                 && agent->market(second.id())->isConnected(),
                             lendable::test::kGuiWaitMs);
    // Before any partition is registered on either: the choice is there all the same (the
    // agent names its markets), so bills of a market no partition is on now can be read.
    {
        std::unique_ptr<lender::MachineTab> early(m_window->addMachine(owner.get(), QStringLiteral("two-markets")));
        QTRY_COMPARE(early->machine().marketIds.value_or(QStringList()).size(), 2);
        QTest::mouseClick(early->billsButton(), Qt::LeftButton);
        QVERIFY(early->billsDialog());
        auto *choice = early->billsDialog()->findChild<QComboBox *>(QStringLiteral("billsMarket"));
        QVERIFY(choice && choice->isVisible());
        QCOMPARE(choice->count(), 2);
        early->billsDialog()->close();
    }
    const QString onFirst = registeredPartition(owner.get(), Money::fromMicros(1'000'000), first.id());
    const QString onSecond = registeredPartition(owner.get(), Money::fromMicros(2'000'000), second.id());
    QVERIFY(!onFirst.isEmpty() && !onSecond.isEmpty());
    QHash<QString, QString> contractAt; // market ID → the contract made there
    for (lender::testing::MarketForAgents *market : {&first, &second}) {
        lender::testing::Peer borrower(lender::testing::newIdentity(QStringLiteral("borrower")), market->address, market->id());
        QVERIFY(borrower.waitUp().ok());
        Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
        QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
        contractAt.insert(market->id(), granted->contractId);
    }

    std::unique_ptr<lender::MachineTab> tab(m_window->addMachine(owner.get(), QStringLiteral("two-markets")));
    m_window->tabs()->setCurrentWidget(tab.get());
    QTRY_VERIFY(tab->card(onFirst) && tab->card(onSecond));
    QTRY_VERIFY(!tab->card(onFirst)->state().marketId.isEmpty() && !tab->card(onSecond)->state().marketId.isEmpty());
    QTest::mouseClick(tab->billsButton(), Qt::LeftButton);
    lender::BillsDialog *dialog = tab->billsDialog();
    QVERIFY(dialog);
    auto *choice = dialog->findChild<QComboBox *>(QStringLiteral("billsMarket"));
    QVERIFY(choice);
    QVERIFY(choice->isVisible());
    QCOMPARE(choice->count(), 2);
    for (int i : {0, 1, 0}) {
        choice->setCurrentIndex(i);
        const QString market = choice->itemData(i).toString();
        QVERIFY(contractAt.contains(market));
        QCOMPARE(choice->itemText(i), market.left(16));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->bills().size() == 1 && dialog->bills().first().contractId == contractAt.value(market),
                                 lendable::test::kGuiWaitMs);
    }
    dialog->close();
    tab.reset();
    owner.reset();
    agent.reset();
}

void TestLenderGui::tabAndBarsSayWhatTheyShow()
{
    // The tab is named after the agent's host, the address it was opened with in its tooltip.
    const int index = m_window->tabs()->indexOf(m_tab);
    QVERIFY(!m_tab->machine().hostName.isEmpty());
    QTRY_COMPARE(m_window->tabs()->tabText(index), m_tab->machine().hostName);
    QCOMPARE(m_window->tabs()->tabToolTip(index), QStringLiteral("test"));
    // The bars' legend names every colour, also of partitions too thin to carry a label.
    auto *bar = m_tab->findChild<lender::MachineBar *>(QStringLiteral("machineBar"));
    QVERIFY(bar);
    bar->repaint();
    const QStringList legend = bar->legend();
    QVERIFY2(legend.startsWith(QStringLiteral("owner's reserve")), qPrintable(legend.join(QLatin1Char('|'))));
    QVERIFY2(legend.last() == QStringLiteral("free") || legend.last() == QStringLiteral("…"), qPrintable(legend.join(QLatin1Char('|'))));
    QVERIFY(!m_tab->cards().isEmpty());
    QVERIFY2(legend.contains(QStringLiteral("partition %1").arg(m_tab->cards().first()->state().partitionId))
                 || legend.size() < m_tab->cards().size() + 2,
             qPrintable(legend.join(QLatin1Char('|'))));
    // The summary reads at a glance, with the exact sizes in its tooltip.
    auto *summary = m_tab->findChild<QLabel *>(QStringLiteral("machineSummary"));
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(QStringLiteral(" memory, ")) && summary->text().contains(QStringLiteral("free disk")),
             qPrintable(summary->text()));
    QVERIFY2(summary->toolTip().contains(formatSizeMib(m_tab->machine().host.memoryMib)), qPrintable(summary->toolTip()));
}

void TestLenderGui::diskPromisedBeyondWhatIsFreeIsShown()
{
    // A partition given nearly all the free disk, then other files take 512 MiB: the tab
    // stays whole and says what is promised beyond what the machine has.
    auto *warning = m_tab->findChild<QLabel *>(QStringLiteral("libvirtWarning"));
    QVERIFY(warning);
    QVERIFY(!warning->isVisible());
    m_tab->refresh();
    QTRY_VERIFY(m_tab->machine().available.diskMib > 1024);
    const Result<PartitionInfo> created =
        lender::testing::createPartitionTakingFreeDisk(m_owner, LendingConditions{Resources{1, 256, 0}, {}, Money{}, 0});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const QString fillPath = m_dir.filePath(QStringLiteral("other-files"));
    QVERIFY(lender::testing::fillFile(fillPath, 1024)); // room for what other tests free meanwhile
    m_tab->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(warning->isVisible() && warning->text().contains(QStringLiteral("more than this machine has now")), 10'000);
    QVERIFY2(warning->text().contains(QStringLiteral("of disk")), qPrintable(warning->text()));
    QTRY_VERIFY(m_tab->card(created->partition.partitionId) != nullptr); // the cards are all there
    QVERIFY(QFile::remove(fillPath));
    QVERIFY(m_owner->call<Ack>(PartitionDelete{.partitionId = created->partition.partitionId}).ok());
    m_tab->refresh();
    QTRY_VERIFY(!warning->isVisible());
}

void TestLenderGui::lockViolationsAreShown()
{
    // What the agent pushes when its lock finds a lent partition changed (the real audit is
    // tested with a real VM in test_lender_vm): the owner reads it in the banner, in words.
    const QString market(64, QLatin1Char('m'));
    m_agent->notifyOwnersOfViolation(LockViolated{.partitionId = QStringLiteral("p-lent"), .contractId = QStringLiteral("c-1"),
                                                  .detail = QStringLiteral("vcpus 1 -> 2 (restored)"), .restored = true,
                                                  .atMs = QDateTime::currentMSecsSinceEpoch(), .marketId = market});
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("vCPUs 1 → 2")));
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("The agent put the lease back and reported it to the market.")),
             qPrintable(m_window->errorBanner()->text()));
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("p-lent")), qPrintable(m_window->errorBanner()->text()));
    QVERIFY(m_window->errorBanner()->property("notice").toBool()); // nothing lost
    // Not put back: the contract ends, and that is an error.
    m_agent->notifyOwnersOfViolation(LockViolated{.partitionId = QStringLiteral("p-lent"), .contractId = QStringLiteral("c-1"),
                                                  .detail = QStringLiteral("hard_limit 786432 -> 999 (not restored) [refused]"),
                                                  .restored = false, .atMs = QDateTime::currentMSecsSinceEpoch(), .marketId = market});
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("could not put the lease back: the market ends the contract")));
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("memory limit 768 MiB → 999 KiB (not restored). Restoring failed: refused")),
             qPrintable(m_window->errorBanner()->text()));
    QVERIFY(!m_window->errorBanner()->property("notice").toBool());
    // A direct lease: no market is told, none ends it.
    m_agent->notifyOwnersOfViolation(LockViolated{.partitionId = QStringLiteral("p-direct"), .contractId = QStringLiteral("d-1"),
                                                  .detail = QStringLiteral("vcpus 1 -> 2 (restored)"), .restored = true,
                                                  .atMs = QDateTime::currentMSecsSinceEpoch(), .marketId = {}});
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("p-direct")));
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("The agent put the lease back. Change")),
             qPrintable(m_window->errorBanner()->text()));
    QVERIFY(!m_window->errorBanner()->text().contains(QStringLiteral("market")));
    m_agent->notifyOwnersOfViolation(LockViolated{.partitionId = QStringLiteral("p-direct"), .contractId = QStringLiteral("d-1"),
                                                  .detail = QStringLiteral("vcpus 1 -> 2 (not restored)"), .restored = false,
                                                  .atMs = QDateTime::currentMSecsSinceEpoch(), .marketId = {}});
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("end the lease if it cannot be given back")));
    QVERIFY(!m_window->errorBanner()->text().contains(QStringLiteral("market")));
    m_window->errorBanner()->hide();
}

void TestLenderGui::reserveSlidersApplyKeyboardSteps()
{
    // The owner's reserve, like a card's allocation, is applied by a key or a click beside
    // the handle too (no drag, so no release): it waited for the focus to leave the spin box.
    m_tab->refresh();
    auto *slider = m_tab->findChild<QSlider *>(QStringLiteral("memoryReserveSlider"));
    QVERIFY(slider);
    QTRY_VERIFY(slider->maximum() > slider->value());
    const Result<MachineInfo> before = m_owner->call<MachineInfo>(MachineShow{});
    QVERIFY(before.ok());
    QCOMPARE(qint64(slider->value()), before->reserve.memoryMib);
    slider->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    const qint64 wanted = slider->value();
    QVERIFY(wanted > before->reserve.memoryMib);
    QTRY_COMPARE(reservedMemory(), wanted);
    // Back to what it was, for the tests after this one (at once: a step back before the
    // window has heard the agent's answer counts too).
    slider->triggerAction(QAbstractSlider::SliderSingleStepSub);
    QTRY_COMPARE(reservedMemory(), before->reserve.memoryMib);
}

void TestLenderGui::wheelAndSpinStepsApplyOnceTheyStop()
{
    // Notches of the mouse wheel over a slider, and the spin box's steps (an arrow key here;
    // its arrow buttons and wheel step the same way), neither release a handle nor finish
    // typing: they were applied only once the focus left. Now a run of them is applied once it
    // stops (ui::kStepSettleMs), with nothing else done.
    m_tab->refresh();
    auto *slider = m_tab->findChild<QSlider *>(QStringLiteral("memoryReserveSlider"));
    auto *spin = m_tab->findChild<QSpinBox *>(QStringLiteral("memoryReserveSpinBox"));
    QVERIFY(slider && spin);
    QTRY_VERIFY(slider->maximum() > slider->value() + 4 * slider->singleStep());
    const qint64 before = reservedMemory();
    QCOMPARE(qint64(slider->value()), before);

    const QPoint centre = slider->rect().center();
    for (int notch = 0; notch < 2; ++notch) {
        QWheelEvent wheel(centre, slider->mapToGlobal(centre), QPoint(), QPoint(0, QWheelEvent::DefaultDeltasPerStep), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(slider, &wheel);
    }
    const qint64 wheeled = slider->value();
    QVERIFY2(wheeled > before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(wheeled)));
    QTRY_COMPARE(reservedMemory(), wheeled);

    for (int step = 0; step < 2; ++step)
        QTest::keyClick(spin, Qt::Key_Down);
    const qint64 stepped = spin->value();
    QVERIFY(stepped < wheeled);
    QTRY_COMPARE(reservedMemory(), stepped);

    // Back to what it was, for the tests after this one.
    spin->setValue(int(before));
    Q_EMIT spin->editingFinished();
    QTRY_COMPARE(reservedMemory(), before);
}

void TestLenderGui::aPushKeepsTheOwnersUnsettledValue()
{
    // The agent's news (a push, or any refresh of the machine) set every slider to what the
    // agent had, also one the owner was changing: a drag's handle jumped back, and a run of
    // wheel notches not yet settled was dropped, its apply seeing nothing changed. The
    // owner's value now stays, and is applied when the change settles.
    m_tab->refresh();
    auto *slider = m_tab->findChild<QSlider *>(QStringLiteral("memoryReserveSlider"));
    QVERIFY(slider);
    QTRY_VERIFY(slider->maximum() > slider->value() + 4 * slider->singleStep());
    const qint64 before = reservedMemory();
    QTRY_COMPARE(qint64(slider->value()), before);

    // The reserve, its handle held: the machine's news comes in between.
    QSignalSpy refreshed(m_tab, &lender::MachineTab::hostNameKnown);
    slider->setSliderDown(true);
    slider->triggerAction(QAbstractSlider::SliderPageStepAdd);
    const int dragged = slider->value();
    QVERIFY(dragged > before);
    m_tab->refresh();
    QTRY_VERIFY(refreshed.count() >= 1);
    QCOMPARE(slider->value(), dragged);
    QCOMPARE(reservedMemory(), before); // not applied while held
    slider->setSliderDown(false); // released
    QTRY_COMPARE(reservedMemory(), qint64(dragged));
    QTRY_COMPARE(slider->value(), dragged);

    // A card, a run of wheel notches: the agent's state (as it was) comes in before the run
    // settles.
    m_tab->refresh();
    lender::PartitionCard *any = m_tab->cards().isEmpty() ? newPartitionsCard() : m_tab->cards().first();
    QVERIFY(any);
    PartitionState state = partitionInAgent(any->state().partitionId);
    state.state = QStringLiteral("unregistered");
    lender::PartitionCard card(state);
    Resources room = m_tab->machine().available;
    room.memoryMib = qMax<qint64>(room.memoryMib, 1024);
    card.setState(state, room);
    QSignalSpy altered(&card, &lender::PartitionCard::alterRequested);
    QSlider *memory = card.memorySlider();
    const QPoint centre = memory->rect().center();
    QWheelEvent wheel(centre, memory->mapToGlobal(centre), QPoint(), QPoint(0, QWheelEvent::DefaultDeltasPerStep), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(memory, &wheel);
    const int wheeled = memory->value();
    QVERIFY2(wheeled > state.conditions.resources.memoryMib, qPrintable(QString::number(wheeled)));
    card.setState(state, room);
    QCOMPARE(memory->value(), wheeled);
    QTRY_COMPARE(altered.count(), 1);
    QCOMPARE(altered.first().at(1).value<LendingConditions>().resources.memoryMib, qint64(wheeled));

    // A number typed in the spin box and not yet entered stays too, and is sent once entered.
    card.show();
    QVERIFY(QTest::qWaitForWindowActive(&card));
    auto *memorySpin = card.findChild<QSpinBox *>(QStringLiteral("memorySpinBox"));
    QVERIFY(memorySpin);
    memorySpin->setFocus();
    QTRY_VERIFY(memorySpin->hasFocus());
    memorySpin->selectAll();
    QTest::keyClicks(memorySpin, QStringLiteral("1G"));
    card.setState(state, room);
    QCOMPARE(memorySpin->text(), QStringLiteral("1G"));
    altered.clear();
    QTest::keyClick(memorySpin, Qt::Key_Return);
    QTRY_COMPARE(altered.count(), 1);
    QCOMPARE(altered.first().at(1).value<LendingConditions>().resources.memoryMib, qint64(1024));
    memorySpin->clearFocus();

    // Locked by the news (registered meanwhile): the controls show the allocation as it is,
    // and nothing is sent when the run would have settled.
    altered.clear();
    card.setState(state, room);
    QApplication::sendEvent(memory, &wheel);
    QVERIFY(memory->value() > state.conditions.resources.memoryMib);
    PartitionState registered = state;
    registered.state = QStringLiteral("registered");
    card.setState(registered, room);
    QCOMPARE(qint64(memory->value()), state.conditions.resources.memoryMib);
    QTest::qWait(ui::kStepSettleMs + 300);
    QCOMPARE(altered.count(), 0);

    // Back to what it was, for the tests after this one.
    auto *spin = m_tab->findChild<QSpinBox *>(QStringLiteral("memoryReserveSpinBox"));
    spin->setValue(int(before));
    Q_EMIT spin->editingFinished();
    QTRY_COMPARE(reservedMemory(), before);
}

void TestLenderGui::timeLimitIsSetOnTheCard()
{
    // The longest a contract on the partition may run, set on its card (before, only the
    // command line's --max-duration could): typed as an amount or as h:mm:ss, shown as
    // h:mm:ss, empty for no limit. Text that is not a duration is shown in red, not sent.
    QCOMPARE(protocol::parseDurationS(QStringLiteral("90m")), std::optional<qint64>(5400));
    QCOMPARE(protocol::parseDurationS(QStringLiteral(" 1d 12H ")), std::optional<qint64>(129600));
    QCOMPARE(protocol::parseDurationS(QStringLiteral("1:30")), std::optional<qint64>(5400));
    QCOMPARE(protocol::parseDurationS(QStringLiteral("2:00:30")), std::optional<qint64>(7230));
    QCOMPARE(protocol::parseDurationS(QStringLiteral("3600")), std::optional<qint64>(3600));
    QCOMPARE(protocol::parseDurationS(QStringLiteral("none")), std::optional<qint64>(0));
    QCOMPARE(protocol::parseDurationS(QString()), std::optional<qint64>(0));
    for (const char *bad : {"soon", "1:75", "2 hours", "-5m", "1.5h", "99999999999d"})
        QVERIFY2(!protocol::parseDurationS(QLatin1String(bad)), bad);

    // A partition of its own: of those the tests before made, one is lent (its field locked).
    lender::PartitionCard *card = newPartitionsCard();
    QVERIFY(card);
    const QString id = card->state().partitionId;
    QLineEdit *edit = card->timeLimitEdit();
    QTRY_VERIFY(edit->isEnabled());
    const qint64 before = partitionInAgent(id).conditions.maxDurationS;
    const auto enter = [&](const QString &text) {
        edit->setFocus();
        edit->clear();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
    };
    enter(QStringLiteral("1h 30m"));
    QTRY_COMPARE(partitionInAgent(id).conditions.maxDurationS, qint64(5400));
    edit->clearFocus();
    m_tab->refresh();
    QTRY_COMPARE(m_tab->card(id)->timeLimitEdit()->text(), QStringLiteral("1:30:00"));
    edit = m_tab->card(id)->timeLimitEdit();

    enter(QStringLiteral("soon"));
    QVERIFY(edit->styleSheet().contains(QStringLiteral("#b00020")));
    QTest::qWait(300);
    QCOMPARE(partitionInAgent(id).conditions.maxDurationS, qint64(5400));

    enter(QString());
    QVERIFY(edit->styleSheet().isEmpty());
    QTRY_COMPARE(partitionInAgent(id).conditions.maxDurationS, qint64(0));
    QCOMPARE(before, qint64(0)); // a new partition has none
    edit->clearFocus();
}

void TestLenderGui::unreadableRateOrImagesAreShownNotSent()
{
    // A rate written the German way ("0,80"), no OS image, a name no image can have, or too
    // many names: the field turns red and the partition keeps what it had (before, they were dropped without
    // a word).
    lender::PartitionCard *card = newPartitionsCard();
    QVERIFY(card);
    const QString id = card->state().partitionId;
    auto *rate = card->findChild<QLineEdit *>(QStringLiteral("rateEdit"));
    auto *images = card->findChild<QLineEdit *>(QStringLiteral("imagesEdit"));
    QVERIFY(rate && images);
    QTRY_VERIFY(rate->isEnabled() && images->isEnabled());
    const PartitionState before = partitionInAgent(id);
    const auto enter = [](QLineEdit *edit, const QString &text) {
        edit->setFocus();
        edit->clear();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
    };
    // More names than a partition may offer (65; the agent and the market refuse them).
    QStringList tooMany;
    for (int i = 0; i <= 64; ++i)
        tooMany << QStringLiteral("i%1").arg(i);
    for (const auto &[edit, text] : {std::pair{rate, QStringLiteral("0,80")}, std::pair{rate, QStringLiteral("-1")},
                                     std::pair{images, QStringLiteral(" , ")}, std::pair{images, QStringLiteral("busybox, bad/name")},
                                     std::pair{images, tooMany.join(QLatin1Char(','))}}) {
        enter(edit, text);
        QVERIFY2(edit->styleSheet().contains(QStringLiteral("#b00020")), qPrintable(text));
        QTest::qWait(200);
        const PartitionState now = partitionInAgent(id);
        QCOMPARE(now.conditions.ratePerHour, before.conditions.ratePerHour);
        QCOMPARE(now.conditions.osImages, before.conditions.osImages);
    }
    // Readable again: black, and sent.
    enter(images, QStringLiteral("busybox"));
    QVERIFY(images->styleSheet().isEmpty());
    enter(rate, QStringLiteral("0.80"));
    QVERIFY(rate->styleSheet().isEmpty());
    QTRY_COMPARE(partitionInAgent(id).conditions.ratePerHour, Money::parse(u"0.8").value());
    rate->clearFocus();
}

void TestLenderGui::reconnectsWhenTheAgentComesBack()
{
    // Attached to an agent over TLS (as --connect does): the agent stops, the tab says the
    // connection is lost, keeps what it showed and takes no changes; the agent starts again
    // on the same address, and the tab carries on by itself with what the agent says now.
    QTemporaryDir dir;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Identity owner = Identity::generate(QStringLiteral("owner"), now.addDays(-1), now.addDays(30)).value();
    lender::AgentConfig config;
    config.dataDir = dir.path();
    config.libvirtUri = QStringLiteral("test:///default");
    config.ownerIds = {owner.nodeId()};
    const auto startAgent = [&]() -> std::unique_ptr<lender::LenderAgent> {
        Result<std::unique_ptr<lender::LenderAgent>> a = lender::LenderAgent::create(config);
        if (!a.ok() || !(*a)->start().ok())
            return nullptr;
        return std::move(*a);
    };
    std::unique_ptr<lender::LenderAgent> agent = startAgent();
    QVERIFY(agent);
    const QString address = agent->localAddress();
    config.listenPort = quint16(address.section(QLatin1Char(':'), -1).toUInt());
    QVERIFY(config.listenPort != 0);
    const QString agentId = agent->nodeId();
    HandshakeConfig handshake;
    handshake.localRole = QStringLiteral("owner");
    int attempts = 0;
    const auto connectOwner = [&]() -> Channel * {
        ++attempts;
        return SslChannel::connectTo(QStringLiteral("127.0.0.1"), config.listenPort, owner, agentId, handshake, this);
    };
    Channel *first = connectOwner();
    QVERIFY(first->waitEstablished(10'000).ok());
    lender::LenderWindow window(owner.nodeId());
    lender::MachineTab *tab = window.addMachine(first, address);
    tab->setReconnector(connectOwner, 100);
    window.show();
    QTRY_VERIFY(tab->machine().host.cpus > 0);
    PartitionCreate create;
    create.conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::fromMicros(500'000), 0};
    const Result<PartitionInfo> before = first->call<PartitionInfo>(create);
    QVERIFY2(before.ok(), qPrintable(before.error().toString()));
    QTRY_VERIFY(tab->card(before->partition.partitionId) != nullptr);
    QVERIFY(tab->isConnected());
    QVERIFY(!tab->connectionWarning()->isVisible());

    agent.reset();
    QTRY_VERIFY(!tab->isConnected());
    QTRY_VERIFY(tab->connectionWarning()->isVisible());
    QVERIFY2(tab->connectionWarning()->text().contains(QStringLiteral("from before")), qPrintable(tab->connectionWarning()->text()));
    QVERIFY(window.errorBanner()->isVisible());
    // What the agent said before stays to be read; nothing on it can be changed.
    QVERIFY(tab->card(before->partition.partitionId) != nullptr);
    QVERIFY(!tab->newPartitionButton()->isEnabled());
    QVERIFY(!tab->card(before->partition.partitionId)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(attempts > 2, 20'000); // tried again meanwhile, and failed
    QVERIFY(!tab->isConnected());

    // Back, with a partition the owner made while the console was away.
    agent = startAgent();
    QVERIFY(agent);
    std::unique_ptr<Channel> local = ownerOf(agent.get());
    QVERIFY(local);
    const Result<PartitionInfo> meanwhile = local->call<PartitionInfo>(create);
    QVERIFY2(meanwhile.ok(), qPrintable(meanwhile.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(tab->isConnected(), 30'000);
    QTRY_VERIFY(!tab->connectionWarning()->isVisible());
    QVERIFY(tab->jobsButton()->isEnabled());
    QTRY_VERIFY(tab->card(meanwhile->partition.partitionId) != nullptr);
    // The agent's pushes reach the tab again: a partition made now appears by itself.
    const Result<PartitionInfo> later = local->call<PartitionInfo>(create);
    QVERIFY2(later.ok(), qPrintable(later.error().toString()));
    QTRY_VERIFY(tab->card(later->partition.partitionId) != nullptr);
    window.close();
    local.reset();
    agent.reset();
}

void TestLenderGui::agentThatStopsAnsweringIsFoundOut()
{
    // An agent that stops answering without closing the connection (a frozen process, a link
    // gone without a word): the tab's pings find it out; it says so, takes no changes, and
    // connects again. Before, it showed what the agent said before as current, for ever.
    QTemporaryDir dir;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Identity owner = Identity::generate(QStringLiteral("owner"), now.addDays(-1), now.addDays(30)).value();
    lender::AgentConfig config;
    config.dataDir = dir.path();
    config.libvirtUri = QStringLiteral("test:///default");
    config.ownerIds = {owner.nodeId()};
    Result<std::unique_ptr<lender::LenderAgent>> agent = lender::LenderAgent::create(config);
    QVERIFY2(agent.ok() && (*agent)->start().ok(), "agent");
    const quint16 agentPort = quint16((*agent)->localAddress().section(QLatin1Char(':'), -1).toUInt());
    lendable::testing::FreezingRelay relay(agentPort);
    HandshakeConfig handshake;
    handshake.localRole = QStringLiteral("owner");
    const QString agentId = (*agent)->nodeId();
    const auto connectOwner = [&]() -> Channel * {
        return SslChannel::connectTo(QStringLiteral("127.0.0.1"), relay.port(), owner, agentId, handshake, this);
    };
    Channel *first = connectOwner();
    QVERIFY(first->waitEstablished(10'000).ok());
    lender::LenderWindow window(owner.nodeId());
    lender::MachineTab *tab = window.addMachine(first, QStringLiteral("127.0.0.1:%1").arg(relay.port()));
    tab->setReconnector(connectOwner, 100);
    tab->setKeepAlive(200, 1500);
    window.show();
    QTRY_VERIFY(tab->machine().host.cpus > 0);
    QTest::qWait(1000); // pings answered meanwhile: nothing happens
    QVERIFY(tab->isConnected());
    QVERIFY(!tab->connectionWarning()->isVisible());

    QSignalSpy errors(tab, &lender::MachineTab::error);
    relay.freeze(); // the connection open now passes nothing more; new ones do
    QTRY_VERIFY_WITH_TIMEOUT(tab->connectionWarning()->isVisible(), 10'000);
    QVERIFY(!errors.isEmpty());
    const QString said = errors.first().first().value<Error>().message;
    QVERIFY2(said.contains(QStringLiteral("the lender agent stopped answering")), qPrintable(said));
    QTRY_VERIFY_WITH_TIMEOUT(tab->isConnected(), 10'000); // a new connection, through the relay
    QTRY_VERIFY(!tab->connectionWarning()->isVisible());
    QVERIFY(tab->newPartitionButton()->isEnabled());
}

void TestLenderGui::agentDownAtStartGetsATabThatConnectsLater()
{
    // --connect to two agents, one of them down: the window opens with both tabs (before, the
    // app quit). The agent that is up is shown at once; the other tab says it cannot reach
    // its agent and keeps trying, and shows it once it is up.
    QTemporaryDir upDir, downDir;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Identity owner = Identity::generate(QStringLiteral("owner"), now.addDays(-1), now.addDays(30)).value();
    const auto configIn = [&](const QString &dir) {
        lender::AgentConfig c;
        c.dataDir = dir;
        c.libvirtUri = QStringLiteral("test:///default");
        c.ownerIds = {owner.nodeId()};
        return c;
    };
    const auto startAgent = [](const lender::AgentConfig &c) -> std::unique_ptr<lender::LenderAgent> {
        Result<std::unique_ptr<lender::LenderAgent>> a = lender::LenderAgent::create(c);
        if (!a.ok() || !(*a)->start().ok())
            return nullptr;
        return std::move(*a);
    };
    const auto portOf = [](const lender::LenderAgent &a) { return quint16(a.localAddress().section(QLatin1Char(':'), -1).toUInt()); };
    std::unique_ptr<lender::LenderAgent> up = startAgent(configIn(upDir.path()));
    QVERIFY(up);
    lender::AgentConfig downConfig = configIn(downDir.path());
    std::unique_ptr<lender::LenderAgent> down = startAgent(downConfig); // for its port and ID; then it stops
    QVERIFY(down);
    downConfig.listenPort = portOf(*down);
    const QString downId = down->nodeId();
    down.reset();

    HandshakeConfig handshake;
    handshake.localRole = QStringLiteral("owner");
    int downAttempts = 0;
    lender::LenderWindow window(owner.nodeId());
    lender::MachineTab *upTab = window.addMachine(nullptr, up->localAddress());
    upTab->setReconnector([&, port = portOf(*up), id = up->nodeId()]() -> Channel * {
        return SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, owner, id, handshake, this);
    }, 100);
    lender::MachineTab *downTab = window.addMachine(nullptr, QStringLiteral("127.0.0.1:%1").arg(downConfig.listenPort));
    downTab->setReconnector([&]() -> Channel * {
        ++downAttempts;
        return SslChannel::connectTo(QStringLiteral("127.0.0.1"), downConfig.listenPort, owner, downId, handshake, this);
    }, 100);
    downTab->connectNow();
    upTab->connectNow();
    window.show();

    QTRY_VERIFY(upTab->isConnected());
    QTRY_VERIFY(upTab->machine().host.cpus > 0);
    QVERIFY(!upTab->connectionWarning()->isVisible());
    QVERIFY(upTab->newPartitionButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(downAttempts > 2, 20'000);
    QVERIFY(!downTab->isConnected());
    QVERIFY(!downTab->newPartitionButton()->isEnabled());
    QVERIFY2(downTab->connectionWarning()->text().contains(QStringLiteral("Not connected to the lender agent yet")), qPrintable(downTab->connectionWarning()->text()));
    QVERIFY(window.errorBanner()->isVisible());

    down = startAgent(downConfig);
    QVERIFY(down);
    QTRY_VERIFY_WITH_TIMEOUT(downTab->isConnected(), 20'000);
    QTRY_VERIFY(downTab->machine().host.cpus > 0);
    QVERIFY(!downTab->connectionWarning()->isVisible());
    QVERIFY(downTab->newPartitionButton()->isEnabled());
    QVERIFY(upTab->isConnected());
}

void TestLenderGui::cleanupTestCase()
{
    m_window.reset();
    delete m_owner;
    m_agent.reset();
}

QTEST_MAIN(TestLenderGui)
#include "TestLenderGui.moc"
