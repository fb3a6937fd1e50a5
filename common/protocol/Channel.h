#pragma once

#include "protocol/Registry.h"

#include <QBasicTimer>
#include <QEventLoop>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace lendable::protocol {

inline constexpr int kDefaultRequestTimeoutMs = 30'000;
inline constexpr int kDefaultHandshakeTimeoutMs = 10'000;
/// A service closes a connection over which nothing has moved for this long (see
/// HandshakeConfig::idleTimeoutMs). Every long-lived client of this project says something
/// far more often: lenders heartbeat every 10 s, the desktop apps and the borrower's links
/// ping every 15 s.
inline constexpr int kDefaultIdleTimeoutMs = 5 * 60 * 1000;

/// What one side says about itself in the Hello exchange.
struct HandshakeConfig {
    QString localNodeId;         ///< this side's node ID (the service announces it in Welcome)
    QString localRole;           ///< this side's role: `borrower`, `lender`, `owner`, `admin`, `market`
    QStringList acceptedRoles;   ///< service side: roles it serves; empty = any
    QStringList features;
    QString software = QStringLiteral("lendable/") + QStringLiteral(LENDABLE_VERSION);
    qsizetype maxFrameBytes = kDefaultMaxFrameBytes;
    int handshakeTimeoutMs = kDefaultHandshakeTimeoutMs;
    /// Service side: a connection from which nothing came and which took nothing of this
    /// side's output for between this and twice this long, while this side owed it no answer,
    /// is closed (Server's sweep), telling the peer why. 0: never.
    int idleTimeoutMs = kDefaultIdleTimeoutMs;
};

/// Decides, on the service side, whether a verified peer may use the service in the role it
/// claims (e.g. admin only for listed node IDs). A failure is sent to the peer as a typed Error.
using Admission = std::function<Result<void>(const QString &peerId, const QString &role)>;

class Channel;

/// What a Server hears from each of its channels without a signal connection per channel
/// (with its slot object and the channel's connection lists, a few hundred bytes on each of
/// thousands of idle channels). Called before the corresponding signal is emitted.
class ChannelObserver {
public:
    virtual void observedEstablished(Channel *channel) = 0;
    virtual void observedClosed(Channel *channel, const Error &reason) = 0;
    virtual void observedEnvelope(Channel *channel, const Envelope &envelope) = 0;

protected:
    ~ChannelObserver() = default;
};

/// One authenticated, framed, request/reply connection. Transport-agnostic: SslChannel runs it
/// over mutual TLS, LocalChannel in process (for tests of service logic, as Quassel's
/// InternalPeer). After the transport authenticates the peer, the client sends Hello and the
/// service answers Welcome or Error; only then do requests flow.
class Channel : public QObject {
    Q_OBJECT
public:
    enum class Side { Client, Service };

    Channel(Side side, HandshakeConfig config, QObject *parent = nullptr);
    ~Channel() override;

    Side side() const { return m_side; }
    /// The peer's verified node ID (empty until the transport authenticated it).
    QString peerId() const { return m_peerId; }
    /// The role the peer declared in Hello (client) or Welcome (service).
    QString peerRole() const { return m_peerRole; }
    /// Client side: the features the service listed in Welcome (kFeatureBorrowRequestId, …).
    bool peerHasFeature(QLatin1StringView feature) const { return m_peerFeatures.contains(feature); }
    virtual QString peerAddress() const = 0;
    bool isEstablished() const { return m_established && !m_closed; }
    bool isClosed() const { return m_closed; }
    const Error &closeReason() const { return m_closeReason; }
    void setAdmission(Admission admission) { m_admission = std::move(admission); }
    /// The one observer (its Server); nullptr for none.
    void setObserver(ChannelObserver *observer) { m_observer = observer; }

    template <typename M>
    void push(const M &message)
    {
        if (canSend())
            writeFrame(encodeMessageFrame(message, 0, false));
    }
    template <typename M>
    void reply(quint64 requestId, const M &message)
    {
        if (requestId != 0 && canSend())
            writeFrame(encodeMessageFrame(message, requestId, true));
        if (!m_unanswered.isEmpty())
            answered(requestId);
    }
    /// A reply frame encoded ahead for this request (encodeOfferPageFrame() with its id).
    void replyFrame(quint64 requestId, const QByteArray &frame)
    {
        if (requestId != 0 && canSend())
            writeFrame(frame);
        if (!m_unanswered.isEmpty())
            answered(requestId);
    }
    void replyError(quint64 requestId, const Error &error);

