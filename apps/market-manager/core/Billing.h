#pragma once
// Billing (patent billing DB 13; ARCHITECTURE "Billing"): what a contract costs and who gets
// what, and the market-signed receipts both sides can check offline.

#include "identity/Identity.h"
#include "model/Money.h"
#include "protocol/Messages.h"
#include "util/Error.h"

namespace lendable::market {

/// The money of one ended contract. charge = rate × duration, rounded once;
/// fee + payout == charge exactly.
struct BillAmounts {
    qint64 durationMs = 0;
    Money charge;
    Money fee;
    Money payout;
    bool operator==(const BillAmounts &) const = default;
};

/// Computes the bill of a contract from its rate and times. An end before the start is
/// InvalidArgument (a clock that went backwards must not produce a negative bill silently).
Result<BillAmounts> computeBill(Money ratePerHour, qint64 startedAtMs, qint64 endedAtMs, int feeBasisPoints);

/// The bytes a receipt signature covers: the deterministic CBOR encoding (RFC 8949 §4.2.1:
/// shortest integers, map keys sorted by their encoded bytes) of a map holding every Receipt
/// field except `signature`, keyed by the wire field names. Any party can rebuild it from
/// a decoded Receipt, whatever order the fields arrived in.
QByteArray canonicalReceiptBytes(const protocol::Receipt &receipt);

/// Fills marketId, marketCertificate and signature from the market's identity.
Result<protocol::Receipt> signReceipt(protocol::Receipt receipt, const Identity &market);

/// Checks a receipt offline: the certificate it carries hashes to marketId, and the signature
/// verifies over canonicalReceiptBytes() with that certificate's key. With `expectedMarketId`
/// non-empty, the receipt must also come from that market (pin it: anyone can sign a receipt
/// with a certificate of their own). A receipt that fails is InvalidArgument or
/// PeerIdMismatch with the reason.
Result<void> verifyReceipt(const protocol::Receipt &receipt, const QString &expectedMarketId = {});

} // namespace lendable::market
