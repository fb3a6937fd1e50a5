#include "model/Money.h"

#include <QRandomGenerator>
#include <QTest>

#include <limits>

using namespace lendable;

namespace {
constexpr qint64 kMax = std::numeric_limits<qint64>::max();
constexpr qint64 kMin = std::numeric_limits<qint64>::min();
} // namespace

class TestMoney : public QObject {
    Q_OBJECT

private slots:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void toStringShortest_data();
    void toStringShortest();
    void roundTripExtremes();
    void charge_data();
    void charge();
    void chargeLargeValues();
    void chargeErrors();
    void feeRounding_data();
    void feeRounding();
    void feePlusPayoutIsCharge();
    void addOverflow();
    void ordering();
};

void TestMoney::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("negative zero") << QStringLiteral("-0") << qint64(0);
    QTest::newRow("zero with decimals") << QStringLiteral("0.000000") << qint64(0);
    QTest::newRow("one micro") << QStringLiteral("0.000001") << qint64(1);
    QTest::newRow("minus one micro") << QStringLiteral("-0.000001") << qint64(-1);
    QTest::newRow("1.25") << QStringLiteral("1.25") << qint64(1'250'000);
    QTest::newRow("-0.5") << QStringLiteral("-0.5") << qint64(-500'000);
    QTest::newRow("-3") << QStringLiteral("-3") << qint64(-3'000'000);
    QTest::newRow("plus sign") << QStringLiteral("+7.5") << qint64(7'500'000);
    QTest::newRow("leading zeros") << QStringLiteral("007.10") << qint64(7'100'000);
    QTest::newRow("max") << QStringLiteral("9223372036854.775807") << kMax;
    QTest::newRow("-max") << QStringLiteral("-9223372036854.775807") << -kMax;
}

void TestMoney::parseValid()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    const auto parsed = Money::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().toString()));
    QCOMPARE(*parsed, Money::fromMicros(micros));
}

void TestMoney::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason"); // a fragment the message must contain
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("space before") << QStringLiteral(" 1") << QStringLiteral("position 1");
    QTest::newRow("space after") << QStringLiteral("1 ") << QStringLiteral("position 2");
    QTest::newRow("space inside") << QStringLiteral("1 000") << QStringLiteral("position 2");
    QTest::newRow("trailing point") << QStringLiteral("12.") << QStringLiteral("after the decimal point");
    QTest::newRow("leading point") << QStringLiteral(".5") << QStringLiteral("before the decimal point");
    QTest::newRow("signed leading point") << QStringLiteral("-.5") << QStringLiteral("before the decimal point");
    QTest::newRow("seven decimals") << QStringLiteral("0.0000001") << QStringLiteral("more than 6 decimals");
    QTest::newRow("seven decimals, trailing zero") << QStringLiteral("1.0000000") << QStringLiteral("more than 6 decimals");
    QTest::newRow("exponent") << QStringLiteral("1e3") << QStringLiteral("'e'");
    QTest::newRow("plus minus") << QStringLiteral("+-1") << QStringLiteral("position 2");
    QTest::newRow("double minus") << QStringLiteral("--1") << QStringLiteral("position 2");
    QTest::newRow("sign only") << QStringLiteral("-") << QStringLiteral("position 2");
    QTest::newRow("comma") << QStringLiteral("1,5") << QStringLiteral("','");
    QTest::newRow("two points") << QStringLiteral("1.2.3") << QStringLiteral("'.'");
    QTest::newRow("letters") << QStringLiteral("ten") << QStringLiteral("position 1");
    QTest::newRow("currency") << QStringLiteral("$5") << QStringLiteral("position 1");
    QTest::newRow("arabic-indic digit") << QStringLiteral("\u0661") << QStringLiteral("position 1");
    QTest::newRow("max + 1 micro") << QStringLiteral("9223372036854.775808") << QStringLiteral("too large");
    QTest::newRow("int64 min") << QStringLiteral("-9223372036854.775808") << QStringLiteral("too large");
    QTest::newRow("huge units") << QStringLiteral("9223372036855") << QStringLiteral("too large");
    QTest::newRow("very long") << QStringLiteral("1").repeated(100) << QStringLiteral("too large");
}

void TestMoney::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, reason);
    const auto parsed = Money::parse(text);
    QVERIFY2(!parsed.ok(), qPrintable(QStringLiteral("accepted as %1").arg(parsed.ok() ? parsed->toString() : QString())));
    QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    const QString message = parsed.error().message;
    QVERIFY2(message.contains(QLatin1Char('"') + text.left(64)), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
}

