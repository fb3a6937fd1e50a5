#pragma once
// The lender agent: the lending server of the patent (partition control unit 3, partition
// database 4, lender's interface 5). Serves borrowers (jobs, FIG. 9/15) and the machine's
// owner (partitions, FIG. 5–7, 12–14) over the protocol, keeps the lock, and talks to each
// configured market. `lender-console --headless`, the Lender Console and the tests all run
// this one class.

#include "ImageDownloads.h"
#include "ImageStore.h"
#include "JobRunner.h"
#include "LenderStore.h"
#include "MarketLink.h"
#include "Virt.h"
#include "VirtChoice.h"
#include "identity/Identity.h"
#include "protocol/Dispatcher.h"
#include "protocol/Server.h"

#include <QHash>
#include <QHostAddress>
#include <QLockFile>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <memory>
#include <optional>

namespace lendable::lender {

struct AgentConfig {
    QString dataDir;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 0;
    /// host:port the markets hand to borrowers; empty = derived from the listen address.
    QString advertisedAddress;
    QList<MarketEndpoint> markets;
    /// Empty = qemu:///system when it answers, else the embedded driver under dataDir.
    QString libvirtUri;
    /// Node IDs admitted in the owner role besides the agent's own.
    QStringList ownerIds;
    /// "qemu" (TCG) or "kvm" forces the domain type; empty decides: KVM only where a timed
    /// smoke boot passed (verdict cached in DATA/virt-verdict.json), else TCG.
    QString virtType;
    qint64 kvmProbeTimeoutS = 20;
    QString lenderName;
    qint64 defaultJobTimeoutS = 3600;
    /// How long a finished job's output files and console stay on the lender's disk for its
    /// borrower to fetch, from the job's end; 0 keeps them for ever (--keep-results DAYS).
    /// The agent looks for results past it at start and every tenth of it (1 s to 1 h).
    qint64 resultRetentionMs = qint64(14) * 86400 * 1000;
    /// Pin each running partition's vCPUs and emulator threads to host CPUs of its own
    /// (vcpupin); off with --no-cpu-pinning.
    bool pinCpus = true;
    int heartbeatIntervalMs = 10000;
    /// A borrower's or owner's connection over which nothing moved for this long (to twice as
    /// long) is closed (HandshakeConfig::idleTimeoutMs; --idle-timeout); 0: never.
    int idleTimeoutMs = protocol::kDefaultIdleTimeoutMs;
    int auditIntervalMs = 1000;
    /// On each connection to a market, ask it about this machine's contracts of that market
    /// that still run here, and end those it ended (LenderAgent::reconcileContracts()). Off
    /// only in tests of what happens when the question goes unanswered.
    bool reconcileContractsOnConnect = true;
};

class LenderAgent : public QObject {
    Q_OBJECT
public:
    /// Takes the data directory's lock (DATA/agent.lock, held until the agent goes: one agent
    /// per data directory, else two would run the same domains and jobs), then opens
    /// identity, database and libvirt; nothing listens yet. Another live agent on the
    /// directory is a Conflict error naming it and that agent's process ID.
    static Result<std::unique_ptr<LenderAgent>> create(AgentConfig config);
    ~LenderAgent() override;

    /// Reconciles with libvirt (restart safety), listens, writes DATA/agent.address and
    /// connects to the markets.
    Result<void> start();

    QString nodeId() const { return m_identity.nodeId(); }
    const Identity &identity() const { return m_identity; }
    quint16 port() const;
    /// "ADDR:PORT" the agent listens on (127.0.0.1 when listening on every address).
    QString localAddress() const;
    QString advertisedAddress() const;
    VirtConnection &virt() { return *m_virt; }
    protocol::Server *server() { return m_server.get(); }
    LenderStore &store() { return *m_store; }
    ImageStore &images() { return m_images; }
    MarketLink *market(const QString &marketId) const;
    /// The market called `marketId`, or with none named the agent's only one; else a typed
    /// error (none, several, or not one of the agent's).
    Result<MarketLink *> chooseMarket(const QString &marketId) const;
    int activeJobCount() const { return int(m_runners.size()); }
    /// The domain type new jobs get ("qemu" or "kvm") and why.
    QString virtType() const { return m_env.virtType; }
    QString virtTypeReason() const { return m_virtReason; }
    /// A KVM smoke boot is under way (jobs meanwhile run under TCG).
    bool isProbingKvm() const { return m_kvmProbe != nullptr; }

    /// Runs the lock audit over every running lent domain now (the timer does it every second).
    void auditNow();
    /// Pushes a violation the audit found to the owners that watch (OwnerWatch); public for
    /// the window's tests, which have no lent domain to change.
    void notifyOwnersOfViolation(const protocol::LockViolated &violation);
    /// Reports a violation the audit found to the market of the partition's contract and to
    /// the owners that watch. The market's report is kept in the store until the market
    /// acknowledges it, and sent again on each connection (a violation not put back ends the
    /// contract there). Public for the tests, which have no lent domain to change.
    void reportViolation(const QString &partitionId, const QString &contractId, const QString &detail, bool restored);

