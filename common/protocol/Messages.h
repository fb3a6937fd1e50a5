#pragma once
/// @file
/// The protocol schema: one struct per message type, each field with a comment string.
/// docs/protocol.md is generated from this file (`lendable-protocol-doc`) and a test fails
/// when the two disagree. To add a message: take the next number in its range in
/// MessageType.h, add the struct here, and append it to AllMessages at the bottom.

#include "protocol/Codec.h"
#include "protocol/MessageType.h"

#include <QTextBoundaryFinder>

namespace lendable::protocol {

template <MessageType T>
struct Message {
    static constexpr MessageType kType = T;
    bool operator==(const Message &) const = default;
};

// ───────────────────────── shared payload types ─────────────────────────

/// What a lender asks for a partition (FIG. 3, lending conditions 103).
struct LendingConditions {
    static constexpr const char *kName = "LendingConditions";
    Resources resources;      ///< allocated vCPUs, memory, disk
    QStringList osImages;     ///< OS image names a borrower may boot
    Money ratePerHour;        ///< price per hour of lending
    qint64 maxDurationS = 0;  ///< longest contract in seconds; 0 = no limit
    bool operator==(const LendingConditions &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("resources", &LendingConditions::resources,
                  "Resources allocated to the partition. An offer's are at most 4096 vCPUs, 2^30 MiB of memory and 2^34 MiB of disk (else `invalid_argument`)."),
            field("osImages", &LendingConditions::osImages, "Names of the OS images a borrower may boot: at most 64 names, each 1 to 64 characters: a letter or digit, then letters, digits, `.`, `_`, `+` or `-` (the market answers `invalid_argument` otherwise)."),
            field("ratePerHour", &LendingConditions::ratePerHour, "Price per hour, in micro-units."),
            field("maxDurationS", &LendingConditions::maxDurationS, "Longest contract in seconds; 0 means no limit."));
    }
};

/// One offer in a search result (FIG. 8, S44).
struct Offer {
    static constexpr const char *kName = "Offer";
    QString offerId;
    QString lenderId;
    QString lenderName;
    QString lenderAddress;
    QString partitionId;
    LendingConditions conditions;
    qint32 reliability = 0;
    bool operator==(const Offer &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("offerId", &Offer::offerId, "Market-wide ID of the offer (one per registered partition)."),
            field("lenderId", &Offer::lenderId, "Node ID of the lender agent."),
            field("lenderName", &Offer::lenderName, "Display name the lender chose."),
            field("lenderAddress", &Offer::lenderAddress, "host:port where the lender agent serves borrowers."),
            field("partitionId", &Offer::partitionId, "Partition ID on the lender (FIG. 3, 102)."),
            field("conditions", &Offer::conditions, "Lending conditions of the partition."),
            field("reliability", &Offer::reliability, "Lender reliability in percent (completed contracts, uptime)."));
    }
};

/// How many offers one requirement excluded, for the "nothing matches" explanation.
struct Exclusion {
    static constexpr const char *kName = "Exclusion";
    QString requirement;
    qint64 excluded = 0;
    std::optional<QString> condition;
    bool operator==(const Exclusion &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("requirement", &Exclusion::requirement, "The requirement as written, e.g. `cpus>=4`; or, after the query's own, a condition of availability: `free (not lent)`, `lender online`, `allocation confirmed by the lender` (in the market's language)."),
            field("excluded", &Exclusion::excluded, "How many otherwise available offers it excluded; for a condition of availability, how many offers meeting every requirement fail it (an offer may fail several). Never 0: a requirement that excluded none is left out."),
            field("condition", &Exclusion::condition, "For a condition of availability, which one, for a client to word in its own language: `free` (not lent), `online` (its lender) or `confirmed` (the allocation, by the lender). Absent for the query's requirements, and from older markets."));
    }
};

/// A named file travelling with a job.
struct JobFile {
    static constexpr const char *kName = "JobFile";
    QString name;
    QByteArray data;
    bool operator==(const JobFile &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(field("name", &JobFile::name, "File name, no directories."),
                               field("data", &JobFile::data, "File contents."));
    }
};

/// A job's output file by name and size, without its contents.
struct JobFileSize {
    static constexpr const char *kName = "JobFileSize";
    QString name;
    qint64 size = 0;
    bool operator==(const JobFileSize &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(field("name", &JobFileSize::name, "File name, no directories."),
                               field("size", &JobFileSize::size, "Size in bytes."));
    }
};

/// Where a receipt sits in the batch of receipts the market signed with one signature (the
/// receipts of one group commit): the batch's receipts are the leaves of a Merkle tree as in
/// RFC 9162 §2.1.1 (leaf = SHA-256(0x00 ‖ canonical receipt bytes), node = SHA-256(0x01 ‖
/// left ‖ right), a last odd node moves up a level unpaired), and the signature covers its
/// root. docs/security.md says what exactly is signed.
struct ReceiptBatch {
    static constexpr const char *kName = "ReceiptBatch";
    qint64 size = 0;
    qint64 index = 0;
    QList<QByteArray> path;
    bool operator==(const ReceiptBatch &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(field("size", &ReceiptBatch::size, "Receipts in the batch: the tree's leaves (2 or more)."),
                               field("index", &ReceiptBatch::index, "This receipt's leaf, from 0."),
                               field("path", &ReceiptBatch::path,
                                     "Inclusion proof: the 32-byte sibling hashes from the leaf up to the root, "
                                     "a level without a sibling skipped (RFC 9162 §2.1.3)."));
    }
};

/// A market-signed record of a contract's start and (once ended) its end and charge.
struct Receipt {
    static constexpr const char *kName = "Receipt";
    QString contractId;
    QString marketId;
    QString borrowerId;
    QString lenderId;
    QString partitionId;
    Money ratePerHour;
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;
    Money charge;
    QByteArray marketCertificate;
    QByteArray signature;
    std::optional<ReceiptBatch> batch;
    bool operator==(const Receipt &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &Receipt::contractId, "Contract the receipt is for."),
            field("marketId", &Receipt::marketId, "Node ID of the signing market."),
            field("borrowerId", &Receipt::borrowerId, "Node ID of the borrower."),
            field("lenderId", &Receipt::lenderId, "Node ID of the lender."),
            field("partitionId", &Receipt::partitionId, "Partition lent."),
            field("ratePerHour", &Receipt::ratePerHour, "Agreed rate per hour."),
            field("startedAtMs", &Receipt::startedAtMs, "Start (UTC ms): when the lending key was issued (S48)."),
            field("endedAtMs", &Receipt::endedAtMs, "End (UTC ms); 0 on a start receipt."),
            field("charge", &Receipt::charge, "Charge = rate per hour × duration in ms / 3,600,000, computed exactly and rounded once, "
                                                 "half away from zero, to micro-units (Money::charge()); 0 on a start receipt."),
            field("marketCertificate", &Receipt::marketCertificate, "The market's certificate (PEM); its SHA-256 is marketId."),
            field("signature", &Receipt::signature,
                  "ECDSA-SHA256 signature by the market: over the canonical CBOR of the fields above, or, when `batch` "
                  "is present, over the head of the batch the receipt was signed in."),
            field("batch", &Receipt::batch,
                  "Absent when the signature covers this receipt alone; else where the receipt sits in the batch "
                  "whose Merkle root the signature covers."));
    }
};

/// One contract as billed.
struct Bill {
    static constexpr const char *kName = "Bill";
    QString contractId;
    QString borrowerId;
    QString lenderId;
    QString partitionId;
    Money ratePerHour;
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;
    qint64 durationMs = 0;
    Money charge;
    Money lenderPayout;
    Money marketFee;
    QString state;
    std::optional<Receipt> receipt;
    std::optional<QString> borrowerName;
    bool operator==(const Bill &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &Bill::contractId, "Contract ID."),
            field("borrowerId", &Bill::borrowerId, "Borrower node ID."),
            field("lenderId", &Bill::lenderId, "Lender node ID."),
            field("partitionId", &Bill::partitionId, "Partition lent."),
            field("ratePerHour", &Bill::ratePerHour, "Agreed rate per hour."),
            field("startedAtMs", &Bill::startedAtMs, "Start, UTC ms."),
            field("endedAtMs", &Bill::endedAtMs, "End, UTC ms; 0 while running."),
            field("durationMs", &Bill::durationMs, "Duration so far or in total, ms."),
            field("charge", &Bill::charge, "Charge (final once ended)."),
            field("lenderPayout", &Bill::lenderPayout, "What the lender is paid."),
            field("marketFee", &Bill::marketFee, "The market's fee; payout + fee = charge."),
            field("state", &Bill::state, "`running` or `ended`."),
            field("receipt", &Bill::receipt,
                  "Asked for (ListBills.receipts): the contract's receipt, signed when asked: the end receipt once it ended, "
                  "else the start receipt."),
            field("borrowerName", &Bill::borrowerName,
                  "In a lender's bills: the name the borrower gave the market (empty: none). Absent in a borrower's, and from older markets."));
    }
};

/// A lender's refusal of a manager's rebalance (second embodiment), as the market recorded it.
struct AllocationRefusal {
    static constexpr const char *kName = "AllocationRefusal";
    QString offerId;
    QString partitionId;
    Resources resources;
    QString code;
    QString message;
    qint64 atMs = 0;
    bool operator==(const AllocationRefusal &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("offerId", &AllocationRefusal::offerId, "Offer of the partition."),
            field("partitionId", &AllocationRefusal::partitionId, "Partition."),
            field("resources", &AllocationRefusal::resources, "The allocation the lender refused."),
            field("code", &AllocationRefusal::code, "The lender's error code, e.g. `resource_exhausted`."),
            field("message", &AllocationRefusal::message, "The lender's reason, as it gave it."),
            field("atMs", &AllocationRefusal::atMs, "When the market received the refusal, UTC ms."));
    }
};

/// A lock violation a lender reported (FIG. 13–14), as the market keeps it.
struct Violation {
    static constexpr const char *kName = "Violation";
    qint64 atMs = 0;
    QString lenderId;
    QString lenderName;
    QString partitionId;
    QString contractId;
    QString detail;
    bool restored = false;
    bool operator==(const Violation &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("atMs", &Violation::atMs, "When the market received the report, UTC ms."),
            field("lenderId", &Violation::lenderId, "Lender node ID."),
            field("lenderName", &Violation::lenderName, "The lender's name as it registered; empty if unknown."),
            field("partitionId", &Violation::partitionId, "Partition."),
            field("contractId", &Violation::contractId, "Contract running at the time; empty if none."),
            field("detail", &Violation::detail, "What changed, from what to what, as the lender reported it (ReportViolation.detail)."),
            field("restored", &Violation::restored, "Whether the agent restored the leased allocation; if not, the market ended the contract."));
    }
};

