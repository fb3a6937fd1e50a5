#pragma once

#include "identity/Identity.h"
#include "protocol/Channel.h"

#include <QHostAddress>

#include <memory>

struct ssl_ctx_st;
class QSocketNotifier;
class QTcpServer;

namespace lendable::protocol {

class LocalChannel;
class SslChannel;

/// Accepts mutual-TLS connections and turns each into an established Channel. Owns its
/// channels; a closed channel is deleted later.
///
/// A QTcpServer binds and listens, the Server accepts each connection's socket descriptor
/// itself (acceptPending()), and SslChannel runs the TLS 1.3 handshake on it with OpenSSL directly (a handshake timeout of the config's
/// handshakeTimeoutMs); all channels of one identity share one SSL_CTX. Not QSslServer: its
/// sockets cost 84–89 KiB each while idle, and Qt made an SSL_CTX per socket
/// (docs/performance.md).
class Server : public QObject, private ChannelObserver {
    Q_OBJECT
public:
    using EnvelopeHandler = std::function<void(Channel *channel, const Envelope &envelope)>;

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
    /// Gets the requests and pushes of every channel of this server, before the channel's
    /// envelopeReceived signal: one handler instead of a connection per channel.
    void setEnvelopeHandler(EnvelopeHandler handler) { m_envelopeHandler = std::move(handler); }

    /// How long accepting waits after the process ran out of file descriptors (or kernel
    /// memory) for a new connection, unless a connection closes first.
    static constexpr int kAcceptRetryMs = 1000;
    /// Connections taken in one pass of the event loop, so that a flood of them does not
    /// hold up the channels already open.
    static constexpr int kMaxAcceptsPerPass = 64;

signals:
    void channelEstablished(lendable::protocol::Channel *channel);
    void channelClosed(lendable::protocol::Channel *channel, const lendable::Error &reason);
    /// A connection that never became a channel (TLS failure, refused certificate, timeout).
    void connectionRefused(const QString &address, const lendable::Error &reason);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    /// Takes the connections waiting on the listening socket (accept4), up to
    /// kMaxAcceptsPerPass. Out of file descriptors, it stops watching the socket (which would
    /// wake the loop at once, for ever; Qt's own accepting either did that or stopped for
    /// good), logs it (once a minute at most), and tries again after kAcceptRetryMs or when
    /// a connection closes.
    void acceptPending();
    void pauseAccepting(int error);
    void resumeAccepting();
    /// A descriptor was freed (a connection closed or failed its handshake): while accepting
    /// is paused, it is tried again on the next pass of the event loop, once the socket is closed.
    void resumeAcceptingSoon();
    void accept(qintptr fd);
    void handshakeDone(SslChannel *channel, const Error &error);
    void adopt(Channel *channel);
    void observedEstablished(Channel *channel) override;
    void observedClosed(Channel *channel, const Error &reason) override;
    void observedEnvelope(Channel *channel, const Envelope &envelope) override;
    void scheduleTrim();
    /// Closes the TLS channels that were quiet for a whole idle period
    /// (HandshakeConfig::idleTimeoutMs; Channel::quietSinceLastLook()).
    void closeIdleChannels();

    Identity m_identity;
    EnvelopeHandler m_envelopeHandler;
    HandshakeConfig m_config;
    std::shared_ptr<const HandshakeConfig> m_channelConfig; ///< m_config, one copy for all channels
    Admission m_admission;
    std::unique_ptr<QTcpServer> m_listener; ///< binds and listens; paused, as acceptPending() accepts
    ssl_ctx_st *m_ctx = nullptr;        ///< shared with every server of this identity
    QList<SslChannel *> m_handshaking;  ///< accepted, TLS handshake still running
    QList<QPointer<Channel>> m_channels;
    int m_trimTimer = 0; ///< pending malloc_trim() after connections came or went
    QSocketNotifier *m_acceptNotifier = nullptr; ///< the listening socket, readable when a connection waits
    int m_acceptRetryTimer = 0;                  ///< set while accepting is paused (out of descriptors)
    int m_idleTimer = 0;                         ///< the idle sweep, once listening (0: no idle timeout)
    qint64 m_refusedWhilePaused = 0;             ///< pauses since accepting last worked, for the log
};

} // namespace lendable::protocol
