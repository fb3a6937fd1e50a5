// The lender agent keeps serving while libvirt does not answer (label vm). A remote libvirt
// (qemu+ssh://, qemu+tcp://) whose host stops answering makes virConnectOpen() wait for as
// long as the network takes to give up; the agent reconnects on a thread of its own, so its
// owner and its borrowers are answered meanwhile, and a later attempt gets through once the
// daemon answers again.
//
// The daemon is the machine's real libvirtd, reached through a Unix-socket relay in this test
// (qemu+unix:///system?socket=…) that can be told to stop answering: it then accepts
// connections and reads what they send, and says nothing.

#include "VmAgentSupport.h"

#include <csignal>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QThread>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

namespace {
const QString kLibvirtSocket = QStringLiteral("/var/run/libvirt/libvirt-sock");

// Lives on its own thread: the agent's libvirt calls on the test's thread wait for answers
// that the relay must pass on meanwhile.
class Relay : public QObject {
public:
    Relay(const QString &path, const QString &target) : m_target(target)
    {
        QLocalServer::removeServer(path);
        m_server.listen(path);
        connect(&m_server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *client = m_server.nextPendingConnection())
                take(client);
        });
    }
    // The sockets are the server's children or this object's, so they are deleted after this
    // object's members; what they would say as they close must reach no one by then.
    ~Relay() override
    {
        for (QObject *owner : {static_cast<QObject *>(this), static_cast<QObject *>(&m_server)})
            for (QLocalSocket *s : owner->findChildren<QLocalSocket *>())
                s->disconnect();
    }
    bool listening() const { return m_server.isListening(); }
    QString error() const { return m_server.errorString(); }

    /// From now on, new connections are read and never answered.
    void stopAnswering() { m_answering = false; }
    void answerAgain() { m_answering = true; }
    /// Closes every connection (passed on or not), as a daemon that went away would.
    void dropAll()
    {
        const QList<QLocalSocket *> all = m_sockets;
        for (QLocalSocket *s : all)
            s->abort();
    }
    /// Closes only the connections that were never answered.
    void dropUnanswered()
    {
        const QList<QLocalSocket *> silent = m_silent;
        for (QLocalSocket *s : silent)
            s->abort();
    }
    int unansweredConnections() const { return m_unanswered; }

private:
    void take(QLocalSocket *client)
    {
        track(client);
        if (!m_answering) {
            ++m_unanswered;
            m_silent << client;
            connect(client, &QLocalSocket::readyRead, client, [client] { client->readAll(); });
            return;
        }
        auto *daemon = new QLocalSocket(this);
        track(daemon);
        const auto pass = [client, daemon] {
            if (daemon->state() == QLocalSocket::ConnectedState && client->bytesAvailable() > 0)
                daemon->write(client->readAll());
        };
        connect(client, &QLocalSocket::readyRead, daemon, pass);
        connect(daemon, &QLocalSocket::connected, client, pass);
        connect(daemon, &QLocalSocket::readyRead, client, [client, daemon] { client->write(daemon->readAll()); });
        connect(client, &QLocalSocket::disconnected, daemon, &QLocalSocket::abort);
        connect(daemon, &QLocalSocket::disconnected, client, &QLocalSocket::abort);
        connect(daemon, &QLocalSocket::errorOccurred, client, &QLocalSocket::abort);
        daemon->connectToServer(m_target);
    }
    void track(QLocalSocket *s)
    {
        m_sockets << s;
        connect(s, &QLocalSocket::disconnected, this, [this, s] {
            m_sockets.removeAll(s);
            m_silent.removeAll(s);
            s->deleteLater();
        });
    }

    QString m_target;
    QLocalServer m_server;
    QList<QLocalSocket *> m_sockets;
    QList<QLocalSocket *> m_silent;
    bool m_answering = true;
    int m_unanswered = 0;
};

// Runs `f` on the relay's thread and waits for it.
template <typename F>
auto onRelay(Relay *relay, F f)
{
    decltype(f()) result{};
    QMetaObject::invokeMethod(relay, [&] { result = f(); }, Qt::BlockingQueuedConnection);
    return result;
}
} // namespace

class TestLibvirtUnanswered : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void agentServesWhileLibvirtDoesNotAnswer();

private:
    QTemporaryDir m_dir;
    QThread m_relayThread;
    QObject *m_relayContext = nullptr; // lives on the relay's thread
    Relay *m_relay = nullptr;
    VmAgent m_vm;
};