void TestMoney::toStringShortest_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0");
    QTest::newRow("one micro") << qint64(1) << QStringLiteral("0.000001");
    QTest::newRow("minus half") << qint64(-500'000) << QStringLiteral("-0.5");
    QTest::newRow("1.25") << qint64(1'250'000) << QStringLiteral("1.25");
    QTest::newRow("3") << qint64(3'000'000) << QStringLiteral("3");
    QTest::newRow("10.01") << qint64(10'010'000) << QStringLiteral("10.01");
    QTest::newRow("max") << kMax << QStringLiteral("9223372036854.775807");
    QTest::newRow("min") << kMin << QStringLiteral("-9223372036854.775808");
}

void TestMoney::toStringShortest()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    QCOMPARE(Money::fromMicros(micros).toString(), text);
}

void TestMoney::roundTripExtremes()
{
    auto *rng = QRandomGenerator::global();
    for (int i = 0; i < 10'000; ++i) {
        // Every magnitude from single micros to the top of the range.
        const int bits = int(rng->bounded(63)) + 1;
        qint64 micros = qint64(rng->generate64() >> (64 - bits));
        if (rng->bounded(2))
            micros = -micros;
        const Money m = Money::fromMicros(micros);
        const auto back = Money::parse(m.toString());
        QVERIFY2(back.ok(), qPrintable(m.toString()));
        QCOMPARE(*back, m);
    }
}

void TestMoney::charge_data()
{
    QTest::addColumn<QString>("rate");
    QTest::addColumn<qint64>("durationMs");
    QTest::addColumn<QString>("expected");
    // 1/h for 1 ms is 0.000000277… units: 0.277 micros rounds to nothing.
    QTest::newRow("1/h for 1 ms") << QStringLiteral("1") << qint64(1) << QStringLiteral("0");
    QTest::newRow("1/h for 1.8 s is exact") << QStringLiteral("1") << qint64(1800) << QStringLiteral("0.0005");
    QTest::newRow("1/h for an hour") << QStringLiteral("1") << qint64(3'600'000) << QStringLiteral("1");
    QTest::newRow("zero duration") << QStringLiteral("5") << qint64(0) << QStringLiteral("0");
    QTest::newRow("zero rate") << QStringLiteral("0") << qint64(3'600'000) << QStringLiteral("0");
    // Exact halves round away from zero, never to even.
    QTest::newRow("0.5 micro up") << QStringLiteral("0.000001") << qint64(1'800'000) << QStringLiteral("0.000001");
    QTest::newRow("just below half") << QStringLiteral("0.000001") << qint64(1'799'999) << QStringLiteral("0");
    QTest::newRow("1.5 micros up") << QStringLiteral("0.000001") << qint64(5'400'000) << QStringLiteral("0.000002");
    QTest::newRow("2.5 micros up (not to even)") << QStringLiteral("0.000001") << qint64(9'000'000)
                                                 << QStringLiteral("0.000003");
    QTest::newRow("negative half away from zero") << QStringLiteral("-0.000001") << qint64(1'800'000)
                                                  << QStringLiteral("-0.000001");
    QTest::newRow("negative below half") << QStringLiteral("-0.000001") << qint64(1'799'999) << QStringLiteral("0");
    // 0.36/h for 1 s = 0.0001 exactly; 2.5/h for 90 min = 3.75.
    QTest::newRow("0.36/h for 1 s") << QStringLiteral("0.36") << qint64(1000) << QStringLiteral("0.0001");
    QTest::newRow("2.5/h for 90 min") << QStringLiteral("2.5") << qint64(5'400'000) << QStringLiteral("3.75");
    // 1/h for 1 s = 277.777… micros -> 278.
    QTest::newRow("1/h for 1 s") << QStringLiteral("1") << qint64(1000) << QStringLiteral("0.000278");
}

void TestMoney::charge()
{
    QFETCH(QString, rate);
    QFETCH(qint64, durationMs);
    QFETCH(QString, expected);
    const auto r = Money::charge(*Money::parse(rate), durationMs);
    QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    QCOMPARE(*r, *Money::parse(expected));
}

