#include "Server.h"

#include "protocol/LocalChannel.h"
#include "protocol/SslChannel.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTimerEvent>

#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace lendable::protocol {

namespace {
Q_LOGGING_CATEGORY(lcServer, "lendable.protocol")

// Running out of file descriptors is logged once a minute at most: while they are used up,
// accepting stops and starts as each connection comes and goes.
constexpr qint64 kAcceptWarningIntervalMs = 60'000;
QAtomicInteger<qint64> g_acceptWarnedAtMs{0};

// How long after connections came or went the heap is trimmed (see scheduleTrim()).
constexpr int kTrimDelayMs = 1000;
} // namespace

Server::Server(const Identity &identity, HandshakeConfig config, QObject *parent)
    : QObject(parent)
    , m_identity(identity)
    , m_config(std::move(config))
    , m_listener(std::make_unique<QTcpServer>())
{
    m_config.localNodeId = identity.nodeId();
    m_channelConfig = std::make_shared<const HandshakeConfig>(m_config);
}

Server::~Server()
{
    close();
    for (const QPointer<Channel> &channel : std::as_const(m_channels)) {
        if (channel)
            channel->setObserver(nullptr);
    }
}

Result<void> Server::listen(const QHostAddress &address, quint16 port)
{
    const Result<ssl_ctx_st *> ctx = SslChannel::sharedContext(m_identity, true);
    if (!ctx.ok())
        return ctx.error();
    m_ctx = *ctx;
    if (!m_listener->listen(address, port))
        return Error(ErrorCode::ConnectionFailed,
                     tr("cannot listen on %1:%2: %3").arg(address.toString(), QString::number(port), m_listener->errorString()));
    // QTcpServer binds and listens; the connections are taken here (acceptPending()), since
    // Qt's accepting spins when the process is out of file descriptors.
    m_listener->pauseAccepting();
    m_acceptNotifier = new QSocketNotifier(m_listener->socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &Server::acceptPending);
    // One timer for every channel (a timer each would cost each of thousands of idle ones).
    if (m_config.idleTimeoutMs > 0 && m_idleTimer == 0)
        m_idleTimer = startTimer(m_config.idleTimeoutMs, Qt::CoarseTimer);
    return {};
}

void Server::acceptPending()
{
    if (!m_acceptNotifier)
        return;
    const int listening = static_cast<int>(m_acceptNotifier->socket());
    for (int taken = 0; taken < kMaxAcceptsPerPass;) {
        const int fd = ::accept4(listening, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            ++taken;
            if (m_refusedWhilePaused > 0) {
                qCDebug(lcServer) << "accepting connections again, after" << m_refusedWhilePaused << "pauses";
                m_refusedWhilePaused = 0;
            }
            accept(fd);
            continue;
        }
        switch (errno) {
        case EINTR:
        case ECONNABORTED: // the peer gave up while it waited: the next one
        case EPROTO:
        case EPERM: // a firewall rule
            continue;
        case EAGAIN:
#if EAGAIN != EWOULDBLOCK
        case EWOULDBLOCK:
#endif
            return; // none left
        default: // EMFILE, ENFILE, ENOBUFS, ENOMEM: out of descriptors or kernel memory
            pauseAccepting(errno);
            return;
        }
    }
}

void Server::pauseAccepting(int error)
{
    m_acceptNotifier->setEnabled(false);
    if (m_acceptRetryTimer == 0)
        m_acceptRetryTimer = startTimer(kAcceptRetryMs);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_refusedWhilePaused++ == 0 && now - g_acceptWarnedAtMs.loadRelaxed() >= kAcceptWarningIntervalMs) {
        // The connections wait in the kernel's queue (or are refused when it is full) until a
        // descriptor is free.
        g_acceptWarnedAtMs.storeRelaxed(now);
        rlimit files{};
        ::getrlimit(RLIMIT_NOFILE, &files);
        qCWarning(lcServer).noquote()
            << tr("cannot accept connections: %1 (%2 connections open, %3 in their TLS handshake; the process may have %4 files open). "
                  "New connections wait until one closes; accepting is tried again every %5 ms (this is logged once a minute at most).")
                   .arg(QString::fromLocal8Bit(std::strerror(error)))
                   .arg(m_channels.size())
                   .arg(m_handshaking.size())
                   .arg(files.rlim_cur == RLIM_INFINITY ? tr("unlimited") : QString::number(files.rlim_cur))
                   .arg(kAcceptRetryMs);
    }
}

void Server::resumeAcceptingSoon()
{
    if (m_acceptRetryTimer != 0)
        QMetaObject::invokeMethod(this, &Server::resumeAccepting, Qt::QueuedConnection);
}

