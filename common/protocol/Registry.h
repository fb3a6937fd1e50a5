#pragma once
// The typed registry: lookup of message metadata by number, typed encode/decode of
// envelopes, and the generated protocol documentation.

#include "protocol/Frame.h"
#include "protocol/Messages.h"

#include <QBuffer>
#include <QtEndian>

namespace lendable::protocol {

/// Payload types that appear inside messages, documented once each.
using SharedTypes = std::tuple<LendingConditions, Offer, Exclusion, JobFile, JobFileSize, ReceiptBatch, Receipt, Bill, PartitionState,
                               ImageInfo, DayStat, PartyTotal, AllocationRefusal, Violation, LatencyBucket, RequestTimes, HostCpu, RequestInterval, ServiceSample,
                               JobSummary>;

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

/// encodeFrame(makeEnvelope(message, id, reply)), streamed: the same bytes without building
/// the payload's QCborMap first (a page of offers is most of a market's replies).
template <typename M>
QByteArray encodeMessageFrame(const M &message, quint64 id = 0, bool reply = false)
{
    QByteArray frame(kFrameHeaderBytes, Qt::Uninitialized);
    frame.reserve(1024);
    {
        QBuffer buffer(&frame);
        buffer.open(QIODevice::WriteOnly | QIODevice::Unbuffered);
        buffer.seek(kFrameHeaderBytes);
        QCborStreamWriter w(&buffer);
        w.startMap(reply ? 4 : 3);
        w.append(QLatin1StringView("type"));
        w.append(qint64(M::kType));
        w.append(QLatin1StringView("id"));
        w.append(qint64(id));
        if (reply) {
            w.append(QLatin1StringView("re"));
            w.append(true);
        }
        w.append(QLatin1StringView("payload"));
        writeSchema(w, message);
        w.endMap();
    }
    qToBigEndian(static_cast<quint32>(frame.size() - kFrameHeaderBytes), frame.data());
    return frame;
}

/// The CBOR of one schema value, as writeSchema() puts it on the wire inside a message.
template <Schema T>
QByteArray encodeSchemaBytes(const T &value)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    QCborStreamWriter w(&buffer);
    writeSchema(w, value);
    return bytes;
}

/// The reply frame of an OfferPage with these offers, already encoded one by one
/// (encodeSchemaBytes), this total and no explanation: the same bytes as
/// encodeMessageFrame(OfferPage{offers, total, {}}, id, true), with each offer copied instead
/// of encoded again. The market keeps every offer's bytes until the offer changes, and a
/// page of offers is most of what it sends.
QByteArray encodeOfferPageFrame(const QList<QByteArray> &encodedOffers, qint64 total, quint64 id);

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
