#include "LenderStore.h"

#include <QSqlRecord>

namespace lendable::lender {

namespace {
QList<Migration> migrations()
{
    Migration m1;
    m1.version = 1;
    m1.description = QStringLiteral("lender partitions, contracts, jobs");
    m1.sqliteStatements = {
        QStringLiteral("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE partitions ("
                       " partition_id TEXT PRIMARY KEY,"
                       " cpus INTEGER NOT NULL, memory_mib INTEGER NOT NULL, disk_mib INTEGER NOT NULL,"
                       " os_images TEXT NOT NULL, rate_micros INTEGER NOT NULL, max_duration_s INTEGER NOT NULL,"
                       " state TEXT NOT NULL, market_id TEXT, offer_id TEXT, externally_referenced INTEGER NOT NULL,"
                       " contract_id TEXT, borrower_id TEXT, earnings_micros INTEGER NOT NULL, created_at_ms INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE contracts ("
                       " contract_id TEXT PRIMARY KEY, partition_id TEXT NOT NULL, borrower_id TEXT NOT NULL,"
                       " key_hash BLOB NOT NULL, market_id TEXT, started_at_ms INTEGER NOT NULL,"
                       " ended_at_ms INTEGER NOT NULL, max_duration_s INTEGER NOT NULL, rate_micros INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE jobs ("
                       " job_id TEXT PRIMARY KEY, partition_id TEXT NOT NULL, contract_id TEXT NOT NULL,"
                       " borrower_id TEXT NOT NULL, os TEXT NOT NULL, state TEXT NOT NULL, exit_code INTEGER,"
                       " message TEXT, domain_name TEXT NOT NULL, job_dir TEXT NOT NULL,"
                       " submitted_at_ms INTEGER NOT NULL, ended_at_ms INTEGER NOT NULL, timeout_s INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX jobs_state ON jobs (state)"),
    };
    // The name the borrower went by when the market concluded the contract (ContractStarted).
    Migration m2;
    m2.version = 2;
    m2.description = QStringLiteral("borrower names of contracts");
    m2.sqliteStatements = {QStringLiteral("ALTER TABLE contracts ADD COLUMN borrower_name TEXT NOT NULL DEFAULT ''")};
    // When a finished job's output files and console were removed (AgentConfig::resultRetentionMs);
    // 0 while they are kept.
    Migration m3;
    m3.version = 3;
    m3.description = QStringLiteral("retention of job results");
    m3.sqliteStatements = {
        QStringLiteral("ALTER TABLE jobs ADD COLUMN results_removed_at_ms INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("CREATE INDEX jobs_results_kept ON jobs (ended_at_ms) WHERE results_removed_at_ms = 0"),
        // The owner's list of jobs, newest first (LenderStore::jobs()).
        QStringLiteral("CREATE INDEX jobs_submitted ON jobs (submitted_at_ms, job_id)"),
    };
    // Partitions the owner withdrew (`withdraw --force`) while their market could not be told:
    // the agent tells it when it is connected again.
    Migration m4;
    m4.version = 4;
    m4.description = QStringLiteral("withdrawals the market has not heard of");
    m4.sqliteStatements = {QStringLiteral("CREATE TABLE pending_withdrawals (market_id TEXT NOT NULL, partition_id TEXT NOT NULL,"
                                          " since_ms INTEGER NOT NULL, PRIMARY KEY (market_id, partition_id))")};
    // Lock violations whose market has not acknowledged the report yet (it was unreachable):
    // the agent sends them again on each connection until it does.
    Migration m5;
    m5.version = 5;
    m5.description = QStringLiteral("violation reports the market has not acknowledged");
    m5.sqliteStatements = {QStringLiteral("CREATE TABLE pending_violations (id INTEGER PRIMARY KEY AUTOINCREMENT, market_id TEXT NOT NULL,"
                                          " partition_id TEXT NOT NULL, contract_id TEXT NOT NULL, detail TEXT NOT NULL,"
                                          " restored INTEGER NOT NULL, at_ms INTEGER NOT NULL)")};
    return {m1, m2, m3, m4, m5};
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

PartitionRecord partitionFrom(const QSqlQuery &q)
{
    PartitionRecord p;
    p.partitionId = q.value(0).toString();
    p.resources = Resources{q.value(1).toInt(), q.value(2).toLongLong(), q.value(3).toLongLong()};
    p.osImages = q.value(4).toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    p.ratePerHour = Money::fromMicros(q.value(5).toLongLong());
    p.maxDurationS = q.value(6).toLongLong();
    p.state = q.value(7).toString();
    p.marketId = q.value(8).toString();
    p.offerId = q.value(9).toString();
    p.externallyReferenced = q.value(10).toInt() != 0;
    p.contractId = q.value(11).toString();
    p.borrowerId = q.value(12).toString();
    p.earnings = Money::fromMicros(q.value(13).toLongLong());
    p.createdAtMs = q.value(14).toLongLong();
    return p;
}
const QString kPartitionColumns = QStringLiteral(
    "partition_id, cpus, memory_mib, disk_mib, os_images, rate_micros, max_duration_s, state, market_id, offer_id,"
    " externally_referenced, contract_id, borrower_id, earnings_micros, created_at_ms");

ContractRecord contractFrom(const QSqlQuery &q)
{
    ContractRecord c;
    c.contractId = q.value(0).toString();
    c.partitionId = q.value(1).toString();
    c.borrowerId = q.value(2).toString();
    c.keyHash = q.value(3).toByteArray();
    c.marketId = q.value(4).toString();
    c.startedAtMs = q.value(5).toLongLong();
    c.endedAtMs = q.value(6).toLongLong();
    c.maxDurationS = q.value(7).toLongLong();
    c.ratePerHour = Money::fromMicros(q.value(8).toLongLong());
    c.borrowerName = q.value(9).toString();
    return c;
}
const QString kContractColumns = QStringLiteral(
    "contract_id, partition_id, borrower_id, key_hash, market_id, started_at_ms, ended_at_ms, max_duration_s, rate_micros,"
    " borrower_name");

JobRecord jobFrom(const QSqlQuery &q)
{
    JobRecord j;
    j.jobId = q.value(0).toString();
    j.partitionId = q.value(1).toString();
    j.contractId = q.value(2).toString();
    j.borrowerId = q.value(3).toString();
    j.os = q.value(4).toString();
    j.state = q.value(5).toString();
    if (!q.value(6).isNull())
        j.exitCode = q.value(6).toInt();
    j.message = q.value(7).toString();
    j.domainName = q.value(8).toString();
    j.jobDir = q.value(9).toString();
    j.submittedAtMs = q.value(10).toLongLong();
    j.endedAtMs = q.value(11).toLongLong();
    j.timeoutS = q.value(12).toLongLong();
    j.resultsRemovedAtMs = q.value(13).toLongLong();
    return j;
}
const QString kJobColumns = QStringLiteral(
    "job_id, partition_id, contract_id, borrower_id, os, state, exit_code, message, domain_name, job_dir,"
    " submitted_at_ms, ended_at_ms, timeout_s, results_removed_at_ms");

/// Every row of a query over kJobColumns, or its error.
Result<QList<JobRecord>> jobRows(Result<QSqlQuery> q)
{
    if (!q.ok())
        return q.error();
    QList<JobRecord> out;
    while (q->next())
        out << jobFrom(*q);
    return out;
}

/// What a contract earns its partition if it ends at `endedAtMs` (its rate × its time).
qint64 earnedMicros(const ContractRecord &c, qint64 endedAtMs)
{
    const Result<Money> charge = Money::charge(c.ratePerHour, qMax<qint64>(0, endedAtMs - c.startedAtMs));
    return charge.ok() ? charge->micros() : 0;
}

} // namespace

bool isFinishedJobState(const QString &state)
{
    static const QStringList finished = {QStringLiteral("succeeded"), QStringLiteral("failed"),
                                         QStringLiteral("cancelled"), QStringLiteral("timed_out"),
                                         QStringLiteral("error")};
    return finished.contains(state);
}

bool JobRecord::isFinished() const
{
    return isFinishedJobState(state);
}

Result<LenderStore> LenderStore::open(const QString &dbUrl)
{
    Result<Database> db = Database::open(dbUrl);
    if (!db.ok())
        return db.error();
    if (Result<void> m = db->migrate(migrations()); !m.ok())
        return m.error();
    return LenderStore(std::move(*db));
}

Result<LenderStore> LenderStore::openToRead(const QString &path)
{
    Result<Database> db = Database::openToRead(path);
    if (!db.ok())
        return db.error();
    return LenderStore(std::move(*db));
}

Result<Resources> LenderStore::reserve()
{
    auto q = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE key = 'reserve'"), {});
    if (!q.ok())
        return q.error();
    if (!q->next())
        return Resources{};
    const QStringList parts = q->value(0).toString().split(QLatin1Char(','));
    if (parts.size() != 3)
        return Error(ErrorCode::StorageError, QStringLiteral("corrupt reserve setting"));
    return Resources{parts[0].toInt(), parts[1].toLongLong(), parts[2].toLongLong()};
}

Result<void> LenderStore::setReserve(const Resources &r)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('reserve', ?)"
                                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
                       {QStringLiteral("%1,%2,%3").arg(r.cpus).arg(r.memoryMib).arg(r.diskMib)});
    if (!q.ok())
        return q.error();
    return {};
}

Result<QList<PartitionRecord>> LenderStore::partitions()
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kPartitionColumns + QStringLiteral(" FROM partitions ORDER BY created_at_ms, partition_id"), {});
    if (!q.ok())
        return q.error();
    QList<PartitionRecord> out;
    while (q->next())
        out << partitionFrom(*q);
    return out;
}

