#include "SslChannel.h"

#include <QHash>
#include <QCoreApplication>
#include <QHostInfo>
#include <QMutex>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QThread>
#include <QTimerEvent>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

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

namespace {

constexpr int kReadChunk = 16 * 1024;        // one TLS record's plaintext at most
constexpr int kReadBudget = 1024 * 1024;     // per wake-up, so one busy peer cannot starve the others
constexpr int kLingerMs = 2000;              // how long a closed channel may take to flush

// ── the socket BIO: recv/send with MSG_NOSIGNAL ──
// OpenSSL's own socket BIO writes with write(), which raises SIGPIPE when the peer is gone;
// ignoring SIGPIPE process-wide is not this library's call to make.

int bioFd(BIO *bio)
{
    return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio)));
}

int bioWrite(BIO *bio, const char *data, int length)
{
    BIO_clear_retry_flags(bio);
    for (;;) {
        const ssize_t n = ::send(bioFd(bio), data, static_cast<size_t>(length), MSG_NOSIGNAL);
        if (n >= 0)
            return static_cast<int>(n);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_write(bio);
        return -1;
    }
}

// Whether the last recv() on this thread left the socket empty: it returned less than was
// asked for. OpenSSL reads ahead (SSL_CTX_set_read_ahead), asking for as much as its buffer
// holds, so a short read means the kernel had no more; readAvailable() then stops without
// the recv() that would only return EAGAIN (the epoll set is level-triggered: bytes that
// come later wake the channel again). A channel reads only on its own thread, inside one
// SSL_read(), so a thread's last recv() is the reading channel's.
thread_local bool t_socketDrained = false;

int bioRead(BIO *bio, char *data, int length)
{
    BIO_clear_retry_flags(bio);
    for (;;) {
        const ssize_t n = ::recv(bioFd(bio), data, static_cast<size_t>(length), MSG_NOSIGNAL);
        t_socketDrained = n < length;
        if (n >= 0)
            return static_cast<int>(n); // 0: the peer closed its side
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_read(bio);
        return -1;
    }
}

int bioPuts(BIO *bio, const char *text)
{
    return bioWrite(bio, text, static_cast<int>(std::strlen(text)));
}

long bioCtrl(BIO *, int command, long, void *)
{
    switch (command) {
    case BIO_CTRL_FLUSH: // nothing is buffered here
        return 1;
    default:
        return 0;
    }
}

int bioCreate(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

int bioDestroy(BIO *)
{
    return 1; // the fd belongs to the channel, which closes it
}

BIO_METHOD *socketBioMethod()
{
    static BIO_METHOD *const method = [] {
        BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "lendable socket");
        BIO_meth_set_write(m, bioWrite);
        BIO_meth_set_read(m, bioRead);
        BIO_meth_set_puts(m, bioPuts);
        BIO_meth_set_ctrl(m, bioCtrl);
        BIO_meth_set_create(m, bioCreate);
        BIO_meth_set_destroy(m, bioDestroy);
        return m;
    }();
    return method;
}

// ── peer verification ──

QString nodeIdOfX509(X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!cert || X509_digest(cert, EVP_sha256(), md, &length) != 1)
        return {};
    // The same as Identity::nodeIdOf(): the SHA-256 of the DER certificate, lowercase hex.
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(md), static_cast<qsizetype>(length)).toHex());
}

QString asn1Time(const ASN1_TIME *time)
{
    tm t{};
    if (!time || ASN1_TIME_to_tm(time, &t) != 1)
        return QStringLiteral("?");
    return QDateTime(QDate(t.tm_year + 1900, t.tm_mon + 1, t.tm_mday), QTime(t.tm_hour, t.tm_min, t.tm_sec), Qt::UTC)
        .toString(Qt::ISODate);
}

Error validityError(X509 *cert, const QString &why)
{
    return Error(ErrorCode::CertificateInvalid,
                 QObject::tr("the peer's certificate is not valid now (%1; valid %2 to %3)")
                     .arg(why, asn1Time(X509_get0_notBefore(cert)), asn1Time(X509_get0_notAfter(cert))));
}

// What the verify callback needs to know about the handshake it runs in. OpenSSL calls the
// callback synchronously inside SSL_do_handshake(), so a thread-local pointer set around
// that call reaches it without ex_data on every SSL object.
struct VerifyScope {
    Error *refusal;                ///< where the first refusal goes
    const QString *expectedPeerId; ///< client side: the pinned node ID; null on the service side
    const QString *address;
    bool pinChecked = false;
};
thread_local VerifyScope *t_verify = nullptr;

void refuse(const Error &error)
{
    if (t_verify && !t_verify->refusal->isError())
        *t_verify->refusal = error;
}

