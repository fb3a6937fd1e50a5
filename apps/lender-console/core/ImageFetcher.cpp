#include "ImageFetcher.h"

#include "MarketLink.h"
#include "util/Paths.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QProcess>
#include <QStorageInfo>
#include <QTemporaryDir>

namespace lendable::lender {

using namespace lendable::protocol;

namespace {
QString mib(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1);
}

/// Whether there is room for an archive of `archiveBytes` to be downloaded into `workDir`,
/// unpacked beside it, and copied into the image store under `storeRoot` (the archive is
/// removed before the copy): twice the archive on the work directory's file system, and once
/// more on the store's if that is another. Said before the download, not after a few
/// gigabytes of it. An archive that unpacks larger than itself (a compressed one) is still
/// caught when a write fails.
Result<void> checkRoom(const QString &name, qint64 archiveBytes, const QString &workDir, const QString &storeRoot)
{
    const QStorageInfo work(workDir);
    QString storeDir = storeRoot;
    while (!QFileInfo::exists(storeDir) && QFileInfo(storeDir).dir().path() != storeDir)
        storeDir = QFileInfo(storeDir).dir().path(); // the store's directory may not be made yet
    const QStorageInfo store(storeDir);
    if (!work.isValid() || !store.isValid())
        return {}; // nothing known: the writes will tell
    const bool oneFileSystem = work.device() == store.device();
    const qint64 needWork = archiveBytes * 2;
    if (work.bytesAvailable() < needWork)
        return Error(ErrorCode::DiskFull, ImageFetcher::tr("image %1 needs %2 MiB free under %3 to download and unpack; %4 MiB are free")
                                              .arg(name, mib(needWork), workDir, mib(work.bytesAvailable())));
    if (!oneFileSystem && store.bytesAvailable() < archiveBytes)
        return Error(ErrorCode::DiskFull, ImageFetcher::tr("image %1 needs %2 MiB free under %3 to keep it; %4 MiB are free")
                                              .arg(name, mib(archiveBytes), storeRoot, mib(store.bytesAvailable())));
    return {};
}
} // namespace

ImageFetcher::ImageFetcher(MarketLink *market, ImageStore *store, QString workDir, QObject *parent)
    : QObject(parent)
    , m_market(market)
    , m_store(store)
    , m_workDir(std::move(workDir))
{
}

ImageFetcher::~ImageFetcher()
{
    if (m_part.isOpen())
        m_part.remove();
}

void ImageFetcher::fetch(const QString &name, Progress progress, Done done)
{
    m_name = name;
    m_progress = std::move(progress);
    m_done = std::move(done);
    m_offset = 0;
    m_info = {};
    m_hash.reset();
    if (!ImageStore::isValidName(name)) {
        finish(Error(ErrorCode::InvalidArgument, tr("'%1' is not an image name").arg(name)));
        return;
    }
    if (!m_market) {
        finish(Error(ErrorCode::NotFound, tr("image %1 is not held here and no market is connected to fetch it from").arg(name)));
        return;
    }
    if (Result<void> made = makeDirectory(m_workDir); !made) {
        finish(made.error());
        return;
    }
    m_part.setFileTemplate(m_workDir + QStringLiteral("/%1-XXXXXX.tar.part").arg(name));
    if (!m_part.open()) {
        finish(Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(m_part.fileTemplate(), m_part.errorString())));
        return;
    }
    requestNext();
}

