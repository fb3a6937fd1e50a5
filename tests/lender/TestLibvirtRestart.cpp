// The lender agent outlives libvirtd (label vm, run alone: it stops and starts the machine's
// libvirt daemon, which a package upgrade or an administrator may do at any time). Guests
// keep running without the daemon; the agent must neither take their jobs for ended while
// it cannot ask, nor lose the connection for good: it reconnects, and destroys what it
// could not destroy meanwhile.
//
// The daemon is the one scripts/libvirt-up.sh started (`libvirtd -d`, /run/libvirtd.pid);
// the test stops it with SIGTERM and starts it again with that script.

#include "VmAgentSupport.h"

#ifdef LENDABLE_WITH_GUI
#include "LenderWindow.h"

#include <QLabel>
#endif

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

namespace {
const QString kPidFile = QStringLiteral("/run/libvirtd.pid");

qint64 libvirtdPid()
{
    QFile f(kPidFile);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    bool ok = false;
    const qint64 pid = f.readAll().trimmed().toLongLong(&ok);
    return ok && pid > 0 && ::kill(pid_t(pid), 0) == 0 ? pid : 0;
}

// SIGTERM, then wait until the process is gone (libvirtd shuts down its workers first).
Result<void> stopLibvirtd()
{
    const qint64 pid = libvirtdPid();
    if (pid == 0)
        return Error(ErrorCode::NotFound, QStringLiteral("no libvirtd from %1").arg(kPidFile));
    if (::kill(pid_t(pid), SIGTERM) != 0)
        return Error(ErrorCode::IoError, QStringLiteral("cannot signal libvirtd %1").arg(pid));
    for (int i = 0; i < 600 && ::kill(pid_t(pid), 0) == 0; ++i)
        QTest::qWait(50);
    if (::kill(pid_t(pid), 0) == 0)
        return Error(ErrorCode::Timeout, QStringLiteral("libvirtd %1 did not stop within 30 s").arg(pid));
    return {};
}

Result<void> startLibvirtd()
{
    QProcess up;
    up.setProcessChannelMode(QProcess::MergedChannels);
    up.start(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/scripts/libvirt-up.sh"), {});
    // The agent lives in this process: keep its event loop turning meanwhile.
    for (int i = 0; i < 1200 && up.state() != QProcess::NotRunning; ++i)
        QTest::qWait(50);
    if (up.state() != QProcess::NotRunning || up.exitCode() != 0)
        return Error(ErrorCode::Internal, QStringLiteral("libvirt-up.sh failed: ") + QString::fromUtf8(up.readAll()));
    return {};
}

// `machine show --json` from the owner's CLI: what a script watching the machine sees.
QJsonObject machineShown(const QString &dataDir)
{
    return QJsonDocument::fromJson(cli(dataDir, {QStringLiteral("--json"), QStringLiteral("machine"), QStringLiteral("show")})).object();
}

// Whether a QEMU process of that domain runs, whatever libvirtd knows.
bool qemuRuns(const QString &domainName)
{
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("guest=") + domainName + QLatin1Char(',')});
    pgrep.waitForFinished(10000);
    return pgrep.exitCode() == 0;
}
} // namespace

class TestLibvirtRestart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void jobRunsOnAcrossARestart();
    void domainsLeftWhileAwayAreDestroyed();

private:
    // Stops the daemon and waits until the agent noticed.
    void takeLibvirtdAway(QSignalSpy &changes);
    void bringLibvirtdBack(QSignalSpy &changes);

    VmAgent m_vm;
    Identity m_borrower = newIdentity(QStringLiteral("restart borrower"));
};

void TestLibvirtRestart::initTestCase()
{
    // As the programs do (app::setApplicationInfo()): libvirt asks its applications to ignore
    // SIGPIPE, and a call writing to the daemon as it stops raised it here and ended the test.
    std::signal(SIGPIPE, SIG_IGN);
    if (::geteuid() != 0)
        QSKIP("stopping and starting libvirtd needs root");
    if (libvirtdPid() == 0)
        QSKIP("libvirtd was not started by scripts/libvirt-up.sh (no /run/libvirtd.pid): this test restarts that daemon itself");
    const Result<void> started = m_vm.start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    m_vm.agent->virt().setReconnectDelays(200, 1000);
}