    /// Removes the output files and console of every finished job that ended more than
    /// AgentConfig::resultRetentionMs before `nowMs`, and records when; returns how many jobs'
    /// results went. A timer calls it with the current time.
    int removeExpiredResults(qint64 nowMs);

    static QString addressFilePath(const QString &dataDir);
    static QString lockFilePath(const QString &dataDir);

signals:
    /// The lock found a lent domain changed behind the agent's back (after trying to restore it).
    void violationDetected(const QString &partitionId, const QString &detail, bool restored);
    void jobFinished(const lendable::lender::JobRecord &record);
    void marketConnected(const QString &marketId);
    /// The KVM smoke boot answered (only emitted when one ran).
    void virtTypeDecided(const QString &virtType, const QString &reason);
    /// libvirt's daemon went away (`up` false, `problem` says why and since when) or the
    /// agent is connected to it again and has looked after what happened meanwhile.
    void libvirtConnectionChanged(bool up, const QString &problem);

private:
    explicit LenderAgent(AgentConfig config);
    void setupDispatcher();
    void setupMarketHandlers(MarketLink *link);
    Result<void> reconcile();
    /// Destroys the active domains this agent started (by their metadata) that are not in
    /// `claimed`: nobody would ever collect them.
    void destroyOrphanDomains(const QStringList &active, const QSet<QString> &claimed);
    /// libvirt is back: a job ended or cancelled meanwhile may have left its domain running.
    void onLibvirtReconnected();
    /// The host CPUs a job's domain is pinned to (0: not pinned).
    quint64 cpusFor(const JobRunner *runner);
    void chooseVirtType();
    void onDomainEvent(const DomainEvent &ev);
    void sampleUsage();
    void sendHeartbeats();
    void sendHeartbeat(MarketLink *link);

    // owner (machine) side
    Result<protocol::MachineInfo> machineInfo();
    Result<Resources> allocatedTotal(const QString &exceptPartition = {});
    /// What this machine has to divide: its CPUs and memory, and as disk the free space of
    /// the data directory's file system plus what running jobs already took of it (their
    /// partitions' share, not the owner's).
    Result<Resources> hostResources() const;
    protocol::PartitionState stateOf(const PartitionRecord &p);
    void notifyOwners(const PartitionRecord &p);
    /// Pushes MachineInfo to watching owners (libvirt lost or back, the reserve changed, a
    /// partition deleted): they read the machine and its partitions again.
    void notifyOwnersOfMachine();
    void notifyOwnersById(const QString &partitionId);
    Result<void> requireOwner(const protocol::RequestContext &ctx) const;
    /// Marks a registration or alteration of `partitionId` under way at its market (`what`,
    /// as the refusal says it) until the last copy of the returned claim goes: the request's
    /// continuations hold it, so it goes once the market answered or the request failed.
    std::shared_ptr<void> claimPartition(const QString &partitionId, const QString &what);
    /// Conflict while a registration or alteration of the partition awaits its market: its
    /// answer is committed against the partition as it was asked about.
    Result<void> requireNoChangeUnderWay(const QString &partitionId) const;
    /// Calls `then` once every image of `osImages` is held here or by the market of `link`
    /// (asked only for those missing here); else fails `ctx` naming the missing ones. For a
    /// registration, and for an alteration of a registered partition (`altering`).
    void requireImagesHeld(MarketLink *link, const QString &partitionId, const QStringList &osImages, bool altering,
                           const protocol::RequestContext &ctx, std::function<void()> then);

