#include "LenderAgent.h"

#include "ImageFetcher.h"

#include "LockGuard.h"
#include "PartitionMath.h"
#include "protocol/DisplayName.h"
#include "protocol/ImageName.h"
#include "protocol/Terms.h"
#include "util/Paths.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QCoreApplication>
#include <QHostInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QSysInfo>

#include <unistd.h>

namespace lendable::lender {

using namespace lendable::protocol;

namespace {
// Job output to a watcher (WatchJob): read from the file a MiB at a time, while its channel
// holds less than 4 MiB not yet sent; a live watcher with more than 16 MiB waiting is
// behind, and goes back to the file (LenderAgent::paceOutput()).
constexpr qint64 kBacklogChunk = 1024 * 1024;
constexpr qint64 kMaxBacklogQueued = 4 * 1024 * 1024;
constexpr qint64 kMaxLiveOutputQueued = 16 * 1024 * 1024;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// KeyInvalid for a key whose contract has ended (the verification, and a job accepted late).
Error endedContractKey(const QString &contractId)
{
    return Error(ErrorCode::KeyInvalid, QStringLiteral("contract %1 has ended; its lending key is no longer valid").arg(contractId));
}

/// KeyInvalid for a market's contract past its time limit: the market ends it (its notice
/// may not have come yet, the market being out of reach), and no job of it may start, even
/// for the second its deadline would leave (the verification, and a job accepted late).
Result<void> requireMarketContractWithinLimit(const ContractRecord &c)
{
    if (c.marketId.isEmpty() || c.maxDurationS <= 0 || nowMs() < c.limitAtMs())
        return {};
    return Error(ErrorCode::KeyInvalid, QStringLiteral("contract %1 reached its time limit (%2 s) at %3: its market ends it, and its "
                                                       "lending key starts no more jobs")
                                            .arg(c.contractId)
                                            .arg(c.maxDurationS)
                                            .arg(QDateTime::fromMSecsSinceEpoch(c.limitAtMs(), Qt::UTC).toString(Qt::ISODate)));
}

QString randomId(const char *prefix, int bytes)
{
    QByteArray b(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(b.data()), bytes / 4);
    return QLatin1String(prefix) + QString::fromLatin1(b.toHex());
}

QByteArray keyHashOf(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

// Lending keys are compared in constant time: how long a refusal takes must not tell an
// attacker how many bytes were right.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    volatile unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return diff == 0;
}

constexpr qint64 kMaxResultBytes = 12 * 1024 * 1024;

// libvirt raises QEMU's RLIMIT_MEMLOCK to <hard_limit>, which needs CAP_SYS_RESOURCE; root
// in a container often lacks it, and then every domain start with <memtune> fails after
// ~1.5 s. When the agent runs as root without that capability, a local libvirtd (same
// container) lacks it too: go straight to setting the hard limit live.
bool rootWithoutSysResource()
{
    if (::geteuid() != 0)
        return false;
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (!line.startsWith("CapEff:"))
            continue;
        bool ok = false;
        const quint64 caps = line.mid(7).trimmed().toULongLong(&ok, 16);
        constexpr int kCapSysResource = 24;
        return ok && !(caps & (quint64(1) << kCapSysResource));
    }
    return false;
}

void makeTraversable(const QString &dir)
{
    QFile::setPermissions(dir, QFile::permissions(dir) | QFileDevice::ExeGroup | QFileDevice::ExeOther);
}

/// Why a borrower's name (trimmed) breaks the markets' rule for names, worded as the market
/// words it; empty when it keeps the rule.
QString borrowerNameProblem(const QString &trimmed)
{
    if (const qsizetype length = protocol::displayNameLength(trimmed); length > protocol::kMaxDisplayNameLength)
        return QStringLiteral("the borrower's name is %1 characters long; at most %2 are kept")
            .arg(length)
            .arg(protocol::kMaxDisplayNameLength);
    if (const qsizetype bad = protocol::firstForbiddenNameCharacter(trimmed); bad >= 0)
        return QStringLiteral("the borrower's name contains a control character (U+%1)").arg(trimmed[bad].unicode(), 4, 16, QLatin1Char('0'));
    return QString();
}

/// What a new or altered partition's lending conditions may not be, whatever the machine
/// has: a shape the agent cannot build, a negative rate, a negative longest contract.
Result<void> checkTerms(const LendingConditions &c)
{
    if (Result<void> shape = checkPartitionShape(c.resources); !shape.ok())
        return shape;
    if (c.ratePerHour.isNegative())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the rate cannot be negative"));
    if (c.ratePerHour.micros() > Money::kMaxRatePerHourMicros)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the rate %1 is above the highest a market takes, %2 per hour")
                                                     .arg(c.ratePerHour.toString(), Money::fromMicros(Money::kMaxRatePerHourMicros).toString()));
    if (c.maxDurationS < 0)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the longest contract cannot be negative (0: no limit)"));
    if (c.maxDurationS > protocol::kMaxContractDurationS)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the longest contract is at most %1 s (100 years; 0: no limit)")
                                                     .arg(protocol::kMaxContractDurationS));
    return {};
}

/// The OS image names a new or altered partition offers must be names an image can have.
Result<void> checkImageNames(const QStringList &osImages)
{
    // The market refuses more names than this; the partition would be kept here, and its
    // every registration refused.
    if (const qsizetype distinct = QSet<QString>(osImages.cbegin(), osImages.cend()).size(); distinct > protocol::kMaxOsImagesPerPartition)
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 OS image names: a partition offers at most %2").arg(distinct).arg(protocol::kMaxOsImagesPerPartition));
    for (const QString &os : osImages)
        if (!ImageStore::isValidName(os))
            return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not an image name (%2)").arg(os, protocol::osImageNameRule()));
    return {};
}

/// A retention as people say it: "14 days", "12 hours", "30 minutes".
QString retentionText(qint64 ms)
{
    constexpr qint64 kMinute = 60 * 1000, kHour = 60 * kMinute, kDay = 24 * kHour;
    if (ms >= kDay && ms % kDay == 0)
        return ms == kDay ? QStringLiteral("1 day") : QStringLiteral("%1 days").arg(ms / kDay);
    if (ms >= kHour && ms % kHour == 0)
        return ms == kHour ? QStringLiteral("1 hour") : QStringLiteral("%1 hours").arg(ms / kHour);
    if (ms >= kMinute) {
        const qint64 minutes = qRound64(double(ms) / kMinute);
        return minutes == 1 ? QStringLiteral("1 minute") : QStringLiteral("%1 minutes").arg(minutes);
    }
    return QStringLiteral("%1 s").arg(qMax<qint64>(1, qRound64(double(ms) / 1000)));
}

/// Why a market ended a contract (ContractEnded::reason), in words: the message of a job it
/// stopped.
QString marketEndWhy(const QString &reason)
{
    if (reason == QLatin1String("borrower"))
        return QStringLiteral("the borrower ended the contract");
    if (reason == QLatin1String("max_duration"))
        return QStringLiteral("the contract reached its time limit");
    if (reason == QLatin1String("lost"))
        return QStringLiteral("the market ended the contract: the partition was reported lost");
    if (reason == QLatin1String("admin"))
        return QStringLiteral("the market's administrator ended the contract");
    if (reason == QLatin1String("violation"))
        return QStringLiteral("the market ended the contract over a lock violation on the partition");
    // A reason this agent does not know (a newer market's) is shown as it came, when it is
    // a plain word.
    static const QRegularExpression word(QStringLiteral("^[a-z][a-z_]{0,31}$"));
    return word.match(reason).hasMatch() ? QStringLiteral("the market ended the contract (%1)").arg(reason)
                                         : QStringLiteral("the market ended the contract");
}

/// The name a ContractStarted gives its borrower, as this machine keeps and shows it.
QString shownBorrowerName(const QString &name)
{
    // The market enforces the rule for names; a name that breaks it (a market of another
    // make, say) is not shown rather than shown garbled.
    const QString trimmed = name.trimmed();
    return borrowerNameProblem(trimmed).isEmpty() ? trimmed : QString();
}

/// The data directories agents of this process hold (their QLockFile names this process).
QSet<QString> &directoriesLockedHere()
{
    static QSet<QString> held;
    return held;
}

/// One agent per data directory: a second would take over agent.address and run, collect
/// and destroy the same libvirt domains and jobs as the first.
Result<std::unique_ptr<QLockFile>> lockDataDirectory(const QString &dataDir)
{
    auto lock = std::make_unique<QLockFile>(LenderAgent::lockFilePath(dataDir));
    // Never stale by age: an agent runs for months. The lock of a process that is gone (killed,
    // crashed) is stale all the same: QLockFile checks whether its process still runs.
    lock->setStaleLockTime(0);
    bool locked = lock->tryLock(0);
    qint64 pid = 0;
    QString host, app;
    const bool named = !locked && lock->error() == QLockFile::LockFailedError && lock->getLockInfo(&pid, &host, &app);
    const bool thisHost = host.isEmpty() || host == QSysInfo::machineHostName();
    // A lock naming this very process that no agent here holds was left by an earlier run
    // that had the same process ID, killed: in a container the agent is process 1 each time.
    if (named && thisHost && pid == QCoreApplication::applicationPid() && !directoriesLockedHere().contains(dataDir))
        locked = lock->removeStaleLockFile() && lock->tryLock(0);
    if (locked) {
        directoriesLockedHere().insert(dataDir); // until the agent goes (~LenderAgent)
        return lock;
    }
    if (lock->error() == QLockFile::LockFailedError) {
        if (named)
            return Error(ErrorCode::Conflict,
                         QStringLiteral("another lender agent (process %1%2) is using the data directory %3: stop it, or give this one "
                                        "another --data directory")
                             .arg(pid)
                             .arg(thisHost ? QString() : QStringLiteral(" on ") + host,
                                  QDir::toNativeSeparators(dataDir)));
        return Error(ErrorCode::Conflict, QStringLiteral("another lender agent is using the data directory %1 (its lock %2 cannot be "
                                                         "read): stop it, or give this one another --data directory")
                                              .arg(QDir::toNativeSeparators(dataDir), lock->fileName()));
    }
    return Error(ErrorCode::IoError, QStringLiteral("cannot lock the data directory %1: %2 cannot be written")
                                         .arg(QDir::toNativeSeparators(dataDir), lock->fileName()));
}
} // namespace

LenderAgent::LenderAgent(AgentConfig config)
    : m_config(std::move(config))
    , m_images(QDir(m_config.dataDir).filePath(QStringLiteral("images")))
    , m_imageDownloads(&m_images, QDir(m_config.dataDir).filePath(QStringLiteral("images/.incoming")))
{
}

LenderAgent::~LenderAgent()
{
    // Runners stop following their domains; the domains keep running (a restarted agent
    // resumes them). Channels go with the server.
    m_auditTimer.stop();
    m_usageTimer.stop();
    m_heartbeatTimer.stop();
    m_resultSweepTimer.stop();
    m_directLeaseTimer.stop();
    if (m_dataLock) // let go after the members, as m_dataLock is declared first of them
        directoriesLockedHere().remove(m_config.dataDir);
    // A smoke boot still under way is stopped now, while libvirt is still open.
    delete m_kvmProbe.data();
    qDeleteAll(m_markets);
    m_markets.clear();
    if (m_server)
        m_server->close();
    for (JobRunner *r : std::as_const(m_runners))
        r->disconnect(this);
    qDeleteAll(m_runners);
    m_runners.clear();
    for (JobRunner *r : std::as_const(m_draining))
        r->disconnect(this);
    qDeleteAll(m_draining);
    m_draining.clear();
    if (m_virt)
        m_virt->setEventHandler({});
}