Result<PartitionRecord> LenderStore::partition(const QString &partitionId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kPartitionColumns + QStringLiteral(" FROM partitions WHERE partition_id = ?"),
                       {partitionId});
    if (!q.ok())
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QStringLiteral("no partition %1 on this machine").arg(partitionId));
    return partitionFrom(*q);
}

Result<void> LenderStore::insertPartition(const PartitionRecord &p)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO partitions (") + kPartitionColumns +
                           QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {p.partitionId, p.resources.cpus, p.resources.memoryMib, p.resources.diskMib,
                        p.osImages.join(QLatin1Char(',')), p.ratePerHour.micros(), p.maxDurationS, p.state,
                        nullable(p.marketId), nullable(p.offerId), p.externallyReferenced ? 1 : 0,
                        nullable(p.contractId), nullable(p.borrowerId), p.earnings.micros(), p.createdAtMs});
    if (!q.ok())
        return q.error();
    return {};
}

Result<void> LenderStore::updatePartition(const PartitionRecord &p)
{
    auto q = m_db.exec(QStringLiteral("UPDATE partitions SET cpus = ?, memory_mib = ?, disk_mib = ?, os_images = ?,"
                                      " rate_micros = ?, max_duration_s = ?, state = ?, market_id = ?, offer_id = ?,"
                                      " externally_referenced = ?, contract_id = ?, borrower_id = ?, earnings_micros = ?"
                                      " WHERE partition_id = ?"),
                       {p.resources.cpus, p.resources.memoryMib, p.resources.diskMib, p.osImages.join(QLatin1Char(',')),
                        p.ratePerHour.micros(), p.maxDurationS, p.state, nullable(p.marketId), nullable(p.offerId),
                        p.externallyReferenced ? 1 : 0, nullable(p.contractId), nullable(p.borrowerId),
                        p.earnings.micros(), p.partitionId});
    if (!q.ok())
        return q.error();
    if (q->numRowsAffected() != 1)
        return Error(ErrorCode::NotFound, QStringLiteral("no partition %1 on this machine").arg(p.partitionId));
    return {};
}

