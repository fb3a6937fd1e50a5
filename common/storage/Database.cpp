#include "Database.h"
#include "storage/SocketWatchdog.h"
#include "util/Paths.h"

#include <QDir>
#include <QLoggingCategory>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <optional>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <unordered_map>
#include <vector>

namespace lendable {

Q_LOGGING_CATEGORY(lcStorage, "lendable.storage")

namespace {

// SQLite's primary result code for "database or disk is full".
constexpr int kSqliteFull = 13;
// PostgreSQL's SQLSTATE for disk_full.
constexpr auto kPgDiskFull = "53100";
constexpr int kBusyTimeoutMs = 10'000;
// After a failed attempt to reconnect to PostgreSQL, the next one waits this long: statements
// meanwhile fail at once with the same reason instead of each waiting connect_timeout.
constexpr qint64 kReconnectPauseMs = 1'000;

// A new PostgreSQL connection's first statement: "relation already exists, skipping" and
// friends would go to the log as warnings.
const auto kQuietNotices = QLatin1String("SET client_min_messages TO warning");

// Why a connection could not be opened: DiskFull when PostgreSQL says its disk is full.
ErrorCode openErrorCode(const QSqlError &e)
{
    return e.nativeErrorCode() == QLatin1String(kPgDiskFull) ? ErrorCode::DiskFull : ErrorCode::StorageError;
}

qint64 steadyNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A statement that may run again on a new connection when the connection it was sent on
// turned out to be gone: it changes nothing, so running it twice is harmless.
bool isRepeatable(const QString &sql)
{
    static const QRegularExpression readOnly(QStringLiteral("^\\s*(SELECT|SET|SHOW|VALUES|BEGIN)\\b"),
                                            QRegularExpression::CaseInsensitiveOption);
    return readOnly.match(sql).hasMatch();
}

QString shortSql(const QString &sql)
{
    const QString oneLine = sql.simplified();
    return oneLine.size() <= 200 ? oneLine : oneLine.left(200) + QChar(0x2026);
}

Error invalidUrl(const QString &why)
{
    return Error(ErrorCode::InvalidArgument, QStringLiteral("invalid database URL: %1").arg(why));
}

// libpq conninfo value: quoted, with ' and \ escaped. QPSQL turns ';' into the separator
// between options, so a value cannot contain one.
QString conninfoValue(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

// The QPSQL connection's settings from the URL, for open() and for a reconnect.
void configurePostgres(QSqlDatabase &db, const DatabaseUrl &u)
{
    db.setDatabaseName(u.dbName);
    if (!u.host.isEmpty())
        db.setHostName(u.host);
    if (u.port >= 0)
        db.setPort(u.port);
    if (!u.user.isEmpty())
        db.setUserName(u.user);
    if (!u.password.isEmpty())
        db.setPassword(u.password);
    // A server that accepts the connection and never answers would hold the process
    // forever (and a market starting up cannot even be stopped meanwhile): 10 s to
    // connect unless the URL says otherwise; and TCP keepalives, so that a server gone
    // from the network is noticed rather than waited for.
    QStringList options = u.options.isEmpty() ? QStringList() : u.options.split(QLatin1Char(';'));
    for (const auto &[name, value] : {std::pair{QStringLiteral("connect_timeout"), QStringLiteral("10")},
                                      std::pair{QStringLiteral("keepalives_idle"), QStringLiteral("30")},
                                      std::pair{QStringLiteral("keepalives_interval"), QStringLiteral("10")},
                                      std::pair{QStringLiteral("keepalives_count"), QStringLiteral("3")}}) {
        const QString prefix = name + QLatin1Char('='); // (a structured binding cannot be captured before C++20 in clang)
        if (!std::any_of(options.cbegin(), options.cend(), [&prefix](const QString &o) { return o.startsWith(prefix); }))
            options << name + QLatin1Char('=') + value;
    }
    db.setConnectOptions(options.join(QLatin1Char(';')));
}

// The SQLSTATE (PostgreSQL) or result code (SQLite) of an error of this file: the last
// " [CODE]" of its message (queryError(), sqliteError()); empty when it has none.
QString nativeCodeOf(const Error &e)
{
    static const QRegularExpression re(QStringLiteral(" \\[([0-9A-Z]{1,5})\\] \\(in: "));
    QString code;
    for (QRegularExpressionMatchIterator it = re.globalMatch(e.message); it.hasNext();)
        code = it.next().captured(1);
    return code;
}

// A failed QSqlQuery's error: StorageError, or DiskFull for SQLITE_FULL, PostgreSQL's
// disk_full and ENOSPC; internal (the database's words and the SQL).
Error queryError(const QSqlQuery &query, const QString &sql, SqlDialect dialect)
{
    const QSqlError e = query.lastError();
    const QString native = e.nativeErrorCode();
    // The database's own words, on one line (PostgreSQL's have several), without Qt's
    // "Unable to execute statement" after them, which says nothing the caller does not know.
    const QString text = (e.databaseText().isEmpty() ? e.text() : e.databaseText()).simplified();
    bool diskFull = text.contains(QLatin1String("database or disk is full"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("No space left on device"), Qt::CaseInsensitive);
    if (dialect == SqlDialect::Sqlite) {
        bool ok = false;
        // Extended result codes keep the primary code in the low byte.
        const int code = native.toInt(&ok);
        diskFull = diskFull || (ok && (code & 0xff) == kSqliteFull);
    } else {
        diskFull = diskFull || native == QLatin1String(kPgDiskFull);
    }
    QString message = text;
    if (!native.isEmpty())
        message += QStringLiteral(" [%1]").arg(native);
    return Error(diskFull ? ErrorCode::DiskFull : ErrorCode::StorageError,
                 QStringLiteral("%1 (in: %2)").arg(message, shortSql(sql)))
        .asInternal();
}

// The statement_timeout a session is given (80 % of answer_timeout), so that a server that
// is slow but alive cancels the statement and keeps the connection before the watchdog shuts
// it: unless the session has a shorter one already (the URL's options, ALTER ROLE … SET).
// "SET statement_timeout" would override those; this sets it only where it is longer or none.
QString statementTimeoutSetting(const DatabaseUrl &u)
{
    if (u.answerTimeoutS <= 0)
        return {};
    return QStringLiteral("SELECT set_config('statement_timeout', '%1', false) FROM pg_settings WHERE name = 'statement_timeout' "
                          "AND (setting::bigint = 0 OR setting::bigint > %1)")
        .arg(qint64(u.answerTimeoutS) * 800);
}

// What a new PostgreSQL session is told first.
QStringList sessionSettings(const DatabaseUrl &u)
{
    QStringList settings{kQuietNotices};
    if (const QString timeout = statementTimeoutSetting(u); !timeout.isEmpty())
        settings << timeout;
    return settings;
}

// \a sql with its '?' placeholders replaced by \a binds as the driver writes literals (the
// same formatValue() QPSQL uses for the parameters of the EXECUTE it sends for a prepared
// statement): one round trip, and no server-side statement whose DEALLOCATE would be one
// more, made when the caller drops the query. '?' inside quotes is left. Empty on a count
// mismatch or a value of a kind no caller binds.
std::optional<QString> withLiterals(const QString &sql, const QVariantList &binds, const QSqlDriver *driver)
{
    QString out;
    out.reserve(sql.size() + binds.size() * 16);
    qsizetype next = 0;
    QChar quote;
    for (const QChar c : sql) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char('?')) {
            if (next >= binds.size())
                return std::nullopt;
            const QVariant &value = binds.at(next++);
            // NULL for what QPSQL's own binding sends as NULL: no value, a null text or blob
            // (a QVariant holding a null QString is not isNull() in Qt 6).
            const int type = value.metaType().id();
            if (!value.isValid() || value.isNull() || (type == QMetaType::QString && value.toString().isNull())
                || (type == QMetaType::QByteArray && value.toByteArray().isNull())) {
                out += QStringLiteral("NULL");
                continue;
            }
            // Only the kinds callers bind (formatValue() writes others as their text, unquoted).
            switch (type) {
            case QMetaType::Int: case QMetaType::UInt: case QMetaType::LongLong: case QMetaType::ULongLong:
            case QMetaType::Double: case QMetaType::Bool: case QMetaType::QString: case QMetaType::QByteArray:
                break;
            default:
                return std::nullopt;
            }
            QSqlField field(QString(), value.metaType());
            field.setValue(value);
            out += driver->formatValue(field);
            continue;
        }
        out += c;
    }
    if (next != binds.size())
        return std::nullopt;
    return out;
}

} // namespace

bool isWriteConflict(const Error &e)
{
    if (e.code != ErrorCode::StorageError)
        return false;
    const QString code = nativeCodeOf(e);
    if (code == QLatin1String("40P01") || code == QLatin1String("40001"))
        return true;
    // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes in the high bytes.
    bool numeric = false;
    const int rc = code.toInt(&numeric);
    return numeric && ((rc & 0xff) == 5 || (rc & 0xff) == 6);
}

bool isUniqueViolation(const Error &e)
{
    if (e.code != ErrorCode::StorageError)
        return false;
    const QString code = nativeCodeOf(e);
    if (code == QLatin1String("23505"))
        return true;
    // SQLITE_CONSTRAINT (19), extended or not; only a unique key's names itself so.
    bool numeric = false;
    const int rc = code.toInt(&numeric);
    return numeric && (rc & 0xff) == 19 && e.message.contains(QLatin1String("UNIQUE constraint failed"));
}

QString sqlDialectName(SqlDialect dialect)
{
    return dialect == SqlDialect::Sqlite ? QStringLiteral("SQLite") : QStringLiteral("PostgreSQL");
}

Result<DatabaseUrl> DatabaseUrl::parse(const QString &url)
{
    const QString text = url.trimmed();
    if (text.isEmpty())
        return invalidUrl(QStringLiteral("the URL is empty"));

    DatabaseUrl r;
    if (text.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
        || text.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive)) {
        // QUrl's own error strings quote the whole URL, password included: say less.
        const QUrl u(text, QUrl::StrictMode);
        if (!u.isValid())
            return invalidUrl(QStringLiteral("not a valid postgresql:// URL (check the host, port and percent-encoding)"));
        r.dialect = SqlDialect::Postgres;
        r.user = u.userName(QUrl::FullyDecoded);
        r.password = u.password(QUrl::FullyDecoded);
        r.host = u.host(QUrl::FullyDecoded);
        r.port = u.port(-1);
        const QString path = u.path(QUrl::FullyDecoded);
        r.dbName = path.startsWith(QLatin1Char('/')) ? path.mid(1) : path;

        QStringList options;
        static const QRegularExpression optionName(QStringLiteral("^[a-z_]+$"));
        const auto items = QUrlQuery(u).queryItems(QUrl::FullyDecoded);
        for (const auto &[name, value] : items) {
            if (name == QLatin1String("host")) {
                r.host = value;
            } else if (name == QLatin1String("port")) {
                bool ok = false;
                r.port = value.toInt(&ok);
                if (!ok || r.port <= 0 || r.port > 65535)
                    return invalidUrl(QStringLiteral("port \"%1\" is not a port number").arg(value));
            } else if (name == QLatin1String("user")) {
                r.user = value;
            } else if (name == QLatin1String("password")) {
                r.password = value;
            } else if (name == QLatin1String("dbname")) {
                r.dbName = value;
            } else if (name == QLatin1String("answer_timeout")) { // ours, not libpq's
                bool ok = false;
                r.answerTimeoutS = value.toInt(&ok);
                if (!ok || r.answerTimeoutS < 0 || r.answerTimeoutS > 86'400)
                    return invalidUrl(QStringLiteral("answer_timeout \"%1\" is not a number of seconds from 0 to 86400").arg(value));
            } else {
                if (!optionName.match(name).hasMatch())
                    return invalidUrl(QStringLiteral("\"%1\" is not a connection option name").arg(name));
                if (value.contains(QLatin1Char(';')))
                    return invalidUrl(QStringLiteral("the value of option %1 contains ';'").arg(name));
                options << name + QLatin1Char('=') + conninfoValue(value);
            }
        }
        r.options = options.join(QLatin1Char(';'));
        if (r.dbName.isEmpty() || r.dbName.contains(QLatin1Char('/')))
            return invalidUrl(QStringLiteral("a postgresql:// URL needs one database name after the host (…/dbname)"));
        return r;
    }

    static const QRegularExpression otherScheme(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    QString path;
    if (text.startsWith(QLatin1String("sqlite:"), Qt::CaseInsensitive)) {
        path = text.mid(7);
        if (path.startsWith(QLatin1String("//"))) {
            if (!path.startsWith(QLatin1String("///")))
                return invalidUrl(QStringLiteral("a sqlite URL has no host: write sqlite:///abs/path.db or sqlite:/abs/path.db"));
            path = path.mid(2);
        }
    } else if (const auto m = otherScheme.match(text); m.hasMatch()) {
        return invalidUrl(QStringLiteral("unsupported scheme \"%1\" (use sqlite: or postgresql://)").arg(m.captured(1)));
    } else {
        path = text;
    }
    if (path.isEmpty())
        return invalidUrl(QStringLiteral("no SQLite file path"));
    r.dialect = SqlDialect::Sqlite;
    r.path = path == QLatin1String(":memory:") ? path : QFileInfo(path).absoluteFilePath();
    return r;
}

QString DatabaseUrl::redacted() const
{
    if (dialect == SqlDialect::Sqlite)
        return QStringLiteral("sqlite:") + path;
    QString out = QStringLiteral("postgresql://");
    if (!user.isEmpty() || !password.isEmpty()) {
        out += QString::fromUtf8(QUrl::toPercentEncoding(user));
        if (!password.isEmpty())
            out += QStringLiteral(":***");
        out += QLatin1Char('@');
    }
    const bool socketDir = host.startsWith(QLatin1Char('/'));
    if (!socketDir)
        out += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    if (port >= 0)
        out += QLatin1Char(':') + QString::number(port);
    out += QLatin1Char('/') + dbName;
    QStringList query;
    if (socketDir)
        query << QStringLiteral("host=") + host;
    if (!options.isEmpty())
        query << options.split(QLatin1Char(';'));
    if (!query.isEmpty())
        out += QLatin1Char('?') + query.join(QLatin1Char('&'));
    return out;
}

struct Database::Private {
    QSqlDatabase db;
    QString connectionName;
    QString url;
    DatabaseUrl parsed;
    bool inTransaction = false;
    // The first failure inside the open write transaction, reported by commit().
    Error transactionError;
    bool commitOutcomeUnknown = false; // of the last commit() (commitOutcomeUnknown())
    // execCached(): prepared statements by SQL text.
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> statements; // stable addresses
    // Statements that failed, freed once that is possible: on PostgreSQL, freeing one is a
    // DEALLOCATE, which an aborted transaction refuses ("Unable to free statement", and the
    // server would keep it for the connection's life), and a lost connection cannot send. So
    // at the end of the transaction, at once outside one, or by the reconnect.
    std::vector<std::unique_ptr<QSqlQuery>> doomed;
    // run() on SQLite: the connection's own handle, and its statements by SQL text.
    sqlite3 *native = nullptr;
    std::unordered_map<QString, std::unique_ptr<SqlRows::Statement>> nativeStatements;
    // PostgreSQL: run()'s rows being read now, which hold cached statements; a reconnect
    // waits until there are none.
    int openRows = 0;
    // PostgreSQL: after a failed reconnect, no new attempt before this time (a server that
    // is unreachable makes each attempt wait connect_timeout), and why it failed.
    qint64 reconnectNotBeforeMs = 0;
    Error reconnectError;
    // PostgreSQL: a duplicate of libpq's socket (-1 while there is none), watched while a call
    // waits for the server's answer (see answerTimeoutS). Shutting it down shuts libpq's
    // socket; and as it is this object's own descriptor, its number is never another's (libpq
    // closes its own when it finds the connection broken, and the number may be reused).
    int watchFd = -1;
    int answerTimeoutS = 0; // answer_timeout, or the override of setAnswerTimeout()
    bool icuCollation = false; // PostgreSQL: "und-x-icu" exists (lowerSql())

    void noteFailure(const Error &error)
    {
        if (inTransaction && !transactionError.isError())
            transactionError = error;
    }

    /// Arms the deadline for one wait on the server (nothing on SQLite or with answer_timeout=0).
    SocketWatch watch() const { return SocketWatch(watchFd, qint64(answerTimeoutS) * 1000); }

    /// Watches the new connection's socket; false if the driver gives no libpq handle.
    bool watchConnection()
    {
        forgetConnection();
        const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
        // Qt registers it under libpq's struct name ("pg_conn*"), the typedef's in other builds.
        if (!handle.isValid() || (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0))
            return false;
        PGconn *conn = *static_cast<PGconn *const *>(handle.constData());
        const int fd = conn ? PQsocket(conn) : -1;
        watchFd = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
        return watchFd >= 0;
    }
    void forgetConnection()
    {
        if (watchFd >= 0)
            ::close(watchFd);
        watchFd = -1;
    }

    /// The server did not answer \a sql in time and its connection was shut down (see
    /// SocketWatch). The next statement reconnects, but not within a second: a frozen server
    /// would make every statement meanwhile wait connect_timeout; they get this error at once.
    Error unanswered(const QString &sql)
    {
        // (One arg() call: a percent-encoded URL may hold "%2".)
        const Error why = Error(ErrorCode::Timeout, QStringLiteral("the database %1 did not answer within %2 s, so its "
                                                                   "connection was closed")
                                                        .arg(parsed.redacted(), QString::number(answerTimeoutS)))
                              .asInternal();
        reconnectNotBeforeMs = qMax(reconnectNotBeforeMs, steadyNowMs() + kReconnectPauseMs);
        reconnectError = why;
        // A server that was only frozen finishes what it had received once it runs again.
        QString outcome;
        if (sql.trimmed().startsWith(QLatin1String("COMMIT"), Qt::CaseInsensitive))
            outcome = QStringLiteral("; whether the transaction was committed is not known");
        else if (!inTransaction && !isRepeatable(sql))
            outcome = QStringLiteral("; the statement may or may not have been done");
        const Error error = Error(why.code, QStringLiteral("%1%2 (in: %3)").arg(why.message, outcome, shortSql(sql))).asInternal();
        noteFailure(error);
        return error;
    }

    /// Frees the failed statements (a DEALLOCATE each on PostgreSQL: a wait on the server).
    void freeDoomed()
    {
        if (doomed.empty())
            return;
        SocketWatch w = watch();
        doomed.clear();
        if (w.stop())
            (void)unanswered(QStringLiteral("DEALLOCATE"));
    }
};

// One SQLite statement of run()'s cache.
struct SqlRows::Statement {
    sqlite3_stmt *stmt = nullptr;
    QString sql;
    std::vector<QByteArray> held; // the UTF-8 text bound without a copy (SQLITE_STATIC), until the reset
    bool busy = false;            // a SqlRows reads it now

    Statement() = default;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement() { sqlite3_finalize(stmt); }
};

namespace {

// lendable_lower(TEXT) in SQLite's SQL: QString::toLower(), which folds every script's capitals
// ("Ä" too), where SQLite's own LOWER() folds ASCII letters only. A filter lowercased by Qt
// then finds what it names, whatever its letters.
void unicodeLower(sqlite3_context *context, int, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto *text = static_cast<const char16_t *>(sqlite3_value_text16(argv[0]));
    const int bytes = sqlite3_value_bytes16(argv[0]);
    const QString lower = QStringView(text, bytes / 2).toString().toLower();
    sqlite3_result_text16(context, lower.utf16(), int(lower.size() * 2), SQLITE_TRANSIENT);
}

// A SQLite failure as Lendable's error: DiskFull for SQLITE_FULL and for a write that failed
// with ENOSPC, StorageError otherwise.
Error sqliteError(sqlite3 *db, int rc, const QString &sql)
{
    const int primary = rc & 0xff;
    const bool diskFull = primary == SQLITE_FULL || (primary == SQLITE_IOERR && sqlite3_system_errno(db) == ENOSPC);
    // One arg() call: SQLite's words may hold "%2" (a name or value it quotes).
    const QString message = QStringLiteral("%1 [%2] (in: %3)").arg(QString::fromUtf8(sqlite3_errmsg(db)), QString::number(rc), shortSql(sql));
    return Error(diskFull ? ErrorCode::DiskFull : ErrorCode::StorageError, message).asInternal();
}

} // namespace

QVariant SqlValue::toVariant() const
{
    switch (m_kind) {
    case Kind::Null:
        return QVariant(QMetaType(QMetaType::LongLong));
    case Kind::Integer:
        return QVariant(m_integer);
    case Kind::Text:
        // Qt binds a null QString as NULL; a SqlValue of text is always text.
        return QVariant(m_text.isNull() ? QStringLiteral("") : m_text);
    case Kind::Blob:
        // Likewise a null QByteArray: a blob is an empty blob, not NULL.
        return QVariant(m_blob.isNull() ? QByteArray("") : m_blob);
    }
    return {};
}

SqlRows::SqlRows(SqlRows &&other) noexcept
    : m_native(std::exchange(other.m_native, nullptr)),
      m_query(std::exchange(other.m_query, nullptr)),
      m_owner(other.m_owner),
      m_pendingRow(other.m_pendingRow),
      m_done(other.m_done),
      m_changed(other.m_changed),
      m_error(std::move(other.m_error))
{
}

SqlRows::~SqlRows()
{
    release();
}

void SqlRows::release()
{
    if (m_native) {
        sqlite3_reset(m_native->stmt);
        m_native->held.clear();
        m_native->busy = false;
        m_native = nullptr;
    }
    if (m_query) {
        {
            // Rows not read yet are read to the end (libpq has no other way): a wait.
            auto *owner = static_cast<Database::Private *>(m_owner);
            SocketWatch watch = owner->watch();
            m_query->finish();
            if (watch.stop())
                (void)owner->unanswered(m_query->lastQuery()); // noted for the transaction
        }
        m_query = nullptr;
        --static_cast<Database::Private *>(m_owner)->openRows;
    }
}

bool SqlRows::next()
{
    if (m_query) {
        auto *owner = static_cast<Database::Private *>(m_owner);
        SocketWatch watch = owner->watch(); // each row is a wait on the server
        const bool more = m_query->next();
        if (watch.stop())
            m_error = owner->unanswered(m_query->lastQuery());
        else if (!more && m_query->lastError().isValid()) // not the end: the rows stopped coming
            m_error = queryError(*m_query, m_query->lastQuery(), owner->parsed.dialect);
        if (m_error.isError()) {
            owner->noteFailure(m_error);
            return false;
        }
        return more;
    }
    if (!m_native || m_done)
        return false;
    if (std::exchange(m_pendingRow, false))
        return true;
    const int rc = sqlite3_step(m_native->stmt);
    if (rc == SQLITE_ROW)
        return true;
    m_done = true;
    sqlite3 *db = sqlite3_db_handle(m_native->stmt);
    if (rc == SQLITE_DONE) {
        m_changed = sqlite3_changes64(db);
        return false;
    }
    m_error = sqliteError(db, rc, m_native->sql);
    static_cast<Database::Private *>(m_owner)->noteFailure(m_error);
    return false;
}

bool SqlRows::isNull(int column) const
{
    if (m_query)
        return m_query->isNull(column);
    return !m_native || sqlite3_column_type(m_native->stmt, column) == SQLITE_NULL;
}

qint64 SqlRows::int64(int column) const
{
    if (m_query)
        return m_query->value(column).toLongLong();
    return m_native ? sqlite3_column_int64(m_native->stmt, column) : 0;
}

QString SqlRows::text(int column) const
{
    if (m_query)
        return m_query->value(column).toString();
    if (!m_native)
        return {};
    const auto *utf8 = reinterpret_cast<const char *>(sqlite3_column_text(m_native->stmt, column));
    if (!utf8)
        return {};
    return QString::fromUtf8(utf8, sqlite3_column_bytes(m_native->stmt, column));
}

QByteArray SqlRows::blob(int column) const
{
    if (m_query)
        return m_query->value(column).toByteArray();
    if (!m_native)
        return {};
    const void *data = sqlite3_column_blob(m_native->stmt, column);
    if (!data)
        return {};
    return QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(m_native->stmt, column));
}

Database::Database() : d(std::make_unique<Private>()) {}

Database::Database(Database &&other) noexcept = default;

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        Database doomed(std::move(*this));
        d = std::move(other.d);
    }
    return *this;
}

