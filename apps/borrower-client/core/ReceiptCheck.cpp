#include "ReceiptCheck.h"

#include "identity/Identity.h"

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>
#include <QJsonValue>
#include <QSslCertificate>

#include <algorithm>
#include <vector>

namespace lendable::borrower {

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
        const QJsonValue v = o.value(QLatin1String(key));
        // JSON numbers are doubles: accept only integral values that a double holds exactly.
        const double d = v.toDouble(-1);
        if ((!v.isDouble() || d < 0 || d > 9007199254740992.0 || d != static_cast<double>(static_cast<qint64>(d)))
            && !bad.isError())
            bad = Error(ErrorCode::InvalidArgument,
                        QCoreApplication::translate("ReceiptCheck", "the receipt has no whole-number field \"%1\" (UTC milliseconds)").arg(QLatin1String(key)));
        out = static_cast<qint64>(d);
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
    r.marketCertificate = cert.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(sig.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("ReceiptCheck", "the receipt's signature is not base64"));
    r.signature = *decoded;
    return r;
}

} // namespace lendable::borrower
