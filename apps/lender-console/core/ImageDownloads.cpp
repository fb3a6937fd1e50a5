#include "ImageDownloads.h"

#include <memory>

namespace lendable::lender {

ImageDownloads::ImageDownloads(ImageStore *store, QString workDir, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_workDir(std::move(workDir))
{
}

ImageDownloads::~ImageDownloads()
{
    for (QThread *t : std::as_const(m_adding)) {
        t->wait();
        delete t;
    }
}

void ImageDownloads::addLocal(const QString &name, const QString &directory, ImageFetcher::Done done)
{
    auto result = std::make_shared<Result<ImageEntry>>(Error(ErrorCode::Internal, QStringLiteral("not added")));
    QThread *thread = QThread::create([result, store = m_store, name, directory] { *result = store->add(name, directory); });
    thread->setObjectName(QStringLiteral("add image %1").arg(name));
    m_adding.append(thread);
    connect(thread, &QThread::finished, this, [this, thread, result, done = std::move(done)] {
        m_adding.removeOne(thread);
        thread->deleteLater();
        if (done)
            done(std::move(*result));
    });
    thread->start(QThread::LowPriority);
}

void ImageDownloads::fetch(MarketLink *market, const QString &name, ImageFetcher::Progress progress, ImageFetcher::Done done)
{
    if (auto it = m_flights.find(name); it != m_flights.end()) {
        it->progress << std::move(progress);
        it->done << std::move(done);
        return;
    }
    m_flights.insert(name, Flight{{std::move(progress)}, {std::move(done)}});
    auto *fetcher = new ImageFetcher(market, m_store, m_workDir, this);
    fetcher->fetch(
        name,
        [this, name](qint64 got, qint64 total) {
            // A copy: a requester may be told while another one joins.
            const QList<ImageFetcher::Progress> told = m_flights.value(name).progress;
            for (const ImageFetcher::Progress &p : told)
                if (p)
                    p(got, total);
        },
        [this, name, fetcher](Result<ImageEntry> image) {
            fetcher->deleteLater();
            // Taken first: a requester told here may ask for the image again, for a new download.
            const Flight flight = m_flights.take(name);
            for (const ImageFetcher::Done &d : flight.done)
                if (d)
                    d(image);
        });
}

} // namespace lendable::lender
