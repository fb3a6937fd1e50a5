#pragma once
// The borrower's side of the patent's flows (client system 20a, user interface control 25):
// shop offers and contract with the market (FIG. 8, S41–S48), submit and watch jobs on the
// lender agent that the contract names (FIG. 9 / FIG. 15, S51–S57), end the contract and
// get the signed bill (S58–S61). Used asynchronously by the desktop app (signals) and
// synchronously by the CLI (the *Sync helpers spin a local event loop).

#include "BorrowerStore.h"
#include "PeerLink.h"

#include "identity/Identity.h"
#include "protocol/Messages.h"

#include <QFile>
#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace lendable::borrower {

template <typename T>
using Callback = std::function<void(Result<T>)>;

/// What to run in a borrowed partition.
struct JobSpec {
    QString os;
    QByteArray script;
    QList<protocol::JobFile> inputs;
    qint64 timeoutS = 0;
};

/// A finished job as fetched to this machine.
struct JobOutcome {
    QString jobId;
    QString state;
    std::optional<int> exitCode;
    QStringList outputPaths;   ///< absolute paths under DATA/jobs/<job_id>/out/
    QString consolePath;       ///< DATA/jobs/<job_id>/console.log
    QByteArray console;
    QString message;           ///< the lender's last word on the job's state, e.g. why it failed
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;
    /// What of the result is missing here, in words (a console cut short, an output not
    /// kept); empty when all of it is. Said to the user, never dropped silently.
    QStringList incomplete;
};

/// The answer to EndContract, with the local verdict on its receipt.
struct ContractEnd {
    protocol::ContractClosed closed;
    Error receiptProblem;      ///< null when the receipt verified against the pinned market
    /// Null when the data directory's record says the contract ended (and its key is gone);
    /// else why it could not be updated: the market ended the contract all the same, and the
    /// key is kept until the record is (the next bills do it).
    Error recordProblem;
};

/// What became of a borrow whose answer was lost, as its market tells
/// (BorrowerSession::recoverPendingBorrows()).
struct BorrowRecovery {
    enum class Outcome {
        Recovered,  ///< it made the contract, which runs: kept here now, under a new lending key
        Ended,      ///< it made the contract, which has ended since: kept here as ended, with its end receipt
        NoContract, ///< it made none: forgotten here
        Unknown,    ///< not known yet (`problem` says why): kept, to be asked again
    };
    PendingBorrowRecord borrow;
    Outcome outcome = Outcome::Unknown;
    std::optional<ContractRecord> contract; ///< Recovered and Ended
    std::optional<Error> problem;           ///< Unknown
    /// Unknown because it was sent moments ago (the market may still make its contract): when
    /// the market can tell, UTC ms. 0 otherwise.
    qint64 knownAfterMs = 0;
};

class BorrowerSession : public QObject {
    Q_OBJECT
public:
    /// Largest script plus inputs that fit in one frame with room for the envelope.
    static constexpr qsizetype kMaxJobBytes = 15 * 1024 * 1024;
    /// How long a job's result may take to come (FetchJobResult).
    static constexpr int kResultTimeoutMs = 10 * 60 * 1000;
    /// The most contracts a market lists in its bills (ListBills: the newest 1,000). A list
    /// this long may leave older contracts out, and its totals with them.
    static constexpr int kMaxBills = 1000;
    /// The most a lender sends in one job result, output files and console together (its
    /// console is cut to what room the outputs leave; outputs beyond it are refused).
    static constexpr qint64 kMaxResultBytes = 12 * 1024 * 1024;

    explicit BorrowerSession(QString dataDir, QObject *parent = nullptr);
    ~BorrowerSession() override;

    /// Loads or creates the borrower identity and opens the local store.
    Result<void> open();
    QString dataDir() const { return m_dataDir; }
    QString nodeId() const { return m_identity.nodeId(); }
    BorrowerStore &store() { return *m_store; }

    void setReconnectPolicy(const ReconnectPolicy &policy);
    ReconnectPolicy reconnectPolicy() const { return m_policy; }

    /// The market to use. Empty values fall back to the market remembered in the data
    /// directory; given values are remembered. InvalidArgument for a malformed address or ID.
    /// Another market than the one in use: what still waits on that one fails (cancelled).
    Result<void> setMarket(const QString &address, const QString &marketId);
    /// What a failure to reach the market adds on what to do; by default it names the command
    /// line's --market and --market-id (the desktop app names its menu instead).
    void setMarketHint(const QString &hint);
    QString marketHint() const;
    QString marketAddress() const { return m_marketAddress; }
    QString marketId() const { return m_marketId; }

