#include "ImageDownloads.h"

namespace lendable::lender {

ImageDownloads::ImageDownloads(ImageStore *store, QString workDir, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_workDir(std::move(workDir))
{
}

void ImageDownloads::addLocal(const QString &name, const QString &directory, ImageFetcher::Done done)
{
    m_adding.run(QStringLiteral("add image %1").arg(name), [store = m_store, name, directory] { return store->add(name, directory); },
                 std::move(done));
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