/// A lendable partition as the lender agent knows it (FIG. 2 / FIG. 10).
struct PartitionState {
    static constexpr const char *kName = "PartitionState";
    QString partitionId;
    LendingConditions conditions;
    QString state;
    QString marketId;
    QString contractId;
    QString borrowerId;
    QString jobId;
    Money earnings;
    bool externallyReferenced = false;
    std::optional<qint64> contractStartedAtMs;
    std::optional<Money> contractRatePerHour;
    std::optional<QString> borrowerName;
    bool operator==(const PartitionState &) const = default;
    /// What the running contract has earned by `nowMs` (its rate × the time since its
    /// start, by the millisecond), or nothing when no contract runs or the agent is older.
    std::optional<Money> contractEarnedSoFar(qint64 nowMs) const
    {
        if (!contractStartedAtMs || !contractRatePerHour)
            return std::nullopt;
        const Result<Money> m = Money::charge(*contractRatePerHour, qMax<qint64>(0, nowMs - *contractStartedAtMs));
        return m.ok() ? std::optional<Money>(*m) : std::nullopt;
    }
    /// Who borrows it, for people: "Name (first 12 hex digits of the node ID)", or the 12
    /// digits alone when the borrower gave no name; a name longer than `maxNameChars`
    /// characters (as people count them: an emoji, or a letter with its accents, is one) is
    /// cut short with an ellipsis, never inside a character. Empty when it is not lent.
    QString borrowerLabel(qsizetype maxNameChars = 128) const
    {
        const QString id = borrowerId.left(12);
        if (!borrowerName || borrowerName->isEmpty())
            return id;
        QString name = *borrowerName;
        if (name.size() > maxNameChars) { // at most one character per UTF-16 unit
            QTextBoundaryFinder characters(QTextBoundaryFinder::Grapheme, name);
            qsizetype count = 0;
            qsizetype cut = 0; // where the first maxNameChars - 1 characters end
            while (characters.toNextBoundary() != -1) {
                if (++count == maxNameChars - 1)
                    cut = characters.position();
            }
            if (count > maxNameChars)
                name = name.left(cut) + QChar(0x2026);
        }
        return QStringLiteral("%1 (%2)").arg(name, id);
    }
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionState::partitionId, "Partition ID (FIG. 2, 41)."),
            field("conditions", &PartitionState::conditions, "Allocated resources, images and rate (FIG. 2, 42)."),
            field("state", &PartitionState::state, "`unregistered`, `registered`, `lent` or `running` (FIG. 2, lending flag 43)."),
            field("marketId", &PartitionState::marketId, "Market that manages it, empty if none (FIG. 10)."),
            field("contractId", &PartitionState::contractId, "Current contract, empty if not lent."),
            field("borrowerId", &PartitionState::borrowerId, "Current borrower, empty if not lent."),
            field("jobId", &PartitionState::jobId, "Running job, empty if none."),
            field("earnings", &PartitionState::earnings, "Earned by this partition so far."),
            field("externallyReferenced", &PartitionState::externallyReferenced, "Allocation held by the market (second embodiment)."),
            field("contractStartedAtMs", &PartitionState::contractStartedAtMs,
                  "Start of the current contract, UTC ms; absent if not lent (and from older agents)."),
            field("contractRatePerHour", &PartitionState::contractRatePerHour,
                  "The current contract's rate: with the start, what it has earned so far; absent if not lent."),
            field("borrowerName", &PartitionState::borrowerName,
                  "The name the current borrower goes by, as the market told it (ContractStarted); absent if not lent, "
                  "if the borrower gave none, or from older agents."));
    }
};

/// An OS image (kernel + initramfs, optional disk) addressed by SHA-256.
struct ImageInfo {
    static constexpr const char *kName = "ImageInfo";
    QString name;
    QString sha256;
    qint64 sizeBytes = 0;
    bool operator==(const ImageInfo &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("name", &ImageInfo::name, "Image name borrowers ask for, e.g. `busybox`."),
            field("sha256", &ImageInfo::sha256, "SHA-256 (hex) of the image's archive."),
            field("sizeBytes", &ImageInfo::sizeBytes, "Size of the archive in bytes."));
    }
};

/// One row of a billing chart series.
struct DayStat {
    static constexpr const char *kName = "DayStat";
    qint64 dayStartMs = 0;
    Money revenue;
    Money fees;
    Money payouts;
    qint64 lentSeconds = 0;
    qint64 capacitySeconds = 0;
    bool operator==(const DayStat &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("dayStartMs", &DayStat::dayStartMs, "Start of the UTC day, ms."),
            field("revenue", &DayStat::revenue, "Charges of contracts ended that day."),
            field("fees", &DayStat::fees, "Market fees of those contracts."),
            field("payouts", &DayStat::payouts, "Lender payouts of those contracts."),
            field("lentSeconds", &DayStat::lentSeconds, "vCPU-seconds lent during the day (within the report's period and up to now), rounded down once per day."),
            field("capacitySeconds", &DayStat::capacitySeconds, "vCPU-seconds registered during the day, up to now: 0 for a day still to come or before any partition was registered."));
    }
};

/// A party and an amount, for top-N lists.
struct PartyTotal {
    static constexpr const char *kName = "PartyTotal";
    QString nodeId;
    QString name;
    Money amount;
    qint64 contracts = 0;
    bool operator==(const PartyTotal &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(field("nodeId", &PartyTotal::nodeId, "Node ID."),
                               field("name", &PartyTotal::name, "Display name, if known."),
                               field("amount", &PartyTotal::amount, "Total charged or paid out."),
                               field("contracts", &PartyTotal::contracts, "Number of contracts."));
    }
};

// ───────────────────────── session ─────────────────────────

struct Hello : Message<MessageType::Hello> {
    static constexpr const char *kName = "Hello";
    static constexpr const char *kDirection = "client → service";
    static constexpr const char *kDoc = "First message on every connection: who the client is and what it speaks.";
    quint32 protocolVersion = 0;
    quint32 minProtocolVersion = 0;
    QString role;
    QStringList features;
    QString software;
    bool operator==(const Hello &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("protocolVersion", &Hello::protocolVersion, "Newest protocol version the client speaks."),
            field("minProtocolVersion", &Hello::minProtocolVersion, "Oldest protocol version the client accepts."),
            field("role", &Hello::role, "`borrower`, `lender`, `owner`, `admin` or `market`."),
            field("features", &Hello::features, "Optional features the client supports."),
            field("software", &Hello::software, "Program name and version, for logs."));
    }
};

struct Welcome : Message<MessageType::Welcome> {
    static constexpr const char *kName = "Welcome";
    static constexpr const char *kDirection = "service → client";
    static constexpr const char *kDoc = "Answer to Hello: the version both will speak and who the service is.";
    quint32 protocolVersion = 0;
    QString role;
    QString nodeId;
    QStringList features;
    QString software;
    bool operator==(const Welcome &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("protocolVersion", &Welcome::protocolVersion, "The version chosen for this connection."),
            field("role", &Welcome::role, "The service's role: `market` or `lender`."),
            field("nodeId", &Welcome::nodeId, "The service's node ID (also proven by its TLS certificate)."),
            field("features", &Welcome::features, "Features the service supports beyond its protocol version: `borrow-request-id` (a market; see Borrow.requestId), `bills-by-request-id` (a market; see ListBills.requestId)."),
            field("software", &Welcome::software, "Program name and version."));
    }
};

struct ErrorMessage : Message<MessageType::Error> {
    static constexpr const char *kName = "Error";
    static constexpr const char *kDirection = "either way";
    static constexpr const char *kDoc = "A typed failure: the reply to a request that failed, or a push before closing.";
    quint32 code = 0;
    QString codeName;
    QString message;
    bool operator==(const ErrorMessage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("code", &ErrorMessage::code, "Numeric ErrorCode (see the table below)."),
            field("codeName", &ErrorMessage::codeName, "The code's snake_case name."),
            field("message", &ErrorMessage::message, "What went wrong, for a person."));
    }
};

struct Ack : Message<MessageType::Ack> {
    static constexpr const char *kName = "Ack";
    static constexpr const char *kDirection = "either way";
    static constexpr const char *kDoc = "Success with nothing more to say.";
    bool operator==(const Ack &) const = default;
    static constexpr auto fields() { return std::make_tuple(); }
};

struct Ping : Message<MessageType::Ping> {
    static constexpr const char *kName = "Ping";
    static constexpr const char *kDirection = "either way";
    static constexpr const char *kDoc = "Liveness check; answered by Pong.";
    qint64 sentAtMs = 0;
    bool operator==(const Ping &) const = default;
    static constexpr auto fields() { return std::make_tuple(field("sentAtMs", &Ping::sentAtMs, "Sender's clock, UTC ms.")); }
};

struct Pong : Message<MessageType::Pong> {
    static constexpr const char *kName = "Pong";
    static constexpr const char *kDirection = "either way";
    static constexpr const char *kDoc = "Answer to Ping.";
    qint64 sentAtMs = 0;
    bool operator==(const Pong &) const = default;
    static constexpr auto fields() { return std::make_tuple(field("sentAtMs", &Pong::sentAtMs, "Echo of Ping.sentAtMs.")); }
};

// ───────────────────────── lender agent ↔ market (FIG. 6, 7, 13, 14, 15) ─────────────────────────