    /// Registers a partition its owner lent directly (no market): the contract and its key
    /// go into the store so submit/logs/wait work with IDs alone afterwards.
    Result<ContractRecord> addDirectContract(KeyMaterial key, const QString &lenderAddress, const QString &lenderId);

    /// The name the markets' managers and lenders see for this borrower; empty if none was set.
    QString displayName();

    // ── asynchronous API (the GUI); every callback runs once unless `context` dies ──
    /// Tells the market the name to show its managers (SetBorrowerName; empty forgets it)
    /// and, once it accepted it, keeps it in the data directory: the session then tells any
    /// other market it connects to as well.
    void setDisplayName(const QString &name, QObject *context, Callback<void> cb);
    void searchOffers(const protocol::SearchOffers &search, QObject *context, Callback<protocol::OfferPage> cb);
    /// Borrow an offer, or (offerId empty) the best match of `query`. With `agreedTerms` (the
    /// offer's terms as the borrower saw them), the market refuses with TermsChanged if the
    /// offer's terms have become worse since.
    ///
    /// Each borrow is noted in the data directory until it is answered. Borrows of this market
    /// whose answers were lost are asked about first (recoverPendingBorrows(), reported by
    /// borrowsRecovered()): when one of them was for this same offer or query and made its
    /// contract, that contract is the answer, and none is made; when its market cannot yet say,
    /// this borrow goes with its request ID, so that the market makes one contract for both.
    void borrow(const QString &offerId, const QString &query, QObject *context, Callback<ContractRecord> cb,
                const std::optional<protocol::LendingConditions> &agreedTerms = std::nullopt);
    /// Asks the market in use what each borrow whose answer was lost (the process that sent it
    /// died waiting, or every attempt went unanswered) made, and takes it: a running contract
    /// is kept here under a new lending key (the market makes no contract for it), an ended one
    /// with its end receipt. Borrows sent to another market are left as they are (Unknown).
    /// A borrow that made none is forgotten once pendingBorrowGraceMs() have passed since it
    /// was sent. Fails only when the data directory cannot be read.
    void recoverPendingBorrows(QObject *context, Callback<QList<BorrowRecovery>> cb);
    /// How long after a Borrow was sent its market may still make the contract: one that has
    /// made none is forgotten only after this long. 60 s by default.
    qint64 pendingBorrowGraceMs() const { return m_pendingBorrowGraceMs; }
    /// One sentence on what became of a borrow whose answer was lost, for people.
    static QString describeRecovery(const BorrowRecovery &recovery);
    void setPendingBorrowGraceMs(qint64 ms) { m_pendingBorrowGraceMs = ms; }
    void endContract(const QString &contractId, QObject *context, Callback<ContractEnd> cb);
    /// The market's bills. Contracts it ended on its own are ended here too, and with
    /// setFetchMissingReceipts(true) the end receipts missing here are fetched in the
    /// background (endReceiptKept()).
    void listBills(qint64 sinceMs, QObject *context, Callback<protocol::BillList> cb);
    /// The desktop app fetches them; the command line does so only when told
    /// (`receipt fetch`), so that a command's effect does not depend on its timing.
    void setFetchMissingReceipts(bool on) { m_fetchMissingReceipts = on; }
    /// The contract's receipt as the market signs it now (ListBills.receipts): the end receipt
    /// once the contract ended, else the start receipt; verified against the market's ID. An
    /// end receipt is kept in the data directory (the contract ended here too if it was held
    /// as running).
    void fetchReceipt(const QString &contractId, QObject *context, Callback<protocol::Receipt> cb);
    void submitJob(const QString &contractId, const JobSpec &spec, QObject *context, Callback<JobRecord> cb);
    /// Streams a job's console from `fromOffset` through jobOutput(), then its state changes;
    /// re-subscribes after a lost connection from where it stopped. `cb` reports the Ack.
    void watchJob(const QString &jobId, qint64 fromOffset, QObject *context, Callback<void> cb);
    void unwatchJob(const QString &jobId);
    /// Fetches the result of a job and writes its outputs under DATA/jobs/<job_id>/. A console
    /// the lender cut (kMaxResultBytes) is completed from where it stops, through a watch
    /// written to console.log, unless `wholeConsole` is false (a caller that watched it all).
    /// Without `outputs` the lender is asked to leave the output files out, and they are not
    /// fetched (a caller that wants the state and the console only: `logs`).
    void fetchJobResult(const QString &jobId, QObject *context, Callback<JobOutcome> cb, bool wholeConsole = true, bool outputs = true);
    /// Waits until the job ends (watching it), then fetches its result.
    void waitJob(const QString &jobId, QObject *context, Callback<JobOutcome> cb);
    void cancelJob(const QString &jobId, QObject *context, Callback<void> cb);

