#include "BorrowerStore.h"

#include "util/Paths.h"

#include <QCborValue>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace lendable::borrower {

namespace {
QList<Migration> migrations()
{
    Migration m1;
    m1.version = 1;
    m1.description = QStringLiteral("borrower contracts, jobs and settings");
    m1.sqliteStatements = {
        QStringLiteral("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE contracts ("
                       "contract_id TEXT PRIMARY KEY, market_id TEXT NOT NULL DEFAULT '', "
                       "market_address TEXT NOT NULL DEFAULT '', lender_id TEXT NOT NULL, "
                       "lender_address TEXT NOT NULL, partition_id TEXT NOT NULL, "
                       "rate_micros INTEGER NOT NULL DEFAULT 0, started_at_ms INTEGER NOT NULL DEFAULT 0, "
                       "ended_at_ms INTEGER NOT NULL DEFAULT 0, charge_micros INTEGER NOT NULL DEFAULT 0, "
                       "direct INTEGER NOT NULL DEFAULT 0, os_images TEXT NOT NULL DEFAULT '', "
                       "start_receipt BLOB, end_receipt BLOB)"),
        QStringLiteral("CREATE TABLE jobs ("
                       "job_id TEXT PRIMARY KEY, contract_id TEXT NOT NULL, lender_id TEXT NOT NULL, "
                       "lender_address TEXT NOT NULL, os TEXT NOT NULL DEFAULT '', "
                       "submitted_at_ms INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'queued', "
                       "exit_code INTEGER)"),
        QStringLiteral("CREATE INDEX jobs_by_contract ON jobs (contract_id)"),
    };
    // The contract's time limit, as granted, so that its page can say when it ends.
    Migration m2;
    m2.version = 2;
    m2.description = QStringLiteral("the time limit of each contract");
    m2.sqliteStatements = {QStringLiteral("ALTER TABLE contracts ADD COLUMN max_duration_s INTEGER NOT NULL DEFAULT 0")};
    // Borrows sent and not answered yet: a process killed while it waits leaves its Borrow's
    // request ID here, so that a later one can ask the market what that Borrow made.
    Migration m3;
    m3.version = 3;
    m3.description = QStringLiteral("borrows waiting for their answer");
    m3.sqliteStatements = {QStringLiteral("CREATE TABLE pending_borrows ("
                                          "request_id TEXT PRIMARY KEY, market_id TEXT NOT NULL, "
                                          "market_address TEXT NOT NULL DEFAULT '', offer_id TEXT NOT NULL DEFAULT '', "
                                          "query TEXT NOT NULL DEFAULT '', sent_at_ms INTEGER NOT NULL)")};
    return {m1, m2, m3};
}

QVariant receiptBlob(const std::optional<protocol::Receipt> &r)
{
    if (!r)
        return QVariant(QMetaType::fromType<QByteArray>());
    return QCborValue(protocol::encodeSchema(*r)).toCbor();
}

std::optional<protocol::Receipt> receiptFromBlob(const QVariant &v)
{
    const QByteArray bytes = v.toByteArray();
    if (bytes.isEmpty())
        return std::nullopt;
    const QCborValue c = QCborValue::fromCbor(bytes);
    if (!c.isMap())
        return std::nullopt;
    Result<protocol::Receipt> r = protocol::decodeSchema<protocol::Receipt>(c.toMap());
    if (!r)
        return std::nullopt;
    return *r;
}

const char *const kContractColumns =
    "contract_id, market_id, market_address, lender_id, lender_address, partition_id, rate_micros, "
    "started_at_ms, ended_at_ms, charge_micros, direct, os_images, start_receipt, end_receipt, max_duration_s";
const char *const kJobColumns =
    "job_id, contract_id, lender_id, lender_address, os, submitted_at_ms, state, exit_code";
} // namespace

bool isFinalJobState(const QString &state)
{
    static const QStringList finals{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("cancelled"),
                                    QStringLiteral("timed_out"), QStringLiteral("error")};
    return finals.contains(state);
}

BorrowerStore::BorrowerStore(QString dataDir, Database db)
    : m_dataDir(std::move(dataDir))
    , m_db(std::move(db))
{
}

Result<BorrowerStore> BorrowerStore::open(const QString &dataDir)
{
    if (Result<void> made = makeDirectory(dataDir); !made)
        return made.error();
    Result<Database> db = Database::open(QStringLiteral("sqlite:") + QDir(dataDir).absoluteFilePath(QStringLiteral("borrower.db")));
    if (!db)
        return db.error();
    if (Result<void> m = db->migrate(migrations()); !m)
        return m.error();
    return BorrowerStore(QDir(dataDir).absolutePath(), std::move(db).value());
}

