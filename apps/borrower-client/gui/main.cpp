// Borrower Client desktop app.

#include "app/AppSupport.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("borrower-client"));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Borrower Client"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Borrower Client: shop offers, run jobs in borrowed partitions, pay."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QCoreApplication::translate("main", "Run one command (offers, borrow, submit, logs, wait, end, bills, receipt) and exit."));
    parser.addOption(cli);
    const QCommandLineOption market(QStringList{QStringLiteral("market")}, QCoreApplication::translate("main", "Market to use."), QStringLiteral("ADDR:PORT"));
    parser.addOption(market);
    const QCommandLineOption market_id(QStringList{QStringLiteral("market-id")}, QCoreApplication::translate("main", "Node ID of the market."), QStringLiteral("ID"));
    parser.addOption(market_id);
    const QCommandLineOption json(QStringList{QStringLiteral("json")}, QCoreApplication::translate("main", "Print one JSON document per command."));
    parser.addOption(json);
    parser.process(app);

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("borrower-client"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("borrower"));

    QMainWindow window;
    window.setObjectName(QStringLiteral("mainWindow"));
    window.setCentralWidget(new QLabel(QApplication::translate("main", "Borrower Client"), &window));
    window.resize(1000, 700);
    window.show();
    return app.exec();
}
