// Mutual TLS on loopback with real sockets: the Hello exchange, pinning, and every way a
// peer can be refused — each with a typed error, and the server still serving afterwards.

#include "protocol/Dispatcher.h"
#include "protocol/Server.h"
#include "protocol/SslChannel.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QtEndian>

using namespace lendable;
using namespace lendable::protocol;

namespace {
HandshakeConfig serviceConfig()
{
    HandshakeConfig c;
    c.localRole = QStringLiteral("market");
    c.acceptedRoles = {QStringLiteral("borrower"), QStringLiteral("admin")};
    c.handshakeTimeoutMs = 3000;
    return c;
}
HandshakeConfig clientConfig(const QString &role = QStringLiteral("borrower"))
{
    HandshakeConfig c;
    c.localRole = role;
    c.handshakeTimeoutMs = 3000;
    return c;
}
Identity makeIdentity(const QString &name, int validFromDays = -1, int validToDays = 365)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(validFromDays), now.addDays(validToDays)).value();
}
} // namespace

class TestTlsChannel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void helloAndRequestOverMutualTls();
    void serviceSeesClientNodeId();
    void unpinnedServerIsRefused();
    void admissionRefusesUnlistedClient();
    void expiredClientCertificateIsRefused();
    void expiredServerCertificateIsRefused();
    void clientWithoutCertificateIsRefused();
    void garbageBytesAreRefused();
    void oversizedFrameClosesWithTypedError();
    void deadPeerIsReported();
    void serverInAnotherThread();
    void invalidPinIsRefusedEarly();

private:
    std::unique_ptr<Server> startServer(const Identity &identity);
    Identity m_serverIdentity;
    Identity m_clientIdentity;
};

void TestTlsChannel::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    m_serverIdentity = makeIdentity(QStringLiteral("market"));
    m_clientIdentity = makeIdentity(QStringLiteral("borrower"));
}

std::unique_ptr<Server> TestTlsChannel::startServer(const Identity &identity)
{
    auto server = std::make_unique<Server>(identity, serviceConfig());
    auto *dispatcher = new Dispatcher;
    dispatcher->onCall<EndContract, ContractClosed>([](const EndContract &e, const RequestContext &ctx) -> Result<ContractClosed> {
        ContractClosed c;
        c.contractId = e.contractId + QStringLiteral("@") + ctx.peerId().left(8);
        c.charge = Money::fromMicros(1'500'000);
        return c;
    });
    connect(server.get(), &Server::channelEstablished, server.get(), [dispatcher](Channel *c) { dispatcher->attach(c); });
    connect(server.get(), &QObject::destroyed, [dispatcher] { delete dispatcher; });
    const Result<void> r = server->listen(QHostAddress::LocalHost, 0);
    if (!r.ok())
        qFatal("listen: %s", qPrintable(r.error().toString()));
    return server;
}

void TestTlsChannel::helloAndRequestOverMutualTls()
{
    auto server = startServer(m_serverIdentity);
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    const Result<void> up = client->waitEstablished(10000);
    QVERIFY2(up.ok(), qPrintable(up.error().toString()));
    QCOMPARE(client->peerId(), m_serverIdentity.nodeId());
    QCOMPARE(client->peerRole(), QStringLiteral("market"));

    Result<ContractClosed> r = client->call<ContractClosed>(EndContract{.contractId = QStringLiteral("c1")});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->contractId, QStringLiteral("c1@") + m_clientIdentity.nodeId().left(8));
    QCOMPARE(r->charge, Money::fromMicros(1'500'000));

    // Many requests in flight at once are matched to their replies.
    int answered = 0;
    for (int i = 0; i < 200; ++i) {
        client->request<ContractClosed>(EndContract{.contractId = QString::number(i)}, this,
                                        [&answered, i](Result<ContractClosed> rr) {
                                            if (rr.ok() && rr->contractId.startsWith(QString::number(i) + QLatin1Char('@')))
                                                ++answered;
                                        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, 200, 10000);
    client->close();
    delete client;
}

void TestTlsChannel::serviceSeesClientNodeId()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy spy(server.get(), &Server::channelEstablished);
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(client->waitEstablished(10000).ok());
    QTRY_COMPARE(spy.count(), 1);
    auto *serviceSide = spy.at(0).at(0).value<Channel *>();
    QCOMPARE(serviceSide->peerId(), m_clientIdentity.nodeId());
    QCOMPARE(serviceSide->peerRole(), QStringLiteral("borrower"));
    delete client;
}

