// Lender Console desktop app. Without --connect it runs the lender agent in process (the
// embedded default); with --connect (repeatable) it shows one tab per remote agent, talking
// to each as its owner.

#include "AgentOptions.h"
#include "LenderAgent.h"
#include "LenderWindow.h"
#include "app/AppSupport.h"
#include "protocol/LocalChannel.h"
#include "protocol/SslChannel.h"
#include "ui/GuiSupport.h"

#include <QApplication>
#include <QFile>

using namespace lendable;

namespace {
int showFatal(const Error &error)
{
    return ui::showStartupError(QApplication::translate("main", "Lendable Lender Console"), error);
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    app::setApplicationInfo(QStringLiteral("lender-console"));
    // Before the options are made: their descriptions (--help) are translated then.
    app::installTranslations(application, QStringLiteral("lender-console"), app::requestedLanguage(application.arguments()));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Lendable Lender Console"));
    QApplication::setQuitOnLastWindowClosed(false); // the tray keeps lending visible

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Lendable Lender Console: partition your machine and lend it."));
    const app::CommonOptions common;
    common.addTo(parser);
    const ui::GuiOptions gui;
    gui.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QApplication::translate("main", "Run without a window (handled by the launcher)."));
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QApplication::translate("main", "Command-line mode (handled by the launcher)."));
    const lender::AgentCommandLine agentOptions(QStringLiteral("127.0.0.1:7401"));
    agentOptions.addTo(parser);
    const QCommandLineOption connectTo(QStringList{QStringLiteral("connect")}, QApplication::translate("main", "Attach to a running agent (repeatable: a tab per machine)."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption agentId(QStringList{QStringLiteral("agent-id")}, QApplication::translate("main", "Node ID of each --connect agent, in order (default: from the data directory's agent.address)."), QStringLiteral("ID"));
    for (const auto *o : {&headless, &cli, &connectTo, &agentId})
        parser.addOption(*o);
    if (Result<void> parsed = app::parseCommandLine(parser, application.arguments()); !parsed)
        return showFatal(parsed.error());

    // Options of the embedded agent mean nothing to agents attached to with --connect, which
    // keep their own settings: refused rather than silently dropped.
    if (parser.isSet(connectTo)) {
        for (const QCommandLineOption *o : agentOptions.all()) {
            if (parser.isSet(*o))
                return showFatal(Error(ErrorCode::InvalidArgument,
                                       QApplication::translate("main", "--%1 sets up the embedded agent; with --connect each agent "
                                                                       "keeps its own settings")
                                           .arg(o->names().constFirst())));
        }
    }

    const QString dataDir = app::dataDirectory(parser, common, QStringLiteral("lender-console"));
    if (parser.isSet(common.printId))
        return app::printNodeId(dataDir, QStringLiteral("lender"));

    std::unique_ptr<lender::LenderAgent> agent;
    Result<Identity> identity = Identity::loadOrCreate(dataDir, QStringLiteral("lender"));
    if (!identity.ok())
        return showFatal(identity.error());
    lender::LenderWindow window(identity->nodeId());
    protocol::HandshakeConfig owner;
    owner.localRole = QStringLiteral("owner");

    if (parser.isSet(connectTo)) {
        const QStringList addresses = parser.values(connectTo);
        QStringList ids = parser.values(agentId);
        for (qsizetype i = ids.size(); ids.size() < addresses.size(); ++i) {
            // An agent met before is remembered by address.
            const QString remembered = ui::rememberedNodeId(addresses[i]);
            if (remembered.isEmpty())
                break;
            ids.append(remembered);
        }
        if (ids.isEmpty() && addresses.size() == 1) {
            QFile f(lender::LenderAgent::addressFilePath(dataDir));
            if (f.open(QIODevice::ReadOnly))
                ids.append(QString::fromUtf8(f.readAll()).split(QLatin1Char('\n')).value(1).trimmed());
        }
        if (ids.size() != addresses.size())
            return showFatal(Error(ErrorCode::InvalidArgument, QApplication::translate("main", "give one --agent-id per --connect")));
        QList<lender::MarketEndpoint> endpoints;
        for (qsizetype i = 0; i < addresses.size(); ++i) {
            Result<lender::MarketEndpoint> e = lender::MarketEndpoint::parse(addresses[i], ids[i]);
            if (!e.ok())
                return showFatal(e.error());
            endpoints.append(*e);
        }
        // Each agent is connected to by its own tab, all at once: one that is down, or slow to
        // answer, neither stops the window from opening nor holds up the others. A tab tries
        // again until its agent answers, and again whenever the connection is lost.
        for (qsizetype i = 0; i < addresses.size(); ++i) {
            const QString address = addresses[i];
            const QString id = ids[i].toLower();
            lender::MachineTab *tab = window.addMachine(nullptr, address);
            tab->setReconnector([host = endpoints[i].host, port = endpoints[i].port, identity = *identity, id, address, owner, &application] {
                protocol::Channel *channel = protocol::SslChannel::connectTo(host, port, identity, id, owner, &application);
                QObject::connect(channel, &protocol::Channel::established, &application, [address, id] { ui::rememberConnection(address, id); });
                return channel;
            });
            tab->connectNow();
        }
    } else {
        Result<lender::AgentConfig> config = lender::agentConfigFromOptions(agentOptions.texts(parser, dataDir));
        if (!config.ok())
            return showFatal(config.error());
        Result<std::unique_ptr<lender::LenderAgent>> created = lender::LenderAgent::create(*config);
        if (!created.ok())
            return showFatal(created.error());
        agent = std::move(*created);
        if (const Result<void> started = agent->start(); !started.ok())
            return showFatal(started.error());
        protocol::Channel *channel = agent->server()->connectLocal(agent->nodeId(), owner);
        channel->setParent(&application);
        if (const Result<void> up = channel->waitEstablished(15000); !up.ok())
            return showFatal(up.error());
        window.addMachine(channel, agent->localAddress(), true);
    }
    window.show();
    gui.apply(parser, &window);
    return QApplication::exec();
}
