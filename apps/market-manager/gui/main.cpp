// Market Manager desktop app. Started without --connect it runs the market service in
// process (the embedded default) and serves it on --listen for lenders and borrowers;
// with --connect it attaches to a running market as admin.

#include "MarketOptions.h"
#include "MarketService.h"
#include "MarketWindow.h"
#include "Pages.h"
#include "app/AppSupport.h"
#include "protocol/SslChannel.h"
#include "ui/GuiSupport.h"
#include "util/HostPort.h"

#include <QApplication>
#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <cstring>

#include <memory>
#include <optional>
#include <utility>

using namespace lendable;

namespace {
int showFatal(const Error &error)
{
    return ui::showStartupError(QApplication::translate("main", "Lendable Market Manager"), error);
}

/// A connection to the market at `address` as admin; the market is remembered as met (its
/// ID need not be given again) once the connection is established.
protocol::Channel *connectAdmin(const HostPort &hp, const Identity &identity, const QString &marketNodeId, const QString &address,
                                QObject *parent)
{
    protocol::HandshakeConfig config;
    config.localRole = QStringLiteral("admin");
    protocol::Channel *channel = protocol::SslChannel::connectTo(hp.host, hp.port, identity, marketNodeId, config, parent);
    QObject::connect(channel, &protocol::Channel::established, parent,
                     [address, marketNodeId] { ui::rememberConnection(address, marketNodeId); });
    return channel;
}

/// --export-report/--export-invoices/--export-payouts: once the billing report of the period
/// has loaded, writes each file asked for in turn (from one fetch of the period's contracts),
/// then quits (exit code 0, or 1 after the first failure, printed on stderr).
using Export = market::BillingPage::ExportFile;

void runExports(market::BillingPage *billing, const QList<Export> &exports)
{
    billing->exportFiles(
        exports,
        [](const QString &path) {
            std::printf("wrote %s\n", qPrintable(path));
            std::fflush(stdout);
        },
        [](Result<void> r) {
            if (!r.ok())
                std::fprintf(stderr, "market-manager: %s\n", qPrintable(r.error().toString()));
            QApplication::exit(r.ok() ? 0 : 1);
        });
}

} // namespace

