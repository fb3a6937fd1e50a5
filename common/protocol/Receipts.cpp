#include "Receipts.h"

#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QCoreApplication>
#include <QSslCertificate>

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace lendable::protocol {

namespace {

// The fields a receipt's signature covers (all of the schema's but `signature` and
// `batch`, optional ones too), in the order of their encoded CBOR keys, which is the
// canonical order (RFC 8949 §4.2.1). Worked out once from the schema, so a field added to
// Receipt is covered without a change here.
const std::vector<QByteArray> &canonicalReceiptFieldOrder()
{
    static const std::vector<QByteArray> order = [] {
        std::vector<std::pair<QByteArray, QByteArray>> keys; // (encoded key, name)
        std::apply(
            [&keys](const auto &...f) {
                (
                    [&] {
                        const QByteArray n(f.name);
                        if (n != "signature" && n != "batch")
                            keys.emplace_back(QCborValue(QString::fromLatin1(n)).toCbor(), n);
                    }(),
                    ...);
            },
            Receipt::fields());
        std::sort(keys.begin(), keys.end());
        std::vector<QByteArray> names;
        for (const auto &k : keys)
            names.push_back(k.second);
        return names;
    }();
    return order;
}

} // namespace

QByteArray canonicalReceiptBytes(const Receipt &receipt)
{
    // Streamed in the canonical order with one QCborStreamWriter. Building two QCborMap
    // trees and encoding each key on its own (11 QBuffer objects per receipt) was most of
    // the signer thread's time (docs/performance.md); TestBilling checks that the bytes
    // are the same.
    const std::vector<QByteArray> &order = canonicalReceiptFieldOrder();
    // An optional field that is absent is left out, as encodeSchema() leaves it out.
    quint64 present = 0;
    forEachPresentField(receipt, [&](const char *name, const auto &) {
        present += std::find(order.cbegin(), order.cend(), QByteArrayView(name)) != order.cend() ? 1 : 0;
    });
    QByteArray bytes;
    bytes.reserve(1024 + receipt.marketCertificate.size());
    QCborStreamWriter w(&bytes);
    w.startMap(present);
    for (const QByteArray &wanted : order) {
        forEachPresentField(receipt, [&](const char *name, const auto &member) {
            if (wanted == name) {
                w.append(QLatin1StringView(name));
                CborTraits<std::remove_cvref_t<decltype(member)>>::write(w, member);
            }
        });
    }
    w.endMap();
    return bytes;
}

namespace {

constexpr qsizetype kHashBytes = 32;
constexpr char kLeafPrefix = 0x00;
constexpr char kNodePrefix = 0x01;

// SHA-256 of prefix ‖ a ‖ b, with OpenSSL (it uses the CPU's SHA extensions where there are).
QByteArray sha256(char prefix, QByteArrayView a, QByteArrayView b = {})
{
    QByteArray out(kHashBytes, Qt::Uninitialized);
    // One context per thread, reset by each EVP_DigestInit_ex: a batch hashes two nodes
    // per receipt.
    struct Context {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        ~Context() { EVP_MD_CTX_free(ctx); }
    };
    static thread_local Context context;
    EVP_MD_CTX *ctx = context.ctx;
    unsigned int n = 0;
    const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 && EVP_DigestUpdate(ctx, &prefix, 1) == 1
        && EVP_DigestUpdate(ctx, a.data(), static_cast<size_t>(a.size())) == 1
        && (b.isEmpty() || EVP_DigestUpdate(ctx, b.data(), static_cast<size_t>(b.size())) == 1)
        && EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char *>(out.data()), &n) == 1 && n == kHashBytes;
    if (!ok)
        qFatal("SHA-256 failed in OpenSSL"); // no way on: nothing could be signed or checked
    return out;
}

QByteArray nodeHash(const QByteArray &left, const QByteArray &right)
{
    return sha256(kNodePrefix, left, right);
}

} // namespace

QByteArray receiptLeafHash(const Receipt &receipt)
{
    return sha256(kLeafPrefix, canonicalReceiptBytes(receipt));
}

QByteArray receiptBatchHead(qint64 size, const QByteArray &root)
{
    QByteArray head("lendable receipt batch v1");
    head.append('\0');
    for (int shift = 56; shift >= 0; shift -= 8)
        head.append(static_cast<char>((static_cast<quint64>(size) >> shift) & 0xff));
    head.append(root);
    return head;
}

