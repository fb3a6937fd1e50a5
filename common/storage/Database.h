#pragma once

#include "storage/Migrations.h"
#include "util/Error.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

#include <initializer_list>
#include <memory>

struct sqlite3_stmt;

namespace lendable {

enum class SqlDialect { Sqlite, Postgres };

QString sqlDialectName(SqlDialect dialect);

/// True for a transaction the database gave up on because of other writers: PostgreSQL's
/// deadlock (SQLSTATE 40P01) or serialization failure (40001), SQLite's busy or locked
/// database after its timeout. The transaction was rolled back, nothing of it committed:
/// running it again is safe.
bool isWriteConflict(const Error &e);

/// True for a statement refused because it would have put a second row under a unique key:
/// PostgreSQL's unique_violation (SQLSTATE 23505), SQLite's UNIQUE constraint. On PostgreSQL
/// the transaction is aborted; a row another transaction committed under that key meanwhile
/// is visible to the next one.
bool isUniqueViolation(const Error &e);

/// The one database setting, URL-like:
///   "sqlite:/abs/path.db", "sqlite:///abs/path.db", a bare file path (all SQLite;
///   "sqlite::memory:" for a private in-memory database),
///   "postgresql://user:pass@host:port/dbname[?key=value…]" ("postgres://" too), where the
///   query may carry host= (a unix socket directory: "postgresql:///db?host=/var/run/postgresql"),
///   port=, user=, password=, answer_timeout= (below) and any other libpq connection option
///   (sslmode=require, …).
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
    /// PostgreSQL, "answer_timeout=S" (0 to 86400; 0 = none): how long one wait for the
    /// server's answer (a statement, a batch of rows) may last before the connection is shut
    /// and the statement fails with Timeout: a frozen server (stopped, on a hung disk) holds
    /// its connections open and acknowledged, so nothing else ends the wait. Each session gets
    /// statement_timeout at 80 % of it, unless the URL's options set one, so that a live server
    /// cancels a slow statement first and keeps the connection.
    int answerTimeoutS = 20;

    static Result<DatabaseUrl> parse(const QString &url);
    /// The URL with the password replaced by "***": the only form fit for logs and errors.
    QString redacted() const;
};

/// A value for one '?' of a statement Database::run() runs: NULL, an integer, text or a blob.
/// Text goes to SQLite as UTF-8 without a QVariant; a QByteArray is always a blob.
class SqlValue {
public:
    enum class Kind { Null, Integer, Text, Blob };

    SqlValue() = default;
    SqlValue(std::nullptr_t) {}
    SqlValue(qint64 value) : m_kind(Kind::Integer), m_integer(value) {}
    SqlValue(int value) : m_kind(Kind::Integer), m_integer(value) {}
    SqlValue(bool value) = delete; // say 0 or 1: a bool would silently become an integer
    SqlValue(const QString &text) : m_kind(Kind::Text), m_text(text) {}
    SqlValue(const QByteArray &blob) : m_kind(Kind::Blob), m_blob(blob) {}

    Kind kind() const { return m_kind; }
    qint64 integer() const { return m_integer; }
    const QString &text() const { return m_text; }
    const QByteArray &blob() const { return m_blob; }
    QVariant toVariant() const;

private:
    Kind m_kind = Kind::Null;
    qint64 m_integer = 0;
    QString m_text;
    QByteArray m_blob;
};

/// The rows of a statement Database::run() ran: a forward-only cursor, read with typed
/// getters by column index. On SQLite it reads the statement through SQLite's C API (no
/// QSqlRecord, no QVariant per value, UTF-8 text: a third of the cost of QtSql's path on the
/// market's group commits, docs/performance.md); on PostgreSQL it reads a prepared QSqlQuery.
/// The statement is reset when the object goes: keep it no longer than needed (a SQLite
/// statement left on a row holds its read snapshot), and never past its Database. Move-only.
class SqlRows {
public:
    SqlRows(SqlRows &&other) noexcept;
    SqlRows &operator=(SqlRows &&other) = delete;
    SqlRows(const SqlRows &) = delete;
    SqlRows &operator=(const SqlRows &) = delete;
    ~SqlRows();

    /// Moves to the next row (the first, on the first call); false at the end or on an error
    /// (see error()).
    bool next();
    bool isNull(int column) const;
    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    /// Resets the statement now (what the destructor does): a SQLite statement left on a row
    /// holds its read snapshot, a PostgreSQL one its result set. next() is false after.
    void finish() { release(); }
    /// Rows an INSERT, UPDATE or DELETE changed.
    qint64 rowsAffected() const { return m_changed; }
    /// Why next() stopped early, if it did; the open write transaction, if any, is
    /// poisoned like by a failed run().
    const Error &error() const { return m_error; }

    struct Statement; // SQLite's statement, kept by the Database

private:
    friend class Database;
    SqlRows() = default;
    void release();

