#include "PeerLink.h"

#include "protocol/SslChannel.h"
#include "util/Backoff.h"
#include "util/HostPort.h"

#include <QDateTime>
#include <QHostAddress>

namespace lendable::borrower {

int ReconnectPolicy::delayAfter(int failures) const
{
    return backoffDelayMs(initialDelayMs, maxDelayMs, failures);
}

Result<std::pair<QString, quint16>> parseHostPort(const QString &text, const QString &what)
{
    const Result<HostPort> hp = lendable::parseHostPort(text);
    if (!hp)
        return Error(ErrorCode::InvalidArgument,
                     PeerLink::tr("'%1' is not a %2 address; write HOST:PORT, e.g. 127.0.0.1:7400").arg(text, what));
    return std::pair<QString, quint16>(hp->host, hp->port);
}

PeerLink::PeerLink(const Identity &identity, QString kind, QString address, QString peerId, ReconnectPolicy policy,
                   QString hint, QObject *parent)
    : QObject(parent)
    , m_identity(identity)
    , m_kind(std::move(kind))
    , m_address(std::move(address))
    , m_peerId(peerId.trimmed().toLower())
    , m_policy(policy)
    , m_hint(std::move(hint))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PeerLink::attempt);
    m_clock.start();
    m_keepAlive.setSingleShot(true);
    connect(&m_keepAlive, &QTimer::timeout, this, &PeerLink::keepAlive);
}

PeerLink::~PeerLink()
{
    if (m_channel) {
        m_channel->disconnect(this);
        m_channel->close();
    }
}

protocol::Channel *PeerLink::channel() const
{
    return m_channel && m_channel->isEstablished() ? m_channel.data() : nullptr;
}

void PeerLink::withChannel(QObject *context, std::function<void(Result<protocol::Channel *>)> fn)
{
    if (protocol::Channel *ch = channel()) {
        fn(ch);
        return;
    }
    m_waiters.append(Waiter{context, std::move(fn)});
    if (!m_connecting && !m_retry.isActive())
        attempt();
}

void PeerLink::attempt()
{
    Result<std::pair<QString, quint16>> hp = parseHostPort(m_address, m_kind);
    if (!hp) {
        flushWaiters(hp.error());
        return;
    }
    m_connecting = true;
    protocol::HandshakeConfig config;
    config.localRole = QStringLiteral("borrower");
    config.handshakeTimeoutMs = m_policy.handshakeTimeoutMs;
    protocol::SslChannel *ch = protocol::SslChannel::connectTo(hp->first, hp->second, m_identity, m_peerId, config, this);
    m_channel = ch;
    connect(ch, &protocol::Channel::established, this, [this, ch] {
        if (m_channel != ch)
            return;
        m_connecting = false;
        m_failures = 0;
        if (m_policy.keepAliveMs > 0)
            m_keepAlive.start(m_policy.keepAliveMs);
        emit connected();
        flushWaiters(static_cast<protocol::Channel *>(ch));
    });
    connect(ch, &protocol::Channel::envelopeReceived, this, [this](const protocol::Envelope &e) {
        m_lastHeardMs = m_clock.elapsed();
        if (e.id == 0)
            emit pushReceived(e);
    });
    connect(ch, &protocol::Channel::closed, this, [this, ch](const Error &reason) {
        ch->deleteLater();
        if (m_channel != ch)
            return;
        m_channel = nullptr;
        m_keepAlive.stop();
        if (m_connecting) {
            m_connecting = false;
            onAttemptFailed(reason);
        } else {
            emit disconnected(explain(reason));
        }
    });
}

bool PeerLink::isPermanent(const Error &e)
{
    switch (e.code) {
    case ErrorCode::PeerIdMismatch:
    case ErrorCode::CertificateInvalid:
    case ErrorCode::RoleRefused:
    case ErrorCode::VersionMismatch:
    case ErrorCode::PeerNotAllowed:
    case ErrorCode::InvalidArgument:
    case ErrorCode::IdentityError:
        return true;
    default:
        return false;
    }
}

void PeerLink::onAttemptFailed(const Error &reason)
{
    ++m_failures;
    const bool giveUp = isPermanent(reason) || (m_policy.maxAttempts > 0 && m_failures >= m_policy.maxAttempts);
    if (giveUp || m_waiters.isEmpty()) {
        m_failures = 0;
        flushWaiters(explain(reason));
        return;
    }
    const int delay = m_policy.delayAfter(m_failures);
    m_retry.start(delay);
    emit retrying(explain(reason), delay);
}

