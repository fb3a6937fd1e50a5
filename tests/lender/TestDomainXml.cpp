// The partition's domain XML: golden checks of every guarantee ARCHITECTURE.md asks for,
// the reading back of tunables, and libvirt's test driver accepting it.

#include "DomainXml.h"
#include "Virt.h"

#include <QTest>

using namespace lendable;
using namespace lendable::lender;

class TestDomainXml : public QObject {
    Q_OBJECT
private slots:
    void goldenXml();
    void leaseRoundTrip();
    void liveMemtuneLeavesHardLimitOut();
    void compareFindsEachDifference();
    void unitsAreConvertedToKib();
    void garbageIsATypedError();
    void testDriverAcceptsIt();
    void pinnedCpus();
    void cpuSets();

private:
    static DomainSpec sample()
    {
        DomainSpec s = partitionDomainSpec(2, 512, QStringLiteral("qemu"));
        s.name = QStringLiteral("lendable-j1");
        s.kernel = QStringLiteral("/img/vmlinux");
        s.initrd = QStringLiteral("/img/initramfs.img");
        s.cmdline = QStringLiteral("console=ttyS0 quiet");
        s.shareDir = QStringLiteral("/data/jobs/j1/share");
        s.consolePath = QStringLiteral("/data/jobs/j1/console.log");
        s.partitionId = QStringLiteral("p1");
        s.jobId = QStringLiteral("j1");
        s.agentId = QStringLiteral("a1");
        return s;
    }
};

void TestDomainXml::goldenXml()
{
    const QString xml = domainXml(sample());
    const QString expected = QStringLiteral(R"(<domain type="qemu">
  <name>lendable-j1</name>
  <metadata xmlns:lendable="https://lendable.invalid/xmlns/job/1">
    <lendable:job partition="p1" id="j1" agent="a1"/>
  </metadata>
  <memory unit="MiB">512</memory>
  <currentMemory unit="MiB">512</currentMemory>
  <memtune>
    <hard_limit unit="KiB">1048576</hard_limit>
  </memtune>
  <vcpu placement="static">2</vcpu>
  <cputune>
    <shares>2048</shares>
    <period>100000</period>
    <quota>100000</quota>
  </cputune>
  <os>
    <type arch="x86_64" machine="pc">hvm</type>
    <kernel>/img/vmlinux</kernel>
    <initrd>/img/initramfs.img</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <filesystem type="mount" accessmode="mapped">
      <source dir="/data/jobs/j1/share"/>
      <target dir="lendable"/>
    </filesystem>
    <serial type="file">
      <source path="/data/jobs/j1/console.log" append="off"/>
      <target port="0"/>
    </serial>
    <controller type="usb" model="none"/>
    <memballoon model="none"/>
  </devices>
</domain>
)");
    QCOMPARE(xml, expected);
}

void TestDomainXml::leaseRoundTrip()
{
    const DomainSpec s = sample();
    Result<ParsedDomain> p = parseDomainXml(domainXml(s));
    QVERIFY2(p.ok(), qPrintable(p.error().toString()));
    QCOMPARE(p->name, s.name);
    QCOMPARE(p->partitionId, QStringLiteral("p1"));
    QCOMPARE(p->jobId, QStringLiteral("j1"));
    QCOMPARE(p->agentId, QStringLiteral("a1"));
    QCOMPARE(p->tunables, leaseTunables(s));
    QCOMPARE(p->tunables.memoryKib, p->tunables.currentMemoryKib);
    QCOMPARE(p->tunables.vcpus, p->tunables.maxVcpus);
}

void TestDomainXml::liveMemtuneLeavesHardLimitOut()
{
    DomainSpec s = sample();
    s.hardLimitMib = 0;
    const QString xml = domainXml(s);
    QVERIFY(!xml.contains(QLatin1String("memtune")));
    QCOMPARE(leaseTunables(s).hardLimitKib, -1);
    // KVM needs less headroom than TCG's translation cache.
    QVERIFY(hardLimitFor(512, QStringLiteral("kvm")) < hardLimitFor(512, QStringLiteral("qemu")));
    QVERIFY(hardLimitFor(512, QStringLiteral("kvm")) > 512);
}

