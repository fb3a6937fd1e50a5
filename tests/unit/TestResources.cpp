#include "model/Resources.h"

#include <QTest>

#include <limits>

using namespace lendable;

class TestResources : public QObject {
    Q_OBJECT

private slots:
    void parseSize_data();
    void parseSize();
    void parseSizeInvalid_data();
    void parseSizeInvalid();
    void formatSize_data();
    void formatSize();
    void formatParseRoundTrip();
    void fitsWithin();
    void arithmetic();
    void predicates();
    void toStringReadable();
    void leastRebalance();
};

void TestResources::parseSize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("mib");
    QTest::newRow("bare number is MiB") << QStringLiteral("512") << qint64(512);
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("512M") << QStringLiteral("512M") << qint64(512);
    QTest::newRow("512m") << QStringLiteral("512m") << qint64(512);
    QTest::newRow("512MiB") << QStringLiteral("512MiB") << qint64(512);
    QTest::newRow("512MB") << QStringLiteral("512MB") << qint64(512);
    QTest::newRow("2G") << QStringLiteral("2G") << qint64(2048);
    QTest::newRow("2gib") << QStringLiteral("2gib") << qint64(2048);
    QTest::newRow("2Gb") << QStringLiteral("2Gb") << qint64(2048);
    QTest::newRow("1T") << QStringLiteral("1T") << qint64(1024 * 1024);
    QTest::newRow("1024K") << QStringLiteral("1024K") << qint64(1);
    QTest::newRow("2048KiB") << QStringLiteral("2048KiB") << qint64(2);
    QTest::newRow("big T") << QStringLiteral("8796093022207T") << qint64(8796093022207) * 1024 * 1024;
}

void TestResources::parseSize()
{
    QFETCH(QString, text);
    QFETCH(qint64, mib);
    const auto r = parseSizeMib(text);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(*r, mib);
}

void TestResources::parseSizeInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("64K") << QStringLiteral("64K") << QStringLiteral("whole number of MiB");
    QTest::newRow("1000K") << QStringLiteral("1000K") << QStringLiteral("whole number of MiB");
    QTest::newRow("fraction") << QStringLiteral("1.5G") << QStringLiteral("1536M");
    QTest::newRow("negative") << QStringLiteral("-1G") << QStringLiteral("negative");
    QTest::newRow("space") << QStringLiteral("2 G") << QStringLiteral("unit");
    QTest::newRow("leading space") << QStringLiteral(" 2G") << QStringLiteral("whole number");
    QTest::newRow("unit only") << QStringLiteral("G") << QStringLiteral("whole number");
    QTest::newRow("bytes") << QStringLiteral("512B") << QStringLiteral("unit 'B'");
    QTest::newRow("petabytes") << QStringLiteral("1P") << QStringLiteral("unit 'P'");
    QTest::newRow("junk suffix") << QStringLiteral("2GX") << QStringLiteral("unit 'GX'");
    QTest::newRow("double unit") << QStringLiteral("2GG") << QStringLiteral("unit 'GG'");
    QTest::newRow("junk") << QStringLiteral("lots") << QStringLiteral("whole number");
    QTest::newRow("overflow digits") << QStringLiteral("99999999999999999999") << QStringLiteral("too large");
    QTest::newRow("overflow by unit") << QStringLiteral("8796093022208T") << QStringLiteral("too large");
}

void TestResources::parseSizeInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    const auto r = parseSizeMib(text);
    QVERIFY2(!r.ok(), qPrintable(QStringLiteral("accepted as %1").arg(r.ok() ? *r : 0)));
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(r.error().message.contains(QLatin1Char('"') + text + QLatin1Char('"')), qPrintable(r.error().message));
    QVERIFY2(r.error().message.contains(reason), qPrintable(r.error().message));
}

