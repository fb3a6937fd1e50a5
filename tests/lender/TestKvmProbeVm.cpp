// The KVM smoke boot for real (label vm): an agent on qemu:///system with no --virt-type
// boots the busybox image once as a type='kvm' domain with a 20 s limit, uses KVM only if
// the guest ran its job and powered off, caches the verdict (with the host kernel and QEMU
// versions) in DATA, and reuses it on the next start. On these machines /dev/kvm exists
// but guests hang: the expected verdict is TCG, but the test holds either way.

#include "LenderAgent.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace lendable::lender;

namespace {
const QString kUri = QStringLiteral("qemu:///system");

QString imageCache()
{
    return qEnvironmentVariable("LENDABLE_IMAGE_CACHE", QStringLiteral("/var/tmp/lendable-cache")) + QStringLiteral("/busybox");
}

// Probe domains (of any state) that carry this agent's ID: other agents on the same
// libvirt may be probing at the same time.
QStringList probeDomainsOf(VirtConnection &virt, const QString &agentId)
{
    QStringList out;
    const QStringList names = virt.activeDomainNames(QStringLiteral("lendable-kvmprobe-")).value();
    for (const QString &name : names) {
        DomainRef d = virt.lookup(name);
        if (!d)
            continue;
        Result<QString> xml = virt.liveXml(d.get());
        if (xml.ok())
            if (Result<ParsedDomain> p = parseDomainXml(*xml); p.ok() && p->agentId == agentId)
                out << name;
    }
    return out;
}

QStringList probeDirs(const QString &dataDir)
{
    return QDir(dataDir + QStringLiteral("/jobs")).entryList({QStringLiteral("kvmprobe-*")}, QDir::Dirs);
}
} // namespace

class TestKvmProbeVm : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void probeDecidesCachesAndIsReused();
    void agentStoppedMidProbeLeavesNothing();

private:
    std::unique_ptr<LenderAgent> startAgent(const QString &dataDir, const QString &virtType = {});
    std::unique_ptr<VirtConnection> m_virt;
};

void TestKvmProbeVm::initTestCase()
{
    if (!QFile::exists(imageCache() + QStringLiteral("/image.json"))) {
        QProcess build;
        build.setProcessChannelMode(QProcess::MergedChannels);
        build.start(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"),
                    {imageCache()});
        QVERIFY(build.waitForFinished(900000));
        QVERIFY2(build.exitCode() == 0, build.readAll().constData());
    }
    Result<std::unique_ptr<VirtConnection>> v = VirtConnection::open(kUri, QString());
    QVERIFY2(v.ok(), qPrintable(v.error().toString() + QStringLiteral(" (is libvirtd running? scripts/libvirt-up.sh)")));
    m_virt = std::move(*v);
}

// The image is in the store before start(): that is when the agent decides.
std::unique_ptr<LenderAgent> TestKvmProbeVm::startAgent(const QString &dataDir, const QString &virtType)
{
    AgentConfig c;
    c.dataDir = dataDir;
    c.libvirtUri = kUri;
    c.virtType = virtType;
    c.kvmProbeTimeoutS = 20;
    Result<std::unique_ptr<LenderAgent>> a = LenderAgent::create(c);
    if (!a.ok()) {
        qWarning() << a.error();
        return {};
    }
    if (!(*a)->images().find(QStringLiteral("busybox")).ok())
        if (Result<ImageEntry> img = (*a)->images().add(QStringLiteral("busybox"), imageCache()); !img.ok()) {
            qWarning() << img.error();
            return {};
        }
    if (Result<void> s = (*a)->start(); !s.ok()) {
        qWarning() << s.error();
        return {};
    }
    return std::move(*a);
}

