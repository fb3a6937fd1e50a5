#pragma once
// The lender's partition database (FIG. 2: partition ID 41, allocated resources 42, lending
// flag 43, key hash 44; FIG. 10: managing market / external reference), its contracts
// and its jobs, in SQLite through common/storage.

#include "model/Money.h"
#include "model/Resources.h"
#include "storage/Database.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace lendable::lender {

namespace PartitionStateName {
inline const QString Unregistered = QStringLiteral("unregistered");
inline const QString Registered = QStringLiteral("registered");
inline const QString Lent = QStringLiteral("lent");
} // namespace PartitionStateName

struct PartitionRecord {
    QString partitionId;
    Resources resources;
    QStringList osImages;
    Money ratePerHour;
    qint64 maxDurationS = 0;
    QString state = PartitionStateName::Unregistered;  ///< lending flag (FIG. 2, 43)
    QString marketId;                 ///< managing market (FIG. 10); empty when none
    QString offerId;
    bool externallyReferenced = false;
    QString contractId;               ///< running contract, empty if not lent
    QString borrowerId;
    Money earnings;
    qint64 createdAtMs = 0;

    /// Registered or lent: the allocation is locked.
    bool isLocked() const { return state != PartitionStateName::Unregistered; }
};

struct ContractRecord {
    QString contractId;
    QString partitionId;
    QString borrowerId;
    QByteArray keyHash;               ///< SHA-256 of the lending key; the key itself is never stored
    QString marketId;                 ///< empty for a direct (LAN) lease
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;             ///< 0 while running
    qint64 maxDurationS = 0;
    Money ratePerHour;
    QString borrowerName;             ///< the name the borrower went by (ContractStarted); empty if none or unknown
    bool isRunning() const { return endedAtMs == 0; }
    /// When its time limit ends it (UTC ms); 0 without a limit.
    qint64 limitAtMs() const { return maxDurationS > 0 ? startedAtMs + maxDurationS * 1000 : 0; }
};

struct JobRecord {
    QString jobId;
    QString partitionId;
    QString contractId;
    QString borrowerId;
    QString os;
    QString state;
    std::optional<qint32> exitCode;
    QString message;
    QString domainName;
    QString jobDir;
    qint64 submittedAtMs = 0;
    qint64 endedAtMs = 0;
    qint64 timeoutS = 0;
    /// When its output files and console were removed, past the agent's retention; 0 = kept.
    qint64 resultsRemovedAtMs = 0;
    bool isFinished() const;
};

/// A lock violation reported to a market that has not acknowledged it yet.
struct PendingViolation {
    qint64 id = 0; ///< the store's, in the order they were found
    QString marketId;
    QString partitionId;
    QString contractId;
    QString detail;
    bool restored = false;
    qint64 atMs = 0; ///< when the agent found it
};

/// Terminal job states.
bool isFinishedJobState(const QString &state);

class LenderStore {
public:
    static Result<LenderStore> open(const QString &dbUrl);
    /// The agent's SQLite file at \a path, to read beside it (Database::openToRead()): for
    /// the offline command lines. NotFound when there is none.
    static Result<LenderStore> openToRead(const QString &path);

    Result<Resources> reserve();
    Result<void> setReserve(const Resources &reserve);

    Result<QList<PartitionRecord>> partitions();
    Result<PartitionRecord> partition(const QString &partitionId);
    Result<void> insertPartition(const PartitionRecord &p);
    Result<void> updatePartition(const PartitionRecord &p);
    Result<void> deletePartition(const QString &partitionId);

    /// Records a contract and marks its partition lent, in one transaction; the update is
    /// conditional (`contract_id IS NULL`) so a partition is never lent twice: Conflict.
    Result<void> startContract(const ContractRecord &c);
    /// The name the borrower of a running contract goes by now, as its market told it again;
    /// only for that market's contract with that borrower (nothing changes otherwise).
    Result<void> renameBorrower(const QString &contractId, const QString &marketId, const QString &borrowerId, const QString &name);
    /// The start, time limit and key hash of a running contract as its market's notice
    /// (ContractStarted) gives them: a contract first learnt from a key check (FIG. 15) was
    /// recorded with what the check could know (its start as the check's time, no limit).
    /// Only for that market's contract with that borrower on that partition (nothing changes
    /// otherwise); a start of 0, a negative limit or a hash of the wrong size is not taken.
    Result<void> takeMarketTerms(const ContractRecord &notice);
    /// Ends a contract (idempotent), frees its partition and adds the earnings.
    Result<void> endContract(const QString &contractId, qint64 endedAtMs);
    /// Moves an ended contract's end to `endedAtMs` (not before its start), and its
    /// partition's earnings with it: the market's end replaces one recorded here as a guess.
    /// Conflict while it runs here.
    Result<void> correctEnd(const QString &contractId, qint64 endedAtMs);
    Result<ContractRecord> contract(const QString &contractId);
    /// The market a contract was made with (empty: lent directly); NotFound when this store
    /// keeps no such contract. Reads one column, which every schema version has.
    Result<QString> marketOfContract(const QString &contractId);
    Result<QList<ContractRecord>> runningContracts();

    Result<void> insertJob(const JobRecord &j);
    Result<void> updateJob(const JobRecord &j);
    Result<JobRecord> job(const QString &jobId);
    Result<QList<JobRecord>> unfinishedJobs();
    /// Finished jobs that ended before `cutoffMs` and whose results are still kept, oldest first.
    Result<QList<JobRecord>> jobsWithResultsEndedBefore(qint64 cutoffMs);
    Result<void> markResultsRemoved(const QString &jobId, qint64 atMs);
    /// Jobs newest first (by submission): of one partition, or of all when `partitionId` is
    /// empty; only those after (`submittedBeforeMs`, `beforeJobId`) in that order when given
    /// (with an empty ID: strictly before that millisecond); at most `limit`.
    Result<QList<JobRecord>> jobs(const QString &partitionId, std::optional<qint64> submittedBeforeMs, const QString &beforeJobId,
                                  int limit);

    /// Withdrawals a market has not heard of yet (the owner forced them while it was away),
    /// oldest first; the agent sends them when the market is connected again.
    Result<void> addPendingWithdrawal(const QString &marketId, const QString &partitionId, qint64 atMs);
    Result<QStringList> pendingWithdrawals(const QString &marketId);
    Result<void> removePendingWithdrawal(const QString &marketId, const QString &partitionId);

    /// Lock violations a market has not acknowledged yet (it was unreachable when they were
    /// found), oldest first; the agent sends them on each connection until it does.
    Result<qint64> addPendingViolation(const PendingViolation &v);
    Result<QList<PendingViolation>> pendingViolations(const QString &marketId);
    Result<void> removePendingViolation(qint64 id);

    Database &database() { return m_db; }

private:
    explicit LenderStore(Database db) : m_db(std::move(db)) {}
    Database m_db;
};

} // namespace lendable::lender
