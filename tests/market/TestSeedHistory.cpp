// lendable-seed as the screenshots script runs it: --history writes two weeks of past
// contracts of the simulated lenders into a market's database (SQLite and PostgreSQL), as the
// market itself would have billed them; a run over TLS with the same --identities is then the
// same lenders, and their partitions are not registered twice.

#include "MarketStore.h"
#include "MarketTestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QProcess>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

using namespace lendable;
using namespace lendable::market;
using namespace lendable::market::test;
using namespace lendable::protocol;

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs lendable-seed with the event loop turning (a market in this process answers it).
Run seed(const QStringList &args)
{
    QProcess p;
    p.start(QDir(binaryDir()).filePath(QStringLiteral("lendable-seed")), args);
    Run r;
    if (!p.waitForStarted(10'000) || !QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60'000)) {
        p.kill();
        p.waitForFinished(5'000);
        r.err = QStringLiteral("lendable-seed did not finish");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
} // namespace

class TestSeedHistory : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }
    void cleanupTestCase() { PgServer::instance().stop(); }
    void historyIsBilledAndTheLendersComeBack_data();
    void historyIsBilledAndTheLendersComeBack();
    void badOptionsAreRefused();

private:
    QTemporaryDir m_tmp;
};

void TestSeedHistory::historyIsBilledAndTheLendersComeBack_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestSeedHistory::historyIsBilledAndTheLendersComeBack()
{
    QFETCH(QString, dialect);
    Result<QString> url = freshDatabaseUrl(dialect, m_tmp);
    if (!url && dialect == QStringLiteral("postgres"))
        QFAIL(qPrintable(url.error().toString()));
    QVERIFY2(url, qPrintable(url.error().toString()));
    const QString ids = m_tmp.filePath(QStringLiteral("ids-") + dialect);
    const QStringList shape{QStringLiteral("--lenders"), QStringLiteral("3"), QStringLiteral("--partitions"), QStringLiteral("4"),
                            QStringLiteral("--identities"), ids};
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    Run r = seed(QStringList{QStringLiteral("--history"), QStringLiteral("10"), QStringLiteral("--database"), *url,
                             QStringLiteral("--fee-percent"), QStringLiteral("5")}
                 + shape);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QRegularExpressionMatch wrote = QRegularExpression(QStringLiteral("^wrote (\\d+) past contracts")).match(r.out);
    QVERIFY2(wrote.hasMatch(), qPrintable(r.out));
    const qint64 written = wrote.captured(1).toLongLong();
    QVERIFY2(written > 12 * 10, qPrintable(r.out)); // more than one a day per partition

    {
        Result<std::unique_ptr<MarketStore>> opened = MarketStore::open(*url);
        QVERIFY2(opened, qPrintable(opened.error().toString()));
        MarketStore &store = **opened;
        // Every contract ended, billed at the fee given, over most days of the ten.
        Result<ContractPage> running = store.listContracts(QString(), true, QString(), before, 0, 10);
        QVERIFY(running);
        QCOMPARE(running->total, qint64(0));
        Result<ContractPage> all = store.listContracts(QString(), false, QString(), before, 0, 1000);
        QVERIFY(all);
        QCOMPARE(all->total, written);
        QVERIFY(all->borrowerNames.contains(QStringLiteral("Northwind Labs")));
        QVERIFY(all->borrowerNames.contains(QString())); // one simulated borrower goes without a name
        Result<BillingReport> report = store.billingReport(before - 11 * 86'400'000LL, before, 500);
        QVERIFY(report);
        int daysWithRevenue = 0;
        Money revenue, fees;
        for (const DayStat &d : report->days) {
            daysWithRevenue += d.revenue.micros() > 0;
            revenue = revenue.add(d.revenue).value();
            fees = fees.add(d.fees).value();
            QVERIFY(d.lentSeconds <= d.capacitySeconds);
        }
        QVERIFY2(daysWithRevenue >= 9, qPrintable(QString::number(daysWithRevenue)));
        QVERIFY(revenue.micros() > 0);
        QVERIFY(qAbs(fees.micros() * 20 - revenue.micros()) <= revenue.micros() / 100 + qint64(written) * 20); // 5 %, rounded per bill
        // No partition was lent to two contracts at once, and none ended in the future.
        Result<QSqlQuery> overlaps = store.database().exec(
            QStringLiteral("SELECT COUNT(*) FROM contracts a JOIN contracts b ON a.offer_id = b.offer_id AND a.id < b.id "
                           "AND a.started_at_ms < b.ended_at_ms AND b.started_at_ms < a.ended_at_ms"));
        QVERIFY(overlaps && overlaps->next());
        QCOMPARE(overlaps->value(0).toLongLong(), qint64(0));
        Result<QSqlQuery> late = store.database().exec(QStringLiteral("SELECT COUNT(*) FROM contracts WHERE ended_at_ms > ?"), {before});
        QVERIFY(late && late->next());
        QCOMPARE(late->value(0).toLongLong(), qint64(0));
        // The simulated lenders are offline until they connect: nothing is offered.
        Result<PartitionPage> partitions = store.listPartitions(QString(), QString(), 0, 100);
        QVERIFY(partitions);
        QCOMPARE(partitions->total, qint64(12));
        for (const LenderRow &l : partitions->lenders)
            QVERIFY(!l.online);
        // The third lender lost a few partitions (ends with reason `lost`), and the market's
        // count of its reliability shows it; the others lost none.
        Result<QSqlQuery> lost = store.database().exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT lender_id) FROM contracts WHERE end_reason = 'lost'"));
        QVERIFY(lost && lost->next());
        QVERIFY2(lost->value(0).toLongLong() > 0, "no contract ended lost");
        QCOMPARE(lost->value(1).toLongLong(), qint64(1));
        QSet<QString> lessReliable;
        for (const LenderRow &l : partitions->lenders) {
            QVERIFY2(l.reliability >= 80, qPrintable(QString::number(l.reliability)));
            if (l.reliability < 100)
                lessReliable.insert(l.id);
        }
        QCOMPARE(lessReliable.size(), 1);
    }

    // A second history over the first would lend the partitions twice: refused, nothing written.
    r = seed(QStringList{QStringLiteral("--history"), QStringLiteral("3"), QStringLiteral("--database"), *url} + shape);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("already has contracts")), qPrintable(r.err));
    // Also when every contract started before the new history's start but some ended inside
    // it: every start moved back four days (the ends stay), then two days asked for.
    {
        Result<std::unique_ptr<MarketStore>> opened = MarketStore::open(*url);
        QVERIFY2(opened, qPrintable(opened.error().toString()));
        QVERIFY((*opened)->database().exec(QStringLiteral("UPDATE contracts SET started_at_ms = ?"), {before - 4 * 86'400'000LL}));
    }
    r = seed(QStringList{QStringLiteral("--history"), QStringLiteral("2"), QStringLiteral("--database"), *url} + shape);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("already has contracts")), qPrintable(r.err));

    // The same simulated lenders over TLS: registered again (not twice), online, and offered.
    MarketConfig config;
    config.dataDir = m_tmp.filePath(QStringLiteral("data-") + dialect);
    const Identity marketId = makeIdentity(QStringLiteral("market"));
    MarketService market(marketId, *url, config);
    QVERIFY(market.listen(QHostAddress::LocalHost, 0));
    r = seed(QStringList{QStringLiteral("--market"), QStringLiteral("127.0.0.1:%1").arg(market.serverPort()), QStringLiteral("--market-id"),
                         marketId.nodeId(), QStringLiteral("--contracts"), QStringLiteral("2")}
             + shape);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("made 2 contracts")), qPrintable(r.out));
    Result<std::unique_ptr<MarketStore>> reopened = MarketStore::open(*url);
    QVERIFY(reopened);
    Result<PartitionPage> partitions = (*reopened)->listPartitions(QString(), QString(), 0, 100);
    QVERIFY(partitions);
    QCOMPARE(partitions->total, qint64(12));
    QSet<QString> lenders;
    for (const LenderRow &l : partitions->lenders)
        lenders.insert(l.id);
    QCOMPARE(lenders.size(), 3);
    Result<ContractPage> all = (*reopened)->listContracts(QString(), false, QString(), QDateTime::currentMSecsSinceEpoch(), 0, 1);
    QVERIFY(all);
    QCOMPARE(all->total, written + 2);
    // The live borrower is the history's "Seed borrower" (the same identity).
    QCOMPARE(all->borrowerNames.value(0), QStringLiteral("Seed borrower"));
    market.shutdown();
}

