// Borrower Client launcher. Links no Widgets: the headless and CLI modes run here, and the
// desktop app (borrower-client-gui) is exec'd only when a window is wanted.

#include "BorrowerCli.h"

#include "app/AppSupport.h"

#include <QCoreApplication>

using lendable::Result;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("borrower-client"));
    // Before any option is made: their descriptions are translated then.
    lendable::app::installTranslations(app, QStringLiteral("borrower-client"), lendable::app::requestedLanguage(app.arguments()));

    // The CLI has sub-commands with options of their own; it parses the whole line itself.
    const QStringList args = app.arguments().mid(1);
    if (args.contains(QStringLiteral("--cli")))
        return lendable::borrower::runCli(args);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Borrower Client: shop offers, run jobs in borrowed partitions, pay."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const lendable::app::DesktopOptions desktop; // passed on to the desktop app
    desktop.addTo(parser);
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QCoreApplication::translate("main", "Run one command (offers, borrow, submit, logs, wait, cancel, end, bills, receipt, name) and exit."));
    parser.addOption(cli);
    const QCommandLineOption market(QStringList{QStringLiteral("market")}, QCoreApplication::translate("main", "Market to use."), QStringLiteral("ADDR:PORT"));
    parser.addOption(market);
    const QCommandLineOption market_id(QStringList{QStringLiteral("market-id")}, QCoreApplication::translate("main", "Node ID of the market."), QStringLiteral("ID"));
    parser.addOption(market_id);
    const QCommandLineOption json(QStringList{QStringLiteral("json")}, QCoreApplication::translate("main", "Print one JSON document per command."));
    parser.addOption(json);
    if (Result<void> parsed = lendable::app::parseCommandLine(parser, app.arguments()); !parsed)
        return lendable::app::fail(parsed.error());

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("borrower-client"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("borrower"));
    if (parser.isSet(cli)) // reached only if "--cli" was spelt differently (e.g. "-cli")
        return lendable::borrower::runCli(args);
    if (parser.isSet(json)) // the desktop app prints nothing to parse
        return lendable::app::fail(lendable::Error(lendable::ErrorCode::InvalidArgument,
                                                   QCoreApplication::translate("main", "--json goes with --cli: borrower-client --cli --json COMMAND")));
    return lendable::app::execGui(QStringLiteral("borrower-client-gui"));
}
