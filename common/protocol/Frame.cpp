#include "Frame.h"

#include <QCborStreamReader>
#include <QtEndian>

#include <limits>

namespace lendable::protocol {

namespace {
const QString kType = QStringLiteral("type");
const QString kId = QStringLiteral("id");
const QString kReply = QStringLiteral("re");
const QString kPayload = QStringLiteral("payload");
} // namespace

QByteArray encodeFrame(const Envelope &envelope)
{
    QCborMap map;
    map.insert(kType, static_cast<qint64>(envelope.type));
    map.insert(kId, static_cast<qint64>(envelope.id));
    if (envelope.reply)
        map.insert(kReply, true);
    map.insert(kPayload, envelope.payload);
    const QByteArray body = map.toCborValue().toCbor();
    QByteArray frame(kFrameHeaderBytes, Qt::Uninitialized);
    qToBigEndian(static_cast<quint32>(body.size()), frame.data());
    frame.append(body);
    return frame;
}

Result<Envelope> decodeFrameBody(QByteArrayView body)
{
    return decodeFrameBody(body.toByteArray());
}

Result<Envelope> decodeFrameBody(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("empty frame"));
    QCborParserError parseError;
    const QCborValue value = QCborValue::fromCbor(bytes, &parseError);
    if (parseError.error != QCborError::NoError)
        return Error(ErrorCode::MalformedFrame,
                     QStringLiteral("frame is not valid CBOR: %1").arg(parseError.errorString()));
    if (parseError.offset != bytes.size())
        return Error(ErrorCode::MalformedFrame,
                     QStringLiteral("frame has %1 trailing bytes after its CBOR value").arg(bytes.size() - parseError.offset));
    if (!value.isMap())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame does not hold a CBOR map"));
    const QCborMap map = value.toMap();
    const QCborValue type = map.value(kType);
    const QCborValue id = map.value(kId);
    const QCborValue reply = map.value(kReply);
    const QCborValue payload = map.value(kPayload);
    if (!type.isInteger() || type.toInteger() <= 0 || type.toInteger() > 0xffff)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no valid 'type'"));
    if (!id.isInteger() || id.toInteger() < 0)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no valid 'id'"));
    if (!reply.isUndefined() && !reply.isBool())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame field 're' is not a bool"));
    if (!payload.isMap())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no 'payload' map"));
    Envelope e;
    e.type = static_cast<quint32>(type.toInteger());
    e.id = static_cast<quint64>(id.toInteger());
    e.reply = reply.toBool(false);
    e.payload = payload.toMap();
    if (e.reply && e.id == 0)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("a reply must carry the request's id"));
    return e;
}

