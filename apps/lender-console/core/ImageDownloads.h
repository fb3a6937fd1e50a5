#pragma once
// The agent's downloads of OS images (third embodiment), one per image at a time: jobs in
// two partitions that need the same missing image share one download and both get its
// result, instead of two downloads racing to add the same image.

#include "ImageFetcher.h"
#include "ImageWorkAside.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace lendable::lender {

class ImageDownloads : public QObject {
    Q_OBJECT
public:
    /// Downloads go into `store` through partial files under `workDir`.
    ImageDownloads(ImageStore *store, QString workDir, QObject *parent = nullptr);

    /// Downloads image `name` from `market`, or, while a download of it is under way, waits
    /// for that one; `done` runs exactly once, with that download's result.
    void fetch(MarketLink *market, const QString &name, ImageFetcher::Progress progress, ImageFetcher::Done done);
    bool isDownloading(const QString &name) const { return m_flights.contains(name); }
    /// Where the partial files go (removed at the agent's start).
    QString workDir() const { return m_workDir; }
    /// Adds the image in `directory` (an owner's `image add`) on a thread of its own: the
    /// store checks every file's SHA-256 and copies it, seconds for a large image, which on
    /// the agent's thread held everything else (in the Lender Console, the window). `done`
    /// runs exactly once, on this object's thread, unless this object goes first.
    void addLocal(const QString &name, const QString &directory, ImageFetcher::Done done);

private:
    struct Flight {
        QList<ImageFetcher::Progress> progress;
        QList<ImageFetcher::Done> done;
    };
    ImageStore *m_store;
    QString m_workDir;
    QHash<QString, Flight> m_flights; ///< by image name
    ImageWorkAside m_adding;          ///< addLocal()'s adds
};

} // namespace lendable::lender