void TestLibvirtUnanswered::initTestCase()
{
    // As the programs do (app::setApplicationInfo()): libvirt asks its applications to ignore
    // SIGPIPE, and the relay closes connections under the agent's calls.
    std::signal(SIGPIPE, SIG_IGN);
    if (!QFileInfo::exists(kLibvirtSocket))
        QSKIP("no libvirt daemon socket at /var/run/libvirt/libvirt-sock (scripts/libvirt-up.sh starts one)");
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("relay-sock"));
    m_relayThread.start();
    m_relayContext = new QObject;
    m_relayContext->moveToThread(&m_relayThread);
    connect(&m_relayThread, &QThread::finished, m_relayContext, &QObject::deleteLater);
    QMetaObject::invokeMethod(
        m_relayContext, [this, path] { m_relay = new Relay(path, kLibvirtSocket); }, Qt::BlockingQueuedConnection);
    QVERIFY2(onRelay(m_relay, [this] { return m_relay->listening(); }), qPrintable(m_relay->error()));
    const Result<void> started = m_vm.start([path](AgentConfig &c) { c.libvirtUri = QStringLiteral("qemu+unix:///system?socket=") + path; });
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    m_vm.agent->virt().setReconnectDelays(200, 1000, 3000);
}

void TestLibvirtUnanswered::cleanupTestCase()
{
    if (m_relay) {
        onRelay(m_relay, [this] {
            m_relay->answerAgain();
            return true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(!m_vm.agent || m_vm.agent->virt().isConnected(), 30000);
    }
    m_vm.stop();
    if (m_relay)
        QMetaObject::invokeMethod(m_relay, [this] { delete m_relay; }, Qt::BlockingQueuedConnection);
    m_relay = nullptr;
    m_relayThread.quit();
    m_relayThread.wait();
}

void TestLibvirtUnanswered::agentServesWhileLibvirtDoesNotAnswer()
{
    VirtConnection &virt = m_vm.agent->virt();
    QVERIFY(virt.isConnected());
    QVERIFY(virt.activeDomainNames(QStringLiteral("lendable-")).ok());
    QSignalSpy changes(m_vm.agent.get(), &LenderAgent::libvirtConnectionChanged);

    // The daemon's host stops answering, and the connection breaks.
    onRelay(m_relay, [this] {
        m_relay->stopAnswering();
        m_relay->dropAll();
        return true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(!virt.isConnected(), 20000);
    // The agent tries again, and the attempt waits for an answer that does not come.
    QTRY_VERIFY_WITH_TIMEOUT(onRelay(m_relay, [this] { return m_relay->unansweredConnections(); }) >= 1, 10000);

    // Meanwhile the owner is answered at once, told why libvirt is away.
    QElapsedTimer answered;
    answered.start();
    Result<MachineInfo> m = m_vm.owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(m.ok(), qPrintable(m.error().toString()));
    QVERIFY2(answered.elapsed() < 5000, qPrintable(QString::number(answered.elapsed())));
    QVERIFY(m->libvirtProblem.has_value());
    QVERIFY2(m->libvirtProblem->contains(QLatin1String("reconnecting")), qPrintable(*m->libvirtProblem));
    QVERIFY(!virt.isConnected());

    // The daemon answers again: an attempt after the stuck one (3 s here) gets through, while
    // the stuck one still waits.
    onRelay(m_relay, [this] {
        m_relay->answerAgain();
        return true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(virt.isConnected(), 30000);
    QVERIFY(virt.activeDomainNames(QStringLiteral("lendable-")).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!changes.isEmpty() && changes.last().at(0).toBool(), 10000);
    const Result<MachineInfo> back = m_vm.owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(back.ok(), qPrintable(back.error().toString()));
    QVERIFY(!back->libvirtProblem.has_value());

    // The stuck attempt ends (its socket closes) after the agent reconnected: what it brings
    // back is dropped, and the live connection stays.
    onRelay(m_relay, [this] {
        m_relay->dropUnanswered();
        return true;
    });
    QTest::qWait(1000);
    QVERIFY(virt.isConnected());
    QVERIFY(virt.activeDomainNames(QStringLiteral("lendable-")).ok());
    QCOMPARE(changes.size(), 2); // away once, back once
}

QTEST_GUILESS_MAIN(TestLibvirtUnanswered)
#include "TestLibvirtUnanswered.moc"
