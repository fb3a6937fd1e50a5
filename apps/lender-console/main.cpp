// Lender Console launcher. Links no Widgets: the headless agent and the owner CLI run here,
// and the desktop app (lender-console-gui) is exec'd only when a window is wanted.

#include "AgentOptions.h"
#include "LenderAgent.h"
#include "OwnerCli.h"
#include "app/AppSupport.h"
#include "util/Paths.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalFd[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalFd[1], &c, 1);
}

// SIGTERM/SIGINT end the event loop cleanly (domains keep running: a restarted agent
// resumes them).
void installQuitOnSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFd[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(g_signalFd[0], &c, 1);
        app.quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("lender-console"));
    // Before any option is made: their descriptions are translated then.
    lendable::app::installTranslations(app, QStringLiteral("lender-console"), lendable::app::requestedLanguage(app.arguments()));

    // The CLI has sub-commands with their own options: it parses its arguments itself.
    QStringList args = QCoreApplication::arguments();
    if (args.contains(QStringLiteral("--cli"))) {
        args.removeFirst();
        args.removeAll(QStringLiteral("--cli"));
        return lendable::lender::runOwnerCli(args, lendable::defaultDataDir(QStringLiteral("lender-console")));
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Lender Console: the lender agent (partitions, lock, jobs) and its desktop app."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const lendable::app::DesktopOptions desktop; // passed on to the desktop app
    desktop.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QCoreApplication::translate("main", "Run the lender agent without a window."));
    parser.addOption(headless);
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QCoreApplication::translate("main", "Run one owner command against the running agent (see --cli --help)."));
    parser.addOption(cli);
    const lendable::lender::AgentCommandLine agentOptions(QStringLiteral("127.0.0.1:0"));
    agentOptions.addTo(parser);
    const QCommandLineOption connect(QStringList{QStringLiteral("connect")}, QCoreApplication::translate("main", "Attach to a running agent instead of starting one (repeatable in the GUI)."), QStringLiteral("ADDR:PORT"));
    parser.addOption(connect);
    // Read by the desktop app (lender-console-gui), which this program runs with the same
    // arguments; declared here too, or the parser would refuse it.
    const QCommandLineOption agentId(QStringList{QStringLiteral("agent-id")}, QCoreApplication::translate("main", "Node ID of each --connect agent, in order (default: from the data directory's agent.address)."), QStringLiteral("ID"));
    parser.addOption(agentId);
    if (lendable::Result<void> parsed = lendable::app::parseCommandLine(parser, app.arguments()); !parsed)
        return lendable::app::fail(parsed.error());

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("lender-console"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("lender"));
    if (!parser.isSet(headless))
        return lendable::app::execGui(QStringLiteral("lender-console-gui"));

    using namespace lendable;
    if (Result<void> ok = app::refuseDesktopOnly(parser, {&desktop.screenshot, &desktop.tab, &desktop.screenshotDelay, &connect, &agentId}); !ok)
        return app::fail(ok.error());
    Result<lender::AgentConfig> config = lender::agentConfigFromOptions(agentOptions.texts(parser, dataDir));
    if (!config.ok())
        return app::fail(config.error());

    installQuitOnSignals(app);
    Result<std::unique_ptr<lender::LenderAgent>> agent = lender::LenderAgent::create(*config);
    if (!agent.ok())
        return app::fail(agent.error());
    if (Result<void> s = (*agent)->start(); !s.ok())
        return app::fail(s.error());
    std::printf("lender %s listening on %s\n", qPrintable((*agent)->nodeId()), qPrintable((*agent)->localAddress()));
    std::fflush(stdout);
    const int rc = app.exec();
    agent->reset();
    return rc;
}
