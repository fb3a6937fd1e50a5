// `borrower-client --cli` against the real `market-manager --headless` over mutual TLS on
// loopback: offers, borrow, end, bills and receipt verify as a user runs them, and the
// failures a user meets (bad query, unknown IDs, another borrower's contract, a dead lender,
// a market that is down or restarts). The lender side is a real protocol client in this
// process that registers partitions; no job runs here (TestCliFlow does that in a VM).

#include "CliHarness.h"
#include "FreezingRelay.h"
#include "StoreEdits.h"

#include "BorrowerSession.h"
#include "identity/Identity.h"
#include "model/Money.h"
#include "protocol/Dispatcher.h"
#include "protocol/Server.h"
#include "protocol/SslChannel.h"

#include <QDir>
#include <QFile>
#include <QPointer>
#include <QSqlDatabase>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/mount.h>
#include <unistd.h>

using namespace lendable;
using namespace cliharness;
using lendable::borrower::BorrowerSession;
using lendable::borrower::JobOutcome;

class FakeLender;

class TestCliMarket : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void offersAsJson();
    void nothingMatchesExplainsAndExitsZero();
    void queryErrorNamesTheToken();
    void borrowEndBillsAndVerify();
    void anotherBorrowerCannotEndOrUseTheContract();
    void deadLenderIsAClearError();
    void unknownIdsAreClearErrors();
    void marketDownIsAClearErrorNotAHang();
    void marketRestartLosesNothing();
    void nameReachesEveryMarket();
    void contractTheMarketEndedIsEndedHere();
    void borrowOnlyOnTheTermsNamed();
    void lostBorrowsAreRecovered();
    void endNotRecordedHereSaysSoAndFails();
    void billsSayWhenOnlyTheNewestAreListed();
    void logsOfAFinishedJobPrintTheWholeConsole();
    void logsStopWhenTheLenderFallsSilent();
    void waitKeepsTheWholeConsole();
    void outputsOverTheLimitAreSaid();
    void anOutputNotKeptIsSaid();
    void largeOutputsComePartByPart();
    void outputsThatCannotFitAreNotFetched();
    void aWatchBesideAConsoleFetchLeavesBothWhole();

private:
    /// Submits the fake lender's jobs from a new data directory `name`; the directory, or
    /// empty on failure.
    QString submitToFakeLender(FakeLender &lender, const QString &name);
    bool startMarket();
    Run cli(const QString &dataDir, QStringList args, bool withMarket = true);
    QString borrowOne(const QString &dataDir, const QString &query, QJsonObject *out = nullptr);
    /// A new connection of this test's lender (the market may have restarted since the first).
    std::unique_ptr<protocol::Channel> lenderConnection();
    /// A registration of `partitionId` (1 vCPU, `memoryMib`, 1 GiB, busybox) at `rate` per
    /// hour with a time limit of `maxDurationS`, its agent where nothing listens.
    protocol::RegisterPartition registration(const QString &partitionId, qint64 memoryMib, const char16_t *rate, qint64 maxDurationS) const;

    QTemporaryDir m_root;
    Service m_market;
    QString m_marketId;
    quint16 m_marketPort = 0;
    quint16 m_deadLenderPort = 0;
    Identity m_lenderIdentity;
    protocol::Channel *m_lender = nullptr;
    QTimer m_heartbeat;
    QString m_borrowerA;
    QString m_borrowerB;
};

bool TestCliMarket::startMarket()
{
    const QString listen = QStringLiteral("127.0.0.1:") + QString::number(m_marketPort);
    return m_market.start(bin(QStringLiteral("market-manager")),
                          {QStringLiteral("--headless"), QStringLiteral("--listen"), listen, QStringLiteral("--data"),
                           m_root.filePath(QStringLiteral("market")), QStringLiteral("--heartbeat-timeout"),
                           QStringLiteral("3600")},
                          QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on [^:]+:(\\d+)")));
}

void TestCliMarket::initTestCase()
{
    if (!QFile::exists(bin(QStringLiteral("market-manager"))))
        QSKIP("market-manager is not built");
    QVERIFY(m_root.isValid());
    QVERIFY2(startMarket(), qPrintable(m_market.log()));
    m_marketId = m_market.match.captured(1);
    m_marketPort = static_cast<quint16>(m_market.match.captured(2).toUInt());

    // A port where nothing listens: the lender agent named in the offers is "offline".
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_deadLenderPort = probe.serverPort();
    }

    Result<Identity> id = Identity::loadOrCreate(m_root.filePath(QStringLiteral("lender")), QStringLiteral("lender"));
    QVERIFY(id.ok());
    m_lenderIdentity = *id;
    protocol::HandshakeConfig config;
    config.localRole = QStringLiteral("lender");
    m_lender = protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), m_marketPort, m_lenderIdentity, m_marketId,
                                               config, this);
    QVERIFY2(m_lender->waitEstablished(30'000).ok(), qPrintable(m_lender->closeReason().message));
    const QString agent = QStringLiteral("127.0.0.1:") + QString::number(m_deadLenderPort);
    struct P {
        const char *id;
        int cpus;
        qint64 mem;
        const char *rate;
    };
    for (const P &p : {P{"p-small", 1, 256, "1.5"}, P{"p-big", 2, 1024, "3"}, P{"p-mid", 1, 512, "2.25"}}) {
        protocol::RegisterPartition reg;
        reg.partitionId = QString::fromLatin1(p.id);
        reg.lenderName = QStringLiteral("test lender");
        reg.agentAddress = agent;
        reg.conditions.resources = Resources{p.cpus, p.mem, 2048};
        reg.conditions.osImages = {QStringLiteral("busybox")};
        reg.conditions.ratePerHour = Money::parse(QString::fromLatin1(p.rate)).value();
        Result<protocol::PartitionRegistered> r = m_lender->call<protocol::PartitionRegistered>(reg);
        QVERIFY2(r.ok(), qPrintable(r.error().message));
    }
    // Keep the lender online while the test runs (CLI runs spin this event loop).
    connect(&m_heartbeat, &QTimer::timeout, this, [this, agent] {
        if (m_lender && m_lender->isEstablished())
            m_lender->request<protocol::Ack>(protocol::LenderHeartbeat{.agentAddress = agent, .partitionIds = {}}, this,
                                             [](Result<protocol::Ack>) {});
    });
    m_heartbeat.start(5000);
    m_borrowerA = m_root.filePath(QStringLiteral("borrower-a"));
    m_borrowerB = m_root.filePath(QStringLiteral("borrower-b"));
}

void TestCliMarket::cleanupTestCase()
{
    m_heartbeat.stop();
    m_market.stop();
}

Run TestCliMarket::cli(const QString &dataDir, QStringList args, bool withMarket)
{
    QStringList all{QStringLiteral("--cli"), QStringLiteral("--data"), dataDir, QStringLiteral("--json")};
    if (withMarket)
        all << QStringLiteral("--market") << QStringLiteral("127.0.0.1:") + QString::number(m_marketPort)
            << QStringLiteral("--market-id") << m_marketId;
    return runProgram(bin(QStringLiteral("borrower-client")), all + args);
}

QString TestCliMarket::borrowOne(const QString &dataDir, const QString &query, QJsonObject *out)
{
    const Run r = cli(dataDir, {QStringLiteral("borrow"), QStringLiteral("--query"), query});
    if (r.exitCode != 0) {
        qWarning() << r.describe();
        return {};
    }
    if (out)
        *out = r.object();
    return r.object().value(QStringLiteral("contract_id")).toString();
}

std::unique_ptr<protocol::Channel> TestCliMarket::lenderConnection()
{
    protocol::HandshakeConfig config;
    config.localRole = QStringLiteral("lender");
    std::unique_ptr<protocol::Channel> lender(
        protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), m_marketPort, m_lenderIdentity, m_marketId, config, nullptr));
    if (!lender->waitEstablished(30'000).ok())
        return nullptr;
    return lender;
}

protocol::RegisterPartition TestCliMarket::registration(const QString &partitionId, qint64 memoryMib, const char16_t *rate,
                                                        qint64 maxDurationS) const
{
    protocol::RegisterPartition reg;
    reg.partitionId = partitionId;
    reg.lenderName = QStringLiteral("test lender");
    reg.agentAddress = QStringLiteral("127.0.0.1:") + QString::number(m_deadLenderPort);
    reg.conditions.resources = Resources{1, memoryMib, 1024};
    reg.conditions.osImages = {QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::parse(rate).value();
    reg.conditions.maxDurationS = maxDurationS;
    return reg;
}

void TestCliMarket::offersAsJson()
{
    const Run all = cli(m_borrowerA, {QStringLiteral("offers")});
    QVERIFY2(all.exitCode == 0, qPrintable(all.describe()));
    const QJsonArray offers = all.array();
    QCOMPARE(offers.size(), 3);
    for (const QJsonValue &v : offers) {
        const QJsonObject o = v.toObject();
        for (const char *k : {"offer_id", "lender_id", "partition_id", "cpus", "memory_mib", "disk_mib", "os_images", "rate"})
            QVERIFY2(o.contains(QLatin1String(k)), k);
        QVERIFY(o.value(QStringLiteral("rate")).isString());
        QCOMPARE(o.value(QStringLiteral("lender_id")).toString(), m_lenderIdentity.nodeId());
    }
    // Ordered by rate, cheapest first, and limited.
    const Run cheapest = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--order"), QStringLiteral("rate"),
                                           QStringLiteral("--limit"), QStringLiteral("1")});
    QVERIFY2(cheapest.exitCode == 0, qPrintable(cheapest.describe()));
    QCOMPARE(cheapest.array().size(), 1);
    QCOMPARE(cheapest.array().first().toObject().value(QStringLiteral("partition_id")).toString(), QStringLiteral("p-small"));
    // The page is not all there is, and standard error says so (standard output stays one
    // JSON document).
    QVERIFY2(cheapest.err.contains(QLatin1String("1 of 3 matching offers shown; --limit N shows more")), qPrintable(cheapest.describe()));
    QVERIFY2(!all.err.contains(QLatin1String("matching offers shown")), qPrintable(all.describe()));
    // Further pages: --offset, or offset= in the query (which wins, as at the market), and
    // what standard error says of them.
    const Run second = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--order"), QStringLiteral("rate"),
                                         QStringLiteral("--limit"), QStringLiteral("1"), QStringLiteral("--offset"), QStringLiteral("1")});
    QVERIFY2(second.exitCode == 0, qPrintable(second.describe()));
    QCOMPARE(second.array().size(), 1);
    QVERIFY(second.array().first().toObject().value(QStringLiteral("partition_id")).toString() != QStringLiteral("p-small"));
    QVERIFY2(second.err.contains(QLatin1String("offers 2 to 2 of 3 matching shown; --offset 2 shows the next ones")), qPrintable(second.describe()));
    const Run lastPage = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("offset=2"),
                                           QStringLiteral("--offset"), QStringLiteral("1")});
    QVERIFY2(lastPage.exitCode == 0, qPrintable(lastPage.describe()));
    QCOMPARE(lastPage.array().size(), 1);
    QVERIFY2(lastPage.err.contains(QLatin1String("offers 3 to 3 of 3 matching shown\n")), qPrintable(lastPage.describe()));
    const Run beyond = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--offset"), QStringLiteral("5")});
    QVERIFY2(beyond.exitCode == 0, qPrintable(beyond.describe()));
    QCOMPARE(beyond.array().size(), 0);
    QVERIFY2(beyond.err.contains(QLatin1String("3 offers match, fewer than the 5 skipped")), qPrintable(beyond.describe()));
    const Run big = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("cpus>=2 memory>=1G os=busybox")});
    QVERIFY2(big.exitCode == 0, qPrintable(big.describe()));
    QCOMPARE(big.array().size(), 1);
    QCOMPARE(big.array().first().toObject().value(QStringLiteral("rate")).toString(), QStringLiteral("3"));
    // Without --json: a table for people.
    const Run table = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("offers")});
    QVERIFY2(table.exitCode == 0, qPrintable(table.describe())); // the market was remembered
    QVERIFY2(table.out.contains("RATE/H") && table.out.contains("2.25"), table.out.constData());
}