Database::~Database()
{
    if (!d)
        return;
    rollback();
    d->nativeStatements.clear(); // finalized before the connection closes
    d->native = nullptr;
    // Every handle must be gone before removeDatabase(), or Qt warns that the connection
    // is still in use.
    dropConnection();
}

Result<Database> Database::open(const QString &url, const QString &connectionName)
{
    return openWith(url, connectionName, false);
}

Result<Database> Database::openToRead(const QString &sqlitePath)
{
    if (!QFileInfo(sqlitePath).isFile())
        return Error(ErrorCode::NotFound, QStringLiteral("there is no database file %1").arg(sqlitePath));
    return openWith(QStringLiteral("sqlite:") + sqlitePath, QString(), true);
}

Result<Database> Database::openWith(const QString &url, const QString &connectionName, bool toRead)
{
    auto parsed = DatabaseUrl::parse(url);
    if (!parsed)
        return parsed.error();

    static std::atomic<quint64> counter{0};
    const QString name =
        connectionName.isEmpty() ? QStringLiteral("lendable-db-%1").arg(counter.fetch_add(1) + 1) : connectionName;
    if (QSqlDatabase::contains(name))
        return Error(ErrorCode::Internal, QStringLiteral("database connection name \"%1\" is already in use").arg(name));

    const QString driver = parsed->dialect == SqlDialect::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        return Error(ErrorCode::StorageError,
                     QStringLiteral("the Qt SQL driver %1 for %2 is not installed").arg(driver, sqlDialectName(parsed->dialect)));
    }

    Database database;
    database.d->url = url;
    database.d->parsed = *parsed;
    database.d->connectionName = name;
    database.d->db = QSqlDatabase::addDatabase(driver, name);
    QSqlDatabase &db = database.d->db;
    const DatabaseUrl &u = database.d->parsed;

    if (u.dialect == SqlDialect::Sqlite) {
        if (u.path != QLatin1String(":memory:") && !toRead) {
            const QString dir = QFileInfo(u.path).absolutePath();
            if (Result<void> made = makeDirectory(dir); !made)
                return Error(ErrorCode::StorageError, made.error().message);
        }
        db.setDatabaseName(u.path);
        // From the first statement on, so even the journal_mode switch waits for a busy peer.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs)
                             + (toRead ? QStringLiteral(";QSQLITE_OPEN_READONLY") : QString()));
    } else {
        configurePostgres(db, u);
    }

    if (!db.open()) {
        return Error(openErrorCode(db.lastError()), QStringLiteral("cannot open the database %1: %2").arg(u.redacted(), db.lastError().text()));
    }

    if (u.dialect == SqlDialect::Sqlite && toRead) {
        // The last reads the file: one that is no database fails here, named.
        for (const QString &pragma : {QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs), QStringLiteral("PRAGMA query_only = ON"),
                                      QStringLiteral("SELECT count(*) FROM sqlite_master")}) {
            if (auto q = database.exec(pragma); !q)
                return q.error().within(QStringLiteral("cannot open the database %1: ").arg(u.redacted()));
        }
    } else if (u.dialect == SqlDialect::Sqlite) {
        const QStringList pragmas{
            QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs),
            QStringLiteral("PRAGMA journal_mode = WAL"),
            // FULL: a committed contract survives a power cut, not just a crash.
            QStringLiteral("PRAGMA synchronous = FULL"),
            QStringLiteral("PRAGMA foreign_keys = ON"),
            // A market's tables outgrow SQLite's default 2 MiB page cache: its group commits
            // then spilled pages and read them back from the kernel on every lookup (a fifth
            // of the writer's time). Up to 32 MiB per connection, taken only as the data grows.
            QStringLiteral("PRAGMA cache_size = -32768"),
        };
        for (const QString &pragma : pragmas) {
            auto q = database.exec(pragma);
            if (!q) // the first statement to read the file: a corrupt one fails here, so name it
                return q.error().within(QStringLiteral("cannot open the database %1: ").arg(u.redacted()));
            if (pragma.contains(QLatin1String("journal_mode"))) {
                // SQLite answers with the mode it actually uses; an in-memory database
                // cannot use WAL and says "memory".
                const QString mode = q->next() ? q->value(0).toString().toLower() : QString();
                if (mode != QLatin1String("wal") && !(u.path == QLatin1String(":memory:") && mode == QLatin1String("memory"))) {
                    return Error(ErrorCode::StorageError,
                                 QStringLiteral("%1 cannot use WAL mode (journal_mode is \"%2\")").arg(u.path, mode));
                }
            }
        }
    }
    if (u.dialect == SqlDialect::Sqlite) {
        // run()'s statements go straight to SQLite, on the connection Qt opened.
        const QVariant handle = db.driver()->handle();
        if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
            database.d->native = *static_cast<sqlite3 *const *>(handle.constData());
        if (!database.d->native)
            return Error(ErrorCode::Internal, QStringLiteral("the Qt SQLite driver gave no handle for %1").arg(u.path));
        if (const int rc = sqlite3_create_function_v2(database.d->native, "lendable_lower", 1, SQLITE_UTF16 | SQLITE_DETERMINISTIC,
                                                      nullptr, unicodeLower, nullptr, nullptr, nullptr);
            rc != SQLITE_OK)
            return sqliteError(database.d->native, rc, QStringLiteral("lendable_lower()"));
    } else {
        database.d->answerTimeoutS = u.answerTimeoutS;
        if (!database.d->watchConnection()) // without it, a server that stops answering would hold statements forever
            return Error(ErrorCode::Internal, QStringLiteral("the Qt PostgreSQL driver gave no libpq socket for %1").arg(u.redacted()));
        for (const QString &setting : sessionSettings(u)) {
            if (auto q = database.exec(setting); !q)
                return q.error().within(QStringLiteral("cannot open the database %1: ").arg(u.redacted()));
        }
        // Tried, not looked up: the collation is listed in every database of a server built
        // with ICU, also one whose encoding ICU cannot take (SQL_ASCII), where using it fails.
        auto icu = database.exec(QStringLiteral("SELECT LOWER('A' COLLATE \"und-x-icu\")"));
        database.d->icuCollation = icu && icu->next() && icu->value(0).toString() == QLatin1String("a");
    }
    return database;
}