void ImageFetcher::requestNext()
{
    FetchImage req;
    // The first chunk names the image; later ones pin the exact archive the market announced.
    if (m_info.sha256.isEmpty())
        req.name = m_name;
    else
        req.sha256 = m_info.sha256;
    req.offset = m_offset;
    req.length = kChunkBytes;
    if (!m_market) {
        finish(Error(ErrorCode::ConnectionClosed, tr("the market went away while image %1 was downloading").arg(m_name)));
        return;
    }
    m_market->request<ImageChunk>(req, this, [this](Result<ImageChunk> chunk) {
        if (!chunk.ok()) {
            finish(Error(chunk.error().code, tr("cannot download image %1 from the market: %2").arg(m_name, chunk.error().message)));
            return;
        }
        if (m_info.sha256.isEmpty()) {
            m_info = chunk->image;
            if (m_info.sha256.size() != 64 || m_info.sizeBytes <= 0) {
                finish(Error(ErrorCode::BadPayload, tr("the market described image %1 badly").arg(m_name)));
                return;
            }
            if (Result<void> room = checkRoom(m_name, m_info.sizeBytes, m_workDir, m_store->root()); !room) {
                finish(room.error());
                return;
            }
        } else if (chunk->image.sha256 != m_info.sha256) {
            finish(Error(ErrorCode::BadPayload, tr("the market switched images in the middle of the download")));
            return;
        }
        if (chunk->offset != m_offset || (chunk->data.isEmpty() && m_offset < m_info.sizeBytes)
            || m_offset + chunk->data.size() > m_info.sizeBytes) {
            finish(Error(ErrorCode::BadPayload, tr("the market sent a chunk of image %1 that does not fit (offset %2, %3 bytes)")
                                                    .arg(m_name)
                                                    .arg(chunk->offset)
                                                    .arg(chunk->data.size())));
            return;
        }
        if (m_part.write(chunk->data) != chunk->data.size()) {
            finish(Error(ErrorCode::DiskFull, tr("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString())));
            return;
        }
        m_hash.addData(chunk->data);
        m_offset += chunk->data.size();
        if (m_progress)
            m_progress(m_offset, m_info.sizeBytes);
        if (m_offset < m_info.sizeBytes) {
            requestNext();
            return;
        }
        if (!m_part.flush()) {
            finish(Error(ErrorCode::DiskFull, tr("cannot write %1: %2").arg(m_part.fileName(), m_part.errorString())));
            return;
        }
        m_part.close();
        if (QString::fromLatin1(m_hash.result().toHex()) != m_info.sha256) {
            finish(Error(ErrorCode::BadPayload, tr("image %1 from the market does not match its SHA-256 %2; discarded")
                                                    .arg(m_name, m_info.sha256)));
            return;
        }
        unpackAndAddAside();
    });
}

void ImageFetcher::unpackAndAddAside()
{
    m_unpacking.run(
        QStringLiteral("unpack %1").arg(m_name),
        [store = m_store, name = m_name, archive = m_part.fileName(), workDir = m_workDir] { return unpackAndAdd(store, name, archive, workDir); },
        [this](Result<ImageEntry> result) { finish(std::move(result)); });
}

Result<ImageEntry> ImageFetcher::unpackAndAdd(ImageStore *store, const QString &name, const QString &archive, const QString &workDir)
{
    QTemporaryDir unpacked(workDir + QStringLiteral("/unpack-XXXXXX"));
    if (!unpacked.isValid())
        return Error(ErrorCode::IoError, tr("cannot create a directory under %1").arg(workDir));
    // GNU tar keeps members inside the target (it drops leading '/' and refuses '..').
    QProcess tar;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C")); // its errors are read below
    tar.setProcessEnvironment(env);
    tar.start(QStringLiteral("tar"), {QStringLiteral("-xf"), archive, QStringLiteral("-C"), unpacked.path(),
                                      QStringLiteral("--no-same-owner"), QStringLiteral("--no-same-permissions")});
    if (!tar.waitForFinished(120'000) || tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0) {
        const QString said = QString::fromLocal8Bit(tar.readAllStandardError()).trimmed();
        // A disk that filled up is not the archive's fault.
        const bool full = said.contains(QLatin1String("No space left on device")) || said.contains(QLatin1String("Disk quota exceeded"));
        return Error(full ? ErrorCode::DiskFull : ErrorCode::BadPayload, tr("cannot unpack image %1: %2").arg(name, said));
    }
    // Checked and unpacked: the archive's room is the store's copy's.
    QFile::remove(archive);
    // The archive holds the image directory's files, at its top or in one directory.
    QString dir = unpacked.path();
    if (!QFile::exists(dir + QStringLiteral("/image.json"))) {
        const QStringList subdirs = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        if (subdirs.size() == 1 && QFile::exists(dir + QLatin1Char('/') + subdirs.first() + QStringLiteral("/image.json")))
            dir += QLatin1Char('/') + subdirs.first();
        else
            return Error(ErrorCode::BadPayload, tr("image %1 from the market has no image.json").arg(name));
    }
    // ImageStore::add checks every file against image.json before taking the image.
    return store->add(name, dir);
}

void ImageFetcher::finish(Result<ImageEntry> result)
{
    if (m_part.isOpen())
        m_part.close();
    if (!m_part.fileName().isEmpty())
        m_part.remove();
    if (Done done = std::exchange(m_done, {}))
        done(std::move(result));
}

} // namespace lendable::lender