struct RegisterPartition : Message<MessageType::RegisterPartition> {
    static constexpr const char *kName = "RegisterPartition";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "Register a lendable partition with its lending conditions (FIG. 6 S14–S17, FIG. 13).";
    QString partitionId;
    QString lenderName;
    QString agentAddress;
    LendingConditions conditions;
    bool externallyReferenced = false;
    bool operator==(const RegisterPartition &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &RegisterPartition::partitionId,
                  "Partition ID on the lender: 1 to 128 characters, no control characters, line breaks or bidirectional embeddings, overrides or isolates, "
                  "no leading or trailing space (else `invalid_argument`)."),
            field("lenderName", &RegisterPartition::lenderName, "Display name of the lender: at most 128 characters (code points), no control characters and no bidirectional embeddings, overrides or isolates (else `invalid_argument`); leading and trailing spaces are dropped."),
            field("agentAddress", &RegisterPartition::agentAddress,
                  "host:port where the agent serves borrowers: at most 261 characters, a port from 1 to 65535 (else `invalid_argument`)."),
            field("conditions", &RegisterPartition::conditions, "Lending conditions offered."),
            field("externallyReferenced", &RegisterPartition::externallyReferenced, "The market holds the allocation and may rebalance it (second embodiment)."));
    }
};

struct PartitionRegistered : Message<MessageType::PartitionRegistered> {
    static constexpr const char *kName = "PartitionRegistered";
    static constexpr const char *kDirection = "market → lender";
    static constexpr const char *kDoc = "Answer to RegisterPartition or AlterPartition.";
    QString partitionId;
    QString offerId;
    bool operator==(const PartitionRegistered &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionRegistered::partitionId, "Partition ID."),
            field("offerId", &PartitionRegistered::offerId, "Offer ID borrowers will see."));
    }
};

struct AlterPartition : Message<MessageType::AlterPartition> {
    static constexpr const char *kName = "AlterPartition";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "Change the lending conditions of a registered partition; refused with `conflict` while lent (FIG. 7 S22–S29).";
    QString partitionId;
    LendingConditions conditions;
    bool operator==(const AlterPartition &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &AlterPartition::partitionId, "Partition ID."),
            field("conditions", &AlterPartition::conditions, "New lending conditions."));
    }
};

struct WithdrawPartition : Message<MessageType::WithdrawPartition> {
    static constexpr const char *kName = "WithdrawPartition";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "Withdraw a partition from the market; refused with `conflict` while lent.";
    QString partitionId;
    bool operator==(const WithdrawPartition &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &WithdrawPartition::partitionId, "Partition ID."));
    }
};

struct LenderHeartbeat : Message<MessageType::LenderHeartbeat> {
    static constexpr const char *kName = "LenderHeartbeat";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "The agent is alive; carries the address it serves on. Answered by Ack.";
    QString agentAddress;
    QStringList partitionIds;
    bool operator==(const LenderHeartbeat &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("agentAddress", &LenderHeartbeat::agentAddress,
                  "host:port where the agent serves borrowers, as RegisterPartition's (else `invalid_argument`); empty: unchanged."),
            field("partitionIds", &LenderHeartbeat::partitionIds, "Partitions the agent still holds for this market."));
    }
};

struct ContractStarted : Message<MessageType::ContractStarted> {
    static constexpr const char *kName = "ContractStarted";
    static constexpr const char *kDirection = "market → lender (push)";
    static constexpr const char *kDoc = "A contract was concluded for one of the lender's partitions (S48): the key hash lets the agent check borrowers locally. An agent that cannot honour it (it has no such partition, or the partition belongs to another market) answers with PartitionLost, and the market ends the contract. The market tells a running contract again when the lender comes back (after a reconnect, or to another market process), when its borrower changes its name, and with a new `keyHash` when its borrower sent its Borrow again (Borrow.requestId); an agent that knows the contract updates `borrowerName` and `keyHash`, and takes the start and time limit from it if it learnt the contract from a key check (FIG. 15) before the notice came. An agent shown a key that does not match the hash it holds for a running contract of that borrower asks the market (VerifyKey) before it refuses: the notice of a new key may come late, or from a market process it is not connected to.";
    QString contractId;
    QString partitionId;
    QString borrowerId;
    QByteArray keyHash;
    qint64 startedAtMs = 0;
    qint64 maxDurationS = 0;
    std::optional<QString> borrowerName;
    bool operator==(const ContractStarted &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &ContractStarted::contractId, "Contract ID."),
            field("partitionId", &ContractStarted::partitionId, "Partition lent."),
            field("borrowerId", &ContractStarted::borrowerId, "Borrower node ID."),
            field("keyHash", &ContractStarted::keyHash, "SHA-256 of the lending key."),
            field("startedAtMs", &ContractStarted::startedAtMs, "Start, UTC ms."),
            field("maxDurationS", &ContractStarted::maxDurationS, "Contract limit in seconds; 0 = none."),
            field("borrowerName", &ContractStarted::borrowerName,
                  "The name the borrower goes by (SetBorrowerName) as the market sends the notice; empty if it gave none. "
                  "Names are not unique: the node ID says who it is. Absent from older markets."));
    }
};

struct ContractEnded : Message<MessageType::ContractEnded> {
    static constexpr const char *kName = "ContractEnded";
    static constexpr const char *kDirection = "market → lender (push)";
    static constexpr const char *kDoc = "A contract ended (S58–S61); its key is no longer valid.";
    QString contractId;
    QString partitionId;
    qint64 endedAtMs = 0;
    QString reason;
    bool operator==(const ContractEnded &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &ContractEnded::contractId, "Contract ID."),
            field("partitionId", &ContractEnded::partitionId, "Partition."),
            field("endedAtMs", &ContractEnded::endedAtMs, "End, UTC ms."),
            field("reason", &ContractEnded::reason, "`borrower`, `max_duration`, `lost` or `admin`."));
    }
};

struct VerifyKey : Message<MessageType::VerifyKey> {
    static constexpr const char *kName = "VerifyKey";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "Ask the market whether a lending key is valid for this borrower and partition (FIG. 15, S52'–S54').";
    QString partitionId;
    QString borrowerId;
    QByteArray key;
    bool operator==(const VerifyKey &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &VerifyKey::partitionId, "Partition the borrower wants to use."),
            field("borrowerId", &VerifyKey::borrowerId, "Node ID of the connecting borrower."),
            field("key", &VerifyKey::key, "The lending key the borrower presented."));
    }
};

struct KeyVerdict : Message<MessageType::KeyVerdict> {
    static constexpr const char *kName = "KeyVerdict";
    static constexpr const char *kDirection = "market → lender";
    static constexpr const char *kDoc = "Answer to VerifyKey.";
    bool valid = false;
    QString contractId;
    QString reason;
    std::optional<QString> borrowerName;
    bool operator==(const KeyVerdict &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("valid", &KeyVerdict::valid, "True only for a running contract of this borrower on this partition with this key."),
            field("contractId", &KeyVerdict::contractId, "The contract, when valid."),
            field("reason", &KeyVerdict::reason, "Why not, when invalid."),
            field("borrowerName", &KeyVerdict::borrowerName,
                  "When valid, the name the borrower goes by, as in ContractStarted; empty if it gave none. Absent from older markets."));
    }
};

struct ReportViolation : Message<MessageType::ReportViolation> {
    static constexpr const char *kName = "ReportViolation";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "The lock saw a lent partition's allocation changed behind the agent's back. `not_found` for a partition the market does not have from this lender.";
    QString partitionId;
    QString contractId;
    QString detail;
    bool restored = false;
    bool operator==(const ReportViolation &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &ReportViolation::partitionId, "Partition."),
            field("contractId", &ReportViolation::contractId, "Contract running at the time, if any."),
            field("detail", &ReportViolation::detail, "What changed, from what to what, in the words of `common/model/LockReport.h`: `WHAT LEASED -> LIVE (restored|not restored)` per tunable, joined by `; `, then ` [ERROR; …]` with what libvirt refused while restoring. WHAT is one of: `vcpus`, `max_vcpus` (counts); `memory`, `current_memory`, `hard_limit` (KiB); `cpu_shares` (a weight); `vcpu_period`, `vcpu_quota` (µs; a negative quota is none); `cpu_pin` (a CPU set such as `0-3,6`, or `none`). -1 stands for a value the live domain does not have. Example: `hard_limit 786432 -> 999 (restored)`. The market keeps any text; the Market Manager shows one in these words in its own language, another as it came."),
            field("restored", &ReportViolation::restored, "Whether the agent restored the leased allocation. When it could not, the market ends the contract (reason `violation`, counted against the lender's reliability); either way the report is kept."));
    }
};

struct ReportJobState : Message<MessageType::ReportJobState> {
    static constexpr const char *kName = "ReportJobState";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "A job in a lent partition changed state (S56–S57).";
    QString contractId;
    QString jobId;
    QString state;
    std::optional<qint32> exitCode;
    bool operator==(const ReportJobState &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &ReportJobState::contractId, "Contract."),
            field("jobId", &ReportJobState::jobId, "Job."),
            field("state", &ReportJobState::state, "Job state."),
            field("exitCode", &ReportJobState::exitCode, "Exit code once ended."));
    }
};

struct AllocationChanged : Message<MessageType::AllocationChanged> {
    static constexpr const char *kName = "AllocationChanged";
    static constexpr const char *kDirection = "market → lender";
    static constexpr const char *kDoc = "The market rebalanced an externally referenced partition; the agent applies it the next time it generates the partition, and answers Ack, or an Error (e.g. `resource_exhausted` when its machine cannot fit it, `conflict` when the partition is in use there) on which the market puts back the allocation the lender last confirmed and tells the manager. Until the answer the allocation is unconfirmed and the partition not offered; a lender that was away is sent each unconfirmed allocation of its free partitions when it comes back. A connection carries at most one unanswered AllocationChanged per partition and allocation; one left unanswered for the answer time (15 s by default) is asked again when the lender is next heard from after another such time.";
    QString partitionId;
    Resources resources;
    bool operator==(const AllocationChanged &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &AllocationChanged::partitionId, "Partition."),
            field("resources", &AllocationChanged::resources, "New allocation."));
    }
};

struct FetchImage : Message<MessageType::FetchImage> {
    static constexpr const char *kName = "FetchImage";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "Download a chunk of an OS image the lender lacks (third embodiment).";
    QString sha256;
    QString name;
    qint64 offset = 0;
    qint64 length = 0;
    bool operator==(const FetchImage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("sha256", &FetchImage::sha256, "Image SHA-256; or empty to look up by name."),
            field("name", &FetchImage::name, "Image name, when sha256 is empty."),
            field("offset", &FetchImage::offset, "First byte wanted."),
            field("length", &FetchImage::length, "Bytes wanted (the market may send fewer)."));
    }
};

