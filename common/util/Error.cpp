#include "Error.h"

#include <array>

namespace lendable {

namespace {
struct CodeName {
    ErrorCode code;
    const char *name;
};
constexpr std::array kNames{
    CodeName{ErrorCode::None, "none"},
    CodeName{ErrorCode::MalformedFrame, "malformed_frame"},
    CodeName{ErrorCode::FrameTooLarge, "frame_too_large"},
    CodeName{ErrorCode::UnknownMessageType, "unknown_message_type"},
    CodeName{ErrorCode::BadPayload, "bad_payload"},
    CodeName{ErrorCode::VersionMismatch, "version_mismatch"},
    CodeName{ErrorCode::HelloRequired, "hello_required"},
    CodeName{ErrorCode::RoleRefused, "role_refused"},
    CodeName{ErrorCode::ConnectionFailed, "connection_failed"},
    CodeName{ErrorCode::ConnectionClosed, "connection_closed"},
    CodeName{ErrorCode::TlsHandshakeFailed, "tls_handshake_failed"},
    CodeName{ErrorCode::PeerIdMismatch, "peer_id_mismatch"},
    CodeName{ErrorCode::PeerNotAllowed, "peer_not_allowed"},
    CodeName{ErrorCode::CertificateInvalid, "certificate_invalid"},
    CodeName{ErrorCode::Timeout, "timeout"},
    CodeName{ErrorCode::InvalidArgument, "invalid_argument"},
    CodeName{ErrorCode::NotFound, "not_found"},
    CodeName{ErrorCode::AlreadyExists, "already_exists"},
    CodeName{ErrorCode::Conflict, "conflict"},
    CodeName{ErrorCode::PermissionDenied, "permission_denied"},
    CodeName{ErrorCode::KeyInvalid, "key_invalid"},
    CodeName{ErrorCode::ResourceExhausted, "resource_exhausted"},
    CodeName{ErrorCode::NoMatch, "no_match"},
    CodeName{ErrorCode::Unsupported, "unsupported"},
    CodeName{ErrorCode::Cancelled, "cancelled"},
    CodeName{ErrorCode::TermsChanged, "terms_changed"},
    CodeName{ErrorCode::StorageError, "storage_error"},
    CodeName{ErrorCode::DiskFull, "disk_full"},
    CodeName{ErrorCode::IdentityError, "identity_error"},
    CodeName{ErrorCode::IoError, "io_error"},
    CodeName{ErrorCode::VirtError, "virt_error"},
    CodeName{ErrorCode::Internal, "internal"},
};
} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &n : kNames) {
        if (n.code == code)
            return QString::fromLatin1(n.name);
    }
    return QStringLiteral("code_%1").arg(static_cast<int>(code));
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (const auto &n : kNames) {
        if (name == QLatin1String(n.name))
            return n.code;
    }
    return ErrorCode::Internal;
}

QString Error::toString() const
{
    return errorCodeName(code) + QStringLiteral(": ") + message;
}

QDebug operator<<(QDebug dbg, const Error &e)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace() << "Error(" << errorCodeName(e.code) << ", " << e.message << ')';
    return dbg;
}

} // namespace lendable