Result<std::unique_ptr<LenderAgent>> LenderAgent::create(AgentConfig config)
{
    if (config.dataDir.isEmpty())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the agent needs a data directory (--data DIR)"));
    config.dataDir = QDir(config.dataDir).absolutePath();
    if (Result<void> made = makeDirectory(config.dataDir); !made)
        return made.error();
    Result<std::unique_ptr<QLockFile>> lock = lockDataDirectory(config.dataDir);
    if (!lock.ok())
        return lock.error();
    std::unique_ptr<LenderAgent> agent(new LenderAgent(std::move(config)));
    agent->m_dataLock = std::move(*lock);
    const QString dataDir = agent->m_config.dataDir;
    Result<Identity> id = Identity::loadOrCreate(dataDir, QStringLiteral("lender"));
    if (!id.ok())
        return id.error();
    agent->m_identity = *id;
    Result<LenderStore> store = LenderStore::open(QDir(dataDir).filePath(QStringLiteral("lender.db")));
    if (!store.ok())
        return store.error();
    agent->m_store.emplace(std::move(*store));
    Result<std::unique_ptr<VirtConnection>> virt = VirtConnection::open(agent->m_config.libvirtUri, dataDir);
    if (!virt.ok())
        return virt.error();
    agent->m_virt = std::move(*virt);
    agent->m_env.virt = agent->m_virt.get();
    agent->m_env.agentId = agent->m_identity.nodeId();
    // Until chooseVirtType() (in start()) has decided, TCG: it always works.
    agent->m_env.virtType = agent->m_config.virtType.isEmpty() ? QStringLiteral("qemu") : agent->m_config.virtType;
    agent->m_env.defaultTimeoutS = agent->m_config.defaultJobTimeoutS;
    if (!agent->m_virt->isTestDriver() && rootWithoutSysResource()) {
        agent->m_env.liveMemtune = true;
        qInfo("lender: no CAP_SYS_RESOURCE: memory hard limits are set live on each domain (cgroup), not in its XML");
    }
    // The market keeps names of at most 128 characters; a long host name is cut, not refused.
    if (agent->m_config.lenderName.isEmpty())
        agent->m_config.lenderName = agent->m_virt->hostName().left(protocol::kMaxDisplayNameLength);
    // QEMU runs as libvirt-qemu under qemu:///system: it must be able to walk down to the
    // job shares and the images (identity/ stays 0700 below).
    QDir().mkpath(QDir(dataDir).filePath(QStringLiteral("jobs")));
    QDir().mkpath(agent->m_images.root());
    makeTraversable(dataDir);
    makeTraversable(QDir(dataDir).filePath(QStringLiteral("jobs")));
    makeTraversable(agent->m_images.root());
    QFile::setPermissions(agent->m_images.root(), QFile::permissions(agent->m_images.root()) | QFileDevice::ReadOther |
                                                      QFileDevice::ReadGroup);
    return agent;
}

quint16 LenderAgent::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QString LenderAgent::localAddress() const
{
    QHostAddress a = m_config.listenAddress;
    if (a == QHostAddress::Any || a == QHostAddress::AnyIPv4)
        a = QHostAddress::LocalHost;
    else if (a == QHostAddress::AnyIPv6)
        a = QHostAddress::LocalHostIPv6;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? QLatin1Char('[') + a.toString() + QLatin1Char(']')
                                                                        : a.toString();
    return host + QLatin1Char(':') + QString::number(port());
}

QString LenderAgent::advertisedAddress() const
{
    if (!m_config.advertisedAddress.isEmpty())
        return m_config.advertisedAddress;
    const QHostAddress a = m_config.listenAddress;
    if (a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a == QHostAddress::AnyIPv6)
        return QHostInfo::localHostName() + QLatin1Char(':') + QString::number(port());
    return localAddress();
}

QString LenderAgent::addressFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("agent.address"));
}

QString LenderAgent::lockFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("agent.lock"));
}

MarketLink *LenderAgent::market(const QString &marketId) const
{
    for (MarketLink *l : m_markets)
        if (l->marketId() == marketId)
            return l;
    return nullptr;
}

Result<MarketLink *> LenderAgent::chooseMarket(const QString &marketId) const
{
    if (!marketId.trimmed().isEmpty()) {
        MarketLink *link = market(marketId.trimmed().toLower());
        if (!link)
            return Error(ErrorCode::NotFound, QStringLiteral("the agent does not work with market %1").arg(marketId));
        return link;
    }
    if (m_markets.size() != 1)
        return Error(ErrorCode::InvalidArgument, m_markets.isEmpty()
                                                     ? QStringLiteral("the agent works with no market (start it with --market and --market-id)")
                                                     : QStringLiteral("the agent works with several markets: name one with --market-id"));
    return m_markets.first();
}

Result<void> LenderAgent::start()
{
    m_virt->setEventHandler([this](const DomainEvent &ev) { onDomainEvent(ev); });
    connect(m_virt.get(), &VirtConnection::connectionLost, this, [this] {
        notifyOwnersOfMachine();
        emit libvirtConnectionChanged(false, m_virt->problem());
    });
    connect(m_virt.get(), &VirtConnection::reconnected, this, &LenderAgent::onLibvirtReconnected);
    if (Result<void> r = reconcile(); !r.ok())
        return r;
    chooseVirtType();
    // Direct leases whose time limit passed while the agent was down end now, at their limit.
    m_directLeaseTimer.setSingleShot(true);
    m_directLeaseTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_directLeaseTimer, &QTimer::timeout, this, [this] { endExpiredDirectLeases(nowMs()); });
    endExpiredDirectLeases(nowMs());

    HandshakeConfig hc;
    hc.localNodeId = nodeId();
    hc.localRole = QStringLiteral("lender");
    hc.acceptedRoles = {QStringLiteral("borrower"), QStringLiteral("owner")};
    hc.idleTimeoutMs = qMax(0, m_config.idleTimeoutMs);
    m_server = std::make_unique<Server>(m_identity, hc);
    const QString self = nodeId();
    const QStringList owners = m_config.ownerIds;
    m_server->setAdmission([self, owners](const QString &peerId, const QString &role) -> Result<void> {
        if (role == QLatin1String("owner") && peerId != self && !owners.contains(peerId))
            return Error(ErrorCode::PeerNotAllowed,
                         QStringLiteral("node %1 may not act as this machine's owner (start the CLI with the agent's --data directory)")
                             .arg(peerId.left(12)));
        return {};
    });
    setupDispatcher();
    connect(m_server.get(), &Server::channelEstablished, this, [this](Channel *c) { m_dispatcher.attach(c); });
    if (Result<void> l = m_server->listen(m_config.listenAddress, m_config.listenPort); !l.ok())
        return l;

    QSaveFile af(addressFilePath(m_config.dataDir));
    if (af.open(QIODevice::WriteOnly)) {
        af.write((localAddress() + QLatin1Char('\n') + nodeId() + QLatin1Char('\n')).toUtf8());
        af.commit();
    }

    for (const MarketEndpoint &e : std::as_const(m_config.markets)) {
        auto *link = new MarketLink(m_identity, e, this);
        setupMarketHandlers(link);
        connect(link, &MarketLink::connected, this, [this, link] {
            sendPendingViolations(link);
            sendPendingWithdrawals(link);
            sendHeartbeat(link);
            if (m_config.reconcileContractsOnConnect)
                reconcileContracts(link);
            emit marketConnected(link->marketId());
        });
        m_markets << link;
        link->start();
    }

    connect(&m_auditTimer, &QTimer::timeout, this, &LenderAgent::auditNow);
    m_auditTimer.start(m_config.auditIntervalMs);
    connect(&m_usageTimer, &QTimer::timeout, this, &LenderAgent::sampleUsage);
    m_outputPacer.setInterval(20);
    connect(&m_outputPacer, &QTimer::timeout, this, &LenderAgent::paceOutput);
    m_usageTimer.start(1000);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &LenderAgent::sendHeartbeats);
    m_heartbeatTimer.start(m_config.heartbeatIntervalMs);
    if (m_config.resultRetentionMs > 0) {
        removeExpiredResults(nowMs());
        connect(&m_resultSweepTimer, &QTimer::timeout, this, [this] { removeExpiredResults(nowMs()); });
        // Results go at most a tenth of their retention late.
        m_resultSweepTimer.start(int(qBound(qint64(1000), m_config.resultRetentionMs / 10, qint64(3600) * 1000)));
    }
    return {};
}

int LenderAgent::removeExpiredResults(qint64 nowMs)
{
    if (m_config.resultRetentionMs <= 0)
        return 0;
    Result<QList<JobRecord>> expired = m_store->jobsWithResultsEndedBefore(nowMs - m_config.resultRetentionMs);
    if (!expired.ok()) {
        qWarning("lender: cannot look for job results past their retention: %s", qPrintable(expired.error().toString()));
        return 0;
    }
    int removed = 0;
    for (const JobRecord &j : std::as_const(*expired)) {
        if (m_runners.contains(j.jobId))
            continue; // still collecting
        // The job's directory holds its output files and console, nothing else of use: the
        // share went when the job was collected.
        QDir dir(j.jobDir);
        if (dir.exists() && !dir.removeRecursively()) {
            qWarning("lender: cannot remove the results of job %s in %s", qPrintable(j.jobId), qPrintable(j.jobDir));
            continue;
        }
        if (Result<void> m = m_store->markResultsRemoved(j.jobId, nowMs); !m.ok()) {
            qWarning("lender: %s", qPrintable(m.error().toString()));
            continue;
        }
        ++removed;
    }
    if (removed > 0)
        qInfo("lender: removed the results of %d job(s) that ended more than %s ago", removed,
              qPrintable(retentionText(m_config.resultRetentionMs)));
    return removed;
}

// ───────────── KVM or TCG ─────────────

void LenderAgent::chooseVirtType()
{
    VirtChoiceInput in;
    in.forced = m_config.virtType;
    in.qemuDriver = !m_virt->isTestDriver() && m_virt->driverType() == QLatin1String("QEMU");
    in.kvmDevice = QFile::exists(QStringLiteral("/dev/kvm"));
    in.kernelRelease = hostKernelRelease();
    unsigned long hv = 0;
    if (in.qemuDriver && virConnectGetVersion(m_virt->raw(), &hv) == 0)
        in.qemuVersion = formatHypervisorVersion(hv);
    const QString path = verdictPath(m_config.dataDir);
    if (Result<std::optional<VirtVerdict>> cached = loadVerdict(path); cached.ok())
        in.cached = *cached;
    else
        qWarning("lender: ignoring the cached KVM verdict: %s", qPrintable(cached.error().message));
    // Any image boots for the test; the default one is the smallest.
    Result<ImageEntry> image = m_images.find(QStringLiteral("busybox"));
    if (!image.ok() && !m_images.list().isEmpty())
        image = m_images.list().first();
    in.probeImage = image.ok();

    const VirtChoice choice = decideVirtType(in);
    m_env.virtType = choice.virtType;
    m_virtReason = choice.reason;
    qInfo("lender: domain type %s: %s", qPrintable(choice.virtType), qPrintable(choice.reason));
    if (choice.action != VirtChoice::Action::Probe)
        return;
    m_kvmProbe = new KvmProbe(m_env, m_config.dataDir, *image, m_config.kvmProbeTimeoutS, this);
    connect(m_kvmProbe, &KvmProbe::done, this, [this, path, kernel = in.kernelRelease, qemu = in.qemuVersion](VirtVerdict v) {
        v.kernelRelease = kernel;
        v.qemuVersion = qemu;
        if (Result<void> s = saveVerdict(path, v); !s.ok())
            qWarning("lender: %s", qPrintable(s.error().toString()));
        m_env.virtType = v.virtType;
        m_virtReason = v.reason;
        qInfo("lender: domain type %s: %s (kernel %s, QEMU %s; cached in %s)", qPrintable(v.virtType), qPrintable(v.reason),
              qPrintable(kernel), qPrintable(qemu), qPrintable(path));
        if (m_kvmProbe)
            m_kvmProbe->deleteLater();
        m_kvmProbe = nullptr;
        emit virtTypeDecided(v.virtType, v.reason);
    });
    m_kvmProbe->start();
}

// ───────────── restart safety ─────────────

Result<void> LenderAgent::reconcile()
{
    Result<QStringList> active = m_virt->activeDomainNames(QLatin1String(kDomainPrefix));
    if (!active.ok())
        return active.error();
    Result<QList<JobRecord>> unfinished = m_store->unfinishedJobs();
    if (!unfinished.ok())
        return unfinished.error();
    QSet<QString> claimed;
    for (const JobRecord &j : std::as_const(*unfinished)) {
        Result<PartitionRecord> p = m_store->partition(j.partitionId);
        const Resources res = p.ok() ? p->resources : Resources{1, 256, 0};
        JobRunner *runner = addRunner(j, res);
        if (active->contains(j.domainName)) {
            claimed.insert(j.domainName);
            runner->resume();
        } else {
            runner->collectNow();
        }
    }
    // Domains this agent started that no job claims are orphans from a crash between
    // starting a domain and recording it.
    destroyOrphanDomains(*active, claimed);
    // Image downloads an earlier agent did not finish (a partial archive, a half-unpacked
    // image) are of no use: none is under way yet, and each starts anew.
    QDir(m_imageDownloads.workDir()).removeRecursively();
    // Shares of finished jobs are the guest's view only; nothing reads them any more.
    const QDir jobs(QDir(m_config.dataDir).filePath(QStringLiteral("jobs")));
    for (const QString &id : jobs.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (m_runners.contains(id))
            continue;
        if (id.startsWith(QLatin1String("kvmprobe-"))) {
            // A KVM smoke boot the agent did not see to its end (its domain went above).
            QDir(jobs.filePath(id)).removeRecursively();
            continue;
        }
        const QString share = JobRunner::shareDir(jobs.filePath(id));
        if (QDir(share).exists())
            QDir(share).removeRecursively();
    }
    return {};
}

