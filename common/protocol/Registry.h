#pragma once
// The typed registry: lookup of message metadata by number, typed encode/decode of
// envelopes, and the generated protocol documentation.

#include "protocol/Frame.h"
#include "protocol/Messages.h"

namespace lendable::protocol {

/// Payload types that appear inside messages, documented once each.
using SharedTypes = std::tuple<LendingConditions, Offer, Exclusion, JobFile, Receipt, Bill, PartitionState,
                               ImageInfo, DayStat, PartyTotal>;

struct MessageInfo {
    quint32 type = 0;
    QString name;
    QString direction;
    QString doc;
    QList<FieldInfo> fields;
};

/// Calls f(M{}) for every message type M in registry order.
template <typename F>
void forEachMessage(F &&f)
{
    std::apply([&](auto... m) { (f(m), ...); }, AllMessages{});
}

const QList<MessageInfo> &allMessageInfos();
/// nullptr for a number not in the registry.
const MessageInfo *messageInfo(quint32 type);
QString messageName(quint32 type);

/// The whole of docs/protocol.md, generated from the schema.
QString protocolMarkdown();

template <typename M>
Envelope makeEnvelope(const M &message, quint64 id = 0, bool reply = false)
{
    return Envelope{static_cast<quint32>(M::kType), id, reply, encodeSchema(message)};
}

/// Decodes an envelope's payload as M; a type mismatch or bad payload is a typed error.
template <typename M>
Result<M> decodeMessage(const Envelope &envelope)
{
    if (envelope.type != static_cast<quint32>(M::kType))
        return Error(ErrorCode::BadPayload, QStringLiteral("expected %1, got %2")
                                                .arg(QLatin1String(M::kName), messageName(envelope.type)));
    return decodeSchema<M>(envelope.payload);
}

/// The Error message for an Error, and back.
ErrorMessage toErrorMessage(const Error &error);
Error fromErrorMessage(const ErrorMessage &message);

} // namespace lendable::protocol
