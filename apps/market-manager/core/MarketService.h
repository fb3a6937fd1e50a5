#pragma once
// The management server of the patent (control unit 11): the protocol glue between lender
// agents, borrowers and admins on one side, and the resource and billing databases
// (MarketStore) and the search index (OfferIndex) on the other. The headless mode, the
// Market Manager desktop app (embedded default) and the tests all run this one class.

#include "LatencyHistogram.h"
#include "MarketStore.h"
#include "OfferIndex.h"
#include "identity/Identity.h"
#include "protocol/DisplayName.h"
#include "protocol/Dispatcher.h"
#include "protocol/LocalChannel.h"
#include "protocol/Server.h"
#include "protocol/Terms.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

namespace lendable::market {

class StoreWriter;

struct MarketConfig {
    /// Market fee in basis points of each charge (1000 = 10 %).
    int feeBasisPoints = 1000;
    /// Node IDs allowed in the `admin` role (the market's own ID always is).
    QStringList adminIds;
    /// A lender that sends nothing for this long is offline and its offers are not offered.
    int heartbeatTimeoutMs = 30'000;
    /// A connection over which nothing moved for this long (to twice as long) is closed
    /// (HandshakeConfig::idleTimeoutMs; --idle-timeout); 0: never.
    int idleTimeoutMs = protocol::kDefaultIdleTimeoutMs;
    /// The market's data directory; images live in DIR/images unless imagesDir says otherwise.
    QString dataDir;
    /// Where images live (DIR/<sha256>/image.tar); empty = "images" in dataDir, and no image
    /// store without either. Market processes on one database share it (a shared file
    /// system), so that each can serve every image the database lists.
    QString imagesDir;
    /// The contract clock, UTC ms: contract starts (S48), ends (S61) and max-duration
    /// expiry. Tests inject one to bill exact durations. Liveness (heartbeats) always runs on
    /// the real clock.
    std::function<qint64()> clock;
    /// How often heartbeats, expiries and other processes' changes are looked at.
    int maintenanceIntervalMs = 1000;
    /// How far back a sync re-reads changes, in ms, because PostgreSQL transactions may
    /// commit in another order than they took their revision numbers; -1 = 0 for SQLite
    /// (one writer at a time) and 2000 for PostgreSQL.
    int syncSettleMs = -1;
    /// How often other processes' changes are read, in ms; -1 = the maintenance interval for
    /// PostgreSQL (each sync re-reads the settle window) and at most 100 ms for SQLite, where
    /// a sync reads only what is new: short syncs keep the event loop's pauses short.
    int syncIntervalMs = -1;
    /// How long, in ms, the notice of an ended contract sent to a local lender is remembered,
    /// so that a sync that reads the contract again does not tell the lender twice; -1 =
    /// the larger of 60 s and four settle windows.
    int noticeMemoryMs = -1;
    /// How long a connected lender has to answer an AllocationChanged, in ms. Unanswered, the
    /// allocation stays unconfirmed (not offered) and the manager who asked is told it is
    /// pending; the lender is asked again when next heard from, at most once per this period.
    /// Keep it below a manager's own request time (30 s by default), so that a silent lender
    /// is reported as pending rather than the manager's request timing out.
    int allocationAnswerTimeoutMs = 15'000;
    /// How often the market keeps a sample of what it did (ServiceStats.history), in ms, and
    /// for how long it keeps them: an hour at 10 s is 360 samples of a few hundred bytes.
    int statsSampleMs = 10'000;
    int statsHistoryMs = 3'600'000;
};

class MarketService : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kMaxImageChunk = 1024 * 1024;

    MarketService(const Identity &identity, const QString &databaseUrl, MarketConfig config = {},
                  QObject *parent = nullptr);
    ~MarketService() override;

