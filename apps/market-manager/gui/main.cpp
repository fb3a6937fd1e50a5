// Market Manager desktop app.

#include "app/AppSupport.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    lendable::app::setApplicationInfo(QStringLiteral("market-manager"));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Market Manager"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Lendable Market Manager: the market service (resource database, contracts, billing) and its desktop app."));
    const lendable::app::CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption headless(QStringList{QStringLiteral("headless")}, QCoreApplication::translate("main", "Run the market service without a window until SIGTERM/SIGINT."));
    parser.addOption(headless);
    const QCommandLineOption listen(QStringList{QStringLiteral("listen")}, QCoreApplication::translate("main", "Address to serve the protocol on (headless default 0.0.0.0:7400)."), QStringLiteral("ADDR:PORT"));
    parser.addOption(listen);
    const QCommandLineOption database(QStringList{QStringLiteral("database")}, QCoreApplication::translate("main", "Database URL: sqlite:PATH (default: in the data directory) or postgresql://…"), QStringLiteral("URL"));
    parser.addOption(database);
    const QCommandLineOption connect(QStringList{QStringLiteral("connect")}, QCoreApplication::translate("main", "Attach the desktop app to a running market as admin."), QStringLiteral("ADDR:PORT"));
    parser.addOption(connect);
    parser.process(app);

    const QString dataDir = lendable::app::dataDirectory(parser, common, QStringLiteral("market-manager"));
    if (parser.isSet(common.printId))
        return lendable::app::printNodeId(dataDir, QStringLiteral("market"));

    QMainWindow window;
    window.setObjectName(QStringLiteral("mainWindow"));
    window.setCentralWidget(new QLabel(QApplication::translate("main", "Market Manager"), &window));
    window.resize(1000, 700);
    window.show();
    return app.exec();
}
