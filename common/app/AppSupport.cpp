#include "AppSupport.h"

#include "identity/Identity.h"
#include "util/Paths.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSettings>
#include <QTranslator>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace lendable::app {

void setApplicationInfo(const QString &appName)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Lendable"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("lendable.invalid"));
    QCoreApplication::setApplicationName(appName);
    QCoreApplication::setApplicationVersion(QStringLiteral(LENDABLE_VERSION));
    // A write to a peer that is gone (libvirt's keepalive on a connection libvirtd closed, a
    // socket, a pipe) is an error to handle where it happens, never a reason for the process
    // to die: libvirt asks its applications to ignore SIGPIPE (an agent stopped for 40 s was
    // killed by it when it went on).
    std::signal(SIGPIPE, SIG_IGN);
    // A market holds a connection per lender and borrower, an agent one per borrower and
    // domain console: the soft limit on open files (1,024 in a login shell and under systemd)
    // is raised to the hard one, as servers do. Nothing here uses select(), which needs
    // descriptors below 1,024.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
}

void CommonOptions::addTo(QCommandLineParser &parser) const
{
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(data);
    parser.addOption(printId);
}

void DesktopOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOption(screenshot);
    parser.addOption(screenshotDelay);
    parser.addOption(language);
    parser.addOption(tab);
}

std::optional<QString> optionInArguments(const QStringList &arguments, const QString &name)
{
    const QString option = QStringLiteral("--") + name;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (a == QLatin1String("--"))
            break;
        if (a == option)
            return i + 1 < arguments.size() ? arguments[i + 1] : QString();
        if (a.startsWith(option + QLatin1Char('=')))
            return a.mid(option.size() + 1);
    }
    return std::nullopt;
}

QString requestedLanguage(const QStringList &arguments)
{
    return optionInArguments(arguments, QStringLiteral("language")).value_or(QString());
}

QString installTranslations(QCoreApplication &app, const QString &appName, const QString &requested)
{
    QString lang = requested;
    if (lang.isEmpty())
        lang = QSettings().value(QStringLiteral("language")).toString();
    if (lang.isEmpty())
        lang = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    if (lang.isEmpty() || lang == QStringLiteral("C"))
        lang = QStringLiteral("en");
    const auto install = [&app](const auto &load) {
        auto *translator = new QTranslator(&app);
        if (load(*translator))
            QCoreApplication::installTranslator(translator);
        else
            delete translator;
    };
    // English is the sources' language: its catalogues hold only the plural forms.
    if (lang != QStringLiteral("en")) {
        install([&](QTranslator &t) {
            return t.load(QLocale(lang), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath));
        });
    }
    install([&](QTranslator &t) { return t.load(QStringLiteral(":/i18n/%1_%2.qm").arg(appName, lang)); });
    install([&](QTranslator &t) { return t.load(QStringLiteral(":/i18n/lendable_%1.qm").arg(lang)); });
    return lang;
}

QString dataDirectory(const QCommandLineParser &parser, const CommonOptions &options, const QString &appName)
{
    if (parser.isSet(options.data))
        return QFileInfo(parser.value(options.data)).absoluteFilePath();
    return defaultDataDir(appName);
}

int printNodeId(const QString &dataDir, const QString &commonName)
{
    Result<Identity> identity = Identity::loadOrCreate(dataDir, commonName);
    if (!identity.ok())
        return fail(identity.error());
    std::fprintf(stdout, "%s\n", qPrintable(identity->nodeId()));
    return 0;
}

QString durationText(qint64 ms)
{
    const qint64 h = ms / 3'600'000;
    const qint64 m = (ms / 60'000) % 60;
    const double s = static_cast<double>(ms % 60'000) / 1000.0;
    if (h > 0)
        return QCoreApplication::translate("CommandLine", "%1 h %2 min %3 s").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 6, 'f', 3, QLatin1Char('0'));
    if (m > 0)
        return QCoreApplication::translate("CommandLine", "%1 min %2 s").arg(m).arg(s, 6, 'f', 3, QLatin1Char('0'));
    return QCoreApplication::translate("CommandLine", "%1 s").arg(s, 0, 'f', 3);
}

qsizetype displayWidth(const QString &text)
{
    qsizetype width = 0;
    for (const char32_t c : text.toUcs4()) {
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Mark_NonSpacing || category == QChar::Mark_Enclosing || category == QChar::Other_Format)
            continue;
        // East Asian wide and full-width ranges (Unicode's EastAsianWidth W and F, coarsely).
        const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF)
                          || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF)
                          || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F)
                          || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F)
                          || (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
        width += wide ? 2 : 1;
    }
    return width;
}

