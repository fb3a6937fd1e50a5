// The borrower's whole flow as a user runs it (label vm): the real market, the real lender
// agent booting the busybox image under libvirt, and `borrower-client --cli` for every step:
// offers → borrow → submit → logs --follow → wait (exit code 3, outputs fetched) → end
// (charge = rate × duration to the micro-unit) → bills. Another borrower holding a copy of
// the key is refused by the lender; a partition lent directly (no market) runs a job with
// --lender/--lender-id/--key-file.
//
// Needs: libvirtd (scripts/test-env.sh or scripts/libvirt-up.sh) and the busybox image,
// built into $LENDABLE_IMAGE_CACHE/busybox (default /var/tmp/lendable-cache) on first use.

#include "CliHarness.h"
#include "StoreEdits.h"

#include "model/Money.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace cliharness;

namespace {
QString imageCache()
{
    return qEnvironmentVariable("LENDABLE_IMAGE_CACHE", QStringLiteral("/var/tmp/lendable-cache")) + QStringLiteral("/busybox");
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}
} // namespace

class TestCliFlow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void offersBorrowSubmitLogsWaitEndBills();
    void directLendingWithoutAMarket();
    void withdrawWhileTheMarketIsAway();

private:
    bool startMarket(const QString &listen);
    Run borrower(const QString &dataDir, QStringList args);
    Run lenderCli(QStringList args);
    QString createPartition();

    std::optional<QTemporaryDir> m_root;
    Service m_market;
    Service m_lender;
    QString m_marketId;
    QString m_marketAddress;
    QString m_lenderId;
    QString m_lenderAddress;
    QString m_borrowerA;
    QString m_borrowerB;
};

