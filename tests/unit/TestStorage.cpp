#include "storage/Database.h"
#include "storage/Migrations.h"

#include <QDir>
#include <QFile>
#include <cerrno>
#include <cstring>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <csignal>
#include <functional>
#include <latch>
#include <optional>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace lendable;

// Each storage test runs twice, against SQLite and against PostgreSQL. PostgreSQL comes from
// LENDABLE_TEST_PG_URL or, if that is unset, from scripts/pg-test-server.sh in a temporary
// directory. When it cannot be had, the PostgreSQL rows fail with the reason: a green run
// must mean both databases were tested.

namespace {

const QString kSqlite = QStringLiteral("sqlite");
const QString kPostgres = QStringLiteral("postgres");

QList<Migration> baseMigrations()
{
    return {
        {1,
         QStringLiteral("partitions"),
         {QStringLiteral("CREATE TABLE partitions (id INTEGER PRIMARY KEY, lending_status TEXT)")},
         {}},
        {2,
         QStringLiteral("jobs"),
         {QStringLiteral("CREATE TABLE jobs (id INTEGER PRIMARY KEY, partition_id INTEGER NOT NULL "
                         "REFERENCES partitions(id), command TEXT NOT NULL)"),
          QStringLiteral("CREATE INDEX jobs_partition ON jobs(partition_id)")},
         {}},
        {3, QStringLiteral("partition notes"), {QStringLiteral("ALTER TABLE partitions ADD COLUMN note TEXT")}, {}},
    };
}

QString describe(const Error &e)
{
    return e.toString();
}

// Whether a table exists, asked in a way that cannot abort a PostgreSQL transaction.
bool tableExists(Database &db, const QString &name)
{
    const QString sql = db.dialect() == SqlDialect::Sqlite
        ? QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
        : QStringLiteral("SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?");
    auto q = db.exec(sql, {name});
    return q && q->next() && q->value(0).toInt() == 1;
}

qint64 countRows(Database &db, const QString &table)
{
    auto q = db.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table);
    return q && q->next() ? q->value(0).toLongLong() : -1;
}

// A SQLite database with a table `blobs (b BLOB)` that may not grow past a few more pages,
// which behaves like a full disk.
Result<Database> openNearlyFull(const QString &path)
{
    Result<Database> db = Database::open(QStringLiteral("sqlite:") + path);
    if (!db)
        return db;
    if (auto made = db->exec(QStringLiteral("CREATE TABLE blobs (b BLOB)")); !made)
        return made.error();
    auto pages = db->exec(QStringLiteral("PRAGMA page_count"));
    if (!pages || !pages->next())
        return Error(ErrorCode::StorageError, QStringLiteral("no page count"));
    if (auto capped = db->exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages->value(0).toInt() + 2)); !capped)
        return capped.error();
    return db;
}

} // namespace

// Opens a fresh, empty database of the row's dialect, or fails the test with the reason.
#define OPEN_FRESH(var)                                                                                           \
    QFETCH(QString, dialect);                                                                                     \
    auto var##Opened = openFresh(dialect);                                                                        \
    QVERIFY2(var##Opened.ok(), qPrintable(var##Opened.ok() ? QString() : describe(var##Opened.error())));        \
    Database &var = *var##Opened

class TestStorage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void urlParsing_data();
    void urlParsing();
    void urlErrors_data();
    void urlErrors();
    void sqlitePragmas();
    void sqliteInMemory();
    void sqliteErrorsKeepTheirWords();
    void sqliteOpenToRead();
    void postgresMigrationGivesWayToOthers();
    void openFailures();
    void connectionNames();
    void migrationOrderChecked();
    void sqliteDiskFull();

    void migrateFromEmpty_data() { dialects(); }
    void migrateFromEmpty();
    void migrateIsIdempotent_data() { dialects(); }
    void migrateIsIdempotent();
    void newerSchemaRefused_data() { dialects(); }
    void newerSchemaRefused();
    void failingMigrationRollsBack_data() { dialects(); }
    void failingMigrationRollsBack();
    void dialectSpecificStatements_data() { dialects(); }
    void dialectSpecificStatements();
    void writeTransactionRollsBackOnScopeExit_data() { dialects(); }
    void writeTransactionRollsBackOnScopeExit();
    void failedStatementPoisonsTransaction_data() { dialects(); }
    void failedStatementPoisonsTransaction();
    void failedCachedStatementIsFreed_data() { dialects(); }
    void failedCachedStatementIsFreed();
    void conditionalUpdateLendsOnce_data() { dialects(); }
    void conditionalUpdateLendsOnce();
    void concurrentMigrations_data() { dialects(); }
    void concurrentMigrations();
    void concurrentLendsNeverDoubleLend_data() { dialects(); }
    void concurrentLendsNeverDoubleLend();
    void writeConflictsAreKnownAsSuch_data() { dialects(); }
    void writeConflictsAreKnownAsSuch();
    void bindValuesRoundTrip_data() { dialects(); }
    void bindValuesRoundTrip();
    void foreignKeysEnforced_data() { dialects(); }
    void foreignKeysEnforced();
    void runRoundTripsTypedValues_data() { dialects(); }
    void runRoundTripsTypedValues();
    void runCountsChangesAndReusesStatements_data() { dialects(); }
    void runCountsChangesAndReusesStatements();
    void runFailurePoisonsTransaction_data() { dialects(); }
    void runFailurePoisonsTransaction();
    void runRefusesMisuse();
    void runDiskFull();
    void postgresReconnectsAfterLostConnection();
    void postgresGivesUpOnAServerThatDoesNotAnswer();
    void answerTimeoutParsing();
    void execValuesKeepTheirMeaning_data() { dialects(); }
    void execValuesKeepTheirMeaning();
    void cleanup();

private:
    // Ends the PostgreSQL session of \a db from another connection, as a server restart
    // would, and waits until the server has let it go.
    void terminateSession(Database &db);

    void dialects();
    Result<Database> openFresh(const QString &dialect);
    Result<void> startPostgres();

    QTemporaryDir m_tmp;
    int m_counter = 0;
    QString m_lastUrl; // of the database openFresh() made last, for second connections

    std::unique_ptr<QTemporaryDir> m_pgDir; // set when this test started the server
    QString m_pgScript;
    QString m_pgAdminUrl;
    QString m_pgTestUrl;
    QString m_pgTestDb;
    QString m_pgError;
    QList<qint64> m_stoppedBackends; // SIGSTOPped by a test, resumed by cleanup() at the latest
};

void TestStorage::dialects()
{
    QTest::addColumn<QString>("dialect");
    QTest::newRow("sqlite") << kSqlite;
    QTest::newRow("postgres") << kPostgres;
}

void TestStorage::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    if (auto started = startPostgres(); !started)
        m_pgError = started.error().message;
}

