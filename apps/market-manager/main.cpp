// Market Manager launcher. Links no Widgets: the headless and CLI modes run here, and the
// desktop app (market-manager-gui) is exec'd only when a window is wanted.

#include "MarketOptions.h"
#include "MarketService.h"
#include "app/AppSupport.h"
#include "util/HostPort.h"
#include "util/Paths.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

#if defined(LENDABLE_WITH_JEMALLOC)
// jemalloc reads its options from this symbol when the process starts. Freed pages go back to
// the system after about a second instead of ten (its default), so that the memory of a burst
// of TLS handshakes does not stay resident for idle connections; glibc's counterpart is
// Server's malloc_trim(), which still runs here but finds nothing of glibc's heap to give back.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface
const char *malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

using namespace lendable;

namespace {

// SIGTERM/SIGINT (and SIGUSR1, for the request timings) arrive on a self-pipe: the handler only
// write()s the signal's number (async-signal-safe), and a QSocketNotifier turns that into an
// orderly quit, or a stats dump, on the event loop.
int g_signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const int saved = errno;
    const char byte = static_cast<char>(sig);
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

Result<void> installSignalHandlers()
{
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return Error(ErrorCode::IoError, QCoreApplication::translate("main", "cannot create the signal pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int sig : {SIGTERM, SIGINT, SIGUSR1}) {
        if (::sigaction(sig, &action, nullptr) != 0)
            return Error(ErrorCode::IoError, QCoreApplication::translate("main", "cannot install a signal handler: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
    }
    return {};
}

// The request timings (MarketService::requestStats()) and the process's own figures, as one
// JSON object replaced atomically, so a reader never sees half a file; without a path, as one
// line of the log (stderr).
void writeStats(const market::MarketService &service, const QString &path)
{
    QJsonObject stats = service.requestStats();
    stats.insert(QStringLiteral("pid"), static_cast<qint64>(QCoreApplication::applicationPid()));
    stats.insert(QStringLiteral("writtenAtMs"), QDateTime::currentMSecsSinceEpoch());
    if (path.isEmpty()) {
        std::fprintf(stderr, "market-manager: request stats %s\n", QJsonDocument(stats).toJson(QJsonDocument::Compact).constData());
        std::fflush(stderr);
        return;
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(stats).toJson(QJsonDocument::Compact)) < 0 || !out.commit())
        std::fprintf(stderr, "market-manager: cannot write the stats file %s: %s\n", qPrintable(path), qPrintable(out.errorString()));
}

int runHeadless(const market::MarketOptionTexts &options, const QString &listenText, const QString &databaseUrl, const QString &statsFile,
                const QStringList &images)
{
    const QString &dataDir = options.dataDir;
    Result<ListenAddress> endpoint = parseListenAddress(listenText);
    if (!endpoint)
        return app::fail(endpoint.error());
    Result<market::MarketConfig> config = market::marketConfigFromOptions(options);
    if (!config)
        return app::fail(config.error());
    if (Result<void> made = makeDirectory(dataDir); !made)
        return app::fail(made.error());
    Result<Identity> identity = Identity::loadOrCreate(dataDir, QStringLiteral("market"));
    if (!identity)
        return app::fail(identity.error());
    if (auto handlers = installSignalHandlers(); !handlers)
        return app::fail(handlers.error());

    const QString url = databaseUrl.isEmpty() ? QStringLiteral("sqlite:") + QDir(dataDir).filePath(QStringLiteral("market.db"))
                                              : databaseUrl;
    market::MarketService service(*identity, url, *config);
    if (auto listening = service.listen(endpoint->address, endpoint->port); !listening)
        return app::fail(listening.error());
    Result<QList<protocol::ImageInfo>> added = market::importImageOptions(service, images);
    if (!added)
        return app::fail(added.error());
    for (const protocol::ImageInfo &image : *added)
        std::printf("image %s %s (%lld bytes)\n", qPrintable(image.name), qPrintable(image.sha256), static_cast<long long>(image.sizeBytes));

    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [&service, statsFile] {
        char buffer[16];
        bool quit = false;
        bool dump = false;
        ssize_t n = 0;
        while ((n = ::read(g_signalPipe[0], buffer, sizeof buffer)) > 0) {
            for (ssize_t i = 0; i < n; ++i) {
                if (buffer[i] == SIGUSR1)
                    dump = true;
                else
                    quit = true;
            }
        }
        if (dump)
            writeStats(service, statsFile);
        if (quit)
            QCoreApplication::quit();
    });

    const QString shownAddress = service.serverAddress().protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + service.serverAddress().toString() + QLatin1Char(']')
        : service.serverAddress().toString();
    // Tests and scripts wait for this line: the service accepts connections from now on.
    std::fprintf(stdout, "market %s listening on %s:%u\n", qPrintable(service.nodeId()), qPrintable(shownAddress),
                 unsigned(service.serverPort()));
    std::fflush(stdout);

    QCoreApplication::exec();
    service.shutdown();
    std::fprintf(stderr, "market %s stopped\n", qPrintable(service.nodeId()));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("market-manager"));
    // Before any option is made: their descriptions are translated then.
    lendable::app::installTranslations(app, QStringLiteral("market-manager"), lendable::app::requestedLanguage(app.arguments()));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Market Manager: the market service (resource database, contracts, billing) and its desktop app."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const lendable::app::DesktopOptions desktop; // passed on to the desktop app
    desktop.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QCoreApplication::translate("main", "Run the market service without a window until SIGTERM/SIGINT."));
    parser.addOption(headless);
    const QCommandLineOption listen(QStringList{QStringLiteral("listen")}, QCoreApplication::translate("main", "Address to serve the protocol on (headless default 0.0.0.0:7400; port 0 = any free port)."), QStringLiteral("ADDR:PORT"));
    parser.addOption(listen);
    const QCommandLineOption database(QStringList{QStringLiteral("database")}, QCoreApplication::translate("main", "Database URL: sqlite:PATH (default: market.db in the data directory) or postgresql://… (shared by several market processes)."), QStringLiteral("URL"));
    parser.addOption(database);
    const QCommandLineOption adminId(QStringList{QStringLiteral("admin-id")}, QCoreApplication::translate("main", "Node ID allowed to administer the market (repeatable)."), QStringLiteral("ID"));
    parser.addOption(adminId);
    const QCommandLineOption feePercent(QStringList{QStringLiteral("fee-percent")}, QCoreApplication::translate("main", "Market fee in percent of each charge (default 10)."), QStringLiteral("PERCENT"));
    parser.addOption(feePercent);
    const QCommandLineOption heartbeat(QStringList{QStringLiteral("heartbeat-timeout")}, QCoreApplication::translate("main", "Seconds without a message after which a lender is offline (default 30)."), QStringLiteral("SECONDS"));
    parser.addOption(heartbeat);
    const QCommandLineOption idleTimeout(QStringList{QStringLiteral("idle-timeout")}, QCoreApplication::translate("main", "Seconds a connection may stay silent before it is closed, 30 to 86400, or 0 for never (default 300; closed after up to twice this)."), QStringLiteral("SECONDS"));
    parser.addOption(idleTimeout);
    const QCommandLineOption statsFile(QStringList{QStringLiteral("stats-file")}, QCoreApplication::translate("main", "Headless: on SIGUSR1, write the server-side request timings (JSON) to this file (without it, to the log)."), QStringLiteral("PATH"));
    parser.addOption(statsFile);
    const QCommandLineOption image(QStringList{QStringLiteral("image")}, QCoreApplication::translate("main", "Serve the OS image in DIR to lenders as NAME (repeatable)."), QStringLiteral("NAME=DIR"));
    parser.addOption(image);
    const QCommandLineOption imagesDir(QStringList{QStringLiteral("images")}, QCoreApplication::translate("main", "Keep the imported OS images in DIR (default: images in the data directory). Market processes on one PostgreSQL database give the same DIR on a shared file system, so that each can serve every image."), QStringLiteral("DIR"));
    parser.addOption(imagesDir);
    const QCommandLineOption connect(QStringList{QStringLiteral("connect")}, QCoreApplication::translate("main", "Attach the desktop app to a running market as admin."), QStringLiteral("ADDR:PORT"));
    parser.addOption(connect);
    // Read by the desktop app (market-manager-gui), which this program runs with the same
    // arguments; declared here too, or the parser would refuse it.
    const QCommandLineOption marketId(QStringList{QStringLiteral("market-id")}, QCoreApplication::translate("main", "Node ID of the market given with --connect (remembered after the first connection)."), QStringLiteral("ID"));
    parser.addOption(marketId);
    const QCommandLineOption exportReport(QStringList{QStringLiteral("export-report")}, QCoreApplication::translate("main", "Desktop app: write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption exportInvoices(QStringList{QStringLiteral("export-invoices")}, QCoreApplication::translate("main", "Desktop app: write the period's invoices as CSV to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption exportPayouts(QStringList{QStringLiteral("export-payouts")}, QCoreApplication::translate("main", "Desktop app: write the period's payouts as CSV to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption period(QStringList{QStringLiteral("period")}, QCoreApplication::translate("main", "Desktop app: the billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last)."), QStringLiteral("DAYS"));
    const QCommandLineOption firstDay(QStringList{QStringLiteral("from")}, QCoreApplication::translate("main", "Desktop app: the billing period's first day (UTC), instead of --period."), QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption lastDay(QStringList{QStringLiteral("to")}, QCoreApplication::translate("main", "Desktop app: the billing period's last day (UTC), included; with --from (default: today)."), QStringLiteral("YYYY-MM-DD"));
    for (const auto *o : {&exportReport, &exportInvoices, &exportPayouts, &period, &firstDay, &lastDay})
        parser.addOption(*o);
    if (Result<void> parsed = lendable::app::parseCommandLine(parser, app.arguments()); !parsed)
        return lendable::app::fail(parsed.error());

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("market-manager"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("market"));
    if (parser.isSet(headless)) {
        if (Result<void> ok = lendable::app::refuseDesktopOnly(
                parser, {&desktop.screenshot, &desktop.tab, &desktop.screenshotDelay, &connect, &marketId, &exportReport,
                         &exportInvoices, &exportPayouts, &period, &firstDay, &lastDay});
            !ok)
            return lendable::app::fail(ok.error());
        const market::MarketOptionTexts options{.dataDir = dataDir,
                                                .adminIds = parser.values(adminId),
                                                .feePercent = parser.value(feePercent),
                                                .heartbeatS = parser.value(heartbeat),
                                                .imagesDir = parser.value(imagesDir),
                                                .idleTimeoutS = parser.value(idleTimeout)};
        return runHeadless(options, parser.isSet(listen) ? parser.value(listen) : QStringLiteral("0.0.0.0:7400"), parser.value(database),
                           parser.value(statsFile), parser.values(image));
    }
    return lendable::app::execGui(QStringLiteral("market-manager-gui"));
}