struct ImageChunk : Message<MessageType::ImageChunk> {
    static constexpr const char *kName = "ImageChunk";
    static constexpr const char *kDirection = "market → lender";
    static constexpr const char *kDoc = "Answer to FetchImage.";
    ImageInfo image;
    qint64 offset = 0;
    QByteArray data;
    bool operator==(const ImageChunk &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("image", &ImageChunk::image, "The image."),
            field("offset", &ImageChunk::offset, "Offset of data."),
            field("data", &ImageChunk::data, "The bytes."));
    }
};

struct ListImages : Message<MessageType::ListImages> {
    static constexpr const char *kName = "ListImages";
    static constexpr const char *kDirection = "lender or borrower → market";
    static constexpr const char *kDoc = "List the OS images the market holds.";
    bool operator==(const ListImages &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple();
    }
};

struct ImageList : Message<MessageType::ImageList> {
    static constexpr const char *kName = "ImageList";
    static constexpr const char *kDirection = "market or agent → client";
    static constexpr const char *kDoc = "OS images held.";
    QList<ImageInfo> images;
    bool operator==(const ImageList &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("images", &ImageList::images, "The images."));
    }
};

struct PartitionLost : Message<MessageType::PartitionLost> {
    static constexpr const char *kName = "PartitionLost";
    static constexpr const char *kDirection = "lender → market";
    static constexpr const char *kDoc = "A partition can no longer be lent (machine shutdown, domain lost, a contract the agent refused); the market ends its contract (reason `lost`) and stops offering the partition until it is registered again. `not_found` for a partition the market does not have from this lender (never registered, or withdrawn): it is on offer no more.";
    QString partitionId;
    QString reason;
    bool operator==(const PartitionLost &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionLost::partitionId, "Partition."),
            field("reason", &PartitionLost::reason, "Why."));
    }
};


// ───────────────────────── borrower ↔ market (FIG. 8) ─────────────────────────

struct SearchOffers : Message<MessageType::SearchOffers> {
    static constexpr const char *kName = "SearchOffers";
    static constexpr const char *kDirection = "borrower → market";
    static constexpr const char *kDoc = "Search offers by requirements (S41–S44). Structured requirements and the query language combine.";
    qint32 minCpus = 0;
    qint64 minMemoryMib = 0;
    qint64 minDiskMib = 0;
    QString os;
    std::optional<Money> maxRate;
    qint32 minReliability = 0;
    QString query;
    QString order;
    qint64 offset = 0;
    qint64 limit = 0;
    bool operator==(const SearchOffers &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("minCpus", &SearchOffers::minCpus, "Minimum vCPUs."),
            field("minMemoryMib", &SearchOffers::minMemoryMib, "Minimum memory, MiB."),
            field("minDiskMib", &SearchOffers::minDiskMib, "Minimum disk, MiB."),
            field("os", &SearchOffers::os, "OS image that must be offered; empty = any."),
            field("maxRate", &SearchOffers::maxRate, "Highest acceptable rate per hour."),
            field("minReliability", &SearchOffers::minReliability, "Minimum lender reliability, percent."),
            field("query", &SearchOffers::query, "Query-language text, e.g. `cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate`."),
            field("order", &SearchOffers::order,
                  "`rate`, `cpus`, `memory`, `disk` or `reliability`, `-` in front for descending (`-rate`, `-reliability`, …), an "
                  "optional `+` for ascending; any case; the aliases `price`, `cpu`, `vcpus`, `mem` too; empty = `rate`."),
            field("offset", &SearchOffers::offset, "Rows to skip."),
            field("limit", &SearchOffers::limit, "Rows wanted; 0 = default (100), at most 1000."));
    }
};

struct OfferPage : Message<MessageType::OfferPage> {
    static constexpr const char *kName = "OfferPage";
    static constexpr const char *kDirection = "market → borrower";
    static constexpr const char *kDoc = "Answer to SearchOffers.";
    QList<Offer> offers;
    qint64 total = 0;
    QList<Exclusion> explanation;
    bool operator==(const OfferPage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("offers", &OfferPage::offers, "Matching offers, in order."),
            field("total", &OfferPage::total, "Number of matches."),
            field("explanation", &OfferPage::explanation, "When nothing matches: which requirements excluded how many offers, then why the offers meeting them all are not available."));
    }
};

struct Borrow : Message<MessageType::Borrow> {
    static constexpr const char *kName = "Borrow";
    static constexpr const char *kDirection = "borrower → market";
    static constexpr const char *kDoc = "Conclude a contract (S45–S48) for an offer, or for the best match of a query.";
    QString offerId;
    QString query;
    std::optional<LendingConditions> agreedTerms;
    std::optional<QString> requestId;
    bool operator==(const Borrow &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("offerId", &Borrow::offerId, "Offer to borrow; empty to use query."),
            field("query", &Borrow::query,
                  "Requirements for \"borrow the best match\". The match is lent on the terms it was matched with: should its lender have made them worse "
                  "before the lend commits, the next best match is taken (`conflict` when none is left)."),
            field("agreedTerms", &Borrow::agreedTerms,
                  "With offerId: the terms the borrower agreed to, as its offer list showed them. The market makes the contract "
                  "only if the offer's terms, when the contract is made, are no worse: a rate no higher, at least these "
                  "resources, contracts allowed at least this long (0: without limit) and each of these OS images still offered. "
                  "Otherwise `terms_changed`, naming what changed. A partial agreement leaves the rest open: resources of 0, "
                  "no OS images and a time limit of 1 s accept any. Absent: the offer's terms as they are then. Older markets "
                  "ignore it."),
            field("requestId", &Borrow::requestId,
                  "Chosen by the borrower, one per contract it asks for, at most 64 printable ASCII characters; absent "
                  "or empty: none. This project's clients send 12 hex digits of the time in milliseconds and 20 random hex "
                  "digits: an ID that grows with time is added at the end of the market's index of them. A Borrow sent again with the same ID, because the answer to the first was lost, "
                  "makes no second contract: the market answers with the contract the first one made (`repeated`), under a "
                  "new lending key, since the first key was never seen (the lender is told the new one, and the old one no "
                  "longer opens the partition). `conflict` if that contract has ended since; `invalid_argument` if the ID was "
                  "used for another offer. Honoured by a market whose Welcome lists the feature `borrow-request-id`; older "
                  "markets ignore it, so a borrower repeats a Borrow only to a market that lists it."));
    }
};

struct ContractGranted : Message<MessageType::ContractGranted> {
    static constexpr const char *kName = "ContractGranted";
    static constexpr const char *kDirection = "market → borrower";
    static constexpr const char *kDoc = "The contract: where to go and the lending key (S48).";
    QString contractId;
    QString lenderId;
    QString lenderAddress;
    QString partitionId;
    LendingConditions conditions;
    qint64 startedAtMs = 0;
    QByteArray key;
    Receipt receipt;
    std::optional<bool> repeated;
    bool operator==(const ContractGranted &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &ContractGranted::contractId, "Contract ID."),
            field("lenderId", &ContractGranted::lenderId, "Lender node ID, to pin."),
            field("lenderAddress", &ContractGranted::lenderAddress, "host:port of the lender agent."),
            field("partitionId", &ContractGranted::partitionId, "Partition ID."),
            field("conditions", &ContractGranted::conditions, "Lending conditions agreed."),
            field("startedAtMs", &ContractGranted::startedAtMs, "Start, UTC ms."),
            field("key", &ContractGranted::key, "The lending key (256 bits); shown once."),
            field("receipt", &ContractGranted::receipt, "Signed start receipt."),
            field("repeated", &ContractGranted::repeated,
                  "Present and true when this answers a Borrow sent again with the `requestId` of one that had made the "
                  "contract already: the contract is that one, and `key` is its new lending key."));
    }
};

struct EndContract : Message<MessageType::EndContract> {
    static constexpr const char *kName = "EndContract";
    static constexpr const char *kDirection = "borrower → market";
    static constexpr const char *kDoc = "End a contract (S58–S61).";
    QString contractId;
    bool operator==(const EndContract &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &EndContract::contractId, "Contract ID."));
    }
};

struct ContractClosed : Message<MessageType::ContractClosed> {
    static constexpr const char *kName = "ContractClosed";
    static constexpr const char *kDirection = "market → borrower";
    static constexpr const char *kDoc = "Answer to EndContract: the bill.";
    QString contractId;
    qint64 durationMs = 0;
    Money charge;
    Receipt receipt;
    bool operator==(const ContractClosed &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &ContractClosed::contractId, "Contract ID."),
            field("durationMs", &ContractClosed::durationMs, "Duration, ms."),
            field("charge", &ContractClosed::charge, "Charge."),
            field("receipt", &ContractClosed::receipt, "Signed end receipt."));
    }
};

struct ListBills : Message<MessageType::ListBills> {
    static constexpr const char *kName = "ListBills";
    static constexpr const char *kDirection = "lender or borrower → market";
    static constexpr const char *kDoc = "The asker's contracts with charges: a borrower's, or a lender's; the newest 1,000.";
    qint64 sinceMs = 0;
    std::optional<QString> contractId;
    std::optional<bool> receipts;
    std::optional<QString> requestId;
    bool operator==(const ListBills &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("sinceMs", &ListBills::sinceMs, "Only contracts started at or after this, UTC ms."),
            field("contractId", &ListBills::contractId,
                  "Only this contract, whenever it started: one bill, or `not_found` when there is no such contract of the asker's "
                  "(as its borrower, or as its lender). A lender's agent asks it for the end of a contract whose ContractEnded it missed. "
                  "Absent: all (older markets ignore it)."),
            field("receipts", &ListBills::receipts,
                  "True: each bill carries its signed receipt (the end receipt of an ended contract, the start receipt of a "
                  "running one), the answer's receipts signed together as one batch. How a borrower gets the end receipt of a "
                  "contract the market ended on its own, and a lender any receipt. Absent: none (older markets ignore it)."),
            field("requestId", &ListBills::requestId,
                  "A borrower's only: the contract that its Borrow with this `requestId` made, whenever it started: one bill, "
                  "or `not_found` when that Borrow made none (and `invalid_argument` from a lender). How a borrower that lost "
                  "a Borrow's answer, and with it the process that sent it, learns whether the contract exists without making "
                  "one. Honoured by a market whose Welcome lists the feature `bills-by-request-id`; older markets ignore it "
                  "(and answer with all the asker's bills), so a borrower sends it only to a market that lists it."));
    }
};