Result<FrameHead> peekFrameHead(const QByteArray &body)
{
    if (body.isEmpty())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("empty frame"));
    QCborStreamReader reader(body);
    const auto malformed = [&reader](const QString &what) {
        return Error(ErrorCode::MalformedFrame,
                     reader.lastError() != QCborError::NoError
                         ? QStringLiteral("frame is not valid CBOR: %1").arg(reader.lastError().toString())
                         : what);
    };
    if (!reader.isMap() || !reader.enterContainer())
        return malformed(QStringLiteral("frame does not hold a CBOR map"));
    // As QCborMap::value() in decodeFrameBody(): the first of duplicate keys counts.
    FrameHead head;
    bool haveType = false;
    bool haveId = false;
    bool haveReply = false;
    bool havePayload = false;
    while (reader.lastError() == QCborError::NoError && reader.hasNext()) {
        QString key;
        if (reader.isString()) {
            for (auto chunk = reader.readString(); chunk.status == QCborStreamReader::Ok; chunk = reader.readString())
                key += chunk.data;
        } else if (!reader.next()) { // a key of another kind: not one of ours
            break;
        }
        if (reader.lastError() != QCborError::NoError || !reader.hasNext())
            return malformed(QStringLiteral("frame map has a key without a value"));
        if ((key == kType && haveType) || (key == kId && haveId) || (key == kReply && haveReply)
            || (key == kPayload && havePayload)) {
            // a later duplicate: skipped below
        } else if (key == kType || key == kId) {
            const bool ok = reader.isUnsignedInteger();
            const quint64 v = ok ? quint64(reader.toUnsignedInteger()) : 0;
            if (key == kType) {
                if (!ok || v == 0 || v > 0xffff)
                    return malformed(QStringLiteral("frame has no valid 'type'"));
                head.type = static_cast<quint32>(v);
                haveType = true;
            } else {
                if (!ok || v > quint64(std::numeric_limits<qint64>::max()))
                    return malformed(QStringLiteral("frame has no valid 'id'"));
                head.id = v;
                haveId = true;
            }
        } else if (key == kReply) {
            if (!reader.isBool() && !reader.isUndefined())
                return malformed(QStringLiteral("frame field 're' is not a bool"));
            head.reply = reader.isBool() && reader.toBool();
            haveReply = true;
        } else if (key == kPayload) {
            if (!reader.isMap())
                return malformed(QStringLiteral("frame has no 'payload' map"));
            havePayload = true;
            // Our encoder writes type, id, re, then the payload: the head is complete, and
            // the payload is left to whoever reads it (skipping it here would cost as much
            // as reading it: QCborStreamReader::next() copies every string it passes).
            if (haveType && haveId)
                break;
        }
        // Skips the value, checking it (to Qt's default depth, deeper than
        // QCborValue::fromCbor() accepts: what the decoder takes, this takes too).
        reader.next();
    }
    if (reader.lastError() != QCborError::NoError)
        return malformed(QStringLiteral("frame does not hold a CBOR map"));
    if (!(havePayload && haveType && haveId)) {
        // The whole map was read: it must end the frame.
        if (!reader.leaveContainer())
            return malformed(QStringLiteral("frame does not hold a CBOR map"));
        if (reader.currentOffset() != body.size())
            return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has %1 trailing bytes after its CBOR value")
                                                        .arg(body.size() - reader.currentOffset()));
    }
    if (!haveType)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no valid 'type'"));
    if (!haveId)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no valid 'id'"));
    if (!havePayload)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("frame has no 'payload' map"));
    if (head.reply && head.id == 0)
        return Error(ErrorCode::MalformedFrame, QStringLiteral("a reply must carry the request's id"));
    return head;
}

FrameReader::FrameReader(qsizetype maxFrameBytes)
    : m_max(maxFrameBytes)
{
}

qsizetype FrameReader::bytesWanted() const
{
    if (m_error.isError())
        return 0;
    const qsizetype have = m_buffer.size() - m_pos;
    if (m_bodyLength < 0)
        return kFrameHeaderBytes - have;
    return qMax<qsizetype>(0, m_bodyLength - have);
}

void FrameReader::append(QByteArrayView bytes)
{
    if (m_error.isError())
        return;
    m_buffer.append(bytes);
}

Result<std::optional<Envelope>> FrameReader::next()
{
    Result<std::optional<QByteArray>> body = nextBody();
    if (!body)
        return body.error();
    if (!body->has_value())
        return std::optional<Envelope>();
    Result<Envelope> env = decodeFrameBody(**body);
    if (!env.ok()) {
        m_error = env.error();
        return m_error;
    }
    return std::optional<Envelope>(std::move(env).value());
}

Result<std::optional<QByteArray>> FrameReader::nextBody()
{
    if (m_error.isError())
        return m_error;
    if (m_bodyLength < 0) {
        if (m_buffer.size() - m_pos < kFrameHeaderBytes)
            return std::optional<QByteArray>();
        const quint32 length = qFromBigEndian<quint32>(m_buffer.constData() + m_pos);
        m_pos += kFrameHeaderBytes;
        if (length == 0) {
            m_error = Error(ErrorCode::MalformedFrame, QStringLiteral("zero-length frame"));
            return m_error;
        }
        if (static_cast<qint64>(length) > m_max) {
            m_error = Error(ErrorCode::FrameTooLarge,
                            QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes").arg(length).arg(m_max));
            m_buffer.clear();
            m_pos = 0;
            return m_error;
        }
        m_bodyLength = length;
    }
    if (m_buffer.size() - m_pos < m_bodyLength)
        return std::optional<QByteArray>();
    QByteArray body(m_buffer.constData() + m_pos, m_bodyLength);
    m_pos += m_bodyLength;
    m_bodyLength = -1;
    // Compact once the consumed prefix dominates, so a long-lived stream stays small.
    if (m_pos == m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    } else if (m_pos > 64 * 1024 && m_pos > m_buffer.size() / 2) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return std::optional<QByteArray>(std::move(body));
}

void FrameReader::fail(const Error &error)
{
    m_error = error;
}

} // namespace lendable::protocol
