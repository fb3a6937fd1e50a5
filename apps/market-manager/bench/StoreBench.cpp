// market-store-bench: the market's group commits without the network. A benchmark program,
// not a test (docs/performance.md). It registers N partitions in a fresh database, then runs
// batches of lends and ends the way the market's writer thread does — one transaction per
// batch, acknowledged after its commit — and prints what one lend or end costs: in its SQL
// statements, in the commit, and in bytes written to the disk. market-bench measures the
// whole market over TLS; this one isolates the store, where a change to the schema or a
// statement shows up without the noise of 2,000 connections.

#include "LendingKey.h"
#include "MarketStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cstdio>
#include <vector>

using namespace lendable;
using namespace lendable::market;
using namespace lendable::protocol;

namespace {

// Bytes this process has had written to the disk so far (Linux /proc/self/io).
qint64 diskBytesWritten()
{
    QFile io(QStringLiteral("/proc/self/io"));
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : io.readAll().split('\n')) {
        if (line.startsWith("write_bytes:"))
            return line.mid(12).trimmed().toLongLong();
    }
    return -1;
}

[[noreturn]] void fail(const char *what, const Error &e)
{
    std::fprintf(stderr, "market-store-bench: %s: %s\n", what, qPrintable(e.toString()));
    std::exit(1);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("market-store-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks the market's store alone: batches of lends and ends in one transaction each, as the "
        "market's writer thread runs them; prints the cost per request in statements, commit and disk bytes."));
    parser.addHelpOption();
    const QCommandLineOption partitionsOpt(QStringLiteral("partitions"), QStringLiteral("Partitions to register (default 100000)."),
                                           QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption lendersOpt(QStringLiteral("lenders"), QStringLiteral("Lenders (default 100)."), QStringLiteral("N"),
                                        QStringLiteral("100"));
    const QCommandLineOption batchOpt(QStringLiteral("batch"),
                                      QStringLiteral("Lends per batch; each batch also ends the previous batch's contracts (default 350)."),
                                      QStringLiteral("N"), QStringLiteral("350"));
    const QCommandLineOption batchesOpt(QStringLiteral("batches"), QStringLiteral("Batches to run (default 200)."), QStringLiteral("N"),
                                        QStringLiteral("200"));
    const QCommandLineOption databaseOpt(QStringLiteral("database"),
                                         QStringLiteral("Database URL (default: SQLite in a temporary directory on the disk)."),
                                         QStringLiteral("URL"));
    parser.addOptions({partitionsOpt, lendersOpt, batchOpt, batchesOpt, databaseOpt});
    parser.process(app);
    const int partitions = qMax(1, parser.value(partitionsOpt).toInt());
    const int lenders = qMax(1, parser.value(lendersOpt).toInt());
    const int batch = qMax(1, parser.value(batchOpt).toInt());
    const int batches = qMax(1, parser.value(batchesOpt).toInt());

    // Not tmpfs: the commit's fsync is part of what is measured.
    QTemporaryDir dir(QDir::currentPath() + QStringLiteral("/market-store-bench-XXXXXX"));
    QString url = parser.value(databaseOpt);
    if (url.isEmpty())
        url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("market.db"));
    Result<std::unique_ptr<MarketStore>> opened = MarketStore::open(url);
    if (!opened)
        fail("cannot open the database", opened.error());
    MarketStore &store = **opened;
    if (auto tag = store.claimRevisionTag(); !tag)
        fail("cannot claim a revision tag", tag.error());
    else
        store.setRevisionTag(*tag);

    // The partitions, as market-bench registers them.
    QElapsedTimer clock;
    clock.start();
    QRandomGenerator rng(42);
    const qint64 t0 = 1'800'000'000'000;
    QStringList offers;
    offers.reserve(partitions);
    const int perLender = (partitions + lenders - 1) / lenders;
    for (int l = 0; l < lenders; ++l) {
        const QString lenderId = QStringLiteral("bench-lender-%1").arg(l);
        if (auto r = store.upsertLender(lenderId, lenderId, QStringLiteral("127.0.0.1:%1").arg(20000 + l), t0); !r)
            fail("cannot add a lender", r.error());
        WriteTransaction tx(store.database());
        if (!tx.ok())
            fail("cannot begin", tx.error());
        for (int p = 0; p < perLender && offers.size() < partitions; ++p) {
            RegisterPartition reg;
            reg.partitionId = QStringLiteral("p-%1").arg(p);
            const int cpus = 1 << rng.bounded(4);
            reg.conditions.resources = Resources{cpus, 512LL << rng.bounded(4), 4096LL << rng.bounded(3)};
            reg.conditions.osImages = {QStringLiteral("busybox")};
            reg.conditions.ratePerHour = Money::fromMicros(250'000LL * cpus + 1'000LL * rng.bounded(500));
            Result<PartitionRow> row = store.registerInTransaction(lenderId, reg, t0);
            if (!row)
                fail("cannot register", row.error());
            offers.append(row->offerId);
        }
        if (auto c = tx.commit(); !c)
            fail("cannot commit", c.error());
    }
    std::printf("registered %lld partitions from %d lenders in %.1f s\n", static_cast<long long>(offers.size()), lenders,
                clock.elapsed() / 1000.0);

    // Free offers are drawn at random; what a batch lends, the next one ends.
    std::vector<QString> free(offers.cbegin(), offers.cend());
    struct Running {
        QString contractId;
        QString offerId;
        QString borrowerId;
    };
    std::vector<Running> running;
    qint64 statementNs = 0;
    qint64 commitNs = 0;
    qint64 checkpointNs = 0;
    qint64 lends = 0;
    qint64 ends = 0;
    // As in the market, checkpoints are not part of the commits (StoreWriter runs them on a
    // thread of their own); here they run every tenth batch and are timed on their own.
    const bool sqlite = store.dialect() == SqlDialect::Sqlite;
    if (sqlite) {
        if (auto q = store.database().exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0")); !q)
            fail("cannot turn automatic checkpoints off", q.error());
    }
    const qint64 bytes0 = diskBytesWritten();
    clock.restart();
    for (int b = 0; b < batches; ++b) {
        const qint64 t = t0 + 1000LL * (b + 1);
        const qint64 s0 = clock.nsecsElapsed();
        WriteTransaction tx(store.database());
        if (!tx.ok())
            fail("cannot begin", tx.error());
        std::vector<Running> lent;
        for (int i = 0; i < batch && !free.empty(); ++i) {
            const std::size_t at = rng.bounded(static_cast<quint32>(free.size()));
            std::swap(free[at], free.back());
            const QString offerId = free.back();
            free.pop_back();
            const QString borrowerId = QStringLiteral("borrower-%1").arg(rng.bounded(1000));
            Result<LendResult> r = store.lendInTransaction(offerId, borrowerId, timeOrderedId(u"c-", t),
                                                           hashLendingKey(generateLendingKey()), t);
            if (!r && r.error().code == ErrorCode::Conflict)
                continue; // lent in a database an earlier run left behind
            if (!r)
                fail("cannot lend", r.error());
            lent.push_back(Running{r->contract.id, offerId, borrowerId});
            ++lends;
        }
        for (const Running &c : running) {
            Result<ContractRow> r = store.endInTransaction(c.contractId, c.borrowerId, QStringLiteral("borrower"), t, 1000);
            if (!r)
                fail("cannot end", r.error());
            free.push_back(c.offerId);
            ++ends;
        }
        const qint64 s1 = clock.nsecsElapsed();
        if (auto c = tx.commit(); !c)
            fail("cannot commit", c.error());
        const qint64 s2 = clock.nsecsElapsed();
        statementNs += s1 - s0;
        commitNs += s2 - s1;
        running = std::move(lent);
        if (sqlite && (b % 10 == 9 || b == batches - 1)) {
            if (auto q = store.database().exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")); !q)
                fail("cannot checkpoint", q.error());
            checkpointNs += clock.nsecsElapsed() - s2;
        }
    }
    const double seconds = clock.elapsed() / 1000.0;
    // The last batch's contracts end too, so that a database given with --database can be
    // used again.
    {
        WriteTransaction tx(store.database());
        for (const Running &c : running) {
            if (auto r = store.endInTransaction(c.contractId, c.borrowerId, QStringLiteral("borrower"), t0, 1000); !r)
                fail("cannot end", r.error());
        }
        if (auto c = tx.commit(); !c)
            fail("cannot commit", c.error());
    }
    const qint64 ops = lends + ends;
    const qint64 bytes = bytes0 >= 0 ? diskBytesWritten() - bytes0 : -1;
    const double stmtUs = statementNs / 1000.0 / qMax<qint64>(1, ops);
    const double commitUs = commitNs / 1000.0 / qMax<qint64>(1, ops);
    const double checkpointUs = checkpointNs / 1000.0 / qMax<qint64>(1, ops);
    std::printf("%lld lends and %lld ends in %d batches, %.1f s: %.0f requests/s\n", static_cast<long long>(lends),
                static_cast<long long>(ends), batches, seconds, ops / qMax(0.001, seconds));
    // The disk figure is this process's own writes: on PostgreSQL the server writes.
    std::printf("per request: statements %.1f us, commit %.1f us, checkpoint %.1f us, disk %.1f KiB\n", stmtUs, commitUs,
                checkpointUs, bytes >= 0 ? bytes / 1024.0 / qMax<qint64>(1, ops) : -1.0);
    const QJsonObject json{{QStringLiteral("requests_per_s"), qRound(ops / qMax(0.001, seconds))},
                           {QStringLiteral("statement_us_per_request"), qRound(stmtUs * 10) / 10.0},
                           {QStringLiteral("commit_us_per_request"), qRound(commitUs * 10) / 10.0},
                           {QStringLiteral("checkpoint_us_per_request"), qRound(checkpointUs * 10) / 10.0},
                           {QStringLiteral("disk_kib_per_request"), bytes >= 0 ? qRound(bytes / 102.4 / qMax<qint64>(1, ops)) / 10.0 : -1.0},
                           {QStringLiteral("partitions"), partitions},
                           {QStringLiteral("batch"), batch}};
    std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    return 0;
}
