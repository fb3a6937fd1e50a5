#pragma once

#include "identity/Identity.h"
#include "protocol/Channel.h"

#include <QHostAddress>
#include <QSslConfiguration>

#include <functional>
#include <memory>

// OpenSSL's types, declared here so that users of this header need no OpenSSL headers.
struct ssl_st;
struct ssl_ctx_st;

namespace lendable::protocol {

/// TLS configuration for a node as a QSslConfiguration: TLS 1.3 only, its own certificate and
/// key, peers verified (a certificate is required of both sides) and pinned by node ID rather
/// than by a CA. SslChannel and Server do not use it (they configure OpenSSL directly, with
/// the same policy); it is for code that talks TLS through QSslSocket, e.g. tests.
QSslConfiguration tlsConfiguration(const Identity &identity);

class Server;
class SslReactor;

/// A Channel over mutual TLS 1.3, on OpenSSL directly (not QSslSocket): a non-blocking
/// socket in its thread's epoll set (one QSocketNotifier per thread, not per channel; watched
/// for writing only while output is queued), one `SSL` object with its buffers released while
/// idle, and one `SSL_CTX` shared by every channel of an identity and side. Built for a market
/// holding thousands of idle connections (docs/performance.md): an idle channel keeps no read
/// or write buffer and no connect or handshake state. Frames written in one pass of the event
/// loop are queued and leave together, as one TLS record, when the pass is done with the
/// channel. Writes never raise SIGPIPE; close() flushes queued frames (for at most 2 s)
/// before close_notify.
class SslChannel : public Channel {
    Q_OBJECT
public:
    /// Client side: connects to host:port and accepts only the peer whose node ID is
    /// `expectedPeerId`. Progress and failure arrive through established()/closed().
    static SslChannel *connectTo(const QString &host, quint16 port, const Identity &identity,
                                 const QString &expectedPeerId, HandshakeConfig config, QObject *parent = nullptr);

    ~SslChannel() override;

    /// "IP:port" of the peer (the host name as given, for a client still resolving it).
    QString peerAddress() const override;
    /// The frames not yet taken by SSL_write.
    qint64 queuedBytes() const override;

protected:
    void writeFrame(const QByteArray &frame) override;
    void closeTransport() override;
    void holdInput(bool held) override;
    void timerEvent(QTimerEvent *event) override;

private:
    friend class Server;
    friend class SslReactor;

    enum class State : quint8 { Resolving, Connecting, Handshaking, Open, Closed };
    /// Why the TLS handshake ended, for the server's connectionRefused (empty on success).
    using AcceptDone = std::function<void(SslChannel *, const Error &)>;

    /// The process-wide TLS context of `identity` for one side, made on first use (thread-safe).
    static Result<ssl_ctx_st *> sharedContext(const Identity &identity, bool server);

    SslChannel(Side side, HandshakeConfig config, QObject *parent);
    /// Service side: takes a connected socket `fd` accepted by Server and runs the TLS
    /// handshake on it with `ctx`; `done` runs once, when it succeeds or fails.
    SslChannel(int fd, ssl_ctx_st *ctx, std::shared_ptr<const HandshakeConfig> config, AcceptDone done, QObject *parent);

    void startConnect(const QList<QHostAddress> &addresses, const Error &lookupError);
    void connectNext();
    void onConnected();
    void startTls();
    void continueHandshake();
    void handshakeSucceeded();
    void handshakeFailed(Error error);
    void onSocketEvent(quint32 events);
    void readAvailable();
    void flush();
    void flushDeferred();
    void afterWrite(int outcome, int sslErrorCode, int savedErrno);
    bool updateInterest();
    void unwatch();
    Error sslError(int ret, const char *what, int sslErrorCode = 0);
    void releaseSocket(bool orderly);
    void stopTlsTimer();

    /// What only connecting and the handshake need; freed once TLS is up, so that an idle
    /// channel does not carry it.
    struct Setup {
        ssl_ctx_st *ctx = nullptr;       ///< shared, cached for the process (not owned)
        QString expectedPeerId;          ///< client side: the pinned node ID
        QList<QHostAddress> addresses;   ///< client side: addresses not yet tried
        AcceptDone acceptDone;           ///< service side: tells the server how it ended
        Error verifyRefusal;             ///< the first peer certificate problem the verify callback refused
        int lookupId = -1;
        QBasicTimer timer;               ///< connect + handshake deadline (see Channel's timers)
        quint16 port = 0;
    };

    std::unique_ptr<Setup> m_setup;
    ssl_st *m_ssl = nullptr;
    SslReactor *m_reactor = nullptr;  ///< this thread's epoll set, which watches the socket
    QList<QByteArray> m_outgoing; ///< frames not yet taken by SSL_write; empty (no memory) when idle
    qsizetype m_outgoingOffset = 0;
    qint64 m_outgoingBytes = 0;       ///< the sizes of m_outgoing's frames, added up
    QString m_address;
    int m_fd = -1;
    quint32 m_events = 0;             ///< what the reactor watches the socket for (EPOLLIN/EPOLLOUT)
    State m_state = State::Connecting;
    bool m_writeWantsRead = false;
    bool m_readWantsWrite = false;
    bool m_reading = false;
    bool m_readPaused = false;
    bool m_flushPending = false;      ///< frames wait in m_outgoing for the reactor's flush
};

} // namespace lendable::protocol