void TestResources::formatSize_data()
{
    QTest::addColumn<qint64>("mib");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0M");
    QTest::newRow("512") << qint64(512) << QStringLiteral("512M");
    QTest::newRow("2048") << qint64(2048) << QStringLiteral("2G");
    QTest::newRow("1536") << qint64(1536) << QStringLiteral("1536M");
    QTest::newRow("1T") << qint64(1024) * 1024 << QStringLiteral("1T");
    QTest::newRow("1025G") << qint64(1025) * 1024 << QStringLiteral("1025G");
    QTest::newRow("negative") << qint64(-2048) << QStringLiteral("-2G");
}

void TestResources::formatSize()
{
    QFETCH(qint64, mib);
    QFETCH(QString, text);
    QCOMPARE(formatSizeMib(mib), text);
}

void TestResources::formatParseRoundTrip()
{
    for (qint64 mib : {qint64(0), qint64(1), qint64(1023), qint64(1024), qint64(1536), qint64(1024) * 1024 * 3,
                       std::numeric_limits<qint64>::max()}) {
        const auto back = parseSizeMib(formatSizeMib(mib));
        QVERIFY2(back.ok(), qPrintable(formatSizeMib(mib)));
        QCOMPARE(*back, mib);
    }
}

void TestResources::fitsWithin()
{
    const Resources machine{8, 16384, 100'000};
    QVERIFY((Resources{8, 16384, 100'000}.fitsWithin(machine)));
    QVERIFY((Resources{1, 512, 1024}.fitsWithin(machine)));
    QVERIFY(Resources{}.fitsWithin(machine));
    QVERIFY(!(Resources{9, 512, 1024}.fitsWithin(machine)));
    QVERIFY(!(Resources{1, 16385, 1024}.fitsWithin(machine)));
    QVERIFY(!(Resources{1, 512, 100'001}.fitsWithin(machine)));
    // Lendable = machine - reserve; partitions must fit what is left.
    const Resources reserve{2, 4096, 20'000};
    const Resources lendable = machine - reserve;
    QVERIFY((Resources{6, 12288, 80'000}.fitsWithin(lendable)));
    QVERIFY(!(Resources{6, 12289, 80'000}.fitsWithin(lendable)));
}

void TestResources::arithmetic()
{
    const Resources a{2, 1024, 10'240};
    const Resources b{1, 512, 240};
    QCOMPARE(a + b, (Resources{3, 1536, 10'480}));
    QCOMPARE(a - b, (Resources{1, 512, 10'000}));
    QCOMPARE(a - a, Resources{});
    QCOMPARE(b - a, (Resources{-1, -512, -10'000}));
    Resources c = a;
    c += b;
    c -= b;
    QCOMPARE(c, a);
}

void TestResources::predicates()
{
    QVERIFY(Resources{}.isZero());
    QVERIFY(!(Resources{0, 0, 1}.isZero()));
    QVERIFY(!Resources{}.anyNegative());
    QVERIFY((Resources{0, -1, 0}.anyNegative()));
    QVERIFY((Resources{-1, 0, 0}.anyNegative()));
    QVERIFY((Resources{0, 0, -1}.anyNegative()));
}

void TestResources::toStringReadable()
{
    QCOMPARE((Resources{4, 8192, 102'400}.toString()), QStringLiteral("4 CPUs, 8G memory, 100G disk"));
    QCOMPARE((Resources{1, 1536, 512}.toString()), QStringLiteral("1 CPU, 1536M memory, 512M disk"));
}

void TestResources::leastRebalance()
{
    // A partition at or above the smallest may go down to the smallest.
    QCOMPARE(leastRebalanceFor({4, 8192, 102'400}), kMinPartition);
    QCOMPARE(leastRebalanceFor(kMinPartition), kMinPartition);
    // A component it already has less of stays as it is, each on its own.
    QCOMPARE(leastRebalanceFor({2, 32, 8}), (Resources{1, 32, 8}));
    QCOMPARE(leastRebalanceFor({1, 1024, 0}), (Resources{1, 64, 0}));
    // Nonsense (none, or negative) still asks for something a partition can run with.
    QCOMPARE(leastRebalanceFor({0, 0, -5}), (Resources{1, 1, 0}));
    static_assert(leastRebalanceFor({8, 4096, 4096}) == kMinPartition);
}

QTEST_APPLESS_MAIN(TestResources)
#include "TestResources.moc"
