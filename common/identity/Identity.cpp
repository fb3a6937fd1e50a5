#include "Identity.h"

#include "util/Paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringList>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace lendable {

namespace {

template <auto FreeFn>
struct OpenSslDeleter {
    template <typename T>
    void operator()(T *p) const
    {
        FreeFn(p);
    }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

constexpr auto kKeyFile = "key.pem";
constexpr auto kCertFile = "cert.pem";
/// The key of an identity being created, until its certificate is written beside it: a key
/// file without its certificate is then never the state an interrupted creation leaves.
constexpr auto kPendingKeyFile = "key.pem.pending";

QString pendingKeyPath(const QString &dataDir)
{
    return QDir(Identity::identityDir(dataDir)).filePath(QLatin1String(kPendingKeyFile));
}

// Identity files are a few hundred bytes; anything this big is not one.
constexpr qint64 kMaxPemSize = 64 * 1024;
// X.520 caps a common name at 64 characters; OpenSSL refuses longer ones.
constexpr qsizetype kMaxCommonName = 64;

// Drains OpenSSL's thread-local error queue into one line. Always drained, even when the
// text is not wanted: a stale entry left behind makes Qt's TLS backend misreport later,
// unrelated handshakes.
QString takeOpenSslErrors()
{
    QStringList parts;
    while (const unsigned long code = ERR_get_error()) {
        std::array<char, 256> buffer{};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        parts << QString::fromLatin1(buffer.data());
    }
    return parts.isEmpty() ? QStringLiteral("no detail from OpenSSL") : parts.join(QStringLiteral("; "));
}

Error openSslFailure(ErrorCode code, const QString &what)
{
    return Error(code, what + QStringLiteral(": ") + takeOpenSslErrors());
}

QByteArray bioContents(BIO *bio)
{
    BUF_MEM *mem = nullptr;
    BIO_get_mem_ptr(bio, &mem);
    return mem ? QByteArray(mem->data, qsizetype(mem->length)) : QByteArray();
}

BioPtr readOnlyBio(QByteArrayView bytes)
{
    return BioPtr(BIO_new_mem_buf(bytes.data(), int(bytes.size())));
}

// Refuses to prompt: OpenSSL's default callback would ask for a pass phrase on the terminal
// when handed an encrypted key.
int noPassphrase(char *, int, int, void *)
{
    return 0;
}

X509Ptr parseCertificate(QByteArrayView pem)
{
    BioPtr bio = readOnlyBio(pem);
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
}

QByteArray certificateToPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return {};
    return bioContents(bio.get());
}

QByteArray certificateToDer(X509 *cert)
{
    const int length = i2d_X509(cert, nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(der.data());
    if (i2d_X509(cert, &out) != length)
        return {};
    return der;
}

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

Result<QByteArray> readPemFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IdentityError, QStringLiteral("cannot read the %1 %2: %3").arg(what, path, file.errorString()));
    if (file.size() > kMaxPemSize)
        return Error(ErrorCode::IdentityError, QStringLiteral("the %1 %2 is corrupt (too large)").arg(what, path));
    return file.readAll();
}

