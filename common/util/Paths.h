#pragma once

#include "util/Error.h"

#include <QString>

namespace lendable {

/// The default data directory of an app (`QStandardPaths::AppLocalDataLocation` under the
/// app's name), used when `--data` is not given.
QString defaultDataDir(const QString &appName);

/// Creates `dir` and its parents as needed; IoError with the system's reason ("Permission
/// denied", "Not a directory") when it cannot.
Result<void> makeDirectory(const QString &dir);

} // namespace lendable
