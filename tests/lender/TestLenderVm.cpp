// Real VMs (label vm): the busybox image booted by the lender agent under qemu:///system
// (scripts/test-env.sh starts libvirtd). A job prints and exits 3; a job past its limit is
// stopped; tampering with a lent domain's tunables via virsh is detected, restored and
// reported; the agent killed with -9 mid-job and restarted finds its job again.
// The market is a minimal in-test peer (LenderTestSupport.h) over real TLS.

#include "JobRunner.h"
#include "LockGuard.h"
#include "PartitionMath.h"
#include "VmAgentSupport.h"
#include "protocol/LocalChannel.h"

#include <QDir>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <bit>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

namespace {
// A long-running domain named like the agent's, owned (in its metadata) by `agentId`.
Result<void> startStrayDomain(VirtConnection &virt, const QString &name, const QString &agentId, const QString &workDir,
                              const ImageEntry &image)
{
    const QString share = workDir + QStringLiteral("/") + name;
    QDir().mkpath(share + QStringLiteral("/out"));
    QFile job(share + QStringLiteral("/job.sh"));
    if (!job.open(QIODevice::WriteOnly) || job.write("sleep 600\n") < 0)
        return Error(ErrorCode::IoError, QStringLiteral("cannot write ") + job.fileName());
    job.close();
    QProcess::execute(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("libvirt-qemu:kvm"), share});
    DomainSpec s = partitionDomainSpec(1, 256, QStringLiteral("qemu"));
    s.hardLimitMib = 0;
    s.name = name;
    s.agentId = agentId;
    s.partitionId = QStringLiteral("p-stray");
    s.jobId = name;
    s.kernel = image.kernelPath;
    s.initrd = image.initrdPath;
    s.cmdline = image.cmdline;
    s.shareDir = share;
    s.consolePath = share + QStringLiteral(".console");
    Result<DomainRef> d = virt.createTransient(domainXml(s));
    if (!d.ok())
        return d.error();
    return {};
}
} // namespace

class TestLenderVm : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void jobPrintsAndExits3();
    void jobPastItsLimitIsStopped();
    void longConsoleIsWhole();
    void jobPastItsDiskIsStopped();
    void tamperingIsDetectedRestoredAndReported();
    void unpinnedJobAndResultsPastTheirRetention();
    void killedAgentRestartsAndReconciles();

private:
    using Lease = VmAgent::Lease;
    Lease lendPartition(qint64 diskMib = 512) { return m_vm.lendPartition(m_borrower.nodeId(), diskMib); }
    static QString submit(Peer &b, const Lease &l, const QByteArray &script, const QList<JobFile> &inputs, qint64 timeoutS)
    {
        return VmAgent::submit(b, l, script, inputs, timeoutS);
    }
    void release(const Lease &l) { QVERIFY(m_vm.release(l)); }

    VmAgent m_vm;
    Identity m_borrower = newIdentity(QStringLiteral("vm borrower"));
};

void TestLenderVm::initTestCase()
{
    const Result<void> started = m_vm.start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
}

void TestLenderVm::cleanupTestCase()
{
    m_vm.stop();
}

void TestLenderVm::jobPrintsAndExits3()
{
    const Lease l = lendPartition();
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = submit(b, l,
                                 "echo hello from job\n"
                                 "cat /job/in/a.txt\n"
                                 "echo result > result.txt\n"
                                 "sleep 3\n"
                                 "echo to stderr >&2\n"
                                 "exit 3\n",
                                 {JobFile{QStringLiteral("a.txt"), "input one\n"}}, 300);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    const JobStateChanged last = b.lastState();
    QCOMPARE(last.state, QStringLiteral("failed"));
    QCOMPARE(last.exitCode, std::optional<qint32>(3));
    QVERIFY(!b.outputGaps);
    QCOMPARE(b.output, QByteArray("hello from job\ninput one\nto stderr\n"));
    QStringList seen;
    for (const JobStateChanged &s : b.states)
        seen << s.state;
    QVERIFY2(seen.contains(QStringLiteral("running")), qPrintable(seen.join(QLatin1Char(','))));
    QVERIFY(!b.progress.isEmpty());
    QVERIFY2(!b.usage.isEmpty(), "no usage sample during a job of more than 3 s");
    QCOMPARE(b.usage.first().partitionId, l.partitionId);
    QCOMPARE(b.usage.first().memoryMib, 256);

    Result<JobResult> r = b.channel->call<JobResult>(FetchJobResult{.jobId = jobId});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->exitCode, std::optional<qint32>(3));
    QCOMPARE(r->console, b.output);
    QCOMPARE(r->outputs.size(), 1);
    QCOMPARE(r->outputs[0].name, QStringLiteral("result.txt"));
    QCOMPARE(r->outputs[0].data, QByteArray("result\n"));
    // S57: the market heard about it; the domain and the share are gone.
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.market->jobStates.isEmpty() && m_vm.market->jobStates.last().state == QLatin1String("failed"), 10000);
    QCOMPARE(m_vm.market->jobStates.last().exitCode, std::optional<qint32>(3));
    // The result goes out as soon as the guest printed its exit marker; the domain is
    // torn down right after, in the background.
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.agent->virt().lookup(QStringLiteral("lendable-") + jobId), 30000);
    QVERIFY(!QFileInfo::exists(m_vm.dir->filePath(QStringLiteral("jobs/") + jobId + QStringLiteral("/share"))));
    release(l);
}