Result<QByteArray> receiptBatchRoot(const QByteArray &leaf, const ReceiptBatch &batch)
{
    const auto bad = [](const QString &why) {
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "the receipt's batch proof is malformed: %1").arg(why));
    };
    if (batch.size < 2 || batch.size > kMaxReceiptBatch)
        return bad(QCoreApplication::translate("ReceiptCheck", "a batch of %1 receipts").arg(batch.size));
    if (batch.index < 0 || batch.index >= batch.size)
        return bad(QCoreApplication::translate("ReceiptCheck", "receipt %1 of a batch of %2").arg(batch.index).arg(batch.size));
    // The tree is built bottom-up, as signReceiptBatch() does: at each level the node at
    // `index` pairs with its sibling, if the level has one, and the pair's hash moves up.
    QByteArray node = leaf;
    qint64 index = batch.index;
    qint64 width = batch.size;
    qsizetype used = 0;
    while (width > 1) {
        const qint64 sibling = index ^ 1;
        if (sibling < width) {
            if (used >= batch.path.size())
                return bad(QCoreApplication::translate("ReceiptCheck", "the proof is too short"));
            const QByteArray &p = batch.path[used++];
            if (p.size() != kHashBytes)
                return bad(QCoreApplication::translate("ReceiptCheck", "a proof hash is not 32 bytes"));
            node = (index & 1) ? nodeHash(p, node) : nodeHash(node, p);
        }
        index >>= 1;
        width = (width + 1) >> 1;
    }
    if (used != batch.path.size())
        return bad(QCoreApplication::translate("ReceiptCheck", "the proof is too long"));
    return node;
}

Result<Receipt> signReceipt(Receipt receipt, const Identity &market)
{
    receipt.marketId = market.nodeId();
    receipt.marketCertificate = market.certificatePem();
    receipt.signature.clear();
    receipt.batch.reset();
    Result<QByteArray> signature = market.sign(canonicalReceiptBytes(receipt));
    if (!signature.ok())
        return signature.error();
    receipt.signature = *signature;
    return receipt;
}

Result<void> signReceiptBatch(QList<Receipt *> receipts, const Identity &market)
{
    if (receipts.isEmpty())
        return {};
    if (receipts.size() == 1) {
        Result<Receipt> alone = signReceipt(*receipts.front(), market);
        if (!alone)
            return alone.error();
        *receipts.front() = std::move(*alone);
        return {};
    }
    if (receipts.size() > kMaxReceiptBatch)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("a batch of %1 receipts is more than one signature covers").arg(receipts.size()));
    const QString marketId = market.nodeId();
    const QByteArray certificate = market.certificatePem();
    // levels[0] holds the leaves; each level above holds the hashes of the pairs below it,
    // a last odd node moved up unpaired (RFC 9162's tree, built bottom-up).
    std::vector<QList<QByteArray>> levels(1);
    levels[0].reserve(receipts.size());
    for (Receipt *r : std::as_const(receipts)) {
        Receipt unsigned_ = *r;
        unsigned_.marketId = marketId;
        unsigned_.marketCertificate = certificate;
        levels[0].append(receiptLeafHash(unsigned_));
    }
    while (levels.back().size() > 1) {
        const QList<QByteArray> &below = levels.back();
        QList<QByteArray> above;
        above.reserve((below.size() + 1) / 2);
        for (qsizetype i = 0; i + 1 < below.size(); i += 2)
            above.append(nodeHash(below[i], below[i + 1]));
        if (below.size() % 2)
            above.append(below.back());
        levels.push_back(std::move(above));
    }
    const qint64 size = receipts.size();
    Result<QByteArray> signature = market.sign(receiptBatchHead(size, levels.back().front()));
    if (!signature)
        return signature.error();
    for (qsizetype leaf = 0; leaf < receipts.size(); ++leaf) {
        ReceiptBatch proof{.size = size, .index = leaf, .path = {}};
        qsizetype index = leaf;
        for (std::size_t level = 0; level + 1 < levels.size(); ++level) {
            const qsizetype sibling = index ^ 1;
            if (sibling < levels[level].size())
                proof.path.append(levels[level][sibling]);
            index >>= 1;
        }
        Receipt *r = receipts[leaf];
        r->marketId = marketId;
        r->marketCertificate = certificate;
        r->signature = *signature;
        r->batch = std::move(proof);
    }
    return {};
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
    QByteArray signedBytes;
    if (receipt.batch) {
        Result<QByteArray> root = receiptBatchRoot(receiptLeafHash(receipt), *receipt.batch);
        if (!root)
            return root.error();
        signedBytes = receiptBatchHead(receipt.batch->size, *root);
    } else {
        signedBytes = canonicalReceiptBytes(receipt);
    }
    Result<void> ok = Identity::verify(receipt.marketCertificate, signedBytes, receipt.signature);
    if (!ok.ok())
        return Error(ok.error().code, QCoreApplication::translate("ReceiptCheck", "the signature of the receipt for contract %1 does not verify (%2): "
                                         "the receipt was altered or not made by that market")
                                          .arg(receipt.contractId, ok.error().message));
    return {};
}

} // namespace lendable::protocol
