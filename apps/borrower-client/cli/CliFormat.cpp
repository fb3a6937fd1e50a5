#include "CliFormat.h"

#include "OfferText.h"

#include "app/AppSupport.h"

#include <climits>

#include "protocol/ReceiptJson.h"

#include "model/Resources.h"

#include <QCoreApplication>
#include <QDateTime>

namespace lendable::borrower {

QString isoTime(qint64 utcMs)
{
    if (utcMs <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString humanDuration(qint64 ms)
{
    return app::durationText(ms);
}

QJsonObject offerToJson(const protocol::Offer &offer)
{
    QJsonObject o;
    o.insert(QStringLiteral("offer_id"), offer.offerId);
    o.insert(QStringLiteral("lender_id"), offer.lenderId);
    o.insert(QStringLiteral("lender_name"), offer.lenderName);
    o.insert(QStringLiteral("lender_address"), offer.lenderAddress);
    o.insert(QStringLiteral("partition_id"), offer.partitionId);
    o.insert(QStringLiteral("cpus"), offer.conditions.resources.cpus);
    o.insert(QStringLiteral("memory_mib"), offer.conditions.resources.memoryMib);
    o.insert(QStringLiteral("disk_mib"), offer.conditions.resources.diskMib);
    o.insert(QStringLiteral("os_images"), QJsonArray::fromStringList(offer.conditions.osImages));
    o.insert(QStringLiteral("rate"), offer.conditions.ratePerHour.toString());
    o.insert(QStringLiteral("max_duration_s"), offer.conditions.maxDurationS);
    o.insert(QStringLiteral("reliability"), offer.reliability);
    return o;
}

QJsonArray offersToJson(const QList<protocol::Offer> &offers)
{
    QJsonArray a;
    for (const protocol::Offer &o : offers)
        a.append(offerToJson(o));
    return a;
}

QString explainNoMatch(const protocol::OfferPage &page)
{
    QStringList parts;
    for (const protocol::Exclusion &e : page.explanation) {
        // The count in a variable of its own: lupdate does not read a cast as the count,
        // and would file the text as one without plural forms.
        const int excluded = int(qMin<qint64>(e.excluded, INT_MAX));
        parts.append(QCoreApplication::translate("BorrowerCli", "%1 excluded %n offer(s)", nullptr, excluded).arg(exclusionText(e)));
    }
    if (parts.isEmpty())
        return QCoreApplication::translate("BorrowerCli", "no offer matches (the market has no free partition that fits)");
    return QCoreApplication::translate("BorrowerCli", "no offer matches: %1").arg(parts.join(QStringLiteral("; ")));
}

std::optional<qint64> queryOffset(const QString &query)
{
    std::optional<qint64> offset;
    for (const QString &token : query.simplified().split(u' ', Qt::SkipEmptyParts)) {
        if (!token.startsWith(QLatin1String("offset="), Qt::CaseInsensitive))
            continue;
        bool ok = false;
        const qint64 n = token.mid(7).toLongLong(&ok);
        if (ok && n >= 0)
            offset = n;
    }
    return offset;
}

QJsonObject contractToJson(const ContractRecord &c, const QByteArray &keyToShow)
{
    QJsonObject o;
    o.insert(QStringLiteral("contract_id"), c.contractId);
    o.insert(QStringLiteral("lender_id"), c.lenderId);
    o.insert(QStringLiteral("lender_address"), c.lenderAddress);
    o.insert(QStringLiteral("partition_id"), c.partitionId);
    o.insert(QStringLiteral("rate"), c.ratePerHour.toString());
    o.insert(QStringLiteral("started_at"), isoTime(c.startedAtMs));
    o.insert(QStringLiteral("started_at_ms"), c.startedAtMs);
    o.insert(QStringLiteral("os_images"), QJsonArray::fromStringList(c.osImages));
    // The market ends the contract by itself then (its time limit); absent: no limit.
    if (c.maxDurationS > 0) {
        o.insert(QStringLiteral("max_duration_s"), c.maxDurationS);
        o.insert(QStringLiteral("ends_at"), isoTime(c.endsByItselfAtMs()));
    }
    o.insert(QStringLiteral("market_id"), c.marketId);
    if (c.startReceipt)
        o.insert(QStringLiteral("receipt"), protocol::receiptToJson(*c.startReceipt));
    if (!keyToShow.isEmpty())
        o.insert(QStringLiteral("key"), QString::fromLatin1(keyToShow.toBase64()));
    return o;
}

QJsonObject recoveryToJson(const BorrowRecovery &r)
{
    QJsonObject o;
    o.insert(QStringLiteral("request_id"), r.borrow.requestId);
    o.insert(QStringLiteral("market_id"), r.borrow.marketId);
    o.insert(QStringLiteral("offer_id"), r.borrow.offerId);
    o.insert(QStringLiteral("query"), r.borrow.query);
    o.insert(QStringLiteral("sent_at"), isoTime(r.borrow.sentAtMs));
    o.insert(QStringLiteral("sent_at_ms"), r.borrow.sentAtMs);
    const char *outcome = "unknown";
    switch (r.outcome) {
    case BorrowRecovery::Outcome::Recovered: outcome = "recovered"; break;
    case BorrowRecovery::Outcome::Ended: outcome = "ended"; break;
    case BorrowRecovery::Outcome::NoContract: outcome = "none"; break;
    case BorrowRecovery::Outcome::Unknown: break;
    }
    o.insert(QStringLiteral("outcome"), QLatin1String(outcome));
    if (r.contract) {
        QJsonObject c = contractToJson(*r.contract);
        if (r.contract->isEnded()) {
            c.insert(QStringLiteral("ended_at"), isoTime(r.contract->endedAtMs));
            c.insert(QStringLiteral("ended_at_ms"), r.contract->endedAtMs);
            c.insert(QStringLiteral("charge"), r.contract->charge.toString());
        }
        o.insert(QStringLiteral("contract"), c);
    }
    if (r.problem)
        o.insert(QStringLiteral("problem"), r.problem->message);
    return o;
}

QJsonObject contractEndToJson(const ContractEnd &end)
{
    QJsonObject o;
    o.insert(QStringLiteral("contract_id"), end.closed.contractId);
    o.insert(QStringLiteral("duration_ms"), end.closed.durationMs);
    o.insert(QStringLiteral("charge"), end.closed.charge.toString());
    o.insert(QStringLiteral("receipt"), protocol::receiptToJson(end.closed.receipt));
    o.insert(QStringLiteral("receipt_valid"), !end.receiptProblem.isError());
    if (end.receiptProblem.isError())
        o.insert(QStringLiteral("receipt_problem"), end.receiptProblem.message);
    // Ended at the market either way; false when the data directory still says it runs.
    o.insert(QStringLiteral("record_updated"), !end.recordProblem.isError());
    if (end.recordProblem.isError())
        o.insert(QStringLiteral("record_problem"), end.recordProblem.message);
    return o;
}

QJsonObject billToJson(const protocol::Bill &b)
{
    QJsonObject o;
    o.insert(QStringLiteral("contract_id"), b.contractId);
    o.insert(QStringLiteral("lender_id"), b.lenderId);
    o.insert(QStringLiteral("partition_id"), b.partitionId);
    o.insert(QStringLiteral("rate"), b.ratePerHour.toString());
    o.insert(QStringLiteral("started_at_ms"), b.startedAtMs);
    o.insert(QStringLiteral("ended_at_ms"), b.endedAtMs);
    o.insert(QStringLiteral("started_at"), isoTime(b.startedAtMs));
    o.insert(QStringLiteral("ended_at"), isoTime(b.endedAtMs));
    o.insert(QStringLiteral("duration_ms"), b.durationMs);
    o.insert(QStringLiteral("charge"), b.charge.toString());
    o.insert(QStringLiteral("state"), b.state);
    return o;
}

QJsonObject outcomeToJson(const JobOutcome &out)
{
    QJsonObject o;
    o.insert(QStringLiteral("job_id"), out.jobId);
    o.insert(QStringLiteral("state"), out.state);
    o.insert(QStringLiteral("exit_code"), out.exitCode ? QJsonValue(*out.exitCode) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("outputs"), QJsonArray::fromStringList(out.outputPaths));
    o.insert(QStringLiteral("console"), out.consolePath);
    // Whether the console and every output are here; if not, what is missing.
    o.insert(QStringLiteral("complete"), out.incomplete.isEmpty());
    if (!out.incomplete.isEmpty())
        o.insert(QStringLiteral("incomplete"), QJsonArray::fromStringList(out.incomplete));
    if (!out.message.isEmpty())
        o.insert(QStringLiteral("message"), out.message);
    return o;
}

QString formatTable(const QStringList &headers, const QList<QStringList> &rows)
{
    return app::textTable(headers, rows);
}

QString offersTable(const QList<protocol::Offer> &offers)
{
    QList<QStringList> rows;
    for (const protocol::Offer &o : offers)
        rows.append({o.offerId, QString::number(o.conditions.resources.cpus),
                     formatSizeMib(o.conditions.resources.memoryMib), formatSizeMib(o.conditions.resources.diskMib),
                     o.conditions.osImages.join(QLatin1Char(',')), o.conditions.ratePerHour.toString(),
                     o.lenderName.isEmpty() ? o.lenderId.left(12) : o.lenderName});
    return formatTable({QCoreApplication::translate("BorrowerCli", "OFFER"), QCoreApplication::translate("BorrowerCli", "CPUS"), QCoreApplication::translate("BorrowerCli", "MEMORY"), QCoreApplication::translate("BorrowerCli", "DISK"), QCoreApplication::translate("BorrowerCli", "OS"), QCoreApplication::translate("BorrowerCli", "RATE/H"), QCoreApplication::translate("BorrowerCli", "LENDER")}, rows);
}

QString billsTable(const QList<protocol::Bill> &bills)
{
    QList<QStringList> rows;
    for (const protocol::Bill &b : bills)
        rows.append({b.contractId, isoTime(b.startedAtMs), b.endedAtMs > 0 ? isoTime(b.endedAtMs) : b.state,
                     humanDuration(b.durationMs), b.ratePerHour.toString(), b.charge.toString()});
    return formatTable({QCoreApplication::translate("BorrowerCli", "CONTRACT"), QCoreApplication::translate("BorrowerCli", "STARTED"), QCoreApplication::translate("BorrowerCli", "ENDED"), QCoreApplication::translate("BorrowerCli", "DURATION"), QCoreApplication::translate("BorrowerCli", "RATE/H"), QCoreApplication::translate("BorrowerCli", "CHARGE")}, rows);
}

} // namespace lendable::borrower
