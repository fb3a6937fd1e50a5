// The whole suite as separate processes: a headless market and a headless lender agent, the
// borrower CLI through a whole contract with a real VM job, and the Market Manager's window
// (offscreen, in this process) attached to the running market as admin. The bill is checked
// in the market's database and in the GUI's models.
//
// Needs: libvirtd (scripts/test-env.sh starts it) and the busybox image (built if missing).

#include "../borrower/CliHarness.h"
#include "../borrower/StoreEdits.h"

#include "MarketWindow.h"
#include "Pages.h"
#include "identity/Identity.h"
#include "protocol/SslChannel.h"
#include "ui/Format.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace cliharness;

namespace {
QString imageCache()
{
    const QString env = qEnvironmentVariable("LENDABLE_IMAGE_CACHE");
    return (env.isEmpty() ? QStringLiteral("/var/tmp/lendable-cache") : env) + QStringLiteral("/busybox");
}
} // namespace

class TestEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void wholeContract();
    void cleanupTestCase();

private:
    Run lender(const QStringList &args) { return runProgram(bin(QStringLiteral("lender-console")), QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")), QStringLiteral("--json")} + args, 180'000); }
    QJsonObject lenderPartition(const QString &partitionId)
    {
        for (const QJsonValue &p : lender({QStringLiteral("partition"), QStringLiteral("list")}).object().value(QStringLiteral("partitions")).toArray())
            if (p.toObject().value(QStringLiteral("partition_id")).toString() == partitionId)
                return p.toObject();
        return {};
    }
    Run borrower(const QStringList &args, int timeoutMs = 180'000)
    {
        return runProgram(bin(QStringLiteral("borrower-client")),
                          QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("borrower")),
                                      QStringLiteral("--market"), m_marketAddress, QStringLiteral("--market-id"), m_marketId}
                              + args,
                          timeoutMs);
    }

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/lendable-e2e-XXXXXX")};
    Service m_market;
    Service m_lender;
    QString m_marketId;
    QString m_marketAddress;
    Identity m_admin;
};

