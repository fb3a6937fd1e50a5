// A real market (MarketService, SQLite file) and a real agent (libvirt's test driver, real
// TLS): a contract the agent cannot honour — here the agent's data directory lost a
// partition the market still offers, as after restoring an old backup — is ended by the
// market at once and the partition taken off offer, so that no borrower pays for a
// partition its lender will not give. A stale contract of the same market on the partition,
// whose end the agent missed, gives way to the market's new one instead.

#include "MarketAgentSupport.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QSqlDatabase>
#include <QSqlQuery>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

namespace {

// Starts an agent on `market`, registers `count` partitions (1 vCPU, 256 MiB, 1 GiB) there,
// and stops the agent again, so that its records can be changed behind the market's back.
// Empty if any step failed (with a warning saying which).
QStringList registerThenStop(MarketForAgents &market, int count, QString &lenderId)
{
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    if (!agent) {
        qWarning("the agent did not start");
        return {};
    }
    lenderId = agent->nodeId();
    QStringList partitions;
    {
        Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
        if (Result<void> up = owner.waitUp(); !up.ok()) {
            qWarning("the owner could not connect: %s", qPrintable(up.error().toString()));
            return {};
        }
        for (int i = 0; i < count; ++i) {
            Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{
                .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0}});
            Result<PartitionInfo> registered = created.ok()
                ? owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = created->partition.partitionId, .marketId = {}})
                : created;
            if (!registered.ok()) {
                qWarning("partition %d: %s", i, qPrintable(registered.error().toString()));
                return {};
            }
            partitions << created->partition.partitionId;
        }
    }
    agent.reset();
    if (!QTest::qWaitFor([&] { return !market.online.value(lenderId, true); }, 10'000)) {
        qWarning("the market did not see the agent go");
        return {};
    }
    return partitions;
}


// The offer a borrower finds for `partition` at the market; empty if none.
QString offerOfPartition(Peer &borrower, const QString &partition)
{
    Result<OfferPage> page = borrower.channel->call<OfferPage>(SearchOffers{});
    if (page.ok())
        for (const Offer &o : std::as_const(page->offers))
            if (o.partitionId == partition)
                return o.offerId;
    return QString();
}

// A TCP relay between an agent and its market that can cut the agent off while the market
// still holds an open, silent connection: a network partition as each side sees it (the
// agent's connection fails, the market's lender stays online until its heartbeat is late).
class Relay : public QObject {
public:
    explicit Relay(quint16 marketPort)
    {
        listening = m_server.listen(QHostAddress::LocalHost, 0);
        address = QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort());
        connect(&m_server, &QTcpServer::newConnection, this, [this, marketPort] {
            while (QTcpSocket *agent = m_server.nextPendingConnection()) {
                agent->setParent(this);
                if (m_cut) {
                    agent->abort();
                    continue;
                }
                auto *market = new QTcpSocket(this);
                market->connectToHost(QHostAddress::LocalHost, marketPort);
                connect(agent, &QTcpSocket::readyRead, market, [agent, market] { market->write(agent->readAll()); });
                connect(market, &QTcpSocket::readyRead, agent, [agent, market] { agent->write(market->readAll()); });
                connect(agent, &QTcpSocket::disconnected, market, &QTcpSocket::disconnectFromHost);
                connect(market, &QTcpSocket::disconnected, agent, &QTcpSocket::disconnectFromHost);
                m_pairs.append(qMakePair(QPointer<QTcpSocket>(agent), QPointer<QTcpSocket>(market)));
            }
        });
    }
    /// The agent's connections are dropped and new ones refused; the market's stay open and
    /// hear nothing more.
    void cut()
    {
        m_cut = true;
        for (const auto &[agent, market] : std::as_const(m_pairs)) {
            if (agent && market) {
                QObject::disconnect(agent, nullptr, market, nullptr);
                QObject::disconnect(market, nullptr, agent, nullptr);
            }
            if (agent)
                agent->abort();
        }
    }
    void heal() { m_cut = false; }

    bool listening = false;
    QString address;

private:
    QTcpServer m_server;
    bool m_cut = false;
    QList<QPair<QPointer<QTcpSocket>, QPointer<QTcpSocket>>> m_pairs;
};
} // namespace