Result<BorrowerStore> BorrowerStore::openToRead(const QString &dataDir)
{
    Result<Database> db = Database::openToRead(QDir(dataDir).absoluteFilePath(QStringLiteral("borrower.db")));
    if (!db)
        return db.error();
    return BorrowerStore(QDir(dataDir).absolutePath(), std::move(db).value());
}

Result<void> BorrowerStore::saveContract(const ContractRecord &c)
{
    // A null QString binds as NULL, which the NOT NULL text columns refuse: a record made
    // from a receipt alone has no lender address, and is kept all the same.
    const auto text = [](const QString &s) { return s.isNull() ? QStringLiteral("") : s; };
    Result<QSqlQuery> q = m_db.exec(
        QStringLiteral("INSERT OR REPLACE INTO contracts (") + QLatin1String(kContractColumns)
            + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {c.contractId, text(c.marketId), text(c.marketAddress), text(c.lenderId), text(c.lenderAddress), text(c.partitionId), c.ratePerHour.micros(),
         c.startedAtMs, c.endedAtMs, c.charge.micros(), c.direct ? 1 : 0, c.osImages.join(QLatin1Char(',')),
         receiptBlob(c.startReceipt), receiptBlob(c.endReceipt), c.maxDurationS});
    if (!q)
        return q.error();
    return {};
}

ContractRecord BorrowerStore::contractFromQuery(const QSqlQuery &q) const
{
    ContractRecord c;
    c.contractId = q.value(0).toString();
    c.marketId = q.value(1).toString();
    c.marketAddress = q.value(2).toString();
    c.lenderId = q.value(3).toString();
    c.lenderAddress = q.value(4).toString();
    c.partitionId = q.value(5).toString();
    c.ratePerHour = Money::fromMicros(q.value(6).toLongLong());
    c.startedAtMs = q.value(7).toLongLong();
    c.endedAtMs = q.value(8).toLongLong();
    c.charge = Money::fromMicros(q.value(9).toLongLong());
    c.direct = q.value(10).toInt() != 0;
    const QString images = q.value(11).toString();
    c.osImages = images.isEmpty() ? QStringList() : images.split(QLatin1Char(','));
    c.startReceipt = receiptFromBlob(q.value(12));
    c.endReceipt = receiptFromBlob(q.value(13));
    c.maxDurationS = q.value(14).toLongLong();
    return c;
}

Result<ContractRecord> BorrowerStore::contract(const QString &contractId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + QLatin1String(kContractColumns)
                                        + QStringLiteral(" FROM contracts WHERE contract_id = ?"),
                                    {contractId});
    if (!q)
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound,
                     QCoreApplication::translate("BorrowerStore", "no contract %1 in %2; `borrower-client --cli bills` lists your contracts, "
                        "and a contract made with another --data directory is only known there")
                         .arg(contractId, m_dataDir));
    return contractFromQuery(*q);
}

Result<QList<ContractRecord>> BorrowerStore::contracts()
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + QLatin1String(kContractColumns)
                                    + QStringLiteral(" FROM contracts ORDER BY started_at_ms DESC, contract_id"));
    if (!q)
        return q.error();
    QList<ContractRecord> out;
    while (q->next())
        out.append(contractFromQuery(*q));
    return out;
}

Result<void> BorrowerStore::markContractEnded(const QString &contractId, qint64 endedAtMs, Money charge,
                                              const std::optional<protocol::Receipt> &endReceipt)
{
    Result<QSqlQuery> q = m_db.exec(
        QStringLiteral("UPDATE contracts SET ended_at_ms = ?, charge_micros = ?, end_receipt = ? WHERE contract_id = ?"),
        {endedAtMs, charge.micros(), receiptBlob(endReceipt), contractId});
    if (!q)
        return q.error();
    return {};
}

Result<void> BorrowerStore::saveJob(const JobRecord &j)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT OR REPLACE INTO jobs (") + QLatin1String(kJobColumns)
                                        + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                                    {j.jobId, j.contractId, j.lenderId, j.lenderAddress, j.os, j.submittedAtMs, j.state,
                                     j.exitCode ? QVariant(*j.exitCode) : QVariant(QMetaType::fromType<int>())});
    if (!q)
        return q.error();
    return {};
}

JobRecord BorrowerStore::jobFromQuery(const QSqlQuery &q) const
{
    JobRecord j;
    j.jobId = q.value(0).toString();
    j.contractId = q.value(1).toString();
    j.lenderId = q.value(2).toString();
    j.lenderAddress = q.value(3).toString();
    j.os = q.value(4).toString();
    j.submittedAtMs = q.value(5).toLongLong();
    j.state = q.value(6).toString();
    if (!q.value(7).isNull())
        j.exitCode = q.value(7).toInt();
    return j;
}

