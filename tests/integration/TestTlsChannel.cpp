// Mutual TLS on loopback with real sockets: the Hello exchange, pinning, and every way a
// peer can be refused — each with a typed error, and the server still serving afterwards.

#include "protocol/Dispatcher.h"
#include "protocol/Server.h"
#include "protocol/SslChannel.h"

#include <QDir>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QScopeGuard>
#include <QSemaphore>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <ctime>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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
    // The OpenSSL transport's own edges.
    void largeFramesBothWays();
    void hostNameIsResolved();
    void peerClosingMidFrameIsReported();
    void writeToVanishedPeerRaisesNoSigpipe();
    void tls12ClientIsRefused();
    void serverHandshakeTimesOut();
    void clientHandshakeTimesOut();
    void descriptorsAreReleased();
    void nestedEventLoopKeepsOrder();
    void burstOfFramesGoesOutTogether();
    void requestFrameHandsTheReplyUndecoded();
    void peerThatReadsNoAnswersIsHeldBack();
    void idleConnectionsAreClosed();
    void serverOutOfDescriptorsWaitsAndRecovers();

private:
    std::unique_ptr<Server> startServer(const Identity &identity, HandshakeConfig config = serviceConfig());
    // A client of `server` on loopback as m_clientIdentity, pinning `pin` (default: the server's ID).
    SslChannel *connectClient(const Server &server, HandshakeConfig config = clientConfig(), const QString &pin = {});
    // A QSslSocket that did the Hello exchange by hand as the client identity.
    bool helloByHand(QSslSocket &socket, quint16 port);
    Identity m_serverIdentity;
    Identity m_clientIdentity;
};

void TestTlsChannel::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    m_serverIdentity = makeIdentity(QStringLiteral("market"));
    m_clientIdentity = makeIdentity(QStringLiteral("borrower"));
}