Result<void> LenderStore::deletePartition(const QString &partitionId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM partitions WHERE partition_id = ?"), {partitionId});
    if (!q.ok())
        return q.error();
    if (q->numRowsAffected() != 1)
        return Error(ErrorCode::NotFound, QStringLiteral("no partition %1 on this machine").arg(partitionId));
    return {};
}

Result<void> LenderStore::startContract(const ContractRecord &c)
{
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    auto existing = m_db.exec(QStringLiteral("SELECT 1 FROM contracts WHERE contract_id = ?"), {c.contractId});
    if (!existing.ok())
        return existing.error();
    if (existing->next())
        return Error(ErrorCode::AlreadyExists, QStringLiteral("contract %1 is already known").arg(c.contractId));
    auto lend = m_db.exec(QStringLiteral("UPDATE partitions SET state = 'lent', contract_id = ?, borrower_id = ?"
                                         " WHERE partition_id = ? AND contract_id IS NULL"),
                          {c.contractId, c.borrowerId, c.partitionId});
    if (!lend.ok())
        return lend.error();
    if (lend->numRowsAffected() != 1)
        return Error(ErrorCode::Conflict,
                     QStringLiteral("partition %1 is unknown or already lent; contract %2 refused").arg(c.partitionId, c.contractId));
    auto ins = m_db.exec(QStringLiteral("INSERT INTO contracts (") + kContractColumns +
                             QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ''))"),
                         {c.contractId, c.partitionId, c.borrowerId, c.keyHash, nullable(c.marketId), c.startedAtMs,
                          c.endedAtMs, c.maxDurationS, c.ratePerHour.micros(), c.borrowerName});
    if (!ins.ok())
        return ins.error();
    return tx.commit();
}

