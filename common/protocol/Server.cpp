#include "Server.h"

#include "protocol/LocalChannel.h"
#include "protocol/SslChannel.h"

namespace lendable::protocol {

Server::Server(const Identity &identity, HandshakeConfig config, QObject *parent)
    : QObject(parent)
    , m_identity(identity)
    , m_config(std::move(config))
{
    m_config.localNodeId = identity.nodeId();
    m_server.setSslConfiguration(tlsConfiguration(identity));
    m_server.setHandshakeTimeout(m_config.handshakeTimeoutMs);

    connect(&m_server, &QSslServer::sslErrors, this, [this](QSslSocket *socket, const QList<QSslError> &errors) {
        const Error refusal = checkPeerCertificate(socket->peerCertificate(), errors);
        if (refusal.isError()) {
            emit connectionRefused(socket->peerAddress().toString(), refusal);
            socket->abort();
            return;
        }
        socket->ignoreSslErrors();
    });
    connect(&m_server, &QSslServer::errorOccurred, this, [this](QSslSocket *socket, QAbstractSocket::SocketError) {
        emit connectionRefused(socket->peerAddress().toString(),
                               Error(ErrorCode::TlsHandshakeFailed, socket->errorString()));
    });
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (m_server.hasPendingConnections()) {
            auto *socket = qobject_cast<QSslSocket *>(m_server.nextPendingConnection());
            if (!socket)
                continue;
            if (!socket->isEncrypted() || socket->peerCertificate().isNull()) {
                socket->abort();
                socket->deleteLater();
                continue;
            }
            adopt(new SslChannel(socket, m_config, this));
        }
    });
}

Server::~Server()
{
    close();
}

Result<void> Server::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server.listen(address, port))
        return Error(ErrorCode::ConnectionFailed,
                     tr("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server.errorString()));
    return {};
}

quint16 Server::serverPort() const
{
    return m_server.serverPort();
}

QHostAddress Server::serverAddress() const
{
    return m_server.serverAddress();
}

void Server::close()
{
    m_server.close();
    const auto channels = m_channels;
    for (const QPointer<Channel> &c : channels) {
        if (c)
            c->close(Error(ErrorCode::ConnectionClosed, tr("the service is shutting down")));
    }
}

QList<Channel *> Server::channels() const
{
    QList<Channel *> out;
    for (const QPointer<Channel> &c : m_channels) {
        if (c && c->isEstablished())
            out.append(c);
    }
    return out;
}

LocalChannel *Server::connectLocal(const QString &clientNodeId, HandshakeConfig clientConfig)
{
    auto [client, service] =
        LocalChannel::createPair(clientNodeId, std::move(clientConfig), m_identity.nodeId(), m_config, nullptr);
    service->setParent(this);
    adopt(service);
    return client;
}

void Server::adopt(Channel *channel)
{
    if (m_admission)
        channel->setAdmission(m_admission);
    m_channels.append(channel);
    connect(channel, &Channel::established, this, [this, channel] { emit channelEstablished(channel); });
    connect(channel, &Channel::closed, this, [this, channel](const Error &reason) {
        m_channels.removeAll(QPointer<Channel>(channel));
        emit channelClosed(channel, reason);
        channel->deleteLater();
    });
}

} // namespace lendable::protocol