Result<void> TestStorage::startPostgres()
{
    m_pgAdminUrl = qEnvironmentVariable("LENDABLE_TEST_PG_URL");
    if (m_pgAdminUrl.isEmpty()) {
        QString source = qEnvironmentVariable("LENDABLE_SOURCE_DIR");
#ifdef LENDABLE_SOURCE_DIR_FALLBACK
        if (source.isEmpty())
            source = QStringLiteral(LENDABLE_SOURCE_DIR_FALLBACK);
#endif
        m_pgScript = QDir(source).filePath(QStringLiteral("scripts/pg-test-server.sh"));
        if (source.isEmpty() || !QFile::exists(m_pgScript)) {
            return Error(ErrorCode::Internal, QStringLiteral("PostgreSQL tests need LENDABLE_TEST_PG_URL, or "
                                                             "LENDABLE_SOURCE_DIR to find scripts/pg-test-server.sh"));
        }
        // Short and under /tmp: the server's unix socket lives in it (107-byte limit), and a
        // root-run test hands it to the postgres user.
        m_pgDir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/lendable-pg-XXXXXX"));
        if (!m_pgDir->isValid())
            return Error(ErrorCode::IoError, QStringLiteral("cannot create a directory for PostgreSQL"));
        QProcess script;
        script.start(QStringLiteral("bash"), {m_pgScript, QStringLiteral("start"), m_pgDir->path()});
        if (!script.waitForFinished(180'000) || script.exitStatus() != QProcess::NormalExit || script.exitCode() != 0) {
            const QString why = QString::fromLocal8Bit(script.readAllStandardError()).trimmed();
            return Error(ErrorCode::Internal, QStringLiteral("could not start PostgreSQL with %1: %2")
                                                  .arg(m_pgScript, why.isEmpty() ? script.errorString() : why));
        }
        m_pgAdminUrl = QString::fromLocal8Bit(script.readAllStandardOutput()).trimmed();
        qInfo("Started PostgreSQL for this test: %s", qPrintable(m_pgAdminUrl));
    }

    // A database of our own, so that a shared server (LENDABLE_TEST_PG_URL) is not disturbed
    // and parallel runs do not collide.
    auto admin = Database::open(m_pgAdminUrl);
    if (!admin)
        return admin.error();
    m_pgTestDb = QStringLiteral("lendable_t_%1_%2")
                     .arg(QCoreApplication::applicationPid())
                     .arg(QRandomGenerator::global()->bounded(1'000'000));
    if (auto created = admin->exec(QStringLiteral("CREATE DATABASE ") + m_pgTestDb); !created)
        return created.error();
    QUrl url(m_pgAdminUrl);
    url.setPath(QLatin1Char('/') + m_pgTestDb);
    m_pgTestUrl = url.toString();
    return {};
}

void TestStorage::cleanupTestCase()
{
    if (!m_pgTestDb.isEmpty()) {
        auto admin = Database::open(m_pgAdminUrl);
        if (admin) {
            if (auto dropped = admin->exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgTestDb)); !dropped)
                qWarning() << "could not drop" << m_pgTestDb << dropped.error();
        }
    }
    if (m_pgDir) {
        QProcess script;
        script.start(QStringLiteral("bash"), {m_pgScript, QStringLiteral("stop"), m_pgDir->path()});
        if (!script.waitForFinished(120'000) || script.exitCode() != 0)
            qWarning("Stopping PostgreSQL failed: %s", script.readAllStandardError().constData());
        m_pgDir.reset();
    }
}

Result<Database> TestStorage::openFresh(const QString &dialect)
{
    if (dialect == kSqlite) {
        m_lastUrl = QStringLiteral("sqlite:") + m_tmp.filePath(QStringLiteral("test-%1.db").arg(++m_counter));
        return Database::open(m_lastUrl);
    }
    if (!m_pgError.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("no PostgreSQL to test against: ") + m_pgError);
    m_lastUrl = m_pgTestUrl;
    auto db = Database::open(m_pgTestUrl);
    if (!db)
        return db.error();
    for (const auto *sql : {"DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public"}) {
        if (auto r = db->exec(QLatin1String(sql)); !r)
            return r.error();
    }
    return db;
}

void TestStorage::urlParsing_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("dbName");
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("redacted");

    QTest::newRow("sqlite:/abs") << QStringLiteral("sqlite:/var/lib/x.db") << false << QStringLiteral("/var/lib/x.db")
                                 << QString() << -1 << QString() << QString() << QString() << QString()
                                 << QStringLiteral("sqlite:/var/lib/x.db");
    QTest::newRow("sqlite:///abs") << QStringLiteral("sqlite:///var/lib/x.db") << false << QStringLiteral("/var/lib/x.db")
                                   << QString() << -1 << QString() << QString() << QString() << QString()
                                   << QStringLiteral("sqlite:/var/lib/x.db");
    QTest::newRow("bare path") << QStringLiteral("/srv/market.db") << false << QStringLiteral("/srv/market.db") << QString()
                               << -1 << QString() << QString() << QString() << QString()
                               << QStringLiteral("sqlite:/srv/market.db");
    QTest::newRow("relative") << QStringLiteral("rel.db") << false << QDir::current().absoluteFilePath(QStringLiteral("rel.db"))
                              << QString() << -1 << QString() << QString() << QString() << QString()
                              << QStringLiteral("sqlite:") + QDir::current().absoluteFilePath(QStringLiteral("rel.db"));
    QTest::newRow("memory") << QStringLiteral("sqlite::memory:") << false << QStringLiteral(":memory:") << QString() << -1
                            << QString() << QString() << QString() << QString() << QStringLiteral("sqlite::memory:");
    QTest::newRow("tcp") << QStringLiteral("postgresql://lend:p%40ss@db.example:5433/market") << true << QString()
                         << QStringLiteral("db.example") << 5433 << QStringLiteral("lend") << QStringLiteral("p@ss")
                         << QStringLiteral("market") << QString()
                         << QStringLiteral("postgresql://lend:***@db.example:5433/market");
    QTest::newRow("socket") << QStringLiteral("postgresql:///market?host=/var/run/postgresql") << true << QString()
                            << QStringLiteral("/var/run/postgresql") << -1 << QString() << QString()
                            << QStringLiteral("market") << QString()
                            << QStringLiteral("postgresql:///market?host=/var/run/postgresql");
    QTest::newRow("options") << QStringLiteral("postgres://h/db?sslmode=require&connect_timeout=5&port=6000") << true
                             << QString() << QStringLiteral("h") << 6000 << QString() << QString() << QStringLiteral("db")
                             << QStringLiteral("sslmode='require';connect_timeout='5'")
                             << QStringLiteral("postgresql://h:6000/db?sslmode='require'&connect_timeout='5'");
}

void TestStorage::urlParsing()
{
    QFETCH(QString, url);
    QFETCH(bool, postgres);
    QFETCH(QString, path);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, dbName);
    QFETCH(QString, options);
    QFETCH(QString, redacted);
    const auto u = DatabaseUrl::parse(url);
    QVERIFY2(u.ok(), qPrintable(u.ok() ? QString() : describe(u.error())));
    QCOMPARE(u->dialect, postgres ? SqlDialect::Postgres : SqlDialect::Sqlite);
    QCOMPARE(u->path, path);
    QCOMPARE(u->host, host);
    QCOMPARE(u->port, port);
    QCOMPARE(u->user, user);
    QCOMPARE(u->password, password);
    QCOMPARE(u->dbName, dbName);
    QCOMPARE(u->options, options);
    QCOMPARE(u->redacted(), redacted);
}

void TestStorage::urlErrors_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("mysql") << QStringLiteral("mysql://h/db");
    QTest::newRow("sqlite with host") << QStringLiteral("sqlite://host/x.db");
    QTest::newRow("sqlite without path") << QStringLiteral("sqlite:");
    QTest::newRow("pg without db") << QStringLiteral("postgresql://h");
    QTest::newRow("pg nested path") << QStringLiteral("postgresql://h/a/b");
    QTest::newRow("pg bad port") << QStringLiteral("postgresql://u:secret@h:notaport/db");
    QTest::newRow("pg bad query port") << QStringLiteral("postgresql://u:secret@h/db?port=0");
    QTest::newRow("pg option with ;") << QStringLiteral("postgresql://h/db?application_name=a;b");
    QTest::newRow("pg bad option name") << QStringLiteral("postgresql://h/db?Bad-Name=1");
    QTest::newRow("pg negative answer_timeout") << QStringLiteral("postgresql://u:secret@h/db?answer_timeout=-1");
    QTest::newRow("pg answer_timeout over a day") << QStringLiteral("postgresql://h/db?answer_timeout=86401");
    QTest::newRow("pg answer_timeout with unit") << QStringLiteral("postgresql://h/db?answer_timeout=5s");
}

void TestStorage::answerTimeoutParsing()
{
    // Lendable's own option: not handed to libpq (which would refuse to connect), 20 s unless
    // set (less than a client waits for an answer, 30 s), 0 for none.
    const auto plain = DatabaseUrl::parse(QStringLiteral("postgresql://h/db?sslmode=require"));
    QVERIFY(plain.ok());
    QCOMPARE(plain->answerTimeoutS, 20);
    const auto set = DatabaseUrl::parse(QStringLiteral("postgresql://h/db?answer_timeout=7&sslmode=require"));
    QVERIFY(set.ok());
    QCOMPARE(set->answerTimeoutS, 7);
    QCOMPARE(set->options, QStringLiteral("sslmode='require'"));
    const auto none = DatabaseUrl::parse(QStringLiteral("postgresql://h/db?answer_timeout=0"));
    QVERIFY(none.ok());
    QCOMPARE(none->answerTimeoutS, 0);
    QVERIFY(none->options.isEmpty());
}

void TestStorage::urlErrors()
{
    QFETCH(QString, url);
    const auto u = DatabaseUrl::parse(url);
    QVERIFY(!u.ok());
    QCOMPARE(u.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(!u.error().message.contains(QLatin1String("secret")), qPrintable(u.error().message));
    const auto db = Database::open(url);
    QVERIFY(!db.ok());
    QCOMPARE(db.error().code, ErrorCode::InvalidArgument);
}

void TestStorage::sqlitePragmas()
{
    const QString path = m_tmp.filePath(QStringLiteral("sub/dir/pragmas.db"));
    auto db = Database::open(path);
    QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : describe(db.error())));
    QCOMPARE(db->dialect(), SqlDialect::Sqlite);
    QVERIFY(QFile::exists(path));

    const auto pragma = [&](const char *name) {
        auto q = db->exec(QStringLiteral("PRAGMA ") + QLatin1String(name));
        return q && q->next() ? q->value(0).toString() : QStringLiteral("<error>");
    };
    QCOMPARE(pragma("journal_mode"), QStringLiteral("wal"));
    QCOMPARE(pragma("foreign_keys"), QStringLiteral("1"));
    QCOMPARE(pragma("busy_timeout"), QStringLiteral("10000"));
    QCOMPARE(pragma("synchronous"), QStringLiteral("2")); // FULL
    QCOMPARE(db->schemaVersion(), 0);
}

