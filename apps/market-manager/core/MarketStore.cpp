#include "MarketStore.h"

#include "LendingKey.h"
#include "protocol/Terms.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMutex>
#include <QSet>
#include <QSqlQuery>
#include <QtNumeric>

#include <algorithm>
#include <limits>
#include <map>

namespace lendable::market {

qint64 realNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

namespace {

constexpr qint64 kDayMs = 86'400'000;

// a + b, each component at most its type's largest value instead of wrapping round (for a
// message that names a sum no real partition reaches).
Resources saturatingSum(const Resources &a, const Resources &b)
{
    Resources sum;
    if (qAddOverflow(a.cpus, b.cpus, &sum.cpus))
        sum.cpus = std::numeric_limits<int>::max();
    if (qAddOverflow(a.memoryMib, b.memoryMib, &sum.memoryMib))
        sum.memoryMib = std::numeric_limits<qint64>::max();
    if (qAddOverflow(a.diskMib, b.diskMib, &sum.diskMib))
        sum.diskMib = std::numeric_limits<qint64>::max();
    return sum;
}

// Runs `work` (one of the *InTransaction() steps) in its own write transaction: its result
// once the commit returned, or its refusal (the transaction rolls back).
template <typename Work>
auto inOwnTransaction(Database &db, Work &&work) -> decltype(work())
{
    WriteTransaction tx(db);
    if (!tx.ok())
        return tx.error();
    auto result = work();
    if (!result)
        return result;
    if (auto done = tx.commit(); !done)
        return done.error();
    return result;
}

// Qt binds a null QString as SQL NULL; an empty text field decoded from the wire is one.
QString notNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString joinImages(const QStringList &images)
{
    return notNull(images.join(QLatin1Char('\n')));
}
QStringList splitImages(const QString &text)
{
    return text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// QSqlQuery with SqlRows' getters, so that one row reader serves both.
struct QtRow {
    const QSqlQuery &q;
    bool isNull(int i) const { return q.isNull(i); }
    qint64 int64(int i) const { return q.value(i).toLongLong(); }
    QString text(int i) const { return q.value(i).toString(); }
    QByteArray blob(int i) const { return q.value(i).toByteArray(); }
};

// The schema is written once with placeholders for the two types whose names differ.
QStringList dialectStatements(const QStringList &statements, SqlDialect dialect)
{
    QStringList out;
    for (QString s : statements) {
        s.replace(QStringLiteral("%BLOB%"), dialect == SqlDialect::Sqlite ? QStringLiteral("BLOB") : QStringLiteral("BYTEA"));
        out.append(s);
    }
    return out;
}

const QString kPartitionColumns = QStringLiteral(
    "offer_id, lender_id, partition_id, cpus, memory_mib, disk_mib, os_images, rate_micros, max_duration_s, "
    "key_hash, lending_status, contract_id, externally_referenced, budget_cpus, budget_memory_mib, "
    "budget_disk_mib, withdrawn, rev, applied_cpus, applied_memory_mib, applied_disk_mib");

template <typename Row>
PartitionRow partitionFrom(const Row &q)
{
    PartitionRow p;
    p.offerId = q.text(0);
    p.lenderId = q.text(1);
    p.partitionId = q.text(2);
    p.conditions.resources = Resources{int(q.int64(3)), q.int64(4), q.int64(5)};
    p.conditions.osImages = splitImages(q.text(6));
    p.conditions.ratePerHour = Money::fromMicros(q.int64(7));
    p.conditions.maxDurationS = q.int64(8);
    p.keyHash = q.blob(9);
    p.lendingStatus = q.text(10);
    p.contractId = q.text(11);
    p.externallyReferenced = q.int64(12) != 0;
    p.budget = Resources{int(q.int64(13)), q.int64(14), q.int64(15)};
    p.withdrawn = q.int64(16) != 0;
    p.rev = q.int64(17);
    p.applied = Resources{int(q.int64(18)), q.int64(19), q.int64(20)};
    return p;
}

const QString kContractColumns = QStringLiteral(
    "c.id, c.offer_id, c.borrower_id, c.lender_id, c.partition_id, c.rate_micros, c.cpus, c.memory_mib, "
    "c.disk_mib, c.max_duration_s, c.started_at_ms, c.ended_at_ms, c.key_hash, c.end_reason, c.rev, "
    "b.duration_ms, b.charge_micros, b.fee_micros, b.payout_micros, c.fee_basis_points");
const QString kContractFrom = QStringLiteral(" FROM contracts c LEFT JOIN billing b ON b.contract_id = c.id ");

template <typename Row>
ContractRow contractFrom(const Row &q)
{
    ContractRow c;
    c.id = q.text(0);
    c.offerId = q.text(1);
    c.borrowerId = q.text(2);
    c.lenderId = q.text(3);
    c.partitionId = q.text(4);
    c.ratePerHour = Money::fromMicros(q.int64(5));
    c.resources = Resources{int(q.int64(6)), q.int64(7), q.int64(8)};
    c.maxDurationS = q.int64(9);
    c.startedAtMs = q.int64(10);
    c.endedAtMs = q.isNull(11) ? 0 : q.int64(11);
    c.keyHash = q.blob(12);
    c.endReason = q.text(13);
    c.rev = q.int64(14);
    c.bill.durationMs = q.int64(15);
    c.bill.charge = Money::fromMicros(q.int64(16));
    c.bill.fee = Money::fromMicros(q.int64(17));
    c.bill.payout = Money::fromMicros(q.int64(18));
    if (!q.isNull(19))
        c.feeBasisPoints = int(q.int64(19));
    return c;
}

const QString kLenderColumns =
    QStringLiteral("id, name, address, online, last_seen_ms, reliability, rev");

template <typename Row>
LenderRow lenderFrom(const Row &q)
{
    LenderRow l;
    l.id = q.text(0);
    l.name = q.text(1);
    l.address = q.text(2);
    l.online = q.int64(3) != 0;
    l.lastSeenMs = q.int64(4);
    l.reliability = int(q.int64(5));
    l.rev = q.int64(6);
    return l;
}

// A row of either kind of result, for the row readers.
const SqlRows &rowOf(const SqlRows &rows)
{
    return rows;
}
QtRow rowOf(const QSqlQuery &q)
{
    return QtRow{q};
}
Error errorOf(const SqlRows &rows)
{
    return rows.error();
}
Error errorOf(const QSqlQuery &)
{
    return {}; // QSqlQuery::next() reports nothing; a failed exec() came back as the error
}

// Every row of a SELECT that exec() or run() ran, read by `from` (one of the readers above).
template <typename T, typename Rows, typename From>
Result<QList<T>> collectRows(Result<Rows> rows, From from)
{
    if (!rows)
        return rows.error();
    QList<T> out;
    while (rows->next())
        out.append(from(rowOf(*rows)));
    if (Error failed = errorOf(*rows); failed.isError())
        return failed;
    return out;
}

QString partitionsSql(const QString &where)
{
    return QStringLiteral("SELECT ") + kPartitionColumns + QStringLiteral(" FROM partitions ") + where;
}
QString contractsSql(const QString &where)
{
    return QStringLiteral("SELECT ") + kContractColumns + kContractFrom + where;
}
QString lendersSql(const QString &where)
{
    return QStringLiteral("SELECT ") + kLenderColumns + QStringLiteral(" FROM lenders ") + where;
}
const auto readPartition = [](const auto &row) { return partitionFrom(row); };
const auto readContract = [](const auto &row) { return contractFrom(row); };
const auto readLender = [](const auto &row) { return lenderFrom(row); };

// A LIKE pattern that matches `filter` as a plain substring.
QString likePattern(const QString &filter)
{
    QString escaped = filter.toLower();
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// "(LOWER(a) LIKE ? ESCAPE '\' OR …)": one of `columns` holds `filter` as a plain substring
// (likePattern()); a bind per column is appended to `binds`. Lowercased as likePattern() does
// (Database::lowerSql(), not LOWER(), which may fold ASCII only): "ärzte" finds "Ärzte".
QString matchesAnyColumn(const Database &db, const QStringList &columns, const QString &filter, QVariantList &binds)
{
    QStringList tests;
    const QString pattern = likePattern(filter);
    for (const QString &column : columns) {
        tests << QStringLiteral("%1 LIKE ? ESCAPE '\\'").arg(db.lowerSql(column));
        binds << pattern;
    }
    return QLatin1Char('(') + tests.join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

// "?, ?, …" for an IN list of `values`, each appended to `binds`.
QString inListMarks(const QStringList &values, QVariantList &binds)
{
    QStringList marks;
    marks.reserve(values.size());
    for (const QString &v : values) {
        marks.append(QStringLiteral("?"));
        binds.append(v);
    }
    return marks.join(QStringLiteral(", "));
}

// The LIMIT and OFFSET of an admin page: 1 to 1000 rows, from row 0 on at least.
QString pageClause(qint64 offset, qint64 limit)
{
    return QStringLiteral(" LIMIT %1 OFFSET %2").arg(qBound(qint64(1), limit, qint64(1000))).arg(qMax<qint64>(0, offset));
}

} // namespace

protocol::Bill ContractRow::toBill(qint64 nowMs) const
{
    protocol::Bill b;
    b.contractId = id;
    b.borrowerId = borrowerId;
    b.lenderId = lenderId;
    b.partitionId = partitionId;
    b.ratePerHour = ratePerHour;
    b.startedAtMs = startedAtMs;
    b.endedAtMs = endedAtMs;
    if (isRunning()) {
        // A running contract shows what it has cost so far, so a borrower sees the meter run;
        // it stops at the time limit, as the bill will, however late the expiry sweep is.
        const qint64 until = limitAtMs() > 0 ? qMin(nowMs, limitAtMs()) : nowMs;
        b.durationMs = qMax<qint64>(0, until - startedAtMs);
        const Result<Money> soFar = Money::charge(ratePerHour, b.durationMs);
        b.charge = soFar.ok() ? *soFar : Money();
        b.state = QStringLiteral("running");
    } else {
        b.durationMs = bill.durationMs;
        b.charge = bill.charge;
        b.lenderPayout = bill.payout;
        b.marketFee = bill.fee;
        b.state = QStringLiteral("ended");
    }
    return b;
}

QList<Migration> marketMigrations()
{
    const QStringList v1 = {
        QStringLiteral("CREATE TABLE lenders ("
                       "id TEXT PRIMARY KEY, "
                       "name TEXT NOT NULL DEFAULT '', "
                       "address TEXT NOT NULL DEFAULT '', "
                       "online INTEGER NOT NULL DEFAULT 0, "
                       "last_seen_ms BIGINT NOT NULL DEFAULT 0, "
                       "first_seen_ms BIGINT NOT NULL DEFAULT 0, "
                       "contracts_ended BIGINT NOT NULL DEFAULT 0, "
                       "contracts_lost BIGINT NOT NULL DEFAULT 0, "
                       "reliability INTEGER NOT NULL DEFAULT 100, "
                       "rev BIGINT NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE INDEX lenders_rev ON lenders(rev)"),
        QStringLiteral("CREATE INDEX lenders_online ON lenders(online, last_seen_ms)"),
        // FIG. 3. Lending conditions are columns, not a blob, so that the admin views and a
        // SQL fallback can filter on them.
        QStringLiteral("CREATE TABLE partitions ("
                       "offer_id TEXT PRIMARY KEY, "
                       "lender_id TEXT NOT NULL REFERENCES lenders(id), "
                       "partition_id TEXT NOT NULL, "
                       "cpus INTEGER NOT NULL, "
                       "memory_mib BIGINT NOT NULL, "
                       "disk_mib BIGINT NOT NULL, "
                       "os_images TEXT NOT NULL, "
                       "rate_micros BIGINT NOT NULL, "
                       "max_duration_s BIGINT NOT NULL, "
                       "key_hash %BLOB%, "
                       "lending_status TEXT, "
                       "contract_id TEXT, "
                       "externally_referenced INTEGER NOT NULL DEFAULT 0, "
                       "budget_cpus INTEGER NOT NULL, "
                       "budget_memory_mib BIGINT NOT NULL, "
                       "budget_disk_mib BIGINT NOT NULL, "
                       "withdrawn INTEGER NOT NULL DEFAULT 0, "
                       "registered_at_ms BIGINT NOT NULL, "
                       "rev BIGINT NOT NULL, "
                       "UNIQUE (lender_id, partition_id))"),
        QStringLiteral("CREATE INDEX partitions_rev ON partitions(rev)"),
        QStringLiteral("CREATE INDEX partitions_available_rate ON partitions(rate_micros) "
                       "WHERE lending_status IS NULL AND withdrawn = 0"),
        QStringLiteral("CREATE TABLE contracts ("
                       "id TEXT PRIMARY KEY, "
                       "offer_id TEXT NOT NULL REFERENCES partitions(offer_id), "
                       "borrower_id TEXT NOT NULL, "
                       "lender_id TEXT NOT NULL, "
                       "partition_id TEXT NOT NULL, "
                       "rate_micros BIGINT NOT NULL, "
                       "cpus INTEGER NOT NULL, "
                       "memory_mib BIGINT NOT NULL, "
                       "disk_mib BIGINT NOT NULL, "
                       "max_duration_s BIGINT NOT NULL, "
                       "expires_at_ms BIGINT, "
                       "started_at_ms BIGINT NOT NULL, "
                       "ended_at_ms BIGINT, "
                       "key_hash %BLOB% NOT NULL, "
                       "end_reason TEXT, "
                       "rev BIGINT NOT NULL)"),
        // The database itself refuses a second running contract on one offer, whatever the
        // code above it does.
        QStringLiteral("CREATE UNIQUE INDEX contracts_one_running ON contracts(offer_id) WHERE ended_at_ms IS NULL"),
        QStringLiteral("CREATE INDEX contracts_borrower ON contracts(borrower_id, started_at_ms)"),
        QStringLiteral("CREATE INDEX contracts_lender ON contracts(lender_id, started_at_ms)"),
        QStringLiteral("CREATE INDEX contracts_started ON contracts(started_at_ms)"),
        QStringLiteral("CREATE INDEX contracts_expiry ON contracts(expires_at_ms) WHERE ended_at_ms IS NULL"),
        QStringLiteral("CREATE INDEX contracts_rev ON contracts(rev)"),
        QStringLiteral("CREATE TABLE billing ("
                       "contract_id TEXT PRIMARY KEY REFERENCES contracts(id), "
                       "borrower_id TEXT NOT NULL, "
                       "lender_id TEXT NOT NULL, "
                       "ended_at_ms BIGINT NOT NULL, "
                       "duration_ms BIGINT NOT NULL, "
                       "charge_micros BIGINT NOT NULL, "
                       "fee_micros BIGINT NOT NULL, "
                       "payout_micros BIGINT NOT NULL, "
                       "fee_basis_points INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX billing_ended ON billing(ended_at_ms)"),
        QStringLiteral("CREATE TABLE images ("
                       "sha256 TEXT PRIMARY KEY, "
                       "name TEXT NOT NULL, "
                       "size_bytes BIGINT NOT NULL, "
                       "added_at_ms BIGINT NOT NULL)"),
        QStringLiteral("CREATE INDEX images_name ON images(name, added_at_ms)"),
    };
    QStringList pg = dialectStatements(v1, SqlDialect::Postgres);
    pg.append(QStringLiteral("CREATE SEQUENCE market_rev"));
    // The history of lendable capacity, for the utilisation chart: every change of a
    // registered partition's vCPUs (registration, alteration, rebalancing, withdrawal) as a
    // signed delta. Seeded with what is registered now.
    const QStringList v2 = {
        QStringLiteral("CREATE TABLE capacity_log ("
                       "at_ms BIGINT NOT NULL, "
                       "offer_id TEXT NOT NULL, "
                       "cpus_delta INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX capacity_log_at ON capacity_log(at_ms)"),
        QStringLiteral("INSERT INTO capacity_log (at_ms, offer_id, cpus_delta) "
                       "SELECT registered_at_ms, offer_id, cpus FROM partitions WHERE withdrawn = 0"),
        // Lock violations lenders reported (FIG. 13–14: a lent partition changed behind the
        // agent's back), kept as evidence for disputes.
        QStringLiteral("CREATE TABLE violations ("
                       "at_ms BIGINT NOT NULL, "
                       "lender_id TEXT NOT NULL, "
                       "partition_id TEXT NOT NULL, "
                       "contract_id TEXT, "
                       "detail TEXT NOT NULL, "
                       "restored INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX violations_lender ON violations(lender_id, at_ms)"),
    };
    // The counter of writer tags (MarketStore::claimRevisionTag()).
    const QStringList v3 = {
        QStringLiteral("CREATE TABLE rev_tags (n BIGINT NOT NULL)"),
        QStringLiteral("INSERT INTO rev_tags (n) VALUES (0)"),
    };
    // No query reads partitions by rate any more (searches are answered by the in-memory
    // OfferIndex), and every lend and end moved the row in and out of this index: two
    // random pages per contract to write (market-store-bench).
    const QStringList v4 = {
        QStringLiteral("DROP INDEX partitions_available_rate"),
    };
    // The allocation the lender last confirmed it generates (second embodiment): what it
    // registered, or a manager's rebalance it acknowledged. A rebalance differs from it until
    // the lender answers; a refusal puts it back. Existing rows start from the registered
    // allocation, so a rebalance made before this migration is sent again and confirmed.
    QStringList v5;
    for (const char *column : {"applied_cpus INTEGER", "applied_memory_mib BIGINT", "applied_disk_mib BIGINT"})
        v5.append(QStringLiteral("ALTER TABLE partitions ADD COLUMN %1 NOT NULL DEFAULT 0").arg(QLatin1String(column)));
    v5.append(QStringLiteral("UPDATE partitions SET applied_cpus = budget_cpus, applied_memory_mib = budget_memory_mib, "
                             "applied_disk_mib = budget_disk_mib"));
    // A lender's refusal of a manager's rebalance, kept so that every manager sees it, also
    // one served by another market process than the one the lender answered: one per
    // partition, the last; a new rebalance of the partition clears it.
    const QStringList v6 = {
        QStringLiteral("CREATE TABLE allocation_refusals ("
                       "offer_id TEXT PRIMARY KEY, "
                       "cpus INTEGER NOT NULL, "
                       "memory_mib BIGINT NOT NULL, "
                       "disk_mib BIGINT NOT NULL, "
                       "code TEXT NOT NULL, "
                       "message TEXT NOT NULL, "
                       "at_ms BIGINT NOT NULL)"),
    };
    // The admin list of partitions is ordered by lender name by default: walked in this
    // index's order, with each lender's partitions from their unique index, no page sorts
    // the whole table.
    const QStringList v7 = {
        QStringLiteral("CREATE INDEX lenders_name ON lenders(name, id)"),
    };
    // The names borrowers give themselves (SetBorrowerName), for the managers' contracts,
    // invoices and top borrowers. A borrower without a row has no name.
    const QStringList v8 = {
        QStringLiteral("CREATE TABLE borrowers (id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at_ms BIGINT NOT NULL)"),
    };
    // A borrower's new name reaches the lenders of its running contracts from whichever market
    // process holds their connections: other processes follow the table by revision, as they
    // follow lenders, partitions and contracts. A name taken back stays as an empty name, so
    // that the change has a row to carry its revision.
    const QStringList v9 = {
        QStringLiteral("ALTER TABLE borrowers ADD COLUMN rev BIGINT NOT NULL DEFAULT 0"),
        QStringLiteral("CREATE INDEX borrowers_rev ON borrowers(rev)"),
    };
    // The fee a contract is billed with is the market's when it started, not whichever a
    // market process has when it ends (an operator's change, or processes configured apart).
    // Contracts made before have none and keep the old rule.
    const QStringList v10 = {
        QStringLiteral("ALTER TABLE contracts ADD COLUMN fee_basis_points INTEGER"),
    };
    // The ID a borrower gave its Borrow (Borrow.requestId): a Borrow sent again with it, its
    // answer lost, finds the contract the first made instead of making a second. One per
    // borrower; contracts made without one have none. The ID leads the index: the clients'
    // IDs grow with time (protocol::newBorrowRequestId()), so that new ones go at its end,
    // where led by the borrower each group commit dirtied a page per borrower in it.
    const QStringList v11 = {
        QStringLiteral("ALTER TABLE contracts ADD COLUMN borrow_request_id TEXT"),
        QStringLiteral("CREATE UNIQUE INDEX contracts_borrow_request ON contracts(borrow_request_id, borrower_id) "
                       "WHERE borrow_request_id IS NOT NULL"),
    };
    return {Migration{1, QStringLiteral("market resource and billing databases"), dialectStatements(v1, SqlDialect::Sqlite), pg},
            Migration{2, QStringLiteral("history of lendable capacity; lock violations"), dialectStatements(v2, SqlDialect::Sqlite),
                      dialectStatements(v2, SqlDialect::Postgres)},
            Migration{3, QStringLiteral("tags of the processes that write revisions"), dialectStatements(v3, SqlDialect::Sqlite),
                      dialectStatements(v3, SqlDialect::Postgres)},
            Migration{4, QStringLiteral("no index of free partitions by rate"), dialectStatements(v4, SqlDialect::Sqlite),
                      dialectStatements(v4, SqlDialect::Postgres)},
            Migration{5, QStringLiteral("allocation the lender confirmed"), v5, v5},
            Migration{6, QStringLiteral("lenders' refusals of rebalances"), dialectStatements(v6, SqlDialect::Sqlite),
                      dialectStatements(v6, SqlDialect::Postgres)},
            Migration{7, QStringLiteral("lenders by name"), v7, v7},
            Migration{8, QStringLiteral("borrowers' names"), v8, v8},
            Migration{9, QStringLiteral("revisions of borrowers' names"), v9, v9},
            Migration{10, QStringLiteral("the fee a contract started with"), v10, v10},
            Migration{11, QStringLiteral("borrowers' request IDs"), v11, v11}};
}

MarketStore::MarketStore(Database db)
    : m_db(std::move(db))
{
}

Result<std::unique_ptr<MarketStore>> MarketStore::open(const QString &url)
{
    Result<Database> db = Database::open(url);
    if (!db)
        return db.error();
    if (auto migrated = db->migrate(marketMigrations()); !migrated)
        return migrated.error();
    return std::unique_ptr<MarketStore>(new MarketStore(std::move(db).value()));
}

QString MarketStore::nextRev(const QString &table) const
{
    // PostgreSQL: a sequence, safe under concurrent writers. SQLite: one writer at a time
    // (BEGIN IMMEDIATE), so MAX+1 over the rev index is monotonic in commit order.
    // The counter above the low 16 bits, this store's tag in them (see the header).
    if (m_db.dialect() == SqlDialect::Postgres)
        return QStringLiteral("(nextval('market_rev') * %1 + %2)").arg(kRevTagSpan).arg(m_revTag);
    return QStringLiteral("(((SELECT COALESCE(MAX(rev), 0) FROM %1) / %2 + 1) * %2 + %3)")
        .arg(table)
        .arg(kRevTagSpan)
        .arg(m_revTag);
}

void MarketStore::setRevisionTag(qint64 tag)
{
    m_revTag = tag;
    m_hotSql = {};
}

template <typename Build>
const QString &MarketStore::hotSql(HotSql which, Build &&build)
{
    QString &sql = m_hotSql[static_cast<std::size_t>(which)];
    if (sql.isEmpty())
        sql = build();
    return sql;
}

Result<qint64> MarketStore::claimRevisionTag()
{
    // One atomic increment (both dialects have UPDATE … RETURNING): two processes never get
    // the same tag unless 65,535 others opened the database in between.
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("UPDATE rev_tags SET n = n + 1 RETURNING n"));
    if (!q)
        return q.error();
    if (!q->next())
        return Error(ErrorCode::StorageError, QStringLiteral("the rev_tags table has no row"));
    setRevisionTag(q->value(0).toLongLong() % (kRevTagSpan - 1) + 1);
    return m_revTag;
}

Result<void> MarketStore::logCapacity(const QString &offerId, qint64 cpusDelta, qint64 atMs)
{
    if (cpusDelta == 0)
        return {};
    Result<SqlRows> q = m_db.run(QStringLiteral("INSERT INTO capacity_log (at_ms, offer_id, cpus_delta) VALUES (?, ?, ?)"),
                                 {atMs, offerId, cpusDelta});
    if (!q)
        return q.error();
    return {};
}

Result<QList<PartitionRow>> MarketStore::selectPartitions(const QString &where, const QVariantList &binds)
{
    return collectRows<PartitionRow>(m_db.exec(partitionsSql(where), binds), readPartition);
}

Result<QList<ContractRow>> MarketStore::selectContracts(const QString &where, const QVariantList &binds)
{
    return collectRows<ContractRow>(m_db.exec(contractsSql(where), binds), readContract);
}

Result<QList<LenderRow>> MarketStore::selectLenders(const QString &where, const QVariantList &binds)
{
    return collectRows<LenderRow>(m_db.exec(lendersSql(where), binds), readLender);
}

Result<QList<PartitionRow>> MarketStore::fetchPartitions(const QString &where, std::initializer_list<SqlValue> binds)
{
    return collectRows<PartitionRow>(m_db.run(partitionsSql(where), binds), readPartition);
}

Result<QList<ContractRow>> MarketStore::fetchContracts(const QString &where, std::initializer_list<SqlValue> binds)
{
    return collectRows<ContractRow>(m_db.run(contractsSql(where), binds), readContract);
}

Result<QList<LenderRow>> MarketStore::fetchLenders(const QString &where, std::initializer_list<SqlValue> binds)
{
    return collectRows<LenderRow>(m_db.run(lendersSql(where), binds), readLender);
}

// ───────────────────────── lenders ─────────────────────────

Result<void> MarketStore::upsertLender(const QString &lenderId, const QString &name, const QString &address, qint64 nowMs)
{
    Result<SqlRows> q = m_db.run(
        hotSql(HotSql::UpsertLender,
               [&]() -> QString {
                   return QStringLiteral("INSERT INTO lenders (id, name, address, online, last_seen_ms, first_seen_ms, rev) "
                                         "VALUES (?, ?, ?, 1, ?, ?, %1) "
                                         "ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, "
                                         "online = 1, last_seen_ms = excluded.last_seen_ms, rev = excluded.rev")
                       .arg(nextRev(QStringLiteral("lenders")));
               }),
        {lenderId, name, address, nowMs, nowMs});
    if (!q)
        return q.error();
    return {};
}

// ───────────────────────── borrowers ─────────────────────────

Result<void> MarketStore::setBorrowerName(const QString &borrowerId, const QString &name, qint64 nowMs)
{
    // An empty name is kept as a row (not deleted): its revision tells the other market
    // processes that the name was taken back. Every query reads a missing or empty name alike.
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT INTO borrowers (id, name, updated_at_ms, rev) VALUES (?, COALESCE(?, ''), ?, %1) "
                                                   "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                                                   "updated_at_ms = excluded.updated_at_ms, rev = excluded.rev")
                                        .arg(nextRev(QStringLiteral("borrowers"))),
                                    {borrowerId, name, nowMs});
    if (!q)
        return q.error();
    return {};
}

Result<QString> MarketStore::borrowerName(const QString &borrowerId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT name FROM borrowers WHERE id = ?"), {borrowerId});
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

Result<void> MarketStore::setLenderOffline(const QString &lenderId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("UPDATE lenders SET online = 0, rev = %1 WHERE id = ? AND online = 1")
                                        .arg(nextRev(QStringLiteral("lenders"))),
                                    {lenderId});
    if (!q)
        return q.error();
    return {};
}

Result<void> MarketStore::touchLenders(const QStringList &lenderIds, qint64 nowMs)
{
    if (lenderIds.isEmpty())
        return {};
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    // In chunks, one statement each: thousands of lenders refresh in a few statements. The
    // revision moves only when a lender comes back online, so other processes re-read only
    // what changed for their index.
    constexpr qsizetype kChunk = 500;
    for (qsizetype from = 0; from < lenderIds.size(); from += kChunk) {
        const QStringList chunk = lenderIds.mid(from, kChunk);
        QVariantList binds{nowMs};
        const QString marks = inListMarks(chunk, binds);
        Result<QSqlQuery> q = m_db.exec(
            QStringLiteral("UPDATE lenders SET last_seen_ms = ?, rev = CASE WHEN online = 1 THEN rev ELSE %1 END, online = 1 "
                           "WHERE id IN (%2)")
                .arg(nextRev(QStringLiteral("lenders")), marks),
            binds);
        if (!q)
            return q.error();
    }
    return tx.commit();
}

Result<QStringList> MarketStore::markStaleLendersOffline(qint64 cutoffMs, const QSet<QString> &keep)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT id FROM lenders WHERE online = 1 AND last_seen_ms < ?"), {cutoffMs});
    if (!q)
        return q.error();
    QStringList stale;
    while (q->next()) {
        const QString id = q->value(0).toString();
        if (!keep.contains(id))
            stale.append(id);
    }
    if (stale.isEmpty())
        return stale;
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    // Re-checked under the write lock: another process may have seen the lender meanwhile.
    const QString sql = QStringLiteral("UPDATE lenders SET online = 0, rev = %1 WHERE id = ? AND online = 1 AND last_seen_ms < ?")
                            .arg(nextRev(QStringLiteral("lenders")));
    for (const QString &id : std::as_const(stale)) {
        if (Result<QSqlQuery> u = m_db.exec(sql, {id, cutoffMs}); !u)
            return u.error();
    }
    if (auto c = tx.commit(); !c)
        return c.error();
    return stale;
}

Result<std::optional<LenderRow>> MarketStore::lender(const QString &lenderId)
{
    Result<QList<LenderRow>> rows = fetchLenders(QStringLiteral("WHERE id = ?"), {lenderId});
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return std::optional<LenderRow>();
    return std::optional<LenderRow>(rows->first());
}

// ───────────────────────── partitions ─────────────────────────

Result<std::optional<PartitionRow>> MarketStore::partitionByOffer(const QString &offerId)
{
    Result<QList<PartitionRow>> rows = fetchPartitions(QStringLiteral("WHERE offer_id = ?"), {offerId});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<PartitionRow>() : std::optional<PartitionRow>(rows->first());
}

Result<std::optional<PartitionRow>> MarketStore::partition(const QString &lenderId, const QString &partitionId)
{
    Result<QList<PartitionRow>> rows =
        fetchPartitions(QStringLiteral("WHERE lender_id = ? AND partition_id = ?"), {lenderId, partitionId});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<PartitionRow>() : std::optional<PartitionRow>(rows->first());
}

Result<PartitionRow> MarketStore::registerPartition(const QString &lenderId, const protocol::RegisterPartition &reg,
                                                    qint64 nowMs)
{
    return inOwnTransaction(m_db, [&] { return registerInTransaction(lenderId, reg, nowMs); });
}

Result<PartitionRow> MarketStore::registerInTransaction(const QString &lenderId, const protocol::RegisterPartition &reg,
                                                        qint64 nowMs)
{
    if (auto l = upsertLender(lenderId, reg.lenderName, reg.agentAddress, nowMs); !l)
        return l.error();
    Result<std::optional<PartitionRow>> existing = partition(lenderId, reg.partitionId);
    if (!existing)
        return existing.error();
    const protocol::LendingConditions &c = reg.conditions;
    const Resources &r = c.resources;
    QString offerId;
    if (!existing->has_value()) {
        offerId = randomId(u"o-");
        Result<SqlRows> ins = m_db.run(
            hotSql(HotSql::InsertPartition,
                   [&]() -> QString {
                       return QStringLiteral("INSERT INTO partitions (offer_id, lender_id, partition_id, cpus, memory_mib, disk_mib, "
                                             "os_images, rate_micros, max_duration_s, externally_referenced, budget_cpus, "
                                             "budget_memory_mib, budget_disk_mib, withdrawn, registered_at_ms, rev, applied_cpus, "
                                             "applied_memory_mib, applied_disk_mib) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, %1, ?, ?, ?)")
                           .arg(nextRev(QStringLiteral("partitions")));
                   }),
            {offerId, lenderId, reg.partitionId, r.cpus, r.memoryMib, r.diskMib, joinImages(c.osImages),
             c.ratePerHour.micros(), c.maxDurationS, reg.externallyReferenced ? 1 : 0, r.cpus, r.memoryMib, r.diskMib,
             nowMs, r.cpus, r.memoryMib, r.diskMib});
        if (!ins)
            return ins.error();
        if (auto logged = logCapacity(offerId, r.cpus, nowMs); !logged)
            return logged.error();
    } else {
        const PartitionRow &old = **existing;
        offerId = old.offerId;
        if (old.isLent()) {
            if (old.withdrawn || old.conditions != c || old.externallyReferenced != reg.externallyReferenced)
                return Error(ErrorCode::Conflict,
                             QCoreApplication::translate("MarketStore", "partition %1 is lent (contract %2): its lending conditions cannot change until the "
                                "contract ends")
                                 .arg(reg.partitionId, old.contractId));
            return old;
        }
        Result<SqlRows> upd = m_db.run(
            hotSql(HotSql::UpdatePartition,
                   [&]() -> QString {
                       return QStringLiteral("UPDATE partitions SET cpus = ?, memory_mib = ?, disk_mib = ?, os_images = ?, "
                                             "rate_micros = ?, max_duration_s = ?, externally_referenced = ?, budget_cpus = ?, "
                                             "budget_memory_mib = ?, budget_disk_mib = ?, withdrawn = 0, rev = %1, applied_cpus = ?, "
                                             "applied_memory_mib = ?, applied_disk_mib = ? "
                                             "WHERE offer_id = ? AND lending_status IS NULL")
                           .arg(nextRev(QStringLiteral("partitions")));
                   }),
            {r.cpus, r.memoryMib, r.diskMib, joinImages(c.osImages), c.ratePerHour.micros(), c.maxDurationS,
             reg.externallyReferenced ? 1 : 0, r.cpus, r.memoryMib, r.diskMib, r.cpus, r.memoryMib, r.diskMib, offerId});
        if (!upd)
            return upd.error();
        if (upd->rowsAffected() != 1)
            return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "partition %1 was lent meanwhile; try again after the contract ends")
                                                  .arg(reg.partitionId));
        if (auto logged = logCapacity(offerId, r.cpus - (old.withdrawn ? 0 : old.conditions.resources.cpus), nowMs); !logged)
            return logged.error();
    }
    Result<std::optional<PartitionRow>> row = partitionByOffer(offerId);
    if (!row)
        return row.error();
    return **row;
}

