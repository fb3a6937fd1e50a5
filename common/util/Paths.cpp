#include "Paths.h"

#include <QDir>
#include <QStandardPaths>

namespace lendable {

QString defaultDataDir(const QString &appName)
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/lendable/") + appName;
}

} // namespace lendable