void LenderAgent::destroyOrphanDomains(const QStringList &active, const QSet<QString> &claimed)
{
    // Other agents on the same libvirt (other data directories) keep theirs: the metadata
    // names the owner.
    for (const QString &name : active) {
        if (claimed.contains(name))
            continue;
        DomainRef d = m_virt->lookup(name);
        if (!d)
            continue;
        Result<QString> xml = m_virt->liveXml(d.get());
        Result<ParsedDomain> parsed = xml.ok() ? parseDomainXml(*xml) : Result<ParsedDomain>(xml.error());
        if (!parsed.ok() || parsed->agentId != nodeId())
            continue;
        qWarning("lender: destroying orphan domain %s", qPrintable(name));
        if (Result<void> r = m_virt->destroy(name); !r.ok())
            qWarning("lender: %s", qPrintable(r.error().toString()));
    }
}

void LenderAgent::onLibvirtReconnected()
{
    // While the daemon was away, a job whose guest finished, or that was cancelled or ran out
    // of time, was collected but its domain could not be destroyed: it still holds the
    // partition's CPUs and memory. Every domain of this agent that no running job claims goes.
    // Lifecycle events of that time are lost; each running job asks libvirt about its domain
    // on its next tick.
    Result<QStringList> active = m_virt->activeDomainNames(QLatin1String(kDomainPrefix));
    if (!active.ok()) {
        qWarning("lender: cannot look for domains left behind: %s", qPrintable(active.error().toString()));
        // Lost again at once (the owners heard so), or connected but unable to list.
        if (m_virt->isConnected()) {
            notifyOwnersOfMachine();
            emit libvirtConnectionChanged(true, QString());
        }
        return;
    }
    QSet<QString> claimed;
    for (const JobRunner *runner : std::as_const(m_runners))
        if (runner->isRunning())
            claimed.insert(runner->domainName());
    if (m_kvmProbe)
        for (const QString &name : std::as_const(*active))
            if (name.startsWith(QLatin1String(kDomainPrefix) + QLatin1String("kvmprobe-")))
                claimed.insert(name);
    destroyOrphanDomains(*active, claimed);
    auditNow();
    notifyOwnersOfMachine();
    emit libvirtConnectionChanged(true, QString());
}

// ───────────── libvirt events, lock, usage ─────────────

void LenderAgent::onDomainEvent(const DomainEvent &ev)
{
    const QString jobId = m_runnerByDomain.value(ev.domainName);
    JobRunner *runner = m_runners.value(jobId);
    if (!runner)
        return;
    if (ev.kind == DomainEvent::Kind::Lifecycle) {
        if (ev.lifecycleEvent == VIR_DOMAIN_EVENT_STOPPED || ev.lifecycleEvent == VIR_DOMAIN_EVENT_CRASHED)
            runner->domainStopped();
        else if (ev.lifecycleEvent == VIR_DOMAIN_EVENT_SHUTDOWN && ev.lifecycleDetail == VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED)
            runner->domainStopped();
        else if (ev.lifecycleEvent == VIR_DOMAIN_EVENT_SHUTDOWN && ev.lifecycleDetail == VIR_DOMAIN_EVENT_SHUTDOWN_GUEST)
            // The guest powered off: it is done, whatever libvirt does next.
            runner->guestFinished();
    } else {
        // A tunable changed: audit at once rather than at the next tick.
        QTimer::singleShot(0, this, &LenderAgent::auditNow);
    }
}

void LenderAgent::auditNow()
{
    if (!m_virt->isConnected())
        return; // nothing can be read or restored; the audit runs again on reconnection
    const QList<JobRunner *> runners = m_runners.values();
    for (JobRunner *runner : runners) {
        if (!runner->isRunning())
            continue;
        const JobRecord rec = runner->record();
        Result<AuditResult> audit = auditAndRestore(*m_virt, runner->domainName(), runner->lease());
        if (!audit.ok())
            continue;
        if (!audit->violated()) {
            m_lastViolation.remove(rec.jobId);
            continue;
        }
        const QString detail = audit->detail();
        // A change the agent could not put back is found again every second: reported once.
        // One it put back is gone, and the same change made again is a new violation.
        if (audit->restored()) {
            m_lastViolation.remove(rec.jobId);
        } else {
            if (m_lastViolation.value(rec.jobId) == detail)
                continue;
            m_lastViolation.insert(rec.jobId, detail);
        }
        qWarning("lender: lock violation on partition %s (job %s): %s", qPrintable(rec.partitionId),
                 qPrintable(rec.jobId), qPrintable(detail));
        emit violationDetected(rec.partitionId, detail, audit->restored());
        reportViolation(rec.partitionId, rec.contractId, detail, audit->restored());
    }
}

void LenderAgent::reportViolation(const QString &partitionId, const QString &contractId, const QString &detail, bool restored)
{
    const qint64 atMs = nowMs();
    // Every violation goes to the market, restored or not. One the agent could not undo ends
    // the contract there, so the report must not be lost while the market is unreachable: it
    // is kept until the market acknowledges it, and sent again on each connection.
    QString reportedTo;
    Result<ContractRecord> c = m_store->contract(contractId);
    if (c.ok() && !c->marketId.isEmpty()) {
        if (MarketLink *link = market(c->marketId)) {
            PendingViolation v{.id = 0, .marketId = c->marketId, .partitionId = partitionId, .contractId = contractId,
                               .detail = detail, .restored = restored, .atMs = atMs};
            if (Result<qint64> id = m_store->addPendingViolation(v); id.ok()) {
                v.id = *id;
                if (link->isConnected())
                    sendViolation(link, v);
            } else {
                // Cannot be kept: sent now at least (or once the market is connected again).
                qWarning("lender: cannot keep the violation report on partition %s: %s", qPrintable(partitionId),
                         qPrintable(id.error().toString()));
                link->notify(ReportViolation{.partitionId = partitionId, .contractId = contractId, .detail = detail, .restored = restored});
            }
            reportedTo = c->marketId;
        }
    }
    // The owner is told too: the change undone may well be the owner's own.
    notifyOwnersOfViolation(LockViolated{.partitionId = partitionId, .contractId = contractId, .detail = detail,
                                         .restored = restored, .atMs = atMs, .marketId = reportedTo});
}

void LenderAgent::sendViolation(MarketLink *link, const PendingViolation &v)
{
    if (m_violationsInFlight.contains(v.id))
        return; // its answer is still awaited
    m_violationsInFlight.insert(v.id);
    link->request<Ack>(
        ReportViolation{.partitionId = v.partitionId, .contractId = v.contractId, .detail = v.detail, .restored = v.restored}, this,
        [this, marketId = link->marketId(), v](Result<Ack> r) {
            m_violationsInFlight.remove(v.id);
            if (!r.ok()) {
                qWarning("lender: market %s did not take the report of the violation on partition %s (sent again on the next "
                         "connection): %s",
                         qPrintable(marketId.left(12)), qPrintable(v.partitionId), qPrintable(r.error().toString()));
                return;
            }
            if (Result<void> done = m_store->removePendingViolation(v.id); !done.ok())
                qWarning("lender: %s", qPrintable(done.error().toString()));
        },
        protocol::kDefaultRequestTimeoutMs, 0);
}

void LenderAgent::sendPendingViolations(MarketLink *link)
{
    Result<QList<PendingViolation>> pending = m_store->pendingViolations(link->marketId());
    if (!pending.ok()) {
        qWarning("lender: cannot read the violation reports market %s has not acknowledged: %s",
                 qPrintable(link->marketId().left(12)), qPrintable(pending.error().toString()));
        return;
    }
    for (const PendingViolation &v : std::as_const(*pending))
        sendViolation(link, v);
}

void LenderAgent::sampleUsage()
{
    if (m_runners.isEmpty() || !m_virt->isConnected())
        return;
    virDomainStatsRecordPtr *records = nullptr;
    // NOWAIT: a domain busy in a libvirt job (starting, stopping) is skipped for this sample
    // instead of stalling the agent's event loop (measured: up to 0.8 s at a guest's power-off).
    const int n = virConnectGetAllDomainStats(m_virt->raw(), VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON, &records,
                                              VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    if (n < 0)
        return;
    const qint64 atMs = nowMs();
    QElapsedTimer mono;
    mono.start();
    for (int i = 0; i < n; ++i) {
        const QString name = QString::fromUtf8(virDomainGetName(records[i]->dom));
        JobRunner *runner = m_runners.value(m_runnerByDomain.value(name));
        if (!runner)
            continue;
        unsigned long long cpuTime = 0;
        unsigned long long rssKib = 0;
        virTypedParamsGetULLong(records[i]->params, records[i]->nparams, "cpu.time", &cpuTime);
        virTypedParamsGetULLong(records[i]->params, records[i]->nparams, "balloon.rss", &rssKib);
        const qint64 nowNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
        CpuSample &prev = m_cpuSamples[runner->record().jobId];
        int permille = 0;
        if (prev.cpuTimeNs >= 0 && nowNs > prev.atNs) {
            const double used = double(qint64(cpuTime) - prev.cpuTimeNs) / double(nowNs - prev.atNs);
            permille = int(qBound(0.0, used * 1000.0 / qMax(1, runner->spec().vcpus), 1000.0));
        }
        prev.cpuTimeNs = qint64(cpuTime);
        prev.atNs = nowNs;
        const UsageSample sample{.partitionId = runner->record().partitionId, .atMs = atMs, .cpuPermille = permille,
                                 .memoryUsedMib = qint64(rssKib / 1024), .memoryMib = runner->spec().memoryMib};
        for (const QPointer<Channel> &w : m_jobWatchers.value(runner->record().jobId))
            if (w)
                w->push(sample);
        for (const QPointer<Channel> &w : std::as_const(m_ownerWatchers))
            if (w)
                w->push(sample);
    }
    virDomainStatsRecordListFree(records);
}

// ───────────── markets ─────────────

void LenderAgent::sendHeartbeats()
{
    for (MarketLink *l : std::as_const(m_markets))
        if (l->isConnected())
            sendHeartbeat(l);
}

void LenderAgent::sendHeartbeat(MarketLink *link)
{
    LenderHeartbeat hb;
    hb.agentAddress = advertisedAddress();
    if (Result<QList<PartitionRecord>> ps = m_store->partitions(); ps.ok())
        for (const PartitionRecord &p : std::as_const(*ps))
            if (p.marketId == link->marketId())
                hb.partitionIds << p.partitionId;
    link->notify(hb);
}

void LenderAgent::setupMarketHandlers(MarketLink *link)
{
    Dispatcher &d = link->dispatcher();
    d.on<ContractStarted>([this, link](const ContractStarted &m, const RequestContext &ctx) {
        // S48: the market concluded a contract. Only the market that manages the partition may
        // lend it (FIG. 11): a partition is never lent by two markets.
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        Error refusal;
        if (!p.ok())
            refusal = p.error();
        else if (p->marketId != link->marketId())
            refusal = Error(ErrorCode::Conflict, QStringLiteral("partition %1 is not registered with this market").arg(m.partitionId));
        if (!refusal.isError() && !p->contractId.isEmpty() && p->contractId != m.contractId) {
            // This machine still holds an earlier contract of this market on the partition: its
            // end never reached us (it ended while we were away, longer than the market replays
            // ends for). The market lends a partition only once its contract has ended, so that
            // one ended before this one started; it gives way, and the new contract is honoured.
            if (Result<ContractRecord> stale = m_store->contract(p->contractId);
                stale.ok() && stale->isRunning() && stale->marketId == link->marketId()) {
                qInfo("lender: contract %s on %s ended at the market before %s started; its end had not reached us",
                      qPrintable(stale->contractId), qPrintable(m.partitionId), qPrintable(m.contractId));
                endContractLocally(stale->contractId, qMax(stale->startedAtMs, m.startedAtMs),
                                   QStringLiteral("the market lent the partition again"));
                learnEndFromMarket(link, stale->contractId);
                p = m_store->partition(m.partitionId);
                if (!p.ok())
                    refusal = p.error();
            }
        }
        if (!refusal.isError()) {
            ContractRecord c{.contractId = m.contractId, .partitionId = m.partitionId, .borrowerId = m.borrowerId,
                             .keyHash = m.keyHash, .marketId = link->marketId(), .startedAtMs = m.startedAtMs,
                             .endedAtMs = 0, .maxDurationS = qBound<qint64>(0, m.maxDurationS, protocol::kMaxContractDurationS),
                             .ratePerHour = p->ratePerHour,
                             .borrowerName = shownBorrowerName(m.borrowerName.value_or(QString()))};
            if (Result<void> r = m_store->startContract(c); !r.ok() && r.error().code != ErrorCode::AlreadyExists) {
                refusal = r.error();
            } else if (!r.ok()) {
                // Known already: told again (this machine came back to the market), or first
                // learnt from a borrower's key (FIG. 15), which told neither the contract's
                // start nor its time limit. The market's word on them counts: earnings are
                // counted from the start, and jobs end by the limit.
                if (Result<void> terms = m_store->takeMarketTerms(c); !terms)
                    qWarning("lender: contract %s: %s", qPrintable(m.contractId), qPrintable(terms.error().toString()));
                // The name the borrower goes by now.
                if (m.borrowerName)
                    if (Result<void> renamed = m_store->renameBorrower(m.contractId, link->marketId(), m.borrowerId, c.borrowerName); !renamed)
                        qWarning("lender: contract %s: %s", qPrintable(m.contractId), qPrintable(renamed.error().toString()));
            }
        }
        if (refusal.isError()) {
            qWarning("lender: contract %s refused: %s", qPrintable(m.contractId), qPrintable(refusal.toString()));
            ctx.fail(refusal); // (a notice is a push: nobody reads this answer)
            // The borrower holds a key this machine will not honour: the market must end the
            // contract (billed to now, counted against this lender) and stop offering the
            // partition until it is registered again.
            link->notify(PartitionLost{.partitionId = m.partitionId,
                                       .reason = QStringLiteral("the lender refused contract %1: %2").arg(m.contractId, refusal.message)});
            return;
        }
        ctx.reply(Ack{});
        notifyOwnersById(m.partitionId);
    });
    d.on<ContractEnded>([this, link](const ContractEnded &m, const RequestContext &ctx) {
        Result<ContractRecord> c = m_store->contract(m.contractId);
        if (!c.ok() || c->marketId != link->marketId()) {
            ctx.fail(c.ok() ? Error(ErrorCode::PermissionDenied, QStringLiteral("contract %1 belongs to another market").arg(m.contractId))
                            : c.error());
            return;
        }
        endContractLocally(m.contractId, m.endedAtMs > 0 ? m.endedAtMs : nowMs(), marketEndWhy(m.reason));
        ctx.reply(Ack{});
    });
    d.on<AllocationChanged>([this, link](const AllocationChanged &m, const RequestContext &ctx) {
        // Second embodiment: the market rebalances an externally referenced partition; it takes
        // effect when the partition is next generated (the next job).
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok() || p->marketId != link->marketId() || !p->externallyReferenced || !p->contractId.isEmpty()) {
            ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 cannot be rebalanced now").arg(m.partitionId)));
            return;
        }
        // No smaller than this agent builds a partition, as the market rebalances: a component
        // the partition already has less of (registered by an older agent) may stay.
        const Resources least = leastRebalanceFor(p->resources);
        if (m.resources.anyNegative() || !least.fitsWithin(m.resources)) {
            ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("partition %1 needs at least %2 (the market asked for %3)")
                                                           .arg(m.partitionId, least.toString(), m.resources.toString())));
            return;
        }
        Result<Resources> host = hostResources();
        Result<Resources> reserve = m_store->reserve();
        Result<Resources> others = allocatedTotal(m.partitionId);
        if (!host.ok() || !reserve.ok() || !others.ok()) {
            ctx.fail(Error(ErrorCode::Internal, QStringLiteral("cannot read the machine's budget")));
            return;
        }
        if (Result<void> fits = checkPartitionFits(*host, *reserve, *others, m.resources); !fits.ok()) {
            ctx.fail(fits.error());
            return;
        }
        PartitionRecord np = *p;
        np.resources = m.resources;
        if (Result<void> u = m_store->updatePartition(np); !u.ok()) {
            ctx.fail(u.error());
            return;
        }
        ctx.reply(Ack{});
        notifyOwners(np);
    });
}

