#include "ReceiptJson.h"

#include "identity/Identity.h"

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QJsonValue>
#include <QSslCertificate>

#include <algorithm>
#include <vector>

namespace lendable::protocol {

namespace {

// JSON numbers are doubles: only integral values from 0 that a double holds exactly.
bool wholeNumber(const QJsonValue &v, qint64 &out)
{
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > 9007199254740992.0 || d != static_cast<double>(static_cast<qint64>(d)))
        return false;
    out = static_cast<qint64>(d);
    return true;
}

// The document around a receipt (the output of `end --json` or of `borrow --json`) repeats
// some of its fields outside the signature: they must say what the signed receipt says, or a
// file with an edited charge beside an intact receipt would pass as verified.
Result<void> checkSurroundings(const QJsonObject &outer, const protocol::Receipt &r)
{
    const auto differs = [](const char *key, const QString &outside, const QString &signedValue) {
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("ReceiptCheck", "the file's \"%1\" (%2) is not what the signed receipt says (%3)")
                         .arg(QLatin1String(key), outside, signedValue));
    };
    const auto mistyped = [](const char *key, bool wantsText) {
        return Error(ErrorCode::InvalidArgument,
                     wantsText ? QCoreApplication::translate("ReceiptCheck", "the file's \"%1\" should be text, as in the receipt files Lendable writes")
                                     .arg(QLatin1String(key))
                               : QCoreApplication::translate("ReceiptCheck", "the file's \"%1\" should be a whole number, as in the receipt files Lendable writes")
                                     .arg(QLatin1String(key)));
    };
    const std::pair<const char *, QString> texts[] = {{"contract_id", r.contractId}, {"market_id", r.marketId},
                                                      {"borrower_id", r.borrowerId}, {"lender_id", r.lenderId},
                                                      {"partition_id", r.partitionId}};
    for (const auto &[key, value] : texts) {
        const QJsonValue v = outer.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isString())
            return mistyped(key, true);
        if (!v.isUndefined() && v.toString() != value)
            return differs(key, v.toString(), value);
    }
    const std::pair<const char *, Money> amounts[] = {{"rate", r.ratePerHour}, {"charge", r.charge}};
    for (const auto &[key, value] : amounts) {
        const QJsonValue v = outer.value(QLatin1String(key));
        if (v.isUndefined())
            continue;
        if (!v.isString())
            return mistyped(key, true);
        const Result<Money> m = Money::parse(v.toString());
        if (!m || *m != value)
            return differs(key, v.toString(), value.toString());
    }
    const std::pair<const char *, qint64> times[] = {{"started_at_ms", r.startedAtMs},
                                                     {"ended_at_ms", r.endedAtMs},
                                                     {"duration_ms", r.endedAtMs > 0 ? r.endedAtMs - r.startedAtMs : -1}};
    for (const auto &[key, value] : times) {
        const QJsonValue v = outer.value(QLatin1String(key));
        qint64 n = 0;
        if (v.isUndefined() || value < 0)
            continue;
        if (!wholeNumber(v, n))
            return mistyped(key, false);
        if (n != value)
            return differs(key, QString::number(n), QString::number(value));
    }
    // The same times as dates (`borrow --json` writes "started_at").
    const std::pair<const char *, qint64> dates[] = {{"started_at", r.startedAtMs}, {"ended_at", r.endedAtMs}};
    for (const auto &[key, value] : dates) {
        const QJsonValue v = outer.value(QLatin1String(key));
        if (v.isUndefined() || value <= 0)
            continue;
        const QDateTime at = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!v.isString() || !at.isValid())
            return mistyped(key, true);
        if (at.toMSecsSinceEpoch() != value)
            return differs(key, v.toString(), QDateTime::fromMSecsSinceEpoch(value, Qt::UTC).toString(Qt::ISODateWithMs));
    }
    return {};
}

} // namespace

QJsonObject receiptToJson(const protocol::Receipt &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("contract_id"), r.contractId);
    o.insert(QStringLiteral("market_id"), r.marketId);
    o.insert(QStringLiteral("borrower_id"), r.borrowerId);
    o.insert(QStringLiteral("lender_id"), r.lenderId);
    o.insert(QStringLiteral("partition_id"), r.partitionId);
    o.insert(QStringLiteral("rate"), r.ratePerHour.toString());
    o.insert(QStringLiteral("started_at_ms"), r.startedAtMs);
    o.insert(QStringLiteral("ended_at_ms"), r.endedAtMs);
    o.insert(QStringLiteral("charge"), r.charge.toString());
    o.insert(QStringLiteral("market_certificate"), QString::fromLatin1(r.marketCertificate));
    o.insert(QStringLiteral("signature"), QString::fromLatin1(r.signature.toBase64()));
    if (r.batch) {
        QJsonArray path;
        for (const QByteArray &hash : r.batch->path)
            path.append(QString::fromLatin1(hash.toBase64()));
        o.insert(QStringLiteral("batch"), QJsonObject{{QStringLiteral("size"), r.batch->size},
                                                      {QStringLiteral("index"), r.batch->index},
                                                      {QStringLiteral("path"), path}});
    }
    return o;
}

