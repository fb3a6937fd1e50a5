#include "MarketTestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QUrl>

namespace lendable::market::test {

PgServer &PgServer::instance()
{
    static PgServer server;
    return server;
}

QString PgServer::error()
{
    if (!m_tried) {
        m_tried = true;
        if (auto r = ensure(); !r)
            m_error = r.error().toString();
    }
    return m_error;
}

Result<void> PgServer::ensure()
{
    m_adminUrl = qEnvironmentVariable("LENDABLE_TEST_PG_URL");
    if (!m_adminUrl.isEmpty())
        return {};
    m_script = QDir(sourceDir()).filePath(QStringLiteral("scripts/pg-test-server.sh"));
    if (!QFile::exists(m_script))
        return Error(ErrorCode::Internal, QStringLiteral("PostgreSQL tests need LENDABLE_TEST_PG_URL or %1").arg(m_script));
    // Short and under /tmp: the server's unix socket lives in it (107-byte limit).
    m_dir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/lendable-mpg-XXXXXX"));
    if (!m_dir->isValid())
        return Error(ErrorCode::IoError, QStringLiteral("cannot create a directory for PostgreSQL"));
    QProcess script;
    script.start(QStringLiteral("bash"), {m_script, QStringLiteral("start"), m_dir->path()});
    if (!script.waitForFinished(180'000) || script.exitStatus() != QProcess::NormalExit || script.exitCode() != 0) {
        const QString why = QString::fromLocal8Bit(script.readAllStandardError()).trimmed();
        m_dir.reset();
        return Error(ErrorCode::Internal, QStringLiteral("could not start PostgreSQL: %1").arg(why.isEmpty() ? script.errorString() : why));
    }
    m_adminUrl = QString::fromLocal8Bit(script.readAllStandardOutput()).trimmed().split(QLatin1Char('\n')).last();
    return {};
}

Result<QString> PgServer::freshDatabase()
{
    if (const QString why = error(); !why.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("no PostgreSQL to test against: ") + why);
    auto admin = Database::open(m_adminUrl);
    if (!admin)
        return admin.error();
    const QString name = QStringLiteral("lendable_m_%1_%2_%3")
                             .arg(QCoreApplication::applicationPid())
                             .arg(m_databases.size())
                             .arg(QRandomGenerator::global()->bounded(1'000'000));
    if (auto created = admin->exec(QStringLiteral("CREATE DATABASE ") + name); !created)
        return created.error();
    m_databases.append(name);
    QUrl url(m_adminUrl);
    url.setPath(QLatin1Char('/') + name);
    return url.toString();
}

void PgServer::stop()
{
    if (!m_databases.isEmpty() && !m_adminUrl.isEmpty()) {
        auto admin = Database::open(m_adminUrl);
        if (admin) {
            for (const QString &name : std::as_const(m_databases)) {
                if (auto dropped = admin->exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name)); !dropped)
                    qWarning() << "could not drop" << name << dropped.error();
            }
        }
        m_databases.clear();
    }
    if (m_dir) {
        QProcess script;
        script.start(QStringLiteral("bash"), {m_script, QStringLiteral("stop"), m_dir->path()});
        script.waitForFinished(120'000);
        m_dir.reset();
    }
}

Result<QString> freshDatabaseUrl(const QString &dialect, const QTemporaryDir &tmp)
{
    static int counter = 0;
    if (dialect == u"sqlite")
        return QString(QStringLiteral("sqlite:") + tmp.filePath(QStringLiteral("market-%1.db").arg(++counter)));
    return PgServer::instance().freshDatabase();
}

Identity makeIdentity(const QString &name)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(-1), now.addDays(365)).value();
}

protocol::SslChannel *connectClient(quint16 port, const Identity &client, const QString &marketId, const QString &role,
                                    QObject *parent, Error *error,
                                    const std::function<void(protocol::SslChannel *)> &beforeHello)
{
    protocol::HandshakeConfig config;
    config.localRole = role;
    config.handshakeTimeoutMs = 10'000;
    auto *channel = protocol::SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, client, marketId, config, parent);
    if (beforeHello)
        beforeHello(channel);
    const Result<void> up = channel->waitEstablished(15'000);
    if (!up) {
        if (error)
            *error = up.error();
        delete channel;
        return nullptr;
    }
    return channel;
}

protocol::LendingConditions conditions(int cpus, qint64 memoryMib, qint64 diskMib, const QString &rate,
                                       const QStringList &images, qint64 maxDurationS)
{
    protocol::LendingConditions c;
    c.resources = Resources{cpus, memoryMib, diskMib};
    c.osImages = images;
    c.ratePerHour = Money::parse(rate).value();
    c.maxDurationS = maxDurationS;
    return c;
}

QString sourceDir()
{
    QString dir = qEnvironmentVariable("LENDABLE_SOURCE_DIR");
#ifdef LENDABLE_SOURCE_DIR_FALLBACK
    if (dir.isEmpty())
        dir = QStringLiteral(LENDABLE_SOURCE_DIR_FALLBACK);
#endif
    return dir;
}

QString binaryDir()
{
    QString dir = qEnvironmentVariable("LENDABLE_BINARY_DIR");
#ifdef LENDABLE_BINARY_DIR_FALLBACK
    if (dir.isEmpty())
        dir = QStringLiteral(LENDABLE_BINARY_DIR_FALLBACK);
#endif
    return QDir(dir).filePath(QStringLiteral("bin"));
}

int niceOfThread(const QString &name)
{
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || QString::fromUtf8(comm.readAll()).trimmed() != name)
            continue;
        QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // Field 19 is the nice value; the fields after the ')' of the command are plain.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        return fields.value(19 - 3).toInt();
    }
    return -100;
}

} // namespace lendable::market::test
