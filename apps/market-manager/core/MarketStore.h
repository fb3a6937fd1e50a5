#pragma once
// The market's databases (patent resource DB 12 and billing DB 13) in SQL, for SQLite and
// PostgreSQL alike. Everything that must hold across several market processes sharing one
// PostgreSQL database lives here as a statement the database enforces: a partition is lent
// by a conditional UPDATE (`… AND lending_status IS NULL`, one row or nothing), a partial
// unique index allows one running contract per offer, and a contract is ended by a
// conditional UPDATE on `ended_at_ms IS NULL`.
//
// Every mutation of partitions, lenders and contracts stamps the row with a `rev` taken
// from a counter (a PostgreSQL sequence; MAX(rev)+1 under SQLite's single writer), so a
// process can read what other processes changed since it last looked (changesSince()).
// The low 16 bits of a rev are the writing process's tag (claimRevisionTag(); 0 = none),
// the counter is above them: the order stays the counter's, and a process skips the rows
// it wrote itself, which it has applied already.

#include "Billing.h"
#include "protocol/Messages.h"
#include "storage/Database.h"

#include <QSet>

#include <array>
#include <memory>
#include <optional>

namespace lendable::market {

/// The first `units` UTF-16 units of `text`, without half a surrogate pair at the cut.
inline QString leftWhole(const QString &text, qsizetype units)
{
    qsizetype n = qMin(text.size(), units);
    if (n < text.size() && n > 0 && text.at(n - 1).isHighSurrogate())
        --n;
    return text.left(n);
}

/// The characters of a lock-violation report's detail that are kept, logged and shown.
inline constexpr qsizetype kMaxViolationDetail = 4096;
/// A report's detail as kept: its first kMaxViolationDetail UTF-16 units.
inline QString keptViolationDetail(const QString &detail)
{
    return leftWhole(detail, kMaxViolationDetail);
}

/// The characters of a text a peer sent (a partition or job ID, a reason) that the log shows.
inline constexpr qsizetype kMaxLoggedPeerText = 256;
/// A peer's text as the log shows it: whole when short, else its first kMaxLoggedPeerText
/// characters and how long it was. Unbounded, a lender's 10 MiB "reason" was 10 MiB of log.
inline QString loggedPeerText(const QString &text)
{
    if (text.size() <= kMaxLoggedPeerText)
        return text;
    return QStringLiteral("%1… (%2 characters)").arg(leftWhole(text, kMaxLoggedPeerText)).arg(text.size());
}

/// The wall clock, UTC ms: MarketConfig::clock's default, and what lender liveness and the
/// capacity history go by whatever clock the market is configured with.
qint64 realNowMs();

/// A lender agent as the market knows it.
struct LenderRow {
    QString id;
    QString name;
    QString address;
    bool online = false;
    qint64 lastSeenMs = 0;
    qint32 reliability = 100;
    qint64 rev = 0;
};

/// A registered partition (FIG. 3): lending server ID, partition ID, lending conditions 103,
/// key hash 104 and lending status 105.
struct PartitionRow {
    QString offerId;
    QString lenderId;
    QString partitionId;
    protocol::LendingConditions conditions;
    QByteArray keyHash;         ///< of the running contract's key; empty when not lent
    QString lendingStatus;      ///< borrower node ID while lent (FIG. 3, 105); empty when free
    QString contractId;         ///< the running contract, empty when free
    bool externallyReferenced = false;
    Resources budget;           ///< allocation the lender registered: the rebalancing budget
    Resources applied;          ///< allocation the lender last confirmed it generates (registered or acknowledged rebalance)
    bool withdrawn = false;
    qint64 rev = 0;

    bool isLent() const { return !lendingStatus.isEmpty(); }
    /// A manager's rebalance the lender has not confirmed yet: not offered until it does.
    bool allocationUnconfirmed() const { return externallyReferenced && !isLent() && conditions.resources != applied; }
};

/// A contract (S45–S61) with its bill once ended.
struct ContractRow {
    QString id;
    QString offerId;
    QString borrowerId;
    QString lenderId;
    QString partitionId;
    Money ratePerHour;
    Resources resources;
    qint64 maxDurationS = 0;
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;       ///< 0 while running
    QByteArray keyHash;
    QString endReason;
    BillAmounts bill;           ///< zero while running
    qint64 rev = 0;
    /// The market's fee when the contract started, which its bill takes; none for a contract
    /// made before markets kept it (its bill takes the fee configured when it ends).
    std::optional<int> feeBasisPoints;

