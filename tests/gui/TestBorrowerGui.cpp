// The Borrower Client offscreen against a real headless market and lender agent (separate
// processes, real TLS, a real VM job): filter the offers, pick one, borrow it, submit a job,
// see its output arrive in the console, and end the contract with the charge shown.

#include "../borrower/CliHarness.h"

#include "BorrowerSession.h"
#include "BorrowerWindow.h"
#include "ui/ErrorBanner.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace cliharness;

class TestBorrowerGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void filterPickSubmitWatchEnd();
    void queryErrorIsShownInTheWindow();
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
    QTRY_VERIFY_WITH_TIMEOUT(contract->console()->toPlainText().contains(QStringLiteral("gui-output-arrives")), 120000);
    QTRY_VERIFY_WITH_TIMEOUT(contract->stateLabel()->text().contains(QStringLiteral("exit code 4")), 60000);
    QVERIFY(!contract->console()->toPlainText().contains(QStringLiteral("LENDABLE-JOB")));

    // End the contract: the final charge is shown.
    QTest::mouseClick(contract->endButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(contract->chargeLabel()->text().contains(QStringLiteral("charge")), 15000);
    QVERIFY(contract->chargeLabel()->text().contains(QStringLiteral("verified")));
    QVERIFY(!contract->submitButton()->isEnabled());
    QVERIFY2(m_window->errorBanner()->text().isEmpty(), qPrintable(m_window->errorBanner()->text()));
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