void TestCliMarket::nothingMatchesExplainsAndExitsZero()
{
    const Run none = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("cpus>=64")});
    QVERIFY2(none.exitCode == 0, qPrintable(none.describe()));
    QVERIFY(none.json().isArray());
    QCOMPARE(none.array().size(), 0);
    QVERIFY2(none.err.contains(QStringLiteral("cpus>=64")), qPrintable(none.err));
}

void TestCliMarket::queryErrorNamesTheToken()
{
    const Run bad = cli(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("cpus>=1 colour=blue")});
    QVERIFY(bad.exitCode != 0);
    QVERIFY2(bad.err.contains(QStringLiteral("colour=blue")), qPrintable(bad.describe()));
    const Run badBorrow = cli(m_borrowerA, {QStringLiteral("borrow"), QStringLiteral("--query"), QStringLiteral("memory>=lots")});
    QVERIFY(badBorrow.exitCode != 0);
    QVERIFY2(badBorrow.err.contains(QStringLiteral("memory>=lots")), qPrintable(badBorrow.describe()));
}

void TestCliMarket::borrowEndBillsAndVerify()
{
    const Run borrowed = cli(m_borrowerA, {QStringLiteral("borrow"), QStringLiteral("--query"), QStringLiteral("memory>=512M order=rate")});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    const QJsonObject c = borrowed.object();
    for (const char *k : {"contract_id", "lender_id", "lender_address", "partition_id", "rate", "started_at"})
        QVERIFY2(c.contains(QLatin1String(k)), k);
    QVERIFY(!c.contains(QStringLiteral("key")));
    QCOMPARE(c.value(QStringLiteral("partition_id")).toString(), QStringLiteral("p-mid")); // the cheapest that fits
    QCOMPARE(c.value(QStringLiteral("rate")).toString(), QStringLiteral("2.25"));
    QCOMPARE(c.value(QStringLiteral("lender_id")).toString(), m_lenderIdentity.nodeId());
    const QString contractId = c.value(QStringLiteral("contract_id")).toString();

    // The key is kept, privately, and never printed without --show-key.
    const QDir keys(m_borrowerA + QStringLiteral("/keys"));
    const QStringList keyFiles = keys.entryList(QDir::Files);
    QCOMPARE(keyFiles.size(), 1);
    const QFile::Permissions perms = QFile::permissions(keys.filePath(keyFiles.first()));
    QCOMPARE(perms & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther), QFile::Permissions());
    QVERIFY(!borrowed.out.contains("\"key\""));

    // The offer is gone from the market while lent.
    const Run after = cli(m_borrowerA, {QStringLiteral("offers")});
    QCOMPARE(after.array().size(), 2);

    // --show-key on a second contract.
    const Run shown = cli(m_borrowerA, {QStringLiteral("borrow"), QStringLiteral("--query"), QStringLiteral("cpus>=2"),
                                        QStringLiteral("--show-key")});
    QVERIFY2(shown.exitCode == 0, qPrintable(shown.describe()));
    QCOMPARE(QByteArray::fromBase64(shown.object().value(QStringLiteral("key")).toString().toLatin1()).size(), 32);
    const QString second = shown.object().value(QStringLiteral("contract_id")).toString();

    // End: the market options are remembered with the contract, so the ID is enough.
    const Run ended = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("--json"),
                                  QStringLiteral("end"), contractId});
    QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
    const QJsonObject e = ended.object();
    QCOMPARE(e.value(QStringLiteral("contract_id")).toString(), contractId);
    const QJsonObject receipt = e.value(QStringLiteral("receipt")).toObject();
    for (const char *k : {"contract_id", "market_id", "borrower_id", "lender_id", "partition_id", "rate", "started_at_ms",
                          "ended_at_ms", "charge", "market_certificate", "signature"})
        QVERIFY2(receipt.contains(QLatin1String(k)), k);
    QCOMPARE(receipt.value(QStringLiteral("market_id")).toString(), m_marketId);
    QVERIFY(e.value(QStringLiteral("receipt_valid")).toBool());
    // charge = rate × (ended − started), to the micro-unit.
    const qint64 started = static_cast<qint64>(receipt.value(QStringLiteral("started_at_ms")).toDouble());
    const qint64 endedAt = static_cast<qint64>(receipt.value(QStringLiteral("ended_at_ms")).toDouble());
    QVERIFY(endedAt >= started && started > 0);
    QCOMPARE(e.value(QStringLiteral("duration_ms")).toInteger(), endedAt - started);
    const Money expected = Money::charge(Money::parse(QStringLiteral("2.25")).value(), endedAt - started).value();
    QCOMPARE(Money::parse(e.value(QStringLiteral("charge")).toString()).value(), expected);
    QCOMPARE(Money::parse(receipt.value(QStringLiteral("charge")).toString()).value(), expected);
    // The key is void now and forgotten.
    QCOMPARE(keys.entryList(QDir::Files).size(), 1);

    // Ending twice is refused, clearly.
    const Run twice = cli(m_borrowerA, {QStringLiteral("end"), contractId});
    QVERIFY(twice.exitCode != 0);
    QVERIFY2(twice.err.contains(contractId), qPrintable(twice.describe()));

    // The receipt checks offline: the whole `end` output or the receipt alone.
    const QString endFile = m_root.filePath(QStringLiteral("end.json"));
    QFile f(endFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(ended.out);
    f.close();
    const Run verified = runProgram(bin(QStringLiteral("borrower-client")),
                                    {QStringLiteral("--cli"), QStringLiteral("--json"), QStringLiteral("receipt"),
                                     QStringLiteral("verify"), endFile});
    QVERIFY2(verified.exitCode == 0, qPrintable(verified.describe()));
    QCOMPARE(verified.object().value(QStringLiteral("valid")).toBool(), true);
    // A receipt whose charge was lowered fails, with the reason.
    QJsonObject tampered = receipt;
    tampered.insert(QStringLiteral("charge"), Money::fromMicros(expected.micros() / 2).toString());
    const QString badFile = m_root.filePath(QStringLiteral("tampered.json"));
    QFile b(badFile);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write(QJsonDocument(tampered).toJson());
    b.close();
    const Run refused = runProgram(bin(QStringLiteral("borrower-client")),
                                   {QStringLiteral("--cli"), QStringLiteral("receipt"), QStringLiteral("verify"), badFile});
    QVERIFY2(refused.exitCode == 1, qPrintable(refused.describe()));
    QVERIFY2(refused.err.contains(QStringLiteral("does not verify")), qPrintable(refused.describe()));
    const auto verifyFile = [&](const QString &name, const QByteArray &bytes) {
        const QString path = m_root.filePath(name);
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size())
            return Run{};
        out.close();
        return runProgram(bin(QStringLiteral("borrower-client")), {QStringLiteral("--cli"), QStringLiteral("receipt"), QStringLiteral("verify"), path});
    };
    // The `end` output with its outer charge edited and the receipt intact: not valid either.
    QJsonObject outerEdited = ended.object();
    outerEdited.insert(QStringLiteral("charge"), QStringLiteral("0.01"));
    const Run edited = verifyFile(QStringLiteral("outer-edited.json"), QJsonDocument(outerEdited).toJson());
    QVERIFY2(edited.exitCode == 1 && edited.err.contains(QLatin1String("\"charge\" (0.01) is not what the signed receipt says")),
             qPrintable(edited.describe()));
    // A field the signature does not cover, inside the receipt: not valid.
    QJsonObject withExtra = ended.object();
    QJsonObject innerExtra = withExtra.value(QStringLiteral("receipt")).toObject();
    innerExtra.insert(QStringLiteral("extra"), 1);
    withExtra.insert(QStringLiteral("receipt"), innerExtra);
    const Run extra = verifyFile(QStringLiteral("extra.json"), QJsonDocument(withExtra).toJson());
    QVERIFY2(extra.exitCode == 1 && extra.err.contains(QLatin1String("\"extra\" that its signature does not cover")), qPrintable(extra.describe()));
    // The outer charge as a number: said so, not "0.01 is not 0.01".
    QJsonObject numberCharge = ended.object();
    numberCharge.insert(QStringLiteral("charge"), Money::parse(numberCharge.value(QStringLiteral("charge")).toString())->micros() / 1e6);
    const Run typed = verifyFile(QStringLiteral("number-charge.json"), QJsonDocument(numberCharge).toJson());
    QVERIFY2(typed.exitCode == 1 && typed.err.contains(QLatin1String("\"charge\" should be text")), qPrintable(typed.describe()));
    // The start date of a `borrow --json` output edited beside its intact receipt.
    QJsonObject redated = shown.object();
    QVERIFY(redated.contains(QStringLiteral("receipt")));
    QVERIFY(verifyFile(QStringLiteral("borrowed.json"), QJsonDocument(redated).toJson()).exitCode == 0);
    redated.insert(QStringLiteral("started_at"), QStringLiteral("2020-01-01T00:00:00.000Z"));
    const Run redatedRun = verifyFile(QStringLiteral("redated.json"), QJsonDocument(redated).toJson());
    QVERIFY2(redatedRun.exitCode == 1 && redatedRun.err.contains(QLatin1String("\"started_at\"")), qPrintable(redatedRun.describe()));
    // An empty file says so.
    const Run empty = verifyFile(QStringLiteral("empty.json"), QByteArray());
    QVERIFY2(empty.exitCode == 1 && empty.err.contains(QLatin1String("it is empty")), qPrintable(empty.describe()));
    // Not a receipt at all: exit 1 with what the file holds; a usage error exits 2.
    const Run array = verifyFile(QStringLiteral("array.json"), "[]");
    QVERIFY2(array.exitCode == 1 && array.err.contains(QLatin1String("it holds a JSON array")), qPrintable(array.describe()));
    const Run garbage = verifyFile(QStringLiteral("garbage.json"), "{\"contract_id\": ");
    QVERIFY2(garbage.exitCode == 1 && garbage.err.contains(QLatin1String("at byte")), qPrintable(garbage.describe()));
    const Run usage = runProgram(bin(QStringLiteral("borrower-client")), {QStringLiteral("--cli"), QStringLiteral("receipt"), QStringLiteral("check")});
    QVERIFY2(usage.exitCode == 2 && usage.err.contains(QLatin1String("receipt show CONTRACT_ID")), qPrintable(usage.describe()));
    // The receipt kept in the data directory, shown later without the network, is the one
    // `end` printed, and verifies.
    const Run kept = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("receipt"), QStringLiteral("show"), contractId});
    QVERIFY2(kept.exitCode == 0, qPrintable(kept.describe()));
    QCOMPARE(kept.object(), receipt);
    const Run keptVerified = verifyFile(QStringLiteral("kept.json"), kept.out);
    QVERIFY2(keptVerified.exitCode == 0, qPrintable(keptVerified.describe()));
    // A receipt for a contract the data directory keeps must come from the market that
    // contract was made with: here the directory's record says another market.
    const QString store = QDir(m_borrowerA).filePath(QStringLiteral("borrower.db"));
    const QString elsewhere(64, QLatin1Char('e'));
    auto restoreMarket = qScopeGuard([&] { recordContractMarket(store, contractId, m_marketId); });
    QVERIFY(recordContractMarket(store, contractId, elsewhere));
    const Run notItsMarket = runProgram(bin(QStringLiteral("borrower-client")), {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA,
                                                                                 QStringLiteral("receipt"), QStringLiteral("verify"), endFile});
    QVERIFY2(notItsMarket.exitCode == 1 && notItsMarket.err.contains(QStringLiteral("was made with market ") + elsewhere),
             qPrintable(notItsMarket.describe()));
    // Naming the market is the user's word for it.
    const Run named = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("--market-id"), m_marketId,
                                  QStringLiteral("receipt"), QStringLiteral("verify"), endFile});
    QVERIFY2(named.exitCode == 0, qPrintable(named.describe()));
    restoreMarket.dismiss();
    QVERIFY(recordContractMarket(store, contractId, m_marketId));
    const Run itsMarket = runProgram(bin(QStringLiteral("borrower-client")), {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA,
                                                                              QStringLiteral("receipt"), QStringLiteral("verify"), endFile});
    QVERIFY2(itsMarket.exitCode == 0, qPrintable(itsMarket.describe()));
    const Run unknown = runProgram(bin(QStringLiteral("borrower-client")),
                                   {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("receipt"), QStringLiteral("show"),
                                    QStringLiteral("c-unknown")});
    QVERIFY2(unknown.exitCode == 1 && unknown.err.contains(QLatin1String("c-unknown")), qPrintable(unknown.describe()));
    // Pinned to another market: refused.
    const Run otherMarket = runProgram(bin(QStringLiteral("borrower-client")),
                                       {QStringLiteral("--cli"), QStringLiteral("--market-id"), QString(64, QLatin1Char('0')),
                                        QStringLiteral("receipt"), QStringLiteral("verify"), endFile});
    QVERIFY(otherMarket.exitCode != 0);

    // Bills: both contracts, the ended one with the same charge.
    const Run bills = cli(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    bool sawEnded = false, sawRunning = false;
    for (const QJsonValue &v : bills.array()) {
        const QJsonObject bill = v.toObject();
        if (bill.value(QStringLiteral("contract_id")).toString() == contractId) {
            sawEnded = true;
            QCOMPARE(bill.value(QStringLiteral("state")).toString(), QStringLiteral("ended"));
            QCOMPARE(Money::parse(bill.value(QStringLiteral("charge")).toString()).value(), expected);
        } else if (bill.value(QStringLiteral("contract_id")).toString() == second) {
            sawRunning = true;
            QCOMPARE(bill.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        }
    }
    QVERIFY2(sawEnded && sawRunning, bills.out.constData());
    const Run future = cli(m_borrowerA, {QStringLiteral("bills"), QStringLiteral("--since"), QStringLiteral("2999-01-01")});
    QVERIFY2(future.exitCode == 0, qPrintable(future.describe()));
    QCOMPARE(future.array().size(), 0);
    QVERIFY(cli(m_borrowerA, {QStringLiteral("end"), second}).exitCode == 0);
}

void TestCliMarket::anotherBorrowerCannotEndOrUseTheContract()
{
    const QString contractId = borrowOne(m_borrowerA, QStringLiteral("cpus>=1"));
    QVERIFY(!contractId.isEmpty());
    const Run stranger = cli(m_borrowerB, {QStringLiteral("end"), contractId});
    QVERIFY(stranger.exitCode != 0);
    QVERIFY2(stranger.err.contains(contractId), qPrintable(stranger.describe()));
    // B has no key for it: nothing to submit with.
    QFile script(m_root.filePath(QStringLiteral("job.sh")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("echo hi\n");
    script.close();
    const Run use = cli(m_borrowerB, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                      QStringLiteral("--script"), script.fileName()});
    QVERIFY(use.exitCode != 0);
    QVERIFY2(use.err.contains(contractId), qPrintable(use.describe()));
    // A's contract still runs and A can end it.
    const Run bills = cli(m_borrowerA, {QStringLiteral("bills")});
    bool running = false;
    for (const QJsonValue &v : bills.array())
        running |= v.toObject().value(QStringLiteral("contract_id")).toString() == contractId
                   && v.toObject().value(QStringLiteral("state")).toString() == QStringLiteral("running");
    QVERIFY2(running, bills.out.constData());
    // B's bills do not show it.
    const Run billsB = cli(m_borrowerB, {QStringLiteral("bills")});
    QVERIFY2(billsB.exitCode == 0, qPrintable(billsB.describe()));
    QVERIFY(!billsB.out.contains(contractId.toUtf8()));
    QVERIFY(cli(m_borrowerA, {QStringLiteral("end"), contractId}).exitCode == 0);
}

void TestCliMarket::deadLenderIsAClearError()
{
    const QString contractId = borrowOne(m_borrowerA, QStringLiteral("cpus>=1"));
    QVERIFY(!contractId.isEmpty());
    const QString scriptPath = m_root.filePath(QStringLiteral("job.sh"));
    QFile script(scriptPath);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("echo hi\nexit 3\n");
    script.close();
    const Run r = cli(m_borrowerA, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                    QStringLiteral("--script"), scriptPath});
    QVERIFY(r.exitCode != 0);
    QVERIFY(!r.timedOut);
    QVERIFY2(r.err.contains(QStringLiteral("cannot reach the lender agent at 127.0.0.1:") + QString::number(m_deadLenderPort)),
             qPrintable(r.describe()));
    QVERIFY2(r.err.contains(QStringLiteral("end ") + contractId), qPrintable(r.describe()));
    QVERIFY(cli(m_borrowerA, {QStringLiteral("end"), contractId}).exitCode == 0);
}

void TestCliMarket::unknownIdsAreClearErrors()
{
    const Run end = cli(m_borrowerA, {QStringLiteral("end"), QStringLiteral("c-does-not-exist")});
    QVERIFY(end.exitCode != 0);
    QVERIFY2(end.err.contains(QStringLiteral("c-does-not-exist")), qPrintable(end.describe()));
    const Run wait = cli(m_borrowerA, {QStringLiteral("wait"), QStringLiteral("j-does-not-exist")});
    QVERIFY(wait.exitCode != 0);
    QVERIFY2(wait.err.contains(QStringLiteral("j-does-not-exist")), qPrintable(wait.describe()));
    const Run borrow = cli(m_borrowerA, {QStringLiteral("borrow"), QStringLiteral("o-does-not-exist")});
    QVERIFY(borrow.exitCode != 0);
    QVERIFY2(!borrow.err.isEmpty(), qPrintable(borrow.describe()));
}

void TestCliMarket::marketDownIsAClearErrorNotAHang()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString closed = QStringLiteral("127.0.0.1:") + QString::number(probe.serverPort());
    probe.close();
    const Run r = runProgram(bin(QStringLiteral("borrower-client")),
                             {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerB, QStringLiteral("--market"), closed,
                              QStringLiteral("--market-id"), m_marketId, QStringLiteral("offers")});
    QVERIFY(!r.timedOut);
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains(QStringLiteral("cannot reach the market at ") + closed), qPrintable(r.describe()));
    // A wrong market ID is named as such.
    const Run wrongId = runProgram(bin(QStringLiteral("borrower-client")),
                                   {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerB, QStringLiteral("--market"),
                                    QStringLiteral("127.0.0.1:") + QString::number(m_marketPort), QStringLiteral("--market-id"),
                                    QString(64, QLatin1Char('e')), QStringLiteral("offers")});
    QVERIFY(wrongId.exitCode != 0);
    QVERIFY2(wrongId.err.contains(QStringLiteral("not the node you pinned")), qPrintable(wrongId.describe()));
}

