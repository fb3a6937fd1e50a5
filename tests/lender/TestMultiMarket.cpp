// FIG. 11: one lender, several markets. Each partition is registered with, and managed by,
// exactly one market; another market can neither lend it nor end its contracts. Real TLS,
// libvirt's test driver.

#include "LenderAgent.h"
#include "LenderTestSupport.h"

#include <QTemporaryDir>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

class TestMultiMarket : public QObject {
    Q_OBJECT
private slots:
    void eachPartitionBelongsToOneMarket();
    void registeredTermsChangeThroughTheMarket();
};

void TestMultiMarket::eachPartitionBelongsToOneMarket()
{
    QTemporaryDir dir;
    TestMarket a;
    TestMarket b;
    AgentConfig config;
    config.dataDir = dir.path();
    config.libvirtUri = QStringLiteral("test:///default");
    config.markets << MarketEndpoint::parse(a.address(), a.id()).value() << MarketEndpoint::parse(b.address(), b.id()).value();
    Result<std::unique_ptr<LenderAgent>> created = LenderAgent::create(config);
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    std::unique_ptr<LenderAgent> agent = std::move(*created);
    QVERIFY(agent->start().ok());
    QTRY_VERIFY_WITH_TIMEOUT(a.lenderConnected() && b.lenderConnected(), 15000);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());

    auto create = [&] {
        Result<PartitionInfo> p = owner.channel->call<PartitionInfo>(PartitionCreate{
            .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0}});
        return p.ok() ? p->partition.partitionId : QString();
    };
    const QString p1 = create();
    const QString p2 = create();
    QVERIFY(!p1.isEmpty() && !p2.isEmpty());

    // With two markets, the owner must say which one.
    QVERIFY(!owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = p1, .marketId = {}, .externallyReferenced = false}).ok());
    QVERIFY(owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = p1, .marketId = a.id(), .externallyReferenced = false}).ok());
    QVERIFY(owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = p2, .marketId = b.id(), .externallyReferenced = false}).ok());
    QTRY_COMPARE(a.registered, QStringList{p1});
    QTRY_COMPARE(b.registered, QStringList{p2});
    // A registered partition cannot be registered with the other market as well.
    QCOMPARE(owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = p1, .marketId = b.id(), .externallyReferenced = false})
                 .error()
                 .code,
             ErrorCode::Conflict);
    QCOMPARE(agent->store().partition(p1)->marketId, a.id());

    // Market B tries to lend p1, which market A manages: refused, nothing lent.
    const Identity borrower = newIdentity(QStringLiteral("borrower"));
    const TestMarket::Contract stolen = b.startContract(p1, borrower.nodeId());
    QTest::qWait(500);
    QVERIFY(!agent->store().contract(stolen.contractId).ok());
    QCOMPARE(agent->store().partition(p1)->state, PartitionStateName::Registered);

    // Market A lends p1: accepted. Market B cannot end that contract.
    const TestMarket::Contract real = a.startContract(p1, borrower.nodeId());
    QTRY_COMPARE(agent->store().partition(p1)->state, PartitionStateName::Lent);
    QCOMPARE(agent->store().contract(real.contractId)->marketId, a.id());
    b.contracts << real; // B pretends to know it
    b.endContract(real.contractId);
    QTest::qWait(500);
    QVERIFY(agent->store().contract(real.contractId)->isRunning());
    // The managing market ends it.
    a.endContract(real.contractId);
    QTRY_VERIFY(!agent->store().contract(real.contractId)->isRunning());
    QTRY_COMPARE(agent->store().partition(p1)->state, PartitionStateName::Registered);
}

void TestMultiMarket::registeredTermsChangeThroughTheMarket()
{
    // FIG. 7: a registered partition's rate and images change through its market; its
    // allocation does not change (the lock), and nothing changes while it is lent.
    QTemporaryDir dir;
    TestMarket a;
    AgentConfig config;
    config.dataDir = dir.path();
    config.libvirtUri = QStringLiteral("test:///default");
    config.markets << MarketEndpoint::parse(a.address(), a.id()).value();
    Result<std::unique_ptr<LenderAgent>> created = LenderAgent::create(config);
    QVERIFY(created.ok());
    std::unique_ptr<LenderAgent> agent = std::move(*created);
    QVERIFY(agent->start().ok());
    QTRY_VERIFY_WITH_TIMEOUT(a.lenderConnected(), 15000);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());
    const LendingConditions initial{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0};
    Result<PartitionInfo> p = owner.channel->call<PartitionInfo>(PartitionCreate{.conditions = initial});
    QVERIFY(p.ok());
    const QString pid = p->partition.partitionId;
    QVERIFY(owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());

    LendingConditions dearer = initial;
    dearer.ratePerHour = Money::parse(u"0.75").value();
    Result<PartitionInfo> altered = owner.channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = dearer});
    QVERIFY2(altered.ok(), qPrintable(altered.error().toString()));
    QCOMPARE(altered->partition.conditions.ratePerHour, Money::parse(u"0.75").value());
    QCOMPARE(a.altered.size(), 1);
    QCOMPARE(a.altered.first().conditions.ratePerHour, Money::parse(u"0.75").value());

    LendingConditions bigger = dearer;
    bigger.resources.memoryMib = 512;
    QCOMPARE(owner.channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = bigger}).error().code, ErrorCode::Conflict);
    QCOMPARE(a.altered.size(), 1);

    const TestMarket::Contract c = a.startContract(pid, newIdentity(QStringLiteral("b")).nodeId());
    QTRY_COMPARE(agent->store().partition(pid)->state, PartitionStateName::Lent);
    LendingConditions cheaper = dearer;
    cheaper.ratePerHour = Money::parse(u"0.1").value();
    QCOMPARE(owner.channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = cheaper}).error().code, ErrorCode::Conflict);
    QCOMPARE(agent->store().partition(pid)->ratePerHour, Money::parse(u"0.75").value());
    Q_UNUSED(c);
}

QTEST_GUILESS_MAIN(TestMultiMarket)
#include "TestMultiMarket.moc"
