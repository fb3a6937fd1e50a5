#pragma once
// The market's group commits, off the event loop. A commit waits for the disk (fdatasync:
// 4–8 ms on the project's VM); run on the thread that serves the sockets, every search that
// arrived meanwhile waited for it too (docs/performance.md). StoreWriter runs the write
// jobs on a thread of its own, with a database connection of its own (SQLite in WAL mode
// lets the service thread read beside it; PostgreSQL needs nothing), one job after the
// other in the order they were submitted.
//
// On a SQLite file the WAL is checkpointed (copied back into the database file, with an
// fsync) on a thread and connection of its own, beside the commits: run by the committing
// connection (SQLite's default), it held up every thousandth page of commits for a copy
// and an fsync, 15 % of the writer's time (docs/performance.md). The writer's own
// automatic checkpoint stays, at a larger size, only as a backstop: a PASSIVE checkpoint
// never waits for the writer, and the WAL starts over only once it is wholly copied.
//
// On a SQLite file the writer's commits do not wait for the disk either: its connection runs
// with synchronous=NORMAL, so COMMIT writes the transaction's WAL frames and returns, and
// syncCommitted() then fdatasyncs the WAL on another thread (MarketService's signer) while
// the writer already runs the next batch's statements. Whoever acknowledges a commit calls
// syncCommitted() first. That is synchronous=FULL's guarantee, one fsync of the WAL after
// the commit's frames are written, without holding the write lock through it: frames
// written by a later transaction during the fsync are either synced too or, torn by a
// power cut, fail their checksums and end SQLite's recovery after the last whole commit
// (https://www.sqlite.org/wal.html). The commit's wait for the disk was a third of the
// writer's time per batch (docs/performance.md). What changes: other connections may read
// a batch a few milliseconds before it is durable; nothing is acknowledged before. A sync
// that fails once fails for good (see syncCommitted()).
//
// A job is a function of the writer's MarketStore. It runs on the writer thread and must
// touch nothing of the caller's but what it captured by value; it hands its outcome back
// by posting to the caller's thread (MarketService does that with a completion queue).

#include "MarketStore.h"

#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <deque>
#include <functional>
#include <memory>

namespace lendable::market {

/// How much nicer than the service thread the market's helper threads run. The service
/// thread answers every request; the writer, the signer and the checkpointer work for
/// batches that grow while they wait. Given less of a busy machine's CPU than the service
/// thread, they still keep up (their batches grow), and a search no longer waits behind one
/// of their time slices: search p99 end to end at 6,000 requests/s went from 7.2–7.9 to
/// 4.4–4.6 ms (docs/performance.md).
inline constexpr int kWriterNiceness = 5;
inline constexpr int kBackgroundNiceness = 10; // the signer and the checkpointer
/// The calling thread's nice value (Linux: per thread; a new thread inherits its starter's).
int thisThreadsNice();
void setThisThreadsNice(int nice);
/// Raises the calling thread's nice value by `niceness`.
void lowerThisThreadsPriority(int niceness);

class StoreWriter {
public:
    using Job = std::function<void(MarketStore &)>;

    /// What the thread's jobs do. A writer commits (on SQLite: synced by syncCommitted(), its
    /// WAL checkpointed beside it). A reader only reads, for reports that take long on a
    /// large market (an admin's billing report: half a second at 90,000 bills), so that the
    /// service thread does not stop answering everyone meanwhile; it runs at the helpers'
    /// lower priority, and its SQLite connection reads beside the writer's (WAL). A quick
    /// reader reads what a peer waits for on its way (a lending key to verify, FIG. 15): a
    /// thread of its own at the writer's priority, so that it never queues behind a report.
    enum class Kind { Writer, Reader, QuickReader };

    /// Starts the thread and opens `url` there (blocks until it is open). A private
    /// in-memory SQLite database cannot be opened twice: for one, pass it as `inlineStore`,
    /// and jobs run at once on the submitting thread with that store.
    static Result<std::unique_ptr<StoreWriter>> start(const QString &url, MarketStore *inlineStore, Kind kind = Kind::Writer);
    /// Runs what was submitted, then stops the thread and closes its connection.
    ~StoreWriter();
    StoreWriter(const StoreWriter &) = delete;
    StoreWriter &operator=(const StoreWriter &) = delete;

    /// The job's number, for waitFor(): 1 for the first job submitted, and so on.
    qint64 submit(Job job);
    /// Blocks until every job submitted so far has run.
    void waitIdle();
    /// Blocks until the job numbered `job` (submit()), and every one before it, has run; the
    /// ones submitted after it may still wait.
    void waitFor(qint64 job);
    bool isThreaded() const { return m_thread != nullptr; }

    /// Whether `url` names a database a second connection would not see.
    static bool isPrivateDatabase(const QString &url);

    /// WAL pages past which the writer connection checkpoints itself (the backstop).
    static constexpr int kBackstopCheckpointPages = 8000;
    /// How often at most the checkpointer runs while commits come in.
    static constexpr int kCheckpointIntervalMs = 50;
    /// Checkpoints the checkpointer thread has run (for tests and the log).
    qint64 checkpointsRun() const;

    /// Makes every transaction the writer committed so far durable: on a SQLite file,
    /// fdatasync of the WAL (the writer's commits do not sync, see above); nothing
    /// elsewhere (PostgreSQL syncs at COMMIT, a private in-memory database cannot). Any
    /// thread; call it after the job committed and before acknowledging what it did. Once
    /// a sync failed, it fails for good (the frames it did not write may be lost behind
    /// later ones that do sync): nothing more is acknowledged until a restart.
    Result<void> syncCommitted();
    /// Whether the writer's commits need syncCommitted() to be durable. After the first
    /// failed sync every later one fails too: see syncCommitted().
    bool defersSync() const;
    /// Successful syncCommitted() calls that synced something (for tests and the stats).
    qint64 syncsRun() const;
    /// Makes every later syncCommitted() fail as if fdatasync had set `errnoValue` (0: stop).
    /// For tests of a failing disk, which a test machine cannot make for real.
    static void failSyncsForTest(int errnoValue);

private:
    StoreWriter() = default;
    void run(const QString &url, qint64 revisionTag, Kind kind);
    void runCheckpointer(const QString &url);

    MarketStore *m_inline = nullptr;
    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QThread> m_checkpointer;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;  // the writer: a job or stop
    QWaitCondition m_idle;  // waitIdle(): the queue ran dry
    std::deque<Job> m_jobs;
    bool m_running = false; // a job is running now
    bool m_stop = false;
    bool m_opened = false;
    QWaitCondition m_committed; // the checkpointer: a job ran, or stop
    qint64 m_jobsRun = 0;
    qint64 m_jobsSubmitted = 0;
    QWaitCondition m_ran; // waitFor(): a job ran
    qint64 m_checkpoints = 0;
    Error m_openError;

    Result<void> deferCommitSyncs(Database &db); // on the writer thread, before its first job

    mutable QMutex m_syncMutex; // one sync at a time; guards the four below
    QString m_walPath;          // the SQLite WAL file syncCommitted() syncs
    int m_walFd = -1;           // -1: the writer's commits sync themselves (or cannot)
    qint64 m_syncs = 0;
    Error m_syncFailure;        // the first failed sync, returned by every later one
};

} // namespace lendable::market
