// Billing arithmetic and market-signed receipts: exact to the micro-unit, verifiable offline,
// and any change to a signed field (or a foreign signer) detected.

#include "Billing.h"
#include "LendingKey.h"

#include <QCryptographicHash>
#include <QTest>

#include <algorithm>
#include <functional>
#include <limits>

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
    void canonicalBytesAreDeterministicCbor();
    void batchReceiptsVerify();
    void batchMatchesRfc9162Tree();
    void tamperedBatchFails_data();
    void tamperedBatchFails();
    void lendingKeys();

private:
    protocol::Receipt sampleReceipt() const;
    QList<protocol::Receipt> signedBatch(int size) const;
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

// RFC 8949 §4.2.1 deterministic encoding, built the plain way: the receipt as a CBOR map,
// without the signature and the batch proof, its entries sorted by their encoded keys.
// Receipts signed before canonicalReceiptBytes() was streamed must still verify.
static QByteArray referenceCanonicalBytes(const protocol::Receipt &receipt)
{
    QCborMap encoded = protocol::encodeSchema(receipt);
    encoded.remove(QStringLiteral("signature"));
    encoded.remove(QStringLiteral("batch"));
    QList<std::pair<QByteArray, QCborValue>> entries;
    for (auto it = encoded.constBegin(); it != encoded.constEnd(); ++it)
        entries.append({it.key().toCbor(), it.key()});
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QCborMap canonical;
    for (const auto &e : entries)
        canonical.insert(e.second, encoded.value(e.second));
    return QCborValue(canonical).toCbor();
}

void TestBilling::canonicalBytesAreDeterministicCbor()
{
    protocol::Receipt r = sampleReceipt();
    QCOMPARE(canonicalReceiptBytes(r), referenceCanonicalBytes(r));
    // Shortest integer heads at every width, negative numbers, empty and non-ASCII text,
    // long byte strings, and the two fields the signature does not cover set.
    const QList<qint64> numbers{0, 1, 23, 24, 255, 256, 65535, 65536, 4294967295LL, 4294967296LL,
                                std::numeric_limits<qint64>::max(), -1, -24, -25, -257, std::numeric_limits<qint64>::min()};
    for (qsizetype i = 0; i < numbers.size(); ++i) {
        r.startedAtMs = numbers[i];
        r.endedAtMs = numbers[numbers.size() - 1 - i];
        r.charge = Money::fromMicros(numbers[(i + 3) % numbers.size()]);
        r.ratePerHour = Money::fromMicros(numbers[(i + 7) % numbers.size()]);
        r.partitionId = i % 2 ? QString() : QStringLiteral("partition-ü-東京-%1").arg(i);
        r.borrowerId = QString(QLatin1Char('b')).repeated(static_cast<int>(numbers[i] % 300 + 300) % 300);
        r.marketCertificate = QByteArray(static_cast<int>(i * 37), 'c');
        r.signature = i % 3 ? QByteArray(72, 's') : QByteArray();
        if (i % 2)
            r.batch = protocol::ReceiptBatch{.size = 5, .index = 2, .path = {QByteArray(32, 'p')}};
        else
            r.batch.reset();
        QCOMPARE(canonicalReceiptBytes(r), referenceCanonicalBytes(r));
    }
}

QList<protocol::Receipt> TestBilling::signedBatch(int size) const
{
    QList<protocol::Receipt> receipts;
    for (int i = 0; i < size; ++i) {
        protocol::Receipt r;
        r.contractId = QStringLiteral("c-%1").arg(i);
        r.borrowerId = QString(64, QLatin1Char('b'));
        r.lenderId = QString(64, QLatin1Char('a'));
        r.partitionId = QStringLiteral("p%1").arg(i % 7);
        r.ratePerHour = Money::fromMicros(1'000'000 + i);
        r.startedAtMs = 1'700'000'000'000 + i;
        r.endedAtMs = i % 2 ? r.startedAtMs + 1000 * i : 0; // starts and ends mixed, as in a commit
        r.charge = Money::fromMicros(i % 2 ? 17 * i : 0);
        receipts.append(r);
    }
    QList<protocol::Receipt *> pointers;
    for (protocol::Receipt &r : receipts)
        pointers.append(&r);
    const Result<void> ok = protocol::signReceiptBatch(pointers, m_market);
    if (!ok)
        qFatal("signReceiptBatch: %s", qPrintable(ok.error().toString()));
    return receipts;
}

