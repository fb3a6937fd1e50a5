#pragma once
// Receipts signed by the market (start and end of each contract) that a borrower or lender
// checks offline. One implementation for the signer and every verifier: the bytes signed
// must be byte-identical everywhere.

#include "identity/Identity.h"
#include "protocol/Messages.h"

namespace lendable::protocol {

/// The bytes a receipt signature covers: the deterministic CBOR encoding (RFC 8949 §4.2.1:
/// shortest integers, map keys sorted by their encoded bytes) of a map holding every Receipt
/// field except `signature`, keyed by the wire field names. Any party can rebuild it from
/// a decoded Receipt, whatever order the fields arrived in.
QByteArray canonicalReceiptBytes(const Receipt &receipt);

/// Fills in the market's ID and certificate and signs (ECDSA-SHA256 with the market's key).
Result<Receipt> signReceipt(Receipt receipt, const Identity &market);

/// Checks a receipt offline: one PEM certificate whose SHA-256 is the receipt's marketId,
/// a signature over canonicalReceiptBytes() by that certificate's key, and (when given) that
/// the market is `expectedMarketId`.
Result<void> verifyReceipt(const Receipt &receipt, const QString &expectedMarketId = {});

} // namespace lendable::protocol