Result<void> writeAtomically(const QString &path, const QByteArray &bytes, QFileDevice::Permissions permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    // Narrow the temporary file before the secret goes into it, not after the rename.
    file.setPermissions(permissions);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Error(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (!QFile::setPermissions(path, permissions))
        return Error(ErrorCode::IoError, QStringLiteral("cannot set the permissions of %1").arg(path));
    return {};
}

/// rename(2): `to` is replaced at once, never missing between.
Result<void> renameOver(const QString &from, const QString &to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return Error(ErrorCode::IoError, QStringLiteral("cannot rename %1 to %2: %3").arg(from, to, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

Result<void> addExtension(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot add certificate extension %1").arg(QLatin1String(value)));
    return {};
}

} // namespace

QString Identity::identityDir(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("identity"));
}

QString Identity::keyPath(const QString &dataDir)
{
    return QDir(identityDir(dataDir)).filePath(QLatin1String(kKeyFile));
}

QString Identity::certificatePath(const QString &dataDir)
{
    return QDir(identityDir(dataDir)).filePath(QLatin1String(kCertFile));
}

Result<Identity> Identity::generate(const QString &commonName, QDateTime notBefore, QDateTime notAfter)
{
    if (!notBefore.isValid() || !notAfter.isValid() || notBefore >= notAfter) {
        return Error(ErrorCode::InvalidArgument, QStringLiteral("invalid certificate validity %1 .. %2")
                                                     .arg(notBefore.toString(Qt::ISODate), notAfter.toString(Qt::ISODate)));
    }

    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot generate an EC P-256 key"));

    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot create a certificate"));

    // A random serial keeps two certificates with the same name distinguishable to any
    // software that keys on issuer + serial.
    std::array<unsigned char, 16> serialBytes{};
    if (RAND_bytes(serialBytes.data(), int(serialBytes.size())) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("no random bytes for the certificate serial"));
    BignumPtr serial(BN_bin2bn(serialBytes.data(), int(serialBytes.size()), nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot set the certificate serial"));

    if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), time_t(notBefore.toSecsSinceEpoch()))
        || !ASN1_TIME_set(X509_getm_notAfter(cert.get()), time_t(notAfter.toSecsSinceEpoch()))) {
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot set the certificate validity"));
    }

    QString cn = QStringLiteral("Lendable");
    if (!commonName.trimmed().isEmpty())
        cn += QLatin1Char(' ') + commonName.trimmed();
    const QByteArray cnUtf8 = cn.left(kMaxCommonName).toUtf8();
    X509_NAME *name = X509_get_subject_name(cert.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cnUtf8.constData()),
                                   int(cnUtf8.size()), -1, 0)
            != 1
        || X509_set_issuer_name(cert.get(), name) != 1) {
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot set the certificate name"));
    }
    if (X509_set_pubkey(cert.get(), key.get()) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot set the certificate key"));

    // A leaf that is both TLS server and client (a lender agent serves borrowers and dials the
    // market), never a CA: peers trust it by pinned ID, not by chain. No keyUsage on purpose:
    // one without keyCertSign makes OpenSSL stop treating the certificate as self-signed
    // (X509_check_issued fails), which turns Qt's SelfSignedCertificate error into a vaguer
    // "unable to get local issuer" and breaks pinning code that expects the former.
    for (const auto &[nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                                     std::pair{NID_subject_key_identifier, "hash"},
                                     std::pair{NID_ext_key_usage, "serverAuth,clientAuth"}}) {
        if (auto added = addExtension(cert.get(), nid, value); !added)
            return added.error();
    }

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot sign the certificate"));

    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!keyBio || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot encode the private key"));
    const QByteArray certPem = certificateToPem(cert.get());
    if (certPem.isEmpty())
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot encode the certificate"));

    return fromPem(bioContents(keyBio.get()), certPem, QStringLiteral("generated key"),
                   QStringLiteral("generated certificate"));
}

Result<Identity> Identity::fromPem(const QByteArray &keyPem, const QByteArray &certPem, const QString &keyOrigin,
                                   const QString &certOrigin)
{
    const X509Ptr cert = parseCertificate(certPem);
    if (!cert) {
        return openSslFailure(ErrorCode::IdentityError,
                              QStringLiteral("the certificate %1 is corrupt (not a PEM X.509 certificate)").arg(certOrigin));
    }
    BioPtr keyBio = readOnlyBio(keyPem);
    std::shared_ptr<EVP_PKEY> key(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr) : nullptr,
                                  EVP_PKEY_free);
    if (!key) {
        return openSslFailure(ErrorCode::IdentityError,
                              QStringLiteral("the private key %1 is corrupt (not an unencrypted PEM private key)").arg(keyOrigin));
    }
    if (!EVP_PKEY_is_a(key.get(), "EC")) {
        takeOpenSslErrors();
        return Error(ErrorCode::IdentityError, QStringLiteral("the private key %1 is not an EC key").arg(keyOrigin));
    }
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        takeOpenSslErrors();
        return Error(ErrorCode::IdentityError,
                     QStringLiteral("the private key %1 does not belong to the certificate %2").arg(keyOrigin, certOrigin));
    }

    Identity id;
    id.m_certificatePem = certificateToPem(cert.get());
    id.m_certificateDer = certificateToDer(cert.get());
    id.m_keyPem = keyPem;
    id.m_certificate = QSslCertificate(id.m_certificatePem, QSsl::Pem);
    id.m_key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    takeOpenSslErrors();
    if (id.m_certificateDer.isEmpty() || id.m_certificate.isNull()) {
        return Error(ErrorCode::IdentityError,
                     QStringLiteral("the certificate %1 cannot be used by Qt's TLS backend").arg(certOrigin));
    }
    if (id.m_key.isNull())
        return Error(ErrorCode::IdentityError, QStringLiteral("the private key %1 cannot be used by Qt's TLS backend").arg(keyOrigin));
    id.m_nodeId = sha256Hex(id.m_certificateDer);
    id.m_pkey = std::move(key);
    return id;
}