void LenderAgent::endContractLocally(const QString &contractId, qint64 endedAtMs, const QString &why)
{
    Result<ContractRecord> c = m_store->contract(contractId);
    if (!c.ok())
        return;
    // The key is dead: a job still running under it stops, saying why (not as though its
    // borrower had cancelled it).
    for (JobRunner *r : m_runners.values())
        if (r->record().contractId == contractId) {
            qInfo("lender: stopping job %s: %s", qPrintable(r->record().jobId), qPrintable(why));
            r->cancel(QStringLiteral("stopped: ") + why);
        }
    if (Result<void> e = m_store->endContract(contractId, endedAtMs); !e.ok())
        qWarning("lender: %s", qPrintable(e.error().toString()));
    notifyOwnersById(c->partitionId);
}

void LenderAgent::endExpiredDirectLeases(qint64 nowMs)
{
    m_directLeaseTimer.stop();
    Result<QList<ContractRecord>> running = m_store->runningContracts();
    if (!running.ok()) {
        qWarning("lender: cannot read the running contracts: %s", qPrintable(running.error().toString()));
        return;
    }
    std::optional<qint64> next;
    for (const ContractRecord &c : std::as_const(*running)) {
        if (!c.marketId.isEmpty() || c.maxDurationS <= 0)
            continue; // a market ends its own contracts
        const qint64 limitAtMs = c.limitAtMs();
        if (limitAtMs <= nowMs) {
            qInfo("lender: direct lease %s of partition %s reached its time limit (%lld s)", qPrintable(c.contractId),
                  qPrintable(c.partitionId), static_cast<long long>(c.maxDurationS));
            // Ended at its limit, as a market ends a contract at its longest duration.
            endContractLocally(c.contractId, limitAtMs, QStringLiteral("the direct lease reached its time limit"));
        } else if (!next || limitAtMs < *next) {
            next = limitAtMs;
        }
    }
    // At most an hour at a time: a timer's interval is an int of milliseconds, and a clock
    // that jumps is caught up with.
    if (next)
        m_directLeaseTimer.start(int(qBound<qint64>(1, *next - nowMs, qint64(3600) * 1000)));
}

void LenderAgent::askMarketForEnd(MarketLink *link, const QString &contractId, std::function<void(qint64 endedAtMs)> ended)
{
    // An older market ignores contractId and answers with its newest bills, which may hold it.
    link->request<BillList>(ListBills{.contractId = contractId}, this, [contractId, ended = std::move(ended)](Result<BillList> r) {
        if (!r.ok()) {
            qInfo("lender: cannot learn whether contract %s ended at the market: %s", qPrintable(contractId),
                  qPrintable(r.error().toString()));
            return;
        }
        for (const Bill &b : std::as_const(r->bills)) {
            if (b.contractId == contractId && b.endedAtMs > 0) {
                qInfo("lender: contract %s ended at the market at %s", qPrintable(contractId),
                      qPrintable(QDateTime::fromMSecsSinceEpoch(b.endedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)));
                ended(b.endedAtMs);
                return;
            }
        }
    });
}

void LenderAgent::learnEndFromMarket(MarketLink *link, const QString &contractId)
{
    // The end just recorded is the next contract's start, a guess that can only be late.
    askMarketForEnd(link, contractId, [this, contractId](qint64 endedAtMs) {
        if (Result<void> fixed = m_store->correctEnd(contractId, endedAtMs); !fixed.ok())
            qWarning("lender: contract %s: %s", qPrintable(contractId), qPrintable(fixed.error().toString()));
        else if (Result<ContractRecord> c = m_store->contract(contractId); c.ok())
            notifyOwnersById(c->partitionId);
    });
}

void LenderAgent::sendPendingWithdrawals(MarketLink *link)
{
    Result<QStringList> pending = m_store->pendingWithdrawals(link->marketId());
    if (!pending.ok()) {
        qWarning("lender: cannot read the withdrawals market %s has not heard of: %s", qPrintable(link->marketId().left(12)),
                 qPrintable(pending.error().toString()));
        return;
    }
    const QString marketId = link->marketId();
    for (const QString &id : std::as_const(*pending)) {
        auto heard = [this, marketId, id] {
            if (Result<void> r = m_store->removePendingWithdrawal(marketId, id); !r.ok())
                qWarning("lender: %s", qPrintable(r.error().toString()));
            else
                qInfo("lender: market %s heard of the withdrawal of partition %s", qPrintable(marketId.left(12)), qPrintable(id));
        };
        link->request<Ack>(WithdrawPartition{.partitionId = id}, this, [this, link, id, heard](Result<Ack> r) {
            if (r.ok() || r.error().code == ErrorCode::NotFound)
                return heard();
            if (r.error().code != ErrorCode::Conflict) {
                qWarning("lender: market %s did not take the withdrawal of partition %s (tried again on the next connection): %s",
                         qPrintable(link->marketId().left(12)), qPrintable(id), qPrintable(r.error().toString()));
                return;
            }
            // The market lent it while it could not reach this machine: that contract cannot
            // run here. Reported lost, the market ends it and takes the partition off offer.
            link->request<Ack>(PartitionLost{.partitionId = id,
                                             .reason = QStringLiteral("the owner withdrew the partition while this market was unreachable")},
                               this, [link, id, heard](Result<Ack> lost) {
                                   // not_found: the market has it on offer no more (its contract
                                   // ended otherwise meanwhile, a refused job's report, say).
                                   if (lost.ok() || lost.error().code == ErrorCode::NotFound)
                                       return heard();
                                   qWarning("lender: market %s did not take the loss of partition %s (tried again on the next connection): %s",
                                            qPrintable(link->marketId().left(12)), qPrintable(id), qPrintable(lost.error().toString()));
                               });
        });
    }
}

void LenderAgent::reconcileContracts(MarketLink *link)
{
    Result<QList<ContractRecord>> running = m_store->runningContracts();
    if (!running.ok()) {
        qWarning("lender: cannot read the running contracts: %s", qPrintable(running.error().toString()));
        return;
    }
    for (const ContractRecord &c : std::as_const(*running)) {
        if (c.marketId != link->marketId())
            continue;
        askMarketForEnd(link, c.contractId, [this, id = c.contractId](qint64 endedAtMs) {
            // A no-op if the market's replayed ContractEnded came first.
            endContractLocally(id, endedAtMs, QStringLiteral("the contract ended at the market while this machine was away"));
        });
    }
}

// ───────────── owner ─────────────

void LenderAgent::requireImagesHeld(MarketLink *link, const QString &partitionId, const QStringList &osImages, bool altering,
                                    const RequestContext &ctx, std::function<void()> then)
{
    // An offer of an OS image that neither this machine nor the market has would be
    // borrowed and paid for, and could run nothing: refused here.
    QStringList missing;
    for (const QString &os : osImages)
        if (!m_images.find(os).ok())
            missing << os;
    if (missing.isEmpty())
        return then();
    link->request<ImageList>(ListImages{}, this, [ctx, partitionId, link, missing, altering, then](Result<ImageList> held) {
        if (!held.ok()) {
            // A market that cannot say (an older one) decides when it is told.
            if (held.error().code == ErrorCode::UnknownMessageType || held.error().code == ErrorCode::Unsupported)
                return then();
            return ctx.fail(held.error());
        }
        QStringList absent = missing;
        for (const ImageInfo &i : std::as_const(held->images))
            absent.removeAll(i.name);
        if (absent.isEmpty())
            return then();
        const QString images = absent.join(QStringLiteral(", "));
        const QString market = link->marketId().left(12);
        ctx.fail(Error(ErrorCode::NotFound,
                       altering ? QStringLiteral("partition %1 cannot offer OS image %2, which neither this machine nor market %3 "
                                                 "has: add it first (image add NAME DIR)")
                                      .arg(partitionId, images, market)
                                : QStringLiteral("partition %1 offers OS image %2, which neither this machine nor market %3 has: "
                                                 "add it (image add NAME DIR) or alter the partition's --os")
                                      .arg(partitionId, images, market)));
    });
}

Result<void> LenderAgent::requireOwner(const RequestContext &ctx) const
{
    if (ctx.peerRole() != QLatin1String("owner"))
        return Error(ErrorCode::PermissionDenied, QStringLiteral("only the machine's owner may do this"));
    return {};
}

std::shared_ptr<void> LenderAgent::claimPartition(const QString &partitionId, const QString &what)
{
    m_changesUnderWay->insert(partitionId, what);
    return std::shared_ptr<void>(nullptr, [under = std::weak_ptr<QHash<QString, QString>>(m_changesUnderWay), partitionId](void *) {
        if (const std::shared_ptr<QHash<QString, QString>> changes = under.lock())
            changes->remove(partitionId);
    });
}

Result<void> LenderAgent::requireNoChangeUnderWay(const QString &partitionId) const
{
    if (const auto it = m_changesUnderWay->constFind(partitionId); it != m_changesUnderWay->cend())
        return Error(ErrorCode::Conflict, QStringLiteral("partition %1 is %2: try again once the market has answered").arg(partitionId, *it));
    return {};
}

Result<Resources> LenderAgent::hostResources() const
{
    Result<Resources> host = m_virt->hostResources(m_config.dataDir);
    if (!host.ok())
        return host;
    qint64 runningBytes = 0;
    for (const JobRunner *r : m_runners)
        runningBytes += r->diskUsedBytes();
    host->diskMib += runningBytes / (1024 * 1024);
    return host;
}