class TestContractRefusal : public QObject {
    Q_OBJECT
private slots:
    void marketEndsAContractTheAgentRefuses();
    void staleLocalContractGivesWay();
    void contractEndedWhileAwayTakesTheMarketsEnd_data();
    void contractEndedWhileAwayTakesTheMarketsEnd();
    void offerOfAnImageNobodyHasIsRefused();
    void alterChecksTheImagesAsCreateAndRegisterDo();
    void withdrawnWhileCutOffButLentMeanwhile();
    void violationFoundWhileCutOffReachesTheMarket();
};

void TestContractRefusal::offerOfAnImageNobodyHasIsRefused()
{
    // A partition offering an OS image that neither its machine nor the market has would be
    // borrowed and paid for, and could run nothing: its registration is refused, saying which.
    MarketForAgents market({});
    QVERIFY(market.listening);
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());
    LendingConditions terms{Resources{1, 256, 1024}, {QStringLiteral("busybox"), QStringLiteral("nonexistent")}, Money::parse(u"0.5").value(), 0};
    Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{.conditions = terms});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const QString id = created->partition.partitionId;
    Result<PartitionInfo> refused = owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}});
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::NotFound);
    QVERIFY2(refused.error().message.contains(QLatin1String("offers OS image nonexistent, which neither this machine nor market")),
             qPrintable(refused.error().message));
    QCOMPARE(agent->store().partition(id)->state, PartitionStateName::Unregistered);
    // Offering what it has, the same partition is registered.
    terms.osImages = {QStringLiteral("busybox"), QStringLiteral("busybox")};
    Result<PartitionInfo> altered = owner.channel->call<PartitionInfo>(PartitionAlter{.partitionId = id, .conditions = terms});
    QVERIFY2(altered.ok(), qPrintable(altered.error().toString()));
    QCOMPARE(altered->partition.conditions.osImages, QStringList{QStringLiteral("busybox")}); // once
    Result<PartitionInfo> registered = owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}});
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    QCOMPARE(registered->partition.state, QStringLiteral("registered"));
}

void TestContractRefusal::alterChecksTheImagesAsCreateAndRegisterDo()
{
    // `partition alter --os` keeps the rules of create and register: names an image can have,
    // and on a registered partition only images this machine or its market holds.
    MarketForAgents market({});
    QVERIFY(market.listening);
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());
    const LendingConditions terms{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0};
    Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{.conditions = terms});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const QString id = created->partition.partitionId;
    const auto alterTo = [&](const QStringList &images, const char *rate = "0.5") {
        LendingConditions t = terms;
        t.osImages = images;
        t.ratePerHour = Money::parse(QString::fromLatin1(rate)).value();
        return owner.channel->call<PartitionInfo>(PartitionAlter{.partitionId = id, .conditions = t});
    };
    const QStringList busybox{QStringLiteral("busybox")};

    // Not registered: a name no image can have is refused, as by create; an image this
    // machine lacks is not (it may be added before registration).
    Result<PartitionInfo> badName = alterTo({QStringLiteral("bad/name"), QStringLiteral("nosuch-image")});
    QVERIFY(!badName.ok());
    QCOMPARE(badName.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(badName.error().message.contains(QLatin1String("'bad/name' is not an image name")), qPrintable(badName.error().message));
    QCOMPARE(agent->store().partition(id)->osImages, busybox);
    QVERIFY(alterTo({QStringLiteral("busybox"), QStringLiteral("nosuch-image")}).ok());
    // The names the market takes, '+' too (protocol::isValidOsImageName): before, this agent
    // refused "alpine+musl", which the market would have registered.
    const Result<PartitionInfo> plus = alterTo({QStringLiteral("busybox"), QStringLiteral("alpine+musl")});
    QVERIFY2(plus.ok(), qPrintable(plus.error().toString()));
    QCOMPARE(agent->store().partition(id)->osImages, (QStringList{QStringLiteral("busybox"), QStringLiteral("alpine+musl")}));
    QVERIFY(!alterTo({QStringLiteral("+alpine")}).ok()); // a letter or digit first
    QVERIFY(!alterTo({QString(65, QLatin1Char('a'))}).ok());
    // At most 64 names, as the market takes (protocol::kMaxOsImagesPerPartition): more are
    // refused here, by create and alter, not kept to be refused at every registration.
    QStringList many;
    for (int i = 0; i < 64; ++i)
        many << QStringLiteral("image-%1").arg(i);
    QVERIFY2(alterTo(many + QStringList{many.first()}).ok(), "64 names, one given twice");
    Result<PartitionInfo> tooMany = alterTo(many + QStringList{QStringLiteral("image-64")});
    QVERIFY(!tooMany.ok());
    QCOMPARE(tooMany.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(tooMany.error().message.contains(QLatin1String("65 OS image names: a partition offers at most 64")), qPrintable(tooMany.error().message));
    QCOMPARE(agent->store().partition(id)->osImages, many);
    LendingConditions manyTerms = terms;
    manyTerms.osImages = many + QStringList{QStringLiteral("image-64")};
    QCOMPARE(owner.channel->call<PartitionInfo>(PartitionCreate{.conditions = manyTerms}).error().code, ErrorCode::InvalidArgument);
    QVERIFY(alterTo(busybox).ok());
    Result<PartitionInfo> registered = owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}});
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));

    // Registered: an image that neither this machine nor the market has is refused, as at
    // registration, and neither side changes.
    Result<PartitionInfo> missing = alterTo({QStringLiteral("busybox"), QStringLiteral("nosuch-image")}, "0.75");
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY2(missing.error().message.contains(QLatin1String("cannot offer OS image nosuch-image, which neither this machine nor market")),
             qPrintable(missing.error().message));
    QCOMPARE(agent->store().partition(id)->osImages, busybox);
    QCOMPARE(agent->store().partition(id)->ratePerHour, Money::parse(u"0.5").value());
    QCOMPARE(alterTo({QStringLiteral("bad/name")}).error().code, ErrorCode::InvalidArgument);
    // What it holds is taken.
    Result<PartitionInfo> dearer = alterTo(busybox, "0.75");
    QVERIFY2(dearer.ok(), qPrintable(dearer.error().toString()));
    QCOMPARE(agent->store().partition(id)->ratePerHour, Money::parse(u"0.75").value());
}

