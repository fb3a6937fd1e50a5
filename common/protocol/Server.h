#pragma once

#include "identity/Identity.h"
#include "protocol/Channel.h"

#include <QHostAddress>
#include <QSslServer>

namespace lendable::protocol {

class LocalChannel;

/// Accepts mutual-TLS connections (QSslServer, with a handshake timeout) and turns each into
/// an established Channel. Owns its channels; a closed channel is deleted later.
class Server : public QObject {
    Q_OBJECT
public:
    Server(const Identity &identity, HandshakeConfig config, QObject *parent = nullptr);
    ~Server() override;

    void setAdmission(Admission admission) { m_admission = std::move(admission); }
    /// Listens on address:port (port 0 = any free port).
    Result<void> listen(const QHostAddress &address, quint16 port);
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    void close();
    /// Channels that completed Hello and are open.
    QList<Channel *> channels() const;
    /// An in-process client end connected to this server, for the embedded default and tests.
    LocalChannel *connectLocal(const QString &clientNodeId, HandshakeConfig clientConfig);
    const Identity &identity() const { return m_identity; }

signals:
    void channelEstablished(lendable::protocol::Channel *channel);
    void channelClosed(lendable::protocol::Channel *channel, const lendable::Error &reason);
    /// A connection that never became a channel (TLS failure, refused certificate).
    void connectionRefused(const QString &address, const lendable::Error &reason);

private:
    void adopt(Channel *channel);

    Identity m_identity;
    HandshakeConfig m_config;
    Admission m_admission;
    QSslServer m_server;
    QList<QPointer<Channel>> m_channels;
};

} // namespace lendable::protocol
