// Every market flow against a real MarketService over real mutual TLS on loopback, each on
// SQLite and on PostgreSQL (a fresh database per test). The contract clock is injected so
// that charges can be checked to the micro-unit.

#include "Billing.h"
#include "LendingKey.h"
#include "MarketOptions.h"
#include "MarketTestSupport.h"
#include "StoreWriter.h"
#include "QueryLanguage.h"
#include "protocol/ReceiptJson.h"
#include "protocol/RequestId.h"
#include "protocol/Terms.h"

#include <QCryptographicHash>
#include <QFile>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QSslSocket>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

using namespace lendable;
using namespace lendable::market;
using namespace lendable::market::test;
using namespace lendable::protocol;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000; // 2023-11-14T22:13:20Z

/// `count` ended contracts ('old-1' to 'old-<count>') of `lenderId`'s partition p1 (offer
/// `offerId`), a minute apart from kT0 on, a second each, of `borrowers` borrowers
/// ('borrower-0' …), written straight into the database: through the market, that would
/// take a while.
Result<QSqlQuery> insertEndedContracts(Database &db, int count, const QString &offerId, const QString &lenderId, int borrowers)
{
    const bool pg = db.dialect() == SqlDialect::Postgres;
    return db.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                                  "INSERT INTO contracts (id, offer_id, borrower_id, lender_id, partition_id, rate_micros, "
                                  "cpus, memory_mib, disk_mib, max_duration_s, started_at_ms, ended_at_ms, key_hash, "
                                  "end_reason, rev) "
                                  "SELECT 'old-' || i, '%2', 'borrower-' || (i % %3), '%4', 'p1', 3600000, 1, 1024, 0, 0, "
                                  "%5 + CAST(i AS BIGINT) * 60000, %5 + CAST(i AS BIGINT) * 60000 + 1000, %6, 'ended', 0 FROM n")
                       .arg(QString::number(count), offerId, QString::number(borrowers), lenderId, QString::number(kT0),
                            pg ? QStringLiteral("decode('00', 'hex')") : QStringLiteral("X'00'")));
}

/// A table of the test's PostgreSQL database locked against every access (ACCESS EXCLUSIVE)
/// by a session of the test's own, until release() (or rolled back at its end), so that
/// whatever the market asks of that table waits as long as the test wants.
class HeldTableLock {
public:
    explicit HeldTableLock(Database db) : m_db(std::move(db)) {}
    HeldTableLock(const HeldTableLock &) = delete;
    HeldTableLock &operator=(const HeldTableLock &) = delete;
    ~HeldTableLock()
    {
        if (m_held)
            (void)m_db.exec(QStringLiteral("ROLLBACK"));
    }
    Result<void> lock(const QString &table)
    {
        if (Result<QSqlQuery> begun = m_db.exec(QStringLiteral("BEGIN")); !begun)
            return begun.error();
        m_held = true;
        if (Result<QSqlQuery> locked = m_db.exec(QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(table)); !locked)
            return locked.error();
        m_table = table;
        return {};
    }
    /// The sessions waiting for the lock whose statement is LIKE `statement`: what the test
    /// made the market ask for has reached the database; -1 if PostgreSQL would not say.
    int waiting(const QString &statement = QStringLiteral("%"))
    {
        // pg_stat_activity is read once per transaction, and this session's is the lock's.
        if (Result<QSqlQuery> cleared = m_db.exec(QStringLiteral("SELECT pg_stat_clear_snapshot()")); !cleared)
            return -1;
        Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                                       "WHERE NOT l.granted AND l.relation = ?::regclass AND a.query LIKE ?"),
                                        {m_table, statement});
        return q && q->next() ? q->value(0).toInt() : -1;
    }
    Result<void> release()
    {
        m_held = false;
        if (Result<QSqlQuery> committed = m_db.exec(QStringLiteral("COMMIT")); !committed)
            return committed.error();
        return {};
    }

private:
    Database m_db;
    QString m_table;
    bool m_held = false;
};

/// The name `db` keeps for `borrowerId`, or what went wrong.
QString storedBorrowerName(Database &db, const QString &borrowerId)
{
    Result<QSqlQuery> q = db.exec(QStringLiteral("SELECT name FROM borrowers WHERE id = ?"), {borrowerId});
    if (!q)
        return q.error().toString();
    return q->next() ? q->value(0).toString() : QStringLiteral("(no row)");
}

/// `table` of the PostgreSQL database at `url` held locked (HeldTableLock) by a thread of
/// its own for at most `forMs`, or until the holder is destroyed: the test's thread is then
/// free to wait in a call that waits for the lock (a market's shutdown).
class LockHolderThread {
public:
    LockHolderThread(const QString &url, const QString &table, int forMs)
        : m_thread([this, url, table, forMs] {
            Result<Database> db = Database::open(url);
            if (!db) {
                m_locked = -1;
                return;
            }
            HeldTableLock held(std::move(db).value());
            if (!held.lock(table)) {
                m_locked = -1;
                return;
            }
            m_locked = 1;
            for (int waited = 0; waited < forMs && !m_release; waited += 10)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            (void)held.release();
        })
    {
    }
    LockHolderThread(const LockHolderThread &) = delete;
    LockHolderThread &operator=(const LockHolderThread &) = delete;
    ~LockHolderThread()
    {
        m_release = true;
        m_thread.join();
    }
    /// 1 once the table is locked, -1 if it could not be, 0 meanwhile.
    int locked() const { return m_locked; }

private:
    std::atomic<int> m_locked{0};
    std::atomic<bool> m_release{false};
    std::thread m_thread; // last: started once the flags are
};

// The longest message logged while a test measures (measureLogLines()); longer ones are
// measured, not passed on.
std::atomic<qsizetype> g_longestLogLine{0};
QtMessageHandler g_previousMessageHandler = nullptr;
constexpr qsizetype kLogLinePassedOn = 2000;
void measureLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    qsizetype longest = g_longestLogLine.load();
    while (message.size() > longest && !g_longestLogLine.compare_exchange_weak(longest, message.size())) {
    }
    if (message.size() <= kLogLinePassedOn && g_previousMessageHandler)
        g_previousMessageHandler(type, context, message);
}

QString names(const OfferPage &page)
{
    QStringList out;
    for (const Offer &o : page.offers)
        out << o.partitionId;
    return out.join(QLatin1Char(','));
}


/// A TCP proxy in front of the test's PostgreSQL server, on a thread of its own (the
/// market opens its database on the test's), that can lose the answer to a COMMIT: armed, it
/// lets the next COMMIT a client sends reach the server, which commits, and cuts the client's
/// connection when the answer comes (a network that fails, a server that dies, just then).
/// While `refuse` is set, it cuts every new connection at once (a server out of reach).
class CommitCutter : public QThread {
public:
    explicit CommitCutter(quint16 serverPort) : m_serverPort(serverPort) {}
    ~CommitCutter() override
    {
        quit();
        wait();
    }
    /// Starts the thread; the port it listens on, 0 if it could not.
    quint16 open()
    {
        start();
        m_ready.acquire();
        return m_port;
    }

    std::atomic<bool> armed{false};
    std::atomic<bool> swallow{false}; ///< armed: the COMMIT does not reach the server either
    std::atomic<bool> refuse{false};
    std::atomic<int> cut{0}; ///< COMMITs whose answer was lost

private:
    void run() override
    {
        QTcpServer server;
        if (server.listen(QHostAddress::LocalHost, 0))
            m_port = server.serverPort();
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this, &server] {
            while (QTcpSocket *c = server.nextPendingConnection())
                accept(c);
        });
        m_ready.release();
        exec();
    }

    void accept(QTcpSocket *client)
    {
        if (refuse) {
            client->abort();
            client->deleteLater();
            return;
        }
        auto *server = new QTcpSocket(client);
        auto pending = std::make_shared<QByteArray>(); // what the client sent before the server answered the connection
        auto cutting = std::make_shared<bool>(false);
        QObject::connect(server, &QTcpSocket::connected, server, [server, pending] { server->write(std::exchange(*pending, {})); });
        QObject::connect(client, &QTcpSocket::readyRead, client, [this, client, server, pending, cutting] {
            const QByteArray bytes = client->readAll();
            if (bytes.contains("COMMIT") && armed.exchange(false)) {
                *cutting = true;
                ++cut;
                if (swallow) { // the server sees its client gone in the middle of a transaction
                    server->abort();
                    client->abort();
                    client->deleteLater();
                    return;
                }
            }
            if (server->state() == QAbstractSocket::ConnectedState)
                server->write(bytes);
            else
                pending->append(bytes);
        });
        QObject::connect(server, &QTcpSocket::readyRead, server, [client, server, cutting] {
            const QByteArray bytes = server->readAll();
            if (*cutting) { // the answer to the COMMIT: lost, and the connection with it
                server->abort();
                client->abort();
                client->deleteLater();
                return;
            }
            client->write(bytes);
        });
        QObject::connect(server, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        QObject::connect(client, &QTcpSocket::disconnected, server, &QTcpSocket::disconnectFromHost);
        QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        server->connectToHost(QHostAddress::LocalHost, m_serverPort);
    }

    quint16 m_serverPort;
    quint16 m_port = 0;
    QSemaphore m_ready;
};

} // namespace

// Evaluates its argument once (it is often a request).
#define CHECK_OK(expr)                                                                                             \
    do {                                                                                                          \
        const auto &checkOkResult_ = (expr);                                                                      \
        QVERIFY2(checkOkResult_.ok(), qPrintable(checkOkResult_.error().toString()));                             \
    } while (false)

class TestMarketFlows : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void registerAlterWithdraw_data() { dialects(); }
    void registerAlterWithdraw();
    void borrowOnAgreedTerms_data() { dialects(); }
    void borrowOnAgreedTerms();
    void alterationBeforeABorrowWins_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void alterationBeforeABorrowWins();
    void bestMatchIsLentOnTheTermsItMatched_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void bestMatchIsLentOnTheTermsItMatched();
    void agreedTermsHoldAgainstAnotherProcess_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void agreedTermsHoldAgainstAnotherProcess();
    void searchRequirementsOrderPaging_data() { dialects(); }
    void searchRequirementsOrderPaging();
    void borrowEndBillAndReceipts_data() { dialects(); }
    void borrowEndBillAndReceipts();
    void concurrentBorrowsShareCommits_data() { dialects(); }
    void concurrentBorrowsShareCommits();
    void largeBatchesAreAnsweredInTurn_data() { dialects(); }
    void largeBatchesAreAnsweredInTurn();
    void requestFailingHalfWayLeavesNothing_data() { dialects(); }
    void requestFailingHalfWayLeavesNothing();
    void undurableCommitIsNotAcknowledged_data();
    void undurableCommitIsNotAcknowledged();
    void lenderPushesAndVerifyKey_data() { dialects(); }
    void lenderPushesAndVerifyKey();
    void borrowSentAgainMakesNoSecondContract_data() { dialects(); }
    void borrowSentAgainMakesNoSecondContract();
    void billOfABorrowRequest_data() { dialects(); }
    void billOfABorrowRequest();
    void endedNoticesAreForgotten_data() { dialects(); }
    void endedNoticesAreForgotten();
    void offlineLendersAreNotOffered_data() { dialects(); }
    void offlineLendersAreNotOffered();
    void endsPastTheTimeLimitAreBilledToIt_data() { dialects(); }
    void endsPastTheTimeLimitAreBilledToIt();
    void feeIsTheOneAContractStartedWith_data() { dialects(); }
    void feeIsTheOneAContractStartedWith();
    void maxDurationAndPartitionLost_data() { dialects(); }
    void maxDurationAndPartitionLost();
    void lockViolations_data() { dialects(); }
    void lockViolations();
    void adminViolations_data() { dialects(); }
    void adminViolations();
    void serviceStats_data() { dialects(); }
    void serviceStats();
    void serviceStatsKeepHistory_data() { dialects(); }
    void serviceStatsKeepHistory();
    void reportsDoNotHoldUpTheMarket_data() { dialects(); }
    void reportsDoNotHoldUpTheMarket();
    void billListsDoNotHoldUpTheMarket_data() { dialects(); }
    void billListsDoNotHoldUpTheMarket();
    void keysAreVerifiedWhileAReportWaits_data();
    void keysAreVerifiedWhileAReportWaits();
    void unregisteredLendersHeartbeatsAskOnce_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void unregisteredLendersHeartbeatsAskOnce();
    void lenderWritesDoNotHoldUpTheMarket_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void lenderWritesDoNotHoldUpTheMarket();
    void expiriesDoNotHoldUpTheMarket_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void expiriesDoNotHoldUpTheMarket();
    void lenderPresenceDoesNotHoldUpTheMarket_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void lenderPresenceDoesNotHoldUpTheMarket();
    void heartbeatsAreStampedWhenWritten_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void heartbeatsAreStampedWhenWritten();
    void idleTimeoutIsTheOneConfigured();
    void shutdownFinishesQueuedWrites_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void shutdownFinishesQueuedWrites();
    void shutdownDropsQueuedBookkeeping_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void shutdownDropsQueuedBookkeeping();
    void borrowerNamesAreReadWithTheBatch_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void borrowerNamesAreReadWithTheBatch();
    void lentSecondsAreSplitOverDays_data() { dialects(); }
    void lentSecondsAreSplitOverDays();
    void adminAccessAndViews_data() { dialects(); }
    void adminAccessAndViews();
    void adminListsSort_data() { dialects(); }
    void adminListsSort();
    void namesSortAlikeOnBothDatabases_data() { dialects(); }
    void namesSortAlikeOnBothDatabases();
    void borrowerNames_data() { dialects(); }
    void borrowerNames();
    void rebalance_data() { dialects(); }
    void rebalance();
    void sameAllocationIsAskedOnce_data() { dialects(); }
    void silentLenderIsAskedAgain_data() { dialects(); }
    void silentLenderIsAskedAgain();
    void sameAllocationIsAskedOnce();
    void unconfirmedAllocationIsNotLent_data() { dialects(); }
    void unconfirmedAllocationIsNotLent();
    void replayTellsEndsBeforeStarts_data() { dialects(); }
    void replayTellsEndsBeforeStarts();
    void noticesReachLendersAcrossProcessesAndReconnects_data() { dialects(); }
    void noticesReachLendersAcrossProcessesAndReconnects();
    void syncedContractsCarryNamesNotKnownHere_data() { dialects(); }
    void syncedContractsCarryNamesNotKnownHere();
    void unansweredCommitIsReadBack_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void unansweredCommitIsReadBack();
    void startupMissesNoChangeCommittedMeanwhile_data() { keysAreVerifiedWhileAReportWaits_data(); }
    void startupMissesNoChangeCommittedMeanwhile();
    void syncSkipsOwnRevisions_data() { dialects(); }
    void syncSkipsOwnRevisions();
    void syncWaitsForTheBatchesBeforeIt_data() { dialects(); }
    void syncWaitsForTheBatchesBeforeIt();
    void borrowerNamesFromSchema8_data() { dialects(); }
    void borrowerNamesFromSchema8();
    void capacityHistory_data() { dialects(); }
    void capacityHistory();
    void images_data() { dialects(); }
    void images();
    void stateSurvivesRestart_data() { dialects(); }
    void stateSurvivesRestart();
    void osImageNamesAreCapped_data() { dialects(); }
    void osImageNamesAreCapped();
    void rebalanceIsHeldToPartitionLimits_data() { dialects(); }
    void rebalanceIsHeldToPartitionLimits();
    void lenderReportsAboutOthersPartitionsAreNotFound_data() { dialects(); }
    void lenderReportsAboutOthersPartitionsAreNotFound();
    void lenderTextsAreLoggedShort_data() { dialects(); }
    void lenderTextsAreLoggedShort();
    void framesOverTheMarketsCapAreRefused_data() { dialects(); }
    void framesOverTheMarketsCapAreRefused();
    void renamesDoNotHoldUpOtherBorrowers_data() { dialects(); }
    void renamesDoNotHoldUpOtherBorrowers();

private:
    void dialects();
    // Starts a market on a fresh database of the row's dialect; nullptr (and a failed test) if not.
    MarketService *startMarket(MarketConfig config = {});
    SslChannel *client(const Identity &who, const QString &role);
    QStringList registerOffers(Channel *lender, int count);
    Result<void> restartMarket(MarketConfig config = {});
    // The registration of `partitionId` by the test's lender agent.
    static RegisterPartition registration(const QString &partitionId, const LendingConditions &c,
                                          bool externallyReferenced = false);
    Result<PartitionRegistered> registerPartition(Channel *lender, const QString &partitionId, const LendingConditions &c,
                                                  bool externallyReferenced = false);
    /// p1 and p2, free, 2 vCPUs, 2 GiB and 10 GiB each, their allocation held by the market
    /// (second embodiment): the registration of p1.
    Result<PartitionRegistered> registerHeldPair(Channel *lender);
    /// A store on a fresh database of the current data tag's dialect.
    Result<std::unique_ptr<MarketStore>> openFreshStore();
    std::optional<Database> openSameDatabase();
    /// p1 (3.6 an hour, for at most 60 s) lent to `borrower`, and p2 free: p1's grant.
    Result<ContractGranted> lendP1ForAMinute(Channel *lender, Channel *borrower);
    /// A second market service, `identity`, on the test's database (as another process would
    /// be), listening; nullptr (m_startError says why) if it could not start.
    /// A second market service on the test's database (as another process would be), with
    /// its own data directory, and its images in `imagesDir` if given.
    std::unique_ptr<MarketService> startSecondMarket(const Identity &identity, const QString &imagesDir = {});
    /// `table` held locked by another session (HeldTableLock); nullptr if it could not be.
    std::unique_ptr<HeldTableLock> holdTableLocked(const QString &table);

    QTemporaryDir m_tmp;
    Identity m_marketIdentity;
    Identity m_lender, m_lender2, m_borrower, m_borrower2, m_admin, m_stranger;
    std::unique_ptr<MarketService> m_market;
    QString m_dbUrl;
    qint64 m_clock = kT0;
    QString m_startError;
};

void TestMarketFlows::dialects()
{
    QTest::addColumn<QString>("dialect");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestMarketFlows::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_marketIdentity = makeIdentity(QStringLiteral("market"));
    m_lender = makeIdentity(QStringLiteral("lender"));
    m_lender2 = makeIdentity(QStringLiteral("lender2"));
    m_borrower = makeIdentity(QStringLiteral("borrower"));
    m_borrower2 = makeIdentity(QStringLiteral("borrower2"));
    m_admin = makeIdentity(QStringLiteral("admin"));
    m_stranger = makeIdentity(QStringLiteral("stranger"));
}

void TestMarketFlows::cleanup()
{
    m_market.reset();
}

void TestMarketFlows::cleanupTestCase()
{
    PgServer::instance().stop();
}

MarketService *TestMarketFlows::startMarket(MarketConfig config)
{
    QFETCH(QString, dialect);
    Result<QString> url = freshDatabaseUrl(dialect, m_tmp);
    if (!url) {
        m_startError = url.error().toString();
        return nullptr;
    }
    m_dbUrl = *url;
    m_clock = kT0;
    config.clock = [this] { return m_clock; };
    if (config.dataDir.isEmpty())
        config.dataDir = m_tmp.filePath(QStringLiteral("data-%1").arg(QLatin1String(QTest::currentDataTag())));
    if (config.maintenanceIntervalMs == 1000)
        config.maintenanceIntervalMs = 50;
    m_market = std::make_unique<MarketService>(m_marketIdentity, m_dbUrl, config);
    if (auto r = m_market->listen(QHostAddress::LocalHost, 0); !r) {
        m_startError = r.error().toString();
        m_market.reset();
        return nullptr;
    }
    return m_market.get();
}

#define START_MARKET(...)                                                                                          \
    MarketService *market = startMarket(__VA_ARGS__);                                                             \
    QVERIFY2(market, qPrintable(m_startError))

// A market (with the config given, if any) with the lender and the first borrower
// connected, as `lender` and `borrower`.
#define START_MARKET_WITH_CLIENTS(...)                                                                             \
    START_MARKET(__VA_ARGS__);                                                                                    \
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));                                              \
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));                                        \
    QVERIFY(lender && borrower)

// The same, with m_admin listed as an admin in `config` and connected as `admin`.
#define START_MARKET_WITH_ADMIN(config)                                                                            \
    (config).adminIds = {m_admin.nodeId()};                                                                       \
    START_MARKET_WITH_CLIENTS(config);                                                                            \
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));                                                 \
    QVERIFY(admin)

SslChannel *TestMarketFlows::client(const Identity &who, const QString &role)
{
    Error error;
    SslChannel *c = connectClient(m_market->serverPort(), who, m_marketIdentity.nodeId(), role, this, &error);
    if (!c)
        qWarning() << "connect failed:" << error;
    return c;
}

// Partitions p0, p1, … of 1 vCPU and 1 GiB at 1 per hour; their offer IDs (none if one
// registration failed).
QStringList TestMarketFlows::registerOffers(Channel *lender, int count)
{
    QStringList offers;
    for (int i = 0; i < count; ++i) {
        Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p%1").arg(i), conditions(1, 1024, 0, QStringLiteral("1")));
        if (!reg) {
            qWarning() << "registration failed:" << reg.error();
            return {};
        }
        offers << reg->offerId;
    }
    return offers;
}

// The service shut down and a new one started on the same database.
Result<void> TestMarketFlows::restartMarket(MarketConfig config)
{
    m_market->shutdown();
    config.clock = [this] { return m_clock; };
    config.maintenanceIntervalMs = 50;
    m_market = std::make_unique<MarketService>(m_marketIdentity, m_dbUrl, config);
    return m_market->listen(QHostAddress::LocalHost, 0);
}

RegisterPartition TestMarketFlows::registration(const QString &partitionId, const LendingConditions &c,
                                                bool externallyReferenced)
{
    return RegisterPartition{.partitionId = partitionId,
                             .lenderName = QStringLiteral("Alice's box"),
                             .agentAddress = QStringLiteral("127.0.0.1:7500"),
                             .conditions = c,
                             .externallyReferenced = externallyReferenced};
}

Result<std::unique_ptr<MarketStore>> TestMarketFlows::openFreshStore()
{
    Result<QString> url = freshDatabaseUrl(QString::fromLatin1(QTest::currentDataTag()), m_tmp);
    if (!url)
        return url.error();
    return MarketStore::open(*url);
}

Result<PartitionRegistered> TestMarketFlows::registerHeldPair(Channel *lender)
{
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 10240, QStringLiteral("1")), true);
    if (!p1)
        return p1;
    if (Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(2, 2048, 10240, QStringLiteral("1")), true); !p2)
        return p2.error();
    return p1;
}

Result<PartitionRegistered> TestMarketFlows::registerPartition(Channel *lender, const QString &partitionId,
                                                               const LendingConditions &c, bool externallyReferenced)
{
    return lender->call<PartitionRegistered>(registration(partitionId, c, externallyReferenced));
}

std::optional<Database> TestMarketFlows::openSameDatabase()
{
    Result<Database> db = Database::open(m_dbUrl);
    if (!db)
        return std::nullopt;
    return std::move(db).value();
}

Result<ContractGranted> TestMarketFlows::lendP1ForAMinute(Channel *lender, Channel *borrower)
{
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"),
                                                       conditions(1, 1024, 0, QStringLiteral("3.6"), {QStringLiteral("busybox")}, 60));
    if (!p1)
        return p1.error();
    if (Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"))); !p2)
        return p2.error();
    return borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
}

std::unique_ptr<MarketService> TestMarketFlows::startSecondMarket(const Identity &identity, const QString &imagesDir)
{
    MarketConfig config;
    config.imagesDir = imagesDir;
    config.clock = [this] { return m_clock; };
    config.maintenanceIntervalMs = 50;
    config.dataDir = m_tmp.filePath(QStringLiteral("data-b-%1").arg(QLatin1String(QTest::currentDataTag())));
    auto market = std::make_unique<MarketService>(identity, m_dbUrl, config);
    if (Result<void> listening = market->listen(QHostAddress::LocalHost, 0); !listening) {
        m_startError = listening.error().toString();
        return nullptr;
    }
    return market;
}

std::unique_ptr<HeldTableLock> TestMarketFlows::holdTableLocked(const QString &table)
{
    std::optional<Database> db = openSameDatabase();
    if (!db)
        return nullptr;
    auto held = std::make_unique<HeldTableLock>(*std::move(db));
    if (Result<void> locked = held->lock(table); !locked) {
        qWarning() << "could not lock" << table << ":" << locked.error();
        return nullptr;
    }
    return held;
}

// ───────────────────────── lender flows ─────────────────────────

void TestMarketFlows::registerAlterWithdraw()
{
    START_MARKET_WITH_CLIENTS();

    // S14–S17
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 10240, QStringLiteral("1.5")));
    CHECK_OK(reg);
    QCOMPARE(reg->partitionId, QStringLiteral("p1"));
    QVERIFY(reg->offerId.startsWith(QStringLiteral("o-")));
    // An agent re-registering what it holds (after a reconnect) keeps its offer.
    Result<PartitionRegistered> again = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 10240, QStringLiteral("1.5")));
    CHECK_OK(again);
    QCOMPARE(again->offerId, reg->offerId);

    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->total, 1);
    const Offer &offer = page->offers.first();
    QCOMPARE(offer.offerId, reg->offerId);
    QCOMPARE(offer.lenderId, m_lender.nodeId());
    QCOMPARE(offer.lenderName, QStringLiteral("Alice's box"));
    QCOMPARE(offer.lenderAddress, QStringLiteral("127.0.0.1:7500"));
    QCOMPARE(offer.conditions, conditions(2, 2048, 10240, QStringLiteral("1.5")));
    QCOMPARE(offer.reliability, 100);

    // Bad registrations are refused with the reason.
    Result<PartitionRegistered> noCpu = registerPartition(lender, QStringLiteral("p2"), conditions(0, 2048, 0, QStringLiteral("1")));
    QCOMPARE(noCpu.error().code, ErrorCode::InvalidArgument);
    Result<PartitionRegistered> badImage = registerPartition(lender, QStringLiteral("p2"), conditions(1, 512, 0, QStringLiteral("1"), {QStringLiteral("bad name")}));
    QCOMPARE(badImage.error().code, ErrorCode::InvalidArgument);
    // A rate whose charge would outgrow an amount within hours (and whose contract could
    // then never end) is refused; the highest rate taken is accepted.
    Result<PartitionRegistered> dear = registerPartition(lender, QStringLiteral("p2"), conditions(1, 512, 0, QStringLiteral("9223372036854.775807")));
    QCOMPARE(dear.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(dear.error().message.contains(QStringLiteral("1000000 per hour")), qPrintable(dear.error().message));
    CHECK_OK(registerPartition(lender, QStringLiteral("p-top"), conditions(1, 512, 0, QStringLiteral("1000000"))));
    CHECK_OK(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p-top")}));
    // Only lenders register.
    Result<PartitionRegistered> byBorrower = borrower->call<PartitionRegistered>(
        RegisterPartition{.partitionId = QStringLiteral("x"), .agentAddress = QStringLiteral("h:1"), .conditions = conditions(1, 1, 0, QStringLiteral("1"))});
    QCOMPARE(byBorrower.error().code, ErrorCode::PermissionDenied);

    // S22–S29 while free: altered.
    Result<PartitionRegistered> altered = lender->call<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(2, 2048, 10240, QStringLiteral("2"))});
    CHECK_OK(altered);
    QCOMPARE(altered->offerId, reg->offerId);
    page = borrower->call<OfferPage>(SearchOffers{});
    QCOMPARE(page->offers.first().conditions.ratePerHour, Money::parse(u"2").value());
    QCOMPARE(lender->call<PartitionRegistered>(AlterPartition{.partitionId = QStringLiteral("nope"), .conditions = conditions(1, 1, 0, QStringLiteral("1"))}).error().code,
             ErrorCode::NotFound);

    // Lent: alteration (S25), withdrawal and changed re-registration are Conflict.
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    CHECK_OK(granted);
    Result<PartitionRegistered> alterLent = lender->call<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(4, 2048, 10240, QStringLiteral("2"))});
    QCOMPARE(alterLent.error().code, ErrorCode::Conflict);
    QVERIFY2(alterLent.error().message.contains(granted->contractId), qPrintable(alterLent.error().message));
    QCOMPARE(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p1")}).error().code, ErrorCode::Conflict);
    QCOMPARE(registerPartition(lender, QStringLiteral("p1"), conditions(4, 2048, 10240, QStringLiteral("2"))).error().code, ErrorCode::Conflict);
    Result<PartitionRegistered> sameWhileLent = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 10240, QStringLiteral("2")));
    CHECK_OK(sameWhileLent);
    QCOMPARE(sameWhileLent->offerId, reg->offerId);

    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}));
    CHECK_OK(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p1")}));
    page = borrower->call<OfferPage>(SearchOffers{});
    QCOMPARE(page->total, 0);
    QCOMPARE(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p1")}).error().code, ErrorCode::NotFound);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId}).error().code, ErrorCode::Conflict);

    // The resource database agrees (FIG. 3).
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT lender_id, lending_status, withdrawn, rate_micros FROM partitions WHERE offer_id = ?"), {reg->offerId});
    CHECK_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toString(), m_lender.nodeId());
    QVERIFY(q->value(1).isNull());
    QCOMPARE(q->value(2).toInt(), 1);
    QCOMPARE(q->value(3).toLongLong(), 2'000'000);
}

