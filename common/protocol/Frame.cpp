#include "Frame.h"

#include <QCborStreamReader>
#include <QtEndian>

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
    if (body.isEmpty())
        return Error(ErrorCode::MalformedFrame, QStringLiteral("empty frame"));
    QCborParserError parseError;
    const QByteArray bytes = body.toByteArray();
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
    if (m_error.isError())
        return m_error;
    if (m_bodyLength < 0) {
        if (m_buffer.size() - m_pos < kFrameHeaderBytes)
            return std::optional<Envelope>();
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
        return std::optional<Envelope>();
    Result<Envelope> env = decodeFrameBody(QByteArrayView(m_buffer.constData() + m_pos, m_bodyLength));
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
    if (!env.ok()) {
        m_error = env.error();
        return m_error;
    }
    return std::optional<Envelope>(std::move(env).value());
}

} // namespace lendable::protocol