struct BillList : Message<MessageType::BillList> {
    static constexpr const char *kName = "BillList";
    static constexpr const char *kDirection = "market → lender or borrower";
    static constexpr const char *kDoc = "Answer to ListBills.";
    QList<Bill> bills;
    bool operator==(const BillList &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("bills", &BillList::bills, "Contracts, newest first."));
    }
};

struct SetBorrowerName : Message<MessageType::SetBorrowerName> {
    static constexpr const char *kName = "SetBorrowerName";
    static constexpr const char *kDirection = "borrower → market";
    static constexpr const char *kDoc = "The name the market's managers see for this borrower (contracts, invoices, top borrowers), and the lenders of its contracts; answered with Ack. The lenders of its running contracts are told the new name at once (ContractStarted again), from whichever market process holds their connections.";
    QString name;
    bool operator==(const SetBorrowerName &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("name", &SetBorrowerName::name,
                  "At most 128 characters (code points), no control characters and no bidirectional embeddings, overrides or isolates (else `invalid_argument`); leading and trailing spaces are dropped; empty forgets the name."));
    }
};


// ───────────────────────── borrower ↔ lender agent (FIG. 9, 15) ─────────────────────────

struct SubmitJob : Message<MessageType::SubmitJob> {
    static constexpr const char *kName = "SubmitJob";
    static constexpr const char *kDirection = "borrower → lender";
    static constexpr const char *kDoc = "Submit a job to a lent partition (S51): checked against key, borrower, contract and partition (S52–S55).";
    QString contractId;
    QString partitionId;
    QByteArray key;
    QString os;
    QByteArray script;
    QList<JobFile> inputs;
    qint64 timeoutS = 0;
    bool operator==(const SubmitJob &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("contractId", &SubmitJob::contractId, "Contract."),
            field("partitionId", &SubmitJob::partitionId, "Partition."),
            field("key", &SubmitJob::key, "Lending key."),
            field("os", &SubmitJob::os, "OS image to boot."),
            field("script", &SubmitJob::script, "Job script (run by /bin/sh in the guest)."),
            field("inputs", &SubmitJob::inputs, "Input files, placed in /job/in."),
            field("timeoutS", &SubmitJob::timeoutS, "Time limit in seconds; 0 = the agent default."));
    }
};

struct JobAccepted : Message<MessageType::JobAccepted> {
    static constexpr const char *kName = "JobAccepted";
    static constexpr const char *kDirection = "lender → borrower";
    static constexpr const char *kDoc = "Answer to SubmitJob.";
    QString jobId;
    bool operator==(const JobAccepted &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobAccepted::jobId, "Job ID."));
    }
};

struct WatchJob : Message<MessageType::WatchJob> {
    static constexpr const char *kName = "WatchJob";
    static constexpr const char *kDirection = "borrower → lender";
    static constexpr const char *kDoc = "Stream a job's console output from an offset, then its state changes. Answered by Ack, then pushes.";
    QString jobId;
    qint64 fromOffset = 0;
    bool operator==(const WatchJob &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &WatchJob::jobId, "Job ID."),
            field("fromOffset", &WatchJob::fromOffset, "Console byte offset to start from."));
    }
};

struct JobOutput : Message<MessageType::JobOutput> {
    static constexpr const char *kName = "JobOutput";
    static constexpr const char *kDirection = "lender → borrower (push)";
    static constexpr const char *kDoc = "Console output of a job, live.";
    QString jobId;
    qint64 offset = 0;
    QByteArray data;
    bool operator==(const JobOutput &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobOutput::jobId, "Job ID."),
            field("offset", &JobOutput::offset, "Offset of data in the console stream."),
            field("data", &JobOutput::data, "Output bytes."));
    }
};

struct JobStateChanged : Message<MessageType::JobStateChanged> {
    static constexpr const char *kName = "JobStateChanged";
    static constexpr const char *kDirection = "lender → borrower (push)";
    static constexpr const char *kDoc = "A job changed state (S56–S57 on completion).";
    QString jobId;
    QString state;
    std::optional<qint32> exitCode;
    QString message;
    bool operator==(const JobStateChanged &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobStateChanged::jobId, "Job ID."),
            field("state", &JobStateChanged::state, "`queued`, `preparing`, `booting`, `running`, `succeeded`, `failed`, `cancelled`, `timed_out`, `error`."),
            field("exitCode", &JobStateChanged::exitCode, "Exit code once the job ended normally."),
            field("message", &JobStateChanged::message, "Detail for a person."));
    }
};

struct CancelJob : Message<MessageType::CancelJob> {
    static constexpr const char *kName = "CancelJob";
    static constexpr const char *kDirection = "borrower → lender";
    static constexpr const char *kDoc = "Cancel a job; the partition is powered off.";
    QString jobId;
    bool operator==(const CancelJob &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &CancelJob::jobId, "Job ID."));
    }
};

struct FetchJobResult : Message<MessageType::FetchJobResult> {
    static constexpr const char *kName = "FetchJobResult";
    static constexpr const char *kDirection = "borrower → lender";
    static constexpr const char *kDoc = "Fetch a finished job's exit code, output files and console. Output files and console "
                                        "together are sent up to 12 MiB (the console is cut to fit, the outputs never are: "
                                        "`resource_exhausted` if they are larger); with `withoutOutputs` the answer names "
                                        "them and their sizes instead, for FetchJobOutput.";
    QString jobId;
    std::optional<bool> withoutOutputs;
    bool operator==(const FetchJobResult &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &FetchJobResult::jobId, "Job ID."),
            field("withoutOutputs", &FetchJobResult::withoutOutputs,
                  "Leave the output files out of the answer and list them in `outputSizes` (a lender before this field sends "
                  "them, or refuses as without it)."));
    }
};

struct JobResult : Message<MessageType::JobResult> {
    static constexpr const char *kName = "JobResult";
    static constexpr const char *kDirection = "lender → borrower";
    static constexpr const char *kDoc = "Answer to FetchJobResult.";
    QString jobId;
    QString state;
    std::optional<qint32> exitCode;
    QList<JobFile> outputs;
    QByteArray console;
    qint64 startedAtMs = 0;
    qint64 endedAtMs = 0;
    std::optional<QList<JobFileSize>> outputSizes;
    bool operator==(const JobResult &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobResult::jobId, "Job ID."),
            field("state", &JobResult::state, "Final state."),
            field("exitCode", &JobResult::exitCode, "Exit code."),
            field("outputs", &JobResult::outputs, "Files the job left in /job/out."),
            field("console", &JobResult::console, "Job console output."),
            field("startedAtMs", &JobResult::startedAtMs, "Submission, UTC ms."),
            field("endedAtMs", &JobResult::endedAtMs, "End, UTC ms."),
            field("outputSizes", &JobResult::outputSizes,
                  "Asked `withoutOutputs`: the files the job left in /job/out, by name and size (`outputs` is empty)."));
    }
};

/// The most one JobOutputPart carries.
inline constexpr qint64 kMaxJobOutputPartBytes = 4 * 1024 * 1024;

struct FetchJobOutput : Message<MessageType::FetchJobOutput> {
    static constexpr const char *kName = "FetchJobOutput";
    static constexpr const char *kDirection = "borrower → lender";
    static constexpr const char *kDoc = "Fetch part of one output file of a finished job (one JobResult.outputSizes named), "
                                        "however large the file.";
    QString jobId;
    QString name;
    qint64 offset = 0;
    qint64 length = 0;
    bool operator==(const FetchJobOutput &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &FetchJobOutput::jobId, "Job ID."),
            field("name", &FetchJobOutput::name, "Output file name."),
            field("offset", &FetchJobOutput::offset, "First byte wanted."),
            field("length", &FetchJobOutput::length, "Bytes wanted, 1 to 4 MiB (more is cut to 4 MiB)."));
    }
};

struct JobOutputPart : Message<MessageType::JobOutputPart> {
    static constexpr const char *kName = "JobOutputPart";
    static constexpr const char *kDirection = "lender → borrower";
    static constexpr const char *kDoc = "Answer to FetchJobOutput.";
    QString jobId;
    QString name;
    qint64 offset = 0;
    QByteArray data;
    qint64 size = 0;
    bool operator==(const JobOutputPart &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobOutputPart::jobId, "Job ID."),
            field("name", &JobOutputPart::name, "Output file name."),
            field("offset", &JobOutputPart::offset, "Where `data` begins in the file."),
            field("data", &JobOutputPart::data, "The bytes from `offset`: as many as asked, fewer at the end of the file."),
            field("size", &JobOutputPart::size, "The file's whole size in bytes."));
    }
};

struct UsageSample : Message<MessageType::UsageSample> {
    static constexpr const char *kName = "UsageSample";
    static constexpr const char *kDirection = "lender → borrower/owner (push)";
    static constexpr const char *kDoc = "A partition's resource use, every second while it runs.";
    QString partitionId;
    qint64 atMs = 0;
    qint32 cpuPermille = 0;
    qint64 memoryUsedMib = 0;
    qint64 memoryMib = 0;
    bool operator==(const UsageSample &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &UsageSample::partitionId, "Partition."),
            field("atMs", &UsageSample::atMs, "Sample time, UTC ms."),
            field("cpuPermille", &UsageSample::cpuPermille, "CPU use, ‰ of the partition's vCPUs."),
            field("memoryUsedMib", &UsageSample::memoryUsedMib, "Guest memory in use (RSS), MiB."),
            field("memoryMib", &UsageSample::memoryMib, "Allocated memory, MiB."));
    }
};

struct JobProgress : Message<MessageType::JobProgress> {
    static constexpr const char *kName = "JobProgress";
    static constexpr const char *kDirection = "lender → borrower (push)";
    static constexpr const char *kDoc = "Progress of a long step: image download, boot, output collection.";
    QString jobId;
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    bool operator==(const JobProgress &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobProgress::jobId, "Job ID."),
            field("stage", &JobProgress::stage, "`image_download`, `boot`, `collect`."),
            field("done", &JobProgress::done, "Units done."),
            field("total", &JobProgress::total, "Units in all; 0 = unknown."));
    }
};


// ───────────────────────── market admin (Market Manager) ─────────────────────────

