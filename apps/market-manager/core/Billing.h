#pragma once

#include "protocol/Receipts.h"
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

// Receipts are signed and checked by the one implementation in common/protocol/Receipts.h.
using protocol::canonicalReceiptBytes;
using protocol::signReceipt;
using protocol::signReceiptBatch;
using protocol::verifyReceipt;

} // namespace lendable::market
