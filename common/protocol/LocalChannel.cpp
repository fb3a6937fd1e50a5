#include "LocalChannel.h"

namespace lendable::protocol {

std::pair<LocalChannel *, LocalChannel *> LocalChannel::createPair(const QString &clientNodeId, HandshakeConfig clientConfig,
                                                                   const QString &serviceNodeId,
                                                                   HandshakeConfig serviceConfig, QObject *parent)
{
    clientConfig.localNodeId = clientNodeId;
    serviceConfig.localNodeId = serviceNodeId;
    auto *client = new LocalChannel(Side::Client, std::move(clientConfig), parent);
    auto *service = new LocalChannel(Side::Service, std::move(serviceConfig), parent);
    client->m_other = service;
    service->m_other = client;
    QTimer::singleShot(0, service, [service, clientNodeId] { service->transportReady(clientNodeId); });
    QTimer::singleShot(0, client, [client, serviceNodeId] { client->transportReady(serviceNodeId); });
    return {client, service};
}

void LocalChannel::writeFrame(const QByteArray &frame)
{
    QPointer<LocalChannel> other = m_other;
    if (!other)
        return;
    QMetaObject::invokeMethod(
        other, [other, frame] {
            if (other)
                other->bytesReceived(frame);
        },
        Qt::QueuedConnection);
}

void LocalChannel::closeTransport()
{
    QPointer<LocalChannel> other = std::exchange(m_other, nullptr);
    if (!other)
        return;
    QMetaObject::invokeMethod(
        other, [other] {
            if (other)
                other->transportClosed(Error(ErrorCode::ConnectionClosed, tr("the peer closed the connection")));
        },
        Qt::QueuedConnection);
}

} // namespace lendable::protocol