int main(int argc, char *argv[])
{
    // An export (--export-report, …) is a script's command, often a cron job's: Qt's notes on
    // where it runs are not for its stderr. The offscreen platform (QT_QPA_PLATFORM=offscreen,
    // as a headless export runs) says it keeps no window size limits, and without a desktop
    // session Qt says it made up a runtime directory, as the application starts.
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--export-", 9) != 0)
            continue;
        static QtMessageHandler passOn = nullptr;
        passOn = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &message) {
            if (message != QLatin1String("This plugin does not support propagateSizeHints()")
                && !message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
                passOn(type, context, message);
        });
        break;
    }
    QApplication application(argc, argv);
    app::setApplicationInfo(QStringLiteral("market-manager"));
    // Before the options are made: their descriptions (--help) are translated then.
    app::installTranslations(application, QStringLiteral("market-manager"), app::requestedLanguage(application.arguments()));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Lendable Market Manager"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Lendable Market Manager: the market service and its desktop app."));
    const app::CommonOptions common;
    common.addTo(parser);
    const ui::GuiOptions gui;
    gui.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QApplication::translate("main", "Run without a window (handled by the launcher)."));
    const QCommandLineOption listen(QStringList{QStringLiteral("listen")}, QApplication::translate("main", "Where the embedded market serves lenders and borrowers (default 127.0.0.1:7400)."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption database(QStringList{QStringLiteral("database")}, QApplication::translate("main", "Database URL of the embedded market."), QStringLiteral("URL"));
    const QCommandLineOption connectTo(QStringList{QStringLiteral("connect")}, QApplication::translate("main", "Attach to a running market as admin."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption marketId(QStringList{QStringLiteral("market-id")}, QApplication::translate("main", "Node ID of the market given with --connect."), QStringLiteral("ID"));
    const QCommandLineOption adminId(QStringList{QStringLiteral("admin-id")}, QApplication::translate("main", "A node ID allowed to administer the embedded market (repeatable)."), QStringLiteral("ID"));
    const QCommandLineOption feePercent(QStringList{QStringLiteral("fee-percent")}, QApplication::translate("main", "Market fee of the embedded market in percent of each charge (default 10)."), QStringLiteral("PERCENT"));
    const QCommandLineOption heartbeat(QStringList{QStringLiteral("heartbeat-timeout")}, QApplication::translate("main", "Seconds without a message after which a lender of the embedded market is offline (default 30)."), QStringLiteral("SECONDS"));
    const QCommandLineOption idleTimeout(QStringList{QStringLiteral("idle-timeout")}, QApplication::translate("main", "Seconds a connection to the embedded market may stay silent before it is closed, 30 to 86400, or 0 for never (default 300)."), QStringLiteral("SECONDS"));
    const QCommandLineOption image(QStringList{QStringLiteral("image")}, QApplication::translate("main", "The embedded market serves the OS image in DIR to lenders as NAME (repeatable)."), QStringLiteral("NAME=DIR"));
    const QCommandLineOption imagesDir(QStringList{QStringLiteral("images")}, QApplication::translate("main", "The embedded market keeps the imported OS images in DIR (default: images in the data directory)."), QStringLiteral("DIR"));
    const QCommandLineOption statsFile(QStringList{QStringLiteral("stats-file")}, QApplication::translate("main", "Headless only (handled by the launcher)."), QStringLiteral("PATH"));
    const QCommandLineOption exportReport(QStringList{QStringLiteral("export-report")}, QApplication::translate("main", "Write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption exportInvoices(QStringList{QStringLiteral("export-invoices")}, QApplication::translate("main", "Write the period's invoices as CSV to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption exportPayouts(QStringList{QStringLiteral("export-payouts")}, QApplication::translate("main", "Write the period's payouts as CSV to PATH, then quit."), QStringLiteral("PATH"));
    const QCommandLineOption period(QStringList{QStringLiteral("period")}, QApplication::translate("main", "The billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last)."), QStringLiteral("DAYS"));
    const QCommandLineOption firstDay(QStringList{QStringLiteral("from")}, QApplication::translate("main", "The billing period's first day (UTC), instead of --period."), QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption lastDay(QStringList{QStringLiteral("to")}, QApplication::translate("main", "The billing period's last day (UTC), included; with --from (default: today)."), QStringLiteral("YYYY-MM-DD"));
    for (const auto *o : {&headless, &listen, &database, &connectTo, &marketId, &adminId, &feePercent, &heartbeat, &idleTimeout, &image,
                          &imagesDir, &statsFile, &exportReport, &exportInvoices, &exportPayouts, &period, &firstDay, &lastDay})
        parser.addOption(*o);
    if (Result<void> parsed = app::parseCommandLine(parser, application.arguments()); !parsed)
        return showFatal(parsed.error());

    // Options of the embedded market mean nothing to a market attached to with --connect,
    // which keeps its own settings: refused rather than silently dropped.
    if (parser.isSet(statsFile))
        return showFatal(Error(ErrorCode::InvalidArgument, QApplication::translate("main", "--stats-file works with --headless only")));
    if (parser.isSet(connectTo)) {
        for (const QCommandLineOption *o : {&listen, &database, &adminId, &feePercent, &heartbeat, &idleTimeout, &image, &imagesDir}) {
            if (parser.isSet(*o))
                return showFatal(Error(ErrorCode::InvalidArgument,
                                       QApplication::translate("main", "--%1 sets up the embedded market; with --connect the market "
                                                                       "keeps its own settings")
                                           .arg(o->names().constFirst())));
        }
    }
    int periodDays = 7;
    if (parser.isSet(period)) {
        periodDays = parser.value(period).toInt();
        if (periodDays != 7 && periodDays != 30 && periodDays != 90)
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "--period takes 7, 30 or 90 days, not '%1'").arg(parser.value(period))));
    }
    // A custom period: whole UTC days, both ends included, as the Billing tab's range.
    std::optional<std::pair<QDate, QDate>> range;
    if (parser.isSet(lastDay) && !parser.isSet(firstDay))
        return showFatal(Error(ErrorCode::InvalidArgument, QApplication::translate("main", "--to needs --from")));
    if (parser.isSet(firstDay)) {
        if (parser.isSet(period))
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "--period and --from each choose the billing period: give one")));
        const auto date = [&parser](const QCommandLineOption &o) -> Result<QDate> {
            const QDate d = QDate::fromString(parser.value(o), QStringLiteral("yyyy-MM-dd"));
            if (!d.isValid())
                return Error(ErrorCode::InvalidArgument, QApplication::translate("main", "--%1 takes a date as YYYY-MM-DD, not '%2'")
                                                             .arg(o.names().constFirst(), parser.value(o)));
            return d;
        };
        Result<QDate> first = date(firstDay);
        if (!first)
            return showFatal(first.error());
        const QDate today = QDateTime::currentDateTimeUtc().date();
        Result<QDate> last = parser.isSet(lastDay) ? date(lastDay) : Result<QDate>(today);
        if (!last)
            return showFatal(last.error());
        if (!parser.isSet(lastDay) && *first > today)
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "--from %1 is after today (%2, UTC), the last day when --to is not given: "
                                                                   "give --to too, or an earlier --from")
                                       .arg(first->toString(Qt::ISODate), today.toString(Qt::ISODate))));
        if (Result<void> ok = market::BillingPage::checkRange(*first, *last); !ok)
            return showFatal(ok.error());
        range.emplace(*first, *last);
    }
    // Each export writes one file of its own: an option given twice (the first file would be
    // silently dropped) or two exports to one file (the second would replace the first) are
    // refused before anything is written.
    QList<Export> exports;
    QHash<QString, QString> writtenBy; // absolute path → the option writing it
    for (const auto &[option, kind] : {std::pair{&exportReport, Export::Report}, std::pair{&exportInvoices, Export::Invoices},
                                      std::pair{&exportPayouts, Export::Payouts}}) {
        if (!parser.isSet(*option))
            continue;
        const QString name = QStringLiteral("--") + option->names().constFirst();
        const QStringList paths = parser.values(*option);
        if (paths.size() > 1)
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "%1 was given %2 times (%3): give it once, with one file")
                                       .arg(name)
                                       .arg(paths.size())
                                       .arg(paths.join(QStringLiteral(", ")))));
        const QString path = paths.constFirst(); // not empty: app::parseCommandLine() refused that
        const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        if (const QString other = writtenBy.value(absolute); !other.isEmpty())
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "%1 and %2 would both write %3: give each its own file").arg(other, name, absolute)));
        writtenBy.insert(absolute, name);
        exports.append(Export{kind, path});
    }
    // An export is a script's command: "wrote FILE" on stdout and, on stderr, what went wrong
    // only, not the embedded market's notes on its start.
    if (!exports.isEmpty()) {
        QLoggingCategory::setFilterRules(QStringLiteral("lendable.*.info=false"));
    }

    const QString dataDir = app::dataDirectory(parser, common, QStringLiteral("market-manager"));
    if (parser.isSet(common.printId))
        return app::printNodeId(dataDir, QStringLiteral("market"));

    Result<Identity> identity = Identity::loadOrCreate(dataDir, QStringLiteral("market"));
    if (!identity.ok())
        return showFatal(identity.error());

    std::unique_ptr<market::MarketService> service;
    protocol::Channel *channel = nullptr;
    QString marketNodeId;
    QString where;
    if (parser.isSet(connectTo)) {
        Result<HostPort> hp = parseHostPort(parser.value(connectTo));
        if (!hp.ok())
            return showFatal(hp.error());
        marketNodeId = parser.value(marketId).trimmed().toLower();
        if (marketNodeId.isEmpty())
            marketNodeId = ui::rememberedNodeId(parser.value(connectTo)); // a market met before
        if (marketNodeId.isEmpty())
            return showFatal(Error(ErrorCode::InvalidArgument,
                                   QApplication::translate("main", "the node ID of the market at %1 is not known here yet: give it "
                                                                   "with --market-id ID (the market prints it with --print-id)")
                                       .arg(parser.value(connectTo))));
        // An export needs the market now; the window waits for it (connectNow() below).
        if (!exports.isEmpty())
            channel = connectAdmin(*hp, *identity, marketNodeId, parser.value(connectTo), &application);
        where = parser.value(connectTo);
    } else {
        Result<market::MarketConfig> config = market::marketConfigFromOptions({.dataDir = dataDir,
                                                                               .adminIds = parser.values(adminId),
                                                                               .feePercent = parser.value(feePercent),
                                                                               .heartbeatS = parser.value(heartbeat),
                                                                               .imagesDir = parser.value(imagesDir),
                                                                               .idleTimeoutS = parser.value(idleTimeout)});
        if (!config)
            return showFatal(config.error());
        const QString url = parser.isSet(database) ? parser.value(database) : QStringLiteral("sqlite:") + dataDir + QStringLiteral("/market.db");
        service = std::make_unique<market::MarketService>(*identity, url, *config);
        Result<ListenAddress> at = parseListenAddress(parser.isSet(listen) ? parser.value(listen) : QStringLiteral("127.0.0.1:7400"));
        if (!at.ok())
            return showFatal(at.error());
        const Result<void> up = service->listen(at->address, at->port);
        if (!up.ok())
            return showFatal(up.error());
        if (Result<QList<protocol::ImageInfo>> added = market::importImageOptions(*service, parser.values(image)); !added)
            return showFatal(added.error());
        marketNodeId = service->nodeId();
        channel = service->connectLocal(identity->nodeId(), QStringLiteral("admin"));
        channel->setParent(&application);
        // An IPv6 address in brackets, as --listen and --connect take it.
        where = QApplication::translate("main", "embedded, serving %1")
                    .arg(HostPort{service->serverAddress().toString(), service->serverPort()}.toString());
    }
    if (channel) {
        const Result<void> up = channel->waitEstablished(15000);
        if (!up.ok())
            return showFatal(up.error());
    }

    market::MarketWindow window(channel, marketNodeId, where, identity->nodeId());
    if (parser.isSet(connectTo)) {
        // A market not reachable yet, restarted, or behind a network that dropped, is
        // attached to by itself as soon as it answers: the window does not wait for it.
        const HostPort hp = *parseHostPort(parser.value(connectTo)); // checked above
        window.setReconnector([hp, id = *identity, marketNodeId, address = parser.value(connectTo), &application] {
            return connectAdmin(hp, id, marketNodeId, address, &application);
        });
        if (!channel)
            window.connectNow();
    }
    // An export lays the window out (its charts go into the PDF as the Billing tab shows
    // them) but does not put it on the screen of the desktop it runs on.
    if (!exports.isEmpty())
        window.setAttribute(Qt::WA_DontShowOnScreen);
    window.show();
    market::BillingPage *billing = window.billingPage();
    // The window opens with the period the user chose last; a period on the command line
    // is shown instead, without being remembered. An export always covers the period its
    // command line says (7 days without one), whatever the window showed last.
    if (range)
        (void)billing->setRange(range->first, range->second); // checked above
    else if (parser.isSet(period) || !exports.isEmpty())
        billing->setLastDays(periodDays);
    if (!exports.isEmpty()) {
        // The charts are drawn into the report as the Billing tab shows them: the tab is
        // shown, and the files are written once its report has come and been laid out.
        window.tabs()->setCurrentWidget(billing);
        QObject::connect(billing, &market::BillingPage::reportLoaded, &window, [billing, exports] {
            QTimer::singleShot(0, billing, [billing, exports] { runExports(billing, exports); });
        }, Qt::SingleShotConnection);
        QObject::connect(billing, &market::BillingPage::error, &window, [](const Error &e) {
            std::fprintf(stderr, "market-manager: %s\n", qPrintable(e.toString()));
            QApplication::exit(1);
        });
        billing->reload();
    } else {
        gui.apply(parser, &window);
    }
    const int rc = QApplication::exec();
    if (service)
        service->shutdown();
    return rc;
}
