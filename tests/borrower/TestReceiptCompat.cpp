// The borrower checks receipts with its own copy of the market's canonicalisation (cores do
// not include each other): both must produce the same bytes, or every receipt would fail.

#include "Billing.h"
#include "ReceiptCheck.h"

#include <QTest>

using namespace lendable;

class TestReceiptCompat : public QObject {
    Q_OBJECT
private slots:
    void borrowerVerifiesWhatTheMarketSigns()
    {
        const Identity market = Identity::generate(QStringLiteral("m"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                   QDateTime::currentDateTimeUtc().addDays(1))
                                    .value();
        protocol::Receipt r;
        r.contractId = QStringLiteral("c-\u00e9\u65e5");
        r.borrowerId = QString(64, QLatin1Char('c'));
        r.lenderId = QString(64, QLatin1Char('b'));
        r.partitionId = QStringLiteral("p-1");
        r.ratePerHour = Money::fromMicros(987'654'321);
        r.startedAtMs = 1'700'000'000'000;
        r.endedAtMs = 1'700'003'600'001;
        r.charge = Money::fromMicros(123);
        Result<protocol::Receipt> s = market::signReceipt(r, market);
        QVERIFY(s.ok());
        QCOMPARE(borrower::canonicalReceiptBytes(*s), market::canonicalReceiptBytes(*s));
        QVERIFY2(borrower::verifyReceipt(*s, market.nodeId()).ok(),
                 qPrintable(borrower::verifyReceipt(*s, market.nodeId()).error().message));
        // A start receipt (no end, no charge) too.
        r.endedAtMs = 0;
        r.charge = Money();
        s = market::signReceipt(r, market);
        QCOMPARE(borrower::canonicalReceiptBytes(*s), market::canonicalReceiptBytes(*s));
        QVERIFY(borrower::verifyReceipt(*s).ok());
        QVERIFY(market::verifyReceipt(*borrower::receiptFromJson(borrower::receiptToJson(*s))).ok());
    }
};

QTEST_GUILESS_MAIN(TestReceiptCompat)
#include "TestReceiptCompat.moc"
