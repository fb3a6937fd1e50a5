#include "Migrations.h"

#include "storage/Database.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QThread>

#include <algorithm>

namespace lendable {

namespace {

// Any fixed number will do, as long as every Lendable process uses the same one: it names
// the lock that serialises schema changes across processes sharing a PostgreSQL database.
// (The ASCII of "LENDSCHM".)
constexpr auto kPgMigrationLock = "SELECT pg_advisory_xact_lock(5496411054133183309)";
// How long one statement of a migration may wait for the server (PostgreSQL).
constexpr int kMigrationAnswerTimeoutS = 600;
// How long a migration's statement may wait for a table's lock (PostgreSQL), and for how
// long in all a migration keeps trying again. A DDL waiting for its lock holds up every later
// query on that table, of every process: it waits a little, gives way (its transaction rolls
// back), and tries again a second later.
constexpr int kMigrationLockWaitMs = 2000;
constexpr int kMigrationRetryPauseMs = 1000;
constexpr int kMigrationLockDeadlineS = 600;

// PostgreSQL's lock_not_available: lock_timeout passed.
bool isLockTimeout(const Error &e)
{
    return e.message.contains(QLatin1String("[55P03]"));
}

} // namespace

QStringList Migration::statementsFor(SqlDialect dialect) const
{
    if (dialect == SqlDialect::Postgres && !postgresStatements.isEmpty())
        return postgresStatements;
    return sqliteStatements;
}

Result<void> checkMigrationOrder(const QList<Migration> &migrations)
{
    int previous = 0;
    for (const Migration &m : migrations) {
        if (m.version <= previous) {
            return Error(ErrorCode::Internal,
                         QStringLiteral("migration versions must be positive and strictly increasing: %1 (%2) follows %3")
                             .arg(m.version)
                             .arg(m.description)
                             .arg(previous));
        }
        previous = m.version;
    }
    return {};
}

Result<int> readSchemaVersion(Database &db)
{
    // Ask the catalogue first: a failed SELECT on a missing table would abort an open
    // PostgreSQL transaction.
    const QString exists = db.dialect() == SqlDialect::Sqlite
        ? QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_meta'")
        : QStringLiteral("SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('schema_meta')");
    auto found = db.exec(exists);
    if (!found)
        return found.error();
    if (!found->next() || found->value(0).toInt() == 0)
        return 0;
    found->finish();

    auto q = db.exec(QStringLiteral("SELECT value FROM schema_meta WHERE key = 'schema_version'"));
    if (!q)
        return q.error();
    if (!q->next())
        return 0;
    bool ok = false;
    const QString text = q->value(0).toString();
    const int version = text.toInt(&ok);
    if (!ok || version < 0)
        return Error(ErrorCode::StorageError, QStringLiteral("the schema version \"%1\" in schema_meta is corrupt").arg(text));
    return version;
}

namespace {

// The first of `migrations` the database lacks, in a transaction of its own: true when one
// was applied, false when none is lacking.
Result<bool> applyNextMigration(Database &db, const QList<Migration> &migrations, int latest)
{
    WriteTransaction tx(db);
    if (!tx.ok())
        return tx.error();
    if (db.dialect() == SqlDialect::Postgres) {
        if (auto unlimited = db.exec(QStringLiteral("SET LOCAL statement_timeout = 0")); !unlimited)
            return unlimited.error();
        if (auto locked = db.exec(QLatin1String(kPgMigrationLock)); !locked)
            return locked.error();
        // After the advisory lock, which waits as long as another process's migration.
        if (auto lockWait = db.exec(QStringLiteral("SET LOCAL lock_timeout = %1").arg(kMigrationLockWaitMs)); !lockWait)
            return lockWait.error();
    }
    if (auto created = db.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
        !created) {
        return created.error();
    }
    const auto current = readSchemaVersion(db);
    if (!current)
        return current.error();
    if (*current > latest) {
        return Error(ErrorCode::StorageError, QStringLiteral("database schema version %1 is newer than this program (%2)")
                                                  .arg(*current)
                                                  .arg(latest));
    }

    const auto next = std::find_if(migrations.cbegin(), migrations.cend(),
                                   [&](const Migration &m) { return m.version > *current; });
    if (next == migrations.cend()) {
        if (Result<void> committed = tx.commit(); !committed) // keeps schema_meta if this run created it
            return committed.error();
        return false;
    }

    const QStringList statements = next->statementsFor(db.dialect());
    for (qsizetype i = 0; i < statements.size(); ++i) {
        if (auto done = db.exec(statements.at(i)); !done) {
            return done.error().within(QStringLiteral("migration %1 (%2) failed at statement %3 of %4: ")
                                           .arg(next->version)
                                           .arg(next->description)
                                           .arg(i + 1)
                                           .arg(statements.size()));
        }
    }
    if (auto bumped = db.exec(QStringLiteral("INSERT INTO schema_meta (key, value) VALUES ('schema_version', ?) "
                                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                              {QString::number(next->version)});
        !bumped) {
        return bumped.error();
    }
    if (auto committed = tx.commit(); !committed)
        return committed.error().within(
            QStringLiteral("migration %1 (%2) could not be committed: ").arg(next->version).arg(next->description));
    return true;
}

} // namespace

Result<void> applyMigrations(Database &db, const QList<Migration> &migrations)
{
    if (auto ordered = checkMigrationOrder(migrations); !ordered)
        return ordered;
    const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;

    // A migration may take long on a large database (an index built, rows rewritten), and so
    // may waiting for another process's: not the few seconds a request may wait for the
    // server, but not forever either (a frozen server).
    const int answerTimeout = db.answerTimeout();
    if (answerTimeout > 0)
        db.setAnswerTimeout(qMax(answerTimeout, kMigrationAnswerTimeoutS));
    const auto restore = qScopeGuard([&db, answerTimeout] { db.setAnswerTimeout(answerTimeout); });

    // One transaction per migration, each re-reading the version under the write lock
    // (SQLite's IMMEDIATE lock, PostgreSQL's advisory lock): another process may have
    // migrated while this one waited.
    QElapsedTimer givingWaySince; // the first lock wait of the migration being tried
    for (;;) {
        Result<bool> applied = applyNextMigration(db, migrations, latest);
        if (applied && !*applied)
            return {};
        if (applied) {
            givingWaySince.invalidate();
            continue;
        }
        if (!isLockTimeout(applied.error()))
            return applied.error();
        if (!givingWaySince.isValid())
            givingWaySince.start();
        else if (givingWaySince.elapsed() >= kMigrationLockDeadlineS * 1000LL)
            return applied.error().within(QStringLiteral("other sessions held the tables this migration changes for %1 min: ")
                                              .arg(kMigrationLockDeadlineS / 60));
        QThread::msleep(kMigrationRetryPauseMs);
    }
}

} // namespace lendable
