#pragma once

#include "util/Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <memory>

// OpenSSL's key type, declared here so that users of this header need no OpenSSL headers.
struct evp_pkey_st;

namespace lendable {

/// A node's identity: an EC P-256 private key and the self-signed X.509 certificate that
/// carries its public half. The node ID is the SHA-256 of the certificate (as Syncthing
/// does); peers pin each other by that ID, so no CA is involved. The same certificate
/// serves as TLS server and client certificate.
///
/// A copyable value; copies share the (immutable) OpenSSL key.
class Identity {
public:
    Identity() = default;

    /// Loads `dataDir/identity/key.pem` and `dataDir/identity/cert.pem`, creating both
    /// when — and only when — both are absent. Anything else (one file missing, unreadable
    /// or corrupt, a key that does not match the certificate) is IdentityError naming the
    /// file: a silently regenerated identity would orphan every contract made under the
    /// old node ID. `commonName` is used only when creating ("Lendable <commonName>").
    static Result<Identity> loadOrCreate(const QString &dataDir, const QString &commonName = {});
    /// Like loadOrCreate() but never creates.
    static Result<Identity> load(const QString &dataDir);
    /// A new identity in memory. loadOrCreate() uses notBefore = now - 1 h (tolerates clock
    /// skew between peers) and notAfter = now + 20 years; tests pass other windows to make
    /// expired or not-yet-valid certificates.
    static Result<Identity> generate(const QString &commonName, QDateTime notBefore, QDateTime notAfter);
    /// Writes key.pem (0600) and cert.pem under `dataDir/identity` (0700), each atomically.
    /// Overwrites an existing identity: callers other than loadOrCreate() mean it.
    Result<void> saveTo(const QString &dataDir) const;

    bool isNull() const;
    /// Lowercase hex SHA-256 of the DER certificate, 64 characters.
    QString nodeId() const;
    QSslCertificate certificate() const;
    /// QSsl::Ec, QSsl::PrivateKey.
    QSslKey privateKey() const;
    QByteArray certificatePem() const;
    QByteArray certificateDer() const;

    /// ECDSA-SHA256 over `data`, DER-encoded signature (for the signed start and end
    /// records of a contract). Fails only on a null identity or an OpenSSL failure.
    Result<QByteArray> sign(QByteArrayView data) const;

    static QString nodeIdOf(const QSslCertificate &cert);
    /// 64 lowercase hex characters.
    static bool isValidNodeId(const QString &id);
    /// Checks a signature made by sign() with the key of the certificate in `certPem`.
    /// The certificate's validity dates are deliberately not checked: a receipt signed while
    /// the certificate was valid stays verifiable later. Unparseable PEM is
    /// CertificateInvalid; a signature that does not verify is InvalidArgument.
    static Result<void> verify(const QByteArray &certPem, QByteArrayView data, QByteArrayView signature);

    /// Paths of the identity files under a data directory.
    static QString identityDir(const QString &dataDir);
    static QString keyPath(const QString &dataDir);
    static QString certificatePath(const QString &dataDir);

private:
    // Builds a value from PEM text already checked to be a matching key and certificate.
    static Result<Identity> fromPem(const QByteArray &keyPem, const QByteArray &certPem, const QString &keyOrigin,
                                    const QString &certOrigin);

    QSslCertificate m_certificate;
    QSslKey m_key;
    QByteArray m_keyPem;
    QByteArray m_certificatePem;
    QByteArray m_certificateDer;
    QString m_nodeId;
    std::shared_ptr<evp_pkey_st> m_pkey;
};

} // namespace lendable