void TestCliMarket::marketRestartLosesNothing()
{
    const QString contractId = borrowOne(m_borrowerA, QStringLiteral("cpus>=1"));
    QVERIFY(!contractId.isEmpty());
    const QString second = borrowOne(m_borrowerA, QStringLiteral("cpus>=1")); // ended below, elsewhere
    QVERIFY(!second.isEmpty());
    m_market.stop();
    const Run down = cli(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY(down.exitCode != 0);
    QVERIFY2(down.err.contains(QStringLiteral("cannot reach the market")), qPrintable(down.describe()));
    QVERIFY2(startMarket(), qPrintable(m_market.log()));
    QCOMPARE(m_market.match.captured(1), m_marketId);
    const Run bills = cli(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    QVERIFY(bills.out.contains(contractId.toUtf8()));
    const Run ended = cli(m_borrowerA, {QStringLiteral("end"), contractId});
    QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
    QVERIFY(ended.object().value(QStringLiteral("receipt_valid")).toBool());

    // The same market served by a second process (the same data directory: the same ID) at
    // another address: with the process the contract was made at down, `end --market` at
    // the other one ends it (the contract's market is its ID, not the address it was made at).
    Service other;
    QVERIFY2(other.start(bin(QStringLiteral("market-manager")),
                         {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"),
                          m_root.filePath(QStringLiteral("market")), QStringLiteral("--heartbeat-timeout"), QStringLiteral("3600")},
                         QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on [^:]+:(\\d+)"))),
             qPrintable(other.log()));
    QCOMPARE(other.match.captured(1), m_marketId);
    m_market.stop();
    const Run endedThere = runProgram(bin(QStringLiteral("borrower-client")),
                                      {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("--json"),
                                       QStringLiteral("--market"), QStringLiteral("127.0.0.1:") + other.match.captured(2),
                                       QStringLiteral("--market-id"), m_marketId, QStringLiteral("end"), second});
    QVERIFY2(endedThere.exitCode == 0, qPrintable(endedThere.describe()));
    QVERIFY(endedThere.object().value(QStringLiteral("receipt_valid")).toBool());
    other.stop();
    QVERIFY2(startMarket(), qPrintable(m_market.log()));
}

void TestCliMarket::nameReachesEveryMarket()
{
    // `name NAME` tells the market at once; the name is kept and told to another market the
    // first time the borrower uses it, before anything else.
    const QString dir = m_root.filePath(QStringLiteral("borrower-named"));
    const Run none = cli(dir, {QStringLiteral("name")});
    QVERIFY2(none.exitCode == 0, qPrintable(none.describe()));
    QCOMPARE(none.object().value(QStringLiteral("name")).toString(), QString());
    const Run set = cli(dir, {QStringLiteral("name"), QStringLiteral(" Acme Lab ")});
    QVERIFY2(set.exitCode == 0, qPrintable(set.describe()));
    QCOMPARE(set.object().value(QStringLiteral("name")).toString(), QStringLiteral("Acme Lab"));
    QCOMPARE(set.object().value(QStringLiteral("market_id")).toString(), m_marketId);
    // A name the market refuses is not kept.
    const Run tooLong = cli(dir, {QStringLiteral("name"), QString(200, QLatin1Char('n'))});
    QCOMPARE(tooLong.exitCode, 2); // invalid_argument, as a usage error
    QVERIFY2(tooLong.err.contains(QLatin1String("at most 128")), qPrintable(tooLong.describe()));
    const Run text = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("name")});
    QVERIFY2(text.exitCode == 0 && text.out.contains("\"Acme Lab\""), qPrintable(text.describe()));

    // A second market, whose admin this test is, with one partition of this test's lender.
    Result<Identity> admin = Identity::loadOrCreate(m_root.filePath(QStringLiteral("admin")), QStringLiteral("admin"));
    QVERIFY(admin.ok());
    Service second;
    QVERIFY2(second.start(bin(QStringLiteral("market-manager")),
                          {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"),
                           m_root.filePath(QStringLiteral("market-2")), QStringLiteral("--admin-id"), admin->nodeId(),
                           QStringLiteral("--heartbeat-timeout"), QStringLiteral("3600")},
                          QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on [^:]+:(\\d+)"))),
             qPrintable(second.log()));
    const QString secondId = second.match.captured(1);
    const quint16 secondPort = static_cast<quint16>(second.match.captured(2).toUInt());
    protocol::HandshakeConfig lenderConfig;
    lenderConfig.localRole = QStringLiteral("lender");
    std::unique_ptr<protocol::Channel> lender(protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), secondPort,
                                                                              m_lenderIdentity, secondId, lenderConfig, nullptr));
    QVERIFY(lender->waitEstablished(30'000).ok());
    protocol::RegisterPartition reg;
    reg.partitionId = QStringLiteral("p-second");
    reg.agentAddress = QStringLiteral("127.0.0.1:") + QString::number(m_deadLenderPort);
    reg.conditions.resources = Resources{1, 256, 1024};
    reg.conditions.osImages = {QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::parse(QStringLiteral("1")).value();
    QVERIFY(lender->call<protocol::PartitionRegistered>(reg).ok());

    const Run borrowed = runProgram(bin(QStringLiteral("borrower-client")),
                                    {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("--json"),
                                     QStringLiteral("--market"), QStringLiteral("127.0.0.1:") + QString::number(secondPort),
                                     QStringLiteral("--market-id"), secondId, QStringLiteral("borrow"), QStringLiteral("--query"),
                                     QStringLiteral("cpus>=1")});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    protocol::HandshakeConfig adminConfig;
    adminConfig.localRole = QStringLiteral("admin");
    std::unique_ptr<protocol::Channel> manager(
        protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), secondPort, *admin, secondId, adminConfig, nullptr));
    QVERIFY(manager->waitEstablished(30'000).ok());
    Result<protocol::AdminContractPage> page = manager->call<protocol::AdminContractPage>(protocol::AdminListContracts{});
    QVERIFY2(page.ok(), qPrintable(page.error().message));
    QCOMPARE(page->rows.size(), 1);
    QCOMPARE(page->borrowerNames, std::optional<QStringList>(QStringList{QStringLiteral("Acme Lab")}));

    // Forgotten at the first market, the name is forgotten at the second on its next use too.
    const Run forget = cli(dir, {QStringLiteral("name"), QString()});
    QVERIFY2(forget.exitCode == 0, qPrintable(forget.describe()));
    QCOMPARE(forget.object().value(QStringLiteral("name")).toString(), QString());
    const Run bills = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("--json"), QStringLiteral("--market"),
                                  QStringLiteral("127.0.0.1:") + QString::number(secondPort), QStringLiteral("--market-id"), secondId,
                                  QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    // The client tells the name first and does not wait for that answer before its bills (the
    // name is told again at the next use if the answer did not come): the market's write may
    // still be on its way when the bills are answered.
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 page = manager->call<protocol::AdminContractPage>(protocol::AdminListContracts{});
                                 return page.ok() && page->borrowerNames == std::optional<QStringList>(QStringList{QString()});
                             }()),
                             10'000);

    // The contract is ended at the market it was made with, the second, while the first is
    // named: the first stays the market used here (offers without --market come from it,
    // where there is no p-second).
    const Run ended = cli(dir, {QStringLiteral("end"), borrowed.object().value(QStringLiteral("contract_id")).toString()});
    QVERIFY2(ended.exitCode == 0 && ended.object().value(QStringLiteral("receipt_valid")).toBool(), qPrintable(ended.describe()));
    QCOMPARE(ended.object().value(QStringLiteral("receipt")).toObject().value(QStringLiteral("market_id")).toString(), secondId);
    // So is its receipt fetched (the first market has no such contract; it was asked before).
    const Run fetched = cli(dir, {QStringLiteral("receipt"), QStringLiteral("fetch"), borrowed.object().value(QStringLiteral("contract_id")).toString()});
    QVERIFY2(fetched.exitCode == 0, qPrintable(fetched.describe()));
    QCOMPARE(fetched.object().value(QStringLiteral("market_id")).toString(), secondId);
    const Run offers = runProgram(bin(QStringLiteral("borrower-client")),
                                  {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("--json"), QStringLiteral("offers")});
    QVERIFY2(offers.exitCode == 0, qPrintable(offers.describe()));
    for (const QJsonValue &o : offers.array())
        QVERIFY2(o.toObject().value(QStringLiteral("partition_id")).toString() != reg.partitionId, qPrintable(offers.describe()));
}

void TestCliMarket::contractTheMarketEndedIsEndedHere()
{
    // The lender loses the partition: the market ends the contract on its own. The borrower
    // hears of it with its bills; the contract is ended here too, its kept receipt is the
    // start one (shown with a warning, and verified as a start receipt, not as a bill of 0).
    // (The market restarted in a test before: a new connection of the same lender.)
    std::unique_ptr<protocol::Channel> lender = lenderConnection();
    QVERIFY(lender);
    Result<protocol::PartitionRegistered> registered =
        lender->call<protocol::PartitionRegistered>(registration(QStringLiteral("p-lost"), 256, u"0.5", 7200));
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    QJsonObject granted;
    const QString contractId = borrowOne(m_borrowerA, QStringLiteral("cpus>=1 rate<=0.5"), &granted);
    QVERIFY(!contractId.isEmpty());
    const QString partition = granted.value(QStringLiteral("partition_id")).toString();
    // Its time limit, and when the market would end it by itself.
    QCOMPARE(granted.value(QStringLiteral("max_duration_s")).toInteger(), qint64(7200));
    QCOMPARE(QDateTime::fromString(granted.value(QStringLiteral("ends_at")).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch()
                 - QDateTime::fromString(granted.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch(),
             qint64(7'200'000));
    Result<protocol::Ack> lost = lender->call<protocol::Ack>(
        protocol::PartitionLost{.partitionId = partition, .reason = QStringLiteral("the test machine went away")});
    QVERIFY2(lost.ok(), qPrintable(lost.error().toString()));
    const Run bills = cli(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    const QString script = m_root.filePath(QStringLiteral("job.sh"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly) && f.write("echo hi\n") == 8);
    f.close();
    const Run submit = cli(m_borrowerA, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                         QStringLiteral("--script"), script});
    QVERIFY2(submit.exitCode != 0 && submit.err.contains(QLatin1String("ended on")), qPrintable(submit.describe()));
    const Run shown = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("receipt"), QStringLiteral("show"),
                                  contractId});
    QVERIFY2(shown.exitCode == 0 && shown.err.contains(QLatin1String("no end receipt")), qPrintable(shown.describe()));
    QCOMPARE(shown.object().value(QStringLiteral("ended_at_ms")).toDouble(-1), 0.0);
    const QString startFile = m_root.filePath(QStringLiteral("start-receipt.json"));
    QFile out(startFile);
    QVERIFY(out.open(QIODevice::WriteOnly) && out.write(shown.out) == shown.out.size());
    out.close();
    const Run verified = runProgram(bin(QStringLiteral("borrower-client")),
                                    {QStringLiteral("--cli"), QStringLiteral("--json"), QStringLiteral("receipt"), QStringLiteral("verify"), startFile});
    QVERIFY2(verified.exitCode == 0, qPrintable(verified.describe()));
    QCOMPARE(verified.object().value(QStringLiteral("ended")).toBool(true), false);
    const Run said = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("receipt"), QStringLiteral("verify"), startFile});
    QVERIFY2(said.out.contains("start receipt") && said.out.contains("bills nothing"), qPrintable(said.describe()));

    // `receipt fetch` asks the market, which signs the end receipt now; it is kept, and
    // `receipt show` prints it from then on, without the warning.
    QVERIFY2(shown.err.contains(QLatin1String("receipt fetch")), qPrintable(shown.describe()));
    const Run fetched = cli(m_borrowerA, {QStringLiteral("receipt"), QStringLiteral("fetch"), contractId});
    QVERIFY2(fetched.exitCode == 0, qPrintable(fetched.describe()));
    QVERIFY(fetched.object().value(QStringLiteral("ended_at_ms")).toDouble() > 0);
    QCOMPARE(fetched.object().value(QStringLiteral("contract_id")).toString(), contractId);
    QCOMPARE(fetched.object().value(QStringLiteral("borrower_id")).toString(), shown.object().value(QStringLiteral("borrower_id")).toString());
    const Run billsJson = cli(m_borrowerA, {QStringLiteral("--json"), QStringLiteral("bills")});
    QVERIFY2(billsJson.exitCode == 0, qPrintable(billsJson.describe()));
    QString billed;
    for (const QJsonValue &b : QJsonDocument::fromJson(billsJson.out).array())
        if (b.toObject().value(QStringLiteral("contract_id")).toString() == contractId)
            billed = b.toObject().value(QStringLiteral("charge")).toString();
    QVERIFY(!billed.isEmpty());
    QCOMPARE(fetched.object().value(QStringLiteral("charge")).toString(), billed);
    const Run shownAgain = runProgram(bin(QStringLiteral("borrower-client")),
                                      {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("receipt"),
                                       QStringLiteral("show"), contractId});
    QVERIFY2(shownAgain.exitCode == 0 && shownAgain.err.isEmpty(), qPrintable(shownAgain.describe()));
    QCOMPARE(shownAgain.object(), fetched.object());
    // `receipt verify -` reads standard input.
    const Run fromStdin = runProgram(bin(QStringLiteral("borrower-client")),
                                     {QStringLiteral("--cli"), QStringLiteral("--json"), QStringLiteral("receipt"), QStringLiteral("verify"),
                                      QStringLiteral("-")},
                                     120'000, {}, shownAgain.out);
    QVERIFY2(fromStdin.exitCode == 0, qPrintable(fromStdin.describe()));
    QCOMPARE(fromStdin.object().value(QStringLiteral("ended")).toBool(false), true);
    QCOMPARE(fromStdin.object().value(QStringLiteral("charge")).toString(), billed);
    // The same borrower in another data directory (its identity copied): fetched, the end
    // receipt is kept there too, and `receipt show` prints it.
    const QString elsewhere = m_root.filePath(QStringLiteral("borrower-a-elsewhere"));
    QVERIFY(QDir().mkpath(Identity::identityDir(elsewhere)));
    QVERIFY(QFile::copy(Identity::keyPath(m_borrowerA), Identity::keyPath(elsewhere)));
    QVERIFY(QFile::copy(Identity::certificatePath(m_borrowerA), Identity::certificatePath(elsewhere)));
    const Run fetchedElsewhere = cli(elsewhere, {QStringLiteral("receipt"), QStringLiteral("fetch"), contractId});
    QVERIFY2(fetchedElsewhere.exitCode == 0, qPrintable(fetchedElsewhere.describe()));
    const Run shownElsewhere = runProgram(bin(QStringLiteral("borrower-client")),
                                          {QStringLiteral("--cli"), QStringLiteral("--data"), elsewhere, QStringLiteral("receipt"),
                                           QStringLiteral("show"), contractId});
    QVERIFY2(shownElsewhere.exitCode == 0 && shownElsewhere.err.isEmpty(), qPrintable(shownElsewhere.describe()));
    QCOMPARE(shownElsewhere.object().value(QStringLiteral("charge")).toString(), billed);
    // Another borrower's contract, and none: not found at the market.
    const Run foreign = cli(m_borrowerB, {QStringLiteral("receipt"), QStringLiteral("fetch"), contractId});
    QVERIFY2(foreign.exitCode == 1 && foreign.err.contains(QLatin1String("not_found")), qPrintable(foreign.describe()));
}