Result<void> LenderStore::renameBorrower(const QString &contractId, const QString &marketId, const QString &borrowerId, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("UPDATE contracts SET borrower_name = COALESCE(?, '') WHERE contract_id = ? AND market_id = ?"
                                      " AND borrower_id = ? AND ended_at_ms = 0"),
                       {name, contractId, marketId, borrowerId});
    if (!q.ok())
        return q.error();
    return {};
}

Result<void> LenderStore::takeMarketTerms(const ContractRecord &notice)
{
    const bool startOk = notice.startedAtMs > 0;
    const bool limitOk = notice.maxDurationS >= 0;
    const bool hashOk = notice.keyHash.size() == 32;
    auto q = m_db.exec(QStringLiteral("UPDATE contracts SET started_at_ms = CASE WHEN ? THEN ? ELSE started_at_ms END,"
                                      " max_duration_s = CASE WHEN ? THEN ? ELSE max_duration_s END,"
                                      " key_hash = CASE WHEN ? THEN ? ELSE key_hash END"
                                      " WHERE contract_id = ? AND market_id = ? AND borrower_id = ? AND partition_id = ?"
                                      " AND ended_at_ms = 0"),
                       {startOk, notice.startedAtMs, limitOk, notice.maxDurationS, hashOk, notice.keyHash, notice.contractId,
                        notice.marketId, notice.borrowerId, notice.partitionId});
    if (!q.ok())
        return q.error();
    return {};
}

Result<void> LenderStore::endContract(const QString &contractId, qint64 endedAtMs)
{
    Result<ContractRecord> c = contract(contractId);
    if (!c.ok())
        return c.error();
    if (!c->isRunning())
        return {};
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    auto upd = m_db.exec(QStringLiteral("UPDATE contracts SET ended_at_ms = ? WHERE contract_id = ? AND ended_at_ms = 0"),
                         {qMax(endedAtMs, c->startedAtMs), contractId});
    if (!upd.ok())
        return upd.error();
    const qint64 earned = earnedMicros(*c, endedAtMs);
    // A market contract leaves its partition registered with that market; a direct lease
    // returns it to unregistered.
    auto free = m_db.exec(QStringLiteral("UPDATE partitions SET contract_id = NULL, borrower_id = NULL,"
                                         " state = CASE WHEN market_id IS NULL THEN 'unregistered' ELSE 'registered' END,"
                                         " earnings_micros = earnings_micros + ?"
                                         " WHERE partition_id = ? AND contract_id = ?"),
                          {earned, c->partitionId, contractId});
    if (!free.ok())
        return free.error();
    return tx.commit();
}