void TestStorage::sqliteInMemory()
{
    auto db = Database::open(QStringLiteral("sqlite::memory:"));
    QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : describe(db.error())));
    QVERIFY(db->migrate(baseMigrations()).ok());
    QCOMPARE(db->schemaVersion(), 3);
}

void TestStorage::sqliteErrorsKeepTheirWords()
{
    // SQLite's message goes into the error as it is: a "%2" in a name it quotes was filled in
    // with the result code.
    auto db = Database::open(QStringLiteral("sqlite::memory:"));
    QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : describe(db.error())));
    const QString sql = QStringLiteral("SELECT x FROM \"t%2u\"");
    Result<SqlRows> rows = db->run(sql, {});
    QVERIFY(!rows.ok());
    QCOMPARE(rows.error().code, ErrorCode::StorageError);
    QVERIFY2(rows.error().message.contains(QStringLiteral("no such table: t%2u [1] (in: %1)").arg(sql)), qPrintable(rows.error().message));
}

void TestStorage::sqliteOpenToRead()
{
    // For the offline command lines: a store read beside the program that writes it, which
    // reading must not change (no migration, no journal switch, no file created).
    const QString path = m_tmp.filePath(QStringLiteral("to-read.db"));
    auto writer = Database::open(QStringLiteral("sqlite:") + path);
    QVERIFY2(writer.ok(), qPrintable(writer.ok() ? QString() : describe(writer.error())));
    const auto done = [](const Result<QSqlQuery> &r) {
        if (!r.ok())
            qWarning().noquote() << describe(r.error());
        return r.ok();
    };
    QVERIFY(done(writer->exec(QStringLiteral("CREATE TABLE t (v TEXT)"))));
    QVERIFY(done(writer->exec(QStringLiteral("INSERT INTO t (v) VALUES ('kept')"))));

    auto reader = Database::openToRead(path);
    QVERIFY2(reader.ok(), qPrintable(reader.ok() ? QString() : describe(reader.error())));
    {
        Result<QSqlQuery> read = reader->exec(QStringLiteral("SELECT v FROM t"));
        QVERIFY(done(read));
        QVERIFY(read->next());
        QCOMPARE(read->value(0).toString(), QStringLiteral("kept"));
    } // (a query left on its row holds its snapshot)
    // What the writer commits meanwhile is seen; nothing is written through the reader.
    QVERIFY(done(writer->exec(QStringLiteral("INSERT INTO t (v) VALUES ('later')"))));
    Result<SqlRows> rows = reader->run(QStringLiteral("SELECT count(*) FROM t"), {});
    QVERIFY(rows.ok());
    QVERIFY(rows->next());
    QCOMPARE(rows->int64(0), 2);
    Result<QSqlQuery> write = reader->exec(QStringLiteral("INSERT INTO t (v) VALUES ('no')"));
    QVERIFY(!write.ok());
    QCOMPARE(write.error().code, ErrorCode::StorageError);

    // A missing file is NotFound, and is not created (nor its directory).
    const QString missing = m_tmp.filePath(QStringLiteral("no-dir/none.db"));
    auto none = Database::openToRead(missing);
    QVERIFY(!none.ok());
    QCOMPARE(none.error().code, ErrorCode::NotFound);
    QVERIFY(!QFileInfo::exists(QFileInfo(missing).absolutePath()));
    // A file that is no database says so, with its name.
    const QString garbage = m_tmp.filePath(QStringLiteral("not-a-db.db"));
    QFile g(garbage);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(QByteArray(8192, 'x'));
    g.close();
    auto corrupt = Database::openToRead(garbage);
    QVERIFY(!corrupt.ok());
    QVERIFY2(corrupt.error().message.contains(garbage) && corrupt.error().message.contains(QLatin1String("not a database")),
             qPrintable(corrupt.error().message));
    QCOMPARE(QFileInfo(garbage).size(), 8192);
}

void TestStorage::openFailures()
{
    // A directory that cannot exist: under a regular file.
    const QString blocker = m_tmp.filePath(QStringLiteral("plain-file"));
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const auto underFile = Database::open(blocker + QStringLiteral("/x.db"));
    QVERIFY(!underFile.ok());
    QCOMPARE(underFile.error().code, ErrorCode::StorageError);
    // The system's reason, in the system's words (and language).
    QVERIFY2(underFile.error().message.contains(QString::fromLocal8Bit(std::strerror(ENOTDIR))), qPrintable(underFile.error().message));

    // A file that is no database: the message names it, for the user to find.
    const QString garbage = m_tmp.filePath(QStringLiteral("garbage.db"));
    QFile g(garbage);
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(QByteArray(8192, 'x'));
    g.close();
    const auto corrupt = Database::open(garbage);
    QVERIFY(!corrupt.ok());
    QCOMPARE(corrupt.error().code, ErrorCode::StorageError);
    QVERIFY2(corrupt.error().message.startsWith(QStringLiteral("cannot open the database sqlite:%1: file is not a database").arg(garbage)),
             qPrintable(corrupt.error().message));

    // Nothing listens on port 1; the message names the server but never the password.
    const auto noServer = Database::open(QStringLiteral("postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=5"));
    QVERIFY(!noServer.ok());
    QCOMPARE(noServer.error().code, ErrorCode::StorageError);
    QVERIFY2(noServer.error().message.contains(QLatin1String("127.0.0.1:1/db")), qPrintable(noServer.error().message));
    QVERIFY2(!noServer.error().message.contains(QLatin1String("hunter2")), qPrintable(noServer.error().message));
    QVERIFY(QSqlDatabase::connectionNames().isEmpty());
}

void TestStorage::connectionNames()
{
    const QString url = QStringLiteral("sqlite:") + m_tmp.filePath(QStringLiteral("names.db"));
    {
        auto first = Database::open(url, QStringLiteral("market-main"));
        QVERIFY(first.ok());
        QCOMPARE(first->connectionName(), QStringLiteral("market-main"));
        const auto clash = Database::open(url, QStringLiteral("market-main"));
        QVERIFY(!clash.ok());
        QCOMPARE(clash.error().code, ErrorCode::Internal);

        // Generated names are unique; moving keeps the connection usable.
        auto a = Database::open(url);
        auto b = Database::open(url);
        QVERIFY(a.ok() && b.ok());
        QVERIFY(a->connectionName() != b->connectionName());
        Database moved = std::move(*a);
        QVERIFY(moved.exec(QStringLiteral("SELECT 1")).ok());
        moved = std::move(*b);
        QVERIFY(moved.exec(QStringLiteral("SELECT 1")).ok());
        QCOMPARE(QSqlDatabase::connectionNames().size(), 2); // market-main and b's
    }
    QVERIFY(QSqlDatabase::connectionNames().isEmpty());
    QVERIFY(Database::open(url, QStringLiteral("market-main")).ok());
}

void TestStorage::migrationOrderChecked()
{
    auto db = Database::open(QStringLiteral("sqlite::memory:"));
    QVERIFY(db.ok());
    const QStringList ok{QStringLiteral("CREATE TABLE t (x INTEGER)")};
    for (const auto &list : {QList<Migration>{{2, QStringLiteral("b"), ok, {}}, {1, QStringLiteral("a"), ok, {}}},
                             QList<Migration>{{1, QStringLiteral("a"), ok, {}}, {1, QStringLiteral("a again"), ok, {}}},
                             QList<Migration>{{0, QStringLiteral("zero"), ok, {}}}}) {
        const auto r = db->migrate(list);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Internal);
    }
    QCOMPARE(db->schemaVersion(), 0);
    QVERIFY(!tableExists(*db, QStringLiteral("t")));
    QVERIFY(db->migrate({}).ok());
}

void TestStorage::sqliteDiskFull()
{
    auto db = openNearlyFull(m_tmp.filePath(QStringLiteral("full.db")));
    QVERIFY2(db.ok(), qPrintable(describe(db.error())));
    Error error;
    for (int i = 0; i < 20 && !error.isError(); ++i) {
        auto inserted = db->exec(QStringLiteral("INSERT INTO blobs VALUES (zeroblob(100000))"));
        if (!inserted)
            error = inserted.error();
    }
    QCOMPARE(error.code, ErrorCode::DiskFull);
    QVERIFY2(error.message.contains(QLatin1String("INSERT INTO blobs")), qPrintable(error.message));

    // Inside a write transaction, commit reports it and the database stays usable.
    {
        WriteTransaction tx(*db);
        QVERIFY(tx.ok());
        QVERIFY(!db->exec(QStringLiteral("INSERT INTO blobs VALUES (zeroblob(100000))")).ok());
        const auto committed = tx.commit();
        QVERIFY(!committed.ok());
        QCOMPARE(committed.error().code, ErrorCode::DiskFull);
    }
    QVERIFY(!db->inTransaction());
    QVERIFY(db->exec(QStringLiteral("SELECT COUNT(*) FROM blobs")).ok());
}

