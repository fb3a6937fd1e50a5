#include "Receipts.h"

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QSslCertificate>

#include <algorithm>
#include <vector>

namespace lendable::protocol {

QByteArray canonicalReceiptBytes(const Receipt &receipt)
{
    QCborMap encoded = encodeSchema(receipt);
    encoded.remove(QStringLiteral("signature"));
    // QCborMap keeps insertion order, so inserting in encoded-key order fixes the encoding.
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

Result<Receipt> signReceipt(Receipt receipt, const Identity &market)
{
    receipt.marketId = market.nodeId();
    receipt.marketCertificate = market.certificatePem();
    receipt.signature.clear();
    Result<QByteArray> signature = market.sign(canonicalReceiptBytes(receipt));
    if (!signature.ok())
        return signature.error();
    receipt.signature = *signature;
    return receipt;
}

Result<void> verifyReceipt(const Receipt &receipt, const QString &expectedMarketId)
{
    if (receipt.signature.isEmpty())
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "the receipt for contract %1 is not signed").arg(receipt.contractId));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(receipt.marketCertificate, QSsl::Pem);
    if (certs.size() != 1)
        return Error(ErrorCode::CertificateInvalid,
                     QCoreApplication::translate("ReceiptCheck", "the receipt for contract %1 does not carry one PEM certificate").arg(receipt.contractId));
    const QString certId = Identity::nodeIdOf(certs.first());
    if (certId != receipt.marketId)
        return Error(ErrorCode::PeerIdMismatch,
                     QCoreApplication::translate("ReceiptCheck", "the receipt's certificate is node %1, not the market %2 it names").arg(certId, receipt.marketId));
    if (!expectedMarketId.isEmpty() && receipt.marketId != expectedMarketId.trimmed().toLower())
        return Error(ErrorCode::PeerIdMismatch, QCoreApplication::translate("ReceiptCheck", "the receipt was signed by market %1, not by the expected market %2")
                                                    .arg(receipt.marketId, expectedMarketId));
    Result<void> ok = Identity::verify(receipt.marketCertificate, canonicalReceiptBytes(receipt), receipt.signature);
    if (!ok.ok())
        return Error(ok.error().code, QCoreApplication::translate("ReceiptCheck", "the signature of the receipt for contract %1 does not verify (%2): "
                                         "the receipt was altered or not made by that market")
                                          .arg(receipt.contractId, ok.error().message));
    return {};
}

} // namespace lendable::protocol