Result<void> LenderStore::correctEnd(const QString &contractId, qint64 endedAtMs)
{
    Result<ContractRecord> c = contract(contractId);
    if (!c.ok())
        return c.error();
    if (c->isRunning())
        return Error(ErrorCode::Conflict, QStringLiteral("contract %1 has not ended here").arg(contractId));
    const qint64 end = qMax(endedAtMs, c->startedAtMs);
    if (end == c->endedAtMs)
        return {};
    WriteTransaction tx(m_db);
    if (!tx.ok())
        return tx.error();
    auto upd = m_db.exec(QStringLiteral("UPDATE contracts SET ended_at_ms = ? WHERE contract_id = ? AND ended_at_ms = ?"),
                         {end, contractId, c->endedAtMs});
    if (!upd.ok())
        return upd.error();
    // The partition's earnings were counted to the old end.
    auto earnings = m_db.exec(QStringLiteral("UPDATE partitions SET earnings_micros = earnings_micros + ? WHERE partition_id = ?"),
                              {earnedMicros(*c, end) - earnedMicros(*c, c->endedAtMs), c->partitionId});
    if (!earnings.ok())
        return earnings.error();
    return tx.commit();
}

Result<ContractRecord> LenderStore::contract(const QString &contractId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kContractColumns + QStringLiteral(" FROM contracts WHERE contract_id = ?"),
                       {contractId});
    if (!q.ok())
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QStringLiteral("unknown contract %1").arg(contractId));
    return contractFrom(*q);
}

Result<QString> LenderStore::marketOfContract(const QString &contractId)
{
    auto q = m_db.exec(QStringLiteral("SELECT COALESCE(market_id, '') FROM contracts WHERE contract_id = ?"), {contractId});
    if (!q.ok())
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QStringLiteral("unknown contract %1").arg(contractId));
    return q->value(0).toString();
}

Result<QList<ContractRecord>> LenderStore::runningContracts()
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kContractColumns + QStringLiteral(" FROM contracts WHERE ended_at_ms = 0"), {});
    if (!q.ok())
        return q.error();
    QList<ContractRecord> out;
    while (q->next())
        out << contractFrom(*q);
    return out;
}

Result<void> LenderStore::insertJob(const JobRecord &j)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO jobs (") + kJobColumns +
                           QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {j.jobId, j.partitionId, j.contractId, j.borrowerId, j.os, j.state,
                        j.exitCode ? QVariant(*j.exitCode) : QVariant(QMetaType(QMetaType::Int)), j.message,
                        j.domainName, j.jobDir, j.submittedAtMs, j.endedAtMs, j.timeoutS, j.resultsRemovedAtMs});
    if (!q.ok())
        return q.error();
    return {};
}

Result<void> LenderStore::updateJob(const JobRecord &j)
{
    auto q = m_db.exec(QStringLiteral("UPDATE jobs SET state = ?, exit_code = ?, message = ?, ended_at_ms = ? WHERE job_id = ?"),
                       {j.state, j.exitCode ? QVariant(*j.exitCode) : QVariant(QMetaType(QMetaType::Int)), j.message,
                        j.endedAtMs, j.jobId});
    if (!q.ok())
        return q.error();
    return {};
}

Result<JobRecord> LenderStore::job(const QString &jobId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kJobColumns + QStringLiteral(" FROM jobs WHERE job_id = ?"), {jobId});
    if (!q.ok())
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QStringLiteral("unknown job %1").arg(jobId));
    return jobFrom(*q);
}

Result<QList<JobRecord>> LenderStore::unfinishedJobs()
{
    return jobRows(m_db.exec(QStringLiteral("SELECT ") + kJobColumns +
                             QStringLiteral(" FROM jobs WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'error')"),
                             {}));
}