QString Database::lowerSql(const QString &expr) const
{
    if (d->parsed.dialect == SqlDialect::Sqlite)
        return QStringLiteral("lendable_lower(%1)").arg(expr);
    return d->icuCollation ? QStringLiteral("LOWER((%1) COLLATE \"und-x-icu\")").arg(expr) : QStringLiteral("LOWER(%1)").arg(expr);
}

void Database::setAnswerTimeout(int seconds)
{
    d->answerTimeoutS = qMax(0, seconds);
}

int Database::answerTimeout() const
{
    return d->answerTimeoutS;
}

QSqlDatabase &Database::db()
{
    return d->db;
}

SqlDialect Database::dialect() const
{
    return d->parsed.dialect;
}

QString Database::url() const
{
    return d->url;
}

QString Database::redactedUrl() const
{
    return d->parsed.redacted();
}

QString Database::connectionName() const
{
    return d->connectionName;
}

Result<void> Database::migrate(const QList<Migration> &migrations)
{
    // The first write to the file, so a read-only or full one fails here: name the database.
    if (Result<void> migrated = applyMigrations(*this, migrations); !migrated)
        return migrated.error().within(QStringLiteral("the database %1: ").arg(d->parsed.redacted()));
    return {};
}

int Database::schemaVersion() const
{
    // readSchemaVersion() needs a mutable Database only to run queries; it changes nothing.
    const auto version = readSchemaVersion(const_cast<Database &>(*this));
    return version ? *version : -1;
}

