#pragma once
// The OS images this lender holds (third embodiment): one directory per image under
// DATA/images/NAME with the files image.json names (installer/os-images/README.md).

#include "protocol/Messages.h"
#include "util/Error.h"

#include <QList>
#include <QString>

namespace lendable::lender {

struct ImageEntry {
    QString name;
    QString directory;
    QString kernelPath;      ///< kernelPvh (uncompressed, faster under TCG) when present, else kernel
    QString initrdPath;
    QString cmdline;
    qint64 minMemoryMib = 0;
    QString sha256;          ///< of image.json, which pins every file by its own hash
    qint64 sizeBytes = 0;
    protocol::ImageInfo info() const { return protocol::ImageInfo{name, sha256, sizeBytes}; }
};

class ImageStore {
public:
    explicit ImageStore(QString root) : m_root(std::move(root)) {}

    QString root() const { return m_root; }
    QList<ImageEntry> list() const;
    /// NotFound naming the images held when `name` is not one of them.
    Result<ImageEntry> find(const QString &name) const;
    /// Reads and checks an image directory (image.json, every file's SHA-256).
    static Result<ImageEntry> inspect(const QString &directory, bool verifyHashes);
    /// Copies an image directory in as `name`, verifying every file's SHA-256 first.
    Result<ImageEntry> add(const QString &name, const QString &sourceDir);
    static bool isValidName(const QString &name);

private:
    QString m_root;
};

} // namespace lendable::lender
