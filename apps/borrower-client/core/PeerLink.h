#pragma once
// One outgoing, pinned connection of the borrower: to the market, or to one lender agent.
// Connects on demand, retries with exponential backoff, and turns transport failures into
// errors a person can act on ("cannot reach the lender agent at … ; the lender may be
// offline — …").

#include "identity/Identity.h"
#include "protocol/Channel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace lendable::borrower {

/// How hard to try. The GUI keeps trying (maxAttempts 0); the CLI gives up after a few.
struct ReconnectPolicy {
    int initialDelayMs = 500;
    int maxDelayMs = 30'000;
    int maxAttempts = 0;        ///< consecutive failed attempts before waiters fail; 0 = unlimited
    int handshakeTimeoutMs = 10'000;
    /// While connected and idle, the peer is pinged this often, and a ping it leaves
    /// unanswered for keepAliveTimeoutMs, with nothing else heard from it meanwhile, ends the
    /// connection (as lost: watches are picked up again on a new one). Without it, a peer
    /// that stops answering but keeps its connection open (a frozen process, a host that
    /// lost power behind a NAT) would leave a watch waiting for ever: nothing is sent, so
    /// nothing fails. 0: no pings.
    int keepAliveMs = 15'000;
    /// As long as any request may take: a Pong can come behind a large frame (a job's
    /// result), and this side's own ping behind its upload is not sent while that is.
    int keepAliveTimeoutMs = protocol::kDefaultRequestTimeoutMs;
    /// How long a request over the link waits for its answer, unless the caller names its
    /// own limit (a job's result, which may be large, waits longer).
    int requestTimeoutMs = protocol::kDefaultRequestTimeoutMs;
    /// Delay before attempt n+1 after n consecutive failures (n ≥ 1): initial × 2^(n-1), capped.
    int delayAfter(int failures) const;
};

/// Splits "host:port" (IPv6 as "[::1]:port"); InvalidArgument naming `what` otherwise.
Result<std::pair<QString, quint16>> parseHostPort(const QString &text, const QString &what);

class PeerLink : public QObject {
    Q_OBJECT
public:
    /// `kind` names the peer in messages ("market", "lender agent"); `hint` is appended to
    /// connection failures to say what to do.
    PeerLink(const Identity &identity, QString kind, QString address, QString peerId, ReconnectPolicy policy,
             QString hint, QObject *parent = nullptr);
    ~PeerLink() override;

    QString address() const { return m_address; }
    QString peerId() const { return m_peerId; }
    void setHint(const QString &hint) { m_hint = hint; }
    void setPolicy(const ReconnectPolicy &policy) { m_policy = policy; }
    /// The established channel, or nullptr.
    protocol::Channel *channel() const;

    /// Calls `fn` with the established channel, connecting (and retrying per the policy)
    /// first if needed; or with the error once the attempts are used up. Not called if
    /// `context` dies first.
    void withChannel(QObject *context, std::function<void(Result<protocol::Channel *>)> fn);

    /// A typed request over this link, connecting first if needed; `timeoutMs` 0: the
    /// policy's requestTimeoutMs.
    template <typename Reply, typename Request>
    void request(const Request &req, QObject *context, std::function<void(Result<Reply>)> callback, int timeoutMs = 0)
    {
        if (timeoutMs <= 0)
            timeoutMs = m_policy.requestTimeoutMs;
        withChannel(context, [this, req, context, cb = std::move(callback), timeoutMs](Result<protocol::Channel *> ch) {
            if (!ch) {
                cb(ch.error());
                return;
            }
            (*ch)->request<Reply>(req, context, [this, cb](Result<Reply> r) { cb(r.ok() ? std::move(r) : Result<Reply>(explain(r.error()))); },
                                  timeoutMs);
        });
    }

    /// Drops the connection and stops trying: the requests under way, and those waiting for a
    /// connection, fail with `reason` (connection_closed if none is given).
    void disconnectFromPeer(const Error &reason = {});

    /// The actionable form of a transport error on this link; other errors unchanged.
    Error explain(const Error &error) const;

signals:
    void connected();
    /// An established connection was lost (not emitted for failed attempts).
    void disconnected(const lendable::Error &reason);
    /// An attempt failed and another follows in `retryInMs` (requests are still waiting):
    /// `reason` in its actionable form.
    void retrying(const lendable::Error &reason, int retryInMs);
    /// A push from the peer.
    void pushReceived(const lendable::protocol::Envelope &envelope);

private:
    struct Waiter {
        QPointer<QObject> context;
        std::function<void(Result<protocol::Channel *>)> fn;
    };
    void attempt();
    void onAttemptFailed(const Error &reason);
    void flushWaiters(const Result<protocol::Channel *> &result);
    /// Pings the peer (ReconnectPolicy::keepAliveMs); ends the connection if no Pong comes.
    void keepAlive();
    static bool isPermanent(const Error &e);

    Identity m_identity;
    QString m_kind;
    QString m_address;
    QString m_peerId;
    ReconnectPolicy m_policy;
    QString m_hint;
    QPointer<protocol::Channel> m_channel;
    bool m_connecting = false;
    int m_failures = 0;
    QTimer m_retry;
    QTimer m_keepAlive;
    QElapsedTimer m_clock;
    qint64 m_lastHeardMs = 0; ///< when the peer last sent anything (m_clock)
    QList<Waiter> m_waiters;
};

} // namespace lendable::borrower