void TestStorage::migrateFromEmpty()
{
    OPEN_FRESH(db);
    QCOMPARE(db.schemaVersion(), 0);
    const auto r = db.migrate(baseMigrations());
    QVERIFY2(r.ok(), qPrintable(describe(r.error())));
    QCOMPARE(db.schemaVersion(), 3);
    QVERIFY(tableExists(db, QStringLiteral("partitions")));
    QVERIFY(tableExists(db, QStringLiteral("jobs")));
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, note) VALUES (1, 'migration 3 ran')")).ok());

    auto meta = db.exec(QStringLiteral("SELECT key, value FROM schema_meta"));
    QVERIFY(meta && meta->next());
    QCOMPARE(meta->value(0).toString(), QStringLiteral("schema_version"));
    QCOMPARE(meta->value(1).toString(), QStringLiteral("3"));
    QVERIFY(!meta->next());
}

void TestStorage::migrateIsIdempotent()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (7)")).ok());
    // Again, and from a second connection: nothing to do, nothing lost.
    QVERIFY(db.migrate(baseMigrations()).ok());
    auto other = Database::open(m_lastUrl);
    QVERIFY(other.ok());
    QVERIFY(other->migrate(baseMigrations()).ok());
    QCOMPARE(db.schemaVersion(), 3);
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);

    // A newer program brings one more migration: only that one runs.
    QList<Migration> more = baseMigrations();
    more.append({4, QStringLiteral("images"), {QStringLiteral("CREATE TABLE images (sha256 TEXT PRIMARY KEY)")}, {}});
    QVERIFY(db.migrate(more).ok());
    QCOMPARE(db.schemaVersion(), 4);
    QCOMPARE(other->schemaVersion(), 4);
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);
}

void TestStorage::newerSchemaRefused()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const auto r = db.migrate(baseMigrations().mid(0, 2));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::StorageError);
    QVERIFY2(r.error().message.startsWith(QStringLiteral("the database %1: ").arg(db.redactedUrl())), qPrintable(r.error().message));
    QVERIFY2(r.error().message.endsWith(QStringLiteral(": database schema version 3 is newer than this program (2)")),
             qPrintable(r.error().message));
    QCOMPARE(db.schemaVersion(), 3);
    QVERIFY(!db.inTransaction());

    const auto none = db.migrate({});
    QVERIFY(!none.ok());
    QVERIFY(none.error().message.contains(QLatin1String("newer than this program (0)")));
}

void TestStorage::failingMigrationRollsBack()
{
    OPEN_FRESH(db);
    QList<Migration> broken = baseMigrations().mid(0, 1);
    broken.append({2,
                   QStringLiteral("half broken"),
                   {QStringLiteral("CREATE TABLE leases (id INTEGER PRIMARY KEY)"),
                    QStringLiteral("INSERT INTO leases (id) VALUES (1)"),
                    QStringLiteral("INSERT INTO no_such_table (id) VALUES (1)")},
                   {}});
    const auto r = db.migrate(broken);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::StorageError);
    QVERIFY2(r.error().message.contains(QLatin1String("migration 2 (half broken)")), qPrintable(r.error().message));
    QVERIFY2(r.error().message.contains(QLatin1String("statement 3 of 3")), qPrintable(r.error().message));
    QVERIFY2(r.error().message.contains(QLatin1String("no_such_table")), qPrintable(r.error().message));
    QVERIFY(r.error().internal); // the database's own words, for the log, not for a peer

    // Migration 1 stays, migration 2 left no trace, and the connection is usable.
    QCOMPARE(db.schemaVersion(), 1);
    QVERIFY(!db.inTransaction());
    QVERIFY(tableExists(db, QStringLiteral("partitions")));
    QVERIFY(!tableExists(db, QStringLiteral("leases")));

    broken[1].sqliteStatements.removeLast();
    QVERIFY(db.migrate(broken).ok());
    QCOMPARE(db.schemaVersion(), 2);
    QCOMPARE(countRows(db, QStringLiteral("leases")), 1);
}

void TestStorage::dialectSpecificStatements()
{
    OPEN_FRESH(db);
    const QList<Migration> migrations{
        {1,
         QStringLiteral("dialects"),
         {QStringLiteral("CREATE TABLE which (name TEXT)"), QStringLiteral("INSERT INTO which VALUES ('sqlite')")},
         {QStringLiteral("CREATE TABLE which (name TEXT)"), QStringLiteral("INSERT INTO which VALUES ('postgres')")}},
    };
    QVERIFY(db.migrate(migrations).ok());
    auto q = db.exec(QStringLiteral("SELECT name FROM which"));
    QVERIFY(q && q->next());
    QCOMPARE(q->value(0).toString(), dialect);
}

void TestStorage::writeTransactionRollsBackOnScopeExit()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.inTransaction());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (?)"), {1}).ok());
        QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);
        // No nesting: a second writer on the same connection is a programming error.
        const auto nested = db.beginWrite();
        QVERIFY(!nested.ok());
        QCOMPARE(nested.error().code, ErrorCode::Internal);
    }
    QVERIFY(!db.inTransaction());
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 0);

    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (?)"), {2}).ok());
        QVERIFY(tx.commit().ok());
        QVERIFY(!tx.commit().ok()); // once only
    }
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);
    // Committed means visible to another connection.
    auto other = Database::open(m_lastUrl);
    QVERIFY(other.ok());
    QCOMPARE(countRows(*other, QStringLiteral("partitions")), 1);

    QCOMPARE(db.commit().error().code, ErrorCode::Internal);
    db.rollback(); // harmless without a transaction
}

void TestStorage::failedStatementPoisonsTransaction()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    WriteTransaction tx(db);
    QVERIFY(tx.ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (1)")).ok());
    const auto duplicate = db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (1)"));
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, ErrorCode::StorageError);
    const auto committed = tx.commit();
    QVERIFY(!committed.ok());
    QVERIFY2(committed.error().message.contains(QLatin1String("rolled back")), qPrintable(committed.error().message));
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 0);
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (1)")).ok());
}

void TestStorage::failedCachedStatementIsFreed()
{
    // A kept statement that fails inside a write transaction is dropped from the cache (it
    // is prepared anew next time) and freed once the transaction is over: on PostgreSQL,
    // freeing it inside the aborted transaction failed and the server kept it.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Unable to free statement")));
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const QString insert = QStringLiteral("INSERT INTO partitions (id) VALUES (?)");
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.run(insert, {1}).ok());
        QVERIFY(!db.run(insert, {1}).ok()); // the same key again
        QVERIFY(!tx.commit().ok());
    }
    if (db.dialect() == SqlDialect::Postgres) {
        auto kept = db.exec(QStringLiteral("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO partitions%'"));
        QVERIFY(kept.ok());
        QVERIFY(kept->next());
        QCOMPARE(kept->value(0).toLongLong(), 0);
    }
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 0);
    QVERIFY(db.run(insert, {1}).ok()); // prepared anew
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);
}

void TestStorage::runRoundTripsTypedValues()
{
    OPEN_FRESH(db);
    const QString blob = db.dialect() == SqlDialect::Sqlite ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    QVERIFY(db.exec(QStringLiteral("CREATE TABLE v (k INTEGER PRIMARY KEY, i BIGINT, t TEXT, b %1)").arg(blob)).ok());
    const QString insert = QStringLiteral("INSERT INTO v (k, i, t, b) VALUES (?, ?, ?, ?)");
    const QString text = QStringLiteral("Zoë's 分区 \u2014 'quoted' %_");
    QByteArray bytes("\x00\x01\xff binary\x00", 12);
    QVERIFY(db.run(insert, {1, std::numeric_limits<qint64>::min(), text, bytes}).ok());
    QVERIFY(db.run(insert, {2, SqlValue(), QString(), QByteArray()}).ok());
    QVERIFY(db.run(insert, {3, qint64(std::numeric_limits<qint64>::max()), QStringLiteral(""), SqlValue()}).ok());

    const QString select = QStringLiteral("SELECT i, t, b FROM v WHERE k = ?");
    {
        auto rows = db.run(select, {1});
        QVERIFY2(rows.ok(), qPrintable(describe(rows.error())));
        QVERIFY(rows->next());
        QCOMPARE(rows->int64(0), std::numeric_limits<qint64>::min());
        QCOMPARE(rows->text(1), text);
        QCOMPARE(rows->blob(2), bytes);
        QVERIFY(!rows->isNull(0));
        QVERIFY(!rows->next());
        QVERIFY(!rows->error().isError());
    }
    {
        // NULL only when asked for: a null QString is empty text, a null QByteArray an empty blob.
        auto rows = db.run(select, {2});
        QVERIFY(rows.ok() && rows->next());
        QVERIFY(rows->isNull(0));
        QVERIFY(!rows->isNull(1));
        QCOMPARE(rows->text(1), QString());
        QVERIFY(!rows->isNull(2));
        QCOMPARE(rows->blob(2), QByteArray());
    }
    {
        auto rows = db.run(select, {3});
        QVERIFY(rows.ok() && rows->next());
        QCOMPARE(rows->int64(0), std::numeric_limits<qint64>::max());
        QVERIFY(rows->isNull(2));
    }
    // The same rows through QtSql: run() wrote what exec() reads.
    auto q = db.exec(QStringLiteral("SELECT t, b FROM v WHERE k = 1"));
    QVERIFY(q && q->next());
    QCOMPARE(q->value(0).toString(), text);
    QCOMPARE(q->value(1).toByteArray(), bytes);

    auto none = db.run(select, {99});
    QVERIFY(none.ok());
    QVERIFY(!none->next());
}