void TestContractRefusal::marketEndsAContractTheAgentRefuses()
{
    const Identity admin = newIdentity(QStringLiteral("manager"));
    const Identity borrowerIdentity = newIdentity(QStringLiteral("borrower"));
    MarketForAgents market({admin.nodeId()});
    QVERIFY(market.listening);
    QString lenderId;
    const QStringList partitions = registerThenStop(market, 2, lenderId);
    QCOMPARE(partitions.size(), 2);
    const QString lost = partitions.at(0);
    const QString kept = partitions.at(1);

    // The agent's records lose one partition behind the market's back.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(QDir(market.agentDir()).filePath(QStringLiteral("lender.db")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.prepare(QStringLiteral("DELETE FROM partitions WHERE partition_id = ?")));
        q.addBindValue(lost);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    QTRY_VERIFY_WITH_TIMEOUT(market.online.value(lenderId, false), 10'000);

    Peer borrower(borrowerIdentity, market.address, market.id(), QStringLiteral("borrower"));
    QVERIFY(borrower.waitUp().ok());
    const auto offerOf = [&borrower](const QString &partition) { return offerOfPartition(borrower, partition); };
    const QString offer = offerOf(lost);
    QVERIFY(!offer.isEmpty());
    Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.offerId = offer});
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));

    // The agent refuses the contract and says so; the market ends it and withdraws the offer.
    Peer manager(admin, market.address, market.id(), QStringLiteral("admin"));
    QVERIFY(manager.waitUp().ok());
    const auto stateOf = [&](const QString &contractId) {
        Result<AdminContractPage> page = manager.channel->call<AdminContractPage>(AdminListContracts{.filter = contractId});
        return page.ok() && page->rows.size() == 1 ? page->rows.first().state : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(granted->contractId), QStringLiteral("ended"), 10'000);
    QVERIFY(offerOf(lost).isEmpty());
    QCOMPARE(borrower.channel->call<ContractGranted>(Borrow{.offerId = offer}).error().code, ErrorCode::Conflict); // withdrawn
    QVERIFY(agent->store().contract(granted->contractId).error().code == ErrorCode::NotFound);

    // The other partition is lent as before, and the agent takes that contract.
    Result<ContractGranted> other = borrower.channel->call<ContractGranted>(Borrow{.offerId = offerOf(kept)});
    QVERIFY2(other.ok(), qPrintable(other.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().contract(other->contractId).ok(), 10'000);
    QCOMPARE(stateOf(other->contractId), QStringLiteral("running"));
}

void TestContractRefusal::staleLocalContractGivesWay()
{
    // The agent still holds a contract of this market on a partition, whose end it never
    // heard (it ended while the agent was away for longer than the market replays ends): when
    // the market lends the partition again, the stale contract gives way and the new one is
    // honoured, instead of the partition being lost to the market.
    const Identity borrowerIdentity = newIdentity(QStringLiteral("borrower"));
    MarketForAgents market({});
    QVERIFY(market.listening);
    QString lenderId;
    const QStringList partitions = registerThenStop(market, 1, lenderId);
    QCOMPARE(partitions.size(), 1);
    const QString partition = partitions.first();

    // The agent's records keep a contract the market has long forgotten.
    const QString stale = QStringLiteral("stale-contract");
    {
        Result<LenderStore> store = LenderStore::open(QDir(market.agentDir()).filePath(QStringLiteral("lender.db")));
        QVERIFY2(store.ok(), qPrintable(store.error().toString()));
        QVERIFY(store->startContract(ContractRecord{.contractId = stale, .partitionId = partition, .borrowerId = QStringLiteral("someone"),
                                                    .keyHash = QByteArray(32, 'k'), .marketId = market.id(), .startedAtMs = 1000,
                                                    .endedAtMs = 0, .maxDurationS = 0, .ratePerHour = Money::fromMicros(500'000)})
                    .ok());
    }
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    QTRY_VERIFY_WITH_TIMEOUT(market.online.value(lenderId, false), 10'000);
    QVERIFY(agent->store().contract(stale)->isRunning());

    Peer borrower(borrowerIdentity, market.address, market.id(), QStringLiteral("borrower"));
    QVERIFY(borrower.waitUp().ok());
    Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
    QCOMPARE(granted->partitionId, partition);
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().contract(granted->contractId).ok(), 10'000);
    QVERIFY(agent->store().contract(granted->contractId)->isRunning());
    Result<ContractRecord> old = agent->store().contract(stale);
    QVERIFY(old.ok() && !old->isRunning());
    QVERIFY(old->endedAtMs >= old->startedAtMs);
    Result<PartitionRecord> p = agent->store().partition(partition);
    QVERIFY(p.ok());
    QCOMPARE(p->contractId, granted->contractId);
    // The market kept the contract running and the partition registered.
    QTest::qWait(300);
    Result<BillList> mine = borrower.channel->call<BillList>(ListBills{});
    QVERIFY2(mine.ok(), qPrintable(mine.error().toString()));
    QCOMPARE(mine->bills.size(), 1);
    QCOMPARE(mine->bills.first().state, QStringLiteral("running"));
    Result<OfferPage> offers = borrower.channel->call<OfferPage>(SearchOffers{});
    QVERIFY(offers.ok());
    QCOMPARE(offers->total, 0); // lent, not lost: the partition is still registered
}

void TestContractRefusal::contractEndedWhileAwayTakesTheMarketsEnd_data()
{
    QTest::addColumn<bool>("reconcile");
    QTest::newRow("asked on return") << true;
    QTest::newRow("given way, then asked") << false;
}

void TestContractRefusal::contractEndedWhileAwayTakesTheMarketsEnd()
{
    // A contract ends at the market while its agent is away, for longer than the market
    // replays ends. Coming back, the agent asks the market about the contracts still running
    // here and ends this one at the market's end, freeing the partition. Without that answer
    // (the question off, as if it failed), the contract stays until the market lends the
    // partition again: then it gives way with a guessed end (the new contract's start), and
    // the agent asks for the real one. Either way the end and the earnings are the market's.
    QFETCH(bool, reconcile);
    const Identity borrowerIdentity = newIdentity(QStringLiteral("borrower"));
    MarketForAgents market({});
    QVERIFY(market.listening);
    std::unique_ptr<LenderAgent> agent = market.startAgent();
    QVERIFY(agent);
    const QString lenderId = agent->nodeId();
    QString partition;
    {
        Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
        QVERIFY(owner.waitUp().ok());
        Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{
            .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"36").value(), 0}});
        QVERIFY2(created.ok(), qPrintable(created.error().toString()));
        partition = created->partition.partitionId;
        QVERIFY(owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = partition, .marketId = {}}).ok());
    }
    Peer borrower(borrowerIdentity, market.address, market.id(), QStringLiteral("borrower"));
    QVERIFY(borrower.waitUp().ok());
    QTRY_VERIFY_WITH_TIMEOUT(borrower.channel->call<OfferPage>(SearchOffers{})->total == 1, 10'000);
    Result<ContractGranted> first = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
    QVERIFY2(first.ok(), qPrintable(first.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().contract(first->contractId).ok(), 10'000);

    // The agent goes away; the contract ends at the market; a day passes on its clock.
    agent.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!market.online.value(lenderId, true), 10'000);
    QTest::qWait(50);
    Result<ContractClosed> closed = borrower.channel->call<ContractClosed>(EndContract{.contractId = first->contractId});
    QVERIFY2(closed.ok(), qPrintable(closed.error().toString()));
    Result<BillList> bill = borrower.channel->call<BillList>(ListBills{.contractId = first->contractId});
    QVERIFY2(bill.ok() && bill->bills.size() == 1, qPrintable(bill.ok() ? QStringLiteral("bills: %1").arg(bill->bills.size()) : bill.error().toString()));
    const qint64 realEnd = bill->bills.first().endedAtMs;
    QVERIFY(realEnd > 0);
    market.clockAheadMs = 86'400'000;

    agent = market.startAgent(QStringLiteral("agent"), [reconcile](AgentConfig &c) { c.reconcileContractsOnConnect = reconcile; });
    QVERIFY(agent);
    QTRY_VERIFY_WITH_TIMEOUT(market.online.value(lenderId, false), 10'000);
    const auto earnedAsBilled = [&] {
        const ContractRecord old = *agent->store().contract(first->contractId);
        return agent->store().partition(partition)->earnings == Money::charge(old.ratePerHour, realEnd - old.startedAtMs).value();
    };
    if (reconcile) {
        // Ended on return, before any new contract: the partition is free here again.
        QTRY_COMPARE_WITH_TIMEOUT(agent->store().contract(first->contractId)->endedAtMs, realEnd, 10'000);
        QCOMPARE(agent->store().partition(partition)->state, PartitionStateName::Registered);
        QVERIFY(earnedAsBilled());
    } else {
        QTest::qWait(300);
        QVERIFY(agent->store().contract(first->contractId)->isRunning()); // its end was not replayed
    }
    QTRY_VERIFY_WITH_TIMEOUT(borrower.channel->call<OfferPage>(SearchOffers{})->total == 1, 10'000);
    Result<ContractGranted> second = borrower.channel->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
    QVERIFY2(second.ok(), qPrintable(second.error().toString()));
    QCOMPARE(second->partitionId, partition);
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().contract(second->contractId).ok(), 10'000);
    QVERIFY(agent->store().contract(second->contractId)->isRunning());
    // The market's end replaces any guess (a day later), and the earnings follow it.
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().contract(first->contractId)->endedAtMs, realEnd, 10'000);
    QCOMPARE(agent->store().partition(partition)->contractId, second->contractId);
    QVERIFY(earnedAsBilled());
    QVERIFY(agent->store().partition(partition)->earnings < Money::parse(u"36").value()); // not a day's worth at 36 an hour
}

QTEST_GUILESS_MAIN(TestContractRefusal)
void TestContractRefusal::withdrawnWhileCutOffButLentMeanwhile()
{
    // The owner withdraws a partition while the agent cannot reach its market (forced: it is
    // the owner's again at once, and the agent keeps the withdrawal for the market's return);
    // the market, which has not yet noticed the agent gone, lends it meanwhile. Back in touch,
    // that contract cannot run here: the agent refuses it (the partition is not registered
    // with that market any more), or, if its withdrawal reaches the market first, the market
    // refuses the withdrawal (the partition is lent there) and the agent reports the partition
    // lost. Either way the market ends the contract as lost, hears of the withdrawal, and
    // offers the partition no more.
    const Identity borrowerIdentity = newIdentity(QStringLiteral("borrower"));
    MarketForAgents market({});
    QVERIFY(market.listening);
    Relay relay(market.service->serverPort());
    QVERIFY(relay.listening);
    std::unique_ptr<LenderAgent> agent = startAgentOn(market.agentDir(), relay.address, market.id());
    QVERIFY(agent);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());
    Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{
        .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0}});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const QString id = created->partition.partitionId;
    Result<PartitionInfo> registered = owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}});
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    Peer borrower(borrowerIdentity, market.address, market.id(), QStringLiteral("borrower"));
    QVERIFY(borrower.waitUp().ok());
    // The partition's offer, while the market takes its lender for online.
    const auto offerOf = [&borrower, &id] { return offerOfPartition(borrower, id); };
    QTRY_VERIFY_WITH_TIMEOUT(!offerOf().isEmpty(), 10'000);

    relay.cut();
    // The agent knows at once (its connection failed; it says so without asking the market);
    // the market does not.
    QTRY_COMPARE_WITH_TIMEOUT(owner.channel->call<BillList>(OwnerBills{}).error().code, ErrorCode::ConnectionFailed, 10'000);
    const QString offer = offerOf();
    QVERIFY(!offer.isEmpty());
    Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.offerId = offer});
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));

    Result<PartitionInfo> withdrawn = owner.channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = id, .force = true});
    QVERIFY2(withdrawn.ok(), qPrintable(withdrawn.error().toString()));
    QCOMPARE(withdrawn->partition.state, QString(PartitionStateName::Unregistered));
    QCOMPARE(agent->store().pendingWithdrawals(market.id()).value(), QStringList{id});

    QString endReason;
    QObject endSeen; // gone before endReason: the connection never outlives it
    connect(market.service.get(), &market::MarketService::contractEnded, &endSeen,
            [&endReason, contractId = granted->contractId](const QString &ended, const QString &reason) {
                if (ended == contractId)
                    endReason = reason;
            });
    relay.heal();
    // (The agent tries again after a backoff that grows while it was cut off.)
    QTRY_VERIFY_WITH_TIMEOUT(!endReason.isEmpty(), 60'000);
    QCOMPARE(endReason, QStringLiteral("lost"));
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().pendingWithdrawals(market.id()).value().isEmpty(), 10'000);
    QTRY_VERIFY2(offerOf().isEmpty(), "the withdrawn partition is still offered");
}

