// Lender Console desktop app.

#include "app/AppSupport.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("lender-console"));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Lender Console"));

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

    QMainWindow window;
    window.setObjectName(QStringLiteral("mainWindow"));
    window.setCentralWidget(new QLabel(QApplication::translate("main", "Lender Console"), &window));
    window.resize(1000, 700);
    window.show();
    return app.exec();
}