// Certificates are self-signed and pinned by node ID, so the only acceptable verification
// errors are those that say "no CA vouches for this certificate". Anything else (expired, not yet valid, bad signature, wrong
// purpose…) fails the handshake, with a TLS alert that tells the peer why.
int verifyCallback(int preverifyOk, X509_STORE_CTX *store)
{
    X509 *leaf = X509_STORE_CTX_get0_cert(store);
    // Client side: pin first, so an impostor is refused before this node shows its
    // certificate (TLS 1.3 sends the client certificate after verifying the server's).
    if (t_verify && t_verify->expectedPeerId && !t_verify->pinChecked) {
        t_verify->pinChecked = true;
        const QString id = nodeIdOfX509(leaf);
        if (id != *t_verify->expectedPeerId) {
            refuse(Error(ErrorCode::PeerIdMismatch, QObject::tr("%1 is node %2, not the pinned node %3")
                                                        .arg(*t_verify->address,
                                                             id.isEmpty() ? QObject::tr("(no certificate)") : id,
                                                             *t_verify->expectedPeerId)));
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
            return 0;
        }
    }
    if (preverifyOk)
        return 1;
    const int error = X509_STORE_CTX_get_error(store);
    switch (error) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return 1;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        refuse(validityError(X509_STORE_CTX_get_current_cert(store),
                             QString::fromLatin1(X509_verify_cert_error_string(error))));
        return 0;
    default:
        refuse(Error(ErrorCode::CertificateInvalid, QObject::tr("the peer's certificate is unusable: %1")
                                                        .arg(QString::fromLatin1(X509_verify_cert_error_string(error)))));
        return 0;
    }
}

// ── one SSL_CTX per (identity, side), for the life of the process ──

QString openSslErrors()
{
    QStringList parts;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        parts.append(QString::fromLatin1(text));
    }
    return parts.isEmpty() ? QObject::tr("unknown OpenSSL error") : parts.join(QStringLiteral("; "));
}

Result<SSL_CTX *> makeContext(const Identity &identity, bool server)
{
    using Ctx = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
    ERR_clear_error();
    Ctx ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()), &SSL_CTX_free);
    if (!ctx)
        return Error(ErrorCode::Internal, QObject::tr("cannot create a TLS context: %1").arg(openSslErrors()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE
                                    | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One recv() for everything the socket holds, rather than one for each record's header
    // and one for its body (see t_socketDrained).
    SSL_CTX_set_read_ahead(ctx.get(), 1);

    const QByteArray certPem = identity.certificate().toPem();
    QByteArray keyPem = identity.privateKey().toPem();
    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(BIO_new_mem_buf(certPem.constData(), int(certPem.size())), &BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr),
                                                     &X509_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    keyBio.reset();
    OPENSSL_cleanse(keyPem.data(), static_cast<size_t>(keyPem.size()));
    if (!cert || !key || SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1
        || SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1)
        return Error(ErrorCode::IdentityError,
                     QObject::tr("this node's certificate or key cannot be used for TLS: %1").arg(openSslErrors()));

    // Trust comes from pinning node IDs, never from a CA store: none is loaded. A self-signed
    // certificate's own signature is checked too (OpenSSL skips it by default).
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx.get()), X509_V_FLAG_CHECK_SS_SIGNATURE);
    if (server) {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verifyCallback);
        // Every connection is a fresh mutual handshake: no tickets, no session cache (a
        // resumed session would skip the client certificate, and the cache costs memory).
        SSL_CTX_set_num_tickets(ctx.get(), 0);
    } else {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, verifyCallback);
    }
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    return ctx.release();
}

struct ContextCache {
    QMutex mutex;
    QHash<QString, SSL_CTX *> contexts;
    ~ContextCache()
    {
        for (SSL_CTX *ctx : std::as_const(contexts))
            SSL_CTX_free(ctx); // SSL objects still alive hold their own reference
    }
};

ContextCache &contextCache()
{
    static ContextCache cache;
    return cache;
}

// ── sockets ──

void setNoDelay(int fd)
{
    // Requests and replies are small frames, often several in flight: with Nagle's algorithm
    // a frame written while an earlier one is unacknowledged waits for the peer's delayed ACK
    // (40 ms on Linux), which market-bench measured as a 40–80 ms p50 for one search.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QString socketPeerAddress(int fd)
{
    sockaddr_storage ss{};
    socklen_t length = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &length) != 0)
        return QStringLiteral("?");
    QHostAddress address(reinterpret_cast<const sockaddr *>(&ss));
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // an IPv4 client of a dual-stack socket
    if (isV4)
        address = QHostAddress(v4);
    const quint16 port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&ss)->sin6_port)
                                                  : ntohs(reinterpret_cast<const sockaddr_in *>(&ss)->sin_port);
    return address.toString() + QLatin1Char(':') + QString::number(port);
}

enum class WriteOutcome { Done, WantWrite, WantRead, Failed };