    /// Opens the database (migrating it), loads the offer index, starts maintenance.
    Result<void> start();
    /// Serves the protocol over mutual TLS (port 0 = any free port). Calls start() if needed.
    Result<void> listen(const QHostAddress &address, quint16 port);
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    /// An in-process client connected to this market (the desktop app's embedded default,
    /// and tests). The caller owns the returned channel.
    protocol::LocalChannel *connectLocal(const QString &clientNodeId, const QString &role);
    /// Closes every channel (lenders of this process are marked offline) and the database.
    void shutdown();

    QString nodeId() const { return m_identity.nodeId(); }
    const Identity &identity() const { return m_identity; }
    const MarketConfig &config() const { return m_config; }
    bool isStarted() const { return m_store != nullptr; }
    qint64 now() const;

    /// Adds an OS image to the store: `archivePath` is a tar archive of the image directory
    /// (vmlinuz, initramfs.img, image.json, optional disk image), kept as opaque bytes and
    /// addressed by its SHA-256; lenders fetch it in chunks (FetchImage) and unpack it.
    Result<protocol::ImageInfo> addImage(const QString &name, const QString &archivePath);

    /// One round of housekeeping (also run by a timer): heartbeat timeouts, max-duration
    /// ends, and changes made by other market processes on the same database.
    void runMaintenance();

    /// Offers currently registered (not withdrawn), whatever their state.
    qsizetype offerCount() const { return m_index.offerCount(); }

    /// Server-side request timings since start, per request kind (`search`, `borrow`, `end`,
    /// `register`, `other`): from the decoded frame to the reply handed to the socket
    /// (borrow and end: to the reply after their group commit). Plus the open channel count.
    /// `market-manager --headless --stats-file` writes it on SIGUSR1.
    QJsonObject requestStats() const;
    /// The process's own figures for admins (AdminServiceStats): memory, CPU time,
    /// connections, offers, and the request timings above; what market-bench reads.
    protocol::ServiceStats serviceStats() const;
    /// Contracts whose notices to local lenders this process remembers (see
    /// MarketConfig::noticeMemoryMs).
    qsizetype rememberedNotices() const { return m_pushed.size(); }
    /// Makes the signer take `ms` longer over each batch from now on (0: no longer), as a
    /// slow or busy signer would. For tests of what arrives meanwhile.
    static void delaySigningForTest(int ms);

signals:
    void contractStarted(const QString &contractId, const QString &lenderId, const QString &borrowerId);
    void contractEnded(const QString &contractId, const QString &reason);
    void lenderOnlineChanged(const QString &lenderId, bool online);
    void violationReported(const QString &lenderId, const QString &partitionId, const QString &detail);

private:
    // An AllocationChanged awaiting the lender's answer, and who waits for that answer.
    using AllocationWaiters = std::shared_ptr<QList<std::function<void(Result<void>)>>>;
    struct AllocationInFlight {
        Resources resources;
        QPointer<protocol::Channel> channel;
        AllocationWaiters waiters;
    };
    struct LocalLender {
        QPointer<protocol::Channel> channel;
        qint64 lastSeenMs = 0;     // real clock
        bool online = false;
        QHash<QString, AllocationInFlight> allocationsInFlight; // by offer id
        qint64 askAgainAtMs = 0; // real clock; 0 = no unanswered allocation to ask again
        // A heartbeat's address the database had no row of this lender for (it has not
        // registered yet): the next heartbeats with it do not ask again.
        QString addressWithoutRow;
        // A heartbeat's new address being recorded: the heartbeats meanwhile do not ask again.
        QString addressInFlight;
        // m_noticeSerial when its current channel became its own: notices told after that
        // were told on this connection, and its catch-up does not tell them again.
        quint64 connectedSerial = 0;
    };
    struct PushState {
        bool started = false;
        bool ended = false;
        quint64 startedSerial = 0; // m_noticeSerial when its start was last told
        quint64 endedSerial = 0;   // m_noticeSerial when its end was last told
        qint64 endedAtSteadyMs = 0;
    };
    using Ctx = protocol::RequestContext;
    // Contract requests wait here for the next group commit (flushContracts()).
    struct PendingBorrow {
        Ctx ctx;
        qint64 receivedNs = 0; // m_steady, for the request timings
        QString borrowerId;
        QStringList candidates; // offer IDs, best first
        bool bestMatch = false;
        std::optional<protocol::LendingConditions> agreedTerms; // Borrow.agreedTerms
        QString requestId; // Borrow.requestId; empty: none
        Error noMatch;     // a best match without candidates: why (it waits only to be found a repeat)
        // Best match: each candidate's terms as the index matched them to the query, which
        // the lend holds the offer to (an alteration may commit between match and lend).
        QList<protocol::LendingConditions> matchedTerms;
    };
    struct PendingRegistration {
        Ctx ctx;
        qint64 receivedNs = 0;
        QString lenderId;
        protocol::RegisterPartition request;
    };
    struct PendingEnd {
        Ctx ctx;
        qint64 receivedNs = 0;
        QString borrowerId;
        QString contractId;
    };