void TestDomainXml::compareFindsEachDifference()
{
    const Tunables lease = leaseTunables(sample());
    QVERIFY(compareTunables(lease, lease).isEmpty());
    Tunables live = lease;
    live.hardLimitKib = 1000;
    live.cpuShares = 7;
    live.currentMemoryKib = 1024;
    const QList<TunableDiff> d = compareTunables(lease, live);
    QCOMPARE(d.size(), 3);
    QCOMPARE(d[0], (TunableDiff{QStringLiteral("current_memory"), 512 * 1024, 1024}));
    QCOMPARE(d[1], (TunableDiff{QStringLiteral("hard_limit"), 1048576, 1000}));
    QCOMPARE(d[2], (TunableDiff{QStringLiteral("cpu_shares"), 2048, 7}));
    live = lease;
    live.vcpus = 1;
    live.cpuQuotaUs = -1;
    QCOMPARE(compareTunables(lease, live).size(), 2);
    // What the lease leaves unset is not compared.
    Tunables partial;
    partial.vcpus = 2;
    QVERIFY(compareTunables(partial, lease).isEmpty());
}

void TestDomainXml::unitsAreConvertedToKib()
{
    Result<ParsedDomain> p = parseDomainXml(QStringLiteral(
        "<domain type='qemu'><name>x</name><memory unit='GiB'>1</memory><currentMemory>1048576</currentMemory>"
        "<memtune><hard_limit unit='bytes'>2147483648</hard_limit></memtune><vcpu current='1'>4</vcpu></domain>"));
    QVERIFY2(p.ok(), qPrintable(p.error().toString()));
    QCOMPARE(p->tunables.memoryKib, 1048576);
    QCOMPARE(p->tunables.currentMemoryKib, 1048576);
    QCOMPARE(p->tunables.hardLimitKib, 2097152);
    QCOMPARE(p->tunables.vcpus, 1);
    QCOMPARE(p->tunables.maxVcpus, 4);
    QCOMPARE(p->virtType, QStringLiteral("qemu"));
}

void TestDomainXml::garbageIsATypedError()
{
    QCOMPARE(parseDomainXml(QStringLiteral("<domain><name>x</name>")).error().code, ErrorCode::VirtError);
    QCOMPARE(parseDomainXml(QStringLiteral("<domain/>")).error().code, ErrorCode::VirtError);
    QCOMPARE(parseDomainXml(QStringLiteral("<domain><name>x</name><memory>lots</memory></domain>")).error().code,
             ErrorCode::VirtError);
}

void TestDomainXml::testDriverAcceptsIt()
{
    Result<std::unique_ptr<VirtConnection>> c = VirtConnection::open(QStringLiteral("test:///default"), QDir::tempPath());
    QVERIFY2(c.ok(), qPrintable(c.error().toString()));
    DomainSpec s = sample();
    s.name = QStringLiteral("lendable-xmltest");
    Result<DomainRef> d = (*c)->createTransient(domainXml(s));
    QVERIFY2(d.ok(), qPrintable(d.error().toString()));
    Result<QString> live = (*c)->liveXml(d->get());
    QVERIFY(live.ok());
    Result<ParsedDomain> p = parseDomainXml(*live);
    QVERIFY2(p.ok(), qPrintable(p.error().toString()));
    QCOMPARE(p->tunables, leaseTunables(s));
    QCOMPARE(p->jobId, QStringLiteral("j1"));
    QVERIFY((*c)->activeDomainNames(QStringLiteral("lendable-"))->contains(s.name));
    QVERIFY((*c)->destroy(s.name).ok());
    QVERIFY(!(*c)->lookup(s.name));
    QVERIFY((*c)->destroy(s.name).ok()); // already gone is fine
}