void TestLenderVm::longConsoleIsWhole()
{
    // A console longer than virtlogd's 2 MiB roll-over size (libvirt hands the console file
    // to virtlogd): every line reaches the borrower, in order, and the result holds it all.
    const Lease l = lendPartition();
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const int lines = 600'000; // 4.1 MB: two roll-overs
    const QString jobId = submit(b, l, QByteArray("seq 1 ") + QByteArray::number(lines) + "\n", {}, 600);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 600'000);
    QCOMPARE(b.lastState().state, QStringLiteral("succeeded"));
    QByteArray expected;
    for (int i = 1; i <= lines; ++i)
        expected += QByteArray::number(i) + '\n';
    QVERIFY(!b.outputGaps);
    QCOMPARE(b.output.size(), expected.size());
    QVERIFY(b.output == expected);
    Result<JobResult> r = b.channel->call<JobResult>(FetchJobResult{.jobId = jobId});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QVERIFY(r->console == expected);
    release(l);
}

void TestLenderVm::jobPastItsLimitIsStopped()
{
    const Lease l = lendPartition();
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = submit(b, l, "echo started\nsleep 600\necho never\n", {}, 20);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    QCOMPARE(b.lastState().state, QStringLiteral("timed_out"));
    QVERIFY(!b.lastState().exitCode);
    QVERIFY(!b.output.contains("never"));
    QVERIFY(!m_vm.agent->virt().lookup(QStringLiteral("lendable-") + jobId));
    release(l);
}

void TestLenderVm::jobPastItsDiskIsStopped()
{
    // The partition's disk is what the job's files (its share) and its console output may
    // take on the lender's disk: a job writing past it is stopped, and what it wrote goes.
    const Lease l = lendPartition(48);
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = submit(b, l,
                                 "echo writing\n"
                                 "dd if=/dev/zero of=big bs=1M count=1024 2>/dev/null\n"
                                 "echo never\n"
                                 "exit 0\n",
                                 {}, 600);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    const JobStateChanged last = b.lastState();
    QCOMPARE(last.state, QStringLiteral("error"));
    QVERIFY2(last.message.contains(QLatin1String("more than its partition's 48 MiB")), qPrintable(last.message));
    QVERIFY(!last.exitCode);
    // Stopped while it wrote, as a rule; on a busy disk the periodic check may look too late,
    // and a job that ended past its disk is caught when it is collected (it ran to its end).
    if (last.message.startsWith(QLatin1String("stopped")))
        QVERIFY(!b.output.contains("never"));
    else
        QVERIFY2(last.message.startsWith(QLatin1String("ended past its disk")), qPrintable(last.message));
    qInfo("%s", qPrintable(last.message)); // how far past the allocation it got before the check caught it
    Result<JobResult> r = b.channel->call<JobResult>(FetchJobResult{.jobId = jobId});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QVERIFY(r->outputs.isEmpty());
    const QString jobDir = m_vm.dir->filePath(QStringLiteral("jobs/") + jobId);
    QVERIFY(!QFileInfo::exists(jobDir + QStringLiteral("/share")));
    QVERIFY(JobRunner::diskUsedBytes(jobDir) < 1024 * 1024);
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.agent->virt().lookup(QStringLiteral("lendable-") + jobId), 30000);
    release(l);
}

