#pragma once
// The agent's connection to one market (FIG. 11: a partition is managed by exactly one of
// the markets the lender works with). Pinned by the market's node ID, role `lender`,
// reconnecting with backoff; the agent registers its push handlers on dispatcher().

#include "identity/Identity.h"
#include "protocol/Dispatcher.h"
#include "protocol/SslChannel.h"

#include <QPointer>
#include <QTimer>

namespace lendable::lender {

struct MarketEndpoint {
    QString host;
    quint16 port = 0;
    QString marketId;
    /// Parses "HOST:PORT" (IPv6 as "[::1]:PORT").
    static Result<MarketEndpoint> parse(const QString &address, const QString &marketId);
    QString address() const;
};

class MarketLink : public QObject {
    Q_OBJECT
public:
    MarketLink(Identity identity, MarketEndpoint endpoint, QObject *parent = nullptr);
    ~MarketLink() override;

    void start();
    bool isConnected() const { return m_channel && m_channel->isEstablished(); }
    QString marketId() const { return m_endpoint.marketId; }
    const MarketEndpoint &endpoint() const { return m_endpoint; }
    protocol::Dispatcher &dispatcher() { return m_dispatcher; }

    /// A request to the market. When the market is not connected, waits up to
    /// `connectWaitMs` for the (re)connection, then fails with ConnectionFailed.
    template <typename Reply, typename Request>
    void request(const Request &req, QObject *context, std::function<void(Result<Reply>)> callback,
                 int timeoutMs = protocol::kDefaultRequestTimeoutMs, int connectWaitMs = 10000)
    {
        if (isConnected()) {
            m_channel->request<Reply>(req, context, std::move(callback), timeoutMs);
            return;
        }
        auto pending = std::make_shared<std::function<void(Result<Reply>)>>(std::move(callback));
        auto done = std::make_shared<bool>(false);
        auto *waiter = new QObject(this);
        const QPointer<QObject> guard(context);
        connect(this, &MarketLink::connected, waiter, [this, req, guard, pending, done, timeoutMs, waiter] {
            if (*done)
                return;
            *done = true;
            waiter->deleteLater();
            if (guard && m_channel)
                m_channel->request<Reply>(req, guard.data(), *pending, timeoutMs);
        });
        QTimer::singleShot(connectWaitMs, waiter, [pending, done, waiter, guard, id = m_endpoint.marketId, addr = m_endpoint.address()] {
            if (*done)
                return;
            *done = true;
            waiter->deleteLater();
            if (guard)
                (*pending)(Error(ErrorCode::ConnectionFailed,
                                 QStringLiteral("market %1 at %2 is not connected").arg(id.left(12), addr)));
        });
    }
    /// Sends a report whose answer nobody waits for (logged on failure).
    template <typename Request>
    void notify(const Request &req)
    {
        request<protocol::Ack>(req, this, [name = QLatin1String(Request::kName), id = m_endpoint.marketId](Result<protocol::Ack> r) {
            if (!r.ok())
                qWarning("market %s: %s failed: %s", qPrintable(id.left(12)), name.data(), qPrintable(r.error().toString()));
        });
    }

signals:
    void connected();
    void disconnected(const lendable::Error &reason);

private:
    void connectNow();
    void scheduleReconnect();

    Identity m_identity;
    MarketEndpoint m_endpoint;
    protocol::Dispatcher m_dispatcher;
    QPointer<protocol::SslChannel> m_channel;
    QTimer m_retry;
    int m_backoffMs = 500;
    bool m_stopping = false;
};

} // namespace lendable::lender
