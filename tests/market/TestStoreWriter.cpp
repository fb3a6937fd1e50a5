// The market's writer thread on a real SQLite file: jobs run in order off the caller's
// thread, the WAL is checkpointed beside the commits by a connection of its own (the
// writer's own automatic checkpoint is only a backstop), and the database stays whole.
// The writer's commits are made durable apart from them (syncCommitted()). Also the
// time-ordered contract IDs the writer creates.

#include "LendingKey.h"
#include "MarketTestSupport.h"
#include "StoreWriter.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <QScopeGuard>
#include <QSemaphore>

#include <atomic>
#include <cerrno>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace lendable;
using namespace lendable::market;
using lendable::market::test::niceOfThread;

namespace {

// A writer on a new SQLite file of its own, in a temporary directory.
struct WriterOnFile {
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("m.db"));
    QString url = QStringLiteral("sqlite:") + path;
    std::unique_ptr<StoreWriter> writer;
    QString error;
    WriterOnFile()
    {
        if (!dir.isValid()) {
            error = QStringLiteral("no temporary directory");
            return;
        }
        Result<std::unique_ptr<StoreWriter>> started = StoreWriter::start(url, nullptr);
        if (started)
            writer = std::move(started).value();
        else
            error = started.error().toString();
    }
};

} // namespace

#define START_WRITER(name)                                                                                             \
    WriterOnFile name;                                                                                                 \
    QVERIFY2(name.writer, qPrintable(name.error))

class TestStoreWriter : public QObject {
    Q_OBJECT
private slots:
    void jobsRunInOrderOnTheWriterThread();
    void waitForStopsAtItsJob();
    void checkpointsBesideTheCommits();
    void commitsAreSyncedApart();
    void helperThreadsYieldToTheServiceThread();
    void timeOrderedIds();
};

void TestStoreWriter::jobsRunInOrderOnTheWriterThread()
{
    START_WRITER(f);
    std::unique_ptr<StoreWriter> &writer = f.writer;
    QVERIFY(writer->isThreaded());
    QList<int> order;
    std::atomic<bool> offThread{true};
    QThread *const caller = QThread::currentThread();
    for (int i = 0; i < 50; ++i) {
        writer->submit([&order, &offThread, caller, i](MarketStore &) {
            order.append(i); // only the writer thread touches it until waitIdle()
            if (QThread::currentThread() == caller)
                offThread = false;
        });
    }
    writer->waitIdle();
    QCOMPARE(order.size(), 50);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(order[i], i);
    QVERIFY(offThread);
}