    bool isRunning() const { return endedAtMs == 0; }
    /// When its time limit ends it, UTC ms; 0 without a limit.
    qint64 limitAtMs() const { return maxDurationS > 0 ? startedAtMs + maxDurationS * 1000 : 0; }
    protocol::Bill toBill(qint64 nowMs) const;
};

/// How a lend holds an offer to the terms given with it: no worse for the borrower (the terms
/// a borrower agreed to, Borrow.agreedTerms), or exactly those (a best match's, as matched to
/// a query that may bound them from above too: "time<=1h", "os!=x", "cpus=2").
enum class AgreedAs { NoWorse, Exactly };

/// What a successful lend needs to tell the borrower and the lender.
/// A new contract and the lending conditions it was granted on.
struct LendResult {
    ContractRow contract;
    protocol::LendingConditions conditions;
};

/// The name a borrower goes by (empty: none).
struct BorrowerName {
    QString borrowerId;
    QString name;
};

/// Rows a sync reads by ID whatever their revision and whoever wrote them: those a commit
/// that went unanswered may have changed.
struct Recheck {
    QSet<QString> offers;
    QSet<QString> contracts;
    /// PostgreSQL transaction IDs of those commits: until each is committed or aborted for
    /// the server (txid_status()), a read of the rows may come before the commit lands.
    QSet<qint64> transactions;
    bool isEmpty() const { return offers.isEmpty() && contracts.isEmpty() && transactions.isEmpty(); }
    void unite(const Recheck &other)
    {
        offers.unite(other.offers);
        contracts.unite(other.contracts);
        transactions.unite(other.transactions);
    }
};

/// What PostgreSQL says of transaction `xid` (txid_status()): true committed, false aborted,
/// nothing while it is in progress, unknown to the server, or the server cannot be asked.
std::optional<bool> transactionCommitted(Database &db, qint64 xid);

/// What other processes (or this one) changed since a watermark.
struct Changes {
    QList<LenderRow> lenders;
    QList<PartitionRow> partitions;
    QList<ContractRow> contracts;
    QList<BorrowerName> borrowers; ///< names set or taken back
    Recheck recheck;               ///< the rows asked for by ID, read after their transactions ended (in the lists above)
    qint64 maxLenderRev = 0;
    qint64 maxPartitionRev = 0;
    qint64 maxContractRev = 0;
    qint64 maxBorrowerRev = 0;
};

struct Watermarks {
    qint64 lenders = 0;
    qint64 partitions = 0;
    qint64 contracts = 0;
    qint64 borrowers = 0;
};

/// One page of the resource database for the admin view.
struct PartitionPage {
    QList<PartitionRow> rows;
    QList<LenderRow> lenders; ///< the lender of each row
    QStringList borrowerNames; ///< the name of each row's borrower; empty if free or unnamed
    qint64 total = 0;
};

struct ContractPage {
    QList<ContractRow> rows;
    QStringList lenderNames; ///< rows[i]'s lender's name; empty if it has none
    QStringList borrowerNames; ///< rows[i]'s borrower's name; empty if it has none
    qint64 total = 0;
};

struct ViolationPage {
    QList<protocol::Violation> rows;
    qint64 total = 0;
};

class MarketStore {
public:
    /// Opens the database and brings its schema up to date.
    static Result<std::unique_ptr<MarketStore>> open(const QString &url);

    Database &database() { return m_db; }
    SqlDialect dialect() const { return m_db.dialect(); }

    // ── lenders ──
    /// Creates or refreshes a lender and marks it online (it just spoke to us).
    Result<void> upsertLender(const QString &lenderId, const QString &name, const QString &address, qint64 nowMs);
    /// The name a borrower gave itself (SetBorrowerName); an empty name takes it back.
    Result<void> setBorrowerName(const QString &borrowerId, const QString &name, qint64 nowMs);
    /// The name a borrower goes by; empty if it gave none.
    Result<QString> borrowerName(const QString &borrowerId);
    Result<void> setLenderOffline(const QString &lenderId);
    /// Records that these lenders are alive at `nowMs` (one transaction): last_seen and
    /// online = 1.
    Result<void> touchLenders(const QStringList &lenderIds, qint64 nowMs);
    /// Marks offline every lender whose last_seen is before `cutoffMs`, except `keep`
    /// (lenders this process sees alive). Returns their IDs.
    Result<QStringList> markStaleLendersOffline(qint64 cutoffMs, const QSet<QString> &keep);
    Result<std::optional<LenderRow>> lender(const QString &lenderId);