Error Database::sqlError(const QSqlQuery &query, const QString &sql) const
{
    return queryError(query, sql, d->parsed.dialect);
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantList &binds)
{
    for (int attempt = 0;; ++attempt) {
        if (connectionGone()) {
            Error error = lostConnectionError(sql);
            if (attempt == 0 && recoverConnection(error, sql, Sent::NoConnection) == Recovery::RunAgain)
                continue;
            d->noteFailure(error);
            return error;
        }
        QSqlQuery query(d->db);
        // PostgreSQL: the whole result comes with exec() (not row by row in next(), which
        // callers run without the deadline).
        query.setForwardOnly(d->parsed.dialect == SqlDialect::Sqlite);
        bool ok = false;
        Sent sent = Sent::NotPrepared; // until it is executed
        // PostgreSQL: the values go into the text (see withLiterals()); a prepared statement
        // would be freed by a DEALLOCATE when the caller drops the query, a wait on the
        // server outside any deadline.
        std::optional<QString> text;
        if (binds.isEmpty()) {
            text = sql;
        } else if (d->parsed.dialect == SqlDialect::Postgres) {
            text = withLiterals(sql, binds, d->db.driver());
            if (!text) {
                const Error error = Error(ErrorCode::Internal, QStringLiteral("%1 values (of the kinds bound: integers, numbers, text, bytes) "
                                                                              "for the placeholders of: %2")
                                                                   .arg(binds.size())
                                                                   .arg(shortSql(sql)))
                                        .asInternal();
                d->noteFailure(error);
                return error;
            }
        }
        SocketWatch watch = d->watch();
        if (text) {
            sent = Sent::Maybe;
            ok = query.exec(*text);
        } else {
            ok = query.prepare(sql);
            if (ok) {
                for (const QVariant &value : binds)
                    query.addBindValue(value);
                sent = Sent::Maybe;
                ok = query.exec();
            }
        }
        if (watch.stop()) {
            // The connection is shut: not reconnected now (see unanswered()).
            Error error = d->unanswered(sql);
            query = QSqlQuery();
            d->noteFailure(error);
            return error;
        }
        if (ok)
            return query;
        Error error = sqlError(query, sql);
        query = QSqlQuery(); // no result of the old connection outlives a reconnect
        if (attempt == 0 && recoverConnection(error, sql, sent) == Recovery::RunAgain)
            continue;
        d->noteFailure(error);
        return error;
    }
}