Result<PartitionRow> MarketStore::alterPartition(const QString &lenderId, const QString &partitionId,
                                                 const protocol::LendingConditions &c)
{
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    const Resources &r = c.resources;
    Result<std::optional<PartitionRow>> before = partition(lenderId, partitionId);
    if (!before)
        return before.error();
    // S24–S28 in one statement: the update happens only when the lending status is blank.
    Result<QSqlQuery> upd = m_db.exec(
        QStringLiteral("UPDATE partitions SET cpus = ?, memory_mib = ?, disk_mib = ?, os_images = ?, rate_micros = ?, "
                       "max_duration_s = ?, budget_cpus = ?, budget_memory_mib = ?, budget_disk_mib = ?, applied_cpus = ?, "
                       "applied_memory_mib = ?, applied_disk_mib = ?, rev = %1 "
                       "WHERE lender_id = ? AND partition_id = ? AND withdrawn = 0 AND lending_status IS NULL")
            .arg(nextRev(QStringLiteral("partitions"))),
        {r.cpus, r.memoryMib, r.diskMib, joinImages(c.osImages), c.ratePerHour.micros(), c.maxDurationS, r.cpus,
         r.memoryMib, r.diskMib, r.cpus, r.memoryMib, r.diskMib, lenderId, partitionId});
    if (!upd)
        return upd.error();
    Result<std::optional<PartitionRow>> row = partition(lenderId, partitionId);
    if (!row)
        return row.error();
    if (upd->numRowsAffected() != 1) {
        if (!row->has_value() || (*row)->withdrawn)
            return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "partition %1 is not registered with this market").arg(partitionId));
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "partition %1 is lent (contract %2): it cannot be altered until the "
                                             "contract ends (FIG. 7, S25)")
                                              .arg(partitionId, (*row)->contractId));
    }
    if (auto logged = logCapacity((*row)->offerId, r.cpus - (before->has_value() ? (*before)->conditions.resources.cpus : 0), realNowMs()); !logged)
        return logged.error();
    if (auto done = tx.commit(); !done)
        return done.error();
    return **row;
}

