#pragma once

#include "util/Error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace lendable {

enum class SqlDialect; // defined in storage/Database.h
class Database;

/// One step of a schema's history. Migrations are applied in order of version, each in its
/// own write transaction together with the version bump (qBittorrent's resume-data DB is the
/// model), so a schema is never left half-migrated.
struct Migration {
    int version = 0;          ///< > 0, strictly increasing along a list; never reused
    QString description;      ///< shown in errors: "add jobs table"
    /// One SQL statement per entry: Qt's SQLite driver runs only the first statement of a
    /// string, so "A; B" would silently skip B.
    QStringList sqliteStatements;
    /// PostgreSQL spelling where it differs; empty means sqliteStatements serve both.
    QStringList postgresStatements;

    QStringList statementsFor(SqlDialect dialect) const;
};

/// Ok when versions are positive and strictly increasing; Internal otherwise (a programming
/// error in the migration list, not a database problem).
Result<void> checkMigrationOrder(const QList<Migration> &migrations);

/// Brings `db` up to the last migration's version. Idempotent. A database newer than the
/// list is refused; a failing statement rolls back its migration and names it. With
/// PostgreSQL, several processes may run this at once: each step takes a transaction-scoped
/// advisory lock and re-reads the version under it. Database::migrate() calls this.
Result<void> applyMigrations(Database &db, const QList<Migration> &migrations);

/// Reads the version from `schema_meta`: 0 for a database without the table.
Result<int> readSchemaVersion(Database &db);

} // namespace lendable