void TestMarketFlows::borrowOnAgreedTerms()
{
    // A borrower agrees to the terms its offer list showed (Borrow.agreedTerms). If the
    // lender made them worse since, nothing is lent and the refusal says what changed;
    // terms as good or better are lent on, at what they are now.
    START_MARKET_WITH_CLIENTS();
    const QString bb = QStringLiteral("busybox"), deb = QStringLiteral("debian-12");
    const LendingConditions seen = conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb, deb}, 3600);
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), seen);
    CHECK_OK(reg);
    const auto alter = [&](const LendingConditions &c) {
        return lender->call<PartitionRegistered>(AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = c});
    };
    const auto borrowAgreeing = [&](const LendingConditions &agreed) {
        return borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId, .agreedTerms = agreed});
    };
    const auto expectRefused = [&](const LendingConditions &now, const QString &says) {
        CHECK_OK(alter(now));
        Result<ContractGranted> refused = borrowAgreeing(seen);
        QCOMPARE(refused.error().code, ErrorCode::TermsChanged);
        QVERIFY2(refused.error().message.contains(reg->offerId) && refused.error().message.contains(says),
                 qPrintable(refused.error().message));
    };

    // Worse: a higher rate, a shorter longest contract, an image gone.
    expectRefused(conditions(2, 2048, 10240, QStringLiteral("3"), {bb, deb}, 3600), QStringLiteral("the rate is now 3 per hour, not 1.5"));
    if (QTest::currentTestFailed())
        return;
    expectRefused(conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb, deb}, 60), QStringLiteral("at most 60 s, not 3600 s"));
    if (QTest::currentTestFailed())
        return;
    expectRefused(conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb}, 3600), QStringLiteral("no longer offers the OS image debian-12"));
    if (QTest::currentTestFailed())
        return;
    // Nothing was lent: the offer is free, no bill was written.
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{.query = QStringLiteral("cpus>=1")});
    CHECK_OK(page);
    QCOMPARE(names(*page), QStringLiteral("p1"));
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QVERIFY(bills->bills.isEmpty());

    // Agreed to the new terms: lent on them.
    const LendingConditions dearer = conditions(2, 2048, 10240, QStringLiteral("3"), {bb, deb}, 3600);
    CHECK_OK(alter(dearer));
    Result<ContractGranted> onNew = borrowAgreeing(dearer);
    CHECK_OK(onNew);
    QCOMPARE(onNew->conditions, dearer);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = onNew->contractId}));

    // Better than agreed (cheaper, no limit, one image more than agreed to): lent on what
    // they are now.
    const LendingConditions better = conditions(2, 2048, 10240, QStringLiteral("1"), {bb, deb}, 0);
    CHECK_OK(alter(better));
    LendingConditions agreedFewer = seen;
    agreedFewer.osImages = {deb};
    Result<ContractGranted> onBetter = borrowAgreeing(agreedFewer);
    CHECK_OK(onBetter);
    QCOMPARE(onBetter->conditions, better);
    QCOMPARE(onBetter->receipt.ratePerHour, Money::parse(u"1").value());
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = onBetter->contractId}));
    // Without agreed terms, the offer's as they are.
    CHECK_OK(alter(dearer));
    Result<ContractGranted> asTheyAre = borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    CHECK_OK(asTheyAre);
    QCOMPARE(asTheyAre->conditions.ratePerHour, Money::parse(u"3").value());
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = asTheyAre->contractId}));

    // A partial agreement (the command line's --max-rate alone): 0 resources, no OS images
    // and a time limit of 1 s accept any; the rate is held to.
    LendingConditions rateOnly;
    rateOnly.ratePerHour = Money::parse(u"2").value();
    rateOnly.maxDurationS = 1;
    Result<ContractGranted> refusedRate = borrowAgreeing(rateOnly);
    QCOMPARE(refusedRate.error().code, ErrorCode::TermsChanged); // it is 3 now
    QVERIFY2(refusedRate.error().message.contains(QStringLiteral("the rate is now 3 per hour, not 2")), qPrintable(refusedRate.error().message));
    rateOnly.ratePerHour = Money::parse(u"3").value();
    Result<ContractGranted> onRate = borrowAgreeing(rateOnly);
    CHECK_OK(onRate);
    QCOMPARE(onRate->conditions, dearer);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = onRate->contractId}));
    LendingConditions badImage = rateOnly; // what is named is still checked
    badImage.osImages = {QStringLiteral("no/such image")};
    QCOMPARE(borrowAgreeing(badImage).error().code, ErrorCode::InvalidArgument);

    // Terms are agreed for an offer, not for "the best match".
    Result<ContractGranted> bestMatch = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1"), .agreedTerms = seen});
    QCOMPARE(bestMatch.error().code, ErrorCode::InvalidArgument);
    // An unknown offer is still not_found, a lent one still conflict.
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = QStringLiteral("o-none"), .agreedTerms = seen}).error().code, ErrorCode::NotFound);
    Result<ContractGranted> taken = borrowAgreeing(dearer);
    CHECK_OK(taken);
    QCOMPARE(borrowAgreeing(dearer).error().code, ErrorCode::Conflict);

    // Fewer resources than agreed (an allocation the lender shrank) are worse too.
    QCOMPARE(agreedTermsChanges(conditions(1, 2048, 10240, QStringLiteral("1.5"), {bb}), conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb})),
             QStringList{QStringLiteral("vCPUs: 1 now, not 2")});
    QCOMPARE(agreedTermsChanges(conditions(2, 1024, 5120, QStringLiteral("1.5"), {bb}), conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb})),
             (QStringList{QStringLiteral("memory: 1024 MiB now, not 2048 MiB"), QStringLiteral("disk: 5120 MiB now, not 10240 MiB")}));
    QCOMPARE(agreedTermsChanges(conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb}, 600), conditions(2, 2048, 10240, QStringLiteral("1.5"), {bb}, 0)),
             QStringList{QStringLiteral("a contract may now last at most 600 s, not without limit")});
    QVERIFY(agreedTermsChanges(conditions(4, 4096, 20480, QStringLiteral("1"), {bb, deb}, 0), seen).isEmpty());
}

void TestMarketFlows::alterationBeforeABorrowWins()
{
    // The race the agreed terms are for: the lender raises its rate while a borrower, whose
    // list still shows the old one, borrows. The alteration is accepted first, so it is
    // written first (both wait on the writer thread behind the locked partitions table), and
    // the borrow, agreeing to the old rate, is refused rather than charged the new one.
    START_MARKET_WITH_CLIENTS();
    const LendingConditions seen = conditions(1, 1024, 0, QStringLiteral("1"));
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), seen);
    CHECK_OK(reg);
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("partitions"));
    QVERIFY(held);
    auto answered = std::make_shared<QStringList>();
    lender->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(1, 1024, 0, QStringLiteral("5"))}, this,
        [answered](const Result<PartitionRegistered> &r) { answered->append(r ? QStringLiteral("altered") : r.error().toString()); });
    QTRY_VERIFY_WITH_TIMEOUT(held->waiting() >= 1, 30'000);
    borrower->request<ContractGranted>(Borrow{.offerId = reg->offerId, .agreedTerms = seen}, this,
                                       [answered](const Result<ContractGranted> &r) {
                                           answered->append(r ? QStringLiteral("lent at %1").arg(r->conditions.ratePerHour.toString())
                                                              : errorCodeName(r.error().code));
                                       });
    QTest::qWait(200);
    QVERIFY2(answered->isEmpty(), qPrintable(answered->join(u','))); // both wait for the lock
    CHECK_OK(held->release());
    QTRY_COMPARE_WITH_TIMEOUT(answered->size(), 2, 60'000);
    QCOMPARE(*answered, (QStringList{QStringLiteral("altered"), QStringLiteral("terms_changed")}));
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->total, 1); // still free, at its new rate
    QCOMPARE(page->offers.first().conditions.ratePerHour, Money::parse(u"5").value());
}

void TestMarketFlows::bestMatchIsLentOnTheTermsItMatched()
{
    // "Borrow the best match" races an alteration too: the lender raises its rate after the
    // market matched the query against the old one. The lend holds the offer to the terms it
    // matched with: a query that only the old rate met is refused, and one that others meet
    // gets the next best, never the dearer offer at a rate the query excluded.
    START_MARKET_WITH_CLIENTS();
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3"))));
    // A query may bound terms from above too: p3's one-hour limit is what "time<=1h" asks for.
    CHECK_OK(registerPartition(lender, QStringLiteral("p3"), conditions(1, 1024, 0, QStringLiteral("9"), {QStringLiteral("busybox")}, 3600)));
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("partitions"));
    QVERIFY(held);
    auto answered = std::make_shared<QStringList>();
    lender->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(1, 1024, 0, QStringLiteral("5"))}, this,
        [answered](const Result<PartitionRegistered> &r) { answered->append(r ? QStringLiteral("altered") : r.error().toString()); });
    lender->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p3"), .conditions = conditions(1, 1024, 0, QStringLiteral("9"))}, this,
        [answered](const Result<PartitionRegistered> &r) { answered->append(r ? QStringLiteral("altered") : r.error().toString()); });
    QTRY_VERIFY_WITH_TIMEOUT(held->waiting() >= 1, 30'000);
    // Matched now, against the index that still has p1 at 1 per hour and p3 with its limit.
    for (const QString &query : {QStringLiteral("rate<=2"), QStringLiteral("order=rate"), QStringLiteral("time<=1h")}) {
        borrower->request<ContractGranted>(Borrow{.query = query}, this, [answered, query](const Result<ContractGranted> &r) {
            answered->append(query + QStringLiteral(": ")
                             + (r ? QStringLiteral("%1 at %2").arg(r->partitionId, r->conditions.ratePerHour.toString())
                                  : errorCodeName(r.error().code)));
        });
    }
    QTest::qWait(200);
    QVERIFY2(answered->isEmpty(), qPrintable(answered->join(u','))); // all wait for the lock
    CHECK_OK(held->release());
    QTRY_COMPARE_WITH_TIMEOUT(answered->size(), 5, 60'000);
    QCOMPARE(answered->count(QStringLiteral("altered")), 2);
    QVERIFY2(answered->contains(QStringLiteral("rate<=2: conflict")), qPrintable(answered->join(u',')));
    QVERIFY2(answered->contains(QStringLiteral("order=rate: p2 at 3")), qPrintable(answered->join(u',')));
    QVERIFY2(answered->contains(QStringLiteral("time<=1h: conflict")), qPrintable(answered->join(u',')));
    // Unchanged offers are still lent as matched.
    Result<ContractGranted> unchanged = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("rate<=6 order=rate")});
    CHECK_OK(unchanged);
    QCOMPARE(unchanged->partitionId, QStringLiteral("p1"));
}

void TestMarketFlows::agreedTermsHoldAgainstAnotherProcess()
{
    // Another market process on the same PostgreSQL database alters the offer between the
    // lend's check of the terms and its marking the offer lent. The check locks the row
    // (SELECT … FOR UPDATE): the alteration waits for the lend's commit and then finds the
    // partition lent. Without the lock it went through, and the borrower was lent on the new
    // rate after agreeing to the old one.
    START_MARKET_WITH_CLIENTS();
    const LendingConditions seen = conditions(1, 1024, 0, QStringLiteral("1"));
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), seen);
    CHECK_OK(reg);
    const Identity marketB = makeIdentity(QStringLiteral("market-b"));
    std::unique_ptr<MarketService> b = startSecondMarket(marketB);
    QVERIFY2(b, qPrintable(m_startError));
    SslChannel *lenderAtB = connectClient(b->serverPort(), m_lender, marketB.nodeId(), QStringLiteral("lender"), this, nullptr);
    QVERIFY(lenderAtB);

    auto checked = std::make_shared<QSemaphore>();
    auto go = std::make_shared<QSemaphore>();
    MarketStore::setTermsCheckedHookForTest([checked, go](const QString &) {
        checked->release();
        go->tryAcquire(1, 30'000);
    });
    const auto unhook = qScopeGuard([go] {
        go->release(100);
        MarketStore::setTermsCheckedHookForTest({});
    });
    auto answered = std::make_shared<QStringList>();
    borrower->request<ContractGranted>(Borrow{.offerId = reg->offerId, .agreedTerms = seen}, this,
                                       [answered](const Result<ContractGranted> &r) {
                                           answered->append(r ? QStringLiteral("lent at %1").arg(r->conditions.ratePerHour.toString())
                                                              : errorCodeName(r.error().code));
                                       });
    QTRY_COMPARE_WITH_TIMEOUT(checked->available(), 1, 30'000); // A's lend holds the checked row
    lenderAtB->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(1, 1024, 0, QStringLiteral("5"))}, this,
        [answered](const Result<PartitionRegistered> &r) {
            answered->append(r ? QStringLiteral("altered") : QStringLiteral("alteration: ") + errorCodeName(r.error().code));
        });
    // B's alteration waits for the row: nothing is answered while A's lend is held.
    QTest::qWait(1'000);
    QVERIFY2(answered->isEmpty(), qPrintable(answered->join(u',')));
    go->release();
    QTRY_COMPARE_WITH_TIMEOUT(answered->size(), 2, 30'000);
    // The two answers come from two processes over two connections, and A's goes through its
    // signer thread (the receipts) on its way: either may arrive first. That B's waited for
    // A's commit shows in its conflict (the row was lent when it got it) and in the silence
    // above.
    answered->sort();
    QCOMPARE(*answered, (QStringList{QStringLiteral("alteration: conflict"), QStringLiteral("lent at 1")}));
}

// ───────────────────────── search (S41–S44) ─────────────────────────

void TestMarketFlows::searchRequirementsOrderPaging()
{
    START_MARKET_WITH_CLIENTS();
    const QString bb = QStringLiteral("busybox"), deb = QStringLiteral("debian-12");
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 512, 10240, QStringLiteral("0.5"), {bb})));
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(2, 1024, 20480, QStringLiteral("1"), {bb, deb})));
    CHECK_OK(registerPartition(lender, QStringLiteral("p3"), conditions(4, 4096, 40960, QStringLiteral("2"), {deb})));
    Result<PartitionRegistered> p4 = registerPartition(lender, QStringLiteral("p4"), conditions(8, 16384, 102400, QStringLiteral("4"), {bb}));
    CHECK_OK(p4);
    CHECK_OK(registerPartition(lender, QStringLiteral("p5"), conditions(2, 2048, 10240, QStringLiteral("0.75"), {bb})));
    CHECK_OK(registerPartition(lender, QStringLiteral("p6"), conditions(16, 65536, 512000, QStringLiteral("10"), {deb})));

    const auto search = [&](SearchOffers s) { return borrower->call<OfferPage>(s); };
    const auto query = [&](const QString &text) { return search(SearchOffers{.query = text}); };

    QCOMPARE(names(*query(QString())), QStringLiteral("p1,p5,p2,p3,p4,p6")); // default order: rate
    QCOMPARE(names(*query(QStringLiteral("cpus>=4"))), QStringLiteral("p3,p4,p6"));
    QCOMPARE(names(*query(QStringLiteral("memory>=2G"))), QStringLiteral("p5,p3,p4,p6"));
    QCOMPARE(names(*query(QStringLiteral("disk>=40G"))), QStringLiteral("p3,p4,p6"));
    QCOMPARE(names(*query(QStringLiteral("os=debian-12"))), QStringLiteral("p2,p3,p6"));
    QCOMPARE(names(*query(QStringLiteral("os!=debian-12"))), QStringLiteral("p1,p5,p4"));
    QCOMPARE(names(*query(QStringLiteral("rate<=1"))), QStringLiteral("p1,p5,p2"));
    QCOMPARE(names(*query(QStringLiteral("reliability>=100"))), QStringLiteral("p1,p5,p2,p3,p4,p6"));
    // No time limit counts as the longest.
    QCOMPARE(names(*query(QStringLiteral("time>=8h"))), QStringLiteral("p1,p5,p2,p3,p4,p6"));
    QCOMPARE(query(QStringLiteral("time<=1h"))->total, 0);
    QCOMPARE(names(*query(QStringLiteral("cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate"))), QStringLiteral("p5,p2"));

    // Structured requirements, alone and with text.
    QCOMPARE(names(*search(SearchOffers{.minCpus = 2, .maxRate = Money::parse(u"1").value()})), QStringLiteral("p5,p2"));
    QCOMPARE(names(*search(SearchOffers{.minMemoryMib = 4096, .minDiskMib = 102400})), QStringLiteral("p4,p6"));
    QCOMPARE(names(*search(SearchOffers{.os = deb, .query = QStringLiteral("cpus<=4")})), QStringLiteral("p2,p3"));
    QCOMPARE(names(*search(SearchOffers{.minReliability = 100, .query = QStringLiteral("cpus>=16")})), QStringLiteral("p6"));

    // Orders; ties (p2 and p5 both have 2 CPUs) in an order every process agrees on.
    const QString byCpus = names(*query(QStringLiteral("order=-cpus")));
    QVERIFY2(byCpus.startsWith(QStringLiteral("p6,p4,p3,")) && byCpus.endsWith(QStringLiteral(",p1")), qPrintable(byCpus));
    QCOMPARE(names(*query(QStringLiteral("order=memory"))), QStringLiteral("p1,p2,p5,p3,p4,p6"));
    QCOMPARE(names(*search(SearchOffers{.order = QStringLiteral("-rate")})), QStringLiteral("p6,p4,p3,p2,p5,p1"));
    QCOMPARE(names(*query(QStringLiteral("order=-disk limit=2"))), QStringLiteral("p6,p4"));

    // Paging: offset/limit with the total of all matches.
    Result<OfferPage> first = query(QStringLiteral("limit=2"));
    QCOMPARE(names(*first), QStringLiteral("p1,p5"));
    QCOMPARE(first->total, 6);
    Result<OfferPage> second = search(SearchOffers{.offset = 2, .limit = 2});
    QCOMPARE(names(*second), QStringLiteral("p2,p3"));
    QCOMPARE(second->total, 6);
    Result<OfferPage> past = query(QStringLiteral("offset=6"));
    QCOMPARE(past->offers.size(), 0);
    QCOMPARE(past->total, 6);
    QVERIFY(past->explanation.isEmpty());

    // A bad token is named.
    Result<OfferPage> bad = query(QStringLiteral("cpus>=2 colour=red"));
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(bad.error().message.contains(QStringLiteral("'colour=red'")), qPrintable(bad.error().message));
    QCOMPARE(query(QStringLiteral("memory>=lots")).error().code, ErrorCode::InvalidArgument);

    // Nothing matches: each requirement with how many available offers it excluded.
    Result<OfferPage> none = query(QStringLiteral("cpus>=8 rate<=1"));
    CHECK_OK(none);
    QCOMPARE(none->total, 0);
    QCOMPARE(none->explanation, (QList<Exclusion>{{QStringLiteral("cpus>=8"), 4}, {QStringLiteral("rate<=1"), 3}}));
    // A requirement every offer meets is no reason, and is not listed.
    Result<OfferPage> noneMore = query(QStringLiteral("cpus>=1 cpus>=8 rate<=1"));
    CHECK_OK(noneMore);
    QCOMPARE(noneMore->explanation, none->explanation);
    Result<OfferPage> noImage = search(SearchOffers{.os = QStringLiteral("windows")});
    QCOMPARE(noImage->explanation, (QList<Exclusion>{{QStringLiteral("os=windows"), 6}}));

    // A lent offer is not offered, and the explanation says so.
    CHECK_OK(borrower->call<ContractGranted>(Borrow{.offerId = p4->offerId}));
    QCOMPARE(names(*query(QStringLiteral("cpus>=8"))), QStringLiteral("p6"));
    Result<OfferPage> lent = query(QStringLiteral("cpus>=8 rate<=4"));
    QCOMPARE(lent->total, 0);
    QCOMPARE(lent->explanation.size(), 3);
    QCOMPARE(lent->explanation[0], (Exclusion{QStringLiteral("cpus>=8"), 4}));
    QCOMPARE(lent->explanation[1], (Exclusion{QStringLiteral("rate<=4"), 1}));
    QCOMPARE(lent->explanation[2], (Exclusion{QStringLiteral("free (not lent)"), 1, QStringLiteral("free")}));
}

// ───────────────────────── contracts and billing (S45–S48, S58–S61) ─────────────────────────

void TestMarketFlows::borrowEndBillAndReceipts()
{
    START_MARKET();
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    SslChannel *borrower2 = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(lender && borrower && borrower2);
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 10240, QStringLiteral("1.5")));
    CHECK_OK(reg);

    // By offer ID.
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    CHECK_OK(granted);
    QVERIFY(granted->contractId.startsWith(QStringLiteral("c-")));
    QCOMPARE(granted->lenderId, m_lender.nodeId());
    QCOMPARE(granted->lenderAddress, QStringLiteral("127.0.0.1:7500"));
    QCOMPARE(granted->partitionId, QStringLiteral("p1"));
    QCOMPARE(granted->conditions, conditions(2, 2048, 10240, QStringLiteral("1.5")));
    QCOMPARE(granted->startedAtMs, kT0);
    QCOMPARE(granted->key.size(), 32);
    const Receipt &start = granted->receipt;
    QCOMPARE(start.contractId, granted->contractId);
    QCOMPARE(start.borrowerId, m_borrower.nodeId());
    QCOMPARE(start.lenderId, m_lender.nodeId());
    QCOMPARE(start.startedAtMs, kT0);
    QCOMPARE(start.endedAtMs, 0);
    QVERIFY2(verifyReceipt(start, m_marketIdentity.nodeId()).ok(), qPrintable(verifyReceipt(start).error().toString()));

    // Never twice.
    Result<ContractGranted> twice = borrower2->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    QCOMPARE(twice.error().code, ErrorCode::Conflict);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId}).error().code, ErrorCode::Conflict);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = QStringLiteral("o-unknown")}).error().code, ErrorCode::NotFound);

    // Only its borrower ends it.
    QCOMPARE(borrower2->call<ContractClosed>(EndContract{.contractId = granted->contractId}).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(borrower->call<ContractClosed>(EndContract{.contractId = QStringLiteral("c-none")}).error().code, ErrorCode::NotFound);

    // A running bill shows the meter.
    m_clock = kT0 + 3'600'000;
    Result<BillList> running = borrower->call<BillList>(ListBills{});
    CHECK_OK(running);
    QCOMPARE(running->bills.size(), 1);
    QCOMPARE(running->bills.first().state, QStringLiteral("running"));
    QCOMPARE(running->bills.first().charge, Money::parse(u"1.5").value());

    // 1 h 20 min 30.5 s at 1.5/h = 2.012708 (rounded once); fee 10 % = 0.201271.
    m_clock = kT0 + 4'830'500;
    Result<ContractClosed> closed = borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId});
    CHECK_OK(closed);
    QCOMPARE(closed->durationMs, 4'830'500);
    QCOMPARE(closed->charge, Money::fromMicros(2'012'708));
    const Receipt &end = closed->receipt;
    QCOMPARE(end.endedAtMs, kT0 + 4'830'500);
    QCOMPARE(end.charge, Money::fromMicros(2'012'708));
    QVERIFY(verifyReceipt(end, m_marketIdentity.nodeId()).ok());
    Receipt tampered = end;
    tampered.charge = Money::fromMicros(2'012'707);
    QVERIFY(!verifyReceipt(tampered, m_marketIdentity.nodeId()).ok());
    QCOMPARE(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}).error().code, ErrorCode::Conflict);

    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 1);
    const Bill &bill = bills->bills.first();
    QCOMPARE(bill.state, QStringLiteral("ended"));
    QCOMPARE(bill.charge, Money::fromMicros(2'012'708));
    QCOMPARE(bill.marketFee, Money::fromMicros(201'271));
    QCOMPARE(bill.lenderPayout, Money::fromMicros(1'811'437));
    QCOMPARE(bill.durationMs, 4'830'500);
    Result<BillList> lenderBills = lender->call<BillList>(ListBills{});
    CHECK_OK(lenderBills);
    QCOMPARE(lenderBills->bills.size(), 1);
    QCOMPARE(lenderBills->bills.first().lenderPayout, Money::fromMicros(1'811'437));
    // A lender's bills name the borrower (it gave none: empty); a borrower's do not.
    QCOMPARE(lenderBills->bills.first().borrowerName, std::optional<QString>(QString()));
    QCOMPARE(bills->bills.first().borrowerName, std::nullopt);
    QCOMPARE(borrower2->call<BillList>(ListBills{})->bills.size(), 0);

    // The billing database (13) holds the same numbers.
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT charge_micros, fee_micros, payout_micros, duration_ms FROM billing WHERE contract_id = ?"), {granted->contractId});
    CHECK_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toLongLong(), 2'012'708);
    QCOMPARE(q->value(1).toLongLong(), 201'271);
    QCOMPARE(q->value(2).toLongLong(), 1'811'437);
    QCOMPARE(q->value(3).toLongLong(), 4'830'500);
    Result<QSqlQuery> c = db->exec(QStringLiteral("SELECT started_at_ms, ended_at_ms, end_reason, key_hash FROM contracts WHERE id = ?"), {granted->contractId});
    QVERIFY(c->next());
    QCOMPARE(c->value(0).toLongLong(), kT0);
    QCOMPARE(c->value(1).toLongLong(), kT0 + 4'830'500);
    QCOMPARE(c->value(2).toString(), QStringLiteral("borrower"));
    QCOMPARE(c->value(3).toByteArray(), QCryptographicHash::hash(granted->key, QCryptographicHash::Sha256));

    // Borrow the best match of a query, and a query nothing matches.
    Result<ContractGranted> best = borrower2->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=2 os=busybox")});
    CHECK_OK(best);
    QCOMPARE(best->partitionId, QStringLiteral("p1"));
    QVERIFY(best->key != granted->key);
    // The one partition is lent again: no requirement is why nothing matches, and the answer
    // says so rather than "cpus>=64 excluded 0".
    Result<ContractGranted> noMatch = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=64")});
    QCOMPARE(noMatch.error().code, ErrorCode::NoMatch);
    QCOMPARE(noMatch.error().message, QStringLiteral("no offer is available"));
    // A query the lent one would meet: that it is lent is why.
    noMatch = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")});
    QCOMPARE(noMatch.error().code, ErrorCode::NoMatch);
    QCOMPARE(noMatch.error().message, QStringLiteral("no offer matches: free (not lent) excluded 1"));
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>>2")}).error().code, ErrorCode::InvalidArgument);

    // Receipts asked for later (ListBills.receipts), signed when asked: the lender gets the
    // same end receipt the borrower got at the end (all but the signature), and a running
    // contract's is its start receipt.
    const auto sameFacts = [](Receipt a, Receipt b) {
        a.signature.clear();
        b.signature.clear();
        a.batch.reset();
        b.batch.reset();
        return a == b;
    };
    for (SslChannel *party : {borrower, lender}) {
        Result<BillList> one = party->call<BillList>(ListBills{.contractId = granted->contractId, .receipts = true});
        CHECK_OK(one);
        QCOMPARE(one->bills.size(), 1);
        QVERIFY(one->bills.first().receipt);
        const Receipt &later = *one->bills.first().receipt;
        QVERIFY2(verifyReceipt(later, m_marketIdentity.nodeId()).ok(), qPrintable(verifyReceipt(later).error().toString()));
        QVERIFY(sameFacts(later, end));
    }
    Result<BillList> withReceipts = lender->call<BillList>(ListBills{.receipts = true});
    CHECK_OK(withReceipts);
    QCOMPARE(withReceipts->bills.size(), 2); // the ended one and best's, running
    for (const Bill &b : std::as_const(withReceipts->bills)) {
        QVERIFY(b.receipt);
        QVERIFY(verifyReceipt(*b.receipt, m_marketIdentity.nodeId()).ok());
        QVERIFY(b.receipt->batch); // the page's receipts under one signature
        QCOMPARE(b.receipt->contractId, b.contractId);
        QCOMPARE(b.receipt->lenderId, m_lender.nodeId());
        if (b.contractId == best->contractId) {
            QCOMPARE(b.receipt->endedAtMs, 0);
            QCOMPARE(b.receipt->charge, Money());
            QVERIFY(sameFacts(*b.receipt, best->receipt));
        } else {
            QCOMPARE(b.receipt->charge, Money::fromMicros(2'012'708));
        }
    }
    // Not asked for: none (the answer stays small).
    QVERIFY(!lender->call<BillList>(ListBills{})->bills.first().receipt);
    QCOMPARE(borrower2->call<BillList>(ListBills{.contractId = granted->contractId, .receipts = true}).error().code, ErrorCode::NotFound);
}

void TestMarketFlows::concurrentBorrowsShareCommits()
{
    // Many requests in flight at once land in shared transactions (group commit); within
    // one, later requests see earlier lends: still one contract per partition, and every
    // acknowledged one is in the database.
    START_MARKET();
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    SslChannel *borrower2 = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(lender && borrower && borrower2);
    QStringList offers;
    for (int i = 0; i < 10; ++i) {
        Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p%1").arg(i), conditions(1, 1024, 0, QStringLiteral("1")));
        CHECK_OK(reg);
        offers << reg->offerId;
    }
    QList<ContractGranted> granted;
    int answered = 0, conflicts = 0;
    const auto collect = [&](Result<ContractGranted> r) {
        ++answered;
        if (r.ok())
            granted.append(*r);
        else if (r.error().code == ErrorCode::Conflict || r.error().code == ErrorCode::NoMatch)
            ++conflicts;
    };
    for (const QString &offer : std::as_const(offers)) {
        borrower->request<ContractGranted>(Borrow{.offerId = offer}, this, collect);
        borrower2->request<ContractGranted>(Borrow{.offerId = offer}, this, collect);
        borrower2->request<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1")}, this, collect);
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, 30, 30'000);
    QCOMPARE(granted.size() + conflicts, 30);
    QCOMPARE(granted.size(), 10);
    QSet<QString> partitions;
    for (const ContractGranted &g : std::as_const(granted))
        partitions.insert(g.partitionId);
    QCOMPARE(partitions.size(), 10);
    // The start receipts of one commit share one signature over their Merkle root; each
    // still verifies alone.
    int batched = 0;
    for (const ContractGranted &g : std::as_const(granted)) {
        QVERIFY2(verifyReceipt(g.receipt, m_marketIdentity.nodeId()).ok(),
                 qPrintable(verifyReceipt(g.receipt, m_marketIdentity.nodeId()).error().toString()));
        batched += g.receipt.batch.has_value();
    }
    QVERIFY2(batched >= 2, "the contracts requested together were not signed in one batch");
    // The signer yields to the service thread.
    errno = 0;
    const int serviceNice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    QCOMPARE(errno, 0);
    QCOMPARE(niceOfThread(QStringLiteral("market-signer")), qMin(19, serviceNice + kBackgroundNiceness));
    // The reports' reader yields too; the quick reader (keys to verify) less.
    QCOMPARE(niceOfThread(QStringLiteral("market-store-re")), qMin(19, serviceNice + kBackgroundNiceness));
    QCOMPARE(niceOfThread(QStringLiteral("market-quick-rd")), qMin(19, serviceNice + kWriterNiceness));
    // Lent, so refused, by the writer after the batches before it.
    Result<PartitionRegistered> altered = lender->call<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p9"), .conditions = conditions(1, 1024, 0, QStringLiteral("2"))});
    QVERIFY(!altered.ok());
    QCOMPARE(altered.error().code, ErrorCode::Conflict);
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT COUNT(*) FROM contracts WHERE ended_at_ms IS NULL"));
    CHECK_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toInt(), 10);

    // Ends batch the same way.
    int ended = 0;
    for (const ContractGranted &g : std::as_const(granted)) {
        Channel *owner = g.receipt.borrowerId == m_borrower.nodeId() ? static_cast<Channel *>(borrower) : borrower2;
        owner->request<ContractClosed>(EndContract{.contractId = g.contractId}, this, [&](Result<ContractClosed> r) {
            ended += r.ok() && verifyReceipt(r->receipt, m_marketIdentity.nodeId()).ok();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(ended, 10, 30'000);
    QCOMPARE(niceOfThread(QStringLiteral("market-signer")), qMin(19, serviceNice + kBackgroundNiceness));
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 10);
}

void TestMarketFlows::largeBatchesAreAnsweredInTurn()
{
    // A committed batch is answered 128 requests per event-loop pass (the sockets
    // are served in between): registrations, borrows and ends of batches larger than a pass,
    // in flight together, each get their own answer.
    QFETCH(QString, dialect);
    START_MARKET_WITH_CLIENTS();
    constexpr int kFirst = 300, kSecond = 200;
    const auto registerAll = [&](int from, int count, QHash<QString, QString> &offerOf, int &failed) {
        for (int i = from; i < from + count; ++i) {
            const QString partition = QStringLiteral("p%1").arg(i);
            lender->request<PartitionRegistered>(registration(partition, conditions(1, 1024, 0, QStringLiteral("1"))), this,
                                                 [&offerOf, &failed, partition](Result<PartitionRegistered> r) {
                                                     if (r && r->partitionId == partition)
                                                         offerOf.insert(partition, r->offerId);
                                                     else
                                                         ++failed;
                                                 });
        }
    };
    QHash<QString, QString> offerOf; // partition -> offer
    int failed = 0;
    registerAll(0, kFirst, offerOf, failed);
    QTRY_COMPARE_WITH_TIMEOUT(offerOf.size() + failed, kFirst, 30'000);
    QCOMPARE(failed, 0);

    // Borrows of the first 200 offers, each answered with the partition it asked for.
    QHash<QString, QString> contractOf; // partition -> contract
    const auto borrowAll = [&](int from, int count) {
        for (int i = from; i < from + count; ++i) {
            const QString partition = QStringLiteral("p%1").arg(i);
            borrower->request<ContractGranted>(Borrow{.offerId = offerOf.value(partition)}, this,
                                               [&contractOf, &failed, partition](Result<ContractGranted> r) {
                                                   if (r && r->partitionId == partition)
                                                       contractOf.insert(partition, r->contractId);
                                                   else
                                                       ++failed;
                                               });
        }
    };
    borrowAll(0, kSecond);
    QTRY_COMPARE_WITH_TIMEOUT(contractOf.size() + failed, kSecond, 30'000);
    QCOMPARE(failed, 0);

    // All three kinds at once: 200 ends, 100 borrows, 200 new registrations.
    QHash<QString, QString> endedOf;
    for (int i = 0; i < kSecond; ++i) {
        const QString partition = QStringLiteral("p%1").arg(i);
        const QString contract = contractOf.value(partition);
        borrower->request<ContractClosed>(EndContract{.contractId = contract}, this,
                                          [&endedOf, &failed, partition, contract](Result<ContractClosed> r) {
                                              if (r && r->contractId == contract && r->receipt.contractId == contract)
                                                  endedOf.insert(partition, contract);
                                              else
                                                  ++failed;
                                          });
    }
    borrowAll(kSecond, kFirst - kSecond);
    registerAll(kFirst, kSecond, offerOf, failed);
    QTRY_COMPARE_WITH_TIMEOUT(endedOf.size() + contractOf.size() + offerOf.size() + failed,
                              kSecond + kFirst + kFirst + kSecond, 30'000);
    QCOMPARE(failed, 0);
    QCOMPARE(endedOf.size(), kSecond);

    // The index agrees: the 100 lent offers are the only ones not on offer.
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{.limit = 1});
    CHECK_OK(page);
    QCOMPARE(page->total, kFirst + kSecond - (kFirst - kSecond));
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT COUNT(*), COUNT(ended_at_ms) FROM contracts"));
    CHECK_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toInt(), kFirst);
    QCOMPARE(q->value(1).toInt(), kSecond);
}

void TestMarketFlows::requestFailingHalfWayLeavesNothing()
{
    // A lend whose contract cannot be written (here a trigger refuses it: a stand-in for a
    // full disk or a broken constraint) after its partition was marked lent: the partition
    // must not stay lent without a contract, and the other requests of its group commit
    // still get theirs (they all failed with it before).
    QFETCH(QString, dialect);
    START_MARKET_WITH_CLIENTS();
    const QStringList offers = registerOffers(lender, 6);
    QCOMPARE(offers.size(), 6);
    const QString poisoned = offers[2];
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const QStringList trigger = dialect == u"sqlite"
        ? QStringList{QStringLiteral("CREATE TRIGGER refuse_contract BEFORE INSERT ON contracts WHEN NEW.offer_id = '%1' "
                                     "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
                          .arg(poisoned)}
        : QStringList{QStringLiteral("CREATE FUNCTION refuse_contract() RETURNS trigger AS $$ BEGIN "
                                     "IF NEW.offer_id = '%1' THEN RAISE EXCEPTION 'injected failure'; END IF; "
                                     "RETURN NEW; END $$ LANGUAGE plpgsql")
                          .arg(poisoned),
                      QStringLiteral("CREATE TRIGGER refuse_contract BEFORE INSERT ON contracts FOR EACH ROW "
                                     "EXECUTE FUNCTION refuse_contract()")};
    for (const QString &sql : trigger)
        CHECK_OK(db->exec(sql));

    std::map<QString, Result<ContractGranted>> answers;
    for (const QString &offer : std::as_const(offers)) {
        borrower->request<ContractGranted>(Borrow{.offerId = offer}, this,
                                           [&answers, offer](Result<ContractGranted> r) { answers.insert_or_assign(offer, r); });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), std::size_t(offers.size()), 30'000);
    for (const QString &offer : std::as_const(offers)) {
        const Result<ContractGranted> &r = answers.at(offer);
        if (offer == poisoned) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::StorageError);
        } else {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
            QVERIFY(verifyReceipt(r->receipt, m_marketIdentity.nodeId()).ok());
        }
    }
    Result<QSqlQuery> lent = db->exec(QStringLiteral("SELECT offer_id, lending_status FROM partitions WHERE lending_status IS NOT NULL"));
    CHECK_OK(lent);
    QStringList lentOffers;
    while (lent->next())
        lentOffers << lent->value(0).toString();
    QCOMPARE(lentOffers.size(), 5);
    QVERIFY(!lentOffers.contains(poisoned));
    Result<QSqlQuery> running = db->exec(QStringLiteral("SELECT COUNT(*) FROM contracts WHERE ended_at_ms IS NULL"));
    CHECK_OK(running);
    QVERIFY(running->next());
    QCOMPARE(running->value(0).toInt(), 5);
    // The market's own view agrees: the poisoned offer is still offered.
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 1);
}

void TestMarketFlows::undurableCommitIsNotAcknowledged_data()
{
    // Only a SQLite file's commits are synced apart from them (StoreWriter::syncCommitted());
    // PostgreSQL syncs at COMMIT.
    QTest::addColumn<QString>("dialect");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
}

void TestMarketFlows::undurableCommitIsNotAcknowledged()
{
    // The writer commits a batch and goes on; the WAL's fdatasync comes after, and nothing is
    // acknowledged before it succeeded. When it fails (here injected: a test machine has no
    // failing disk), the borrower is told, and the market's view follows its database.
    QFETCH(QString, dialect);
    START_MARKET_WITH_CLIENTS();
    const QStringList offers = registerOffers(lender, 3);
    QCOMPARE(offers.size(), 3);
    StoreWriter::failSyncsForTest(EIO);
    const auto healed = qScopeGuard([] { StoreWriter::failSyncsForTest(0); });
    Result<ContractGranted> lost = borrower->call<ContractGranted>(Borrow{.offerId = offers[0]});
    QVERIFY(!lost.ok());
    QCOMPARE(lost.error().code, ErrorCode::StorageError);
    QVERIFY2(lost.error().message.contains(QStringLiteral("durable")), qPrintable(lost.error().toString()));
    StoreWriter::failSyncsForTest(0);

    // The commit returned, so the contract is in the database; the index agrees, and the
    // borrower finds it among its contracts.
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> running = db->exec(QStringLiteral("SELECT id FROM contracts WHERE ended_at_ms IS NULL AND offer_id = ?"), {offers[0]});
    CHECK_OK(running);
    QVERIFY(running->next());
    const QString contractId = running->value(0).toString();
    running->finish();
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 2);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 1);
    QCOMPARE(bills->bills.first().contractId, contractId);

    // A disk that failed once is not trusted again until a restart: Linux may have dropped
    // the pages it did not write, and a later sync would not say so.
    Result<ContractGranted> after = borrower->call<ContractGranted>(Borrow{.offerId = offers[1]});
    QVERIFY(!after.ok());
    QCOMPARE(after.error().code, ErrorCode::StorageError);
    QVERIFY2(after.error().message.contains(QStringLiteral("restarted")), qPrintable(after.error().toString()));
    // A lender's alteration alike: not acknowledged, and in the database and the index all
    // the same.
    Result<PartitionRegistered> altered = lender->call<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p2"), .conditions = conditions(1, 1024, 0, QStringLiteral("2"))});
    QVERIFY(!altered.ok());
    QCOMPARE(altered.error().code, ErrorCode::StorageError);
    QVERIFY2(altered.error().message.contains(QStringLiteral("durable")), qPrintable(altered.error().toString()));
    Result<OfferPage> p2 = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(p2);
    QCOMPARE(p2->total, 1);
    QCOMPARE(p2->offers.first().partitionId, QStringLiteral("p2"));
    QCOMPARE(p2->offers.first().conditions.ratePerHour.toString(), QStringLiteral("2"));
    delete lender;
    delete borrower;

    // Restarted, the market lets the borrower end both contracts it was not told of, and
    // lends again.
    CHECK_OK(restartMarket());
    lender = client(m_lender, QStringLiteral("lender"));
    borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && borrower);
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
    Result<BillList> unacknowledged = borrower->call<BillList>(ListBills{});
    CHECK_OK(unacknowledged);
    QCOMPARE(unacknowledged->bills.size(), 2);
    QVERIFY(std::any_of(unacknowledged->bills.cbegin(), unacknowledged->bills.cend(),
                        [&contractId](const Bill &b) { return b.contractId == contractId; }));
    for (const Bill &b : std::as_const(unacknowledged->bills)) {
        Result<ContractClosed> closed = borrower->call<ContractClosed>(EndContract{.contractId = b.contractId});
        CHECK_OK(closed);
        QVERIFY(verifyReceipt(closed->receipt, m_marketIdentity.nodeId()).ok());
    }
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = offers[1]});
    CHECK_OK(granted);
    QVERIFY(verifyReceipt(granted->receipt, m_marketIdentity.nodeId()).ok());
}

