// Second embodiment, end to end: a real market (MarketService, SQLite file) rebalances a real
// agent's externally referenced partitions, and the agent takes the new allocation into its
// own records, from which the partition is generated for the next job; also when the
// rebalancing happened while the agent was down, and the agent's refusal of an allocation
// its machine cannot fit. Real TLS, libvirt's test driver.

#include "MarketAgentSupport.h"

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

class TestRebalance : public QObject {
    Q_OBJECT
private slots:
    void agentAppliesRebalancing();
};

void TestRebalance::agentAppliesRebalancing()
{
    const Identity admin = newIdentity(QStringLiteral("manager"));
    MarketForAgents market({admin.nodeId()});
    QVERIFY(market.listening);
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    auto owner = std::make_unique<Peer>(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner->waitUp().ok());
    const auto create = [&] {
        Result<PartitionInfo> p = owner->channel->call<PartitionInfo>(PartitionCreate{
            .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0}});
        return p.ok() ? p->partition.partitionId : QString();
    };
    const QString p1 = create();
    const QString p2 = create();
    QVERIFY(!p1.isEmpty() && !p2.isEmpty());
    for (const QString &p : {p1, p2}) {
        Result<PartitionInfo> registered =
            owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = p, .marketId = {}, .externallyReferenced = true});
        QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
        QVERIFY(registered->partition.externallyReferenced);
    }

    Peer manager(admin, market.address, market.id(), QStringLiteral("admin"));
    QVERIFY(manager.waitUp().ok());
    const QString lenderId = agent->nodeId();
    const auto rebalance = [&](const QString &partition, Resources r) {
        return manager.channel->call<Ack>(AdminRebalance{.lenderId = lenderId, .partitionId = partition, .resources = r});
    };

    // Online: the agent hears it at once and keeps it for the partition's next generation.
    // (Within the lender's budget, what it registered: 2 CPUs, 512 MiB, 2 GiB in all.)
    Result<Ack> moved = rebalance(p2, Resources{1, 128, 1024});
    QVERIFY2(moved.ok(), qPrintable(moved.error().toString()));
    QVERIFY(rebalance(p1, Resources{1, 384, 1024}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(p1)->resources, (Resources{1, 384, 1024}), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(p2)->resources, (Resources{1, 128, 1024}), 10'000);

    // The agent goes down; the manager moves memory back meanwhile. When it starts again
    // (same data directory, same identity), the market tells it what it missed.
    owner.reset();
    agent.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!market.online.value(lenderId, true), 10'000);
    Result<Ack> away = rebalance(p1, Resources{1, 192, 1024});
    QVERIFY2(away.ok(), qPrintable(away.error().toString()));
    QVERIFY(rebalance(p2, Resources{1, 320, 1024}).ok());

    agent = market.startAgent();
    QVERIFY(agent);
    QCOMPARE(agent->nodeId(), lenderId);
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(p1)->resources, (Resources{1, 192, 1024}), 15'000);
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(p2)->resources, (Resources{1, 320, 1024}), 15'000);
    QVERIFY(agent->store().partition(p1)->externallyReferenced);
    const auto marketRow = [&](const QString &partition) {
        Result<AdminPartitionPage> page = manager.channel->call<AdminPartitionPage>(AdminListPartitions{.filter = partition});
        if (!page || page->rows.size() != 1 || !page->allocationPending)
            return std::pair<Resources, bool>{Resources{}, true};
        return std::pair<Resources, bool>{page->rows.first().conditions.resources, page->allocationPending->value(0, true)};
    };
    // The agent confirmed what it was sent on its return.
    QTRY_COMPARE_WITH_TIMEOUT(marketRow(p1), (std::pair<Resources, bool>{Resources{1, 192, 1024}, false}), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(marketRow(p2), (std::pair<Resources, bool>{Resources{1, 320, 1024}, false}), 10'000);

    // A rebalance the machine can no longer fit: the owner took the memory p2 gave up into
    // the reserve, so p1 cannot grow although the lender's market budget allows it. The agent
    // refuses; the manager hears why, and the market goes on offering what the agent generates.
    owner = std::make_unique<Peer>(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner->waitUp().ok());
    QVERIFY(rebalance(p2, Resources{1, 256, 1024}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(p2)->resources, (Resources{1, 256, 1024}), 10'000);
    Result<MachineInfo> machine = owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(machine.ok(), qPrintable(machine.error().toString()));
    Resources reserve = machine->reserve;
    reserve.memoryMib = machine->host.memoryMib - machine->allocated.memoryMib;
    Result<MachineInfo> reserved = owner->channel->call<MachineInfo>(SetReserve{.reserve = reserve});
    QVERIFY2(reserved.ok(), qPrintable(reserved.error().toString()));
    QCOMPARE(reserved->available.memoryMib, 0);
    Result<Ack> refused = rebalance(p1, Resources{1, 256, 1024});
    QCOMPARE(refused.error().code, ErrorCode::ResourceExhausted);
    QVERIFY2(refused.error().message.contains(p1), qPrintable(refused.error().message));
    QCOMPARE(agent->store().partition(p1)->resources, (Resources{1, 192, 1024}));
    QCOMPARE(marketRow(p1), (std::pair<Resources, bool>{Resources{1, 192, 1024}, false}));
    Result<OfferPage> offers = manager.channel->call<OfferPage>(SearchOffers{.query = QStringLiteral("memory>=200")});
    QVERIFY(offers.ok());
    QCOMPARE(offers->total, 1); // p2 (256 MiB), not p1
    QCOMPARE(offers->offers.first().partitionId, p2);
}

QTEST_GUILESS_MAIN(TestRebalance)
#include "TestRebalance.moc"