    struct BorrowOutcome {
        std::optional<LendResult> lent;
        QByteArray key;
        Error error;
        std::optional<protocol::Receipt> receipt;
        bool repeated = false; // lent by an earlier Borrow with its request ID; `key` is new
    };
    struct EndOutcome {
        Result<ContractRow> ended;
        protocol::Receipt receipt;
    };
    // The requests of a group commit in flight; they and their contexts stay on the
    // service thread while the writer thread commits.
    struct InFlightBatch {
        QList<PendingRegistration> registrations;
        QList<PendingBorrow> borrows;
        QList<PendingEnd> ends;
    };
    // What the writer thread made of one batch, index for index with its InFlightBatch.
    struct BatchOutcome {
        QList<Result<PartitionRow>> registered;
        QList<BorrowOutcome> lent;
        QList<EndOutcome> ended;
        QList<PartitionRow> refreshed;      // offers the index thought free
        QHash<QString, LenderRow> lenders;  // lender rows the batch changed
        QHash<QString, QString> borrowerNames; // of borrowers that got a contract and whose names were not known
        Error undurable; // committed, but the disk did not take it (StoreWriter::syncCommitted())
        // What a commit that went unanswered may have changed (m_recheck).
        Recheck recheck;
        // When each stage of the batch ended, in ns of m_steady (0: it did not run); logged
        // under lendable.market.batch.
        struct Stages {
            qint64 submitted = 0, started = 0, statements = 0, committed = 0, writerDone = 0, synced = 0, signedAt = 0;
        } at;
    };

    // A committed batch being answered, a few requests per event-loop pass (applyPending()).
    struct ApplyingBatch {
        InFlightBatch requests;
        std::shared_ptr<const BatchOutcome> outcome;
        std::optional<Error> unacknowledged; // what every requester gets if it is not durable
        qint64 startNs = 0;
        qsizetype next = 0;     // requests answered: registrations, then borrows, then ends
        bool refreshed = false; // its refreshed offers are in the index
        int passes = 0;          // event-loop passes that answered some of it (for the log)
        qint64 answeringNs = 0;  // the time those passes spent on it (for the log)
    };
    static constexpr qsizetype kAnswersPerPass = 128;

