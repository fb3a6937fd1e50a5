// Billing arithmetic and market-signed receipts: exact to the micro-unit, verifiable offline,
// and any change to a signed field (or a foreign signer) detected.

#include "Billing.h"
#include "LendingKey.h"

#include <QTest>

using namespace lendable;
using namespace lendable::market;

class TestBilling : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void billIsExact();
    void endBeforeStartRefused();
    void receiptVerifies();
    void tamperedReceiptFails_data();
    void tamperedReceiptFails();
    void foreignMarketRefused();
    void canonicalBytesIgnoreFieldOrder();
    void lendingKeys();

private:
    protocol::Receipt sampleReceipt() const;
    Identity m_market;
    Identity m_other;
};

void TestBilling::initTestCase()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_market = Identity::generate(QStringLiteral("market"), now.addDays(-1), now.addDays(30)).value();
    m_other = Identity::generate(QStringLiteral("other"), now.addDays(-1), now.addDays(30)).value();
}

void TestBilling::billIsExact()
{
    // 1.5 per hour for 1 h 20 min 30.5 s = 2.012708333… → 2.012708; fee 10 % = 0.201271 (rounded once).
    Result<BillAmounts> b = computeBill(Money::parse(u"1.5").value(), 1'000, 1'000 + 4'830'500, 1000);
    QVERIFY(b.ok());
    QCOMPARE(b->durationMs, 4'830'500);
    QCOMPARE(b->charge, Money::fromMicros(2'012'708));
    QCOMPARE(b->fee, Money::fromMicros(201'271));
    QCOMPARE(b->payout, Money::fromMicros(1'811'437));
    QCOMPARE(b->fee.micros() + b->payout.micros(), b->charge.micros());

    Result<BillAmounts> zero = computeBill(Money::parse(u"3").value(), 5, 5, 1000);
    QVERIFY(zero.ok());
    QCOMPARE(zero->charge, Money());
}

void TestBilling::endBeforeStartRefused()
{
    QCOMPARE(computeBill(Money::fromMicros(1), 10, 9, 1000).error().code, ErrorCode::InvalidArgument);
}

protocol::Receipt TestBilling::sampleReceipt() const
{
    protocol::Receipt r;
    r.contractId = QStringLiteral("c-1");
    r.borrowerId = QString(64, QLatin1Char('b'));
    r.lenderId = QString(64, QLatin1Char('a'));
    r.partitionId = QStringLiteral("p1");
    r.ratePerHour = Money::parse(u"1.25").value();
    r.startedAtMs = 1'700'000'000'000;
    r.endedAtMs = 1'700'000'360'000;
    r.charge = Money::fromMicros(125'000);
    return signReceipt(r, m_market).value();
}

void TestBilling::receiptVerifies()
{
    const protocol::Receipt r = sampleReceipt();
    QCOMPARE(r.marketId, m_market.nodeId());
    QVERIFY(!r.signature.isEmpty());
    QVERIFY2(verifyReceipt(r).ok(), qPrintable(verifyReceipt(r).error().toString()));
    QVERIFY(verifyReceipt(r, m_market.nodeId()).ok());
    // Through the wire encoding and back, as a borrower would hold it.
    Result<protocol::Receipt> decoded = protocol::decodeSchema<protocol::Receipt>(protocol::encodeSchema(r));
    QVERIFY(decoded.ok());
    QVERIFY(verifyReceipt(*decoded, m_market.nodeId()).ok());
}

void TestBilling::tamperedReceiptFails_data()
{
    QTest::addColumn<int>("field");
    for (int i = 0; i < 9; ++i)
        QTest::newRow(qPrintable(QString::number(i))) << i;
}

void TestBilling::tamperedReceiptFails()
{
    QFETCH(int, field);
    protocol::Receipt r = sampleReceipt();
    switch (field) {
    case 0: r.contractId += QLatin1Char('x'); break;
    case 1: r.borrowerId[0] = QLatin1Char('c'); break;
    case 2: r.lenderId[0] = QLatin1Char('c'); break;
    case 3: r.partitionId = QStringLiteral("p2"); break;
    case 4: r.ratePerHour = Money::fromMicros(r.ratePerHour.micros() - 1); break;
    case 5: r.startedAtMs += 1; break;
    case 6: r.endedAtMs -= 1; break;
    case 7: r.charge = Money::fromMicros(r.charge.micros() - 1); break;
    case 8: r.signature[r.signature.size() / 2] = char(r.signature[r.signature.size() / 2] ^ 0x01); break;
    }
    const Result<void> v = verifyReceipt(r);
    QVERIFY(!v.ok());
    QVERIFY(!v.error().message.isEmpty());
}

void TestBilling::foreignMarketRefused()
{
    protocol::Receipt r = sampleReceipt();
    // Re-signed by another node: valid on its own, refused when the market is pinned.
    protocol::Receipt forged = signReceipt(r, m_other).value();
    QVERIFY(verifyReceipt(forged).ok());
    QCOMPARE(verifyReceipt(forged, m_market.nodeId()).error().code, ErrorCode::PeerIdMismatch);
    // Another certificate swapped in under the same claimed ID.
    r.marketCertificate = m_other.certificatePem();
    QCOMPARE(verifyReceipt(r).error().code, ErrorCode::PeerIdMismatch);
    protocol::Receipt unsigned_ = sampleReceipt();
    unsigned_.signature.clear();
    QVERIFY(!verifyReceipt(unsigned_).ok());
}

void TestBilling::canonicalBytesIgnoreFieldOrder()
{
    const protocol::Receipt r = sampleReceipt();
    QCborMap reordered;
    const QCborMap encoded = protocol::encodeSchema(r);
    QList<QCborValue> keys = encoded.keys();
    std::reverse(keys.begin(), keys.end());
    for (const QCborValue &k : keys)
        reordered.insert(k, encoded.value(k));
    Result<protocol::Receipt> decoded = protocol::decodeSchema<protocol::Receipt>(reordered);
    QVERIFY(decoded.ok());
    QCOMPARE(canonicalReceiptBytes(*decoded), canonicalReceiptBytes(r));
    QVERIFY(verifyReceipt(*decoded).ok());
}

void TestBilling::lendingKeys()
{
    const QByteArray a = generateLendingKey(), b = generateLendingKey();
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
    QCOMPARE(hashLendingKey(a).size(), 32);
    QVERIFY(constantTimeEquals(hashLendingKey(a), hashLendingKey(a)));
    QVERIFY(!constantTimeEquals(hashLendingKey(a), hashLendingKey(b)));
    QVERIFY(!constantTimeEquals(hashLendingKey(a), hashLendingKey(a).left(31)));
    QVERIFY(randomId(u"c-").startsWith(QStringLiteral("c-")));
    QCOMPARE(randomId(u"c-").size(), 34);
}

QTEST_GUILESS_MAIN(TestBilling)
#include "TestBilling.moc"