void TestCliMarket::borrowOnlyOnTheTermsNamed()
{
    // A script picks an offer from `offers --json`, then borrows it: --max-rate,
    // --min-time-limit and --os agree to those terms, and the market lends nothing if the
    // lender has made them worse since (terms_changed, exit 1, saying what changed).
    std::unique_ptr<protocol::Channel> lender = lenderConnection();
    QVERIFY(lender);
    protocol::RegisterPartition reg = registration(QStringLiteral("p-terms"), 128, u"1", 3 * 3600);
    QVERIFY(lender->call<protocol::PartitionRegistered>(reg).ok());
    const auto listed = [&] {
        const Run offers = cli(m_borrowerB, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("memory<=128M")});
        return offers.exitCode == 0 ? offers.array() : QJsonArray();
    };
    const QJsonArray seen = listed();
    QCOMPARE(seen.size(), 1);
    const QString offerId = seen.first().toObject().value(QStringLiteral("offer_id")).toString();
    QVERIFY(!offerId.isEmpty());

    // The lender raises the rate and shortens the time limit.
    reg.conditions.ratePerHour = Money::parse(u"2").value();
    reg.conditions.maxDurationS = 3600;
    Result<protocol::PartitionRegistered> altered =
        lender->call<protocol::PartitionRegistered>(protocol::AlterPartition{.partitionId = reg.partitionId, .conditions = reg.conditions});
    QVERIFY2(altered.ok(), qPrintable(altered.error().toString()));
    const auto refusedSaying = [&](const QStringList &terms, const QString &says) {
        const Run r = cli(m_borrowerB, QStringList{QStringLiteral("borrow"), offerId} + terms);
        return r.exitCode == 1 && r.err.contains(QLatin1String("terms_changed")) && r.err.contains(says) && r.out.isEmpty()
                   ? QString()
                   : r.describe();
    };
    QString wrong = refusedSaying({QStringLiteral("--max-rate"), QStringLiteral("1")}, QStringLiteral("the rate is now 2 per hour, not 1"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    wrong = refusedSaying({QStringLiteral("--min-time-limit"), QStringLiteral("2h")}, QStringLiteral("at most 3600 s, not 7200 s"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    wrong = refusedSaying({QStringLiteral("--min-time-limit"), QStringLiteral("none")}, QStringLiteral("not without limit"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    wrong = refusedSaying({QStringLiteral("--os"), QStringLiteral("debian-12")}, QStringLiteral("no longer offers the OS image debian-12"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    // Nothing was lent: the offer is still listed, and this borrower has no contract on it.
    QCOMPARE(listed().size(), 1);
    const Run bills = cli(m_borrowerB, {QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    for (const QJsonValue &b : bills.array())
        QVERIFY(b.toObject().value(QStringLiteral("partition_id")).toString() != reg.partitionId);

    // Terms the offer still meets (what is not named is left open): lent, on its terms now.
    const Run lent = cli(m_borrowerB, {QStringLiteral("borrow"), offerId, QStringLiteral("--max-rate"), QStringLiteral("2.5"),
                                       QStringLiteral("--min-time-limit"), QStringLiteral("1h"), QStringLiteral("--os"), QStringLiteral("busybox")});
    QVERIFY2(lent.exitCode == 0, qPrintable(lent.describe()));
    QCOMPARE(lent.object().value(QStringLiteral("partition_id")).toString(), reg.partitionId);
    QCOMPARE(lent.object().value(QStringLiteral("rate")).toString(), QStringLiteral("2"));
    QCOMPARE(lent.object().value(QStringLiteral("max_duration_s")).toInteger(), qint64(3600));
    const Run ended = cli(m_borrowerB, {QStringLiteral("end"), lent.object().value(QStringLiteral("contract_id")).toString()});
    QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
}

void TestCliMarket::lostBorrowsAreRecovered()
{
    // What a `borrow` killed while it waited leaves behind: its Borrow made the contract at the
    // market, no answer came, and the borrow is noted in the data directory. (Made here by a
    // session whose answers a relay loses, deleted while it waits as the process would die.)
    std::unique_ptr<protocol::Channel> lender = lenderConnection();
    QVERIFY(lender);
    QStringList offers;
    for (const QString &partition : {QStringLiteral("p-rec-a"), QStringLiteral("p-rec-b")}) {
        Result<protocol::PartitionRegistered> r = lender->call<protocol::PartitionRegistered>(registration(partition, 256, u"0.4", 0));
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        offers.append(r->offerId);
    }
    const QString dir = m_root.filePath(QStringLiteral("borrower-recover"));
    const auto billed = [&]() -> QStringList {
        QStringList ids;
        for (const QJsonValue &b : cli(dir, {QStringLiteral("bills")}).array())
            ids.append(b.toObject().value(QStringLiteral("contract_id")).toString());
        return ids;
    };
    const auto loseTheAnswer = [&](const QString &offerId) {
        lendable::testing::FreezingRelay relay(m_marketPort);
        BorrowerSession session(dir);
        QVERIFY(session.open().ok());
        QVERIFY(session.setMarket(QStringLiteral("127.0.0.1:%1").arg(relay.port()), m_marketId).ok());
        const Result<protocol::OfferPage> seen = BorrowerSession::await<protocol::OfferPage>(
            [&](QObject *ctx, auto cb) { session.searchOffers(protocol::SearchOffers{}, ctx, cb); });
        QVERIFY2(seen.ok(), qPrintable(seen.error().toString()));
        const qsizetype before = billed().size();
        relay.freezeAnswers();
        QObject waiting;
        session.borrow(offerId, QString(), &waiting, [](Result<borrower::ContractRecord>) {});
        QTRY_COMPARE_WITH_TIMEOUT(billed().size(), before + 1, 20'000);
    };

    loseTheAnswer(offers.at(0));
    if (QTest::currentTestFailed())
        return;
    const QString madeA = billed().constFirst();
    // `recover` asks the market and takes the contract, under a new key; nothing is made.
    const Run recovered = cli(dir, {QStringLiteral("recover")});
    QVERIFY2(recovered.exitCode == 0, qPrintable(recovered.describe()));
    QCOMPARE(recovered.array().size(), 1);
    const QJsonObject one = recovered.array().at(0).toObject();
    QCOMPARE(one.value(QStringLiteral("outcome")).toString(), QStringLiteral("recovered"));
    QCOMPARE(one.value(QStringLiteral("offer_id")).toString(), offers.at(0));
    QCOMPARE(one.value(QStringLiteral("contract")).toObject().value(QStringLiteral("contract_id")).toString(), madeA);
    QVERIFY(QFile::exists(dir + QStringLiteral("/keys/") + madeA + QStringLiteral(".json")));
    QCOMPARE(billed().size(), 1);
    // Nothing is left to ask about, and it says so.
    const Run none = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("recover")});
    QVERIFY2(none.exitCode == 0 && none.out.contains("No borrow"), qPrintable(none.describe()));

    // The user borrows the same offer again after a lost answer: `borrow` answers with the
    // contract the first one made, says so, and makes no second one.
    loseTheAnswer(offers.at(1));
    if (QTest::currentTestFailed())
        return;
    const QString madeB = billed().constFirst();
    QVERIFY(madeB != madeA);
    const Run again = cli(dir, {QStringLiteral("borrow"), offers.at(1)});
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QCOMPARE(again.object().value(QStringLiteral("contract_id")).toString(), madeB);
    QVERIFY2(again.err.contains(QStringLiteral("made contract ") + madeB), qPrintable(again.describe()));
    QCOMPARE(billed().size(), 2);

    for (const QString &c : {madeA, madeB}) {
        const Run ended = cli(dir, {QStringLiteral("end"), c});
        QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
    }
    for (const QString &partition : {QStringLiteral("p-rec-a"), QStringLiteral("p-rec-b")})
        QVERIFY(lender->call<protocol::Ack>(protocol::WithdrawPartition{.partitionId = partition}).ok());
}

void TestCliMarket::endNotRecordedHereSaysSoAndFails()
{
    // The market ends the contract, but its record here cannot be updated (a full disk, here
    // a trigger that refuses the write): the end and its receipt are printed all the same,
    // standard error says the record still says running, and the command fails. The key is
    // kept until the record is updated, which `receipt fetch` does, as the message says (the
    // next `bills` would too, for one of the market in use).
    // (The market may have restarted in a test before: a new connection of the same lender.)
    std::unique_ptr<protocol::Channel> lender = lenderConnection();
    QVERIFY(lender);
    Result<protocol::PartitionRegistered> registered =
        lender->call<protocol::PartitionRegistered>(registration(QStringLiteral("p-unwritable"), 256, u"1", 0));
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    const QString dir = m_root.filePath(QStringLiteral("borrower-unwritable"));
    const Run borrowed = cli(dir, {QStringLiteral("borrow"), registered->offerId});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    const QString contractId = borrowed.object().value(QStringLiteral("contract_id")).toString();
    const QString db = QDir(dir).filePath(QStringLiteral("borrower.db"));
    const auto sql = [&db](const QString &statement) {
        const QString connection = QStringLiteral("endNotRecorded");
        bool done = false;
        {
            QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
            d.setDatabaseName(db);
            QSqlQuery q(d);
            done = d.open() && q.exec(statement);
        }
        QSqlDatabase::removeDatabase(connection);
        return done;
    };
    QVERIFY(sql(QStringLiteral("CREATE TRIGGER refuse_end BEFORE UPDATE OF ended_at_ms ON contracts "
                               "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")));
    const QDir keys(dir + QStringLiteral("/keys"));
    QCOMPARE(keys.entryList(QDir::Files).size(), 1);
    const Run ended = cli(dir, {QStringLiteral("end"), contractId});
    QCOMPARE(ended.exitCode, 1);
    QCOMPARE(ended.object().value(QStringLiteral("contract_id")).toString(), contractId);
    QVERIFY(ended.object().value(QStringLiteral("receipt_valid")).toBool());
    QCOMPARE(ended.object().value(QStringLiteral("record_updated")), QJsonValue(false));
    QVERIFY2(ended.err.contains(QStringLiteral("contract %1 was ended at the market").arg(contractId))
                 && ended.err.contains(QLatin1String("could not be updated")) && ended.err.contains(QLatin1String("disk full (test)"))
                 && ended.err.contains(QStringLiteral("`borrower-client --cli receipt fetch %1` updates it").arg(contractId)),
             qPrintable(ended.describe()));
    QCOMPARE(keys.entryList(QDir::Files).size(), 1);
    // Written again: the end receipt fetched ends it here too, and the key goes.
    QVERIFY(sql(QStringLiteral("DROP TRIGGER refuse_end")));
    const Run fetched = cli(dir, {QStringLiteral("receipt"), QStringLiteral("fetch"), contractId});
    QVERIFY2(fetched.exitCode == 0, qPrintable(fetched.describe()));
    QCOMPARE(keys.entryList(QDir::Files).size(), 0);
    const Run again = cli(dir, {QStringLiteral("end"), contractId});
    QVERIFY2(again.exitCode != 0 && again.err.contains(contractId), qPrintable(again.describe()));
}

void TestCliMarket::billsSayWhenOnlyTheNewestAreListed()
{
    // The market lists a borrower's newest 1,000 contracts: `bills` says when that many came
    // back, that older ones are left out and the total covers only those. (The contracts are
    // made over a connection of the borrower's own identity: a thousand runs of the CLI
    // would take minutes.)
    const QString dir = m_root.filePath(QStringLiteral("borrower-many"));
    Result<Identity> borrower = Identity::loadOrCreate(dir, QStringLiteral("borrower"));
    QVERIFY(borrower.ok());
    std::unique_ptr<protocol::Channel> lender = lenderConnection();
    QVERIFY(lender);
    protocol::HandshakeConfig config;
    config.localRole = QStringLiteral("borrower");
    std::unique_ptr<protocol::Channel> market(
        protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), m_marketPort, *borrower, m_marketId, config, nullptr));
    QVERIFY(market->waitEstablished(30'000).ok());
    constexpr int kContracts = 1000;
    const auto all = [](protocol::Channel *ch, const auto &requests, auto reply) {
        int answered = 0;
        QStringList failures;
        QList<decltype(reply)> answers;
        for (const auto &req : requests)
            ch->template request<decltype(reply)>(req, ch, [&](Result<decltype(reply)> r) {
                ++answered;
                if (r.ok())
                    answers.append(*r);
                else
                    failures.append(r.error().toString());
            }, 120'000);
        if (!QTest::qWaitFor([&] { return answered == requests.size(); }, 180'000))
            failures.prepend(QStringLiteral("%1 of %2 requests answered in time").arg(answered).arg(requests.size()));
        if (!failures.isEmpty())
            qWarning() << failures.first();
        return answers;
    };
    QList<protocol::RegisterPartition> registrations;
    for (int i = 0; i < kContracts; ++i)
        registrations.append(registration(QStringLiteral("p-many-%1").arg(i), 256, u"0.01", 0));
    const QList<protocol::PartitionRegistered> registered = all(lender.get(), registrations, protocol::PartitionRegistered{});
    QCOMPARE(registered.size(), kContracts);
    QList<protocol::Borrow> borrows;
    for (const protocol::PartitionRegistered &r : registered)
        borrows.append(protocol::Borrow{.offerId = r.offerId, .query = {}, .agreedTerms = std::nullopt});
    QCOMPARE(all(market.get(), borrows, protocol::ContractGranted{}).size(), kContracts);

    const Run listed = cli(dir, {QStringLiteral("bills")});
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.describe()));
    QCOMPARE(listed.array().size(), kContracts);
    QVERIFY2(listed.err.contains(QLatin1String("only the newest 1000 contracts are listed")) && listed.err.contains(QLatin1String("the total covers only those")),
             qPrintable(listed.err));
    const Run table = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("bills")});
    QVERIFY2(table.exitCode == 0 && table.out.contains("Total: ") && table.err.contains(QLatin1String("only the newest 1000")),
             qPrintable(table.err));
    // Fewer than that: nothing to say.
    const Run few = cli(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY2(few.exitCode == 0 && !few.err.contains(QLatin1String("only the newest")), qPrintable(few.describe()));
}

/// A lender agent in this process, with a partition lent directly: it takes jobs, and sends a
/// job's result cut at 12 MiB, console and outputs together, as LenderAgent does; a watch gets
/// the whole console, as from its file. Job j-long-console prints 14 MiB; j-big-outputs' outputs
/// are over the limit; j-bad-name has an output named "../escape". With `holdLaterWatches`,
/// a watch from past the start is answered, and its console and state wait for releaseHeld().
class FakeLender {
public:
    const QStringList jobIds{QStringLiteral("j-long-console"), QStringLiteral("j-big-outputs"), QStringLiteral("j-bad-name")};
    QByteArray console;
    bool holdLaterWatches = false;
    /// Watches get the console's first kSilentAfterBytes and nothing more (no state), and
    /// results are not answered: an agent that answers pings and nothing else.
    bool silent = false;
    static constexpr qsizetype kSilentAfterBytes = 4096;
    /// Asked withoutOutputs for the big-outputs job, names three outputs: one whose name is
    /// no plain file name, one that grows while it is fetched, and okOutput (this version's
    /// lender; without it, one before FetchJobOutput, which ignores withoutOutputs).
    bool namesLargeOutputs = false;
    QByteArray okOutput;
    static constexpr qint64 kGrowingBytes = 9 * 1024 * 1024;
    /// namesLargeOutputs, with an okOutput of a little over 10 MiB of numbers.
    void nameLargeOutputs()
    {
        namesLargeOutputs = true;
        for (int i = 0; okOutput.size() < 10 * 1024 * 1024 + 17; ++i)
            okOutput += QByteArray::number(i) + ' ';
    }
    /// The big-outputs job's console is short when it names its outputs.
    const QByteArray &consoleOf(const QString &jobId) const
    {
        static const QByteArray shortConsole("console\n");
        return namesLargeOutputs && jobId == jobIds[1] ? shortConsole : console;
    }
    qsizetype heldWatches() const { return m_held.size(); }
    void releaseHeld()
    {
        for (const auto &[channel, watch] : std::exchange(m_held, {}))
            if (channel)
                pushConsole(channel, watch);
    }

    explicit FakeLender(const QString &dir)
        : m_identity(Identity::loadOrCreate(dir, QStringLiteral("lender")).value())
        , m_server(m_identity, config())
    {
        for (int line = 0; console.size() < 14 * 1024 * 1024; ++line)
            console += QByteArrayLiteral("console line ") + QByteArray::number(line) + QByteArrayLiteral(" of a job that prints a lot\n");
        console += "END OF CONSOLE\n";
        m_dispatcher.onCall<protocol::SubmitJob, protocol::JobAccepted>([this](const protocol::SubmitJob &, const protocol::RequestContext &) {
            return Result<protocol::JobAccepted>(protocol::JobAccepted{.jobId = jobIds.value(m_submitted++)});
        });
        m_dispatcher.on<protocol::WatchJob>([this](const protocol::WatchJob &m, const protocol::RequestContext &ctx) {
            ctx.reply(protocol::Ack{});
            if (silent)
                ctx.channel()->push(protocol::JobOutput{.jobId = m.jobId, .offset = 0, .data = console.left(kSilentAfterBytes)});
            else if (holdLaterWatches && m.fromOffset > 0)
                m_held.append({QPointer<protocol::Channel>(ctx.channel()), m});
            else
                pushConsole(ctx.channel(), m);
        });
        m_dispatcher.on<protocol::FetchJobResult>([this](const protocol::FetchJobResult &m, const protocol::RequestContext &ctx) {
            constexpr qint64 kResultBytes = 12 * 1024 * 1024;
            if (silent)
                return;
            if (namesLargeOutputs && m.jobId == jobIds[1] && m.withoutOutputs.value_or(false)) {
                const QList<protocol::JobFileSize> named{{QStringLiteral("../escape"), 3},
                                                         {QStringLiteral("growing.bin"), kGrowingBytes},
                                                         {QStringLiteral("ok.bin"), okOutput.size()}};
                return ctx.reply(protocol::JobResult{.jobId = m.jobId, .state = QStringLiteral("succeeded"), .exitCode = 0, .outputs = {},
                                                     .console = consoleOf(m.jobId), .startedAtMs = 1, .endedAtMs = 2, .outputSizes = named});
            }
            if (m.jobId == jobIds[1])
                return ctx.fail(Error(ErrorCode::ResourceExhausted, QStringLiteral("the job's output files exceed %1 bytes").arg(kResultBytes)));
            const protocol::JobFile result{QStringLiteral("result.txt"), QByteArrayLiteral("ok\n")};
            const QList<protocol::JobFile> outputs = m.jobId == jobIds[2] ? QList<protocol::JobFile>{result, {QStringLiteral("../escape"), "x"}}
                                                                          : QList<protocol::JobFile>{result};
            qint64 used = 0;
            for (const protocol::JobFile &f : outputs)
                used += f.data.size();
            ctx.reply(protocol::JobResult{.jobId = m.jobId, .state = QStringLiteral("succeeded"), .exitCode = 0, .outputs = outputs,
                                          .console = console.left(kResultBytes - used), .startedAtMs = 1, .endedAtMs = 2});
        });
        m_dispatcher.on<protocol::FetchJobOutput>([this](const protocol::FetchJobOutput &m, const protocol::RequestContext &ctx) {
            if (!namesLargeOutputs)
                return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("unknown message")));
            ++outputRequests;
            if (m.name == QLatin1String("ok.bin"))
                return ctx.reply(protocol::JobOutputPart{.jobId = m.jobId, .name = m.name, .offset = m.offset,
                                                         .data = okOutput.mid(m.offset, qMin(m.length, protocol::kMaxJobOutputPartBytes)),
                                                         .size = okOutput.size()});
            if (m.name == QLatin1String("growing.bin")) // larger each time it is asked
                return ctx.reply(protocol::JobOutputPart{.jobId = m.jobId, .name = m.name, .offset = m.offset,
                                                         .data = QByteArray(int(qMin(m.length, protocol::kMaxJobOutputPartBytes)), 'g'),
                                                         .size = kGrowingBytes + (m.offset > 0 ? 1 : 0)});
            ctx.fail(Error(ErrorCode::NotFound, QStringLiteral("the job left no output file named '%1'").arg(m.name)));
        });
        QObject::connect(&m_server, &protocol::Server::channelEstablished, &m_server, [this](protocol::Channel *c) { m_dispatcher.attach(c); });
    }
    int outputRequests = 0;

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0).ok(); }

    /// The key file of the lease, as its owner gives it to the borrower.
    bool writeKeyFile(const QString &path) const
    {
        QFile key(path);
        const QByteArray json = QJsonDocument(QJsonObject{{QStringLiteral("contract_id"), QStringLiteral("c-fake-lease")},
                                                          {QStringLiteral("partition_id"), QStringLiteral("p-fake")},
                                                          {QStringLiteral("key"), QString::fromLatin1(QByteArray(32, 'k').toBase64())},
                                                          {QStringLiteral("lender_id"), m_identity.nodeId()},
                                                          {QStringLiteral("lender_address"),
                                                           QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort())}})
                                    .toJson();
        return key.open(QIODevice::WriteOnly) && key.write(json) == json.size();
    }

private:
    void pushConsole(protocol::Channel *channel, const protocol::WatchJob &m)
    {
        const QByteArray &console = consoleOf(m.jobId);
        for (qint64 at = m.fromOffset; at < console.size(); at += 1024 * 1024)
            channel->push(protocol::JobOutput{.jobId = m.jobId, .offset = at, .data = console.mid(at, 1024 * 1024)});
        channel->push(protocol::JobStateChanged{.jobId = m.jobId, .state = QStringLiteral("succeeded"), .exitCode = 0, .message = {}});
    }

    static protocol::HandshakeConfig config()
    {
        protocol::HandshakeConfig c;
        c.localRole = QStringLiteral("lender");
        return c;
    }

    Identity m_identity;
    protocol::Server m_server;
    protocol::Dispatcher m_dispatcher;
    int m_submitted = 0;
    QList<std::pair<QPointer<protocol::Channel>, protocol::WatchJob>> m_held;
};

QString TestCliMarket::submitToFakeLender(FakeLender &lender, const QString &name)
{
    const QString keyFile = m_root.filePath(name + QStringLiteral("-lease.json"));
    const QString script = m_root.filePath(name + QStringLiteral("-job.sh"));
    QFile scriptFile(script);
    if (!lender.listen() || !lender.writeKeyFile(keyFile) || !scriptFile.open(QIODevice::WriteOnly) || scriptFile.write("echo a lot\n") != 11)
        return {};
    scriptFile.close();
    const QString dir = m_root.filePath(name);
    for (const QString &jobId : lender.jobIds) {
        const Run s = cli(dir, {QStringLiteral("submit"), QStringLiteral("--key-file"), keyFile, QStringLiteral("--os"), QStringLiteral("busybox"),
                                QStringLiteral("--script"), script}, false);
        if (s.exitCode != 0 || s.object().value(QStringLiteral("job_id")).toString() != jobId) {
            qWarning() << s.describe();
            return {};
        }
    }
    return dir;
}

void TestCliMarket::logsOfAFinishedJobPrintTheWholeConsole()
{
    // The console in a job's result is cut at 12 MiB, less its outputs: `logs` without
    // --follow prints all of it, as the watch gets it, and not only what the result holds.
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-logs")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-logs"));
    QVERIFY(!dir.isEmpty());
    const Run logs = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("logs"), lender.jobIds[0]});
    QVERIFY2(logs.exitCode == 0, qPrintable(logs.err));
    QCOMPARE(logs.out.size(), lender.console.size());
    QVERIFY(logs.out == lender.console);
}