    template <typename Req, typename Reply>
    void serve(const QStringList &roles, Result<Reply> (MarketService::*handler)(const Req &, const Ctx &));
    template <typename Req>
    void serveAsync(const QStringList &roles, void (MarketService::*handler)(const Req &, const Ctx &));
    void scheduleFlush();
    void flushContracts();
    bool maySubmit() const;
    void submitPending();
    void writerFree();
    void settleWrites();
    // A lender's write about its partitions, on the writer thread after the batches already
    // accepted (its registrations among them), so that it neither overtakes them nor holds
    // this thread while the database works; `then` runs here once the batches before it are
    // answered (completeInWriterOrder()).
    // `apply` takes what was written into this thread's state and says what to answer; a
    // write the disk did not take (StoreWriter::syncCommitted()) is applied all the same, as
    // the database has it, and the requester gets that error instead of its answer. Timed as
    // `type`, as answerFromReader() does.
    template <typename T, typename Reply>
    void writeThen(const Ctx &ctx, protocol::MessageType type, std::function<Result<T>(MarketStore &)> write,
                   std::function<Result<Reply>(const Result<T> &)> apply);
    /// What a writer job (inWriterOrder()) is to those who wait for it.
    enum class Acked {
        Yes, // a peer waits for it: after the requests accepted before it, synced before it completes
        No,  // the market's own bookkeeping (a lender's presence, what it missed): neither
    };
    /// `work` on the writer thread; `complete` here, once the batches the writer committed
    /// before it are answered (completeInWriterOrder()), with what `work` returned and, for
    /// Acked::Yes, the error of a sync the disk did not take. Once the writer is gone (at
    /// shutdown) `work` is not run: `complete` gets a Cancelled error at once.
    template <typename T>
    void inWriterOrder(Acked acked, std::function<Result<T>(MarketStore &)> work,
                       std::function<void(const Result<T> &, const std::optional<Error> &undurable)> complete);
    void completeOnServiceThread(std::function<void()> completion);
    void processCompletions();
    void applyBatch(std::shared_ptr<const BatchOutcome> outcome);
    void applyPending(qsizetype budget); // budget < 0: everything
    void answerRequest(const ApplyingBatch &batch, qsizetype index);
    void logBatch(const ApplyingBatch &a) const;
    static void signReceipts(BatchOutcome &batch, const Identity &identity);
    // Run first by each task of the signer's pool: gives its thread the signer's nice value.
    static void lowerSignerOnce(int signerNice);
    // The index and the lender follow a lend; the borrower gets the grant, or `replyError`.
    // A repeated borrow (Borrow.requestId) changed only the contract's key: the lender is told
    // it again, and the answer says so.
    void afterLent(const LendResult &lent, const QByteArray &key, const std::optional<protocol::Receipt> &receipt,
                   const Ctx &ctx, const std::optional<Error> &replyError = std::nullopt, bool repeated = false);
    void afterEnded(const ContractRow &ended, std::optional<LenderRow> lender = std::nullopt);
    void registerHandlers();
    Result<void> admit(const QString &peerId, const QString &role) const;
    void onChannelEstablished(protocol::Channel *channel);
    void onEnvelope(protocol::Channel *channel, const protocol::Envelope &envelope);
    void onChannelClosed(protocol::Channel *channel);
    void dispatchTimed(protocol::Channel *channel, const protocol::Envelope &envelope);
    void recordTiming(quint32 type, qint64 receivedNs);
    /// The request being dispatched will be answered later, and timed then (recordTiming()
    /// with the time returned, when it was received); a request not deferred is timed as
    /// soon as its handler returns, answered or refused.
    qint64 deferAnswer();
    void lenderSeen(const QString &lenderId, protocol::Channel *channel);
    void setLenderOffline(const QString &lenderId);
    /// What a lender that comes (back) to this process is to catch up on (catchUpLender()).
    struct CatchUp {
        bool markOnline = false;            // record it online; its row says when it was last seen
        std::optional<qint64> lastSeenMs;   // real clock; else that of its row (markOnline)
        bool allocationsOnly = false;       // only the allocations it has not confirmed
    };
    /// What a lender missed, read on the writer thread (catchUpLender()).
    struct Missed {
        QList<ContractRow> ended;            // since it was last seen, with a heartbeat's margin
        QList<ContractRow> running;
        QList<PartitionRow> unconfirmed;     // rebalanced allocations it has not confirmed
        QHash<QString, QString> borrowerNames; // of the running contracts' borrowers
    };
    /// A lender that came online here, or reconnected, or whose allocations are due to be
    /// asked again: its row is marked online (CatchUp::markOnline), and what it missed is read
    /// on the writer thread and told it here in the writer's order (replayMissed()).
    void catchUpLender(const QString &lenderId, const CatchUp &what);
    void replayMissed(const QString &lenderId, const Missed &missed);
    void pushToLender(const QString &lenderId, const auto &message);
    /// Sends a partition's allocation to its lender as a request if it is connected here
    /// (second embodiment); its acknowledgement confirms the allocation, its refusal puts the
    /// confirmed one back. `answered` gets nothing on confirmation, or while the lender is
    /// away or silent (it stays unconfirmed and is sent again when it reconnects), and the
    /// refusal otherwise.
    void sendAllocation(const PartitionRow &partition, std::function<void(Result<void>)> answered = {});
    /// Asks a connected lender again for the allocations it left unanswered, once their time
    /// has come (MarketConfig::allocationAnswerTimeoutMs).
    void askAgainIfDue(const QString &lenderId, LocalLender &lender);
    void notifyStarted(const ContractRow &contract, bool keyChanged = false);
    /// The lender's notice of a contract (S48), as pushed live and as replayed: with the name
    /// its borrower goes by.
    protocol::ContractStarted startedNotice(const ContractRow &contract);
    /// The name a borrower goes by, for lenders' notices, as this process knows it: read on
    /// the writer thread before the notice, then kept as it is set here or synced from
    /// another market process (borrowerRenamed()). Empty if it could not be read.
    QString borrowerNameOf(const QString &borrowerId) const;
    void rememberBorrowerName(const QString &borrowerId, const QString &name);
    /// A borrower's name changed (here, or in another market process): the lenders connected
    /// here that were told of one of its running contracts are told it again, with the new
    /// name (the agent takes a repeated ContractStarted as the name's update).
    void borrowerRenamed(const QString &borrowerId, const QString &name);
    void notifyEnded(const ContractRow &contract);
    void markEnded(const QString &contractId, PushState &state);
    void forgetOldNotices();
    // The periodic jobs. Their reads and writes run on the writer thread, after the batches
    // submitted before them, and come back here (completeOnServiceThread()): a database that
    // stops answering holds that thread, while this one serves on from memory.
    void checkHeartbeats();
    void afterLendersFlushed(const Result<void> &touched, const Result<QStringList> &stale);
    void endExpiredContracts();
    // The look for expired contracts that waits at the writer, if one does, made to look up
    // to now() (m_expiryUpTo).
    void bringExpiryLookUpToNow();
    // What one look for expired contracts found and ended on the writer thread.
    struct ExpiryOutcome {
        Result<QList<ContractRow>> found = QList<ContractRow>();
        QList<ContractRow> ended;
        QHash<QString, LenderRow> lenders; // the rows of the ended contracts' lenders, reliability moved
    };
    void endExpired(const ExpiryOutcome &outcome);
    void syncFromDatabase();
    /// `changes` read at `readAtMs` (m_steady).
    void applySync(const Result<Changes> &changes, qint64 readAtMs, quint64 recheckAdded);
    /// From a writer job: runs `completion` on the service thread once the batches the writer
    /// committed before that job are answered (a few per pass, applyPending()), so that what
    /// the job read or wrote, newer than theirs, is applied after them.
    void completeInWriterOrder(std::function<void()> completion);
    void runDueAfterBatches();
    struct AfterBatches {
        quint64 batchesAnswered = 0; // due once m_batchesAnswered reaches this
        std::function<void()> completion;
    };
    // Offers and contracts whose commit went unanswered and whose end the server could not
    // tell: each sync reads them, whoever wrote them, until one reads them after their
    // transactions ended, so that the index and the lenders come to know what the database holds.
    Recheck m_recheck;
    quint64 m_recheckAdded = 0; ///< how many batches added to m_recheck, so a sync clears only what it read
    std::deque<AfterBatches> m_afterBatches;
    quint64 m_batchesAnswered = 0;
    /// MarketConfig::imagesDir, or "images" in the data directory; empty: no image store.
    QString imagesDir() const;
    QString imagePath(const QString &sha256) const;

