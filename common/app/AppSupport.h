#pragma once
// What every Lendable executable does the same way: application metadata, the common
// command-line options (--data, --print-id), and handing over to the GUI executable.

#include "util/Error.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <initializer_list>
#include <optional>

namespace lendable::app {

/// Sets organisation, application name and version so QSettings and QStandardPaths agree,
/// and ignores SIGPIPE (every Lendable program handles a write to a closed peer as an error).
void setApplicationInfo(const QString &appName);

/// --data DIR and --print-id (help and version are added too).
struct CommonOptions {
    QCommandLineOption data{QStringList{QStringLiteral("data")},
                            QCoreApplication::translate("lendable", "Data directory (identity and database; the desktop apps keep their settings in your configuration directory)."),
                            QStringLiteral("DIR")};
    QCommandLineOption printId{QStringList{QStringLiteral("print-id")},
                               QCoreApplication::translate(
                                   "lendable", "Print this node's ID (creating the identity if needed) and exit.")};
    void addTo(QCommandLineParser &parser) const;
};

/// The desktop apps' own options (--screenshot, --screenshot-delay, --language, --tab). Each launcher accepts them
/// too and passes them on to its desktop app (execGui()).
struct DesktopOptions {
    QCommandLineOption screenshot{QStringList{QStringLiteral("screenshot")},
                                  QCoreApplication::translate("GuiOptions", "Save a screenshot of the main window to FILE after the app settles, then quit "
                                                                             "(used by scripts/screenshots.sh)."),
                                  QStringLiteral("FILE")};
    QCommandLineOption language{QStringList{QStringLiteral("language")},
                                QCoreApplication::translate("GuiOptions", "User interface language (e.g. de, ja); default: the setting, else the system's."),
                                QStringLiteral("CODE")};
    QCommandLineOption tab{QStringList{QStringLiteral("tab")},
                           QCoreApplication::translate("GuiOptions", "Open the main window on tab N (0 = first); for screenshots and scripts."),
                           QStringLiteral("N")};
    QCommandLineOption screenshotDelay{QStringList{QStringLiteral("screenshot-delay")},
                                       QCoreApplication::translate("GuiOptions", "Milliseconds from the start to --screenshot (default 2500), for views that fill over time."),
                                       QStringLiteral("MS"), QStringLiteral("2500")};
    void addTo(QCommandLineParser &parser) const;
};

/// Option `--NAME VALUE` or `--NAME=VALUE` in `arguments` (before a lone `--`), read ahead of
/// a QCommandLineParser: its value (empty when none follows), or nullopt when it is absent.
std::optional<QString> optionInArguments(const QStringList &arguments, const QString &name);

/// The value of `--language CODE` or `--language=CODE` in `arguments` (empty if none). Read
/// before a QCommandLineParser is set up, since the options' descriptions are translated
/// when they are made.
QString requestedLanguage(const QStringList &arguments);

/// Loads the translations of `appName` (its own catalogue, the shared one, Qt's) for the
/// language `requested`, else QSettings "language" (set in the desktop apps' Settings menu),
/// else the system locale's. Returns the language in use; for English ("en", also a "C"
/// locale) only the catalogues' plural forms are loaded ("1 partition", "5 partitions"). The catalogues
/// are resources (:/i18n/) of the executables that link them (translations/CMakeLists.txt).
QString installTranslations(QCoreApplication &app, const QString &appName, const QString &requested);

/// The data directory from --data (made absolute), or the app's default under QStandardPaths.
/// (An empty --data, which would be the current directory, parseCommandLine() refuses.)
QString dataDirectory(const QCommandLineParser &parser, const CommonOptions &options, const QString &appName);

/// Creates or loads the node identity in dataDir and prints its ID on stdout. Exit code.
int printNodeId(const QString &dataDir, const QString &commonName);

/// Columns for a terminal: each as wide as its widest cell (Chinese, Japanese and Korean
/// characters take two columns there, combining marks none), two spaces apart, a rule of
/// dashes under the headers; every line ends with a newline.
QString textTable(const QStringList &headers, const QList<QStringList> &rows);
/// A duration for the command lines, to the millisecond as billed: "8.690 s",
/// "2 min 05.250 s", "1 h 00 min 00.000 s".
QString durationText(qint64 ms);
/// The columns `text` takes on a terminal (see textTable()).
qsizetype displayWidth(const QString &text);

/// A date (2026-05-01: its midnight) or a date and time (2026-05-01T12:00:00Z, with any zone;
/// without one, UTC) as UTC milliseconds, as the command lines' --since takes it; nullopt if
/// it is neither.
std::optional<qint64> parseUtcDate(const QString &text);

/// --idle-timeout of a service: seconds from kMinIdleTimeoutS to a day, or 0 for never, in ms;
/// InvalidArgument quoting the text otherwise. Below the minimum, connections of the project's
/// own clients (a ping every 15 s, a lender's heartbeat every 10 s) would be cut.
Result<int> parseIdleTimeoutMs(const QString &text);
inline constexpr int kMinIdleTimeoutS = 30;

/// Prints "<program>: <error>" on stderr and returns exit code 1 (2 for usage errors).
int fail(const Error &error);

/// QCommandLineParser::process() without its own error path: --help and --version print and
/// exit as there, but an unknown option, a missing value or a stray argument (none of the
/// programs takes one) is an InvalidArgument to report like every other usage error
/// ("<program>: invalid_argument: …", exit code 2).
Result<void> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments);

/// With --headless, options that only the desktop app reads would do nothing (a headless
/// `--export-report` would serve forever and write nothing): the first of `desktopOnly` that
/// is set, refused as an InvalidArgument naming it; nothing when none is.
Result<void> refuseDesktopOnly(const QCommandLineParser &parser, std::initializer_list<const QCommandLineOption *> desktopOnly);

/// Replaces this process with the Widgets executable `guiProgram` that sits beside this one,
/// passing the same arguments. The launcher itself links no Widgets, so headless and CLI
/// modes never load them. Returns only on failure (exit code).
int execGui(const QString &guiProgram);

} // namespace lendable::app