void TestCliMarket::logsStopWhenTheLenderFallsSilent()
{
    // An agent that answers pings but sends neither the rest of the console nor the job's
    // state nor its result: `logs` without --follow prints what came and stops with a
    // timeout once nothing more came for --request-timeout, instead of waiting for ever (it
    // waited for the result's 10 minutes, then for a state that never came).
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-silent")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-silent"));
    QVERIFY(!dir.isEmpty());
    lender.silent = true;
    const Run logs = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("--request-timeout"), QStringLiteral("2"),
                                 QStringLiteral("logs"), lender.jobIds[0]},
                                60'000);
    QVERIFY2(!logs.timedOut, qPrintable(logs.describe()));
    QCOMPARE(logs.exitCode, 1);
    QVERIFY(logs.out == lender.console.left(FakeLender::kSilentAfterBytes));
    QVERIFY2(logs.err.contains(QLatin1String("sent no more of job %1's console, and not its state, for 2 s").arg(lender.jobIds[0])),
             qPrintable(logs.err));
    QVERIFY2(logs.err.contains(QLatin1String("timeout")), qPrintable(logs.err));
}

void TestCliMarket::waitKeepsTheWholeConsole()
{
    // `wait` writes the whole console to console.log: what the result holds, then the rest
    // from where it stops.
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-wait")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-wait"));
    QVERIFY(!dir.isEmpty());
    const Run waited = cli(dir, {QStringLiteral("wait"), lender.jobIds[0]}, false);
    QVERIFY2(waited.exitCode == 0, qPrintable(waited.err));
    QCOMPARE(waited.object().value(QStringLiteral("outputs")).toArray().size(), 1);
    QFile kept(waited.object().value(QStringLiteral("console")).toString());
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.size(), lender.console.size());
    QVERIFY(kept.readAll() == lender.console);
    QCOMPARE(waited.object().value(QStringLiteral("complete")), QJsonValue(true));
}

