// A borrow whose answer is lost on the way back: the market made the contract (running and
// billed) and the borrower never got its key. The client sends the Borrow again with its
// request ID, and the market answers with that contract under a new key: no second contract,
// and none left behind. When it cannot ask again, it must not say "try again" (that makes a
// second contract) but that the contract may exist, and how to find it. The borrow is noted in
// the data directory until answered, so that a later process (the first one killed while it
// waited) asks the market what it made and takes it. A real market over real TLS on loopback,
// behind a relay that loses the answer.

#include "BorrowerSession.h"
#include "FreezingRelay.h"
#include "LendingKey.h"
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
    void lostAnswerIsAskedForAgain();
    void lostAnswerSaysTheContractMayExist();
    void killedBorrowIsTakenByTheNextBorrow();
    void borrowThatMadeNothingIsForgotten();
    void endedMeanwhileIsKeptWithItsReceipt();

private:
    // A market with one offer, and a borrower session that reaches it through `relay` and has
    // seen the offer.
    struct Setup {
        QTemporaryDir dir;
        Identity marketIdentity;
        std::unique_ptr<market::MarketService> service;
        std::unique_ptr<Channel> lender;
        QList<ContractStarted> notices; // what the lender was told
        QString offerId;
        std::unique_ptr<FreezingRelay> relay;
        std::unique_ptr<BorrowerSession> session;
        std::unique_ptr<FreezingRelay> direct; // the next process's way to the market
    };
    static void start(Setup &s);
    // A borrow sent through the relay whose answer is lost (or, `reachesMarket` false, which
    // never arrives), and the session killed while it waits, as `kill` would the process.
    static void borrowAndDie(Setup &s, bool reachesMarket);
    // The next process on the same data directory, with a way to the market that works.
    static void reopen(Setup &s);
    static Result<QList<BorrowRecovery>> recover(BorrowerSession &session);
    static Result<BillList> billsOf(BorrowerSession &session);
    static bool keyOpens(Setup &s, const QByteArray &key);
};

void TestBorrowUnanswered::start(Setup &s)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    s.marketIdentity = Identity::generate(QStringLiteral("market"), now.addDays(-1), now.addDays(30)).value();
    market::MarketConfig config;
    config.dataDir = s.dir.filePath(QStringLiteral("market"));
    QVERIFY(QDir().mkpath(config.dataDir));
    s.service = std::make_unique<market::MarketService>(s.marketIdentity, QStringLiteral("sqlite:") + s.dir.filePath(QStringLiteral("m.db")),
                                                        config);
    QVERIFY(s.service->listen(QHostAddress::LocalHost, 0).ok());
    s.lender.reset(s.service->connectLocal(QString(64, QLatin1Char('7')), QStringLiteral("lender")));
    QVERIFY(s.lender->waitEstablished(5000).ok());
    QObject::connect(s.lender.get(), &Channel::envelopeReceived, s.lender.get(), [&s](const Envelope &e) {
        if (e.type == static_cast<quint32>(MessageType::ContractStarted))
            s.notices.append(decodeMessage<ContractStarted>(e).value());
    });
    RegisterPartition reg;
    reg.partitionId = QStringLiteral("p-1");
    reg.agentAddress = QStringLiteral("127.0.0.1:7401");
    reg.conditions.resources = Resources{1, 512, 1024};
    reg.conditions.osImages = {QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::fromMicros(1'000'000);
    const Result<PartitionRegistered> registered = s.lender->call<PartitionRegistered>(reg);
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    s.offerId = registered->offerId;

    s.relay = std::make_unique<FreezingRelay>(s.service->serverPort());
    s.session = std::make_unique<BorrowerSession>(s.dir.filePath(QStringLiteral("borrower")));
    QVERIFY(s.session->open().ok());
    ReconnectPolicy policy;
    policy.maxAttempts = 1;
    policy.keepAliveMs = 300;
    policy.keepAliveTimeoutMs = 1'500;
    s.session->setReconnectPolicy(policy);
    QVERIFY(s.session->setMarket(QStringLiteral("127.0.0.1:%1").arg(s.relay->port()), s.marketIdentity.nodeId()).ok());
    // Connected, and the offer seen.
    const Result<OfferPage> offers = BorrowerSession::await<OfferPage>(
        [&](QObject *ctx, auto cb) { s.session->searchOffers(SearchOffers{}, ctx, cb); });
    QVERIFY2(offers.ok(), qPrintable(offers.error().toString()));
    QCOMPARE(offers->offers.size(), 1);
}

