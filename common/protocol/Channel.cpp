#include "Channel.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QTimerEvent>

namespace lendable::protocol {

namespace {
Q_LOGGING_CATEGORY(lcProtocol, "lendable.protocol")

constexpr int kSweepIntervalMs = 100;

// A full disk refuses every write until it has room, a database that is away every request
// that needs it: the log says so once a minute each, not once per refused request.
QAtomicInteger<qint64> g_diskFullLoggedAtMs{0};
QAtomicInteger<qint64> g_storageLoggedAtMs{0};

bool dueForLog(QAtomicInteger<qint64> &loggedAtMs, qint64 now)
{
    const qint64 logged = loggedAtMs.loadRelaxed();
    return now - logged >= 60'000 && loggedAtMs.testAndSetRelaxed(logged, now);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

Channel::Channel(Side side, HandshakeConfig config, QObject *parent)
    : Channel(side, std::make_shared<const HandshakeConfig>(std::move(config)), parent)
{
}

Channel::Channel(Side side, std::shared_ptr<const HandshakeConfig> config, QObject *parent)
    : QObject(parent)
    , m_side(side)
    , m_config(std::move(config))
    , m_reader(m_config->maxFrameBytes)
{
}

void Channel::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_sweepTimer.timerId()) {
        sweepTimeouts();
    } else if (event->timerId() == m_holdTimer.timerId()) {
        resumeInput(); // also when no answer and no drained output came to try it
    } else if (event->timerId() == m_helloTimer.timerId()) {
        m_helloTimer.stop();
        close(Error(ErrorCode::Timeout, tr("no Hello exchange within %1 ms").arg(m_config->handshakeTimeoutMs)));
    } else {
        QObject::timerEvent(event);
    }
}

Channel::~Channel()
{
    // Callbacks must not outlive the channel silently: they learn it is gone.
    failAllPending(Error(ErrorCode::ConnectionClosed, tr("the connection was destroyed")));
}

void Channel::replyError(quint64 requestId, const Error &error)
{
    if (requestId == 0)
        return;
    const auto done = qScopeGuard([this, requestId] {
        if (!m_unanswered.isEmpty())
            answered(requestId);
    });
    if (error.code != ErrorCode::DiskFull && !error.internal) {
        sendEnvelope(makeEnvelope(toErrorMessage(error), requestId, true));
        return;
    }
    // This side's own storage failed. The database's words ("database or disk is full … (in:
    // COMMIT)", a lost or unanswering PostgreSQL connection with the database's address:
    // Error::internal, which only the storage layer marks) go to this side's log, for its
    // operator; the peer is told what it means for it, as a storage_error (a PostgreSQL
    // server that did not answer is the storage layer's Timeout, not the peer's).
    const qint64 now = nowMs();
    const QString &role = m_config->localRole;
    QString said;
    if (error.code == ErrorCode::DiskFull) {
        if (dueForLog(g_diskFullLoggedAtMs, now))
            qCCritical(lcProtocol).noquote() << "the disk is full: requests that must be stored are refused until there is room"
                                             << QStringLiteral("(%1)").arg(error.message);
        said = role == QLatin1String("market") ? tr("the market's disk is full: it could not store this. Try again later.")
               : role == QLatin1String("lender") ? tr("the lender agent's disk is full: it could not store this. Try again later.")
                                                 : tr("the peer's disk is full: it could not store this. Try again later.");
    } else {
        if (dueForLog(g_storageLoggedAtMs, now))
            qCCritical(lcProtocol).noquote() << "the database failed: requests that need it are refused (logged once a minute):"
                                             << error.message;
        said = role == QLatin1String("market") ? tr("the market's database failed: it could not do this. Try again later.")
               : role == QLatin1String("lender") ? tr("the lender agent's database failed: it could not do this. Try again later.")
                                                 : tr("the peer's database failed: it could not do this. Try again later.");
    }
    const ErrorCode code = error.code == ErrorCode::DiskFull ? ErrorCode::DiskFull : ErrorCode::StorageError;
    sendEnvelope(makeEnvelope(toErrorMessage(Error(code, said)), requestId, true));
}

Result<void> Channel::waitEstablished(int timeoutMs)
{
    if (m_closed)
        return m_closeReason;
    if (isEstablished())
        return {};
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &Channel::established, &loop, &QEventLoop::quit);
    connect(this, &Channel::closed, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    if (m_closed)
        return m_closeReason;
    if (!isEstablished()) {
        const Error e(ErrorCode::Timeout, tr("the connection to %1 was not established within %2 ms")
                                              .arg(peerAddress())
                                              .arg(timeoutMs));
        close(e);
        return e;
    }
    return {};
}

void Channel::close(const Error &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    m_closeReason = reason.isError() ? reason : Error(ErrorCode::ConnectionClosed, tr("the connection was closed"));
    m_sweepTimer.stop();
    m_helloTimer.stop();
    m_holdTimer.stop();
    m_unanswered = {}; // no answer goes out any more
    failAllPending(m_closeReason);
    closeTransport();
    if (m_observer)
        std::exchange(m_observer, nullptr)->observedClosed(this, m_closeReason);
    emit closed(m_closeReason);
}

bool Channel::quietSinceLastLook()
{
    // Waiting on this side (answers owed, input held back) is not the peer's silence; nor is
    // a Hello exchange still running (its own timer ends that).
    const bool quiet = m_established && !m_closed && m_activity == m_activityAtLook && m_unanswered.isEmpty() && !m_inputHeld;
    m_activityAtLook = m_activity;
    return quiet;
}

void Channel::closeTellingPeer(const Error &reason)
{
    sendEnvelope(makeEnvelope(toErrorMessage(reason))); // nothing once closed
    close(reason);
}

void Channel::transportReady(const QString &peerId)
{
    if (m_closed)
        return;
    m_peerId = peerId;
    m_transportReady = true;
    m_helloTimer.start(m_config->handshakeTimeoutMs, this);
    if (m_side == Side::Client) {
        Hello hello;
        hello.protocolVersion = kProtocolVersion;
        hello.minProtocolVersion = kMinProtocolVersion;
        hello.role = m_config->localRole;
        hello.features = m_config->features;
        hello.software = m_config->software;
        requestEnvelope(makeEnvelope(hello), this,
                        [this](Result<Envelope> r) {
                            if (!r.ok()) {
                                close(r.error());
                                return;
                            }
                            if (r->type == static_cast<quint32>(MessageType::Error)) {
                                Result<ErrorMessage> em = decodeMessage<ErrorMessage>(*r);
                                close(em.ok() ? fromErrorMessage(*em) : em.error());
                                return;
                            }
                            Result<Welcome> welcome = decodeMessage<Welcome>(*r);
                            if (!welcome.ok()) {
                                close(welcome.error());
                                return;
                            }
                            if (welcome->protocolVersion < kMinProtocolVersion
                                || welcome->protocolVersion > kProtocolVersion) {
                                close(Error(ErrorCode::VersionMismatch,
                                            tr("the service chose protocol version %1; this program speaks %2 to %3")
                                                .arg(welcome->protocolVersion)
                                                .arg(kMinProtocolVersion)
                                                .arg(kProtocolVersion)));
                                return;
                            }
                            if (welcome->nodeId != m_peerId) {
                                close(Error(ErrorCode::PeerIdMismatch,
                                            tr("the service announced node ID %1 but its certificate is %2")
                                                .arg(welcome->nodeId, m_peerId)));
                                return;
                            }
                            m_peerRole = welcome->role;
                            m_peerFeatures = welcome->features;
                            m_helloTimer.stop();
                            m_established = true;
                            if (m_observer)
                                m_observer->observedEstablished(this);
                            emit established();
                        },
                        m_config->handshakeTimeoutMs);
    }
}

void Channel::bytesReceived(QByteArrayView bytes)
{
    if (m_closed)
        return;
    ++m_activity;
    m_reader.append(bytes);
    while (!m_closed) {
        // Back-pressure (service side): the frames read stay in m_reader until it eases.
        if (m_inputHeld)
            return;
        if (m_side == Side::Service && m_established
            && (m_unanswered.size() >= kMaxUnansweredRequests || queuedBytes() > kMaxQueuedOutputBytes) && overloaded()) {
            m_inputHeld = true;
            m_holdTimer.start(10'000, this);
            holdInput(true);
            return;
        }
        Result<std::optional<QByteArray>> body = m_reader.nextBody();
        if (!body.ok())
            return closeTellingPeer(body.error()); // lost its framing: the peer may log why
        if (!body->has_value())
            return;
        if (m_rawPending > 0 && deliverRawReply(**body))
            continue;
        Result<Envelope> envelope = decodeFrameBody(**body);
        if (!envelope.ok()) {
            m_reader.fail(envelope.error());
            return closeTellingPeer(envelope.error());
        }
        handleEnvelope(std::move(envelope).value());
    }
}

bool Channel::deliverRawReply(QByteArray &body)
{
    // Only the head is read; a frame that is not a reply to a requestFrame() (or is not
    // well-formed) goes the usual way, and is refused there.
    Result<FrameHead> head = peekFrameHead(body);
    if (!head || !head->reply)
        return false;
    auto it = m_pending.find(head->id);
    if (it == m_pending.end() || !it->rawCallback)
        return false;
    Pending p = std::move(*it);
    m_pending.erase(it);
    --m_rawPending;
    if (m_pending.isEmpty())
        m_sweepTimer.stop();
    if (!p.hasContext || p.context)
        p.rawCallback(RawReply{head->type, std::move(body)});
    return true;
}

void Channel::failPending(const Pending &p, const Error &error)
{
    if (p.hasContext && !p.context)
        return;
    if (p.rawCallback)
        p.rawCallback(error);
    else
        p.callback(error);
}

void Channel::transportClosed(const Error &reason)
{
    if (m_closed)
        return;
    Error why = reason;
    if (!m_established && m_transportReady && reason.code == ErrorCode::ConnectionClosed)
        why = Error(ErrorCode::TlsHandshakeFailed,
                    tr("the peer closed the connection before the Hello exchange completed "
                       "(it may not accept this node's certificate): %1")
                        .arg(reason.message));
    close(why);
}

void Channel::sendEnvelope(const Envelope &envelope)
{
    if (m_closed || !m_transportReady)
        return;
    writeFrame(encodeFrame(envelope));
}

void Channel::requestFrame(Envelope envelope, QObject *context, std::function<void(Result<RawReply>)> callback,
                           int timeoutMs)
{
    Pending p;
    p.rawCallback = std::move(callback);
    sendRequest(std::move(envelope), context, std::move(p), timeoutMs);
}

void Channel::requestEnvelope(Envelope envelope, QObject *context, std::function<void(Result<Envelope>)> callback,
                              int timeoutMs)
{
    Pending p;
    p.callback = std::move(callback);
    sendRequest(std::move(envelope), context, std::move(p), timeoutMs);
}

void Channel::sendRequest(Envelope envelope, QObject *context, Pending p, int timeoutMs)
{
    if (m_closed) {
        failPending(p, m_closeReason);
        return;
    }
    if (!m_transportReady) {
        failPending(p, Error(ErrorCode::ConnectionFailed, tr("the connection is not open yet")));
        return;
    }
    const quint64 id = m_nextId++;
    envelope.id = id;
    envelope.reply = false;
    p.context = context;
    p.hasContext = context != nullptr;
    p.deadlineMs = nowMs() + timeoutMs;
    if (p.rawCallback)
        ++m_rawPending;
    m_pending.insert(id, std::move(p));
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start(kSweepIntervalMs, this);
    sendEnvelope(envelope);
}

void Channel::handleEnvelope(Envelope envelope)
{
    if (envelope.reply) {
        auto it = m_pending.find(envelope.id);
        if (it == m_pending.end())
            return; // a late reply to a request that timed out
        Pending p = std::move(*it);
        m_pending.erase(it);
        if (m_pending.isEmpty())
            m_sweepTimer.stop();
        if (p.rawCallback) {
            // Not reached through bytesReceived(), which hands these over undecoded.
            --m_rawPending;
            if (!p.hasContext || p.context)
                p.rawCallback(RawReply{envelope.type, encodeFrame(envelope).sliced(kFrameHeaderBytes)});
            return;
        }
        if (!p.hasContext || p.context)
            p.callback(std::move(envelope));
        return;
    }

    if (envelope.type == static_cast<quint32>(MessageType::Error) && envelope.id == 0) {
        // A push of an Error means the peer is about to close: keep its reason.
        Result<ErrorMessage> em = decodeMessage<ErrorMessage>(envelope);
        close(em.ok() ? fromErrorMessage(*em) : em.error());
        return;
    }

    if (!m_established) {
        if (m_side == Side::Service && envelope.type == static_cast<quint32>(MessageType::Hello)) {
            handleHello(envelope);
        } else {
            const Error e(ErrorCode::HelloRequired, tr("the first message must be Hello, not %1")
                                                        .arg(messageName(envelope.type)));
            replyError(envelope.id, e);
            close(e);
        }
        return;
    }

    // A request the peer waits for (back-pressure counts them until they are answered).
    if (m_side == Side::Service && envelope.id != 0)
        m_unanswered.insert(envelope.id, nowMs());
    if (envelope.type == static_cast<quint32>(MessageType::Ping)) {
        Result<Ping> ping = decodeMessage<Ping>(envelope);
        if (ping.ok())
            reply(envelope.id, Pong{.sentAtMs = ping->sentAtMs});
        else
            replyError(envelope.id, ping.error());
        return;
    }
    if (m_observer)
        m_observer->observedEnvelope(this, envelope);
    emit envelopeReceived(envelope);
}

bool Channel::overloaded()
{
    if (queuedBytes() > kMaxQueuedOutputBytes)
        return true;
    if (m_unanswered.size() < kMaxUnansweredRequests)
        return false;
    // A request some handler never answers must not stop the connection for good: one its
    // peer gave up on long ago (after its own deadline) no longer counts.
    const qint64 cutoff = nowMs() - 4 * kDefaultRequestTimeoutMs;
    m_unanswered.removeIf([cutoff](const QHash<quint64, qint64>::iterator it) { return it.value() < cutoff; });
    return m_unanswered.size() >= kMaxUnansweredRequests;
}

void Channel::answered(quint64 requestId)
{
    if (!m_unanswered.remove(requestId))
        return;
    if (m_unanswered.isEmpty())
        m_unanswered = {}; // its table too: thousands of channels wait idle between requests
    if (m_inputHeld)
        scheduleResume();
}

void Channel::outputDrained()
{
    if (m_inputHeld && queuedBytes() <= kMaxQueuedOutputBytes)
        scheduleResume();
}

void Channel::scheduleResume()
{
    // Not here and now: an answer is written from inside a handler, which may be inside the
    // loop of bytesReceived() that held the input.
    if (m_resumeScheduled || m_closed)
        return;
    m_resumeScheduled = true;
    QMetaObject::invokeMethod(this, [this] {
        m_resumeScheduled = false;
        resumeInput();
    }, Qt::QueuedConnection);
}

void Channel::resumeInput()
{
    if (!m_inputHeld || m_closed || overloaded())
        return; // the next answer or drained output tries again
    m_inputHeld = false;
    m_holdTimer.stop();
    bytesReceived({}); // the frames read before it held, which may hold it again
    if (!m_inputHeld && !m_closed)
        holdInput(false);
}

void Channel::handleHello(const Envelope &envelope)
{
    Result<Hello> hello = decodeMessage<Hello>(envelope);
    Error refusal;
    if (!hello.ok()) {
        refusal = hello.error();
    } else if (hello->protocolVersion < kMinProtocolVersion || hello->minProtocolVersion > kProtocolVersion) {
        refusal = Error(ErrorCode::VersionMismatch,
                        tr("this service speaks protocol versions %1 to %2; the client speaks %3 to %4")
                            .arg(kMinProtocolVersion)
                            .arg(kProtocolVersion)
                            .arg(hello->minProtocolVersion)
                            .arg(hello->protocolVersion));
    } else if (!m_config->acceptedRoles.isEmpty() && !m_config->acceptedRoles.contains(hello->role)) {
        refusal = Error(ErrorCode::RoleRefused, tr("this %1 service does not serve the role '%2' (it serves: %3)")
                                                    .arg(m_config->localRole, hello->role,
                                                         m_config->acceptedRoles.join(QStringLiteral(", "))));
    } else if (m_admission) {
        Result<void> admitted = m_admission(m_peerId, hello->role);
        if (!admitted.ok())
            refusal = admitted.error();
    }
    if (refusal.isError()) {
        replyError(envelope.id, refusal);
        close(refusal);
        return;
    }
    m_peerRole = hello->role;
    Welcome welcome;
    welcome.protocolVersion = qMin(kProtocolVersion, hello->protocolVersion);
    welcome.role = m_config->localRole;
    welcome.features = m_config->features;
    welcome.software = m_config->software;
    welcome.nodeId = m_config->localNodeId;
    reply(envelope.id, welcome);
    m_helloTimer.stop();
    m_established = true;
    if (m_observer)
        m_observer->observedEstablished(this);
    emit established();
}

void Channel::sweepTimeouts()
{
    const qint64 now = nowMs();
    QList<quint64> expired;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->deadlineMs <= now)
            expired.append(it.key());
    }
    for (quint64 id : expired) {
        Pending p = m_pending.take(id);
        if (p.rawCallback)
            --m_rawPending;
        failPending(p, Error(ErrorCode::Timeout, tr("no answer from %1 in time").arg(peerAddress())));
    }
    if (m_pending.isEmpty())
        m_sweepTimer.stop();
}

void Channel::failAllPending(const Error &error)
{
    const auto pending = std::exchange(m_pending, {});
    m_rawPending = 0;
    for (const Pending &p : pending)
        failPending(p, error);
}

} // namespace lendable::protocol
