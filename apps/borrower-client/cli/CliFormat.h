#pragma once
// What the CLI prints: the JSON documents (stable snake_case keys, money as decimal
// strings, times as UTC ms plus ISO text) and the human-readable tables.

#include "BorrowerSession.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace lendable::borrower {

QJsonObject offerToJson(const protocol::Offer &offer);
QJsonArray offersToJson(const QList<protocol::Offer> &offers);
/// "cpus>=64 excluded 3 offers; os=windows excluded 5 offers" — the market's reasons.
QString explainNoMatch(const protocol::OfferPage &page);
/// The N of an `offset=N` in a query's text (the last one, in any case, as the market reads
/// it), if the text has a whole number there.
std::optional<qint64> queryOffset(const QString &query);
QJsonObject contractToJson(const ContractRecord &contract, const QByteArray &keyToShow = {});
QJsonObject contractEndToJson(const ContractEnd &end);
QJsonObject billToJson(const protocol::Bill &bill);
QJsonObject outcomeToJson(const JobOutcome &outcome);
/// `recover --json`: request_id, market_id, offer_id, query, sent_at(_ms), outcome
/// (`recovered`, `ended`, `none`, `unknown`), contract (recovered, ended), problem (unknown).
QJsonObject recoveryToJson(const BorrowRecovery &recovery);
QString isoTime(qint64 utcMs);
/// "1 h 02 min 03.456 s"-style duration for people.
QString humanDuration(qint64 ms);

/// A plain-text table: a header row, a rule, the rows; columns padded to their widest cell.
QString formatTable(const QStringList &headers, const QList<QStringList> &rows);
QString offersTable(const QList<protocol::Offer> &offers);
QString billsTable(const QList<protocol::Bill> &bills);

} // namespace lendable::borrower
