#include "Dispatcher.h"

namespace lendable::protocol {

void Dispatcher::dispatch(Channel *channel, const Envelope &envelope) const
{
    const RequestContext ctx(channel, envelope.id);
    const auto it = m_handlers.constFind(envelope.type);
    if (it == m_handlers.cend()) {
        const MessageInfo *info = messageInfo(envelope.type);
        ctx.fail(info ? Error(ErrorCode::Unsupported, QObject::tr("this service does not handle %1").arg(info->name))
                      : Error(ErrorCode::UnknownMessageType,
                              QObject::tr("message type %1 is not in the registry").arg(envelope.type)));
        return;
    }
    (*it)(envelope, ctx);
}

void Dispatcher::attach(Channel *channel) const
{
    QObject::connect(channel, &Channel::envelopeReceived, channel,
                     [this, channel](const Envelope &e) { dispatch(channel, e); });
}

} // namespace lendable::protocol