void TestStorage::runCountsChangesAndReusesStatements()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const QString insert = QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)");
    for (int id = 1; id <= 50; ++id) {
        auto ins = db.run(insert, {id, id % 2 ? SqlValue() : SqlValue(QStringLiteral("lent"))});
        QVERIFY2(ins.ok(), qPrintable(describe(ins.error())));
        QCOMPARE(ins->rowsAffected(), 1);
    }
    // The conditional update of a lend, run again and again through one kept statement.
    const QString lend = QStringLiteral("UPDATE partitions SET lending_status = ? WHERE id = ? AND lending_status IS NULL");
    int lent = 0;
    for (int id = 1; id <= 50; ++id) {
        auto upd = db.run(lend, {QStringLiteral("b"), id});
        QVERIFY(upd.ok());
        lent += int(upd->rowsAffected());
    }
    QCOMPARE(lent, 25);
    auto all = db.run(QStringLiteral("UPDATE partitions SET note = ?"), {QStringLiteral("n")});
    QVERIFY(all.ok());
    QCOMPARE(all->rowsAffected(), 50);

    // Many rows, read to the end; then the statement is free for the next run.
    const QString list = QStringLiteral("SELECT id FROM partitions WHERE id > ? ORDER BY id");
    for (int round = 0; round < 3; ++round) {
        auto rows = db.run(list, {40});
        QVERIFY(rows.ok());
        QList<qint64> ids;
        while (rows->next())
            ids.append(rows->int64(0));
        QCOMPARE(ids, (QList<qint64>{41, 42, 43, 44, 45, 46, 47, 48, 49, 50}));
    }
    // Left on a row and finished: a write transaction starts after it.
    auto open = db.run(list, {0});
    QVERIFY(open.ok() && open->next());
    open->finish();
    QVERIFY(!open->next());
    WriteTransaction tx(db);
    QVERIFY(tx.ok());
    QVERIFY(db.run(QStringLiteral("DELETE FROM partitions WHERE id > ?"), {45}).ok());
    QVERIFY(tx.commit().ok());
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 45);
}

void TestStorage::runFailurePoisonsTransaction()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const QString insert = QStringLiteral("INSERT INTO partitions (id) VALUES (?)");
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.run(insert, {1}).ok());
        const auto duplicate = db.run(insert, {1});
        QVERIFY(!duplicate.ok());
        QCOMPARE(duplicate.error().code, ErrorCode::StorageError);
        QVERIFY2(duplicate.error().message.contains(QLatin1String("INSERT INTO partitions")), qPrintable(duplicate.error().message));
        const auto committed = tx.commit();
        QVERIFY(!committed.ok());
        QVERIFY2(committed.error().message.contains(QLatin1String("rolled back")), qPrintable(committed.error().message));
    }
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 0);
    // A statement that cannot be prepared fails the same way, and the kept one still works.
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.run(insert, {2}).ok());
        const auto bad = db.run(QStringLiteral("INSERT INTO no_such_table (id) VALUES (?)"), {1});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::StorageError);
        QVERIFY(!tx.commit().ok());
    }
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 0);
    auto again = db.run(insert, {1});
    QVERIFY2(again.ok(), qPrintable(describe(again.error())));
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 1);
}

void TestStorage::runRefusesMisuse()
{
    auto db = Database::open(QStringLiteral("sqlite::memory:"));
    QVERIFY(db.ok());
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x INTEGER)")).ok());
    QVERIFY(db->run(QStringLiteral("INSERT INTO t VALUES (?)"), {1}).ok());
    QVERIFY(db->run(QStringLiteral("INSERT INTO t VALUES (?)"), {2}).ok());
    // Too few or too many values is a bug in the caller, said as one.
    const auto few = db->run(QStringLiteral("INSERT INTO t VALUES (?)"), {});
    QVERIFY(!few.ok());
    QCOMPARE(few.error().code, ErrorCode::Internal);
    const auto many = db->run(QStringLiteral("INSERT INTO t VALUES (?)"), {1, 2});
    QVERIFY(!many.ok());
    QCOMPARE(many.error().code, ErrorCode::Internal);
    // One reader per statement at a time: a second run of the same SQL while the first's rows
    // are held would reset them under it.
    const QString select = QStringLiteral("SELECT x FROM t ORDER BY x");
    auto first = db->run(select, {});
    QVERIFY(first.ok() && first->next());
    const auto second = db->run(select, {});
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, ErrorCode::Internal);
    QCOMPARE(first->int64(0), 1);
    QVERIFY(first->next());
    QCOMPARE(first->int64(0), 2);
    first->finish();
    auto third = db->run(select, {});
    QVERIFY(third.ok() && third->next());
    QCOMPARE(third->int64(0), 1);
    // Not one statement: SQLite's own error.
    const auto empty = db->run(QStringLiteral("   "), {});
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().code, ErrorCode::Internal);
}

void TestStorage::runDiskFull()
{
    auto db = openNearlyFull(m_tmp.filePath(QStringLiteral("run-full.db")));
    QVERIFY2(db.ok(), qPrintable(describe(db.error())));
    const QByteArray big(100'000, 'x');
    Error error;
    for (int i = 0; i < 20 && !error.isError(); ++i) {
        auto inserted = db->run(QStringLiteral("INSERT INTO blobs VALUES (?)"), {big});
        if (!inserted)
            error = inserted.error();
    }
    QCOMPARE(error.code, ErrorCode::DiskFull);
    {
        WriteTransaction tx(*db);
        QVERIFY(tx.ok());
        QVERIFY(!db->run(QStringLiteral("INSERT INTO blobs VALUES (?)"), {big}).ok());
        const auto committed = tx.commit();
        QVERIFY(!committed.ok());
        QCOMPARE(committed.error().code, ErrorCode::DiskFull);
    }
    QVERIFY(!db->inTransaction());
    auto count = db->run(QStringLiteral("SELECT COUNT(*) FROM blobs"), {});
    QVERIFY(count.ok() && count->next());
}

void TestStorage::conditionalUpdateLendsOnce()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {1, QVariant()}).ok());
    auto other = Database::open(m_lastUrl);
    QVERIFY(other.ok());

    const QString lend = QStringLiteral("UPDATE partitions SET lending_status = ? WHERE id = ? AND lending_status IS NULL");
    auto first = db.exec(lend, {QStringLiteral("borrower-1"), 1});
    QVERIFY(first.ok());
    QCOMPARE(first->numRowsAffected(), 1);
    auto second = other->exec(lend, {QStringLiteral("borrower-2"), 1});
    QVERIFY(second.ok());
    QCOMPARE(second->numRowsAffected(), 0);

    auto q = other->exec(QStringLiteral("SELECT lending_status FROM partitions WHERE id = ?"), {1});
    QVERIFY(q && q->next());
    QCOMPARE(q->value(0).toString(), QStringLiteral("borrower-1"));
}

void TestStorage::concurrentMigrations()
{
    OPEN_FRESH(db);
    const QString url = m_lastUrl;
    constexpr int kWorkers = 6;
    std::vector<QString> failures(kWorkers);
    std::latch ready(kWorkers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i) {
        threads.emplace_back([&, i] {
            auto conn = Database::open(url);
            ready.arrive_and_wait(); // all connected, then all migrate at once
            if (!conn) {
                failures[i] = describe(conn.error());
                return;
            }
            if (auto r = conn->migrate(baseMigrations()); !r)
                failures[i] = describe(r.error());
        });
    }
    for (auto &t : threads)
        t.join();
    for (int i = 0; i < kWorkers; ++i)
        QVERIFY2(failures[i].isEmpty(), qPrintable(QStringLiteral("worker %1: %2").arg(i).arg(failures[i])));
    QCOMPARE(db.schemaVersion(), 3);
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, note) VALUES (1, 'x')")).ok());
}