void TestSeedHistory::badOptionsAreRefused()
{
    const QString db = m_tmp.filePath(QStringLiteral("unused.db"));
    for (const QStringList &args : {QStringList{QStringLiteral("--history"), QStringLiteral("0"), QStringLiteral("--database"), db},
                                    QStringList{QStringLiteral("--history"), QStringLiteral("7")},
                                    QStringList{QStringLiteral("--history"), QStringLiteral("7"), QStringLiteral("--database"), db,
                                                QStringLiteral("--fee-percent"), QStringLiteral("150")},
                                    QStringList{QStringLiteral("--lenders"), QStringLiteral("many")},
                                    // Found only when the store opens (not by the option parser): a URL that is not one.
                                    QStringList{QStringLiteral("--history"), QStringLiteral("2"), QStringLiteral("--database"),
                                                QStringLiteral("mysql://localhost/market")}}) {
        const Run r = seed(args);
        QVERIFY2(r.exitCode == 2 && r.err.startsWith(QStringLiteral("lendable-seed: ")), qPrintable(args.join(QLatin1Char(' ')) + QStringLiteral(": ") + r.err));
    }
    QVERIFY(!QFile::exists(db));
}

QTEST_GUILESS_MAIN(TestSeedHistory)
#include "TestSeedHistory.moc"
