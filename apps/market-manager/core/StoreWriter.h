#pragma once
// The market's group commits, off the event loop. A commit waits for the disk (fdatasync:
// 4–8 ms on the project's VM); run on the thread that serves the sockets, every search that
// arrived meanwhile waited for it too (docs/performance.md). StoreWriter runs the write
// jobs on a thread of its own, with a database connection of its own (SQLite in WAL mode
// lets the service thread read beside it; PostgreSQL needs nothing), one job after the
// other in the order they were submitted.
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

class StoreWriter {
public:
    using Job = std::function<void(MarketStore &)>;

    /// Starts the writer thread and opens `url` there (blocks until it is open). A private
    /// in-memory SQLite database cannot be opened twice: for one, pass it as `inlineStore`,
    /// and jobs run at once on the submitting thread with that store.
    static Result<std::unique_ptr<StoreWriter>> start(const QString &url, MarketStore *inlineStore);
    /// Runs what was submitted, then stops the thread and closes its connection.
    ~StoreWriter();
    StoreWriter(const StoreWriter &) = delete;
    StoreWriter &operator=(const StoreWriter &) = delete;

    void submit(Job job);
    /// Blocks until every job submitted so far has run.
    void waitIdle();
    bool isThreaded() const { return m_thread != nullptr; }

    /// Whether `url` names a database a second connection would not see.
    static bool isPrivateDatabase(const QString &url);

private:
    StoreWriter() = default;
    void run(const QString &url, qint64 revisionTag);

    MarketStore *m_inline = nullptr;
    std::unique_ptr<QThread> m_thread;
    QMutex m_mutex;
    QWaitCondition m_wake;  // the writer: a job or stop
    QWaitCondition m_idle;  // waitIdle(): the queue ran dry
    std::deque<Job> m_jobs;
    bool m_running = false; // a job is running now
    bool m_stop = false;
    bool m_opened = false;
    Error m_openError;
};

} // namespace lendable::market
