#pragma once
// Receipts signed by the market (start and end of each contract) that a borrower or lender
// checks offline. One implementation for the signer and every verifier: the bytes signed
// must be byte-identical everywhere.
//
// The market signs the receipts of one group commit together: they are the leaves of a
// Merkle tree (RFC 9162 §2.1.1) and one ECDSA signature covers its root, so a commit of a
// few hundred contracts costs one signature instead of one per receipt, and each receipt
// carries its inclusion proof (ReceiptBatch) so that it still verifies on its own.

#include "identity/Identity.h"
#include "protocol/Messages.h"

namespace lendable::protocol {

/// The bytes a receipt stands for: the deterministic CBOR encoding (RFC 8949 §4.2.1:
/// shortest integers, map keys sorted by their encoded bytes) of a map holding every Receipt
/// field except `signature` and `batch` (how it was signed), keyed by the wire field names.
/// Any party can rebuild it from a decoded Receipt, whatever order the fields arrived in.
QByteArray canonicalReceiptBytes(const Receipt &receipt);

/// The Merkle leaf hash of a receipt: SHA-256(0x00 ‖ canonicalReceiptBytes()).
QByteArray receiptLeafHash(const Receipt &receipt);

/// What the market signs for a batch: "lendable receipt batch v1", a zero byte, the batch's
/// size as 8 bytes big-endian, and the 32-byte Merkle root.
QByteArray receiptBatchHead(qint64 size, const QByteArray &root);

/// The Merkle root that `leaf` and `batch`'s inclusion proof lead to; an error when the
/// proof does not fit the batch's size and index.
Result<QByteArray> receiptBatchRoot(const QByteArray &leaf, const ReceiptBatch &batch);

/// The most receipts one batch signature covers (a proof is then at most 20 hashes long).
inline constexpr qint64 kMaxReceiptBatch = qint64(1) << 20;

/// Fills in the market's ID and certificate and signs (ECDSA-SHA256 with the market's key)
/// the receipt alone: no `batch`.
Result<Receipt> signReceipt(Receipt receipt, const Identity &market);

/// Fills in the market's ID and certificate in every receipt and signs them together with
/// one signature: each gets the signature and its `batch` proof. One receipt alone is
/// signed as signReceipt() does. On an error no receipt is changed.
Result<void> signReceiptBatch(QList<Receipt *> receipts, const Identity &market);

/// Checks a receipt offline: one PEM certificate whose SHA-256 is the receipt's marketId,
/// a signature by that certificate's key over canonicalReceiptBytes() or, with `batch`, over
/// the head of the batch whose root the receipt's proof leads to, and (when given) that the
/// market is `expectedMarketId`.
Result<void> verifyReceipt(const Receipt &receipt, const QString &expectedMarketId = {});

} // namespace lendable::protocol
