#pragma once
// Shared by the market tests: real databases (a fresh SQLite file or a fresh PostgreSQL
// database per test), identities, and TLS clients of a running MarketService.

#include "MarketService.h"
#include "protocol/SslChannel.h"

#include <QPointer>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace lendable::market::test {

/// A PostgreSQL server for the whole test program: LENDABLE_TEST_PG_URL, or one started with
/// scripts/pg-test-server.sh in a temporary directory (stopped again by stop()). Every
/// freshDatabase() is a new database on it, dropped by stop().
class PgServer {
public:
    static PgServer &instance();
    /// Empty when PostgreSQL is available; otherwise why not.
    QString error();
    /// The URL of a new, empty database.
    Result<QString> freshDatabase();
    void stop();

private:
    Result<void> ensure();
    bool m_tried = false;
    QString m_error;
    QString m_adminUrl;
    QString m_script;
    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_databases;
};

/// "sqlite" or "postgres" → the URL of a fresh database of that kind (files in `tmp`).
Result<QString> freshDatabaseUrl(const QString &dialect, const QTemporaryDir &tmp);

Identity makeIdentity(const QString &name);

/// A TLS client of a market on loopback, established, or nullptr (with the reason in `error`).
/// `beforeHello` runs on the channel before it is established (to catch pushes that follow
/// the Welcome at once).
protocol::SslChannel *connectClient(quint16 port, const Identity &client, const QString &marketId, const QString &role,
                                    QObject *parent, Error *error = nullptr,
                                    const std::function<void(protocol::SslChannel *)> &beforeHello = {});

/// Lending conditions for tests.
protocol::LendingConditions conditions(int cpus, qint64 memoryMib, qint64 diskMib, const QString &rate,
                                       const QStringList &images = {QStringLiteral("busybox")}, qint64 maxDurationS = 0);

/// The nice value of this process's thread called `name` (its comm, at most 15 characters),
/// read from /proc; -100 when there is no such thread.
int niceOfThread(const QString &name);

/// The source tree (for scripts/), from LENDABLE_SOURCE_DIR or the compiled-in fallback.
QString sourceDir();
/// Where the executables are (LENDABLE_BINARY_DIR/bin or the compiled-in fallback).
QString binaryDir();

// What the market sends a lender, pushes and requests alike. It answers AllocationChanged
// requests as an agent would: with an Ack, or with `refuseAllocation` when that is set.
class PushLog : public QObject {
public:
    explicit PushLog(protocol::Channel *channel)
    {
        connect(channel, &protocol::Channel::envelopeReceived, this, [this, channel](const protocol::Envelope &e) {
            envelopes.append(e);
            if (e.id == 0 || e.type != static_cast<quint32>(protocol::AllocationChanged::kType))
                return;
            if (holdAllocations)
                held.append(e.id);
            else
                answer(channel, e.id);
        });
        m_channel = channel;
    }
    // Answers the AllocationChanged requests held so far.
    void answerHeld()
    {
        for (const quint64 id : std::exchange(held, {}))
            answer(m_channel, id);
    }
    std::optional<Error> refuseAllocation;
    bool holdAllocations = false; // AllocationChanged requests wait for answerHeld()
    QList<quint64> held;
    template <typename M>
    QList<M> all() const
    {
        QList<M> out;
        for (const protocol::Envelope &e : envelopes) {
            if (e.type == static_cast<quint32>(M::kType))
                out.append(protocol::decodeMessage<M>(e).value());
        }
        return out;
    }
    QList<protocol::Envelope> envelopes;

private:
    void answer(protocol::Channel *channel, quint64 id)
    {
        if (!channel)
            return;
        if (refuseAllocation)
            channel->replyError(id, *refuseAllocation);
        else
            channel->reply(id, protocol::Ack{});
    }
    QPointer<protocol::Channel> m_channel;
};

} // namespace lendable::market::test