// SSL_write()s `data` from `written` on until all of it is taken or the socket is full. With
// partial writes and a moving write buffer allowed, a retry passes the rest of the same
// bytes, as OpenSSL requires.
WriteOutcome writeSome(SSL *ssl, const QByteArray &data, qsizetype &written, int *sslErrorOut, int *errnoOut)
{
    while (written < data.size()) {
        ERR_clear_error();
        const int n = SSL_write(ssl, data.constData() + written,
                                static_cast<int>(qMin<qsizetype>(data.size() - written, INT_MAX)));
        if (n > 0) {
            written += n;
            continue;
        }
        const int savedErrno = errno;
        const int e = SSL_get_error(ssl, n);
        if (e == SSL_ERROR_WANT_WRITE)
            return WriteOutcome::WantWrite;
        if (e == SSL_ERROR_WANT_READ)
            return WriteOutcome::WantRead;
        *sslErrorOut = e;
        *errnoOut = savedErrno;
        return WriteOutcome::Failed;
    }
    return WriteOutcome::Done;
}

// Writes the queue until it is empty or the socket is full; an emptied queue gives its
// block back, so an idle channel holds no buffer.
WriteOutcome writeQueue(SSL *ssl, QList<QByteArray> &queue, qsizetype &offset, int *sslErrorOut, int *errnoOut,
                        qint64 *writtenFrameBytes = nullptr)
{
    while (!queue.isEmpty()) {
        const WriteOutcome outcome = writeSome(ssl, queue.constFirst(), offset, sslErrorOut, errnoOut);
        if (outcome != WriteOutcome::Done)
            return outcome;
        if (writtenFrameBytes)
            *writtenFrameBytes += queue.constFirst().size();
        queue.removeFirst();
        offset = 0;
    }
    queue = QList<QByteArray>();
    return WriteOutcome::Done;
}

// Sends close_notify, then FIN, reads what the peer still had in flight (closing a socket
// with unread data sends a RST, which can destroy our last frame before the peer reads it),
// and closes the socket.
void finishClose(int fd, SSL *ssl, bool orderly)
{
    if (ssl) {
        if (orderly) {
            ERR_clear_error();
            SSL_shutdown(ssl); // one try: our close_notify; the peer's is not waited for
            ::shutdown(fd, SHUT_WR);
            char sink[4096];
            for (int i = 0; i < 16 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
            }
        }
        SSL_free(ssl);
    }
    ERR_clear_error();
    ::close(fd);
}

// Keeps a closed channel's socket until its queued output is written (at most kLingerMs),
// so that a final Error frame reaches the peer even when the channel is deleted at once.
// Made only when output is still queued at close, which an idle market never has.
class SslLinger : public QObject {
public:
    SslLinger(int fd, SSL *ssl, QList<QByteArray> queue, qsizetype offset)
        : m_fd(fd)
        , m_ssl(ssl)
        , m_queue(std::move(queue))
        , m_offset(offset)
        , m_read(fd, QSocketNotifier::Read, this)
        , m_write(fd, QSocketNotifier::Write, this)
    {
        connect(&m_read, &QSocketNotifier::activated, this, &SslLinger::pump);
        connect(&m_write, &QSocketNotifier::activated, this, &SslLinger::pump);
        m_read.setEnabled(false);
        m_timer = startTimer(kLingerMs);
        // Not lost with its thread: a thread that finishes deletes what was deleteLater()ed.
        connect(QThread::currentThread(), &QThread::finished, this, [this] { finish(false); }, Qt::DirectConnection);
    }
    ~SslLinger() override
    {
        if (m_fd >= 0)
            finishClose(m_fd, m_ssl, false);
    }

private:
    void timerEvent(QTimerEvent *) override { finish(false); }
    void pump()
    {
        int sslError = 0, savedErrno = 0;
        switch (writeQueue(m_ssl, m_queue, m_offset, &sslError, &savedErrno)) {
        case WriteOutcome::Done:
            finish(true);
            break;
        case WriteOutcome::WantWrite:
            m_read.setEnabled(false);
            m_write.setEnabled(true);
            break;
        case WriteOutcome::WantRead:
            m_write.setEnabled(false);
            m_read.setEnabled(true);
            break;
        case WriteOutcome::Failed:
            finish(false);
            break;
        }
    }
    void finish(bool orderly)
    {
        if (m_fd < 0)
            return;
        m_read.setEnabled(false);
        m_write.setEnabled(false);
        killTimer(m_timer);
        finishClose(std::exchange(m_fd, -1), std::exchange(m_ssl, nullptr), orderly);
        deleteLater();
    }

    int m_fd;
    SSL *m_ssl;
    QList<QByteArray> m_queue;
    qsizetype m_offset;
    QSocketNotifier m_read;
    QSocketNotifier m_write;
    int m_timer = 0;
};

} // namespace

// The sockets of all SslChannels of one thread, in one epoll set that one QSocketNotifier
// watches. Per connection that is a slot in a table instead of a QSocketNotifier (a QObject
// with its private data and a registration in the event dispatcher, ≈ 0.3 KiB), and the
// event loop's poll no longer grows with the number of idle connections (glib polls every
// registered notifier on every pass; epoll reports only the ready ones). Level-triggered.
class SslReactor : public QObject {
public:
    static SslReactor *current()
    {
        if (!t_reactor)
            t_reactor = new SslReactor;
        return t_reactor;
    }

