// The lock's audit against libvirt's test driver: a lent domain changed behind the
// agent's back is noticed and put back.

#include "LockGuard.h"

#include <QDir>
#include <QTest>

using namespace lendable;
using namespace lendable::lender;

class TestLockGuard : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        Result<std::unique_ptr<VirtConnection>> c = VirtConnection::open(QStringLiteral("test:///default"), QDir::tempPath());
        QVERIFY2(c.ok(), qPrintable(c.error().toString()));
        m_virt = std::move(*c);
        m_spec = partitionDomainSpec(2, 512, QStringLiteral("qemu"));
        m_spec.name = QStringLiteral("lendable-locktest");
        m_spec.kernel = QStringLiteral("/k");
        m_spec.initrd = QStringLiteral("/i");
        m_spec.shareDir = QStringLiteral("/tmp");
        m_spec.consolePath = QStringLiteral("/tmp/lendable-locktest.log");
        QVERIFY(m_virt->createTransient(domainXml(m_spec)).ok());
    }
    void cleanupTestCase() { QVERIFY(m_virt->destroy(m_spec.name).ok()); }

    void untouchedDomainIsClean()
    {
        Result<AuditResult> a = auditAndRestore(*m_virt, m_spec.name, leaseTunables(m_spec));
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        QVERIFY(!a->violated());
    }
    void memtuneTamperingIsRestored()
    {
        DomainRef d = m_virt->lookup(m_spec.name);
        virTypedParameter p{};
        qstrncpy(p.field, VIR_DOMAIN_MEMORY_HARD_LIMIT, VIR_TYPED_PARAM_FIELD_LENGTH);
        p.type = VIR_TYPED_PARAM_ULLONG;
        p.value.ul = 4096;
        QCOMPARE(virDomainSetMemoryParameters(d.get(), &p, 1, VIR_DOMAIN_AFFECT_LIVE), 0);
        QCOMPARE(liveTunables(*m_virt, m_spec.name)->hardLimitKib, 4096);

        Result<AuditResult> a = auditAndRestore(*m_virt, m_spec.name, leaseTunables(m_spec));
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        QVERIFY(a->violated());
        QVERIFY2(a->restored(), qPrintable(a->detail()));
        QVERIFY2(a->detail().contains(QLatin1String("hard_limit")), qPrintable(a->detail()));
        QCOMPARE(*liveTunables(*m_virt, m_spec.name), leaseTunables(m_spec));
    }
    void memoryTamperingIsRestored()
    {
        DomainRef d = m_virt->lookup(m_spec.name);
        QCOMPARE(virDomainSetMemoryFlags(d.get(), 128 * 1024, VIR_DOMAIN_AFFECT_LIVE), 0);
        Result<AuditResult> a = auditAndRestore(*m_virt, m_spec.name, leaseTunables(m_spec));
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        QVERIFY(a->violated());
        QVERIFY2(a->restored(), qPrintable(a->detail()));
        QCOMPARE(liveTunables(*m_virt, m_spec.name)->currentMemoryKib, 512 * 1024);
    }
    void goneDomainIsNotFound()
    {
        QCOMPARE(auditAndRestore(*m_virt, QStringLiteral("lendable-nothere"), leaseTunables(m_spec)).error().code,
                 ErrorCode::NotFound);
    }

private:
    std::unique_ptr<VirtConnection> m_virt;
    DomainSpec m_spec;
};

QTEST_GUILESS_MAIN(TestLockGuard)
#include "TestLockGuard.moc"