void TestCliMarket::outputsOverTheLimitAreSaid()
{
    // A lender of a version before FetchJobOutput sends no outputs over 12 MiB, also when asked
    // to name them instead (it does not know withoutOutputs): `wait` fails, and says where they
    // are and what to do. (A lender of this version sends them part by part: TestCliFlow.)
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-big")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-big"));
    QVERIFY(!dir.isEmpty());
    const Run tooBig = cli(dir, {QStringLiteral("wait"), lender.jobIds[1]}, false);
    QCOMPARE(tooBig.exitCode, 1);
    QVERIFY2(tooBig.err.contains(QLatin1String("add up to more than 12 MiB"))
                 && tooBig.err.contains(QLatin1String("stay in the job's directory on the lender's machine")),
             qPrintable(tooBig.err));
}

void TestCliMarket::anOutputNotKeptIsSaid()
{
    // An output that is not kept here (its name is no plain file name) is said, and `wait` fails.
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-name")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-name"));
    QVERIFY(!dir.isEmpty());
    const Run badName = cli(dir, {QStringLiteral("wait"), lender.jobIds[2]}, false);
    QCOMPARE(badName.exitCode, 1);
    QCOMPARE(badName.object().value(QStringLiteral("complete")), QJsonValue(false));
    QVERIFY2(badName.err.contains(QLatin1String("output \"../escape\" was not kept")), qPrintable(badName.err));
}

