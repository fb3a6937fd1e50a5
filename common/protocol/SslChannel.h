#pragma once

#include "identity/Identity.h"
#include "protocol/Channel.h"

#include <QSslError>
#include <QSslSocket>

namespace lendable::protocol {

/// TLS configuration for a node: TLS 1.3 only, its own certificate and key, peers verified
/// (a certificate is required of both sides) and pinned by node ID rather than by a CA.
QSslConfiguration tlsConfiguration(const Identity &identity);

/// Checks the TLS errors of a self-signed peer: the only acceptable ones are those that say
/// "no CA vouches for this certificate". Expired, not-yet-valid or badly signed certificates
/// are refused. Returns the typed refusal, or no error.
Error checkPeerCertificate(const QSslCertificate &certificate, const QList<QSslError> &errors);

/// A Channel over a QSslSocket with mutual authentication.
class SslChannel : public Channel {
    Q_OBJECT
public:
    /// Client side: connects to host:port and accepts only the peer whose node ID is
    /// `expectedPeerId`. Progress and failure arrive through established()/closed().
    static SslChannel *connectTo(const QString &host, quint16 port, const Identity &identity,
                                 const QString &expectedPeerId, HandshakeConfig config, QObject *parent = nullptr);

    /// Service side: adopts a socket whose TLS handshake the server completed.
    SslChannel(QSslSocket *socket, HandshakeConfig config, QObject *parent = nullptr);

    QString peerAddress() const override;

protected:
    void writeFrame(const QByteArray &frame) override;
    void closeTransport() override;

private:
    SslChannel(Side side, HandshakeConfig config, QObject *parent);
    void attachSocket(QSslSocket *socket);
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void timerEvent(QTimerEvent *event) override;

    QSslSocket *m_socket = nullptr;
    QString m_expectedPeerId;
    QString m_address;
    int m_connectTimer = 0; // client side, until TLS is up (a timer ID: see Channel)
};

} // namespace lendable::protocol
