#include "StoreWriter.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSqlQuery>

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStoreWriter, "lendable.market.writer")

namespace lendable::market {

namespace {
std::atomic<int> g_syncFaultForTest{0};
} // namespace

int thisThreadsNice()
{
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    return errno == 0 ? nice : 0;
}

void setThisThreadsNice(int nice)
{
    // Linux keeps a nice value per thread (PRIO_PROCESS with a thread ID). A failure only
    // leaves the thread at its priority.
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0)
        qCWarning(lcStoreWriter) << "could not lower the priority of thread" << QThread::currentThread()->objectName()
                                 << ":" << qt_error_string(errno);
}

void lowerThisThreadsPriority(int niceness)
{
    // Relative to what the thread inherited from the one that started it, so that a market
    // started with `nice` keeps its threads' order.
    setThisThreadsNice(thisThreadsNice() + niceness);
}

bool StoreWriter::isPrivateDatabase(const QString &url)
{
    Result<DatabaseUrl> parsed = DatabaseUrl::parse(url);
    return parsed && parsed->dialect == SqlDialect::Sqlite && parsed->path == QLatin1String(":memory:");
}

Result<std::unique_ptr<StoreWriter>> StoreWriter::start(const QString &url, MarketStore *inlineStore, Kind kind)
{
    std::unique_ptr<StoreWriter> writer(new StoreWriter);
    if (isPrivateDatabase(url)) {
        if (!inlineStore)
            return Error(ErrorCode::Internal, QStringLiteral("a private in-memory database needs its store to write inline"));
        writer->m_inline = inlineStore;
        return writer;
    }
    StoreWriter *w = writer.get();
    // The writer's rows carry the service's tag, so that its sync skips them too.
    const qint64 tag = inlineStore ? inlineStore->revisionTag() : 0;
    writer->m_thread.reset(QThread::create([w, url, tag, kind] { w->run(url, tag, kind); }));
    // Linux shows 15 characters of a thread's name.
    writer->m_thread->setObjectName(kind == Kind::Writer        ? QStringLiteral("market-store-writer")
                                    : kind == Kind::QuickReader ? QStringLiteral("market-quick-rd")
                                                                : QStringLiteral("market-store-reader"));
    writer->m_thread->start();
    QMutexLocker lock(&writer->m_mutex);
    while (!writer->m_opened)
        writer->m_idle.wait(&writer->m_mutex);
    if (writer->m_openError.isError()) {
        const Error error = writer->m_openError;
        lock.unlock();
        writer->m_thread->wait();
        writer->m_thread.reset();
        return error;
    }
    return writer;
}

void StoreWriter::run(const QString &url, qint64 revisionTag, Kind kind)
{
    Result<std::unique_ptr<MarketStore>> opened = MarketStore::open(url);
    if (!opened) {
        QMutexLocker lock(&m_mutex);
        m_opened = true;
        m_openError = opened.error();
        m_idle.wakeAll();
        return;
    }
    std::unique_ptr<MarketStore> store = std::move(opened).value();
    store->setRevisionTag(revisionTag);
    if (kind == Kind::Writer && store->database().dialect() == SqlDialect::Sqlite) {
        // The commits' fsync is syncCommitted()'s, off this thread (see the header). If that
        // cannot be set up, the commits stay synchronous=FULL, which is durable too.
        if (Result<void> deferred = deferCommitSyncs(store->database()); !deferred)
            qCWarning(lcStoreWriter) << "the writer's commits keep waiting for the disk:" << deferred.error();
        if (auto q = store->database().exec(QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(kBackstopCheckpointPages));
            !q) {
            qCWarning(lcStoreWriter) << "could not move the writer's checkpoints to their own thread:" << q.error();
        } else {
            m_checkpointer.reset(QThread::create([this, url] { runCheckpointer(url); }));
            m_checkpointer->setObjectName(QStringLiteral("market-checkpointer"));
            m_checkpointer->start(QThread::LowPriority);
        }
    }
    {
        // start() returns now, with the connection set up: defersSync() answers from here.
        QMutexLocker lock(&m_mutex);
        m_opened = true;
        m_idle.wakeAll();
    }
    // After the checkpointer started: a thread inherits its starter's nice value.
    lowerThisThreadsPriority(kind == Kind::Reader ? kBackgroundNiceness : kWriterNiceness);
    for (;;) {
        Job job;
        {
            QMutexLocker lock(&m_mutex);
            while (m_jobs.empty() && !m_stop)
                m_wake.wait(&m_mutex);
            if (m_jobs.empty()) // stopping, and nothing is left to run
                break;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            m_running = true;
        }
        job(*store);
        {
            QMutexLocker lock(&m_mutex);
            m_running = false;
            ++m_jobsRun;
            m_ran.wakeAll();
            m_committed.wakeOne();
            if (m_jobs.empty())
                m_idle.wakeAll();
        }
    }
    if (m_checkpointer) {
        {
            QMutexLocker lock(&m_mutex);
            m_committed.wakeOne(); // m_stop is set
        }
        m_checkpointer->wait();
        m_checkpointer.reset();
    }
    store.reset(); // its connection belongs to this thread: close it here
}

