#pragma once
// The borrower's local memory (client system 20a): the contracts it holds, where their
// lenders are, its jobs and their fetched results, and the market it last used, so that
// `submit`, `logs`, `wait` and `end` need only an ID. SQLite in DATA/borrower.db; lending
// keys live beside it in DATA/keys/ as 0600 files, never in the database or in output.

#include "KeyFile.h"

#include "model/Money.h"
#include "protocol/Messages.h"
#include "storage/Database.h"

#include <QList>
#include <QString>

#include <optional>

namespace lendable::borrower {

/// A contract as the borrower remembers it. `direct` contracts came from a key file that a
/// lender handed over without a market.
struct ContractRecord {
    QString contractId;
    QString marketId;
    QString marketAddress;
    QString lenderId;
    QString lenderAddress;
    QString partitionId;
    Money ratePerHour;
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;   ///< 0 while running
    Money charge;
    bool direct = false;
    QStringList osImages;
    qint64 maxDurationS = 0; ///< the market (or, lent directly, the lender) ends the contract this long after its start; 0: no limit
    std::optional<protocol::Receipt> startReceipt;
    std::optional<protocol::Receipt> endReceipt;

    bool isEnded() const { return endedAtMs > 0; }
    /// When the market (or, lent directly, the lender) ends the contract by itself (its time limit), UTC ms; 0 if never.
    qint64 endsByItselfAtMs() const { return maxDurationS > 0 ? startedAtMs + maxDurationS * 1000 : 0; }
    bool operator==(const ContractRecord &) const = default;
};

/// A submitted job and where it runs.
struct JobRecord {
    QString jobId;
    QString contractId;
    QString lenderId;
    QString lenderAddress;
    QString os;
    qint64 submittedAtMs = 0;
    QString state;               ///< last state seen: `queued` … `succeeded`, `failed`, …
    std::optional<int> exitCode;
    bool operator==(const JobRecord &) const = default;
};

/// A Borrow sent and not answered yet (its process may have died waiting): enough to ask
/// the market what it made, and to send it again.
struct PendingBorrowRecord {
    QString requestId;
    QString marketId;
    QString marketAddress;
    QString offerId; ///< empty for the best match of `query`
    QString query;
    qint64 sentAtMs = 0;
    bool operator==(const PendingBorrowRecord &) const = default;
};

/// Whether a job state is final (no more output or state changes follow).
bool isFinalJobState(const QString &state);

class BorrowerStore {
public:
    /// Opens (creating) DATA/borrower.db and migrates it.
    static Result<BorrowerStore> open(const QString &dataDir);
    /// The store of \a dataDir to read, beside a client that may be using it
    /// (Database::openToRead()): for the offline command lines. NotFound when it has none.
    static Result<BorrowerStore> openToRead(const QString &dataDir);

    BorrowerStore(BorrowerStore &&) noexcept = default;
    BorrowerStore &operator=(BorrowerStore &&) noexcept = default;

    QString dataDir() const { return m_dataDir; }

    /// Inserts or replaces.
    Result<void> saveContract(const ContractRecord &contract);
    /// NotFound with a hint when the ID is unknown here.
    Result<ContractRecord> contract(const QString &contractId);
    /// Newest first.
    Result<QList<ContractRecord>> contracts();
    Result<void> markContractEnded(const QString &contractId, qint64 endedAtMs, Money charge,
                                   const std::optional<protocol::Receipt> &endReceipt);

    Result<void> saveJob(const JobRecord &job);
    Result<JobRecord> job(const QString &jobId);
    Result<QList<JobRecord>> jobsOf(const QString &contractId);
    Result<void> updateJobState(const QString &jobId, const QString &state, std::optional<int> exitCode);

    /// The lending key of a contract; NotFound when none is kept (ended, or never here).
    Result<KeyMaterial> key(const QString &contractId) const;
    Result<void> saveKey(const KeyMaterial &key);
    /// Forgets a key (the contract ended, the key is void).
    void removeKey(const QString &contractId);
    QString keyPath(const QString &contractId) const;

    /// DATA/jobs/<job_id>; outputs go to its `out` subdirectory.
    QString jobDir(const QString &jobId) const;
    QString jobOutputDir(const QString &jobId) const { return jobDir(jobId) + QStringLiteral("/out"); }

    /// Borrows waiting for their answer, kept until answered (or found to have made nothing).
    Result<void> savePendingBorrow(const PendingBorrowRecord &pending);
    Result<void> removePendingBorrow(const QString &requestId);
    /// Oldest first.
    Result<QList<PendingBorrowRecord>> pendingBorrows();

    /// Small named settings (the last market used). Empty when unset.
    QString setting(const QString &name);
    Result<void> setSetting(const QString &name, const QString &value);

    /// An ID fit to be a file name: itself when it is made of [A-Za-z0-9._-] (and not `.`/`..`),
    /// else its SHA-256 in hex, so a hostile ID cannot escape the data directory.
    static QString safeFileName(const QString &id);

private:
    BorrowerStore(QString dataDir, Database db);
    ContractRecord contractFromQuery(const QSqlQuery &q) const;
    JobRecord jobFromQuery(const QSqlQuery &q) const;

    QString m_dataDir;
    Database m_db;
};

} // namespace lendable::borrower