void TestStoreWriter::waitForStopsAtItsJob()
{
    // The market waits for its last batch (settleWrites()), not for the periodic jobs queued
    // after it: one waiting on a frozen server would hold the serving thread too.
    START_WRITER(f);
    StoreWriter &w = *f.writer;
    std::atomic<bool> firstRan{false};
    QSemaphore release;
    const qint64 first = w.submit([&](MarketStore &) { firstRan = true; });
    const qint64 held = w.submit([&](MarketStore &) { release.acquire(); });
    QCOMPARE(held, first + 1);
    // If waitFor() waited for the held job too, this would let it go after 20 s.
    std::atomic<bool> letGoByTimeout{false};
    QSemaphore waited;
    std::thread rescue([&] {
        if (!waited.tryAcquire(1, 20'000)) {
            letGoByTimeout = true;
            release.release();
        }
    });
    w.waitFor(first);
    const bool returnedOnTime = !letGoByTimeout;
    waited.release();
    rescue.join();
    QVERIFY(firstRan);
    QVERIFY2(returnedOnTime, "waitFor() waited for the job after its own");
    if (!letGoByTimeout)
        release.release();
    w.waitFor(held);
    w.waitIdle();
}

void TestStoreWriter::checkpointsBesideTheCommits()
{
    START_WRITER(f);
    StoreWriter &w = *f.writer;

    // The writer's connection checkpoints only past the backstop.
    int autocheckpoint = -1;
    w.submit([&autocheckpoint](MarketStore &store) {
        Result<QSqlQuery> q = store.database().exec(QStringLiteral("PRAGMA wal_autocheckpoint"));
        if (q && q->next())
            autocheckpoint = q->value(0).toInt();
    });
    w.waitIdle();
    QCOMPARE(autocheckpoint, StoreWriter::kBackstopCheckpointPages);

    // Commits of a few hundred pages each: with the backstop alone nothing would be copied
    // back into the database file, the WAL would only grow.
    std::atomic<int> failures{0};
    constexpr int kJobs = 40;
    constexpr int kLendersPerJob = 200;
    for (int j = 0; j < kJobs; ++j) {
        w.submit([j, &failures](MarketStore &store) {
            WriteTransaction tx(store.database());
            if (!tx.ok()) {
                ++failures;
                return;
            }
            for (int i = 0; i < kLendersPerJob; ++i) {
                const QString id = QStringLiteral("lender-%1-%2").arg(j).arg(i);
                if (!store.upsertLender(id, QString(id).repeated(8), QStringLiteral("127.0.0.1:1"), 1000 + j))
                    ++failures;
            }
            if (!tx.commit())
                ++failures;
        });
    }
    w.waitIdle();
    QCOMPARE(failures.load(), 0);

    // The checkpointer has copied the rows into the database file (which, without it, would
    // keep its size after the migrations: the backstop is far off), with no checkpoint run
    // here: this connection only reads.
    QTRY_VERIFY_WITH_TIMEOUT(w.checkpointsRun() > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(f.path).size() > 1024 * 1024, 5000);
    Result<Database> reader = Database::open(f.url);
    QVERIFY(reader.ok());
    Result<QSqlQuery> count = reader->exec(QStringLiteral("SELECT COUNT(*) FROM lenders"));
    QVERIFY(count.ok() && count->next());
    QCOMPARE(count->value(0).toInt(), kJobs * kLendersPerJob);
    Result<QSqlQuery> check = reader->exec(QStringLiteral("PRAGMA integrity_check"));
    QVERIFY(check.ok() && check->next());
    QCOMPARE(check->value(0).toString(), QStringLiteral("ok"));

    // It stops with the writer, and the writer with it.
    f.writer.reset();
}

void TestStoreWriter::commitsAreSyncedApart()
{
    START_WRITER(f);
    StoreWriter &w = *f.writer;
    QVERIFY(w.defersSync());

    // The writer's COMMIT does not wait for the disk (synchronous=NORMAL: 1); every other
    // connection's still does (FULL: 2).
    int writerSynchronous = -1;
    bool committed = false;
    w.submit([&](MarketStore &store) {
        Result<QSqlQuery> q = store.database().exec(QStringLiteral("PRAGMA synchronous"));
        if (q && q->next())
            writerSynchronous = q->value(0).toInt();
        WriteTransaction tx(store.database());
        committed = tx.ok() && store.upsertLender(QStringLiteral("l1"), QStringLiteral("one"), QStringLiteral("127.0.0.1:1"), 1000)
            && tx.commit();
    });
    w.waitIdle();
    QCOMPARE(writerSynchronous, 1);
    QVERIFY(committed);
    Result<Database> other = Database::open(f.url);
    QVERIFY(other.ok());
    Result<QSqlQuery> q = other->exec(QStringLiteral("PRAGMA synchronous"));
    QVERIFY(q.ok() && q->next());
    QCOMPARE(q->value(0).toInt(), 2);

    // The sync of what was committed, from any thread.
    QCOMPARE(w.syncsRun(), 0);
    Result<void> synced;
    QThread *syncer = QThread::create([&] { synced = w.syncCommitted(); });
    syncer->start();
    QVERIFY(syncer->wait(10'000));
    delete syncer;
    QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().toString()));
    QCOMPARE(w.syncsRun(), 1);

    // A failing disk is a typed error naming the file, and nothing counted as synced. It
    // stays failed when the disk seems to work again: Linux may have dropped the pages
    // that were not written, and a later fdatasync() would not say so.
    StoreWriter::failSyncsForTest(EIO);
    const auto healed = qScopeGuard([] { StoreWriter::failSyncsForTest(0); });
    Result<void> failed = w.syncCommitted();
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::StorageError);
    QVERIFY2(failed.error().message.contains(f.path + QStringLiteral("-wal")), qPrintable(failed.error().toString()));
    QCOMPARE(w.syncsRun(), 1);
    StoreWriter::failSyncsForTest(0);
    Result<void> still = w.syncCommitted();
    QVERIFY(!still.ok());
    QCOMPARE(still.error().message, failed.error().message);
    QCOMPARE(w.syncsRun(), 1);
    // A new writer (a restarted market) syncs again.
    f.writer.reset();
    Result<std::unique_ptr<StoreWriter>> restarted = StoreWriter::start(f.url, nullptr);
    QVERIFY(restarted.ok());
    QVERIFY((*restarted)->defersSync());
    QVERIFY((*restarted)->syncCommitted().ok());
    QCOMPARE((*restarted)->syncsRun(), 1);
    restarted->reset();

    // Through a symbolic link to the database file, the WAL synced is the one SQLite writes,
    // beside the file the link names.
    const QString realPath = f.dir.filePath(QStringLiteral("real.db"));
    const QString linkPath = f.dir.filePath(QStringLiteral("link.db"));
    QVERIFY(MarketStore::open(QStringLiteral("sqlite:") + realPath).ok());
    QVERIFY(QFile::link(realPath, linkPath));
    Result<std::unique_ptr<StoreWriter>> linked = StoreWriter::start(QStringLiteral("sqlite:") + linkPath, nullptr);
    QVERIFY(linked.ok());
    bool linkedCommitted = false;
    (*linked)->submit([&](MarketStore &store) {
        WriteTransaction tx(store.database());
        linkedCommitted = tx.ok() && store.upsertLender(QStringLiteral("l2"), QStringLiteral("two"), QStringLiteral("127.0.0.1:2"), 1000)
            && tx.commit();
    });
    (*linked)->waitIdle();
    QVERIFY(linkedCommitted);
    QVERIFY((*linked)->defersSync());
    Result<void> linkSynced = (*linked)->syncCommitted();
    QVERIFY2(linkSynced.ok(), qPrintable(linkSynced.ok() ? QString() : linkSynced.error().toString()));
    QVERIFY(QFileInfo::exists(realPath + QStringLiteral("-wal")));

    // A private in-memory database has nothing to sync.
    Result<std::unique_ptr<MarketStore>> memory = MarketStore::open(QStringLiteral("sqlite::memory:"));
    QVERIFY(memory.ok());
    Result<std::unique_ptr<StoreWriter>> inlineWriter = StoreWriter::start(QStringLiteral("sqlite::memory:"), memory->get());
    QVERIFY(inlineWriter.ok());
    QVERIFY(!(*inlineWriter)->defersSync());
    QVERIFY((*inlineWriter)->syncCommitted().ok());
    QCOMPARE((*inlineWriter)->syncsRun(), 0);
}