Result<QSqlQuery *> Database::execCached(const QString &sql, const QVariantList &binds)
{
    for (int attempt = 0;; ++attempt) {
        Error error;
        Sent sent = Sent::NotPrepared;
        if (Result<QSqlQuery *> q = execCachedOnce(sql, binds, &error, &sent); q)
            return q;
        const Recovery recovery = attempt == 0 ? recoverConnection(error, sql, sent) : Recovery::ConnectionLost;
        if (recovery == Recovery::RunAgain)
            continue;
        if (recovery == Recovery::StatementFailed && !d->inTransaction)
            d->freeDoomed(); // the connection is fine: free it now
        d->noteFailure(error);
        return error;
    }
}

Result<QSqlQuery *> Database::execCachedOnce(const QString &sql, const QVariantList &binds, Error *error, Sent *sent)
{
    if (connectionGone()) {
        *sent = Sent::NoConnection;
        *error = lostConnectionError(sql);
        return *error;
    }
    *sent = Sent::NotPrepared;
    // Freeing, preparing and running each wait on the server.
    SocketWatch watch = d->watch();
    // A bound on the cache, should a caller ever build SQL text from data.
    constexpr size_t kMaxStatements = 256;
    auto it = d->statements.find(sql);
    if (it == d->statements.end()) {
        if (d->statements.size() >= kMaxStatements && d->openRows == 0)
            d->statements.clear();
        auto query = std::make_unique<QSqlQuery>(d->db);
        query->setForwardOnly(true);
        if (!query->prepare(sql)) {
            *error = watch.stop() ? d->unanswered(sql) : sqlError(*query, sql);
            return *error;
        }
        it = d->statements.emplace(sql, std::move(query)).first;
    }
    QSqlQuery *query = it->second.get();
    query->finish();
    for (qsizetype i = 0; i < binds.size(); ++i)
        query->bindValue(int(i), binds[i]);
    *sent = Sent::Maybe;
    const bool ok = query->exec();
    if (const bool fired = watch.stop(); fired || !ok) {
        *error = fired ? d->unanswered(sql) : sqlError(*query, sql);
        // A statement the server forgot (a PostgreSQL reconnect) is prepared anew next time;
        // this one is freed later (see Private::doomed).
        d->doomed.push_back(std::move(it->second));
        d->statements.erase(it);
        return *error;
    }
    return query;
}

