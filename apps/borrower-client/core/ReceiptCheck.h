#pragma once
// Offline check of the market-signed receipts (ARCHITECTURE "Billing": both sides get a
// receipt they can check) and their JSON form. Signing and checking live once, in
// common/protocol/Receipts.h, shared with the market.

#include "protocol/Messages.h"
#include "protocol/Receipts.h"
#include "util/Error.h"

#include <QJsonObject>

namespace lendable::borrower {

using protocol::canonicalReceiptBytes;
using protocol::verifyReceipt;

/// JSON form printed by `end` and read by `receipt verify`: snake_case keys, money as decimal
/// strings, times as UTC milliseconds, the certificate as PEM text, the signature in base64.
QJsonObject receiptToJson(const protocol::Receipt &receipt);
/// Accepts the receipt object itself or any object holding it under "receipt" (the whole
/// output of `end --json`). Missing or mistyped fields are InvalidArgument naming the field.
Result<protocol::Receipt> receiptFromJson(const QJsonObject &json);

} // namespace lendable::borrower