void Server::resumeAccepting()
{
    if (m_acceptRetryTimer != 0) {
        killTimer(m_acceptRetryTimer);
        m_acceptRetryTimer = 0;
    }
    if (m_acceptNotifier && !m_acceptNotifier->isEnabled()) {
        m_acceptNotifier->setEnabled(true);
        acceptPending();
    }
}

quint16 Server::serverPort() const
{
    return m_listener->serverPort();
}

QHostAddress Server::serverAddress() const
{
    return m_listener->serverAddress();
}

void Server::close()
{
    if (m_acceptRetryTimer != 0) {
        killTimer(m_acceptRetryTimer);
        m_acceptRetryTimer = 0;
    }
    if (m_idleTimer != 0) {
        killTimer(m_idleTimer);
        m_idleTimer = 0;
    }
    delete std::exchange(m_acceptNotifier, nullptr); // before the socket it watches is closed
    m_listener->close();
    for (SslChannel *c : std::exchange(m_handshaking, {})) {
        if (c->m_setup)
            c->m_setup->acceptDone = nullptr; // never becomes a channel now
        c->releaseSocket(false);
        c->deleteLater();
    }
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

void Server::accept(qintptr fd)
{
    if (!m_ctx) { // not listening through listen(): cannot happen, but never leak the socket
        ::close(static_cast<int>(fd));
        return;
    }
    auto *channel = new SslChannel(static_cast<int>(fd), m_ctx, m_channelConfig,
                                   [this](SslChannel *c, const Error &error) { handshakeDone(c, error); }, this);
    if (!channel->isClosed())
        m_handshaking.append(channel);
}

void Server::handshakeDone(SslChannel *channel, const Error &error)
{
    m_handshaking.removeOne(channel);
    scheduleTrim();
    if (error.isError()) {
        resumeAcceptingSoon();
        const QString address = channel->peerAddress();
        emit connectionRefused(address.left(address.lastIndexOf(QLatin1Char(':'))), error);
        channel->deleteLater();
        return;
    }
    adopt(channel);
}

void Server::adopt(Channel *channel)
{
    if (m_admission)
        channel->setAdmission(m_admission);
    m_channels.append(channel);
    channel->setObserver(this);
}

void Server::observedEstablished(Channel *channel)
{
    emit channelEstablished(channel);
}

void Server::observedClosed(Channel *channel, const Error &reason)
{
    m_channels.removeAll(QPointer<Channel>(channel));
    scheduleTrim();
    resumeAcceptingSoon();
    emit channelClosed(channel, reason);
    channel->deleteLater();
}

void Server::observedEnvelope(Channel *channel, const Envelope &envelope)
{
    if (m_envelopeHandler)
        m_envelopeHandler(channel, envelope);
}

// A TLS handshake allocates tens of KiB of temporaries (key shares, transcript, record
// buffers) between the few KiB a connection keeps, so after a burst of connections the heap
// holds free pages among live objects that glibc does not give back by itself (it trims
// only the top of the heap). malloc_trim(0) returns them (1 MiB after 1,000 connections in
// market-bench, docs/performance.md). At most once per kTrimDelayMs while connections
// churn; it took 0.1–0.4 ms on the market's heap.
void Server::scheduleTrim()
{
#if defined(__GLIBC__)
    if (m_trimTimer == 0)
        m_trimTimer = startTimer(kTrimDelayMs);
#endif
}

void Server::closeIdleChannels()
{
    // A peer that connected and then said nothing for a whole period (or stopped reading
    // what it was sent) holds a descriptor and its buffers for nothing. The in-process
    // channels (the embedded apps) are not network peers.
    const auto channels = m_channels; // closing one takes it out of the list
    for (const QPointer<Channel> &c : channels) {
        if (!c || !qobject_cast<SslChannel *>(c.data()) || !c->quietSinceLastLook())
            continue;
        qCDebug(lcServer) << "closing an idle connection from" << c->peerId();
        c->closeTellingPeer(Error(ErrorCode::Timeout, tr("nothing was heard from this peer, nor did it read anything, for %1 s: "
                                                    "the connection is closed as idle")
                                                     .arg(m_config.idleTimeoutMs / 1000.0)));
    }
}

void Server::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_acceptRetryTimer && m_acceptRetryTimer != 0) {
        resumeAccepting();
        return;
    }
    if (event->timerId() == m_idleTimer && m_idleTimer != 0) {
        closeIdleChannels();
        return;
    }
    if (event->timerId() != m_trimTimer || m_trimTimer == 0) {
        QObject::timerEvent(event);
        return;
    }
    killTimer(m_trimTimer);
    m_trimTimer = 0;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace lendable::protocol
