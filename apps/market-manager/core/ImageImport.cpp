#include "ImageImport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace lendable::market {

Result<protocol::ImageInfo> importImageDirectory(MarketService &market, const QString &name, const QString &directory)
{
    if (!QFileInfo::exists(directory + QStringLiteral("/image.json")))
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("ImageImport", "%1 is not an OS image directory (no image.json)").arg(directory));
    QTemporaryDir work;
    if (!work.isValid())
        return Error(ErrorCode::IoError, QCoreApplication::translate("ImageImport", "cannot create a temporary directory"));
    const QString archive = work.filePath(QStringLiteral("image.tar"));
    QProcess tar;
    // Sorted names and fixed owners: the same directory gives the same archive and SHA-256.
    tar.start(QStringLiteral("tar"), {QStringLiteral("--sort=name"), QStringLiteral("--owner=0"), QStringLiteral("--group=0"),
                                      QStringLiteral("--numeric-owner"), QStringLiteral("-cf"), archive, QStringLiteral("-C"),
                                      directory, QStringLiteral(".")});
    if (!tar.waitForFinished(300'000) || tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0)
        return Error(ErrorCode::IoError, QCoreApplication::translate("ImageImport", "cannot archive %1: %2")
                                             .arg(directory, QString::fromLocal8Bit(tar.readAllStandardError()).trimmed()));
    return market.addImage(name, archive);
}

} // namespace lendable::market