void TestLibvirtRestart::init()
{
    // Each case starts with the daemon up and the agent connected, also after a case that
    // failed while the daemon was away.
    if (libvirtdPid() == 0) {
        const Result<void> started = startLibvirtd();
        QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_vm.agent->virt().isConnected(), 30000);
}

void TestLibvirtRestart::cleanupTestCase()
{
    // Whatever failed, the daemon runs again for the tests after this one.
    if (libvirtdPid() == 0)
        (void)startLibvirtd();
    m_vm.stop();
}

void TestLibvirtRestart::takeLibvirtdAway(QSignalSpy &changes)
{
    const Result<void> stopped = stopLibvirtd();
    QVERIFY2(stopped.ok(), qPrintable(stopped.error().toString()));
    // The close notice, not a failed call, tells the agent.
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty(), 20000);
    QCOMPARE(changes.last().at(0).toBool(), false);
    const QString problem = changes.last().at(1).toString();
    QVERIFY2(problem.contains(kVmUri) && problem.contains(QLatin1String("reconnecting")), qPrintable(problem));
    QVERIFY(!m_vm.agent->virt().isConnected());
}

void TestLibvirtRestart::bringLibvirtdBack(QSignalSpy &changes)
{
    const qsizetype before = changes.size();
    const Result<void> started = startLibvirtd();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(changes.size() > before, 30000);
    QCOMPARE(changes.last().at(0).toBool(), true);
    QVERIFY(m_vm.agent->virt().isConnected());
    QVERIFY(m_vm.agent->virt().problem().isEmpty());
}

void TestLibvirtRestart::jobRunsOnAcrossARestart()
{
    const VmAgent::Lease l = m_vm.lendPartition(m_borrower.nodeId());
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = VmAgent::submit(b, l, "echo before\nsleep 10\necho after\nexit 7\n", {}, 300);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.output.contains("before"), 300000);

