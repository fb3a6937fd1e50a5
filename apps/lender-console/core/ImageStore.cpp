#include "ImageStore.h"

#include "protocol/ImageName.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QStorageInfo>
#include <QTemporaryDir>

#include <cerrno>

#include <fcntl.h>
#include <stdio.h>

namespace lendable::lender {

namespace {
Result<QString> sha256Of(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        return Error(ErrorCode::IoError, QStringLiteral("cannot read %1").arg(path));
    return QString::fromLatin1(h.result().toHex());
}

bool isPlainFileName(const QString &n)
{
    return !n.isEmpty() && !n.contains(QLatin1Char('/')) && n != QLatin1String(".") && n != QLatin1String("..");
}
} // namespace

bool ImageStore::isValidName(const QString &name)
{
    return protocol::isValidOsImageName(name); // the market's rule, to the character
}

Result<ImageEntry> ImageStore::inspect(const QString &directory, bool verifyHashes)
{
    const QDir dir(directory);
    QFile jf(dir.filePath(QStringLiteral("image.json")));
    if (!jf.open(QIODevice::ReadOnly))
        return Error(ErrorCode::NotFound, QStringLiteral("%1 has no readable image.json (build one with installer/os-images/build-busybox-image.sh)")
                                              .arg(directory));
    const QByteArray json = jf.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("%1/image.json: %2").arg(directory, pe.errorString()));
    const QJsonObject o = doc.object();
    ImageEntry e;
    e.name = o.value(QStringLiteral("name")).toString();
    e.directory = dir.absolutePath();
    const QString kernel = o.value(QStringLiteral("kernel")).toString();
    const QString pvh = o.value(QStringLiteral("kernelPvh")).toString();
    const QString initrd = o.value(QStringLiteral("initrd")).toString();
    for (const QString &f : {kernel, initrd})
        if (!isPlainFileName(f))
            return Error(ErrorCode::InvalidArgument, QStringLiteral("%1/image.json names no usable kernel/initrd").arg(directory));
    const QString chosen = (!pvh.isEmpty() && isPlainFileName(pvh) && dir.exists(pvh)) ? pvh : kernel;
    e.kernelPath = dir.absoluteFilePath(chosen);
    e.initrdPath = dir.absoluteFilePath(initrd);
    e.cmdline = o.value(QStringLiteral("cmdline")).toString();
    e.minMemoryMib = o.value(QStringLiteral("minMemoryMiB")).toInteger();
    e.sha256 = QString::fromLatin1(QCryptographicHash::hash(json, QCryptographicHash::Sha256).toHex());
    const QJsonObject hashes = o.value(QStringLiteral("sha256")).toObject();
    e.sizeBytes = json.size();
    for (const QString &f : {chosen, initrd}) {
        const QFileInfo fi(dir.filePath(f));
        if (!fi.isFile())
            return Error(ErrorCode::NotFound, QStringLiteral("image %1 lacks %2").arg(directory, f));
        e.sizeBytes += fi.size();
        if (verifyHashes) {
            Result<QString> h = sha256Of(fi.absoluteFilePath());
            if (!h.ok())
                return h.error();
            if (*h != hashes.value(f).toString())
                return Error(ErrorCode::InvalidArgument,
                             QStringLiteral("%1/%2 does not match the SHA-256 in image.json").arg(directory, f));
        }
    }
    return e;
}

QList<ImageEntry> ImageStore::list() const
{
    QList<ImageEntry> out;
    const QDir root(m_root);
    for (const QString &name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        Result<ImageEntry> e = inspect(root.filePath(name), false);
        if (e.ok()) {
            e->name = name;
            out << *e;
        }
    }
    return out;
}

Result<ImageEntry> ImageStore::find(const QString &name) const
{
    if (!isValidName(name))
        return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not an image name").arg(name));
    Result<ImageEntry> e = inspect(QDir(m_root).filePath(name), false);
    if (!e.ok()) {
        QStringList held;
        for (const ImageEntry &i : list())
            held << i.name;
        return Error(ErrorCode::NotFound, QStringLiteral("this lender has no OS image '%1' (it holds: %2)")
                                              .arg(name, held.isEmpty() ? QStringLiteral("none") : held.join(QStringLiteral(", "))));
    }
    e->name = name;
    return e;
}

Result<ImageEntry> ImageStore::add(const QString &name, const QString &sourceDir)
{
    if (!isValidName(name))
        return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not an image name (%2)").arg(name, protocol::osImageNameRule()));
    Result<ImageEntry> src = inspect(sourceDir, true);
    if (!src.ok())
        return src.error();
    const QDir sdir(sourceDir);
    QFile jf(sdir.filePath(QStringLiteral("image.json")));
    jf.open(QIODevice::ReadOnly);
    const QJsonObject o = QJsonDocument::fromJson(jf.readAll()).object();
    QStringList files = {QStringLiteral("image.json"), o.value(QStringLiteral("kernel")).toString(),
                         o.value(QStringLiteral("initrd")).toString()};
    const QString pvh = o.value(QStringLiteral("kernelPvh")).toString();
    if (isPlainFileName(pvh) && sdir.exists(pvh))
        files << pvh;
    // Copy into a temporary directory, then rename: a half-copied image is never listed.
    QDir root(m_root);
    root.mkpath(QStringLiteral("."));
    QFile::setPermissions(m_root, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                      QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
    // A name of its own: an owner's `image add` may run while a download of the same image
    // is added from its unpacking thread. Removed on every way out but the rename.
    QTemporaryDir incoming(root.filePath(QStringLiteral(".incoming-%1-XXXXXX").arg(name)));
    if (!incoming.isValid())
        return Error(ErrorCode::IoError, QStringLiteral("cannot create a directory under %1: %2").arg(m_root, incoming.errorString()));
    const QString tmp = incoming.path();
    for (const QString &f : files) {
        if (QFile from(sdir.filePath(f)); !from.copy(QDir(tmp).filePath(f))) {
            // Out of room is said as such (the copy's own error does not say it).
            const qint64 size = QFileInfo(from).size();
            const qint64 free = QStorageInfo(tmp).bytesAvailable();
            incoming.remove();
            if (free >= 0 && free < size)
                return Error(ErrorCode::DiskFull, QStringLiteral("no room for image %1 under %2: %3 is %4 bytes, %5 bytes are free")
                                                      .arg(name, m_root, f)
                                                      .arg(size)
                                                      .arg(free));
            return Error(ErrorCode::IoError, QStringLiteral("cannot copy %1 into %2: %3").arg(sdir.filePath(f), tmp, from.errorString()));
        }
        // QEMU (libvirt-qemu) must be able to read the kernel and initrd.
        QFile::setPermissions(QDir(tmp).filePath(f), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                         QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    QFile::setPermissions(tmp, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                   QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther);
    const QString dest = root.filePath(name);
    // Put in place in one step: an image held already is swapped with the new one (then
    // removed with `incoming`), so that a reader never finds the name missing, and adds of one
    // name (an owner's `image add` beside a download's, which runs on its unpacking thread)
    // take turns here, each finding the image it put.
    static QMutex placing;
    const QMutexLocker locked(&placing);
    const QByteArray from = QFile::encodeName(tmp), to = QFile::encodeName(dest);
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_EXCHANGE) != 0) {
        // None held yet (ENOENT), or a file system that cannot swap (EINVAL): by name.
        if (errno != ENOENT)
            QDir(dest).removeRecursively();
        if (!root.rename(tmp, dest))
            return Error(ErrorCode::IoError, QStringLiteral("cannot move %1 to %2").arg(tmp, dest));
    }
    return find(name);
}

} // namespace lendable::lender