void TestCliMarket::largeOutputsComePartByPart()
{
    // Outputs over 12 MiB: the lender names them instead and `wait` fetches each part by part.
    // What is fetched whole is kept; one whose name is no plain file name is not asked for;
    // one that changes on the lender's machine while it is fetched is not kept, not even in
    // part: `wait` says both and exits 1. (A real lender: TestCliFlow.)
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-parts")));
    lender.nameLargeOutputs();
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-parts"));
    QVERIFY(!dir.isEmpty());
    const Run waited = cli(dir, {QStringLiteral("wait"), lender.jobIds[1]}, false);
    QCOMPARE(waited.exitCode, 1);
    const QJsonObject w = waited.object();
    QCOMPARE(w.value(QStringLiteral("complete")), QJsonValue(false));
    const QJsonArray outputs = w.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 1);
    QFile ok(outputs.at(0).toString());
    QVERIFY2(ok.fileName().endsWith(QStringLiteral("/out/ok.bin")), qPrintable(ok.fileName()));
    QVERIFY(ok.open(QIODevice::ReadOnly));
    QVERIFY(ok.readAll() == lender.okOutput);
    const QStringList said = w.value(QStringLiteral("incomplete")).toVariant().toStringList();
    QVERIFY2(said.join(u'\n').contains(QLatin1String("output \"../escape\" was not kept: its name is not a plain file name")), qPrintable(said.join(u'\n')));
    QVERIFY2(said.join(u'\n').contains(QLatin1String("output \"growing.bin\" was not fetched: it changed on the lender's machine")),
             qPrintable(said.join(u'\n')));
    QVERIFY2(waited.err.contains(QLatin1String("growing.bin")), qPrintable(waited.err));
    // Said while it comes (once: standard error is no terminal here).
    QCOMPARE(waited.err.count(QStringLiteral("fetching the output files of job %1 (").arg(lender.jobIds[1])), 1);
    // Nothing of growing.bin, nor of ../escape, is left beside ok.bin.
    const QStringList kept = QDir(QFileInfo(ok.fileName()).path()).entryList(QDir::Files | QDir::Hidden);
    QCOMPARE(kept, QStringList{QStringLiteral("ok.bin")});
    QVERIFY(!QFileInfo::exists(QFileInfo(ok.fileName()).path() + QStringLiteral("/../escape")));
    // ok.bin in 4 MiB parts (3), growing.bin until its size changed (2).
    QCOMPARE(lender.outputRequests, 5);
    // `logs` prints the console and fetches no output file.
    const Run logs = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), dir, QStringLiteral("logs"), lender.jobIds[1]});
    QVERIFY2(logs.exitCode == 0, qPrintable(logs.describe()));
    QCOMPARE(logs.out, QByteArray("console\n"));
    QCOMPARE(lender.outputRequests, 5);

    // The session says how far it got (the window's bar): from 0 up to all of it, never back.
    BorrowerSession session(dir);
    QVERIFY(session.open().ok());
    QList<protocol::JobProgress> steps;
    connect(&session, &BorrowerSession::progress, this, [&](const protocol::JobProgress &p) {
        if (p.jobId == lender.jobIds[1])
            steps.append(p);
    });
    const Result<JobOutcome> again = BorrowerSession::await<JobOutcome>(
        [&](QObject *ctx, auto cb) { session.fetchJobResult(lender.jobIds[1], ctx, cb); });
    QVERIFY(again.ok());
    QVERIFY(steps.size() >= 4);
    const qint64 total = 3 + FakeLender::kGrowingBytes + lender.okOutput.size();
    QCOMPARE(steps.constFirst().done, 0);
    QCOMPARE(steps.constLast().done, total);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QCOMPARE(steps[i].stage, QStringLiteral("result_download"));
        QCOMPARE(steps[i].total, total);
        QVERIFY(i == 0 || steps[i].done >= steps[i - 1].done);
    }
}

