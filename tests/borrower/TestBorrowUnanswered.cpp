// A borrow whose answer is lost on the way back: the market made the contract (running and
// billed) and the borrower never got its key. The client must not say "try again" (that
// makes a second contract) but that the contract may exist, and how to find and end it. A
// real market over real TLS on loopback, behind a relay that loses the answer.

#include "BorrowerSession.h"
#include "FreezingRelay.h"
#include "MarketService.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace lendable::borrower;
using namespace lendable::protocol;
using lendable::testing::FreezingRelay;

class TestBorrowUnanswered : public QObject {
    Q_OBJECT
private slots:
    void lostAnswerSaysTheContractMayExist();
};

void TestBorrowUnanswered::lostAnswerSaysTheContractMayExist()
{
    QTemporaryDir dir;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Identity marketIdentity = Identity::generate(QStringLiteral("market"), now.addDays(-1), now.addDays(30)).value();
    market::MarketConfig config;
    config.dataDir = dir.filePath(QStringLiteral("market"));
    QVERIFY(QDir().mkpath(config.dataDir));
    market::MarketService service(marketIdentity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), config);
    QVERIFY(service.listen(QHostAddress::LocalHost, 0).ok());
    std::unique_ptr<Channel> lender(service.connectLocal(QString(64, QLatin1Char('7')), QStringLiteral("lender")));
    QVERIFY(lender->waitEstablished(5000).ok());
    RegisterPartition reg;
    reg.partitionId = QStringLiteral("p-1");
    reg.agentAddress = QStringLiteral("127.0.0.1:7401");
    reg.conditions.resources = Resources{1, 512, 1024};
    reg.conditions.osImages = {QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::fromMicros(1'000'000);
    const Result<PartitionRegistered> registered = lender->call<PartitionRegistered>(reg);
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));

    FreezingRelay relay(service.serverPort());
    BorrowerSession session(dir.filePath(QStringLiteral("borrower")));
    QVERIFY(session.open().ok());
    ReconnectPolicy policy;
    policy.maxAttempts = 1;
    policy.keepAliveMs = 300;
    policy.keepAliveTimeoutMs = 1'500;
    session.setReconnectPolicy(policy);
    QVERIFY(session.setMarket(QStringLiteral("127.0.0.1:%1").arg(relay.port()), marketIdentity.nodeId()).ok());
    // Connected, and the offer seen.
    const Result<OfferPage> offers = BorrowerSession::await<OfferPage>(
        [&](QObject *ctx, auto cb) { session.searchOffers(SearchOffers{}, ctx, cb); });
    QVERIFY2(offers.ok(), qPrintable(offers.error().toString()));
    QCOMPARE(offers->offers.size(), 1);

    relay.freezeAnswers();
    const Result<ContractRecord> lost = BorrowerSession::await<ContractRecord>(
        [&](QObject *ctx, auto cb) { session.borrow(registered->offerId, QString(), ctx, cb); });
    QVERIFY(!lost.ok());
    QVERIFY2(lost.error().message.contains(QLatin1String("may have made the contract")), qPrintable(lost.error().message));
    QVERIFY2(lost.error().message.contains(QLatin1String("--cli end")), qPrintable(lost.error().message));
    QVERIFY2(!lost.error().message.contains(QLatin1String("is the market running there")), qPrintable(lost.error().message));

    // It was made: the market bills it, and this data directory has neither it nor its key.
    const Result<BillList> bills = BorrowerSession::await<BillList>([&](QObject *ctx, auto cb) { session.listBills(0, ctx, cb); });
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    const Bill &made = bills->bills.constFirst();
    QCOMPARE(made.endedAtMs, 0);
    QVERIFY(!session.store().contract(made.contractId).ok());
    // And it can be ended from here, as the message says.
    const Result<ContractEnd> ended = BorrowerSession::await<ContractEnd>(
        [&](QObject *ctx, auto cb) { session.endContract(made.contractId, ctx, cb); });
    QVERIFY2(ended.ok(), qPrintable(ended.error().toString()));
    lender.reset();
    service.shutdown();
}

QTEST_GUILESS_MAIN(TestBorrowUnanswered)
#include "TestBorrowUnanswered.moc"