bool Database::connectionGone() const
{
    // QPSQL's isOpen() is libpq's connection status: false once the server is gone.
    return d->parsed.dialect == SqlDialect::Postgres && !d->db.isOpen();
}

Error Database::lostConnectionError(const QString &sql) const
{
    return Error(ErrorCode::StorageError,
                 QStringLiteral("the connection to the database %1 is lost (in: %2)").arg(d->parsed.redacted(), shortSql(sql)))
        .asInternal();
}

bool Database::connectionAlive()
{
    QSqlQuery probe(d->db);
    SocketWatch watch = d->watch();
    const bool answered = probe.exec(QStringLiteral("SELECT 1"));
    if (watch.stop()) {
        (void)d->unanswered(QStringLiteral("SELECT 1")); // the reconnect that follows waits a second
        return false;
    }
    return answered;
}

Database::Recovery Database::recoverConnection(Error &error, const QString &sql, Sent sent)
{
    // SQLite has no connection to lose; inside a transaction what was done is gone with the
    // session, so the transaction fails and the next one reconnects (beginWrite()).
    if (d->parsed.dialect != SqlDialect::Postgres || error.code == ErrorCode::DiskFull)
        return Recovery::StatementFailed;
    if (error.code == ErrorCode::Timeout) // unanswered(): reconnecting now would wait on the same server
        return Recovery::ConnectionLost;
    if (d->inTransaction) // not asked (the transaction is aborted either way): libpq's word is taken
        return connectionGone() ? Recovery::ConnectionLost : Recovery::StatementFailed;
    if (!connectionGone() && connectionAlive())
        return Recovery::StatementFailed;
    // What went wrong, for the messages below, which name the database themselves: the
    // statement alone when the error is the lost connection's own (which names it too).
    const QString lost = sent == Sent::NoConnection ? QStringLiteral("in: %1").arg(shortSql(sql)) : error.message;
    if (Result<void> reconnected = reconnect(lost); !reconnected) {
        error = reconnected.error();
        return Recovery::ConnectionLost;
    }
    // A statement that never reached the server was not done: it runs now, once.
    if (sent != Sent::Maybe || isRepeatable(sql))
        return Recovery::RunAgain;
    error.message = QStringLiteral("the connection to the database %1 was lost while this statement ran, so it may or may not "
                                   "have been done; the connection is back (%2)")
                        .arg(d->parsed.redacted(), lost);
    return Recovery::ConnectionLost;
}