void TestStoreWriter::helperThreadsYieldToTheServiceThread()
{
    // The writer and the checkpointer run nicer than the thread that started them (the
    // service thread, which answers searches), by the amounts StoreWriter.h gives.
    START_WRITER(f);
    std::unique_ptr<StoreWriter> &writer = f.writer;
    errno = 0;
    const int mine = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    QCOMPARE(errno, 0);
    std::atomic<int> writerNice{-100};
    writer->submit([&writerNice](MarketStore &) { writerNice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); });
    writer->waitIdle();
    const int cap = 19; // the largest nice value there is
    QCOMPARE(writerNice.load(), qMin(cap, mine + kWriterNiceness));
    QTRY_COMPARE(niceOfThread(QStringLiteral("market-checkpoi")), qMin(cap, mine + kBackgroundNiceness));
    QCOMPARE(niceOfThread(QStringLiteral("market-store-wr")), qMin(cap, mine + kWriterNiceness));
}

void TestStoreWriter::timeOrderedIds()
{
    const QString random = randomId(u"c-");
    QStringList ids;
    for (qint64 ms : {0LL, 1LL, 1'700'000'000'000LL, 1'700'000'000'001LL, 1'800'000'000'000LL})
        ids.append(timeOrderedId(u"c-", ms));
    for (const QString &id : std::as_const(ids)) {
        QCOMPARE(id.size(), random.size());
        QVERIFY(id.startsWith(QLatin1String("c-")));
        bool hex = false;
        id.mid(2, 12).toULongLong(&hex, 16);
        QVERIFY2(hex, qPrintable(id));
    }
    QStringList sorted = ids;
    sorted.sort();
    QCOMPARE(sorted, ids);
    // The same millisecond: still distinct (80 random bits).
    QSet<QString> same;
    for (int i = 0; i < 1000; ++i)
        same.insert(timeOrderedId(u"c-", 42));
    QCOMPARE(same.size(), 1000);
    QVERIFY(timeOrderedId(u"c-", 42).startsWith(QLatin1String("c-00000000002a")));
}

QTEST_GUILESS_MAIN(TestStoreWriter)
#include "TestStoreWriter.moc"