Result<Identity> Identity::load(const QString &dataDir)
{
    const QString keyFile = keyPath(dataDir);
    const QString certFile = certificatePath(dataDir);
    bool haveKey = QFileInfo::exists(keyFile);
    const bool haveCert = QFileInfo::exists(certFile);
    const QString pendingKey = pendingKeyPath(dataDir);
    if (!haveKey && haveCert && QFileInfo::exists(pendingKey)) {
        // A creation interrupted after its certificate was written (saveTo()): a key that is
        // the certificate's finishes it; any other is damage, said as such, and left as it is.
        const auto pendingPem = readPemFile(pendingKey, QStringLiteral("private key"));
        if (!pendingPem)
            return pendingPem.error();
        const auto certPem = readPemFile(certFile, QStringLiteral("certificate"));
        if (!certPem)
            return certPem.error();
        if (Result<Identity> pair = fromPem(*pendingPem, *certPem, pendingKey, certFile); !pair)
            return pair.error();
        if (Result<void> renamed = renameOver(pendingKey, keyFile); !renamed)
            return renamed.error();
        haveKey = true;
    }
    if (!haveKey && !haveCert) {
        return Error(ErrorCode::IdentityError,
                     QStringLiteral("no identity in %1 (expected %2 and %3)").arg(identityDir(dataDir), keyFile, certFile));
    }
    // One file without the other is damage, not a fresh start: say so, and say why a new
    // identity is not the fix.
    if (!haveKey || !haveCert) {
        return Error(ErrorCode::IdentityError,
                     QStringLiteral("%1 is missing but %2 exists; restore it from a backup, or move both away to "
                                    "start as a new node (a new identity has a new node ID, and contracts made "
                                    "under the old one are lost)")
                         .arg(haveKey ? certFile : keyFile, haveKey ? keyFile : certFile));
    }

    const auto keyPem = readPemFile(keyFile, QStringLiteral("private key"));
    if (!keyPem)
        return keyPem.error();
    const auto certPem = readPemFile(certFile, QStringLiteral("certificate"));
    if (!certPem)
        return certPem.error();

    const auto permissions = QFileInfo(keyFile).permissions();
    if (permissions & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther))
        qWarning("The private key %s is readable by other users; it should be mode 0600", qUtf8Printable(keyFile));

    return fromPem(*keyPem, *certPem, keyFile, certFile);
}

Result<Identity> Identity::loadOrCreate(const QString &dataDir, const QString &commonName)
{
    if (QFileInfo::exists(keyPath(dataDir)) || QFileInfo::exists(certificatePath(dataDir)))
        return load(dataDir);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    // An hour of slack for peers whose clocks run behind; twenty years because the node ID
    // is the certificate's hash, so renewing it would be a new node.
    const auto created = generate(commonName, now.addSecs(-3600), now.addYears(20));
    if (!created)
        return created.error();
    if (auto saved = created->saveTo(dataDir); !saved)
        return saved.error();
    // Read back what is on disk, so the caller runs with exactly the identity it will have
    // after a restart.
    return load(dataDir);
}