std::unique_ptr<Server> TestTlsChannel::startServer(const Identity &identity, HandshakeConfig config)
{
    auto server = std::make_unique<Server>(identity, std::move(config));
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

SslChannel *TestTlsChannel::connectClient(const Server &server, HandshakeConfig config, const QString &pin)
{
    return SslChannel::connectTo(QStringLiteral("127.0.0.1"), server.serverPort(), m_clientIdentity,
                                 pin.isEmpty() ? m_serverIdentity.nodeId() : pin, std::move(config), this);
}

void TestTlsChannel::helloAndRequestOverMutualTls()
{
    auto server = startServer(m_serverIdentity);
    auto *client = connectClient(*server);
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
    auto *client = connectClient(*server);
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
    auto *client = connectClient(*server, clientConfig(), other.nodeId());
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
    auto *admin = connectClient(*server, clientConfig(QStringLiteral("admin")));
    const Result<void> r = admin->waitEstablished(10000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::PeerNotAllowed);
    QVERIFY(r.error().message.contains(m_clientIdentity.nodeId()));
    delete admin;

    // The same node as a borrower is fine, and a role the market does not serve is refused.
    auto *borrower = connectClient(*server);
    QVERIFY(borrower->waitEstablished(10000).ok());
    delete borrower;
    auto *owner = connectClient(*server, clientConfig(QStringLiteral("owner")));
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
    auto *client = connectClient(*server, clientConfig(), expired.nodeId());
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
    auto *client = connectClient(*server);
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

    auto *client = connectClient(*server);
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

bool TestTlsChannel::helloByHand(QSslSocket &socket, quint16 port)
{
    socket.setSslConfiguration(tlsConfiguration(m_clientIdentity));
    connect(&socket, &QSslSocket::sslErrors, &socket, [&socket](const QList<QSslError> &) { socket.ignoreSslErrors(); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    if (!QTest::qWaitFor([&] { return socket.isEncrypted(); }, 10000))
        return false;
    Hello hello;
    hello.protocolVersion = kProtocolVersion;
    hello.minProtocolVersion = kMinProtocolVersion;
    hello.role = QStringLiteral("borrower");
    socket.write(encodeFrame(makeEnvelope(hello, 1)));
    FrameReader reader;
    std::optional<Envelope> welcome;
    (void)QTest::qWaitFor([&] {
        reader.append(socket.readAll());
        Result<std::optional<Envelope>> e = reader.next();
        if (e.ok() && e->has_value())
            welcome = **e;
        return welcome.has_value() || !e.ok();
    }, 10000);
    return welcome && welcome->type == static_cast<quint32>(MessageType::Welcome);
}

void TestTlsChannel::requestFrameHandsTheReplyUndecoded()
{
    auto server = startServer(m_serverIdentity);
    auto *client = connectClient(*server);
    QVERIFY(client->waitEstablished(10000).ok());
    // Raw and decoded requests interleaved: each reply reaches its own caller, the raw ones
    // as the frame body, which decodes to the same reply.
    int raw = 0;
    int typed = 0;
    for (int i = 0; i < 100; ++i) {
        client->requestFrame(makeEnvelope(EndContract{.contractId = QStringLiteral("r%1").arg(i)}), this,
                             [&, i](Result<Channel::RawReply> r) {
                                 QVERIFY2(r.ok(), qPrintable(r.error().toString()));
                                 QCOMPARE(r->type, static_cast<quint32>(MessageType::ContractClosed));
                                 Result<Envelope> e = decodeFrameBody(r->body);
                                 QVERIFY(e.ok());
                                 QVERIFY(e->reply);
                                 Result<ContractClosed> c = decodeMessage<ContractClosed>(*e);
                                 QVERIFY(c.ok());
                                 QCOMPARE(c->contractId, QStringLiteral("r%1@").arg(i) + m_clientIdentity.nodeId().left(8));
                                 ++raw;
                             });
        client->request<ContractClosed>(EndContract{.contractId = QStringLiteral("t%1").arg(i)}, this,
                                        [&, i](Result<ContractClosed> r) {
                                            QVERIFY(r.ok());
                                            QVERIFY(r->contractId.startsWith(QStringLiteral("t%1@").arg(i)));
                                            ++typed;
                                        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(raw, 100, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(typed, 100, 10000);

    // A refusal comes as a reply of type Error, for the caller to read.
    std::optional<Result<Channel::RawReply>> refused;
    client->requestFrame(makeEnvelope(Borrow{.offerId = QStringLiteral("o"), .query = {}}), this,
                         [&](Result<Channel::RawReply> r) { refused.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(refused.has_value(), 10000);
    QVERIFY(refused->ok());
    QCOMPARE((*refused)->type, static_cast<quint32>(MessageType::Error));
    QVERIFY(decodeMessage<ErrorMessage>(decodeFrameBody((*refused)->body).value()).ok());

    // One still waiting when the channel closes gets the reason, once.
    int failures = 0;
    client->requestFrame(makeEnvelope(EndContract{.contractId = QStringLiteral("late")}), this,
                         [&](Result<Channel::RawReply> r) {
                             QVERIFY(!r.ok());
                             ++failures;
                         });
    client->close();
    QTRY_COMPARE_WITH_TIMEOUT(failures, 1, 5000);
    // And after the close, at once.
    client->requestFrame(makeEnvelope(EndContract{.contractId = QStringLiteral("after")}), this,
                         [&](Result<Channel::RawReply> r) {
                             QVERIFY(!r.ok());
                             ++failures;
                         });
    QCOMPARE(failures, 2);
    delete client;
}

void TestTlsChannel::largeFramesBothWays()
{
    // 4 MiB each way: partial writes, a queue drained by the write notifier, many reads.
    auto server = startServer(m_serverIdentity);
    auto *client = connectClient(*server);
    QVERIFY(client->waitEstablished(10000).ok());
    QString big(4 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = QChar(char16_t(u'a' + i % 26));
    int answered = 0;
    for (int i = 0; i < 3; ++i) {
        client->request<ContractClosed>(EndContract{.contractId = big + QString::number(i)}, this,
                                        [&, i](Result<ContractClosed> r) {
                                            QVERIFY2(r.ok(), qPrintable(r.error().toString()));
                                            QCOMPARE(r->contractId, big + QString::number(i) + QLatin1Char('@')
                                                                        + m_clientIdentity.nodeId().left(8));
                                            ++answered;
                                        }, 30000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, 3, 30000);
    // And small requests still flow afterwards.
    QVERIFY(client->call<Pong>(Ping{.sentAtMs = 1}).ok());
    delete client;
}

void TestTlsChannel::hostNameIsResolved()
{
    auto server = startServer(m_serverIdentity);
    // "localhost" may resolve to ::1 first, where nobody listens: the next address is tried.
    auto *client = SslChannel::connectTo(QStringLiteral("localhost"), server->serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), clientConfig(), this);
    const Result<void> up = client->waitEstablished(10000);
    QVERIFY2(up.ok(), qPrintable(up.error().toString()));
    QVERIFY(client->call<Pong>(Ping{.sentAtMs = 1}).ok());
    delete client;

    auto *nowhere = SslChannel::connectTo(QStringLiteral("no-such-host.invalid"), server->serverPort(), m_clientIdentity,
                                          m_serverIdentity.nodeId(), clientConfig(), this);
    QCOMPARE(nowhere->waitEstablished(10000).error().code, ErrorCode::ConnectionFailed);
    delete nowhere;
}

void TestTlsChannel::peerClosingMidFrameIsReported()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy closed(server.get(), &Server::channelClosed);
    QSslSocket socket;
    QVERIFY(helloByHand(socket, server->serverPort()));
    QByteArray partial(4, Qt::Uninitialized);
    qToBigEndian(quint32(100), partial.data());
    partial.append(QByteArray(10, 'x')); // 10 of the 100 bytes announced
    socket.write(partial);
    QTRY_VERIFY(socket.bytesToWrite() == 0);
    socket.disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10000);
    QCOMPARE(closed.at(0).at(1).value<Error>().code, ErrorCode::ConnectionClosed);
    QVERIFY(server->channels().isEmpty());

    auto *client = connectClient(*server);
    QVERIFY(client->waitEstablished(10000).ok());
    delete client;
}

void TestTlsChannel::writeToVanishedPeerRaisesNoSigpipe()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy established(server.get(), &Server::channelEstablished);
    QSignalSpy closed(server.get(), &Server::channelClosed);
    QSslSocket socket;
    QVERIFY(helloByHand(socket, server->serverPort()));
    QTRY_COMPARE(established.count(), 1);
    auto *serviceSide = established.at(0).at(0).value<Channel *>();
    socket.abort(); // gone, without a word
    // Qt's socket engine sets SIGPIPE to "ignore" for the whole process when it makes a
    // socket; the channel must not depend on that (a client-only program has no Qt socket).
    // With the default action, one write() to the dead socket would end this process.
    const auto previous = std::signal(SIGPIPE, SIG_DFL);
    // Push without returning to the event loop first, so the writes meet the dead socket.
    const QString chunk(64 * 1024, u'z');
    for (int i = 0; i < 64 && !serviceSide->isClosed(); ++i)
        serviceSide->push(EndContract{.contractId = chunk});
    std::signal(SIGPIPE, previous);
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10000);
    QCOMPARE(closed.at(0).at(1).value<Error>().code, ErrorCode::ConnectionClosed);
}

void TestTlsChannel::tls12ClientIsRefused()
{
    auto server = startServer(m_serverIdentity);
    QSignalSpy refused(server.get(), &Server::connectionRefused);
    QSignalSpy established(server.get(), &Server::channelEstablished);
    QSslSocket socket;
    QSslConfiguration conf = tlsConfiguration(m_clientIdentity);
    conf.setProtocol(QSsl::TlsV1_2);
    socket.setSslConfiguration(conf);
    connect(&socket, &QSslSocket::sslErrors, &socket, [&socket](const QList<QSslError> &) { socket.ignoreSslErrors(); });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server->serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(!socket.isEncrypted());
    QTRY_COMPARE(refused.count(), 1);
    QCOMPARE(refused.at(0).at(0).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(refused.at(0).at(1).value<Error>().code, ErrorCode::TlsHandshakeFailed);
    QCOMPARE(established.count(), 0);
}

void TestTlsChannel::serverHandshakeTimesOut()
{
    HandshakeConfig config = serviceConfig();
    config.handshakeTimeoutMs = 300;
    auto server = startServer(m_serverIdentity, config);
    QSignalSpy refused(server.get(), &Server::connectionRefused);
    QTcpSocket silent; // connects and says nothing
    silent.connectToHost(QStringLiteral("127.0.0.1"), server->serverPort());
    QVERIFY(silent.waitForConnected(5000));
    QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 5000);
    QCOMPARE(refused.at(0).at(1).value<Error>().code, ErrorCode::Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState, 5000);
}

void TestTlsChannel::clientHandshakeTimesOut()
{
    QTcpServer silent; // accepts and says nothing
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    HandshakeConfig config = clientConfig();
    config.handshakeTimeoutMs = 300;
    auto *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), silent.serverPort(), m_clientIdentity,
                                         m_serverIdentity.nodeId(), config, this);
    QCOMPARE(client->waitEstablished(5000).error().code, ErrorCode::Timeout);
    delete client;
}

void TestTlsChannel::descriptorsAreReleased()
{
    const auto openFds = [] { return QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size(); };
    auto server = startServer(m_serverIdentity);
    QSignalSpy closedOnServer(server.get(), &Server::channelClosed);
    QSignalSpy refused(server.get(), &Server::connectionRefused);
    { // warm up whatever Qt opens once (event fds, the host lookup pool…)
        auto *c = connectClient(*server);
        QVERIFY(c->waitEstablished(10000).ok());
        c->close();
        delete c;
        QTRY_COMPARE(closedOnServer.count(), 1);
    }
    QTest::qWait(100);
    const qsizetype baseline = openFds();

    constexpr int kCount = 40;
    QList<SslChannel *> clients;
    for (int i = 0; i < kCount; ++i)
        clients.append(connectClient(*server));
    // Failures too: a pin that does not match, and a peer that is not TLS at all.
    const Identity other = makeIdentity(QStringLiteral("impostor"));
    auto *unpinned = connectClient(*server, clientConfig(), other.nodeId());
    QTcpSocket garbage;
    garbage.connectToHost(QStringLiteral("127.0.0.1"), server->serverPort());
    QVERIFY(garbage.waitForConnected(5000));
    garbage.write(QByteArray(600, '\x16'));
    for (SslChannel *c : clients)
        QVERIFY(c->waitEstablished(10000).ok());
    QCOMPARE(unpinned->waitEstablished(10000).error().code, ErrorCode::PeerIdMismatch);
    QTRY_VERIFY_WITH_TIMEOUT(garbage.state() == QAbstractSocket::UnconnectedState, 10000);
    QTRY_COMPARE(server->channels().size(), kCount);
    QVERIFY(openFds() >= baseline + 2 * kCount);

    // Half close from the server, the rest from the client; then everything is gone.
    for (Channel *c : server->channels().mid(0, kCount / 2))
        c->close();
    QTRY_COMPARE_WITH_TIMEOUT(std::count_if(clients.cbegin(), clients.cend(), [](SslChannel *c) { return c->isClosed(); }),
                              kCount / 2, 10000);
    for (SslChannel *c : clients) {
        if (!c->isClosed())
            c->close();
    }
    QTRY_COMPARE_WITH_TIMEOUT(server->channels().size(), 0, 10000);
    qDeleteAll(clients);
    delete unpinned;
    QTRY_COMPARE_WITH_TIMEOUT(openFds(), baseline, 10000);
    QVERIFY(refused.count() >= 2); // the garbage, and the handshake our client aborted over its pin
}

void TestTlsChannel::nestedEventLoopKeepsOrder()
{
    // A handler that spins a nested event loop (as Channel::call does) does not get the next
    // message inside itself: delivery pauses until it returns, and the order stays.
    auto server = startServer(m_serverIdentity);
    QSignalSpy established(server.get(), &Server::channelEstablished);
    auto *client = connectClient(*server);
    QVERIFY(client->waitEstablished(10000).ok());
    QTRY_COMPARE(established.count(), 1);
    auto *serviceSide = established.at(0).at(0).value<Channel *>();
    QStringList log;
    connect(client, &Channel::envelopeReceived, this, [&](const Envelope &e) {
        const QString id = decodeMessage<EndContract>(e).value().contractId;
        log.append(QStringLiteral("begin ") + id);
        if (id == QStringLiteral("1"))
            QTest::qWait(300); // meanwhile "2" arrives
        log.append(QStringLiteral("end ") + id);
    });
    serviceSide->push(EndContract{.contractId = QStringLiteral("1")});
    QTimer::singleShot(50, serviceSide, [serviceSide] { serviceSide->push(EndContract{.contractId = QStringLiteral("2")}); });
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 4, 10000);
    QCOMPARE(log, QStringList({QStringLiteral("begin 1"), QStringLiteral("end 1"), QStringLiteral("begin 2"),
                               QStringLiteral("end 2")}));
    QVERIFY(client->call<Pong>(Ping{.sentAtMs = 1}).ok()); // and it reads again afterwards
    delete client;
}

void TestTlsChannel::burstOfFramesGoesOutTogether()
{
    // Frames written in one pass of the event loop wait for the reactor's flush and leave
    // joined: they must all arrive, whole and in order, at every size (one record, many
    // records, a socket that fills up). A request sent from inside a handler must still go
    // out, when the handler waits for its reply in a nested event loop. And the server's one
    // envelope handler sees every request, beside the channel's own signal.
    auto server = startServer(m_serverIdentity);
    int handled = 0;
    server->setEnvelopeHandler([&handled](Channel *, const Envelope &) { ++handled; });
    QSignalSpy established(server.get(), &Server::channelEstablished);
    QSignalSpy closed(server.get(), &Server::channelClosed);
    auto *client = connectClient(*server);
    QVERIFY(client->waitEstablished(10000).ok());
    QTRY_COMPARE(established.count(), 1);
    auto *serviceSide = established.at(0).at(0).value<Channel *>();

    constexpr int kFrames = 400;
    const auto body = [](int i) { return QString(1 + (i * 997) % 40'000, QChar(u'a' + i % 26)); };
    // A second connection, called synchronously from inside the first one's handler: its
    // request is written while the reactor dispatches (the first channel's reading pauses
    // meanwhile, so a call on that same channel could not get its reply).
    auto *other = connectClient(*server);
    QVERIFY(other->waitEstablished(10000).ok());
    QStringList received;
    bool nestedCallOk = false;
    connect(client, &Channel::envelopeReceived, this, [&](const Envelope &e) {
        received.append(decodeMessage<EndContract>(e).value().contractId);
        if (received.size() == kFrames)
            nestedCallOk = other->call<Pong>(Ping{.sentAtMs = 2}, 10000).ok();
    });
    for (int i = 0; i < kFrames; ++i)
        serviceSide->push(EndContract{.contractId = QString::number(i) + QLatin1Char(':') + body(i)});
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), kFrames, 30000);
    for (int i = 0; i < kFrames; ++i)
        QCOMPARE(received[i], QString::number(i) + QLatin1Char(':') + body(i));
    QTRY_VERIFY_WITH_TIMEOUT(nestedCallOk, 15000);

    // Pipelined requests of one pass, answered in one pass.
    int answered = 0;
    for (int i = 0; i < 50; ++i)
        client->request<ContractClosed>(EndContract{.contractId = QString::number(i)}, this,
                                        [&answered](Result<ContractClosed> r) { answered += r.ok() ? 1 : 0; });
    QTRY_COMPARE_WITH_TIMEOUT(answered, 50, 10000);
    QCOMPARE(handled, 50); // Ping is answered by the channel itself

    delete client;
    delete other;
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 2, 10000);
    QCOMPARE(server->channels().size(), 0);
}

void TestTlsChannel::idleConnectionsAreClosed()
{
    // A peer that connects and then says nothing holds a descriptor and its buffers for
    // nothing: the service closes a connection over which nothing moved for a whole idle
    // period (here 400 ms), and tells the peer why. A peer that pings, or that waits for an
    // answer the service owes it, is not idle. Before, such a connection stayed for ever.
    HandshakeConfig config = serviceConfig();
    config.idleTimeoutMs = 400;
    Server server(m_serverIdentity, config);
    Dispatcher dispatcher;
    QList<RequestContext> unanswered; // answered later, as the market answers after its commit
    dispatcher.on<EndContract>([&unanswered](const EndContract &, const RequestContext &ctx) { unanswered.append(ctx); });
    connect(&server, &Server::channelEstablished, this, [&dispatcher](Channel *c) { dispatcher.attach(c); });
    QSignalSpy serverClosed(&server, &Server::channelClosed);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());

    std::unique_ptr<SslChannel> silent(connectClient(server));
    std::unique_ptr<SslChannel> pinging(connectClient(server));
    std::unique_ptr<SslChannel> waiting(connectClient(server));
    QVERIFY(silent->waitEstablished(10000).ok());
    QVERIFY(pinging->waitEstablished(10000).ok());
    QVERIFY(waiting->waitEstablished(10000).ok());
    QSignalSpy silentClosed(silent.get(), &Channel::closed);
    std::optional<Result<ContractClosed>> answer;
    waiting->request<ContractClosed>(EndContract{.contractId = QStringLiteral("c1")}, this,
                                     [&answer](Result<ContractClosed> r) { answer.emplace(std::move(r)); });
    QTimer pings;
    pings.setInterval(100);
    connect(&pings, &QTimer::timeout, this, [&] { pinging->request<Pong>(Ping{.sentAtMs = 1}, this, [](Result<Pong>) {}); });
    pings.start();

    QTRY_COMPARE_WITH_TIMEOUT(silentClosed.count(), 1, 5000);
    const Error told = silentClosed.at(0).at(0).value<Error>();
    QCOMPARE(told.code, ErrorCode::Timeout);
    QVERIFY2(told.message.contains(QStringLiteral("closed as idle")), qPrintable(told.toString()));
    QTRY_COMPARE(serverClosed.count(), 1);
    QCOMPARE(serverClosed.at(0).at(1).value<Error>().code, ErrorCode::Timeout);
    QTest::qWait(1200); // three periods more
    QVERIFY(pinging->isEstablished());
    QVERIFY(waiting->isEstablished());
    QCOMPARE(serverClosed.count(), 1);

    // Answered, the waiting one goes quiet and is closed in its turn; so is the one that
    // stops pinging.
    QCOMPARE(unanswered.size(), 1);
    unanswered[0].reply(ContractClosed{.contractId = QStringLiteral("c1"), .durationMs = 1, .charge = Money::fromMicros(1), .receipt = {}});
    QTRY_VERIFY(answer.has_value());
    QVERIFY2(answer->ok(), qPrintable(answer->error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!waiting->isEstablished(), 5000);
    QVERIFY(pinging->isEstablished());
    pings.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!pinging->isEstablished(), 5000);
    QTRY_COMPARE(serverClosed.count(), 3);
    QCOMPARE(server.channels().size(), 0);
}

void TestTlsChannel::peerThatReadsNoAnswersIsHeldBack()
{
    // A client that sends requests and reads none of the answers: the service stops reading
    // its requests once 8 MiB of answers wait for it, or 256 requests wait for their answers,
    // instead of growing without a bound; and reads on, losing nothing, once they went down.
    Server server(m_serverIdentity, serviceConfig());
    Dispatcher dispatcher;
    constexpr qsizetype kChunk = 256 * 1024;
    dispatcher.onCall<FetchImage, ImageChunk>([](const FetchImage &f, const RequestContext &) -> Result<ImageChunk> {
        return ImageChunk{.image = {}, .offset = f.offset, .data = QByteArray(kChunk, 'i')};
    });
    QList<RequestContext> unanswered; // answered later, as the market answers after its commit
    dispatcher.on<EndContract>([&unanswered](const EndContract &, const RequestContext &ctx) { unanswered.append(ctx); });
    QSignalSpy established(&server, &Server::channelEstablished);
    connect(&server, &Server::channelEstablished, this, [&dispatcher](Channel *c) { dispatcher.attach(c); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());

    // The client in a thread of its own, which stops (reads nothing) once its requests are out.
    QThread clientThread;
    QObject worker;
    worker.moveToThread(&clientThread);
    clientThread.start();
    QSemaphore goOn;
    SslChannel *client = nullptr;
    const auto stopThread = qScopeGuard([&] {
        goOn.release(); // were it still stopped (a check failed)
        QMetaObject::invokeMethod(&worker, [&] { delete std::exchange(client, nullptr); }, Qt::BlockingQueuedConnection);
        clientThread.quit();
        clientThread.wait();
    });
    constexpr int kFetches = 200; // 50 MiB of answers, were they all made at once
    std::atomic<int> fetched{0};
    std::atomic<bool> inOrder{true};
    const quint16 port = server.serverPort();
    QMetaObject::invokeMethod(&worker, [&] {
        client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, m_clientIdentity, m_serverIdentity.nodeId(), clientConfig());
        connect(client, &Channel::established, client, [&] {
            for (int i = 0; i < kFetches; ++i)
                client->request<ImageChunk>(FetchImage{.sha256 = {}, .name = QStringLiteral("img"), .offset = i * kChunk, .length = kChunk},
                                            client, [&, i](Result<ImageChunk> r) {
                                                if (!r.ok() || r->offset != i * kChunk || r->data.size() != kChunk || fetched != i)
                                                    inOrder = false;
                                                ++fetched;
                                            });
            // After the deferred flush that sends them (posted before this), it stops: it
            // reads nothing until goOn.
            QMetaObject::invokeMethod(client, [&goOn] { goOn.acquire(); }, Qt::QueuedConnection);
        });
    });
    QTRY_COMPARE_WITH_TIMEOUT(established.count(), 1, 10000);
    auto *serviceSide = established.at(0).at(0).value<Channel *>();
    QTRY_VERIFY_WITH_TIMEOUT(serviceSide->isInputHeld(), 10000);
    QTest::qWait(500);
    QVERIFY2(serviceSide->queuedBytes() <= Channel::kMaxQueuedOutputBytes + kChunk, qPrintable(QString::number(serviceSide->queuedBytes())));
    QVERIFY(serviceSide->isInputHeld());
    QVERIFY(fetched < kFetches);

    // The client reads again: every answer comes, in order, and the service reads on.
    goOn.release();
    QTRY_COMPARE_WITH_TIMEOUT(fetched.load(), kFetches, 30000);
    QVERIFY(inOrder);
    QTRY_VERIFY(!serviceSide->isInputHeld());
    QMetaObject::invokeMethod(&worker, [&] { delete std::exchange(client, nullptr); }, Qt::BlockingQueuedConnection);

    // 400 requests answered later: 256 are taken, the rest wait in their peer's stream.
    QSignalSpy second(&server, &Server::channelEstablished);
    auto *other = connectClient(server);
    QVERIFY(other->waitEstablished(10000).ok());
    QTRY_COMPARE(second.count(), 1);
    auto *otherSide = second.at(0).at(0).value<Channel *>();
    constexpr int kEnds = 400;
    int ended = 0;
    for (int i = 0; i < kEnds; ++i)
        other->request<ContractClosed>(EndContract{.contractId = QString::number(i)}, this, [&ended, i](Result<ContractClosed> r) {
            if (r.ok() && r->contractId == QString::number(i) && ended == i)
                ++ended;
        });
    QTRY_COMPARE_WITH_TIMEOUT(unanswered.size(), Channel::kMaxUnansweredRequests, 10000);
    QTest::qWait(300);
    QCOMPARE(unanswered.size(), Channel::kMaxUnansweredRequests);
    QVERIFY(otherSide->isInputHeld());
    int handled = 0;
    const auto answerAll = [&] {
        for (const RequestContext &ctx : std::exchange(unanswered, {})) {
            ctx.reply(ContractClosed{.contractId = QString::number(handled), .durationMs = 1, .charge = Money::fromMicros(1), .receipt = {}});
            ++handled;
        }
        return handled == kEnds;
    };
    QVERIFY(QTest::qWaitFor(answerAll, 10000));
    QTRY_COMPARE_WITH_TIMEOUT(ended, kEnds, 10000);
    QVERIFY(!otherSide->isInputHeld());
    delete other;
}

namespace {
qint64 threadCpuMs()
{
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000 + t.tv_nsec / 1'000'000;
}
} // namespace

void TestTlsChannel::serverOutOfDescriptorsWaitsAndRecovers()
{
    // The process runs out of file descriptors while connections wait to be taken: the
    // server stops taking them and says so once, without spinning (Qt's own accepting woke
    // the event loop again at once, for ever: a core at 100 %, and not a word in the log),
    // and takes connections again by itself once descriptors are free.
    Server server(m_serverIdentity, serviceConfig());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = server.serverPort();
    rlimit original{};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &original) == 0);
    auto restoreLimit = qScopeGuard([&] { ::setrlimit(RLIMIT_NOFILE, &original); });
    const qsizetype open = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size();
    rlimit low = original;
    low.rlim_cur = rlim_t(open + 12); // room for a few connections, not for all
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &low) == 0);

    // The connections come from a child process, which holds them until told to let go: their
    // client ends take none of this process's descriptors.
    int toChild[2];
    int fromChild[2];
    QVERIFY(::pipe(toChild) == 0);
    QVERIFY(::pipe(fromChild) == 0);
    constexpr int kConnections = 40; // fewer than the listening socket's queue (50) takes
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::setrlimit(RLIMIT_NOFILE, &original);
        ::close(toChild[1]);
        ::close(fromChild[0]);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::vector<int> held;
        for (int i = 0; i < kConnections; ++i) {
            const int s = ::socket(AF_INET, SOCK_STREAM, 0);
            if (s >= 0 && ::connect(s, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0)
                held.push_back(s);
        }
        const char made = char(held.size());
        (void)!::write(fromChild[1], &made, 1);
        char go = 0;
        (void)!::read(toChild[0], &go, 1); // until told, or the test is gone
        ::_exit(0);
    }
    ::close(toChild[0]);
    ::close(fromChild[1]);
    const auto reap = qScopeGuard([&] {
        ::close(toChild[1]);
        ::close(fromChild[0]);
        ::waitpid(child, nullptr, 0);
    });
    char made = 0;
    QCOMPARE(::read(fromChild[0], &made, 1), ssize_t(1));
    QCOMPARE(int(made), kConnections);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^cannot accept connections: ")));
    QTest::qWait(300); // takes what it can, and runs out
    const qint64 before = threadCpuMs();
    QTest::qWait(1500);
    const qint64 spent = threadCpuMs() - before;
    QVERIFY2(spent < 500, qPrintable(QStringLiteral("the event loop's thread used %1 ms of CPU in 1.5 s while out of descriptors").arg(spent)));

    // Descriptors free again (the connections went, the limit is back): a client gets through.
    (void)!::write(toChild[1], "x", 1);
    restoreLimit.dismiss();
    ::setrlimit(RLIMIT_NOFILE, &original);
    SslChannel *client = SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, m_clientIdentity, m_serverIdentity.nodeId(), clientConfig());
    const Result<void> up = client->waitEstablished(10'000);
    QVERIFY2(up.ok(), qPrintable(up.error().toString()));
    delete client;
}

QTEST_GUILESS_MAIN(TestTlsChannel)
#include "TestTlsChannel.moc"
