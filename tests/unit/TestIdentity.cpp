#include "identity/Identity.h"
#include "identity/PinnedPeers.h"
#include "util/Paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <memory>

using namespace lendable;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

int modeOf(const QString &path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

QString errorText(const Error &e)
{
    return e.toString();
}

struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};

std::unique_ptr<X509, X509Free> toX509(const QByteArray &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    X509 *x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return std::unique_ptr<X509, X509Free>(x);
}

} // namespace

class TestIdentity : public QObject {
    Q_OBJECT

private slots:
    void createThenReloadKeepsNodeId();
    void twoDirectoriesTwoIds();
    void nodeIdIsSha256OfDer();
    void filePermissions();
    void missingKeyIsAnErrorAndWritesNothing();
    void missingCertificateIsAnError();
    void interruptedCreationIsFinishedOrStartedAfresh();
    void loadNeverCreates();
    void uncreatableDirectorySaysWhy();
    void garbageKey();
    void garbageCertificate();
    void emptyKeyFile();
    void mismatchedKeyAndCertificate();
    void signAndVerify();
    void validityWindows();
    void certificateShape();
    void mutualTls13Handshake();
    void isValidNodeId();

    void pinnedPeersPinFindUnpinPersist();
    void pinnedPeersRefuseInvalidIds();
    void pinnedPeersCorruptFile_data();
    void pinnedPeersCorruptFile();
};

void TestIdentity::createThenReloadKeepsNodeId()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto created = Identity::loadOrCreate(dir.path(), QStringLiteral("test"));
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : errorText(created.error())));
    QVERIFY(!created->isNull());
    QVERIFY(QFile::exists(Identity::keyPath(dir.path())));
    QVERIFY(QFile::exists(Identity::certificatePath(dir.path())));

    const auto loaded = Identity::load(dir.path());
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->nodeId(), created->nodeId());
    const auto again = Identity::loadOrCreate(dir.path(), QStringLiteral("other name"));
    QVERIFY(again.ok());
    QCOMPARE(again->nodeId(), created->nodeId());
    QCOMPARE(again->certificatePem(), created->certificatePem());
    QCOMPARE(again->privateKey(), created->privateKey());

    // A copy is the same identity and can sign.
    const Identity copy = *again;
    QCOMPARE(copy.nodeId(), created->nodeId());
    QVERIFY(copy.sign("x").ok());
}

void TestIdentity::twoDirectoriesTwoIds()
{
    QTemporaryDir a, b;
    const auto ia = Identity::loadOrCreate(a.path());
    const auto ib = Identity::loadOrCreate(b.path());
    QVERIFY(ia.ok() && ib.ok());
    QVERIFY(ia->nodeId() != ib->nodeId());
    // Random serials: two certificates never collide even with equal names.
    QVERIFY(ia->certificate().serialNumber() != ib->certificate().serialNumber());
}

void TestIdentity::nodeIdIsSha256OfDer()
{
    QTemporaryDir dir;
    const auto id = Identity::loadOrCreate(dir.path());
    QVERIFY(id.ok());
    const QString nodeId = id->nodeId();
    QCOMPARE(nodeId.size(), 64);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(nodeId).hasMatch());
    QVERIFY(Identity::isValidNodeId(nodeId));

    // Computed independently from the file on disk.
    const QSslCertificate fromFile(readAll(Identity::certificatePath(dir.path())), QSsl::Pem);
    QVERIFY(!fromFile.isNull());
    const QString expected =
        QString::fromLatin1(QCryptographicHash::hash(fromFile.toDer(), QCryptographicHash::Sha256).toHex());
    QCOMPARE(nodeId, expected);
    QCOMPARE(Identity::nodeIdOf(fromFile), nodeId);
    QCOMPARE(Identity::nodeIdOf(id->certificate()), nodeId);
    QCOMPARE(id->certificateDer(), fromFile.toDer());
    QCOMPARE(fromFile.digest(QCryptographicHash::Sha256).toHex(), nodeId.toLatin1());
    QVERIFY(Identity::nodeIdOf(QSslCertificate()).isEmpty());
}