    /// Sends a request; `callback` runs exactly once, with the reply, the peer's Error, a
    /// timeout or the close reason, unless `context` is destroyed first.
    template <typename Reply, typename Request>
    void request(const Request &req, QObject *context, std::function<void(Result<Reply>)> callback,
                 int timeoutMs = kDefaultRequestTimeoutMs)
    {
        requestEnvelope(makeEnvelope(req), context,
                        [cb = std::move(callback)](Result<Envelope> r) {
                            if (!r.ok()) {
                                cb(r.error());
                                return;
                            }
                            if (r->type == static_cast<quint32>(MessageType::Error)) {
                                Result<ErrorMessage> em = decodeMessage<ErrorMessage>(*r);
                                cb(em.ok() ? fromErrorMessage(*em) : em.error());
                                return;
                            }
                            cb(decodeMessage<Reply>(*r));
                        },
                        timeoutMs);
    }

    /// Low-level request with an already built envelope (its id is assigned here). The
    /// callback gets the raw reply envelope; typed callers use request().
    void requestRaw(Envelope envelope, QObject *context, std::function<void(Result<Envelope>)> callback,
                    int timeoutMs = kDefaultRequestTimeoutMs)
    {
        requestEnvelope(std::move(envelope), context, std::move(callback), timeoutMs);
    }

    /// A reply left undecoded: its type, and the frame body (the CBOR map {type, id, re,
    /// payload}). Only its head was checked (peekFrameHead()); decodeFrameBody() checks
    /// the rest for a caller that wants it.
    struct RawReply {
        quint32 type = 0;
        QByteArray body;
    };
    /// requestRaw() for a caller that reads the reply later, or not at all: it is not built
    /// into QCbor containers on arrival, which is most of what reading a large payload costs.
    /// Errors, timeouts and the close reason come as for requestRaw(); a reply of type Error
    /// comes as a RawReply of that type.
    void requestFrame(Envelope envelope, QObject *context, std::function<void(Result<RawReply>)> callback,
                      int timeoutMs = kDefaultRequestTimeoutMs);

    /// Synchronous request for command-line tools and tests (spins a local event loop).
    template <typename Reply, typename Request>
    Result<Reply> call(const Request &req, int timeoutMs = kDefaultRequestTimeoutMs)
    {
        std::optional<Result<Reply>> out;
        QEventLoop loop;
        request<Reply>(req, &loop,
                       [&](Result<Reply> r) {
                           out.emplace(std::move(r));
                           loop.quit();
                       },
                       timeoutMs);
        if (!out)
            loop.exec();
        return std::move(*out);
    }

    /// Blocks (local event loop) until the Hello exchange completes or the channel closes.
    Result<void> waitEstablished(int timeoutMs = kDefaultHandshakeTimeoutMs);

    /// Closes after flushing what was sent. Pending requests fail with `reason`
    /// (connection_closed if none is given).
    void close(const Error &reason = {});

    /// Bytes sent on this channel that its transport has not yet handed on (the peer reads
    /// slower than this side sends): what a sender of much data paces itself by. 0 for a
    /// transport without a queue of its own.
    virtual qint64 queuedBytes() const { return 0; }

    /// Back-pressure on the service side: it stops reading a peer's requests while this many
    /// of them wait for their answers, or while this much of its output waits for the peer to
    /// take it, and reads on once they went down. A peer that sends requests and reads no
    /// answers (or a request whose answer is large, many times over) would otherwise grow
    /// this side's memory without a bound. A well-behaved client never comes near either:
    /// it waits for its answers, and reads them. The output bound is above the lender's pace
    /// for a watch's backlog (4 MiB queued at most), so a watch does not stop the requests.
    static constexpr int kMaxUnansweredRequests = 256;
    static constexpr qint64 kMaxQueuedOutputBytes = 8 * 1024 * 1024;
    /// Reading is stopped by the back-pressure above.
    bool isInputHeld() const { return m_inputHeld; }