// A borrower that lost a Borrow's answer, and the process that sent it, asks what the Borrow
// made without making anything (ListBills.requestId).
void TestMarketFlows::billOfABorrowRequest()
{
    START_MARKET_WITH_CLIENTS();
    QVERIFY(borrower->peerHasFeature(QLatin1String(kFeatureBillsByRequestId)));
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    const QString requestId = protocol::newBorrowRequestId();
    Result<ContractGranted> made = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = requestId});
    CHECK_OK(made);

    // Running: its bill, with a receipt signed now.
    Result<BillList> asked = borrower->call<BillList>(ListBills{.receipts = true, .requestId = requestId});
    CHECK_OK(asked);
    QCOMPARE(asked->bills.size(), 1);
    QCOMPARE(asked->bills.constFirst().contractId, made->contractId);
    QCOMPARE(asked->bills.constFirst().state, QStringLiteral("running"));
    QVERIFY(asked->bills.constFirst().receipt.has_value());
    CHECK_OK(receiptOfBill(*asked, made->contractId, m_marketIdentity.nodeId()));
    // Asking makes nothing and changes nothing: the key still opens the partition.
    Result<KeyVerdict> verdict =
        lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = made->key});
    CHECK_OK(verdict);
    QVERIFY(verdict->valid);
    QCOMPARE(borrower->call<BillList>(ListBills{})->bills.size(), 1);

    // An ID no Borrow of this borrower's had: none, and another borrower's is none of its business.
    QCOMPARE(borrower->call<BillList>(ListBills{.requestId = protocol::newBorrowRequestId()}).error().code, ErrorCode::NotFound);
    SslChannel *borrower2 = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(borrower2);
    QCOMPARE(borrower2->call<BillList>(ListBills{.requestId = requestId}).error().code, ErrorCode::NotFound);
    // With a contract ID as well, both must name it.
    QCOMPARE(borrower->call<BillList>(ListBills{.contractId = QStringLiteral("c-other"), .requestId = requestId}).error().code,
             ErrorCode::NotFound);
    CHECK_OK(borrower->call<BillList>(ListBills{.contractId = made->contractId, .requestId = requestId}));
    // A lender makes no Borrows; not an ID: refused.
    QCOMPARE(lender->call<BillList>(ListBills{.requestId = requestId}).error().code, ErrorCode::InvalidArgument);
    for (const QString &bad : {QString(), QString(65, QLatin1Char('a')), QStringLiteral("two words")}) {
        Result<BillList> refused = borrower->call<BillList>(ListBills{.requestId = bad});
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.contains(QLatin1String("requestId")), qPrintable(refused.error().message));
    }

    // Ended: its bill says so, with the end receipt.
    m_clock = kT0 + 90'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = made->contractId}));
    asked = borrower->call<BillList>(ListBills{.receipts = true, .requestId = requestId});
    CHECK_OK(asked);
    QCOMPARE(asked->bills.size(), 1);
    QCOMPARE(asked->bills.constFirst().state, QStringLiteral("ended"));
    QVERIFY(asked->bills.constFirst().endedAtMs > 0);
    QVERIFY(asked->bills.constFirst().receipt->endedAtMs > 0);
}

void TestMarketFlows::borrowSentAgainMakesNoSecondContract()
{
    START_MARKET_WITH_CLIENTS();
    PushLog pushes(lender);
    QVERIFY(borrower->peerHasFeature(QLatin1String(kFeatureBorrowRequestId)));
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("2")));
    CHECK_OK(p1);
    CHECK_OK(p2);
    const QString requestId = QStringLiteral("6f1c2a9e-0b7d-4e53-9d0a-2b8f1c3e5a77");
    Result<ContractGranted> first = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = requestId});
    CHECK_OK(first);
    QVERIFY(!first->repeated.has_value());
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 1, 10'000);

    // Sent again (its answer lost): the same contract, under a new key, and no second one.
    m_clock = kT0 + 5'000;
    Result<ContractGranted> again = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = requestId});
    CHECK_OK(again);
    QCOMPARE(again->repeated, std::optional<bool>(true));
    QCOMPARE(again->contractId, first->contractId);
    QCOMPARE(again->partitionId, first->partitionId);
    QCOMPARE(again->lenderId, first->lenderId);
    QCOMPARE(again->lenderAddress, first->lenderAddress);
    QCOMPARE(again->conditions, first->conditions);
    QCOMPARE(again->startedAtMs, first->startedAtMs);
    QCOMPARE(again->receipt.contractId, first->contractId);
    QCOMPARE(again->receipt.startedAtMs, first->startedAtMs);
    QVERIFY(verifyReceipt(again->receipt, m_marketIdentity.nodeId()).ok());
    QCOMPARE(again->key.size(), kLendingKeyBytes);
    QVERIFY(again->key != first->key);
    // The lender is told the new key; the old one opens nothing any more.
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 2, 10'000);
    const ContractStarted told = pushes.all<ContractStarted>().last();
    QCOMPARE(told.contractId, first->contractId);
    QCOMPARE(told.keyHash, hashLendingKey(again->key));
    QCOMPARE(told.startedAtMs, first->startedAtMs);
    const auto verdict = [&](const QByteArray &key) {
        return lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = key});
    };
    QVERIFY(verdict(again->key)->valid);
    QVERIFY(!verdict(first->key)->valid);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 1);

    // The ID is this borrower's: another borrower's Borrow with it is a borrow of its own.
    SslChannel *borrower2 = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(borrower2);
    Result<ContractGranted> others = borrower2->call<ContractGranted>(Borrow{.offerId = p2->offerId, .requestId = requestId});
    CHECK_OK(others);
    QVERIFY(others->contractId != first->contractId);
    QVERIFY(!others->repeated.has_value());
    // Used for another offer: refused, and the contract keeps its key.
    Result<ContractGranted> elsewhere = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId, .requestId = requestId});
    QCOMPARE(elsewhere.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(elsewhere.error().message.contains(p1->offerId), qPrintable(elsewhere.error().message));
    QVERIFY(verdict(again->key)->valid);
    // A best match sent again is the contract it made, whichever offer that was.
    Result<ContractGranted> best = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=1"), .requestId = requestId});
    CHECK_OK(best);
    QCOMPARE(best->contractId, first->contractId);
    QCOMPARE(best->repeated, std::optional<bool>(true));
    // Nothing else matches, and it is still found.
    Result<ContractGranted> lastMatch = borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("rate<=1.5"), .requestId = requestId});
    CHECK_OK(lastMatch);
    QCOMPARE(lastMatch->contractId, first->contractId);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("rate<=1.5"), .requestId = QStringLiteral("new")}).error().code,
             ErrorCode::NoMatch);
    // Several in one group commit, as a busy market gets them. First a repeat by offer,
    // found once the lend is refused (the offer is lent: to that contract), beside a new
    // borrow; then a best match sent again, whose lend of another offer fails at the unique
    // index, so that the batch runs again request by request, beside another new borrow.
    Result<PartitionRegistered> p3 = registerPartition(lender, QStringLiteral("p3"), conditions(1, 1024, 0, QStringLiteral("1.2")));
    Result<PartitionRegistered> p4 = registerPartition(lender, QStringLiteral("p4"), conditions(1, 1024, 0, QStringLiteral("1.3")));
    CHECK_OK(p3);
    CHECK_OK(p4);
    const auto together = [&](const QList<Borrow> &pipelined) {
        QList<std::optional<Result<ContractGranted>>> answers(pipelined.size());
        for (qsizetype i = 0; i < pipelined.size(); ++i)
            borrower->request<ContractGranted>(pipelined[i], this, [&answers, i](Result<ContractGranted> r) { answers[i] = std::move(r); });
        const bool all = QTest::qWaitFor([&] { return std::all_of(answers.cbegin(), answers.cend(), [](const auto &a) { return a.has_value(); }); }, 10'000);
        Q_UNUSED(all) // an answer missing is said below
        QList<Result<ContractGranted>> out;
        for (const auto &a : std::as_const(answers))
            out.append(a.value_or(Result<ContractGranted>(Error(ErrorCode::Timeout, QStringLiteral("no answer")))));
        return out;
    };
    QList<Result<ContractGranted>> round = together({Borrow{.offerId = p1->offerId, .requestId = requestId},
                                                     Borrow{.offerId = p3->offerId, .requestId = QStringLiteral("third")}});
    CHECK_OK(round[0]);
    CHECK_OK(round[1]);
    QCOMPARE(round[0]->contractId, first->contractId);
    QCOMPARE(round[0]->repeated, std::optional<bool>(true));
    QVERIFY(round[1]->contractId != first->contractId);
    QVERIFY(!round[1]->repeated.has_value());
    QVERIFY(verdict(round[0]->key)->valid);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = round[1]->contractId}));
    round = together({Borrow{.query = QStringLiteral("cpus>=1 order=-rate"), .requestId = requestId},
                      Borrow{.offerId = p3->offerId, .requestId = QStringLiteral("fourth")}});
    CHECK_OK(round[0]);
    CHECK_OK(round[1]);
    QCOMPARE(round[0]->contractId, first->contractId);
    QCOMPARE(round[0]->repeated, std::optional<bool>(true));
    QVERIFY(verdict(round[0]->key)->valid);
    QVERIFY(!round[1]->repeated.has_value());
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = round[1]->contractId}));
    // The best match first lent p4, the dearest, which the rollback freed again.
    CHECK_OK(borrower2->call<ContractGranted>(Borrow{.offerId = p4->offerId}));
    // Not a request ID: refused before anything is done.
    for (const QString &bad : {QString(65, QLatin1Char('a')), QStringLiteral("two words"), QStringLiteral("ünï")}) {
        Result<ContractGranted> refused = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = bad});
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.contains(QLatin1String("requestId")), qPrintable(refused.error().message));
    }

    // Ended since: said, with the contract, and nothing is made.
    m_clock = kT0 + 60'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = first->contractId}));
    Result<ContractGranted> late = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = requestId});
    QCOMPARE(late.error().code, ErrorCode::Conflict);
    QVERIFY2(late.error().message.contains(first->contractId), qPrintable(late.error().message));
    bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 3); // it, "third" and "fourth"
    // A new ID is a new contract; no ID, as older borrowers send, too.
    CHECK_OK(borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId, .requestId = QStringLiteral("second")}));
    Result<ContractGranted> plain = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    QCOMPARE(plain.error().code, ErrorCode::Conflict); // borrower2 holds it
    bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 4);
}

void TestMarketFlows::lenderPushesAndVerifyKey()
{
    START_MARKET_WITH_CLIENTS();
    PushLog pushes(lender);
    Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"), {QStringLiteral("busybox")}, 3600));
    CHECK_OK(reg);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    CHECK_OK(granted);

    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 1, 10'000);
    const ContractStarted started = pushes.all<ContractStarted>().first();
    QCOMPARE(started.contractId, granted->contractId);
    QCOMPARE(started.partitionId, QStringLiteral("p1"));
    QCOMPARE(started.borrowerId, m_borrower.nodeId());
    QCOMPARE(started.keyHash, hashLendingKey(granted->key));
    QCOMPARE(started.startedAtMs, kT0);
    QCOMPARE(started.maxDurationS, 3600);
    QCOMPARE(started.borrowerName, std::optional<QString>(QString())); // it gave no name (yet)

    // FIG. 15: the market answers for the key.
    Result<KeyVerdict> right = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = granted->key});
    CHECK_OK(right);
    QVERIFY(right->valid);
    QCOMPARE(right->contractId, granted->contractId);
    QCOMPARE(right->borrowerName, std::optional<QString>(QString())); // no name given
    QByteArray wrongKey = granted->key;
    wrongKey[0] = char(wrongKey[0] ^ 0x40);
    Result<KeyVerdict> wrong = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = wrongKey});
    QVERIFY(wrong.ok() && !wrong->valid && wrong->contractId.isEmpty());
    QVERIFY(!wrong->reason.isEmpty());
    Result<KeyVerdict> otherBorrower = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower2.nodeId(), .key = granted->key});
    QVERIFY(otherBorrower.ok() && !otherBorrower->valid);
    Result<KeyVerdict> otherPartition = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p2"), .borrowerId = m_borrower.nodeId(), .key = granted->key});
    QVERIFY(otherPartition.ok() && !otherPartition->valid);
    QCOMPARE(lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .key = QByteArray()})->valid, false);
    // Only the lender of the partition may ask.
    QCOMPARE(borrower->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = granted->key}).error().code,
             ErrorCode::PermissionDenied);
    SslChannel *otherLender = client(m_lender2, QStringLiteral("lender"));
    QVERIFY(otherLender);
    QVERIFY(!otherLender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = granted->key})->valid);

    m_clock = kT0 + 60'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 1, 10'000);
    const ContractEnded ended = pushes.all<ContractEnded>().first();
    QCOMPARE(ended.contractId, granted->contractId);
    QCOMPARE(ended.partitionId, QStringLiteral("p1"));
    QCOMPARE(ended.endedAtMs, kT0 + 60'000);
    QCOMPARE(ended.reason, QStringLiteral("borrower"));
    // An ended key is no longer valid.
    Result<KeyVerdict> afterEnd = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = granted->key});
    QVERIFY(afterEnd.ok() && !afterEnd->valid);
    // One contract's bill, for its borrower and its lender alike (an agent that missed the
    // end asks so); another's contract, or none, reads as not found.
    for (SslChannel *party : {borrower, lender}) {
        Result<BillList> one = party->call<BillList>(ListBills{.contractId = granted->contractId});
        CHECK_OK(one);
        QCOMPARE(one->bills.size(), 1);
        QCOMPARE(one->bills.first().contractId, granted->contractId);
        QCOMPARE(one->bills.first().endedAtMs, kT0 + 60'000);
        QCOMPARE(one->bills.first().state, QStringLiteral("ended"));
    }
    SslChannel *secondBorrower = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(secondBorrower);
    QCOMPARE(secondBorrower->call<BillList>(ListBills{.contractId = granted->contractId}).error().code, ErrorCode::NotFound);
    QCOMPARE(otherLender->call<BillList>(ListBills{.contractId = granted->contractId}).error().code, ErrorCode::NotFound);
    QCOMPARE(borrower->call<BillList>(ListBills{.contractId = QStringLiteral("no-such-contract")}).error().code, ErrorCode::NotFound);
    // Exactly one notice of each: maintenance syncs do not repeat them.
    QTest::qWait(200);
    QCOMPARE(pushes.all<ContractStarted>().size(), 1);
    QCOMPARE(pushes.all<ContractEnded>().size(), 1);

    // The lender is told the name the borrower goes by: set now, it comes with the next
    // contract; changed, with the one after.
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Northwind Labs")}));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p2);
    Result<ContractGranted> named = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(named);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 2, 10'000);
    QCOMPARE(pushes.all<ContractStarted>().last().contractId, named->contractId);
    QCOMPARE(pushes.all<ContractStarted>().last().borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs")));
    Result<KeyVerdict> namedKey = lender->call<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p2"), .borrowerId = m_borrower.nodeId(), .key = named->key});
    QVERIFY(namedKey.ok() && namedKey->valid);
    QCOMPARE(namedKey->borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs")));
    // Renamed while that contract runs: the lender is told the contract again at once, with
    // the new name; the ended first contract is not told again.
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Northwind Labs GmbH")}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 3, 10'000);
    QCOMPARE(pushes.all<ContractStarted>().last().contractId, named->contractId);
    QCOMPARE(pushes.all<ContractStarted>().last().borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs GmbH")));
    Result<PartitionRegistered> p3 = registerPartition(lender, QStringLiteral("p3"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p3);
    Result<ContractGranted> third = borrower->call<ContractGranted>(Borrow{.offerId = p3->offerId});
    CHECK_OK(third);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 4, 10'000);
    QCOMPARE(pushes.all<ContractStarted>().last().contractId, third->contractId);
    QCOMPARE(pushes.all<ContractStarted>().last().borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs GmbH")));

    // With two contracts running, each is told again.
    const auto toldSince = [&](qsizetype from) {
        QMap<QString, QString> told; // contract → name
        const QList<ContractStarted> all = pushes.all<ContractStarted>();
        for (qsizetype i = from; i < all.size(); ++i)
            told.insert(all[i].contractId, all[i].borrowerName.value_or(QStringLiteral("absent")));
        return told;
    };
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Northwind")}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 6, 10'000);
    QCOMPARE(toldSince(4), (QMap<QString, QString>{{named->contractId, QStringLiteral("Northwind")},
                                                   {third->contractId, QStringLiteral("Northwind")}}));
    // The same name again, and another borrower's name: nothing to tell (also not after the
    // market's syncs, which read its own writes back).
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Northwind")}));
    CHECK_OK(secondBorrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Other")}));
    QTest::qWait(300);
    QCOMPARE(pushes.all<ContractStarted>().size(), 6);
    // The name taken back: told without one.
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QString()}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 8, 10'000);
    QCOMPARE(toldSince(6), (QMap<QString, QString>{{named->contractId, QString()}, {third->contractId, QString()}}));
    QTest::qWait(300);
    QCOMPARE(pushes.all<ContractStarted>().size(), 8);
}

void TestMarketFlows::endedNoticesAreForgotten()
{
    // A market remembers the notices it sent its lenders only as long as a sync could bring
    // their contracts back: at thousands of contracts a second, for good would be a leak.
    MarketConfig config;
    config.noticeMemoryMs = 2000;
    config.syncIntervalMs = 50;
    START_MARKET(config);
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && borrower);
    PushLog pushes(lender);
    QList<QString> offers;
    for (int i = 0; i < 3; ++i) {
        Result<PartitionRegistered> reg = registerPartition(lender, QStringLiteral("p%1").arg(i), conditions(1, 1024, 0, QStringLiteral("1")));
        CHECK_OK(reg);
        offers.append(reg->offerId);
    }
    QList<QString> contracts;
    for (const QString &offer : std::as_const(offers)) {
        Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = offer});
        CHECK_OK(granted);
        contracts.append(granted->contractId);
    }
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 3, 10'000);
    QCOMPARE(m_market->rememberedNotices(), 3);
    // Two end; the third runs on, and its notice stays however long it runs.
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = contracts[0]}));
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = contracts[1]}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 2, 10'000);
    QCOMPARE(m_market->rememberedNotices(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(m_market->rememberedNotices(), 1, 10'000);
    // Forgotten, and still told once only: the syncs since did not bring them back.
    QTest::qWait(300);
    QCOMPARE(m_market->rememberedNotices(), 1);
    QCOMPARE(pushes.all<ContractStarted>().size(), 3);
    QCOMPARE(pushes.all<ContractEnded>().size(), 2);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = contracts[2]}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 3, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_market->rememberedNotices(), 0, 10'000);
}

void TestMarketFlows::offlineLendersAreNotOffered()
{
    MarketConfig config;
    config.heartbeatTimeoutMs = 600;
    START_MARKET(config);
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *lender2 = client(m_lender2, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && lender2 && borrower);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    Result<PartitionRegistered> q1 = registerPartition(lender2, QStringLiteral("q1"), conditions(1, 1024, 0, QStringLiteral("1"), {QStringLiteral("busybox")}));
    CHECK_OK(q1);
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 2);

    // A lender whose channel closes is offline at once.
    lender2->close();
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total, 1, 10'000);
    Result<ContractGranted> offline = borrower->call<ContractGranted>(Borrow{.offerId = q1->offerId});
    QCOMPARE(offline.error().code, ErrorCode::Conflict);
    QVERIFY2(offline.error().message.contains(QStringLiteral("offline")), qPrintable(offline.error().message));

    // One that stops sending heartbeats goes offline after the timeout, and comes back with
    // its next heartbeat.
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total, 0, 10'000);
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7600"), .partitionIds = {QStringLiteral("p1")}}));
    Result<OfferPage> back = borrower->call<OfferPage>(SearchOffers{});
    QCOMPARE(back->total, 1);
    QCOMPARE(back->offers.first().lenderAddress, QStringLiteral("127.0.0.1:7600"));

    // The reconnecting lender is online again.
    SslChannel *again = client(m_lender2, QStringLiteral("lender"));
    QVERIFY(again);
    CHECK_OK(again->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 2);
    CHECK_OK(borrower->call<ContractGranted>(Borrow{.offerId = q1->offerId}));
}