void TestLenderVm::tamperingIsDetectedRestoredAndReported()
{
    const Lease l = lendPartition();
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, m_vm.agent->localAddress(), m_vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = submit(b, l, "echo up\nsleep 600\n", {}, 600);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.output.contains("up"), 300000);
    const QString dom = QStringLiteral("lendable-") + jobId;

    QSignalSpy spy(m_vm.agent.get(), &LenderAgent::violationDetected);
    // An owner's console watching the machine is told too (LockViolated pushes).
    HandshakeConfig ownerRole;
    ownerRole.localRole = QStringLiteral("owner");
    std::unique_ptr<Channel> owner(m_vm.agent->server()->connectLocal(m_vm.agent->nodeId(), ownerRole));
    QVERIFY(owner->waitEstablished(5000).ok());
    QList<LockViolated> told;
    connect(owner.get(), &Channel::envelopeReceived, this, [&told](const Envelope &e) {
        if (e.type == quint32(MessageType::LockViolated))
            if (Result<LockViolated> v = decodeMessage<LockViolated>(e); v.ok())
                told.append(*v);
    });
    QVERIFY(owner->call<Ack>(OwnerWatch{}).ok());
    // The machine's owner (or anyone with root) changes the lent domain behind the agent's back.
    QProcess virsh;
    virsh.start(QStringLiteral("virsh"), {QStringLiteral("-c"), kVmUri, QStringLiteral("schedinfo"), dom, QStringLiteral("--live"),
                                          QStringLiteral("--set"), QStringLiteral("cpu_shares=7")});
    QVERIFY(virsh.waitForFinished(30000));
    QVERIFY2(virsh.exitCode() == 0, virsh.readAllStandardError().constData());
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.market->violations.isEmpty(), 30000);
    const ReportViolation v = m_vm.market->violations.first();
    QCOMPARE(v.partitionId, l.partitionId);
    QCOMPARE(v.contractId, l.contract.contractId);
    QVERIFY2(v.detail.contains(QLatin1String("cpu_shares 1024 -> 7")), qPrintable(v.detail));
    QVERIFY2(v.restored, qPrintable(v.detail));
    QCOMPARE(liveTunables(m_vm.agent->virt(), dom)->cpuShares, 1024);
    QTRY_VERIFY(!told.isEmpty());
    QCOMPARE(told.first().partitionId, l.partitionId);
    QCOMPARE(told.first().contractId, l.contract.contractId);
    QCOMPARE(told.first().detail, v.detail);
    QVERIFY(told.first().restored);
    QVERIFY(told.first().atMs > 0);
    QCOMPARE(told.first().marketId, m_vm.agent->store().contract(l.contract.contractId)->marketId);
    QVERIFY(!told.first().marketId.isEmpty());
    // The same change made again, once put back, is reported again.
    virsh.start(QStringLiteral("virsh"), {QStringLiteral("-c"), kVmUri, QStringLiteral("schedinfo"), dom, QStringLiteral("--live"),
                                          QStringLiteral("--set"), QStringLiteral("cpu_shares=7")});
    QVERIFY(virsh.waitForFinished(30000));
    QVERIFY2(virsh.exitCode() == 0, virsh.readAllStandardError().constData());
    QTRY_VERIFY_WITH_TIMEOUT(m_vm.market->violations.size() >= 2, 30000);
    QCOMPARE(m_vm.market->violations.last().detail, v.detail);
    QTRY_COMPARE(told.size(), 2);

    virsh.start(QStringLiteral("virsh"), {QStringLiteral("-c"), kVmUri, QStringLiteral("memtune"), dom, QStringLiteral("--live"),
                                          QStringLiteral("--hard-limit"), QStringLiteral("400000")});
    QVERIFY(virsh.waitForFinished(30000));
    QVERIFY2(virsh.exitCode() == 0, virsh.readAllStandardError().constData());
    QTRY_VERIFY_WITH_TIMEOUT(m_vm.market->violations.size() >= 3, 30000);
    QVERIFY2(m_vm.market->violations.last().detail.contains(QLatin1String("hard_limit")), qPrintable(m_vm.market->violations.last().detail));
    QVERIFY(m_vm.market->violations.last().restored);
    const Tunables live = *liveTunables(m_vm.agent->virt(), dom);
    QCOMPARE(live.hardLimitKib, (256 + 512) * 1024);
    QVERIFY(spy.count() >= 3);

    // vcpupin: the partition's one vCPU (and QEMU's emulator threads) run on one host CPU of
    // their own; pinned elsewhere behind the agent's back, it is pinned back.
    const qint64 pinned = live.cpuMask;
    QVERIFY2(pinned > 0 && std::popcount(quint64(pinned)) == 1, qPrintable(QString::number(pinned)));
    const quint64 others = usableCpuMask(64) & ~quint64(pinned);
    if (others != 0) {
        const int elsewhere = std::countr_zero(others);
        virsh.start(QStringLiteral("virsh"), {QStringLiteral("-c"), kVmUri, QStringLiteral("vcpupin"), dom, QStringLiteral("0"),
                                              QString::number(elsewhere), QStringLiteral("--live")});
        QVERIFY(virsh.waitForFinished(30000));
        QVERIFY2(virsh.exitCode() == 0, virsh.readAllStandardError().constData());
        QTRY_VERIFY_WITH_TIMEOUT(m_vm.market->violations.size() >= 4, 30000);
        const ReportViolation pin = m_vm.market->violations.last();
        QVERIFY2(pin.detail.contains(QStringLiteral("cpu_pin %1 -> ").arg(cpuSetString(quint64(pinned)))), qPrintable(pin.detail));
        QVERIFY2(pin.restored, qPrintable(pin.detail));
        QCOMPARE(liveTunables(m_vm.agent->virt(), dom)->cpuMask, pinned);
    } else {
        qInfo("one usable CPU: pinning elsewhere cannot be tried here");
    }

    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = jobId}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 60000);
    QCOMPARE(b.lastState().state, QStringLiteral("cancelled"));
    QVERIFY(!m_vm.agent->virt().lookup(dom));
    release(l);
}

