// The Borrower Client offscreen against a real headless market and lender agent (separate
// processes, real TLS, a real VM job): filter the offers, pick one, borrow it, submit a job,
// see its output arrive in the console, and end the contract with the charge shown.

#include "../borrower/CliHarness.h"
#include "../borrower/FreezingRelay.h"

#include "BorrowerSession.h"
#include "BorrowerWindow.h"
#include "MarketDialog.h"
#include "protocol/ReceiptJson.h"
#include "ui/ErrorBanner.h"
#include "ui/Format.h"

#include <QApplication>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QTimer>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QHeaderView>
#include <QAction>
#include <QStatusBar>
#include <QScopeGuard>
#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <csignal>

#include "GuiTimeouts.h"
#include "MessageBoxes.h"

using namespace lendable;
using namespace cliharness;
using lendable::test::answerMessageBox;

class TestBorrowerGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void filterPickSubmitWatchEnd();
    void nameIsShownOnceTheMarketTakesIt();
    void queryErrorIsShownInTheWindow();
    void billsSortByNumberAndShowWhole();
    void dearerTermsAreNotBorrowed();
    void unreachableMarketIsShownUntilItAnswers();
    void anotherMarketIsChosenFromTheMenu();
    void inputsAreCheckedBeforeTheyAreRead();
    void laterPagesKeepTheSearchShown();
    void consoleKeepsCharactersSplitAcrossChunks();
    void timeLimitStopsTheContractTab();
    void billsSayWhenOnlyTheNewestAreListed();
    void lostBorrowAnswerIsAskedForAgain();
    void windowClosedWhileBorrowingLosesNothing();
    void cleanupTestCase();

private:
    Run lender(const QStringList &args)
    {
        return runProgram(bin(QStringLiteral("lender-console")),
                          QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")), QStringLiteral("--json")} + args);
    }
    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/lendable-bgui-XXXXXX")};
    Service m_market;
    Service m_lender;
    /// The offer of the small partition (rate 0.5) as the offers list shows it now.
    std::optional<protocol::Offer> cheapOffer();
    std::unique_ptr<borrower::BorrowerSession> m_session;
    std::unique_ptr<borrower::BorrowerWindow> m_window;
};