    // borrower side
    using Verdict = std::function<void(Result<ContractRecord>)>;
    void verifyLease(const QString &partitionId, const QString &contractId, const QByteArray &key,
                     const QString &borrowerId, Verdict done);
    void submitJob(const protocol::SubmitJob &req, const protocol::RequestContext &ctx);
    void watchJob(const protocol::WatchJob &req, const protocol::RequestContext &ctx);
    Result<JobRecord> jobForPeer(const QString &jobId, const protocol::RequestContext &ctx);
    void startRunner(JobRunner *runner, const ImageEntry &image);
    /// Third embodiment: downloads the OS image from the market, then starts the job.
    /// Creates, prepares and starts the job once the lease and the image are settled (S55).
    void acceptJob(const protocol::SubmitJob &m, const protocol::RequestContext &ctx, const ContractRecord &contract,
                   const PartitionRecord &partition, const QString &os, const std::optional<ImageEntry> &image,
                   MarketLink *imageSource);
    void fetchImageThenStart(JobRunner *runner, const QString &os, MarketLink *source, qint64 memoryMib);
    static Result<void> imageFits(const ImageEntry &image, qint64 memoryMib);
    JobRunner *addRunner(const JobRecord &record, const Resources &resources);
    void onJobState(const JobRecord &record);
    void onJobFinished(const JobRecord &record);
    void endContractLocally(const QString &contractId, qint64 endedAtMs, const QString &why);
    /// A direct lease has no market to end it at its time limit: the agent does, at the limit
    /// (its timer), at start for those whose limit passed while it was down, and when a job
    /// comes under one. Ends those whose limit is past `nowMs` and sets the timer for the next.
    void endExpiredDirectLeases(qint64 nowMs);
    /// Asks the market when a contract ended (ListBills for it) and calls `ended` with the
    /// market's end; not for a contract still running there or unknown to it, nor when the
    /// question fails (which is logged).
    void askMarketForEnd(MarketLink *link, const QString &contractId, std::function<void(qint64 endedAtMs)> ended);
    /// The market's end instead of the guess recorded when a stale contract gave way
    /// (LenderStore::correctEnd()).
    void learnEndFromMarket(MarketLink *link, const QString &contractId);
    /// A contract of this market that still runs here although the market ended it (its end
    /// came while this machine was away for longer than the market replays ends, or the
    /// data directory came back from a backup) ends here at the market's end: its partition
    /// is no longer held for nobody. Runs on each connection to the market.
    void reconcileContracts(MarketLink *link);
    /// Tells a market, on each connection, of the partitions withdrawn from it while it was
    /// unreachable (`withdraw --force`); one it lent meanwhile is reported lost.
    void sendPendingWithdrawals(MarketLink *link);
    /// Sends the violation reports `link`'s market has not acknowledged (reportViolation()).
    void sendPendingViolations(MarketLink *link);
    void sendViolation(MarketLink *link, const PendingViolation &v);

    AgentConfig m_config;
    /// Declared first of what it guards, so that it is let go last.
    std::unique_ptr<QLockFile> m_dataLock;
    Identity m_identity;
    std::optional<LenderStore> m_store;
    std::unique_ptr<VirtConnection> m_virt;
    ImageStore m_images;
    ImageDownloads m_imageDownloads; ///< one download per image at a time
    JobEnvironment m_env;
    std::unique_ptr<protocol::Server> m_server;
    protocol::Dispatcher m_dispatcher;
    QList<MarketLink *> m_markets;
    /// Partition ID → the registration or alteration under way at its market (claimPartition()).
    std::shared_ptr<QHash<QString, QString>> m_changesUnderWay = std::make_shared<QHash<QString, QString>>();
    QHash<QString, JobRunner *> m_runners;                     ///< by job ID, while running
    /// Partitions whose next job awaits the market's word on its image (before it has a runner).
    QSet<QString> m_jobsStarting;
    QHash<QString, QString> m_runnerByDomain;                  ///< domain name -> job ID
    /// Finished jobs whose domain is still being torn down, by partition ID: the partition's
    /// next domain waits for it, so a partition never holds two domains at once.
    QHash<QString, JobRunner *> m_draining;
    QHash<QString, std::function<void()>> m_startAfterDrain;   ///< by partition ID
    QHash<QString, QList<QPointer<protocol::Channel>>> m_jobWatchers; ///< live: output, state, usage as they come
    /// A watcher of a job's output that is behind (WatchJob's backlog, or a reader slower than
    /// the job writes): sent the output from the job's file as fast as its channel takes it
    /// (paceOutput()), then live again, so that the agent holds at most a few MiB for it
    /// whatever the output's size.
    struct OutputBacklog {
        QString jobId;
        QPointer<protocol::Channel> channel;
        qint64 next = 0; ///< the first byte of output not yet sent
        /// Replies on the same channel that follow the backlog, as they did when it was sent
        /// at once: a job's result asked for after WatchJob comes after the output.
        QList<std::function<void()>> afterCaughtUp;
    };
    QList<OutputBacklog> m_outputBacklogs;
    QTimer m_outputPacer;
    void paceOutput();
    void answerJobResult(const protocol::FetchJobResult &m, const protocol::RequestContext &ctx);
    void answerJobOutput(const protocol::FetchJobOutput &m, const protocol::RequestContext &ctx);
    /// The peer's job (jobForPeer()) if it ended and its results are still kept: Conflict
    /// while it runs, NotFound once they are removed.
    Result<JobRecord> finishedJobForPeer(const QString &jobId, const protocol::RequestContext &ctx);
    QList<QPointer<protocol::Channel>> m_ownerWatchers;
    QHash<QString, QString> m_lastViolation; ///< job ID → the violation it could not undo, reported once
    QSet<qint64> m_violationsInFlight; ///< pending violation reports whose market's answer is awaited
    struct CpuSample {
        qint64 cpuTimeNs = -1;
        qint64 atNs = 0;
    };
    QHash<QString, CpuSample> m_cpuSamples;
    QString m_virtReason;
    QPointer<KvmProbe> m_kvmProbe;
    QTimer m_auditTimer;
    QTimer m_usageTimer;
    QTimer m_heartbeatTimer;
    QTimer m_resultSweepTimer;
    QTimer m_directLeaseTimer; ///< fires at the next direct lease's time limit
};

} // namespace lendable::lender
