#include "Billing.h"

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>

#include <algorithm>

namespace lendable::market {

Result<BillAmounts> computeBill(Money ratePerHour, qint64 startedAtMs, qint64 endedAtMs, int feeBasisPoints)
{
    if (endedAtMs < startedAtMs)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("Billing", "the contract would end (%1) before it started (%2); is the clock right?")
                         .arg(endedAtMs)
                         .arg(startedAtMs));
    BillAmounts b;
    b.durationMs = endedAtMs - startedAtMs;
    Result<Money> charge = Money::charge(ratePerHour, b.durationMs);
    if (!charge)
        return charge.error();
    b.charge = *charge;
    b.fee = Money::feeOf(b.charge, feeBasisPoints);
    b.payout = Money::payoutOf(b.charge, feeBasisPoints);
    return b;
}

QByteArray canonicalReceiptBytes(const protocol::Receipt &receipt)
{
    QCborMap encoded = protocol::encodeSchema(receipt);
    encoded.remove(QStringLiteral("signature"));
    // Deterministic key order: by the encoded key bytes, which for text keys shorter than 24
    // bytes means shorter keys first, then bytewise. QCborMap keeps insertion order, so
    // inserting in that order fixes the encoding.
    struct Entry {
        QByteArray keyBytes;
        QCborValue key;
        QCborValue value;
    };
    std::vector<Entry> entries;
    for (auto it = encoded.constBegin(); it != encoded.constEnd(); ++it)
        entries.push_back({it.key().toCbor(), it.key(), it.value()});
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.keyBytes < b.keyBytes; });
    QCborMap canonical;
    for (const Entry &e : entries)
        canonical.insert(e.key, e.value);
    return QCborValue(canonical).toCbor();
}

Result<protocol::Receipt> signReceipt(protocol::Receipt receipt, const Identity &market)
{
    receipt.marketId = market.nodeId();
    receipt.marketCertificate = market.certificatePem();
    receipt.signature.clear();
    Result<QByteArray> signature = market.sign(canonicalReceiptBytes(receipt));
    if (!signature)
        return signature.error();
    receipt.signature = *signature;
    return receipt;
}

Result<void> verifyReceipt(const protocol::Receipt &receipt, const QString &expectedMarketId)
{
    if (receipt.signature.isEmpty())
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("Billing", "the receipt for contract %1 is not signed").arg(receipt.contractId));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(receipt.marketCertificate, QSsl::Pem);
    if (certs.size() != 1)
        return Error(ErrorCode::CertificateInvalid,
                     QCoreApplication::translate("Billing", "the receipt for contract %1 does not carry one PEM certificate").arg(receipt.contractId));
    const QString certId = Identity::nodeIdOf(certs.first());
    if (certId != receipt.marketId)
        return Error(ErrorCode::PeerIdMismatch,
                     QCoreApplication::translate("Billing", "the receipt's certificate is node %1, not the market %2 it names").arg(certId, receipt.marketId));
    if (!expectedMarketId.isEmpty() && receipt.marketId != expectedMarketId)
        return Error(ErrorCode::PeerIdMismatch,
                     QCoreApplication::translate("Billing", "the receipt was signed by %1, not by the expected market %2").arg(receipt.marketId, expectedMarketId));
    Result<void> ok = Identity::verify(receipt.marketCertificate, canonicalReceiptBytes(receipt), receipt.signature);
    if (!ok)
        return Error(ok.error().code, QCoreApplication::translate("Billing", "the receipt for contract %1 does not verify: %2")
                                          .arg(receipt.contractId, ok.error().message));
    return {};
}

} // namespace lendable::market