void TestLenderVm::unpinnedJobAndResultsPastTheirRetention()
{
    // An agent told not to pin (--no-cpu-pinning) leaves the guest's vCPUs to the host's
    // scheduler; one keeping results for 6 s (--keep-results) removes the finished job's files
    // and console within a second after that, and a fetch then says so.
    VmAgent vm;
    const Result<void> started = vm.start([](AgentConfig &c) {
        c.pinCpus = false;
        c.resultRetentionMs = 6000;
    });
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    const Lease l = vm.lendPartition(m_borrower.nodeId());
    QVERIFY(!l.partitionId.isEmpty());
    Peer b(m_borrower, vm.agent->localAddress(), vm.agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString jobId = submit(b, l, "echo up\necho kept > result.txt\nsleep 3\nexit 0\n", {}, 300);
    QVERIFY(!jobId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(b.output.contains("up") || b.hasFinalState(), 300000);
    const Result<Tunables> live = liveTunables(vm.agent->virt(), QStringLiteral("lendable-") + jobId);
    QVERIFY2(live.ok(), qPrintable(live.error().toString()));
    QCOMPARE(live->cpuMask, qint64(-1)); // no <vcpupin>, no <emulatorpin>
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    QCOMPARE(b.lastState().state, QStringLiteral("succeeded"));

    Result<JobResult> r = b.channel->call<JobResult>(FetchJobResult{.jobId = jobId});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->outputs.size(), 1);
    QCOMPARE(r->outputs[0].data, QByteArray("kept\n"));
    const QString jobDir = vm.dir->filePath(QStringLiteral("jobs/") + jobId);
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(jobDir), 30000);
    const Result<JobResult> gone = b.channel->call<JobResult>(FetchJobResult{.jobId = jobId});
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
    QVERIFY2(gone.error().message.contains(QLatin1String("keeps a finished job's output files and console for 6 s")),
             qPrintable(gone.error().message));
    const JobRecord record = *vm.agent->store().job(jobId);
    QVERIFY2(record.resultsRemovedAtMs >= record.endedAtMs + 6000, qPrintable(QString::number(record.resultsRemovedAtMs - record.endedAtMs)));
    QVERIFY(vm.release(l));
    vm.stop();
}

