#pragma once
// Offline check of the market-signed receipts (ARCHITECTURE "Billing": both sides get a
// receipt they can check) and their JSON form. Signing and checking live once, in
// common/protocol/Receipts.h, shared with the market.

#include "protocol/Messages.h"
#include "protocol/Receipts.h"
#include "util/Error.h"

#include <QJsonObject>

#include <optional>

namespace lendable::protocol {

/// Larger files are refused unread: a receipt has a few KiB.
inline constexpr qint64 kMaxReceiptFileBytes = 4 * 1024 * 1024;

/// JSON form printed by the borrower's `end --json` and both apps' `receipt show`, and read by
/// `receipt verify`: snake_case keys, money as decimal strings, times as UTC milliseconds, the
/// certificate as PEM text, the signature in base64.
QJsonObject receiptToJson(const Receipt &receipt);
/// Accepts the receipt object itself or any object holding it under "receipt" (the whole
/// output of `end --json`). Missing or mistyped fields are InvalidArgument naming the field.
Result<Receipt> receiptFromJson(const QJsonObject &json);
/// A receipt file ("-": standard input) as receiptFromJson() reads it, not yet verified
/// (verifyReceipt()). Unreadable, empty, larger than kMaxReceiptFileBytes, not a JSON object,
/// or not a receipt: an error naming the file and what it holds instead.
Result<Receipt> readReceiptFile(const QString &path);
/// readReceiptFile() and then verifyReceipt() against `expectedMarketId` (empty: any market):
/// the receipt only when it is both readable and valid. An unreadable file stays IoError, so
/// that callers can tell "could not read" from "not valid".
Result<Receipt> readVerifiedReceipt(const QString &path, const QString &expectedMarketId);
/// The receipt that `bills` (the answer to a ListBills with `receipts`) carries for
/// `contractId`, verified against `expectedMarketId` (empty: any market). Unsupported when
/// the market sent none (an older market), BadPayload when it is another contract's, and the
/// verifier's error (named as the market's receipt) when it does not verify.
Result<Receipt> receiptOfBill(const BillList &bills, const QString &contractId, const QString &expectedMarketId);
/// A valid receipt checked against the contract as a party's own records keep it: any market
/// can sign a valid receipt of its own under another's contract ID. PeerIdMismatch when the
/// contract was lent directly (`direct`: no market signs its receipts) or made with another
/// market than the receipt's signer; nothing when it agrees, or when the records name no
/// market (`keptMarketId` empty, not direct).
std::optional<Error> receiptAgainstKeptContract(const Receipt &receipt, bool direct, const QString &keptMarketId);

/// The sums of a list of bills, as both of the lender's views of them print: what was charged,
/// paid out and kept as the market's fee (a running contract's charge so far counts; its
/// payout and fee are 0 until it ends), and how many still run.
struct BillTotals {
    Money charge;
    Money payout;
    Money fee;
    qsizetype running = 0;
};
BillTotals billTotals(const QList<Bill> &bills);

} // namespace lendable::protocol