void Database::dropConnection()
{
    // The driver goes before the statements: a statement freed after it sends nothing, where
    // a DEALLOCATE on a lost connection (or to a new session that never knew the statement)
    // would fail and Qt would warn for each. The server frees them with the session.
    auto statements = std::move(d->statements);
    d->statements.clear();
    auto doomed = std::move(d->doomed);
    d->doomed.clear();
    const QString name = d->connectionName;
    d->db.close();
    d->forgetConnection(); // after libpq's: the socket closes with the last descriptor
    d->db = QSqlDatabase();
    if (!name.isEmpty())
        QSqlDatabase::removeDatabase(name);
}

Result<void> Database::reconnect(const QString &why)
{
    const QString where = d->parsed.redacted();
    if (d->openRows > 0) {
        return Error(ErrorCode::StorageError,
                     QStringLiteral("the connection to the database %1 was lost (%2); it is opened again once the rows being "
                                    "read are released")
                         .arg(where, why))
            .asInternal();
    }
    const qint64 now = steadyNowMs();
    if (now < d->reconnectNotBeforeMs)
        return d->reconnectError;

    // Prepared statements died with the session.
    dropConnection();
    d->db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), d->connectionName);
    configurePostgres(d->db, d->parsed);
    Error failed;
    if (!d->db.open()) {
        const QSqlError e = d->db.lastError();
        failed = Error(openErrorCode(e), QStringLiteral("the connection to the database %1 was lost and reconnecting failed: %2")
                           .arg(where, e.text().simplified()))
                     .asInternal();
    } else {
        if (!d->watchConnection())
            failed = Error(ErrorCode::Internal, QStringLiteral("the connection to the database %1 was lost; the Qt PostgreSQL driver "
                                                               "gave no libpq socket for the new one")
                                                    .arg(where))
                         .asInternal();
        for (const QString &setting : failed.isError() ? QStringList() : sessionSettings(d->parsed)) {
            if (!runControl(setting, &failed)) {
                failed = failed.within(QStringLiteral("the connection to the database %1 was lost; the new one failed: ").arg(where));
                break;
            }
        }
    }
    if (failed.isError()) {
        // A second, or as long as the attempt took (a server that accepts and never answers
        // makes each one wait connect_timeout): a thread then spends at most half its time
        // trying, and the statements meanwhile fail at once.
        const qint64 ended = steadyNowMs();
        d->reconnectNotBeforeMs = qMax(d->reconnectNotBeforeMs, ended + qMax(kReconnectPauseMs, ended - now));
        d->reconnectError = failed;
        d->db.close();
        d->forgetConnection();
        return failed;
    }
    d->reconnectNotBeforeMs = 0;
    d->reconnectError = Error();
    qCWarning(lcStorage).noquote() << QStringLiteral("the connection to the database %1 was lost and is open again (%2)")
                                          .arg(where, why.simplified().left(300));
    return {};
}

