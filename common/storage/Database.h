#pragma once

#include "storage/Migrations.h"
#include "util/Error.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <memory>

namespace lendable {

enum class SqlDialect { Sqlite, Postgres };

QString sqlDialectName(SqlDialect dialect);

/// The one database setting, URL-like:
///   "sqlite:/abs/path.db", "sqlite:///abs/path.db", a bare file path (all SQLite;
///   "sqlite::memory:" for a private in-memory database),
///   "postgresql://user:pass@host:port/dbname[?key=value…]" ("postgres://" too), where the
///   query may carry host= (a unix socket directory: "postgresql:///db?host=/var/run/postgresql"),
///   port=, user=, password= and any other libpq connection option (sslmode=require, …).
/// SQLite paths are taken literally (no percent-decoding) and made absolute.
struct DatabaseUrl {
    SqlDialect dialect = SqlDialect::Sqlite;
    QString path;      ///< SQLite file
    QString host;      ///< PostgreSQL host name, address or socket directory; empty = libpq default
    int port = -1;
    QString user;
    QString password;
    QString dbName;
    QString options;   ///< libpq options for QSqlDatabase::setConnectOptions ("k='v';k2='v2'")

    static Result<DatabaseUrl> parse(const QString &url);
    /// The URL with the password replaced by "***": the only form fit for logs and errors.
    QString redacted() const;
};

/// One named QSqlDatabase connection, opened and configured for Lendable's rules (WAL,
/// foreign keys, IMMEDIATE write transactions). Move-only; removes its connection when
/// destroyed. Like every QSqlDatabase, use it only in the thread that opened it: open one
/// per thread.
///
/// A statement that fails inside a write transaction poisons it: commit() then rolls back
/// and reports the failure. PostgreSQL works that way anyway (an aborted transaction turns
/// COMMIT into ROLLBACK without an error); SQLite is made to behave the same so code
/// tested on one is right on the other.
class Database {
public:
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;
    ~Database();

    /// SQLite: creates the file (and its directory) if needed, then sets busy_timeout=10000,
    /// journal_mode=WAL, synchronous=FULL, foreign_keys=ON. PostgreSQL: opens and silences
    /// NOTICEs. An empty connection name gets a unique generated one; a name in use is
    /// Internal.
    static Result<Database> open(const QString &url, const QString &connectionName = {});

    QSqlDatabase &db();
    SqlDialect dialect() const;
    /// The URL as given to open(), password included (to open the same database in another
    /// thread); log redactedUrl() instead.
    QString url() const;
    QString redactedUrl() const;
    QString connectionName() const;

    /// See applyMigrations().
    Result<void> migrate(const QList<Migration> &migrations);
    /// The version recorded in schema_meta, 0 if there is none, -1 if it cannot be read.
    int schemaVersion() const;

    /// SQLite "BEGIN IMMEDIATE" (takes the write lock now, so two writers wait on
    /// busy_timeout instead of failing at their first write), PostgreSQL "BEGIN". Prefer
    /// WriteTransaction. Nesting is Internal.
    Result<void> beginWrite();
    /// Commits; on any failure (including an earlier failed statement) rolls back and
    /// returns the error.
    Result<void> commit();
    /// Rolls back an open transaction; does nothing otherwise.
    void rollback();
    bool inTransaction() const;

    /// Runs one statement. With binds, prepares it and binds positional '?' placeholders in
    /// order; without, runs it directly (PostgreSQL cannot PREPARE DDL). The query is
    /// forward-only. Failures are StorageError, or DiskFull for SQLITE_FULL, PostgreSQL's
    /// disk_full (53100) and ENOSPC; the message carries the driver's text and the SQL.
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &binds = {});
    /// exec() with binds through a statement prepared once per connection and kept (for the
    /// hot paths: group commits run the same few statements thousands of times a second).
    /// The returned query is the cached one, owned by this Database: read it before the next
    /// execCached() of the same SQL, which resets it.
    Result<QSqlQuery *> execCached(const QString &sql, const QVariantList &binds);

private:
    Database();
    Error sqlError(const QSqlQuery &query, const QString &sql) const;
    bool runControl(const QString &sql, Error *error);

    struct Private;
    std::unique_ptr<Private> d;
};

/// RAII write transaction: begins in the constructor (check ok()), rolls back in the
/// destructor unless commit() succeeded. A contract is acknowledged only after commit().
class WriteTransaction {
public:
    explicit WriteTransaction(Database &db);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    bool ok() const;
    /// Why beginning failed (when !ok()).
    const Error &error() const;
    Result<void> commit();

private:
    Database &m_db;
    Error m_error;
    bool m_active = false;
};

} // namespace lendable