void TestIdentity::filePermissions()
{
    QTemporaryDir dir;
    // Even with a permissive umask the key must never be readable by others.
    const mode_t oldMask = ::umask(0);
    const auto id = Identity::loadOrCreate(dir.path());
    ::umask(oldMask);
    QVERIFY(id.ok());
    QCOMPARE(modeOf(Identity::keyPath(dir.path())), 0600);
    QCOMPARE(modeOf(Identity::identityDir(dir.path())), 0700);
    QCOMPARE(modeOf(Identity::certificatePath(dir.path())) & 077 & ~044, 0); // nobody else may write it
    // No temporary files left behind by the atomic writes.
    QCOMPARE(entries(Identity::identityDir(dir.path())), (QStringList{QStringLiteral("cert.pem"), QStringLiteral("key.pem")}));
}

void TestIdentity::missingKeyIsAnErrorAndWritesNothing()
{
    QTemporaryDir dir;
    const auto id = Identity::loadOrCreate(dir.path());
    QVERIFY(id.ok());
    const QString keyFile = Identity::keyPath(dir.path());
    const QByteArray certBefore = readAll(Identity::certificatePath(dir.path()));
    QVERIFY(QFile::remove(keyFile));

    for (const auto &r : {Identity::loadOrCreate(dir.path()), Identity::load(dir.path())}) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::IdentityError);
        QVERIFY2(r.error().message.contains(keyFile), qPrintable(r.error().message));
    }
    QVERIFY(!QFile::exists(keyFile));
    QCOMPARE(entries(Identity::identityDir(dir.path())), QStringList{QStringLiteral("cert.pem")});
    QCOMPARE(readAll(Identity::certificatePath(dir.path())), certBefore);
}