void TestCliMarket::outputsThatCannotFitAreNotFetched()
{
    // The job's output directory is a tmpfs of 8 MiB: neither growing.bin (9 MiB) nor ok.bin
    // (10 MiB) fits, so neither is asked for (before, each was fetched until a write failed);
    // `wait` says both, with their sizes and the room there is, and exits 1.
    if (::geteuid() != 0)
        QSKIP("mounting a small tmpfs needs root");
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-room")));
    lender.nameLargeOutputs();
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-room"));
    QVERIFY(!dir.isEmpty());
    const QString outDir = dir + QStringLiteral("/jobs/") + lender.jobIds[1] + QStringLiteral("/out");
    QVERIFY(QDir().mkpath(outDir));
    const QByteArray where = QFile::encodeName(outDir);
    if (::mount("tmpfs", where.constData(), "tmpfs", 0, "size=8m") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
    const auto unmount = qScopeGuard([&] { ::umount2(where.constData(), MNT_DETACH); });

    const Run waited = cli(dir, {QStringLiteral("wait"), lender.jobIds[1]}, false);
    QCOMPARE(waited.exitCode, 1);
    const QJsonObject w = waited.object();
    QCOMPARE(w.value(QStringLiteral("complete")), QJsonValue(false));
    QCOMPARE(w.value(QStringLiteral("outputs")).toArray().size(), 0);
    const QString said = w.value(QStringLiteral("incomplete")).toVariant().toStringList().join(u'\n');
    QVERIFY2(said.contains(QStringLiteral("output \"growing.bin\" was not fetched: it has 9.00 MiB and %1 has ").arg(outDir)), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("output \"ok.bin\" was not fetched: it has 10.00 MiB and %1 has ").arg(outDir)), qPrintable(said));
    QCOMPARE(lender.outputRequests, 0);
    QCOMPARE(QDir(outDir).entryList(QDir::Files | QDir::Hidden), QStringList());
}

void TestCliMarket::aWatchBesideAConsoleFetchLeavesBothWhole()
{
    // A result's console is completed through a watch of its own; a caller that watches the
    // same job meanwhile gets the whole console and the state, and the completion still ends
    // (before, the caller's watch took the completion's place, which then never ended, and
    // every later fetch of the job waited for it).
    FakeLender lender(m_root.filePath(QStringLiteral("fake-lender-beside")));
    const QString dir = submitToFakeLender(lender, QStringLiteral("borrower-beside"));
    QVERIFY(!dir.isEmpty());
    const QString jobId = lender.jobIds[0];
    lender.holdLaterWatches = true;

    BorrowerSession session(dir);
    QVERIFY(session.open().ok());
    QByteArray watched;
    bool offsetsInOrder = true;
    int finalStates = 0;
    connect(&session, &BorrowerSession::jobOutput, this, [&](const QString &id, qint64 offset, const QByteArray &data) {
        if (id != jobId)
            return;
        offsetsInOrder = offsetsInOrder && offset == watched.size();
        watched += data;
    });
    connect(&session, &BorrowerSession::jobStateChanged, this, [&](const protocol::JobStateChanged &c) {
        if (c.jobId == jobId && c.state == QLatin1String("succeeded"))
            ++finalStates;
    });

    std::optional<Result<JobOutcome>> fetched;
    session.fetchJobResult(jobId, this, [&](Result<JobOutcome> r) { fetched = std::move(r); });
    QTRY_COMPARE_WITH_TIMEOUT(lender.heldWatches(), 1, 30000); // the completion's watch, from where the result stops
    QVERIFY(!fetched);

    std::optional<Result<void>> watching;
    session.watchJob(jobId, 0, this, [&](Result<void> r) { watching = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(watching && fetched, 30000);
    QVERIFY(watching->ok());
    QVERIFY2(fetched->ok(), qPrintable(fetched->error().message));
    QVERIFY2(fetched->value().incomplete.isEmpty(), qPrintable(fetched->value().incomplete.join(QLatin1Char('\n'))));
    QTRY_COMPARE_WITH_TIMEOUT(watched.size(), lender.console.size(), 30000);
    QVERIFY(offsetsInOrder);
    QVERIFY(watched == lender.console);
    QTRY_COMPARE(finalStates, 1);
    QFile kept(fetched->value().consolePath);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.size(), lender.console.size());
    QVERIFY(kept.readAll() == lender.console);

    // The completion's own watch, answered late, changes nothing; a later fetch answers at once.
    lender.releaseHeld();
    std::optional<Result<JobOutcome>> again;
    session.fetchJobResult(jobId, this, [&](Result<JobOutcome> r) { again = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(again, 30000);
    QVERIFY2(again->ok(), qPrintable(again->error().message));
    QCOMPARE(QFileInfo(again->value().consolePath).size(), lender.console.size());
    QCOMPARE(watched.size(), lender.console.size());
}

QTEST_GUILESS_MAIN(TestCliMarket)
#include "TestCliMarket.moc"