    Statement *m_native = nullptr; // SQLite
    QSqlQuery *m_query = nullptr;  // PostgreSQL
    void *m_owner = nullptr;       // Database::Private, for errors
    bool m_pendingRow = false;     // SQLite stepped onto the first row in run()
    bool m_done = false;
    qint64 m_changed = 0;
    Error m_error;
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
///
/// A PostgreSQL connection that is lost (the server restarted, the session was terminated)
/// is opened again when a statement outside a write transaction, or a BEGIN, finds it gone:
/// the statement then runs again if it changes nothing (SELECT, SET, SHOW, BEGIN), or fails
/// saying the connection was lost. A write transaction that loses its connection fails at
/// its next statement or its commit; the next beginWrite() reconnects. After a failed
/// attempt, the next one waits a second (statements fail at once meanwhile, with the same
/// reason). A server that does not answer within answer_timeout (DatabaseUrl) has its
/// connection shut: the statement fails with Timeout, and the next one reconnects after a
/// second (statements meanwhile fail at once with the same reason).
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
    /// An existing SQLite file, to read and nothing else, beside a process that may be
    /// writing it: opened read-only (SQLITE_OPEN_READONLY, query_only), no directory or file
    /// created, no journal mode switched, no migration (SQLite itself may create the WAL's
    /// -wal and -shm files beside a file closed cleanly, as any reader of it does). A file
    /// that is missing is NotFound.
    static Result<Database> openToRead(const QString &sqlitePath);

    QSqlDatabase &db();
    SqlDialect dialect() const;
    /// SQL that lowercases the text `expr` as QString::toLower() does, every script's capitals
    /// ("Ä" too): SQLite's LOWER() and PostgreSQL's under the "C" locale fold ASCII letters only.
    /// On SQLite lendable_lower(), registered on each connection; on PostgreSQL LOWER() under
    /// ICU's root collation when the server has ICU, else plain LOWER().
    QString lowerSql(const QString &expr) const;
    /// The URL as given to open(), password included (to open the same database in another
    /// thread); log redactedUrl() instead.
    QString url() const;
    QString redactedUrl() const;
    QString connectionName() const;

    /// See applyMigrations().
    Result<void> migrate(const QList<Migration> &migrations);
    /// PostgreSQL: the answer_timeout of this connection from now on, in seconds (0: none),
    /// for work known to take long (migrations); the session's statement_timeout stays.
    void setAnswerTimeout(int seconds);
    int answerTimeout() const;
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
    /// After commit() failed: true when PostgreSQL was sent the COMMIT and its answer never
    /// came (the connection was lost, or the server did not answer in time). The transaction
    /// may then have committed, all of it, or not at all; only reading the database again
    /// tells. False after any other failure, where nothing was committed.
    bool commitOutcomeUnknown() const;

    /// Runs one statement. With binds, prepares it and binds positional '?' placeholders in
    /// order; without, runs it directly (PostgreSQL cannot PREPARE DDL). The query is
    /// forward-only on SQLite; on PostgreSQL exec() fetches the whole result (reading it then
    /// waits on nothing), so page what may be large, or use run(). Failures are StorageError,
    /// or DiskFull for SQLITE_FULL, PostgreSQL's disk_full (53100) and ENOSPC, or Timeout for
    /// a PostgreSQL server that did not answer within answer_timeout; the message carries the
    /// driver's text and the SQL.
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &binds = {});
    /// The hot path (group commits run the same few statements thousands of times a second):
    /// a statement prepared once per connection and kept, on SQLite run through SQLite's C
    /// API with typed binds and getters (SqlRows), on PostgreSQL through a kept QSqlQuery. The
    /// same errors as exec(), and a failure poisons the open write transaction the same way.
    /// One SqlRows per SQL text at a time: running the same SQL again while its rows are
    /// still held is Internal.
    Result<SqlRows> run(const QString &sql, std::initializer_list<SqlValue> binds);

private:
    friend class SqlRows;
    Database();
    static Result<Database> openWith(const QString &url, const QString &connectionName, bool toRead);
    /// run() on PostgreSQL: exec() with binds through a QSqlQuery prepared once per
    /// connection and kept. The returned query is the cached one, owned by this Database:
    /// read it before the next execCached() of the same SQL, which resets it.
    Result<QSqlQuery *> execCached(const QString &sql, const QVariantList &binds);
    /// Whether a failed statement reached the server. Not when the connection was known gone
    /// (its error is then the lost connection's own) or it did not prepare: it was not done.
    enum class Sent { NoConnection, NotPrepared, Maybe };
    Result<QSqlQuery *> execCachedOnce(const QString &sql, const QVariantList &binds, Error *error, Sent *sent);
    /// PostgreSQL: libpq knows that the connection is gone (it noticed on a statement).
    bool connectionGone() const;
    Error lostConnectionError(const QString &sql) const;
    /// PostgreSQL: whether the connection still answers (a "SELECT 1").
    bool connectionAlive();
    enum class Recovery {
        StatementFailed, ///< the connection is fine (or SQLite): the statement itself failed
        RunAgain,        ///< reconnected, and the statement changes nothing or was not sent: run it
        ConnectionLost,  ///< the connection is or was gone; \a error says what happened
    };
    /// After a statement failed: on PostgreSQL outside a write transaction, when the
    /// connection turns out to be gone, opens a new one.
    Recovery recoverConnection(Error &error, const QString &sql, Sent sent);
    /// Closes and removes the connection, then frees its statements (see the .cpp).
    void dropConnection();
    /// PostgreSQL: a fresh connection with the same settings. \a why is the failure that
    /// showed the old one gone, for the log.
    Result<void> reconnect(const QString &why);
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
