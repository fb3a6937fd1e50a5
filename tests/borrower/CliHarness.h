#pragma once
// Helpers for tests that run the real executables: start a service and read the line it
// prints when ready, and run `borrower-client --cli …` while this process's event loop keeps
// turning (so in-test peers stay responsive).

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace cliharness {

inline QString bin(const QString &app)
{
    return qEnvironmentVariable("LENDABLE_BINARY_DIR") + QStringLiteral("/bin/") + app;
}

struct Run {
    int exitCode = -1;
    bool timedOut = false;
    QByteArray out;
    QString err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    QJsonObject object() const { return json().object(); }
    QJsonArray array() const { return json().array(); }
    QString describe() const
    {
        return QStringLiteral("exit %1%2\nstdout: %3\nstderr: %4")
            .arg(exitCode)
            .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
            .arg(QString::fromUtf8(out), err);
    }
};

/// Runs a program to completion, spinning the event loop; kills it after `timeoutMs` (a
/// generous bound that only a hang reaches).
inline Run runProgram(const QString &program, const QStringList &args, int timeoutMs = 120'000,
                      const std::function<void(const QByteArray &)> &onStdout = {}, const QByteArray &stdinData = {})
{
    QProcess p;
    Run r;
    QEventLoop loop;
    QTimer limit;
    limit.setSingleShot(true);
    QObject::connect(&limit, &QTimer::timeout, &loop, [&] {
        r.timedOut = true;
        p.kill();
    });
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&p, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            loop.quit();
    });
    QObject::connect(&p, &QProcess::readyReadStandardOutput, &loop, [&] {
        const QByteArray chunk = p.readAllStandardOutput();
        r.out += chunk;
        if (onStdout)
            onStdout(chunk);
    });
    p.start(program, args);
    if (!stdinData.isEmpty()) {
        p.write(stdinData);
        p.closeWriteChannel();
    }
    limit.start(timeoutMs);
    if (p.state() != QProcess::NotRunning || p.error() != QProcess::FailedToStart)
        loop.exec();
    if (p.state() != QProcess::NotRunning)
        p.waitForFinished(5000);
    r.out += p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.exitCode = p.exitStatus() == QProcess::NormalExit && !r.timedOut ? p.exitCode() : -1;
    return r;
}

/// A long-running service started from its executable; the first stdout line matching
/// `ready` is kept in `match`. Stopped (SIGTERM, then kill) when destroyed.
class Service {
public:
    Service() = default;
    ~Service() { stop(); }
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;

    bool start(const QString &program, const QStringList &args, const QRegularExpression &ready, int timeoutMs = 60'000)
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProcessChannelMode(QProcess::SeparateChannels);
        m_proc->start(program, args);
        if (!m_proc->waitForStarted(10'000)) {
            m_log = QStringLiteral("cannot start ") + program;
            return false;
        }
        QEventLoop loop;
        QTimer limit;
        limit.setSingleShot(true);
        QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(m_proc.get(), &QProcess::finished, &loop, &QEventLoop::quit);
        QByteArray buffer;
        QObject::connect(m_proc.get(), &QProcess::readyReadStandardOutput, &loop, [&] {
            buffer += m_proc->readAllStandardOutput();
            for (const QByteArray &line : buffer.split('\n')) {
                const QRegularExpressionMatch m = ready.match(QString::fromUtf8(line));
                if (m.hasMatch()) {
                    match = m;
                    loop.quit();
                    return;
                }
            }
        });
        limit.start(timeoutMs);
        loop.exec();
        m_log = QString::fromUtf8(buffer) + QString::fromUtf8(m_proc->readAllStandardError());
        return match.hasMatch();
    }

    void stop()
    {
        if (!m_proc || m_proc->state() == QProcess::NotRunning)
            return;
        m_proc->terminate();
        if (!m_proc->waitForFinished(15'000)) {
            m_proc->kill();
            m_proc->waitForFinished(5000);
        }
    }

    QString log() { return m_log + (m_proc ? QString::fromUtf8(m_proc->readAllStandardError()) : QString()); }
    bool isRunning() const { return m_proc && m_proc->state() == QProcess::Running; }
    qint64 processId() const { return m_proc ? m_proc->processId() : 0; }
    /// Whether the running process ignores `signal` (its SigIgn mask in /proc).
    bool ignores(int signal) const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(processId()));
        if (!status.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("SigIgn:"))
                return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (signal - 1)) & 1;
        }
        return false;
    }

    QRegularExpressionMatch match;

private:
    std::unique_ptr<QProcess> m_proc;
    QString m_log;
};

} // namespace cliharness
