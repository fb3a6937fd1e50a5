// Lender Console launcher. Links no Widgets: the headless and CLI modes run here, and the
// desktop app (lender-console-gui) is exec'd only when a window is wanted.

#include "app/AppSupport.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("lender-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Lender Console: the lender agent (partitions, lock, jobs) and its desktop app."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QCoreApplication::translate("main", "Run the lender agent without a window."));
    parser.addOption(headless);
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QCoreApplication::translate("main", "Run one owner command against the running agent (see --cli help)."));
    parser.addOption(cli);
    const QCommandLineOption listen(QStringList{QStringLiteral("listen")}, QCoreApplication::translate("main", "Address the agent serves borrowers and the owner on."), QStringLiteral("ADDR:PORT"));
    parser.addOption(listen);
    const QCommandLineOption market(QStringList{QStringLiteral("market")}, QCoreApplication::translate("main", "A market to register partitions with (repeatable)."), QStringLiteral("ADDR:PORT"));
    parser.addOption(market);
    const QCommandLineOption market_id(QStringList{QStringLiteral("market-id")}, QCoreApplication::translate("main", "Node ID of that market (repeatable, in the same order)."), QStringLiteral("ID"));
    parser.addOption(market_id);
    const QCommandLineOption libvirt(QStringList{QStringLiteral("libvirt")}, QCoreApplication::translate("main", "libvirt connection URI."), QStringLiteral("URI"));
    parser.addOption(libvirt);
    const QCommandLineOption connect(QStringList{QStringLiteral("connect")}, QCoreApplication::translate("main", "Attach to a running agent instead of starting one (repeatable in the GUI)."), QStringLiteral("ADDR:PORT"));
    parser.addOption(connect);
    parser.process(app);

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("lender-console"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("lender"));
    if (parser.isSet(headless))
        return lendable::app::fail(lendable::Error(lendable::ErrorCode::Unsupported,
            QCoreApplication::translate("main", "the headless service is not built yet")));
    if (parser.isSet(cli))
        return lendable::app::fail(lendable::Error(lendable::ErrorCode::Unsupported,
            QCoreApplication::translate("main", "the command-line mode is not built yet")));
    return lendable::app::execGui(QStringLiteral("lender-console-gui"));
}