    // lender agent
    void onRegister(const protocol::RegisterPartition &req, const Ctx &ctx);
    void onAlter(const protocol::AlterPartition &req, const Ctx &ctx);
    void onWithdraw(const protocol::WithdrawPartition &req, const Ctx &ctx);
    void onHeartbeat(const protocol::LenderHeartbeat &req, const Ctx &ctx);
    void onVerifyKey(const protocol::VerifyKey &req, const Ctx &ctx);
    void onPartitionLost(const protocol::PartitionLost &req, const Ctx &ctx);
    void onViolation(const protocol::ReportViolation &req, const Ctx &ctx);
    Result<protocol::Ack> onJobState(const protocol::ReportJobState &req, const Ctx &ctx);
    // images (lenders and borrowers)
    void onFetchImage(const protocol::FetchImage &req, const Ctx &ctx);
    void onListImages(const protocol::ListImages &req, const Ctx &ctx);
    // borrower
    void onSearch(const protocol::SearchOffers &req, const Ctx &ctx);
    void onBorrow(const protocol::Borrow &req, const Ctx &ctx);
    void onEndContract(const protocol::EndContract &req, const Ctx &ctx);
    void onListBills(const protocol::ListBills &req, const Ctx &ctx);
    /// `list` with `rows`' receipts, signed together by `identity`, if they are `wanted`. Any thread.
    static Result<protocol::BillList> withReceipts(protocol::BillList list, const QList<ContractRow> &rows, bool wanted,
                                                   const Identity &identity);
    void onSetBorrowerName(const protocol::SetBorrowerName &req, const Ctx &ctx);
    /// Gives the writer the next of `borrowerId`'s waiting renames, while it has fewer than
    /// kRenamesInWriter of them.
    void startRenames(const QString &borrowerId);
    // admin
    void onAdminPartitions(const protocol::AdminListPartitions &req, const Ctx &ctx);
    void onAdminContracts(const protocol::AdminListContracts &req, const Ctx &ctx);
    void onAdminBilling(const protocol::AdminBillingReport &req, const Ctx &ctx);
    void onAdminRebalance(const protocol::AdminRebalance &req, const Ctx &ctx);
    void onAdminViolations(const protocol::AdminListViolations &req, const Ctx &ctx);
    // Runs `query` on the reader thread and answers `ctx` with its outcome back on this thread,
    // after `finish` (on this thread too) completed a successful one; timed as `type`.
    template <typename Reply>
    void answerFromReader(const Ctx &ctx, protocol::MessageType type, std::function<Result<Reply>(MarketStore &)> query,
                          std::function<void(Reply &)> finish = {});
    // Which reader thread: the reports' (lists, reports, image chunks), or the quick one for
    // short reads a peer waits for on its way.
    enum class ReadLane { Reports, Quick };
    template <typename Reply>
    void answerFromReader(const Ctx &ctx, protocol::MessageType type, ReadLane lane,
                          std::function<Result<Reply>(MarketStore &)> query, std::function<void(Reply &)> finish = {});
    Result<protocol::ServiceStats> onAdminServiceStats(const protocol::AdminServiceStats &req, const Ctx &ctx);
    // Closes the current sample interval (ServiceStats.history) and forgets samples older
    // than the configured history.
    void takeSample();
    /// The request timings by kind, in the order requestStats() and serviceStats() give them.
    std::array<std::pair<QString, const LatencyHistogram *>, 5> timesByKind() const;

