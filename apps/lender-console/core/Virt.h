#pragma once
// The libvirt layer: one connection, its event loop, host facts and a few typed wrappers
// around the C API (libvirt.h). Everything the agent asks of libvirt goes through here, so
// libvirt failures become typed VirtError values with libvirt's own message.

#include "model/Resources.h"
#include "util/Error.h"

#include <QObject>
#include <QString>
#include <QElapsedTimer>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include <libvirt/libvirt.h>

namespace lendable::lender {

/// VirtError carrying `what` and libvirt's last error message of this thread.
Error virtError(const QString &what);

/// Registers libvirt's default event loop implementation once per process and runs it in a
/// background thread. Needed for domain events, keepalive and the embedded QEMU driver; it
/// must happen before the first virConnectOpen().
void ensureVirtEventLoop();

struct DomainDeleter {
    void operator()(virDomainPtr d) const
    {
        if (d)
            virDomainFree(d);
    }
};
using DomainRef = std::unique_ptr<virDomain, DomainDeleter>;

/// A domain-level event, marshalled to the thread that owns the VirtConnection.
struct DomainEvent {
    enum class Kind { Lifecycle, Tunable };
    Kind kind = Kind::Lifecycle;
    QString domainName;
    int lifecycleEvent = 0;   ///< virDomainEventType, for Lifecycle
    int lifecycleDetail = 0;
};

/// One open libvirt connection (RAII). Not thread-safe beyond what libvirt itself is: use it
/// from the thread that opened it. Domain events arrive through `eventHandler` on that thread.
///
/// A daemon connection (qemu:///system, remote URIs) outlives its daemon: when libvirtd
/// goes away (restarted by a package upgrade, killed, its host unreachable) the connection
/// says so (connectionLost()), opens the same URI again every few seconds, and once it
/// answers registers its events again and says so (reconnected()). Guests keep running
/// meanwhile (QEMU does not depend on the daemon); calls in between fail with VirtError.
class VirtConnection : public QObject {
    Q_OBJECT
public:
    ~VirtConnection() override;

    /// Opens `uri`. An empty URI chooses the default: qemu:///system when a libvirt daemon
    /// answers, else the embedded QEMU driver rooted at `dataDir/libvirt`.
    static Result<std::unique_ptr<VirtConnection>> open(const QString &uri, const QString &dataDir);

    virConnectPtr raw() const { return m_conn; }
    QString uri() const { return m_uri; }
    /// The driver name: "QEMU", "Test", …
    QString driverType() const;
    bool isTestDriver() const { return m_uri.startsWith(QLatin1String("test:")); }
    bool isEmbedded() const { return m_uri.contains(QLatin1String("/embed")); }
    /// QEMU runs as an unprivileged user (libvirt-qemu) that needs to reach job files.
    bool runsGuestsUnprivileged() const { return m_uri.startsWith(QLatin1String("qemu:///system")); }

    /// Host CPUs and memory (virNodeGetInfo); disk is the free space of the file system
    /// holding `dataDir` (statvfs, as an unprivileged writer sees it).
    Result<Resources> hostResources(const QString &dataDir) const;
    QString hostName() const;

    /// Starts a transient domain (virDomainCreateXML); it vanishes when it ends.
    Result<DomainRef> createTransient(const QString &xml);
    /// nullptr-holding ref (no error) when no domain has that name, and also when libvirt
    /// cannot be asked: for callers to whom both mean "nothing to do".
    DomainRef lookup(const QString &name) const;
    /// The domain called `name`: a nullptr-holding ref when libvirt says there is none, an
    /// error when it cannot say (the daemon is gone). Use this where "gone" has consequences.
    Result<DomainRef> find(const QString &name);
    /// Names of the active domains whose name starts with `prefix`.
    Result<QStringList> activeDomainNames(const QString &prefix);
    /// The live XML (flags 0).
    Result<QString> liveXml(virDomainPtr domain) const;
    /// Destroys a domain if it is still running; success if it is already gone.
    Result<void> destroy(const QString &name);
    /// The same on a worker thread: libvirt's teardown of a QEMU process takes a while
    /// (SIGTERM, wait, relabel, cgroups) and must not stall the agent's event loop. `done`
    /// runs on this connection's thread, unless `context` is gone by then.
    void destroyInBackground(const QString &name, QObject *context, std::function<void(Result<void>)> done);
    /// For tests: the next `count` calls of destroy() and destroyInBackground() fail as
    /// libvirt's would when it cannot stop a domain, leaving it running.
    void failDestroysForTest(int count) { m_destroyFailuresForTest = count; }