struct AdminListPartitions : Message<MessageType::AdminListPartitions> {
    static constexpr const char *kName = "AdminListPartitions";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "Page through the resource database (FIG. 3).";
    QString filter;
    qint64 offset = 0;
    qint64 limit = 0;
    std::optional<QString> sort;
    bool operator==(const AdminListPartitions &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("filter", &AdminListPartitions::filter, "Substring of lender name, lender ID or partition ID; empty = all."),
            field("offset", &AdminListPartitions::offset, "Rows to skip."),
            field("limit", &AdminListPartitions::limit, "Rows wanted (at most 1000)."),
            field("sort", &AdminListPartitions::sort, "Order: `lender` (its name), `partition`, `cpus`, `memory`, `disk`, `rate`, `status` (lending status) or `reliability` (the lender's), with `-` before it for descending; absent or empty: `lender`. Another key is refused with `invalid_argument`."));
    }
};

struct AdminPartitionPage : Message<MessageType::AdminPartitionPage> {
    static constexpr const char *kName = "AdminPartitionPage";
    static constexpr const char *kDirection = "market → admin";
    static constexpr const char *kDoc = "Answer to AdminListPartitions.";
    QList<Offer> rows;
    QStringList lendingStatus;
    QList<bool> online;
    qint64 total = 0;
    std::optional<QList<bool>> allocationPending;
    std::optional<QList<AllocationRefusal>> allocationRefusals;
    std::optional<QStringList> borrowerNames;
    std::optional<QList<bool>> externallyReferenced;
    std::optional<QList<Resources>> rebalanceLimits;
    bool operator==(const AdminPartitionPage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("rows", &AdminPartitionPage::rows, "Partitions with their conditions."),
            field("lendingStatus", &AdminPartitionPage::lendingStatus, "Borrower ID per row, empty when free (FIG. 3, 105)."),
            field("online", &AdminPartitionPage::online, "Whether the lender of each row is online."),
            field("total", &AdminPartitionPage::total, "Rows in all."),
            field("allocationPending", &AdminPartitionPage::allocationPending,
                  "Per row, whether a manager's rebalance awaits the lender's confirmation (second embodiment); "
                  "absent from older markets (read as none pending)."),
            field("allocationRefusals", &AdminPartitionPage::allocationRefusals,
                  "The rows whose lender refused the last rebalance a manager asked for, each with what was refused, "
                  "why and when (the partition is back at the allocation its lender confirmed); a later rebalance of the "
                  "partition clears it. Absent from older markets."),
            field("borrowerNames", &AdminPartitionPage::borrowerNames,
                  "Per row, the name its borrower set (SetBorrowerName); empty when free or unnamed. Absent from older markets."),
            field("externallyReferenced", &AdminPartitionPage::externallyReferenced,
                  "Per row, whether the market holds the partition's allocation (registered externallyReferenced): only those "
                  "can be rebalanced (AdminRebalance). Absent from older markets."),
            field("rebalanceLimits", &AdminPartitionPage::rebalanceLimits,
                  "Per row, the most AdminRebalance may give the partition of each resource: its allocation now plus what its "
                  "lender's budget has not allocated to its other externally referenced partitions; zero for rows that "
                  "cannot be rebalanced. Absent from older markets."));
    }
};

struct AdminListContracts : Message<MessageType::AdminListContracts> {
    static constexpr const char *kName = "AdminListContracts";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "Page through contracts.";
    QString filter;
    bool runningOnly = false;
    qint64 offset = 0;
    qint64 limit = 0;
    std::optional<QString> sort;
    std::optional<qint64> endedSinceMs;
    std::optional<qint64> endedBeforeMs;
    bool operator==(const AdminListContracts &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("filter", &AdminListContracts::filter, "Substring of a contract, borrower, lender or partition ID."),
            field("runningOnly", &AdminListContracts::runningOnly, "Only running contracts."),
            field("offset", &AdminListContracts::offset, "Rows to skip."),
            field("limit", &AdminListContracts::limit, "Rows wanted (at most 1000)."),
            field("sort", &AdminListContracts::sort, "Order: `contract`, `borrower`, `lender`, `partition`, `rate`, `started`, `ended` (running contracts after every end), `duration` or `charge` (a running contract's so far), with `-` before it for descending; absent or empty: `-started`, newest first. Another key is refused with `invalid_argument`."),
            field("endedSinceMs", &AdminListContracts::endedSinceMs, "Only contracts that ended at or after this time, UTC ms (a billing period's exports); running ones are left out. Absent: every contract. A market older than this field ignores it."),
            field("endedBeforeMs", &AdminListContracts::endedBeforeMs, "Only contracts that ended before this time, UTC ms (the end of a billing period that is over); running ones are left out. Absent: no upper bound. A market older than this field ignores it."));
    }
};

struct AdminContractPage : Message<MessageType::AdminContractPage> {
    static constexpr const char *kName = "AdminContractPage";
    static constexpr const char *kDirection = "market → admin";
    static constexpr const char *kDoc = "Answer to AdminListContracts.";
    QList<Bill> rows;
    qint64 total = 0;
    std::optional<QStringList> lenderNames;
    std::optional<QStringList> borrowerNames;
    bool operator==(const AdminContractPage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("rows", &AdminContractPage::rows, "Contracts, in the order asked (`sort`; newest first by default)."),
            field("total", &AdminContractPage::total, "Rows in all."),
            field("lenderNames", &AdminContractPage::lenderNames,
                  "rows[i]'s lender's name as it registered it (empty if none); absent from older markets."),
            field("borrowerNames", &AdminContractPage::borrowerNames,
                  "rows[i]'s borrower's name as it set it (SetBorrowerName; empty if none); absent from older markets."));
    }
};

/// One bucket of a latency histogram: how many requests took at most `upperMicros` (and more
/// than the bucket below). Buckets are log-linear: exact below 32 µs, then 16 per power of
/// two, so a percentile read from them is off by at most 6.25 %.
struct LatencyBucket {
    static constexpr const char *kName = "LatencyBucket";
    qint64 upperMicros = 0;
    qint64 count = 0;
    bool operator==(const LatencyBucket &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("upperMicros", &LatencyBucket::upperMicros, "The bucket's upper bound, µs."),
            field("count", &LatencyBucket::count, "Requests in it."));
    }
};

/// The market's own timings of one kind of request since it started: from the decoded frame
/// to the reply handed to the connection (borrow, end and register: after their group commit).
struct RequestTimes {
    static constexpr const char *kName = "RequestTimes";
    QString kind;
    qint64 count = 0;
    QList<LatencyBucket> buckets;
    bool operator==(const RequestTimes &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("kind", &RequestTimes::kind, "`search`, `borrow`, `end`, `register` or `other`."),
            field("count", &RequestTimes::count, "Requests answered since the market started, refusals included; each is counted when its answer is sent (a borrow after its commit)."),
            field("buckets", &RequestTimes::buckets, "Their latency histogram, empty buckets left out, by upper bound."));
    }
};

/// The CPU time of the machine a market runs on, all its CPUs together, since the machine
/// booted (Linux `/proc/stat`). A reader takes two answers' difference: busy over total is
/// how loaded the machine was, steal over total how much of it its hypervisor gave to
/// others, which is what makes two runs of one build on a shared host differ.
struct HostCpu {
    static constexpr const char *kName = "HostCpu";
    qint32 cores = 0;
    qint64 busyMs = 0;
    qint64 stealMs = 0;
    qint64 totalMs = 0;
    bool operator==(const HostCpu &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("cores", &HostCpu::cores, "CPUs online."),
            field("busyMs", &HostCpu::busyMs, "Time the CPUs ran anything (user, nice, system, interrupts), ms."),
            field("stealMs", &HostCpu::stealMs, "Time the hypervisor ran something else on the CPUs, ms."),
            field("totalMs", &HostCpu::totalMs, "All of the CPUs' time: busy, idle, waiting for the disk and stolen, ms."));
    }
};

/// One kind of request over one sample interval of ServiceStats.history.
struct RequestInterval {
    static constexpr const char *kName = "RequestInterval";
    QString kind;
    qint64 count = 0;
    qint64 p50Micros = 0;
    qint64 p99Micros = 0;
    bool operator==(const RequestInterval &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("kind", &RequestInterval::kind, "`search`, `borrow`, `end`, `register` or `other`."),
            field("count", &RequestInterval::count, "Requests answered in the interval, refusals included."),
            field("p50Micros", &RequestInterval::p50Micros, "Their median time in the market, µs (0 when none were answered); read off the latency histogram, so off by at most 6.25 %."),
            field("p99Micros", &RequestInterval::p99Micros, "Their 99th percentile, µs, likewise."));
    }
};

/// What the market did over one interval: the samples it keeps for ServiceStats.history.
struct ServiceSample {
    static constexpr const char *kName = "ServiceSample";
    qint64 atMs = 0;
    qint64 intervalMs = 0;
    qint64 cpuMs = 0;
    QList<RequestInterval> requests;
    bool operator==(const ServiceSample &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("atMs", &ServiceSample::atMs, "End of the interval, UTC ms."),
            field("intervalMs", &ServiceSample::intervalMs, "Its length, ms (the first one starts when the market started serving, so it may be shorter)."),
            field("cpuMs", &ServiceSample::cpuMs, "The process's CPU time in the interval, all threads, ms."),
            field("requests", &ServiceSample::requests, "Per kind of request, in the order of ServiceStats.requests."));
    }
};

struct AdminListViolations : Message<MessageType::AdminListViolations> {
    static constexpr const char *kName = "AdminListViolations";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "Page through the lock violations lenders reported (FIG. 13–14), newest first.";
    QString filter;
    qint64 offset = 0;
    qint64 limit = 0;
    QStringList detailTerms;
    bool operator==(const AdminListViolations &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("filter", &AdminListViolations::filter, "Substring of a lender ID or name, partition ID, contract ID or the detail."),
            field("offset", &AdminListViolations::offset, "Rows to skip."),
            field("limit", &AdminListViolations::limit, "Rows wanted (at most 1000; 0 = 100)."),
            field("detailTerms", &AdminListViolations::detailTerms,
                  "With a filter, also rows whose detail holds one of these: the words of a lock report (hard_limit) that "
                  "the filter, in the words people read (memory limit), stands for. At most 16, of 1 to 64 characters."));
    }
};