void TestEndToEnd::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // QEMU runs as libvirt-qemu and must traverse to the lender's job shares and images.
    QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    if (!QFile::exists(imageCache() + QStringLiteral("/image.json"))) {
        const Run build = runProgram(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"),
                                     {imageCache()}, 900'000);
        QVERIFY2(build.exitCode == 0, qPrintable(build.describe()));
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_admin = Identity::generate(QStringLiteral("admin"), now.addDays(-1), now.addDays(1)).value();

    QVERIFY2(m_market.start(bin(QStringLiteral("market-manager")),
                            {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                             QStringLiteral("--data"), m_dir.filePath(QStringLiteral("market")), QStringLiteral("--admin-id"),
                             m_admin.nodeId()},
                            QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(m_market.log()));
    m_marketId = m_market.match.captured(1);
    m_marketAddress = m_market.match.captured(2);
    QVERIFY2(m_lender.start(bin(QStringLiteral("lender-console")),
                            {QStringLiteral("--headless"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")),
                             QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--market"), m_marketAddress,
                             QStringLiteral("--market-id"), m_marketId, QStringLiteral("--name"), QStringLiteral("e2e-lender")},
                            QRegularExpression(QStringLiteral("^lender ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(m_lender.log()));
}

void TestEndToEnd::wholeContract()
{
    // Lender: an image, a partition, registered.
    QVERIFY2(lender({QStringLiteral("image"), QStringLiteral("add"), QStringLiteral("busybox"), imageCache()}).exitCode == 0, "image add");
    const Run created = lender({QStringLiteral("partition"), QStringLiteral("create"), QStringLiteral("--cpus"), QStringLiteral("1"),
                                QStringLiteral("--memory"), QStringLiteral("256M"), QStringLiteral("--disk"), QStringLiteral("1G"),
                                QStringLiteral("--rate"), QStringLiteral("2.5"), QStringLiteral("--os"), QStringLiteral("busybox")});
    QVERIFY2(created.exitCode == 0, qPrintable(created.describe()));
    const QString partitionId = created.object().value(QStringLiteral("partition_id")).toString();
    const Run reg = lender({QStringLiteral("partition"), QStringLiteral("register"), partitionId});
    QVERIFY2(reg.exitCode == 0, qPrintable(reg.describe()));

    // Borrower: a name → offers → borrow → submit → logs --follow → wait → end.
    const Run named = borrower({QStringLiteral("name"), QStringLiteral("e2e-borrower")});
    QVERIFY2(named.exitCode == 0, qPrintable(named.describe()));
    const Run offers = borrower({QStringLiteral("--json"), QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("os=busybox")});
    QVERIFY2(offers.exitCode == 0 && offers.array().size() == 1, qPrintable(offers.describe()));
    const Run borrowed = borrower({QStringLiteral("--json"), QStringLiteral("borrow"),
                                   offers.array().first().toObject().value(QStringLiteral("offer_id")).toString()});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    const QString contractId = borrowed.object().value(QStringLiteral("contract_id")).toString();
    QCOMPARE(borrowed.object().value(QStringLiteral("partition_id")).toString(), partitionId);
    // The lender sees who borrows its partition, by the name the borrower gave the market.
    QTRY_VERIFY_WITH_TIMEOUT(lenderPartition(partitionId).value(QStringLiteral("state")).toString() == QLatin1String("lent"), 15000);
    QCOMPARE(lenderPartition(partitionId).value(QStringLiteral("borrower_name")).toString(), QStringLiteral("e2e-borrower"));
    // Renamed while the contract runs: the lender's machine hears the new name at once.
    const Run renamed = borrower({QStringLiteral("name"), QStringLiteral("e2e-borrower renamed")});
    QVERIFY2(renamed.exitCode == 0, qPrintable(renamed.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(lenderPartition(partitionId).value(QStringLiteral("borrower_name")).toString(),
                              QStringLiteral("e2e-borrower renamed"), 15000);

    QFile script(m_dir.filePath(QStringLiteral("job.sh")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("echo e2e-line-one\necho e2e-line-two\necho 7 > seven.txt\nexit 3\n");
    script.close();
    const Run submitted = borrower({QStringLiteral("--json"), QStringLiteral("submit"), contractId, QStringLiteral("--os"),
                                    QStringLiteral("busybox"), QStringLiteral("--script"), script.fileName(),
                                    QStringLiteral("--timeout"), QStringLiteral("120")});
    QVERIFY2(submitted.exitCode == 0, qPrintable(submitted.describe()));
    const QString jobId = submitted.object().value(QStringLiteral("job_id")).toString();
    const Run logs = borrower({QStringLiteral("logs"), jobId, QStringLiteral("--follow")});
    QVERIFY2(logs.out.contains("e2e-line-one\ne2e-line-two\n"), qPrintable(logs.describe()));
    QVERIFY(!logs.out.contains("LENDABLE-JOB")); // boot noise and markers are not the job's output
    const Run waited = borrower({QStringLiteral("--json"), QStringLiteral("wait"), jobId});
    QVERIFY2(waited.exitCode == 0, qPrintable(waited.describe()));
    QCOMPARE(waited.object().value(QStringLiteral("exit_code")).toInt(), 3);
    const QJsonArray outputs = waited.object().value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 1);
    QFile seven(outputs.first().toString());
    QVERIFY(seven.open(QIODevice::ReadOnly));
    QCOMPARE(seven.readAll(), QByteArray("7\n"));
    // The machine's owner sees what ran: whose job, how it ended, and until when its results stay.
    const Run jobs = lender({QStringLiteral("job"), QStringLiteral("list")});
    QVERIFY2(jobs.exitCode == 0, qPrintable(jobs.describe()));
    const QJsonObject ran = jobs.object().value(QStringLiteral("jobs")).toArray().first().toObject();
    QCOMPARE(ran.value(QStringLiteral("job_id")).toString(), jobId);
    QCOMPARE(ran.value(QStringLiteral("partition_id")).toString(), partitionId);
    QCOMPARE(ran.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(ran.value(QStringLiteral("exit_code")).toInt(), 3);
    QCOMPARE(ran.value(QStringLiteral("borrower_name")).toString(), QStringLiteral("e2e-borrower renamed"));
    const qint64 ranEnded = ran.value(QStringLiteral("ended_at_ms")).toInteger();
    QVERIFY(ranEnded >= ran.value(QStringLiteral("submitted_at_ms")).toInteger());
    QCOMPARE(ran.value(QStringLiteral("results_kept_until_ms")).toInteger(), ranEnded + qint64(14) * 86400 * 1000);
    QCOMPARE(jobs.object().value(QStringLiteral("more")).toBool(), false);

    // While it runs, the lender's bill has its charge so far, and no payout or fee yet.
    const Run running = lender({QStringLiteral("bill"), QStringLiteral("list")});
    QVERIFY2(running.exitCode == 0, qPrintable(running.describe()));
    const QJsonObject runningBill = running.object().value(QStringLiteral("bills")).toArray().first().toObject();
    QCOMPARE(runningBill.value(QStringLiteral("contract_id")).toString(), contractId);
    QCOMPARE(runningBill.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    QVERIFY(runningBill.value(QStringLiteral("payout")).isNull());
    QVERIFY(runningBill.value(QStringLiteral("market_fee")).isNull());
    QVERIFY(Money::parse(runningBill.value(QStringLiteral("charge")).toString()).ok());

    const Run ended = borrower({QStringLiteral("--json"), QStringLiteral("end"), contractId});
    QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
    const QJsonObject receipt = ended.object().value(QStringLiteral("receipt")).toObject();
    const qint64 durationMs = receipt.value(QStringLiteral("ended_at_ms")).toInteger() - receipt.value(QStringLiteral("started_at_ms")).toInteger();
    const Money expected = Money::charge(Money::parse(u"2.5").value(), durationMs).value();
    QCOMPARE(ended.object().value(QStringLiteral("charge")).toString(), expected.toString());

    // The lender's side of the bill, as the market has it: the charge, its payout and the
    // market's fee; and the contract's receipt, signed by the market, that it verifies offline.
    const Run bills = lender({QStringLiteral("bill"), QStringLiteral("list")});
    QVERIFY2(bills.exitCode == 0, qPrintable(bills.describe()));
    const QJsonArray lenderBills = bills.object().value(QStringLiteral("bills")).toArray();
    QCOMPARE(lenderBills.size(), 1);
    const QJsonObject lenderBill = lenderBills.first().toObject();
    QCOMPARE(lenderBill.value(QStringLiteral("contract_id")).toString(), contractId);
    QCOMPARE(lenderBill.value(QStringLiteral("state")).toString(), QStringLiteral("ended"));
    QCOMPARE(lenderBill.value(QStringLiteral("borrower_name")).toString(), QStringLiteral("e2e-borrower renamed"));
    QCOMPARE(lenderBill.value(QStringLiteral("charge")).toString(), expected.toString());
    const Money payout = Money::parse(lenderBill.value(QStringLiteral("payout")).toString()).value();
    const Money fee = Money::parse(lenderBill.value(QStringLiteral("market_fee")).toString()).value();
    QCOMPARE(payout.add(fee).value(), expected);
    QCOMPARE(bills.object().value(QStringLiteral("total_payout")).toString(), payout.toString());
    const Run lenderReceipt = runProgram(bin(QStringLiteral("lender-console")),
                                         {QStringLiteral("--cli"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")),
                                          QStringLiteral("receipt"), QStringLiteral("show"), contractId},
                                         180'000);
    QVERIFY2(lenderReceipt.exitCode == 0, qPrintable(lenderReceipt.describe()));
    QCOMPARE(lenderReceipt.object().value(QStringLiteral("charge")).toString(), expected.toString());
    QCOMPARE(lenderReceipt.object().value(QStringLiteral("ended_at_ms")), receipt.value(QStringLiteral("ended_at_ms")));
    const QString receiptFile = m_dir.filePath(QStringLiteral("lender-receipt.json"));
    {
        QFile f(receiptFile);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(lenderReceipt.out) == lenderReceipt.out.size());
    }
    const Run checked = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile, QStringLiteral("--market-id"), m_marketId});
    QVERIFY2(checked.exitCode == 0, qPrintable(checked.describe()));
    QCOMPARE(checked.object().value(QStringLiteral("valid")).toBool(), true);
    QCOMPARE(checked.object().value(QStringLiteral("ended")).toBool(), true);
    // Without --market-id, the machine's own records name the market: the contract was made
    // with this one, so the receipt is valid; had it been made with another, it is not.
    const Run checkedKept = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile});
    QVERIFY2(checkedKept.exitCode == 0 && checkedKept.object().value(QStringLiteral("valid")).toBool(), qPrintable(checkedKept.describe()));
    const QString store = m_dir.filePath(QStringLiteral("lender/lender.db"));
    const QString elsewhere(64, QLatin1Char('e'));
    auto restoreMarket = qScopeGuard([&] { recordContractMarket(store, contractId, m_marketId); });
    QVERIFY(recordContractMarket(store, contractId, elsewhere));
    const Run notOurs = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile});
    QVERIFY2(notOurs.exitCode == 1 && notOurs.object().value(QStringLiteral("valid")).toBool(true) == false
                 && notOurs.err.contains(QStringLiteral("was made with market ") + elsewhere),
             qPrintable(notOurs.describe()));
    // Naming the market is the user's word for it.
    const Run namedMarket = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile, QStringLiteral("--market-id"), m_marketId});
    QVERIFY2(namedMarket.exitCode == 0, qPrintable(namedMarket.describe()));
    restoreMarket.dismiss();
    QVERIFY(recordContractMarket(store, contractId, m_marketId));
    // The borrower's verifier takes it too: one receipt for both sides.
    const Run borrowerChecks = runProgram(bin(QStringLiteral("borrower-client")),
                                          {QStringLiteral("--cli"), QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile});
    QVERIFY2(borrowerChecks.exitCode == 0, qPrintable(borrowerChecks.describe()));
    // An edited charge is caught, and another market's ID is not this receipt's signer.
    QJsonObject edited = lenderReceipt.object();
    edited.insert(QStringLiteral("charge"), Money::fromMicros(expected.micros() + 1).toString());
    {
        QFile f(receiptFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(edited).toJson());
    }
    const Run forged = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile});
    QVERIFY2(forged.exitCode == 1 && forged.object().value(QStringLiteral("valid")).toBool(true) == false, qPrintable(forged.describe()));
    const Run otherMarket = lender({QStringLiteral("receipt"), QStringLiteral("verify"), receiptFile, QStringLiteral("--market-id"),
                                    QString(64, QLatin1Char('a'))});
    QCOMPARE(otherMarket.exitCode, 1);
    const Run unknown = lender({QStringLiteral("receipt"), QStringLiteral("show"), QStringLiteral("c-none")});
    QVERIFY2(unknown.exitCode == 1 && unknown.err.contains(QLatin1String("not_found")), qPrintable(unknown.describe()));

    // The bill in the market's database (read-only, beside the running market).
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("e2e"));
        db.setDatabaseName(m_dir.filePath(QStringLiteral("market/market.db")));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.prepare(QStringLiteral("SELECT charge_micros, fee_micros, payout_micros, duration_ms FROM billing WHERE contract_id = ?")));
        q.addBindValue(contractId);
        QVERIFY(q.exec());
        QVERIFY2(q.next(), "no billing row for the contract");
        QCOMPARE(q.value(0).toLongLong(), expected.micros());
        QCOMPARE(q.value(1).toLongLong() + q.value(2).toLongLong(), expected.micros());
        QCOMPARE(q.value(3).toLongLong(), durationMs);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("e2e"));

    // The bill in the Market Manager's window, attached to the running market as admin.
    protocol::HandshakeConfig admin;
    admin.localRole = QStringLiteral("admin");
    const int colon = int(m_marketAddress.lastIndexOf(QLatin1Char(':')));
    auto *channel = protocol::SslChannel::connectTo(m_marketAddress.left(colon), quint16(m_marketAddress.mid(colon + 1).toUInt()),
                                                    m_admin, m_marketId, admin, this);
    QVERIFY(channel->waitEstablished(15000).ok());
    market::MarketWindow window(channel, m_marketId, m_marketAddress, m_admin.nodeId());
    window.show();
    ui::PagedTableModel *contracts = window.contractsPage()->model();
    QTRY_COMPARE_WITH_TIMEOUT(contracts->total(), qint64(1), 15000);
    QTRY_VERIFY(contracts->isRowLoaded(0));
    QCOMPARE(contracts->index(0, 0).data().toString(), contractId);
    QCOMPARE(contracts->index(0, 8).data().toString(), ui::formatCharge(expected)); // all six decimals, to the micro-unit
    window.billingPage()->reload();
    QTRY_VERIFY_WITH_TIMEOUT(!window.billingPage()->report().days.isEmpty(), 15000);
    Money revenue;
    for (const protocol::DayStat &d : window.billingPage()->report().days)
        revenue = revenue.add(d.revenue).value();
    QCOMPARE(revenue, expected);
    delete channel;
}

void TestEndToEnd::cleanupTestCase()
{
    m_lender.stop();
    m_market.stop();
}

QTEST_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"