    // ── partitions (FIG. 6, 7) ──
    /// S15–S16: registers a partition, or updates it when it is registered already and not
    /// lent. Re-registering a lent partition with the same conditions returns it unchanged
    /// (an agent that reconnects re-registers what it holds); other changes while lent are
    /// Conflict.
    Result<PartitionRow> registerPartition(const QString &lenderId, const protocol::RegisterPartition &reg,
                                           qint64 nowMs);
    /// registerPartition() inside the caller's write transaction (group commit).
    Result<PartitionRow> registerInTransaction(const QString &lenderId, const protocol::RegisterPartition &reg,
                                               qint64 nowMs);
    /// S23–S28: Conflict while lent, NotFound when not registered.
    Result<PartitionRow> alterPartition(const QString &lenderId, const QString &partitionId,
                                        const protocol::LendingConditions &conditions);
    /// Conflict while lent, NotFound when not registered.
    Result<PartitionRow> withdrawPartition(const QString &lenderId, const QString &partitionId);
    Result<std::optional<PartitionRow>> partitionByOffer(const QString &offerId);
    Result<std::optional<PartitionRow>> partition(const QString &lenderId, const QString &partitionId);
    /// Second embodiment: changes the allocation of an unlent, externally referenced
    /// partition so that the lender's externally referenced partitions together stay within
    /// the allocations it registered.
    Result<PartitionRow> rebalance(const QString &lenderId, const QString &partitionId, const Resources &resources);