void TestMarketFlows::maxDurationAndPartitionLost()
{
    START_MARKET_WITH_CLIENTS();
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6"), {QStringLiteral("busybox")}, 60));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    CHECK_OK(p2);

    // The market ends a contract at its max duration, billed to the limit.
    Result<ContractGranted> limited = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(limited);
    m_clock = kT0 + 59'000;
    market->runMaintenance();
    QCOMPARE(borrower->call<BillList>(ListBills{})->bills.first().state, QStringLiteral("running"));
    m_clock = kT0 + 95'000;
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 1, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().first().reason, QStringLiteral("max_duration"));
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    QCOMPARE(bills->bills.first().state, QStringLiteral("ended"));
    QCOMPARE(bills->bills.first().endedAtMs, kT0 + 60'000);
    QCOMPARE(bills->bills.first().charge, Money::parse(u"0.06").value());
    QCOMPARE(borrower->call<ContractClosed>(EndContract{.contractId = limited->contractId}).error().code, ErrorCode::Conflict);

    // The lender loses a lent partition: the contract ends, the offer goes away, and the
    // lender's reliability drops (2 contracts, 1 lost → 50 %).
    Result<ContractGranted> onP2 = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(onP2);
    m_clock = kT0 + 120'000;
    CHECK_OK(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p2"), .reason = QStringLiteral("host shutdown")}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 2, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().last().reason, QStringLiteral("lost"));
    QCOMPARE(pushes.all<ContractEnded>().last().contractId, onP2->contractId);
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    QCOMPARE(names(*page), QStringLiteral("p1"));
    QCOMPARE(page->offers.first().reliability, 50);
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"))));
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{.query = QStringLiteral("reliability>=51")})->total, 0);
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{.minReliability = 50})->total, 2);
    // A lost partition without a contract is just withdrawn.
    CHECK_OK(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p1"), .reason = QStringLiteral("deleted")}));
    QCOMPARE(names(*borrower->call<OfferPage>(SearchOffers{})), QStringLiteral("p2"));
}

void TestMarketFlows::endsPastTheTimeLimitAreBilledToIt()
{
    // The expiry sweep runs now and then, and not while the market is down: an end that
    // reaches the market past a contract's time limit (the borrower's, a lost partition's)
    // is billed to the limit and ended for it, as the sweep would have, and the meter of a
    // running contract stops there too. Here the sweep never runs by itself.
    MarketConfig config;
    config.maintenanceIntervalMs = 3'600'000;
    config.adminIds = {m_admin.nodeId()};
    START_MARKET_WITH_CLIENTS(config);
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    QVERIFY(admin);
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6"), {QStringLiteral("busybox")}, 60));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3.6"), {QStringLiteral("busybox")}, 60));
    CHECK_OK(p1);
    CHECK_OK(p2);
    Result<ContractGranted> first = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(first);
    m_clock = kT0 + 95'000;
    Result<BillList> running = borrower->call<BillList>(ListBills{});
    CHECK_OK(running);
    QCOMPARE(running->bills.first().state, QStringLiteral("running"));
    QCOMPARE(running->bills.first().durationMs, 60'000);
    QCOMPARE(running->bills.first().charge, Money::parse(u"0.06").value());
    // The managers' figures stop there too: lent vCPU-seconds, and the order by duration.
    const auto lentSeconds = [&] {
        Result<BillingReport> report = admin->call<BillingReport>(AdminBillingReport{.fromMs = kT0 - kT0 % 86'400'000, .toMs = kT0 - kT0 % 86'400'000 + 86'400'000});
        qint64 sum = 0;
        for (const DayStat &d : report ? report->days : QList<DayStat>{})
            sum += d.lentSeconds;
        return report ? sum : qint64(-1);
    };
    QCOMPARE(lentSeconds(), 60);
    Result<ContractGranted> unlimited = borrower->call<ContractGranted>(Borrow{.offerId = registerPartition(lender, QStringLiteral("p9"), conditions(1, 1024, 0, QStringLiteral("1")))->offerId});
    CHECK_OK(unlimited);
    m_clock = kT0 + 130'000; // the unlimited one: 35 s; the expired one stays at 60 s
    Result<AdminContractPage> byDuration = admin->call<AdminContractPage>(AdminListContracts{.sort = QStringLiteral("duration")});
    CHECK_OK(byDuration);
    QCOMPARE(byDuration->rows.first().contractId, unlimited->contractId);
    QCOMPARE(byDuration->rows.last().contractId, first->contractId);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = unlimited->contractId}));
    Result<ContractClosed> closed = borrower->call<ContractClosed>(EndContract{.contractId = first->contractId});
    CHECK_OK(closed);
    QCOMPARE(closed->charge, Money::parse(u"0.06").value());
    QCOMPARE(closed->receipt.endedAtMs, kT0 + 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 2, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().last().reason, QStringLiteral("max_duration"));

    // A partition lost after its contract's limit: the contract had ended by then, so the
    // loss does not count against the lender.
    Result<ContractGranted> second = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(second);
    m_clock = kT0 + 200'000;
    CHECK_OK(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p2"), .reason = QStringLiteral("host shutdown")}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 3, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().last().reason, QStringLiteral("max_duration"));
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    for (const Bill &b : bills->bills) {
        QCOMPARE(b.state, QStringLiteral("ended"));
        QCOMPARE(b.durationMs, b.contractId == unlimited->contractId ? 35'000 : 60'000);
    }
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->offers.first().reliability, 100);
}

void TestMarketFlows::feeIsTheOneAContractStartedWith()
{
    // The operator raises the fee from 10 % to 20 % (a restart with another --fee-percent):
    // a contract that started before is billed with 10 %, one started after with 20 %.
    // Before, the fee was whichever the process that ended a contract had.
    MarketConfig tenPercent;
    tenPercent.feeBasisPoints = 1000;
    START_MARKET_WITH_CLIENTS(tenPercent);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    CHECK_OK(p2);
    Result<ContractGranted> before = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(before);
    delete lender;
    delete borrower;
    MarketConfig twentyPercent;
    twentyPercent.feeBasisPoints = 2000;
    CHECK_OK(restartMarket(twentyPercent));
    lender = client(m_lender, QStringLiteral("lender"));
    borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && borrower);
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
    Result<ContractGranted> after = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(after);
    m_clock += 100'000; // 0.1 per contract at 3.6 an hour
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = before->contractId}));
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = after->contractId}));
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 2);
    for (const Bill &b : bills->bills) {
        QCOMPARE(b.charge, Money::parse(u"0.1").value());
        QCOMPARE(b.marketFee, Money::parse(b.contractId == before->contractId ? u"0.01" : u"0.02").value());
        QCOMPARE(b.lenderPayout.micros() + b.marketFee.micros(), b.charge.micros());
    }
}

void TestMarketFlows::lockViolations()
{
    START_MARKET_WITH_CLIENTS();
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);

    // A violation the agent undid is kept as evidence; the contract goes on.
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId,
                                               .detail = QStringLiteral("vcpus 1 -> 2"), .restored = true}));
    QCOMPARE(borrower->call<BillList>(ListBills{})->bills.first().state, QStringLiteral("running"));

    // One it could not undo ends the contract, billed to that moment, against the lender.
    m_clock = kT0 + 10'000;
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId,
                                               .detail = QStringLiteral("memory 1024 -> 512 MiB"), .restored = false}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 1, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().first().reason, QStringLiteral("violation"));
    const Bill bill = borrower->call<BillList>(ListBills{})->bills.first();
    QCOMPARE(bill.state, QStringLiteral("ended"));
    QCOMPARE(bill.endedAtMs, kT0 + 10'000);
    QCOMPARE(bill.charge, Money::parse(u"0.01").value());
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->offers.first().reliability, 0);

    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> rows = db->exec(QStringLiteral("SELECT partition_id, contract_id, detail, restored FROM violations ORDER BY at_ms"));
    CHECK_OK(rows);
    QVERIFY(rows->next());
    QCOMPARE(rows->value(2).toString(), QStringLiteral("vcpus 1 -> 2"));
    QCOMPARE(rows->value(3).toInt(), 1);
    QVERIFY(rows->next());
    QCOMPARE(rows->value(1).toString(), granted->contractId);
    QCOMPARE(rows->value(3).toInt(), 0);
    QVERIFY(!rows->next());
}

// ───────────────────────── admin ─────────────────────────

void TestMarketFlows::adminViolations()
{
    // The manager's view of the lock violations lenders reported: newest first, filtered,
    // paged, with the lender's name; for admins only.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{})->total, 0);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3.6"))));
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);

    m_clock = kT0 + 1'000;
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId,
                                               .detail = QStringLiteral("vcpus 1 -> 2"), .restored = true}));
    m_clock = kT0 + 2'000;
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p2"), .contractId = {},
                                               .detail = QStringLiteral("disk 0 -> 10 GiB, 100% off"), .restored = true}));
    m_clock = kT0 + 3'000;
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId,
                                               .detail = QStringLiteral("memory 1024 -> 512 MiB"), .restored = false}));

    Result<AdminViolationPage> all = admin->call<AdminViolationPage>(AdminListViolations{});
    CHECK_OK(all);
    QCOMPARE(all->total, 3);
    QCOMPARE(all->rows.size(), 3);
    const Violation newest = all->rows.first();
    QCOMPARE(newest.atMs, kT0 + 3'000);
    QCOMPARE(newest.lenderId, m_lender.nodeId());
    QCOMPARE(newest.lenderName, QStringLiteral("Alice's box"));
    QCOMPARE(newest.partitionId, QStringLiteral("p1"));
    QCOMPARE(newest.contractId, granted->contractId);
    QCOMPARE(newest.detail, QStringLiteral("memory 1024 -> 512 MiB"));
    QVERIFY(!newest.restored);
    QCOMPARE(all->rows[1].contractId, QString());
    QVERIFY(all->rows[1].restored);
    QCOMPARE(all->rows[2].atMs, kT0 + 1'000);

    // Filter (a substring of any column, case-insensitive, LIKE's wildcards taken literally)
    // and paging.
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.filter = QStringLiteral("MEMORY")})->total, 1);
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.filter = QStringLiteral("alice")})->total, 3);
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.filter = granted->contractId})->total, 2);
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.filter = QStringLiteral("100%")})->total, 1);
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.filter = QStringLiteral("1_0")})->total, 0);
    // Detail terms: with a filter, rows whose detail holds one of them match too (a filter in
    // the words the manager reads stands for the lender's); without a filter, nothing to add.
    const auto withTerms = [&](const QString &filter, const QStringList &terms) {
        return admin->call<AdminViolationPage>(AdminListViolations{.filter = filter, .detailTerms = terms});
    };
    QCOMPARE(withTerms(QStringLiteral("disk space"), {QStringLiteral("DISK")})->total, 1);
    QCOMPARE(withTerms(QStringLiteral("disk space"), {QStringLiteral("disk"), QStringLiteral("vcpus")})->total, 2);
    QCOMPARE(withTerms(QStringLiteral("disk space"), {QStringLiteral("1_0")})->total, 0); // wildcards taken literally
    QCOMPARE(withTerms(QString(), {QStringLiteral("disk")})->total, 3);
    QCOMPARE(withTerms(QStringLiteral("x"), QStringList(17, QStringLiteral("disk"))).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(withTerms(QStringLiteral("x"), {QStringLiteral(" ")}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(withTerms(QStringLiteral("x"), {QString(65, QLatin1Char('d'))}).error().code, ErrorCode::InvalidArgument);
    Result<AdminViolationPage> second = admin->call<AdminViolationPage>(AdminListViolations{.offset = 1, .limit = 1});
    CHECK_OK(second);
    QCOMPARE(second->total, 3);
    QCOMPARE(second->rows.size(), 1);
    QCOMPARE(second->rows.first().partitionId, QStringLiteral("p2"));
    QCOMPARE(admin->call<AdminViolationPage>(AdminListViolations{.offset = -1}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(admin->call<AdminPartitionPage>(AdminListPartitions{.offset = -1}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(admin->call<AdminContractPage>(AdminListContracts{.offset = -1}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(admin->call<BillingReport>(AdminBillingReport{.fromMs = std::numeric_limits<qint64>::min(), .toMs = 1}).error().code,
             ErrorCode::InvalidArgument);

    // Not for lenders or borrowers.
    QCOMPARE(lender->call<AdminViolationPage>(AdminListViolations{}).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(borrower->call<AdminViolationPage>(AdminListViolations{}).error().code, ErrorCode::PermissionDenied);
}

void TestMarketFlows::serviceStats()
{
    // The process's own figures for admins (what market-bench and the manager's Service view
    // read): they count the requests served, per kind, with a histogram that adds up.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    Result<ServiceStats> first = admin->call<ServiceStats>(AdminServiceStats{});
    CHECK_OK(first);
    QVERIFY(first->startedAtMs <= first->atMs);
    QVERIFY(first->atMs >= before);
    QVERIFY(first->residentKib > 0);
    QVERIFY(first->cpuMs >= 0);
    QCOMPARE(first->connections, 3); // lender, borrower, admin
    QCOMPARE(first->offers, 0);
    // The market's machine (this one): its CPUs' time since boot from /proc/stat, in ms. All
    // CPUs together have run about as long as the machine has been up, times their number.
    QVERIFY(first->host.has_value());
    QCOMPARE(first->host->cores, static_cast<qint32>(sysconf(_SC_NPROCESSORS_ONLN)));
    QVERIFY(first->host->busyMs > 0);
    QVERIFY(first->host->busyMs + first->host->stealMs <= first->host->totalMs);
    {
        QFile uptime(QStringLiteral("/proc/uptime"));
        QVERIFY(uptime.open(QIODevice::ReadOnly));
        const double upMs = uptime.readAll().split(' ').value(0).toDouble() * 1000.0;
        const double expected = upMs * first->host->cores;
        QVERIFY2(first->host->totalMs > 0.8 * expected && first->host->totalMs < 1.2 * expected,
                 qPrintable(QStringLiteral("%1 ms of CPU time, up %2 ms").arg(first->host->totalMs).arg(upMs)));
    }
    const auto kinds = [](const ServiceStats &s) {
        QHash<QString, RequestTimes> byKind;
        for (const RequestTimes &t : s.requests)
            byKind.insert(t.kind, t);
        return byKind;
    };
    const QHash<QString, RequestTimes> at0 = kinds(*first);
    QCOMPARE(QSet<QString>(at0.keyBegin(), at0.keyEnd()),
             (QSet<QString>{QStringLiteral("search"), QStringLiteral("borrow"), QStringLiteral("end"),
                            QStringLiteral("register"), QStringLiteral("other")}));

    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3.6"))));
    for (int i = 0; i < 3; ++i)
        CHECK_OK(borrower->call<OfferPage>(SearchOffers{}));
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);

    Result<ServiceStats> second = admin->call<ServiceStats>(AdminServiceStats{});
    CHECK_OK(second);
    QCOMPARE(second->startedAtMs, first->startedAtMs);
    QVERIFY(second->atMs >= first->atMs);
    QVERIFY(second->cpuMs >= first->cpuMs);
    QVERIFY(second->host.has_value());
    QVERIFY(second->host->totalMs >= first->host->totalMs);
    QVERIFY(second->host->busyMs >= first->host->busyMs);
    QVERIFY(second->host->stealMs >= first->host->stealMs);
    QCOMPARE(second->offers, 2); // lent or not
    const QHash<QString, RequestTimes> at1 = kinds(*second);
    QCOMPARE(at1[QStringLiteral("search")].count - at0[QStringLiteral("search")].count, 3);
    QCOMPARE(at1[QStringLiteral("borrow")].count - at0[QStringLiteral("borrow")].count, 1);
    QCOMPARE(at1[QStringLiteral("end")].count - at0[QStringLiteral("end")].count, 0);
    QCOMPARE(at1[QStringLiteral("register")].count - at0[QStringLiteral("register")].count, 2);
    QVERIFY(at1[QStringLiteral("other")].count > at0[QStringLiteral("other")].count); // the first AdminServiceStats at least
    for (const RequestTimes &t : second->requests) {
        qint64 sum = 0;
        qint64 lastBound = -1;
        for (const LatencyBucket &b : t.buckets) {
            QVERIFY2(b.upperMicros > lastBound, qPrintable(t.kind)); // in order, each once
            QVERIFY(b.count > 0);                                    // empty ones left out
            lastBound = b.upperMicros;
            sum += b.count;
        }
        QCOMPARE(sum, t.count);
    }
    // The borrow waited for its group commit, an fsync: more than the 0 µs bucket.
    QVERIFY(at1[QStringLiteral("borrow")].buckets.last().upperMicros > 0);

    // Refusals are requests served too, timed in their kind: a borrow that finds nothing,
    // one with a bad query, and admin reports a borrower may not ask for (refused before
    // they would reach the reader thread, where an admin's are timed).
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=64")}).error().code, ErrorCode::NoMatch);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>>2")}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(borrower->call<BillingReport>(AdminBillingReport{.fromMs = 0, .toMs = 1}).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(borrower->call<AdminContractPage>(AdminListContracts{}).error().code, ErrorCode::PermissionDenied);
    Result<ServiceStats> third = admin->call<ServiceStats>(AdminServiceStats{});
    CHECK_OK(third);
    const QHash<QString, RequestTimes> at2 = kinds(*third);
    QCOMPARE(at2[QStringLiteral("borrow")].count - at1[QStringLiteral("borrow")].count, 2);
    // The two refused reports and the second AdminServiceStats.
    QCOMPARE(at2[QStringLiteral("other")].count - at1[QStringLiteral("other")].count, 3);

    // Not for lenders or borrowers.
    QCOMPARE(lender->call<ServiceStats>(AdminServiceStats{}).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(borrower->call<ServiceStats>(AdminServiceStats{}).error().code, ErrorCode::PermissionDenied);
}

void TestMarketFlows::serviceStatsKeepHistory()
{
    // The market samples what it did every statsSampleMs and keeps the samples for
    // statsHistoryMs, so that a manager who opens the Service tab sees the last hour, not
    // only what happens from then on. Sent only when asked for.
    MarketConfig config;
    config.statsSampleMs = 50;
    config.statsHistoryMs = 1500;
    START_MARKET_WITH_ADMIN(config);
    Result<ServiceStats> plain = admin->call<ServiceStats>(AdminServiceStats{});
    CHECK_OK(plain);
    QVERIFY(!plain->history.has_value());

    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6"))));
    for (int i = 0; i < 4; ++i)
        CHECK_OK(borrower->call<OfferPage>(SearchOffers{}));
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.query = QStringLiteral("cpus>=64")}).error().code, ErrorCode::NoMatch);
    QTest::qWait(200); // a sample or more after the last of them

    const auto countOf = [](const ServiceSample &s, const QString &kind) {
        for (const RequestInterval &r : s.requests) {
            if (r.kind == kind)
                return r.count;
        }
        return qint64(-1);
    };
    Result<ServiceStats> stats = admin->call<ServiceStats>(AdminServiceStats{.history = true});
    CHECK_OK(stats);
    QVERIFY(stats->history.has_value());
    const QList<ServiceSample> &history = *stats->history;
    QVERIFY2(history.size() >= 3, qPrintable(QString::number(history.size())));
    qint64 searches = 0, borrows = 0, registrations = 0;
    for (qsizetype i = 0; i < history.size(); ++i) {
        const ServiceSample &s = history[i];
        QVERIFY(s.atMs <= stats->atMs);
        QVERIFY(s.cpuMs >= 0);
        if (i > 0) { // one after the other, each interval from the last sample to its own
            QVERIFY(s.atMs > history[i - 1].atMs);
            QCOMPARE(s.intervalMs, s.atMs - history[i - 1].atMs);
        }
        QCOMPARE(s.requests.size(), 5);
        QCOMPARE(s.requests[0].kind, QStringLiteral("search")); // the order of ServiceStats.requests
        for (const RequestInterval &r : s.requests) {
            QVERIFY(r.count >= 0);
            QVERIFY2(r.p99Micros >= r.p50Micros, qPrintable(r.kind));
            if (r.count == 0)
                QCOMPARE(r.p99Micros, 0);
        }
        searches += countOf(s, QStringLiteral("search"));
        borrows += countOf(s, QStringLiteral("borrow"));
        registrations += countOf(s, QStringLiteral("register"));
    }
    // Every request since the market started is in one sample (none is older than 1.5 s yet).
    QCOMPARE(searches, 4);
    QCOMPARE(borrows, 1); // the refused one
    QCOMPARE(registrations, 1);
    QVERIFY(stats->history->last().atMs >= stats->atMs - 200);

    // Samples older than the history are forgotten.
    QTest::qWait(1700);
    Result<ServiceStats> later = admin->call<ServiceStats>(AdminServiceStats{.history = true});
    CHECK_OK(later);
    QVERIFY(later->history.has_value() && !later->history->isEmpty());
    QVERIFY(later->history->first().atMs > later->atMs - 1500 - 200);
    QVERIFY(later->history->first().atMs > history.last().atMs - 1); // the first ones are gone
    qint64 searchesLater = 0;
    for (const ServiceSample &s : *later->history)
        searchesLater += countOf(s, QStringLiteral("search"));
    QCOMPARE(searchesLater, 0);
}

void TestMarketFlows::reportsDoNotHoldUpTheMarket()
{
    // An admin's billing report over a large market reads every bill and contract of its
    // period; it runs on the market's reader thread, so that a borrower's search asked after
    // it is answered while it runs, not after it. Not timed: the order of the two answers.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);

    // 150,000 ended contracts and their bills, a minute apart, written straight into the
    // database (through the market, that would take a while).
    constexpr int kBills = 150'000;
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const QString numbers = QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) ").arg(kBills);
    CHECK_OK(insertEndedContracts(*db, kBills, p1->offerId, m_lender.nodeId(), 500));
    CHECK_OK(db->exec(numbers
                      + QStringLiteral("INSERT INTO billing (contract_id, borrower_id, lender_id, ended_at_ms, duration_ms, "
                                       "charge_micros, fee_micros, payout_micros, fee_basis_points) "
                                       "SELECT 'old-' || i, 'borrower-' || (i % 500), '%1', %2 + CAST(i AS BIGINT) * 60000 + 1000, 1000, 1000, "
                                       "100, 900, 1000 FROM n")
                            .arg(m_lender.nodeId())
                            .arg(kT0)));

    const auto otherCount = [admin]() -> qint64 {
        Result<ServiceStats> stats = admin->call<ServiceStats>(AdminServiceStats{});
        if (!stats)
            return -1;
        for (const RequestTimes &t : stats->requests) {
            if (t.kind == u"other")
                return t.count;
        }
        return -1;
    };
    const qint64 otherBefore = otherCount();
    QVERIFY(otherBefore >= 0);

    QStringList answered;
    std::optional<Result<BillingReport>> report;
    m_clock = kT0 + 366 * 86'400'000LL; // the year is over: lent time is counted up to now
    admin->request<BillingReport>(AdminBillingReport{.fromMs = kT0, .toMs = kT0 + 366 * 86'400'000LL}, this,
                                  [&](Result<BillingReport> r) {
                                      answered.append(QStringLiteral("report"));
                                      report.emplace(std::move(r));
                                  });
    borrower->request<OfferPage>(SearchOffers{}, this, [&](Result<OfferPage> r) {
        answered.append(r ? QStringLiteral("search") : r.error().toString());
    });
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 120'000);
    QCOMPARE(answered, (QStringList{QStringLiteral("search"), QStringLiteral("report")}));
    // …and the report did read them all: 150,000 charges of 1,000 micro-units.
    CHECK_OK(*report);
    qint64 revenue = 0;
    for (const DayStat &d : (*report)->days)
        revenue += d.revenue.micros();
    QCOMPARE(revenue, qint64(kBills) * 1000);
    // A day in the middle: 1,440 bills ended in it, and 1,440 contracts of one vCPU for one
    // second each ran in it.
    QVERIFY((*report)->days.size() > 100);
    const DayStat &day = (*report)->days.at(50);
    QCOMPARE(day.revenue.micros(), 1440 * 1000);
    QCOMPARE(day.fees.micros(), 1440 * 100);
    QCOMPARE(day.payouts.micros(), 1440 * 900);
    QCOMPARE(day.lentSeconds, 1440);
    QCOMPARE((*report)->topBorrowers.size() > 0, true);

    // Still timed, once answered: the report and the first AdminServiceStats are among the
    // market's "other" requests (an answer does not count itself).
    QVERIFY(otherCount() >= otherBefore + 2);
}

void TestMarketFlows::billListsDoNotHoldUpTheMarket()
{
    // A lender's or a borrower's list of bills (up to 1,000, with signed receipts if asked),
    // like a key to verify or an image's chunk, is read on the reader thread, as the admins'
    // reports are: a search asked meanwhile is answered while the list waits on the database.
    // On PostgreSQL the test holds the contracts table locked, so that the list waits for as
    // long as the test wants; on the service thread, that wait held the search (and this
    // test, whose thread it is) until the market's answer timeout.
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    constexpr int kContracts = 5'000;
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const bool pg = db->dialect() == SqlDialect::Postgres;
    CHECK_OK(insertEndedContracts(*db, kContracts, p1->offerId, m_lender.nodeId(), 50));
    if (pg) {
        CHECK_OK(db->exec(QStringLiteral("BEGIN")));
        CHECK_OK(db->exec(QStringLiteral("LOCK TABLE contracts IN ACCESS EXCLUSIVE MODE")));
    }

    QStringList answered;
    std::optional<Result<BillList>> bills;
    lender->request<BillList>(ListBills{.receipts = true}, this, [&](Result<BillList> r) {
        answered.append(QStringLiteral("bills"));
        bills.emplace(std::move(r));
    });
    QTest::qWait(200); // the list is at the market, waiting for the lock
    borrower->request<OfferPage>(SearchOffers{}, this, [&](Result<OfferPage> r) {
        answered.append(r ? QStringLiteral("search") : r.error().toString());
    });
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), pg ? 1 : 2, 60'000);
    if (pg) {
        QCOMPARE(answered, QStringList{QStringLiteral("search")});
        CHECK_OK(db->exec(QStringLiteral("COMMIT")));
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 60'000);
        QCOMPARE(answered, (QStringList{QStringLiteral("search"), QStringLiteral("bills")}));
    }
    // The list is whole: the newest 1,000, each with its receipt.
    CHECK_OK(*bills);
    QCOMPARE((*bills)->bills.size(), 1000);
    QCOMPARE((*bills)->bills.first().contractId, QStringLiteral("old-%1").arg(kContracts));
    for (const Bill &b : std::as_const((*bills)->bills))
        QVERIFY2(b.receipt && b.receipt->contractId == b.contractId, qPrintable(b.contractId));
}

void TestMarketFlows::keysAreVerifiedWhileAReportWaits_data()
{
    // Only PostgreSQL can hold one table locked for reads and not the others.
    QTest::addColumn<QString>("dialect");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestMarketFlows::keysAreVerifiedWhileAReportWaits()
{
    // A lender's check of a borrower's key (FIG. 15), on the borrower's way to its partition,
    // is read by the market's quick reader: it is answered while an admin's report waits on
    // the database on the reader thread. The test holds the capacity log locked, which the
    // report reads and the key check does not. With one reader, the check waited behind the
    // report, here until the lock went.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->offers.size(), 1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = page->offers[0].offerId});
    CHECK_OK(granted);
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("capacity_log"));
    QVERIFY(held);

    QStringList answered;
    std::optional<Result<BillingReport>> report;
    admin->request<BillingReport>(AdminBillingReport{.fromMs = kT0 - 86'400'000LL, .toMs = kT0 + 86'400'000LL}, this,
                                  [&](Result<BillingReport> r) {
                                      answered.append(QStringLiteral("report"));
                                      report.emplace(std::move(r));
                                  });
    // The report waits for the lock at the market's reader (the only statement on the
    // capacity log meanwhile).
    QTRY_VERIFY_WITH_TIMEOUT(held->waiting(QStringLiteral("%cpus_delta%")) == 1, 30'000);
    std::optional<Result<KeyVerdict>> verdict;
    lender->request<KeyVerdict>(VerifyKey{.partitionId = QStringLiteral("p1"), .borrowerId = m_borrower.nodeId(), .key = granted->key},
                                this, [&](Result<KeyVerdict> r) {
                                    answered.append(QStringLiteral("key"));
                                    verdict.emplace(std::move(r));
                                });
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 60'000);
    QCOMPARE(answered, QStringList{QStringLiteral("key")});
    CHECK_OK(*verdict);
    QVERIFY2((*verdict)->valid, qPrintable((*verdict)->reason));
    CHECK_OK(held->release());
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 60'000);
    CHECK_OK(*report);
}

void TestMarketFlows::unregisteredLendersHeartbeatsAskOnce()
{
    // A lender's heartbeat with an address the market does not know makes it read the
    // lender's row on its service thread. A lender that has not registered has none; the
    // market remembers that it asked, and the next heartbeats with that address do not read
    // again. The test holds the lenders table locked: a read would hold the heartbeat (and
    // everything else) until the statement timeout.
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    const QString address = QStringLiteral("127.0.0.1:7500");
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = address}));
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("lenders"));
    QVERIFY(held);
    // The market serves on this thread: a read would hold the test as well, for the statement
    // timeout of the market's connection (16 s), and then the heartbeat is answered all the
    // same. So the time it took says whether the market read.
    QElapsedTimer took;
    took.start();
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = address}, 60'000));
    QVERIFY2(took.elapsed() < 8'000, qPrintable(QStringLiteral("%1 ms").arg(took.elapsed())));
    CHECK_OK(held->release());
    // Once registered, the lender's new address is read and recorded as before.
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    const QString moved = QStringLiteral("127.0.0.1:7600");
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = moved}));
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->offers.size(), 1);
    QCOMPARE(page->offers[0].lenderAddress, moved);
}