Result<PartitionRow> MarketStore::withdrawPartition(const QString &lenderId, const QString &partitionId)
{
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    Result<QSqlQuery> upd = m_db.exec(
        QStringLiteral("UPDATE partitions SET withdrawn = 1, rev = %1 "
                       "WHERE lender_id = ? AND partition_id = ? AND withdrawn = 0 AND lending_status IS NULL")
            .arg(nextRev(QStringLiteral("partitions"))),
        {lenderId, partitionId});
    if (!upd)
        return upd.error();
    Result<std::optional<PartitionRow>> row = partition(lenderId, partitionId);
    if (!row)
        return row.error();
    if (upd->numRowsAffected() != 1) {
        if (!row->has_value() || (*row)->withdrawn)
            return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "partition %1 is not registered with this market").arg(partitionId));
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "partition %1 is lent (contract %2): it cannot be withdrawn until the "
                                             "contract ends")
                                              .arg(partitionId, (*row)->contractId));
    }
    if (auto logged = logCapacity((*row)->offerId, -(*row)->conditions.resources.cpus, realNowMs()); !logged)
        return logged.error();
    if (auto done = tx.commit(); !done)
        return done.error();
    return **row;
}

Result<PartitionRow> MarketStore::rebalance(const QString &lenderId, const QString &partitionId, const Resources &resources)
{
    if (resources.anyNegative())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("MarketStore", "negative resources: %1").arg(resources.toString()));
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    Result<std::optional<PartitionRow>> row = partition(lenderId, partitionId);
    if (!row)
        return row.error();
    if (!row->has_value() || (*row)->withdrawn)
        return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "partition %1 of lender %2 is not registered").arg(partitionId, lenderId));
    const PartitionRow &p = **row;
    if (!p.externallyReferenced)
        return Error(ErrorCode::PermissionDenied,
                     QCoreApplication::translate("MarketStore", "partition %1 is not externally referenced: its lender holds its allocation").arg(partitionId));
    if (p.isLent())
        return Error(ErrorCode::Conflict,
                     QCoreApplication::translate("MarketStore", "partition %1 is lent (contract %2): its allocation is locked").arg(partitionId, p.contractId));
    // No smaller than a lender's agent builds a partition; a component the partition already
    // has less of (its lender registered it so) may stay as it is or grow.
    const Resources least = leastRebalanceFor(p.conditions.resources);
    if (!least.fitsWithin(resources))
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("MarketStore", "partition %1 needs at least %2 (asked for %3)")
                         .arg(partitionId, least.toString(), resources.toString()));

    // The lender's budget: what it registered for all its externally referenced partitions.
    Result<RebalancingBudget> sums = rebalancingBudget(lenderId);
    if (!sums)
        return sums.error();
    // Checked without overflow whatever the request holds (a rebalance to 2^63 - 1 MiB once
    // wrapped round to fit): the others' share, then what is left of the budget beside it.
    const Resources others = sums->allocated - p.conditions.resources;
    const Resources room = sums->budget - others;
    const Resources inUse = saturatingSum(others, resources);
    if (!resources.fitsWithin(room))
        return Error(ErrorCode::ResourceExhausted,
                     QCoreApplication::translate("MarketStore", "the lender's externally referenced partitions would need %1, but it registered only %2")
                         .arg(inUse.toString(), sums->budget.toString()));

    Result<QSqlQuery> upd = m_db.exec(
        QStringLiteral("UPDATE partitions SET cpus = ?, memory_mib = ?, disk_mib = ?, rev = %1 "
                       "WHERE offer_id = ? AND lending_status IS NULL AND withdrawn = 0")
            .arg(nextRev(QStringLiteral("partitions"))),
        {resources.cpus, resources.memoryMib, resources.diskMib, p.offerId});
    if (!upd)
        return upd.error();
    if (upd->numRowsAffected() != 1)
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "partition %1 was lent meanwhile").arg(partitionId));
    if (auto logged = logCapacity(p.offerId, resources.cpus - p.conditions.resources.cpus, realNowMs()); !logged)
        return logged.error();
    // A new question to the lender: its answer to the last one no longer describes the partition.
    if (auto cleared = m_db.exec(QStringLiteral("DELETE FROM allocation_refusals WHERE offer_id = ?"), {p.offerId}); !cleared)
        return cleared.error();
    Result<std::optional<PartitionRow>> after = commitWithRow(tx, p.offerId);
    if (!after)
        return after.error();
    return **after;
}

