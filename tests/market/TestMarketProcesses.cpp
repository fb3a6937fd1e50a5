// The headless market as a process: it announces itself, serves, and stops cleanly on
// SIGTERM; two processes on one PostgreSQL database never lend a partition twice; and a
// process killed with SIGKILL in the middle of a stream of contracts loses none it
// acknowledged and leaves a sound SQLite database.

#include "MarketTestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTcpServer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <unistd.h>

using namespace lendable;
using namespace lendable::market;
using namespace lendable::market::test;
using namespace lendable::protocol;

namespace {

// One `market-manager --headless` child process.
class HeadlessMarket {
public:
    ~HeadlessMarket()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10'000);
        }
    }

    // Starts and waits for "market <id> listening on ADDR:PORT".
    Result<void> start(const QString &dataDir, const QString &databaseUrl = {}, const QStringList &extra = {})
    {
        QStringList args{QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--data"), dataDir};
        if (!databaseUrl.isEmpty())
            args << QStringLiteral("--database") << databaseUrl;
        args << extra;
        m_process.setProgram(QDir(binaryDir()).filePath(QStringLiteral("market-manager")));
        m_process.setArguments(args);
        m_process.start();
        if (!m_process.waitForStarted(10'000))
            return Error(ErrorCode::Internal, QStringLiteral("cannot start %1: %2").arg(m_process.program(), m_process.errorString()));
        static const QRegularExpression line(QStringLiteral("^market ([0-9a-f]{64}) listening on 127\\.0\\.0\\.1:(\\d+)$"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60'000) {
            if (m_process.canReadLine()) {
                const QString text = QString::fromUtf8(m_process.readLine()).trimmed();
                const QRegularExpressionMatch m = line.match(text);
                if (m.hasMatch()) {
                    nodeId = m.captured(1);
                    port = static_cast<quint16>(m.captured(2).toUInt());
                    return {};
                }
                return Error(ErrorCode::Internal, QStringLiteral("unexpected first line: ") + text);
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(200);
        }
        return Error(ErrorCode::Internal, QStringLiteral("the market did not start: %1").arg(QString::fromLocal8Bit(m_process.readAllStandardError())));
    }

    QProcess &process() { return m_process; }
    QString nodeId;
    quint16 port = 0;

private:
    QProcess m_process;
};

// The market's SQLite database in `dataDir`, once `PRAGMA integrity_check` says it is sound.
Result<Database> openSoundMarketDatabase(const QString &dataDir)
{
    Result<Database> db = Database::open(QStringLiteral("sqlite:") + QDir(dataDir).filePath(QStringLiteral("market.db")));
    if (!db)
        return db;
    Result<QSqlQuery> check = db->exec(QStringLiteral("PRAGMA integrity_check"));
    if (!check)
        return check.error();
    const QString verdict = check->next() ? check->value(0).toString() : QStringLiteral("no answer");
    check->finish(); // done with before the database is handed on
    if (verdict != QLatin1String("ok"))
        return Error(ErrorCode::StorageError, QStringLiteral("integrity_check: ") + verdict);
    return db;
}

QStringList grantedOffers(const QList<ContractGranted> &granted)
{
    QStringList out;
    for (const ContractGranted &g : granted)
        out << g.partitionId;
    return out;
}

} // namespace

// Evaluates its argument once (it is often a request).
#define CHECK_OK(expr)                                                                                             \
    do {                                                                                                          \
        const auto &checkOkResult_ = (expr);                                                                      \
        QVERIFY2(checkOkResult_.ok(), qPrintable(checkOkResult_.error().toString()));                             \
    } while (false)

class TestMarketProcesses : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void headlessStartsServesAndStops();
    void badArgumentsAreRefused();
    void serverRunsOnJemalloc();
    void twoProcessesOnePostgresNeverDoubleLend();
    void oneRequestIdAtTwoProcessesMakesOneContract();
    void killDuringContractsLosesNothingAcknowledged();
    void fullDiskRefusesTypedAndRecovers();
    void postgresRestartIsSurvived();
    void frozenPostgresIsGivenUp();
    void benchDrivesAChildAndARunningMarket();

private:
    // A lender and a borrower connected to `market`; the lender registers PREFIX-0 to
    // PREFIX-2 (their offers in `offers`), the borrower borrows the first. Its contract.
    Result<ContractGranted> threePartitionsFirstLent(const HeadlessMarket &market, const QString &prefix, SslChannel *&lender,
                                                     SslChannel *&borrower, QStringList &offers);

    QTemporaryDir m_tmp;
    Identity m_lender;
    QList<Identity> m_borrowers;
};

Result<ContractGranted> TestMarketProcesses::threePartitionsFirstLent(const HeadlessMarket &market, const QString &prefix,
                                                                      SslChannel *&lender, SslChannel *&borrower, QStringList &offers)
{
    Error error;
    lender = connectClient(market.port, m_lender, market.nodeId, QStringLiteral("lender"), this, &error);
    if (!lender)
        return error;
    borrower = connectClient(market.port, m_borrowers[0], market.nodeId, QStringLiteral("borrower"), this, &error);
    if (!borrower)
        return error;
    for (int i = 0; i < 3; ++i) {
        Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
            .partitionId = QStringLiteral("%1-%2").arg(prefix).arg(i), .agentAddress = QStringLiteral("127.0.0.1:1"),
            .conditions = conditions(1, 512, 0, QStringLiteral("1"))});
        if (!reg)
            return reg.error();
        offers << reg->offerId;
    }
    return borrower->call<ContractGranted>(Borrow{.offerId = offers[0]});
}

void TestMarketProcesses::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFile::exists(QDir(binaryDir()).filePath(QStringLiteral("market-manager"))), qPrintable(binaryDir()));
    m_lender = makeIdentity(QStringLiteral("lender"));
    for (int i = 0; i < 8; ++i)
        m_borrowers.append(makeIdentity(QStringLiteral("borrower%1").arg(i)));
}

void TestMarketProcesses::cleanupTestCase()
{
    PgServer::instance().stop();
}

