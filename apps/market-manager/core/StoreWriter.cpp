#include "StoreWriter.h"

#include <QMutexLocker>

namespace lendable::market {

bool StoreWriter::isPrivateDatabase(const QString &url)
{
    Result<DatabaseUrl> parsed = DatabaseUrl::parse(url);
    return parsed && parsed->dialect == SqlDialect::Sqlite && parsed->path == QLatin1String(":memory:");
}

Result<std::unique_ptr<StoreWriter>> StoreWriter::start(const QString &url, MarketStore *inlineStore)
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
    writer->m_thread.reset(QThread::create([w, url, tag] { w->run(url, tag); }));
    writer->m_thread->setObjectName(QStringLiteral("market-store-writer"));
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

void StoreWriter::run(const QString &url, qint64 revisionTag)
{
    Result<std::unique_ptr<MarketStore>> opened = MarketStore::open(url);
    std::unique_ptr<MarketStore> store;
    {
        QMutexLocker lock(&m_mutex);
        m_opened = true;
        if (!opened)
            m_openError = opened.error();
        else
            store = std::move(opened).value();
        if (store)
            store->setRevisionTag(revisionTag);
        m_idle.wakeAll();
        if (!store)
            return;
    }
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
            if (m_jobs.empty())
                m_idle.wakeAll();
        }
    }
    store.reset(); // its connection belongs to this thread: close it here
}

StoreWriter::~StoreWriter()
{
    if (!m_thread)
        return;
    {
        QMutexLocker lock(&m_mutex);
        m_stop = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
}

void StoreWriter::submit(Job job)
{
    if (m_inline) {
        job(*m_inline);
        return;
    }
    QMutexLocker lock(&m_mutex);
    m_jobs.push_back(std::move(job));
    m_wake.wakeOne();
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
