// Market Manager desktop app. Started without --connect it runs the market service in
// process (the embedded default) and serves it on --listen for lenders and borrowers;
// with --connect it attaches to a running market as admin.

#include "MarketService.h"
#include "MarketWindow.h"
#include "app/AppSupport.h"
#include "protocol/SslChannel.h"
#include "ui/GuiSupport.h"
#include "util/HostPort.h"

#include <QApplication>

#include <memory>

using namespace lendable;

namespace {
int showFatal(const Error &error)
{
    return ui::showStartupError(QApplication::translate("main", "Lendable Market Manager"), error);
}

} // namespace

int main(int argc, char *argv[])
{
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
    for (const auto *o : {&headless, &listen, &database, &connectTo, &marketId, &adminId})
        parser.addOption(*o);
    parser.process(application);

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
        protocol::HandshakeConfig config;
        config.localRole = QStringLiteral("admin");
        channel = protocol::SslChannel::connectTo(hp->host, hp->port, *identity, marketNodeId, config, &application);
        where = parser.value(connectTo);
    } else {
        market::MarketConfig config;
        config.dataDir = dataDir;
        config.adminIds = parser.values(adminId);
        const QString url = parser.isSet(database) ? parser.value(database) : QStringLiteral("sqlite:") + dataDir + QStringLiteral("/market.db");
        service = std::make_unique<market::MarketService>(*identity, url, config);
        Result<ListenAddress> at = parseListenAddress(parser.isSet(listen) ? parser.value(listen) : QStringLiteral("127.0.0.1:7400"));
        if (!at.ok())
            return showFatal(at.error());
        const Result<void> up = service->listen(at->address, at->port);
        if (!up.ok())
            return showFatal(up.error());
        marketNodeId = service->nodeId();
        channel = service->connectLocal(identity->nodeId(), QStringLiteral("admin"));
        channel->setParent(&application);
        // An IPv6 address in brackets, as --listen and --connect take it.
        where = QApplication::translate("main", "embedded, serving %1")
                    .arg(HostPort{service->serverAddress().toString(), service->serverPort()}.toString());
    }
    const Result<void> up = channel->waitEstablished(15000);
    if (!up.ok())
        return showFatal(up.error());
    if (parser.isSet(connectTo))
        ui::rememberConnection(parser.value(connectTo), marketNodeId);

    market::MarketWindow window(channel, marketNodeId, where, identity->nodeId());
    window.show();
    gui.apply(parser, &window);
    const int rc = QApplication::exec();
    if (service)
        service->shutdown();
    return rc;
}
