#pragma once
// Offline check of the market-signed receipts (ARCHITECTURE "Billing": both sides get a
// receipt they can check). Cores never include each other, so this repeats the market's
// canonicalisation (apps/market-manager/core/Billing.cpp, canonicalReceiptBytes); a test
// links both and checks they agree byte for byte.

#include "protocol/Messages.h"
#include "util/Error.h"

#include <QJsonObject>

namespace lendable::borrower {

/// The bytes the market signs: deterministic CBOR (RFC 8949 §4.2.1: map keys sorted by their
/// encoded bytes) of every Receipt field except `signature`, keyed by wire field names.
QByteArray canonicalReceiptBytes(const protocol::Receipt &receipt);

/// The certificate hashes to marketId (pinned to `expectedMarketId` when that is not empty)
/// and the signature verifies. Failures say why.
Result<void> verifyReceipt(const protocol::Receipt &receipt, const QString &expectedMarketId = {});

/// JSON form printed by `end` and read by `receipt verify`: snake_case keys, money as decimal
/// strings, times as UTC milliseconds, the certificate as PEM text, the signature in base64.
QJsonObject receiptToJson(const protocol::Receipt &receipt);
/// Accepts the receipt object itself or any object holding it under "receipt" (the whole
/// output of `end --json`). Missing or mistyped fields are InvalidArgument naming the field.
Result<protocol::Receipt> receiptFromJson(const QJsonObject &json);

} // namespace lendable::borrower