void TestTlsChannel::unpinnedServerIsRefused()
{
    auto server = startServer(m_serverIdentity);
    const Identity other = makeIdentity(QStringLiteral("impostor"));
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         other.nodeId(), clientConfig(), this);
    const Result<void> r = client->waitEstablished(10000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::PeerIdMismatch);
    QVERIFY(r.error().message.contains(m_serverIdentity.nodeId()));
    delete client;
}

void TestTlsChannel::admissionRefusesUnlistedClient()
{
    auto server = startServer(m_serverIdentity);
    const QString allowed = makeIdentity(QStringLiteral("admin")).nodeId();
    server->setAdmission([allowed](const QString &peerId, const QString &role) -> Result<void> {
        if (role == QStringLiteral("admin") && peerId != allowed)
            return Error(ErrorCode::PeerNotAllowed, QStringLiteral("node %1 is not an admin of this market").arg(peerId));
        return {};
    });
    auto *admin = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                        m_serverIdentity.nodeId(), clientConfig(QStringLiteral("admin")), this);
    const Result<void> r = admin->waitEstablished(10000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::PeerNotAllowed);
    QVERIFY(r.error().message.contains(m_clientIdentity.nodeId()));
    delete admin;

    // The same node as a borrower is fine, and a role the market does not serve is refused.
    auto *borrower = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                           m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(borrower->waitEstablished(10000).ok());
    delete borrower;
    auto *owner = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                        m_serverIdentity.nodeId(), clientConfig(QStringLiteral("owner")), this);
    QCOMPARE(owner->waitEstablished(10000).error().code, ErrorCode::RoleRefused);
    delete owner;
}

void TestTlsChannel::expiredClientCertificateIsRefused()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy refused(server.get(), &Server::connectionRefused);
    const Identity expired = makeIdentity(QStringLiteral("old borrower"), -30, -1);
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), expired,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    const Result<void> r = client->waitEstablished(10000);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().code == ErrorCode::TlsHandshakeFailed || r.error().code == ErrorCode::ConnectionClosed,
             qPrintable(r.error().toString()));
    QTRY_VERIFY(refused.count() >= 1);
    QCOMPARE(refused.at(0).at(1).value<Error>().code, ErrorCode::CertificateInvalid);
    delete client;
}

void TestTlsChannel::expiredServerCertificateIsRefused()
{
    const Identity expired = makeIdentity(QStringLiteral("old market"), -30, -1);
    auto server = startServer(expired);
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         expired.nodeId(), clientConfig(), this);
    const Result<void> r = client->waitEstablished(10000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::CertificateInvalid);
    delete client;
}

void TestTlsChannel::clientWithoutCertificateIsRefused()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy refused(server.get(), &Server::connectionRefused);
    QSignalSpy established(server.get(), &Server::channelEstablished);
    QSslSocket socket;
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setProtocol(QSsl::TlsV1_3OrLater);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    socket.setSslConfiguration(conf);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server->serverPort());
    // The client may believe the handshake finished (TLS 1.3 lets the server refuse after),
    // but it never gets a channel and is disconnected.
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(established.count(), 0);
    QTRY_VERIFY(refused.count() >= 1);

    // The server still serves good clients.
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(client->waitEstablished(10000).ok());
    delete client;
}

void TestTlsChannel::garbageBytesAreRefused()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy established(server.get(), &Server::channelEstablished);
    QTcpSocket raw;
    raw.connectToHost(QStringLiteral("127.0.0.1"), server->serverPort());
    QVERIFY(raw.waitForConnected(5000));
    raw.write(QByteArray("GET / HTTP/1.0\r\n\r\n") + QByteArray(512, '\x17'));
    QTRY_VERIFY_WITH_TIMEOUT(raw.state() == QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(established.count(), 0);

    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), server->serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(client->waitEstablished(10000).ok());
    delete client;
}