Result<Resources> LenderAgent::allocatedTotal(const QString &exceptPartition)
{
    Result<QList<PartitionRecord>> ps = m_store->partitions();
    if (!ps.ok())
        return ps.error();
    // A partition whose last domain is still going away (libvirt could not destroy it yet)
    // has what that domain holds, whatever its allocation says now.
    const auto withDraining = [this](const QString &partitionId, Resources r) {
        if (const JobRunner *d = m_draining.value(partitionId)) {
            r.cpus = qMax(r.cpus, d->resources().cpus);
            r.memoryMib = qMax(r.memoryMib, d->resources().memoryMib);
            r.diskMib = qMax(r.diskMib, d->resources().diskMib);
        }
        return r;
    };
    Resources total;
    QSet<QString> listed;
    for (const PartitionRecord &p : std::as_const(*ps)) {
        listed.insert(p.partitionId);
        if (p.partitionId != exceptPartition)
            total += withDraining(p.partitionId, p.resources);
    }
    for (auto it = m_draining.cbegin(); it != m_draining.cend(); ++it)
        if (!listed.contains(it.key()) && it.key() != exceptPartition)
            total += withDraining(it.key(), Resources{});
    return total;
}

Result<MachineInfo> LenderAgent::machineInfo()
{
    Result<Resources> host = hostResources();
    if (!host.ok())
        return host.error();
    Result<Resources> reserve = m_store->reserve();
    if (!reserve.ok())
        return reserve.error();
    Result<Resources> allocated = allocatedTotal();
    if (!allocated.ok())
        return allocated.error();
    MachineInfo mi;
    mi.host = *host;
    mi.reserve = *reserve;
    mi.allocated = *allocated;
    // What is left to lend, never below none: when the free disk shrank below what the
    // partitions were promised, host − reserve − allocated says by how much (the owner's
    // window shows it), and nothing more can be lent.
    const Resources left = MachineBudget{*host, *reserve, *allocated}.available();
    mi.available = Resources{qMax(0, left.cpus), qMax<qint64>(0, left.memoryMib), qMax<qint64>(0, left.diskMib)};
    mi.libvirtUri = m_virt->uri();
    mi.virtType = m_env.virtType;
    mi.hostName = m_virt->hostName();
    if (!m_virt->isConnected())
        mi.libvirtProblem = m_virt->problem();
    QStringList markets;
    for (const MarketLink *l : m_markets)
        markets << l->marketId();
    mi.marketIds = markets;
    return mi;
}

PartitionState LenderAgent::stateOf(const PartitionRecord &p)
{
    PartitionState s;
    s.partitionId = p.partitionId;
    s.conditions = LendingConditions{p.resources, p.osImages, p.ratePerHour, p.maxDurationS};
    s.state = p.state;
    s.marketId = p.marketId;
    s.contractId = p.contractId;
    s.borrowerId = p.borrowerId;
    s.earnings = p.earnings;
    s.externallyReferenced = p.externallyReferenced;
    if (!p.contractId.isEmpty()) {
        // What the running contract has earned so far is the owner's to work out from its
        // start and rate (earnings counts ended contracts only).
        if (Result<ContractRecord> c = m_store->contract(p.contractId); c.ok() && c->isRunning()) {
            s.contractStartedAtMs = c->startedAtMs;
            s.contractRatePerHour = c->ratePerHour;
            if (!c->borrowerName.isEmpty())
                s.borrowerName = c->borrowerName;
        }
    }
    for (JobRunner *r : m_runners)
        if (r->record().partitionId == p.partitionId) {
            s.jobId = r->record().jobId;
            s.state = QStringLiteral("running");
        }
    return s;
}

void LenderAgent::notifyOwners(const PartitionRecord &p)
{
    const PartitionInfo info{.partition = stateOf(p)};
    for (const QPointer<Channel> &w : std::as_const(m_ownerWatchers))
        if (w)
            w->push(info);
}

void LenderAgent::notifyOwnersOfViolation(const LockViolated &violation)
{
    for (const QPointer<Channel> &w : std::as_const(m_ownerWatchers))
        if (w)
            w->push(violation);
}

void LenderAgent::notifyOwnersOfMachine()
{
    if (m_ownerWatchers.isEmpty())
        return;
    Result<MachineInfo> mi = machineInfo();
    if (!mi.ok())
        return;
    for (const QPointer<Channel> &w : std::as_const(m_ownerWatchers))
        if (w)
            w->push(*mi);
}

void LenderAgent::notifyOwnersById(const QString &partitionId)
{
    if (Result<PartitionRecord> p = m_store->partition(partitionId); p.ok())
        notifyOwners(*p);
}

