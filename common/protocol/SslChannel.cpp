#include "SslChannel.h"

#include <QSslConfiguration>
#include <QTimerEvent>

namespace lendable::protocol {

QSslConfiguration tlsConfiguration(const Identity &identity)
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setProtocol(QSsl::TlsV1_3OrLater);
    conf.setLocalCertificate(identity.certificate());
    conf.setPrivateKey(identity.privateKey());
    conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
    conf.setCaCertificates({}); // trust comes from pinning node IDs, never from a CA store
    return conf;
}

Error checkPeerCertificate(const QSslCertificate &certificate, const QList<QSslError> &errors)
{
    if (certificate.isNull())
        return Error(ErrorCode::TlsHandshakeFailed, QObject::tr("the peer presented no certificate"));
    for (const QSslError &e : errors) {
        switch (e.error()) {
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::HostNameMismatch:
        case QSslError::NoPeerCertificate: // a server does not always see its own chain; checked above
            break;
        case QSslError::CertificateExpired:
        case QSslError::CertificateNotYetValid:
            return Error(ErrorCode::CertificateInvalid,
                         QObject::tr("the peer's certificate is not valid now (%1; valid %2 to %3)")
                             .arg(e.errorString(),
                                  certificate.effectiveDate().toString(Qt::ISODate),
                                  certificate.expiryDate().toString(Qt::ISODate)));
        default:
            return Error(ErrorCode::CertificateInvalid,
                         QObject::tr("the peer's certificate is unusable: %1").arg(e.errorString()));
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (certificate.expiryDate() < now || certificate.effectiveDate() > now)
        return Error(ErrorCode::CertificateInvalid, QObject::tr("the peer's certificate is not valid now (valid %1 to %2)")
                                                        .arg(certificate.effectiveDate().toString(Qt::ISODate),
                                                             certificate.expiryDate().toString(Qt::ISODate)));
    return {};
}

SslChannel::SslChannel(Side side, HandshakeConfig config, QObject *parent)
    : Channel(side, std::move(config), parent)
{
}

SslChannel *SslChannel::connectTo(const QString &host, quint16 port, const Identity &identity,
                                  const QString &expectedPeerId, HandshakeConfig config, QObject *parent)
{
    config.localNodeId = identity.nodeId();
    auto *channel = new SslChannel(Side::Client, std::move(config), parent);
    channel->m_expectedPeerId = expectedPeerId.trimmed().toLower();
    channel->m_address = host + QLatin1Char(':') + QString::number(port);
    auto *socket = new QSslSocket(channel);
    socket->setSslConfiguration(tlsConfiguration(identity));
    channel->attachSocket(socket);

    connect(socket, &QSslSocket::sslErrors, channel, [channel, socket](const QList<QSslError> &errors) {
        const QString id = Identity::nodeIdOf(socket->peerCertificate());
        if (id != channel->m_expectedPeerId) {
            channel->close(Error(ErrorCode::PeerIdMismatch,
                                 tr("%1 is node %2, not the pinned node %3")
                                     .arg(channel->m_address, id.isEmpty() ? tr("(no certificate)") : id,
                                          channel->m_expectedPeerId)));
            return;
        }
        const Error refusal = checkPeerCertificate(socket->peerCertificate(), errors);
        if (refusal.isError()) {
            channel->close(refusal);
            return;
        }
        socket->ignoreSslErrors();
    });
    connect(socket, &QSslSocket::encrypted, channel, [channel, socket] {
        if (channel->m_connectTimer != 0) {
            channel->killTimer(channel->m_connectTimer);
            channel->m_connectTimer = 0;
        }
        // Pin again here: a certificate that raised no TLS error still has to be the pinned one.
        const QString id = Identity::nodeIdOf(socket->peerCertificate());
        if (id != channel->m_expectedPeerId) {
            channel->close(Error(ErrorCode::PeerIdMismatch, tr("%1 is node %2, not the pinned node %3")
                                                                .arg(channel->m_address, id, channel->m_expectedPeerId)));
            return;
        }
        channel->transportReady(id);
    });

    if (!Identity::isValidNodeId(channel->m_expectedPeerId)) {
        // Fail asynchronously so callers can connect to closed() first.
        QTimer::singleShot(0, channel, [channel, expectedPeerId] {
            channel->close(Error(ErrorCode::InvalidArgument,
                                 tr("'%1' is not a node ID (64 hex characters)").arg(expectedPeerId)));
        });
        return channel;
    }
    channel->m_connectTimer = channel->startTimer(channel->config().handshakeTimeoutMs);
    socket->connectToHostEncrypted(host, port);
    return channel;
}

SslChannel::SslChannel(QSslSocket *socket, HandshakeConfig config, QObject *parent)
    : Channel(Side::Service, std::move(config), parent)
{
    socket->setParent(this);
    m_address = socket->peerAddress().toString() + QLatin1Char(':') + QString::number(socket->peerPort());
    attachSocket(socket);
    const QString id = Identity::nodeIdOf(socket->peerCertificate());
    // Defer so the owner can connect to established()/closed() before anything happens.
    QTimer::singleShot(0, this, [this, id] {
        transportReady(id);
        if (m_socket && m_socket->bytesAvailable() > 0)
            onReadyRead();
    });
}

QString SslChannel::peerAddress() const
{
    return m_address;
}

void SslChannel::attachSocket(QSslSocket *socket)
{
    m_socket = socket;
    // Requests and replies are small frames, often several in flight: with Nagle's algorithm
    // a frame written while an earlier one is unacknowledged waits for the peer's delayed ACK
    // (40 ms on Linux), which market-bench measured as a 40–80 ms p50 for one search.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(socket, &QSslSocket::readyRead, this, &SslChannel::onReadyRead);
    connect(socket, &QSslSocket::errorOccurred, this, &SslChannel::onSocketError);
    connect(socket, &QSslSocket::disconnected, this, [this] {
        transportClosed(Error(ErrorCode::ConnectionClosed, tr("%1 closed the connection").arg(m_address)));
    });
}

void SslChannel::onReadyRead()
{
    // Bytes that arrive before the channel knows its peer stay in the socket until then.
    if (!isTransportReady())
        return;
    // readAll() rather than read(n): when the socket's buffer is one chunk, readAll() hands
    // over that chunk itself, so an idle socket keeps no 16 KiB read chunk for reuse (with
    // read(n) it does, for every connection: market-bench, docs/performance.md), and
    // read(n) would allocate n bytes up front besides. Memory stays bounded: a TLS record
    // is at most 16 KiB and the FrameReader refuses an oversized frame at its header.
    while (m_socket && m_socket->bytesAvailable() > 0 && !isClosed()) {
        const QByteArray chunk = m_socket->readAll();
        if (chunk.isEmpty())
            break;
        bytesReceived(chunk);
    }
}

void SslChannel::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_connectTimer || m_connectTimer == 0) {
        Channel::timerEvent(event);
        return;
    }
    killTimer(m_connectTimer);
    m_connectTimer = 0;
    close(Error(ErrorCode::Timeout,
                tr("no TLS connection to %1 within %2 ms").arg(m_address).arg(config().handshakeTimeoutMs)));
}