void TestTlsChannel::oversizedFrameClosesWithTypedError()
{
    // A raw TLS peer with a real identity: Hello by hand, then a header announcing 4 GiB.
    auto server = startServer(m_serverIdentity);
    QSslSocket socket;
    socket.setSslConfiguration(tlsConfiguration(m_clientIdentity));
    connect(&socket, &QSslSocket::sslErrors, &socket, [&socket](const QList<QSslError> &) { socket.ignoreSslErrors(); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server->serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(socket.isEncrypted(), 10000); // the server runs in this thread: no blocking waits
    Hello hello;
    hello.protocolVersion = kProtocolVersion;
    hello.minProtocolVersion = kMinProtocolVersion;
    hello.role = QStringLiteral("borrower");
    socket.write(encodeFrame(makeEnvelope(hello, 1)));
    FrameReader reader;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            reader.append(socket.readAll());
            return reader.bufferedBytes() > 0;
        }(),
        10000);
    Result<std::optional<Envelope>> welcome = reader.next();
    QVERIFY(welcome.ok() && welcome->has_value());
    QCOMPARE((*welcome)->type, static_cast<quint32>(MessageType::Welcome));

    QByteArray header(4, Qt::Uninitialized);
    qToBigEndian(quint32(0xfffffff0), header.data());
    socket.write(header);
    std::optional<Envelope> error;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            reader.append(socket.readAll());
            Result<std::optional<Envelope>> e = reader.next();
            if (e.ok() && e->has_value())
                error = **e;
            return error.has_value();
        }(),
        10000);
    QCOMPARE(error->type, static_cast<quint32>(MessageType::Error));
    QCOMPARE(fromErrorMessage(decodeMessage<ErrorMessage>(*error).value()).code, ErrorCode::FrameTooLarge);
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
}

void TestTlsChannel::deadPeerIsReported()
{
    auto server = startServer(m_serverIdentity);
    const quint16 port = server->serverPort();
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(client->waitEstablished(10000).ok());
    QSignalSpy closed(client, &Channel::closed);
    std::optional<Result<ContractClosed>> pending;
    server.reset(); // the service dies with a request outstanding
    client->request<ContractClosed>(EndContract{.contractId = QStringLiteral("x")}, this,
                                    [&](Result<ContractClosed> r) { pending.emplace(std::move(r)); }, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(pending.has_value(), 10000);
    QVERIFY(!pending->ok());
    QTRY_COMPARE(closed.count(), 1);
    delete client;

    // Nobody listening any more: a connection failure, typed.
    auto *late = SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, m_clientIdentity, m_serverIdentity.nodeId(),
                                       clientConfig(), this);
    const Result<void> r = late->waitEstablished(10000);
    QCOMPARE(r.error().code, ErrorCode::ConnectionFailed);
    delete late;
}

void TestTlsChannel::serverInAnotherThread()
{
    // Two threads, real sockets: the service runs in its own thread with its own event loop.
    QThread thread;
    Server *server = nullptr;
    std::atomic<quint16> port{0};
    QObject holder;
    holder.moveToThread(&thread);
    thread.start();
    QMetaObject::invokeMethod(&holder, [&] {
        server = new Server(m_serverIdentity, serviceConfig());
        if (server->listen(QHostAddress::LocalHost, 0).ok())
            port = server->serverPort();
    }, Qt::BlockingQueuedConnection);
    QVERIFY(port.load() != 0);
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), port.load(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    QVERIFY(client->waitEstablished(10000).ok());
    Result<Pong> pong = client->call<Pong>(Ping{.sentAtMs = 5});
    QVERIFY(pong.ok());
    delete client;
    QMetaObject::invokeMethod(&holder, [&] { delete server; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
}

void TestTlsChannel::invalidPinIsRefusedEarly()
{
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), 1, m_clientIdentity, QStringLiteral("not-an-id"),
                                         clientConfig(), this);
    QCOMPARE(client->waitEstablished(5000).error().code, ErrorCode::InvalidArgument);
    delete client;
}

QTEST_GUILESS_MAIN(TestTlsChannel)
#include "TestTlsChannel.moc"