void StoreWriter::runCheckpointer(const QString &url)
{
    lowerThisThreadsPriority(kBackgroundNiceness);
    Result<Database> db = Database::open(url);
    if (!db) {
        qCWarning(lcStoreWriter) << "no checkpointer: cannot open the database:" << db.error();
        return;
    }
    // This connection only checkpoints; it never commits, so its own automatic checkpoint
    // never runs.
    qint64 seen = 0;
    QElapsedTimer since;
    since.start();
    QString lastFailure; // logged once, not every 50 ms (a full disk fails every checkpoint)
    for (;;) {
        // After a commit, at most every kCheckpointIntervalMs; without one, or after a
        // failure, once a second (the service thread's connection writes now and then too).
        const qint64 interval = lastFailure.isEmpty() ? kCheckpointIntervalMs : 1000;
        {
            QMutexLocker lock(&m_mutex);
            for (;;) {
                if (m_stop)
                    return;
                const qint64 elapsed = since.elapsed();
                if ((m_jobsRun != seen && elapsed >= interval) || elapsed >= 1000)
                    break;
                const qint64 waitMs = m_jobsRun != seen ? interval - elapsed : 1000 - elapsed;
                m_committed.wait(&m_mutex, QDeadlineTimer(qMax<qint64>(1, waitMs)));
            }
            seen = m_jobsRun;
        }
        since.restart();
        // PASSIVE: copies what no reader still needs, waits for nobody, blocks no writer.
        Result<QSqlQuery> q = db->exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
        if (!q) {
            if (q.error().message != lastFailure)
                qCWarning(lcStoreWriter) << "checkpoint failed (retried every second):" << q.error();
            lastFailure = q.error().message;
            continue;
        }
        if (!lastFailure.isEmpty())
            qCInfo(lcStoreWriter) << "checkpoints work again";
        lastFailure.clear();
        QMutexLocker lock(&m_mutex);
        ++m_checkpoints;
    }
}

qint64 StoreWriter::checkpointsRun() const
{
    QMutexLocker lock(&m_mutex);
    return m_checkpoints;
}