// ───────────────────────── contracts ─────────────────────────

namespace {
QMutex g_termsCheckedHookMutex;
std::function<void(const QString &)> g_termsCheckedHook;
} // namespace

void MarketStore::setTermsCheckedHookForTest(std::function<void(const QString &offerId)> hook)
{
    QMutexLocker lock(&g_termsCheckedHookMutex);
    g_termsCheckedHook = std::move(hook);
}

Result<LendResult> MarketStore::lend(const QString &offerId, const QString &borrowerId, const QString &contractId,
                                     const QByteArray &keyHash, qint64 nowMs,
                                     const std::optional<protocol::LendingConditions> &agreed, std::optional<int> feeBasisPoints,
                                     AgreedAs agreedAs, const QString &requestId)
{
    // The contract exists once this commit returns; only then may anyone be told (S48).
    return inOwnTransaction(m_db, [&] {
        return lendInTransaction(offerId, borrowerId, contractId, keyHash, nowMs, agreed, feeBasisPoints, agreedAs, requestId);
    });
}

Result<std::optional<LendResult>> MarketStore::repeatedBorrowInTransaction(const QString &borrowerId, const QString &requestId,
                                                                           const QString &offerId, const QByteArray &keyHash)
{
    // The contract and the OS images of its offer (which the contract's terms name, as the
    // first answer did).
    Result<SqlRows> q = m_db.run(QStringLiteral("SELECT ") + kContractColumns + QStringLiteral(", COALESCE(p.os_images, '')") + kContractFrom
                                     + QStringLiteral("LEFT JOIN partitions p ON p.offer_id = c.offer_id "
                                                      "WHERE c.borrower_id = ? AND c.borrow_request_id = ?"),
                                 {borrowerId, requestId});
    if (!q)
        return q.error();
    if (!q->next()) {
        if (Error failed = q->error(); failed.isError())
            return failed;
        return std::optional<LendResult>();
    }
    LendResult r;
    r.contract = contractFrom(*q);
    const int imagesColumn = int(kContractColumns.count(QLatin1Char(',')) + 1);
    r.conditions.osImages = splitImages(q->text(imagesColumn));
    q->finish();
    ContractRow &c = r.contract;
    if (!offerId.isEmpty() && c.offerId != offerId)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketStore", "request ID %1 was used for offer %2, not %3")
                                                     .arg(requestId, c.offerId, offerId));
    if (!c.isRunning())
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "your borrow %1 made contract %2, which has ended since")
                                              .arg(requestId, c.id));
    r.conditions.resources = c.resources;
    r.conditions.ratePerHour = c.ratePerHour;
    r.conditions.maxDurationS = c.maxDurationS;
    // The first key was never seen: a new one, which the lender is told.
    Result<SqlRows> contractKey =
        m_db.run(QStringLiteral("UPDATE contracts SET key_hash = ? WHERE id = ? AND ended_at_ms IS NULL"), {keyHash, c.id});
    if (!contractKey)
        return contractKey.error();
    contractKey->finish();
    Result<SqlRows> partitionKey =
        m_db.run(QStringLiteral("UPDATE partitions SET key_hash = ? WHERE offer_id = ? AND contract_id = ?"), {keyHash, c.offerId, c.id});
    if (!partitionKey)
        return partitionKey.error();
    partitionKey->finish();
    c.keyHash = keyHash;
    return std::optional<LendResult>(std::move(r));
}

Result<LendResult> MarketStore::lendInTransaction(const QString &offerId, const QString &borrowerId,
                                                  const QString &contractId, const QByteArray &keyHash, qint64 nowMs,
                                                  const std::optional<protocol::LendingConditions> &agreed,
                                                  std::optional<int> feeBasisPoints, AgreedAs agreedAs, const QString &requestId)
{
    // Only the terms the contract copies are read back: QtSql's cost per row grows with its
    // columns.
    const QString terms = QStringLiteral("lender_id, partition_id, cpus, memory_mib, disk_mib, os_images, rate_micros, "
                                         "max_duration_s");
    const auto termsFrom = [](const SqlRows &q) {
        LendResult r;
        r.contract.lenderId = q.text(0);
        r.contract.partitionId = q.text(1);
        r.conditions.resources = Resources{int(q.int64(2)), q.int64(3), q.int64(4)};
        r.conditions.osImages = splitImages(q.text(5));
        r.conditions.ratePerHour = Money::fromMicros(q.int64(6));
        r.conditions.maxDurationS = q.int64(7);
        return r;
    };
    if (agreed) {
        // The offer's terms as they are now, held until the commit: PostgreSQL locks the row
        // (another market process's alteration waits for it), SQLite's write transaction
        // keeps every other writer out already. An alteration this process accepted before
        // the borrow was written before it, on the writer thread's one queue.
        Result<SqlRows> held = m_db.run(
            QStringLiteral("SELECT ") + terms
                + QStringLiteral(" FROM partitions WHERE offer_id = ? AND lending_status IS NULL AND withdrawn = 0")
                + (m_db.dialect() == SqlDialect::Postgres ? QStringLiteral(" FOR UPDATE") : QString()),
            {offerId});
        if (!held)
            return held.error();
        std::optional<protocol::LendingConditions> offered;
        if (held->next())
            offered = termsFrom(*held).conditions;
        held->finish();
        // No row (none, or lent or withdrawn, which is not locked for nothing): the lend
        // below says why.
        if (offered && agreedAs == AgreedAs::Exactly && *offered != *agreed) {
            return Error(ErrorCode::TermsChanged,
                         QCoreApplication::translate("MarketStore", "the lender changed the terms of offer %1 since it was matched").arg(offerId));
        }
        if (offered) {
            if (const QStringList changes = protocol::agreedTermsChanges(*offered, *agreed); !changes.isEmpty()) {
                return Error(ErrorCode::TermsChanged,
                             QCoreApplication::translate("MarketStore", "the lender changed the terms of offer %1 since you saw them: %2")
                                 .arg(offerId, changes.join(QStringLiteral("; "))));
            }
        }
        std::function<void(const QString &)> hook;
        {
            QMutexLocker lock(&g_termsCheckedHookMutex);
            hook = g_termsCheckedHook;
        }
        if (hook)
            hook(offerId);
    }
    // S46: the borrower ID goes into the lending status only if the status is blank — one
    // row or none, which is what keeps a partition from being lent twice, also when several
    // market processes share the database.
    // PostgreSQL: RETURNING brings the lent row back with the UPDATE, one round trip less.
    // SQLite: a second lookup by key is cheaper than its RETURNING, which builds and frees a
    // temporary table per statement (market-store-bench: 48 -> 42 us per request). The lender
    // is looked up by its key (EXISTS): an IN list would have SQLite copy every lender into a
    // temporary table for each lend.
    const bool returning = m_db.dialect() == SqlDialect::Postgres;
    Result<SqlRows> upd = m_db.run(
        hotSql(HotSql::Lend,
               [&]() -> QString {
                   return QStringLiteral(
                              "UPDATE partitions SET lending_status = ?, contract_id = ?, key_hash = ?, rev = %1 "
                              "WHERE offer_id = ? AND lending_status IS NULL AND withdrawn = 0 "
                              "AND cpus = applied_cpus AND memory_mib = applied_memory_mib AND disk_mib = applied_disk_mib "
                              "AND EXISTS (SELECT 1 FROM lenders WHERE lenders.id = partitions.lender_id AND lenders.online = 1)")
                              .arg(nextRev(QStringLiteral("partitions")))
                       + (returning ? QStringLiteral(" RETURNING ") + terms : QString());
               }),
        {borrowerId, contractId, keyHash, offerId});
    if (!upd)
        return upd.error();
    std::optional<LendResult> lent;
    if (returning) {
        if (upd->next())
            lent = termsFrom(*upd);
        upd->finish();
    } else if (upd->rowsAffected() == 1) {
        upd->finish();
        Result<SqlRows> row = m_db.run(
            hotSql(HotSql::LentTerms,
                   [&]() -> QString { return QStringLiteral("SELECT ") + terms + QStringLiteral(" FROM partitions WHERE offer_id = ?"); }),
            {offerId});
        if (!row)
            return row.error();
        if (row->next())
            lent = termsFrom(*row);
        row->finish(); // a statement left on its row would hold SQLite's read snapshot
        if (!lent)
            return Error(ErrorCode::Internal, QStringLiteral("offer %1 was lent and then not found").arg(offerId));
    }
    if (!lent) {
        // Refused: the row says why.
        Result<std::optional<PartitionRow>> row = partitionByOffer(offerId);
        if (!row)
            return row.error();
        if (!row->has_value())
            return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "there is no offer %1").arg(offerId));
        const PartitionRow &p = **row;
        if (p.withdrawn)
            return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "offer %1 was withdrawn by its lender").arg(offerId));
        if (p.isLent())
            return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "offer %1 (partition %2) is already lent").arg(offerId, p.partitionId));
        if (p.allocationUnconfirmed())
            return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "offer %1 (partition %2) has a new allocation its lender has not "
                                                                          "confirmed yet; try again in a moment")
                                                  .arg(offerId, p.partitionId));
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "the lender of offer %1 is offline").arg(offerId));
    }
    ContractRow &c = lent->contract;
    c.id = contractId;
    c.offerId = offerId;
    c.borrowerId = borrowerId;
    c.ratePerHour = lent->conditions.ratePerHour;
    c.resources = lent->conditions.resources;
    c.maxDurationS = lent->conditions.maxDurationS;
    c.startedAtMs = nowMs;
    c.keyHash = keyHash;
    c.feeBasisPoints = feeBasisPoints;
    const SqlValue expires = c.maxDurationS > 0 ? SqlValue(nowMs + c.maxDurationS * 1000) : SqlValue();
    const SqlValue fee = feeBasisPoints ? SqlValue(qint64(*feeBasisPoints)) : SqlValue();
    Result<SqlRows> ins = m_db.run(
        hotSql(HotSql::InsertContract,
               [&]() -> QString {
                   return QStringLiteral(
                              "INSERT INTO contracts (id, offer_id, borrower_id, lender_id, partition_id, rate_micros, cpus, "
                              "memory_mib, disk_mib, max_duration_s, expires_at_ms, started_at_ms, key_hash, fee_basis_points, "
                              "borrow_request_id, rev) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %1)")
                       .arg(nextRev(QStringLiteral("contracts")));
               }),
        {c.id, c.offerId, c.borrowerId, c.lenderId, c.partitionId, c.ratePerHour.micros(), c.resources.cpus,
         c.resources.memoryMib, c.resources.diskMib, c.maxDurationS, expires, c.startedAtMs, c.keyHash, fee,
         requestId.isEmpty() ? SqlValue() : SqlValue(requestId)});
    if (!ins)
        return ins.error();
    return *std::move(lent);
}