Result<void> Identity::saveTo(const QString &dataDir) const
{
    if (isNull())
        return Error(ErrorCode::Internal, QStringLiteral("cannot save a null identity"));
    const QString dir = identityDir(dataDir);
    if (Result<void> made = makeDirectory(dir); !made)
        return made.error();
    if (!QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return Error(ErrorCode::IoError, QStringLiteral("cannot set the permissions of %1").arg(dir));
    // The key under its pending name, then the certificate, then the key under its own name:
    // a crash at any point leaves either no identity (a pending key alone is written over by
    // the next creation) or one that load() completes, never a key without its certificate.
    const QString pendingKey = pendingKeyPath(dataDir);
    if (auto r = writeAtomically(pendingKey, m_keyPem, QFileDevice::ReadOwner | QFileDevice::WriteOwner); !r)
        return r;
    if (auto r = writeAtomically(certificatePath(dataDir), m_certificatePem,
                                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        !r)
        return r;
    return renameOver(pendingKey, keyPath(dataDir));
}

bool Identity::isNull() const
{
    return m_nodeId.isEmpty();
}

QString Identity::nodeId() const
{
    return m_nodeId;
}

QSslCertificate Identity::certificate() const
{
    return m_certificate;
}

QSslKey Identity::privateKey() const
{
    return m_key;
}

QByteArray Identity::certificatePem() const
{
    return m_certificatePem;
}

QByteArray Identity::certificateDer() const
{
    return m_certificateDer;
}

namespace {

// The signing context of this thread's last key, kept: in OpenSSL 3, EVP_DigestSignInit()
// fetches the algorithms and sets up the key's provider context anew on every call, which
// cost as much as the signature itself (a market signs two receipts per contract). The
// context holds a reference to its key, so a cached pointer is never a different key.
struct SignContextCache {
    EVP_PKEY *key = nullptr;
    EVP_PKEY_CTX *ctx = nullptr;
    ~SignContextCache() { EVP_PKEY_CTX_free(ctx); }
};

EVP_PKEY_CTX *signContext(EVP_PKEY *key)
{
    thread_local SignContextCache cache;
    if (cache.key == key && cache.ctx)
        return cache.ctx;
    EVP_PKEY_CTX_free(std::exchange(cache.ctx, nullptr));
    cache.key = nullptr;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, nullptr);
    if (!ctx || EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return nullptr;
    }
    cache.key = key;
    cache.ctx = ctx;
    return ctx;
}

} // namespace

Result<QByteArray> Identity::sign(QByteArrayView data) const
{
    if (!m_pkey)
        return Error(ErrorCode::IdentityError, QStringLiteral("cannot sign with a null identity"));
    // ECDSA over SHA-256(data): the digest here, the signature with the kept context. The
    // same DER signature EVP_DigestSign() makes, verified by EVP_DigestVerify().
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (EVP_Digest(data.data(), size_t(data.size()), digest, &digestLength, EVP_sha256(), nullptr) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot sign"));
    EVP_PKEY_CTX *ctx = signContext(m_pkey.get());
    size_t length = 0;
    if (!ctx || EVP_PKEY_sign(ctx, nullptr, &length, digest, digestLength) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot sign"));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &length, digest, digestLength) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot sign"));
    // ECDSA signatures vary in DER length; the first call gave the maximum.
    signature.resize(qsizetype(length));
    return signature;
}

QString Identity::nodeIdOf(const QSslCertificate &cert)
{
    return cert.isNull() ? QString() : sha256Hex(cert.toDer());
}

bool Identity::isValidNodeId(const QString &id)
{
    if (id.size() != 64)
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](QChar c) { return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'); });
}

Result<void> Identity::verify(const QByteArray &certPem, QByteArrayView data, QByteArrayView signature)
{
    const X509Ptr cert = parseCertificate(certPem);
    EVP_PKEY *publicKey = cert ? X509_get0_pubkey(cert.get()) : nullptr;
    if (!publicKey)
        return openSslFailure(ErrorCode::CertificateInvalid, QStringLiteral("cannot read the signer's certificate"));

    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, publicKey) != 1)
        return openSslFailure(ErrorCode::Internal, QStringLiteral("cannot set up signature verification"));
    const int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.data()),
                                    size_t(signature.size()), reinterpret_cast<const unsigned char *>(data.data()),
                                    size_t(data.size()));
    takeOpenSslErrors();
    if (rc != 1) {
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the signature does not verify against certificate %1")
                                                     .arg(sha256Hex(certificateToDer(cert.get()))));
    }
    return {};
}

} // namespace lendable