    /// Changes what `fd` is watched for from `from` to `to` (EPOLLIN/EPOLLOUT; 0 = not at
    /// all). A channel watched for nothing stays this reactor's (its deferred flush is found:
    /// one whose input is held may still write) until `forget` (its socket is about to close).
    bool watch(int fd, SslChannel *channel, quint32 from, quint32 to, bool forget = false)
    {
        if (fd >= m_channels.size())
            m_channels.resize(qMax<qsizetype>(fd + 1, m_channels.size() * 2), nullptr);
        if (from != to) {
            epoll_event event{};
            event.events = to;
            event.data.fd = fd;
            const int op = from == 0 ? EPOLL_CTL_ADD : to == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
            const bool done = m_epoll >= 0 && ::epoll_ctl(m_epoll, op, fd, &event) == 0;
            if (!done && to != 0)
                return false; // a removal of what is gone anyway is fine
        }
        if (forget) {
            if (m_channels[fd] == channel) {
                m_channels[fd] = nullptr;
                --m_count;
            }
        } else if (m_channels[fd] != channel) {
            if (!m_channels[fd])
                ++m_count;
            m_channels[fd] = channel;
        }
        return true;
    }

private:
    SslReactor()
    {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0) {
            qWarning("lendable: epoll_create1 failed: %s", std::strerror(errno));
            return;
        }
        m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &SslReactor::dispatch);
        // A worker thread that ends takes its reactor along, when no channel is left in it
        // (one that is, keeps it: better a small leak than a dangling reactor).
        QThread *thread = QThread::currentThread();
        if (!QCoreApplication::instance() || thread != QCoreApplication::instance()->thread())
            connect(thread, &QThread::finished, this, [this] {
                t_reactor = nullptr;
                if (m_count == 0)
                    deleteLater();
            }, Qt::DirectConnection);
    }
    ~SslReactor() override
    {
        if (m_epoll >= 0)
            ::close(m_epoll);
    }

    SslChannel *channelAt(int fd) const { return fd >= 0 && fd < m_channels.size() ? m_channels[fd] : nullptr; }

public:
    /// The channel on `fd` has frames to send: they go out together when this pass of the
    /// event loop is done with the channel (after the reactor's dispatch, or in a posted
    /// call, which also runs in nested event loops such as Channel::call's).
    void deferFlush(int fd)
    {
        m_deferred.push_back(fd);
        if (!m_flushPosted) {
            m_flushPosted = true;
            QMetaObject::invokeMethod(this, [this] {
                m_flushPosted = false;
                flushDeferred();
            }, Qt::QueuedConnection);
        }
    }

    void flushDeferred()
    {
        // By fd, looked up again: a channel may have closed (it wrote its frames then) or
        // been deleted since, and its fd even reused by a channel with nothing deferred.
        while (!m_deferred.empty()) {
            std::vector<int> fds;
            fds.swap(m_deferred);
            for (int fd : fds) {
                if (SslChannel *channel = channelAt(fd); channel && channel->m_flushPending)
                    channel->flushDeferred();
            }
        }
    }

private:

    void dispatch()
    {
        // Everything that is ready, as a notifier per socket delivered it, before the event
        // loop goes on to its posted events: the market's group commit is one, and it commits
        // what arrived before it (batches of 64 made 20 % fewer contracts/s). Bounded, so
        // timers and posted events still run under a flood.
        constexpr int kBatch = 64;
        constexpr int kMaxRounds = 32;
        epoll_event events[kBatch];
        for (int round = 0; round < kMaxRounds; ++round) {
            const int n = ::epoll_wait(m_epoll, events, kBatch, 0);
            for (int i = 0; i < n; ++i) {
                // Looked up again for every event: a handler may have closed (or deleted) any
                // channel, this one or one whose event comes later in the batch.
                if (SslChannel *channel = channelAt(events[i].data.fd))
                    channel->onSocketEvent(events[i].events);
            }
            if (n < kBatch)
                break;
        }
        flushDeferred();
    }

    static thread_local SslReactor *t_reactor;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QList<SslChannel *> m_channels; ///< by fd
    qsizetype m_count = 0;
    std::vector<int> m_deferred; ///< fds of channels with frames waiting for flushDeferred()
    bool m_flushPosted = false;
};

thread_local SslReactor *SslReactor::t_reactor = nullptr;

// ── SslChannel ──

Result<ssl_ctx_st *> SslChannel::sharedContext(const Identity &identity, bool server)
{
    if (identity.isNull())
        return Error(ErrorCode::IdentityError, tr("no identity to make TLS connections with"));
    const QString key = (server ? QLatin1Char('s') : QLatin1Char('c')) + identity.nodeId();
    ContextCache &cache = contextCache();
    QMutexLocker lock(&cache.mutex);
    if (SSL_CTX *ctx = cache.contexts.value(key))
        return ctx;
    Result<SSL_CTX *> made = makeContext(identity, server);
    if (made.ok())
        cache.contexts.insert(key, *made);
    return made;
}

SslChannel::SslChannel(Side side, HandshakeConfig config, QObject *parent)
    : Channel(side, std::move(config), parent)
{
}

