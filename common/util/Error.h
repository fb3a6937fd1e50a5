#pragma once

#include <QDebug>
#include <QString>

#include <utility>
#include <variant>

namespace lendable {

/// Typed error codes shared by every layer and carried on the wire in `Error{code,message}`.
/// Append only: the numbers are part of the protocol.
enum class ErrorCode : quint16 {
    None = 0,
    // framing and protocol
    MalformedFrame = 1,       ///< bytes that are not a frame holding one CBOR map
    FrameTooLarge = 2,        ///< declared frame length above the cap
    UnknownMessageType = 3,   ///< type number not in the registry
    BadPayload = 4,           ///< payload field missing or of the wrong type
    VersionMismatch = 5,      ///< protocol versions do not overlap
    HelloRequired = 6,        ///< a request arrived before the Hello exchange
    RoleRefused = 7,          ///< the service does not serve the peer's role
    // transport and peers
    ConnectionFailed = 10,    ///< could not reach the peer
    ConnectionClosed = 11,    ///< the peer went away
    TlsHandshakeFailed = 12,  ///< TLS could not be established (no or bad certificate, wrong version)
    PeerIdMismatch = 13,      ///< the peer's certificate is not the pinned node ID
    PeerNotAllowed = 14,      ///< the peer's node ID is not allowed here
    CertificateInvalid = 15,  ///< expired, not yet valid or otherwise unusable certificate
    Timeout = 16,             ///< no answer in time
    // requests
    InvalidArgument = 20,     ///< a value out of its domain (bad size, bad query token)
    NotFound = 21,            ///< unknown ID
    AlreadyExists = 22,
    Conflict = 23,            ///< the object is in a state that forbids this (e.g. partition lent)
    PermissionDenied = 24,    ///< the caller may not do this
    KeyInvalid = 25,          ///< lending key wrong, ended or not bound to this borrower
    ResourceExhausted = 26,   ///< the machine or market cannot give that much
    NoMatch = 27,             ///< no offer meets the requirements
    Unsupported = 28,
    Cancelled = 29,
    TermsChanged = 30,        ///< the offer's terms are worse than those the borrower agreed to (Borrow.agreedTerms)
    // local failures
    StorageError = 40,        ///< the database refused or failed
    DiskFull = 41,
    IdentityError = 42,       ///< missing or corrupt identity files
    IoError = 43,
    VirtError = 44,           ///< libvirt refused or failed
    Internal = 99,
};

/// Stable snake_case name of a code, for JSON output and logs.
QString errorCodeName(ErrorCode code);

/// The peer could not be reached or went away before answering (not: it refused).
constexpr bool isUnreachable(ErrorCode code)
{
    return code == ErrorCode::ConnectionFailed || code == ErrorCode::ConnectionClosed || code == ErrorCode::Timeout;
}
/// Inverse of errorCodeName(); ErrorCode::Internal for unknown names.
ErrorCode errorCodeFromName(const QString &name);

/// A typed error: a code a program can branch on and a message a person can act on.
struct Error {
    ErrorCode code = ErrorCode::None;
    QString message;
    /// The message is in this side's own terms (SQL, file names, database addresses): it is
    /// for this side's log. A peer is told what it means instead (Channel::replyError()).
    bool internal = false;

    Error() = default;
    Error(ErrorCode c, QString m) : code(c), message(std::move(m)) {}
    /// The same error, marked internal.
    Error asInternal() const &
    {
        Error e = *this;
        e.internal = true;
        return e;
    }

    /// The same error with what was being done before its message ("cannot open the
    /// database …: "), its code and internal mark kept.
    Error within(const QString &context) const &
    {
        Error e = *this;
        e.message.prepend(context);
        return e;
    }

    bool isError() const { return code != ErrorCode::None; }
    /// "code_name: message"
    QString toString() const;
    bool operator==(const Error &) const = default;
};

QDebug operator<<(QDebug dbg, const Error &e);

/// Either a value or an Error. Small on purpose: C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<0>(m_v); }
    T &value() & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T value_or(T fallback) const { return ok() ? std::get<0>(m_v) : std::move(fallback); }
    const T *operator->() const { return &std::get<0>(m_v); }
    T *operator->() { return &std::get<0>(m_v); }
    const T &operator*() const & { return std::get<0>(m_v); }
    T &operator*() & { return std::get<0>(m_v); }
    /// The error; a null Error (code None) when the result holds a value, so that
    /// diagnostics may always read it.
    const Error &error() const
    {
        static const Error none;
        return m_v.index() == 1 ? std::get<1>(m_v) : none;
    }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}
    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
};

} // namespace lendable