struct AdminViolationPage : Message<MessageType::AdminViolationPage> {
    static constexpr const char *kName = "AdminViolationPage";
    static constexpr const char *kDirection = "market → admin";
    static constexpr const char *kDoc = "Answer to AdminListViolations.";
    QList<Violation> rows;
    qint64 total = 0;
    bool operator==(const AdminViolationPage &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("rows", &AdminViolationPage::rows, "Violations, newest first."),
            field("total", &AdminViolationPage::total, "Rows in all."));
    }
};

struct AdminBillingReport : Message<MessageType::AdminBillingReport> {
    static constexpr const char *kName = "AdminBillingReport";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "Billing figures for a period, for the charts and exports. A period covers at most 3,660 days, ten years (kMaxDays in Messages.h); a longer one is refused with invalid_argument.";
    /// The longest period a report covers, in days: ten years and their leap days, with room.
    /// The market refuses longer ones; the Market Manager and lendable-seed check it first.
    static constexpr int kMaxDays = 3660;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    bool operator==(const AdminBillingReport &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("fromMs", &AdminBillingReport::fromMs, "Period start, UTC ms."),
            field("toMs", &AdminBillingReport::toMs, "Period end, UTC ms."));
    }
};

struct BillingReport : Message<MessageType::BillingReport> {
    static constexpr const char *kName = "BillingReport";
    static constexpr const char *kDirection = "market → admin";
    static constexpr const char *kDoc = "Answer to AdminBillingReport.";
    QList<DayStat> days;
    QList<PartyTotal> topBorrowers;
    QList<PartyTotal> topLenders;
    qint32 feeBasisPoints = 0;
    bool operator==(const BillingReport &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("days", &BillingReport::days, "Per UTC day."),
            field("topBorrowers", &BillingReport::topBorrowers, "Borrowers by charge."),
            field("topLenders", &BillingReport::topLenders, "Lenders by payout."),
            field("feeBasisPoints", &BillingReport::feeBasisPoints, "Market fee in basis points."));
    }
};

struct AdminRebalance : Message<MessageType::AdminRebalance> {
    static constexpr const char *kName = "AdminRebalance";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "Change the allocation of an unlent, externally referenced partition within the lender's budget (second embodiment).";
    QString lenderId;
    QString partitionId;
    Resources resources;
    bool operator==(const AdminRebalance &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("lenderId", &AdminRebalance::lenderId, "Lender node ID."),
            field("partitionId", &AdminRebalance::partitionId, "Partition."),
            field("resources", &AdminRebalance::resources, "New allocation."));
    }
};


// ───────────────────────── machine owner ↔ lender agent (Lender Console, `lender-console --cli`) ─────────────────────────

struct AdminServiceStats : Message<MessageType::AdminServiceStats> {
    static constexpr const char *kName = "AdminServiceStats";
    static constexpr const char *kDirection = "admin → market";
    static constexpr const char *kDoc = "The market process's own figures: memory, CPU time, connections, offers, and request counts and timings.";
    std::optional<bool> history;
    bool operator==(const AdminServiceStats &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("history", &AdminServiceStats::history, "Also send the samples the market kept (ServiceStats.history); absent or false: not."));
    }
};

struct ServiceStats : Message<MessageType::ServiceStats> {
    static constexpr const char *kName = "ServiceStats";
    static constexpr const char *kDirection = "market → admin";
    static constexpr const char *kDoc = "Answer to AdminServiceStats. Counts and CPU time are cumulative since `startedAtMs`; a reader that wants one period subtracts the answer it got at the period's start (and starts over when `startedAtMs` changed: the process was restarted).";
    qint64 atMs = 0;
    qint64 startedAtMs = 0;
    qint64 residentKib = 0;
    qint64 cpuMs = 0;
    qint64 connections = 0;
    qint64 offers = 0;
    QList<RequestTimes> requests;
    std::optional<HostCpu> host;
    std::optional<QList<ServiceSample>> history;
    bool operator==(const ServiceStats &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("atMs", &ServiceStats::atMs, "When the figures were taken, UTC ms."),
            field("startedAtMs", &ServiceStats::startedAtMs, "When this market process started, UTC ms."),
            field("residentKib", &ServiceStats::residentKib, "The process's resident memory (VmRSS), KiB."),
            field("cpuMs", &ServiceStats::cpuMs, "The process's CPU time, user and system, all threads, ms."),
            field("connections", &ServiceStats::connections, "Open connections (lenders, borrowers, admins)."),
            field("offers", &ServiceStats::offers, "Offers registered and not withdrawn, lent or not."),
            field("requests", &ServiceStats::requests, "Timings per kind of request."),
            field("host", &ServiceStats::host, "The CPU time of the market's machine; absent from older markets and where it cannot be read."),
            field("history", &ServiceStats::history, "When asked for: what the market did in each interval of the last hour (one every 10 s by default), oldest first; absent from older markets."));
    }
};

struct MachineShow : Message<MessageType::MachineShow> {
    static constexpr const char *kName = "MachineShow";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Show the machine: host resources, owner's reserve, lendable and allocated totals.";
    bool operator==(const MachineShow &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple();
    }
};

struct MachineInfo : Message<MessageType::MachineInfo> {
    static constexpr const char *kName = "MachineInfo";
    static constexpr const char *kDirection = "agent → owner";
    static constexpr const char *kDoc = "Answer to MachineShow and SetReserve; pushed to watching owners (OwnerWatch) when the agent loses or regains libvirt, when the reserve changes and when a partition is deleted (read the partitions again).";
    Resources host;
    Resources reserve;
    Resources allocated;
    Resources available;
    QString libvirtUri;
    QString virtType;
    QString hostName;
    std::optional<QString> libvirtProblem;
    std::optional<QStringList> marketIds;
    bool operator==(const MachineInfo &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("host", &MachineInfo::host, "What the host has."),
            field("reserve", &MachineInfo::reserve, "Owner's reserve (non-lendable partition 2P)."),
            field("allocated", &MachineInfo::allocated, "Sum of lendable partitions."),
            field("available", &MachineInfo::available,
                  "Host − reserve − allocated, each component at least 0 (when the free disk shrank below what the partitions "
                  "were promised, host − reserve − allocated is negative: nothing more can be lent)."),
            field("libvirtUri", &MachineInfo::libvirtUri, "libvirt connection URI in use."),
            field("virtType", &MachineInfo::virtType, "`kvm` or `qemu` (TCG)."),
            field("hostName", &MachineInfo::hostName, "Host name."),
            field("libvirtProblem", &MachineInfo::libvirtProblem,
                  "Set while the agent cannot reach libvirt's daemon: why, and since when. The agent reconnects by itself; "
                  "running jobs go on, none can start. `host` then gives the CPUs and memory libvirt last reported."),
            field("marketIds", &MachineInfo::marketIds,
                  "The node IDs of the markets the agent is configured to lend on, whether or not a partition is registered "
                  "there now. Absent from older agents."));
    }
};

struct SetReserve : Message<MessageType::SetReserve> {
    static constexpr const char *kName = "SetReserve";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Set the owner's reserve; refused if lendable partitions would no longer fit.";
    Resources reserve;
    bool operator==(const SetReserve &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("reserve", &SetReserve::reserve, "New reserve."));
    }
};

struct PartitionCreate : Message<MessageType::PartitionCreate> {
    static constexpr const char *kName = "PartitionCreate";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Create a lendable partition (FIG. 5/12).";
    LendingConditions conditions;
    bool operator==(const PartitionCreate &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("conditions", &PartitionCreate::conditions, "Resources, images and rate."));
    }
};

struct PartitionInfo : Message<MessageType::PartitionInfo> {
    static constexpr const char *kName = "PartitionInfo";
    static constexpr const char *kDirection = "agent → owner";
    static constexpr const char *kDoc = "One partition's state.";
    PartitionState partition;
    std::optional<bool> marketToldLater;
    bool operator==(const PartitionInfo &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partition", &PartitionInfo::partition, "The partition."),
            field("marketToldLater", &PartitionInfo::marketToldLater,
                  "After a forced PartitionWithdraw: true when the market could not be told now; the agent tells it when it is connected again."));
    }
};

struct PartitionAlter : Message<MessageType::PartitionAlter> {
    static constexpr const char *kName = "PartitionAlter";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Change a partition; refused while registered or lent (the lock).";
    QString partitionId;
    LendingConditions conditions;
    bool operator==(const PartitionAlter &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionAlter::partitionId, "Partition."),
            field("conditions", &PartitionAlter::conditions, "New conditions."));
    }
};

struct PartitionRegister : Message<MessageType::PartitionRegister> {
    static constexpr const char *kName = "PartitionRegister";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Register a partition with a market (FIG. 6/13).";
    QString partitionId;
    QString marketId;
    bool externallyReferenced = false;
    bool operator==(const PartitionRegister &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionRegister::partitionId, "Partition."),
            field("marketId", &PartitionRegister::marketId, "Market to register with; empty = the only one configured."),
            field("externallyReferenced", &PartitionRegister::externallyReferenced, "Let the market hold the allocation."));
    }
};

struct PartitionWithdraw : Message<MessageType::PartitionWithdraw> {
    static constexpr const char *kName = "PartitionWithdraw";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Withdraw a partition from its market; refused while lent.";
    QString partitionId;
    std::optional<bool> force;
    bool operator==(const PartitionWithdraw &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionWithdraw::partitionId, "Partition."),
            field("force", &PartitionWithdraw::force,
                  "true: when the market cannot be reached, withdraw here at once and tell the market when it is back "
                  "(a contract it concludes meanwhile is refused); absent or false: fail with connection_failed instead."));
    }
};

struct PartitionList : Message<MessageType::PartitionList> {
    static constexpr const char *kName = "PartitionList";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "List partitions.";
    bool operator==(const PartitionList &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple();
    }
};

struct PartitionListReply : Message<MessageType::PartitionListReply> {
    static constexpr const char *kName = "PartitionListReply";
    static constexpr const char *kDirection = "agent → owner";
    static constexpr const char *kDoc = "Answer to PartitionList.";
    QList<PartitionState> partitions;
    bool operator==(const PartitionListReply &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitions", &PartitionListReply::partitions, "Partitions."));
    }
};

struct ImageListRequest : Message<MessageType::ImageListRequest> {
    static constexpr const char *kName = "ImageListRequest";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "List the agent's cached OS images.";
    bool operator==(const ImageListRequest &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple();
    }
};

