#pragma once
// Wire framing: a 4-byte big-endian length, then exactly that many bytes holding one CBOR
// map {type, id, re?, payload}. The declared length is checked against the cap as soon as
// the header is read, before any of the body is buffered (Quassel's remotepeer does this).

#include "util/Error.h"

#include <QByteArray>
#include <QCborMap>

#include <optional>

namespace lendable::protocol {

/// Frames larger than this are refused unless a channel is configured otherwise.
inline constexpr qsizetype kDefaultMaxFrameBytes = 16 * 1024 * 1024;
inline constexpr qsizetype kFrameHeaderBytes = 4;

/// One message on the wire.
struct Envelope {
    quint32 type = 0;   ///< MessageType number from the registry
    quint64 id = 0;     ///< request ID chosen by the sender; 0 for pushes
    bool reply = false; ///< true when this answers the peer's request `id`
    QCborMap payload;   ///< the typed payload, encoded by its schema

    bool operator==(const Envelope &) const = default;
};

/// The frame bytes (header + CBOR) for an envelope.
QByteArray encodeFrame(const Envelope &envelope);

/// Decodes the CBOR body of one frame (without its header).
Result<Envelope> decodeFrameBody(QByteArrayView body);

/// Incremental reader: feed bytes as they arrive, take whole envelopes out.
/// After the first error the reader stays failed: a stream that lost framing cannot recover.
class FrameReader {
public:
    explicit FrameReader(qsizetype maxFrameBytes = kDefaultMaxFrameBytes);

    /// How many more bytes the reader wants before it can make progress; lets a socket
    /// reader pull no more than one frame at a time.
    qsizetype bytesWanted() const;
    void append(QByteArrayView bytes);
    /// The next whole envelope, std::nullopt if more bytes are needed, or an error.
    Result<std::optional<Envelope>> next();
    bool failed() const { return m_error.isError(); }
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    qsizetype m_max;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_bodyLength = -1;
    Error m_error;
};

} // namespace lendable::protocol