void TestStorage::concurrentLendsNeverDoubleLend()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    constexpr int kPartitions = 20;
    for (int p = 1; p <= kPartitions; ++p)
        QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (?)"), {p}).ok());

    // Several "market processes" race to lend every partition; each may win it only if the
    // conditional update changed exactly one row.
    const QString url = m_lastUrl;
    constexpr int kWorkers = 4;
    std::vector<int> wins(kWorkers, 0);
    std::vector<QString> failures(kWorkers);
    std::latch ready(kWorkers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i) {
        threads.emplace_back([&, i] {
            auto conn = Database::open(url);
            ready.arrive_and_wait();
            if (!conn) {
                failures[i] = describe(conn.error());
                return;
            }
            for (int p = 1; p <= kPartitions; ++p) {
                WriteTransaction tx(*conn);
                if (!tx.ok()) {
                    failures[i] = describe(tx.error());
                    return;
                }
                auto q = conn->exec(QStringLiteral("UPDATE partitions SET lending_status = ? "
                                                   "WHERE id = ? AND lending_status IS NULL"),
                                    {QStringLiteral("worker-%1").arg(i), p});
                if (!q) {
                    failures[i] = describe(q.error());
                    return;
                }
                const int affected = q->numRowsAffected();
                q->finish();
                if (auto c = tx.commit(); !c) {
                    failures[i] = describe(c.error());
                    return;
                }
                wins[i] += affected;
            }
        });
    }
    for (auto &t : threads)
        t.join();
    int total = 0;
    for (int i = 0; i < kWorkers; ++i) {
        QVERIFY2(failures[i].isEmpty(), qPrintable(QStringLiteral("worker %1: %2").arg(i).arg(failures[i])));
        total += wins[i];
    }
    QCOMPARE(total, kPartitions);
    auto lent = db.exec(QStringLiteral("SELECT COUNT(*) FROM partitions WHERE lending_status IS NOT NULL"));
    QVERIFY(lent && lent->next());
    QCOMPARE(lent->value(0).toInt(), kPartitions);
}

void TestStorage::writeConflictsAreKnownAsSuch()
{
    // What a writer may run again because it lost to another (isWriteConflict()): on
    // PostgreSQL a deadlock between two connections, on SQLite a database another connection
    // is writing. Other failures are not.
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (1), (2)")).ok());
    Error conflict;
    if (db.dialect() == SqlDialect::Postgres) {
        // Each takes one row, then wants the other's: PostgreSQL aborts one of them.
        const QString url = m_lastUrl;
        std::latch bothHoldOne(2);
        std::vector<Error> errors(2);
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&, i] {
                auto conn = Database::open(url);
                if (!conn) {
                    errors[i] = conn.error();
                    bothHoldOne.count_down();
                    return;
                }
                WriteTransaction tx(*conn);
                const QString update = QStringLiteral("UPDATE partitions SET note = 'w%1' WHERE id = ?").arg(i);
                Result<QSqlQuery> first = tx.ok() ? conn->exec(update, {i + 1}) : Result<QSqlQuery>(tx.error());
                bothHoldOne.arrive_and_wait();
                if (!first) {
                    errors[i] = first.error();
                    return;
                }
                if (Result<QSqlQuery> second = conn->exec(update, {2 - i}); !second) {
                    errors[i] = second.error();
                    return;
                }
                if (Result<void> committed = tx.commit(); !committed)
                    errors[i] = committed.error();
            });
        }
        for (std::thread &t : threads)
            t.join();
        QVERIFY2(errors[0].isError() != errors[1].isError(),
                 qPrintable(QStringLiteral("%1 / %2").arg(errors[0].toString(), errors[1].toString())));
        conflict = errors[0].isError() ? errors[0] : errors[1];
    } else {
        auto other = Database::open(m_lastUrl);
        QVERIFY2(other.ok(), qPrintable(other.ok() ? QString() : describe(other.error())));
        QVERIFY(other->exec(QStringLiteral("PRAGMA busy_timeout = 0")).ok());
        WriteTransaction writing(db);
        QVERIFY(writing.ok());
        QVERIFY(db.exec(QStringLiteral("UPDATE partitions SET note = 'w0' WHERE id = 1")).ok());
        WriteTransaction second(*other);
        Result<QSqlQuery> blocked = second.ok() ? other->exec(QStringLiteral("UPDATE partitions SET note = 'w1' WHERE id = 2"))
                                                : Result<QSqlQuery>(second.error());
        QVERIFY(!blocked.ok());
        conflict = blocked.error();
        QVERIFY(writing.commit().ok());
    }
    QVERIFY2(isWriteConflict(conflict), qPrintable(conflict.toString()));

    // Not a conflict: a statement that is wrong, and a constraint it breaks.
    Result<QSqlQuery> wrong = db.exec(QStringLiteral("SELECT nothing FROM nowhere"));
    QVERIFY(!wrong.ok());
    QVERIFY2(!isWriteConflict(wrong.error()), qPrintable(wrong.error().toString()));
    Result<QSqlQuery> duplicate = db.exec(QStringLiteral("INSERT INTO partitions (id) VALUES (1)"));
    QVERIFY(!duplicate.ok());
    QVERIFY2(!isWriteConflict(duplicate.error()), qPrintable(duplicate.error().toString()));

    // A second row under a unique key is known as such (isUniqueViolation()), through Qt SQL
    // and through the statements run on SQLite's own API alike; nothing else is.
    QVERIFY2(isUniqueViolation(duplicate.error()), qPrintable(duplicate.error().toString()));
    Result<SqlRows> duplicateRun = db.run(QStringLiteral("INSERT INTO partitions (id) VALUES (?)"), {2});
    QVERIFY(!duplicateRun.ok());
    QVERIFY2(isUniqueViolation(duplicateRun.error()), qPrintable(duplicateRun.error().toString()));
    QVERIFY(!isUniqueViolation(conflict));
    QVERIFY(!isUniqueViolation(wrong.error()));
}

void TestStorage::bindValuesRoundTrip()
{
    OPEN_FRESH(db);
    const QList<Migration> migrations{
        {1,
         QStringLiteral("values"),
         {QStringLiteral("CREATE TABLE v (id INTEGER PRIMARY KEY, big BIGINT, txt TEXT, raw BLOB, maybe TEXT)")},
         {QStringLiteral("CREATE TABLE v (id INTEGER PRIMARY KEY, big BIGINT, txt TEXT, raw BYTEA, maybe TEXT)")}},
    };
    QVERIFY(db.migrate(migrations).ok());
    const qint64 big = std::numeric_limits<qint64>::max() - 1; // micro-units and UTC milliseconds need 64 bits
    const QString text = QStringLiteral("Grüße, 貸す 'quoted' ? $1");
    QByteArray raw(256, Qt::Uninitialized);
    for (int i = 0; i < raw.size(); ++i)
        raw[i] = char(i);
    const auto inserted = db.exec(QStringLiteral("INSERT INTO v (id, big, txt, raw, maybe) VALUES (?, ?, ?, ?, ?)"),
                                  {1, big, text, raw, QVariant()});
    QVERIFY2(inserted.ok(), qPrintable(inserted.ok() ? QString() : describe(inserted.error())));
    QCOMPARE(inserted->numRowsAffected(), 1);

    auto q = db.exec(QStringLiteral("SELECT big, txt, raw, maybe FROM v WHERE id = ? AND txt = ?"), {1, text});
    QVERIFY(q && q->next());
    QCOMPARE(q->value(0).toLongLong(), big);
    QCOMPARE(q->value(1).toString(), text);
    QCOMPARE(q->value(2).toByteArray(), raw);
    QVERIFY(q->value(3).isNull());
}

void TestStorage::foreignKeysEnforced()
{
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const auto orphan = db.exec(QStringLiteral("INSERT INTO jobs (id, partition_id, command) VALUES (1, 99, 'x')"));
    QVERIFY(!orphan.ok());
    QCOMPARE(orphan.error().code, ErrorCode::StorageError);
}

void TestStorage::terminateSession(Database &db)
{
    auto pid = db.exec(QStringLiteral("SELECT pg_backend_pid()"));
    QVERIFY2(pid.ok(), qPrintable(pid.ok() ? QString() : describe(pid.error())));
    QVERIFY(pid->next());
    const qint64 backend = pid->value(0).toLongLong();
    auto admin = Database::open(m_pgAdminUrl);
    QVERIFY2(admin.ok(), qPrintable(admin.ok() ? QString() : describe(admin.error())));
    auto killed = admin->exec(QStringLiteral("SELECT pg_terminate_backend(?)"), {backend});
    QVERIFY2(killed.ok() && killed->next() && killed->value(0).toBool(), "pg_terminate_backend failed");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto left = admin->exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = ?"), {backend});
            return left && left->next() && left->value(0).toLongLong() == 0;
        }(),
        10'000);
}