struct ImageAdd : Message<MessageType::ImageAdd> {
    static constexpr const char *kName = "ImageAdd";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Add an OS image from a directory on the agent's machine.";
    QString name;
    QString directory;
    bool operator==(const ImageAdd &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("name", &ImageAdd::name, "Image name."),
            field("directory", &ImageAdd::directory, "Directory holding vmlinuz, initramfs.img and image.json."));
    }
};

struct LendDirect : Message<MessageType::LendDirect> {
    static constexpr const char *kName = "LendDirect";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Lend a partition directly to a named borrower, without a market (LAN variant).";
    QString partitionId;
    QString borrowerId;
    std::optional<QString> borrowerName;
    bool operator==(const LendDirect &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &LendDirect::partitionId, "Partition."),
            field("borrowerId", &LendDirect::borrowerId, "Borrower node ID."),
            field("borrowerName", &LendDirect::borrowerName,
                  "The name the owner knows the borrower by, shown with the lease as a market's borrower's name is. "
                  "The rule of SetBorrowerName: at most 128 characters (code points), no control characters and no bidirectional embeddings, overrides or isolates (else `invalid_argument`); "
                  "leading and trailing spaces are dropped. Absent or empty: none."));
    }
};

struct DirectLease : Message<MessageType::DirectLease> {
    static constexpr const char *kName = "DirectLease";
    static constexpr const char *kDirection = "agent → owner";
    static constexpr const char *kDoc = "Answer to LendDirect: the key to hand to the borrower, with where and whom it reaches.";
    QString partitionId;
    QString contractId;
    QByteArray key;
    std::optional<QString> lenderId;
    std::optional<QString> lenderAddress;
    std::optional<qint64> startedAtMs;
    std::optional<qint64> maxDurationS;
    bool operator==(const DirectLease &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &DirectLease::partitionId, "Partition."),
            field("contractId", &DirectLease::contractId, "Local contract ID."),
            field("key", &DirectLease::key, "Lending key."),
            field("lenderId", &DirectLease::lenderId, "The agent's node ID, which the borrower checks it by. Absent from older agents."),
            field("lenderAddress", &DirectLease::lenderAddress,
                  "host:port where the agent serves borrowers (its advertised address). Absent from older agents."),
            field("startedAtMs", &DirectLease::startedAtMs, "Start of the lease, UTC ms. Absent from older agents."),
            field("maxDurationS", &DirectLease::maxDurationS,
                  "The partition's time limit: the agent ends the lease this many seconds after its start. 0: none. Absent from older agents."));
    }
};

struct OwnerWatch : Message<MessageType::OwnerWatch> {
    static constexpr const char *kName = "OwnerWatch";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Subscribe to PartitionInfo, UsageSample and LockViolated pushes, and to MachineInfo when the agent loses or regains libvirt, when the reserve changes and when a partition is deleted.";
    bool operator==(const OwnerWatch &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple();
    }
};

struct PartitionDelete : Message<MessageType::PartitionDelete> {
    static constexpr const char *kName = "PartitionDelete";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "Delete an unregistered partition and its domain.";
    QString partitionId;
    bool operator==(const PartitionDelete &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &PartitionDelete::partitionId, "Partition."));
    }
};

/// One job as the machine's owner sees it (ListJobs).
struct JobSummary {
    static constexpr const char *kName = "JobSummary";
    QString jobId;
    QString partitionId;
    QString contractId;
    QString borrowerId;
    std::optional<QString> borrowerName;
    QString os;
    QString state;
    std::optional<qint32> exitCode;
    QString message;
    qint64 submittedAtMs = 0;
    qint64 endedAtMs = 0;
    std::optional<qint64> resultsKeptUntilMs;
    std::optional<qint64> resultsRemovedAtMs;
    bool operator==(const JobSummary &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobId", &JobSummary::jobId, "Job ID."),
            field("partitionId", &JobSummary::partitionId, "Partition it ran in."),
            field("contractId", &JobSummary::contractId, "Contract it ran under."),
            field("borrowerId", &JobSummary::borrowerId, "Borrower's node ID."),
            field("borrowerName", &JobSummary::borrowerName, "The borrower's name as the contract gave it; absent when none."),
            field("os", &JobSummary::os, "OS image."),
            field("state", &JobSummary::state, "As in JobStateChanged."),
            field("exitCode", &JobSummary::exitCode, "Exit code once the job ended normally."),
            field("message", &JobSummary::message, "Why it ended as it did (as in JobStateChanged)."),
            field("submittedAtMs", &JobSummary::submittedAtMs, "When it was submitted (ms since the epoch)."),
            field("endedAtMs", &JobSummary::endedAtMs, "When it ended; 0 while it runs."),
            field("resultsKeptUntilMs", &JobSummary::resultsKeptUntilMs,
                  "When its output files and console go (its end + the agent's --keep-results); absent while it runs, "
                  "when they are kept for ever, and once they went."),
            field("resultsRemovedAtMs", &JobSummary::resultsRemovedAtMs, "When its output files and console were removed; absent while kept."));
    }
};

struct ListJobs : Message<MessageType::ListJobs> {
    static constexpr const char *kName = "ListJobs";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc = "The jobs borrowers ran on this machine, newest first. Answered by JobList.";
    std::optional<QString> partitionId;
    std::optional<qint64> submittedBeforeMs;
    std::optional<QString> beforeJobId;
    qint32 limit = 100;
    bool operator==(const ListJobs &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &ListJobs::partitionId, "Only this partition's jobs; absent: all."),
            field("submittedBeforeMs", &ListJobs::submittedBeforeMs,
                  "The next page: only jobs after this one in the list's order (give a page's last job's submittedAtMs "
                  "and jobId). Absent: from the newest."),
            field("beforeJobId", &ListJobs::beforeJobId, "With submittedBeforeMs: that job's ID, which orders jobs submitted in the same millisecond."),
            field("limit", &ListJobs::limit, "Jobs wanted, 1 to 1000 (else `invalid_argument`)."));
    }
};

struct JobList : Message<MessageType::JobList> {
    static constexpr const char *kName = "JobList";
    static constexpr const char *kDirection = "agent → owner";
    static constexpr const char *kDoc = "Answer to ListJobs.";
    QList<JobSummary> jobs;
    bool more = false;
    bool operator==(const JobList &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("jobs", &JobList::jobs, "Jobs, newest first."),
            field("more", &JobList::more, "Older jobs remain (ask again with the last job's submittedAtMs and jobId)."));
    }
};

struct OwnerBills : Message<MessageType::OwnerBills> {
    static constexpr const char *kName = "OwnerBills";
    static constexpr const char *kDirection = "owner → agent";
    static constexpr const char *kDoc =
        "What a market bills for this machine's contracts, asked of that market by the agent (ListBills). Answered by BillList.";
    QString marketId;
    qint64 sinceMs = 0;
    std::optional<QString> contractId;
    bool receipts = false;
    bool operator==(const OwnerBills &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("marketId", &OwnerBills::marketId, "The market to ask; empty when the agent works with one market."),
            field("sinceMs", &OwnerBills::sinceMs, "Only contracts started at or after this, UTC ms."),
            field("contractId", &OwnerBills::contractId, "Only this contract; absent: the newest 1,000."),
            field("receipts", &OwnerBills::receipts, "Each bill with its signed receipt (ListBills.receipts)."));
    }
};

struct LockViolated : Message<MessageType::LockViolated> {
    static constexpr const char *kName = "LockViolated";
    static constexpr const char *kDirection = "agent → owner (push)";
    static constexpr const char *kDoc = "The lock found a lent partition's allocation changed behind the agent's back (FIG. 13–14): what it told the market (ReportViolation), told the owners that watch (OwnerWatch) too.";
    QString partitionId;
    QString contractId;
    QString detail;
    bool restored = false;
    qint64 atMs = 0;
    QString marketId;
    bool operator==(const LockViolated &) const = default;
    static constexpr auto fields()
    {
        return std::make_tuple(
            field("partitionId", &LockViolated::partitionId, "Partition."),
            field("contractId", &LockViolated::contractId, "Contract running at the time."),
            field("detail", &LockViolated::detail, "What changed, in ReportViolation.detail's words."),
            field("restored", &LockViolated::restored, "Whether the agent put the lease back; if not, the market it was reported to ends the contract."),
            field("atMs", &LockViolated::atMs, "When the agent found it, UTC ms."),
            field("marketId", &LockViolated::marketId, "The market it is reported to (ReportViolation; sent once the market is connected); empty when there is none: a direct lease."));
    }
};

/// Every message type, in registry order. Append new messages here too.
using AllMessages = std::tuple<
    Hello,
    Welcome,
    ErrorMessage,
    Ack,
    Ping,
    Pong,
    RegisterPartition,
    PartitionRegistered,
    AlterPartition,
    WithdrawPartition,
    LenderHeartbeat,
    ContractStarted,
    ContractEnded,
    VerifyKey,
    KeyVerdict,
    ReportViolation,
    ReportJobState,
    AllocationChanged,
    FetchImage,
    ImageChunk,
    ListImages,
    ImageList,
    PartitionLost,
    SearchOffers,
    OfferPage,
    Borrow,
    ContractGranted,
    EndContract,
    ContractClosed,
    ListBills,
    BillList,
    SetBorrowerName,
    SubmitJob,
    JobAccepted,
    WatchJob,
    JobOutput,
    JobStateChanged,
    CancelJob,
    FetchJobResult,
    JobResult,
    UsageSample,
    JobProgress,
    FetchJobOutput,
    JobOutputPart,
    AdminListPartitions,
    AdminPartitionPage,
    AdminListContracts,
    AdminContractPage,
    AdminBillingReport,
    BillingReport,
    AdminRebalance,
    AdminListViolations,
    AdminViolationPage,
    AdminServiceStats,
    ServiceStats,
    MachineShow,
    MachineInfo,
    SetReserve,
    PartitionCreate,
    PartitionInfo,
    PartitionAlter,
    PartitionRegister,
    PartitionWithdraw,
    PartitionList,
    PartitionListReply,
    ImageListRequest,
    ImageAdd,
    LendDirect,
    DirectLease,
    OwnerWatch,
    PartitionDelete,
    ListJobs,
    JobList,
    OwnerBills,
    LockViolated>;

} // namespace lendable::protocol