void TestKvmProbeVm::probeDecidesCachesAndIsReused()
{
    QTemporaryDir dir(QStringLiteral("/var/tmp/lendable-kvmprobe-XXXXXX"));
    QVERIFY(dir.isValid());
    std::unique_ptr<LenderAgent> agent = startAgent(dir.path());
    QVERIFY(agent);
    if (!QFile::exists(QStringLiteral("/dev/kvm"))) {
        QVERIFY(!agent->isProbingKvm());
        QCOMPARE(agent->virtType(), QStringLiteral("qemu"));
        QVERIFY(!QFile::exists(verdictPath(dir.path())));
        QSKIP("no /dev/kvm on this machine: TCG without a smoke boot (checked); nothing to probe");
    }
    QVERIFY2(agent->isProbingKvm(), qPrintable(agent->virtTypeReason()));
    QCOMPARE(agent->virtType(), QStringLiteral("qemu"));   // TCG until the probe answers
    QSignalSpy decided(agent.get(), &LenderAgent::virtTypeDecided);
    QVERIFY(decided.wait(90000));
    const QString type = decided.first().at(0).toString();
    const QString reason = decided.first().at(1).toString();
    qInfo("KVM verdict on this machine: %s (%s)", qPrintable(type), qPrintable(reason));
    QVERIFY(type == QLatin1String("kvm") || type == QLatin1String("qemu"));
    QCOMPARE(agent->virtType(), type);
    QVERIFY(!agent->isProbingKvm());

    Result<std::optional<VirtVerdict>> cached = loadVerdict(verdictPath(dir.path()));
    QVERIFY2(cached.ok(), qPrintable(cached.error().toString()));
    QVERIFY(cached->has_value());
    const VirtVerdict v = **cached;
    QCOMPARE(v.virtType, type);
    QCOMPARE(v.reason, reason);
    QCOMPARE(v.kernelRelease, hostKernelRelease());
    unsigned long hv = 0;
    QCOMPARE(virConnectGetVersion(m_virt->raw(), &hv), 0);
    QCOMPARE(v.qemuVersion, formatHypervisorVersion(hv));
    // The smoke boot leaves nothing behind.
    QTRY_VERIFY_WITH_TIMEOUT(probeDomainsOf(*m_virt, agent->nodeId()).isEmpty(), 30000);
    QVERIFY(probeDirs(dir.path()).isEmpty());

    // Next start: the cached verdict, no second smoke boot.
    const QString agentId = agent->nodeId();
    agent.reset();
    agent = startAgent(dir.path());
    QVERIFY(agent);
    QVERIFY(!agent->isProbingKvm());
    QCOMPARE(agent->virtType(), type);
    QVERIFY2(agent->virtTypeReason().contains(QLatin1String("cached")), qPrintable(agent->virtTypeReason()));
    QVERIFY(probeDomainsOf(*m_virt, agentId).isEmpty());
    QCOMPARE(loadVerdict(verdictPath(dir.path())).value()->checkedAtMs, v.checkedAtMs);

    // --virt-type wins over the verdict.
    agent.reset();
    const QString other = type == QLatin1String("kvm") ? QStringLiteral("qemu") : QStringLiteral("kvm");
    agent = startAgent(dir.path(), other);
    QVERIFY(agent);
    QVERIFY(!agent->isProbingKvm());
    QCOMPARE(agent->virtType(), other);
}

void TestKvmProbeVm::agentStoppedMidProbeLeavesNothing()
{
    if (!QFile::exists(QStringLiteral("/dev/kvm")))
        QSKIP("no /dev/kvm: the agent never probes (see probeDecidesCachesAndIsReused)");
    QTemporaryDir dir(QStringLiteral("/var/tmp/lendable-kvmprobe-XXXXXX"));
    QVERIFY(dir.isValid());
    std::unique_ptr<LenderAgent> agent = startAgent(dir.path());
    QVERIFY(agent);
    QVERIFY(agent->isProbingKvm());
    const QString agentId = agent->nodeId();
    agent.reset();
    QVERIFY(probeDomainsOf(*m_virt, agentId).isEmpty());
    QVERIFY(probeDirs(dir.path()).isEmpty());
    // No verdict from a probe that did not finish: the next start tests again.
    QVERIFY(!QFile::exists(verdictPath(dir.path())));
}

QTEST_GUILESS_MAIN(TestKvmProbeVm)
#include "TestKvmProbeVm.moc"
