#pragma once

#include "protocol/Channel.h"

#include <QHash>

namespace lendable::protocol {

/// Where a request came from and how to answer it. Safe to keep for an asynchronous reply:
/// if the channel is gone by then, the reply is dropped.
class RequestContext {
public:
    RequestContext(Channel *channel, quint64 id)
        : m_channel(channel)
        , m_id(id)
    {
    }
    Channel *channel() const { return m_channel; }
    quint64 id() const { return m_id; }
    bool isPush() const { return m_id == 0; }
    QString peerId() const { return m_channel ? m_channel->peerId() : QString(); }
    QString peerRole() const { return m_channel ? m_channel->peerRole() : QString(); }
    template <typename M>
    void reply(const M &message) const
    {
        if (m_channel)
            m_channel->reply(m_id, message);
    }
    /// A reply frame encoded ahead with this request's id().
    void replyFrame(const QByteArray &frame) const
    {
        if (m_channel)
            m_channel->replyFrame(m_id, frame);
    }
    void fail(const Error &error) const
    {
        if (m_channel)
            m_channel->replyError(m_id, error);
    }
    void fail(ErrorCode code, const QString &message) const { fail(Error(code, message)); }

private:
    QPointer<Channel> m_channel;
    quint64 m_id;
};

/// Routes incoming requests to typed handlers by message type: dispatch happens on the
/// registry's numbers, never on strings. Unknown types and undecodable payloads are answered
/// with typed errors.
class Dispatcher {
public:
    /// A handler that answers (now or later) through the context.
    template <typename Request>
    void on(std::function<void(const Request &, const RequestContext &)> handler)
    {
        m_handlers.insert(static_cast<quint32>(Request::kType),
                          [h = std::move(handler)](const Envelope &e, const RequestContext &ctx) {
                              Result<Request> req = decodeMessage<Request>(e);
                              if (!req.ok()) {
                                  ctx.fail(req.error());
                                  return;
                              }
                              h(*req, ctx);
                          });
    }

    /// A handler that answers at once with its result or error.
    template <typename Request, typename Reply>
    void onCall(std::function<Result<Reply>(const Request &, const RequestContext &)> handler)
    {
        on<Request>([h = std::move(handler)](const Request &req, const RequestContext &ctx) {
            Result<Reply> r = h(req, ctx);
            if (r.ok())
                ctx.reply(*r);
            else
                ctx.fail(r.error());
        });
    }

    bool handles(quint32 type) const { return m_handlers.contains(type); }
    void dispatch(Channel *channel, const Envelope &envelope) const;
    /// Dispatches every request and push the channel receives.
    void attach(Channel *channel) const;

private:
    QHash<quint32, std::function<void(const Envelope &, const RequestContext &)>> m_handlers;
};

} // namespace lendable::protocol