Result<ContractRow> MarketStore::endContract(const QString &contractId, const QString &borrowerId, const QString &reason,
                                             qint64 nowMs, int feeBasisPoints)
{
    return inOwnTransaction(m_db, [&] { return endInTransaction(contractId, borrowerId, reason, nowMs, feeBasisPoints); });
}

Result<ContractRow> MarketStore::endInTransaction(const QString &contractId, const QString &borrowerId,
                                                  const QString &reason, qint64 nowMs, int feeBasisPoints)
{
    Result<std::optional<ContractRow>> found = contract(contractId);
    if (!found)
        return found.error();
    if (!found->has_value())
        return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "there is no contract %1").arg(contractId));
    ContractRow c = **found;
    if (!borrowerId.isEmpty() && c.borrowerId != borrowerId)
        return Error(ErrorCode::PermissionDenied, QCoreApplication::translate("MarketStore", "contract %1 belongs to another borrower").arg(contractId));
    if (!c.isRunning())
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "contract %1 has already ended").arg(contractId));

    // Market processes' clocks may differ by a little: an end "before" the start is billed as
    // zero time rather than refused.
    qint64 endedAt = qMax(nowMs, c.startedAtMs);
    // A contract past its time limit ended there, whoever ends it later: the expiry sweep
    // runs only now and then (and not while the market is down), and the lender stopped
    // lending at the limit. Billed to it, and ended for that reason (a partition lost after
    // its contract's limit does not count against its lender).
    QString endReason = reason;
    if (const qint64 limit = c.limitAtMs(); limit > 0 && endedAt > limit) {
        endedAt = limit;
        endReason = QStringLiteral("max_duration");
    }
    const int fee = c.feeBasisPoints.value_or(feeBasisPoints);
    Result<BillAmounts> bill = computeBill(c.ratePerHour, c.startedAtMs, endedAt, fee);
    if (!bill)
        return bill.error();

    Result<SqlRows> upd = m_db.run(hotSql(HotSql::EndContract,
                                                     [&]() -> QString {
                                                         return QStringLiteral("UPDATE contracts SET ended_at_ms = ?, "
                                                                               "end_reason = ?, rev = %1 "
                                                                               "WHERE id = ? AND ended_at_ms IS NULL")
                                                             .arg(nextRev(QStringLiteral("contracts")));
                                                     }),
                                              {endedAt, endReason, contractId});
    if (!upd)
        return upd.error();
    if (upd->rowsAffected() != 1)
        return Error(ErrorCode::Conflict, QCoreApplication::translate("MarketStore", "contract %1 has already ended").arg(contractId));
    // S60: the borrower ID leaves the lending status; the key hash goes with it.
    Result<SqlRows> freed = m_db.run(
        hotSql(HotSql::FreePartition,
               [&]() -> QString {
                   return QStringLiteral("UPDATE partitions SET lending_status = NULL, contract_id = NULL, key_hash = NULL, "
                                         "rev = %1 WHERE offer_id = ? AND contract_id = ?")
                       .arg(nextRev(QStringLiteral("partitions")));
               }),
        {c.offerId, contractId});
    if (!freed)
        return freed.error();
    Result<SqlRows> billed = m_db.run(
        QStringLiteral("INSERT INTO billing (contract_id, borrower_id, lender_id, ended_at_ms, duration_ms, charge_micros, "
                       "fee_micros, payout_micros, fee_basis_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {contractId, c.borrowerId, c.lenderId, endedAt, bill->durationMs, bill->charge.micros(), bill->fee.micros(),
         bill->payout.micros(), fee});
    if (!billed)
        return billed.error();
    // A partition lost, or whose lock the lender could not restore, counts against it.
    const bool lost = endReason == u"lost" || endReason == u"violation";
    Result<SqlRows> counted = m_db.run(
        hotSql(HotSql::CountEnd,
               [&]() -> QString {
                   return QStringLiteral(
                              "UPDATE lenders SET contracts_ended = contracts_ended + 1, contracts_lost = contracts_lost + ?, "
                              "reliability = (100 * (contracts_ended + 1 - contracts_lost - ?)) / (contracts_ended + 1), "
                              "rev = %1 WHERE id = ?")
                       .arg(nextRev(QStringLiteral("lenders")));
               }),
        {lost ? 1 : 0, lost ? 1 : 0, c.lenderId});
    if (!counted)
        return counted.error();
    c.endedAtMs = endedAt;
    c.endReason = endReason;
    c.bill = *bill;
    return c;
}

Result<std::optional<ContractRow>> MarketStore::contract(const QString &contractId)
{
    Result<QList<ContractRow>> rows = fetchContracts(QStringLiteral("WHERE c.id = ?"), {contractId});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<ContractRow>() : std::optional<ContractRow>(rows->first());
}

Result<std::optional<ContractRow>> MarketStore::contractOfBorrowRequest(const QString &borrowerId, const QString &requestId)
{
    Result<QList<ContractRow>> rows =
        fetchContracts(QStringLiteral("WHERE c.borrow_request_id = ? AND c.borrower_id = ?"), {requestId, borrowerId});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<ContractRow>() : std::optional<ContractRow>(rows->first());
}

Result<void> MarketStore::recordViolation(const QString &lenderId, const QString &partitionId, const QString &contractId,
                                          const QString &detail, bool restored, qint64 atMs)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT INTO violations (at_ms, lender_id, partition_id, contract_id, detail, "
                                                   "restored) VALUES (?, ?, ?, ?, ?, ?)"),
                                    {atMs, lenderId, partitionId, contractId.isEmpty() ? QVariant() : QVariant(contractId),
                                     keptViolationDetail(detail), restored ? 1 : 0});
    if (!q)
        return q.error();
    return {};
}

Result<QList<ContractRow>> MarketStore::runningContractsOf(const QString &lenderId)
{
    return selectContracts(QStringLiteral("WHERE c.lender_id = ? AND c.ended_at_ms IS NULL ORDER BY c.started_at_ms"),
                           {lenderId});
}

Result<QList<ContractRow>> MarketStore::runningContractsOfBorrower(const QString &borrowerId)
{
    return selectContracts(QStringLiteral("WHERE c.borrower_id = ? AND c.ended_at_ms IS NULL ORDER BY c.started_at_ms"),
                           {borrowerId});
}

Result<QList<ContractRow>> MarketStore::contractsEndedSince(const QString &lenderId, qint64 sinceMs)
{
    return selectContracts(QStringLiteral("WHERE c.lender_id = ? AND c.ended_at_ms >= ? ORDER BY c.ended_at_ms"),
                           {lenderId, sinceMs});
}

Result<QList<PartitionRow>> MarketStore::unconfirmedAllocationsOf(const QString &lenderId)
{
    return selectPartitions(QStringLiteral("WHERE lender_id = ? AND externally_referenced = 1 AND withdrawn = 0 "
                                           "AND lending_status IS NULL AND (cpus <> applied_cpus OR memory_mib <> "
                                           "applied_memory_mib OR disk_mib <> applied_disk_mib) ORDER BY partition_id"),
                            {lenderId});
}

Result<std::optional<PartitionRow>> MarketStore::commitWithRow(WriteTransaction &tx, const QString &offerId)
{
    Result<std::optional<PartitionRow>> row = partitionByOffer(offerId);
    if (!row)
        return row.error();
    if (auto done = tx.commit(); !done)
        return done.error();
    return row;
}

Result<std::optional<PartitionRow>> MarketStore::confirmAllocation(const QString &offerId, const Resources &resources)
{
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    // Only while the partition still has that allocation: a later rebalance waits for its own answer.
    Result<QSqlQuery> upd = m_db.exec(
        QStringLiteral("UPDATE partitions SET applied_cpus = cpus, applied_memory_mib = memory_mib, "
                       "applied_disk_mib = disk_mib, rev = %1 WHERE offer_id = ? AND cpus = ? AND memory_mib = ? "
                       "AND disk_mib = ? AND (cpus <> applied_cpus OR memory_mib <> applied_memory_mib "
                       "OR disk_mib <> applied_disk_mib)")
            .arg(nextRev(QStringLiteral("partitions"))),
        {offerId, resources.cpus, resources.memoryMib, resources.diskMib});
    if (!upd)
        return upd.error();
    if (upd->numRowsAffected() != 1)
        return std::optional<PartitionRow>();
    return commitWithRow(tx, offerId);
}

