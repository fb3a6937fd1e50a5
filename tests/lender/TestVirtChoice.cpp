// KVM or TCG (unit): the decision the agent takes on start, the verdict a smoke-boot job
// gives, the cached verdict file, and an agent on libvirt's test driver (never probes).
// The real smoke boot is in TestKvmProbeVm (label vm).

#include "LenderAgent.h"
#include "VirtChoice.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace lendable::lender;

namespace {
VirtChoiceInput kvmHost()
{
    VirtChoiceInput in;
    in.kvmDevice = true;
    in.qemuDriver = true;
    in.probeImage = true;
    in.kernelRelease = QStringLiteral("6.1.0-56-amd64");
    in.qemuVersion = QStringLiteral("7.2.22");
    return in;
}

VirtVerdict cachedVerdict(const QString &type)
{
    return VirtVerdict{type, QStringLiteral("earlier test"), QStringLiteral("6.1.0-56-amd64"), QStringLiteral("7.2.22"),
                       1760000000000};
}

JobRecord probeJob(const QString &state, std::optional<int> exitCode, const QString &message = {})
{
    JobRecord r;
    r.jobId = QStringLiteral("kvmprobe-1");
    r.state = state;
    r.exitCode = exitCode;
    r.message = message;
    return r;
}
} // namespace

class TestVirtChoice : public QObject {
    Q_OBJECT
private slots:
    void forcedTypeIsUsedWithoutProbe();
    void noKvmDeviceOrNoQemuMeansTcg();
    void probesWhenNothingIsCached();
    void cachedVerdictIsReusedForTheSameHost();
    void changedKernelOrQemuProbesAgain();
    void noImageMeansTcgUntilNextStart();
    void probeOutcomeGivesTheVerdict_data();
    void probeOutcomeGivesTheVerdict();
    void verdictFileRoundTrips();
    void badVerdictFileIsATypedError();
    void agentOnTheTestDriverNeverProbes();
};

void TestVirtChoice::forcedTypeIsUsedWithoutProbe()
{
    VirtChoiceInput in = kvmHost();
    in.forced = QStringLiteral("kvm");
    in.cached = cachedVerdict(QStringLiteral("qemu"));
    VirtChoice c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Use);
    QCOMPARE(c.virtType, QStringLiteral("kvm"));
    in.forced = QStringLiteral("qemu");
    in.cached.reset();
    c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Use);
    QCOMPARE(c.virtType, QStringLiteral("qemu"));
    QVERIFY(c.reason.contains(QLatin1String("--virt-type")));
}

void TestVirtChoice::noKvmDeviceOrNoQemuMeansTcg()
{
    VirtChoiceInput in = kvmHost();
    in.kvmDevice = false;
    VirtChoice c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Use);
    QCOMPARE(c.virtType, QStringLiteral("qemu"));
    QVERIFY(c.reason.contains(QLatin1String("/dev/kvm")));
    in = kvmHost();
    in.qemuDriver = false;
    in.cached = cachedVerdict(QStringLiteral("kvm"));   // even a cached "kvm" does not apply
    c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Use);
    QCOMPARE(c.virtType, QStringLiteral("qemu"));
}

void TestVirtChoice::probesWhenNothingIsCached()
{
    const VirtChoice c = decideVirtType(kvmHost());
    QCOMPARE(c.action, VirtChoice::Action::Probe);
    // Jobs that arrive while the probe runs get TCG, which always works.
    QCOMPARE(c.virtType, QStringLiteral("qemu"));
}

void TestVirtChoice::cachedVerdictIsReusedForTheSameHost()
{
    for (const QString &type : {QStringLiteral("kvm"), QStringLiteral("qemu")}) {
        VirtChoiceInput in = kvmHost();
        in.cached = cachedVerdict(type);
        const VirtChoice c = decideVirtType(in);
        QCOMPARE(c.action, VirtChoice::Action::Use);
        QCOMPARE(c.virtType, type);
        QVERIFY2(c.reason.contains(QLatin1String("earlier test")), qPrintable(c.reason));
    }
}