void TestMarketProcesses::headlessStartsServesAndStops()
{
    const QString data = m_tmp.filePath(QStringLiteral("single"));
    HeadlessMarket market;
    CHECK_OK(market.start(data, {}, {QStringLiteral("--fee-percent"), QStringLiteral("12.5")}));
    QVERIFY(QFile::exists(QDir(data).filePath(QStringLiteral("market.db"))));

    // --print-id agrees with the announced node ID.
    QProcess printId;
    printId.start(market.process().program(), {QStringLiteral("--print-id"), QStringLiteral("--data"), data});
    QVERIFY(printId.waitForFinished(30'000));
    QCOMPARE(QString::fromLatin1(printId.readAllStandardOutput()).trimmed(), market.nodeId);

    SslChannel *lender = connectClient(market.port, m_lender, market.nodeId, QStringLiteral("lender"), this);
    SslChannel *borrower = connectClient(market.port, m_borrowers[0], market.nodeId, QStringLiteral("borrower"), this);
    QVERIFY(lender && borrower);
    Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
        .partitionId = QStringLiteral("p1"), .agentAddress = QStringLiteral("127.0.0.1:1"), .conditions = conditions(1, 512, 0, QStringLiteral("3.6"))});
    CHECK_OK(reg);
    Result<ContractGranted> granted = borrower->call<ContractGranted>(Borrow{.offerId = reg->offerId});
    CHECK_OK(granted);
    QCOMPARE(granted->receipt.marketId, market.nodeId);

    // SIGUSR1 without --stats-file: the timings go to the log, as one JSON line, and the
    // market goes on (the signal's default action had killed it).
    ::kill(static_cast<pid_t>(market.process().processId()), SIGUSR1);
    QString logged;
    QTRY_VERIFY_WITH_TIMEOUT((logged += QString::fromLocal8Bit(market.process().readAllStandardError())).contains(QStringLiteral("request stats {")),
                             10'000);
    const qsizetype jsonAt = logged.indexOf(QStringLiteral("request stats ")) + 14;
    const QJsonObject logStats = QJsonDocument::fromJson(logged.mid(jsonAt, logged.indexOf(QLatin1Char('\n'), jsonAt) - jsonAt).toUtf8()).object();
    QCOMPARE(logStats.value(QStringLiteral("borrow")).toObject().value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(market.process().state(), QProcess::Running);
    CHECK_OK(borrower->call<BillList>(ListBills{}));

    // SIGTERM: channels are closed, the process exits 0.
    QSignalSpy lenderClosed(lender, &Channel::closed);
    ::kill(static_cast<pid_t>(market.process().processId()), SIGTERM);
    QVERIFY(market.process().waitForFinished(30'000));
    QCOMPARE(market.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(market.process().exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(lenderClosed.size(), 1, 10'000);

    // Restarted, it still knows the contract; SIGINT stops it as well.
    const QString statsFile = m_tmp.filePath(QStringLiteral("single-stats.json"));
    HeadlessMarket again;
    CHECK_OK(again.start(data, {}, {QStringLiteral("--fee-percent"), QStringLiteral("12.5"), QStringLiteral("--stats-file"), statsFile}));
    QCOMPARE(again.nodeId, market.nodeId);
    SslChannel *borrower2 = connectClient(again.port, m_borrowers[0], again.nodeId, QStringLiteral("borrower"), this);
    QVERIFY(borrower2);
    Result<BillList> bills = borrower2->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QCOMPARE(bills->bills.size(), 1);
    QCOMPARE(bills->bills.first().contractId, granted->contractId);
    Result<ContractClosed> closed = borrower2->call<ContractClosed>(EndContract{.contractId = granted->contractId});
    CHECK_OK(closed);

    // --stats-file: SIGUSR1 writes the request timings per kind as JSON.
    QVERIFY(!QFile::exists(statsFile));
    ::kill(static_cast<pid_t>(again.process().processId()), SIGUSR1);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(statsFile), 10'000);
    QFile file(statsFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject stats = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(stats.value(QStringLiteral("pid")).toInteger(), again.process().processId());
    QCOMPARE(stats.value(QStringLiteral("offers")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("channels")).toInt(), 1);
    for (const char *kind : {"search", "borrow", "end", "register", "other"})
        QVERIFY2(stats.value(QLatin1String(kind)).toObject().contains(QStringLiteral("buckets")), kind);
    QCOMPARE(stats.value(QStringLiteral("end")).toObject().value(QStringLiteral("count")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("borrow")).toObject().value(QStringLiteral("count")).toInt(), 0);
    QCOMPARE(stats.value(QStringLiteral("other")).toObject().value(QStringLiteral("count")).toInt(), 1); // ListBills

    ::kill(static_cast<pid_t>(again.process().processId()), SIGINT);
    QVERIFY(again.process().waitForFinished(30'000));
    QCOMPARE(again.process().exitCode(), 0);

    // The fee set on the command line was applied: 12.5 % of the charge.
    Result<Database> db = Database::open(QStringLiteral("sqlite:") + QDir(data).filePath(QStringLiteral("market.db")));
    CHECK_OK(db);
    Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT fee_basis_points, charge_micros, fee_micros FROM billing"));
    CHECK_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toInt(), 1250);
    QCOMPARE(q->value(2).toLongLong(), Money::feeOf(Money::fromMicros(q->value(1).toLongLong()), 1250).micros());
}

void TestMarketProcesses::serverRunsOnJemalloc()
{
    // The server program allocates with jemalloc, with its own decay setting
    // (apps/market-manager/main.cpp); jemalloc prints its options at exit when asked.
#if !LENDABLE_TEST_JEMALLOC
    QSKIP("built with -DLENDABLE_JEMALLOC=OFF");
#endif
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MALLOC_CONF"), QStringLiteral("stats_print:true,stats_print_opts:mdablxe"));
    p.setProcessEnvironment(env);
    p.start(QDir(binaryDir()).filePath(QStringLiteral("market-manager")), {QStringLiteral("--version")});
    QVERIFY(p.waitForFinished(30'000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(out.contains("jemalloc statistics"), out.left(2000).constData());
    QVERIFY2(out.contains("opt.dirty_decay_ms: 1000"), out.left(2000).constData());
}

void TestMarketProcesses::badArgumentsAreRefused()
{
    const QString program = QDir(binaryDir()).filePath(QStringLiteral("market-manager"));
    const QString data = m_tmp.filePath(QStringLiteral("bad"));
    for (const QStringList &extra : {QStringList{QStringLiteral("--listen"), QStringLiteral("nowhere")},
                                     QStringList{QStringLiteral("--admin-id"), QStringLiteral("xyz")},
                                     QStringList{QStringLiteral("--fee-percent"), QStringLiteral("150")},
                                     // lenders heartbeat every 10 s: NaN, or less than 15 s, would make them flap
                                     QStringList{QStringLiteral("--heartbeat-timeout"), QStringLiteral("nan")},
                                     QStringList{QStringLiteral("--heartbeat-timeout"), QStringLiteral("3")},
                                     // clients ping every 15 s: a shorter idle timeout would cut them
                                     QStringList{QStringLiteral("--idle-timeout"), QStringLiteral("5")},
                                     QStringList{QStringLiteral("--idle-timeout"), QStringLiteral("forever")}}) {
        QProcess p;
        p.start(program, QStringList{QStringLiteral("--headless"), QStringLiteral("--data"), data} + extra);
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(!p.readAllStandardError().isEmpty(), qPrintable(extra.join(QLatin1Char(' '))));
    }
    QProcess p;
    p.start(program, {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"), data,
                      QStringLiteral("--database"), QStringLiteral("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=5")});
    QVERIFY(p.waitForFinished(30'000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromLocal8Bit(p.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("storage_error")) && !err.contains(QStringLiteral("secret")), qPrintable(err));

    // A "PostgreSQL server" that takes the connection and never answers (here a listening
    // socket nobody serves): the market gives up after its default connect timeout (10 s)
    // with a storage error, instead of waiting for ever.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QElapsedTimer waited;
    waited.start();
    QProcess stuck;
    stuck.start(program, {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"), data,
                          QStringLiteral("--database"), QStringLiteral("postgresql://u@127.0.0.1:%1/db").arg(silent.serverPort())});
    QVERIFY(stuck.waitForFinished(60'000));
    QCOMPARE(stuck.exitCode(), 1);
    QVERIFY2(QString::fromLocal8Bit(stuck.readAllStandardError()).contains(QStringLiteral("storage_error")), "no storage error");
    QVERIFY2(waited.elapsed() < 45'000, qPrintable(QString::number(waited.elapsed())));
}

void TestMarketProcesses::twoProcessesOnePostgresNeverDoubleLend()
{
    Result<QString> url = PgServer::instance().freshDatabase();
    CHECK_OK(url);
    HeadlessMarket a, b;
    CHECK_OK(a.start(m_tmp.filePath(QStringLiteral("pg-a")), *url));
    CHECK_OK(b.start(m_tmp.filePath(QStringLiteral("pg-b")), *url));

    // The lender registers with A only; B learns the offers from the shared database.
    SslChannel *lender = connectClient(a.port, m_lender, a.nodeId, QStringLiteral("lender"), this);
    QVERIFY(lender);
    QList<ContractStarted> notices;
    connect(lender, &Channel::envelopeReceived, this, [&](const Envelope &e) {
        if (e.type == static_cast<quint32>(MessageType::ContractStarted))
            notices.append(decodeMessage<ContractStarted>(e).value());
    });
    constexpr int kPartitions = 20;
    QStringList offers;
    for (int i = 0; i < kPartitions; ++i) {
        Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
            .partitionId = QStringLiteral("p%1").arg(i), .agentAddress = QStringLiteral("127.0.0.1:1"),
            .conditions = conditions(1 + i % 4, 1024, 0, QStringLiteral("1"))});
        CHECK_OK(reg);
        offers << reg->offerId;
    }
    QList<SslChannel *> borrowers;
    for (int i = 0; i < m_borrowers.size(); ++i) {
        const HeadlessMarket &m = i % 2 == 0 ? a : b;
        SslChannel *c = connectClient(m.port, m_borrowers[i], m.nodeId, QStringLiteral("borrower"), this);
        QVERIFY(c);
        borrowers << c;
    }
    QTRY_COMPARE_WITH_TIMEOUT(borrowers[1]->call<OfferPage>(SearchOffers{})->total, kPartitions, 20'000);

    // Every borrower asks for every partition, in its own order, all at once; half of them
    // by "best match", which races on whatever each process believes is free.
    QList<ContractGranted> granted;
    int answered = 0, refused = 0;
    int expected = 0;
    for (int i = 0; i < borrowers.size(); ++i) {
        QStringList order = offers;
        std::shuffle(order.begin(), order.end(), *QRandomGenerator::global());
        for (const QString &offer : std::as_const(order)) {
            const Borrow req = i % 4 < 2 ? Borrow{.offerId = offer} : Borrow{.query = QStringLiteral("cpus>=1")};
            ++expected;
            borrowers[i]->request<ContractGranted>(req, this, [&](Result<ContractGranted> r) {
                ++answered;
                if (r.ok())
                    granted.append(*r);
                else if (r.error().code == ErrorCode::Conflict || r.error().code == ErrorCode::NoMatch)
                    ++refused;
                else
                    qWarning() << "unexpected failure" << r.error();
            }, 60'000);
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, expected, 120'000);
    QCOMPARE(refused + granted.size(), expected);

    // Each partition lent exactly once (all were asked for), and each acknowledged contract
    // is in the database, running.
    QStringList lent = grantedOffers(granted);
    lent.sort();
    QStringList unique = lent;
    unique.removeDuplicates();
    QCOMPARE(lent, unique);
    QCOMPARE(lent.size(), kPartitions);
    Result<Database> db = Database::open(*url);
    CHECK_OK(db);
    for (const ContractGranted &g : std::as_const(granted)) {
        Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT c.ended_at_ms, p.contract_id FROM contracts c JOIN partitions p ON p.offer_id = c.offer_id WHERE c.id = ?"), {g.contractId});
        CHECK_OK(q);
        QVERIFY2(q->next(), qPrintable(g.contractId));
        QVERIFY(q->value(0).isNull());
        QCOMPARE(q->value(1).toString(), g.contractId);
    }
    Result<QSqlQuery> count = db->exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT offer_id) FROM contracts"));
    QVERIFY(count->next());
    QCOMPARE(count->value(0).toInt(), kPartitions);
    QCOMPARE(count->value(1).toInt(), kPartitions);

    // The lender, connected to A, hears of every contract, also those B concluded.
    QTRY_COMPARE_WITH_TIMEOUT(notices.size(), kPartitions, 20'000);
    QStringList noticed;
    for (const ContractStarted &n : std::as_const(notices))
        noticed << n.contractId;
    noticed.sort();
    QStringList ids;
    for (const ContractGranted &g : std::as_const(granted))
        ids << g.contractId;
    ids.sort();
    QCOMPARE(noticed, ids);
}

// A borrower whose answer was lost asks again through another market process (the first one's
// address down, say) while the first is still making the contract: the two processes get
// one request ID at once, and one contract is made, which both answer with.
void TestMarketProcesses::oneRequestIdAtTwoProcessesMakesOneContract()
{
    Result<QString> url = PgServer::instance().freshDatabase();
    CHECK_OK(url);
    HeadlessMarket a, b;
    CHECK_OK(a.start(m_tmp.filePath(QStringLiteral("rid-a")), *url));
    CHECK_OK(b.start(m_tmp.filePath(QStringLiteral("rid-b")), *url));
    SslChannel *lender = connectClient(a.port, m_lender, a.nodeId, QStringLiteral("lender"), this);
    QVERIFY(lender);
    // One vCPU for the borrows by offer, two for the best matches (cpus>=2), which so never
    // take an offer that a borrow by offer names.
    constexpr int kPartitions = 14;
    QStringList offers;
    for (int i = 0; i < kPartitions; ++i) {
        Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
            .partitionId = QStringLiteral("r%1").arg(i), .agentAddress = QStringLiteral("127.0.0.1:1"),
            .conditions = conditions(i < 6 ? 1 : 2, 1024, 0, QStringLiteral("1"))});
        CHECK_OK(reg);
        offers << reg->offerId;
    }
    SslChannel *viaA = connectClient(a.port, m_borrowers[0], a.nodeId, QStringLiteral("borrower"), this);
    SslChannel *viaB = connectClient(b.port, m_borrowers[0], b.nodeId, QStringLiteral("borrower"), this);
    QVERIFY(viaA && viaB);
    QVERIFY(viaB->peerHasFeature(QLatin1String(kFeatureBorrowRequestId)));
    QTRY_COMPARE_WITH_TIMEOUT(viaB->call<OfferPage>(SearchOffers{})->total, kPartitions, 20'000);

    // Twelve IDs, by offer and by best match in turn (which each process may match to another
    // offer), each sent to both processes at once: the first six together (group commits of
    // several), then one at a time (a request alone looks for its ID before it lends).
    constexpr int kRequests = 12;
    QList<std::optional<Result<ContractGranted>>> answers(2 * kRequests);
    QStringList ids;
    const auto answered = [&answers](int upTo) {
        return std::all_of(answers.cbegin(), answers.cbegin() + 2 * upTo, [](const auto &r) { return r.has_value(); });
    };
    for (int i = 0; i < kRequests; ++i) {
        ids << QStringLiteral("rid-%1").arg(i);
        const Borrow req = i % 2 == 0 ? Borrow{.offerId = offers[i / 2], .requestId = ids[i]}
                                      : Borrow{.query = QStringLiteral("cpus>=2"), .requestId = ids[i]};
        viaA->request<ContractGranted>(req, this, [&answers, i](Result<ContractGranted> r) { answers[2 * i] = std::move(r); }, 60'000);
        viaB->request<ContractGranted>(req, this, [&answers, i](Result<ContractGranted> r) { answers[2 * i + 1] = std::move(r); }, 60'000);
        if (i >= kRequests / 2)
            QTRY_VERIFY_WITH_TIMEOUT(answered(i + 1), 60'000);
    }
    QTRY_VERIFY_WITH_TIMEOUT(answered(kRequests), 120'000);

    // Both answers of each ID name one contract, one of them as a repeat.
    QStringList contracts;
    for (int i = 0; i < kRequests; ++i) {
        const Result<ContractGranted> &first = *answers[2 * i];
        const Result<ContractGranted> &second = *answers[2 * i + 1];
        CHECK_OK(first);
        CHECK_OK(second);
        QCOMPARE(second->contractId, first->contractId);
        QCOMPARE(int(first->repeated.value_or(false)) + int(second->repeated.value_or(false)), 1);
        contracts << first->contractId;
    }
    contracts.removeDuplicates();
    QCOMPARE(contracts.size(), kRequests);
    Result<Database> db = Database::open(*url);
    CHECK_OK(db);
    Result<QSqlQuery> count =
        db->exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT offer_id), COUNT(DISTINCT borrow_request_id) FROM contracts"));
    CHECK_OK(count);
    QVERIFY(count->next());
    QCOMPARE(count->value(0).toInt(), kRequests);
    QCOMPARE(count->value(1).toInt(), kRequests);
    QCOMPARE(count->value(2).toInt(), kRequests);
    // Whichever answer came last holds the key the partition takes now.
    for (int i = 0; i < kRequests; ++i) {
        const ContractGranted &x = **answers[2 * i];
        const ContractGranted &y = **answers[2 * i + 1];
        Result<KeyVerdict> vx = lender->call<KeyVerdict>(VerifyKey{.partitionId = x.partitionId, .borrowerId = m_borrowers[0].nodeId(), .key = x.key});
        Result<KeyVerdict> vy = lender->call<KeyVerdict>(VerifyKey{.partitionId = y.partitionId, .borrowerId = m_borrowers[0].nodeId(), .key = y.key});
        CHECK_OK(vx);
        CHECK_OK(vy);
        QCOMPARE(int(vx->valid) + int(vy->valid), 1);
    }
}

void TestMarketProcesses::killDuringContractsLosesNothingAcknowledged()
{
    const QString data = m_tmp.filePath(QStringLiteral("crash"));
    auto market = std::make_unique<HeadlessMarket>();
    CHECK_OK(market->start(data));
    SslChannel *lender = connectClient(market->port, m_lender, market->nodeId, QStringLiteral("lender"), this);
    SslChannel *borrower = connectClient(market->port, m_borrowers[0], market->nodeId, QStringLiteral("borrower"), this);
    QVERIFY(lender && borrower);
    constexpr int kPartitions = 60;
    QStringList offers;
    for (int i = 0; i < kPartitions; ++i) {
        Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
            .partitionId = QStringLiteral("p%1").arg(i), .agentAddress = QStringLiteral("127.0.0.1:1"),
            .conditions = conditions(1, 512, 0, QStringLiteral("1"))});
        CHECK_OK(reg);
        offers << reg->offerId;
    }

    // A stream of contracts, several in flight; SIGKILL right after the 15th acknowledgement,
    // while others are being committed.
    QList<ContractGranted> acknowledged;
    const auto pid = static_cast<pid_t>(market->process().processId());
    int next = 0;
    std::function<void()> send = [&] {
        if (next >= offers.size())
            return;
        borrower->request<ContractGranted>(Borrow{.offerId = offers[next++]}, this, [&](Result<ContractGranted> r) {
            if (!r.ok())
                return;
            acknowledged.append(*r);
            if (acknowledged.size() == 15)
                ::kill(pid, SIGKILL);
            else
                send();
        });
    };
    for (int i = 0; i < 4; ++i)
        send();
    QTRY_VERIFY_WITH_TIMEOUT(acknowledged.size() >= 15, 60'000);
    // waitForFinished() is false for a process already reaped, hence the state.
    if (market->process().state() != QProcess::NotRunning)
        market->process().waitForFinished(30'000);
    QCOMPARE(market->process().state(), QProcess::NotRunning);
    QCOMPARE(market->process().exitStatus(), QProcess::CrashExit);
    QTest::qWait(100); // let in-flight replies that were already on the wire arrive
    const QList<ContractGranted> acked = acknowledged;
    QVERIFY(acked.size() < kPartitions);
    market.reset();

    // Restarted: every acknowledged contract is there, the database is sound.
    HeadlessMarket again;
    CHECK_OK(again.start(data));
    Result<Database> db = openSoundMarketDatabase(data);
    CHECK_OK(db);
    for (const ContractGranted &g : acked) {
        Result<QSqlQuery> q = db->exec(QStringLiteral("SELECT c.borrower_id, p.lending_status FROM contracts c JOIN partitions p ON p.offer_id = c.offer_id WHERE c.id = ?"), {g.contractId});
        CHECK_OK(q);
        QVERIFY2(q->next(), qPrintable(QStringLiteral("acknowledged contract %1 is missing").arg(g.contractId)));
        QCOMPARE(q->value(0).toString(), m_borrowers[0].nodeId());
        QCOMPARE(q->value(1).toString(), m_borrowers[0].nodeId());
    }
    Result<QSqlQuery> stray = db->exec(QStringLiteral("SELECT COUNT(*) FROM partitions WHERE lending_status IS NOT NULL AND contract_id NOT IN (SELECT id FROM contracts)"));
    QVERIFY(stray->next());
    QCOMPARE(stray->value(0).toInt(), 0);

    // And it serves on: the borrower's contracts are listed and can be ended.
    SslChannel *borrower2 = connectClient(again.port, m_borrowers[0], again.nodeId, QStringLiteral("borrower"), this);
    QVERIFY(borrower2);
    Result<BillList> bills = borrower2->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QVERIFY(bills->bills.size() >= acked.size());
    CHECK_OK(borrower2->call<ContractClosed>(EndContract{.contractId = acked.first().contractId}));
}

QTEST_GUILESS_MAIN(TestMarketProcesses)
namespace {

// Runs market-bench, small, in `workDir`; its exit code and output.
std::pair<int, QString> runBench(const QString &workDir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QDir(binaryDir()).filePath(QStringLiteral("market-bench")), args);
    if (!p.waitForFinished(240'000)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAll())};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAll())};
}

// The figures of market-bench's last line; empty if it is not the JSON it promises.
QJsonObject benchFigures(const QString &output)
{
    const QStringList lines = output.trimmed().split(QLatin1Char('\n'));
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        if (it->startsWith(QLatin1Char('{')))
            return QJsonDocument::fromJson(it->toUtf8()).object();
    }
    return {};
}

} // namespace

void TestMarketProcesses::fullDiskRefusesTypedAndRecovers()
{
    // A market whose disk fills up: a real, small file system (tmpfs, 32 MiB) as its data
    // directory, filled to the last byte by another file. Contracts and registrations are
    // refused with disk_full and change nothing; searches and the contracts made before go on;
    // with room again, the same partition is lent once; the process stops cleanly and the
    // database is sound.
    const QString mountPoint = m_tmp.filePath(QStringLiteral("small-disk"));
    QVERIFY(QDir().mkpath(mountPoint));
    QProcess mount;
    mount.start(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), QStringLiteral("size=32m,mode=0700"),
                                          QStringLiteral("lendable-test"), mountPoint});
    if (!mount.waitForFinished(30'000) || mount.exitCode() != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a small tmpfs here (this test needs root): %1")
                             .arg(QString::fromLocal8Bit(mount.readAllStandardError()).trimmed())));
    const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), mountPoint}); });
    const QString data = QDir(mountPoint).filePath(QStringLiteral("market"));
    const QString filler = QDir(mountPoint).filePath(QStringLiteral("filler"));

    HeadlessMarket market;
    CHECK_OK(market.start(data));
    SslChannel *lender = nullptr, *borrower = nullptr;
    QStringList offers;
    Result<ContractGranted> before = threePartitionsFirstLent(market, QStringLiteral("full"), lender, borrower, offers);
    CHECK_OK(before);

    // Fill the file system to its last byte.
    {
        QFile fill(filler);
        QVERIFY(fill.open(QIODevice::WriteOnly));
        const QByteArray chunk(64 * 1024, 'x');
        while (fill.write(chunk) == chunk.size() && fill.flush()) {
        }
        const QByteArray byte(1, 'x');
        while (fill.write(byte) == 1 && fill.flush()) {
        }
    }

    // Writes are refused, typed; nothing they would have changed is changed. (SQLite may
    // still have a free page or two: the first writes can pass, and go on being acknowledged
    // only while they are durable.)
    Error refused;
    QStringList lentMeanwhile;
    for (int i = 1; i < offers.size() && refused.code == ErrorCode::None; ++i) {
        Result<ContractGranted> g = borrower->call<ContractGranted>(Borrow{.offerId = offers[i]});
        if (g)
            lentMeanwhile << offers[i];
        else
            refused = g.error();
    }
    for (int i = 0; refused.code == ErrorCode::None && i < 200; ++i) {
        Result<PartitionRegistered> reg = lender->call<PartitionRegistered>(RegisterPartition{
            .partitionId = QStringLiteral("more-%1").arg(i), .agentAddress = QStringLiteral("127.0.0.1:1"), .conditions = conditions(1, 512, 0, QStringLiteral("1"))});
        if (!reg)
            refused = reg.error();
    }
    QVERIFY2(refused.code == ErrorCode::DiskFull, qPrintable(refused.toString()));
    // The borrower is told what it means for it; the database's words are for the operator.
    QVERIFY2(refused.message.startsWith(QStringLiteral("the market's disk is full")), qPrintable(refused.message));
    QVERIFY2(!refused.message.contains(QStringLiteral("COMMIT")), qPrintable(refused.message));
    const QString refusedOffer = offers.size() > lentMeanwhile.size() + 1 ? offers[lentMeanwhile.size() + 1] : QString();
    if (!refusedOffer.isEmpty()) {
        const Result<ContractGranted> again = borrower->call<ContractGranted>(Borrow{.offerId = refusedOffer});
        QVERIFY2(!again.ok() && again.error().code == ErrorCode::DiskFull, qPrintable(again.ok() ? QStringLiteral("lent on a full disk") : again.error().toString()));
    }
    // Reads go on: a search answers, and the bills hold the contract made before.
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    Result<BillList> bills = borrower->call<BillList>(ListBills{});
    CHECK_OK(bills);
    QVERIFY(std::any_of(bills->bills.cbegin(), bills->bills.cend(), [&](const Bill &b) { return b.contractId == before->contractId; }));
    QCOMPARE(market.process().state(), QProcess::Running);
    // The operator reads it in the market's log, once (not once per refused request).
    const QString log = QString::fromLocal8Bit(market.process().readAllStandardError());
    QVERIFY2(log.count(QStringLiteral("the disk is full")) == 1 && log.contains(QStringLiteral("database or disk is full")), qPrintable(log));

    // Room again: the refused partition is lent, once.
    QVERIFY(QFile::remove(filler));
    if (!refusedOffer.isEmpty()) {
        Result<ContractGranted> after = Error(ErrorCode::DiskFull, QStringLiteral("not tried"));
        for (int attempt = 0; attempt < 50; ++attempt) { // a checkpoint may still be freeing pages
            after = borrower->call<ContractGranted>(Borrow{.offerId = refusedOffer});
            if (after || after.error().code != ErrorCode::DiskFull)
                break;
            QTest::qWait(100);
        }
        CHECK_OK(after);
        QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = refusedOffer}).error().code, ErrorCode::Conflict);
    }
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = before->contractId}));

    ::kill(static_cast<pid_t>(market.process().processId()), SIGTERM);
    QVERIFY(market.process().waitForFinished(30'000));
    QCOMPARE(market.process().exitCode(), 0);
    Result<Database> db = openSoundMarketDatabase(data);
    CHECK_OK(db);
    // Every contract acknowledged is there, and none that was refused.
    Result<QSqlQuery> contracts = db->exec(QStringLiteral("SELECT offer_id FROM contracts ORDER BY started_at_ms"));
    CHECK_OK(contracts);
    QStringList lentOffers;
    while (contracts->next())
        lentOffers << contracts->value(0).toString();
    QStringList acknowledged = QStringList{offers[0]} + lentMeanwhile;
    if (!refusedOffer.isEmpty())
        acknowledged << refusedOffer;
    QCOMPARE(lentOffers, acknowledged);
}

namespace {

// Borrows `offerId` as soon as the market's database works again: the market refuses with
// storage_error until then (up to `timeoutMs`).
Result<ContractGranted> borrowOnceTheDatabaseAnswers(SslChannel *borrower, const QString &offerId, qint64 timeoutMs)
{
    Result<ContractGranted> result = Error(ErrorCode::StorageError, QStringLiteral("not tried"));
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < timeoutMs) {
        result = borrower->call<ContractGranted>(Borrow{.offerId = offerId});
        if (result || result.error().code != ErrorCode::StorageError)
            break;
        QTest::qWait(200);
    }
    return result;
}

// scripts/pg-test-server.sh on a cluster of this test's own (`dir`); `port` pins the port,
// so that a restarted server is found where it was. The URL it prints, or why it failed.
Result<QString> runPgScript(const QString &command, const QString &dir, const QString &port = {})
{
    QProcess script;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!port.isEmpty())
        env.insert(QStringLiteral("LENDABLE_PG_PORT"), port);
    script.setProcessEnvironment(env);
    script.start(QStringLiteral("bash"), {QDir(sourceDir()).filePath(QStringLiteral("scripts/pg-test-server.sh")), command, dir});
    if (!script.waitForFinished(180'000) || script.exitStatus() != QProcess::NormalExit || script.exitCode() != 0) {
        const QString why = QString::fromLocal8Bit(script.readAllStandardError()).trimmed();
        return Error(ErrorCode::Internal, QStringLiteral("pg-test-server.sh %1: %2").arg(command, why.isEmpty() ? script.errorString() : why));
    }
    return QString::fromLocal8Bit(script.readAllStandardOutput()).trimmed().split(QLatin1Char('\n')).last();
}

} // namespace

void TestMarketProcesses::postgresRestartIsSurvived()
{
    // The PostgreSQL server restarts under a running market (an upgrade, a failover): the
    // market must not need a restart of its own. While the server is away, requests that
    // need it are refused with storage_error, in words for the borrower, and the process
    // lives on; once the server is back, they work again, on new connections.
    // A server of this test's own: the shared one (PgServer) must not restart under the
    // other tests.
    QTemporaryDir dir(QStringLiteral("/tmp/lendable-rpg-XXXXXX"));
    QVERIFY(dir.isValid());
    const auto stopServer = qScopeGuard([&] { (void)runPgScript(QStringLiteral("stop"), dir.path()); });
    Result<QString> url = runPgScript(QStringLiteral("start"), dir.path());
    if (!url)
        QSKIP(qPrintable(QStringLiteral("no PostgreSQL to test against: ") + url.error().message));
    const QString port = QString::number(QUrl(*url).port());

    HeadlessMarket market;
    CHECK_OK(market.start(m_tmp.filePath(QStringLiteral("pg-restart")), *url));
    SslChannel *lender = nullptr, *borrower = nullptr;
    QStringList offers;
    Result<ContractGranted> before = threePartitionsFirstLent(market, QStringLiteral("restart"), lender, borrower, offers);
    CHECK_OK(before);

    // The server goes away ("fast" shutdown: every session is ended, as in a restart).
    CHECK_OK(runPgScript(QStringLiteral("stop"), dir.path()));
    Result<ContractGranted> refused = borrower->call<ContractGranted>(Borrow{.offerId = offers[1]});
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::StorageError);
    // The borrower is told what it means; the database's address and words are for the log.
    QVERIFY2(refused.error().message.startsWith(QStringLiteral("the market's database failed")), qPrintable(refused.error().toString()));
    QVERIFY2(!refused.error().message.contains(QStringLiteral("postgresql://")), qPrintable(refused.error().toString()));
    QCOMPARE(market.process().state(), QProcess::Running);
    // Long enough for the once-a-second sync to fail a few times.
    QTest::qWait(3'500);

    // Back on the same port: the same market serves again without being restarted.
    CHECK_OK(runPgScript(QStringLiteral("start"), dir.path(), port));
    // (A failed reconnect waits a second before the next.)
    Result<ContractGranted> after = borrowOnceTheDatabaseAnswers(borrower, offers[1], 30'000);
    CHECK_OK(after);
    QCOMPARE(borrower->call<ContractGranted>(Borrow{.offerId = offers[1]}).error().code, ErrorCode::Conflict);
    CHECK_OK(lender->call<PartitionRegistered>(RegisterPartition{
        .partitionId = QStringLiteral("restart-new"), .agentAddress = QStringLiteral("127.0.0.1:1"), .conditions = conditions(1, 512, 0, QStringLiteral("1"))}));
    Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
    CHECK_OK(page);
    QCOMPARE(page->total, 2); // restart-2 and restart-new are free
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = before->contractId}));
    // The periodic sync, on its own connection, is back too (it says so once).
    QString log;
    QTRY_VERIFY_WITH_TIMEOUT((log += QString::fromLocal8Bit(market.process().readAllStandardError()))
                                 .contains(QStringLiteral("read changes from the database: works again after ")),
                             20'000);

    ::kill(static_cast<pid_t>(market.process().processId()), SIGTERM);
    QVERIFY(market.process().waitForFinished(30'000));
    QCOMPARE(market.process().exitCode(), 0);
    // The operator's log says what happened, with the database's words; Qt's complaints about
    // statements of the lost session are not in it.
    log += QString::fromLocal8Bit(market.process().readAllStandardError());
    QVERIFY2(log.contains(QStringLiteral("the database failed")) && log.contains(QStringLiteral("is open again")), qPrintable(log));
    QVERIFY2(!log.contains(QStringLiteral("Unable to free statement")), qPrintable(log));
    // The periodic jobs (sync every second on PostgreSQL) say their failure once a minute, not
    // every time, and their recovery once.
    QVERIFY2(log.count(QStringLiteral("could not read changes from the database")) == 1, qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("read changes from the database: works again after ")), qPrintable(log));
    QVERIFY2(log.count(QStringLiteral("could not look for expired contracts")) <= 1, qPrintable(log));

    // Both contracts are in the database, once each.
    Result<Database> db = Database::open(*url);
    CHECK_OK(db);
    Result<QSqlQuery> contracts = db->exec(QStringLiteral("SELECT offer_id FROM contracts ORDER BY started_at_ms"));
    CHECK_OK(contracts);
    QStringList lent;
    while (contracts->next())
        lent << contracts->value(0).toString();
    QCOMPARE(lent, (QStringList{offers[0], offers[1]}));
}

void TestMarketProcesses::frozenPostgresIsGivenUp()
{
    // A PostgreSQL server that stops answering (stopped, on a hung disk, in a paused VM) keeps
    // its connections open and acknowledged: a contract waited on it forever, and so did every
    // request behind it on that thread. With answer_timeout=4 the market refuses the contract
    // after four seconds, in words for the borrower; while the server stays frozen, new
    // connections to it are given up too (connect_timeout) and the borrower is answered before
    // its own 30 s; the market lives on and serves again once the server answers.
    // A server of this test's own, whose every process is stopped: the shared one must not
    // freeze under the other tests.
    QTemporaryDir dir(QStringLiteral("/tmp/lendable-fpg-XXXXXX"));
    QVERIFY(dir.isValid());
    QList<qint64> stopped;
    const auto thaw = [&stopped] {
        for (qint64 pid : std::as_const(stopped))
            ::kill(pid_t(pid), SIGCONT);
        stopped.clear();
    };
    const auto stopServer = qScopeGuard([&] {
        thaw();
        (void)runPgScript(QStringLiteral("stop"), dir.path());
    });
    Result<QString> plain = runPgScript(QStringLiteral("start"), dir.path());
    if (!plain)
        QSKIP(qPrintable(QStringLiteral("no PostgreSQL to test against: ") + plain.error().message));
    QUrl url(*plain);
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("answer_timeout"), QStringLiteral("4"));
    url.setQuery(query);
    HeadlessMarket market;
    // This test's lender sends no heartbeats: the freeze must not outlast its 30 s.
    CHECK_OK(market.start(m_tmp.filePath(QStringLiteral("pg-frozen")), url.toString(),
                          {QStringLiteral("--heartbeat-timeout"), QStringLiteral("600")}));
    SslChannel *lender = nullptr, *borrower = nullptr;
    QStringList offers;
    CHECK_OK(threePartitionsFirstLent(market, QStringLiteral("frozen"), lender, borrower, offers));

    // The postmaster (first line of postmaster.pid) and the market's sessions.
    QList<qint64> processes;
    {
        QFile pidFile(QDir(dir.path()).filePath(QStringLiteral("data/postmaster.pid")));
        QVERIFY2(pidFile.open(QIODevice::ReadOnly), qPrintable(pidFile.fileName()));
        processes << pidFile.readLine().trimmed().toLongLong();
        Result<Database> admin = Database::open(*plain);
        CHECK_OK(admin);
        Result<QSqlQuery> pids = admin->exec(QStringLiteral("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                                                            "AND pid <> pg_backend_pid()"));
        CHECK_OK(pids);
        while (pids->next())
            processes << pids->value(0).toLongLong();
    }
    QVERIFY(processes.size() > 1);
    for (qint64 pid : std::as_const(processes)) {
        if (::kill(pid_t(pid), SIGSTOP) == 0)
            stopped << pid;
        else
            QCOMPARE(errno, ESRCH); // a session that ended meanwhile
    }

    // Frozen, the database holds only the threads that wait on it. Searches are answered from
    // memory meanwhile: the periodic jobs (the sync with other market processes, the lenders'
    // heartbeats recorded, expiry) wait on the writer thread, not on the one that serves.
    // When they ran there, each sync held every request for the 4 s of its answer timeout.
    {
        QElapsedTimer frozenFor;
        frozenFor.start();
        qint64 slowestMs = 0;
        int searches = 0;
        while (frozenFor.elapsed() < 6'000) {
            QElapsedTimer one;
            one.start();
            Result<OfferPage> page = borrower->call<OfferPage>(SearchOffers{});
            CHECK_OK(page);
            QCOMPARE(page->total, qint64(2)); // the first of three is lent
            slowestMs = qMax(slowestMs, one.elapsed());
            ++searches;
            QTest::qWait(100);
        }
        // Not a speed figure: a search waits for the serving thread, which never waits on the
        // database here; 2 s is half of what one sync would hold it.
        QVERIFY2(slowestMs < 2'000, qPrintable(QStringLiteral("the slowest of %1 searches took %2 ms").arg(searches).arg(slowestMs)));
    }

    // Refused by the market (storage_error), not given up by the client (its 30 s timeout).
    Result<ContractGranted> refused = borrower->call<ContractGranted>(Borrow{.offerId = offers[1]});
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::StorageError);
    QVERIFY2(refused.error().message.startsWith(QStringLiteral("the market's database failed")), qPrintable(refused.error().toString()));
    // Still frozen: the next contract is refused too, before the client gives up. (The writer's
    // connection is reopened by whichever of its jobs comes first after the pause, this borrow
    // or a periodic one; that attempt is given up after connect_timeout, and the statements
    // meanwhile fail at once.)
    QTest::qWait(1'500); // past the pause after the first
    Result<ContractGranted> again = borrower->call<ContractGranted>(Borrow{.offerId = offers[1]});
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::StorageError);
    QCOMPARE(market.process().state(), QProcess::Running);

    // The server answers again: the same market serves again.
    thaw();
    // (A failed reconnect pauses as long as it took.)
    Result<ContractGranted> after = borrowOnceTheDatabaseAnswers(borrower, offers[1], 60'000);
    CHECK_OK(after);
    CHECK_OK(borrower->call<ContractClosed>(EndContract{.contractId = after->contractId}));

    ::kill(static_cast<pid_t>(market.process().processId()), SIGTERM);
    QVERIFY(market.process().waitForFinished(30'000));
    QCOMPARE(market.process().exitCode(), 0);
    // The operator's log says why, with the database's address.
    const QString log = QString::fromLocal8Bit(market.process().readAllStandardError());
    QVERIFY2(log.contains(QStringLiteral("did not answer within 4 s")), qPrintable(log));
}

void TestMarketProcesses::benchDrivesAChildAndARunningMarket()
{
    // Not a timing test: market-bench runs, tiny, in its two modes — the market as its child,
    // and a market already running (as on another machine, --connect) that must list the
    // bench's node ID as an admin — and prints every figure of its JSON line, the market's own
    // timings (read over the admin connection) among them.
    const QString work = m_tmp.filePath(QStringLiteral("bench"));
    QVERIFY(QDir().mkpath(work));
    const QStringList small{QStringLiteral("--partitions"), QStringLiteral("300"), QStringLiteral("--lenders"), QStringLiteral("3"),
                            QStringLiteral("--connections"), QStringLiteral("20"), QStringLiteral("--seconds"), QStringLiteral("1")};
    const auto checkFigures = [](const QString &output) {
        const QJsonObject figures = benchFigures(output);
        for (const char *key : {"requests_per_s", "search_p99_ms", "search_p99_server_ms", "contracts_per_s", "contract_p99_ms",
                                "handshakes_per_s", "idle_kb_per_connection"})
            QVERIFY2(figures.contains(QLatin1String(key)), qPrintable(QStringLiteral("%1 missing in\n%2").arg(QLatin1String(key), output)));
        QCOMPARE(figures.value(QStringLiteral("connections")).toInt(), 20);
        QCOMPARE(figures.value(QStringLiteral("partitions")).toInt(), 300);
        QVERIFY2(figures.value(QStringLiteral("requests_per_s")).toDouble() > 0, qPrintable(output));
        QVERIFY2(figures.value(QStringLiteral("contracts_per_s")).toDouble() > 0, qPrintable(output));
        QVERIFY2(figures.value(QStringLiteral("handshakes_per_s")).toDouble() > 0, qPrintable(output));
        // Read from the market: 0 if its figures did not arrive.
        QVERIFY2(figures.value(QStringLiteral("search_p99_server_ms")).toDouble() > 0, qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("registered 300 partitions from 3 lenders")), qPrintable(output));
    };

    // The market as the bench's child.
    {
        const auto [code, output] = runBench(work, small);
        QVERIFY2(code == 0, qPrintable(output));
        checkFigures(output);
        QVERIFY2(output.contains(QStringLiteral("% (of the machine)")), qPrintable(output));
    }

    // A market already running, as on another machine.
    const QString identity = m_tmp.filePath(QStringLiteral("bench-identity"));
    const auto [idCode, idOutput] = runBench(work, {QStringLiteral("--identity"), identity, QStringLiteral("--print-id")});
    QCOMPARE(idCode, 0);
    const QString benchId = idOutput.trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(benchId).hasMatch(), qPrintable(idOutput));
    QCOMPARE(runBench(work, {QStringLiteral("--identity"), identity, QStringLiteral("--print-id")}).second.trimmed(), benchId); // kept

    // Without --admin-id the market refuses, and the bench says what to do.
    {
        HeadlessMarket market;
        CHECK_OK(market.start(m_tmp.filePath(QStringLiteral("bench-refused"))));
        const auto [code, output] = runBench(work, small + QStringList{QStringLiteral("--identity"), identity, QStringLiteral("--connect"),
                                                                     QStringLiteral("127.0.0.1:%1").arg(market.port),
                                                                     QStringLiteral("--market-id"), market.nodeId});
        QCOMPARE(code, 1);
        QVERIFY2(output.contains(QStringLiteral("--admin-id ") + benchId), qPrintable(output));
    }
    {
        HeadlessMarket market;
        CHECK_OK(market.start(m_tmp.filePath(QStringLiteral("bench-attached")), {}, {QStringLiteral("--admin-id"), benchId}));
        const auto [code, output] = runBench(work, small + QStringList{QStringLiteral("--identity"), identity, QStringLiteral("--connect"),
                                                                     QStringLiteral("127.0.0.1:%1").arg(market.port),
                                                                     QStringLiteral("--market-id"), market.nodeId});
        QVERIFY2(code == 0, qPrintable(output));
        checkFigures(output);
        QVERIFY2(output.contains(QStringLiteral("the market at 127.0.0.1:%1").arg(market.port)), qPrintable(output));
        // Each phase gives both machines' steal: the bench's own, and the market's from its
        // ServiceStats.
        QVERIFY2(output.contains(QStringLiteral("(of the bench's machine); the market's machine (%1 cores) busy ")
                                     .arg(sysconf(_SC_NPROCESSORS_ONLN))),
                 qPrintable(output));
        // The bench leaves the market running: it is not the bench's to stop.
        QCOMPARE(market.process().state(), QProcess::Running);
    }

    // Options that only make sense together, or only for a child, are refused.
    for (const QStringList &bad : {QStringList{QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1")},
                                   QStringList{QStringLiteral("--identity"), identity, QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1")},
                                   QStringList{QStringLiteral("--identity"), identity, QStringLiteral("--connect"), QStringLiteral("nowhere"),
                                               QStringLiteral("--market-id"), benchId},
                                   QStringList{QStringLiteral("--identity"), identity, QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"),
                                               QStringLiteral("--market-id"), benchId, QStringLiteral("--data"), work}}) {
        const auto [code, output] = runBench(work, bad);
        QVERIFY2(code == 2 && output.startsWith(QStringLiteral("market-bench: ")), qPrintable(bad.join(QLatin1Char(' ')) + QStringLiteral(": ") + output));
    }
}

#include "TestMarketProcesses.moc"