    Identity m_identity;
    QString m_databaseUrl;
    MarketConfig m_config;
    std::unique_ptr<MarketStore> m_store;   // this thread's connection: reads, rare writes
    std::unique_ptr<StoreWriter> m_writer;  // group commits, on a thread of their own
    std::unique_ptr<StoreWriter> m_reader;  // admins' lists and reports, off the event loop
    std::unique_ptr<StoreWriter> m_quickReader; // keys to verify: never behind a report
    std::deque<InFlightBatch> m_inFlight; // submitted to the writer, oldest first
    int m_atWriter = 0;                   // batches at the writer (not yet committed)
    qint64 m_lastBatchJob = 0;            // the writer's number for the last batch submitted
    std::deque<ApplyingBatch> m_applying; // committed, durable, being answered, oldest first
    QTimer m_applyMore;                   // answers the rest of m_applying in the next pass
    QMutex m_completionMutex;
    std::deque<std::function<void()>> m_completions; // posted by the writer and signer threads
    // Receipts of committed batches are signed here, one batch after the other, while the
    // writer commits the next batch (declared after what its jobs touch: it is destroyed,
    // and waited for, first).
    QThreadPool m_signer;
    int m_signerNice = 0; // its thread's nice value: the service thread's + kBackgroundNiceness
    OfferIndex m_index;
    protocol::Dispatcher m_dispatcher; // outlives the server's channels, which call into it
    protocol::Server m_server;
    QTimer m_maintenance;
    QTimer m_sync;
    QElapsedTimer m_steady;
    /// The periodic jobs (heartbeats, expiry, sync) run every second or so: while the
    /// database is away each would log every time. A failure is logged once a minute per job,
    /// with how many were not, and the job's recovery once.
    void periodicFailed(const char *job, const Error &error);
    void periodicSucceeded(const char *job);
    struct PeriodicFailures {
        qint64 loggedAtMs = 0;
        int notLogged = 0;
        int failures = 0;
    };
    QHash<QString, PeriodicFailures> m_periodicFailures;
    qint64 m_startedAtMs = 0; // wall clock, for ServiceStats
    qint64 m_lastFlushMs = 0;
    // A periodic job at the writer, not yet back: the next one waits for it.
    bool m_flushInFlight = false; // lenders' heartbeats recorded, other processes' timed out
    bool m_syncInFlight = false;  // changes of other processes read
    // Set while a look for expired contracts is in flight (the next waits for it): the
    // contract time up to which it ends contracts, now() as it was
    // queued, moved on by every maintenance pass (and by shutdown()) while it waits at the
    // writer, and read by the writer as the look starts. A look held at the writer (a slow
    // database, a lock) ends what expired while it waited, not only what had expired when it
    // was queued: the next look is queued only once this one is back.
    std::shared_ptr<std::atomic<qint64>> m_expiryUpTo;
    // Set while shutdown() runs the writer's last jobs: the bookkeeping among them
    // (Acked::No) is dropped unread, so that a frozen database does not hold the shutdown
    // for each of them (shutdown() marks its lenders offline itself). Read on the writer.
    std::atomic<bool> m_closing{false};

