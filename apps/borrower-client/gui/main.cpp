// Borrower Client desktop app: shop offers, contract, run and watch jobs, end and pay.

#include "BorrowerSession.h"
#include "BorrowerWindow.h"
#include "app/AppSupport.h"
#include "ui/GuiSupport.h"

#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

using namespace lendable;

namespace {
/// Asks for the market once; the session remembers it (trust on first use, made visible).
bool askForMarket(borrower::BorrowerSession &session, const QString &givenAddress, const QString &knownId)
{
    QDialog dialog;
    dialog.setObjectName(QStringLiteral("connectDialog"));
    dialog.setWindowTitle(QApplication::translate("main", "Connect to a market"));
    auto *form = new QFormLayout(&dialog);
    auto *intro = new QLabel(QApplication::translate("main",
        "Enter the market's address and its node ID (ask its operator, or run "
        "<tt>market-manager --print-id</tt> on it). The ID is pinned: a different market at that address is refused."), &dialog);
    intro->setWordWrap(true);
    form->addRow(intro);
    auto *address = new QLineEdit(givenAddress.isEmpty() ? QStringLiteral("127.0.0.1:7400") : givenAddress, &dialog);
    auto *id = new QLineEdit(knownId, &dialog);
    id->setMinimumWidth(520);
    form->addRow(QApplication::translate("main", "Address"), address);
    form->addRow(QApplication::translate("main", "Market ID"), id);
    auto *error = new QLabel(&dialog);
    error->setStyleSheet(QStringLiteral("color: #b00020"));
    form->addRow(error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        // Both, or nothing is kept and every request would fail.
        if (address->text().trimmed().isEmpty() || id->text().trimmed().isEmpty()) {
            error->setText(QApplication::translate("main", "Enter both the market's address and its ID."));
            return;
        }
        const Result<void> r = session.setMarket(address->text().trimmed(), id->text().trimmed());
        if (r.ok())
            dialog.accept();
        else
            error->setText(r.error().message);
    });
    return dialog.exec() == QDialog::Accepted;
}
} // namespace

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
    if ((session.marketAddress().isEmpty() || session.marketId().isEmpty() || addressWithoutId)
        && !askForMarket(session, session.marketAddress(), session.marketId()))
        return 1;

    borrower::BorrowerWindow window(&session);
    window.show();
    gui.apply(parser, &window);
    return QApplication::exec();
}