void PeerLink::flushWaiters(const Result<protocol::Channel *> &result)
{
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (w.context)
            w.fn(result);
    }
}

void PeerLink::keepAlive()
{
    protocol::Channel *ch = channel();
    if (!ch || m_policy.keepAliveMs <= 0)
        return;
    // Still sending (an upload): a ping would wait behind it, and the request under way has
    // its own time limit.
    if (ch->queuedBytes() > 0) {
        m_keepAlive.start(m_policy.keepAliveMs);
        return;
    }
    const qint64 sentAt = m_clock.elapsed();
    const int waitMs = qMax(m_policy.keepAliveTimeoutMs, 1);
    ch->request<protocol::Pong>(protocol::Ping{.sentAtMs = QDateTime::currentMSecsSinceEpoch()}, this,
                                [this, ch = QPointer<protocol::Channel>(ch), waitMs, sentAt](Result<protocol::Pong> r) {
                                    if (!ch || ch != m_channel)
                                        return; // that connection is gone already
                                    // Answered, or not yet but the peer is heard from (its Pong
                                    // comes behind what it sends): alive.
                                    if (r.ok() || (r.error().code == ErrorCode::Timeout && m_lastHeardMs > sentAt)) {
                                        m_keepAlive.start(m_policy.keepAliveMs);
                                        return;
                                    }
                                    if (r.error().code != ErrorCode::Timeout)
                                        return; // closed meanwhile: the channel says why
                                    ch->close(Error(ErrorCode::Timeout,
                                                    tr("it stopped answering (no answer to a ping in %1 s)").arg(qMax(1, waitMs / 1000))));
                                },
                                waitMs);
}

void PeerLink::disconnectFromPeer(const Error &reason)
{
    const Error why = reason.isError()
        ? reason
        : Error(ErrorCode::ConnectionClosed, tr("the connection to the %1 at %2 was dropped").arg(m_kind, m_address));
    m_retry.stop();
    m_keepAlive.stop();
    m_connecting = false;
    m_failures = 0;
    if (m_channel) {
        protocol::Channel *ch = m_channel;
        m_channel = nullptr;
        ch->disconnect(this);
        ch->close(why);
        ch->deleteLater();
    }
    flushWaiters(why);
}

Error PeerLink::explain(const Error &error) const
{
    auto withHint = [this](QString text) {
        if (!m_hint.isEmpty())
            text += QStringLiteral("; ") + m_hint;
        return text;
    };
    // The transport says "cannot reach HOST:PORT: reason"; keep only the reason.
    QString reason = error.message;
    const qsizetype colon = reason.lastIndexOf(QStringLiteral(": "));
    if (colon >= 0)
        reason = reason.mid(colon + 2);
    switch (error.code) {
    case ErrorCode::ConnectionFailed:
        return Error(error.code, withHint(tr("cannot reach the %1 at %2 (%3)").arg(m_kind, m_address, reason.toLower())));
    case ErrorCode::Timeout:
        if (error.message.contains(QStringLiteral("TLS")))
            return Error(error.code, withHint(tr("the %1 at %2 did not answer in time").arg(m_kind, m_address)));
        return Error(error.code, tr("the %1 at %2 did not answer in time: %3").arg(m_kind, m_address, error.message));
    case ErrorCode::ConnectionClosed:
        return Error(error.code, withHint(tr("the %1 at %2 closed the connection").arg(m_kind, m_address)));
    case ErrorCode::TlsHandshakeFailed:
        return Error(error.code, tr("no secure connection with the %1 at %2 (%3); is that address really a %1?")
                                     .arg(m_kind, m_address, reason));
    case ErrorCode::PeerIdMismatch:
        return Error(error.code, tr("the %1 at %2 is not the node you pinned: %3; check the address and the ID")
                                     .arg(m_kind, m_address, error.message));
    case ErrorCode::RoleRefused:
    case ErrorCode::PeerNotAllowed:
        return Error(error.code, tr("the %1 at %2 refused this borrower: %3").arg(m_kind, m_address, error.message));
    default:
        return error;
    }
}

} // namespace lendable::borrower