    /// Runs an asynchronous call to completion in a local event loop.
    template <typename T, typename Start>
    static Result<T> await(Start &&start)
    {
        std::optional<Result<T>> out;
        QEventLoop loop;
        QObject context;
        start(&context, [&](Result<T> r) {
            if (out)
                return;
            out.emplace(std::move(r));
            loop.quit();
        });
        if (!out)
            loop.exec();
        return std::move(*out);
    }

signals:
    void offersReceived(const lendable::protocol::OfferPage &page);
    void contractGranted(const lendable::borrower::ContractRecord &contract);
    void contractEnded(const lendable::borrower::ContractEnd &end);
    void billsReceived(const lendable::protocol::BillList &bills);
    /// The market's bills say a contract this directory held as running has ended (the
    /// market ended it: the lender lost the partition, its longest duration passed, a
    /// violation). It is now ended here too, its key forgotten; no end receipt came with it.
    void contractEndedAtMarket(const QString &contractId, qint64 endedAtMs, const lendable::Money &charge);
    /// An end receipt fetched from the market is now kept for the contract.
    void endReceiptKept(const QString &contractId);
    void jobSubmitted(const lendable::borrower::JobRecord &job);
    void jobOutput(const QString &jobId, qint64 offset, const QByteArray &data);
    void jobStateChanged(const lendable::protocol::JobStateChanged &change);
    void progress(const lendable::protocol::JobProgress &progress);
    void usageSample(const lendable::protocol::UsageSample &sample);
    void jobFinished(const lendable::borrower::JobOutcome &outcome);
    /// A watch could not be kept up (the lender stayed unreachable).
    void watchLost(const QString &jobId, const lendable::Error &error);
    /// Every failure of an asynchronous call, for a window's status area.
    void error(const lendable::Error &error);
    /// The session's market could not be reached; requests wait, and another attempt follows
    /// in `retryInMs` (only while some request waits, with an unlimited reconnect policy).
    void marketUnreachable(const lendable::Error &reason, int retryInMs);
    /// No answer came to a borrow (`why`); it is sent again with its request ID, as attempt
    /// `attempt` of `attempts` (a market that honours the ID makes no second contract).
    void borrowAskedAgain(const lendable::Error &why, int attempt, int attempts);
    /// borrow() asked the market about borrows whose answers were lost before it sent its own.
    void borrowsRecovered(const QList<lendable::borrower::BorrowRecovery> &recoveries);
    /// A connection with the session's market is established (again).
    void marketConnected();

private:
    // Sends `req` (attempt `attempt` of a few) and, while its answers are lost, again with
    // the same request ID to a market that honours it; `lost` is what became of the last.
    void sendBorrow(PeerLink *link, const protocol::Borrow &req, int attempt, std::optional<Error> lost, QObject *context,
                    Callback<protocol::ContractGranted> done);
    /// borrow() once the borrows whose answers were lost are asked about: notes the borrow
    /// (with `requestId`, or a new one) in the data directory, sends it, keeps what it made.
    void sendNewBorrow(const QString &offerId, const QString &query, const std::optional<protocol::LendingConditions> &agreedTerms,
                       const QString &requestId, QObject *context, Callback<ContractRecord> cb);
    /// Keeps a granted contract and its key here.
    Result<ContractRecord> keepGranted(const protocol::ContractGranted &granted, const QString &marketAddress, const QString &marketId);
    void forgetPendingBorrow(const QString &requestId);
    /// recoverPendingBorrows() of borrows already read from the data directory.
    void recoverBorrows(QList<PendingBorrowRecord> pending, QObject *context, std::function<void(const QList<BorrowRecovery> &)> done);
    struct RecoveryChain;
    void recoverNext(const std::shared_ptr<RecoveryChain> &chain, QObject *context);
    void recoverPendingBorrow(const PendingBorrowRecord &pending, QObject *context, std::function<void(BorrowRecovery)> done);
    /// A caller's watch of a job (watchJob()): its output goes to jobOutput().
    struct Watch {
        QString jobId;
        QString lenderKey;
        qint64 offset = 0; // the next byte it has not had
        bool final = false;
    };
    /// The rest of a job's console being fetched into its console.log, and who waits for it.
    /// It has a watch of its own on the lender's connection, beside any caller's Watch of
    /// the same job (the lender keeps one per job and connection, sent from the lesser
    /// offset of the two); the job's state ends it.
    struct ConsoleFetch {
        JobOutcome outcome;
        std::shared_ptr<QFile> file;
        QList<std::function<void(const JobOutcome &)>> waiters;
        QString lenderKey;
        qint64 offset = 0; // the next byte it has not had
    };