Result<std::optional<PartitionRow>> MarketStore::revertAllocation(const QString &offerId, const Resources &refused,
                                                                  const Error &why, qint64 atMs)
{
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    Result<std::optional<PartitionRow>> before = partitionByOffer(offerId);
    if (!before)
        return before.error();
    if (!before->has_value())
        return std::optional<PartitionRow>();
    const PartitionRow &p = **before;
    // Only the refused allocation goes back, and only while nobody borrowed it meanwhile.
    if (p.conditions.resources != refused || p.applied == refused || p.isLent() || p.withdrawn)
        return std::optional<PartitionRow>();
    Result<QSqlQuery> upd = m_db.exec(
        QStringLiteral("UPDATE partitions SET cpus = applied_cpus, memory_mib = applied_memory_mib, "
                       "disk_mib = applied_disk_mib, rev = %1 WHERE offer_id = ? AND lending_status IS NULL")
            .arg(nextRev(QStringLiteral("partitions"))),
        {offerId});
    if (!upd)
        return upd.error();
    if (upd->numRowsAffected() != 1)
        return std::optional<PartitionRow>();
    if (auto logged = logCapacity(offerId, p.applied.cpus - p.conditions.resources.cpus, realNowMs()); !logged)
        return logged.error();
    Result<QSqlQuery> kept = m_db.exec(
        QStringLiteral("INSERT INTO allocation_refusals (offer_id, cpus, memory_mib, disk_mib, code, message, at_ms) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (offer_id) DO UPDATE SET cpus = excluded.cpus, "
                       "memory_mib = excluded.memory_mib, disk_mib = excluded.disk_mib, code = excluded.code, "
                       "message = excluded.message, at_ms = excluded.at_ms"),
        {offerId, refused.cpus, refused.memoryMib, refused.diskMib, errorCodeName(why.code), why.message.left(4096), atMs});
    if (!kept)
        return kept.error();
    return commitWithRow(tx, offerId);
}

Result<MarketStore::RebalancingBudget> MarketStore::rebalancingBudget(const QString &lenderId)
{
    Result<SqlRows> sums = m_db.run(QStringLiteral("SELECT COALESCE(SUM(budget_cpus), 0), COALESCE(SUM(budget_memory_mib), 0), "
                                                   "COALESCE(SUM(budget_disk_mib), 0), COALESCE(SUM(cpus), 0), "
                                                   "COALESCE(SUM(memory_mib), 0), COALESCE(SUM(disk_mib), 0) FROM partitions "
                                                   "WHERE lender_id = ? AND externally_referenced = 1 AND withdrawn = 0"),
                                    {lenderId});
    if (!sums)
        return sums.error();
    if (!sums->next())
        return sums->error().isError() ? Result<RebalancingBudget>(sums->error()) : Result<RebalancingBudget>(RebalancingBudget{});
    return RebalancingBudget{.budget = Resources{int(sums->int64(0)), sums->int64(1), sums->int64(2)},
                             .allocated = Resources{int(sums->int64(3)), sums->int64(4), sums->int64(5)}};
}

Resources MarketStore::RebalancingBudget::unallocated() const
{
    const Resources left = budget - allocated;
    return Resources{qMax(0, left.cpus), qMax<qint64>(0, left.memoryMib), qMax<qint64>(0, left.diskMib)};
}

Result<QList<protocol::AllocationRefusal>> MarketStore::allocationRefusals(const QStringList &offerIds)
{
    QList<protocol::AllocationRefusal> out;
    if (offerIds.isEmpty())
        return out;
    QVariantList binds;
    const QString marks = inListMarks(offerIds, binds);
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT r.offer_id, p.partition_id, r.cpus, r.memory_mib, r.disk_mib, "
                                                   "r.code, r.message, r.at_ms FROM allocation_refusals r "
                                                   "JOIN partitions p ON p.offer_id = r.offer_id WHERE r.offer_id IN (%1) "
                                                   "ORDER BY r.offer_id")
                                        .arg(marks),
                                    binds);
    if (!q)
        return q.error();
    while (q->next()) {
        out.append(protocol::AllocationRefusal{
            .offerId = q->value(0).toString(),
            .partitionId = q->value(1).toString(),
            .resources = Resources{q->value(2).toInt(), q->value(3).toLongLong(), q->value(4).toLongLong()},
            .code = q->value(5).toString(),
            .message = q->value(6).toString(),
            .atMs = q->value(7).toLongLong()});
    }
    return out;
}

Result<std::optional<ContractRow>> MarketStore::runningContract(const QString &lenderId, const QString &partitionId)
{
    Result<QList<ContractRow>> rows = selectContracts(
        QStringLiteral("WHERE c.lender_id = ? AND c.partition_id = ? AND c.ended_at_ms IS NULL"), {lenderId, partitionId});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<ContractRow>() : std::optional<ContractRow>(rows->first());
}

Result<QList<ContractRow>> MarketStore::expiredContracts(qint64 nowMs, int limit)
{
    return selectContracts(QStringLiteral("WHERE c.ended_at_ms IS NULL AND c.expires_at_ms <= ? "
                                          "ORDER BY c.expires_at_ms LIMIT %1")
                               .arg(limit),
                           {nowMs});
}

Result<QList<ContractRow>> MarketStore::contractsOf(const QString &nodeId, bool asLender, qint64 sinceMs, int limit)
{
    return selectContracts(QStringLiteral("WHERE c.%1 = ? AND c.started_at_ms >= ? ORDER BY c.started_at_ms DESC, c.id LIMIT %2")
                               .arg(asLender ? QStringLiteral("lender_id") : QStringLiteral("borrower_id"))
                               .arg(limit),
                           {nodeId, sinceMs});
}

// ───────────────────────── admin ─────────────────────────

Result<qint64> MarketStore::countRows(const QString &fromWhere, const QVariantList &binds)
{
    Result<QSqlQuery> count = m_db.exec(QStringLiteral("SELECT COUNT(*)") + fromWhere, binds);
    if (!count)
        return count.error();
    return count->next() ? count->value(0).toLongLong() : 0;
}

namespace {

// " ORDER BY …" for an admin list's `sort`: the key's SQL expressions (keys[i] ↔ exprs[i]),
// each ascending or, with a leading '-', descending, then `tieBreak` so that pages do not
// overlap.
struct Order {
    QString clause; ///< " ORDER BY …"
    QString key;    ///< the key it sorts by, without its '-'
};
Result<Order> orderClause(const QString &sort, const QString &defaultSort, const QStringList &keys,
                          const QList<QStringList> &exprs, const QString &tieBreak)
{
    const QString wanted = sort.trimmed().isEmpty() ? defaultSort : sort.trimmed();
    const bool descending = wanted.startsWith(QLatin1Char('-'));
    const QString key = descending ? wanted.mid(1) : wanted;
    const qsizetype i = keys.indexOf(key);
    if (i < 0) {
        return Error(ErrorCode::InvalidArgument, QStringLiteral("unknown sort key '%1' (one of %2, with '-' before it for descending)")
                                                      .arg(key, keys.join(QStringLiteral(", "))));
    }
    QString clause = QStringLiteral(" ORDER BY ");
    for (const QString &expr : exprs[i])
        clause += expr + (descending ? QStringLiteral(" DESC, ") : QStringLiteral(", "));
    return Order{clause + tieBreak, key};
}

/// The sort expressions of a text column (a name, a partition ID) that order it alike on
/// both databases, as people read it: case-insensitively (ASCII letters), a number at its
/// end by its value ("part-2" before "part-10"), then by its bytes. PostgreSQL would
/// otherwise compare by the database's collation, linguistic in most locales (spaces and
/// hyphens all but ignored), and SQLite by bytes alone ("Zed" before "apple").
QStringList textOrder(SqlDialect dialect, const QString &expr)
{
    // On PostgreSQL the "C" collation inside LOWER() too: it then lowercases ASCII letters
    // only, as SQLite's does (under a linguistic collation it would lowercase "Ä" as well).
    const QString c = dialect == SqlDialect::Postgres ? QStringLiteral(" COLLATE \"C\"") : QString();
    // The text without its trailing digits, and those digits without leading zeros: a
    // shorter number is the smaller one, and numbers of one length compare as text.
    const QString stem = QStringLiteral("RTRIM(%1, '0123456789')").arg(expr);
    const QString number = QStringLiteral("LTRIM(SUBSTR(%1, LENGTH(%2) + 1), '0')").arg(expr, stem);
    return {QStringLiteral("LOWER(%1%2)%2").arg(stem, c), QStringLiteral("LENGTH(%1)").arg(number), number + c,
            QStringLiteral("LOWER(%1%2)%2").arg(expr, c), expr + c};
}

} // namespace

const QStringList MarketStore::kPartitionSortKeys{QStringLiteral("lender"), QStringLiteral("partition"), QStringLiteral("cpus"),
                                                  QStringLiteral("memory"), QStringLiteral("disk"), QStringLiteral("rate"),
                                                  QStringLiteral("status"), QStringLiteral("reliability"), QStringLiteral("time")};
const QStringList MarketStore::kContractSortKeys{QStringLiteral("contract"), QStringLiteral("borrower"), QStringLiteral("lender"),
                                                 QStringLiteral("partition"), QStringLiteral("rate"), QStringLiteral("started"),
                                                 QStringLiteral("ended"), QStringLiteral("duration"), QStringLiteral("charge")};

Result<PartitionPage> MarketStore::listPartitions(const QString &filter, const QString &sort, qint64 offset, qint64 limit)
{
    Result<Order> order = orderClause(sort, QStringLiteral("lender"), kPartitionSortKeys,
                                        {textOrder(dialect(), QStringLiteral("l.name")), textOrder(dialect(), QStringLiteral("p.partition_id")),
                                         {QStringLiteral("p.cpus")},
                                         {QStringLiteral("p.memory_mib")}, {QStringLiteral("p.disk_mib")}, {QStringLiteral("p.rate_micros")},
                                         // free (NULL) first, then lent by the borrower as the
                                         // table names it: by name, or by node ID if it has none
                                         QStringList{QStringLiteral("CASE WHEN p.lending_status IS NULL THEN 0 ELSE 1 END")}
                                             + textOrder(dialect(), QStringLiteral("COALESCE(NULLIF(bw.name, ''), p.lending_status, '')")),
                                         {QStringLiteral("l.reliability")},
                                         // no limit (0) after every limit, as the market's search orders them
                                         {QStringLiteral("CASE WHEN p.max_duration_s = 0 THEN 1 ELSE 0 END"), QStringLiteral("p.max_duration_s")}},
                                        QStringLiteral("p.lender_id, p.partition_id"));
    if (!order)
        return order.error();
    QString where = QStringLiteral("WHERE p.withdrawn = 0");
    QVariantList binds;
    if (!filter.isEmpty()) {
        // A lent partition is also found by its borrower's ID or name.
        where += QStringLiteral(" AND ")
               + matchesAnyColumn(m_db, {QStringLiteral("p.partition_id"), QStringLiteral("p.lender_id"), QStringLiteral("l.name"),
                                   QStringLiteral("p.offer_id"), QStringLiteral("COALESCE(p.lending_status, '')"),
                                   QStringLiteral("COALESCE(bw.name, '')")},
                                  filter, binds);
    }
    // The borrower's name is joined where it is filtered or sorted by (the lending status
    // sorts by it), and for the page's rows.
    const bool byBorrower = order->key == QLatin1String("status");
    const QString lenders = QStringLiteral(" FROM partitions p JOIN lenders l ON l.id = p.lender_id ");
    const QString borrowers = QStringLiteral("LEFT JOIN borrowers bw ON bw.id = p.lending_status ");
    const QString from = lenders + (filter.isEmpty() && !byBorrower ? QString() : borrowers);
    PartitionPage page;
    Result<qint64> total = countRows(from + where, binds);
    if (!total)
        return total.error();
    page.total = *total;

    QString columns;
    for (const QString &c : kPartitionColumns.split(QStringLiteral(", ")))
        columns += (columns.isEmpty() ? QString() : QStringLiteral(", ")) + QStringLiteral("p.") + c;
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + columns + QStringLiteral(", l.") +
                                        kLenderColumns.split(QStringLiteral(", ")).join(QStringLiteral(", l.")) +
                                        QStringLiteral(", COALESCE(bw.name, '')") + lenders + borrowers +
                                        // The page's keys are chosen by sorting narrow rows, and only
                                        // those rows are read whole: a sort by a column without an index
                                        // then moves IDs, not every column of 100,000 rows.
                                        QStringLiteral("WHERE p.offer_id IN (SELECT p.offer_id") + from + where + order->clause +
                                        pageClause(offset, limit) + QStringLiteral(")") + order->clause,
                                    binds);
    if (!q)
        return q.error();
    const int lenderBase = kPartitionColumns.count(QLatin1Char(',')) + 1;
    while (q->next()) {
        page.rows.append(partitionFrom(QtRow{*q}));
        LenderRow l;
        l.id = q->value(lenderBase).toString();
        l.name = q->value(lenderBase + 1).toString();
        l.address = q->value(lenderBase + 2).toString();
        l.online = q->value(lenderBase + 3).toInt() != 0;
        l.lastSeenMs = q->value(lenderBase + 4).toLongLong();
        l.reliability = q->value(lenderBase + 5).toInt();
        l.rev = q->value(lenderBase + 6).toLongLong();
        page.lenders.append(l);
        page.borrowerNames.append(q->value(lenderBase + kLenderColumns.count(QLatin1Char(',')) + 1).toString());
    }
    return page;
}

