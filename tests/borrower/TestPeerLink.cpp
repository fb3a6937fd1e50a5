// PeerLink's keepalive: a peer that stops answering but keeps its connection open is found
// out and the connection ended as lost; a peer that answers is left connected however long
// nothing else is said. The peer is a real TLS server on loopback, reached through a TCP
// relay that can freeze (as a stopped process or a dead host behind a NAT: the connection
// stays open, nothing comes back).

#include "FreezingRelay.h"
#include "PeerLink.h"

#include "protocol/Server.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace lendable;
using namespace lendable::borrower;
using namespace lendable::protocol;
using lendable::testing::FreezingRelay;

namespace {

Identity newIdentity(const QString &name)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(-1), now.addDays(30)).value();
}

} // namespace

class TestPeerLink : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void frozenPeerIsFoundOut();
    void answeringPeerStaysConnected();
    void droppedLinkFailsWhatWaits();

private:
    Identity m_borrower = newIdentity(QStringLiteral("borrower"));
    Identity m_peer = newIdentity(QStringLiteral("lender agent"));
    std::unique_ptr<Server> m_server;
};

void TestPeerLink::initTestCase()
{
    HandshakeConfig config;
    config.localNodeId = m_peer.nodeId();
    config.localRole = QStringLiteral("lender");
    config.acceptedRoles = {QStringLiteral("borrower")};
    m_server = std::make_unique<Server>(m_peer, config);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
}

void TestPeerLink::frozenPeerIsFoundOut()
{
    FreezingRelay relay(m_server->serverPort());
    QVERIFY(relay.port() != 0);
    ReconnectPolicy policy;
    policy.keepAliveMs = 300;
    policy.keepAliveTimeoutMs = 1'500; // room for a loaded machine's pauses
    PeerLink link(m_borrower, QStringLiteral("lender agent"), QStringLiteral("127.0.0.1:%1").arg(relay.port()), m_peer.nodeId(), policy, {});
    std::optional<Result<Channel *>> up;
    link.withChannel(this, [&up](Result<Channel *> ch) { up = ch; });
    QTRY_VERIFY(up.has_value());
    QVERIFY2(up->ok(), qPrintable(up->error().toString()));
    QSignalSpy lost(&link, &PeerLink::disconnected);
    QTest::qWait(1'000); // pings answered meanwhile: still connected
    QCOMPARE(lost.count(), 0);

    relay.freeze();
    QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 15'000);
    const Error reason = lost.constFirst().constFirst().value<Error>();
    QCOMPARE(reason.code, ErrorCode::Timeout);
    QVERIFY2(reason.message.contains(QLatin1String("stopped answering")), qPrintable(reason.message));
    QVERIFY(!link.channel());
}

void TestPeerLink::answeringPeerStaysConnected()
{
    ReconnectPolicy policy;
    policy.keepAliveMs = 200;
    policy.keepAliveTimeoutMs = 5'000;
    PeerLink link(m_borrower, QStringLiteral("lender agent"), QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort()), m_peer.nodeId(),
                  policy, {});
    std::optional<Result<Channel *>> up;
    link.withChannel(this, [&up](Result<Channel *> ch) { up = ch; });
    QTRY_VERIFY(up.has_value());
    QVERIFY2(up->ok(), qPrintable(up->error().toString()));
    QSignalSpy lost(&link, &PeerLink::disconnected);
    QTest::qWait(2'000); // ten pings and more
    QCOMPARE(lost.count(), 0);
    QCOMPARE(link.channel(), **up);
}

void TestPeerLink::droppedLinkFailsWhatWaits()
{
    // A link given up (the desktop app chose another market) fails a request waiting for a
    // connection that keeps failing, with the reason given, and stops trying; the request is
    // not left waiting for ever (it was, forgotten, before).
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 deadPort = probe.serverPort();
    probe.close();
    ReconnectPolicy retryForEver;
    retryForEver.initialDelayMs = 100;
    retryForEver.maxAttempts = 0;
    PeerLink away(m_borrower, QStringLiteral("market"), QStringLiteral("127.0.0.1:%1").arg(deadPort), m_peer.nodeId(), retryForEver, {});
    QSignalSpy retrying(&away, &PeerLink::retrying);
    std::optional<Result<Channel *>> waited;
    away.withChannel(this, [&waited](Result<Channel *> ch) { waited = ch; });
    QTRY_VERIFY(retrying.count() >= 2);
    QVERIFY(!waited);
    away.disconnectFromPeer(Error(ErrorCode::Cancelled, QStringLiteral("another market was chosen")));
    QVERIFY(waited.has_value());
    QVERIFY(!waited->ok());
    QCOMPARE(waited->error().code, ErrorCode::Cancelled);
    QCOMPARE(waited->error().message, QStringLiteral("another market was chosen"));
    QTest::qWait(300); // and it stopped trying
    const qsizetype attempts = retrying.count();
    QTest::qWait(500);
    QCOMPARE(retrying.count(), attempts);
}

QTEST_GUILESS_MAIN(TestPeerLink)
#include "TestPeerLink.moc"