Result<void> StoreWriter::deferCommitSyncs(Database &db)
{
    // The WAL SQLite uses is beside the database file SQLite opened, which is not the URL's
    // path if that is a symbolic link: ask SQLite.
    Result<QSqlQuery> list = db.exec(QStringLiteral("PRAGMA database_list"));
    if (!list)
        return list.error();
    QString file;
    while (list->next()) {
        if (list->value(1).toString() == QLatin1String("main"))
            file = list->value(2).toString();
    }
    if (file.isEmpty())
        return {}; // no file: nothing to sync, and the commits keep their own setting
    const QString walPath = file + QStringLiteral("-wal");
    const auto failed = [&walPath](const QString &what, int error) {
        return Error(ErrorCode::StorageError, QStringLiteral("%1 %2: %3").arg(what, walPath, qt_error_string(error)));
    };
    // Opened now, before any commit of the writer's: an fd opened after a writeback error
    // would not see it.
    const int fd = ::open(QFile::encodeName(walPath).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failed(QStringLiteral("cannot open the write-ahead log"), errno);
    // Its directory entry too: SQLite syncs it after creating the WAL only with
    // synchronous=FULL.
    const QByteArray dir = QFile::encodeName(QFileInfo(walPath).absolutePath());
    const int dirFd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int dirSynced = dirFd < 0 ? -1 : ::fsync(dirFd);
    const int dirError = errno;
    if (dirFd >= 0)
        ::close(dirFd);
    if (dirSynced != 0) {
        ::close(fd);
        return failed(QStringLiteral("cannot sync the directory of the write-ahead log"), dirError);
    }
    if (Result<QSqlQuery> q = db.exec(QStringLiteral("PRAGMA synchronous = NORMAL")); !q) {
        ::close(fd);
        return q.error();
    }
    QMutexLocker lock(&m_syncMutex);
    m_walPath = walPath;
    m_walFd = fd;
    return {};
}

bool StoreWriter::defersSync() const
{
    QMutexLocker lock(&m_syncMutex);
    return m_walFd >= 0;
}

Result<void> StoreWriter::syncCommitted()
{
    QMutexLocker lock(&m_syncMutex);
    if (m_walFd < 0)
        return {};
    if (m_syncFailure.isError())
        return m_syncFailure;
    const auto fail = [this](int error) {
        // For good: Linux reports a writeback error to an fd once and may mark the lost
        // pages clean, so a later fdatasync() can succeed over frames that never reached
        // the disk, and SQLite's recovery after a power cut would stop at them, taking every
        // later commit with them. PostgreSQL stops for the same reason.
        m_syncFailure = Error(ErrorCode::StorageError,
                              QStringLiteral("the database's write-ahead log %1 could not be synced to the disk (%2); "
                                             "the market acknowledges no more writes until it is restarted")
                                  .arg(m_walPath, qt_error_string(error)));
        return m_syncFailure;
    };
    if (const int fault = g_syncFaultForTest.load())
        return fail(fault);
    if (::fdatasync(m_walFd) != 0)
        return fail(errno);
    // The file synced is still the WAL: SQLite never replaces it while the writer's
    // connection is open, but a sync of a stale file would be silent.
    struct stat opened {};
    struct stat named {};
    if (::fstat(m_walFd, &opened) != 0 || ::stat(QFile::encodeName(m_walPath).constData(), &named) != 0
        || opened.st_ino != named.st_ino || opened.st_dev != named.st_dev)
        return fail(ESTALE);
    ++m_syncs;
    return {};
}

qint64 StoreWriter::syncsRun() const
{
    QMutexLocker lock(&m_syncMutex);
    return m_syncs;
}

void StoreWriter::failSyncsForTest(int errnoValue)
{
    g_syncFaultForTest.store(errnoValue);
}

StoreWriter::~StoreWriter()
{
    if (m_thread) {
        {
            QMutexLocker lock(&m_mutex);
            m_stop = true;
            m_wake.wakeAll();
        }
        m_thread->wait();
    }
    if (m_walFd >= 0)
        ::close(m_walFd);
}

qint64 StoreWriter::submit(Job job)
{
    if (m_inline) {
        job(*m_inline);
        return 0; // run already
    }
    QMutexLocker lock(&m_mutex);
    m_jobs.push_back(std::move(job));
    m_wake.wakeOne();
    return ++m_jobsSubmitted;
}

void StoreWriter::waitFor(qint64 job)
{
    if (!m_thread)
        return;
    QMutexLocker lock(&m_mutex);
    while (m_jobsRun < job)
        m_ran.wait(&m_mutex);
}

void StoreWriter::waitIdle()
{
    if (!m_thread)
        return;
    QMutexLocker lock(&m_mutex);
    while (!m_jobs.empty() || m_running)
        m_idle.wait(&m_mutex);
}

} // namespace lendable::market