void TestBilling::batchReceiptsVerify()
{
    // Every size up to a few levels of odd nodes moving up, and a larger one.
    for (int size : {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 350}) {
        const QList<protocol::Receipt> receipts = signedBatch(size);
        QCOMPARE(receipts.size(), size);
        for (const protocol::Receipt &r : receipts) {
            QCOMPARE(r.marketId, m_market.nodeId());
            // A batch of one is signed alone, as before batches.
            QCOMPARE(r.batch.has_value(), size > 1);
            if (r.batch) {
                QCOMPARE(r.batch->size, size);
                QCOMPARE(r.signature, receipts.front().signature); // one signature for all
            }
            const Result<void> v = verifyReceipt(r, m_market.nodeId());
            QVERIFY2(v.ok(), qPrintable(QStringLiteral("size %1, %2: %3").arg(size).arg(r.contractId, v.error().message)));
            // Through the wire encoding and back, as a borrower holds it.
            Result<protocol::Receipt> decoded = protocol::decodeSchema<protocol::Receipt>(protocol::encodeSchema(r));
            QVERIFY(decoded.ok());
            QCOMPARE(*decoded, r);
            QVERIFY(verifyReceipt(*decoded, m_market.nodeId()).ok());
        }
    }
}

void TestBilling::batchMatchesRfc9162Tree()
{
    // The root a proof leads to is RFC 9162's MTH over the leaves: computed here by its
    // recursive definition (split at the largest power of two below n), independently of
    // the bottom-up builder.
    const std::function<QByteArray(const QList<QByteArray> &)> mth = [&](const QList<QByteArray> &leaves) -> QByteArray {
        if (leaves.size() == 1)
            return leaves.front();
        qsizetype k = 1;
        while (k * 2 < leaves.size())
            k *= 2;
        QCryptographicHash h(QCryptographicHash::Sha256);
        h.addData(QByteArrayView("\x01", 1));
        h.addData(mth(leaves.first(k)));
        h.addData(mth(leaves.sliced(k)));
        return h.result();
    };
    for (int size : {2, 3, 5, 6, 7, 11, 13, 20}) {
        const QList<protocol::Receipt> receipts = signedBatch(size);
        QList<QByteArray> leaves;
        for (const protocol::Receipt &r : receipts) {
            QCryptographicHash h(QCryptographicHash::Sha256);
            h.addData(QByteArrayView("\x00", 1));
            h.addData(canonicalReceiptBytes(r));
            QCOMPARE(protocol::receiptLeafHash(r), h.result());
            leaves.append(h.result());
        }
        const QByteArray root = mth(leaves);
        for (const protocol::Receipt &r : receipts)
            QCOMPARE(protocol::receiptBatchRoot(protocol::receiptLeafHash(r), *r.batch).value(), root);
        QVERIFY(Identity::verify(m_market.certificatePem(), protocol::receiptBatchHead(size, root), receipts.front().signature).ok());
    }
}

void TestBilling::tamperedBatchFails_data()
{
    QTest::addColumn<int>("change");
    const char *names[] = {"charge", "index", "size", "size too large", "path hash", "path shorter", "path longer",
                           "hash of 31 bytes", "negative index", "another batch's proof", "batch dropped"};
    for (int i = 0; i < int(std::size(names)); ++i)
        QTest::newRow(names[i]) << i;
}

void TestBilling::tamperedBatchFails()
{
    QFETCH(int, change);
    const QList<protocol::Receipt> receipts = signedBatch(11);
    protocol::Receipt r = receipts[6];
    QVERIFY(verifyReceipt(r).ok());
    switch (change) {
    case 0: r.charge = Money::fromMicros(r.charge.micros() + 1); break;
    case 1: r.batch->index = 7; break;
    case 2: r.batch->size = 12; break;
    case 3: r.batch->size = protocol::kMaxReceiptBatch + 1; break;
    case 4: r.batch->path[1][3] = char(r.batch->path[1][3] ^ 0x10); break;
    case 5: r.batch->path.removeLast(); break;
    case 6: r.batch->path.append(r.batch->path.front()); break;
    case 7: r.batch->path[0].chop(1); break;
    case 8: r.batch->index = -1; break;
    case 9: r.batch = signedBatch(11)[6].batch; r.batch->path[0] = receipts[5].batch->path[1]; break;
    case 10: r.batch.reset(); break;
    }
    const Result<void> v = verifyReceipt(r);
    QVERIFY(!v.ok());
    QVERIFY(!v.error().message.isEmpty());
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