Result<QList<JobRecord>> LenderStore::jobsWithResultsEndedBefore(qint64 cutoffMs)
{
    return jobRows(m_db.exec(QStringLiteral("SELECT ") + kJobColumns +
                                 QStringLiteral(" FROM jobs WHERE results_removed_at_ms = 0 AND ended_at_ms > 0 AND ended_at_ms < ?"
                                                " AND state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'error')"
                                                " ORDER BY ended_at_ms"),
                             {cutoffMs}));
}

Result<QList<JobRecord>> LenderStore::jobs(const QString &partitionId, std::optional<qint64> submittedBeforeMs,
                                           const QString &beforeJobId, int limit)
{
    QString sql = QStringLiteral("SELECT ") + kJobColumns + QStringLiteral(" FROM jobs WHERE 1 = 1");
    QVariantList args;
    if (!partitionId.isEmpty()) {
        sql += QStringLiteral(" AND partition_id = ?");
        args << partitionId;
    }
    if (submittedBeforeMs) {
        sql += QStringLiteral(" AND (submitted_at_ms < ? OR (submitted_at_ms = ? AND job_id < ?))");
        args << *submittedBeforeMs << *submittedBeforeMs << beforeJobId;
    }
    sql += QStringLiteral(" ORDER BY submitted_at_ms DESC, job_id DESC LIMIT ?");
    args << limit;
    return jobRows(m_db.exec(sql, args));
}

Result<void> LenderStore::markResultsRemoved(const QString &jobId, qint64 atMs)
{
    auto q = m_db.exec(QStringLiteral("UPDATE jobs SET results_removed_at_ms = ? WHERE job_id = ?"), {atMs, jobId});
    if (!q.ok())
        return q.error();
    return {};
}

Result<void> LenderStore::addPendingWithdrawal(const QString &marketId, const QString &partitionId, qint64 atMs)
{
    auto q = m_db.exec(QStringLiteral("INSERT OR REPLACE INTO pending_withdrawals (market_id, partition_id, since_ms) VALUES (?, ?, ?)"),
                       {marketId, partitionId, atMs});
    if (!q.ok())
        return q.error();
    return {};
}

Result<QStringList> LenderStore::pendingWithdrawals(const QString &marketId)
{
    auto q = m_db.exec(QStringLiteral("SELECT partition_id FROM pending_withdrawals WHERE market_id = ? ORDER BY since_ms, partition_id"),
                       {marketId});
    if (!q.ok())
        return q.error();
    QStringList ids;
    while (q->next())
        ids << q->value(0).toString();
    return ids;
}

Result<void> LenderStore::removePendingWithdrawal(const QString &marketId, const QString &partitionId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM pending_withdrawals WHERE market_id = ? AND partition_id = ?"), {marketId, partitionId});
    if (!q.ok())
        return q.error();
    return {};
}

Result<qint64> LenderStore::addPendingViolation(const PendingViolation &v)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO pending_violations (market_id, partition_id, contract_id, detail, restored, at_ms)"
                                      " VALUES (?, ?, ?, ?, ?, ?)"),
                       {v.marketId, v.partitionId, v.contractId, v.detail, v.restored ? 1 : 0, v.atMs});
    if (!q.ok())
        return q.error();
    return q->lastInsertId().toLongLong();
}

Result<QList<PendingViolation>> LenderStore::pendingViolations(const QString &marketId)
{
    auto q = m_db.exec(QStringLiteral("SELECT id, market_id, partition_id, contract_id, detail, restored, at_ms FROM pending_violations"
                                      " WHERE market_id = ? ORDER BY id"),
                       {marketId});
    if (!q.ok())
        return q.error();
    QList<PendingViolation> list;
    while (q->next())
        list << PendingViolation{.id = q->value(0).toLongLong(), .marketId = q->value(1).toString(), .partitionId = q->value(2).toString(),
                                 .contractId = q->value(3).toString(), .detail = q->value(4).toString(),
                                 .restored = q->value(5).toInt() != 0, .atMs = q->value(6).toLongLong()};
    return list;
}

Result<void> LenderStore::removePendingViolation(qint64 id)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM pending_violations WHERE id = ?"), {id});
    if (!q.ok())
        return q.error();
    return {};
}

} // namespace lendable::lender