void TestMarketFlows::lenderWritesDoNotHoldUpTheMarket()
{
    // What peers ask the market to write besides contracts, registrations and ends (a
    // lender's alteration, withdrawal, lost partition, new address and violation report, a
    // borrower's name, a manager's rebalance and the lender's answer to it) is written by the
    // writer thread, after the batches accepted before it: a search asked while they wait on
    // the database is answered from memory meanwhile. The test holds the partitions table
    // locked. On the service thread (the test's too), each of them held everything until the
    // statement timeout, and then failed.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    PushLog pushes(lender);
    for (const char *id : {"p1", "p2", "p3", "p4"})
        CHECK_OK(registerPartition(lender, QString::fromLatin1(id), conditions(1, 1024, 0, QStringLiteral("1"))));
    CHECK_OK(registerPartition(lender, QStringLiteral("h1"), conditions(2, 2048, 10240, QStringLiteral("1")), true));
    Result<OfferPage> before = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(before);
    QCOMPARE(before->total, 5);
    QHash<QString, QString> offerOf;
    for (const Offer &o : before->offers)
        offerOf.insert(o.partitionId, o.offerId);
    Result<ContractGranted> lost = borrower->call<ContractGranted>(Borrow{.offerId = offerOf.value(QStringLiteral("p3"))});
    CHECK_OK(lost);
    Result<ContractGranted> violated = borrower->call<ContractGranted>(Borrow{.offerId = offerOf.value(QStringLiteral("p4"))});
    CHECK_OK(violated);
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("partitions"));
    QVERIFY(held);

    QStringList answered;
    const auto note = [&answered](const QString &what) {
        return [&answered, what](const auto &r) { answered.append(r ? what : what + QStringLiteral(": ") + r.error().toString()); };
    };
    lender->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(1, 1024, 0, QStringLiteral("2"))}, this,
        note(QStringLiteral("alter")));
    lender->request<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p2")}, this, note(QStringLiteral("withdraw")));
    lender->request<Ack>(PartitionLost{.partitionId = QStringLiteral("p3"), .reason = QStringLiteral("the host rebooted")}, this,
                         note(QStringLiteral("lost")));
    const QString moved = QStringLiteral("127.0.0.1:7600");
    lender->request<Ack>(LenderHeartbeat{.agentAddress = moved}, this, note(QStringLiteral("address")));
    lender->request<Ack>(ReportViolation{.partitionId = QStringLiteral("p4"), .contractId = violated->contractId,
                                         .detail = QStringLiteral("hard_limit"), .restored = false},
                         this, note(QStringLiteral("violation")));
    borrower->request<Ack>(SetBorrowerName{.name = QStringLiteral("Bea")}, this, note(QStringLiteral("name")));
    admin->request<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("h1"), .resources = Resources{1, 1024, 10240}},
                        this, note(QStringLiteral("rebalance")));
    // The writer waits for the lock (the alteration, or a sync before it); the others are
    // queued behind it.
    QTRY_VERIFY_WITH_TIMEOUT(held->waiting() >= 1, 30'000);
    QTest::qWait(100);
    borrower->request<OfferPage>(SearchOffers{}, this, [&](Result<OfferPage> r) {
        answered.append(r ? QStringLiteral("search %1").arg(r->total) : r.error().toString());
    });
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, 60'000);
    QCOMPARE(answered, QStringList{QStringLiteral("search 3")}); // p1, p2 and h1, as they were
    CHECK_OK(held->release());
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 8, 60'000);
    // The lender's in the order it asked; the others' channels are their own.
    QStringList lenders = answered.mid(1);
    lenders.removeAll(QStringLiteral("name"));
    lenders.removeAll(QStringLiteral("rebalance"));
    QCOMPARE(lenders, (QStringList{QStringLiteral("alter"), QStringLiteral("withdraw"), QStringLiteral("lost"),
                                   QStringLiteral("address"), QStringLiteral("violation")}));
    QVERIFY2(answered.contains(QStringLiteral("name")) && answered.contains(QStringLiteral("rebalance")), qPrintable(answered.join(u',')));
    // Each is in the index once answered: p1 at its new rate, p2 and the lost p3 gone, p4
    // free again (its contract ended on the violation), h1 at the allocation the lender
    // confirmed, all at the lender's new address.
    Result<OfferPage> after = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(after);
    QStringList offered = names(*after).split(u',');
    offered.sort();
    QCOMPARE(offered, (QStringList{QStringLiteral("h1"), QStringLiteral("p1"), QStringLiteral("p4")}));
    for (const Offer &o : after->offers) {
        QCOMPARE(o.lenderAddress, moved);
        if (o.partitionId == u"p1")
            QCOMPARE(o.conditions.ratePerHour.toString(), QStringLiteral("2"));
        if (o.partitionId == u"h1")
            QCOMPARE(o.conditions.resources, (Resources{1, 1024, 10240}));
    }
    QCOMPARE(pushes.all<AllocationChanged>().size(), 1);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 2);
    for (const Bill &bill : bills->bills)
        QVERIFY(bill.endedAtMs > 0);
    QCOMPARE(pushes.all<ContractEnded>().size(), 2);
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    QCOMPARE(storedBorrowerName(*db, m_borrower.nodeId()), QStringLiteral("Bea"));
}