SslChannel::SslChannel(int fd, ssl_ctx_st *ctx, std::shared_ptr<const HandshakeConfig> config, AcceptDone done,
                       QObject *parent)
    : Channel(Side::Service, std::move(config), parent)
    , m_setup(std::make_unique<Setup>())
    , m_fd(fd)
    , m_state(State::Handshaking)
{
    m_setup->ctx = ctx;
    m_setup->acceptDone = std::move(done);
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    setNoDelay(fd);
    m_address = socketPeerAddress(fd);
    m_setup->timer.start(this->config().handshakeTimeoutMs, this);
    // The handshake starts when the ClientHello is readable (next event-loop pass at the
    // earliest), so the server has registered this channel before anything can fail.
    startTls();
}

SslChannel::~SslChannel()
{
    releaseSocket(true);
}

SslChannel *SslChannel::connectTo(const QString &host, quint16 port, const Identity &identity,
                                  const QString &expectedPeerId, HandshakeConfig config, QObject *parent)
{
    config.localNodeId = identity.nodeId();
    auto *channel = new SslChannel(Side::Client, std::move(config), parent);
    channel->m_setup = std::make_unique<Setup>();
    Setup &setup = *channel->m_setup;
    setup.expectedPeerId = expectedPeerId.trimmed().toLower();
    setup.port = port;
    channel->m_address = host + QLatin1Char(':') + QString::number(port);

    // Everything below reports failure asynchronously, so callers can connect to closed() first.
    if (!Identity::isValidNodeId(setup.expectedPeerId)) {
        QTimer::singleShot(0, channel, [channel, expectedPeerId] {
            channel->close(Error(ErrorCode::InvalidArgument,
                                 tr("'%1' is not a node ID (64 hex characters)").arg(expectedPeerId)));
        });
        return channel;
    }
    const Result<ssl_ctx_st *> ctx = sharedContext(identity, false);
    if (!ctx.ok()) {
        QTimer::singleShot(0, channel, [channel, error = ctx.error()] { channel->close(error); });
        return channel;
    }
    setup.ctx = *ctx;
    setup.timer.start(channel->config().handshakeTimeoutMs, channel);

    const QHostAddress numeric(host);
    if (!numeric.isNull()) {
        channel->m_state = State::Connecting;
        QTimer::singleShot(0, channel, [channel, numeric] { channel->startConnect({numeric}, {}); });
        return channel;
    }
    channel->m_state = State::Resolving;
    setup.lookupId = QHostInfo::lookupHost(host, channel, [channel](const QHostInfo &info) {
        if (channel->m_setup)
            channel->m_setup->lookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
            channel->startConnect({}, Error(ErrorCode::ConnectionFailed, tr("cannot reach %1: %2")
                                                                            .arg(channel->m_address, info.errorString())));
        else
            channel->startConnect(info.addresses(), {});
    });
    return channel;
}

QString SslChannel::peerAddress() const
{
    return m_address;
}

void SslChannel::startConnect(const QList<QHostAddress> &addresses, const Error &lookupError)
{
    if (m_state == State::Closed || !m_setup)
        return;
    if (lookupError.isError()) {
        close(lookupError);
        return;
    }
    m_setup->addresses = addresses;
    m_state = State::Connecting;
    connectNext();
}

// Tries the resolved addresses in order (e.g. ::1, then 127.0.0.1 for "localhost").
void SslChannel::connectNext()
{
    int lastError = ECONNREFUSED;
    while (!m_setup->addresses.isEmpty()) {
        const QHostAddress address = m_setup->addresses.takeFirst();
        sockaddr_storage ss{};
        socklen_t length = 0;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            auto *in = reinterpret_cast<sockaddr_in *>(&ss);
            in->sin_family = AF_INET;
            in->sin_port = htons(m_setup->port);
            in->sin_addr.s_addr = htonl(address.toIPv4Address());
            length = sizeof(sockaddr_in);
        } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
            auto *in6 = reinterpret_cast<sockaddr_in6 *>(&ss);
            in6->sin6_family = AF_INET6;
            in6->sin6_port = htons(m_setup->port);
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
            bool numericScope = false;
            in6->sin6_scope_id = address.scopeId().toUInt(&numericScope);
            if (!numericScope && !address.scopeId().isEmpty())
                in6->sin6_scope_id = ::if_nametoindex(address.scopeId().toLocal8Bit().constData());
            length = sizeof(sockaddr_in6);
        } else {
            continue;
        }
        const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            lastError = errno;
            continue;
        }
        setNoDelay(fd);
        int r;
        do {
            r = ::connect(fd, reinterpret_cast<const sockaddr *>(&ss), length);
        } while (r != 0 && errno == EINTR);
        if (r == 0 || errno == EINPROGRESS) {
            m_fd = fd;
            m_reactor = SslReactor::current();
            if (r == 0) {
                onConnected();
                return;
            }
            if (updateInterest()) // writable: connected, or failed
                return;
            lastError = errno;
            m_fd = -1;
        } else {
            lastError = errno;
        }
        ::close(fd);
    }
    close(Error(ErrorCode::ConnectionFailed, tr("cannot reach %1: %2").arg(m_address, errnoText(lastError))));
}