void TestStorage::execValuesKeepTheirMeaning()
{
    // exec() with values: on PostgreSQL they go into the statement as literals (no prepared
    // statement to free later). A null text is NULL, quotes, backslashes and '?' inside values
    // are the value's own, and a '?' inside a quoted literal of the statement is no placeholder.
    OPEN_FRESH(db);
    QVERIFY(db.migrate(baseMigrations()).ok());
    const QString tricky = QStringLiteral("it's a \\ back'slash; -- not a comment? $1");
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {1, QVariant(QString())}).ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {2, tricky}).ok());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {qint64(3), QVariant()}).ok());
    auto nulls = db.exec(QStringLiteral("SELECT COUNT(*) FROM partitions WHERE lending_status IS NULL"));
    QVERIFY(nulls.ok() && nulls->next());
    QCOMPARE(nulls->value(0).toLongLong(), 2);
    auto back = db.exec(QStringLiteral("SELECT lending_status, 'a?b' FROM partitions WHERE id = ? AND lending_status = ?"), {2, tricky});
    QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : describe(back.error())));
    QVERIFY(back->next());
    QCOMPARE(back->value(0).toString(), tricky);
    QCOMPARE(back->value(1).toString(), QStringLiteral("a?b"));
    // Too few or too many values: refused, nothing run.
    QVERIFY(!db.exec(QStringLiteral("SELECT ? + ?"), {1}).ok());
    QVERIFY(!db.exec(QStringLiteral("SELECT ?"), {1, 2}).ok());
}