void TestMarketFlows::expiriesDoNotHoldUpTheMarket()
{
    // Contracts that reach their maximum duration are ended on the writer thread: a search
    // asked while the ends wait on the database is answered from memory meanwhile. The test
    // holds the lenders table locked, which an end writes (the lender's reliability) and the
    // look for expired contracts does not read. The market serves on this thread, so a search
    // held by the ends would hold the test as well, for the statement timeout of the market's
    // connection (16 s).
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    PushLog pushes(lender);
    Result<ContractGranted> granted = lendP1ForAMinute(lender, borrower);
    CHECK_OK(granted);
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("lenders"));
    QVERIFY(held);
    QElapsedTimer took;
    took.start();
    m_clock += 61'000;
    QTest::qWait(300); // several looks (every 50 ms here): the end waits for the lock
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{}, 60'000);
    CHECK_OK(page);
    QVERIFY2(took.elapsed() < 8'000, qPrintable(QStringLiteral("%1 ms").arg(took.elapsed())));
    QCOMPARE(page->total, 1); // p2; p1 is still lent as far as the market knows
    QCOMPARE(pushes.all<ContractEnded>().size(), 0);
    CHECK_OK(held->release());
    // Ended at its limit, the lender told, the partition offered again.
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 1, 30'000);
    QCOMPARE(pushes.all<ContractEnded>().first().contractId, granted->contractId);
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total, qint64(2), 10'000);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 1);
    QCOMPARE(bills->bills[0].durationMs, 60'000);
    QCOMPARE(bills->bills[0].charge.toString(), QStringLiteral("0.06"));
}

void TestMarketFlows::lenderPresenceDoesNotHoldUpTheMarket()
{
    // A lender that comes (back) online is marked so in its row, and what it missed is read,
    // by the writer thread; one that goes is marked offline there too, as are its new
    // address and a borrower's name written. Here the lenders and borrowers tables are held
    // locked while the lender comes back, moves and goes again and the borrower names itself.
    // On the service thread (the test's too), each held everything until the statement
    // timeout of the market's connection (16 s).
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    struct Row {
        int online = -1;
        qint64 lastSeenMs = 0;
        QString address;
    };
    const auto row = [&]() -> Row {
        Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT online, last_seen_ms, address FROM lenders WHERE id = ?"), {m_lender.nodeId()});
        if (!q || !q->next())
            return {};
        return {q->value(0).toInt(), q->value(1).toLongLong(), q->value(2).toString()};
    };
    lender->close();
    QTRY_COMPARE_WITH_TIMEOUT(row().online, 0, 10'000);
    const qint64 seenBefore = row().lastSeenMs;
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("lenders, borrowers"));
    QVERIFY(held);

    QElapsedTimer took;
    took.start();
    const qint64 cameBackMs = QDateTime::currentMSecsSinceEpoch();
    SslChannel *back = client(m_lender, QStringLiteral("lender"));
    QVERIFY(back);
    CHECK_OK(back->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}, 60'000));
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{}, 60'000);
    CHECK_OK(page);
    QCOMPARE(page->total, 1); // online here at once
    const QString moved = QStringLiteral("127.0.0.1:7600");
    back->request<Ack>(LenderHeartbeat{.agentAddress = moved}, this, [](Result<Ack>) {}); // the lender goes before the answer
    std::optional<Result<Ack>> named;
    borrower->request<Ack>(SetBorrowerName{.name = QStringLiteral("Bea")}, this, [&](Result<Ack> r) { named.emplace(std::move(r)); });
    QTest::qWait(200); // both at the market, written by the writer once the lock goes
    CHECK_OK(borrower->call<OfferPage>(SearchOffers{}, 60'000));
    back->close();
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{}, 60'000)->total, qint64(0), 10'000);
    QVERIFY2(took.elapsed() < 8'000, qPrintable(QStringLiteral("%1 ms").arg(took.elapsed())));
    QVERIFY(!named);
    CHECK_OK(held->release());
    // All land, in their order: seen when it came back, moved, offline since it went.
    QTRY_VERIFY_WITH_TIMEOUT(named.has_value(), 30'000);
    CHECK_OK(*named);
    QTRY_VERIFY_WITH_TIMEOUT(row().lastSeenMs >= cameBackMs && row().online == 0 && row().address == moved, 30'000);
    QVERIFY(row().lastSeenMs > seenBefore);
    QCOMPARE(storedBorrowerName(*db, m_borrower.nodeId()), QStringLiteral("Bea"));
}

void TestMarketFlows::heartbeatsAreStampedWhenWritten()
{
    // The market stamps the lenders it sees alive in the shared database now and then (every
    // 5 s here), for the other market processes to time out the ones nobody vouches for. A
    // stamp held at the writer (here behind an alteration that waits for a table lock) writes
    // the time it is written, not the time it was queued: before, it wrote a time seconds
    // old, which other processes took for a lender that had stopped answering seconds ago.
    MarketConfig config;
    config.heartbeatTimeoutMs = 15'000; // stamped every 5 s
    START_MARKET_WITH_CLIENTS(config);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const auto lastSeen = [&] {
        Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT last_seen_ms FROM lenders WHERE id = ?"), {m_lender.nodeId()});
        return q && q->next() ? q->value(0).toLongLong() : qint64(-1);
    };
    // Just after a stamp, so that the next is due while the writer is held.
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
    const qint64 before = lastSeen();
    QTRY_VERIFY_WITH_TIMEOUT(lastSeen() != before, 10'000);
    QElapsedTimer sinceStamp;
    sinceStamp.start();
    auto altered = std::make_shared<std::optional<Result<PartitionRegistered>>>();
    qint64 releasedAtMs = 0;
    {
        LockHolderThread holder(m_dbUrl, QStringLiteral("partitions"), 60'000);
        QTRY_VERIFY_WITH_TIMEOUT(holder.locked() != 0, 10'000);
        QCOMPARE(holder.locked(), 1);
        lender->request<PartitionRegistered>(
            AlterPartition{.partitionId = QStringLiteral("p1"), .conditions = conditions(1, 1024, 0, QStringLiteral("2"))}, this,
            [altered](Result<PartitionRegistered> r) { altered->emplace(std::move(r)); });
        // The next stamp is queued 5 s after the last, behind the alteration; released 1.5 s
        // after that.
        while (sinceStamp.elapsed() < 6'500)
            QTest::qWait(50);
        QVERIFY(!altered->has_value());
        releasedAtMs = QDateTime::currentMSecsSinceEpoch();
    } // the lock released
    QTRY_VERIFY_WITH_TIMEOUT(altered->has_value(), 10'000);
    CHECK_OK(**altered);
    // The stamp behind it is written within moments; the one after it is not due for 5 s.
    QTest::qWait(1'000);
    const qint64 stamped = lastSeen();
    QVERIFY2(stamped >= releasedAtMs - 100, qPrintable(QStringLiteral("stamped %1 ms before the lock was released").arg(releasedAtMs - stamped)));
}

void TestMarketFlows::shutdownFinishesQueuedWrites()
{
    // A market shut down while a lender's alteration and the end of an expired contract wait
    // at its writer (here behind a table lock another thread holds for a while) writes them
    // before it closes: the writer's last jobs run without the writer the service had.
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    Result<ContractGranted> granted = lendP1ForAMinute(lender, borrower);
    CHECK_OK(granted);

    LockHolderThread holder(m_dbUrl, QStringLiteral("partitions"), 1500);
    QTRY_VERIFY_WITH_TIMEOUT(holder.locked() != 0, 10'000);
    QCOMPARE(holder.locked(), 1);
    // Shared with the callback: it may be called (the connection closed) after this test.
    auto altered = std::make_shared<std::optional<Result<PartitionRegistered>>>();
    lender->request<PartitionRegistered>(
        AlterPartition{.partitionId = QStringLiteral("p2"), .conditions = conditions(1, 1024, 0, QStringLiteral("2"))}, this,
        [altered](Result<PartitionRegistered> r) { altered->emplace(std::move(r)); });
    // The alteration waits for the lock at the writer (or a sync before it), the expiry
    // behind it.
    std::optional<Database> watch = openSameDatabase();
    QVERIFY(watch);
    const auto waiters = [&] {
        Result<QSqlQuery> q = watch->exec(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'partitions'::regclass"));
        return q && q->next() ? q->value(0).toInt() : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(waiters() >= 1, 10'000);
    // A look for expired contracts (every 50 ms here) queued now waits at the writer, and the
    // next is queued only once it is back: the one that ends the contract is one queued
    // before the clock moved (which once looked up to that old time, found nothing, and the
    // market closed with the contract running past its limit).
    QTest::qWait(150);
    m_clock += 61'000;
    QTest::qWait(300); // several maintenance passes, which bring the waiting look up to now
    QVERIFY(!altered->has_value());
    m_market->shutdown();
    m_market.reset();

    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> rate = db->exec(QStringLiteral("SELECT rate_micros FROM partitions WHERE partition_id = 'p2'"));
    CHECK_OK(rate);
    QVERIFY(rate->next());
    QCOMPARE(rate->value(0).toLongLong(), 2'000'000);
    Result<QSqlQuery> ended = db->exec(QStringLiteral("SELECT end_reason, ended_at_ms FROM contracts WHERE id = ?"), {granted->contractId});
    CHECK_OK(ended);
    QVERIFY(ended->next());
    QCOMPARE(ended->value(0).toString(), QStringLiteral("max_duration"));
    QCOMPARE(ended->value(1).toLongLong(), granted->startedAtMs + 60'000);
}

void TestMarketFlows::shutdownDropsQueuedBookkeeping()
{
    // A lender that comes and goes queues the market's own bookkeeping at the writer (its row
    // marked online, what it missed read, its row marked offline). A market shut down while
    // the database does not answer (here: the lenders table held locked by another thread
    // for longer than the test) drops that bookkeeping instead of waiting for each statement
    // to time out (16 s each here): it marks its lenders offline itself as it closes.
    MarketConfig config;
    config.maintenanceIntervalMs = 3'600'000; // no periodic job in the queue
    config.syncIntervalMs = 3'600'000;
    START_MARKET_WITH_CLIENTS(config);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const auto online = [&] {
        Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT online FROM lenders WHERE id = ?"), {m_lender.nodeId()});
        return q && q->next() ? q->value(0).toInt() : -1;
    };
    lender->close();
    QTRY_COMPARE_WITH_TIMEOUT(online(), 0, 10'000);

    LockHolderThread holder(m_dbUrl, QStringLiteral("lenders"), 120'000);
    QTRY_VERIFY_WITH_TIMEOUT(holder.locked() != 0, 10'000);
    QCOMPARE(holder.locked(), 1);
    for (int i = 0; i < 4; ++i) {
        SslChannel *visit = client(m_lender, QStringLiteral("lender"));
        QVERIFY(visit);
        CHECK_OK(visit->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
        visit->close();
        QTest::qWait(50);
    }
    QElapsedTimer took;
    took.start();
    m_market->shutdown();
    // The job running when it began (a row read and a touch) times out, 16 s a statement;
    // the seven jobs behind it would have taken as long each (at least 160 s).
    QVERIFY2(took.elapsed() < 80'000, qPrintable(QStringLiteral("%1 ms").arg(took.elapsed())));
    m_market.reset();
}

void TestMarketFlows::borrowerNamesAreReadWithTheBatch()
{
    // A lender's notice of a new contract carries its borrower's name. A name this market
    // process does not know yet (here: set before it restarted) is read by the batch that
    // lends, on the writer thread. The test holds the borrowers table locked: read on the
    // service thread (the test's too), it held everything until the statement timeout of the
    // market's connection (16 s).
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Bea")}));
    // No sync meanwhile: it reads the borrowers table too, and would hold the writer first.
    MarketConfig restarted;
    restarted.syncIntervalMs = 3'600'000;
    CHECK_OK(restartMarket(restarted));
    SslChannel *lenderBack = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrowerBack = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lenderBack && borrowerBack);
    PushLog pushes(lenderBack);
    CHECK_OK(lenderBack->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")})); // online here
    Result<OfferPage> page = borrowerBack->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->total, 1);
    std::unique_ptr<HeldTableLock> held = holdTableLocked(QStringLiteral("borrowers"));
    QVERIFY(held);

    std::optional<Result<ContractGranted>> granted;
    borrowerBack->request<ContractGranted>(Borrow{.offerId = page->offers[0].offerId}, this,
                                           [&](Result<ContractGranted> r) { granted.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(held->waiting() >= 1, 30'000); // the name's read
    QElapsedTimer took;
    took.start();
    CHECK_OK(borrowerBack->call<OfferPage>(SearchOffers{}, 60'000));
    QVERIFY2(took.elapsed() < 8'000, qPrintable(QStringLiteral("%1 ms").arg(took.elapsed())));
    QVERIFY(!granted);
    CHECK_OK(held->release());
    QTRY_VERIFY_WITH_TIMEOUT(granted.has_value(), 30'000);
    CHECK_OK(*granted);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractStarted>().size(), 1, 10'000);
    QCOMPARE(pushes.all<ContractStarted>().first().contractId, (*granted)->contractId);
    QCOMPARE(pushes.all<ContractStarted>().first().borrowerName, QStringLiteral("Bea"));
}

void TestMarketFlows::lentSecondsAreSplitOverDays()
{
    // The utilisation chart's vCPU-seconds lent per day: each contract's overlap with each
    // day of the period, whatever its shape. The period starts and ends inside a day; the
    // report must agree with the overlaps worked out here one contract and one day at a time.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    const bool pg = db->dialect() == SqlDialect::Postgres;

    constexpr qint64 kDay = 86'400'000, kHour = 3'600'000;
    const qint64 d0 = kT0 - kT0 % kDay + 10 * kDay;
    struct Lending {
        qint64 start, end; // end 0: still running
        int cpus;
    };
    const QList<Lending> lendings = {
        {d0 + kDay + kHour, d0 + kDay + 3 * kHour, 2},           // inside one day
        {d0 + kDay + 20 * kHour, d0 + 4 * kDay + 2 * kHour, 3},  // over four days
        {d0 - 2 * kDay, d0 + kDay + 5 * kHour, 1},               // started before the period
        {d0 + 3 * kDay + 12 * kHour, 0, 4},                      // running
        {d0 + 4 * kDay, d0 + 10 * kDay, 5},                      // ends after the period
        {d0 - 5 * kDay, d0 - 4 * kDay, 6},                       // before the period
        {d0 + 2 * kDay + 23 * kHour, d0 + 3 * kDay, 7},          // ends at midnight
        {d0 + 2 * kDay + 1000, d0 + 2 * kDay + 1500, 1},         // half a second, three times
        {d0 + 2 * kDay + 5000, d0 + 2 * kDay + 5500, 1},
        {d0 + 2 * kDay + 9000, d0 + 2 * kDay + 9500, 1},
        {d0 + 6 * kDay, d0 + 7 * kDay, 8},                       // after the period
        {d0 + kDay + 7 * kHour, d0 + kDay + 7 * kHour, 9},       // no time at all
    };
    for (int i = 0; i < lendings.size(); ++i) {
        const Lending &l = lendings[i];
        CHECK_OK(db->exec(QStringLiteral("INSERT INTO contracts (id, offer_id, borrower_id, lender_id, partition_id, rate_micros, "
                                         "cpus, memory_mib, disk_mib, max_duration_s, started_at_ms, ended_at_ms, key_hash, "
                                         "end_reason, rev) VALUES (?, ?, 'b', ?, 'p1', 1, ?, 1024, 0, 0, ?, ?, %1, ?, 0)")
                              .arg(pg ? QStringLiteral("decode('00', 'hex')") : QStringLiteral("X'00'")),
                          {QStringLiteral("shape-%1").arg(i), p1->offerId, m_lender.nodeId(), l.cpus, l.start,
                           l.end ? QVariant(l.end) : QVariant(QMetaType::fromType<qint64>()),
                           l.end ? QVariant(QStringLiteral("ended")) : QVariant(QMetaType::fromType<QString>())}));
    }

    const qint64 from = d0 + 6 * kHour, to = d0 + 5 * kDay + 3 * kHour;
    m_clock = to; // lent time is counted up to now: the period is over
    Result<BillingReport> report = admin->call<BillingReport>(AdminBillingReport{.fromMs = from, .toMs = to});
    CHECK_OK(report);
    QCOMPARE(report->days.size(), 6);
    qint64 total = 0;
    for (int d = 0; d < 6; ++d) {
        const qint64 dayStart = d0 + d * kDay, dayEnd = dayStart + kDay;
        qint64 vcpuMs = 0;
        for (const Lending &l : lendings) {
            const qint64 s = std::max({l.start, dayStart, from}), e = std::min({l.end ? l.end : to, dayEnd, to});
            if (e > s)
                vcpuMs += l.cpus * (e - s);
        }
        QCOMPARE(report->days[d].dayStartMs, dayStart);
        QCOMPARE(report->days[d].lentSeconds, vcpuMs / 1000);
        total += report->days[d].lentSeconds;
    }
    // Worked out by hand: 4 h + 3×(4+24+24+2) h + 1×23 h + 4×(36+3) h + 5×27 h + 7×1 h, and 1.5 s.
    QCOMPARE(total, (4 + 3 * 54 + 23 + 4 * 39 + 5 * 27 + 7) * 3600 + 1);

    // Seen at noon of the third day, the days before are as they were, and no time is lent
    // after now: not the third day's afternoon, nor the days still to come.
    const QList<DayStat> whole = report->days;
    m_clock = d0 + 2 * kDay + 12 * kHour;
    report = admin->call<BillingReport>(AdminBillingReport{.fromMs = from, .toMs = to});
    CHECK_OK(report);
    QCOMPARE(report->days[0].lentSeconds, whole[0].lentSeconds);
    QCOMPARE(report->days[1].lentSeconds, whole[1].lentSeconds);
    // Day 2 until noon: the contract over four days (3 vCPUs) all morning, and the three
    // half-second ones; its evening's contract (7 vCPUs from 23:00) not yet.
    QCOMPARE(report->days[2].lentSeconds, (3 * 12 * 3600 * 1000 + 1500) / 1000);
    for (int d = 3; d < 6; ++d)
        QCOMPARE(report->days[d].lentSeconds, 0);
}

void TestMarketFlows::adminAccessAndViews()
{
    MarketConfig config;
    config.adminIds = {m_admin.nodeId()};
    config.feeBasisPoints = 2500;
    START_MARKET(config);

    // Unlisted node IDs are refused in the admin role, with a typed error.
    Error refused;
    SslChannel *stranger = connectClient(market->serverPort(), m_stranger, m_marketIdentity.nodeId(), QStringLiteral("admin"), this, &refused);
    QVERIFY(!stranger);
    QCOMPARE(refused.code, ErrorCode::PeerNotAllowed);
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(admin && lender && borrower);
    QCOMPARE(borrower->call<AdminPartitionPage>(AdminListPartitions{}).error().code, ErrorCode::PermissionDenied);
    // The market's own ID (the embedded desktop app) is admin, in process.
    std::unique_ptr<LocalChannel> self(market->connectLocal(m_marketIdentity.nodeId(), QStringLiteral("admin")));
    CHECK_OK(self->waitEstablished());
    std::unique_ptr<LocalChannel> localStranger(market->connectLocal(m_stranger.nodeId(), QStringLiteral("admin")));
    QCOMPARE(localStranger->waitEstablished().error().code, ErrorCode::PeerNotAllowed);

    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(2, 2048, 0, QStringLiteral("2")));
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"))));
    CHECK_OK(p1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);

    Result<AdminPartitionPage> partitions = admin->call<AdminPartitionPage>(AdminListPartitions{});
    CHECK_OK(partitions);
    QCOMPARE(partitions->total, 2);
    QCOMPARE(partitions->rows.size(), 2);
    QCOMPARE(partitions->rows[0].partitionId, QStringLiteral("p1"));
    QCOMPARE(partitions->lendingStatus, (QStringList{m_borrower.nodeId(), QString()}));
    QCOMPARE(partitions->online, (QList<bool>{true, true}));
    Result<AdminPartitionPage> filtered = self->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("P2"), .limit = 10});
    CHECK_OK(filtered);
    QCOMPARE(filtered->total, 1);
    QCOMPARE(filtered->rows.first().partitionId, QStringLiteral("p2"));
    QCOMPARE(admin->call<AdminPartitionPage>(AdminListPartitions{.offset = 1, .limit = 1})->rows.first().partitionId, QStringLiteral("p2"));

    m_clock = kT0 + 1'800'000; // half an hour at 2/h = 1; fee 25 % = 0.25
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}));
    CHECK_OK(borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId}));
    Result<AdminContractPage> contracts = admin->call<AdminContractPage>(AdminListContracts{});
    CHECK_OK(contracts);
    QCOMPARE(contracts->total, 2);
    QCOMPARE(contracts->rows.first().state, QStringLiteral("running")); // newest first
    QCOMPARE(contracts->rows.last().charge, Money::parse(u"1").value());
    QCOMPARE(admin->call<AdminContractPage>(AdminListContracts{.runningOnly = true})->total, 1);
    QCOMPARE(admin->call<AdminContractPage>(AdminListContracts{.filter = granted->contractId})->total, 1);

    const qint64 day = kT0 - kT0 % 86'400'000;
    Result<BillingReport> report = admin->call<BillingReport>(AdminBillingReport{.fromMs = day, .toMs = day + 2 * 86'400'000});
    CHECK_OK(report);
    QCOMPARE(report->feeBasisPoints, 2500);
    QCOMPARE(report->days.size(), 2);
    QCOMPARE(report->days[0].dayStartMs, day);
    QCOMPARE(report->days[0].revenue, Money::parse(u"1").value());
    QCOMPARE(report->days[0].fees, Money::parse(u"0.25").value());
    QCOMPARE(report->days[0].payouts, Money::parse(u"0.75").value());
    QCOMPARE(report->days[1].revenue, Money());
    QVERIFY(report->days[0].lentSeconds >= 2 * 1800);
    QCOMPARE(report->topBorrowers.size(), 1);
    QCOMPARE(report->topBorrowers.first().nodeId, m_borrower.nodeId());
    QCOMPARE(report->topBorrowers.first().amount, Money::parse(u"1").value());
    QCOMPARE(report->topLenders.first().nodeId, m_lender.nodeId());
    QCOMPARE(report->topLenders.first().name, QStringLiteral("Alice's box"));
    QCOMPARE(report->topLenders.first().amount, Money::parse(u"0.75").value());
    QCOMPARE(admin->call<BillingReport>(AdminBillingReport{.fromMs = 10, .toMs = 5}).error().code, ErrorCode::InvalidArgument);
    // The report steps through its days: a period near the top of 64 bits wrapped round and
    // filled memory until the market was killed.
    const qint64 top = std::numeric_limits<qint64>::max();
    Result<BillingReport> endOfTime = admin->call<BillingReport>(AdminBillingReport{.fromMs = top - 5 * 86'400'000LL, .toMs = top});
    QVERIFY(!endOfTime);
    QCOMPARE(endOfTime.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(endOfTime.error().message.contains(QLatin1String("after the year 9999")), qPrintable(endOfTime.error().message));
}

void TestMarketFlows::namesSortAlikeOnBothDatabases()
{
    // Names and partition IDs sort case-insensitively, then by their bytes, on SQLite and on
    // PostgreSQL alike (whatever the PostgreSQL database's collation): "alpha", "Beta", "zeta",
    // where bytes alone put "Beta" first.
    MarketConfig config;
    config.adminIds = {m_admin.nodeId()};
    START_MARKET(config);
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    QVERIFY(admin);
    const QList<std::pair<Identity, QString>> lenders{{m_lender, QStringLiteral("zeta")}, {m_lender2, QStringLiteral("Beta")},
                                                      {m_stranger, QStringLiteral("alpha")}};
    const QStringList partitionIds{QStringLiteral("apple"), QStringLiteral("Zed"), QStringLiteral("Mango")};
    QStringList offers;
    for (qsizetype i = 0; i < lenders.size(); ++i) {
        SslChannel *lender = client(lenders[i].first, QStringLiteral("lender"));
        QVERIFY(lender);
        RegisterPartition reg = registration(partitionIds[i], conditions(1, 512, 0, QStringLiteral("1")));
        reg.lenderName = lenders[i].second;
        Result<PartitionRegistered> r = lender->call<PartitionRegistered>(reg);
        CHECK_OK(r);
        offers << r->offerId;
    }
    const auto partitions = [&](const QString &sort) {
        QStringList out;
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.offset = 0, .limit = 10, .sort = sort});
        if (page)
            for (const Offer &o : page->rows)
                out << o.lenderName + QLatin1Char('/') + o.partitionId;
        return out;
    };
    const QStringList byLender{QStringLiteral("alpha/Mango"), QStringLiteral("Beta/Zed"), QStringLiteral("zeta/apple")};
    QCOMPARE(partitions(QStringLiteral("lender")), byLender);
    QCOMPARE(partitions(QStringLiteral("-lender")), (QStringList{byLender[2], byLender[1], byLender[0]}));
    QCOMPARE(partitions(QStringLiteral("partition")), (QStringList{QStringLiteral("zeta/apple"), QStringLiteral("alpha/Mango"),
                                                                  QStringLiteral("Beta/Zed")}));

    // Contracts by borrower name and by lender name: "acme" before "Zed corp".
    SslChannel *zed = client(m_borrower, QStringLiteral("borrower"));
    SslChannel *acme = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(zed && acme);
    CHECK_OK(zed->call<Ack>(SetBorrowerName{.name = QStringLiteral("Zed corp")}));
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("acme")}));
    CHECK_OK(zed->call<ContractGranted>(Borrow{.offerId = offers[0]}));   // zeta's
    CHECK_OK(acme->call<ContractGranted>(Borrow{.offerId = offers[1]})); // Beta's
    const auto contracts = [&](const QString &sort) {
        QStringList out;
        Result<AdminContractPage> page = admin->call<AdminContractPage>(AdminListContracts{.offset = 0, .limit = 10, .sort = sort});
        if (page)
            for (qsizetype i = 0; i < page->rows.size(); ++i)
                out << page->borrowerNames.value_or(QStringList()).value(i) + QLatin1Char('/')
                           + page->lenderNames.value_or(QStringList()).value(i);
        return out;
    };
    QCOMPARE(contracts(QStringLiteral("borrower")), (QStringList{QStringLiteral("acme/Beta"), QStringLiteral("Zed corp/zeta")}));
    QCOMPARE(contracts(QStringLiteral("lender")), (QStringList{QStringLiteral("acme/Beta"), QStringLiteral("Zed corp/zeta")}));
    QCOMPARE(contracts(QStringLiteral("-lender")), (QStringList{QStringLiteral("Zed corp/zeta"), QStringLiteral("acme/Beta")}));

    // A number at the end sorts by its value: part-2 before part-10, as a file manager shows
    // them, whatever its leading zeros; the stem case-insensitively, as above.
    SslChannel *alpha = client(m_stranger, QStringLiteral("lender"));
    QVERIFY(alpha);
    for (const QString &id : {QStringLiteral("part-10"), QStringLiteral("part-2"), QStringLiteral("Part-9"), QStringLiteral("part-002"),
                              QStringLiteral("part-"), QStringLiteral("part-1x")}) {
        RegisterPartition reg = registration(id, conditions(1, 512, 0, QStringLiteral("1")));
        reg.lenderName = QStringLiteral("alpha");
        CHECK_OK(alpha->call<PartitionRegistered>(reg));
    }
    const QStringList natural{QStringLiteral("zeta/apple"),     QStringLiteral("alpha/Mango"),  QStringLiteral("alpha/part-"),
                              QStringLiteral("alpha/part-002"), QStringLiteral("alpha/part-2"), QStringLiteral("alpha/Part-9"),
                              QStringLiteral("alpha/part-10"),  QStringLiteral("alpha/part-1x"), QStringLiteral("Beta/Zed")};
    QCOMPARE(partitions(QStringLiteral("partition")), natural);
    QStringList reversed = natural;
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(partitions(QStringLiteral("-partition")), reversed);

    // By lending status: free first, then lent by the borrower's name as the table shows it
    // ("lent to acme"), not by its node ID: the names are chosen against the IDs' order.
    const bool zedFirstById = m_borrower.nodeId() < m_borrower2.nodeId();
    CHECK_OK(zed->call<Ack>(SetBorrowerName{.name = zedFirstById ? QStringLiteral("zz") : QStringLiteral("aa")}));
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = zedFirstById ? QStringLiteral("aa") : QStringLiteral("zz")}));
    const QStringList lentByName = zedFirstById ? QStringList{QStringLiteral("Beta/Zed"), QStringLiteral("zeta/apple")}
                                                : QStringList{QStringLiteral("zeta/apple"), QStringLiteral("Beta/Zed")};
    QCOMPARE(partitions(QStringLiteral("status")).mid(natural.size() - 2), lentByName);
    QCOMPARE(partitions(QStringLiteral("-status")).mid(0, 2), (QStringList{lentByName[1], lentByName[0]}));
}

void TestMarketFlows::adminListsSort()
{
    // The manager's tables sort in the market, by any column it names, both ways, with
    // paging over the sorted rows; an unknown key is refused, naming it.
    MarketConfig config;
    config.adminIds = {m_admin.nodeId()};
    START_MARKET(config);
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    SslChannel *alice = client(m_lender, QStringLiteral("lender"));
    SslChannel *bob = client(m_lender2, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(admin && alice && bob && borrower);

    LendingConditions twoHours = conditions(2, 2048, 0, QStringLiteral("2"));
    twoHours.maxDurationS = 7200;
    LendingConditions oneHour = conditions(1, 4096, 0, QStringLiteral("3"));
    oneHour.maxDurationS = 3600;
    Result<PartitionRegistered> p1 = registerPartition(alice, QStringLiteral("p1"), twoHours);
    Result<PartitionRegistered> p3 = registerPartition(alice, QStringLiteral("p3"), conditions(4, 1024, 0, QStringLiteral("1")));
    RegisterPartition bobs = registration(QStringLiteral("p2"), oneHour);
    bobs.lenderName = QStringLiteral("Bob's box");
    Result<PartitionRegistered> p2 = bob->call<PartitionRegistered>(bobs);
    CHECK_OK(p1);
    CHECK_OK(p2);
    CHECK_OK(p3);

    auto partitions = [&](const QString &sort, qint64 offset = 0, qint64 limit = 10) -> QStringList {
        Result<AdminPartitionPage> page =
            admin->call<AdminPartitionPage>(AdminListPartitions{.offset = offset, .limit = limit, .sort = sort});
        if (!page) {
            qWarning() << "sort" << sort << page.error().message;
            return {};
        }
        QStringList ids;
        for (const Offer &o : page->rows)
            ids << o.partitionId;
        return ids;
    };
    // Contracts: p3 (1/h) from T0, running; p1 (2/h) from T0+1 min for an hour; p2 (3/h) from
    // T0+2 h for 10 minutes; the list is read at T0+3 h.
    Result<ContractGranted> c3 = borrower->call<ContractGranted>(Borrow{.offerId = p3->offerId});
    CHECK_OK(c3);
    m_clock = kT0 + 60'000;
    Result<ContractGranted> c1 = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(c1);
    m_clock += 3'600'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = c1->contractId}));
    m_clock = kT0 + 7'200'000;
    Result<ContractGranted> c2 = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(c2);
    m_clock += 600'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = c2->contractId}));
    m_clock = kT0 + 3 * 3'600'000;

    const QStringList byName{QStringLiteral("p1"), QStringLiteral("p3"), QStringLiteral("p2")};
    QCOMPARE(partitions(QString()), byName); // lender name, then partition
    QCOMPARE(partitions(QStringLiteral("lender")), byName);
    // Rows with equal keys keep their lender's and partition's order.
    QCOMPARE(partitions(QStringLiteral("-lender")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(partitions(QStringLiteral("partition")), (QStringList{QStringLiteral("p1"), QStringLiteral("p2"), QStringLiteral("p3")}));
    QCOMPARE(partitions(QStringLiteral("cpus")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(partitions(QStringLiteral("memory")), (QStringList{QStringLiteral("p3"), QStringLiteral("p1"), QStringLiteral("p2")}));
    QCOMPARE(partitions(QStringLiteral("-rate")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(partitions(QStringLiteral("status")).last(), QStringLiteral("p3")); // free first, then lent
    // By time limit: the shortest first, none (p3) after every limit; reversed, none first.
    QCOMPARE(partitions(QStringLiteral("time")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(partitions(QStringLiteral("-time")), (QStringList{QStringLiteral("p3"), QStringLiteral("p1"), QStringLiteral("p2")}));
    {
        // By the lender's reliability: Bob's lower one first (set in the database as a lost
        // partition would have lowered it).
        Result<std::unique_ptr<MarketStore>> store = MarketStore::open(m_dbUrl);
        QVERIFY(store);
        QVERIFY((*store)->database().exec(QStringLiteral("UPDATE lenders SET reliability = 80 WHERE id = ?"), {m_lender2.nodeId()}));
        QCOMPARE(partitions(QStringLiteral("reliability")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
        QCOMPARE(partitions(QStringLiteral("-reliability")), (QStringList{QStringLiteral("p1"), QStringLiteral("p3"), QStringLiteral("p2")}));
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.limit = 10, .sort = QStringLiteral("reliability")});
        CHECK_OK(page);
        QCOMPARE(page->rows.first().reliability, 80);
    }
    QCOMPARE(partitions(QStringLiteral("-status")).first(), QStringLiteral("p3"));
    // Pages are cut from the sorted rows.
    QCOMPARE(partitions(QStringLiteral("-cpus"), 1, 1), QStringList{QStringLiteral("p1")});
    QCOMPARE(partitions(QStringLiteral("-cpus"), 2, 5), QStringList{QStringLiteral("p2")});

    auto contracts = [&](const QString &sort, bool runningOnly = false) -> QStringList {
        Result<AdminContractPage> page =
            admin->call<AdminContractPage>(AdminListContracts{.runningOnly = runningOnly, .limit = 10, .sort = sort});
        if (!page) {
            qWarning() << "sort" << sort << page.error().message;
            return {};
        }
        QStringList partitionIds;
        for (const Bill &b : page->rows)
            partitionIds << b.partitionId;
        return partitionIds;
    };
    const QStringList newestFirst{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")};
    QCOMPARE(contracts(QString()), newestFirst);
    QCOMPARE(contracts(QStringLiteral("-started")), newestFirst);
    QCOMPARE(contracts(QStringLiteral("started")), (QStringList{QStringLiteral("p3"), QStringLiteral("p1"), QStringLiteral("p2")}));
    QCOMPARE(contracts(QStringLiteral("partition")), (QStringList{QStringLiteral("p1"), QStringLiteral("p2"), QStringLiteral("p3")}));
    QCOMPARE(contracts(QStringLiteral("rate")), (QStringList{QStringLiteral("p3"), QStringLiteral("p1"), QStringLiteral("p2")}));
    // A running contract ends after every ended one; its duration and charge are so far's.
    QCOMPARE(contracts(QStringLiteral("ended")), (QStringList{QStringLiteral("p1"), QStringLiteral("p2"), QStringLiteral("p3")}));
    QCOMPARE(contracts(QStringLiteral("-ended")), (QStringList{QStringLiteral("p3"), QStringLiteral("p2"), QStringLiteral("p1")}));
    QCOMPARE(contracts(QStringLiteral("duration")), (QStringList{QStringLiteral("p2"), QStringLiteral("p1"), QStringLiteral("p3")}));
    QCOMPARE(contracts(QStringLiteral("-charge")), (QStringList{QStringLiteral("p3"), QStringLiteral("p1"), QStringLiteral("p2")}));
    QCOMPARE(contracts(QStringLiteral("charge"), true), QStringList{QStringLiteral("p3")});
    QCOMPARE(contracts(QStringLiteral("contract")).size(), 3);
    QCOMPARE(contracts(QStringLiteral("borrower")).size(), 3);
    // Lenders by name: Alice's two contracts (by contract ID), then Bob's.
    QCOMPARE(contracts(QStringLiteral("lender")).last(), QStringLiteral("p2"));
    QCOMPARE(contracts(QStringLiteral("-lender")).first(), QStringLiteral("p2"));
    // Each contract comes with its lender's name, and the name finds them.
    Result<AdminContractPage> named = admin->call<AdminContractPage>(AdminListContracts{.filter = QStringLiteral("bob's"), .sort = QStringLiteral("started")});
    CHECK_OK(named);
    QCOMPARE(named->total, 1);
    QCOMPARE(named->rows.first().partitionId, QStringLiteral("p2"));
    QCOMPARE(named->lenderNames, QStringList{QStringLiteral("Bob's box")});
    Result<AdminContractPage> all = admin->call<AdminContractPage>(AdminListContracts{.sort = QStringLiteral("started")});
    CHECK_OK(all);
    QCOMPARE(all->lenderNames, (QStringList{QStringLiteral("Alice's box"), QStringLiteral("Alice's box"), QStringLiteral("Bob's box")}));
    // A billing period's exports ask only for the contracts that ended in it (endedSinceMs):
    // p1 ended at T0 + 1 h 1 min, p2 at T0 + 2 h 10 min, p3 runs.
    const auto endedSince = [&](std::optional<qint64> sinceMs, const QString &filter = {},
                                std::optional<qint64> beforeMs = std::nullopt) -> QStringList {
        Result<AdminContractPage> page = admin->call<AdminContractPage>(AdminListContracts{
            .filter = filter, .limit = 10, .sort = QStringLiteral("ended"), .endedSinceMs = sinceMs, .endedBeforeMs = beforeMs});
        if (!page) {
            qWarning() << "endedSinceMs" << sinceMs.value_or(-1) << "endedBeforeMs" << beforeMs.value_or(-1) << page.error().message;
            return {QStringLiteral("error")};
        }
        QStringList ids;
        for (const Bill &b : page->rows)
            ids << b.partitionId;
        if (page->total != ids.size())
            ids << QStringLiteral("total %1").arg(page->total);
        return ids;
    };
    QCOMPARE(endedSince(kT0), (QStringList{QStringLiteral("p1"), QStringLiteral("p2")}));
    QCOMPARE(endedSince(kT0 + 61 * 60'000), (QStringList{QStringLiteral("p1"), QStringLiteral("p2")})); // at the moment p1 ended
    QCOMPARE(endedSince(kT0 + 61 * 60'000 + 1), QStringList{QStringLiteral("p2")});
    QCOMPARE(endedSince(kT0 + 3 * 3'600'000), QStringList());
    QCOMPARE(endedSince(kT0, QStringLiteral("bob's")), QStringList{QStringLiteral("p2")}); // with a filter too
    // A period that is over has an end too (endedBeforeMs, exclusive): a custom range's exports.
    QCOMPARE(endedSince(kT0, {}, kT0 + 61 * 60'000 + 1), QStringList{QStringLiteral("p1")});
    QCOMPARE(endedSince(kT0, {}, kT0 + 61 * 60'000), QStringList()); // p1 ended at that moment: not before it
    QCOMPARE(endedSince(std::nullopt, {}, kT0 + 3 * 3'600'000), (QStringList{QStringLiteral("p1"), QStringLiteral("p2")})); // no running p3
    QCOMPARE(endedSince(kT0 + 61 * 60'000 + 1, {}, kT0 + 3 * 3'600'000), QStringList{QStringLiteral("p2")});
    QCOMPARE(endedSince(kT0 + 2 * 3'600'000, {}, kT0), QStringList()); // an empty range is no error
    QCOMPARE(endedSince(kT0, QStringLiteral("alice's"), kT0 + 3 * 3'600'000), QStringList{QStringLiteral("p1")});

    for (const QString &bad : {QStringLiteral("nope"), QStringLiteral("-"), QStringLiteral("--rate"), QStringLiteral("cpus DESC; --")}) {
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.sort = bad});
        QVERIFY2(!page, qPrintable(bad));
        QCOMPARE(page.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(page.error().message.contains(QStringLiteral("sort key")), qPrintable(page.error().message));
        Result<AdminContractPage> contractPage = admin->call<AdminContractPage>(AdminListContracts{.sort = bad});
        QVERIFY2(!contractPage, qPrintable(bad));
        QCOMPARE(contractPage.error().code, ErrorCode::InvalidArgument);
    }
    QVERIFY(admin->call<AdminPartitionPage>(AdminListPartitions{.sort = QStringLiteral("nope")}).error().message.contains(QStringLiteral("'nope'")));
    // The connection still serves after the refusals.
    QCOMPARE(partitions(QString()), byName);
}

void TestMarketFlows::borrowerNames()
{
    // A borrower names itself; the managers' contracts, filter, sort and billing report use
    // the name; bad names are refused with the reason; an empty name forgets it.
    MarketConfig config;
    config.adminIds = {m_admin.nodeId()};
    START_MARKET(config);
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *acme = client(m_borrower, QStringLiteral("borrower"));
    SslChannel *anonymous = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(admin && lender && acme && anonymous);

    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("  Acme Research, Inc.  ")}));
    Result<Ack> tooLong = acme->call<Ack>(SetBorrowerName{.name = QString(129, QLatin1Char('x'))});
    QVERIFY(!tooLong);
    QCOMPARE(tooLong.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(tooLong.error().message.contains(QLatin1String("the borrower's name is 129 characters long; at most 128")),
             qPrintable(tooLong.error().message));
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QString(128, QLatin1Char('y'))}));
    // Characters are counted as code points: 128 emoji (256 UTF-16 units) are 128 characters.
    QString emoji;
    for (int i = 0; i < 128; ++i)
        emoji += QString::fromUcs4(U"\U0001F680", 1);
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = emoji}));
    Result<Ack> tooManyEmoji = acme->call<Ack>(SetBorrowerName{.name = emoji + QString::fromUcs4(U"\U0001F680", 1)});
    QVERIFY(!tooManyEmoji);
    QVERIFY2(tooManyEmoji.error().message.contains(QLatin1String("is 129 characters long")), qPrintable(tooManyEmoji.error().message));
    // A bidirectional override would make the name read as another one wherever it is shown.
    Result<Ack> reversed = acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("Acme \u202Eecnanif")});
    QVERIFY(!reversed);
    QCOMPARE(reversed.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(reversed.error().message.contains(QLatin1String("(U+202e)")), qPrintable(reversed.error().message));
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("Acme Research, Inc.")}));
    Result<Ack> control = acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("Acme\nEvil")});
    QVERIFY(!control);
    QCOMPARE(control.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(control.error().message.contains(QLatin1String("the borrower's name contains a control character (U+000a)")),
             qPrintable(control.error().message));
    // Only a borrower names a borrower; a lender's name comes with its registration, checked alike.
    QCOMPARE(lender->call<Ack>(SetBorrowerName{.name = QStringLiteral("x")}).error().code, ErrorCode::PermissionDenied);
    RegisterPartition badLender = registration(QStringLiteral("p0"), conditions(1, 1024, 0, QStringLiteral("1")));
    badLender.lenderName = QStringLiteral("box\t1");
    Result<PartitionRegistered> badName = lender->call<PartitionRegistered>(badLender);
    QCOMPARE(badName.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(badName.error().message.contains(QLatin1String("the lender's name contains a control character (U+0009)")),
             qPrintable(badName.error().message));
    // What every manager's table and borrower's list shows of a registration is checked too:
    // a partition ID that reads as another, an address that is no host:port (a 2 MiB one made
    // every search page holding its offers too large to send), sizes no machine has (their
    // sums overflowed the lender's rebalancing budget).
    const auto refusedRegistration = [&](RegisterPartition r, const char *expected) {
        Result<PartitionRegistered> refused = lender->call<PartitionRegistered>(r);
        if (refused || refused.error().code != ErrorCode::InvalidArgument || !refused.error().message.contains(QLatin1String(expected))) {
            qWarning() << (refused ? QStringLiteral("registered") : refused.error().toString());
            return false;
        }
        return true;
    };
    RegisterPartition badId = registration(QStringLiteral("p0\u202Etxt.exe"), conditions(1, 1024, 0, QStringLiteral("1")));
    QVERIFY(refusedRegistration(badId, "bidirectional embeddings"));
    badId.partitionId = QStringLiteral("p\n0");
    QVERIFY(refusedRegistration(badId, "control characters"));
    badId.partitionId = QStringLiteral(" p0");
    QVERIFY(refusedRegistration(badId, "nor begin or end with a space"));
    RegisterPartition badAddress = registration(QStringLiteral("p0"), conditions(1, 1024, 0, QStringLiteral("1")));
    badAddress.agentAddress = QString(2 * 1024 * 1024, QLatin1Char('a')) + QStringLiteral(":1");
    QVERIFY(refusedRegistration(badAddress, "a host:port has at most 261"));
    badAddress.agentAddress = QStringLiteral("lender.example:0");
    QVERIFY(refusedRegistration(badAddress, "is not HOST:PORT"));
    badAddress.agentAddress = QStringLiteral("[fe80::1%eth0]:7401"); // IPv6, with its zone
    CHECK_OK(lender->call<PartitionRegistered>(badAddress));
    CHECK_OK(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("p0")}));
    // A heartbeat's address is checked alike, also one the market has stored already.
    for (const QString &address : QStringList{QString(300, QLatin1Char('a')) + QStringLiteral(":1"), QStringLiteral("[fe80::1%eth0]:7401")}) {
        Result<Ack> beat = lender->call<Ack>(LenderHeartbeat{.agentAddress = address});
        QVERIFY2(address.size() > 261 ? !beat && beat.error().code == ErrorCode::InvalidArgument : beat.ok(), qPrintable(address.left(20)));
    }
    QVERIFY(refusedRegistration(registration(QStringLiteral("p0"), conditions(1, qint64(1) << 62, 0, QStringLiteral("1"))),
                                "a partition has at most 1073741824 MiB"));
    QVERIFY(refusedRegistration(registration(QStringLiteral("p0"), conditions(5000, 1024, 0, QStringLiteral("1"))),
                                "a partition has at most 4096"));

    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("3.6")));
    CHECK_OK(p1);
    CHECK_OK(p2);
    Result<ContractGranted> c1 = acme->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    Result<ContractGranted> c2 = anonymous->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    CHECK_OK(c1);
    CHECK_OK(c2);
    // While lent, the resource database's page names the borrower (or has it empty).
    Result<AdminPartitionPage> lent = admin->call<AdminPartitionPage>(AdminListPartitions{.sort = QStringLiteral("partition")});
    CHECK_OK(lent);
    QCOMPARE(lent->lendingStatus, (QStringList{m_borrower.nodeId(), m_borrower2.nodeId()}));
    QCOMPARE(lent->borrowerNames, std::optional<QStringList>(QStringList{QStringLiteral("Acme Research, Inc."), QString()}));
    // ... and finds a lent partition by its borrower's name or ID.
    Result<AdminPartitionPage> byBorrower = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("acme research")});
    CHECK_OK(byBorrower);
    QCOMPARE(byBorrower->total, 1);
    QCOMPARE(byBorrower->rows.first().partitionId, QStringLiteral("p1"));
    Result<AdminPartitionPage> byBorrowerId = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = m_borrower2.nodeId().left(20)});
    CHECK_OK(byBorrowerId);
    QCOMPARE(byBorrowerId->total, 1);
    QCOMPARE(byBorrowerId->rows.first().partitionId, QStringLiteral("p2"));
    // Letters beyond ASCII are found in either case as well (SQLite's LOWER() folds ASCII only).
    CHECK_OK(anonymous->call<Ack>(SetBorrowerName{.name = QStringLiteral("Ärzte Köln")}));
    for (const QString &filter : {QStringLiteral("ärzte"), QStringLiteral("ÄRZTE KÖLN")}) {
        Result<AdminPartitionPage> byName = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = filter});
        CHECK_OK(byName);
        QVERIFY2(byName->total == 1 && byName->rows.first().partitionId == QLatin1String("p2"), qPrintable(filter));
        Result<AdminContractPage> contractsByName = admin->call<AdminContractPage>(AdminListContracts{.filter = filter});
        CHECK_OK(contractsByName);
        QVERIFY2(contractsByName->total == 1, qPrintable(filter));
    }
    CHECK_OK(anonymous->call<Ack>(SetBorrowerName{.name = QString()}));
    m_clock += 1000;
    CHECK_OK(acme->call<ContractClosed>(EndContract{.contractId = c1->contractId}));
    CHECK_OK(anonymous->call<ContractClosed>(EndContract{.contractId = c2->contractId}));
    Result<AdminPartitionPage> free = admin->call<AdminPartitionPage>(AdminListPartitions{.sort = QStringLiteral("partition")});
    CHECK_OK(free);
    QCOMPARE(free->borrowerNames, std::optional<QStringList>(QStringList{QString(), QString()}));

    auto page = [&](const QString &filter, const QString &sort) -> std::pair<QStringList, QStringList> {
        Result<AdminContractPage> p = admin->call<AdminContractPage>(AdminListContracts{.filter = filter, .limit = 10, .sort = sort});
        if (!p) {
            qWarning() << filter << sort << p.error().message;
            return {};
        }
        QStringList borrowers;
        for (const Bill &b : p->rows)
            borrowers << b.borrowerId;
        return {borrowers, p->borrowerNames.value_or(QStringList{QStringLiteral("absent")})};
    };
    const QString named = m_borrower.nodeId();
    const QString unnamed = m_borrower2.nodeId();
    const QString acmeName = QStringLiteral("Acme Research, Inc.");
    // As the table shows them: by name, a borrower without one by its node ID (as the
    // Partitions tab sorts its lending status).
    const bool unnamedFirst = unnamed.toLower() < acmeName.toLower();
    const auto inOrder = [&](bool ascending) {
        const bool first = ascending == unnamedFirst;
        return first ? std::make_pair(QStringList{unnamed, named}, QStringList{QString(), acmeName})
                     : std::make_pair(QStringList{named, unnamed}, QStringList{acmeName, QString()});
    };
    QCOMPARE(page(QString(), QStringLiteral("borrower")), inOrder(true));
    QCOMPARE(page(QString(), QStringLiteral("-borrower")), inOrder(false));
    // The filter finds a borrower by its name, in any case.
    QCOMPARE(page(QStringLiteral("ACME RES"), QString()), std::make_pair(QStringList{named}, QStringList{acmeName}));

    Result<BillingReport> report = admin->call<BillingReport>(AdminBillingReport{.fromMs = kT0 - 86'400'000, .toMs = m_clock + 1});
    CHECK_OK(report);
    QCOMPARE(report->topBorrowers.size(), 2);
    for (const PartyTotal &t : report->topBorrowers)
        QCOMPARE(t.name, t.nodeId == named ? acmeName : QString());

    // The unnamed borrower's place does not depend on its (random) ID: a name after every
    // hex digit sorts after it, one before them before it.
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("~Zed")}));
    QCOMPARE(page(QString(), QStringLiteral("borrower")).first, (QStringList{unnamed, named}));
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("!Early")}));
    QCOMPARE(page(QString(), QStringLiteral("borrower")).first, (QStringList{named, unnamed}));
    QCOMPARE(page(QString(), QStringLiteral("-borrower")).first, (QStringList{unnamed, named}));

    // An empty name forgets it.
    CHECK_OK(acme->call<Ack>(SetBorrowerName{.name = QStringLiteral("   ")}));
    QCOMPARE(page(QStringLiteral("acme"), QString()).first, QStringList());
    QCOMPARE(page(QString(), QStringLiteral("borrower")).second, (QStringList{QString(), QString()}));
}

void TestMarketFlows::rebalance()
{
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerHeldPair(lender);
    CHECK_OK(p1);
    CHECK_OK(registerPartition(lender, QStringLiteral("p3"), conditions(2, 2048, 10240, QStringLiteral("1")), false));
    const auto rebalance = [&](const QString &partition, Resources r) {
        return admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = partition, .resources = r});
    };

    // The budget is what the lender registered for its externally referenced partitions: 4 CPUs.
    QCOMPARE(rebalance(QStringLiteral("p1"), Resources{3, 2048, 10240}).error().code, ErrorCode::ResourceExhausted);
    CHECK_OK(rebalance(QStringLiteral("p2"), Resources{1, 1024, 10240}));
    CHECK_OK(rebalance(QStringLiteral("p1"), Resources{3, 3072, 10240}));
    QCOMPARE(rebalance(QStringLiteral("p1"), Resources{3, 3073, 10240}).error().code, ErrorCode::ResourceExhausted);
    QCOMPARE(rebalance(QStringLiteral("p3"), Resources{1, 1024, 1024}).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(rebalance(QStringLiteral("p9"), Resources{1, 1024, 1024}).error().code, ErrorCode::NotFound);
    QCOMPARE(rebalance(QStringLiteral("p2"), Resources{0, 1024, 1024}).error().code, ErrorCode::InvalidArgument);
    // No smaller than a lender's agent builds a partition (kMinPartition).
    QCOMPARE(rebalance(QStringLiteral("p2"), Resources{1, 63, 10240}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(rebalance(QStringLiteral("p2"), Resources{1, 1024, 15}).error().code, ErrorCode::InvalidArgument);

    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<AllocationChanged>().size(), 2, 10'000);
    QCOMPARE(pushes.all<AllocationChanged>()[0], (AllocationChanged{.partitionId = QStringLiteral("p2"), .resources = Resources{1, 1024, 10240}}));
    QCOMPARE(pushes.all<AllocationChanged>()[1], (AllocationChanged{.partitionId = QStringLiteral("p1"), .resources = Resources{3, 3072, 10240}}));
    QCOMPARE(names(*borrower->call<OfferPage>(SearchOffers{.minCpus = 3})), QStringLiteral("p1"));
    const auto adminRow = [&](const QString &partition) {
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = partition});
        if (!page || page->rows.size() != 1 || !page->allocationPending || page->allocationPending->size() != 1)
            return std::pair<Resources, bool>{Resources{}, true};
        return std::pair<Resources, bool>{page->rows.first().conditions.resources, page->allocationPending->first()};
    };
    // The lender acknowledged both (the admin's call returned after its answer).
    QCOMPARE(adminRow(QStringLiteral("p1")), (std::pair<Resources, bool>{Resources{3, 3072, 10240}, false}));
    QCOMPARE(adminRow(QStringLiteral("p2")), (std::pair<Resources, bool>{Resources{1, 1024, 10240}, false}));

    // The lender refuses one (its machine can no longer fit it): the manager hears why, and
    // the market puts back the allocation the lender confirmed instead of offering the new one.
    pushes.refuseAllocation = Error(ErrorCode::ResourceExhausted, QStringLiteral("the machine has 512 MiB left"));
    Result<Ack> refused = rebalance(QStringLiteral("p2"), Resources{1, 1024, 9000});
    QCOMPARE(refused.error().code, ErrorCode::ResourceExhausted);
    QVERIFY2(refused.error().message.contains(QStringLiteral("512 MiB left")) && refused.error().message.contains(QStringLiteral("p2")),
             qPrintable(refused.error().message));
    QCOMPARE(pushes.all<AllocationChanged>().size(), 3);
    QCOMPARE(adminRow(QStringLiteral("p2")), (std::pair<Resources, bool>{Resources{1, 1024, 10240}, false}));
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{.minDiskMib = 10000})->total, 3); // p2 is back at 10240
    // Every manager can read the refusal later, with what was refused, why and when.
    const auto refusalsOf = [&](const QString &filter) {
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = filter});
        return page && page->allocationRefusals ? *page->allocationRefusals : QList<AllocationRefusal>();
    };
    QList<AllocationRefusal> refusals = refusalsOf(QString());
    QCOMPARE(refusals.size(), 1);
    QCOMPARE(refusals.first().partitionId, QStringLiteral("p2"));
    QCOMPARE(refusals.first().resources, (Resources{1, 1024, 9000}));
    QCOMPARE(refusals.first().code, QStringLiteral("resource_exhausted"));
    QCOMPARE(refusals.first().message, QStringLiteral("the machine has 512 MiB left"));
    QCOMPARE(refusals.first().atMs, m_clock);
    QVERIFY(refusalsOf(QStringLiteral("p1")).isEmpty());
    pushes.refuseAllocation.reset();
    // The next rebalance of the partition is a new question: the old answer is forgotten.
    CHECK_OK(rebalance(QStringLiteral("p2"), Resources{1, 1024, 9500}));
    QVERIFY(refusalsOf(QString()).isEmpty());

    // A lent partition's allocation is locked.
    CHECK_OK(borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId}));
    QCOMPARE(rebalance(QStringLiteral("p1"), Resources{2, 2048, 10240}).error().code, ErrorCode::Conflict);
    QCOMPARE(lender->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p2"), .resources = Resources{1, 1024, 1}}).error().code,
             ErrorCode::PermissionDenied);
}