Result<JobRecord> BorrowerStore::job(const QString &jobId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + QLatin1String(kJobColumns)
                                        + QStringLiteral(" FROM jobs WHERE job_id = ?"),
                                    {jobId});
    if (!q)
        return q.error();
    if (!q->next())
        return Error(ErrorCode::NotFound, QCoreApplication::translate("BorrowerStore", "no job %1 was submitted from %2; check the job ID that `submit` printed "
                                             "and use the same --data directory")
                                              .arg(jobId, m_dataDir));
    return jobFromQuery(*q);
}

Result<QList<JobRecord>> BorrowerStore::jobsOf(const QString &contractId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT ") + QLatin1String(kJobColumns)
                                        + QStringLiteral(" FROM jobs WHERE contract_id = ? ORDER BY submitted_at_ms"),
                                    {contractId});
    if (!q)
        return q.error();
    QList<JobRecord> out;
    while (q->next())
        out.append(jobFromQuery(*q));
    return out;
}

Result<void> BorrowerStore::updateJobState(const QString &jobId, const QString &state, std::optional<int> exitCode)
{
    Result<QSqlQuery> q = m_db.exec(
        QStringLiteral("UPDATE jobs SET state = ?, exit_code = COALESCE(?, exit_code) WHERE job_id = ?"),
        {state, exitCode ? QVariant(*exitCode) : QVariant(QMetaType::fromType<int>()), jobId});
    if (!q)
        return q.error();
    return {};
}

QString BorrowerStore::safeFileName(const QString &id)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9._-]{1,128}$"));
    if (plain.match(id).hasMatch() && id != QLatin1String(".") && id != QLatin1String(".."))
        return id;
    return QString::fromLatin1(QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString BorrowerStore::keyPath(const QString &contractId) const
{
    return m_dataDir + QStringLiteral("/keys/") + safeFileName(contractId) + QStringLiteral(".json");
}

Result<KeyMaterial> BorrowerStore::key(const QString &contractId) const
{
    const QString path = keyPath(contractId);
    if (!QFile::exists(path))
        return Error(ErrorCode::NotFound, QCoreApplication::translate("BorrowerStore", "no lending key for contract %1 is kept in %2 (the contract ended, "
                                             "or it was made with another --data directory)")
                                              .arg(contractId, m_dataDir));
    return readKeyFile(path);
}

Result<void> BorrowerStore::saveKey(const KeyMaterial &key)
{
    return writeKeyFile(keyPath(key.contractId), key);
}

void BorrowerStore::removeKey(const QString &contractId)
{
    QFile::remove(keyPath(contractId));
}

QString BorrowerStore::jobDir(const QString &jobId) const
{
    return m_dataDir + QStringLiteral("/jobs/") + safeFileName(jobId);
}

Result<void> BorrowerStore::savePendingBorrow(const PendingBorrowRecord &p)
{
    const auto text = [](const QString &s) { return s.isNull() ? QStringLiteral("") : s; };
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT OR REPLACE INTO pending_borrows (request_id, market_id, market_address, "
                                                   "offer_id, query, sent_at_ms) VALUES (?, ?, ?, ?, ?, ?)"),
                                    {p.requestId, text(p.marketId), text(p.marketAddress), text(p.offerId), text(p.query), p.sentAtMs});
    if (!q)
        return q.error();
    return {};
}

Result<void> BorrowerStore::removePendingBorrow(const QString &requestId)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("DELETE FROM pending_borrows WHERE request_id = ?"), {requestId});
    if (!q)
        return q.error();
    return {};
}

Result<QList<PendingBorrowRecord>> BorrowerStore::pendingBorrows()
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT request_id, market_id, market_address, offer_id, query, sent_at_ms "
                                                   "FROM pending_borrows ORDER BY sent_at_ms, request_id"));
    if (!q)
        return q.error();
    QList<PendingBorrowRecord> out;
    while (q->next())
        out.append(PendingBorrowRecord{q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                                       q->value(3).toString(), q->value(4).toString(), q->value(5).toLongLong()});
    return out;
}

QString BorrowerStore::setting(const QString &name)
{
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE name = ?"), {name});
    if (!q || !q->next())
        return {};
    return q->value(0).toString();
}

Result<void> BorrowerStore::setSetting(const QString &name, const QString &value)
{
    // A null QString binds as NULL, which the column refuses: an empty value is stored as ''.
    Result<QSqlQuery> q = m_db.exec(QStringLiteral("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)"),
                                    {name, value.isNull() ? QStringLiteral("") : value});
    if (!q)
        return q.error();
    return {};
}

} // namespace lendable::borrower
