#include "Virt.h"

#include <QDateTime>
#include <QDir>
#include <QHostInfo>
#include <QMetaObject>
#include <QPointer>

#include <atomic>
#include <sys/statvfs.h>
#include <thread>

#include <libvirt/virterror.h>

namespace lendable::lender {

namespace {
// libvirt prints every error to stderr unless told otherwise; the agent reports errors
// itself, typed, so the default handler only adds noise.
void quietErrorHandler(void *, virErrorPtr) {}

void eventTick(int, void *) {}

/// What destroy() says when VirtConnection::failDestroysForTest() has it fail.
Error destroyFailureForTest(const QString &name)
{
    return Error(ErrorCode::VirtError, QStringLiteral("cannot stop domain %1: failed as the test asked").arg(name));
}

Result<void> destroyByName(virConnectPtr conn, const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    DomainRef d(virDomainLookupByName(conn, utf8.constData()));
    if (!d) {
        // Gone only if libvirt says there is no such domain: a daemon that cannot be asked
        // (restarting, say) has not stopped it.
        if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
            return {};
        return virtError(QStringLiteral("cannot look up domain %1 to stop it").arg(name));
    }
    if (virDomainDestroy(d.get()) < 0) {
        // It may have ended between lookup and destroy.
        if (DomainRef again(virDomainLookupByName(conn, utf8.constData())); again && virDomainIsActive(again.get()) == 1)
            return virtError(QStringLiteral("cannot stop domain %1").arg(name));
    }
    return {};
}
} // namespace

Error virtError(const QString &what)
{
    const char *msg = virGetLastErrorMessage();
    return Error(ErrorCode::VirtError, msg ? what + QStringLiteral(": ") + QString::fromUtf8(msg) : what);
}

void ensureVirtEventLoop()
{
    static std::once_flag once;
    std::call_once(once, [] {
        virInitialize();
        virSetErrorFunc(nullptr, quietErrorHandler);
        if (virEventRegisterDefaultImpl() < 0)
            qWarning("libvirt: cannot register the default event loop: %s", virGetLastErrorMessage());
        // A periodic timer wakes the loop now and then; nothing else needs it to.
        virEventAddTimeout(1000, eventTick, nullptr, nullptr);
        // The loop lives as long as the process: libvirt offers no way to unregister the
        // default implementation, and connections may deliver events until exit.
        std::thread([] {
            virSetErrorFunc(nullptr, quietErrorHandler);
            for (;;) {
                if (virEventRunDefaultImpl() < 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }).detach();
    });
}

VirtConnection::VirtConnection(virConnectPtr conn, QString uri)
    : m_uri(std::move(uri))
    , m_bridge(std::make_shared<Bridge>())
{
    m_bridge->target = this;
    virSetErrorFunc(nullptr, quietErrorHandler);
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &VirtConnection::tryReconnect);
    adopt(conn);
}

VirtConnection::~VirtConnection()
{
    {
        std::lock_guard lock(m_bridge->mutex);
        m_bridge->target = nullptr;
    }
    release();
}

bool VirtConnection::hasDaemon() const
{
    return !isTestDriver() && !isEmbedded();
}

void VirtConnection::adopt(virConnectPtr conn)
{
    m_conn = conn;
    if (hasDaemon()) {
        // A daemon that hangs would otherwise leave calls hanging: keepalive notices it.
        virConnectSetKeepAlive(conn, 5, 3);
        auto *opaque = new std::shared_ptr<Bridge>(m_bridge);
        m_closeCallback = virConnectRegisterCloseCallback(conn, closeCallback, opaque,
                                                          [](void *p) { delete static_cast<std::shared_ptr<Bridge> *>(p); })
                          == 0;
        if (!m_closeCallback)
            delete opaque;
    }
    registerEvents();
    // Known from the start, so that the machine can be described while the daemon is away
    // even if nobody asked before it went.
    readHostInfo();
}

bool VirtConnection::readHostInfo() const
{
    virNodeInfo info;
    if (!m_conn || virNodeGetInfo(m_conn, &info) != 0)
        return false;
    m_hostCpus = int(info.cpus);
    m_hostMemoryMib = qint64(info.memory / 1024);
    return true;
}

void VirtConnection::release()
{
    if (!m_conn)
        return;
    // On a connection whose daemon is gone these fail; the client side is freed either way.
    if (m_closeCallback)
        virConnectUnregisterCloseCallback(m_conn, closeCallback);
    if (m_lifecycleId >= 0)
        virConnectDomainEventDeregisterAny(m_conn, m_lifecycleId);
    if (m_tunableId >= 0)
        virConnectDomainEventDeregisterAny(m_conn, m_tunableId);
    m_closeCallback = false;
    m_lifecycleId = -1;
    m_tunableId = -1;
    virConnectClose(m_conn);
    m_conn = nullptr;
}

void VirtConnection::closeCallback(virConnectPtr conn, int reason, void *opaque)
{
    // Runs on libvirt's event thread, like the domain events.
    QString why;
    switch (reason) {
    case VIR_CONNECT_CLOSE_REASON_EOF:
        why = QStringLiteral("the daemon closed the connection");
        break;
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
        why = QStringLiteral("the daemon stopped answering keepalives");
        break;
    case VIR_CONNECT_CLOSE_REASON_CLIENT:
        why = QStringLiteral("the connection was closed");
        break;
    default:
        why = QStringLiteral("the connection failed");
        break;
    }
    auto bridge = *static_cast<std::shared_ptr<Bridge> *>(opaque);
    std::lock_guard lock(bridge->mutex);
    if (VirtConnection *target = bridge->target)
        QMetaObject::invokeMethod(target, [target, conn, why] { target->lost(conn, why); }, Qt::QueuedConnection);
}

void VirtConnection::lost(virConnectPtr conn, const QString &why)
{
    // A notice about a connection already replaced, or a second one about this one.
    if (conn != m_conn || !m_connected)
        return;
    m_connected = false;
    m_problem = QStringLiteral("libvirt (%1) is not reachable since %2: %3; reconnecting")
                    .arg(m_uri, QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), why);
    qWarning("libvirt: %s", qPrintable(m_problem));
    m_reconnectDelayMs = m_firstReconnectDelayMs;
    m_reconnectTimer.start(m_reconnectDelayMs);
    emit connectionLost(why);
}

void VirtConnection::noticeIfGone()
{
    if (m_connected && hasDaemon() && m_conn && virConnectIsAlive(m_conn) == 0)
        lost(m_conn, QStringLiteral("the connection is closed"));
}

struct VirtConnection::Opened {
    virConnectPtr conn = nullptr;
    QString error;
    ~Opened()
    {
        if (conn)
            virConnectClose(conn);
    }
};

void VirtConnection::tryReconnect()
{
    if (m_connected)
        return;
    if (m_attemptsInFlight > 0 && m_lastAttempt.elapsed() < m_stuckOpenMs) {
        m_reconnectTimer.start(int(m_stuckOpenMs - m_lastAttempt.elapsed()));
        return;
    }
    if (m_attemptsInFlight > 0)
        qWarning("libvirt: no answer from %s for %lld s; trying again beside that attempt", qPrintable(m_uri),
                 m_lastAttempt.elapsed() / 1000);
    ++m_attemptsInFlight;
    m_lastAttempt.start();
    // Should the attempt hang, the timer starts another after m_stuckOpenMs.
    m_reconnectTimer.start(m_stuckOpenMs);
    std::thread([bridge = m_bridge, uri = m_uri.toUtf8()] {
        auto attempt = std::make_shared<Opened>();
        attempt->conn = virConnectOpen(uri.constData());
        if (!attempt->conn) {
            const char *msg = virGetLastErrorMessage(); // this thread's error
            attempt->error = msg ? QString::fromUtf8(msg) : QStringLiteral("no reason given");
        }
        std::lock_guard lock(bridge->mutex);
        // Gone: the attempt's destructor closes what it opened. Should the connection go
        // before the queued call runs, Qt drops the call and the attempt with it.
        if (VirtConnection *target = bridge->target)
            QMetaObject::invokeMethod(target, [target, attempt] { target->opened(attempt); }, Qt::QueuedConnection);
    }).detach();
}

void VirtConnection::opened(const std::shared_ptr<Opened> &attempt)
{
    --m_attemptsInFlight;
    if (m_connected)
        return; // another attempt got there first; this one's connection is closed with it
    if (!attempt->conn) {
        qInfo("libvirt: cannot connect to %s yet: %s", qPrintable(m_uri), qPrintable(attempt->error));
        m_reconnectDelayMs = qMin(m_reconnectDelayMs * 2, m_maxReconnectDelayMs);
        m_reconnectTimer.start(m_reconnectDelayMs);
        return;
    }
    m_reconnectTimer.stop();
    release();
    adopt(std::exchange(attempt->conn, nullptr));
    m_connected = true;
    m_problem.clear();
    qInfo("libvirt: connected to %s again", qPrintable(m_uri));
    emit reconnected();
}

Result<std::unique_ptr<VirtConnection>> VirtConnection::open(const QString &uri, const QString &dataDir)
{
    ensureVirtEventLoop();
    QString chosen = uri;
    if (chosen.isEmpty()) {
        if (virConnectPtr probe = virConnectOpen("qemu:///system")) {
            return std::unique_ptr<VirtConnection>(new VirtConnection(probe, QStringLiteral("qemu:///system")));
        }
        const QString root = QDir(dataDir).absoluteFilePath(QStringLiteral("libvirt"));
        QDir().mkpath(root);
        chosen = QStringLiteral("qemu:///embed?root=") + root;
    }
    virConnectPtr conn = virConnectOpen(chosen.toUtf8().constData());
    if (!conn)
        return virtError(QStringLiteral("cannot open libvirt connection %1").arg(chosen));
    return std::unique_ptr<VirtConnection>(new VirtConnection(conn, chosen));
}

QString VirtConnection::driverType() const
{
    const char *t = virConnectGetType(m_conn);
    return t ? QString::fromUtf8(t) : QString();
}

Result<Resources> VirtConnection::hostResources(const QString &dataDir) const
{
    // While the daemon is away for a moment, the machine's CPUs and memory are what it said last.
    if (!(m_connected && readHostInfo()) && m_hostCpus == 0)
        return m_connected ? virtError(QStringLiteral("cannot read host information")) : Error(ErrorCode::VirtError, m_problem);
    Resources r;
    r.cpus = m_hostCpus;
    r.memoryMib = m_hostMemoryMib;
    struct statvfs fs;
    if (::statvfs(QFile::encodeName(dataDir).constData(), &fs) != 0)
        return Error(ErrorCode::IoError, QStringLiteral("cannot read the size of the file system holding %1").arg(dataDir));
    // What partitions can be given is what the file system still has free (for unprivileged
    // writers: the root reserve is not ours to lend), not its size: other files take the rest.
    r.diskMib = qint64((quint64(fs.f_bavail) * fs.f_frsize) / (1024 * 1024));
    return r;
}

QString VirtConnection::hostName() const
{
    char *h = virConnectGetHostname(m_conn);
    if (!h)
        return QHostInfo::localHostName();
    const QString s = QString::fromUtf8(h);
    free(h);
    return s;
}

Result<DomainRef> VirtConnection::createTransient(const QString &xml)
{
    if (!m_connected)
        return Error(ErrorCode::VirtError, QStringLiteral("cannot start the partition's domain: %1").arg(m_problem));
    virDomainPtr d = virDomainCreateXML(m_conn, xml.toUtf8().constData(), 0);
    if (!d) {
        const Error e = virtError(QStringLiteral("cannot start the partition's domain"));
        noticeIfGone();
        return e;
    }
    return DomainRef(d);
}

DomainRef VirtConnection::lookup(const QString &name) const
{
    return DomainRef(virDomainLookupByName(m_conn, name.toUtf8().constData()));
}

Result<DomainRef> VirtConnection::find(const QString &name)
{
    if (!m_connected)
        return Error(ErrorCode::VirtError, m_problem);
    DomainRef d(virDomainLookupByName(m_conn, name.toUtf8().constData()));
    if (d)
        return d;
    if (const virErrorPtr e = virGetLastError(); e && e->code == VIR_ERR_NO_DOMAIN)
        return DomainRef();
    const Error e = virtError(QStringLiteral("cannot look up domain %1").arg(name));
    noticeIfGone();
    return e;
}

Result<QStringList> VirtConnection::activeDomainNames(const QString &prefix)
{
    virDomainPtr *domains = nullptr;
    const int n = virConnectListAllDomains(m_conn, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (n < 0) {
        const Error e = virtError(QStringLiteral("cannot list domains"));
        noticeIfGone();
        return e;
    }
    QStringList names;
    for (int i = 0; i < n; ++i) {
        const QString name = QString::fromUtf8(virDomainGetName(domains[i]));
        if (name.startsWith(prefix))
            names << name;
        virDomainFree(domains[i]);
    }
    free(domains);
    return names;
}

Result<QString> VirtConnection::liveXml(virDomainPtr domain) const
{
    char *xml = virDomainGetXMLDesc(domain, 0);
    if (!xml)
        return virtError(QStringLiteral("cannot read the domain's live XML"));
    const QString s = QString::fromUtf8(xml);
    free(xml);
    return s;
}

bool VirtConnection::destroyFailsForTest()
{
    int left = m_destroyFailuresForTest.load();
    while (left > 0 && !m_destroyFailuresForTest.compare_exchange_weak(left, left - 1)) {
    }
    return left > 0;
}

Result<void> VirtConnection::destroy(const QString &name)
{
    if (destroyFailsForTest())
        return destroyFailureForTest(name);
    return destroyByName(m_conn, name);
}

void VirtConnection::destroyInBackground(const QString &name, QObject *context, std::function<void(Result<void>)> done)
{
    // libvirt connections may be used from several threads; the extra reference keeps this
    // one open until the worker is done, even if the VirtConnection goes first.
    virConnectRef(m_conn);
    const bool failForTest = destroyFailsForTest();
    std::thread([conn = m_conn, bridge = m_bridge, ctx = QPointer<QObject>(context), name, done = std::move(done), failForTest] {
        const Result<void> r = failForTest ? Result<void>(destroyFailureForTest(name)) : destroyByName(conn, name);
        virConnectClose(conn);
        std::lock_guard lock(bridge->mutex);
        if (VirtConnection *target = bridge->target)
            QMetaObject::invokeMethod(
                target,
                [ctx, done, r] {
                    if (ctx)
                        done(r);
                },
                Qt::QueuedConnection);
    }).detach();
}

void VirtConnection::registerEvents()
{
    auto *opaque1 = new std::shared_ptr<Bridge>(m_bridge);
    m_lifecycleId = virConnectDomainEventRegisterAny(m_conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                     VIR_DOMAIN_EVENT_CALLBACK(lifecycleCallback), opaque1,
                                                     [](void *p) { delete static_cast<std::shared_ptr<Bridge> *>(p); });
    if (m_lifecycleId < 0)
        delete opaque1;
    auto *opaque2 = new std::shared_ptr<Bridge>(m_bridge);
    m_tunableId = virConnectDomainEventRegisterAny(m_conn, nullptr, VIR_DOMAIN_EVENT_ID_TUNABLE,
                                                   VIR_DOMAIN_EVENT_CALLBACK(tunableCallback), opaque2,
                                                   [](void *p) { delete static_cast<std::shared_ptr<Bridge> *>(p); });
    if (m_tunableId < 0)
        delete opaque2;
}

int VirtConnection::lifecycleCallback(virConnectPtr, virDomainPtr dom, int event, int detail, void *opaque)
{
    DomainEvent ev;
    ev.kind = DomainEvent::Kind::Lifecycle;
    ev.domainName = QString::fromUtf8(virDomainGetName(dom));
    ev.lifecycleEvent = event;
    ev.lifecycleDetail = detail;
    post(opaque, std::move(ev));
    return 0;
}

void VirtConnection::tunableCallback(virConnectPtr, virDomainPtr dom, virTypedParameterPtr, int, void *opaque)
{
    DomainEvent ev;
    ev.kind = DomainEvent::Kind::Tunable;
    ev.domainName = QString::fromUtf8(virDomainGetName(dom));
    post(opaque, std::move(ev));
}

void VirtConnection::post(void *opaque, DomainEvent ev)
{
    // Runs on libvirt's event thread: hand the event to the connection's own thread. The
    // bridge's mutex keeps the target alive while the call is queued; a queued call to an
    // object deleted later is dropped by Qt.
    auto bridge = *static_cast<std::shared_ptr<Bridge> *>(opaque);
    std::lock_guard lock(bridge->mutex);
    if (VirtConnection *target = bridge->target)
        QMetaObject::invokeMethod(target, [target, ev] { target->deliver(ev); }, Qt::QueuedConnection);
}

void VirtConnection::deliver(const DomainEvent &ev)
{
    if (m_eventHandler)
        m_eventHandler(ev);
}

} // namespace lendable::lender