void LenderAgent::setupDispatcher()
{
    Dispatcher &d = m_dispatcher;

    d.onCall<MachineShow, MachineInfo>([this](const MachineShow &, const RequestContext &ctx) -> Result<MachineInfo> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        return machineInfo();
    });

    d.onCall<SetReserve, MachineInfo>([this](const SetReserve &m, const RequestContext &ctx) -> Result<MachineInfo> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        Result<Resources> host = hostResources();
        if (!host.ok())
            return host.error();
        Result<Resources> allocated = allocatedTotal();
        if (!allocated.ok())
            return allocated.error();
        Result<Resources> current = m_store->reserve();
        if (!current.ok())
            return current.error();
        if (Result<void> ok = checkReserve(*host, m.reserve, *allocated, *current); !ok.ok())
            return ok.error();
        if (Result<void> s = m_store->setReserve(m.reserve); !s.ok())
            return s.error();
        // Other owner windows show what is left to lend: they read it again.
        notifyOwnersOfMachine();
        return machineInfo();
    });

    d.onCall<PartitionCreate, PartitionInfo>([this](const PartitionCreate &m, const RequestContext &ctx) -> Result<PartitionInfo> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        if (Result<void> terms = checkTerms(m.conditions); !terms.ok())
            return terms.error();
        if (Result<void> names = checkImageNames(m.conditions.osImages); !names.ok())
            return names.error();
        Result<MachineInfo> mi = machineInfo();
        if (!mi.ok())
            return mi.error();
        if (Result<void> fits = checkPartitionFits(mi->host, mi->reserve, mi->allocated, m.conditions.resources); !fits.ok())
            return fits.error();
        PartitionRecord p;
        p.partitionId = randomId("p", 4);
        p.resources = m.conditions.resources;
        p.osImages = m.conditions.osImages.isEmpty() ? QStringList{QStringLiteral("busybox")} : m.conditions.osImages;
        p.osImages.removeDuplicates();
        p.ratePerHour = m.conditions.ratePerHour;
        p.maxDurationS = m.conditions.maxDurationS;
        p.createdAtMs = nowMs();
        if (Result<void> ins = m_store->insertPartition(p); !ins.ok())
            return ins.error();
        notifyOwners(p);
        return PartitionInfo{.partition = stateOf(p)};
    });

    d.on<PartitionAlter>([this](const PartitionAlter &m, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return ctx.fail(o.error());
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return ctx.fail(p.error());
        if (Result<void> free = requireNoChangeUnderWay(p->partitionId); !free.ok())
            return ctx.fail(free.error());
        // The lock (FIG. 7): from registration, and always while lent, the allocation is fixed.
        if (p->state == PartitionStateName::Lent)
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 is lent (contract %2): it cannot be changed until the contract ends")
                                                           .arg(p->partitionId, p->contractId)));
        const bool registered = p->state == PartitionStateName::Registered;
        if (registered && m.conditions.resources != p->resources)
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 is registered with market %2: its allocation is locked "
                                                                      "(withdraw it to change vCPUs, memory or disk; the rate and OS images can change)")
                                                           .arg(p->partitionId, p->marketId.left(12))));
        if (Result<void> terms = checkTerms(m.conditions); !terms.ok())
            return ctx.fail(terms.error());
        if (Result<void> names = checkImageNames(m.conditions.osImages); !names.ok())
            return ctx.fail(names.error());
        Result<MachineInfo> mi = machineInfo();
        if (!mi.ok())
            return ctx.fail(mi.error());
        if (Result<void> fits = checkPartitionFits(mi->host, mi->reserve, mi->allocated - p->resources, m.conditions.resources,
                                                   p->resources);
            !fits.ok())
            return ctx.fail(fits.error());
        PartitionRecord np = *p;
        np.resources = m.conditions.resources;
        if (!m.conditions.osImages.isEmpty()) {
            np.osImages = m.conditions.osImages;
            np.osImages.removeDuplicates();
        }
        np.ratePerHour = m.conditions.ratePerHour;
        np.maxDurationS = m.conditions.maxDurationS;
        auto commit = [this, ctx, np, from = p->state] {
            // The partition as it is now, not as it was before the market was asked: a contract
            // may have ended meanwhile (its earnings), or the partition been withdrawn.
            Result<PartitionRecord> cur = m_store->partition(np.partitionId);
            if (!cur.ok())
                return ctx.fail(cur.error());
            if (cur->state != from || cur->marketId != np.marketId)
                return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 became %2 while market %3 took its new terms; "
                                                                          "nothing changed here: alter it again")
                                                               .arg(np.partitionId, cur->state, np.marketId.left(12))));
            PartitionRecord updated = *cur;
            updated.resources = np.resources;
            updated.osImages = np.osImages;
            updated.ratePerHour = np.ratePerHour;
            updated.maxDurationS = np.maxDurationS;
            if (Result<void> u = m_store->updatePartition(updated); !u.ok())
                return ctx.fail(u.error());
            notifyOwners(updated);
            ctx.reply(PartitionInfo{.partition = stateOf(updated)});
        };
        if (!registered)
            return commit();
        // FIG. 7 S22–S29: a registered partition's new terms go to its market first, which
        // refuses them while the partition is lent there.
        MarketLink *link = market(np.marketId);
        if (!link)
            return ctx.fail(Error(ErrorCode::ConnectionFailed, QStringLiteral("market %1 is not configured here").arg(np.marketId.left(12))));
        const LendingConditions terms{np.resources, np.osImages, np.ratePerHour, np.maxDurationS};
        // Until the market answers, no other registration, alteration or direct lease of it.
        auto claim = claimPartition(np.partitionId, QStringLiteral("having its new terms sent to market %1").arg(np.marketId.left(12)));
        // The images it offers from now on are held here or at the market, as at registration.
        requireImagesHeld(link, np.partitionId, np.osImages, true, ctx, [this, link, np, terms, ctx, commit, claim] {
            link->request<PartitionRegistered>(AlterPartition{.partitionId = np.partitionId, .conditions = terms}, this,
                                               [ctx, commit, claim](Result<PartitionRegistered> r) {
                                                   if (!r.ok())
                                                       return ctx.fail(r.error());
                                                   commit();
                                               });
        });
    });

    d.onCall<PartitionDelete, Ack>([this](const PartitionDelete &m, const RequestContext &ctx) -> Result<Ack> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return p.error();
        if (p->isLocked())
            return Error(ErrorCode::Conflict, QStringLiteral("partition %1 is %2: withdraw it first").arg(p->partitionId, p->state));
        if (Result<void> free = requireNoChangeUnderWay(p->partitionId); !free.ok())
            return free.error();
        // Its last domain may still be going away (libvirt could not destroy it yet): the
        // machine counts what it holds until it is gone (allocatedTotal()), so no new
        // partition is given its CPUs and memory meanwhile.
        if (Result<void> del = m_store->deletePartition(m.partitionId); !del.ok())
            return del.error();
        // No PartitionInfo tells of a partition that is gone: the machine does, on which other
        // owner windows read the partitions (and what is left to lend) again.
        notifyOwnersOfMachine();
        return Ack{};
    });

    d.onCall<PartitionList, PartitionListReply>([this](const PartitionList &, const RequestContext &ctx) -> Result<PartitionListReply> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        Result<QList<PartitionRecord>> ps = m_store->partitions();
        if (!ps.ok())
            return ps.error();
        PartitionListReply reply;
        for (const PartitionRecord &p : std::as_const(*ps))
            reply.partitions << stateOf(p);
        return reply;
    });

    d.onCall<ListJobs, JobList>([this](const ListJobs &m, const RequestContext &ctx) -> Result<JobList> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        if (m.limit < 1 || m.limit > 1000)
            return Error(ErrorCode::InvalidArgument, QStringLiteral("limit is %1; ask for 1 to 1000 jobs").arg(m.limit));
        // One more than asked says whether more remain.
        Result<QList<JobRecord>> rows = m_store->jobs(m.partitionId.value_or(QString()), m.submittedBeforeMs,
                                                      m.beforeJobId.value_or(QString()), m.limit + 1);
        if (!rows.ok())
            return rows.error();
        JobList reply;
        reply.more = rows->size() > m.limit;
        if (reply.more)
            rows->removeLast();
        QHash<QString, QString> names; // contract → borrower's name
        for (const JobRecord &stored : std::as_const(*rows)) {
            const JobRecord j = m_runners.contains(stored.jobId) ? m_runners.value(stored.jobId)->record() : stored;
            JobSummary s{.jobId = j.jobId, .partitionId = j.partitionId, .contractId = j.contractId, .borrowerId = j.borrowerId,
                         .borrowerName = std::nullopt, .os = j.os, .state = j.state, .exitCode = j.exitCode, .message = j.message,
                         .submittedAtMs = j.submittedAtMs, .endedAtMs = j.isFinished() ? j.endedAtMs : 0,
                         .resultsKeptUntilMs = std::nullopt, .resultsRemovedAtMs = std::nullopt};
            if (!names.contains(j.contractId)) {
                Result<ContractRecord> c = m_store->contract(j.contractId);
                names.insert(j.contractId, c.ok() ? c->borrowerName : QString());
            }
            if (const QString name = names.value(j.contractId); !name.isEmpty())
                s.borrowerName = name;
            if (j.resultsRemovedAtMs > 0)
                s.resultsRemovedAtMs = j.resultsRemovedAtMs;
            else if (j.isFinished() && j.endedAtMs > 0 && m_config.resultRetentionMs > 0)
                s.resultsKeptUntilMs = j.endedAtMs + m_config.resultRetentionMs;
            reply.jobs << s;
        }
        return reply;
    });

    d.on<PartitionRegister>([this](const PartitionRegister &m, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return ctx.fail(o.error());
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return ctx.fail(p.error());
        if (Result<void> free = requireNoChangeUnderWay(p->partitionId); !free.ok())
            return ctx.fail(free.error());
        if (p->state != PartitionStateName::Unregistered)
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 is already %2").arg(p->partitionId, p->state)));
        Result<MarketLink *> chosen = chooseMarket(m.marketId);
        if (!chosen.ok())
            return ctx.fail(chosen.error());
        MarketLink *link = *chosen;
        // The market may take long to answer (it may be away for a while): until it does, no
        // direct lease, alteration or other registration of the partition.
        auto claim = claimPartition(p->partitionId, QStringLiteral("being registered with market %1").arg(link->marketId().left(12)));
        RegisterPartition reg{.partitionId = p->partitionId, .lenderName = m_config.lenderName,
                              .agentAddress = advertisedAddress(),
                              .conditions = LendingConditions{p->resources, p->osImages, p->ratePerHour, p->maxDurationS},
                              .externallyReferenced = m.externallyReferenced};
        const QString partitionId = p->partitionId;
        auto send = [this, ctx, partitionId, link, reg, ext = m.externallyReferenced, claim] {
            link->request<PartitionRegistered>(reg, this, [this, ctx, partitionId, link, ext, claim](Result<PartitionRegistered> r) {
                if (!r.ok())
                    return ctx.fail(r.error());
                Result<PartitionRecord> cur = m_store->partition(partitionId);
                if (!cur.ok() || cur->state != PartitionStateName::Unregistered || !cur->contractId.isEmpty()) {
                    // It changed while the market registered it (the store was changed behind the
                    // agent's back): the offer just made must not stay on the market. Withdrawn
                    // there now, or when it is back (as a forced withdrawal is).
                    if (Result<void> a = m_store->addPendingWithdrawal(link->marketId(), partitionId, nowMs()); !a.ok())
                        qWarning("lender: %s", qPrintable(a.error().toString()));
                    else if (link->isConnected())
                        sendPendingWithdrawals(link);
                    return ctx.fail(cur.ok() ? Error(ErrorCode::Conflict, QStringLiteral("partition %1 became %2 while market %3 registered it; "
                                                                                         "the registration is withdrawn there")
                                                                              .arg(partitionId, cur->state, link->marketId().left(12)))
                                             : cur.error());
                }
                PartitionRecord np = *cur;
                np.state = PartitionStateName::Registered;
                np.marketId = link->marketId();
                np.offerId = r->offerId;
                np.externallyReferenced = ext;
                if (Result<void> u = m_store->updatePartition(np); !u.ok())
                    return ctx.fail(u.error());
                // Registered again: a withdrawal the market had not heard of is void.
                if (Result<void> w = m_store->removePendingWithdrawal(np.marketId, partitionId); !w.ok())
                    qWarning("lender: %s", qPrintable(w.error().toString()));
                notifyOwners(np);
                ctx.reply(PartitionInfo{.partition = stateOf(np)});
            });
        };
        requireImagesHeld(link, partitionId, p->osImages, false, ctx, send);
    });

    d.on<PartitionWithdraw>([this](const PartitionWithdraw &m, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return ctx.fail(o.error());
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return ctx.fail(p.error());
        if (p->state == PartitionStateName::Lent && p->marketId.isEmpty()) {
            // A direct (LAN) lease has no market to end it: withdrawing ends it.
            endContractLocally(p->contractId, nowMs(), QStringLiteral("the owner ended the direct lease"));
            notifyOwnersById(m.partitionId);
            Result<PartitionRecord> np = m_store->partition(m.partitionId);
            return np.ok() ? ctx.reply(PartitionInfo{.partition = stateOf(*np)}) : ctx.fail(np.error());
        }
        if (p->state == PartitionStateName::Lent)
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 is lent (contract %2): it can be withdrawn when the contract ends")
                                                           .arg(p->partitionId, p->contractId)));
        if (p->state == PartitionStateName::Unregistered)
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("partition %1 is not registered").arg(p->partitionId)));
        MarketLink *link = market(p->marketId);
        auto finish = [this, ctx, id = p->partitionId](bool marketToldLater) {
            Result<PartitionRecord> cur = m_store->partition(id);
            if (!cur.ok())
                return ctx.fail(cur.error());
            PartitionRecord np = *cur;
            // A partition that holds a running contract (a direct lease given while a
            // registration was under way, before that was refused) stays lent under it, so that
            // the contract can still be ended.
            np.state = np.contractId.isEmpty() ? PartitionStateName::Unregistered : PartitionStateName::Lent;
            np.marketId.clear();
            np.offerId.clear();
            np.externallyReferenced = false;
            if (Result<void> u = m_store->updatePartition(np); !u.ok())
                return ctx.fail(u.error());
            notifyOwners(np);
            ctx.reply(PartitionInfo{.partition = stateOf(np), .marketToldLater = marketToldLater ? std::optional<bool>(true) : std::nullopt});
        };
        if (!link) {
            // The market is no longer configured: nothing to tell it.
            finish(false);
            return;
        }
        // Forced while the market cannot be reached: withdrawn here now, and remembered until
        // the market hears of it (sendPendingWithdrawals). A contract it concludes meanwhile is
        // refused here (not registered with that market), which ends it there.
        const bool force = m.force.value_or(false);
        auto withdrawHere = [this, ctx, finish, marketId = p->marketId, id = p->partitionId] {
            if (Result<void> a = m_store->addPendingWithdrawal(marketId, id, nowMs()); !a.ok())
                return ctx.fail(a.error());
            qInfo("lender: partition %s withdrawn here while market %s is unreachable; it is told when it is back", qPrintable(id),
                  qPrintable(marketId.left(12)));
            finish(true);
        };
        if (force && !link->isConnected())
            return withdrawHere();
        link->request<Ack>(WithdrawPartition{.partitionId = p->partitionId}, this,
                           [ctx, finish, force, withdrawHere, id = p->partitionId](Result<Ack> r) {
                               if (r.ok())
                                   return finish(false);
                               const ErrorCode code = r.error().code;
                               // The market does not hold it (it forgot it, or took it off when this
                               // machine lost it): nothing is left to withdraw there.
                               if (code == ErrorCode::NotFound)
                                   return finish(false);
                               const bool unreachable = isUnreachable(code);
                               if (unreachable && force)
                                   return withdrawHere();
                               if (unreachable)
                                   return ctx.fail(Error(code, QStringLiteral("%1; `partition withdraw %2 --force` takes the partition back now, "
                                                                              "and the market is told when it is back")
                                                                   .arg(r.error().message, id)));
                               ctx.fail(r.error());
                           },
                           // Forced, a market that does not answer soon counts as away.
                           force ? 5000 : protocol::kDefaultRequestTimeoutMs);
    });

    // What a market bills for this machine's contracts, and their signed receipts: the
    // market's word, asked of it each time (this machine keeps its own earnings too).
    d.on<OwnerBills>([this](const OwnerBills &m, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return ctx.fail(o.error());
        Result<MarketLink *> chosen = chooseMarket(m.marketId);
        if (!chosen.ok())
            return ctx.fail(chosen.error());
        MarketLink *link = *chosen;
        // The bills are the market's word: without it there is nothing to show, said at once.
        if (!link->isConnected())
            return ctx.fail(Error(ErrorCode::ConnectionFailed,
                                  QStringLiteral("market %1 at %2 cannot be reached now; its bills and receipts are there (ask again when "
                                                 "this machine is connected to it)")
                                      .arg(link->marketId().left(12), link->endpoint().address())));
        ListBills ask{.sinceMs = m.sinceMs, .contractId = m.contractId, .receipts = m.receipts ? std::optional<bool>(true) : std::nullopt};
        link->request<BillList>(ask, this, [ctx](Result<BillList> r) { r.ok() ? ctx.reply(*r) : ctx.fail(r.error()); });
    });

    d.onCall<ImageListRequest, ImageList>([this](const ImageListRequest &, const RequestContext &ctx) -> Result<ImageList> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        ImageList l;
        for (const ImageEntry &e : m_images.list())
            l.images << e.info();
        return l;
    });

    d.on<ImageAdd>([this](const ImageAdd &m, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok()) {
            ctx.fail(o.error());
            return;
        }
        // Checked and copied aside: the agent answers everyone else meanwhile.
        m_imageDownloads.addLocal(m.name, m.directory, [ctx](Result<ImageEntry> e) {
            if (!e.ok())
                ctx.fail(e.error());
            else
                ctx.reply(ImageList{.images = {e->info()}});
        });
    });

    d.onCall<LendDirect, DirectLease>([this](const LendDirect &m, const RequestContext &ctx) -> Result<DirectLease> {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return o.error();
        const QString borrower = m.borrowerId.trimmed().toLower();
        if (!Identity::isValidNodeId(borrower))
            return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not a borrower node ID (64 hex digits)").arg(m.borrowerId));
        // The markets' rule for names, so that a direct lease reads like a market's.
        const QString name = m.borrowerName.value_or(QString()).trimmed();
        if (const QString problem = borrowerNameProblem(name); !problem.isEmpty())
            return Error(ErrorCode::InvalidArgument, problem);
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return p.error();
        if (Result<void> free = requireNoChangeUnderWay(p->partitionId); !free.ok())
            return free.error();
        if (p->state != PartitionStateName::Unregistered)
            return Error(ErrorCode::Conflict, QStringLiteral("partition %1 is %2: only an unregistered partition can be lent directly")
                                                  .arg(p->partitionId, p->state));
        QByteArray key(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), 8);
        ContractRecord c{.contractId = randomId("d", 8), .partitionId = p->partitionId, .borrowerId = borrower,
                         .keyHash = keyHashOf(key), .marketId = {}, .startedAtMs = nowMs(), .endedAtMs = 0,
                         // Nobody is billed for a direct lease: it earns nothing, whatever
                         // the partition's rate at markets.
                         .maxDurationS = p->maxDurationS, .ratePerHour = Money(), .borrowerName = name};
        if (Result<void> s = m_store->startContract(c); !s.ok())
            return s.error();
        notifyOwnersById(p->partitionId);
        if (c.maxDurationS > 0)
            endExpiredDirectLeases(nowMs()); // sets the timer for its limit
        return DirectLease{.partitionId = p->partitionId, .contractId = c.contractId, .key = key, .lenderId = nodeId(),
                           .lenderAddress = advertisedAddress(), .startedAtMs = c.startedAtMs, .maxDurationS = c.maxDurationS};
    });

    d.on<OwnerWatch>([this](const OwnerWatch &, const RequestContext &ctx) {
        if (Result<void> o = requireOwner(ctx); !o.ok())
            return ctx.fail(o.error());
        m_ownerWatchers.removeAll(QPointer<Channel>());
        m_ownerWatchers << QPointer<Channel>(ctx.channel());
        ctx.reply(Ack{});
    });

    // borrower
    d.on<SubmitJob>([this](const SubmitJob &m, const RequestContext &ctx) { submitJob(m, ctx); });
    d.on<WatchJob>([this](const WatchJob &m, const RequestContext &ctx) { watchJob(m, ctx); });
    d.on<CancelJob>([this](const CancelJob &m, const RequestContext &ctx) {
        Result<JobRecord> j = jobForPeer(m.jobId, ctx);
        if (!j.ok())
            return ctx.fail(j.error());
        // Said, not pretended: a job that ended keeps the state it ended in.
        if (j->isFinished())
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("job %1 already ended: %2").arg(j->jobId, j->state)));
        if (JobRunner *r = m_runners.value(m.jobId))
            r->cancel();
        ctx.reply(Ack{});
    });
    d.on<FetchJobOutput>([this](const FetchJobOutput &m, const RequestContext &ctx) { answerJobOutput(m, ctx); });
    d.on<FetchJobResult>([this](const FetchJobResult &m, const RequestContext &ctx) {
        // After the output a watch on this channel has still to send (paceOutput()).
        for (OutputBacklog &b : m_outputBacklogs) {
            if (b.jobId == m.jobId && b.channel == ctx.channel()) {
                b.afterCaughtUp.append([this, m, ctx] { answerJobResult(m, ctx); });
                return;
            }
        }
        answerJobResult(m, ctx);
    });
}