void TestCliFlow::initTestCase()
{
    for (const char *app : {"market-manager", "lender-console", "borrower-client"})
        if (!QFile::exists(bin(QString::fromLatin1(app))))
            QSKIP(qPrintable(QStringLiteral("%1 is not built").arg(QString::fromLatin1(app))));
    if (!QFile::exists(imageCache() + QStringLiteral("/image.json"))) {
        const Run build = runProgram(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"),
                                     {imageCache()}, 900'000);
        QVERIFY2(build.exitCode == 0, qPrintable(build.describe()));
    }
    // Under /var/tmp: libvirt's QEMU user must reach the job shares below the data directory.
    m_root.emplace(QStringLiteral("/var/tmp/lendable-borrowerflow-XXXXXX"));
    QVERIFY(m_root->isValid());
    // QTemporaryDir makes 0700; QEMU (user libvirt-qemu) must traverse to the lender's images.
    QVERIFY(QFile::setPermissions(m_root->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                      | QFile::ExeGroup | QFile::ExeOther));
    QVERIFY2(startMarket(QStringLiteral("127.0.0.1:0")), qPrintable(m_market.log()));
    m_marketId = m_market.match.captured(1);
    m_marketAddress = m_market.match.captured(2);
    QVERIFY2(m_lender.start(bin(QStringLiteral("lender-console")),
                            {QStringLiteral("--headless"), QStringLiteral("--data"), m_root->filePath(QStringLiteral("lender")),
                             QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--market"),
                             m_marketAddress, QStringLiteral("--market-id"), m_marketId, QStringLiteral("--libvirt"),
                             QStringLiteral("qemu:///system"), QStringLiteral("--name"), QStringLiteral("flow lender")},
                            QRegularExpression(QStringLiteral("^lender ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(m_lender.log() + QStringLiteral("\n(is libvirtd running? scripts/libvirt-up.sh)")));
    m_lenderId = m_lender.match.captured(1);
    m_lenderAddress = m_lender.match.captured(2);
    const Run image = lenderCli({QStringLiteral("image"), QStringLiteral("add"), QStringLiteral("busybox"), imageCache()});
    QVERIFY2(image.exitCode == 0, qPrintable(image.describe()));
    m_borrowerA = m_root->filePath(QStringLiteral("borrower-a"));
    m_borrowerB = m_root->filePath(QStringLiteral("borrower-b"));
}

bool TestCliFlow::startMarket(const QString &listen)
{
    return m_market.start(bin(QStringLiteral("market-manager")),
                          {QStringLiteral("--headless"), QStringLiteral("--listen"), listen, QStringLiteral("--data"),
                           m_root->filePath(QStringLiteral("market"))},
                          QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on (\\S+)")));
}

void TestCliFlow::cleanupTestCase()
{
    m_lender.stop();
    m_market.stop();
}

Run TestCliFlow::borrower(const QString &dataDir, QStringList args)
{
    return runProgram(bin(QStringLiteral("borrower-client")),
                      QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), dataDir, QStringLiteral("--json"),
                                  QStringLiteral("--market"), m_marketAddress, QStringLiteral("--market-id"), m_marketId}
                          + args,
                      600'000);
}

Run TestCliFlow::lenderCli(QStringList args)
{
    return runProgram(bin(QStringLiteral("lender-console")),
                      QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_root->filePath(QStringLiteral("lender")),
                                  QStringLiteral("--json")}
                          + args);
}

QString TestCliFlow::createPartition()
{
    const Run p = lenderCli({QStringLiteral("partition"), QStringLiteral("create"), QStringLiteral("--cpus"), QStringLiteral("1"),
                             QStringLiteral("--memory"), QStringLiteral("256M"), QStringLiteral("--disk"), QStringLiteral("512M"),
                             QStringLiteral("--rate"), QStringLiteral("1.5"), QStringLiteral("--os"), QStringLiteral("busybox"),
                             QStringLiteral("--max-duration"), QStringLiteral("3600")});
    if (p.exitCode != 0) {
        qWarning() << p.describe();
        return {};
    }
    return p.object().value(QStringLiteral("partition_id")).toString();
}

void TestCliFlow::offersBorrowSubmitLogsWaitEndBills()
{
    const QString partitionId = createPartition();
    QVERIFY(!partitionId.isEmpty());
    const Run reg = lenderCli({QStringLiteral("partition"), QStringLiteral("register"), partitionId});
    QVERIFY2(reg.exitCode == 0, qPrintable(reg.describe()));

    // The offer appears once the market has it.
    QString offerId;
    for (int i = 0; i < 50 && offerId.isEmpty(); ++i) {
        const Run offers = borrower(m_borrowerA, {QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("os=busybox")});
        QVERIFY2(offers.exitCode == 0, qPrintable(offers.describe()));
        for (const QJsonValue &v : offers.array())
            if (v.toObject().value(QStringLiteral("partition_id")).toString() == partitionId)
                offerId = v.toObject().value(QStringLiteral("offer_id")).toString();
        if (offerId.isEmpty())
            QTest::qWait(200);
    }
    QVERIFY2(!offerId.isEmpty(), "the registered partition never showed up in the offers");

    const Run borrowed = borrower(m_borrowerA, {QStringLiteral("borrow"), offerId});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    const QString contractId = borrowed.object().value(QStringLiteral("contract_id")).toString();
    QCOMPARE(borrowed.object().value(QStringLiteral("lender_id")).toString(), m_lenderId);

    const QString script = m_root->filePath(QStringLiteral("job.sh"));
    // numbers.txt (13 MB) is more than a result carries (12 MiB): the outputs are then
    // fetched part by part.
    QVERIFY(writeFile(script, "echo hello from job\ncat /job/in/a.txt\necho result > result.txt\nseq 1 1800000 > numbers.txt\n"
                              "sleep 2\nexit 3\n"));
    const QString input = m_root->filePath(QStringLiteral("a.txt"));
    QVERIFY(writeFile(input, "input one\n"));

    // Another borrower with a copy of A's key is refused by the lender (S52–S55).
    const QString stolen = m_root->filePath(QStringLiteral("stolen-key.json"));
    QVERIFY(QFile::copy(QDir(m_borrowerA + QStringLiteral("/keys")).entryInfoList(QDir::Files).first().absoluteFilePath(), stolen));
    const Run thief = borrower(m_borrowerB, {QStringLiteral("submit"), QStringLiteral("--lender"), m_lenderAddress,
                                             QStringLiteral("--lender-id"), m_lenderId, QStringLiteral("--key-file"), stolen,
                                             QStringLiteral("--os"), QStringLiteral("busybox"), QStringLiteral("--script"), script});
    QVERIFY2(thief.exitCode != 0, qPrintable(thief.describe()));

    const Run submitted = borrower(m_borrowerA, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                                 QStringLiteral("--script"), script, QStringLiteral("--input"), input,
                                                 QStringLiteral("--timeout"), QStringLiteral("300")});
    QVERIFY2(submitted.exitCode == 0, qPrintable(submitted.describe()));
    QVERIFY2(!submitted.err.contains(QStringLiteral("ends contract")), qPrintable(submitted.describe())); // 300 s fit in the hour
    const QString jobId = submitted.object().value(QStringLiteral("job_id")).toString();
    QVERIFY(!jobId.isEmpty());

    const Run logs = runProgram(bin(QStringLiteral("borrower-client")),
                                {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("logs"), jobId,
                                 QStringLiteral("--follow")},
                                600'000);
    QVERIFY2(logs.exitCode == 0, qPrintable(logs.describe()));
    QVERIFY2(logs.out.contains("hello from job\ninput one\n"), qPrintable(logs.describe()));

    const Run waited = borrower(m_borrowerA, {QStringLiteral("wait"), jobId});
    QVERIFY2(waited.exitCode == 0, qPrintable(waited.describe()));
    const QJsonObject w = waited.object();
    QCOMPARE(w.value(QStringLiteral("exit_code")).toInt(-1), 3);
    QCOMPARE(w.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    // Scripts that want the job's success in the exit code ask for it.
    const Run strict = borrower(m_borrowerA, {QStringLiteral("wait"), jobId, QStringLiteral("--exit-status")});
    QVERIFY2(strict.exitCode == 3 && strict.err.contains(QLatin1String("did not succeed: it ended failed with exit code 3")),
             qPrintable(strict.describe()));
    QCOMPARE(strict.object().value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    const QJsonArray outputs = w.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    QCOMPARE(w.value(QStringLiteral("complete")), QJsonValue(true));
    const QString outPath = outputs.at(1).toString();
    QVERIFY2(outPath.startsWith(m_borrowerA + QStringLiteral("/jobs/")) && outPath.endsWith(QStringLiteral("/out/result.txt")),
             qPrintable(outPath));
    QFile out(outPath);
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(out.readAll(), QByteArray("result\n"));
    QByteArray numbers;
    for (int n = 1; n <= 1'800'000; ++n)
        numbers += QByteArray::number(n) + '\n';
    QVERIFY(numbers.size() > 12 * 1024 * 1024);
    QFile numbersOut(outputs.at(0).toString());
    QVERIFY2(numbersOut.fileName().endsWith(QStringLiteral("/out/numbers.txt")), qPrintable(numbersOut.fileName()));
    QVERIFY(numbersOut.open(QIODevice::ReadOnly));
    QCOMPARE(numbersOut.size(), numbers.size());
    QVERIFY(numbersOut.readAll() == numbers);

    // Logs of a finished job without --follow: the whole console.
    const Run again = runProgram(bin(QStringLiteral("borrower-client")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("logs"), jobId});
    QVERIFY2(again.exitCode == 0 && again.out.contains("hello from job"), qPrintable(again.describe()));

    // Logs of a running job that keeps printing, without --follow: what it printed so far,
    // then the command returns (it used to wait for a quiet moment that never came).
    const QString chatty = m_root->filePath(QStringLiteral("chatty.sh"));
    QVERIFY(writeFile(chatty, "while :; do echo tick; sleep 1; done\n"));
    const Run running = borrower(m_borrowerA, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                               QStringLiteral("--script"), chatty, QStringLiteral("--timeout"), QStringLiteral("7200")});
    QVERIFY2(running.exitCode == 0, qPrintable(running.describe()));
    // Allowed two hours, on a contract the market ends within the hour: said on standard error.
    QVERIFY2(running.err.contains(QStringLiteral("may run for 7200 s, but the market ends contract ") + contractId), qPrintable(running.describe()));
    const QString chattyId = running.object().value(QStringLiteral("job_id")).toString();
    bool ticked = false;
    for (int i = 0; i < 60 && !ticked; ++i) {
        const Run now = runProgram(bin(QStringLiteral("borrower-client")),
                                   {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerA, QStringLiteral("logs"), chattyId},
                                   30'000);
        QVERIFY2(!now.timedOut && now.exitCode == 0, qPrintable(now.describe()));
        ticked = now.out.contains("tick\n");
        if (!ticked)
            QTest::qWait(2000);
    }
    QVERIFY2(ticked, "the running job's output never showed");
    // Cancelled once it runs; a second cancel, of a job that ended, is refused as a conflict.
    const Run cancelled = borrower(m_borrowerA, {QStringLiteral("cancel"), chattyId});
    QVERIFY2(cancelled.exitCode == 0, qPrintable(cancelled.describe()));
    const Run stopped = borrower(m_borrowerA, {QStringLiteral("wait"), chattyId});
    QCOMPARE(stopped.object().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
    const Run twice = borrower(m_borrowerA, {QStringLiteral("cancel"), chattyId});
    QVERIFY2(twice.exitCode != 0 && twice.err.contains(QLatin1String("conflict")) && twice.err.contains(QLatin1String("already ended")),
             qPrintable(twice.describe()));

    const Run ended = borrower(m_borrowerA, {QStringLiteral("end"), contractId});
    QVERIFY2(ended.exitCode == 0, qPrintable(ended.describe()));
    const QJsonObject receipt = ended.object().value(QStringLiteral("receipt")).toObject();
    const qint64 started = static_cast<qint64>(receipt.value(QStringLiteral("started_at_ms")).toDouble());
    const qint64 endedAt = static_cast<qint64>(receipt.value(QStringLiteral("ended_at_ms")).toDouble());
    QCOMPARE(Money::parse(ended.object().value(QStringLiteral("charge")).toString()).value(),
             Money::charge(Money::parse(u"1.5").value(), endedAt - started).value());
    QVERIFY(ended.object().value(QStringLiteral("receipt_valid")).toBool());

    // The ended contract's key is void: submitting again is refused before anything is sent.
    const Run late = borrower(m_borrowerA, {QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                            QStringLiteral("--script"), script});
    QVERIFY(late.exitCode != 0);

    const Run bills = borrower(m_borrowerA, {QStringLiteral("bills")});
    QVERIFY2(bills.exitCode == 0 && bills.out.contains(contractId.toUtf8()), qPrintable(bills.describe()));
}

void TestCliFlow::directLendingWithoutAMarket()
{
    const QString partitionId = createPartition();
    QVERIFY(!partitionId.isEmpty());
    const Run id = runProgram(bin(QStringLiteral("borrower-client")), {QStringLiteral("--data"), m_borrowerB, QStringLiteral("--print-id")});
    QCOMPARE(id.exitCode, 0);
    const QString borrowerId = QString::fromUtf8(id.out).trimmed();
    // A name the markets would refuse is refused here too, and lends nothing.
    const Run refused = lenderCli({QStringLiteral("partition"), QStringLiteral("lend-direct"), partitionId, QStringLiteral("--borrower-id"),
                                   borrowerId, QStringLiteral("--borrower-name"), QString(129, QLatin1Char('n'))});
    QVERIFY2(refused.exitCode != 0 && refused.err.contains(QLatin1String("at most 128")), qPrintable(refused.describe()));
    const Run lease = lenderCli({QStringLiteral("partition"), QStringLiteral("lend-direct"), partitionId, QStringLiteral("--borrower-id"),
                                 borrowerId, QStringLiteral("--borrower-name"), QStringLiteral("Lab B")});
    QVERIFY2(lease.exitCode == 0, qPrintable(lease.describe()));
    // The owner sees whom it lent to.
    const Run listed = lenderCli({QStringLiteral("partition"), QStringLiteral("list")});
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.describe()));
    QString shownName;
    for (const QJsonValue &p : listed.object().value(QStringLiteral("partitions")).toArray()) {
        if (p.toObject().value(QStringLiteral("partition_id")).toString() == partitionId)
            shownName = p.toObject().value(QStringLiteral("borrower_name")).toString();
    }
    QCOMPARE(shownName, QStringLiteral("Lab B"));
    // The owner's JSON output is the key file the borrower is handed: it says where and whom
    // the key reaches, so the file alone is enough.
    QCOMPARE(lease.object().value(QStringLiteral("lender_id")).toString(), m_lenderId);
    QCOMPARE(lease.object().value(QStringLiteral("lender_address")).toString(), m_lenderAddress);
    // And when the lease ends by itself: the partition's time limit, counted from its start.
    QCOMPARE(lease.object().value(QStringLiteral("max_duration_s")).toInteger(), 3600);
    QVERIFY(qAbs(lease.object().value(QStringLiteral("started_at_ms")).toInteger() - QDateTime::currentMSecsSinceEpoch()) < 60'000);
    const QString keyFile = m_root->filePath(QStringLiteral("direct-key.json"));
    QVERIFY(writeFile(keyFile, lease.out));
    const QString script = m_root->filePath(QStringLiteral("direct.sh"));
    QVERIFY(writeFile(script, "echo direct job\nexit 0\n"));
    const QStringList direct{QStringLiteral("--key-file"), keyFile};
    const Run submitted = runProgram(bin(QStringLiteral("borrower-client")),
                                     QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerB, QStringLiteral("--json"),
                                                 QStringLiteral("submit"), QStringLiteral("--os"), QStringLiteral("busybox"),
                                                 QStringLiteral("--script"), script, QStringLiteral("--timeout"), QStringLiteral("7200")}
                                         + direct,
                                     600'000);
    QVERIFY2(submitted.exitCode == 0, qPrintable(submitted.describe()));
    // The borrower knows the lease's limit from the key file: a job allowed longer is warned of.
    QVERIFY2(submitted.err.contains(QStringLiteral("but the lender ends lease %1 at").arg(lease.object().value(QStringLiteral("contract_id")).toString())),
             qPrintable(submitted.describe()));
    const QString jobId = submitted.object().value(QStringLiteral("job_id")).toString();
    const Run waited = runProgram(bin(QStringLiteral("borrower-client")),
                                  {QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerB, QStringLiteral("--json"),
                                   QStringLiteral("wait"), jobId, QStringLiteral("--exit-status")},
                                  600'000);
    QVERIFY2(waited.exitCode == 0, qPrintable(waited.describe()));
    QVERIFY2(waited.object().value(QStringLiteral("exit_code")).toInt(-1) == 0, qPrintable(waited.describe()));
    QCOMPARE(waited.object().value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));

    // Past its retention the lender removes the job's results. `wait` and `logs` then say so
    // and exit 1, instead of waiting for ever or printing an empty console.
    QVERIFY(removeJobResults(m_root->filePath(QStringLiteral("lender/lender.db")), jobId, QDateTime::currentMSecsSinceEpoch()));
    for (const QStringList &command : {QStringList{QStringLiteral("wait"), jobId}, QStringList{QStringLiteral("logs"), jobId},
                                       QStringList{QStringLiteral("logs"), jobId, QStringLiteral("--follow")}}) {
        const Run late = runProgram(bin(QStringLiteral("borrower-client")),
                                    QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_borrowerB} + command, 60'000);
        QVERIFY2(!late.timedOut && late.exitCode == 1 && late.err.contains(QLatin1String("not_found"))
                     && late.err.contains(QStringLiteral("the results of job %1 (succeeded) were removed on").arg(jobId)),
                 qPrintable(command.join(u' ') + QLatin1Char('\n') + late.describe()));
    }
}

void TestCliFlow::withdrawWhileTheMarketIsAway()
{
    // The market is down: a withdrawal is refused with the way out (--force); forced, the
    // partition is the owner's at once, and the market hears of it when it is back.
    // Room first: the partitions of the tests before go (this machine may have two CPUs).
    const Run listed = lenderCli({QStringLiteral("partition"), QStringLiteral("list")});
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.describe()));
    for (const QJsonValue &p : listed.object().value(QStringLiteral("partitions")).toArray()) {
        const QString id = p.toObject().value(QStringLiteral("partition_id")).toString();
        if (p.toObject().value(QStringLiteral("state")).toString() != QLatin1String("unregistered")) {
            const Run withdrawn = lenderCli({QStringLiteral("partition"), QStringLiteral("withdraw"), id});
            QVERIFY2(withdrawn.exitCode == 0, qPrintable(withdrawn.describe()));
        }
        const Run deleted = lenderCli({QStringLiteral("partition"), QStringLiteral("delete"), id});
        QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.describe()));
    }
    const QString gone = createPartition();
    QVERIFY(!gone.isEmpty());
    QVERIFY2(lenderCli({QStringLiteral("partition"), QStringLiteral("register"), gone}).exitCode == 0, "register");
    m_market.stop();
    const Run refused = lenderCli({QStringLiteral("partition"), QStringLiteral("withdraw"), gone});
    QVERIFY2(refused.exitCode == 1 && refused.err.contains(QLatin1String("--force")), qPrintable(refused.describe()));
    const Run forced = lenderCli({QStringLiteral("partition"), QStringLiteral("withdraw"), gone, QStringLiteral("--force")});
    QVERIFY2(forced.exitCode == 0, qPrintable(forced.describe()));
    QCOMPARE(forced.object().value(QStringLiteral("state")).toString(), QStringLiteral("unregistered"));
    QCOMPARE(forced.object().value(QStringLiteral("market_told_later")).toBool(), true);

    // Back on the same address. The agent tells the market on reconnecting; a partition
    // registered after the restart shows the agent is back and offering.
    QVERIFY2(startMarket(m_marketAddress), qPrintable(m_market.log()));
    QCOMPARE(m_market.match.captured(1), m_marketId);
    const QString kept = createPartition();
    QVERIFY(!kept.isEmpty());
    // (The agent reconnects with its backoff: at most 30 s after the market is back.)
    Run registered;
    for (int i = 0; i < 12 && registered.exitCode != 0; ++i) {
        registered = lenderCli({QStringLiteral("partition"), QStringLiteral("register"), kept});
        if (registered.exitCode != 0)
            QTest::qWait(1000);
    }
    QVERIFY2(registered.exitCode == 0, qPrintable(registered.describe() + m_lender.log()));
    // The market on its own would go on offering it: only the agent's word takes it off.
    QStringList offered;
    for (int i = 0; i < 60 && !(offered.contains(kept) && !offered.contains(gone)); ++i) {
        if (i > 0)
            QTest::qWait(500);
        offered.clear();
        const Run offers = borrower(m_borrowerA, {QStringLiteral("offers")});
        QVERIFY2(offers.exitCode == 0, qPrintable(offers.describe()));
        for (const QJsonValue &o : offers.array())
            offered << o.toObject().value(QStringLiteral("partition_id")).toString();
    }
    QVERIFY2(offered.contains(kept), qPrintable(offered.join(QLatin1Char(' '))));
    QVERIFY2(!offered.contains(gone), qPrintable(offered.join(QLatin1Char(' '))));

    // The owner CLI of another data directory, pointed at this agent without --agent-id,
    // pins its own ID: the refusal says what to add.
    const QString other = m_root->filePath(QStringLiteral("other-owner"));
    QCOMPARE(runProgram(bin(QStringLiteral("lender-console")), {QStringLiteral("--data"), other, QStringLiteral("--print-id")}).exitCode, 0);
    const Run stranger = runProgram(bin(QStringLiteral("lender-console")),
                                    {QStringLiteral("--cli"), QStringLiteral("--data"), other, QStringLiteral("--connect"), m_lenderAddress,
                                     QStringLiteral("machine"), QStringLiteral("show")});
    QVERIFY2(stranger.exitCode == 1 && stranger.err.contains(QLatin1String("name it with --agent-id ID")), qPrintable(stranger.describe()));
    // An agent ID that is none is a usage error that says so (it used to be called a market ID).
    const Run badId = runProgram(bin(QStringLiteral("lender-console")),
                                 {QStringLiteral("--cli"), QStringLiteral("--data"), other, QStringLiteral("--connect"), m_lenderAddress,
                                  QStringLiteral("--agent-id"), QStringLiteral("zz"), QStringLiteral("machine"), QStringLiteral("show")});
    QVERIFY2(badId.exitCode == 2 && badId.err.contains(QLatin1String("'zz' is not an agent ID")), qPrintable(badId.describe()));

    // The bill and receipt commands' mistakes are usage errors, found before any network;
    // a receipt file that is none is "not valid" (1).
    const auto owner = [&](const QStringList &args, const QByteArray &in = {}) {
        return runProgram(bin(QStringLiteral("lender-console")), QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), other} + args,
                          120'000, {}, in);
    };
    const Run badSince = owner({QStringLiteral("bill"), QStringLiteral("list"), QStringLiteral("--since"), QStringLiteral("yesterday")});
    QVERIFY2(badSince.exitCode == 2 && badSince.err.contains(QLatin1String("'yesterday' is not a date")), qPrintable(badSince.describe()));
    const Run badMarket = owner({QStringLiteral("bill"), QStringLiteral("list"), QStringLiteral("--market-id"), QStringLiteral("zz")});
    QVERIFY2(badMarket.exitCode == 2 && badMarket.err.contains(QLatin1String("is not a market ID")), qPrintable(badMarket.describe()));
    const Run extra = owner({QStringLiteral("bill"), QStringLiteral("list"), QStringLiteral("foo")});
    QVERIFY2(extra.exitCode == 2 && extra.err.contains(QLatin1String("'foo' is one word too many")), qPrintable(extra.describe()));
    // No agent at the address: said once, with what to start.
    const Run noAgent = owner({QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("bill"), QStringLiteral("list")});
    QVERIFY2(noAgent.exitCode == 1 && noAgent.err.contains(QLatin1String("no lender agent answers"))
                 && noAgent.err.contains(QLatin1String("lender-console --headless --data")),
             qPrintable(noAgent.describe()));
    const Run noId = owner({QStringLiteral("receipt"), QStringLiteral("show")});
    QVERIFY2(noId.exitCode == 2, qPrintable(noId.describe()));
    const Run missing = owner({QStringLiteral("receipt"), QStringLiteral("verify"), m_root->filePath(QStringLiteral("none.json"))});
    QVERIFY2(missing.exitCode == 1 && missing.err.contains(QLatin1String("cannot read")), qPrintable(missing.describe()));
    const Run notJson = owner({QStringLiteral("--json"), QStringLiteral("receipt"), QStringLiteral("verify"), QStringLiteral("-")}, "[1, 2]\n");
    QVERIFY2(notJson.exitCode == 1 && notJson.err.contains(QLatin1String("JSON array")), qPrintable(notJson.describe()));
    QCOMPARE(notJson.object().value(QStringLiteral("valid")).toBool(true), false);
}

QTEST_GUILESS_MAIN(TestCliFlow)
#include "TestCliFlow.moc"
