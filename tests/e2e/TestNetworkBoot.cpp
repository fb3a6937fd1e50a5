// Third embodiment end to end: the market holds the busybox image (--image), the lender does
// not; a borrower's job asks for it, the lender downloads it from the market over the
// protocol, verifies it, caches it, and boots it. Separate processes, real TLS, a real VM.

#include "../borrower/CliHarness.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace cliharness;

class TestNetworkBoot : public QObject {
    Q_OBJECT
private slots:
    void lenderFetchesTheImageFromTheMarket();

private:
    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/lendable-netboot-XXXXXX")};
};

void TestNetworkBoot::lenderFetchesTheImageFromTheMarket()
{
    QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    const QString image = QStringLiteral("/var/tmp/lendable-cache/busybox");
    if (!QFile::exists(image + QStringLiteral("/image.json"))) {
        const Run build = runProgram(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"), {image}, 900'000);
        QVERIFY2(build.exitCode == 0, qPrintable(build.describe()));
    }
    Service market;
    QVERIFY2(market.start(bin(QStringLiteral("market-manager")),
                          {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"),
                           m_dir.filePath(QStringLiteral("market")), QStringLiteral("--image"), QStringLiteral("busybox=") + image},
                          QRegularExpression(QStringLiteral("^market ([0-9a-f]{64}) listening on (\\S+)")), 120'000),
             qPrintable(market.log()));
    const QString marketId = market.match.captured(1);
    const QString marketAddress = market.match.captured(2);
    Service lenderAgent;
    QVERIFY2(lenderAgent.start(bin(QStringLiteral("lender-console")),
                               {QStringLiteral("--headless"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")),
                                QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--market"), marketAddress,
                                QStringLiteral("--market-id"), marketId, QStringLiteral("--virt-type"), QStringLiteral("qemu")},
                               QRegularExpression(QStringLiteral("^lender ([0-9a-f]{64}) listening on (\\S+)"))),
             qPrintable(lenderAgent.log()));
    auto lender = [&](const QStringList &args) {
        return runProgram(bin(QStringLiteral("lender-console")),
                          QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("lender")), QStringLiteral("--json")} + args);
    };
    auto borrower = [&](const QStringList &args) {
        return runProgram(bin(QStringLiteral("borrower-client")),
                          QStringList{QStringLiteral("--cli"), QStringLiteral("--json"), QStringLiteral("--data"), m_dir.filePath(QStringLiteral("borrower")),
                                      QStringLiteral("--market"), marketAddress, QStringLiteral("--market-id"), marketId} + args, 300'000);
    };
    const Run before = lender({QStringLiteral("image"), QStringLiteral("list")});
    QVERIFY2(before.exitCode == 0 && !before.out.contains("busybox"), qPrintable(before.describe()));
    const Run created = lender({QStringLiteral("partition"), QStringLiteral("create"), QStringLiteral("--cpus"), QStringLiteral("1"),
                                QStringLiteral("--memory"), QStringLiteral("256M"), QStringLiteral("--disk"), QStringLiteral("1G"),
                                QStringLiteral("--rate"), QStringLiteral("1"), QStringLiteral("--os"), QStringLiteral("busybox")});
    QVERIFY2(created.exitCode == 0, qPrintable(created.describe()));
    QCOMPARE(lender({QStringLiteral("partition"), QStringLiteral("register"), created.object().value(QStringLiteral("partition_id")).toString()}).exitCode, 0);

    const Run borrowed = borrower({QStringLiteral("borrow"), QStringLiteral("--query"), QStringLiteral("os=busybox")});
    QVERIFY2(borrowed.exitCode == 0, qPrintable(borrowed.describe()));
    const QString contractId = borrowed.object().value(QStringLiteral("contract_id")).toString();
    QFile script(m_dir.filePath(QStringLiteral("job.sh")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("echo booted from a downloaded image\nexit 6\n");
    script.close();
    const Run submitted = borrower({QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("busybox"),
                                    QStringLiteral("--script"), script.fileName()});
    QVERIFY2(submitted.exitCode == 0, qPrintable(submitted.describe()));
    const Run waited = borrower({QStringLiteral("wait"), submitted.object().value(QStringLiteral("job_id")).toString()});
    QVERIFY2(waited.exitCode == 0, qPrintable(waited.describe()));
    QCOMPARE(waited.object().value(QStringLiteral("exit_code")).toInt(), 6);
    // Cached: the lender now holds the image.
    const Run after = lender({QStringLiteral("image"), QStringLiteral("list")});
    QVERIFY2(after.out.contains("busybox"), qPrintable(after.describe()));
    // An image nobody holds is refused at submission, typed.
    const Run missing = borrower({QStringLiteral("submit"), contractId, QStringLiteral("--os"), QStringLiteral("plan9"),
                                  QStringLiteral("--script"), script.fileName()});
    QVERIFY(missing.exitCode != 0);
    QCOMPARE(borrower({QStringLiteral("end"), contractId}).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestNetworkBoot)
#include "TestNetworkBoot.moc"