Result<JobRecord> LenderAgent::finishedJobForPeer(const QString &jobId, const RequestContext &ctx)
{
    Result<JobRecord> j = jobForPeer(jobId, ctx);
    if (!j.ok())
        return j.error();
    if (!j->isFinished())
        return Error(ErrorCode::Conflict, QStringLiteral("job %1 is still %2").arg(j->jobId, j->state));
    if (j->resultsRemovedAtMs > 0)
        return Error(ErrorCode::NotFound,
                     QStringLiteral("the results of job %1 (%2) were removed on %3: this lender keeps a finished job's "
                                    "output files and console for %4")
                         .arg(j->jobId, j->state, QDateTime::fromMSecsSinceEpoch(j->resultsRemovedAtMs, Qt::UTC).toString(Qt::ISODate),
                              retentionText(m_config.resultRetentionMs)));
    return j;
}

void LenderAgent::answerJobResult(const FetchJobResult &m, const RequestContext &ctx)
{
    Result<JobRecord> j = finishedJobForPeer(m.jobId, ctx);
    if (!j.ok())
        return ctx.fail(j.error());
    JobResult res{.jobId = j->jobId, .state = j->state, .exitCode = j->exitCode, .outputs = {}, .console = {},
                  .startedAtMs = j->submittedAtMs, .endedAtMs = j->endedAtMs, .outputSizes = {}};
    qint64 used = 0;
    if (m.withoutOutputs.value_or(false)) {
        // Named only: the borrower fetches each with FetchJobOutput, however large.
        Result<QList<JobFileSize>> sizes = JobRunner::outputSizes(j->jobDir);
        if (!sizes.ok())
            return ctx.fail(sizes.error());
        res.outputSizes = *sizes;
    } else {
        Result<QList<JobFile>> outs = JobRunner::outputs(j->jobDir, kMaxResultBytes);
        if (!outs.ok())
            return ctx.fail(outs.error());
        for (const JobFile &f : std::as_const(*outs))
            used += f.data.size();
        res.outputs = *outs;
    }
    res.console = JobRunner::outputFrom(j->jobDir, 0, qMax<qint64>(0, kMaxResultBytes - used));
    ctx.reply(res);
}

void LenderAgent::answerJobOutput(const FetchJobOutput &m, const RequestContext &ctx)
{
    Result<JobRecord> j = finishedJobForPeer(m.jobId, ctx);
    if (!j.ok())
        return ctx.fail(j.error());
    if (m.offset < 0 || m.length <= 0)
        return ctx.fail(Error(ErrorCode::InvalidArgument,
                              QStringLiteral("FetchJobOutput wants an offset of 0 or more and a length of 1 or more, not %1 and %2")
                                  .arg(m.offset)
                                  .arg(m.length)));
    Result<std::pair<QByteArray, qint64>> part = JobRunner::outputPart(j->jobDir, m.name, m.offset, qMin(m.length, kMaxJobOutputPartBytes));
    if (!part.ok())
        return ctx.fail(Error(part.error().code, QStringLiteral("job %1: %2").arg(j->jobId, part.error().message)));
    ctx.reply(JobOutputPart{.jobId = j->jobId, .name = m.name, .offset = m.offset, .data = part->first, .size = part->second});
}

// ───────────── borrower: jobs (FIG. 9, 15) ─────────────

void LenderAgent::verifyLease(const QString &partitionId, const QString &contractId, const QByteArray &key,
                              const QString &borrowerId, Verdict done)
{
    const auto invalid = [](const QString &why) { return Error(ErrorCode::KeyInvalid, why); };
    Result<PartitionRecord> p = m_store->partition(partitionId);
    if (!p.ok())
        return done(p.error());
    Result<ContractRecord> c = m_store->contract(contractId);
    if (c.ok()) {
        // First embodiment: the market's contract notice gave us the key hash (S52–S54).
        const bool keyOk = constantTimeEquals(keyHashOf(key), c->keyHash);
        const QString notValid = QStringLiteral("the lending key is not valid for this borrower, contract and partition");
        if (c->borrowerId != borrowerId || c->partitionId != partitionId)
            return done(invalid(notValid));
        if (!keyOk) {
            // A market contract's key changes when its borrower sends a Borrow again whose
            // answer was lost (Borrow.requestId). The market's notice of the new key may come
            // after the borrower does, or not at all from a market process this machine is not
            // connected to: the market says whether the key is the contract's now (FIG. 15).
            MarketLink *link = c->isRunning() && !c->marketId.isEmpty() ? market(c->marketId) : nullptr;
            if (!link)
                return done(invalid(notValid));
            link->request<KeyVerdict>(
                VerifyKey{.partitionId = partitionId, .borrowerId = borrowerId, .key = key}, this,
                [this, done, partitionId, borrowerId, contractId, key, notValid, record = *c, invalid](Result<KeyVerdict> v) {
                    if (!v.ok() || !v->valid || v->contractId != contractId)
                        return done(invalid(notValid));
                    ContractRecord rekeyed = record;
                    rekeyed.keyHash = keyHashOf(key);
                    rekeyed.startedAtMs = 0;  // the start and the limit stay as they are
                    rekeyed.maxDurationS = -1;
                    if (Result<void> taken = m_store->takeMarketTerms(rekeyed); !taken)
                        return done(invalid(taken.error().message));
                    Result<ContractRecord> now = m_store->contract(contractId);
                    if (!now.ok() || !constantTimeEquals(keyHashOf(key), now->keyHash))
                        return done(invalid(notValid)); // it ended meanwhile
                    qInfo("lender: contract %s has a new lending key (its borrower asked for the contract again)", qPrintable(contractId));
                    verifyLease(partitionId, contractId, key, borrowerId, done);
                });
            return;
        }
        // A direct lease past its time limit has ended, whether or not its timer fired yet.
        const bool direct = c->marketId.isEmpty() && c->maxDurationS > 0;
        const qint64 limitAtMs = c->limitAtMs();
        if (direct && c->isRunning() && nowMs() >= limitAtMs) {
            endExpiredDirectLeases(nowMs());
            if (Result<ContractRecord> ended = m_store->contract(contractId); ended.ok())
                c = ended;
        }
        if (direct && !c->isRunning() && c->endedAtMs == limitAtMs)
            return done(invalid(QStringLiteral("direct lease %1 reached its time limit (%2 s) at %3 and has ended; its lending key is "
                                               "no longer valid")
                                    .arg(contractId)
                                    .arg(c->maxDurationS)
                                    .arg(QDateTime::fromMSecsSinceEpoch(limitAtMs, Qt::UTC).toString(Qt::ISODate))));
        if (!c->isRunning())
            return done(endedContractKey(contractId));
        if (Result<void> within = requireMarketContractWithinLimit(*c); !within.ok())
            return done(within.error());
        return done(*c);
    }
    // FIG. 15: the lender does not know the contract; ask the market that manages the partition.
    MarketLink *link = p->marketId.isEmpty() ? nullptr : market(p->marketId);
    if (!link)
        return done(invalid(QStringLiteral("contract %1 is unknown here").arg(contractId)));
    link->request<KeyVerdict>(
        VerifyKey{.partitionId = partitionId, .borrowerId = borrowerId, .key = key}, this,
        [this, done, partitionId, borrowerId, contractId, key, link, invalid](Result<KeyVerdict> v) {
            if (!v.ok())
                return done(Error(v.error().code == ErrorCode::KeyInvalid ? ErrorCode::KeyInvalid : ErrorCode::ConnectionFailed,
                                  QStringLiteral("cannot check the lending key with the market: ") + v.error().message));
            if (!v->valid || (!v->contractId.isEmpty() && v->contractId != contractId))
                return done(invalid(v->reason.isEmpty() ? QStringLiteral("the market says the lending key is not valid") : v->reason));
            Result<PartitionRecord> p2 = m_store->partition(partitionId);
            ContractRecord c{.contractId = contractId, .partitionId = partitionId, .borrowerId = borrowerId,
                             .keyHash = keyHashOf(key), .marketId = link->marketId(), .startedAtMs = nowMs(),
                             .endedAtMs = 0, .maxDurationS = 0,
                             .ratePerHour = p2.ok() ? p2->ratePerHour : Money{},
                             .borrowerName = shownBorrowerName(v->borrowerName.value_or(QString()))};
            if (Result<void> s = m_store->startContract(c); !s.ok() && s.error().code != ErrorCode::AlreadyExists)
                return done(invalid(s.error().message));
            notifyOwnersById(partitionId);
            done(c);
        });
}

void LenderAgent::submitJob(const SubmitJob &m, const RequestContext &ctx)
{
    if (ctx.peerRole() != QLatin1String("borrower"))
        return ctx.fail(Error(ErrorCode::PermissionDenied, QStringLiteral("jobs are submitted in the borrower role")));
    if (m.script.isEmpty())
        return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("the job has no script")));
    if (m.timeoutS < 0)
        return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("a negative time limit makes no sense")));
    // As long as a contract may last, at most: its milliseconds must not overflow.
    if (m.timeoutS > protocol::kMaxContractDurationS)
        return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("the time limit is at most %1 s (100 years; 0: this lender's "
                                                                         "default)")
                                                              .arg(protocol::kMaxContractDurationS)));
    const QString borrower = ctx.peerId();
    verifyLease(m.partitionId, m.contractId, m.key, borrower, [this, m, ctx, borrower](Result<ContractRecord> c) {
        if (!c.ok())
            return ctx.fail(c.error());
        Result<PartitionRecord> p = m_store->partition(m.partitionId);
        if (!p.ok())
            return ctx.fail(p.error());
        for (JobRunner *r : std::as_const(m_runners))
            if (r->record().partitionId == m.partitionId)
                return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("job %1 is still running in partition %2")
                                                               .arg(r->record().jobId, m.partitionId)));
        if (m_jobsStarting.contains(m.partitionId))
            return ctx.fail(Error(ErrorCode::Conflict, QStringLiteral("another job is being started in partition %1").arg(m.partitionId)));
        const QString os = m.os.isEmpty() ? p->osImages.value(0) : m.os;
        if (!p->osImages.contains(os))
            return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("partition %1 offers the OS images %2, not '%3'")
                                                                  .arg(p->partitionId, p->osImages.join(QStringLiteral(", ")), os)));
        Result<ImageEntry> image = m_images.find(os);
        if (image.ok()) {
            if (Result<void> fits = imageFits(*image, p->resources.memoryMib); !fits.ok())
                return ctx.fail(fits.error());
            return acceptJob(m, ctx, *c, *p, os, *image, nullptr);
        }
        // Third embodiment: an image this lender lacks comes from the contract's market. Ask
        // first, so that an image nobody holds is refused at submission; then accept the job
        // and download it, with progress the borrower sees.
        MarketLink *source = c->marketId.isEmpty() ? nullptr : market(c->marketId);
        if (!source)
            return ctx.fail(image.error());
        const ContractRecord contract = *c;
        const PartitionRecord partition = *p;
        // The partition is this job's from now on: another one submitted while the market
        // answers is refused, not let in beside it.
        m_jobsStarting.insert(partition.partitionId);
        source->request<ImageChunk>(
            FetchImage{.sha256 = {}, .name = os, .offset = 0, .length = 1}, this,
            [this, m, ctx, contract, partition, os, source, error = image.error()](Result<ImageChunk> probe) {
                m_jobsStarting.remove(partition.partitionId);
                if (!probe.ok())
                    return ctx.fail(Error(ErrorCode::NotFound, QStringLiteral("%1; the market cannot provide it either: %2")
                                                                   .arg(error.message, probe.error().message)));
                acceptJob(m, ctx, contract, partition, os, std::nullopt, source);
            });
    });
}