    /// Service side, for the Server's idle sweep: whether, since the last call, nothing came
    /// from the peer and it took nothing of this side's output, while this side owed it no
    /// answer and read on. Each call starts a new period.
    bool quietSinceLastLook();
    /// Closes the channel for `reason`, telling the peer why first with an Error push (a
    /// stream that lost its framing, an idle connection).
    void closeTellingPeer(const Error &reason);

signals:
    /// The Hello exchange completed; requests may flow.
    void established();
    /// A request or push from the peer (replies go to their callbacks instead).
    void envelopeReceived(const lendable::protocol::Envelope &envelope);
    /// The channel is closed for good; emitted once.
    void closed(const lendable::Error &reason);

protected:
    /// For channels that all have one configuration (Server's): they share one copy of it
    /// instead of holding one each (a market holds thousands of channels).
    Channel(Side side, std::shared_ptr<const HandshakeConfig> config, QObject *parent);

    /// The transport authenticated the peer as `peerId`; starts the Hello exchange.
    void transportReady(const QString &peerId);
    void bytesReceived(QByteArrayView bytes);
    /// The peer took some of this side's output (the transport wrote it out).
    void outputTaken() { ++m_activity; }
    /// The transport is gone (error or orderly close).
    void transportClosed(const Error &reason);
    virtual void writeFrame(const QByteArray &frame) = 0;
    virtual void closeTransport() = 0;
    /// The transport stops (`held`) or starts again reading from its peer (back-pressure;
    /// the frames it read meanwhile wait here). One without a queue of its own ignores it.
    virtual void holdInput(bool held) { Q_UNUSED(held); }
    /// The transport's queued output went down: input held for it may go on.
    void outputDrained();
    const HandshakeConfig &config() const { return *m_config; }
    bool isTransportReady() const { return m_transportReady; }
    void timerEvent(QTimerEvent *event) override;

private:
    struct Pending {
        std::function<void(Result<Envelope>)> callback;
        std::function<void(Result<RawReply>)> rawCallback; // requestFrame(): instead of callback
        QPointer<QObject> context;
        bool hasContext = false;
        qint64 deadlineMs = 0;
    };

    void sendEnvelope(const Envelope &envelope);
    bool canSend() const { return !m_closed && m_transportReady; }
    void requestEnvelope(Envelope envelope, QObject *context, std::function<void(Result<Envelope>)> callback,
                         int timeoutMs);
    void handleEnvelope(Envelope envelope);
    void sendRequest(Envelope envelope, QObject *context, Pending p, int timeoutMs);
    bool deliverRawReply(QByteArray &body);
    static void failPending(const Pending &p, const Error &error);
    void handleHello(const Envelope &envelope);
    void sweepTimeouts();
    void failAllPending(const Error &error);
    /// Back-pressure: too many requests unanswered or too much output queued (it forgets
    /// requests a handler left unanswered for long, which their peer gave up on).
    bool overloaded();
    /// A reply to `requestId` went out (or could not: the channel closed).
    void answered(quint64 requestId);
    void scheduleResume();
    void resumeInput();

    Side m_side;
    std::shared_ptr<const HandshakeConfig> m_config;
    Admission m_admission;
    ChannelObserver *m_observer = nullptr;
    FrameReader m_reader;
    QString m_peerId;
    QString m_peerRole;
    QStringList m_peerFeatures; // client side only (Welcome.features)
    bool m_transportReady = false;
    bool m_established = false;
    bool m_closed = false;
    Error m_closeReason;
    quint64 m_nextId = 1;
    QHash<quint64, Pending> m_pending;
    qsizetype m_rawPending = 0; // of m_pending, those of requestFrame()
    QHash<quint64, qint64> m_unanswered; // service side: the peer's requests not answered yet → when they came (ms)
    bool m_inputHeld = false;       // back-pressure stopped reading
    quint32 m_activity = 0;         // bumped as bytes come or go; the idle sweep compares it
    quint32 m_activityAtLook = 0;   // m_activity at the idle sweep's last look
    bool m_resumeScheduled = false;
    // QBasicTimers rather than QTimer members: a market holds thousands of idle channels, and
    // a QTimer is a QObject with its private data and connections; nor QObject::startTimer(),
    // which gives the object a QObjectPrivate::ExtraData (≈ 0.2 KiB) for good (market-bench).
    QBasicTimer m_sweepTimer; // running only while requests are pending
    QBasicTimer m_helloTimer; // running only until the Hello exchange completes
    QBasicTimer m_holdTimer;  // running only while back-pressure holds the input: tries again
};

} // namespace lendable::protocol