    // ── contracts (FIG. 8, 9) ──
    /// S46–S47, atomically: marks the offer lent to `borrowerId` (only if it is registered,
    /// free and its lender online), inserts the contract, commits. Conflict when the
    /// partition is lent, withdrawn or its lender offline; NotFound for an unknown offer.
    /// With `agreed` (Borrow.agreedTerms), TermsChanged unless the offer's terms are no worse
    /// than those (AgreedAs::Exactly: unless they are those), read in the same transaction (see
    /// agreedTermsChanges()). The contract keeps
    /// `feeBasisPoints`, the market's fee now, for its bill.
    /// The contract keeps `requestId` (Borrow.requestId; empty: none), unique per borrower.
    Result<LendResult> lend(const QString &offerId, const QString &borrowerId, const QString &contractId,
                            const QByteArray &keyHash, qint64 nowMs,
                            const std::optional<protocol::LendingConditions> &agreed = std::nullopt,
                            std::optional<int> feeBasisPoints = std::nullopt, AgreedAs agreedAs = AgreedAs::NoWorse,
                            const QString &requestId = {});
    /// S59–S60 and the bill: ends a running contract (only by its borrower when
    /// `borrowerId` is given), frees the partition, writes the billing row. NotFound for an
    /// unknown contract, PermissionDenied for another borrower's, Conflict when it ended
    /// already. The bill takes the fee the contract started with, `feeBasisPoints` if it kept
    /// none.
    Result<ContractRow> endContract(const QString &contractId, const QString &borrowerId, const QString &reason,
                                    qint64 nowMs, int feeBasisPoints);
    /// lend() and endContract() without their own transaction, for group commit: the caller
    /// runs many inside one WriteTransaction on database() and acknowledges none before it
    /// commits. Refusals (NotFound, Conflict, PermissionDenied, InvalidArgument,
    /// TermsChanged) write nothing, so the batch goes on; a database error poisons the whole
    /// transaction.
    Result<LendResult> lendInTransaction(const QString &offerId, const QString &borrowerId, const QString &contractId,
                                         const QByteArray &keyHash, qint64 nowMs,
                                         const std::optional<protocol::LendingConditions> &agreed = std::nullopt,
                                         std::optional<int> feeBasisPoints = std::nullopt, AgreedAs agreedAs = AgreedAs::NoWorse,
                                         const QString &requestId = {});
    /// A Borrow sent again with its `requestId` (its answer was lost), inside the caller's
    /// transaction: nothing when no contract of `borrowerId` has that ID (the borrow is new);
    /// the running contract it made, now under `keyHash` (the first key was never seen), with
    /// the terms it was granted on; InvalidArgument when it was made for another offer than
    /// `offerId` (empty: a best match, any offer), Conflict when it has ended. A refusal
    /// writes nothing.
    Result<std::optional<LendResult>> repeatedBorrowInTransaction(const QString &borrowerId, const QString &requestId,
                                                                  const QString &offerId, const QByteArray &keyHash);
    /// Called (in every store of the process, on the thread that lends) once a lend has read
    /// and locked the offer's terms to check them against agreed ones, before it marks the
    /// offer lent; empty: nothing. For tests of what another process does meanwhile.
    static void setTermsCheckedHookForTest(std::function<void(const QString &offerId)> hook);
    Result<ContractRow> endInTransaction(const QString &contractId, const QString &borrowerId, const QString &reason,
                                         qint64 nowMs, int feeBasisPoints);
    Result<std::optional<ContractRow>> contract(const QString &contractId);
    /// The contract that \a borrowerId's Borrow with \a requestId made; none if it made none.
    Result<std::optional<ContractRow>> contractOfBorrowRequest(const QString &borrowerId, const QString &requestId);
    /// The running contract on a partition, if any.
    Result<std::optional<ContractRow>> runningContract(const QString &lenderId, const QString &partitionId);
    /// Keeps a lender's report that a lent partition's lock was violated.
    Result<void> recordViolation(const QString &lenderId, const QString &partitionId, const QString &contractId,
                                 const QString &detail, bool restored, qint64 atMs);
    /// Every running contract of a lender (to tell a lender that reconnects).
    Result<QList<ContractRow>> runningContractsOf(const QString &lenderId);
    /// Every running contract of a borrower (to tell their lenders the borrower's new name).
    Result<QList<ContractRow>> runningContractsOfBorrower(const QString &borrowerId);
    /// Contracts of a lender that ended at or after `sinceMs`.
    Result<QList<ContractRow>> contractsEndedSince(const QString &lenderId, qint64 sinceMs);
    /// A lender's externally referenced partitions, free and offered, whose allocation a
    /// manager changed and the lender has not confirmed yet (to tell a lender that reconnects).
    Result<QList<PartitionRow>> unconfirmedAllocationsOf(const QString &lenderId);
    /// The lender acknowledged `resources` for this offer: it becomes the confirmed
    /// allocation if the partition still has it. The row after, or nothing if no change was made.
    Result<std::optional<PartitionRow>> confirmAllocation(const QString &offerId, const Resources &resources);
    /// The lender refused `resources` for `why`: the partition goes back to its confirmed
    /// allocation, if it still has the refused one and is not lent, and the refusal is kept
    /// for the managers (allocationRefusals()) until the next rebalance of the partition. The
    /// row after, or nothing if no change was made.
    Result<std::optional<PartitionRow>> revertAllocation(const QString &offerId, const Resources &refused,
                                                         const Error &why, qint64 atMs);
    /// The kept refusals of these offers (those without one are left out): one statement with
    /// a bind per offer, for a page of rows (at most 1000), not for the whole market.
    Result<QList<protocol::AllocationRefusal>> allocationRefusals(const QStringList &offerIds);
    /// A lender's rebalancing budget (the allocations it registered for its externally
    /// referenced partitions) and what those partitions are allocated now.
    struct RebalancingBudget {
        Resources budget;
        Resources allocated;
        /// What the budget has not allocated; never negative.
        Resources unallocated() const;
    };
    Result<RebalancingBudget> rebalancingBudget(const QString &lenderId);
    /// Running contracts whose max duration has passed at `nowMs`.
    Result<QList<ContractRow>> expiredContracts(qint64 nowMs, int limit = 1000);
    /// Contracts of a borrower (or of a lender), newest first.
    Result<QList<ContractRow>> contractsOf(const QString &nodeId, bool asLender, qint64 sinceMs, int limit = 1000);

