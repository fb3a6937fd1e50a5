// The borrower checks receipts with its own copy of the market's canonicalisation (cores do
// not include each other): both must produce the same bytes, or every receipt would fail.

#include "Billing.h"
#include "protocol/ReceiptJson.h"

#include <QJsonArray>
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
        QCOMPARE(protocol::canonicalReceiptBytes(*s), market::canonicalReceiptBytes(*s));
        QVERIFY2(protocol::verifyReceipt(*s, market.nodeId()).ok(),
                 qPrintable(protocol::verifyReceipt(*s, market.nodeId()).error().message));
        // A start receipt (no end, no charge) too.
        r.endedAtMs = 0;
        r.charge = Money();
        s = market::signReceipt(r, market);
        QCOMPARE(protocol::canonicalReceiptBytes(*s), market::canonicalReceiptBytes(*s));
        QVERIFY(protocol::verifyReceipt(*s).ok());
        QVERIFY(market::verifyReceipt(*protocol::receiptFromJson(protocol::receiptToJson(*s))).ok());
    }

    void batchProofSurvivesJson()
    {
        // What `borrower-client --cli end --json` prints and `receipt verify` reads back
        // keeps the batch proof of a receipt the market signed in a batch.
        const Identity market = Identity::generate(QStringLiteral("m"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                   QDateTime::currentDateTimeUtc().addDays(1))
                                    .value();
        QList<protocol::Receipt> receipts(5);
        QList<protocol::Receipt *> pointers;
        for (qsizetype i = 0; i < receipts.size(); ++i) {
            receipts[i].contractId = QStringLiteral("c-%1").arg(i);
            receipts[i].startedAtMs = 1'700'000'000'000 + i;
            pointers.append(&receipts[i]);
        }
        QVERIFY(market::signReceiptBatch(pointers, market).ok());
        for (const protocol::Receipt &r : std::as_const(receipts)) {
            QVERIFY(r.batch.has_value());
            const QJsonObject json = protocol::receiptToJson(r);
            QVERIFY(json.value(QStringLiteral("batch")).isObject());
            Result<protocol::Receipt> back = protocol::receiptFromJson(json);
            QVERIFY2(back.ok(), qPrintable(back.error().message));
            QCOMPARE(*back, r);
            QVERIFY(protocol::verifyReceipt(*back, market.nodeId()).ok());
        }
        // A receipt without a batch (signed alone) has no "batch" key, as before batches.
        QVERIFY(!protocol::receiptToJson(market::signReceipt(receipts[0], market).value()).contains(QStringLiteral("batch")));

        QJsonObject broken = protocol::receiptToJson(receipts[1]);
        broken.insert(QStringLiteral("batch"), QJsonObject{{QStringLiteral("size"), 5}, {QStringLiteral("index"), 1},
                                                           {QStringLiteral("path"), QJsonArray{QStringLiteral("%%")}}});
        QCOMPARE(protocol::receiptFromJson(broken).error().code, ErrorCode::InvalidArgument);
        broken.insert(QStringLiteral("batch"), QStringLiteral("x"));
        QCOMPARE(protocol::receiptFromJson(broken).error().code, ErrorCode::InvalidArgument);
        broken.insert(QStringLiteral("batch"), QJsonObject{{QStringLiteral("size"), 1.5}, {QStringLiteral("index"), 1},
                                                           {QStringLiteral("path"), QJsonArray{}}});
        QCOMPARE(protocol::receiptFromJson(broken).error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestReceiptCompat)
#include "TestReceiptCompat.moc"