void TestBorrowerGui::initTestCase()
{
    QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    const QString image = QStringLiteral("/var/tmp/lendable-cache/busybox");
    if (!QFile::exists(image + QStringLiteral("/image.json"))) {
        const Run build = runProgram(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"), {image}, 900'000);
        QVERIFY2(build.exitCode == 0, qPrintable(build.describe()));
    }
    QVERIFY2(m_market.start(bin(QStringLiteral("market-manager")),
                            {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"),
                             m_dir.filePath(QStringLiteral("market"))},
                            QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(m_market.log()));
    const QString marketId = m_market.match.captured(1);
    const QString marketAddress = m_market.match.captured(2);
    QVERIFY2(m_lender.start(bin(QStringLiteral("lender-console")),
                            {QStringLiteral("--headless"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")), QStringLiteral("--listen"),
                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--market"), marketAddress, QStringLiteral("--market-id"), marketId},
                            QRegularExpression(QStringLiteral("^lender ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(m_lender.log()));
    // A write to a closed peer (libvirt's keepalive to a libvirtd that went away) must not
    // kill the agent or the market: both ignore SIGPIPE.
    QVERIFY(m_lender.ignores(SIGPIPE));
    QVERIFY(m_market.ignores(SIGPIPE));
    QCOMPARE(lender({QStringLiteral("image"), QStringLiteral("add"), QStringLiteral("busybox"), image}).exitCode, 0);
    // Two partitions: a small cheap one and a bigger dearer one.
    for (const auto &[cpus, memory, rate] : {std::tuple{"1", "256M", "0.5"}, std::tuple{"1", "512M", "1.25"}}) {
        const Run p = lender({QStringLiteral("partition"), QStringLiteral("create"), QStringLiteral("--cpus"), QLatin1String(cpus), QStringLiteral("--memory"),
                              QLatin1String(memory), QStringLiteral("--disk"), QStringLiteral("1G"), QStringLiteral("--rate"), QLatin1String(rate),
                              QStringLiteral("--os"), QStringLiteral("busybox")});
        QVERIFY2(p.exitCode == 0, qPrintable(p.describe()));
        QCOMPARE(lender({QStringLiteral("partition"), QStringLiteral("register"), p.object().value(QStringLiteral("partition_id")).toString()}).exitCode, 0);
    }
    m_session = std::make_unique<borrower::BorrowerSession>(m_dir.filePath(QStringLiteral("borrower")));
    QVERIFY(m_session->open().ok());
    QVERIFY(m_session->setMarket(marketAddress, marketId).ok());
    m_window = std::make_unique<borrower::BorrowerWindow>(m_session.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestBorrowerGui::filterPickSubmitWatchEnd()
{
    borrower::OffersPage *offers = m_window->offersPage();
    QTRY_COMPARE_WITH_TIMEOUT(offers->model()->total(), qint64(2), 15000);
    // The cheapest first; a click on Rate turns the order round in the market; Lender is not
    // an order the market keeps, and a click on it leaves the arrow on Rate.
    QHeaderView *header = offers->view()->horizontalHeader();
    const auto clickHeader = [header](int section) {
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(section) + header->sectionSize(section) / 2, header->height() / 2));
    };
    QTRY_VERIFY(offers->model()->isRowLoaded(0));
    QCOMPARE(offers->model()->index(0, 6).data().toString(), QStringLiteral("0.50"));
    clickHeader(6);
    QTRY_COMPARE(offers->model()->isRowLoaded(0) ? offers->model()->index(0, 6).data().toString() : QString(), QStringLiteral("1.25"));
    clickHeader(0);
    QCOMPARE(header->sortIndicatorSection(), 6);
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    clickHeader(6);
    QTRY_COMPARE(offers->model()->isRowLoaded(0) ? offers->model()->index(0, 6).data().toString() : QString(), QStringLiteral("0.50"));
    // The time limit is an order the market keeps as well (neither offer has a limit: both
    // come, the search did not fail).
    clickHeader(8);
    QCOMPARE(header->sortIndicatorSection(), 8);
    QTRY_VERIFY(offers->model()->isRowLoaded(0) && offers->model()->isRowLoaded(1));
    QVERIFY2(offers->explanationLabel()->text().contains(QStringLiteral("2 offer(s) match")), qPrintable(offers->explanationLabel()->text()));
    offers->view()->sortByColumn(6, Qt::AscendingOrder);
    QTRY_COMPARE(offers->model()->isRowLoaded(0) ? offers->model()->index(0, 6).data().toString() : QString(), QStringLiteral("0.50"));
    // Filter: at least 512M of memory leaves the bigger partition only.
    QTest::keyClicks(offers->memoryFilter(), QStringLiteral("512M"));
    QTest::keyClick(offers->memoryFilter(), Qt::Key_Return);
    QTRY_COMPARE(offers->model()->total(), qint64(1));
    QTRY_VERIFY(offers->model()->isRowLoaded(0));
    QCOMPARE(offers->model()->index(0, 6).data().toString(), QStringLiteral("1.25"));
    // Pick it and borrow it (the confirmation dialog is answered by borrowOffer(…, false)).
    offers->view()->selectRow(0);
    QTRY_VERIFY(offers->borrowButton()->isEnabled());
    const std::optional<protocol::Offer> offer = offers->selectedOffer();
    QVERIFY(offer.has_value());
    m_window->borrowOffer(*offer, false);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->count(), 3, 15000);
    auto *contract = qobject_cast<borrower::ContractPage *>(m_window->tabs()->currentWidget());
    QVERIFY(contract);
    QCOMPARE(contract->contract().ratePerHour, Money::fromMicros(1'250'000));

    // Submit a job and see its output arrive live.
    contract->scriptEdit()->setPlainText(QStringLiteral("echo gui-output-arrives\necho second line\nexit 4\n"));
    QTest::mouseClick(contract->submitButton(), Qt::LeftButton);
    // While it is submitted, there is no job to cancel yet.
    QVERIFY(!contract->submitButton()->isEnabled());
    QVERIFY(!contract->cancelButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!contract->currentJobId().isEmpty(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(contract->console()->toPlainText().contains(QStringLiteral("gui-output-arrives")), 120000);
    QTRY_VERIFY_WITH_TIMEOUT(contract->stateLabel()->text().contains(QStringLiteral("exit code 4")), 60000);
    QVERIFY(!contract->console()->toPlainText().contains(QStringLiteral("LENDABLE-JOB")));

    // The tab names the partition; its tooltip the whole contract ID.
    const int tab = m_window->tabs()->indexOf(contract);
    QVERIFY2(m_window->tabs()->tabText(tab).startsWith(contract->contract().partitionId + QStringLiteral(" · since ")),
             qPrintable(m_window->tabs()->tabText(tab)));
    QVERIFY(m_window->tabs()->tabToolTip(tab).contains(contract->contract().contractId));
    // The history line of the job just ended reads like those of earlier jobs.
    QTRY_VERIFY(contract->history()->count() >= 1);
    const QString line = contract->history()->item(0)->text();
    QVERIFY2(line.contains(contract->currentJobId() + QStringLiteral("  busybox  failed (exit code 4)")), qPrintable(line));

    // Closing the tab ends nothing: the window says the contract still runs, and the Bills
    // page opens it again on a double-click.
    const QString contractId = contract->contract().contractId;
    emit m_window->tabs()->tabCloseRequested(tab);
    QTRY_COMPARE(m_window->tabs()->count(), 2);
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("Contract %1 keeps running").arg(contractId)),
             qPrintable(m_window->errorBanner()->text()));
    m_window->tabs()->setCurrentWidget(m_window->billsPage());
    m_window->billsPage()->reload();
    QTableWidget *billsTable = m_window->billsPage()->table();
    QTRY_VERIFY_WITH_TIMEOUT(!billsTable->findItems(contractId, Qt::MatchExactly).isEmpty(), 15000);
    QTRY_VERIFY(billsTable->isVisible());
    QTableWidgetItem *running = billsTable->findItems(contractId, Qt::MatchExactly).first();
    billsTable->scrollToItem(running);
    const QPoint at = billsTable->visualItemRect(running).center();
    QTest::mouseClick(billsTable->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(billsTable->viewport(), Qt::LeftButton, {}, at);
    QTRY_COMPARE(m_window->tabs()->count(), 3);
    billsTable->clearSelection();
    contract = qobject_cast<borrower::ContractPage *>(m_window->tabs()->currentWidget());
    QVERIFY(contract);
    QCOMPARE(contract->contract().contractId, contractId);
    // So does File › Open running contracts (also for one lent directly, which Bills lacks).
    emit m_window->tabs()->tabCloseRequested(m_window->tabs()->indexOf(contract));
    QTRY_COMPARE(m_window->tabs()->count(), 2);
    auto *reopen = m_window->findChild<QAction *>(QStringLiteral("openRunningContractsAction"));
    QVERIFY(reopen);
    reopen->trigger();
    QCOMPARE(m_window->tabs()->count(), 3);
    contract = qobject_cast<borrower::ContractPage *>(m_window->tabs()->widget(2));
    QVERIFY(contract);
    QCOMPARE(contract->contract().contractId, contractId);
    m_window->tabs()->setCurrentWidget(contract);
    m_window->errorBanner()->hide();

    // End the contract: a dialog asks first, with the charge so far; Cancel keeps it running.
    QString said;
    answerMessageBox(QStringLiteral("endContractDialog"), QMessageBox::Cancel, &said);
    QTest::mouseClick(contract->endButton(), Qt::LeftButton);
    QVERIFY2(said.contains(contract->contract().contractId) && said.contains(QStringLiteral("The charge so far is")), qPrintable(said));
    QVERIFY(contract->endButton()->isEnabled());
    QVERIFY(contract->chargeLabel()->text().isEmpty());
    // Ended when agreed: the final charge is shown.
    answerMessageBox(QStringLiteral("endContractDialog"), QMessageBox::Ok, &said);
    QTest::mouseClick(contract->endButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(contract->chargeLabel()->text().contains(QStringLiteral("charge")), 15000);
    QVERIFY(contract->chargeLabel()->text().contains(QStringLiteral("verified")));
    QVERIFY(!contract->submitButton()->isEnabled());
    QVERIFY2(m_window->errorBanner()->text().isEmpty(), qPrintable(m_window->errorBanner()->text()));
}

void TestBorrowerGui::nameIsShownOnceTheMarketTakesIt()
{
    // File › Your name at the market…: the market keeps the name, the status bar shows it; a
    // name the market refuses is shown as an error and changes nothing.
    QStatusBar *status = m_window->statusBar();
    QVERIFY(!status->currentMessage().contains(QStringLiteral("known there as")));
    QVERIFY(m_window->findChild<QAction *>(QStringLiteral("displayNameAction")));
    m_window->setDisplayName(QStringLiteral(" Dr. Who's lab "));
    QTRY_VERIFY(status->currentMessage().contains(QStringLiteral("known there as \"Dr. Who's lab\"")));
    QCOMPARE(m_session->displayName(), QStringLiteral("Dr. Who's lab"));
    m_window->setDisplayName(QStringLiteral("tab\tname"));
    QTRY_VERIFY(m_window->errorBanner()->text().contains(QStringLiteral("control character")));
    QCOMPARE(m_session->displayName(), QStringLiteral("Dr. Who's lab"));
    m_window->setDisplayName(QString());
    QTRY_VERIFY2(!status->currentMessage().contains(QStringLiteral("known there as")), qPrintable(m_window->errorBanner()->text()));
    QCOMPARE(m_session->displayName(), QString());
}

void TestBorrowerGui::queryErrorIsShownInTheWindow()
{
    borrower::OffersPage *offers = m_window->offersPage();
    offers->memoryFilter()->clear();
    offers->queryEdit()->setText(QStringLiteral("cpus>=2 flavour=vanilla"));
    offers->search();
    QTRY_VERIFY(offers->explanationLabel()->text().contains(QStringLiteral("flavour")));
    offers->queryEdit()->setText(QStringLiteral("cpus>=64"));
    offers->search();
    // Nothing matches: the market's explanation is shown.
    QTRY_VERIFY(offers->explanationLabel()->text().contains(QStringLiteral("cpus>=64")));
    // The list pages by itself: a query's limit or offset (any case) would show the same rows
    // on every page. It is refused before anything is asked.
    for (const QString &paging : {QStringLiteral("cpus>=1 LIMIT=5"), QStringLiteral("offset=10 cpus>=1")}) {
        m_window->errorBanner()->showMessage(QString()); // nothing said yet
        m_window->errorBanner()->hide();
        const QString before = offers->explanationLabel()->text();
        offers->queryEdit()->setText(paging);
        offers->search();
        QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("leave limit= and offset= out of the query")),
                 qPrintable(m_window->errorBanner()->text()));
        QTest::qWait(300);
        QCOMPARE(offers->explanationLabel()->text(), before);
    }
    m_window->errorBanner()->hide();
    offers->queryEdit()->clear();
}

void TestBorrowerGui::billsSortByNumberAndShowWhole()
{
    // The Bills tab: the contract ended above, from the market.
    borrower::BillsPage *bills = m_window->billsPage();
    m_window->tabs()->setCurrentWidget(bills);
    bills->reload();
    QTRY_COMPARE_WITH_TIMEOUT(bills->table()->rowCount(), 1, 15000);
    QTableWidget *table = bills->table();
    // Times, durations and amounts are shown whole, on one line.
    for (int column = 1; column < 6; ++column) {
        const QString text = table->item(0, column)->text();
        const int needed = table->fontMetrics().horizontalAdvance(text) + 4;
        QVERIFY2(needed <= table->columnWidth(column),
                 qPrintable(QStringLiteral("column %1: \"%2\" needs %3 px, has %4").arg(column).arg(text).arg(needed).arg(table->columnWidth(column))));
    }
    QVERIFY(!table->wordWrap());
    QCOMPARE(table->textElideMode(), Qt::ElideMiddle);
    QCOMPARE(table->item(0, 6)->textAlignment(), int(Qt::AlignRight | Qt::AlignVCenter));

    // Its receipt, kept in the data directory, is verified here and can be saved to a file
    // that verifies offline.
    QCOMPARE(table->item(0, 7)->text(), QStringLiteral("verified"));
    QVERIFY(!bills->saveReceiptButton()->isEnabled());
    table->selectRow(0);
    QVERIFY(bills->saveReceiptButton()->isEnabled());
    const QString saved = m_dir.filePath(QStringLiteral("saved-receipt.json"));
    const QString contractId = table->item(0, 0)->text();
    QVERIFY(bills->saveReceipt(contractId, saved).ok());
    QFile savedFile(saved);
    QVERIFY(savedFile.open(QIODevice::ReadOnly));
    const Result<protocol::Receipt> receipt = protocol::receiptFromJson(QJsonDocument::fromJson(savedFile.readAll()).object());
    QVERIFY2(receipt.ok(), qPrintable(receipt.ok() ? QString() : receipt.error().message));
    QCOMPARE(receipt->contractId, contractId);
    QVERIFY(protocol::verifyReceipt(*receipt, m_session->marketId()).ok());
    QCOMPARE(bills->saveReceipt(QStringLiteral("c-unknown"), saved).error().code, ErrorCode::NotFound);

    // An end receipt not kept here (the market ended the contract on its own, or it came
    // from another data directory): the page asks the market for it when it lists the
    // bills, keeps it, and shows it verified; Save receipt… asks for one not kept.
    const auto forgetEndReceipt = [&] {
        const Result<borrower::ContractRecord> kept = m_session->store().contract(contractId);
        return kept.ok() && m_session->store().markContractEnded(contractId, kept->endedAtMs, kept->charge, std::nullopt).ok();
    };
    QVERIFY(forgetEndReceipt());
    bills->reload();
    QTRY_VERIFY_WITH_TIMEOUT(m_session->store().contract(contractId)->endReceipt.has_value(), 15000);
    QTRY_COMPARE(table->item(0, 7)->text(), QStringLiteral("verified"));
    QVERIFY(forgetEndReceipt());
    bills->showBills(QList<protocol::Bill>{bills->bills().first()});
    QCOMPARE(table->item(0, 7)->text(), QStringLiteral("start only"));
    const QString fetchedPath = m_dir.filePath(QStringLiteral("fetched-receipt.json"));
    std::optional<Result<void>> fetched;
    bills->fetchAndSaveReceipt(contractId, fetchedPath, [&fetched](Result<void> r) { fetched = std::move(r); });
    QTRY_VERIFY_WITH_TIMEOUT(fetched.has_value(), 15000);
    QVERIFY2(fetched->ok(), qPrintable(fetched->error().toString()));
    const Result<protocol::Receipt> endReceipt = protocol::readReceiptFile(fetchedPath);
    QVERIFY2(endReceipt.ok(), qPrintable(endReceipt.error().toString()));
    QVERIFY(endReceipt->endedAtMs > 0);
    QCOMPARE(endReceipt->charge, receipt->charge);
    QVERIFY(protocol::verifyReceipt(*endReceipt, m_session->marketId()).ok());
    QTRY_COMPARE(table->item(0, 7)->text(), QStringLiteral("verified")); // kept again

    // Amounts, durations and times sort as numbers, not as text ("10.5" after "9.1"), and a
    // running contract's end after every end.
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 3'600'000;
    const auto bill = [t0](const char *id, const char *charge, qint64 durationMs, bool running) {
        protocol::Bill b;
        b.contractId = QLatin1String(id);
        b.partitionId = QStringLiteral("p");
        b.ratePerHour = *Money::parse(QString::fromLatin1(charge));
        b.charge = *Money::parse(QString::fromLatin1(charge));
        b.startedAtMs = t0;
        b.durationMs = durationMs;
        b.endedAtMs = running ? 0 : t0 + durationMs;
        return b;
    };
    bills->showBills({bill("c-a", "9.1", 9'000, false), bill("c-b", "10.5", 100'000'000, true), bill("c-c", "0.5", 500, false)});
    const auto order = [table] {
        QStringList ids;
        for (int row = 0; row < table->rowCount(); ++row)
            ids.append(table->item(row, 0)->text());
        return ids.join(QLatin1Char(' '));
    };
    table->sortByColumn(6, Qt::AscendingOrder);
    QCOMPARE(order(), QStringLiteral("c-c c-a c-b"));
    table->sortByColumn(2, Qt::DescendingOrder);
    QCOMPARE(order(), QStringLiteral("c-b c-a c-c"));
    table->sortByColumn(5, Qt::AscendingOrder); // 0:00:00 < 0:00:09 < 27:46:40
    QCOMPARE(order(), QStringLiteral("c-c c-a c-b"));
    table->sortByColumn(4, Qt::AscendingOrder);
    QCOMPARE(order(), QStringLiteral("c-c c-a c-b"));
    QCOMPARE(table->item(2, 4)->text(), QStringLiteral("running"));
    QCOMPARE(table->item(0, 7)->text(), QStringLiteral("not kept here"));
    // Totals per month as the market invoices: ended contracts in their end's month, whole;
    // the running one in a row of its own, last.
    QTableWidget *months = bills->monthTable();
    QCOMPARE(months->rowCount(), 2);
    QCOMPARE(months->item(0, 0)->text(), QDateTime::fromMSecsSinceEpoch(t0 + 9'000, Qt::UTC).toString(QStringLiteral("yyyy-MM")));
    QCOMPARE(months->item(0, 1)->text(), QStringLiteral("2"));
    QCOMPARE(months->item(0, 2)->text(), QStringLiteral("9.600000")); // all six decimals: a column lines up
    QCOMPARE(months->item(1, 0)->text(), QStringLiteral("running (so far)"));
    QCOMPARE(months->item(1, 2)->text(), QStringLiteral("10.500000"));
    // A contract that began on 31 October (UTC) and ended on 1 November is November's, whole.
    protocol::Bill across = bill("c-d", "2", 7'200'000, false);
    across.startedAtMs = QDateTime(QDate(2026, 10, 31), QTime(23, 0), Qt::UTC).toMSecsSinceEpoch();
    across.endedAtMs = across.startedAtMs + across.durationMs;
    protocol::Bill october = bill("c-e", "3", 60'000, false);
    october.startedAtMs = QDateTime(QDate(2026, 10, 31), QTime(22, 0), Qt::UTC).toMSecsSinceEpoch();
    october.endedAtMs = october.startedAtMs + october.durationMs;
    bills->showBills({across, october});
    QCOMPARE(months->rowCount(), 2);
    QCOMPARE(months->item(0, 0)->text(), QStringLiteral("2026-10"));
    QCOMPARE(months->item(0, 2)->text(), QStringLiteral("3.000000"));
    QCOMPARE(months->item(1, 0)->text(), QStringLiteral("2026-11"));
    QCOMPARE(months->item(1, 2)->text(), QStringLiteral("2.000000"));
    bills->reload(); // back to the market's
    QTRY_COMPARE(table->rowCount(), 1);
}

void TestBorrowerGui::dearerTermsAreNotBorrowed()
{
    // The borrower agrees to the terms the dialog shows. If the lender raised its rate after
    // the list was read, the market lends nothing: the window says what changed and shows
    // the offer's new terms, and no contract tab opens.
    borrower::OffersPage *offers = m_window->offersPage();
    offers->memoryFilter()->clear();
    offers->minTimeLimitFilter()->clear();
    offers->queryEdit()->clear();
    offers->search();
    QTRY_COMPARE_WITH_TIMEOUT(offers->model()->total(), qint64(2), 15000);
    std::optional<protocol::Offer> seen;
    for (int row = 0; row < 2 && !seen; ++row) {
        QTRY_VERIFY(offers->model()->isRowLoaded(row));
        offers->view()->selectRow(row);
        std::optional<protocol::Offer> o = offers->selectedOffer();
        QVERIFY(o);
        if (o->conditions.ratePerHour == Money::fromMicros(500'000))
            seen = o;
    }
    QVERIFY(seen);
    const auto alterRate = [&](const QString &rate, const QString &maxDurationS) {
        const Run alter = lender({QStringLiteral("partition"), QStringLiteral("alter"), seen->partitionId, QStringLiteral("--rate"), rate,
                                  QStringLiteral("--max-duration"), maxDurationS});
        return alter.exitCode == 0 ? QString() : alter.describe();
    };
    // Dearer, and a contract now ends by itself after an hour. (As it was again at the end,
    // whatever fails, for the tests after this one.)
    const auto restore = qScopeGuard([&] { alterRate(QStringLiteral("0.5"), QStringLiteral("0")); });
    const QString raised = alterRate(QStringLiteral("2"), QStringLiteral("3600"));
    QVERIFY2(raised.isEmpty(), qPrintable(raised));
    const int tabs = m_window->tabs()->count();
    QString said;
    answerMessageBox(QStringLiteral("contractDialog"), QMessageBox::Ok, &said);
    m_window->borrowOffer(*seen);
    QVERIFY2(said.contains(QStringLiteral("0.5 per hour")), qPrintable(said));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->errorBanner()->text().contains(QStringLiteral("the rate is now 2 per hour, not 0.5")), 15000);
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("a contract may now last at most 3600 s, not without limit")),
             qPrintable(m_window->errorBanner()->text()));
    QVERIFY2(m_window->errorBanner()->text().startsWith(QStringLiteral("Nothing was borrowed")), qPrintable(m_window->errorBanner()->text()));
    QCOMPARE(m_window->tabs()->count(), tabs);
    // The list was read again: the offer is there at its new rate.
    QCOMPARE(offers->model()->headerData(8, Qt::Horizontal).toString(), QStringLiteral("Time limit"));
    const auto termsShown = [&]() -> QString {
        for (int row = 0; row < offers->model()->rowCount(); ++row) {
            if (!offers->model()->isRowLoaded(row))
                return QString();
            offers->view()->selectRow(row);
            const std::optional<protocol::Offer> o = offers->selectedOffer();
            if (o && o->offerId == seen->offerId)
                return offers->model()->index(row, 6).data().toString() + QLatin1Char(' ') + offers->model()->index(row, 8).data().toString();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(termsShown(), QStringLiteral("2.00 1:00:00"), 15000);
    // Agreeing to the terms now shown (the dialog says when the contract ends by itself) lends.
    std::optional<protocol::Offer> now = offers->selectedOffer();
    QVERIFY(now);
    answerMessageBox(QStringLiteral("contractDialog"), QMessageBox::Ok, &said);
    m_window->borrowOffer(*now);
    QVERIFY2(said.contains(QStringLiteral("2 per hour")) && said.contains(QStringLiteral("ends by itself after 1:00:00")), qPrintable(said));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->count(), tabs + 1, 15000);
    auto *contract = qobject_cast<borrower::ContractPage *>(m_window->tabs()->currentWidget());
    QVERIFY(contract);
    QCOMPARE(contract->contract().ratePerHour, Money::fromMicros(2'000'000));
    // The page says when the market ends the contract by itself.
    auto *summary = contract->findChild<QLabel *>(QStringLiteral("contractSummaryLabel"));
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(QStringLiteral("The market ends it by itself at %1 (time limit 1:00:00")
                                          .arg(ui::formatTimestamp(contract->contract().startedAtMs + 3'600'000))),
             qPrintable(summary->text()));
    // A job allowed longer than the contract has left: the window says it would be stopped.
    m_window->errorBanner()->hide();
    contract->findChild<QSpinBox *>(QStringLiteral("timeoutSpinBox"))->setValue(7200);
    contract->scriptEdit()->setPlainText(QStringLiteral("echo short\n"));
    QTest::mouseClick(contract->submitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->errorBanner()->text().contains(QStringLiteral("but the market ends this contract at")), 30000);
    QVERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("may run for 2:00:00")), qPrintable(m_window->errorBanner()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(contract->console()->toPlainText().contains(QStringLiteral("short")), 120000);
    answerMessageBox(QStringLiteral("endContractDialog"), QMessageBox::Ok, &said);
    QTest::mouseClick(contract->endButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(contract->chargeLabel()->text().contains(QStringLiteral("charge")), 15000);
    m_window->tabs()->removeTab(m_window->tabs()->indexOf(contract));
    m_window->errorBanner()->hide();
}

void TestBorrowerGui::unreachableMarketIsShownUntilItAnswers()
{
    // A market that is not there (yet): the window says so, and that it keeps trying, rather
    // than stay blank; once the market answers, the banner goes and the offers come.
    const QString marketDir = m_dir.filePath(QStringLiteral("market-late"));
    const Run id = runProgram(bin(QStringLiteral("market-manager")), {QStringLiteral("--data"), marketDir, QStringLiteral("--print-id")});
    QVERIFY2(id.exitCode == 0, qPrintable(id.describe()));
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QString address = QStringLiteral("127.0.0.1:%1").arg(port);
    borrower::BorrowerSession session(m_dir.filePath(QStringLiteral("borrower-early")));
    QVERIFY(session.open().ok());
    QVERIFY(session.setMarket(address, QString::fromUtf8(id.out).trimmed()).ok());
    borrower::BorrowerWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.errorBanner()->text().contains(QStringLiteral("cannot reach the market at %1").arg(address)), 15000);
    QVERIFY2(window.errorBanner()->text().contains(QStringLiteral("Trying again in")), qPrintable(window.errorBanner()->text()));
    QVERIFY(window.errorBanner()->isVisible());

    Service late;
    QVERIFY2(late.start(bin(QStringLiteral("market-manager")),
                        {QStringLiteral("--headless"), QStringLiteral("--listen"), address, QStringLiteral("--data"), marketDir},
                        QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(late.log()));
    QTRY_VERIFY_WITH_TIMEOUT(!window.errorBanner()->isVisible(), 45000);
    QTRY_VERIFY_WITH_TIMEOUT(window.offersPage()->explanationLabel()->text().contains(QStringLiteral("No offer is available right now")), 15000);
    late.stop();
}

void TestBorrowerGui::anotherMarketIsChosenFromTheMenu()
{
    // A market that is not there: the banner says so and points to File › Market…, the
    // window's way to another market (not the command line's options). There, a malformed ID
    // is refused in the dialog, and the market this test runs is taken: the banner goes, the
    // offers and bills come from that market, and the data directory remembers it.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const QString nowhere = QStringLiteral("127.0.0.1:%1").arg(port);
    const QString dataDir = m_dir.filePath(QStringLiteral("borrower-moving"));
    borrower::BorrowerSession session(dataDir);
    QVERIFY(session.open().ok());
    QVERIFY(session.setMarket(nowhere, QString(64, QLatin1Char('a'))).ok());
    borrower::BorrowerWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.errorBanner()->text().contains(QStringLiteral("cannot reach the market at %1").arg(nowhere)), 15000);
    QVERIFY2(window.errorBanner()->text().contains(QStringLiteral("File › Market…")), qPrintable(window.errorBanner()->text()));
    QVERIFY2(!window.errorBanner()->text().contains(QStringLiteral("--market")), qPrintable(window.errorBanner()->text()));

    QAction *action = window.findChild<QAction *>(QStringLiteral("marketAction"));
    QVERIFY(action);
    QString refusal;
    bool answered = false;
    QTimer poll;
    poll.setInterval(50);
    connect(&poll, &QTimer::timeout, this, [&] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            auto *dialog = qobject_cast<borrower::MarketDialog *>(w);
            if (!dialog || !dialog->isVisible())
                continue;
            poll.stop();
            dialog->addressEdit()->setText(m_session->marketAddress());
            dialog->idEdit()->setText(QStringLiteral("not-an-id"));
            dialog->tryAccept();
            refusal = dialog->isVisible() ? dialog->errorLabel()->text() : QString();
            dialog->idEdit()->setText(m_session->marketId());
            dialog->tryAccept();
            answered = !dialog->isVisible();
            return;
        }
    });
    poll.start();
    action->trigger();
    QVERIFY(answered);
    QVERIFY2(refusal.contains(QStringLiteral("is not a market ID")), qPrintable(refusal));

    QCOMPARE(session.marketAddress(), m_session->marketAddress());
    QCOMPARE(session.marketId(), m_session->marketId());
    QTRY_VERIFY_WITH_TIMEOUT(window.offersPage()->explanationLabel()->text().contains(QStringLiteral("match")), 15000);
    QVERIFY(window.offersPage()->model()->total() > 0);
    QVERIFY2(!window.errorBanner()->isVisible(), qPrintable(window.errorBanner()->text()));
    QVERIFY2(window.statusBar()->currentMessage().contains(m_session->marketId().left(16)), qPrintable(window.statusBar()->currentMessage()));
    // Nothing that was asked of the market no longer used turns up late in the window.
    QTest::qWait(1000);
    QVERIFY2(!window.errorBanner()->isVisible(), qPrintable(window.errorBanner()->text()));
    QVERIFY2(!window.offersPage()->explanationLabel()->text().contains(QStringLiteral("failed")),
             qPrintable(window.offersPage()->explanationLabel()->text()));

    // Remembered: a session on that data directory uses it without being told.
    borrower::BorrowerSession again(dataDir);
    QVERIFY(again.open().ok());
    QVERIFY(again.setMarket({}, {}).ok());
    QCOMPARE(again.marketId(), m_session->marketId());
}

void TestBorrowerGui::lostBorrowAnswerIsAskedForAgain()
{
    // The answer to a borrow is lost on the way back: the window says that it asks again
    // (rather than sit silent), and the contract the market made opens in its tab, once.
    const std::optional<protocol::Offer> offer = cheapOffer();
    QVERIFY(offer);
    const QString market = m_session->marketAddress();
    testing::FreezingRelay relay(quint16(market.section(QLatin1Char(':'), -1).toUInt()));
    borrower::BorrowerSession session(m_dir.filePath(QStringLiteral("borrower-lost-answer")));
    QVERIFY(session.open().ok());
    borrower::ReconnectPolicy policy;
    policy.keepAliveMs = 300;
    policy.keepAliveTimeoutMs = 1'500;
    session.setReconnectPolicy(policy);
    QVERIFY(session.setMarket(QStringLiteral("127.0.0.1:%1").arg(relay.port()), m_session->marketId()).ok());
    borrower::BorrowerWindow window(&session);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.offersPage()->model()->total() > 0, 15000);

    relay.freezeAnswers();
    QString notice;
    connect(&session, &borrower::BorrowerSession::borrowAskedAgain, this, [&] { notice = window.errorBanner()->text(); });
    window.borrowOffer(*offer, false);
    QTRY_COMPARE_WITH_TIMEOUT(window.tabs()->count(), 3, 30000);
    QVERIFY2(notice.contains(QStringLiteral("No answer from the market to the borrow")), qPrintable(notice));
    QVERIFY2(notice.contains(QStringLiteral("Asking again (2 of 4)")), qPrintable(notice));
    // Answered: the notice is gone, and the market bills one contract to this borrower.
    QVERIFY2(!window.errorBanner()->isVisible() || !window.errorBanner()->text().contains(QStringLiteral("Asking again")),
             qPrintable(window.errorBanner()->text()));
    auto *contract = qobject_cast<borrower::ContractPage *>(window.tabs()->currentWidget());
    QVERIFY(contract);
    const Result<protocol::BillList> bills =
        borrower::BorrowerSession::await<protocol::BillList>([&](QObject *ctx, auto cb) { session.listBills(0, ctx, cb); });
    QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
    QCOMPARE(bills->bills.size(), 1);
    QCOMPARE(bills->bills.constFirst().contractId, contract->contract().contractId);
    const Result<borrower::ContractEnd> ended = borrower::BorrowerSession::await<borrower::ContractEnd>(
        [&](QObject *ctx, auto cb) { session.endContract(contract->contract().contractId, ctx, cb); });
    QVERIFY2(ended.ok(), qPrintable(ended.error().toString()));
}

void TestBorrowerGui::windowClosedWhileBorrowingLosesNothing()
{
    // The window is closed while its borrow waits for an answer that is lost: the market made
    // the contract. The next window on the data directory asks the market, says what the
    // borrow made, and opens the contract's tab, with a key that works.
    const std::optional<protocol::Offer> offer = cheapOffer();
    QVERIFY(offer);
    const QString market = m_session->marketAddress();
    const QString dir = m_dir.filePath(QStringLiteral("borrower-window-closed"));
    const auto billed = [&](borrower::BorrowerSession &s) {
        const Result<protocol::BillList> bills =
            borrower::BorrowerSession::await<protocol::BillList>([&](QObject *ctx, auto cb) { s.listBills(0, ctx, cb); });
        return bills.ok() ? bills->bills : QList<protocol::Bill>();
    };
    {
        testing::FreezingRelay relay(quint16(market.section(QLatin1Char(':'), -1).toUInt()));
        auto session = std::make_unique<borrower::BorrowerSession>(dir);
        QVERIFY(session->open().ok());
        QVERIFY(session->setMarket(QStringLiteral("127.0.0.1:%1").arg(relay.port()), m_session->marketId()).ok());
        auto window = std::make_unique<borrower::BorrowerWindow>(session.get());
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(window->offersPage()->model()->total() > 0, 15000);
        relay.freezeAnswers();
        window->borrowOffer(*offer, false);
        // Made at the market (asked there by another process of this borrower), unanswered here.
        borrower::BorrowerSession other(dir);
        QVERIFY(other.open().ok());
        QVERIFY(other.setMarket(market, m_session->marketId()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(billed(other).size(), 1, 20000);
        QCOMPARE(window->tabs()->count(), 2);
        window.reset(); // closed while it waits
        session.reset();
    }
    auto session = std::make_unique<borrower::BorrowerSession>(dir);
    QVERIFY(session->open().ok());
    QVERIFY(session->setMarket(market, m_session->marketId()).ok());
    const QString made = billed(*session).constFirst().contractId;
    QVERIFY(!session->store().contract(made).ok());
    borrower::BorrowerWindow window(session.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE_WITH_TIMEOUT(window.tabs()->count(), 3, 20000);
    auto *contract = qobject_cast<borrower::ContractPage *>(window.tabs()->currentWidget());
    QVERIFY(contract);
    QCOMPARE(contract->contract().contractId, made);
    QVERIFY2(window.errorBanner()->text().contains(QStringLiteral("made contract ") + made), qPrintable(window.errorBanner()->text()));
    QVERIFY(session->store().key(made).ok());
    QVERIFY(session->store().pendingBorrows()->isEmpty());
    QCOMPARE(billed(*session).size(), 1);
    const Result<borrower::ContractEnd> ended = borrower::BorrowerSession::await<borrower::ContractEnd>(
        [&](QObject *ctx, auto cb) { session->endContract(made, ctx, cb); });
    QVERIFY2(ended.ok(), qPrintable(ended.error().toString()));
}

std::optional<protocol::Offer> TestBorrowerGui::cheapOffer()
{
    borrower::OffersPage *offers = m_window->offersPage();
    offers->memoryFilter()->clear();
    offers->queryEdit()->clear();
    offers->search();
    if (!QTest::qWaitFor([&] { return offers->model()->total() == 2 && offers->model()->isRowLoaded(0) && offers->model()->isRowLoaded(1); },
                         15000))
        return std::nullopt;
    for (int row = 0; row < 2; ++row) {
        offers->view()->selectRow(row);
        if (std::optional<protocol::Offer> o = offers->selectedOffer(); o && o->conditions.resources.memoryMib == 256)
            return o;
    }
    return std::nullopt;
}

void TestBorrowerGui::inputsAreCheckedBeforeTheyAreRead()
{
    // Inputs are checked by their sizes and names before any is read: one too large is
    // refused at once, not read whole on the window's thread first; so are two of one name
    // (they would overwrite each other in /job/in) and inputs too large together.
    borrower::ContractRecord c;
    c.contractId = QStringLiteral("c-inputs-checked");
    c.partitionId = QStringLiteral("p-none");
    c.lenderId = m_lender.match.captured(1);
    c.lenderAddress = m_lender.match.captured(2);
    c.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    borrower::ContractPage *page = m_window->openContract(c);
    const auto close = qScopeGuard([&] {
        m_window->tabs()->removeTab(m_window->tabs()->indexOf(page));
        page->deleteLater();
        m_window->errorBanner()->hide();
    });
    auto *inputs = page->findChild<QListWidget *>(QStringLiteral("inputsList"));
    QVERIFY(inputs);
    const auto sparseFile = [&](const QString &path, qint64 size) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.resize(size);
    };
    const auto submitWith = [&](const QStringList &paths) {
        inputs->clear();
        inputs->addItems(paths);
        m_window->errorBanner()->showMessage(QString());
        QTest::mouseClick(page->submitButton(), Qt::LeftButton);
        return m_window->errorBanner()->text();
    };
    const QString big = m_dir.filePath(QStringLiteral("inputs/big.bin"));
    QVERIFY(sparseFile(big, 64 * 1024 * 1024));
    QString said = submitWith({big});
    QVERIFY2(said.contains(QStringLiteral("Input %1 is ").arg(big)) && said.contains(QLatin1String("at most")), qPrintable(said));
    QVERIFY(page->submitButton()->isEnabled()); // nothing was submitted
    const QString one = m_dir.filePath(QStringLiteral("inputs/a/data.txt"));
    const QString other = m_dir.filePath(QStringLiteral("inputs/b/data.txt"));
    QVERIFY(sparseFile(one, 10) && sparseFile(other, 20));
    said = submitWith({one, other});
    QVERIFY2(said.contains(QLatin1String("Two input files are named data.txt")), qPrintable(said));
    const QString half = m_dir.filePath(QStringLiteral("inputs/half.bin"));
    const QString otherHalf = m_dir.filePath(QStringLiteral("inputs/other-half.bin"));
    QVERIFY(sparseFile(half, 8 * 1024 * 1024) && sparseFile(otherHalf, 8 * 1024 * 1024));
    said = submitWith({half, otherHalf});
    QVERIFY2(said.contains(QLatin1String("The script and input files add up to more than")), qPrintable(said));
    QVERIFY(page->submitButton()->isEnabled());
}

void TestBorrowerGui::laterPagesKeepTheSearchShown()
{
    // A page of the list fetched later (scrolling down) is of the search the list shows, not
    // of what a filter box says after an edit not searched for yet.
    borrower::OffersPage *offers = m_window->offersPage();
    offers->memoryFilter()->clear();
    offers->queryEdit()->clear();
    offers->model()->setPageSize(1);
    const auto restore = qScopeGuard([&] {
        offers->model()->setPageSize(200);
        offers->memoryFilter()->clear();
        offers->search();
    });
    offers->search();
    // Edited (no Return) before the second page is fetched, which the view asks for once the
    // first has said there are two rows.
    offers->memoryFilter()->setText(QStringLiteral("512M"));
    QTRY_COMPARE_WITH_TIMEOUT(offers->model()->total(), qint64(2), 15000);
    QTRY_VERIFY(offers->model()->isRowLoaded(0));
    (void)offers->model()->index(1, 0).data(); // as the view does when the row is shown
    QTRY_VERIFY_WITH_TIMEOUT(offers->model()->isRowLoaded(1), 15000);
    QCOMPARE(offers->model()->total(), qint64(2));
    QStringList partitions{offers->model()->index(0, 1).data().toString(), offers->model()->index(1, 1).data().toString()};
    QVERIFY2(partitions[0] != partitions[1], qPrintable(partitions.join(QLatin1Char(' '))));
}

void TestBorrowerGui::consoleKeepsCharactersSplitAcrossChunks()
{
    // Output arrives in chunks cut anywhere, inside a character too: the console shows it whole.
    borrower::ContractRecord c;
    c.contractId = QStringLiteral("c-console-chunks");
    c.partitionId = QStringLiteral("p-none");
    c.lenderId = m_lender.match.captured(1);
    c.lenderAddress = m_lender.match.captured(2);
    c.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(m_session->store().saveContract(c).ok());
    borrower::JobRecord j;
    j.jobId = QStringLiteral("j-console-chunks");
    j.contractId = c.contractId;
    j.lenderId = c.lenderId;
    j.lenderAddress = c.lenderAddress;
    j.os = QStringLiteral("busybox");
    j.submittedAtMs = c.startedAtMs;
    j.state = QStringLiteral("running");
    QVERIFY(m_session->store().saveJob(j).ok());
    borrower::ContractPage *page = m_window->openContract(c);
    const auto close = qScopeGuard([&] {
        m_window->tabs()->removeTab(m_window->tabs()->indexOf(page));
        page->deleteLater();
        (void)m_session->store().markContractEnded(c.contractId, QDateTime::currentMSecsSinceEpoch(), Money(), std::nullopt);
        m_window->errorBanner()->hide();
    });
    QCOMPARE(page->currentJobId(), j.jobId); // the job still running is watched again
    const QString text = QStringLiteral("café → 日本語 ✓\n");
    const QByteArray bytes = text.toUtf8();
    // Cut inside é (2 bytes), inside → (3 bytes, after its first) and inside 日 (after its second).
    const QList<qsizetype> cuts{bytes.indexOf("\xc3\xa9") + 1, bytes.indexOf("\xe2\x86\x92") + 1, bytes.indexOf("\xe6\x97\xa5") + 2,
                                bytes.size()};
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        emit m_session->jobOutput(j.jobId, from, bytes.mid(from, cut - from));
        from = cut;
    }
    QCOMPARE(page->console()->toPlainText(), text);
}

void TestBorrowerGui::timeLimitStopsTheContractTab()
{
    // At the contract's time limit the tab stops offering Submit and End, says why, and asks
    // the market for its bills, which bring the contract's end once the market ended it.
    std::optional<protocol::Offer> offer = cheapOffer();
    QVERIFY(offer);
    const auto alterLimit = [&](const QString &maxDurationS) {
        return lender({QStringLiteral("partition"), QStringLiteral("alter"), offer->partitionId, QStringLiteral("--max-duration"), maxDurationS})
                   .exitCode == 0;
    };
    const auto restore = qScopeGuard([&] { alterLimit(QStringLiteral("0")); });
    QVERIFY(alterLimit(QStringLiteral("4")));
    QVERIFY(QTest::qWaitFor([&] {
        offer = cheapOffer();
        return offer && offer->conditions.maxDurationS == 4;
    }, 15000));
    // The Min time limit box: at least a minute leaves the offer without a limit, as does
    // none; 3 s takes both; a word that is no duration is said, and nothing is searched.
    {
        borrower::OffersPage *offers = m_window->offersPage();
        const auto matching = [&](const QString &limit) {
            offers->minTimeLimitFilter()->setText(limit);
            offers->search();
            // The list empties on a new search: loaded again is this search's answer.
            if (!QTest::qWaitFor([&] { return offers->model()->isRowLoaded(0) && offers->explanationLabel()->text().contains(QStringLiteral("match")); },
                                 15000))
                return qint64(-1);
            return offers->model()->total();
        };
        QCOMPARE(matching(QStringLiteral("1m")), qint64(1));
        QVERIFY(offers->model()->isRowLoaded(0));
        QCOMPARE(offers->model()->index(0, 8).data().toString(), QStringLiteral("none"));
        QCOMPARE(matching(QStringLiteral("None")), qint64(1));
        QCOMPARE(matching(QStringLiteral("3s")), qint64(2));
        offers->minTimeLimitFilter()->setText(QStringLiteral("soon"));
        offers->search();
        QTRY_VERIFY2(m_window->errorBanner()->text().contains(QStringLiteral("'soon' is not a time limit")),
                     qPrintable(m_window->errorBanner()->text()));
        m_window->errorBanner()->hide();
        offers->minTimeLimitFilter()->clear();
    }
    const int tabs = m_window->tabs()->count();
    m_window->borrowOffer(*offer, false);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tabs()->count(), tabs + 1, 15000);
    auto *page = qobject_cast<borrower::ContractPage *>(m_window->tabs()->currentWidget());
    QVERIFY(page);
    const auto close = qScopeGuard([&] { m_window->tabs()->removeTab(m_window->tabs()->indexOf(page)); });
    QCOMPARE(page->contract().maxDurationS, qint64(4));
    QVERIFY(page->submitButton()->isEnabled());
    QVERIFY(page->endButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!page->submitButton()->isEnabled(), 10000);
    QVERIFY(!page->endButton()->isEnabled());
    QVERIFY2(page->chargeLabel()->text().contains(QLatin1String("reached its time limit"))
                 || page->chargeLabel()->text().contains(QLatin1String("The market ended this contract")),
             qPrintable(page->chargeLabel()->text()));
    QTRY_VERIFY_WITH_TIMEOUT(page->chargeLabel()->text().contains(QLatin1String("The market ended this contract")), 30000);
    QVERIFY(page->contract().isEnded());
    QVERIFY(!page->submitButton()->isEnabled());
    m_window->errorBanner()->hide();
}

void TestBorrowerGui::billsSayWhenOnlyTheNewestAreListed()
{
    // The market lists the newest 1,000 contracts: a list that long says older ones and their
    // charges are left out of it and of its totals.
    borrower::BillsPage *bills = m_window->billsPage();
    QList<protocol::Bill> many;
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 3'600'000;
    for (int i = 0; i < borrower::BorrowerSession::kMaxBills; ++i) {
        protocol::Bill b;
        b.contractId = QStringLiteral("c-many-%1").arg(i);
        b.partitionId = QStringLiteral("p");
        b.startedAtMs = t0 + i;
        b.endedAtMs = t0 + i + 1000;
        b.durationMs = 1000;
        b.charge = Money::fromMicros(10);
        many.append(b);
    }
    bills->showBills(many.mid(1));
    QVERIFY(bills->limitLabel()->isHidden());
    bills->showBills(many);
    QVERIFY(!bills->limitLabel()->isHidden());
    QVERIFY2(bills->limitLabel()->text().contains(QLatin1String("Only the newest"))
                 && bills->limitLabel()->text().contains(QLatin1String("totals per month cover only those")),
             qPrintable(bills->limitLabel()->text()));
    bills->reload(); // back to the market's
    QTRY_VERIFY_WITH_TIMEOUT(bills->table()->rowCount() < borrower::BorrowerSession::kMaxBills, 15000);
    QVERIFY(bills->limitLabel()->isHidden());
}

void TestBorrowerGui::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
    m_lender.stop();
    m_market.stop();
}

QTEST_MAIN(TestBorrowerGui)
#include "TestBorrowerGui.moc"
