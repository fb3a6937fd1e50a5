#include "Paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <filesystem>

namespace lendable {

QString defaultDataDir(const QString &appName)
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/lendable/") + appName;
}

Result<void> makeDirectory(const QString &dir)
{
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(QFile::encodeName(dir).toStdString()), error);
    if (error || !QFileInfo(dir).isDir()) {
        const QString why = error ? QString::fromLocal8Bit(error.message().c_str())
                                  : QCoreApplication::translate("lendable::Paths", "it is not a directory");
        return Error(ErrorCode::IoError, QCoreApplication::translate("lendable::Paths", "cannot create the directory %1: %2").arg(dir, why));
    }
    return {};
}

} // namespace lendable