void TestBorrowUnanswered::borrowAndDie(Setup &s, bool reachesMarket)
{
    if (reachesMarket)
        s.relay->freezeAnswers();
    else
        s.relay->freeze();
    auto waiting = std::make_unique<QObject>();
    bool answered = false;
    s.session->borrow(s.offerId, QString(), waiting.get(), [&answered](Result<ContractRecord>) { answered = true; });
    if (reachesMarket)
        QTRY_COMPARE_WITH_TIMEOUT(s.notices.size(), 1, 10'000); // made, and the answer lost
    else
        QTest::qWait(300);
    QVERIFY(!answered);
    QCOMPARE(s.session->store().pendingBorrows()->size(), 1);
    waiting.reset();
    s.session.reset();
}

void TestBorrowUnanswered::reopen(Setup &s)
{
    s.direct = std::make_unique<FreezingRelay>(s.service->serverPort());
    s.session = std::make_unique<BorrowerSession>(s.dir.filePath(QStringLiteral("borrower")));
    QVERIFY(s.session->open().ok());
    QVERIFY(s.session->setMarket(QStringLiteral("127.0.0.1:%1").arg(s.direct->port()), s.marketIdentity.nodeId()).ok());
}

Result<QList<BorrowRecovery>> TestBorrowUnanswered::recover(BorrowerSession &session)
{
    return BorrowerSession::await<QList<BorrowRecovery>>([&](QObject *ctx, auto cb) { session.recoverPendingBorrows(ctx, cb); });
}

Result<BillList> TestBorrowUnanswered::billsOf(BorrowerSession &session)
{
    return BorrowerSession::await<BillList>([&](QObject *ctx, auto cb) { session.listBills(0, ctx, cb); });
}

bool TestBorrowUnanswered::keyOpens(Setup &s, const QByteArray &key)
{
    const Result<KeyVerdict> verdict =
        s.lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p-1"), .borrowerId = s.session->nodeId(), .key = key});
    return verdict.ok() && verdict->valid;
}

void TestBorrowUnanswered::lostAnswerIsAskedForAgain()
{
    Setup s;
    start(s);
    if (QTest::currentTestFailed())
        return;
    // The first answer is lost; the connection is found dead and a new one made, over
    // which the Borrow goes again.
    s.relay->freezeAnswers();
    QList<int> askedAgain;
    connect(s.session.get(), &BorrowerSession::borrowAskedAgain, this, [&](const Error &, int attempt, int attempts) {
        askedAgain.append(attempt);
        QCOMPARE(attempts, 4);
    });
    const Result<ContractRecord> granted = BorrowerSession::await<ContractRecord>(
        [&](QObject *ctx, auto cb) { s.session->borrow(s.offerId, QString(), ctx, cb); });
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
    QCOMPARE(askedAgain, QList<int>{2}); // said, for the window's status bar

    // One contract, this one, kept here with a key the market and the lender take.
    const Result<BillList> bills = billsOf(*s.session);
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    QCOMPARE(bills->bills.constFirst().contractId, granted->contractId);
    QVERIFY(s.session->store().contract(granted->contractId).ok());
    const Result<KeyMaterial> key = s.session->store().key(granted->contractId);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    // The lender heard of the contract twice: made, then with the key the borrower holds.
    QTRY_COMPARE_WITH_TIMEOUT(s.notices.size(), 2, 10'000);
    QCOMPARE(s.notices.at(0).contractId, granted->contractId);
    QCOMPARE(s.notices.at(1).contractId, granted->contractId);
    QVERIFY(s.notices.at(0).keyHash != s.notices.at(1).keyHash);
    QCOMPARE(s.notices.at(1).keyHash, market::hashLendingKey(key->key));
    const Result<KeyVerdict> verdict =
        s.lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p-1"), .borrowerId = s.session->nodeId(), .key = key->key});
    QVERIFY2(verdict.ok(), qPrintable(verdict.error().toString()));
    QVERIFY(verdict->valid);
    QCOMPARE(verdict->contractId, granted->contractId);

    const Result<ContractEnd> ended = BorrowerSession::await<ContractEnd>(
        [&](QObject *ctx, auto cb) { s.session->endContract(granted->contractId, ctx, cb); });
    QVERIFY2(ended.ok(), qPrintable(ended.error().toString()));
    s.lender.reset();
    s.service->shutdown();
}

void TestBorrowUnanswered::lostAnswerSaysTheContractMayExist()
{
    Setup s;
    start(s);
    if (QTest::currentTestFailed())
        return;
    // The answer is lost, and the market cannot be reached again to ask.
    s.relay->freezeAnswers();
    s.relay->stopListening();
    const Result<ContractRecord> lost = BorrowerSession::await<ContractRecord>(
        [&](QObject *ctx, auto cb) { s.session->borrow(s.offerId, QString(), ctx, cb); });
    QVERIFY(!lost.ok());
    QVERIFY2(lost.error().message.contains(QLatin1String("may have made the contract")), qPrintable(lost.error().message));
    QVERIFY2(lost.error().message.contains(QLatin1String("--cli recover")), qPrintable(lost.error().message));

    // It was made: the market bills it, and this data directory has neither it nor its key,
    // only the borrow, noted.
    FreezingRelay direct(s.service->serverPort());
    QVERIFY(s.session->setMarket(QStringLiteral("127.0.0.1:%1").arg(direct.port()), s.marketIdentity.nodeId()).ok());
    Result<BillList> bills = billsOf(*s.session);
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    const Bill made = bills->bills.constFirst();
    QCOMPARE(made.endedAtMs, 0);
    QVERIFY(!s.session->store().contract(made.contractId).ok());
    QCOMPARE(s.session->store().pendingBorrows()->size(), 1);

    // Asked about, as the message says: the contract is taken, under a new key, and none made.
    const Result<QList<BorrowRecovery>> recovered = recover(*s.session);
    QVERIFY2(recovered.ok(), qPrintable(recovered.error().toString()));
    QCOMPARE(recovered->size(), 1);
    const BorrowRecovery &r = recovered->constFirst();
    QCOMPARE(int(r.outcome), int(BorrowRecovery::Outcome::Recovered));
    QCOMPARE(r.borrow.offerId, s.offerId);
    QVERIFY(r.contract.has_value());
    QCOMPARE(r.contract->contractId, made.contractId);
    QVERIFY2(BorrowerSession::describeRecovery(r).contains(made.contractId), qPrintable(BorrowerSession::describeRecovery(r)));
    QVERIFY(s.session->store().contract(made.contractId).ok());
    const Result<KeyMaterial> key = s.session->store().key(made.contractId);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QVERIFY(keyOpens(s, key->key));
    QVERIFY(s.session->store().pendingBorrows()->isEmpty());
    bills = billsOf(*s.session);
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    // Nothing is left to ask about.
    QVERIFY(recover(*s.session)->isEmpty());
    s.lender.reset();
    s.service->shutdown();
}

void TestBorrowUnanswered::killedBorrowIsTakenByTheNextBorrow()
{
    Setup s;
    start(s);
    if (QTest::currentTestFailed())
        return;
    borrowAndDie(s, true);
    if (QTest::currentTestFailed())
        return;
    const QString made = s.notices.constFirst().contractId;

    // The user borrows the same offer again: the answer is the contract the first borrow
    // made, under a new key, and no second one is made (the offer is lent: to that one).
    reopen(s);
    QList<BorrowRecovery> said;
    connect(s.session.get(), &BorrowerSession::borrowsRecovered, this, [&](const QList<BorrowRecovery> &r) { said += r; });
    const Result<ContractRecord> again = BorrowerSession::await<ContractRecord>(
        [&](QObject *ctx, auto cb) { s.session->borrow(s.offerId, QString(), ctx, cb); });
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QCOMPARE(again->contractId, made);
    QCOMPARE(said.size(), 1);
    QCOMPARE(int(said.constFirst().outcome), int(BorrowRecovery::Outcome::Recovered));
    const Result<KeyMaterial> key = s.session->store().key(made);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QVERIFY(keyOpens(s, key->key));
    QTRY_COMPARE_WITH_TIMEOUT(s.notices.size(), 2, 10'000); // the lender told the new key
    QCOMPARE(s.notices.at(1).keyHash, market::hashLendingKey(key->key));
    const Result<BillList> bills = billsOf(*s.session);
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    QVERIFY(s.session->store().pendingBorrows()->isEmpty());
    s.lender.reset();
    s.service->shutdown();
}

void TestBorrowUnanswered::borrowThatMadeNothingIsForgotten()
{
    Setup s;
    start(s);
    if (QTest::currentTestFailed())
        return;
    borrowAndDie(s, false);
    if (QTest::currentTestFailed())
        return;
    reopen(s);
    // Just sent: the market may still make it, so it is not forgotten yet.
    Result<QList<BorrowRecovery>> r = recover(*s.session);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->size(), 1);
    QCOMPARE(int(r->constFirst().outcome), int(BorrowRecovery::Outcome::Unknown));
    QVERIFY(r->constFirst().problem.has_value());
    QCOMPARE(r->constFirst().knownAfterMs, r->constFirst().borrow.sentAtMs + s.session->pendingBorrowGraceMs());
    QCOMPARE(s.session->store().pendingBorrows()->size(), 1);
    // Once it cannot any more, it made none: forgotten.
    s.session->setPendingBorrowGraceMs(0);
    r = recover(*s.session);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->size(), 1);
    QCOMPARE(int(r->constFirst().outcome), int(BorrowRecovery::Outcome::NoContract));
    QVERIFY(!r->constFirst().contract.has_value());
    QVERIFY(s.session->store().pendingBorrows()->isEmpty());
    const Result<BillList> bills = billsOf(*s.session);
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QVERIFY(bills->bills.isEmpty());
    s.lender.reset();
    s.service->shutdown();
}

void TestBorrowUnanswered::endedMeanwhileIsKeptWithItsReceipt()
{
    Setup s;
    start(s);
    if (QTest::currentTestFailed())
        return;
    borrowAndDie(s, true);
    if (QTest::currentTestFailed())
        return;
    const QString made = s.notices.constFirst().contractId;
    // The market ends it meanwhile (the lender lost the partition).
    const Result<Ack> lost = s.lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p-1"), .reason = QStringLiteral("test")});
    QVERIFY2(lost.ok(), qPrintable(lost.error().toString()));

    reopen(s);
    const Result<QList<BorrowRecovery>> r = recover(*s.session);
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->size(), 1);
    QCOMPARE(int(r->constFirst().outcome), int(BorrowRecovery::Outcome::Ended));
    QCOMPARE(r->constFirst().contract->contractId, made);
    // Kept as ended, with the market's signed end receipt, and no key.
    const Result<ContractRecord> kept = s.session->store().contract(made);
    QVERIFY2(kept.ok(), qPrintable(kept.error().toString()));
    QVERIFY(kept->isEnded());
    QVERIFY(kept->endReceipt.has_value());
    QVERIFY(verifyReceipt(*kept->endReceipt, s.marketIdentity.nodeId()).ok());
    QVERIFY(!s.session->store().key(made).ok());
    QVERIFY(s.session->store().pendingBorrows()->isEmpty());
    s.lender.reset();
    s.service->shutdown();
}

QTEST_GUILESS_MAIN(TestBorrowUnanswered)
#include "TestBorrowUnanswered.moc"