    /// Lifecycle and tunable events of every domain; runs on the owning thread.
    void setEventHandler(std::function<void(const DomainEvent &)> handler) { m_eventHandler = std::move(handler); }

    /// False from the moment the daemon is known gone until the connection is open again.
    bool isConnected() const { return m_connected; }
    /// Why the connection is down and since when; empty while connected.
    QString problem() const { return m_problem; }
    /// The first attempt to reopen comes this long after the loss; each failed one doubles
    /// the wait, up to maxMs.
    /// Delays between reconnection attempts (doubling from `firstMs` to `maxMs`); an attempt
    /// still without an answer after `stuckMs` (a remote host that does not answer) does not
    /// hold up the next one.
    void setReconnectDelays(int firstMs, int maxMs, int stuckMs = 30000)
    {
        m_firstReconnectDelayMs = firstMs;
        m_maxReconnectDelayMs = maxMs;
        m_stuckOpenMs = stuckMs;
    }

signals:
    /// The daemon went away; `why` is libvirt's reason. Reconnection is under way.
    void connectionLost(const QString &why);
    /// The connection is open again and its events registered: what happened to the
    /// domains meanwhile is for the owner to find out (a lifecycle event may be lost).
    void reconnected();

private:
    struct Bridge {
        std::mutex mutex;
        VirtConnection *target = nullptr;
    };
    VirtConnection(virConnectPtr conn, QString uri);
    void registerEvents();
    void adopt(virConnectPtr conn);
    void release();
    void lost(virConnectPtr conn, const QString &why);
    /// Opens the URI again on a thread of its own: virConnectOpen() can block for as long as
    /// a remote host takes to fail (ssh, TCP), and the agent's event loop must not.
    void tryReconnect();
    struct Opened; // one attempt's outcome, closed unless adopted
    void opened(const std::shared_ptr<Opened> &attempt);
    /// Called after a failed call: if the daemon is gone and no close notice came (yet),
    /// the connection is taken as lost now.
    void noticeIfGone();
    bool hasDaemon() const;
    static void closeCallback(virConnectPtr conn, int reason, void *opaque);
    static int lifecycleCallback(virConnectPtr, virDomainPtr dom, int event, int detail, void *opaque);
    static void tunableCallback(virConnectPtr, virDomainPtr dom, virTypedParameterPtr, int, void *opaque);
    static void post(void *opaque, DomainEvent ev);
    void deliver(const DomainEvent &ev);

    virConnectPtr m_conn = nullptr;
    QString m_uri;
    std::shared_ptr<Bridge> m_bridge;
    std::atomic<int> m_destroyFailuresForTest{0};
    /// True (and one fewer to go) while failDestroysForTest() has failures left.
    bool destroyFailsForTest();
    int m_lifecycleId = -1;
    int m_tunableId = -1;
    bool m_closeCallback = false;
    std::function<void(const DomainEvent &)> m_eventHandler;
    bool m_connected = true;
    QString m_problem;
    QTimer m_reconnectTimer;
    int m_firstReconnectDelayMs = 500;
    int m_maxReconnectDelayMs = 5000;
    int m_reconnectDelayMs = 500;
    int m_stuckOpenMs = 30000;
    int m_attemptsInFlight = 0;
    QElapsedTimer m_lastAttempt;
    /// Asks libvirt for the host's CPUs and memory and keeps them; false if it cannot say.
    bool readHostInfo() const;
    // The host's CPUs and memory as libvirt last said (virNodeGetInfo), for while it cannot.
    mutable int m_hostCpus = 0;
    mutable qint64 m_hostMemoryMib = 0;
};

} // namespace lendable::lender