void TestLenderVm::killedAgentRestartsAndReconciles()
{
    QTemporaryDir dir(QStringLiteral("/var/tmp/lendable-vmtest-XXXXXX"));
    QVERIFY(dir.isValid());
    dir.setAutoRemove(qEnvironmentVariableIsEmpty("LENDABLE_KEEP_TEST_DIRS"));
    qInfo("restart test data: %s", qPrintable(dir.path()));
    auto startAgent = [&](QProcess &p) -> QString {
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.setStandardErrorFile(dir.filePath(QStringLiteral("agent.stderr")), QIODevice::Append);
        p.start(binDir() + QStringLiteral("/lender-console"),
                {QStringLiteral("--headless"), QStringLiteral("--data"), dir.path(), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--market"), m_vm.market->address(), QStringLiteral("--market-id"),
                 m_vm.market->id(), QStringLiteral("--libvirt"), kVmUri, QStringLiteral("--virt-type"), QStringLiteral("qemu")});
        for (int i = 0; i < 3000 && !p.canReadLine() && p.state() != QProcess::NotRunning; ++i)
            QTest::qWait(20);
        const QString line = QString::fromUtf8(p.readLine()).trimmed();
        if (!line.startsWith(QLatin1String("lender ")))
            qWarning("agent did not start (state %d, exit %d, error %s): %s %s", int(p.state()), p.exitCode(),
                     qPrintable(p.errorString()), qPrintable(line), p.readAllStandardError().constData());
        return line.section(QLatin1Char(' '), -1);
    };
    QProcess agent;
    const QString address = startAgent(agent);
    QVERIFY(!address.isEmpty());

    // The owner's CLI, as a server without a display would use it.
    int rc = -1;
    cli(dir.path(), {QStringLiteral("image"), QStringLiteral("add"), QStringLiteral("busybox"), vmImageCache()}, &rc);
    QCOMPARE(rc, 0);
    const QJsonObject created = QJsonDocument::fromJson(cli(dir.path(), {QStringLiteral("--json"), QStringLiteral("partition"), QStringLiteral("create"),
                                                                          QStringLiteral("--cpus"), QStringLiteral("1"), QStringLiteral("--memory"),
                                                                          QStringLiteral("256M"), QStringLiteral("--disk"), QStringLiteral("1G"),
                                                                          QStringLiteral("--rate"), QStringLiteral("0.25"), QStringLiteral("--os"),
                                                                          QStringLiteral("busybox")}))
                                    .object();
    const QString pid = created.value(QStringLiteral("partition_id")).toString();
    QVERIFY(!pid.isEmpty());
    const QJsonObject reg = QJsonDocument::fromJson(cli(dir.path(), {QStringLiteral("--json"), QStringLiteral("partition"),
                                                                      QStringLiteral("register"), pid})).object();
    QCOMPARE(reg.value(QStringLiteral("state")).toString(), QStringLiteral("registered"));
    cli(dir.path(), {QStringLiteral("partition"), QStringLiteral("alter"), pid, QStringLiteral("--cpus"), QStringLiteral("2")}, &rc);
    QCOMPARE(rc, 1); // locked while registered

    // FIG. 15: no contract notice this time; the agent asks the market.
    const TestMarket::Contract c = m_vm.market->startContract(pid, m_borrower.nodeId(), false, QStringLiteral("Orbit Analytics"));
    Identity lenderIdentity = Identity::load(dir.path()).value();
    QString jobId;
    {
        Peer b(m_borrower, address, lenderIdentity.nodeId());
        QVERIFY(b.waitUp().ok());
        Result<JobAccepted> a = b.channel->call<JobAccepted>(SubmitJob{
            .contractId = c.contractId, .partitionId = pid, .key = c.key, .os = QStringLiteral("busybox"),
            .script = "echo before\nsleep 12\necho after\nexit 5\n", .inputs = {}, .timeoutS = 300});
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        jobId = a->jobId;
        QVERIFY(b.channel->call<Ack>(WatchJob{.jobId = jobId, .fromOffset = 0}).ok());
        QTRY_VERIFY_WITH_TIMEOUT(b.output.contains("before"), 300000);
    }
    agent.kill(); // SIGKILL: no chance to clean up
    QVERIFY(agent.waitForFinished(10000));
    // While it is down: a domain of this agent that no job claims (an orphan), and one of
    // another agent on the same libvirt, which must be left alone.
    const QString suffix = QString::number(QCoreApplication::applicationPid());
    const QString orphan = QStringLiteral("lendable-orphan-") + suffix;
    const QString foreign = QStringLiteral("lendable-foreign-") + suffix;
    const ImageEntry image = ImageStore(dir.filePath(QStringLiteral("images"))).find(QStringLiteral("busybox")).value();
    QVERIFY(startStrayDomain(m_vm.agent->virt(), orphan, lenderIdentity.nodeId(), m_vm.dir->path(), image).ok());
    QVERIFY(startStrayDomain(m_vm.agent->virt(), foreign, newIdentity(QStringLiteral("x")).nodeId(), m_vm.dir->path(), image).ok());

    QProcess agent2;
    const QString address2 = startAgent(agent2);
    const bool foreignSurvived = bool(m_vm.agent->virt().lookup(foreign));
    const bool orphanReaped = !m_vm.agent->virt().lookup(orphan);
    (void)m_vm.agent->virt().destroy(foreign);
    (void)m_vm.agent->virt().destroy(orphan);
    QVERIFY(!address2.isEmpty());
    // Reconciliation runs before the agent listens: by its "listening" line it is done.
    QVERIFY(orphanReaped);
    QVERIFY(foreignSurvived);
    Peer b(m_borrower, address2, lenderIdentity.nodeId());
    QVERIFY(b.waitUp().ok());
    QVERIFY(b.channel->call<Ack>(WatchJob{.jobId = jobId, .fromOffset = 0}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(b.hasFinalState(), 300000);
    QVERIFY2(b.lastState().state == QLatin1String("failed"), qPrintable(b.lastState().state + QLatin1Char(' ') + b.lastState().message));
    QCOMPARE(b.lastState().exitCode, std::optional<qint32>(5));
    QCOMPARE(b.output, QByteArray("before\nafter\n"));
    // Nothing leaked: no domain, no share.
    QTRY_VERIFY_WITH_TIMEOUT(!m_vm.agent->virt().lookup(QStringLiteral("lendable-") + jobId), 10000);
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("jobs/") + jobId + QStringLiteral("/share"))));
    const QJsonObject list = QJsonDocument::fromJson(cli(dir.path(), {QStringLiteral("--json"), QStringLiteral("partition"), QStringLiteral("list")})).object();
    const QJsonObject lent = list.value(QStringLiteral("partitions")).toArray().first().toObject();
    QCOMPARE(lent.value(QStringLiteral("state")).toString(), QStringLiteral("lent"));
    // The running contract's earnings so far, from its start and rate, beside the ended ones.
    QCOMPARE(lent.value(QStringLiteral("earnings")).toString(), Money().toString());
    QCOMPARE(lent.value(QStringLiteral("contract_rate")).toString(), Money::parse(QStringLiteral("0.25"))->toString());
    const qint64 started = lent.value(QStringLiteral("contract_started_at_ms")).toInteger();
    QVERIFY2(started > 0 && started <= QDateTime::currentMSecsSinceEpoch(), qPrintable(QString::number(started)));
    const Result<Money> soFar = Money::parse(lent.value(QStringLiteral("contract_earned_so_far")).toString());
    QVERIFY2(soFar.ok() && soFar->micros() > 0, qPrintable(lent.value(QStringLiteral("contract_earned_so_far")).toString()));
    const QString text = QString::fromUtf8(cli(dir.path(), {QStringLiteral("partition"), QStringLiteral("list")}));
    QVERIFY2(text.contains(QLatin1String("so far)")), qPrintable(text));
    // Who borrows it, by the name the market's verdict gave (kept across the agent's restart).
    QCOMPARE(lent.value(QStringLiteral("borrower_id")).toString(), m_borrower.nodeId());
    QCOMPARE(lent.value(QStringLiteral("borrower_name")).toString(), QStringLiteral("Orbit Analytics"));
    QVERIFY2(text.contains(QStringLiteral("lent to Orbit Analytics (%1)").arg(m_borrower.nodeId().left(12))), qPrintable(text));
    agent2.terminate();
    QVERIFY(agent2.waitForFinished(15000));
    QCOMPARE(agent2.exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent2.exitCode(), 0);
    m_vm.market->endContract(c.contractId);
}

QTEST_GUILESS_MAIN(TestLenderVm)
#include "TestLenderVm.moc"