void TestIdentity::missingCertificateIsAnError()
{
    QTemporaryDir dir;
    QVERIFY(Identity::loadOrCreate(dir.path()).ok());
    const QString certFile = Identity::certificatePath(dir.path());
    QVERIFY(QFile::remove(certFile));
    const auto r = Identity::loadOrCreate(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY2(r.error().message.contains(certFile), qPrintable(r.error().message));
    QVERIFY(!QFile::exists(certFile));
    QCOMPARE(entries(Identity::identityDir(dir.path())), QStringList{QStringLiteral("key.pem")});
}

void TestIdentity::interruptedCreationIsFinishedOrStartedAfresh()
{
    // A first start that died before the certificate was written left only the pending key:
    // no node ID existed yet, so the next start makes a new identity.
    QTemporaryDir dir;
    const QString pending = Identity::keyPath(dir.path()) + QStringLiteral(".pending");
    QVERIFY(QDir().mkpath(Identity::identityDir(dir.path())));
    {
        QFile f(pending);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("-----BEGIN PRIVATE KEY-----\ncut short");
    }
    const Result<Identity> fresh = Identity::loadOrCreate(dir.path());
    QVERIFY2(fresh.ok(), qPrintable(fresh.error().toString()));
    QCOMPARE(entries(Identity::identityDir(dir.path())), (QStringList{QStringLiteral("cert.pem"), QStringLiteral("key.pem")}));

    // One that died after the certificate, before the key took its name, is finished: the
    // same node as the certificate says.
    QVERIFY(QFile::rename(Identity::keyPath(dir.path()), pending));
    for (const Result<Identity> &again : {Identity::load(dir.path()), Identity::loadOrCreate(dir.path())}) {
        QVERIFY2(again.ok(), qPrintable(again.error().toString()));
        QCOMPARE(again->nodeId(), fresh->nodeId());
    }
    QCOMPARE(entries(Identity::identityDir(dir.path())), (QStringList{QStringLiteral("cert.pem"), QStringLiteral("key.pem")}));

    // A pending key that is not the certificate's is damage, and is said to be.
    QTemporaryDir other;
    QVERIFY(Identity::loadOrCreate(other.path()).ok());
    QVERIFY(QFile::remove(Identity::keyPath(dir.path())));
    QVERIFY(QFile::copy(Identity::keyPath(other.path()), pending));
    const Result<Identity> mismatched = Identity::loadOrCreate(dir.path());
    QVERIFY(!mismatched.ok());
    QCOMPARE(mismatched.error().code, ErrorCode::IdentityError);
    // … and left as it was found, not taken as the key.
    QVERIFY(!QFile::exists(Identity::keyPath(dir.path())));
    QVERIFY(QFile::exists(pending));
}

void TestIdentity::loadNeverCreates()
{
    QTemporaryDir dir;
    const auto r = Identity::load(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY(entries(dir.path()).isEmpty());
}

void TestIdentity::uncreatableDirectorySaysWhy()
{
    // A data directory that cannot be made is an IoError that names it and gives the
    // system's reason, not "cannot create" alone.
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("a-file"));
    QVERIFY(writeAll(file, "x"));
    const auto under = Identity::loadOrCreate(QDir(file).filePath(QStringLiteral("data")));
    QVERIFY(!under.ok());
    QCOMPARE(under.error().code, ErrorCode::IoError);
    QVERIFY2(under.error().message.contains(file) && under.error().message.contains(QStringLiteral("Not a directory")),
             qPrintable(under.error().message));
    const auto onFile = makeDirectory(file);
    QVERIFY(!onFile.ok());
    QVERIFY2(onFile.error().message.contains(file), qPrintable(onFile.error().message));
    QVERIFY(makeDirectory(dir.filePath(QStringLiteral("x/y/z"))).ok());
    QVERIFY(QFileInfo(dir.filePath(QStringLiteral("x/y/z"))).isDir());
    QVERIFY(makeDirectory(dir.filePath(QStringLiteral("x/y/z"))).ok()); // there already
}

void TestIdentity::garbageKey()
{
    QTemporaryDir dir;
    QVERIFY(Identity::loadOrCreate(dir.path()).ok());
    const QString keyFile = Identity::keyPath(dir.path());
    const QByteArray garbage = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    QVERIFY(writeAll(keyFile, garbage));
    const auto r = Identity::loadOrCreate(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY2(r.error().message.contains(keyFile), qPrintable(r.error().message));
    QCOMPARE(readAll(keyFile), garbage); // left for the owner to inspect, not replaced
}

void TestIdentity::garbageCertificate()
{
    QTemporaryDir dir;
    QVERIFY(Identity::loadOrCreate(dir.path()).ok());
    const QString certFile = Identity::certificatePath(dir.path());
    QByteArray pem = readAll(certFile);
    pem[pem.size() / 2] = pem[pem.size() / 2] == 'A' ? 'B' : 'A'; // one flipped base64 character
    QVERIFY(writeAll(certFile, pem));
    const auto r = Identity::load(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY2(r.error().message.contains(certFile), qPrintable(r.error().message));

    QVERIFY(writeAll(certFile, "hello"));
    const auto r2 = Identity::load(dir.path());
    QVERIFY(!r2.ok());
    QVERIFY2(r2.error().message.contains(certFile), qPrintable(r2.error().message));
}

void TestIdentity::emptyKeyFile()
{
    QTemporaryDir dir;
    QVERIFY(Identity::loadOrCreate(dir.path()).ok());
    QVERIFY(writeAll(Identity::keyPath(dir.path()), QByteArray()));
    const auto r = Identity::loadOrCreate(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QCOMPARE(readAll(Identity::keyPath(dir.path())), QByteArray());
}

void TestIdentity::mismatchedKeyAndCertificate()
{
    QTemporaryDir a, b;
    const auto ia = Identity::loadOrCreate(a.path());
    QVERIFY(Identity::loadOrCreate(b.path()).ok());
    // b's key with a's certificate: as if someone regenerated one half.
    QVERIFY(writeAll(Identity::keyPath(a.path()), readAll(Identity::keyPath(b.path()))));
    const auto r = Identity::load(a.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY2(r.error().message.contains(Identity::keyPath(a.path())), qPrintable(r.error().message));
    QVERIFY2(r.error().message.contains(QLatin1String("does not belong")), qPrintable(r.error().message));
    QVERIFY(!Identity::loadOrCreate(a.path()).ok());
}

void TestIdentity::signAndVerify()
{
    const auto now = QDateTime::currentDateTimeUtc();
    const auto a = Identity::generate(QStringLiteral("a"), now.addSecs(-60), now.addDays(1));
    const auto b = Identity::generate(QStringLiteral("b"), now.addSecs(-60), now.addDays(1));
    QVERIFY(a.ok() && b.ok());

    const QByteArray record = "contract 42 started at 1700000000000";
    const auto sig = a->sign(record);
    QVERIFY(sig.ok());
    QVERIFY(!sig->isEmpty());
    QVERIFY2(Identity::verify(a->certificatePem(), record, *sig).ok(), "a genuine signature must verify");

    QByteArray tampered = record;
    tampered[9] = '3';
    const auto badData = Identity::verify(a->certificatePem(), tampered, *sig);
    QVERIFY(!badData.ok());
    QCOMPARE(badData.error().code, ErrorCode::InvalidArgument);

    QByteArray badSig = *sig;
    badSig[badSig.size() - 1] = char(badSig.at(badSig.size() - 1) ^ 0x01);
    QVERIFY(!Identity::verify(a->certificatePem(), record, badSig).ok());
    QVERIFY(!Identity::verify(a->certificatePem(), record, QByteArray()).ok());
    QVERIFY(!Identity::verify(b->certificatePem(), record, *sig).ok());

    const auto garbageCert = Identity::verify("not a certificate", record, *sig);
    QVERIFY(!garbageCert.ok());
    QCOMPARE(garbageCert.error().code, ErrorCode::CertificateInvalid);

    // Empty data is data too.
    const auto emptySig = a->sign(QByteArrayView());
    QVERIFY(emptySig.ok());
    QVERIFY(Identity::verify(a->certificatePem(), QByteArrayView(), *emptySig).ok());

    QVERIFY(!Identity().sign(record).ok());
}

void TestIdentity::validityWindows()
{
    // Seconds only: X.509 times have no milliseconds.
    const QDateTime now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    const auto expired = Identity::generate(QStringLiteral("old"), now.addDays(-30), now.addDays(-1));
    QVERIFY(expired.ok());
    QCOMPARE(expired->certificate().effectiveDate(), now.addDays(-30));
    QCOMPARE(expired->certificate().expiryDate(), now.addDays(-1));
    QVERIFY(expired->certificate().expiryDate() < QDateTime::currentDateTimeUtc());

    // Past 2049 X.509 switches to GeneralizedTime; dates there must survive too.
    const QDateTime far(QDate(2070, 1, 2), QTime(3, 4, 5), Qt::UTC);
    const auto future = Identity::generate(QStringLiteral("future"), far, far.addYears(1));
    QVERIFY(future.ok());
    QCOMPARE(future->certificate().effectiveDate(), far);

    const auto backwards = Identity::generate(QStringLiteral("x"), now, now.addSecs(-1));
    QVERIFY(!backwards.ok());
    QCOMPARE(backwards.error().code, ErrorCode::InvalidArgument);

    // The default window: an hour back, about twenty years ahead.
    QTemporaryDir dir;
    const auto made = Identity::loadOrCreate(dir.path());
    QVERIFY(made.ok());
    const qint64 backSecs = made->certificate().effectiveDate().secsTo(QDateTime::currentDateTimeUtc());
    QVERIFY2(backSecs >= 3600 && backSecs < 3600 + 120, qPrintable(QString::number(backSecs)));
    const qint64 aheadDays = QDateTime::currentDateTimeUtc().daysTo(made->certificate().expiryDate());
    QVERIFY2(aheadDays >= 20 * 365 - 2 && aheadDays <= 20 * 366, qPrintable(QString::number(aheadDays)));
}

void TestIdentity::certificateShape()
{
    const auto now = QDateTime::currentDateTimeUtc();
    const auto id = Identity::generate(QStringLiteral("shape test"), now.addSecs(-60), now.addDays(1));
    QVERIFY(id.ok());
    const QSslCertificate cert = id->certificate();
    QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("Lendable shape test")});
    QCOMPARE(cert.issuerInfo(QSslCertificate::CommonName), cert.subjectInfo(QSslCertificate::CommonName));
    QVERIFY(cert.isSelfSigned());
    QCOMPARE(cert.version(), QByteArray("3"));
    QCOMPARE(id->privateKey().algorithm(), QSsl::Ec);
    QCOMPARE(id->privateKey().type(), QSsl::PrivateKey);
    QCOMPARE(id->privateKey().length(), 256);
    QCOMPARE(cert.publicKey().algorithm(), QSsl::Ec);

    auto x = toX509(id->certificatePem());
    QVERIFY(x);
    QCOMPARE(X509_get_version(x.get()), long(X509_VERSION_3));
    // Usable as both TLS server and client certificate, and not a CA.
    QCOMPARE(X509_check_purpose(x.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
    QCOMPARE(X509_check_purpose(x.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
    QCOMPARE(X509_check_ca(x.get()), 0);
    QVERIFY(X509_get_key_usage(x.get()) & KU_DIGITAL_SIGNATURE); // no keyUsage extension = any usage
    QVERIFY(X509_get0_subject_key_id(x.get()) != nullptr);
    // A 128-bit random serial: fewer than 96 significant bits would be a 1-in-2^32 event.
    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr);
    QVERIFY(serial);
    QVERIFY2(BN_num_bits(serial) > 96 && BN_num_bits(serial) <= 128, qPrintable(QString::number(BN_num_bits(serial))));
    QVERIFY(!BN_is_negative(serial));
    BN_free(serial);

    // A very long name is cut to X.520's 64 characters instead of failing.
    const auto longName = Identity::generate(QString(200, QLatin1Char('n')), now.addSecs(-60), now.addDays(1));
    QVERIFY2(longName.ok(), qPrintable(longName.ok() ? QString() : errorText(longName.error())));
    QCOMPARE(longName->certificate().subjectInfo(QSslCertificate::CommonName).value(0).size(), 64);
}

void TestIdentity::mutualTls13Handshake()
{
    // The lead's protocol layer uses these identities directly as both ends of TLS 1.3 with
    // mutual authentication; prove Qt's OpenSSL backend takes them.
    const auto now = QDateTime::currentDateTimeUtc();
    const auto server = Identity::generate(QStringLiteral("server"), now.addSecs(-60), now.addDays(1));
    const auto client = Identity::generate(QStringLiteral("client"), now.addSecs(-60), now.addDays(1));
    QVERIFY(server.ok() && client.ok());

    QSslConfiguration serverConfig = QSslConfiguration::defaultConfiguration();
    serverConfig.setLocalCertificate(server->certificate());
    serverConfig.setPrivateKey(server->privateKey());
    serverConfig.setProtocol(QSsl::TlsV1_3OrLater);
    serverConfig.setPeerVerifyMode(QSslSocket::QueryPeer); // pinned by ID, not by CA
    QSslServer sslServer;
    sslServer.setSslConfiguration(serverConfig);
    QVERIFY(sslServer.listen(QHostAddress::LocalHost, 0));

    QSslConfiguration clientConfig = QSslConfiguration::defaultConfiguration();
    clientConfig.setLocalCertificate(client->certificate());
    clientConfig.setPrivateKey(client->privateKey());
    clientConfig.setProtocol(QSsl::TlsV1_3OrLater);
    clientConfig.setPeerVerifyMode(QSslSocket::QueryPeer);
    QSslSocket socket;
    socket.setSslConfiguration(clientConfig);
    QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), sslServer.serverPort());

    QTRY_VERIFY_WITH_TIMEOUT(encrypted.count() == 1 || socket.state() == QAbstractSocket::UnconnectedState, 10000);
    QVERIFY2(socket.isEncrypted(), qPrintable(socket.errorString()));
    QCOMPARE(socket.sessionProtocol(), QSsl::TlsV1_3);
    QCOMPARE(Identity::nodeIdOf(socket.peerCertificate()), server->nodeId());

    QTRY_VERIFY_WITH_TIMEOUT(sslServer.hasPendingConnections(), 10000);
    auto *accepted = qobject_cast<QSslSocket *>(sslServer.nextPendingConnection());
    QVERIFY(accepted);
    QTRY_VERIFY_WITH_TIMEOUT(accepted->isEncrypted(), 10000);
    QCOMPARE(Identity::nodeIdOf(accepted->peerCertificate()), client->nodeId());
    accepted->deleteLater();
}

void TestIdentity::isValidNodeId()
{
    const QString good = QString(64, QLatin1Char('a'));
    QVERIFY(Identity::isValidNodeId(good));
    QVERIFY(Identity::isValidNodeId(QStringLiteral("0123456789abcdef").repeated(4)));
    QVERIFY(!Identity::isValidNodeId(QString()));
    QVERIFY(!Identity::isValidNodeId(QString(63, QLatin1Char('a'))));
    QVERIFY(!Identity::isValidNodeId(QString(65, QLatin1Char('a'))));
    QVERIFY(!Identity::isValidNodeId(QString(64, QLatin1Char('A'))));
    QVERIFY(!Identity::isValidNodeId(QString(64, QLatin1Char('g'))));
    QVERIFY(!Identity::isValidNodeId(QString(63, QLatin1Char('a')) + QLatin1Char(' ')));
}

void TestIdentity::pinnedPeersPinFindUnpinPersist()
{
    QTemporaryDir dir;
    auto loaded = PinnedPeers::load(dir.path());
    QVERIFY(loaded.ok());
    PinnedPeers peers = *loaded;
    QVERIFY(peers.all().isEmpty());
    QVERIFY(!QFile::exists(PinnedPeers::filePath(dir.path()))); // loading does not write

    const QString idA = QStringLiteral("ab").repeated(32);
    const QString idB = QStringLiteral("cd").repeated(32);
    const QDateTime when = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    const PinnedPeer a{idA, QStringLiteral("Market A"), QStringLiteral("market"), QStringLiteral("10.0.0.1:7400"), when};
    QVERIFY(peers.pin(a).ok());
    QVERIFY(peers.contains(idA));
    QCOMPARE(peers.find(idA).value(), a);
    QVERIFY(!peers.find(idB).has_value());

    // Same ID again replaces; an upper-case ID is the same ID.
    PinnedPeer renamed = a;
    renamed.nodeId = idA.toUpper();
    renamed.name = QStringLiteral("Market A (renamed)");
    QVERIFY(peers.pin(renamed).ok());
    QCOMPARE(peers.all().size(), 1);
    QCOMPARE(peers.find(idA)->name, QStringLiteral("Market A (renamed)"));
    QCOMPARE(peers.find(idA)->nodeId, idA);
    QVERIFY(peers.contains(idA.toUpper()));

    // No timestamp given: pinned now.
    QVERIFY(peers.pin(PinnedPeer{idB, QStringLiteral("Lender B"), QStringLiteral("lender"), {}, {}}).ok());
    QVERIFY(qAbs(peers.find(idB)->pinnedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);

    auto reread = PinnedPeers::load(dir.path());
    QVERIFY(reread.ok());
    QCOMPARE(reread->all().size(), 2);
    QCOMPARE(reread->find(idA).value().name, QStringLiteral("Market A (renamed)"));
    QCOMPARE(reread->find(idA).value().address, QStringLiteral("10.0.0.1:7400"));
    QCOMPARE(reread->find(idA).value().role, QStringLiteral("market"));
    QCOMPARE(reread->find(idA).value().pinnedAt, when);

    QVERIFY(peers.unpin(idA).ok());
    QVERIFY(!peers.contains(idA));
    const auto again = peers.unpin(idA);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::NotFound);
    reread = PinnedPeers::load(dir.path());
    QVERIFY(reread.ok());
    QCOMPARE(reread->all().size(), 1);
    QVERIFY(reread->contains(idB));
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("peers.json")});
}

void TestIdentity::pinnedPeersRefuseInvalidIds()
{
    QTemporaryDir dir;
    PinnedPeers peers = *PinnedPeers::load(dir.path());
    for (const QString &bad : {QString(), QStringLiteral("abc"), QString(64, QLatin1Char('g')), QString(65, QLatin1Char('a')),
                               QString(QStringLiteral("ab:").repeated(21) + QLatin1Char('a'))}) {
        const auto r = peers.pin(PinnedPeer{bad, QStringLiteral("x"), QStringLiteral("market"), {}, {}});
        QVERIFY2(!r.ok(), qPrintable(bad));
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }
    QVERIFY(peers.all().isEmpty());
    QVERIFY(!QFile::exists(PinnedPeers::filePath(dir.path())));
}

void TestIdentity::pinnedPeersCorruptFile_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::newRow("not json") << QByteArray("{not json");
    QTest::newRow("empty file") << QByteArray();
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("no peers") << QByteArray(R"({"version": 1})");
    QTest::newRow("unknown version") << QByteArray(R"({"version": 2, "peers": []})");
    QTest::newRow("bad id") << QByteArray(R"({"version": 1, "peers": [{"nodeId": "xyz"}]})");
    QTest::newRow("duplicate id") << QByteArray(R"({"version": 1, "peers": [{"nodeId": ")" + QByteArray(64, 'a')
                                                + R"("}, {"nodeId": ")" + QByteArray(64, 'a') + R"("}]})");
}

void TestIdentity::pinnedPeersCorruptFile()
{
    QFETCH(QByteArray, contents);
    QTemporaryDir dir;
    const QString path = PinnedPeers::filePath(dir.path());
    QVERIFY(writeAll(path, contents));
    const auto r = PinnedPeers::load(dir.path());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdentityError);
    QVERIFY2(r.error().message.contains(path), qPrintable(r.error().message));
    QCOMPARE(readAll(path), contents);
}

QTEST_GUILESS_MAIN(TestIdentity)
#include "TestIdentity.moc"