Result<protocol::Receipt> receiptFromJson(const QJsonObject &json)
{
    QJsonObject o = json;
    if (!o.contains(QStringLiteral("signature")) && o.value(QStringLiteral("receipt")).isObject())
        o = o.value(QStringLiteral("receipt")).toObject();
    protocol::Receipt r;
    Error bad;
    auto text = [&](const char *key, QString &out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isString() && !bad.isError())
            bad = Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "the receipt has no text field \"%1\"").arg(QLatin1String(key)));
        out = v.toString();
    };
    auto integer = [&](const char *key, qint64 &out) {
        if (!wholeNumber(o.value(QLatin1String(key)), out) && !bad.isError())
            bad = Error(ErrorCode::InvalidArgument,
                        QCoreApplication::translate("ReceiptCheck", "the receipt has no whole-number field \"%1\" (UTC milliseconds)").arg(QLatin1String(key)));
    };
    auto money = [&](const char *key, Money &out) {
        QString s;
        text(key, s);
        if (bad.isError())
            return;
        Result<Money> m = Money::parse(s);
        if (!m) {
            bad = Error(ErrorCode::InvalidArgument,
                        QCoreApplication::translate("ReceiptCheck", "the receipt's \"%1\" is not an amount: %2").arg(QLatin1String(key), m.error().message));
            return;
        }
        out = *m;
    };
    text("contract_id", r.contractId);
    text("market_id", r.marketId);
    text("borrower_id", r.borrowerId);
    text("lender_id", r.lenderId);
    text("partition_id", r.partitionId);
    money("rate", r.ratePerHour);
    integer("started_at_ms", r.startedAtMs);
    integer("ended_at_ms", r.endedAtMs);
    money("charge", r.charge);
    QString cert, sig;
    text("market_certificate", cert);
    text("signature", sig);
    if (bad.isError())
        return bad;
    // Everything in a receipt is signed; a field the signature does not cover would ride along
    // as if it were (a newer market's receipt with a new field needs a newer verifier).
    static const QStringList kFields{QStringLiteral("contract_id"), QStringLiteral("market_id"), QStringLiteral("borrower_id"),
                                     QStringLiteral("lender_id"),   QStringLiteral("partition_id"), QStringLiteral("rate"),
                                     QStringLiteral("started_at_ms"), QStringLiteral("ended_at_ms"), QStringLiteral("charge"),
                                     QStringLiteral("market_certificate"), QStringLiteral("signature"), QStringLiteral("batch")};
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!kFields.contains(it.key()))
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("ReceiptCheck", "the receipt has a field \"%1\" that its signature does not cover").arg(it.key()));
    }
    r.marketCertificate = cert.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(sig.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "the receipt's signature is not base64"));
    r.signature = *decoded;
    // Receipts signed in a batch carry their place in it (older receipts have none).
    if (const QJsonValue batch = o.value(QStringLiteral("batch")); !batch.isUndefined() && !batch.isNull()) {
        const QJsonObject b = batch.toObject();
        const auto badBatch = [] {
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("ReceiptCheck", "the receipt's \"batch\" needs a whole-number \"size\" and \"index\" "
                                                                     "and a \"path\" of base64 hashes"));
        };
        protocol::ReceiptBatch proof;
        if (!batch.isObject() || !wholeNumber(b.value(QStringLiteral("size")), proof.size)
            || !wholeNumber(b.value(QStringLiteral("index")), proof.index) || !b.value(QStringLiteral("path")).isArray())
            return badBatch();
        for (const QJsonValue &hash : b.value(QStringLiteral("path")).toArray()) {
            auto bytes = QByteArray::fromBase64Encoding(hash.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!hash.isString() || !bytes)
                return badBatch();
            proof.path.append(*bytes);
        }
        r.batch = std::move(proof);
    }
    if (o != json) {
        if (Result<void> c = checkSurroundings(json, r); !c)
            return c.error();
    }
    return r;
}

namespace {
// The first key that appears twice in one object of `json` (valid JSON), else empty. Qt's
// reader keeps the last of duplicates silently; a person, or another reader, may see the
// first: a receipt file with two charges is not one receipt.
QString duplicateKey(const QByteArray &json)
{
    struct Frame {
        bool object;
        bool expectKey;
        QSet<QString> keys;
    };
    std::vector<Frame> stack;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '{') {
            stack.push_back({true, true, {}});
        } else if (c == '[') {
            stack.push_back({false, false, {}});
        } else if (c == '}' || c == ']') {
            if (!stack.empty())
                stack.pop_back();
        } else if (c == ',' && !stack.empty() && stack.back().object) {
            stack.back().expectKey = true;
        } else if (c == '"') {
            const qsizetype start = i;
            for (++i; i < json.size() && json[i] != '"'; ++i)
                if (json[i] == '\\')
                    ++i;
            if (stack.empty() || !stack.back().object || !stack.back().expectKey)
                continue;
            stack.back().expectKey = false;
            // Escapes decoded as JSON decodes them ("\u0063harge" is "charge").
            const QString key = QJsonDocument::fromJson("[" + json.mid(start, i - start + 1) + "]").array().first().toString();
            if (stack.back().keys.contains(key))
                return key;
            stack.back().keys.insert(key);
        }
    }
    return {};
}
} // namespace

