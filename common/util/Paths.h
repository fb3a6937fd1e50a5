#pragma once

#include <QString>

namespace lendable {

/// The default data directory of an app (`QStandardPaths::AppLocalDataLocation` under the
/// app's name), used when `--data` is not given.
QString defaultDataDir(const QString &appName);

} // namespace lendable
