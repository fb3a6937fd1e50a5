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
Result<Envelope> decodeFrameBody(const QByteArray &body);

/// The routing fields of a frame, for a reader that wants the payload's bytes rather than
/// its QCborMap (decoding a large payload into QCbor containers is most of what reading it
/// costs).
struct FrameHead {
    quint32 type = 0;
    quint64 id = 0;
    bool reply = false;
};
/// Reads the head of a frame body without decoding its payload: one CBOR map with a valid
/// type, id, optional re and a payload that is a map. It stops at the payload once it has
/// the type and id (the order our encoder writes), so the payload's contents and what
/// follows it are left unchecked: whatever decodeFrameBody() accepts this accepts with the
/// same head, but not the other way round. A reader of the body checks the rest.
Result<FrameHead> peekFrameHead(const QByteArray &body);

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
    /// The next whole frame's body, undecoded (only its length was checked); std::nullopt if
    /// more bytes are needed, or an error.
    Result<std::optional<QByteArray>> nextBody();
    bool failed() const { return m_error.isError(); }
    /// Marks the stream failed (a body from nextBody() did not decode).
    void fail(const Error &error);
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    qsizetype m_max;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_bodyLength = -1;
    Error m_error;
};

} // namespace lendable::protocol