void TestMarketFlows::sameAllocationIsAskedOnce()
{
    // Two managers ask for the same allocation while the lender has not answered yet (as the
    // reconnect replay and the sync of another process's rebalance may): the lender is asked
    // once, and both hear its one answer. A different allocation is a new question.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    SslChannel *admin2 = client(m_admin, QStringLiteral("admin"));
    QVERIFY(admin2);
    PushLog pushes(lender);
    CHECK_OK(registerHeldPair(lender));
    pushes.holdAllocations = true;
    pushes.refuseAllocation = Error(ErrorCode::ResourceExhausted, QStringLiteral("no room"));
    QList<Result<Ack>> answers;
    const auto collect = [&](Result<Ack> r) { answers.append(r); };
    const AdminRebalance same{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p2"), .resources = Resources{1, 1024, 10240}};
    admin->request<Ack>(same, this, collect);
    admin2->request<Ack>(same, this, collect);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.held.size(), 1, 10'000);
    QTest::qWait(200); // the second manager's request has arrived too: nothing more is asked
    QCOMPARE(pushes.all<AllocationChanged>().size(), 1);
    QVERIFY(answers.isEmpty());
    pushes.answerHeld();
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 10'000);
    for (const Result<Ack> &r : std::as_const(answers)) {
        QCOMPARE(r.error().code, ErrorCode::ResourceExhausted);
        QVERIFY2(r.error().message.contains(QStringLiteral("no room")), qPrintable(r.error().message));
    }
    // The refusal was recorded once: the confirmed allocation is back and offered.
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{.minMemoryMib = 2048})->total, 2, 10'000);

    // Another allocation of the same partition is asked for, not attached to an earlier question.
    answers.clear();
    pushes.refuseAllocation.reset();
    admin->request<Ack>(same, this, collect);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.held.size(), 1, 10'000);
    admin2->request<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p2"), .resources = Resources{1, 512, 10240}},
                         this, collect);
    QTRY_COMPARE_WITH_TIMEOUT(pushes.held.size(), 2, 10'000);
    pushes.answerHeld();
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 10'000);
    CHECK_OK(answers[0]);
    CHECK_OK(answers[1]);
    QCOMPARE(pushes.all<AllocationChanged>().size(), 3);
    QCOMPARE(pushes.all<AllocationChanged>()[2].resources, (Resources{1, 512, 10240}));
}

void TestMarketFlows::silentLenderIsAskedAgain()
{
    // A connected lender that does not answer AllocationChanged in time: the manager hears
    // that the allocation is pending, and the lender is asked again once it is heard from
    // after another answer time, not sooner; its answer then settles it.
    MarketConfig config;
    config.allocationAnswerTimeoutMs = 1000;
    START_MARKET_WITH_ADMIN(config);
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerHeldPair(lender);
    CHECK_OK(p1);
    const auto pending = [&] {
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("p1")});
        return page && page->allocationPending && page->allocationPending->value(0);
    };
    const auto heartbeat = [&] { return lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}); };

    pushes.holdAllocations = true;
    QElapsedTimer waited;
    waited.start();
    CHECK_OK(admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p1"), .resources = Resources{1, 1024, 10240}}));
    QVERIFY(waited.elapsed() >= 1000); // the market waited for the answer that did not come
    QVERIFY(pending());
    QCOMPARE(pushes.held.size(), 1);
    pushes.held.clear(); // that question is over: the market no longer waits for its answer
    CHECK_OK(heartbeat()); // heard from too soon: not asked again yet
    QTest::qWait(100);
    QCOMPARE(pushes.all<AllocationChanged>().size(), 1);
    QTest::qWait(1000);
    CHECK_OK(heartbeat());
    QTRY_COMPARE_WITH_TIMEOUT(pushes.held.size(), 1, 10'000);
    QCOMPARE(pushes.all<AllocationChanged>().last(), (AllocationChanged{.partitionId = QStringLiteral("p1"), .resources = Resources{1, 1024, 10240}}));
    pushes.answerHeld();
    QTRY_VERIFY_WITH_TIMEOUT(!pending(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{.query = QStringLiteral("memory<=1024")})->total, 1, 10'000);
    // Settled: later heartbeats ask nothing.
    QTest::qWait(1100);
    CHECK_OK(heartbeat());
    QTest::qWait(100);
    QCOMPARE(pushes.all<AllocationChanged>().size(), 2);
}

void TestMarketFlows::unconfirmedAllocationIsNotLent()
{
    // The database refuses to lend an allocation its lender has not confirmed, whichever
    // process's index still offers it; the lender's confirmation makes it lendable, and a
    // refusal puts back the confirmed one.
    Result<std::unique_ptr<MarketStore>> store = openFreshStore();
    CHECK_OK(store);
    MarketStore &s = **store;
    const QString lender = QStringLiteral("L");
    RegisterPartition reg;
    reg.lenderName = QStringLiteral("l");
    reg.agentAddress = QStringLiteral("a:1");
    reg.conditions = conditions(2, 2048, 1024, QStringLiteral("1"));
    reg.externallyReferenced = true;
    reg.partitionId = QStringLiteral("p1");
    Result<PartitionRow> p1 = s.registerPartition(lender, reg, 1);
    CHECK_OK(p1);
    reg.partitionId = QStringLiteral("p2");
    CHECK_OK(s.registerPartition(lender, reg, 1));
    CHECK_OK(s.touchLenders({lender}, 1));
    QVERIFY(!p1->allocationUnconfirmed());

    Result<PartitionRow> moved = s.rebalance(lender, QStringLiteral("p1"), Resources{1, 1024, 1024});
    CHECK_OK(moved);
    QVERIFY(moved->allocationUnconfirmed());
    QCOMPARE(moved->applied, (Resources{2, 2048, 1024}));
    const QByteArray keyHash(32, 'k');
    Result<LendResult> refused = s.lend(p1->offerId, QStringLiteral("B"), QStringLiteral("c-1"), keyHash, 2);
    QCOMPARE(refused.error().code, ErrorCode::Conflict);
    QVERIFY2(refused.error().message.contains(QStringLiteral("not confirmed")), qPrintable(refused.error().message));

    // A confirmation of another allocation changes nothing; of this one, it is lendable.
    QVERIFY(!s.confirmAllocation(p1->offerId, Resources{1, 512, 1024}).value().has_value());
    Result<std::optional<PartitionRow>> confirmed = s.confirmAllocation(p1->offerId, Resources{1, 1024, 1024});
    CHECK_OK(confirmed);
    QVERIFY(confirmed->has_value() && !(*confirmed)->allocationUnconfirmed());
    CHECK_OK(s.lend(p1->offerId, QStringLiteral("B"), QStringLiteral("c-1"), keyHash, 2));

    // p2: refused, it goes back; a stale refusal (the allocation moved on) changes nothing.
    Result<PartitionRow> p2 = s.rebalance(lender, QStringLiteral("p2"), Resources{2, 1024, 1024});
    CHECK_OK(p2);
    const Error noRoom(ErrorCode::ResourceExhausted, QStringLiteral("no room"));
    QVERIFY(!s.revertAllocation(p2->offerId, Resources{2, 512, 1024}, noRoom, 3).value().has_value());
    QVERIFY(s.allocationRefusals({p2->offerId}).value().isEmpty()); // a stale refusal is not kept either
    Result<std::optional<PartitionRow>> back = s.revertAllocation(p2->offerId, Resources{2, 1024, 1024}, noRoom, 3);
    CHECK_OK(back);
    QVERIFY(back->has_value());
    QCOMPARE((*back)->conditions.resources, (Resources{2, 2048, 1024}));
    QVERIFY(!(*back)->allocationUnconfirmed());
    QCOMPARE(s.allocationRefusals({p1->offerId, p2->offerId}).value(),
             (QList<AllocationRefusal>{AllocationRefusal{.offerId = p2->offerId, .partitionId = QStringLiteral("p2"),
                                                         .resources = Resources{2, 1024, 1024}, .code = QStringLiteral("resource_exhausted"),
                                                         .message = QStringLiteral("no room"), .atMs = 3}}));
    CHECK_OK(s.lend(p2->offerId, QStringLiteral("B"), QStringLiteral("c-2"), keyHash, 3));
}

void TestMarketFlows::replayTellsEndsBeforeStarts()
{
    // A partition lent, freed and lent again while the lender's notices went nowhere (a
    // connection that died without the market noticing yet): a lender that reconnects is
    // told the end of the first contract before the start of the second, or its agent,
    // which takes a contract only on a free partition, would refuse the second.
    MarketConfig config;
    START_MARKET_WITH_CLIENTS(config);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 1024, QStringLiteral("1")));
    CHECK_OK(p1);
    Result<ContractGranted> first = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(first);
    m_clock += 60'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = first->contractId}));
    Result<ContractGranted> second = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(second);

    std::unique_ptr<PushLog> pushes;
    SslChannel *again = connectClient(m_market->serverPort(), m_lender, m_marketIdentity.nodeId(), QStringLiteral("lender"), this,
                                      nullptr, [&](SslChannel *c) { pushes = std::make_unique<PushLog>(c); });
    QVERIFY(again);
    QTRY_COMPARE_WITH_TIMEOUT(pushes->envelopes.size(), 2, 10'000);
    QCOMPARE(pushes->envelopes[0].type, static_cast<quint32>(ContractEnded::kType));
    QCOMPARE(pushes->all<ContractEnded>().first().contractId, first->contractId);
    QCOMPARE(pushes->envelopes[1].type, static_cast<quint32>(ContractStarted::kType));
    QCOMPARE(pushes->all<ContractStarted>().first().contractId, second->contractId);
}

void TestMarketFlows::syncedContractsCarryNamesNotKnownHere()
{
    // Market B hears through its sync of a contract market A made, for a borrower whose name
    // B has never seen (it was set on A before B started): B reads the name, on its writer
    // thread, before it tells its lender of the contract.
    MarketConfig config;
    START_MARKET(config);
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(borrower);
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Kestrel Bio")}));
    const Identity marketB = makeIdentity(QStringLiteral("market-b"));
    std::unique_ptr<MarketService> b = startSecondMarket(marketB);
    QVERIFY2(b, qPrintable(m_startError));
    std::unique_ptr<PushLog> pushes;
    SslChannel *lender = connectClient(b->serverPort(), m_lender, marketB.nodeId(), QStringLiteral("lender"), this, nullptr,
                                       [&](SslChannel *c) { pushes = std::make_unique<PushLog>(c); });
    QVERIFY(lender);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    QTRY_VERIFY_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total == 1, 10'000);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<ContractStarted>().size(), 1, 10'000);
    QCOMPARE(pushes->all<ContractStarted>().first().contractId, granted->contractId);
    QCOMPARE(pushes->all<ContractStarted>().first().borrowerName, std::optional<QString>(QStringLiteral("Kestrel Bio")));
}

void TestMarketFlows::noticesReachLendersAcrossProcessesAndReconnects()
{
    // Two market services on one database (as two processes would be): the lender is
    // connected to B, the admin and the borrower to A. What A does reaches the lender
    // through B; what happens while the lender is away reaches it when it comes back.
    MarketConfig config;
    config.adminIds = {m_admin.nodeId()};
    START_MARKET(config);
    const Identity marketB = makeIdentity(QStringLiteral("market-b"));
    std::unique_ptr<MarketService> b = startSecondMarket(marketB);
    QVERIFY2(b, qPrintable(m_startError));
    std::unique_ptr<PushLog> pushes;
    std::optional<Error> refuseAllocation; // how the next connection's lender answers AllocationChanged
    const auto lenderOnB = [&] {
        // The push log listens before Hello: a returning lender's notices follow the Welcome.
        return connectClient(b->serverPort(), m_lender, marketB.nodeId(), QStringLiteral("lender"), this, nullptr,
                             [&](SslChannel *c) {
                                 pushes = std::make_unique<PushLog>(c);
                                 pushes->refuseAllocation = refuseAllocation;
                             });
    };

    SslChannel *lender = lenderOnB();
    SslChannel *admin = client(m_admin, QStringLiteral("admin"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && admin && borrower);
    const auto pendingOnA = [&](const QString &partition) {
        Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{.filter = partition});
        return page && page->rows.size() == 1 && page->allocationPending && page->allocationPending->value(0);
    };
    Result<PartitionRegistered> p1 = registerHeldPair(lender);
    CHECK_OK(p1);

    // Second embodiment across processes: A rebalances, the lender hears it from B.
    CHECK_OK(admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p2"), .resources = Resources{1, 1024, 10240}}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<AllocationChanged>().size(), 1, 10'000);
    CHECK_OK(admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p1"), .resources = Resources{3, 3072, 10240}}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<AllocationChanged>().size(), 2, 10'000);
    QCOMPARE(pushes->all<AllocationChanged>()[0], (AllocationChanged{.partitionId = QStringLiteral("p2"), .resources = Resources{1, 1024, 10240}}));
    QCOMPARE(pushes->all<AllocationChanged>()[1], (AllocationChanged{.partitionId = QStringLiteral("p1"), .resources = Resources{3, 3072, 10240}}));

    // A contract made on A: the lender hears of it from B, with the name the borrower gave A.
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Kestrel Bio")}));
    QTRY_VERIFY_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{.minCpus = 3})->total == 1, 10'000);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<ContractStarted>().size(), 1, 10'000);
    QCOMPARE(pushes->all<ContractStarted>().first().contractId, granted->contractId);
    QCOMPARE(pushes->all<ContractStarted>().first().borrowerName, std::optional<QString>(QStringLiteral("Kestrel Bio")));

    // The lender goes away and comes back: it is told again what runs on its partitions.
    lender->close();
    QTest::qWait(100);
    lender = lenderOnB();
    QVERIFY(lender);
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<ContractStarted>().size(), 1, 10'000);
    QCOMPARE(pushes->all<ContractStarted>().first().contractId, granted->contractId);
    QCOMPARE(pushes->all<ContractStarted>().first().keyHash, hashLendingKey(granted->key));
    QCOMPARE(pushes->all<ContractStarted>().first().borrowerName, std::optional<QString>(QStringLiteral("Kestrel Bio")));
    QVERIFY(pushes->all<ContractEnded>().isEmpty());
    // The borrower renames itself through A while the contract runs: the lender hears the new
    // name from B, which follows the borrowers' names by revision; once, though B's syncs
    // read the change again within their settle window.
    CHECK_OK(borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Kestrel Biosciences")}));
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<ContractStarted>().size(), 2, 10'000);
    QCOMPARE(pushes->all<ContractStarted>().last().contractId, granted->contractId);
    QCOMPARE(pushes->all<ContractStarted>().last().borrowerName, std::optional<QString>(QStringLiteral("Kestrel Biosciences")));
    QTest::qWait(500);
    QCOMPARE(pushes->all<ContractStarted>().size(), 2);
    // Not the rebalanced allocations again: the lender confirmed them.
    QTest::qWait(300);
    QVERIFY(pushes->all<AllocationChanged>().isEmpty());
    QVERIFY(!pendingOnA(QStringLiteral("p2")));

    // The contract ends while the lender is away: it learns that when it comes back.
    lender->close();
    QTest::qWait(100);
    m_clock = kT0 + 90'000;
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}));
    QTest::qWait(300); // B's maintenance runs meanwhile, with no lender to tell
    // A rebalance while the lender is away is offered at once and awaits the lender.
    CHECK_OK(admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = QStringLiteral("p2"), .resources = Resources{1, 512, 10240}}));
    QVERIFY(pendingOnA(QStringLiteral("p2")));
    QCOMPARE(admin->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("p2")})->rows.first().conditions.resources,
             (Resources{1, 512, 10240}));
    // The lender comes back and refuses it: the market puts back what the lender confirmed.
    refuseAllocation = Error(ErrorCode::ResourceExhausted, QStringLiteral("no room"));
    lender = lenderOnB();
    QVERIFY(lender);
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<ContractEnded>().size(), 1, 10'000);
    const ContractEnded ended = pushes->all<ContractEnded>().first();
    QCOMPARE(ended.contractId, granted->contractId);
    QCOMPARE(ended.endedAtMs, kT0 + 90'000);
    QCOMPARE(ended.reason, QStringLiteral("borrower"));
    QVERIFY(pushes->all<ContractStarted>().isEmpty());
    // The unconfirmed allocation is sent again (p1's, free again, was confirmed before);
    // refused, it goes back, also in A's offers.
    QTRY_COMPARE_WITH_TIMEOUT(pushes->all<AllocationChanged>().size(), 1, 10'000);
    QCOMPARE(pushes->all<AllocationChanged>()[0], (AllocationChanged{.partitionId = QStringLiteral("p2"), .resources = Resources{1, 512, 10240}}));
    QTRY_VERIFY_WITH_TIMEOUT(!pendingOnA(QStringLiteral("p2")), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{.query = QStringLiteral("memory<=512")})->total, 0, 10'000);
    QCOMPARE(admin->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("p2")})->rows.first().conditions.resources,
             (Resources{1, 1024, 10240}));
    // The lender answered B, and the manager on A reads why.
    const std::optional<QList<AllocationRefusal>> refusals =
        admin->call<AdminPartitionPage>(AdminListPartitions{.filter = QStringLiteral("p2")})->allocationRefusals;
    QVERIFY(refusals && refusals->size() == 1);
    QCOMPARE(refusals->first().resources, (Resources{1, 512, 10240}));
    QCOMPARE(refusals->first().code, QStringLiteral("resource_exhausted"));
    QCOMPARE(refusals->first().message, QStringLiteral("no room"));
    // Nothing is repeated by later syncs.
    QTest::qWait(300);
    QCOMPARE(pushes->all<ContractEnded>().size(), 1);
    QCOMPARE(pushes->all<AllocationChanged>().size(), 1);
    b.reset();
}

void TestMarketFlows::unansweredCommitIsReadBack()
{
    // PostgreSQL commits a batch of contracts and its answer is lost with the connection: the
    // market reads back whether the batch committed, and answers as it did. When it cannot
    // read back either, the borrower is told that it is not known (not to try again, which
    // could make a second contract), and the market's syncs find out later.
    QFETCH(QString, dialect);
    Result<QString> url = freshDatabaseUrl(dialect, m_tmp);
    CHECK_OK(url);
    m_dbUrl = *url;
    QUrl viaCutter(*url);
    CommitCutter cutter(quint16(viaCutter.port()));
    const quint16 cutterPort = cutter.open();
    QVERIFY(cutterPort != 0);
    viaCutter.setPort(cutterPort);
    QUrlQuery query(viaCutter);
    query.addQueryItem(QStringLiteral("sslmode"), QStringLiteral("disable")); // the cutter reads the COMMIT
    viaCutter.setQuery(query);
    MarketConfig config;
    config.clock = [this] { return m_clock; };
    config.dataDir = m_tmp.filePath(QStringLiteral("data-cut"));
    config.maintenanceIntervalMs = 3'600'000; // nothing else commits
    config.syncIntervalMs = 50;
    m_market = std::make_unique<MarketService>(m_marketIdentity, viaCutter.toString(), config);
    CHECK_OK(m_market->listen(QHostAddress::LocalHost, 0));
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    SslChannel *borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && borrower);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    Result<PartitionRegistered> p2 = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    CHECK_OK(p2);

    cutter.armed = true;
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    QCOMPARE(cutter.cut.load(), 1);
    CHECK_OK(granted);
    QCOMPARE(names(*borrower->call<OfferPage>(SearchOffers{})), QStringLiteral("p2"));

    // The COMMIT lost on its way: the server rolled back, and the market runs the batch again.
    Result<PartitionRegistered> p3 = registerPartition(lender, QStringLiteral("p3"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p3);
    cutter.swallow = true;
    cutter.armed = true;
    Result<ContractGranted> again = borrower->call<ContractGranted>(Borrow{.offerId = p3->offerId});
    QCOMPARE(cutter.cut.load(), 2);
    CHECK_OK(again);
    cutter.swallow = false;
    QCOMPARE(names(*borrower->call<OfferPage>(SearchOffers{})), QStringLiteral("p2"));

    // Cut again, and the database out of reach for the question too.
    cutter.armed = true;
    cutter.refuse = true;
    Result<ContractGranted> unknown = borrower->call<ContractGranted>(Borrow{.offerId = p2->offerId});
    QCOMPARE(cutter.cut.load(), 3);
    QCOMPARE(unknown.error().code, ErrorCode::StorageError);
    QVERIFY2(unknown.error().message.contains(QStringLiteral("did not answer whether it made contract"))
                 && unknown.error().message.contains(p2->offerId),
             qPrintable(unknown.error().message));
    cutter.refuse = false;
    // It was made: once the database is back, the market's syncs read it and p2 is no longer
    // offered; the borrower finds both contracts among its own.
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total, 0, 20'000);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 3);
}

void TestMarketFlows::startupMissesNoChangeCommittedMeanwhile()
{
    // Another process's change took its revision before a market process started and
    // committed after that process loaded the database: its revision is below the
    // watermarks the new process loaded with. The new process still comes to offer it.
    MarketConfig config;
    START_MARKET(config);
    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    QVERIFY(lender);
    CHECK_OK(registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1"))));
    Result<Database> other = Database::open(m_dbUrl);
    CHECK_OK(other);
    CHECK_OK(other->exec(QStringLiteral("BEGIN")));
    CHECK_OK(other->exec(QStringLiteral("UPDATE partitions SET cpus = 7, rev = nextval('market_rev') * %1 + %2 WHERE partition_id = 'p1'")
                             .arg(MarketStore::kRevTagSpan)
                             .arg(MarketStore::kRevTagSpan - 1)));
    // A later revision, committed before the new process starts.
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"))));
    const Identity marketB = makeIdentity(QStringLiteral("market-b"));
    std::unique_ptr<MarketService> b = startSecondMarket(marketB);
    QVERIFY2(b, qPrintable(m_startError));
    CHECK_OK(other->exec(QStringLiteral("COMMIT")));
    SslChannel *borrower = connectClient(b->serverPort(), m_borrower, marketB.nodeId(), QStringLiteral("borrower"), this);
    QVERIFY(borrower);
    QTRY_COMPARE_WITH_TIMEOUT(names(*borrower->call<OfferPage>(SearchOffers{.minCpus = 7})), QStringLiteral("p1"), 10'000);
}

void TestMarketFlows::syncSkipsOwnRevisions()
{
    // Two processes' stores on one database, each with its own tag: each reads only what the
    // other wrote, its watermarks still move past its own rows, revs stay in commit order,
    // and a store without a tag reads everything.
    Result<QString> url = freshDatabaseUrl(QString::fromLatin1(QTest::currentDataTag()), m_tmp);
    QVERIFY2(url.ok(), qPrintable(url.ok() ? QString() : url.error().toString()));
    Result<std::unique_ptr<MarketStore>> a = MarketStore::open(*url);
    Result<std::unique_ptr<MarketStore>> b = MarketStore::open(*url);
    Result<std::unique_ptr<MarketStore>> plain = MarketStore::open(*url);
    CHECK_OK(a);
    CHECK_OK(b);
    CHECK_OK(plain);
    CHECK_OK((*a)->claimRevisionTag());
    CHECK_OK((*b)->claimRevisionTag());
    QVERIFY((*a)->revisionTag() != (*b)->revisionTag());
    QVERIFY((*a)->revisionTag() >= 1 && (*a)->revisionTag() < MarketStore::kRevTagSpan);
    Result<Changes> start = (*plain)->loadAll();
    CHECK_OK(start);
    const Watermarks from{start->maxLenderRev, start->maxPartitionRev, start->maxContractRev, start->maxBorrowerRev};

    CHECK_OK((*a)->upsertLender(QStringLiteral("LA"), QStringLiteral("by a"), QStringLiteral("a:1"), 1));
    CHECK_OK((*b)->upsertLender(QStringLiteral("LB"), QStringLiteral("by b"), QStringLiteral("b:1"), 2));
    CHECK_OK((*a)->upsertLender(QStringLiteral("LA2"), QStringLiteral("by a"), QStringLiteral("a:2"), 3));

    const auto ids = [](const Changes &c) {
        QStringList out;
        for (const LenderRow &l : c.lenders)
            out << l.id;
        return out;
    };
    // What a, b and plain each read since a watermark; nothing if one of them failed.
    const auto readByEach = [&](const Watermarks &since) -> std::optional<std::array<Changes, 3>> {
        std::array<Changes, 3> seen;
        const std::array<MarketStore *, 3> stores{a->get(), b->get(), plain->get()};
        for (size_t i = 0; i < stores.size(); ++i) {
            Result<Changes> c = stores[i]->changesSince(since);
            if (!c) {
                qWarning("%s", qPrintable(c.error().toString()));
                return std::nullopt;
            }
            seen[i] = *c;
        }
        return seen;
    };
    const std::optional<std::array<Changes, 3>> lendersSeen = readByEach(from);
    QVERIFY(lendersSeen);
    const auto &[seenByA, seenByB, seenByPlain] = *lendersSeen;
    QCOMPARE(ids(seenByA), QStringList{QStringLiteral("LB")});
    QCOMPARE(ids(seenByB), (QStringList{QStringLiteral("LA"), QStringLiteral("LA2")}));
    QCOMPARE(ids(seenByPlain), (QStringList{QStringLiteral("LA"), QStringLiteral("LB"), QStringLiteral("LA2")}));
    // Commit order is rev order, whoever wrote; everyone's watermark covers all three.
    QVERIFY(seenByPlain.lenders[0].rev < seenByPlain.lenders[1].rev);
    QVERIFY(seenByPlain.lenders[1].rev < seenByPlain.lenders[2].rev);
    QCOMPARE(seenByPlain.lenders[0].rev % MarketStore::kRevTagSpan, (*a)->revisionTag());
    QCOMPARE(seenByA.maxLenderRev, seenByPlain.lenders[2].rev);
    QCOMPARE(seenByB.maxLenderRev, seenByPlain.lenders[2].rev);
    // Nothing new: nothing read, and the watermarks stay.
    const Watermarks after{seenByA.maxLenderRev, seenByA.maxPartitionRev, seenByA.maxContractRev};
    Result<Changes> again = (*b)->changesSince(after);
    CHECK_OK(again);
    QVERIFY(again->lenders.isEmpty());
    QCOMPARE(again->maxLenderRev, after.lenders);

    // Borrowers' names alike, a name taken back included (a row with an empty name).
    const auto names = [](const Changes &c) {
        QStringList out;
        for (const BorrowerName &b : c.borrowers)
            out << b.borrowerId + QLatin1Char('=') + b.name;
        return out;
    };
    CHECK_OK((*a)->setBorrowerName(QStringLiteral("BA"), QStringLiteral("Acme"), 4));
    CHECK_OK((*b)->setBorrowerName(QStringLiteral("BB"), QStringLiteral("Bolt"), 5));
    CHECK_OK((*a)->setBorrowerName(QStringLiteral("BA"), QString(), 6));
    const std::optional<std::array<Changes, 3>> namesSeen = readByEach(after);
    QVERIFY(namesSeen);
    const auto &[namesByA, namesByB, namesByPlain] = *namesSeen;
    QCOMPARE(names(namesByA), QStringList{QStringLiteral("BB=Bolt")});
    QCOMPARE(names(namesByB), QStringList{QStringLiteral("BA=")});
    QCOMPARE(names(namesByPlain), (QStringList{QStringLiteral("BB=Bolt"), QStringLiteral("BA=")}));
    QVERIFY(namesByA.maxBorrowerRev > after.borrowers);
    QCOMPARE(namesByA.maxBorrowerRev, namesByB.maxBorrowerRev);
    QCOMPARE(*(*plain)->borrowerName(QStringLiteral("BA")), QString());
    QCOMPARE(*(*plain)->borrowerName(QStringLiteral("BB")), QStringLiteral("Bolt"));
    Result<Changes> noNames = (*b)->changesSince(Watermarks{.borrowers = namesByB.maxBorrowerRev});
    CHECK_OK(noNames);
    QVERIFY(noNames->borrowers.isEmpty());
}

void TestMarketFlows::syncWaitsForTheBatchesBeforeIt()
{
    // A sync that read the database after a batch committed is applied after that batch is
    // answered. Applied before, the batch's end would put its "free" back over what the sync
    // read (another process has lent the partition since), and the market would offer a lent
    // partition until its row changed again.
    MarketConfig config;
    config.syncIntervalMs = 20;
    config.syncSettleMs = 0; // no re-read of older rows to mend it afterwards
    START_MARKET_WITH_CLIENTS(config);
    const QStringList offers = registerOffers(lender, 1);
    QCOMPARE(offers.size(), 1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = offers[0]});
    CHECK_OK(granted);

    // Another process: a store of its own on the same database, which lends the partition as
    // soon as the end has freed it, while the market's signer still holds the end's batch.
    std::atomic<bool> lentElsewhere{false};
    std::atomic<bool> stop{false};
    QString otherError; // written by the thread before it ends, read after join()
    std::thread other([&] {
        Result<std::unique_ptr<MarketStore>> store = MarketStore::open(m_dbUrl);
        if (!store) {
            otherError = store.error().toString();
            return;
        }
        if (Result<qint64> tag = (*store)->claimRevisionTag(); !tag) {
            otherError = tag.error().toString();
            return;
        }
        while (!stop) {
            Result<LendResult> r = (*store)->lend(offers[0], QStringLiteral("borrower-elsewhere"),
                                                  QStringLiteral("contract-elsewhere"), QByteArray(32, 'k'), m_clock);
            if (r) {
                lentElsewhere = true;
                return;
            }
            if (r.error().code != ErrorCode::Conflict) {
                otherError = r.error().toString();
                return;
            }
            QThread::msleep(5);
        }
    });
    MarketService::delaySigningForTest(1500);
    auto joined = qScopeGuard([&] {
        MarketService::delaySigningForTest(0);
        stop = true;
        other.join();
    });
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId}));
    const bool lentBeforeTheAnswer = lentElsewhere; // so while the end's receipts were being signed
    joined.dismiss();
    MarketService::delaySigningForTest(0);
    stop = true;
    other.join();
    QVERIFY2(otherError.isEmpty(), qPrintable(otherError));
    QVERIFY(lentBeforeTheAnswer);
    // Many syncs later, the market does not offer it: it is lent.
    QTest::qWait(300);
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->total, 0);
    // And once the other process ends its contract, it is offered again.
    Result<std::unique_ptr<MarketStore>> store = MarketStore::open(m_dbUrl);
    CHECK_OK(store);
    CHECK_OK((*store)->claimRevisionTag());
    CHECK_OK((*store)->endContract(QStringLiteral("contract-elsewhere"), QString(), QStringLiteral("ended"), m_clock + 1000, 0));
    QTRY_COMPARE_WITH_TIMEOUT(borrower->call<OfferPage>(SearchOffers{})->total, qint64(1), 10'000);
}