Result<SqlRows> Database::run(const QString &sql, std::initializer_list<SqlValue> binds)
{
    SqlRows rows;
    rows.m_owner = d.get();
    if (!d->native) {
        QVariantList values;
        values.reserve(qsizetype(binds.size()));
        for (const SqlValue &v : binds)
            values.append(v.toVariant());
        Result<QSqlQuery *> q = execCached(sql, values);
        if (!q)
            return q.error();
        rows.m_query = *q;
        ++d->openRows;
        rows.m_changed = (*q)->numRowsAffected();
        return rows;
    }

    // The same bound as execCached()'s, should a caller ever build SQL text from data; a
    // statement that is being read stays.
    constexpr size_t kMaxStatements = 256;
    auto it = d->nativeStatements.find(sql);
    if (it == d->nativeStatements.end()) {
        if (d->nativeStatements.size() >= kMaxStatements)
            std::erase_if(d->nativeStatements, [](const auto &entry) { return !entry.second->busy; });
        auto statement = std::make_unique<SqlRows::Statement>();
        statement->sql = sql;
        const QByteArray utf8 = sql.toUtf8();
        const int rc = sqlite3_prepare_v3(d->native, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT,
                                          &statement->stmt, nullptr);
        if (rc != SQLITE_OK || !statement->stmt) {
            const Error error = rc != SQLITE_OK ? sqliteError(d->native, rc, sql)
                                                : Error(ErrorCode::Internal, QStringLiteral("no SQL statement in: %1").arg(shortSql(sql)));
            d->noteFailure(error);
            return error;
        }
        it = d->nativeStatements.emplace(sql, std::move(statement)).first;
    }
    SqlRows::Statement &st = *it->second;
    if (st.busy)
        return Error(ErrorCode::Internal, QStringLiteral("a statement run again while its rows are still read: %1").arg(shortSql(sql)));
    if (int(binds.size()) != sqlite3_bind_parameter_count(st.stmt)) {
        const Error error(ErrorCode::Internal, QStringLiteral("%1 values for %2 parameters in: %3")
                                                   .arg(binds.size())
                                                   .arg(sqlite3_bind_parameter_count(st.stmt))
                                                   .arg(shortSql(sql)));
        d->noteFailure(error);
        return error;
    }
    int column = 1;
    int rc = SQLITE_OK;
    for (const SqlValue &v : binds) {
        switch (v.kind()) {
        case SqlValue::Kind::Null:
            rc = sqlite3_bind_null(st.stmt, column);
            break;
        case SqlValue::Kind::Integer:
            rc = sqlite3_bind_int64(st.stmt, column, v.integer());
            break;
        case SqlValue::Kind::Text:
            // Text, also when empty: a null pointer would bind NULL.
            st.held.push_back(v.text().isEmpty() ? QByteArray("") : v.text().toUtf8());
            rc = sqlite3_bind_text(st.stmt, column, st.held.back().constData(), int(st.held.back().size()), SQLITE_STATIC);
            break;
        case SqlValue::Kind::Blob:
            // A null QByteArray has no data pointer, which SQLite would bind as NULL.
            st.held.push_back(v.blob().isNull() ? QByteArray("") : v.blob());
            rc = sqlite3_bind_blob(st.stmt, column, st.held.back().constData(), int(st.held.back().size()), SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK)
            break;
        ++column;
    }
    st.busy = true;
    rows.m_native = &st; // from here on, ~SqlRows resets the statement
    if (rc != SQLITE_OK) {
        const Error error = sqliteError(d->native, rc, sql);
        d->noteFailure(error);
        return error;
    }
    rc = sqlite3_step(st.stmt);
    if (rc == SQLITE_ROW) {
        rows.m_pendingRow = true;
        return rows;
    }
    if (rc == SQLITE_DONE) {
        rows.m_done = true;
        rows.m_changed = sqlite3_changes64(d->native);
        return rows;
    }
    const Error error = sqliteError(d->native, rc, sql);
    d->noteFailure(error);
    return error;
}

bool Database::runControl(const QString &sql, Error *error)
{
    if (connectionGone()) {
        if (error)
            *error = lostConnectionError(sql);
        return false;
    }
    QSqlQuery query(d->db);
    SocketWatch watch = d->watch();
    const bool ok = query.exec(sql);
    if (watch.stop()) {
        const Error unanswered = d->unanswered(sql);
        if (error)
            *error = unanswered;
        return false;
    }
    if (ok)
        return true;
    if (error)
        *error = sqlError(query, sql);
    return false;
}

Result<void> Database::beginWrite()
{
    if (d->inTransaction)
        return Error(ErrorCode::Internal, QStringLiteral("a write transaction is already open on %1").arg(d->connectionName));
    Error error;
    const QString begin = d->parsed.dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    // BEGIN is the first thing a lost PostgreSQL connection fails: reconnect and begin again.
    const Sent sent = connectionGone() ? Sent::NoConnection : Sent::Maybe; // runControl() sends nothing on a connection known gone
    if (!runControl(begin, &error) && !(recoverConnection(error, begin, sent) == Recovery::RunAgain && runControl(begin, &error)))
        return error;
    d->inTransaction = true;
    d->transactionError = Error();
    return {};
}

Result<void> Database::commit()
{
    d->commitOutcomeUnknown = false;
    if (!d->inTransaction)
        return Error(ErrorCode::Internal, QStringLiteral("commit without a write transaction on %1").arg(d->connectionName));
    if (d->transactionError.isError()) {
        const Error first = d->transactionError;
        rollback();
        return first.within(QStringLiteral("transaction rolled back after a failed statement: "));
    }
    Error error;
    // On a connection known lost, runControl() sends nothing: the server rolled back.
    const bool sent = !connectionGone();
    if (!runControl(QStringLiteral("COMMIT"), &error)) {
        d->commitOutcomeUnknown = sent && d->parsed.dialect == SqlDialect::Postgres
            && (error.code == ErrorCode::Timeout || connectionGone());
        rollback();
        return error;
    }
    d->inTransaction = false;
    d->freeDoomed();
    return {};
}

void Database::rollback()
{
    if (!d || !d->inTransaction)
        return;
    // Failure is possible and harmless: SQLite may already have rolled back on its own
    // (SQLITE_FULL does that), leaving "no transaction is active". On PostgreSQL, where
    // ROLLBACK always succeeds on a live connection, failure means the connection is gone:
    // the failed statements are then freed by the reconnect, without a DEALLOCATE.
    const bool rolledBack = runControl(QStringLiteral("ROLLBACK"), nullptr);
    d->inTransaction = false;
    d->transactionError = Error();
    if (rolledBack || d->parsed.dialect == SqlDialect::Sqlite)
        d->freeDoomed();
}

bool Database::inTransaction() const
{
    return d->inTransaction;
}

bool Database::commitOutcomeUnknown() const
{
    return d->commitOutcomeUnknown;
}

WriteTransaction::WriteTransaction(Database &db) : m_db(db)
{
    auto begun = m_db.beginWrite();
    m_active = begun.ok();
    if (!begun)
        m_error = begun.error();
}

WriteTransaction::~WriteTransaction()
{
    if (m_active)
        m_db.rollback();
}

bool WriteTransaction::ok() const
{
    return m_active || !m_error.isError();
}

const Error &WriteTransaction::error() const
{
    return m_error;
}

Result<void> WriteTransaction::commit()
{
    if (!m_active) {
        if (m_error.isError())
            return m_error;
        return Error(ErrorCode::Internal, QStringLiteral("commit of a write transaction that is no longer open"));
    }
    m_active = false;
    auto committed = m_db.commit();
    if (!committed)
        m_error = committed.error();
    return committed;
}

} // namespace lendable