    QList<PendingBorrow> m_pendingBorrows;
    QList<PendingEnd> m_pendingEnds;
    QList<PendingRegistration> m_pendingRegistrations;
    bool m_flushScheduled = false;
    // A borrower's SetBorrowerName requests, each a transaction and a sync of its own: at
    // most kRenamesInWriter of them in the writer's queue, the rest waiting here in order.
    // All in the queue, one borrower's 3,000 pipelined renames held another's Borrow 5 s.
    struct Renames {
        int inWriter = 0;
        bool starting = false; // startRenames() is giving the writer one (which may end at once)
        std::deque<std::function<void()>> waiting;
    };
    static constexpr int kRenamesInWriter = 2;
    QHash<QString, Renames> m_renames; // borrowers with a rename in the writer or waiting
    QHash<QString, LocalLender> m_lenders;   // lenders connected to this process
    QHash<QString, PushState> m_pushed;      // contract notices sent to local lenders
    quint64 m_noticeSerial = 0;              // counts the starts told and the names changed
    // Borrowers' names as read, set here or synced (borrowerNameOf()), at most kKnownNames.
    QHash<QString, QString> m_borrowerNames;
    static constexpr qsizetype kKnownNames = 65536;
    // The ended ones in the order they ended (steady ms, contract ID), so that forgetting the
    // old ones looks only at those: a sweep of all of m_pushed every sync went through
    // 300,000 notices ten times a second at 5,000 contracts/s.
    std::deque<std::pair<qint64, QString>> m_endedNotices;
    Watermarks m_loaded;                     // what loadAll() saw
    std::deque<std::pair<qint64, Watermarks>> m_syncHistory; // (steady ms, watermarks reached)
    // Request timings (see requestStats()); fixed-size, so recording never allocates.
    LatencyHistogram m_searchTimes;
    LatencyHistogram m_borrowTimes;
    LatencyHistogram m_endTimes;
    LatencyHistogram m_registerTimes;
    LatencyHistogram m_otherTimes;
    // ServiceStats.history: the samples kept, oldest first, and where the next one starts.
    QTimer m_sampler;
    std::deque<protocol::ServiceSample> m_samples;
    std::array<LatencyHistogram, 5> m_sampledTimes; // timesByKind() when the last sample was taken
    qint64 m_sampledAtMs = 0;                       // wall clock
    qint64 m_sampledCpuMs = 0;
    qint64 m_dispatchStartNs = 0; // of the request being dispatched now
    bool m_answerDeferred = false; // by its handler (deferAnswer())
};