void SslChannel::onConnected()
{
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    sockaddr_storage peer{};
    socklen_t peerLength = sizeof peer;
    if (error == 0 && ::getpeername(m_fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0 && errno == ENOTCONN)
        return; // not connected yet (a stray wake-up): wait for the real one
    if (error != 0) {
        // This address refused: the next one, if any.
        unwatch();
        ::close(std::exchange(m_fd, -1));
        if (!m_setup->addresses.isEmpty()) {
            connectNext();
            return;
        }
        close(Error(ErrorCode::ConnectionFailed, tr("cannot reach %1: %2").arg(m_address, errnoText(error))));
        return;
    }
    m_setup->addresses = {};
    m_state = State::Handshaking;
    QPointer<SslChannel> self(this); // a closed() handler may delete the channel
    startTls();
    if (self && m_state == State::Handshaking)
        continueHandshake(); // the client speaks first
}

void SslChannel::startTls()
{
    ERR_clear_error();
    m_ssl = SSL_new(m_setup->ctx);
    BIO *bio = m_ssl ? BIO_new(socketBioMethod()) : nullptr;
    if (!bio) {
        handshakeFailed(Error(ErrorCode::Internal, tr("cannot start TLS: %1").arg(openSslErrors())));
        return;
    }
    BIO_set_data(bio, reinterpret_cast<void *>(static_cast<intptr_t>(m_fd)));
    SSL_set_bio(m_ssl, bio, bio);
    if (side() == Side::Client)
        SSL_set_connect_state(m_ssl);
    else
        SSL_set_accept_state(m_ssl);
    if (!m_reactor)
        m_reactor = SslReactor::current();
    if (!updateInterest())
        handshakeFailed(Error(ErrorCode::Internal, tr("cannot watch the socket of %1: %2").arg(m_address, errnoText(errno))));
}

void SslChannel::continueHandshake()
{
    m_readWantsWrite = false;
    VerifyScope scope{&m_setup->verifyRefusal, side() == Side::Client ? &m_setup->expectedPeerId : nullptr, &m_address};
    t_verify = &scope;
    ERR_clear_error();
    const int r = SSL_do_handshake(m_ssl);
    const int savedErrno = errno;
    t_verify = nullptr;
    if (r == 1) {
        handshakeSucceeded();
        return;
    }
    switch (SSL_get_error(m_ssl, r)) {
    case SSL_ERROR_WANT_READ:
        updateInterest();
        return;
    case SSL_ERROR_WANT_WRITE:
        m_readWantsWrite = true;
        updateInterest();
        return;
    default:
        break;
    }
    if (m_setup->verifyRefusal.isError()) {
        handshakeFailed(m_setup->verifyRefusal);
        return;
    }
    errno = savedErrno;
    const Error e = sslError(r, "handshake");
    handshakeFailed(Error(ErrorCode::TlsHandshakeFailed,
                          e.code == ErrorCode::ConnectionClosed
                              ? tr("TLS with %1 failed: the peer closed the connection during the handshake "
                                   "(it may not accept this node's certificate)")
                                    .arg(m_address)
                              : e.message));
}

void SslChannel::handshakeSucceeded()
{
    stopTlsTimer();
    X509 *peer = SSL_get0_peer_certificate(m_ssl);
    if (!peer) {
        handshakeFailed(Error(ErrorCode::TlsHandshakeFailed, tr("%1 presented no certificate").arg(m_address)));
        return;
    }
    // The verify callback refused expired certificates already; this holds even if OpenSSL
    // did not ask it (a certificate that raised no error at all).
    if (X509_cmp_current_time(X509_get0_notAfter(peer)) < 0 || X509_cmp_current_time(X509_get0_notBefore(peer)) > 0) {
        handshakeFailed(validityError(peer, tr("outside its validity period")));
        return;
    }
    const QString id = nodeIdOfX509(peer);
    if (side() == Side::Client && id != m_setup->expectedPeerId) {
        handshakeFailed(Error(ErrorCode::PeerIdMismatch,
                              tr("%1 is node %2, not the pinned node %3").arg(m_address, id, m_setup->expectedPeerId)));
        return;
    }
    m_state = State::Open;
    updateInterest();
    const AcceptDone done = std::move(m_setup->acceptDone);
    m_setup.reset(); // an established channel keeps no connect or handshake state
    if (done)
        done(this, Error()); // the server adopts the channel now
    QPointer<SslChannel> self(this);
    transportReady(id);
    if (self && m_state == State::Open)
        readAvailable(); // anything that came with the last handshake flight
}

void SslChannel::handshakeFailed(Error error)
{
    stopTlsTimer();
    AcceptDone done = m_setup ? std::move(m_setup->acceptDone) : AcceptDone();
    close(error); // releases the socket and the setup state
    if (done)
        done(this, error);
}

void SslChannel::onSocketEvent(quint32 events)
{
    switch (m_state) {
    case State::Connecting:
        onConnected(); // writable, or an error: SO_ERROR tells which
        return;
    case State::Handshaking:
        continueHandshake();
        return;
    case State::Open:
        break;
    default:
        return;
    }
    QPointer<SslChannel> self(this);
    if (events & EPOLLOUT) {
        if (m_readWantsWrite) {
            m_readWantsWrite = false;
            readAvailable();
            if (!self || m_state != State::Open)
                return;
        }
        flush();
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (m_writeWantsRead) {
            m_writeWantsRead = false;
            flush();
            if (m_state != State::Open)
                return;
        }
        readAvailable();
    }
}

void SslChannel::readAvailable()
{
    if (isInputHeld())
        return; // back-pressure: holdInput(false) reads on
    if (m_reading) {
        // A handler runs a nested event loop (e.g. Channel::call) while this channel is
        // still delivering: pause until it returns, rather than deliver out of order.
        m_readPaused = true;
        updateInterest();
        return;
    }
    m_reading = true;
    QPointer<SslChannel> self(this);
    char buffer[kReadChunk];
    int total = 0;
    t_socketDrained = false;
    for (;;) {
        ERR_clear_error();
        const int n = SSL_read(m_ssl, buffer, sizeof buffer);
        // Read before the handler below, which may read other channels.
        const bool drained = t_socketDrained;
        if (n > 0) {
            bytesReceived(QByteArrayView(buffer, n));
            if (!self)
                return;
            if (m_state != State::Open || isInputHeld())
                break;
            total += n;
            // The socket's own readiness wakes us again; bytes already inside OpenSSL would not.
            if ((drained || total >= kReadBudget) && !SSL_has_pending(m_ssl))
                break;
            t_socketDrained = drained;
            continue;
        }
        const int savedErrno = errno;
        const int e = SSL_get_error(m_ssl, n);
        if (e == SSL_ERROR_WANT_READ)
            break;
        if (e == SSL_ERROR_WANT_WRITE) {
            m_readWantsWrite = true;
            updateInterest();
            break;
        }
        m_reading = false;
        errno = savedErrno;
        transportClosed(sslError(n, "read"));
        return;
    }
    m_reading = false;
    if (m_readPaused) {
        m_readPaused = false;
        updateInterest();
    }
}

void SslChannel::writeFrame(const QByteArray &frame)
{
    if (m_state != State::Open || frame.isEmpty())
        return;
    const bool queued = !m_outgoing.isEmpty() || m_writeWantsRead;
    m_outgoing.append(frame); // shares the frame's bytes, no copy
    m_outgoingBytes += frame.size();
    if (queued)
        return; // the deferred flush, writability or readability goes on with the queue
    // Frames sent in one pass of the event loop (the replies and lender notices of a group
    // commit, pipelined requests) leave as one TLS record and one send() instead of one
    // each: in a contract-only run that was a third of the market's event loop. An open
    // channel always has its reactor and socket (startTls() set them).
    m_flushPending = true;
    m_reactor->deferFlush(m_fd);
}

qint64 SslChannel::queuedBytes() const
{
    return m_outgoingBytes - m_outgoingOffset;
}

void SslChannel::holdInput(bool held)
{
    updateInterest();
    if (!held && m_state == State::Open)
        readAvailable(); // what OpenSSL or the socket kept meanwhile
}

void SslChannel::flushDeferred()
{
    m_flushPending = false;
    if (m_state != State::Open || m_writeWantsRead || m_outgoing.isEmpty())
        return;
    if (m_outgoing.size() > 1 && m_outgoingOffset == 0) {
        qsizetype total = 0;
        for (const QByteArray &frame : std::as_const(m_outgoing))
            total += frame.size();
        QByteArray joined;
        joined.reserve(total);
        for (const QByteArray &frame : std::as_const(m_outgoing))
            joined.append(frame);
        m_outgoing = {std::move(joined)};
    }
    flush();
}

void SslChannel::flush()
{
    if (m_state != State::Open || m_writeWantsRead)
        return;
    int sslErrorCode = 0, savedErrno = 0;
    qint64 written = 0;
    const WriteOutcome outcome = writeQueue(m_ssl, m_outgoing, m_outgoingOffset, &sslErrorCode, &savedErrno, &written);
    m_outgoingBytes -= written;
    if (written > 0)
        outputTaken();
    afterWrite(static_cast<int>(outcome), sslErrorCode, savedErrno);
    if (isInputHeld() && m_state == State::Open)
        outputDrained();
}

void SslChannel::afterWrite(int outcome, int sslErrorCode, int savedErrno)
{
    switch (static_cast<WriteOutcome>(outcome)) {
    case WriteOutcome::Done:
    case WriteOutcome::WantWrite:
        break;
    case WriteOutcome::WantRead:
        m_writeWantsRead = true; // the socket is always watched for reading: that resumes the write
        break;
    case WriteOutcome::Failed: {
        // Reported on the next event-loop pass: a failed write must not close the channel
        // under the caller that is sending (its pending request would fail reentrantly).
        errno = savedErrno;
        const Error error = sslError(-1, "write", sslErrorCode);
        m_state = State::Closed;
        m_outgoing = {};
        m_outgoingOffset = 0;
        m_outgoingBytes = 0;
        unwatch();
        QTimer::singleShot(0, this, [this, error] { transportClosed(error); });
        break;
    }
    }
    updateInterest();
}

// Watches the socket for what the channel waits for now: reading whenever TLS runs (unless a
// nested event loop paused delivery), writing only while the connect, the handshake or
// queued output needs it.
bool SslChannel::updateInterest()
{
    quint32 wanted = 0;
    if (m_fd >= 0 && m_state != State::Closed) {
        if (m_state == State::Connecting) {
            wanted = EPOLLOUT;
        } else {
            if (!m_readPaused && !isInputHeld())
                wanted |= EPOLLIN;
            if (m_readWantsWrite
                || (m_state == State::Open && !m_outgoing.isEmpty() && !m_writeWantsRead && !m_flushPending))
                wanted |= EPOLLOUT;
        }
    }
    if (wanted == m_events || !m_reactor)
        return true;
    if (!m_reactor->watch(m_fd, this, m_events, wanted))
        return false;
    m_events = wanted;
    return true;
}

void SslChannel::unwatch()
{
    if (m_reactor && m_fd >= 0)
        m_reactor->watch(m_fd, this, m_events, 0, true);
    m_events = 0;
}

Error SslChannel::sslError(int ret, const char *what, int sslErrorCode)
{
    const int savedErrno = errno;
    const int e = sslErrorCode != 0 ? sslErrorCode : (m_ssl ? SSL_get_error(m_ssl, ret) : SSL_ERROR_SYSCALL);
    const unsigned long code = ERR_peek_error();
    const QString closedText = tr("%1 closed the connection").arg(m_address);
    switch (e) {
    case SSL_ERROR_ZERO_RETURN: // close_notify
        return Error(ErrorCode::ConnectionClosed, closedText);
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (savedErrno == 0 || savedErrno == ECONNRESET || savedErrno == EPIPE || savedErrno == ENOTCONN)
            return Error(ErrorCode::ConnectionClosed,
                         savedErrno == 0 ? closedText : closedText + QStringLiteral(" (") + errnoText(savedErrno) + u')');
        return Error(ErrorCode::ConnectionClosed, tr("connection to %1 failed (%2): %3")
                                                      .arg(m_address, QLatin1String(what), errnoText(savedErrno)));
    case SSL_ERROR_SSL:
        if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return Error(ErrorCode::ConnectionClosed, closedText);
        }
        return Error(ErrorCode::TlsHandshakeFailed, tr("TLS with %1 failed: %2").arg(m_address, openSslErrors()));
    default:
        ERR_clear_error();
        return Error(ErrorCode::ConnectionClosed,
                     tr("connection to %1 failed (%2, OpenSSL error %3)").arg(m_address, QLatin1String(what), QString::number(e)));
    }
}