void LenderAgent::acceptJob(const SubmitJob &m, const RequestContext &ctx, const ContractRecord &contract,
                            const PartitionRecord &partition, const QString &os, const std::optional<ImageEntry> &image,
                            MarketLink *imageSource)
{
    // The market may have taken long to answer about the image: the contract may have ended
    // meanwhile, and its key with it, or reached its time limit (its end not heard of yet).
    Result<ContractRecord> now = m_store->contract(contract.contractId);
    if (!now.ok() || !now->isRunning())
        return ctx.fail(endedContractKey(contract.contractId));
    if (Result<void> within = requireMarketContractWithinLimit(*now); !within.ok())
        return ctx.fail(within.error());
    const QString borrower = ctx.peerId();
    JobRecord rec;
    rec.jobId = randomId("j", 8);
    rec.partitionId = partition.partitionId;
    rec.contractId = contract.contractId;
    rec.borrowerId = borrower;
    rec.os = os;
    rec.state = QStringLiteral("preparing");
    rec.domainName = QLatin1String(kDomainPrefix) + rec.jobId;
    rec.jobDir = QDir(m_config.dataDir).filePath(QStringLiteral("jobs/") + rec.jobId);
    rec.submittedAtMs = nowMs();
    rec.timeoutS = m.timeoutS > 0 ? m.timeoutS : m_config.defaultJobTimeoutS;
    if (contract.maxDurationS > 0) {
        // A job never outlives its contract.
        const qint64 left = (contract.limitAtMs() - rec.submittedAtMs) / 1000;
        rec.timeoutS = qMax<qint64>(1, qMin(rec.timeoutS, left));
    }
    JobRunner *runner = addRunner(rec, partition.resources);
    if (Result<void> prep = runner->prepare(m.script, m.inputs); !prep.ok()) {
        m_runners.remove(rec.jobId);
        m_runnerByDomain.remove(rec.domainName);
        QDir(rec.jobDir).removeRecursively();
        runner->deleteLater();
        return ctx.fail(prep.error());
    }
    if (Result<void> ins = m_store->insertJob(rec); !ins.ok()) {
        // Unrecorded, nothing would ever point to its directory (nor remove it).
        m_runners.remove(rec.jobId);
        m_runnerByDomain.remove(rec.domainName);
        QDir(rec.jobDir).removeRecursively();
        runner->deleteLater();
        return ctx.fail(ins.error());
    }
    ctx.reply(JobAccepted{.jobId = rec.jobId});
    notifyOwnersById(rec.partitionId);
    // Start after the answer has gone out: creating the domain takes a moment.
    if (image)
        QTimer::singleShot(0, runner, [this, runner, img = *image] { startRunner(runner, img); });
    else
        fetchImageThenStart(runner, os, imageSource, partition.resources.memoryMib);
}

JobRunner *LenderAgent::addRunner(const JobRecord &record, const Resources &resources)
{
    auto *runner = new JobRunner(&m_env, record, resources, this);
    m_runners.insert(record.jobId, runner);
    m_runnerByDomain.insert(record.domainName, record.jobId);
    connect(runner, &JobRunner::output, this, [this](const QString &jobId, qint64 offset, const QByteArray &data) {
        const JobOutput out{.jobId = jobId, .offset = offset, .data = data};
        const auto watchers = m_jobWatchers.find(jobId);
        if (watchers == m_jobWatchers.end())
            return;
        for (auto it = watchers->begin(); it != watchers->end();) {
            const QPointer<Channel> w = *it;
            if (!w) {
                it = watchers->erase(it);
            } else if (w->queuedBytes() > kMaxLiveOutputQueued) {
                // It reads slower than the job writes: from the file, at its pace, from here.
                it = watchers->erase(it);
                m_outputBacklogs.append(OutputBacklog{jobId, w, offset});
                if (!m_outputPacer.isActive())
                    m_outputPacer.start();
            } else {
                w->push(out);
                ++it;
            }
        }
    });
    connect(runner, &JobRunner::progress, this, [this](const QString &jobId, const QString &stage, qint64 done, qint64 total) {
        const JobProgress pr{.jobId = jobId, .stage = stage, .done = done, .total = total};
        for (const QPointer<Channel> &w : m_jobWatchers.value(jobId))
            if (w)
                w->push(pr);
    });
    connect(runner, &JobRunner::stateChanged, this, &LenderAgent::onJobState);
    connect(runner, &JobRunner::finished, this, &LenderAgent::onJobFinished);
    return runner;
}

Result<void> LenderAgent::imageFits(const ImageEntry &image, qint64 memoryMib)
{
    if (image.minMemoryMib > memoryMib)
        return Error(ErrorCode::ResourceExhausted, QStringLiteral("image %1 needs %2 of memory; the partition has %3")
                                                       .arg(image.name, formatSizeMib(image.minMemoryMib), formatSizeMib(memoryMib)));
    return {};
}

void LenderAgent::fetchImageThenStart(JobRunner *runner, const QString &os, MarketLink *source, qint64 memoryMib)
{
    QPointer<JobRunner> r(runner);
    // A job in another partition may be downloading the same image: this one waits for it.
    m_imageDownloads.fetch(
        source, os,
        [r](qint64 done, qint64 total) {
            if (r)
                r->reportProgress(QStringLiteral("image_download"), done, total);
        },
        [this, r, memoryMib](Result<ImageEntry> image) {
            if (!r || m_runners.value(r->record().jobId) != r)
                return; // cancelled meanwhile
            if (image.ok()) {
                if (Result<void> fits = imageFits(*image, memoryMib); !fits.ok())
                    image = fits.error();
            }
            if (!image.ok()) {
                r->failBeforeStart(image.error());
                return;
            }
            startRunner(r, *image);
        });
}

void LenderAgent::startRunner(JobRunner *runner, const ImageEntry &image)
{
    const QString partitionId = runner->record().partitionId;
    // Without libvirt no domain starts, and none that is still going away can go: said now,
    // rather than waited for.
    if (!m_virt->isConnected()) {
        runner->failBeforeStart(Error(ErrorCode::VirtError, m_virt->problem()));
        return;
    }
    if (m_draining.contains(partitionId)) {
        // The partition's previous domain is still going away (a fraction of a second).
        QPointer<JobRunner> r(runner);
        m_startAfterDrain.insert(partitionId, [this, r, image] {
            if (r && m_runners.value(r->record().jobId) == r)
                startRunner(r, image);
        });
        return;
    }
    runner->setCpuMask(cpusFor(runner));
    if (Result<void> r = runner->start(image); !r.ok())
        qWarning("lender: job %s could not start: %s", qPrintable(runner->record().jobId), qPrintable(r.error().toString()));
}

quint64 LenderAgent::cpusFor(const JobRunner *runner)
{
    if (!m_config.pinCpus)
        return 0; // --no-cpu-pinning: the host's scheduler places the vCPUs

    // ARCHITECTURE.md, "Partitions": vcpupin where CPUs allow. The partitions together never
    // have more vCPUs than the host minus the reserve, so a running partition's domain gets
    // CPUs of its own, away from the owner's and from every other running partition's.
    Result<Resources> host = hostResources();
    Result<Resources> reserve = m_store->reserve();
    if (!host.ok() || !reserve.ok())
        return 0;
    quint64 taken = 0;
    for (const JobRunner *r : std::as_const(m_runners))
        if (r != runner && !r->isDomainGone())
            taken |= r->spec().cpuMask;
    for (const JobRunner *r : std::as_const(m_draining))
        taken |= r->spec().cpuMask;
    return choosePinnedCpus(usableCpuMask(host->cpus), reserve->cpus, taken, runner->spec().vcpus);
}

void LenderAgent::onJobState(const JobRecord &record)
{
    if (Result<void> u = m_store->updateJob(record); !u.ok())
        qWarning("lender: %s", qPrintable(u.error().toString()));
    const JobStateChanged ch{.jobId = record.jobId, .state = record.state, .exitCode = record.exitCode, .message = record.message};
    for (const QPointer<Channel> &w : m_jobWatchers.value(record.jobId))
        if (w)
            w->push(ch);
    // S56–S57: the market hears about the job too.
    if (Result<ContractRecord> c = m_store->contract(record.contractId); c.ok() && !c->marketId.isEmpty())
        if (MarketLink *link = market(c->marketId); link && link->isConnected())
            link->notify(ReportJobState{.contractId = record.contractId, .jobId = record.jobId, .state = record.state,
                                        .exitCode = record.exitCode});
}

void LenderAgent::onJobFinished(const JobRecord &record)
{
    JobRunner *runner = m_runners.take(record.jobId);
    m_runnerByDomain.remove(record.domainName);
    m_cpuSamples.remove(record.jobId);
    m_lastViolation.remove(record.jobId);
    m_jobWatchers.remove(record.jobId);
    if (runner) {
        runner->disconnect(this);
        if (runner->isDomainGone()) {
            runner->deleteLater();
        } else {
            m_draining.insert(record.partitionId, runner);
            connect(runner, &JobRunner::domainGone, this, [this, runner, partitionId = record.partitionId] {
                if (m_draining.value(partitionId) == runner)
                    m_draining.remove(partitionId);
                runner->deleteLater();
                if (std::function<void()> start = m_startAfterDrain.take(partitionId))
                    start();
            });
        }
    }
    notifyOwnersById(record.partitionId);
    emit jobFinished(record);
}

Result<JobRecord> LenderAgent::jobForPeer(const QString &jobId, const RequestContext &ctx)
{
    Result<JobRecord> j = m_store->job(jobId);
    if (!j.ok())
        return j.error();
    if (ctx.peerRole() != QLatin1String("owner") && j->borrowerId != ctx.peerId())
        return Error(ErrorCode::NotFound, QStringLiteral("unknown job %1").arg(jobId));
    if (JobRunner *r = m_runners.value(jobId))
        return r->record();
    return j;
}

void LenderAgent::watchJob(const WatchJob &m, const RequestContext &ctx)
{
    Result<JobRecord> j = jobForPeer(m.jobId, ctx);
    if (!j.ok())
        return ctx.fail(j.error());
    if (m.fromOffset < 0)
        return ctx.fail(Error(ErrorCode::InvalidArgument, QStringLiteral("negative offset")));
    ctx.reply(Ack{});
    Channel *ch = ctx.channel();
    if (!ch)
        return;
    // The backlog first, at the pace the channel takes it; then the job's state, and live
    // pushes from exactly where the backlog ends (paceOutput()).
    if (const auto live = m_jobWatchers.find(m.jobId); live != m_jobWatchers.end())
        live->removeAll(QPointer<Channel>(ch));
    m_outputBacklogs.removeIf([&](const OutputBacklog &b) { return b.jobId == m.jobId && b.channel == ch; });
    m_outputBacklogs.append(OutputBacklog{m.jobId, ch, m.fromOffset});
    paceOutput();
}

void LenderAgent::paceOutput()
{
    for (qsizetype i = 0; i < m_outputBacklogs.size();) {
        OutputBacklog &b = m_outputBacklogs[i];
        Channel *ch = b.channel;
        if (!ch || ch->isClosed()) {
            m_outputBacklogs.removeAt(i);
            continue;
        }
        if (ch->queuedBytes() >= kMaxBacklogQueued) {
            ++i; // its channel is full: more when it has taken some
            continue;
        }
        JobRunner *runner = m_runners.value(b.jobId);
        const Result<JobRecord> j = runner ? Result<JobRecord>(runner->record()) : m_store->job(b.jobId);
        if (!j.ok()) {
            m_outputBacklogs.removeAt(i);
            continue;
        }
        const qint64 end = runner ? runner->outputSize() : QFileInfo(JobRunner::outputPath(j->jobDir)).size();
        // At most a queue's worth per pass, whatever the channel says: one whose transport has
        // no queue says 0, and one that failed a write says 0 until it reports it closed.
        qint64 sent = 0;
        while (b.next < end && sent < kMaxBacklogQueued && ch->queuedBytes() < kMaxBacklogQueued) {
            const QByteArray chunk = JobRunner::outputFrom(j->jobDir, b.next, qMin<qint64>(end - b.next, kBacklogChunk));
            if (chunk.isEmpty()) {
                b.next = end; // the file holds less than it should: what there was is sent
                break;
            }
            ch->push(JobOutput{.jobId = b.jobId, .offset = b.next, .data = chunk});
            b.next += chunk.size();
            sent += chunk.size();
        }
        if (b.next < end) {
            ++i; // its channel is full: more when it has taken some
            continue;
        }
        // Caught up: the job's state, then live pushes from here (one thread: no output can
        // slip in between).
        ch->push(JobStateChanged{.jobId = j->jobId, .state = j->state, .exitCode = j->exitCode, .message = j->message});
        if (runner) {
            auto &list = m_jobWatchers[b.jobId];
            list.removeAll(QPointer<Channel>());
            if (!list.contains(QPointer<Channel>(ch)))
                list << QPointer<Channel>(ch);
        }
        const QList<std::function<void()>> after = m_outputBacklogs.takeAt(i).afterCaughtUp;
        for (const std::function<void()> &answer : after)
            answer();
    }
    if (m_outputBacklogs.isEmpty())
        m_outputPacer.stop();
    else if (!m_outputPacer.isActive())
        m_outputPacer.start();
}

} // namespace lendable::lender