void TestDomainXml::pinnedCpus()
{
    // Each vCPU and the emulator threads pinned to the partition's CPUs; read back (as a live
    // domain shows it, the emulator's pin first or last) and compared.
    DomainSpec s = sample();
    s.cpuMask = 0b1100; // CPUs 2 and 3
    const QString xml = domainXml(s);
    QVERIFY2(xml.contains(QLatin1String("<vcpupin vcpu=\"0\" cpuset=\"2-3\"/>")) && xml.contains(QLatin1String("<vcpupin vcpu=\"1\" cpuset=\"2-3\"/>"))
                 && xml.contains(QLatin1String("<emulatorpin cpuset=\"2-3\"/>")),
             qPrintable(xml));
    Result<ParsedDomain> p = parseDomainXml(xml);
    QVERIFY2(p.ok(), qPrintable(p.error().toString()));
    QCOMPARE(p->tunables, leaseTunables(s));
    QCOMPARE(p->tunables.cpuMask, 0b1100);
    Result<ParsedDomain> emulatorFirst = parseDomainXml(QStringLiteral(
        "<domain><name>x</name><cputune><emulatorpin cpuset='1'/><vcpupin vcpu='0' cpuset='2'/></cputune></domain>"));
    QVERIFY2(emulatorFirst.ok(), qPrintable(emulatorFirst.error().toString()));
    QCOMPARE(emulatorFirst->tunables.cpuMask, 0b110);
    // Unpinned: nothing in the XML, nothing compared.
    QVERIFY(!domainXml(sample()).contains(QLatin1String("pin")));
    QCOMPARE(leaseTunables(sample()).cpuMask, -1);
    // A vCPU pinned elsewhere (virsh vcpupin) is a difference, written as CPU sets.
    Tunables live = leaseTunables(s);
    live.cpuMask = 0b1101;
    const QList<TunableDiff> d = compareTunables(leaseTunables(s), live);
    QCOMPARE(d.size(), 1);
    QCOMPARE(d[0].change(true), (LockChange{.what = QStringLiteral("cpu_pin"), .leased = QStringLiteral("2-3"), .live = QStringLiteral("0,2-3"), .restored = true}));
    live.cpuMask = -1;
    QCOMPARE(LockReport{{compareTunables(leaseTunables(s), live)[0].change(false)}}.toString(), QStringLiteral("cpu_pin 2-3 -> none (not restored)"));
    QCOMPARE(parseDomainXml(QStringLiteral("<domain><name>x</name><cputune><vcpupin vcpu='0' cpuset='a'/></cputune></domain>")).error().code,
             ErrorCode::VirtError);
}

void TestDomainXml::cpuSets()
{
    QCOMPARE(cpuSetString(0), QString());
    QCOMPARE(cpuSetString(0b1), QStringLiteral("0"));
    QCOMPARE(cpuSetString(0b101110), QStringLiteral("1-3,5"));
    QCOMPARE(cpuSetString(quint64(1) << 63), QStringLiteral("63"));
    QCOMPARE(parseCpuSet(u"1-3,5"), std::optional<quint64>(0b101110));
    QCOMPARE(parseCpuSet(u"0-4,^2"), std::optional<quint64>(0b11011));
    QCOMPARE(parseCpuSet(u" 7 "), std::optional<quint64>(0b10000000));
    for (const char *bad : {"", "x", "3-1", "64", "-1", "1-", "1,,x"})
        QVERIFY2(!parseCpuSet(QString::fromLatin1(bad)), bad);
    for (const quint64 m : {quint64(1), quint64(0b1011), ~quint64(0), quint64(0x8000000000000001)})
        QCOMPARE(parseCpuSet(cpuSetString(m)), std::optional<quint64>(m));
}

QTEST_GUILESS_MAIN(TestDomainXml)
#include "TestDomainXml.moc"