    // ── admin ──
    /// The admin lists, in the order `sort` names: a key (kPartitionSortKeys,
    /// kContractSortKeys), with `-` before it for descending; empty = the default (partitions
    /// by lender name, contracts newest first). An unknown key is InvalidArgument. A running
    /// contract's duration and charge, for sorting, run to `nowMs`.
    Result<PartitionPage> listPartitions(const QString &filter, const QString &sort, qint64 offset, qint64 limit);
    /// `endedSinceMs`, `endedBeforeMs`: only the contracts that ended at or after the one and
    /// before the other (a billing period; running contracts are then left out).
    Result<ContractPage> listContracts(const QString &filter, bool runningOnly, const QString &sort, qint64 nowMs,
                                       qint64 offset, qint64 limit, std::optional<qint64> endedSinceMs = std::nullopt,
                                       std::optional<qint64> endedBeforeMs = std::nullopt);
    static const QStringList kPartitionSortKeys;
    static const QStringList kContractSortKeys;
    /// The lock violations lenders reported, newest first; `filter` is a case-insensitive
    /// substring of the lender's ID or name, the partition or contract ID, or the detail.
    Result<ViolationPage> listViolations(const QString &filter, qint64 offset, qint64 limit,
                                         const QStringList &detailTerms = {});
    /// `nowMs`: lent and registered vCPU-seconds are counted up to it (the contract clock),
    /// not into hours of the period still to come.
    Result<protocol::BillingReport> billingReport(qint64 fromMs, qint64 toMs, int feeBasisPoints, int top = 10,
                                                  std::optional<qint64> nowMs = std::nullopt);

    // ── images ──
    Result<void> addImage(const protocol::ImageInfo &image, qint64 nowMs);
    /// By SHA-256, or the newest image of that name when sha256 is empty.
    Result<std::optional<protocol::ImageInfo>> image(const QString &sha256, const QString &name);
    Result<QList<protocol::ImageInfo>> images();

    // ── synchronisation of in-memory views ──
    /// Every lender and every registered (not withdrawn) partition, and the watermarks.
    Result<Changes> loadAll();
    /// Rows whose rev is above the watermarks, except those this process's tag wrote; the
    /// watermarks returned cover those too.
    /// With `recheck`, also those rows (partitions by offer ID, contracts by ID), whatever
    /// their rev, and Changes::recheck says they were read.
    Result<Changes> changesSince(const Watermarks &since, const Recheck &recheck = {});

    /// Takes a tag (1–65535) no other process opened since took, for the revs of this
    /// store's writes; a market service's stores share one (setRevisionTag()).
    Result<qint64> claimRevisionTag();
    void setRevisionTag(qint64 tag);
    qint64 revisionTag() const { return m_revTag; }
    static constexpr qint64 kRevTagSpan = 65536;

private:
    explicit MarketStore(Database db);
    QString nextRev(const QString &table) const;
    /// The row of `offerId` as `tx` left it, once `tx` committed.
    Result<std::optional<PartitionRow>> commitWithRow(WriteTransaction &tx, const QString &offerId);
    // The statements the group commits run per request, formatted once (with this store's
    // tag) rather than per call: building them was a tenth of a lend's time.
    enum class HotSql {
        Lend,
        LentTerms,
        InsertContract,
        EndContract,
        FreePartition,
        CountEnd,
        UpsertLender,
        InsertPartition,
        UpdatePartition,
        Count
    };
    template <typename Build>
    const QString &hotSql(HotSql which, Build &&build);
    /// Raises c's watermarks to the highest rev of each table.
    Result<void> readWatermarks(Changes &c);
    Result<void> logCapacity(const QString &offerId, qint64 cpusDelta, qint64 atMs);
    // Uncached, for SQL built per call (lists, filters).
    Result<QList<PartitionRow>> selectPartitions(const QString &where, const QVariantList &binds);
    Result<QList<ContractRow>> selectContracts(const QString &where, const QVariantList &binds);
    Result<QList<LenderRow>> selectLenders(const QString &where, const QVariantList &binds);
    /// SELECT COUNT(*) over " FROM … WHERE …" (an admin page's total).
    Result<qint64> countRows(const QString &fromWhere, const QVariantList &binds);
    // Through a statement prepared once (Database::run), for the lookups the group commits
    // run per request; `where` must be one of a few fixed texts.
    Result<QList<PartitionRow>> fetchPartitions(const QString &where, std::initializer_list<SqlValue> binds);
    Result<QList<ContractRow>> fetchContracts(const QString &where, std::initializer_list<SqlValue> binds);
    Result<QList<LenderRow>> fetchLenders(const QString &where, std::initializer_list<SqlValue> binds);

    Database m_db;
    qint64 m_revTag = 0;
    std::array<QString, static_cast<std::size_t>(HotSql::Count)> m_hotSql;
};

/// The schema, oldest migration first.
QList<Migration> marketMigrations();

} // namespace lendable::market
