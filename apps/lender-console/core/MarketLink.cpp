#include "MarketLink.h"

#include "util/HostPort.h"

namespace lendable::lender {

Result<MarketEndpoint> MarketEndpoint::parse(const QString &address, const QString &marketId)
{
    Result<HostPort> hp = parseHostPort(address);
    if (!hp)
        return hp.error();
    if (!Identity::isValidNodeId(marketId.trimmed().toLower()))
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("'%1' is not a market ID (64 hex digits; `market-manager --print-id` shows it)").arg(marketId));
    return MarketEndpoint{hp->host, hp->port, marketId.trimmed().toLower()};
}

QString MarketEndpoint::address() const
{
    return HostPort{host, port}.toString();
}

MarketLink::MarketLink(Identity identity, MarketEndpoint endpoint, QObject *parent)
    : QObject(parent)
    , m_identity(std::move(identity))
    , m_endpoint(std::move(endpoint))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &MarketLink::connectNow);
}

MarketLink::~MarketLink()
{
    m_stopping = true;
    if (m_channel) {
        m_channel->disconnect(this);
        m_channel->close();
        delete m_channel;
    }
}

void MarketLink::start()
{
    connectNow();
}

void MarketLink::connectNow()
{
    if (m_stopping)
        return;
    protocol::HandshakeConfig config;
    config.localNodeId = m_identity.nodeId();
    config.localRole = QStringLiteral("lender");
    config.handshakeTimeoutMs = 10000;
    m_channel = protocol::SslChannel::connectTo(m_endpoint.host, m_endpoint.port, m_identity, m_endpoint.marketId,
                                                config, this);
    m_dispatcher.attach(m_channel);
    connect(m_channel, &protocol::Channel::established, this, [this] {
        m_backoffMs = 500;
        emit connected();
    });
    connect(m_channel, &protocol::Channel::closed, this, [this, ch = m_channel](const Error &reason) {
        if (ch)
            ch->deleteLater();
        if (m_stopping)
            return;
        emit disconnected(reason);
        scheduleReconnect();
    });
}

void MarketLink::scheduleReconnect()
{
    m_retry.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, 30000);
}

} // namespace lendable::lender