void TestContractRefusal::violationFoundWhileCutOffReachesTheMarket()
{
    // A lock violation the agent could not undo, found while its market is unreachable for
    // longer than a request waits for the connection, still reaches the market when it is
    // back: the report is kept until the market acknowledges it. The market then ends the
    // contract (reason `violation`), so the borrower stops paying for what it no longer gets.
    const Identity borrowerIdentity = newIdentity(QStringLiteral("borrower"));
    MarketForAgents market({});
    QVERIFY(market.listening);
    Relay relay(market.service->serverPort());
    QVERIFY(relay.listening);
    std::unique_ptr<LenderAgent> agent = startAgentOn(market.agentDir(), relay.address, market.id());
    QVERIFY(agent);
    Peer owner(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(owner.waitUp().ok());
    Result<PartitionInfo> created = owner.channel->call<PartitionInfo>(PartitionCreate{
        .conditions = LendingConditions{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), 0}});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const QString id = created->partition.partitionId;
    Result<PartitionInfo> registered = owner.channel->call<PartitionInfo>(PartitionRegister{.partitionId = id, .marketId = {}});
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    Peer borrower(borrowerIdentity, market.address, market.id(), QStringLiteral("borrower"));
    QVERIFY(borrower.waitUp().ok());
    QString offer;
    QTRY_VERIFY_WITH_TIMEOUT(!(offer = offerOfPartition(borrower, id)).isEmpty(), 10'000);
    Result<ContractGranted> granted = borrower.channel->call<ContractGranted>(Borrow{.offerId = offer});
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(agent->store().partition(id)->contractId, granted->contractId, 10'000);

    QString endReason;
    QObject endSeen; // gone before endReason: the connection never outlives it
    connect(market.service.get(), &market::MarketService::contractEnded, &endSeen,
            [&endReason, contractId = granted->contractId](const QString &ended, const QString &reason) {
                if (ended == contractId)
                    endReason = reason;
            });
    relay.cut();
    QTRY_COMPARE_WITH_TIMEOUT(owner.channel->call<BillList>(OwnerBills{}).error().code, ErrorCode::ConnectionFailed, 10'000);
    // (What the audit reports when libvirt refuses to put a hard limit back.)
    agent->reportViolation(id, granted->contractId, QStringLiteral("hard_limit 786432 -> 999 (not restored)"), false);
    // Longer than a request waits for the market's connection (10 s).
    QTest::qWait(12'000);
    QVERIFY(endReason.isEmpty());
    relay.heal();
    // (The agent tries again after a backoff that grew while it was cut off.)
    QTRY_VERIFY_WITH_TIMEOUT(!endReason.isEmpty(), 60'000);
    QCOMPARE(endReason, QStringLiteral("violation"));
    // Acknowledged: not sent again.
    QTRY_VERIFY_WITH_TIMEOUT(agent->store().pendingViolations(market.id()).value().isEmpty(), 10'000);
}

#include "TestContractRefusal.moc"
