#pragma once
// What every Lendable executable does the same way: application metadata, the common
// command-line options (--data, --print-id), and handing over to the GUI executable.

#include "util/Error.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>

namespace lendable::app {

/// Sets organisation, application name and version so QSettings and QStandardPaths agree.
void setApplicationInfo(const QString &appName);

/// --data DIR and --print-id (help and version are added too).
struct CommonOptions {
    QCommandLineOption data{QStringList{QStringLiteral("data")},
                            QCoreApplication::translate("lendable", "Data directory (identity, database, settings)."),
                            QStringLiteral("DIR")};
    QCommandLineOption printId{QStringList{QStringLiteral("print-id")},
                               QCoreApplication::translate(
                                   "lendable", "Print this node's ID (creating the identity if needed) and exit.")};
    void addTo(QCommandLineParser &parser) const;
};

/// The data directory from --data, or the app's default under QStandardPaths.
QString dataDirectory(const QCommandLineParser &parser, const CommonOptions &options, const QString &appName);

/// Creates or loads the node identity in dataDir and prints its ID on stdout. Exit code.
int printNodeId(const QString &dataDir, const QString &commonName);

/// Prints "<program>: <error>" on stderr and returns exit code 1 (2 for usage errors).
int fail(const Error &error);

/// Replaces this process with the Widgets executable `guiProgram` that sits beside this one,
/// passing the same arguments. The launcher itself links no Widgets, so headless and CLI
/// modes never load them. Returns only on failure (exit code).
int execGui(const QString &guiProgram);

} // namespace lendable::app