/// User and system CPU time of all of this process's threads, ms (ServiceStats::cpuMs;
/// market-bench measures itself with it too).
qint64 processCpuMs();

/// The CPU time of this machine from /proc/stat (ServiceStats::host; market-bench reads its
/// own machine's steal with it too); nothing where /proc/stat cannot be read.
std::optional<protocol::HostCpu> hostCpu();

/// How a machine's CPU time went between two readings of it, in percent of all of it.
struct HostCpuShare {
    double busyPercent = 0;
    double stolenPercent = 0;
};
/// Nothing when either reading is missing or no time passed between them.
std::optional<HostCpuShare> hostCpuShare(const std::optional<protocol::HostCpu> &from,
                                         const std::optional<protocol::HostCpu> &to);

/// The largest frame a peer may send the market (the protocol's default is 16 MiB): a
/// connection buffers at most this of a frame that has not come whole, so that many
/// connections that send a header and stop hold little. The largest request a client sends
/// is a lender's LenderHeartbeat, which names each partition the lender has on this market:
/// at most one per vCPU of its machine (8192, the most an x86-64 Linux kernel runs), each ID
/// at most 128 UTF-16 units, 384 bytes of UTF-8: about 3.2 MB. Every other request is a few
/// KiB: a registration holds one partition, its at most protocol::kMaxOsImagesPerPartition names
/// included, under 8 KiB; an agent's lock-violation detail is a phrase per tunable (and the
/// market keeps kMaxViolationDetail characters of it). Images go from the market to lenders,
/// never the other way (an admin adds them on the market's machine). The replies the market
/// sends are not bound by this.
inline constexpr qsizetype kMaxInboundFrameBytes = 4 * 1024 * 1024;

/// Whose conditions are checked: a lender's offer, or the terms a borrower agreed to
/// (Borrow.agreedTerms), where 0 vCPUs, no memory and no OS image agree to any.
enum class ConditionsOf { Offer, Agreement };
/// Checks a partition's resources (an offer's, agreed terms', a rebalance's) against
/// protocol::kMaxPartitionCpus and the like; InvalidArgument naming the value and the limit.
Result<void> validateResources(const Resources &resources, ConditionsOf whose = ConditionsOf::Offer);
/// Checks lending conditions; InvalidArgument naming the problem.
Result<void> validateConditions(const protocol::LendingConditions &conditions, ConditionsOf whose = ConditionsOf::Offer);

using protocol::kMaxDisplayNameLength;
/// A lender's or borrower's name without its leading and trailing spaces, or InvalidArgument
/// when it is longer than kMaxDisplayNameLength or holds a control character; `whose` names
/// the party in the message ("lender", "borrower").
Result<QString> checkDisplayName(const QString &name, const QString &whose);

} // namespace lendable::market