QString textTable(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : headers)
        widths.append(displayWidth(h));
    for (const QStringList &r : rows)
        for (qsizetype i = 0; i < r.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(r[i]));
    auto line = [&](const QStringList &cells) -> QString {
        QString s;
        for (qsizetype i = 0; i < widths.size(); ++i) {
            const QString cell = i < cells.size() ? cells[i] : QString();
            s += cell;
            if (i + 1 < widths.size())
                s += QString(widths[i] - displayWidth(cell) + 2, QLatin1Char(' '));
        }
        return s + QLatin1Char('\n');
    };
    QString out = line(headers);
    QStringList rule;
    for (qsizetype w : widths)
        rule.append(QString(w, QLatin1Char('-')));
    out += line(rule);
    for (const QStringList &r : rows)
        out += line(r);
    return out;
}

std::optional<qint64> parseUtcDate(const QString &text)
{
    const QString t = text.trimmed();
    static const QRegularExpression dateOnly(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (dateOnly.match(t).hasMatch()) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (d.isValid())
            return QDateTime(d, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
        return std::nullopt;
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    // A time without a zone is read as UTC, not as this machine's local time.
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt.toMSecsSinceEpoch();
}

Result<int> parseIdleTimeoutMs(const QString &text)
{
    bool ok = false;
    const qint64 s = text.trimmed().toLongLong(&ok);
    if (!ok || (s != 0 && (s < kMinIdleTimeoutS || s > 86'400)))
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("CommandLine", "--idle-timeout wants seconds from %1 to 86400, or 0 to keep idle "
                                                                "connections open, not '%2'")
                         .arg(kMinIdleTimeoutS)
                         .arg(text));
    return int(s * 1000);
}

int fail(const Error &error)
{
    std::fprintf(stderr, "%s: %s\n", qPrintable(QCoreApplication::applicationName()), qPrintable(error.toString()));
    return error.code == ErrorCode::InvalidArgument ? 2 : 1;
}

Result<void> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments)
{
    if (!parser.parse(arguments))
        return Error(ErrorCode::InvalidArgument, parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (const QStringList stray = parser.positionalArguments(); !stray.isEmpty())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("lendable", "unexpected argument '%1' (options start with --)").arg(stray.constFirst()));
    // An option given an empty value ("--fee-percent ''", often an unset shell variable) would
    // silently mean its default, or the current directory for --data.
    for (const QString &name : parser.optionNames()) {
        const QStringList values = parser.values(name);
        if (std::any_of(values.cbegin(), values.cend(), [](const QString &v) { return v.trimmed().isEmpty(); }))
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("lendable", "--%1 was given an empty value; leave the option out for its default")
                             .arg(name));
    }
    return {};
}

Result<void> refuseDesktopOnly(const QCommandLineParser &parser, std::initializer_list<const QCommandLineOption *> desktopOnly)
{
    for (const QCommandLineOption *o : desktopOnly) {
        if (parser.isSet(*o))
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("lendable", "--%1 is read by the desktop app; with --headless it would do nothing")
                             .arg(o->names().constFirst()));
    }
    return {};
}

int execGui(const QString &guiProgram)
{
    const QString path = QCoreApplication::applicationDirPath() + QLatin1Char('/') + guiProgram;
    if (!QFileInfo(path).isExecutable())
        return fail(Error(ErrorCode::Unsupported,
                          QCoreApplication::translate("lendable",
                                                      "the desktop app %1 is not installed; use --headless or --cli")
                              .arg(path)));
    const QStringList args = QCoreApplication::arguments();
    std::vector<QByteArray> storage;
    storage.reserve(args.size());
    storage.push_back(QFile::encodeName(path));
    for (qsizetype i = 1; i < args.size(); ++i)
        storage.push_back(args[i].toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : storage)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    ::execv(argv[0], argv.data());
    return fail(Error(ErrorCode::IoError, QCoreApplication::translate("lendable", "cannot start %1: %2")
                                              .arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
}

} // namespace lendable::app