void SslChannel::onSocketError(QAbstractSocket::SocketError error)
{
    if (isClosed() || !m_socket)
        return;
    const QString text = m_socket->errorString();
    switch (error) {
    case QAbstractSocket::RemoteHostClosedError:
        transportClosed(Error(ErrorCode::ConnectionClosed, tr("%1 closed the connection").arg(m_address)));
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        transportClosed(Error(ErrorCode::TlsHandshakeFailed, tr("TLS with %1 failed: %2").arg(m_address, text)));
        break;
    case QAbstractSocket::ConnectionRefusedError:
    case QAbstractSocket::HostNotFoundError:
    case QAbstractSocket::NetworkError:
    case QAbstractSocket::SocketTimeoutError:
        transportClosed(Error(ErrorCode::ConnectionFailed, tr("cannot reach %1: %2").arg(m_address, text)));
        break;
    default:
        transportClosed(Error(ErrorCode::ConnectionClosed, tr("connection to %1 failed: %2").arg(m_address, text)));
        break;
    }
}

void SslChannel::writeFrame(const QByteArray &frame)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(frame);
}

void SslChannel::closeTransport()
{
    if (m_connectTimer != 0) {
        killTimer(m_connectTimer);
        m_connectTimer = 0;
    }
    if (!m_socket)
        return;
    QSslSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::ConnectedState && socket->isEncrypted()) {
        // Flush what was written (e.g. a final Error) before closing: the socket outlives
        // this channel (which its owner may delete right away) until it is disconnected.
        socket->setParent(nullptr);
        connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        QTimer::singleShot(2000, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
    } else {
        socket->abort();
        socket->deleteLater();
    }
}

} // namespace lendable::protocol
