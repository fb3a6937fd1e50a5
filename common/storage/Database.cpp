#include "Database.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <atomic>
#include <unordered_map>

namespace lendable {

namespace {

// SQLite's primary result code for "database or disk is full".
constexpr int kSqliteFull = 13;
// PostgreSQL's SQLSTATE for disk_full.
constexpr auto kPgDiskFull = "53100";
constexpr int kBusyTimeoutMs = 10'000;

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

} // namespace

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
    // execCached(): prepared statements by SQL text.
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> statements; // stable addresses
};

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
    d->statements.clear();
    const QString name = d->connectionName;
    d->db.close();
    // Every handle must be gone before removeDatabase(), or Qt warns that the connection
    // is still in use.
    d->db = QSqlDatabase();
    if (!name.isEmpty())
        QSqlDatabase::removeDatabase(name);
}

Result<Database> Database::open(const QString &url, const QString &connectionName)
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
        if (u.path != QLatin1String(":memory:")) {
            const QString dir = QFileInfo(u.path).absolutePath();
            if (!QDir().mkpath(dir))
                return Error(ErrorCode::StorageError, QStringLiteral("cannot create the directory %1").arg(dir));
        }
        db.setDatabaseName(u.path);
        // From the first statement on, so even the journal_mode switch waits for a busy peer.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    } else {
        db.setDatabaseName(u.dbName);
        if (!u.host.isEmpty())
            db.setHostName(u.host);
        if (u.port >= 0)
            db.setPort(u.port);
        if (!u.user.isEmpty())
            db.setUserName(u.user);
        if (!u.password.isEmpty())
            db.setPassword(u.password);
        if (!u.options.isEmpty())
            db.setConnectOptions(u.options);
    }

    if (!db.open()) {
        const ErrorCode code = db.lastError().nativeErrorCode() == QLatin1String(kPgDiskFull) ? ErrorCode::DiskFull
                                                                                               : ErrorCode::StorageError;
        return Error(code, QStringLiteral("cannot open the database %1: %2").arg(u.redacted(), db.lastError().text()));
    }

    if (u.dialect == SqlDialect::Sqlite) {
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
            if (!q)
                return q.error();
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
    } else {
        // "relation already exists, skipping" and friends would go to the log as warnings.
        if (auto q = database.exec(QStringLiteral("SET client_min_messages TO warning")); !q)
            return q.error();
    }
    return database;
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
    return applyMigrations(*this, migrations);
}

int Database::schemaVersion() const
{
    // readSchemaVersion() needs a mutable Database only to run queries; it changes nothing.
    const auto version = readSchemaVersion(const_cast<Database &>(*this));
    return version ? *version : -1;
}

Error Database::sqlError(const QSqlQuery &query, const QString &sql) const
{
    const QSqlError e = query.lastError();
    const QString native = e.nativeErrorCode();
    const QString text = e.text();
    bool diskFull = text.contains(QLatin1String("database or disk is full"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("No space left on device"), Qt::CaseInsensitive);
    if (d->parsed.dialect == SqlDialect::Sqlite) {
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
                 QStringLiteral("%1 (in: %2)").arg(message, shortSql(sql)));
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(d->db);
    query.setForwardOnly(true);
    bool ok = false;
    if (binds.isEmpty()) {
        ok = query.exec(sql);
    } else {
        ok = query.prepare(sql);
        if (ok) {
            for (const QVariant &value : binds)
                query.addBindValue(value);
            ok = query.exec();
        }
    }
    if (!ok) {
        Error error = sqlError(query, sql);
        if (d->inTransaction && !d->transactionError.isError())
            d->transactionError = error;
        return error;
    }
    return query;
}

Result<QSqlQuery *> Database::execCached(const QString &sql, const QVariantList &binds)
{
    // A bound on the cache, should a caller ever build SQL text from data.
    constexpr size_t kMaxStatements = 256;
    auto it = d->statements.find(sql);
    if (it == d->statements.end()) {
        if (d->statements.size() >= kMaxStatements)
            d->statements.clear();
        auto query = std::make_unique<QSqlQuery>(d->db);
        query->setForwardOnly(true);
        if (!query->prepare(sql)) {
            Error error = sqlError(*query, sql);
            if (d->inTransaction && !d->transactionError.isError())
                d->transactionError = error;
            return error;
        }
        it = d->statements.emplace(sql, std::move(query)).first;
    }
    QSqlQuery *query = it->second.get();
    query->finish();
    for (qsizetype i = 0; i < binds.size(); ++i)
        query->bindValue(int(i), binds[i]);
    if (!query->exec()) {
        Error error = sqlError(*query, sql);
        // A statement the server forgot (a PostgreSQL reconnect) is prepared anew next time.
        d->statements.erase(it);
        if (d->inTransaction && !d->transactionError.isError())
            d->transactionError = error;
        return error;
    }
    return query;
}

bool Database::runControl(const QString &sql, Error *error)
{
    QSqlQuery query(d->db);
    if (query.exec(sql))
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
    if (!runControl(begin, &error))
        return error;
    d->inTransaction = true;
    d->transactionError = Error();
    return {};
}

Result<void> Database::commit()
{
    if (!d->inTransaction)
        return Error(ErrorCode::Internal, QStringLiteral("commit without a write transaction on %1").arg(d->connectionName));
    if (d->transactionError.isError()) {
        Error first = d->transactionError;
        rollback();
        first.message = QStringLiteral("transaction rolled back after a failed statement: ") + first.message;
        return first;
    }
    Error error;
    if (!runControl(QStringLiteral("COMMIT"), &error)) {
        rollback();
        return error;
    }
    d->inTransaction = false;
    return {};
}

void Database::rollback()
{
    if (!d || !d->inTransaction)
        return;
    // Failure is possible and harmless: SQLite may already have rolled back on its own
    // (SQLITE_FULL does that), leaving "no transaction is active".
    runControl(QStringLiteral("ROLLBACK"), nullptr);
    d->inTransaction = false;
    d->transactionError = Error();
}

bool Database::inTransaction() const
{
    return d->inTransaction;
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