void TestVirtChoice::changedKernelOrQemuProbesAgain()
{
    VirtChoiceInput in = kvmHost();
    in.cached = cachedVerdict(QStringLiteral("qemu"));
    in.cached->kernelRelease = QStringLiteral("6.1.0-55-amd64");
    QCOMPARE(decideVirtType(in).action, VirtChoice::Action::Probe);
    in = kvmHost();
    in.cached = cachedVerdict(QStringLiteral("kvm"));
    in.cached->qemuVersion = QStringLiteral("7.2.21");
    const VirtChoice c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Probe);
    QCOMPARE(c.virtType, QStringLiteral("qemu"));   // a stale "kvm" is not trusted meanwhile
}

void TestVirtChoice::noImageMeansTcgUntilNextStart()
{
    VirtChoiceInput in = kvmHost();
    in.probeImage = false;
    const VirtChoice c = decideVirtType(in);
    QCOMPARE(c.action, VirtChoice::Action::Use);
    QCOMPARE(c.virtType, QStringLiteral("qemu"));
}

void TestVirtChoice::probeOutcomeGivesTheVerdict_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("exitCode");   // -1: none
    QTest::addColumn<QString>("virtType");
    QTest::addColumn<QString>("reasonHas");
    QTest::newRow("ran and powered off") << QStringLiteral("succeeded") << 0 << QStringLiteral("kvm") << QStringLiteral("powered off");
    QTest::newRow("guest hangs") << QStringLiteral("timed_out") << -1 << QStringLiteral("qemu") << QStringLiteral("within 20 s");
    QTest::newRow("QEMU aborts") << QStringLiteral("error") << -1 << QStringLiteral("qemu") << QStringLiteral("failed to set MSR");
    QTest::newRow("job failed") << QStringLiteral("failed") << 1 << QStringLiteral("qemu") << QStringLiteral("failed");
    QTest::newRow("cancelled") << QStringLiteral("cancelled") << -1 << QStringLiteral("qemu") << QStringLiteral("cancelled");
}

void TestVirtChoice::probeOutcomeGivesTheVerdict()
{
    QFETCH(QString, state);
    QFETCH(int, exitCode);
    QFETCH(QString, virtType);
    QFETCH(QString, reasonHas);
    const VirtVerdict v = verdictFromProbe(
        probeJob(state, exitCode < 0 ? std::nullopt : std::optional<int>(exitCode),
                 QStringLiteral("qemu unexpectedly closed the monitor: failed to set MSR 0x10a")),
        20, 1234);
    QCOMPARE(v.virtType, virtType);
    QVERIFY2(v.reason.contains(reasonHas), qPrintable(v.reason));
    QVERIFY(v.checkedAtMs > 0);
}

void TestVirtChoice::verdictFileRoundTrips()
{
    QTemporaryDir dir;
    const QString path = verdictPath(dir.path());
    Result<std::optional<VirtVerdict>> none = loadVerdict(path);
    QVERIFY(none.ok());
    QVERIFY(!none->has_value());
    const VirtVerdict v = cachedVerdict(QStringLiteral("qemu"));
    QVERIFY(saveVerdict(path, v).ok());
    Result<std::optional<VirtVerdict>> back = loadVerdict(path);
    QVERIFY2(back.ok(), qPrintable(back.error().toString()));
    QVERIFY(back->has_value());
    QCOMPARE(**back, v);
}

void TestVirtChoice::badVerdictFileIsATypedError()
{
    QTemporaryDir dir;
    const QString path = verdictPath(dir.path());
    for (const QByteArray &bad : {QByteArray("not json"), QByteArray(R"({"virtType":"xen"})")}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bad);
        f.close();
        Result<std::optional<VirtVerdict>> r = loadVerdict(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(r.error().message.contains(path));
    }
}

void TestVirtChoice::agentOnTheTestDriverNeverProbes()
{
    QTemporaryDir dir;
    AgentConfig c;
    c.dataDir = dir.path();
    c.libvirtUri = QStringLiteral("test:///default");
    Result<std::unique_ptr<LenderAgent>> a = LenderAgent::create(c);
    QVERIFY2(a.ok(), qPrintable(a.error().toString()));
    QVERIFY((*a)->start().ok());
    QVERIFY(!(*a)->isProbingKvm());
    QCOMPARE((*a)->virtType(), QStringLiteral("qemu"));
    QVERIFY((*a)->virtTypeReason().contains(QLatin1String("not QEMU")));
    QVERIFY(!QFile::exists(verdictPath(dir.path())));
}

QTEST_GUILESS_MAIN(TestVirtChoice)
#include "TestVirtChoice.moc"