std::optional<Error> receiptAgainstKeptContract(const Receipt &receipt, bool direct, const QString &keptMarketId)
{
    if (direct)
        return Error(ErrorCode::PeerIdMismatch,
                     QCoreApplication::translate("ReceiptCheck", "contract %1 was lent directly by its lender, without a market: no market "
                                                                 "signs its receipts, and this one is signed by market %2")
                         .arg(receipt.contractId, receipt.marketId));
    if (!keptMarketId.isEmpty() && keptMarketId != receipt.marketId)
        return Error(ErrorCode::PeerIdMismatch,
                     QCoreApplication::translate("ReceiptCheck", "the receipt for contract %1 is signed by market %2, but this contract "
                                                                 "was made with market %3")
                         .arg(receipt.contractId, receipt.marketId, keptMarketId));
    return std::nullopt;
}

Result<Receipt> receiptOfBill(const BillList &bills, const QString &contractId, const QString &expectedMarketId)
{
    const Bill *bill = nullptr;
    for (const Bill &b : bills.bills)
        if (b.contractId == contractId)
            bill = &b;
    if (!bill || !bill->receipt)
        return Error(ErrorCode::Unsupported,
                     QCoreApplication::translate("ReceiptCheck", "the market sent no receipt for contract %1 (an older market signs "
                                                                 "receipts only at a contract's start and end, for its borrower)")
                         .arg(contractId));
    if (bill->receipt->contractId != contractId)
        return Error(ErrorCode::BadPayload,
                     QCoreApplication::translate("ReceiptCheck", "the market sent a receipt for another contract than %1").arg(contractId));
    if (Result<void> v = verifyReceipt(*bill->receipt, expectedMarketId); !v)
        return Error(v.error().code, QCoreApplication::translate("ReceiptCheck", "the market's receipt for contract %1 is not valid: %2")
                                         .arg(contractId, v.error().message));
    return *bill->receipt;
}

Result<Receipt> readReceiptFile(const QString &path)
{
    QFile f;
    const bool stdIn = path == QLatin1String("-");
    const QString name = stdIn ? QCoreApplication::translate("ReceiptCheck", "standard input") : path;
    const bool opened = stdIn ? f.open(stdin, QIODevice::ReadOnly) : (f.setFileName(path), f.open(QIODevice::ReadOnly));
    if (!opened)
        return Error(ErrorCode::IoError, QCoreApplication::translate("ReceiptCheck", "cannot read %1: %2").arg(name, f.errorString()));
    // A receipt is a few KiB; whatever is bigger than 4 MiB is not one (and is not read whole).
    QByteArray bytes;
    while (bytes.size() <= kMaxReceiptFileBytes) {
        const QByteArray chunk = f.read(kMaxReceiptFileBytes + 1 - bytes.size());
        if (chunk.isEmpty())
            break; // the end, or an error (a pipe reads in pieces; a file at once)
        bytes += chunk;
    }
    if (bytes.size() > kMaxReceiptFileBytes)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("ReceiptCheck", "%1 is not a receipt: it is larger than 4 MiB (a receipt has a few KiB)").arg(name));
    if (bytes.trimmed().isEmpty())
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "%1 is not a receipt: it is empty").arg(name));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &perr);
    if (!doc.isObject())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("ReceiptCheck", "%1 is not a receipt (a JSON object, as `receipt show` prints it): %2")
                         .arg(name, perr.error != QJsonParseError::NoError
                                        ? QCoreApplication::translate("ReceiptCheck", "%1 at byte %2").arg(perr.errorString()).arg(perr.offset)
                                    : doc.isArray() ? QCoreApplication::translate("ReceiptCheck", "it holds a JSON array")
                                                    : QCoreApplication::translate("ReceiptCheck", "it holds no JSON")));
    if (const QString twice = duplicateKey(bytes); !twice.isEmpty())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("ReceiptCheck", "%1 is not a receipt: it has \"%2\" twice in one object, and readers may "
                                                                 "take either value").arg(name, twice));
    Result<Receipt> r = receiptFromJson(doc.object());
    if (!r)
        return Error(r.error().code, QCoreApplication::translate("ReceiptCheck", "%1: %2").arg(name, r.error().message));
    return r;
}

Result<Receipt> readVerifiedReceipt(const QString &path, const QString &expectedMarketId)
{
    Result<Receipt> r = readReceiptFile(path);
    if (!r)
        return r;
    if (Result<void> valid = verifyReceipt(*r, expectedMarketId); !valid)
        return valid.error();
    return r;
}

BillTotals billTotals(const QList<Bill> &bills)
{
    BillTotals t;
    for (const Bill &b : bills) {
        t.charge = t.charge.add(b.charge).value_or(t.charge);
        t.payout = t.payout.add(b.lenderPayout).value_or(t.payout);
        t.fee = t.fee.add(b.marketFee).value_or(t.fee);
        t.running += b.endedAtMs > 0 ? 0 : 1;
    }
    return t;
}

} // namespace lendable::protocol