void TestMoney::chargeLargeValues()
{
    // rate × ms overflows 64 bits (1e12 units/h = 1e18 micros, × 3.6e6 ms) but the result
    // (1e12 units) fits.
    const Money rate = *Money::parse(QStringLiteral("1000000000000"));
    const auto oneHour = Money::charge(rate, 3'600'000);
    QVERIFY(oneHour.ok());
    QCOMPARE(*oneHour, rate);

    // 1000/h for a year: the product (~3e19 micros·ms) is beyond 64 bits, the result is not.
    const Money smallRate = Money::fromMicros(1'000'000'000); // 1000/h
    const qint64 aYearMs = qint64(365) * 24 * 3'600'000;
    const auto year = Money::charge(smallRate, aYearMs);
    QVERIFY(year.ok());
    QCOMPARE(*year, *Money::parse(QStringLiteral("8760000")));

    const auto maxRateOneHour = Money::charge(Money::fromMicros(kMax), 3'600'000);
    QVERIFY(maxRateOneHour.ok());
    QCOMPARE(maxRateOneHour->micros(), kMax);
}

void TestMoney::chargeErrors()
{
    const auto tooBig = Money::charge(Money::fromMicros(kMax), 3'600'001 * 2);
    QVERIFY(!tooBig.ok());
    QCOMPARE(tooBig.error().code, ErrorCode::InvalidArgument);
    QVERIFY(tooBig.error().message.contains(QLatin1String("too large")));

    const auto hugeDuration = Money::charge(Money::fromMicros(kMax), kMax);
    QVERIFY(!hugeDuration.ok());

    const auto negative = Money::charge(Money::fromMicros(1), -1);
    QVERIFY(!negative.ok());
    QCOMPARE(negative.error().code, ErrorCode::InvalidArgument);
}

void TestMoney::feeRounding_data()
{
    QTest::addColumn<qint64>("charge");
    QTest::addColumn<int>("basisPoints");
    QTest::addColumn<qint64>("fee");
    QTest::newRow("10% of 1") << qint64(1'000'000) << 1000 << qint64(100'000);
    QTest::newRow("0%") << qint64(1'000'000) << 0 << qint64(0);
    QTest::newRow("100%") << qint64(1'234'567) << 10'000 << qint64(1'234'567);
    QTest::newRow("half micro rounds up") << qint64(5) << 1000 << qint64(1);            // 0.5
    QTest::newRow("below half rounds down") << qint64(4) << 1000 << qint64(0);          // 0.4
    QTest::newRow("1.5 rounds up") << qint64(15) << 1000 << qint64(2);                  // 1.5
    QTest::newRow("negative half away") << qint64(-5) << 1000 << qint64(-1);
    QTest::newRow("max at 100%") << kMax << 10'000 << kMax;
    QTest::newRow("min at 100%") << kMin << 10'000 << kMin;
    QTest::newRow("max at 99.99%") << kMax << 9'999 << qint64(9'222'449'699'651'090'329); // ….4193 rounds down
    QTest::newRow("max at 0.01%") << kMax << 1 << qint64(922'337'203'685'478); // ….5807 rounds up
}

void TestMoney::feeRounding()
{
    QFETCH(qint64, charge);
    QFETCH(int, basisPoints);
    QFETCH(qint64, fee);
    QCOMPARE(Money::feeOf(Money::fromMicros(charge), basisPoints), Money::fromMicros(fee));
}

void TestMoney::feePlusPayoutIsCharge()
{
    auto *rng = QRandomGenerator::global();
    for (int i = 0; i < 100'000; ++i) {
        const int bits = int(rng->bounded(63)) + 1;
        qint64 micros = qint64(rng->generate64() >> (64 - bits));
        if (rng->bounded(4) == 0)
            micros = -micros;
        const int bp = int(rng->bounded(10'001));
        const Money charge = Money::fromMicros(micros);
        const Money fee = Money::feeOf(charge, bp);
        const Money payout = Money::payoutOf(charge, bp);
        const auto sum = fee.add(payout);
        QVERIFY(sum.ok());
        QCOMPARE(*sum, charge);
        // Neither side ever gets more than the whole charge or less than nothing.
        if (micros >= 0) {
            QVERIFY(fee.micros() >= 0 && fee <= charge);
            QVERIFY(payout.micros() >= 0 && payout <= charge);
        }
    }
}

void TestMoney::addOverflow()
{
    const auto sum = Money::fromMicros(kMax).add(Money::fromMicros(1));
    QVERIFY(!sum.ok());
    QCOMPARE(sum.error().code, ErrorCode::InvalidArgument);
    QVERIFY(Money::fromMicros(kMin).add(Money::fromMicros(-1)).error().code == ErrorCode::InvalidArgument);
    QCOMPARE(*Money::fromMicros(kMax).add(Money::fromMicros(-kMax)), Money());
    QVERIFY(!Money::fromMicros(kMin).subtract(Money::fromMicros(1)).ok());
    QCOMPARE(*Money::fromMicros(3).subtract(Money::fromMicros(5)), Money::fromMicros(-2));
}

void TestMoney::ordering()
{
    QVERIFY(Money::fromMicros(1) > Money());
    QVERIFY(Money::fromMicros(-1) < Money());
    QCOMPARE(Money::fromMicros(42), Money::fromMicros(42));
    static_assert(Money::fromMicros(7).micros() == 7);
    static_assert(Money().isZero());
}

QTEST_APPLESS_MAIN(TestMoney)
#include "TestMoney.moc"
