#pragma once
// Third embodiment (FIG. 16): a partition is asked to boot an OS image this lender does not
// hold, so the agent downloads it from the market's image store ("network boot"): FetchImage
// in chunks into a partial file, the archive's SHA-256 checked against what the market
// announced, then unpacked and checked again file by file (image.json pins every file)
// before the image store takes it.

#include "ImageStore.h"
#include "ImageWorkAside.h"

#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTemporaryFile>

#include <functional>

namespace lendable::lender {

class MarketLink;

class ImageFetcher : public QObject {
    Q_OBJECT
public:
    using Progress = std::function<void(qint64 done, qint64 total)>;
    using Done = std::function<void(Result<ImageEntry>)>;
    static constexpr qint64 kChunkBytes = 1024 * 1024;

    /// `workDir` holds partial downloads (cleaned up on success and failure), each under a
    /// name of its own. One fetcher downloads one image once; ImageDownloads runs them.
    ImageFetcher(MarketLink *market, ImageStore *store, QString workDir, QObject *parent = nullptr);
    ~ImageFetcher() override;

    /// Downloads image `name`; `done` runs exactly once.
    void fetch(const QString &name, Progress progress, Done done);

private:
    void requestNext();
    void finish(Result<ImageEntry> result);
    /// Unpacks the checked archive and adds the image on a thread of its own: tar and the
    /// store's hashing and copying take seconds for a large image, during which the agent (in
    /// the Lender Console, its window) must go on answering.
    void unpackAndAddAside();
    static Result<ImageEntry> unpackAndAdd(ImageStore *store, const QString &name, const QString &archive, const QString &workDir);

    QPointer<MarketLink> m_market;
    ImageStore *m_store;
    QString m_workDir;
    QString m_name;
    protocol::ImageInfo m_info;
    qint64 m_offset = 0;
    QTemporaryFile m_part; ///< a name of its own: two downloads of one image never share it
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    Progress m_progress;
    Done m_done;
    ImageWorkAside m_unpacking; ///< runs unpackAndAdd(); last, so destroyed (and waited for) first
};

} // namespace lendable::lender