#ifdef LENDABLE_WITH_GUI
    // The Lender Console's machine tab, on an owner connection of its own.
    Peer guiOwner(m_vm.agent->identity(), m_vm.agent->localAddress(), m_vm.agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(guiOwner.waitUp().ok());
    MachineTab tab(guiOwner.channel);
    tab.resize(1000, 640);
    tab.show();
    auto *warning = tab.findChild<QLabel *>(QStringLiteral("libvirtWarning"));
    QVERIFY(warning);
    QTRY_VERIFY_WITH_TIMEOUT(!tab.findChild<QLabel *>(QStringLiteral("machineSummary"))->text().isEmpty(), 20000);
    QVERIFY(warning->isHidden());
#endif
    QVERIFY(!machineShown(m_vm.dir->path()).contains(QLatin1String("libvirt_problem")));

    QSignalSpy changes(m_vm.agent.get(), &LenderAgent::libvirtConnectionChanged);
    takeLibvirtdAway(changes);
    // The owner sees why: the console at once (the agent pushes it), the CLI when asked.
#ifdef LENDABLE_WITH_GUI
    QTRY_VERIFY_WITH_TIMEOUT(warning->isVisible(), 20000);
    QVERIFY2(warning->text().contains(QLatin1String("not reachable")) && warning->text().contains(kVmUri), qPrintable(warning->text()));
    if (const QString grabs = qEnvironmentVariable("LENDABLE_GRAB_DIR"); !grabs.isEmpty())
        tab.grab().save(grabs + QStringLiteral("/lender-libvirt-away.png"));
#endif
    const QJsonObject away = machineShown(m_vm.dir->path());
    QVERIFY2(away.value(QLatin1String("libvirt_problem")).toString().contains(QLatin1String("reconnecting")),
             QJsonDocument(away).toJson().constData());
    QVERIFY(away.value(QLatin1String("host")).toObject().value(QLatin1String("cpus")).toInt() > 0);
    // The job's domain is looked at every second: while nobody can say, it runs on.
    QTest::qWait(2500);
    QVERIFY2(!b.hasFinalState(), qPrintable(b.lastState().state + QLatin1Char(' ') + b.lastState().message));
    QVERIFY(qemuRuns(QStringLiteral("lendable-") + jobId));
    // The machine's figures are still shown (CPUs and memory as libvirt last said).
    Result<MachineInfo> machine = m_vm.owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(machine.ok(), qPrintable(machine.error().toString()));
    QVERIFY(machine->host.cpus > 0 && machine->host.memoryMib > 0);
    bringLibvirtdBack(changes);
#ifdef LENDABLE_WITH_GUI
    QTRY_VERIFY_WITH_TIMEOUT(warning->isHidden(), 20000);
#endif
    QVERIFY(!machineShown(m_vm.dir->path()).contains(QLatin1String("libvirt_problem")));

    // The job ends by itself, with its exit code and all of its output.
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    QVERIFY2(b.lastState().state == QLatin1String("failed"), qPrintable(b.lastState().state + QLatin1Char(' ') + b.lastState().message));
    QCOMPARE(b.lastState().exitCode, std::optional<qint32>(7));
    QCOMPARE(b.output, QByteArray("before\nafter\n"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.agent->virt().lookup(QStringLiteral("lendable-") + jobId), 30000);

    // The new connection starts domains: the next job on the same lease runs.
    Peer b2(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b2.waitUp().ok());
    const QString next = VmAgent::submit(b2, l, "echo again\nexit 0\n", {}, 300);
    QVERIFY(!next.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b2.hasFinalState(), 300000);
    QVERIFY2(b2.lastState().state == QLatin1String("succeeded"), qPrintable(b2.lastState().state + QLatin1Char(' ') + b2.lastState().message));
    QCOMPARE(b2.output, QByteArray("again\n"));
    QVERIFY(m_vm.release(l));
}

void TestLibvirtRestart::domainsLeftWhileAwayAreDestroyed()
{
    const VmAgent::Lease l = m_vm.lendPartition(m_borrower.nodeId());
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = VmAgent::submit(b, l, "echo up\nsleep 600\n", {}, 600);
    QVERIFY(!jobId.isEmpty());
    const QString domain = QStringLiteral("lendable-") + jobId;
    QTRY_VERIFY_WITH_TIMEOUT(b.output.contains("up"), 300000);

    QSignalSpy changes(m_vm.agent.get(), &LenderAgent::libvirtConnectionChanged);
    takeLibvirtdAway(changes);
    // The borrower cancels meanwhile: the job ends for it at once, but its guest cannot be
    // powered off without the daemon.
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = jobId}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 30000);
    QCOMPARE(b.lastState().state, QStringLiteral("cancelled"));
    QVERIFY(qemuRuns(domain));
    // A job asked for now cannot start, and says why.
    Peer b2(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b2.waitUp().ok());
    const QString refused = VmAgent::submit(b2, l, "echo never\n", {}, 60);
    QVERIFY(!refused.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b2.hasFinalState(), 30000);
    QCOMPARE(b2.lastState().state, QStringLiteral("error"));
    QVERIFY2(b2.lastState().message.contains(QLatin1String("not reachable")), qPrintable(b2.lastState().message));

    // Back: the cancelled job's guest goes, the partition is free for the next job.
    bringLibvirtdBack(changes);
    QTRY_VERIFY_WITH_TIMEOUT(!qemuRuns(domain), 30000);
    QVERIFY(!m_vm.agent->virt().lookup(domain));
    Peer b3(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b3.waitUp().ok());
    const QString next = VmAgent::submit(b3, l, "echo fine\nexit 0\n", {}, 300);
    QVERIFY(!next.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b3.hasFinalState(), 300000);
    QVERIFY2(b3.lastState().state == QLatin1String("succeeded"), qPrintable(b3.lastState().state + QLatin1Char(' ') + b3.lastState().message));
    QVERIFY(m_vm.release(l));
}

#ifdef LENDABLE_WITH_GUI
QTEST_MAIN(TestLibvirtRestart)
#else
QTEST_GUILESS_MAIN(TestLibvirtRestart)
#endif
#include "TestLibvirtRestart.moc"
