// Borrower Client desktop app: shop offers, contract, run and watch jobs, end and pay.

#include "BorrowerSession.h"
#include "BorrowerWindow.h"
#include "MarketDialog.h"
#include "app/AppSupport.h"
#include "ui/GuiSupport.h"

#include <QApplication>

using namespace lendable;

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    app::setApplicationInfo(QStringLiteral("borrower-client"));
    // Before the options are made: their descriptions (--help) are translated then.
    app::installTranslations(application, QStringLiteral("borrower-client"), app::requestedLanguage(application.arguments()));
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Lendable Borrower Client"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Lendable Borrower Client: shop offers, run jobs in borrowed partitions, pay."));
    const app::CommonOptions common;
    common.addTo(parser);
    const ui::GuiOptions gui;
    gui.addTo(parser);
    const QCommandLineOption cli(QStringList{QStringLiteral("cli")}, QApplication::translate("main", "Command-line mode (handled by the launcher)."));
    const QCommandLineOption market(QStringList{QStringLiteral("market")}, QApplication::translate("main", "Market to use."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption marketId(QStringList{QStringLiteral("market-id")}, QApplication::translate("main", "Node ID of the market."), QStringLiteral("ID"));
    for (const auto *o : {&cli, &market, &marketId})
        parser.addOption(*o);
    if (Result<void> parsed = app::parseCommandLine(parser, application.arguments()); !parsed)
        return ui::showStartupError(QApplication::applicationDisplayName(), parsed.error());

    const QString dataDir = app::dataDirectory(parser, common, QStringLiteral("borrower-client"));
    if (parser.isSet(common.printId))
        return app::printNodeId(dataDir, QStringLiteral("borrower"));

    borrower::BorrowerSession session(dataDir);
    if (const Result<void> opened = session.open(); !opened.ok()) {
        return ui::showStartupError(QApplication::applicationDisplayName(), opened.error());
    }
    if (const Result<void> r = session.setMarket(parser.value(market), parser.value(marketId)); !r.ok()) {
        return ui::showStartupError(QApplication::applicationDisplayName(), r.error());
    }
    // No market yet, or one named without its ID: asked for, with the address given and the ID
    // remembered (if any) filled in, so that a new address is never paired with an old ID
    // without a word.
    const bool addressWithoutId = parser.isSet(market) && !parser.isSet(marketId);
    // Asked once; the session remembers it (trust on first use, made visible).
    if (session.marketAddress().isEmpty() || session.marketId().isEmpty() || addressWithoutId) {
        borrower::MarketDialog dialog(&session, session.marketAddress());
        if (dialog.exec() != QDialog::Accepted)
            return 1;
    }

    borrower::BorrowerWindow window(&session);
    window.show();
    gui.apply(parser, &window);
    return QApplication::exec();
}
