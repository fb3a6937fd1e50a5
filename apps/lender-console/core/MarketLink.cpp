#include "MarketLink.h"

namespace lendable::lender {

Result<MarketEndpoint> MarketEndpoint::parse(const QString &address, const QString &marketId)
{
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? address.mid(colon + 1).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not HOST:PORT").arg(address));
    QString host = address.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (!Identity::isValidNodeId(marketId.trimmed().toLower()))
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("'%1' is not a market ID (64 hex digits; `market-manager --print-id` shows it)").arg(marketId));
    return MarketEndpoint{host, quint16(port), marketId.trimmed().toLower()};
}

QString MarketEndpoint::address() const
{
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host) + QLatin1Char(':') +
           QString::number(port);
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
