#pragma once

#include <QtGlobal>

namespace lendable::protocol {

/// The protocol version this build speaks. Bump when a message changes incompatibly.
inline constexpr quint32 kProtocolVersion = 1;
/// The oldest version this build still accepts from a peer.
inline constexpr quint32 kMinProtocolVersion = 1;

/// Features a service lists in Welcome.features, for what a client must not count on from
/// an older service of the same protocol version.
/// The market makes no second contract for a Borrow sent again with its `requestId`.
inline constexpr const char *kFeatureBorrowRequestId = "borrow-request-id";
/// The market answers ListBills.requestId: whether a borrower's Borrow made a contract.
inline constexpr const char *kFeatureBillsByRequestId = "bills-by-request-id";

/// Every message type, numbered once. ONLY APPEND, NEVER INSERT, RENUMBER OR REMOVE:
/// the numbers are on the wire. Ranges: 1–99 session, 100–199 lender↔market,
/// 200–299 borrower↔market, 300–399 borrower↔lender, 400–499 admin↔market,
/// 500–599 owner↔lender agent.
enum class MessageType : quint32 {
    // session
    Hello = 1,
    Welcome = 2,
    Error = 3,
    Ack = 4,
    Ping = 5,
    Pong = 6,

    // lender agent ↔ market (FIG. 6, 7, 13, 14, 15)
    RegisterPartition = 100,
    PartitionRegistered = 101,
    AlterPartition = 102,
    WithdrawPartition = 103,
    LenderHeartbeat = 104,
    ContractStarted = 105,
    ContractEnded = 106,
    VerifyKey = 107,
    KeyVerdict = 108,
    ReportViolation = 109,
    ReportJobState = 110,
    AllocationChanged = 111,
    FetchImage = 112,
    ImageChunk = 113,
    ListImages = 114,
    ImageList = 115,
    PartitionLost = 116,

    // borrower ↔ market (FIG. 8)
    SearchOffers = 200,
    OfferPage = 201,
    Borrow = 202,
    ContractGranted = 203,
    EndContract = 204,
    ContractClosed = 205,
    ListBills = 206,
    BillList = 207,
    SetBorrowerName = 208,

    // borrower ↔ lender agent (FIG. 9, 15)
    SubmitJob = 300,
    JobAccepted = 301,
    WatchJob = 302,
    JobOutput = 303,
    JobStateChanged = 304,
    CancelJob = 305,
    FetchJobResult = 306,
    JobResult = 307,
    UsageSample = 308,
    JobProgress = 309,
    FetchJobOutput = 310,
    JobOutputPart = 311,

    // market admin (Market Manager app)
    AdminListPartitions = 400,
    AdminPartitionPage = 401,
    AdminListContracts = 402,
    AdminContractPage = 403,
    AdminBillingReport = 404,
    BillingReport = 405,
    AdminRebalance = 406,
    AdminListViolations = 407,
    AdminViolationPage = 408,
    AdminServiceStats = 409,
    ServiceStats = 410,

    // machine owner ↔ lender agent (Lender Console app and CLI)
    MachineShow = 500,
    MachineInfo = 501,
    SetReserve = 502,
    PartitionCreate = 503,
    PartitionInfo = 504,
    PartitionAlter = 505,
    PartitionRegister = 506,
    PartitionWithdraw = 507,
    PartitionList = 508,
    PartitionListReply = 509,
    ImageListRequest = 510,
    ImageAdd = 511,
    LendDirect = 512,
    DirectLease = 513,
    OwnerWatch = 514,
    PartitionDelete = 515,
    ListJobs = 516,
    JobList = 517,
    OwnerBills = 518,
    LockViolated = 519,
};

} // namespace lendable::protocol