void TestStorage::postgresGivesUpOnAServerThatDoesNotAnswer()
{
    // A frozen server (stopped, on a hung disk, in a paused VM) keeps its connections open and
    // acknowledged: keepalives never fire, and a statement waited forever, holding the market's
    // thread. Here the session's own backend process is stopped (SIGSTOP), which is the same
    // to the client; answer_timeout=2 makes the wait short. Only that process: the server's
    // other sessions go on.
    if (!m_pgError.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no PostgreSQL to test against: ") + m_pgError));
    {
        // The schema on a connection of the default deadline, so that a slow moment of a busy
        // machine does not fail the setup.
        auto fresh = openFresh(kPostgres);
        QVERIFY2(fresh.ok(), qPrintable(fresh.ok() ? QString() : describe(fresh.error())));
        QVERIFY(fresh->migrate(baseMigrations()).ok());
        QVERIFY(fresh->run(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {1, QStringLiteral("one")}).ok());
    }
    QUrl url(m_pgTestUrl);
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("answer_timeout"), QStringLiteral("2"));
    url.setQuery(query);
    auto opened = Database::open(url.toString());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : describe(opened.error())));
    Database &db = *opened;
    {
        // A live server cancels a slow statement itself, before the deadline.
        auto shown = db.exec(QStringLiteral("SHOW statement_timeout"));
        QVERIFY(shown.ok() && shown->next());
        QCOMPARE(shown->value(0).toString(), QStringLiteral("1600ms"));
    }
    const QString insert = QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)");
    const QString select = QStringLiteral("SELECT lending_status FROM partitions WHERE id = ?");
    const QRegularExpression logged(QStringLiteral("the connection to the database .* was lost and is open again"));

    // Stops this connection's backend, after checking that the process is one of this
    // server's backends for this database (a server elsewhere has other processes under
    // those numbers).
    const auto freeze = [&]() -> bool {
        auto pid = db.exec(QStringLiteral("SELECT pg_backend_pid()"));
        const qint64 backend = pid && pid->next() ? pid->value(0).toLongLong() : -1;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(backend));
        if (backend <= 0 || !cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().contains(m_pgTestDb.toUtf8()))
            return false;
        if (::kill(pid_t(backend), SIGSTOP) != 0)
            return false;
        m_stoppedBackends << backend;
        return true;
    };
    const auto thaw = [this] {
        for (qint64 pid : std::as_const(m_stoppedBackends))
            ::kill(pid_t(pid), SIGCONT);
        m_stoppedBackends.clear();
    };
    if (!freeze())
        QSKIP("the server's processes are not this machine's to stop (a server elsewhere, or another user's)");

    // A statement fails with Timeout instead of waiting; the database's address is named, the
    // password is not.
    auto unanswered = db.run(select, {1});
    QElapsedTimer sinceGivenUp;
    sinceGivenUp.start();
    QVERIFY(!unanswered.ok());
    QCOMPARE(unanswered.error().code, ErrorCode::Timeout);
    QVERIFY2(unanswered.error().message.contains(QStringLiteral("did not answer within 2 s")), qPrintable(describe(unanswered.error())));
    QVERIFY(unanswered.error().internal);
    // For a second, statements (and transactions) fail at once with the same reason rather
    // than each waiting to connect to the same server. (Checked only while that second lasts:
    // on a busy machine it may be over, and the statements then reconnect.)
    auto meanwhile = db.exec(QStringLiteral("SELECT 1"));
    std::optional<WriteTransaction> tx;
    tx.emplace(db);
    if (sinceGivenUp.elapsed() < 900) {
        QVERIFY(!meanwhile.ok());
        QCOMPARE(meanwhile.error().code, ErrorCode::Timeout);
        QVERIFY(!tx->ok());
        QCOMPARE(tx->error().code, ErrorCode::Timeout);
    }
    tx.reset();

    // Once the server answers again, the next statement after the pause reconnects.
    thaw();
    QTest::ignoreMessage(QtWarningMsg, logged);
    QTRY_VERIFY_WITH_TIMEOUT(db.run(select, {1}).ok(), 15'000);

    // exec() with values, outside a transaction: a write may or may not have been done.
    QVERIFY(freeze());
    auto write = db.exec(insert, {2, QStringLiteral("two")});
    QVERIFY(!write.ok());
    QCOMPARE(write.error().code, ErrorCode::Timeout);
    QVERIFY2(write.error().message.contains(QStringLiteral("may or may not have been done")), qPrintable(describe(write.error())));
    thaw();
    QTest::ignoreMessage(QtWarningMsg, logged);
    QTRY_VERIFY_WITH_TIMEOUT(db.run(select, {1}).ok(), 15'000);

    // A COMMIT the server does not answer: whether it committed is not known (a frozen server
    // that runs again finishes what it had received).
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.run(insert, {3, QStringLiteral("three")}).ok());
        QVERIFY(freeze());
        const auto committed = tx.commit();
        QVERIFY(!committed.ok());
        QCOMPARE(committed.error().code, ErrorCode::Timeout);
        QVERIFY2(committed.error().message.contains(QStringLiteral("whether the transaction was committed is not known")),
                 qPrintable(describe(committed.error())));
    }
    thaw();
    QTest::ignoreMessage(QtWarningMsg, logged);
    QTRY_VERIFY_WITH_TIMEOUT(db.run(select, {1}).ok(), 15'000);

    // Reads a long result on this connection; `interrupt` is given its backend after the first
    // row. The error the reading ends with; Internal if it read every row.
    const auto readInterrupted = [&db](const std::function<bool(qint64)> &interrupt) -> Error {
        auto pid = db.exec(QStringLiteral("SELECT pg_backend_pid()"));
        if (!pid || !pid->next())
            return Error(ErrorCode::Internal, QStringLiteral("no backend pid"));
        const qint64 backend = pid->value(0).toLongLong();
        // (In the select list, the series streams; in FROM, it would be gathered first.)
        auto rows = db.run(QStringLiteral("SELECT generate_series(1, 3000000)"), {});
        if (!rows || !rows->next() || !interrupt(backend))
            return Error(ErrorCode::Internal, QStringLiteral("no first row, or not interrupted"));
        qint64 read = 1;
        while (rows->next())
            ++read;
        return read < 3'000'000 ? rows->error() : Error(ErrorCode::Internal, QStringLiteral("every row was read"));
    };

    // Rows being read: a server that stops half-way through a result ends the reading with
    // Timeout (each batch of rows is a wait of its own).
    {
        const Error stopped = readInterrupted([this](qint64 backend) {
            m_stoppedBackends << backend;
            return ::kill(pid_t(backend), SIGSTOP) == 0;
        });
        QVERIFY2(stopped.code == ErrorCode::Timeout, qPrintable(describe(stopped)));
    }
    thaw();
    QTest::ignoreMessage(QtWarningMsg, logged);
    QTRY_VERIFY_WITH_TIMEOUT(db.run(select, {1}).ok(), 15'000);

    // A session that ends half-way through a result (terminated, a server restart) ends the
    // reading with its error, not as if those were all the rows.
    {
        auto admin = Database::open(m_pgAdminUrl);
        QVERIFY2(admin.ok(), qPrintable(admin.ok() ? QString() : describe(admin.error())));
        const Error ended = readInterrupted([&admin](qint64 backend) {
            auto killed = admin->exec(QStringLiteral("SELECT pg_terminate_backend(?)"), {backend});
            return killed.ok() && killed->next() && killed->value(0).toBool();
        });
        QVERIFY2(ended.code == ErrorCode::StorageError, qPrintable(describe(ended)));
    }
    QTest::ignoreMessage(QtWarningMsg, logged);
    auto ids = db.exec(QStringLiteral("SELECT id FROM partitions WHERE id = 1"));
    QVERIFY2(ids.ok(), qPrintable(ids.ok() ? QString() : describe(ids.error())));
    QVERIFY(ids->next());
    QCOMPARE(ids->value(0).toLongLong(), 1);
}

void TestStorage::cleanup()
{
    // A test that failed half-way leaves no backend of the shared server stopped.
    for (qint64 pid : std::as_const(m_stoppedBackends))
        ::kill(pid_t(pid), SIGCONT);
    m_stoppedBackends.clear();
}

void TestStorage::postgresMigrationGivesWayToOthers()
{
    // A migration's ALTER waiting for its table's lock (held here by an open transaction that
    // read the table: an operator's psql, a long report) held every later query on that table,
    // of every process, behind it for as long as it waited (up to 10 min). It waits 2 s at a
    // time and gives way in between, and is applied once the lock is free.
    if (!m_pgError.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no PostgreSQL to test against: ") + m_pgError));
    auto opened = openFresh(kPostgres);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : describe(opened.error())));
    Database &db = *opened;
    const QList<Migration> all = baseMigrations(); // the third alters partitions
    QVERIFY(db.migrate(all.mid(0, 2)).ok());
    QVERIFY(db.run(QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)"), {1, QStringLiteral("one")}).ok());
    const QString url = m_lastUrl;

    auto holder = Database::open(url);
    QVERIFY(holder.ok());
    QVERIFY(holder->exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(holder->exec(QStringLiteral("SELECT count(*) FROM partitions")).ok()); // its lock stays until COMMIT

    std::optional<Result<void>> migrated;
    std::mutex mutex;
    std::thread migrator([&] {
        Result<void> outcome = [&]() -> Result<void> {
            Result<Database> own = Database::open(url); // a connection of this thread's own
            if (!own)
                return own.error();
            return own->migrate(all);
        }();
        std::lock_guard lock(mutex);
        migrated = std::move(outcome);
    });
    const auto done = [&] {
        std::lock_guard lock(mutex);
        return migrated.has_value();
    };
    auto joined = qScopeGuard([&] {
        (void)holder->exec(QStringLiteral("ROLLBACK"));
        migrator.join();
    });
    QTest::qWait(500); // the migration waits for the lock

    // Another session reads the table meanwhile: it waits at most one of the migration's
    // lock waits, not until the holder is done (here: for ever, cut at 8 s).
    auto other = Database::open(url);
    QVERIFY(other.ok());
    QVERIFY(other->exec(QStringLiteral("SET statement_timeout = 8000")).ok());
    Result<QSqlQuery> read = other->exec(QStringLiteral("SELECT count(*) FROM partitions"));
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : describe(read.error())));
    QVERIFY(read->next());
    QCOMPARE(read->value(0).toInt(), 1);
    QVERIFY(!done());

    QVERIFY(holder->exec(QStringLiteral("COMMIT")).ok());
    QTRY_VERIFY_WITH_TIMEOUT(done(), 30'000);
    joined.dismiss();
    migrator.join();
    QVERIFY2(migrated->ok(), qPrintable(migrated->ok() ? QString() : describe(migrated->error())));
    QCOMPARE(db.schemaVersion(), 3);
}

void TestStorage::postgresReconnectsAfterLostConnection()
{
    // The market keeps one connection per thread for its whole life. When the server
    // restarts, every session ends: the connection must come back by itself, not fail every
    // statement from then on ("storage_error: (in: BEGIN)" until the market was restarted).
    if (!m_pgError.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no PostgreSQL to test against: ") + m_pgError));
    // The old session's prepared statements are dropped without a DEALLOCATE, which the new
    // session would refuse, and each reconnect is logged once.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Unable to free statement|still in use")));
    // The line names the database once, also when the cause was the loss itself.
    const QRegularExpression logged(QStringLiteral("^(?!.*database.*database)the connection to the database .* was lost and is open again"));
    auto opened = openFresh(kPostgres);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : describe(opened.error())));
    Database &db = *opened;
    QVERIFY(db.migrate(baseMigrations()).ok());
    const QString insert = QStringLiteral("INSERT INTO partitions (id, lending_status) VALUES (?, ?)");
    const QString select = QStringLiteral("SELECT lending_status FROM partitions WHERE id = ?");
    QVERIFY(db.run(insert, {1, QStringLiteral("one")}).ok());
    QVERIFY(db.run(select, {1}).ok()); // both statements are now prepared on the server

    // A read after the loss runs again on a new connection, its statement prepared anew.
    terminateSession(db);
    QTest::ignoreMessage(QtWarningMsg, logged);
    {
        auto rows = db.run(select, {1});
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : describe(rows.error())));
        QVERIFY(rows->next());
        QCOMPARE(rows->text(0), QStringLiteral("one"));
    }

    // A write transaction begins on a new connection.
    terminateSession(db);
    QTest::ignoreMessage(QtWarningMsg, logged);
    {
        WriteTransaction tx(db);
        QVERIFY2(tx.ok(), qPrintable(describe(tx.error())));
        QVERIFY(db.run(insert, {2, QStringLiteral("two")}).ok());
        QVERIFY(tx.commit().ok());
    }
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 2);

    // A write outside a transaction is not sent twice: it fails, saying that the connection
    // was lost and may or may not have done it; the connection is back for the next one.
    terminateSession(db);
    QTest::ignoreMessage(QtWarningMsg, logged);
    auto lost = db.run(insert, {3, QStringLiteral("three")});
    QVERIFY(!lost.ok());
    QCOMPARE(lost.error().code, ErrorCode::StorageError);
    QVERIFY2(lost.error().message.contains(QStringLiteral("may or may not have been done")), qPrintable(describe(lost.error())));
    QVERIFY2(!lost.error().message.contains(QStringLiteral("password")), qPrintable(describe(lost.error())));
    QVERIFY2(lost.error().message.count(QStringLiteral("database")) == 1, qPrintable(describe(lost.error())));
    QVERIFY(db.run(insert, {3, QStringLiteral("three")}).ok());
    QCOMPARE(countRows(db, QStringLiteral("partitions")), 3);

    // A transaction that loses its connection half-way fails as a whole; the next one works.
    {
        WriteTransaction tx(db);
        QVERIFY(tx.ok());
        QVERIFY(db.run(insert, {4, QStringLiteral("four")}).ok());
        terminateSession(db);
        QVERIFY(!db.run(insert, {5, QStringLiteral("five")}).ok());
        const auto committed = tx.commit();
        QVERIFY(!committed.ok());
        QCOMPARE(committed.error().code, ErrorCode::StorageError);
    }
    // The connection is now known gone: a write outside a transaction is not sent on it, so
    // it was not done, and it runs once on a new connection.
    QTest::ignoreMessage(QtWarningMsg, logged);
    {
        auto written = db.run(insert, {6, QStringLiteral("six")});
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : describe(written.error())));
    }
    terminateSession(db);
    QTest::ignoreMessage(QtWarningMsg, logged);
    {
        WriteTransaction tx(db);
        QVERIFY2(tx.ok(), qPrintable(describe(tx.error())));
        QVERIFY(db.run(insert, {7, QStringLiteral("seven")}).ok());
        QVERIFY(tx.commit().ok());
    }
    auto ids = db.exec(QStringLiteral("SELECT id FROM partitions ORDER BY id"));
    QVERIFY(ids.ok());
    QList<qint64> seen;
    while (ids->next())
        seen << ids->value(0).toLongLong();
    QCOMPARE(seen, (QList<qint64>{1, 2, 3, 6, 7}));

    // Rows still being read keep the old statements: no reconnect under them (their query
    // objects would be freed), a clear error instead; once they are released, it reconnects.
    {
        auto held = db.run(QStringLiteral("SELECT id FROM partitions ORDER BY id"), {});
        QVERIFY(held.ok());
        QVERIFY(held->next());
        terminateSession(db);
        auto refused = db.run(select, {1});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("rows being read")), qPrintable(describe(refused.error())));
    }
    QTest::ignoreMessage(QtWarningMsg, logged);
    auto after = db.run(select, {6});
    QVERIFY2(after.ok(), qPrintable(after.ok() ? QString() : describe(after.error())));
    QVERIFY(after->next());
    QCOMPARE(after->text(0), QStringLiteral("six"));
}

QTEST_GUILESS_MAIN(TestStorage)
#include "TestStorage.moc"