void TestMarketFlows::borrowerNamesFromSchema8()
{
    // A database from before the names' revisions: brought up to date, the names kept, and
    // the next change followed by revision.
    Result<QString> url = freshDatabaseUrl(QString::fromLatin1(QTest::currentDataTag()), m_tmp);
    QVERIFY2(url.ok(), qPrintable(url.ok() ? QString() : url.error().toString()));
    {
        Result<Database> old = Database::open(*url);
        CHECK_OK(old);
        CHECK_OK(old->migrate(marketMigrations().mid(0, 8)));
        CHECK_OK(old->exec(QStringLiteral("INSERT INTO borrowers (id, name, updated_at_ms) VALUES ('B1', 'Old Name', 1)")));
    }
    Result<std::unique_ptr<MarketStore>> store = MarketStore::open(*url);
    CHECK_OK(store);
    QCOMPARE(*(*store)->borrowerName(QStringLiteral("B1")), QStringLiteral("Old Name"));
    Result<Changes> all = (*store)->loadAll();
    CHECK_OK(all);
    QCOMPARE(all->maxBorrowerRev, 0);
    CHECK_OK((*store)->setBorrowerName(QStringLiteral("B1"), QStringLiteral("New Name"), 2));
    Result<Changes> changed = (*store)->changesSince(Watermarks{});
    CHECK_OK(changed);
    QCOMPARE(changed->borrowers.size(), 1);
    QCOMPARE(changed->borrowers[0].borrowerId, QStringLiteral("B1"));
    QCOMPARE(changed->borrowers[0].name, QStringLiteral("New Name"));
    QVERIFY(changed->maxBorrowerRev > 0);
}

void TestMarketFlows::capacityHistory()
{
    // The utilisation chart divides lent vCPU-seconds by registered vCPU-seconds per day; a
    // partition withdrawn today still counted yesterday, and alterations count from when
    // they happened.
    Result<std::unique_ptr<MarketStore>> opened = openFreshStore();
    CHECK_OK(opened);
    MarketStore &store = **opened;
    constexpr qint64 kDay = 86'400'000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 yesterday = now - now % kDay - kDay;
    const auto reg = [&](const QString &id, int cpus, qint64 at) {
        return store.registerPartition(m_lender.nodeId(),
                                       RegisterPartition{.partitionId = id,
                                                         .lenderName = QStringLiteral("L"),
                                                         .agentAddress = QStringLiteral("127.0.0.1:1"),
                                                         .conditions = conditions(cpus, 1024, 0, QStringLiteral("1"))},
                                       at);
    };
    CHECK_OK(reg(QStringLiteral("p1"), 2, yesterday + 6 * 3'600'000));
    CHECK_OK(reg(QStringLiteral("p2"), 4, yesterday + 12 * 3'600'000));
    // Re-registering p1 with more vCPUs at 18:00 counts the difference from then on.
    CHECK_OK(reg(QStringLiteral("p1"), 3, yesterday + 18 * 3'600'000));
    CHECK_OK(store.withdrawPartition(m_lender.nodeId(), QStringLiteral("p2"))); // today

    Result<BillingReport> report = store.billingReport(yesterday, yesterday + kDay, 1000);
    CHECK_OK(report);
    QCOMPARE(report->days.size(), 1);
    // p1: 2 vCPUs for 12 h, then 3 for 6 h; p2: 4 vCPUs for 12 h.
    QCOMPARE(report->days[0].capacitySeconds, (2 * 12 + 3 * 6 + 4 * 12) * 3600LL);

    // Today: p2 counts until it was withdrawn, p1 all day so far.
    Result<BillingReport> today = store.billingReport(yesterday + kDay, now + 1, 1000);
    CHECK_OK(today);
    QCOMPARE(today->days.size(), 1);
    const qint64 elapsedS = (now + 1 - (yesterday + kDay)) / 1000;
    QVERIFY(today->days[0].capacitySeconds >= 3 * elapsedS);
    QVERIFY(today->days[0].capacitySeconds <= 7 * elapsedS + 7);

    // Capacity is counted until now, not into hours still to come: seen from yesterday noon,
    // yesterday holds p1's 2 vCPUs from 06:00 to 12:00 only, and today nothing.
    Result<BillingReport> atNoon = store.billingReport(yesterday, yesterday + 2 * kDay, 1000, 10, yesterday + 12 * 3'600'000);
    CHECK_OK(atNoon);
    QCOMPARE(atNoon->days.size(), 2);
    QCOMPARE(atNoon->days[0].capacitySeconds, 2 * 6 * 3600LL);
    QCOMPARE(atNoon->days[1].capacitySeconds, 0LL);
    // A period wholly to come has no capacity (the chart shows no data, not 0 %).
    Result<BillingReport> ahead = store.billingReport(yesterday + 2 * kDay, yesterday + 3 * kDay, 1000, 10, now);
    CHECK_OK(ahead);
    QCOMPARE(ahead->days.size(), 1);
    QCOMPARE(ahead->days[0].capacitySeconds, 0LL);
}

// ───────────────────────── images (third embodiment) ─────────────────────────

void TestMarketFlows::images()
{
    START_MARKET();
    QByteArray archive;
    for (int i = 0; i < 3 * 1024 * 1024 / 16 + 7; ++i)
        archive += QByteArray::number(i).rightJustified(16, '.');
    const QString path = m_tmp.filePath(QStringLiteral("busybox-%1.tar").arg(QLatin1String(QTest::currentDataTag())));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(archive);
    f.close();
    Result<ImageInfo> added = market->addImage(QStringLiteral("busybox"), path);
    CHECK_OK(added);
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(archive, QCryptographicHash::Sha256).toHex());
    QCOMPARE(added->sha256, sha);
    QCOMPARE(added->sizeBytes, archive.size());
    QCOMPARE(market->addImage(QStringLiteral("bad name"), path).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(market->addImage(QStringLiteral("x"), m_tmp.filePath(QStringLiteral("missing"))).error().code, ErrorCode::IoError);

    SslChannel *lender = client(m_lender, QStringLiteral("lender"));
    QVERIFY(lender);
    Result<ImageList> list = lender->call<ImageList>(ListImages{});
    CHECK_OK(list);
    QCOMPARE(list->images, (QList<ImageInfo>{*added}));

    // Download in chunks by name, as a lender that lacks the image does.
    QByteArray got;
    while (got.size() < archive.size()) {
        Result<ImageChunk> chunk = lender->call<ImageChunk>(FetchImage{.name = QStringLiteral("busybox"), .offset = got.size(), .length = 4 * 1024 * 1024});
        CHECK_OK(chunk);
        QCOMPARE(chunk->offset, got.size());
        QCOMPARE(chunk->image.sha256, sha);
        QVERIFY(!chunk->data.isEmpty());
        QVERIFY(chunk->data.size() <= MarketService::kMaxImageChunk);
        got += chunk->data;
    }
    QCOMPARE(got, archive);
    Result<ImageChunk> bySha = lender->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = 10, .length = 6});
    CHECK_OK(bySha);
    QCOMPARE(bySha->data, archive.mid(10, 6));
    QCOMPARE(lender->call<ImageChunk>(FetchImage{.name = QStringLiteral("windows")}).error().code, ErrorCode::NotFound);
    QCOMPARE(lender->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = archive.size() + 1}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(lender->call<ImageChunk>(FetchImage{}).error().code, ErrorCode::InvalidArgument);
    // The last chunk ends at the image's end, whatever length was asked for.
    Result<ImageChunk> last = lender->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = archive.size() - 5, .length = 100});
    CHECK_OK(last);
    QCOMPARE(last->data, archive.right(5));

    // The stored file cut short (a copy cut off, a damaged disk): a typed error, not a short
    // image; importing it again mends it.
    const QString stored = m_tmp.filePath(QStringLiteral("data-%1/images/%2/image.tar").arg(QLatin1String(QTest::currentDataTag()), sha));
    QVERIFY2(QFile::exists(stored), qPrintable(stored));
    QVERIFY(QFile::resize(stored, 1000));
    Result<ImageChunk> damaged = lender->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = 0, .length = 100});
    QCOMPARE(damaged.error().code, ErrorCode::IoError);
    QVERIFY2(damaged.error().message.contains(QStringLiteral("damaged")), qPrintable(damaged.error().message));
    CHECK_OK(market->addImage(QStringLiteral("busybox"), path));
    QCOMPARE(QFileInfo(stored).size(), archive.size());
    Result<ImageChunk> mended = lender->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = archive.size() - 5, .length = 100});
    CHECK_OK(mended);
    QCOMPARE(mended->data, archive.right(5));

    // A name is the image imported under it last, also when that one was imported before.
    const QString otherPath = path + QStringLiteral(".other");
    QFile other(otherPath);
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("another image");
    other.close();
    m_clock += 1000;
    Result<ImageInfo> newer = market->addImage(QStringLiteral("busybox"), otherPath);
    CHECK_OK(newer);
    QCOMPARE(lender->call<ImageChunk>(FetchImage{.name = QStringLiteral("busybox")})->image.sha256, newer->sha256);
    m_clock += 1000;
    CHECK_OK(market->addImage(QStringLiteral("busybox"), path));
    QCOMPARE(lender->call<ImageChunk>(FetchImage{.name = QStringLiteral("busybox")})->image.sha256, sha);

    // Another process on the same database, with images of its own: it does not list what it
    // cannot serve, and says why when asked for it. Given the same images directory, it serves
    // them.
    const Identity marketB = makeIdentity(QStringLiteral("market-b"));
    std::unique_ptr<MarketService> b = startSecondMarket(marketB);
    QVERIFY2(b, qPrintable(m_startError));
    SslChannel *lenderB = connectClient(b->serverPort(), m_lender, marketB.nodeId(), QStringLiteral("lender"), this);
    QVERIFY(lenderB);
    QCOMPARE(lenderB->call<ImageList>(ListImages{})->images.size(), 0);
    Result<ImageChunk> elsewhere = lenderB->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = 0, .length = 10});
    QCOMPARE(elsewhere.error().code, ErrorCode::NotFound);
    QVERIFY2(elsewhere.error().message.contains(QStringLiteral("--images")), qPrintable(elsewhere.error().message));
    delete lenderB;
    b.reset();
    std::unique_ptr<MarketService> shared = startSecondMarket(marketB, m_tmp.filePath(QStringLiteral("data-%1/images").arg(QLatin1String(QTest::currentDataTag()))));
    QVERIFY2(shared, qPrintable(m_startError));
    SslChannel *lenderShared = connectClient(shared->serverPort(), m_lender, marketB.nodeId(), QStringLiteral("lender"), this);
    QVERIFY(lenderShared);
    QCOMPARE(lenderShared->call<ImageList>(ListImages{})->images.size(), 2);
    Result<ImageChunk> served = lenderShared->call<ImageChunk>(FetchImage{.sha256 = sha, .offset = 10, .length = 6});
    CHECK_OK(served);
    QCOMPARE(served->data, archive.mid(10, 6));
    delete lenderShared;
}

void TestMarketFlows::stateSurvivesRestart()
{
    START_MARKET_WITH_CLIENTS();
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"))));
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);
    delete lender;
    delete borrower;

    // A new service on the same database: the lent partition stays lent, the contract ends.
    CHECK_OK(restartMarket());
    QCOMPARE(m_market->offerCount(), 2);
    lender = client(m_lender, QStringLiteral("lender"));
    borrower = client(m_borrower, QStringLiteral("borrower"));
    QVERIFY(lender && borrower);
    CHECK_OK(lender->call<Ack>(LenderHeartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")}));
    QCOMPARE(names(*borrower->call<OfferPage>(SearchOffers{})), QStringLiteral("p2"));
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId}).error().code, ErrorCode::Conflict);
    m_clock += 3'600'000;
    Result<ContractClosed> closed = borrower->call<ContractClosed>(EndContract{.contractId = granted->contractId});
    CHECK_OK(closed);
    QCOMPARE(closed->charge, Money::parse(u"1").value());
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->total, 2);
}

void TestMarketFlows::osImageNamesAreCapped()
{
    // One lender's 27,000 image names per partition once made every page of offers larger
    // than a frame may be: no borrower could search. At most 64 names, each at most 64
    // characters, and an offer that long still leaves the largest page well within a frame.
    START_MARKET_WITH_CLIENTS();
    QCOMPARE(protocol::kMaxOsImagesPerPartition, qsizetype(64));
    QStringList most;
    for (int i = 0; i < protocol::kMaxOsImagesPerPartition; ++i)
        most << QStringLiteral("image-%1-").arg(i).leftJustified(64, QLatin1Char('x'));
    const QStringList tooMany = most + QStringList{QStringLiteral("one-more")};

    // Every field of the offer as long as the market takes it.
    QString emojis;
    for (int i = 0; i < kMaxDisplayNameLength; ++i)
        emojis += QString::fromUcs4(U"\U0001F600", 1); // 4 bytes of UTF-8 each
    RegisterPartition largest = registration(QString(128, QChar(0x20AC)), conditions(1, 1024, 0, QStringLiteral("1"), most));
    largest.lenderName = emojis;
    largest.agentAddress = QString(255, QChar(0x20AC)) + QStringLiteral(":65535"); // 3 bytes each
    Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(largest);
    CHECK_OK(reg);
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->offers.size(), 1);
    QCOMPARE(page->offers.first().conditions.osImages, most);
    OfferPage fullest{.total = OfferQuery::kMaxLimit};
    for (qint64 i = 0; i < OfferQuery::kMaxLimit; ++i)
        fullest.offers.append(page->offers.first());
    const qsizetype pageBytes = encodeFrame(makeEnvelope(fullest, 1, true)).size();
    QVERIFY2(pageBytes < kDefaultMaxFrameBytes / 2, qPrintable(QString::number(pageBytes)));

    // One name more is refused, naming the limit: at registration, at alteration, and in the
    // terms a borrower agrees to.
    Result<PartitionRegistered> refused = registerPartition(lender, QStringLiteral("p2"), conditions(1, 1024, 0, QStringLiteral("1"), tooMany));
    QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(refused.error().message.contains(QStringLiteral("65 OS image names")) && refused.error().message.contains(QStringLiteral("at most 64")),
             qPrintable(refused.error().message));
    Result<PartitionRegistered> altered = lender->call<PartitionRegistered>(
        AlterPartition{.partitionId = largest.partitionId, .conditions = conditions(1, 1024, 0, QStringLiteral("1"), tooMany)});
    QCOMPARE(altered.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(altered.error().message.contains(QStringLiteral("at most 64")), qPrintable(altered.error().message));
    Result<ContractGranted> agreed =
        borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId, .agreedTerms = conditions(1, 1024, 0, QStringLiteral("1"), tooMany)});
    QCOMPARE(agreed.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(borrower->call<OfferPage>(SearchOffers{})->offers.first().conditions.osImages, most);
}

void TestMarketFlows::rebalanceIsHeldToPartitionLimits()
{
    // A rebalance to 2^63 - 1 MiB of memory was acknowledged and stored; the lender's sums
    // then overflowed, and the admin page and every later rebalance of the lender failed.
    MarketConfig config;
    START_MARKET_WITH_ADMIN(config);
    PushLog pushes(lender);
    CHECK_OK(registerHeldPair(lender));
    const auto rebalance = [&](const QString &partition, Resources r) {
        return admin->call<Ack>(AdminRebalance{.lenderId = m_lender.nodeId(), .partitionId = partition, .resources = r});
    };
    constexpr qint64 kHuge = std::numeric_limits<qint64>::max();
    Result<Ack> memory = rebalance(QStringLiteral("p2"), Resources{1, kHuge, 10240});
    QCOMPARE(memory.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(memory.error().message.contains(QString::number(kHuge)) && memory.error().message.contains(QString::number(kMaxPartitionMemoryMib)),
             qPrintable(memory.error().message));
    Result<Ack> disk = rebalance(QStringLiteral("p2"), Resources{1, 1024, kMaxPartitionDiskMib + 1});
    QCOMPARE(disk.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(disk.error().message.contains(QString::number(kMaxPartitionDiskMib)), qPrintable(disk.error().message));
    QCOMPARE(rebalance(QStringLiteral("p2"), Resources{kMaxPartitionCpus + 1, 1024, 10240}).error().code, ErrorCode::InvalidArgument);
    QVERIFY(pushes.all<AllocationChanged>().isEmpty());
    // Within the limits, the most a partition may have is beyond the budget, not wrapped into it.
    QCOMPARE(rebalance(QStringLiteral("p2"), Resources{1, kMaxPartitionMemoryMib, kMaxPartitionDiskMib}).error().code,
             ErrorCode::ResourceExhausted);
    // Nothing was stored: the manager's page reads, and the lender's partitions rebalance.
    Result<AdminPartitionPage> page = admin->call<AdminPartitionPage>(AdminListPartitions{});
    CHECK_OK(page);
    QCOMPARE(page->rows.size(), 2);
    for (const Offer &row : std::as_const(page->rows))
        QCOMPARE(row.conditions.resources, (Resources{2, 2048, 10240}));
    CHECK_OK(rebalance(QStringLiteral("p2"), Resources{1, 1024, 10240}));
    CHECK_OK(rebalance(QStringLiteral("p1"), Resources{3, 3072, 10240}));

    // The store's budget arithmetic does not wrap round either, whoever asks it.
    Result<std::unique_ptr<MarketStore>> store = openFreshStore();
    CHECK_OK(store);
    for (const QString &id : {QStringLiteral("p1"), QStringLiteral("p2")})
        CHECK_OK((*store)->registerPartition(m_lender.nodeId(), registration(id, conditions(2, 2048, 10240, QStringLiteral("1")), true), kT0));
    Result<PartitionRow> wrapped = (*store)->rebalance(m_lender.nodeId(), QStringLiteral("p2"), Resources{1, kHuge, 10240});
    QCOMPARE(wrapped.error().code, ErrorCode::ResourceExhausted);
    CHECK_OK((*store)->rebalancingBudget(m_lender.nodeId()));
    CHECK_OK((*store)->rebalance(m_lender.nodeId(), QStringLiteral("p2"), Resources{1, 1024, 10240}));
}

void TestMarketFlows::lenderReportsAboutOthersPartitionsAreNotFound()
{
    START_MARKET_WITH_CLIENTS();
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);
    SslChannel *other = client(m_lender2, QStringLiteral("lender"));
    QVERIFY(other);

    // Reports about a partition that is not the lender's are NotFound, and change nothing.
    Result<Ack> notTheirs = other->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p1"), .reason = QStringLiteral("mine now")});
    QCOMPARE(notTheirs.error().code, ErrorCode::NotFound);
    QVERIFY2(notTheirs.error().message.contains(QStringLiteral("p1")), qPrintable(notTheirs.error().message));
    QCOMPARE(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p9"), .reason = QStringLiteral("never was")}).error().code,
             ErrorCode::NotFound);
    Result<Ack> violation = other->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId,
                                                             .detail = QStringLiteral("vcpus 1 -> 2"), .restored = false});
    QCOMPARE(violation.error().code, ErrorCode::NotFound);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.first().state, QStringLiteral("running"));
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    Result<QSqlQuery> kept = db->exec(QStringLiteral("SELECT COUNT(*) FROM violations"));
    CHECK_OK(kept);
    QVERIFY(kept->next());
    QCOMPARE(kept->value(0).toInt(), 0);
    // Its own partition's loss is taken: the contract ends, and the partition is off offer.
    CHECK_OK(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p1"), .reason = QStringLiteral("host shutdown")}));
}

void TestMarketFlows::lenderTextsAreLoggedShort()
{
    // A lender's 10 MiB "reason" was logged whole, 1:1 into the operator's log.
    START_MARKET_WITH_CLIENTS();
    PushLog pushes(lender);
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = p1->offerId});
    CHECK_OK(granted);

    QLoggingCategory::setFilterRules(QStringLiteral("lendable.market.debug=true\nlendable.market.info=true"));
    g_longestLogLine = 0;
    g_previousMessageHandler = qInstallMessageHandler(measureLogLine);
    auto restore = qScopeGuard([] {
        qInstallMessageHandler(g_previousMessageHandler);
        QLoggingCategory::setFilterRules(QString());
    });
    const QString huge(1 << 20, QLatin1Char('r'));
    CHECK_OK(lender->call<Ack>(ReportJobState{.contractId = granted->contractId, .jobId = huge, .state = huge}));
    CHECK_OK(lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p1"), .contractId = granted->contractId, .detail = huge, .restored = true}));
    CHECK_OK(lender->call<Ack>(PartitionLost{.partitionId = QStringLiteral("p1"), .reason = huge}));
    restore.dismiss();
    qInstallMessageHandler(g_previousMessageHandler);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY2(g_longestLogLine.load() > 0, "nothing was logged");
    QVERIFY2(g_longestLogLine.load() <= kLogLinePassedOn, qPrintable(QStringLiteral("a log line of %1 characters").arg(g_longestLogLine.load())));
    // The reports were taken all the same: the contract ended as lost.
    QTRY_COMPARE_WITH_TIMEOUT(pushes.all<ContractEnded>().size(), 1, 10'000);
    QCOMPARE(pushes.all<ContractEnded>().first().reason, QStringLiteral("lost"));
}

void TestMarketFlows::framesOverTheMarketsCapAreRefused()
{
    // The market buffers at most kMaxInboundFrameBytes of a frame, not the protocol's 16 MiB:
    // forty connections that each sent a header and 16 MB of body held 694 MB.
    START_MARKET_WITH_CLIENTS();
    QVERIFY(kMaxInboundFrameBytes < kDefaultMaxFrameBytes);

    // The largest request a client sends is still taken: a lender's heartbeat naming a
    // partition per vCPU of the largest machine, each ID 128 characters of 3 bytes.
    LenderHeartbeat heartbeat{.agentAddress = QStringLiteral("127.0.0.1:7500")};
    for (int i = 0; i < 8192; ++i)
        heartbeat.partitionIds << QString::number(i).rightJustified(128, QChar(0x20AC));
    const qsizetype heartbeatBytes = encodeFrame(makeEnvelope(heartbeat, 1)).size();
    QVERIFY2(heartbeatBytes > 3'000'000 && heartbeatBytes <= kMaxInboundFrameBytes, qPrintable(QString::number(heartbeatBytes)));
    CHECK_OK(lender->call<Ack>(heartbeat, 60'000));

    // A header announcing one byte more is refused before any of the body is read, with a
    // typed error, and the connection closed.
    QSslSocket socket;
    socket.setSslConfiguration(tlsConfiguration(m_borrower2));
    connect(&socket, &QSslSocket::sslErrors, &socket, [&socket](const QList<QSslError> &) { socket.ignoreSslErrors(); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), market->serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(socket.isEncrypted(), 10'000); // the market runs in this thread: no blocking waits
    Hello hello;
    hello.protocolVersion = kProtocolVersion;
    hello.minProtocolVersion = kMinProtocolVersion;
    hello.role = QStringLiteral("borrower");
    socket.write(encodeFrame(makeEnvelope(hello, 1)));
    FrameReader reader;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            reader.append(socket.readAll());
            return reader.bufferedBytes() > 0;
        }(),
        10'000);
    Result<std::optional<Envelope>> welcome = reader.next();
    QVERIFY(welcome.ok() && welcome->has_value());
    QCOMPARE((*welcome)->type, static_cast<quint32>(MessageType::Welcome));
    QByteArray header(kFrameHeaderBytes, Qt::Uninitialized);
    qToBigEndian(quint32(kMaxInboundFrameBytes + 1), header.data());
    socket.write(header);
    std::optional<Envelope> error;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            reader.append(socket.readAll());
            Result<std::optional<Envelope>> e = reader.next();
            if (e.ok() && e->has_value())
                error = **e;
            return error.has_value();
        }(),
        10'000);
    QCOMPARE(error->type, static_cast<quint32>(MessageType::Error));
    const Error refusal = fromErrorMessage(decodeMessage<ErrorMessage>(*error).value());
    QCOMPARE(refusal.code, ErrorCode::FrameTooLarge);
    QVERIFY2(refusal.message.contains(QString::number(kMaxInboundFrameBytes)), qPrintable(refusal.message));
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10'000);
    // The others are served on.
    CHECK_OK(borrower->call<OfferPage>(SearchOffers{}));
}

void TestMarketFlows::renamesDoNotHoldUpOtherBorrowers()
{
    // Each rename is a transaction and a sync of its own. All of one borrower's pipelined
    // renames went into the writer's queue at once, and another borrower's Borrow waited
    // behind every one of them; now a borrower's renames take turns with everyone else's.
    START_MARKET_WITH_CLIENTS();
    Result<PartitionRegistered> p1 = registerPartition(lender, QStringLiteral("p1"), conditions(1, 1024, 0, QStringLiteral("1")));
    CHECK_OK(p1);
    SslChannel *renamer = client(m_borrower2, QStringLiteral("borrower"));
    QVERIFY(renamer);
    constexpr int kRenames = 300;
    int answered = 0;
    QStringList failures;
    for (int i = 0; i < kRenames; ++i)
        renamer->request<Ack>(SetBorrowerName{.name = QStringLiteral("name %1").arg(i)}, this, [&answered, &failures](Result<Ack> r) {
            ++answered;
            if (!r)
                failures << r.error().toString();
        }, 300'000);
    QTRY_VERIFY_WITH_TIMEOUT(answered > 0, 60'000); // the market is on them
    int answeredBeforeBorrow = -1;
    std::optional<Result<ContractGranted>> granted;
    borrower->request<ContractGranted>(Borrow{.offerId = p1->offerId}, this, [&](Result<ContractGranted> r) {
        answeredBeforeBorrow = answered;
        granted = std::move(r);
    }, 300'000);
    QTRY_VERIFY_WITH_TIMEOUT(granted.has_value(), 300'000);
    CHECK_OK(*granted);
    QTRY_COMPARE_WITH_TIMEOUT(answered, kRenames, 300'000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY2(answeredBeforeBorrow < kRenames / 10,
             qPrintable(QStringLiteral("%1 of %2 renames were answered before the borrow").arg(answeredBeforeBorrow).arg(kRenames)));
    // In the order sent: the last name is the one kept.
    std::optional<Database> db = openSameDatabase();
    QVERIFY(db);
    QCOMPARE(storedBorrowerName(*db, m_borrower2.nodeId()), QStringLiteral("name %1").arg(kRenames - 1));
}

void TestMarketFlows::idleTimeoutIsTheOneConfigured()
{
    // --idle-timeout (MarketOptionTexts::idleTimeoutS): seconds from 30 to a day, or 0 for
    // never; a value that would cut the project's own clients between two pings is refused.
    MarketOptionTexts texts{.dataDir = m_tmp.filePath(QStringLiteral("idle"))};
    QCOMPARE(marketConfigFromOptions(texts)->idleTimeoutMs, protocol::kDefaultIdleTimeoutMs);
    texts.idleTimeoutS = QStringLiteral("45");
    QCOMPARE(marketConfigFromOptions(texts)->idleTimeoutMs, 45'000);
    texts.idleTimeoutS = QStringLiteral("0");
    QCOMPARE(marketConfigFromOptions(texts)->idleTimeoutMs, 0);
    for (const char *bad : {"29", "86401", "-30", "soon", "1e3"}) {
        texts.idleTimeoutS = QString::fromLatin1(bad);
        const Result<MarketConfig> refused = marketConfigFromOptions(texts);
        QVERIFY2(!refused.ok() && refused.error().code == ErrorCode::InvalidArgument, bad);
        QVERIFY2(refused.error().message.contains(QStringLiteral("not '%1'").arg(texts.idleTimeoutS)), qPrintable(refused.error().message));
    }

    // The market's server closes a silent connection after the configured time (here less
    // than the option allows), telling the peer why; none is closed with 0.
    MarketConfig config;
    config.dataDir = m_tmp.filePath(QStringLiteral("idle"));
    QVERIFY(QDir().mkpath(config.dataDir));
    for (const int idleMs : {400, 0}) {
        config.idleTimeoutMs = idleMs;
        MarketService market(m_marketIdentity, QStringLiteral("sqlite:") + m_tmp.filePath(QStringLiteral("idle/m%1.db").arg(idleMs)), config);
        QVERIFY(market.listen(QHostAddress::LocalHost, 0).ok());
        Error error;
        SslChannel *silent = connectClient(market.serverPort(), m_borrower, m_marketIdentity.nodeId(), QStringLiteral("borrower"), this, &error);
        QVERIFY2(silent, qPrintable(error.toString()));
        QSignalSpy closed(silent, &Channel::closed);
        if (idleMs > 0) {
            QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10'000);
            const Error told = closed.at(0).at(0).value<Error>();
            QCOMPARE(told.code, ErrorCode::Timeout);
            QVERIFY2(told.message.contains(QStringLiteral("closed as idle")), qPrintable(told.toString()));
        } else {
            QTest::qWait(1'500);
            QCOMPARE(closed.count(), 0);
            QVERIFY(silent->call<Pong>(Ping{.sentAtMs = 1}).ok());
        }
        delete silent;
        market.shutdown();
    }
}

QTEST_GUILESS_MAIN(TestMarketFlows)
#include "TestMarketFlows.moc"