Result<ContractPage> MarketStore::listContracts(const QString &filter, bool runningOnly, const QString &sort, qint64 nowMs,
                                               qint64 offset, qint64 limit, std::optional<qint64> endedSinceMs,
                                               std::optional<qint64> endedBeforeMs)
{
    // The lender's and the borrower's names, to filter and sort by (LEFT JOINs: a contract is
    // listed whether or not its parties have names).
    const QString lenders = QStringLiteral(" LEFT JOIN lenders l ON l.id = c.lender_id LEFT JOIN borrowers bw ON bw.id = c.borrower_id ");
    QString countFrom; // " FROM … WHERE …" of the rows in all
    QString pageIds;   // "SELECT id … LIMIT … OFFSET …": the page's contracts, in order
    QString order;     // the page's order again, for its whole rows
    QVariantList binds;
    const QString wanted = sort.trimmed();
    if (filter.isEmpty() && !runningOnly && (endedSinceMs || endedBeforeMs)
        && (wanted == QLatin1String("ended") || wanted == QLatin1String("-ended"))) {
        // The contracts that ended in a period, in the order they ended (what a billing
        // export pages through): walked from the bills' index of end times, not sorted whole
        // per page, and counted from it. Every ended contract has its bill, written with its
        // end.
        const QString direction = wanted.startsWith(QLatin1Char('-')) ? QStringLiteral(" DESC") : QString();
        QStringList range;
        if (endedSinceMs) {
            range << QStringLiteral("ended_at_ms >= ?");
            binds << *endedSinceMs;
        }
        if (endedBeforeMs) {
            range << QStringLiteral("ended_at_ms < ?");
            binds << *endedBeforeMs;
        }
        countFrom = QStringLiteral(" FROM billing WHERE ") + range.join(QStringLiteral(" AND "));
        pageIds = QStringLiteral("SELECT contract_id") + countFrom + QStringLiteral(" ORDER BY ended_at_ms%1, contract_id%1").arg(direction)
                + pageClause(offset, limit);
        order = QStringLiteral(" ORDER BY b.ended_at_ms%1, c.id%1").arg(direction);
    } else {
        // A running contract has no bill yet: its duration and charge so far, as toBill() makes
        // them (up to its time limit, however late the expiry sweep is).
        const QString elapsed =
            QStringLiteral("(CASE WHEN c.expires_at_ms < %1 THEN c.expires_at_ms ELSE %1 END - c.started_at_ms)").arg(nowMs);
        Result<Order> ordered = orderClause(
            sort, QStringLiteral("-started"), kContractSortKeys,
            {{QStringLiteral("c.id")},
             // the parties as the table shows them: by name, or by node ID if they gave none;
             // each party's contracts together
             textOrder(dialect(), QStringLiteral("COALESCE(NULLIF(bw.name, ''), c.borrower_id)")) + QStringList{QStringLiteral("c.borrower_id")},
             textOrder(dialect(), QStringLiteral("COALESCE(NULLIF(l.name, ''), c.lender_id)")) + QStringList{QStringLiteral("c.lender_id")},
             textOrder(dialect(), QStringLiteral("c.partition_id")),
             {QStringLiteral("c.rate_micros")}, {QStringLiteral("c.started_at_ms")},
             {QStringLiteral("COALESCE(c.ended_at_ms, %1)").arg(std::numeric_limits<qint64>::max())},
             {QStringLiteral("COALESCE(b.duration_ms, %1)").arg(elapsed)},
             // a double: rate × milliseconds may not fit 64 bits, and only the order matters here
             {QStringLiteral("COALESCE(b.charge_micros, CAST(c.rate_micros AS DOUBLE PRECISION) * %1 / 3600000)").arg(elapsed)}},
            QStringLiteral("c.id"));
        if (!ordered)
            return ordered.error();
        order = ordered->clause;
        QStringList conditions;
        if (runningOnly)
            conditions << QStringLiteral("c.ended_at_ms IS NULL");
        if (endedSinceMs) {
            conditions << QStringLiteral("c.ended_at_ms >= ?");
            binds << *endedSinceMs;
        }
        if (endedBeforeMs) {
            conditions << QStringLiteral("c.ended_at_ms < ?");
            binds << *endedBeforeMs;
        }
        if (!filter.isEmpty()) {
            conditions << matchesAnyColumn(m_db, {QStringLiteral("c.id"), QStringLiteral("c.borrower_id"), QStringLiteral("COALESCE(bw.name, '')"),
                                            QStringLiteral("c.lender_id"), QStringLiteral("COALESCE(l.name, '')"),
                                            QStringLiteral("c.partition_id")},
                                           filter, binds);
        }
        const QString where = conditions.isEmpty() ? QString() : QStringLiteral("WHERE ") + conditions.join(QStringLiteral(" AND "));
        countFrom = QStringLiteral(" FROM contracts c ") + (filter.isEmpty() ? QString() : lenders) + where;
        pageIds = QStringLiteral("SELECT c.id") + kContractFrom + lenders + where + order + pageClause(offset, limit);
    }
    ContractPage page;
    Result<qint64> total = countRows(countFrom, binds);
    if (!total)
        return total.error();
    page.total = *total;
    // The page's rows whole, each with its parties' names from the same joins.
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + kContractColumns + QStringLiteral(", COALESCE(l.name, ''), COALESCE(bw.name, '')") +
                                        kContractFrom + lenders + QStringLiteral("WHERE c.id IN (") + pageIds + QStringLiteral(")") + order,
                                    binds);
    if (!q)
        return q.error();
    const int nameColumn = kContractColumns.count(QLatin1Char(',')) + 1;
    while (q->next()) {
        page.rows.append(contractFrom(QtRow{*q}));
        page.lenderNames.append(q->value(nameColumn).toString());
        page.borrowerNames.append(q->value(nameColumn + 1).toString());
    }
    return page;
}

Result<ViolationPage> MarketStore::listViolations(const QString &filter, qint64 offset, qint64 limit,
                                                  const QStringList &detailTerms)
{
    QString where;
    QVariantList binds;
    if (!filter.isEmpty()) {
        QStringList tests{matchesAnyColumn(m_db, {QStringLiteral("v.lender_id"), QStringLiteral("COALESCE(l.name, '')"),
                                            QStringLiteral("v.partition_id"), QStringLiteral("COALESCE(v.contract_id, '')"),
                                            QStringLiteral("v.detail")},
                                           filter, binds)};
        for (const QString &term : detailTerms)
            tests << matchesAnyColumn(m_db, {QStringLiteral("v.detail")}, term, binds);
        where = QStringLiteral("WHERE ") + tests.join(QStringLiteral(" OR "));
    }
    const QString from = QStringLiteral(" FROM violations v LEFT JOIN lenders l ON l.id = v.lender_id ");
    ViolationPage page;
    Result<qint64> total = countRows(from + where, binds);
    if (!total)
        return total.error();
    page.total = *total;
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT v.at_ms, v.lender_id, COALESCE(l.name, ''), v.partition_id, "
                                                   "COALESCE(v.contract_id, ''), v.detail, v.restored")
                                        + from + where + QStringLiteral(" ORDER BY v.at_ms DESC, v.lender_id, v.partition_id")
                                        + pageClause(offset, limit),
                                    binds);
    if (!q)
        return q.error();
    while (q->next()) {
        page.rows.append(protocol::Violation{.atMs = q->value(0).toLongLong(),
                                             .lenderId = q->value(1).toString(),
                                             .lenderName = q->value(2).toString(),
                                             .partitionId = q->value(3).toString(),
                                             .contractId = q->value(4).toString(),
                                             .detail = q->value(5).toString(),
                                             .restored = q->value(6).toLongLong() != 0});
    }
    return page;
}