    Result<PeerLink *> marketLink();
    /// The link to the market a contract was made with: the session's market if it is that
    /// one, else a link of its own, which leaves the session's market (and the one remembered
    /// in the data directory) as they are.
    Result<PeerLink *> contractMarketLink(const QString &address, const QString &marketId);
    /// The markets that accepted the current display name.
    QStringList marketsToldTheName();
    void rememberNameToldTo(const QString &name, const QString &marketId);
    Result<PeerLink *> lenderLink(const QString &lenderId, const QString &address, const QString &contractId, bool direct);
    Result<PeerLink *> lenderLinkForJob(const QString &jobId, JobRecord *job = nullptr);
    void onLenderPush(const protocol::Envelope &envelope);
    void onLenderDisconnected(const QString &lenderKey, const Error &reason);
    /// Asks the job's lender for its console and state from the least offset that this
    /// job's Watch and ConsoleFetch still need; `cb` gets the lender's answer.
    void sendWatch(const QString &jobId, QObject *context, Callback<void> cb);
    Result<JobOutcome> storeResult(const protocol::JobResult &result);
    /// Fetches the part of a finished job's console past what `outcome` has into its
    /// console.log; `done` gets the outcome, with a word in `incomplete` if that failed.
    void completeConsole(const JobOutcome &outcome, std::function<void(const JobOutcome &)> done);
    /// fetchJobResult(); `withoutOutputs`: the lender names the output files instead of
    /// sending them, and fetchOutputs() gets them if `fetchNamed` (the retry when they are
    /// too large).
    void requestJobResult(const QString &jobId, QObject *context, Callback<JobOutcome> cb, bool wholeConsole, bool withoutOutputs,
                          bool fetchNamed);
    /// Fetches the output files a result named (JobResult.outputSizes) part by part into the
    /// job's out/ directory, adds them to the outcome's outputPaths (or says in incomplete
    /// why not), then calls `done`.
    void fetchOutputs(const QString &jobId, const QList<protocol::JobFileSize> &files, const JobOutcome &outcome, QObject *context,
                      std::function<void(JobOutcome)> done);
    /// Ends a console fetch: with `failure`, the console stays cut and the outcome says so.
    void finishConsoleFetch(const QString &jobId, const std::optional<Error> &failure);
    template <typename T>
    Callback<T> reporting(Callback<T> cb);
    /// fetchReceipt() without reporting a failure through error().
    void requestReceipt(const QString &contractId, QObject *context, Callback<protocol::Receipt> cb);
    /// The record of an ended contract known here only by its end receipt.
    ContractRecord endedContractFrom(const protocol::Receipt &endReceipt) const;
    Result<protocol::Receipt> keepFetchedReceipt(const QString &contractId, const QString &expectedMarket, Result<protocol::BillList> r);

    QString m_dataDir;
    Identity m_identity;
    std::optional<BorrowerStore> m_store;
    ReconnectPolicy m_policy;
    QString m_marketAddress;
    QString m_marketId;
    PeerLink *m_market = nullptr;
    QString m_marketHint;
    QHash<QString, PeerLink *> m_otherMarkets; // by market ID: contracts made with another market
    QHash<QString, PeerLink *> m_lenders;   // by "lenderId@address"
    QHash<QString, Watch> m_watches;        // by job ID
    QHash<QString, ConsoleFetch> m_consoleFetches; // by job ID
    QHash<QString, QString> m_stateMessages; // last JobStateChanged.message by job ID
    bool m_fetchMissingReceipts = false;
    qint64 m_pendingBorrowGraceMs = 60'000;
};

} // namespace lendable::borrower