void SslChannel::timerEvent(QTimerEvent *event)
{
    if (!m_setup || event->timerId() != m_setup->timer.timerId()) {
        Channel::timerEvent(event);
        return;
    }
    stopTlsTimer();
    const Error timeout(ErrorCode::Timeout, tr("no TLS connection to %1 within %2 ms")
                                                .arg(m_address)
                                                .arg(config().handshakeTimeoutMs));
    handshakeFailed(timeout);
}

void SslChannel::stopTlsTimer()
{
    if (m_setup)
        m_setup->timer.stop();
}

void SslChannel::closeTransport()
{
    releaseSocket(true);
}

void SslChannel::releaseSocket(bool orderly)
{
    stopTlsTimer();
    if (m_setup && m_setup->lookupId != -1)
        QHostInfo::abortHostLookup(m_setup->lookupId);
    m_setup.reset();
    unwatch(); // before the fd is closed: epoll must never watch a closed or reused fd
    const bool wasOpen = std::exchange(m_state, State::Closed) == State::Open;
    SSL *ssl = std::exchange(m_ssl, nullptr);
    const int fd = std::exchange(m_fd, -1);
    QList<QByteArray> queue = std::exchange(m_outgoing, {});
    qsizetype offset = std::exchange(m_outgoingOffset, 0);
    m_outgoingBytes = 0;
    if (fd < 0) {
        if (ssl)
            SSL_free(ssl);
        return;
    }
    orderly = orderly && wasOpen && ssl;
    if (orderly && !queue.isEmpty()) {
        int sslErrorCode = 0, savedErrno = 0;
        if (writeQueue(ssl, queue, offset, &sslErrorCode, &savedErrno) == WriteOutcome::Failed)
            orderly = false;
    }
    if (orderly && !queue.isEmpty()) {
        new SslLinger(fd, ssl, std::move(queue), offset); // deletes itself when done
        return;
    }
    finishClose(fd, ssl, orderly);
}

} // namespace lendable::protocol