Result<protocol::BillingReport> MarketStore::billingReport(qint64 fromMs, qint64 toMs, int feeBasisPoints, int top,
                                                          std::optional<qint64> nowMs)
{
    if (fromMs < 0)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketStore", "the report period starts before 1970"));
    if (toMs <= fromMs)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketStore", "the report period ends (%1) before it starts (%2)").arg(toMs).arg(fromMs));
    // Days are stepped through below: near the top of 64 bits the step would wrap round.
    constexpr qint64 kEndOf9999Ms = 253'402'300'800'000;
    if (toMs > kEndOf9999Ms)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketStore", "the report period ends after the year 9999 (%1)").arg(toMs));
    if ((toMs - fromMs) / kDayMs > protocol::AdminBillingReport::kMaxDays)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketStore", "a report covers at most ten years"));
    protocol::BillingReport report;
    report.feeBasisPoints = feeBasisPoints;

    const qint64 firstDay = fromMs - (((fromMs % kDayMs) + kDayMs) % kDayMs);
    std::map<qint64, protocol::DayStat> days;
    for (qint64 d = firstDay; d < toMs; d += kDayMs)
        days[d].dayStartMs = d;

    // Money per day of contract end (a contract is billed when it ends, S61), summed by the
    // database: a row per day, not per bill.
    const QString dayOfEnd = QStringLiteral("(ended_at_ms - (((ended_at_ms % %1) + %1) % %1))").arg(kDayMs);
    Result<QSqlQuery> money = m_db.exec(
        QStringLiteral("SELECT %1, CAST(SUM(charge_micros) AS BIGINT), CAST(SUM(fee_micros) AS BIGINT), "
                       "CAST(SUM(payout_micros) AS BIGINT) FROM billing WHERE ended_at_ms >= ? AND ended_at_ms < ? "
                       "GROUP BY %1")
            .arg(dayOfEnd),
        {fromMs, toMs});
    if (!money)
        return money.error();
    while (money->next()) {
        protocol::DayStat &d = days[money->value(0).toLongLong()];
        d.revenue = Money::fromMicros(d.revenue.micros() + money->value(1).toLongLong());
        d.fees = Money::fromMicros(d.fees.micros() + money->value(2).toLongLong());
        d.payouts = Money::fromMicros(d.payouts.micros() + money->value(3).toLongLong());
    }

    // vCPU-seconds lent: each contract's overlap with each day, summed by the database. The
    // contracts are grouped by the day their part in the period starts and the day it ends
    // (most start and end on one day): a group adds its vCPU-milliseconds to a day of its
    // own, or its head and tail to its first and last day and its vCPUs to each whole day
    // between them. No contract is read by this process, and no contract is walked per day.
    // Lent and registered capacity are counted until now: a period that ends later (today, a
    // custom range into next week) would otherwise count running contracts and registered
    // vCPUs for hours that have not been yet. A day wholly to come has no capacity at all. A
    // running contract past its time limit ended there (MarketStore::endInTransaction()),
    // however late the expiry sweep is: COALESCE(ended_at_ms, expires_at_ms).
    const qint64 untilMs = nowMs ? qBound(fromMs, *nowMs, toMs) : toMs;
    const QString from = QString::number(fromMs), to = QString::number(untilMs), day = QString::number(kDayMs);
    const auto dayOf = [&day](const QString &ms) { return QStringLiteral("(%1 - (((%1 % %2) + %2) % %2))").arg(ms, day); };
    Result<QSqlQuery> lent = m_db.exec(
        QStringLiteral("SELECT sd, ed, CAST(SUM(cpus) AS BIGINT), CAST(SUM(cpus * (e - s)) AS BIGINT), "
                       "CAST(SUM(cpus * (s - sd)) AS BIGINT), CAST(SUM(cpus * (e - ed)) AS BIGINT) FROM ("
                       "SELECT cpus, s, e, %1 AS sd, %2 AS ed FROM ("
                       "SELECT cpus, CASE WHEN started_at_ms < %3 THEN %3 ELSE started_at_ms END AS s, "
                       "CASE WHEN COALESCE(ended_at_ms, expires_at_ms) IS NULL OR COALESCE(ended_at_ms, expires_at_ms) > %4 THEN %4 "
                       "ELSE COALESCE(ended_at_ms, expires_at_ms) END AS e "
                       "FROM contracts WHERE started_at_ms < %4 "
                       "AND (COALESCE(ended_at_ms, expires_at_ms) IS NULL OR COALESCE(ended_at_ms, expires_at_ms) > %3) "
                       "AND (COALESCE(ended_at_ms, expires_at_ms) IS NULL OR COALESCE(ended_at_ms, expires_at_ms) > started_at_ms)) clipped) "
                       "dated GROUP BY sd, ed")
            .arg(dayOf(QStringLiteral("s")), dayOf(QStringLiteral("(e - 1)")), from, to));
    if (!lent)
        return lent.error();
    std::map<qint64, qint64> lentMs;     // vCPU-milliseconds per day
    std::map<qint64, qint64> wholeDays;  // vCPUs lent all day from this day on (a difference list)
    while (lent->next()) {
        const qint64 first = lent->value(0).toLongLong(), last = lent->value(1).toLongLong();
        const qint64 cpus = lent->value(2).toLongLong();
        if (first == last) {
            lentMs[first] += lent->value(3).toLongLong();
        } else if (first < last) {
            lentMs[first] += cpus * kDayMs - lent->value(4).toLongLong();
            lentMs[last] += lent->value(5).toLongLong();
            wholeDays[first + kDayMs] += cpus;
            wholeDays[last] -= cpus;
        }
    }
    qint64 allDay = 0;
    for (auto &[d, stat] : days) {
        if (auto it = wholeDays.find(d); it != wholeDays.end())
            allDay += it->second;
        stat.lentSeconds = (allDay * kDayMs + lentMs[d]) / 1000;
    }
    // vCPU-seconds registered: the capacity log integrated over each day, starting from the
    // level it had reached at `fromMs`.
    Result<QSqlQuery> level = m_db.exec(
        QStringLiteral("SELECT CAST(COALESCE(SUM(cpus_delta), 0) AS BIGINT) FROM capacity_log WHERE at_ms < ?"), {fromMs});
    if (!level)
        return level.error();
    qint64 cpus = level->next() ? level->value(0).toLongLong() : 0;
    const auto addCapacity = [&](qint64 from, qint64 to, qint64 n) {
        if (n <= 0 || to <= from)
            return;
        for (auto it = days.lower_bound(from - kDayMs); it != days.end() && it->first < to; ++it) {
            const qint64 s = qMax(from, it->first), e = qMin(to, it->first + kDayMs);
            if (e > s)
                it->second.capacitySeconds += n * (e - s) / 1000;
        }
    };
    Result<QSqlQuery> changes = m_db.exec(
        QStringLiteral("SELECT at_ms, cpus_delta FROM capacity_log WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms"),
        {fromMs, untilMs});
    if (!changes)
        return changes.error();
    qint64 at = fromMs;
    while (changes->next()) {
        const qint64 next = changes->value(0).toLongLong();
        addCapacity(at, next, cpus);
        at = next;
        cpus += changes->value(1).toLongLong();
    }
    addCapacity(at, untilMs, cpus);
    for (const auto &[day, stat] : days)
        report.days.append(stat);

    const auto tops = [&](const QString &party, const QString &amount, const QString &names,
                          QList<protocol::PartyTotal> &out) -> Result<void> {
        Result<QSqlQuery> q = m_db.exec(
            QStringLiteral("SELECT b.%1, CAST(SUM(b.%2) AS BIGINT), COUNT(*), MAX(n.name) FROM billing b "
                           "LEFT JOIN %3 n ON n.id = b.%1 WHERE b.ended_at_ms >= ? AND b.ended_at_ms < ? "
                           "GROUP BY b.%1 ORDER BY 2 DESC, 1 LIMIT %4")
                .arg(party, amount, names)
                .arg(top),
            {fromMs, toMs});
        if (!q)
            return q.error();
        while (q->next())
            out.append(protocol::PartyTotal{q->value(0).toString(), q->value(3).toString(),
                                            Money::fromMicros(q->value(1).toLongLong()), q->value(2).toLongLong()});
        return {};
    };
    if (auto r = tops(QStringLiteral("borrower_id"), QStringLiteral("charge_micros"), QStringLiteral("borrowers"), report.topBorrowers); !r)
        return r.error();
    if (auto r = tops(QStringLiteral("lender_id"), QStringLiteral("payout_micros"), QStringLiteral("lenders"), report.topLenders); !r)
        return r.error();
    return report;
}

// ───────────────────────── images ─────────────────────────

Result<void> MarketStore::addImage(const protocol::ImageInfo &image, qint64 nowMs)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT INTO images (sha256, name, size_bytes, added_at_ms) VALUES (?, ?, ?, ?) "
                                                   "ON CONFLICT (sha256) DO UPDATE SET name = excluded.name, added_at_ms = excluded.added_at_ms"),
                                    {image.sha256, image.name, image.sizeBytes, nowMs});
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<protocol::ImageInfo>> MarketStore::image(const QString &sha256, const QString &name)
{
    Result<QSqlQuery> q = sha256.isEmpty()
        ? m_db.exec(QStringLiteral("SELECT name, sha256, size_bytes FROM images WHERE name = ? ORDER BY added_at_ms DESC LIMIT 1"), {name})
        : m_db.exec(QStringLiteral("SELECT name, sha256, size_bytes FROM images WHERE sha256 = ?"), {sha256.toLower()});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<protocol::ImageInfo>();
    return std::optional<protocol::ImageInfo>(
        protocol::ImageInfo{q->value(0).toString(), q->value(1).toString(), q->value(2).toLongLong()});
}

Result<QList<protocol::ImageInfo>> MarketStore::images()
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT name, sha256, size_bytes FROM images ORDER BY name, added_at_ms DESC"));
    if (!q)
        return q.error();
    QList<protocol::ImageInfo> out;
    while (q->next())
        out.append(protocol::ImageInfo{q->value(0).toString(), q->value(1).toString(), q->value(2).toLongLong()});
    return out;
}

// ───────────────────────── synchronisation ─────────────────────────

std::optional<bool> transactionCommitted(Database &db, qint64 xid)
{
    Result<QSqlQuery> q = db.exec(QStringLiteral("SELECT txid_status(?)"), {xid});
    if (!q || !q->next() || q->isNull(0))
        return std::nullopt;
    const QString status = q->value(0).toString();
    if (status == QLatin1String("committed"))
        return true;
    if (status == QLatin1String("aborted"))
        return false;
    return std::nullopt; // in progress
}

Result<Changes> MarketStore::loadAll()
{
    Changes c;
    // Watermarks from the whole tables, withdrawn rows and contracts included; read first, as
    // changesSince() does: a row committed between them and the rows is read again by the
    // first sync, rather than left below the watermarks.
    if (Result<void> marks = readWatermarks(c); !marks)
        return marks.error();
    Result<QList<LenderRow>> lenders = selectLenders(QString(), {});
    if (!lenders)
        return lenders.error();
    c.lenders = *lenders;
    Result<QList<PartitionRow>> partitions = selectPartitions(QStringLiteral("WHERE withdrawn = 0"), {});
    if (!partitions)
        return partitions.error();
    c.partitions = *partitions;
    return c;
}

Result<void> MarketStore::readWatermarks(Changes &c)
{
    for (const auto &[table, out] : {std::pair{QStringLiteral("lenders"), &c.maxLenderRev},
                                     std::pair{QStringLiteral("partitions"), &c.maxPartitionRev},
                                     std::pair{QStringLiteral("contracts"), &c.maxContractRev},
                                     std::pair{QStringLiteral("borrowers"), &c.maxBorrowerRev}}) {
        // Read and reset at the end of the block: a kept statement left on its row holds
        // SQLite's read snapshot open, and this connection's next write transaction could
        // not start from it.
        Result<SqlRows> q = m_db.run(QStringLiteral("SELECT COALESCE(MAX(rev), 0) FROM ") + table, {});
        if (!q)
            return q.error();
        if (q->next())
            *out = qMax(*out, q->int64(0));
    }
    return {};
}

Result<Changes> MarketStore::changesSince(const Watermarks &since, const Recheck &recheck)
{
    Changes c;
    c.maxLenderRev = since.lenders;
    c.maxPartitionRev = since.partitions;
    c.maxContractRev = since.contracts;
    c.maxBorrowerRev = since.borrowers;
    // The new watermarks first, then the rows up to them: a row committed in between has a
    // higher rev (SQLite) or is re-read within the settle window (PostgreSQL), and this
    // process's own rows, skipped, still move the watermarks.
    if (Result<void> marks = readWatermarks(c); !marks)
        return marks.error();
    // A store without a tag (0) has no rows of its own to skip.
    const auto where = [this](const QString &rev) -> QString {
        QString sql = QStringLiteral("WHERE %1 > ? AND %1 <= ?").arg(rev);
        if (m_revTag != 0)
            sql += QStringLiteral(" AND %1 % %2 <> %3").arg(rev).arg(kRevTagSpan).arg(m_revTag);
        return sql + QStringLiteral(" ORDER BY ") + rev;
    };
    Result<QList<LenderRow>> lenders = fetchLenders(where(QStringLiteral("rev")), {since.lenders, c.maxLenderRev});
    if (!lenders)
        return lenders.error();
    c.lenders = *lenders;
    Result<QList<PartitionRow>> partitions =
        fetchPartitions(where(QStringLiteral("rev")), {since.partitions, c.maxPartitionRev});
    if (!partitions)
        return partitions.error();
    c.partitions = *partitions;
    Result<QList<ContractRow>> contracts =
        fetchContracts(where(QStringLiteral("c.rev")), {since.contracts, c.maxContractRev});
    if (!contracts)
        return contracts.error();
    c.contracts = *contracts;
    Result<SqlRows> borrowers = m_db.run(QStringLiteral("SELECT id, name FROM borrowers ") + where(QStringLiteral("rev")),
                                         {since.borrowers, c.maxBorrowerRev});
    if (!borrowers)
        return borrowers.error();
    while (borrowers->next())
        c.borrowers.append(BorrowerName{borrowers->text(0), borrowers->text(1)});
    if (borrowers->error().isError())
        return borrowers->error();
    // Rows asked for by ID: those read above already are not read twice. They count as read
    // only once the transactions that may have written them have ended.
    if (!recheck.isEmpty()) {
        bool ended = true;
        for (const qint64 xid : recheck.transactions)
            ended = ended && transactionCommitted(m_db, xid).has_value();
        QSet<QString> haveOffers, haveContracts;
        for (const PartitionRow &p : std::as_const(c.partitions))
            haveOffers.insert(p.offerId);
        for (const ContractRow &k : std::as_const(c.contracts))
            haveContracts.insert(k.id);
        for (const QString &offerId : recheck.offers) {
            if (!haveOffers.contains(offerId)) {
                Result<std::optional<PartitionRow>> p = partitionByOffer(offerId);
                if (!p)
                    return p.error();
                if (p->has_value())
                    c.partitions.append(**p);
            }
        }
        for (const QString &contractId : recheck.contracts) {
            if (!haveContracts.contains(contractId)) {
                Result<std::optional<ContractRow>> k = contract(contractId);
                if (!k)
                    return k.error();
                if (k->has_value())
                    c.contracts.append(**k);
            }
        }
        if (ended)
            c.recheck = recheck;
    }
    return c;
}

} // namespace lendable::market
