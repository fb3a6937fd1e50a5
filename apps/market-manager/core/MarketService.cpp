#include "MarketService.h"

#include "Billing.h"
#include "LendingKey.h"
#include "StoreWriter.h"
#include "protocol/DisplayName.h"
#include "protocol/ImageName.h"
#include "protocol/Terms.h"
#include "util/HostPort.h"
#include "util/Paths.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QMutexLocker>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <sys/resource.h>
#include <unistd.h>

namespace lendable::market {

Q_LOGGING_CATEGORY(lcMarket, "lendable.market")
// One line per group commit: its size and how long each stage took (the writer's
// statements and commit, the sync, the signing, the wait for the service thread, the
// replies). QT_LOGGING_RULES="lendable.market.batch.debug=true" turns it on.
Q_LOGGING_CATEGORY(lcMarketBatch, "lendable.market.batch", QtWarningMsg)

using namespace protocol;

namespace {

std::atomic<int> g_signingDelayMsForTest{0};

const QString kLender = QStringLiteral("lender");
const QString kBorrower = QStringLiteral("borrower");
const QString kAdmin = QStringLiteral("admin");

// AdminListViolations.detailTerms: how many, and how long each.
constexpr int kMaxDetailTerms = 16;
constexpr int kMaxDetailTermLength = 64;

// Rows per page of the admin lists when the request leaves the limit at 0. (A negative
// offset or limit never gets here: the codec refuses it as bad_payload.)
qint64 adminPageLimit(qint64 limit)
{
    return limit > 0 ? limit : 100;
}

/// A page's offset: rows to skip, never fewer than none.
std::optional<Error> badOffset(qint64 offset)
{
    if (offset >= 0)
        return std::nullopt;
    return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketService", "offset %1 is negative").arg(offset));
}

// The lender's notice of a contract's end (S61), as pushed live and as replayed.
ContractEnded endedNotice(const ContractRow &c)
{
    return ContractEnded{.contractId = c.id, .partitionId = c.partitionId, .endedAtMs = c.endedAtMs, .reason = c.endReason};
}

QString imagePathIn(const QString &imagesDir, const QString &sha256)
{
    return QDir(imagesDir).filePath(QStringLiteral("%1/image.tar").arg(sha256));
}

// Whether the file at `path` is `sizeBytes` long and has that SHA-256 (hex).
bool fileHolds(const QString &path, qint64 sizeBytes, const QString &sha256)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() != sizeBytes)
        return false;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    return hash.addData(&file) && QString::fromLatin1(hash.result().toHex()) == sha256;
}

/// A borrower's name (empty: none) as `store` has it; nothing, after a warning, when it cannot
/// be read: a notice or a bill then goes without the name (the node ID says who it is).
std::optional<QString> readBorrowerName(MarketStore &store, const QString &borrowerId)
{
    Result<QString> name = store.borrowerName(borrowerId);
    if (!name) {
        qCWarning(lcMarket) << "could not read the name of borrower" << borrowerId << name.error();
        return std::nullopt;
    }
    return *name;
}

/// The names of `borrowerIds` as `store` has them now, those it cannot read left out (asked
/// again when next needed).
QHash<QString, QString> readBorrowerNames(MarketStore &store, const QSet<QString> &borrowerIds)
{
    QHash<QString, QString> names;
    for (const QString &id : borrowerIds) {
        if (std::optional<QString> name = readBorrowerName(store, id))
            names.insert(id, *name);
    }
    return names;
}

/// The rows of `lenderIds` as `store` has them now (those it cannot read left out): after a
/// write that moved them (a registration, the reliability an end moves).
QHash<QString, LenderRow> readLenders(MarketStore &store, const QSet<QString> &lenderIds)
{
    QHash<QString, LenderRow> rows;
    for (const QString &id : lenderIds) {
        Result<std::optional<LenderRow>> row = store.lender(id);
        if (row && row->has_value())
            rows.insert(id, **row);
    }
    return rows;
}

/// Borrowers' names read from a store, each once (a lender's list names one borrower many
/// times); readBorrowerName().
class BorrowerNames {
public:
    explicit BorrowerNames(MarketStore &store)
        : m_store(store)
    {
    }
    QString of(const QString &borrowerId)
    {
        if (const auto it = m_known.constFind(borrowerId); it != m_known.cend())
            return *it;
        return *m_known.insert(borrowerId, readBorrowerName(m_store, borrowerId).value_or(QString()));
    }

private:
    MarketStore &m_store;
    QHash<QString, QString> m_known;
};

} // namespace

Result<void> validateResources(const Resources &r, ConditionsOf whose)
{
    const auto bad = [](const QString &why) { return Error(ErrorCode::InvalidArgument, why); };
    const bool offer = whose == ConditionsOf::Offer;
    if (r.cpus < (offer ? 1 : 0))
        return bad(offer ? MarketService::tr("a partition must offer at least 1 vCPU") : MarketService::tr("the vCPUs cannot be negative"));
    if (r.memoryMib < (offer ? 1 : 0))
        return bad(offer ? MarketService::tr("a partition must offer some memory") : MarketService::tr("the memory cannot be negative"));
    if (r.diskMib < 0)
        return bad(MarketService::tr("the disk size cannot be negative"));
    if (r.cpus > protocol::kMaxPartitionCpus)
        return bad(MarketService::tr("%1 vCPUs: a partition has at most %2").arg(r.cpus).arg(protocol::kMaxPartitionCpus));
    if (r.memoryMib > protocol::kMaxPartitionMemoryMib)
        return bad(MarketService::tr("%1 MiB of memory: a partition has at most %2 MiB (1 PiB)")
                       .arg(r.memoryMib)
                       .arg(protocol::kMaxPartitionMemoryMib));
    if (r.diskMib > protocol::kMaxPartitionDiskMib)
        return bad(MarketService::tr("%1 MiB of disk: a partition has at most %2 MiB (16 PiB)")
                       .arg(r.diskMib)
                       .arg(protocol::kMaxPartitionDiskMib));
    return {};
}

Result<void> validateConditions(const LendingConditions &c, ConditionsOf whose)
{
    const auto bad = [](const QString &why) { return Error(ErrorCode::InvalidArgument, why); };
    if (Result<void> resources = validateResources(c.resources, whose); !resources)
        return resources;
    const bool offer = whose == ConditionsOf::Offer;
    if (c.ratePerHour.isNegative())
        return bad(MarketService::tr("the rate cannot be negative (%1)").arg(c.ratePerHour.toString()));
    if (c.ratePerHour.micros() > Money::kMaxRatePerHourMicros)
        return bad(MarketService::tr("the rate %1 is above the highest this market takes, %2 per hour")
                       .arg(c.ratePerHour.toString(), Money::fromMicros(Money::kMaxRatePerHourMicros).toString()));
    if (c.maxDurationS < 0)
        return bad(MarketService::tr("the maximum duration cannot be negative"));
    if (c.maxDurationS > protocol::kMaxContractDurationS)
        return bad(MarketService::tr("the maximum duration is at most %1 s (100 years)").arg(protocol::kMaxContractDurationS));
    if (offer && c.osImages.isEmpty())
        return bad(MarketService::tr("a partition must offer at least one OS image"));
    if (c.osImages.size() > protocol::kMaxOsImagesPerPartition)
        return bad(MarketService::tr("%1 OS image names: a partition offers at most %2")
                       .arg(c.osImages.size())
                       .arg(protocol::kMaxOsImagesPerPartition));
    for (const QString &image : c.osImages) {
        if (!protocol::isValidOsImageName(image))
            return bad(MarketService::tr("'%1' is not an image name (letters, digits, '.', '_', '+', '-'; at most 64)")
                           .arg(image));
    }
    return {};
}

/// A lender's advertised address, as every borrower of its offers is given it: HOST:PORT, no
/// longer than a DNS name and a port. Unchecked, one lender's 2 MiB "address" made every
/// search page holding its offers too large to send.
Result<void> checkAgentAddress(const QString &address)
{
    constexpr qsizetype kLongest = 253 + 2 + 1 + 5; // a DNS name (or bracketed IPv6), ':', a port
    if (address.size() > kLongest)
        return Error(ErrorCode::InvalidArgument, MarketService::tr("the agent address is %1 characters long; a host:port has at most %2")
                                                     .arg(address.size())
                                                     .arg(kLongest));
    if (protocol::firstForbiddenNameCharacter(address) >= 0 || address.trimmed() != address)
        return Error(ErrorCode::InvalidArgument, MarketService::tr("the agent address holds spaces or control characters"));
    if (Result<HostPort> hp = parseHostPort(address); !hp)
        return Error(ErrorCode::InvalidArgument, MarketService::tr("the agent address: %1").arg(hp.error().message));
    return {};
}

enum class NameOf { Lender, Borrower };

/// A lender's or a borrower's display name, trimmed, or why it is refused. Whole sentences per
/// party, not "the %1 name": a translation inflects the party (des Verleihers, 貸し手の).
Result<QString> checkDisplayName(const QString &name, NameOf whose)
{
    const QString trimmed = name.trimmed();
    if (const qsizetype length = protocol::displayNameLength(trimmed); length > kMaxDisplayNameLength)
        return Error(ErrorCode::InvalidArgument,
                     (whose == NameOf::Lender ? MarketService::tr("the lender's name is %1 characters long; at most %2 are kept")
                                              : MarketService::tr("the borrower's name is %1 characters long; at most %2 are kept"))
                         .arg(length)
                         .arg(kMaxDisplayNameLength));
    if (const qsizetype bad = protocol::firstForbiddenNameCharacter(trimmed); bad >= 0)
        return Error(ErrorCode::InvalidArgument,
                     (whose == NameOf::Lender ? MarketService::tr("the lender's name contains a control character (U+%1)")
                                              : MarketService::tr("the borrower's name contains a control character (U+%1)"))
                         .arg(trimmed[bad].unicode(), 4, 16, QLatin1Char('0')));
    return trimmed;
}

MarketService::MarketService(const Identity &identity, const QString &databaseUrl, MarketConfig config, QObject *parent)
    : QObject(parent)
    , m_identity(identity)
    , m_databaseUrl(databaseUrl)
    , m_config(std::move(config))
    , m_server(identity,
               HandshakeConfig{.localNodeId = identity.nodeId(),
                               .localRole = QStringLiteral("market"),
                               .acceptedRoles = {kLender, kBorrower, kAdmin},
                               .features = {QLatin1String(kFeatureBorrowRequestId), QLatin1String(kFeatureBillsByRequestId)},
                               .maxFrameBytes = kMaxInboundFrameBytes,
                               .idleTimeoutMs = qMax(0, m_config.idleTimeoutMs)},
               this)
{
    if (!m_config.clock)
        m_config.clock = realNowMs;
    m_config.feeBasisPoints = qBound(0, m_config.feeBasisPoints, 10'000);
    m_config.heartbeatTimeoutMs = qMax(100, m_config.heartbeatTimeoutMs);
    m_config.allocationAnswerTimeoutMs = qMax(100, m_config.allocationAnswerTimeoutMs);
    m_steady.start();
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    // One thread: batches are signed, and so acknowledged, in the order they committed. It
    // stays (no expiry), with its signing context, until shutdown() waits for it.
    m_signer.setMaxThreadCount(1);
    m_signer.setExpiryTimeout(-1);
    m_signer.setObjectName(QStringLiteral("market-signer"));
    m_signerNice = thisThreadsNice() + kBackgroundNiceness;
    m_server.setAdmission([this](const QString &peerId, const QString &role) { return admit(peerId, role); });
    connect(&m_server, &Server::channelEstablished, this, &MarketService::onChannelEstablished);
    m_server.setEnvelopeHandler([this](Channel *channel, const Envelope &envelope) { onEnvelope(channel, envelope); });
    connect(&m_server, &Server::channelClosed, this,
            [this](Channel *channel, const lendable::Error &) { onChannelClosed(channel); });
    m_applyMore.setSingleShot(true);
    m_applyMore.setInterval(0);
    connect(&m_applyMore, &QTimer::timeout, this, [this] { applyPending(kAnswersPerPass); });
    connect(&m_maintenance, &QTimer::timeout, this, &MarketService::runMaintenance);
    connect(&m_sampler, &QTimer::timeout, this, &MarketService::takeSample);
    connect(&m_sync, &QTimer::timeout, this, [this] {
        if (m_store)
            syncFromDatabase();
    });
    registerHandlers();
}

MarketService::~MarketService()
{
    shutdown();
}

qint64 MarketService::now() const
{
    return m_config.clock();
}

Result<void> MarketService::start()
{
    if (m_store)
        return {};
    Result<std::unique_ptr<MarketStore>> store = MarketStore::open(m_databaseUrl);
    if (!store)
        return store.error();
    m_store = std::move(store).value();
    if (Result<qint64> tag = m_store->claimRevisionTag(); !tag) {
        m_store.reset();
        return tag.error();
    }
    if (m_config.syncSettleMs < 0)
        m_config.syncSettleMs = m_store->dialect() == SqlDialect::Postgres ? 2000 : 0;
    if (m_config.syncIntervalMs < 0)
        m_config.syncIntervalMs = m_store->dialect() == SqlDialect::Postgres ? m_config.maintenanceIntervalMs
                                                                             : qMin(100, m_config.maintenanceIntervalMs);

    Result<Changes> all = m_store->loadAll();
    if (!all) {
        m_store.reset();
        return all.error();
    }
    // A lender is online here only once it speaks to some market process: rows left online
    // by a process that died are timed out by checkHeartbeats() on last_seen.
    for (const LenderRow &l : std::as_const(all->lenders))
        m_index.upsertLender(l, l.online && l.lastSeenMs >= realNowMs() - m_config.heartbeatTimeoutMs);
    for (const PartitionRow &p : std::as_const(all->partitions))
        m_index.upsertPartition(p);
    Result<std::unique_ptr<StoreWriter>> writer = StoreWriter::start(m_databaseUrl, m_store.get());
    if (!writer) {
        m_store.reset();
        return writer.error();
    }
    m_writer = std::move(writer).value();
    Result<std::unique_ptr<StoreWriter>> reader = StoreWriter::start(m_databaseUrl, m_store.get(), StoreWriter::Kind::Reader);
    if (!reader) {
        m_writer.reset();
        m_store.reset();
        return reader.error();
    }
    m_reader = std::move(reader).value();
    Result<std::unique_ptr<StoreWriter>> quickReader =
        StoreWriter::start(m_databaseUrl, m_store.get(), StoreWriter::Kind::QuickReader);
    if (!quickReader) {
        m_reader.reset();
        m_writer.reset();
        m_store.reset();
        return quickReader.error();
    }
    m_quickReader = std::move(quickReader).value();
    m_loaded = Watermarks{all->maxLenderRev, all->maxPartitionRev, all->maxContractRev, all->maxBorrowerRev};
    m_syncHistory.clear();
    // On PostgreSQL a change that took its revision before the load and commits after it is
    // below the loaded watermarks, and nothing here knows the watermarks of a settle window
    // ago. So the syncs of the first window read the lenders and partitions again from the
    // start (as large as the load, once or twice). Contracts and names from the load on: a
    // lender that connects here is told its running contracts from the database
    // (catchUpLender()), and none is connected before the load.
    if (m_config.syncSettleMs > 0)
        m_syncHistory.emplace_back(m_steady.elapsed() - m_config.syncSettleMs,
                                   Watermarks{0, 0, m_loaded.contracts, m_loaded.borrowers});
    m_syncHistory.emplace_back(m_steady.elapsed(), m_loaded);
    m_flushInFlight = m_syncInFlight = false;
    m_expiryUpTo.reset();
    m_closing = false;
    m_afterBatches.clear();
    m_batchesAnswered = 0;
    m_lastBatchJob = 0; // numbered by this writer
    m_maintenance.start(qMax(10, m_config.maintenanceIntervalMs));
    m_sync.start(qMax(10, m_config.syncIntervalMs));
    m_sampledAtMs = QDateTime::currentMSecsSinceEpoch(); // the first sample starts here
    m_sampledCpuMs = processCpuMs();
    m_sampler.start(qMax(10, m_config.statsSampleMs));
    qCInfo(lcMarket) << "market" << nodeId() << "opened" << m_store->database().redactedUrl() << "with"
                     << m_index.offerCount() << "offers";
    return {};
}

Result<void> MarketService::listen(const QHostAddress &address, quint16 port)
{
    if (auto started = start(); !started)
        return started;
    return m_server.listen(address, port);
}

quint16 MarketService::serverPort() const
{
    return m_server.serverPort();
}

QHostAddress MarketService::serverAddress() const
{
    return m_server.serverAddress();
}

LocalChannel *MarketService::connectLocal(const QString &clientNodeId, const QString &role)
{
    HandshakeConfig config;
    config.localNodeId = clientNodeId;
    config.localRole = role;
    return m_server.connectLocal(clientNodeId, config);
}

void MarketService::shutdown()
{
    m_maintenance.stop();
    m_sync.stop();
    m_sampler.stop();
    if (!m_store)
        return;
    settleWrites(); // requests already accepted are answered, not dropped
    m_closing = true; // the bookkeeping still queued is dropped
    bringExpiryLookUpToNow(); // a look still queued ends what has expired by now
    m_writer.reset();
    m_signer.waitForDone(); // the writer's last jobs may have passed their outcome to it
    m_reader.reset(); // runs the lists and reports already asked for…
    m_quickReader.reset(); // …and the keys to verify…
    processCompletions(); // …and answers them
    // Our lenders' offers must not stay on offer in other processes until they time out.
    const QStringList local = m_lenders.keys();
    for (const QString &id : local) {
        if (m_lenders.value(id).online) {
            if (auto r = m_store->setLenderOffline(id); !r)
                qCWarning(lcMarket) << "could not mark lender" << id << "offline:" << r.error();
        }
    }
    m_lenders.clear();
    m_server.close();
    m_store.reset();
}

Result<void> MarketService::admit(const QString &peerId, const QString &role) const
{
    if (role == kAdmin && peerId != nodeId() && !m_config.adminIds.contains(peerId, Qt::CaseInsensitive))
        return Error(ErrorCode::PeerNotAllowed,
                     tr("node %1 is not an administrator of this market (start it with --admin-id %1 to allow it)")
                         .arg(peerId));
    return {};
}

template <typename Req, typename Reply>
void MarketService::serve(const QStringList &roles, Result<Reply> (MarketService::*handler)(const Req &, const Ctx &))
{
    m_dispatcher.onCall<Req, Reply>([this, roles, handler](const Req &req, const Ctx &ctx) -> Result<Reply> {
        if (!roles.contains(ctx.peerRole()))
            return Error(ErrorCode::PermissionDenied, tr("%1 is for the %2 role; this connection is %3")
                                                          .arg(QLatin1String(Req::kName), roles.join(QStringLiteral(" or ")),
                                                               ctx.peerRole()));
        if (!m_store)
            return Error(ErrorCode::Unsupported, tr("the market is shutting down"));
        return (this->*handler)(req, ctx);
    });
}

template <typename Req>
void MarketService::serveAsync(const QStringList &roles, void (MarketService::*handler)(const Req &, const Ctx &))
{
    m_dispatcher.on<Req>([this, roles, handler](const Req &req, const Ctx &ctx) {
        if (!roles.contains(ctx.peerRole())) {
            ctx.fail(ErrorCode::PermissionDenied, tr("%1 is for the %2 role; this connection is %3")
                                                      .arg(QLatin1String(Req::kName), roles.join(QStringLiteral(" or ")),
                                                           ctx.peerRole()));
            return;
        }
        if (!m_store) {
            ctx.fail(ErrorCode::Unsupported, tr("the market is shutting down"));
            return;
        }
        (this->*handler)(req, ctx);
    });
}

void MarketService::registerHandlers()
{
    serveAsync(QStringList{kLender}, &MarketService::onRegister);
    serveAsync(QStringList{kLender}, &MarketService::onAlter);
    serveAsync(QStringList{kLender}, &MarketService::onWithdraw);
    serveAsync(QStringList{kLender}, &MarketService::onHeartbeat);
    serveAsync(QStringList{kLender}, &MarketService::onVerifyKey);
    serveAsync(QStringList{kLender}, &MarketService::onPartitionLost);
    serveAsync(QStringList{kLender}, &MarketService::onViolation);
    serve(QStringList{kLender}, &MarketService::onJobState);
    serveAsync(QStringList{kLender, kBorrower, kAdmin}, &MarketService::onFetchImage);
    serveAsync(QStringList{kLender, kBorrower, kAdmin}, &MarketService::onListImages);
    serveAsync(QStringList{kBorrower, kAdmin}, &MarketService::onSearch);
    serveAsync(QStringList{kBorrower}, &MarketService::onBorrow);
    serveAsync(QStringList{kBorrower}, &MarketService::onEndContract);
    serveAsync(QStringList{kBorrower, kLender}, &MarketService::onListBills);
    serveAsync(QStringList{kBorrower}, &MarketService::onSetBorrowerName);
    serveAsync(QStringList{kAdmin}, &MarketService::onAdminPartitions);
    serveAsync(QStringList{kAdmin}, &MarketService::onAdminContracts);
    serveAsync(QStringList{kAdmin}, &MarketService::onAdminBilling);
    serveAsync(QStringList{kAdmin}, &MarketService::onAdminRebalance);
    serveAsync(QStringList{kAdmin}, &MarketService::onAdminViolations);
    serve(QStringList{kAdmin}, &MarketService::onAdminServiceStats);
}

// ───────────────────────── channels and lender liveness ─────────────────────────

void MarketService::onChannelEstablished(Channel *channel)
{
    // Requests reach dispatchTimed() through the server's one envelope handler.
    if (channel->peerRole() == kLender)
        lenderSeen(channel->peerId(), channel); // the channel proves the lender alive, as does any message
}

void MarketService::onEnvelope(Channel *channel, const Envelope &envelope)
{
    QPointer<Channel> alive(channel);
    dispatchTimed(channel, envelope);
    if (alive && channel->isEstablished() && channel->peerRole() == kLender)
        lenderSeen(channel->peerId(), channel);
}

void MarketService::dispatchTimed(Channel *channel, const Envelope &envelope)
{
    m_dispatchStartNs = m_steady.nsecsElapsed();
    m_answerDeferred = false;
    m_dispatcher.dispatch(channel, envelope);
    // A request answered later (after its group commit, or once the reader thread has run
    // it) is timed when answered; one answered or refused now, here.
    if (!m_answerDeferred)
        recordTiming(envelope.type, m_dispatchStartNs);
}

qint64 MarketService::deferAnswer()
{
    m_answerDeferred = true;
    return m_dispatchStartNs;
}

void MarketService::recordTiming(quint32 type, qint64 receivedNs)
{
    const qint64 micros = (m_steady.nsecsElapsed() - receivedNs) / 1000;
    switch (static_cast<MessageType>(type)) {
    case MessageType::SearchOffers:
        m_searchTimes.record(micros);
        break;
    case MessageType::Borrow:
        m_borrowTimes.record(micros);
        break;
    case MessageType::EndContract:
        m_endTimes.record(micros);
        break;
    case MessageType::RegisterPartition:
        m_registerTimes.record(micros);
        break;
    default:
        m_otherTimes.record(micros);
        break;
    }
}

std::array<std::pair<QString, const LatencyHistogram *>, 5> MarketService::timesByKind() const
{
    return {{{QStringLiteral("search"), &m_searchTimes},
             {QStringLiteral("borrow"), &m_borrowTimes},
             {QStringLiteral("end"), &m_endTimes},
             {QStringLiteral("register"), &m_registerTimes},
             {QStringLiteral("other"), &m_otherTimes}}};
}

QJsonObject MarketService::requestStats() const
{
    QJsonObject stats{{QStringLiteral("channels"), static_cast<qint64>(m_server.channels().size())},
                      {QStringLiteral("offers"), static_cast<qint64>(m_index.offerCount())}};
    for (const auto &[kind, times] : timesByKind())
        stats.insert(kind, times->toJson());
    return stats;
}

namespace {

// VmRSS of this process, KiB (0 where /proc is not there).
qint64 residentKib()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    // Read whole: a /proc file says it is 0 bytes long, so QFile::atEnd() is true at once.
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

RequestTimes requestTimes(const QString &kind, const LatencyHistogram &h)
{
    RequestTimes times{.kind = kind, .count = h.count(), .buckets = {}};
    h.forEachBucket([&](qint64 upperMicros, qint64 count) {
        times.buckets.append(LatencyBucket{.upperMicros = upperMicros, .count = count});
    });
    return times;
}

} // namespace

qint64 processCpuMs()
{
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0;
    return (static_cast<qint64>(u.ru_utime.tv_sec) + u.ru_stime.tv_sec) * 1000 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000;
}

std::optional<HostCpu> hostCpu()
{
    QFile f(QStringLiteral("/proc/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", clock ticks; guest
    // time is already in user and nice.
    const QList<QByteArray> fields = f.readLine().simplified().split(' ');
    const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    if (fields.size() < 9 || fields.first() != "cpu" || ticksPerSecond <= 0)
        return std::nullopt;
    qint64 ticks[8] = {};
    for (int i = 0; i < 8; ++i) {
        bool ok = false;
        ticks[i] = fields[i + 1].toLongLong(&ok);
        if (!ok)
            return std::nullopt;
    }
    const auto ms = [ticksPerSecond](qint64 t) { return t * 1000 / ticksPerSecond; };
    const qint64 busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6];
    const qint64 total = busy + ticks[3] + ticks[4] + ticks[7];
    return HostCpu{.cores = static_cast<qint32>(qMax(1L, sysconf(_SC_NPROCESSORS_ONLN))),
                   .busyMs = ms(busy),
                   .stealMs = ms(ticks[7]),
                   .totalMs = ms(total)};
}

std::optional<HostCpuShare> hostCpuShare(const std::optional<HostCpu> &from, const std::optional<HostCpu> &to)
{
    if (!from || !to || to->totalMs <= from->totalMs)
        return std::nullopt;
    const double total = static_cast<double>(to->totalMs - from->totalMs);
    return HostCpuShare{.busyPercent = 100.0 * static_cast<double>(to->busyMs - from->busyMs) / total,
                        .stolenPercent = 100.0 * static_cast<double>(to->stealMs - from->stealMs) / total};
}

ServiceStats MarketService::serviceStats() const
{
    ServiceStats stats{.atMs = QDateTime::currentMSecsSinceEpoch(),
                       .startedAtMs = m_startedAtMs,
                       .residentKib = residentKib(),
                       .cpuMs = processCpuMs(),
                       .connections = static_cast<qint64>(m_server.channels().size()),
                       .offers = static_cast<qint64>(m_index.offerCount()),
                       .requests = {},
                       .host = hostCpu()};
    for (const auto &[kind, times] : timesByKind())
        stats.requests.append(requestTimes(kind, *times));
    return stats;
}

Result<ServiceStats> MarketService::onAdminServiceStats(const AdminServiceStats &req, const Ctx &)
{
    ServiceStats stats = serviceStats();
    if (req.history.value_or(false))
        stats.history = QList<ServiceSample>(m_samples.cbegin(), m_samples.cend());
    return stats;
}

void MarketService::takeSample()
{
    const qint64 atMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 cpuMs = processCpuMs();
    ServiceSample sample{.atMs = atMs,
                         .intervalMs = qMax<qint64>(0, atMs - m_sampledAtMs),
                         .cpuMs = qMax<qint64>(0, cpuMs - m_sampledCpuMs),
                         .requests = {}};
    const auto kinds = timesByKind();
    for (size_t i = 0; i < kinds.size(); ++i) {
        const LatencyHistogram interval = kinds[i].second->since(m_sampledTimes[i]);
        const bool any = interval.count() > 0;
        sample.requests.append(RequestInterval{.kind = kinds[i].first,
                                               .count = interval.count(),
                                               .p50Micros = any ? interval.percentileMicros(50) : 0,
                                               .p99Micros = any ? interval.percentileMicros(99) : 0});
        m_sampledTimes[i] = *kinds[i].second;
    }
    m_sampledAtMs = atMs;
    m_sampledCpuMs = cpuMs;
    m_samples.push_back(std::move(sample));
    while (!m_samples.empty() && m_samples.front().atMs <= atMs - qMax(0, m_config.statsHistoryMs))
        m_samples.pop_front();
}

void MarketService::onChannelClosed(Channel *channel)
{
    if (channel->peerRole() != kLender)
        return;
    const auto it = m_lenders.find(channel->peerId());
    // A lender that reconnected before its old channel closed keeps its new one.
    if (it == m_lenders.end() || (it->channel && it->channel != channel))
        return;
    m_lenders.erase(it);
    setLenderOffline(channel->peerId());
}

void MarketService::lenderSeen(const QString &lenderId, Channel *channel)
{
    LocalLender &l = m_lenders[lenderId];
    // A new channel while this process still holds an open one: the lender reconnected
    // before its old connection was seen to close (a connection that died without a word),
    // and what was pushed into that one since it died reached nobody.
    const bool reconnected = channel && l.channel && l.channel != channel;
    const qint64 previousSeenMs = l.lastSeenMs;
    if (channel && l.channel != channel)
        l.connectedSerial = ++m_noticeSerial;
    if (channel)
        l.channel = channel;
    l.lastSeenMs = realNowMs();
    if (l.online) {
        if (reconnected) {
            l.askAgainAtMs = 0; // the catch-up sends every unconfirmed allocation again
            catchUpLender(lenderId, CatchUp{.lastSeenMs = previousSeenMs});
        } else {
            askAgainIfDue(lenderId, l);
        }
        return;
    }
    // Online at once, here; its row and what it missed follow from the writer thread (a
    // new lender, without a row, comes online in the database when it registers).
    l.online = true;
    if (m_index.setLenderOnline(lenderId, true))
        emit lenderOnlineChanged(lenderId, true);
    catchUpLender(lenderId, CatchUp{.markOnline = true});
}

void MarketService::catchUpLender(const QString &lenderId, const CatchUp &what)
{
    // Liveness runs on the real clock, contracts on the contract clock (MarketConfig): the
    // ends to tell are those since the lender was last seen, with a heartbeat's margin, on
    // the contract clock.
    const qint64 realNow = realNowMs();
    const qint64 contractNow = now();
    const qint64 margin = m_config.heartbeatTimeoutMs;
    const auto local = m_lenders.constFind(lenderId);
    const qint64 seenMs = local != m_lenders.cend() ? local->lastSeenMs : realNow;
    inWriterOrder<Missed>(
        Acked::No,
        [lenderId, what, realNow, contractNow, margin, seenMs](MarketStore &store) -> Result<Missed> {
            // Each part that cannot be read is left out, after a warning: the rest is told.
            Missed missed;
            std::optional<qint64> lastSeenMs = what.lastSeenMs;
            if (what.markOnline) {
                Result<std::optional<LenderRow>> row = store.lender(lenderId);
                if (row && row->has_value())
                    lastSeenMs = (*row)->lastSeenMs;
                else if (!row)
                    qCWarning(lcMarket) << "could not read lender" << lenderId << row.error();
                // A lender without a row changes nothing here: its registration writes it online.
                if (Result<void> touched = store.touchLenders({lenderId}, seenMs); !touched)
                    qCWarning(lcMarket) << "could not mark lender" << lenderId << "online:" << touched.error();
                if (!lastSeenMs)
                    return missed; // new here, or unreadable: nothing to tell it again
            }
            if (Result<QList<PartitionRow>> unconfirmed = store.unconfirmedAllocationsOf(lenderId); unconfirmed)
                missed.unconfirmed = *unconfirmed;
            else
                qCWarning(lcMarket) << "could not read the unconfirmed allocations of lender" << lenderId << unconfirmed.error();
            if (what.allocationsOnly || !lastSeenMs)
                return missed;
            const qint64 away = qMax<qint64>(0, realNow - *lastSeenMs);
            if (Result<QList<ContractRow>> ended = store.contractsEndedSince(lenderId, contractNow - away - margin); ended)
                missed.ended = *ended;
            else
                qCWarning(lcMarket) << "could not read the ended contracts of lender" << lenderId << ended.error();
            if (Result<QList<ContractRow>> running = store.runningContractsOf(lenderId); running)
                missed.running = *running;
            else
                qCWarning(lcMarket) << "could not read the running contracts of lender" << lenderId << running.error();
            QSet<QString> borrowerIds;
            for (const ContractRow &c : std::as_const(missed.running))
                borrowerIds.insert(c.borrowerId);
            missed.borrowerNames = readBorrowerNames(store, borrowerIds);
            return missed;
        },
        [this, lenderId](const Result<Missed> &missed, const std::optional<Error> &) {
            if (missed) // else Cancelled: the market is shutting down
                replayMissed(lenderId, *missed);
        });
}

void MarketService::replayMissed(const QString &lenderId, const Missed &missed)
{
    // Gone again meanwhile: caught up when it comes back.
    if (!m_lenders.contains(lenderId))
        return;
    // A lender that was away (its connection dropped, the agent restarted, or it spoke to
    // another market process) may have missed contract notices: it is told again what runs on
    // its partitions, and what ended since it was last seen. The agent takes both as no-ops
    // when it knows them already (a contract it has, an end it recorded). Read in the
    // writer's order, they reach it before the notices of what the writer did after.
    // The ends first: a partition whose contract ended while the lender was away may have
    // been lent again meanwhile, and the agent takes the new contract only on a free partition.
    // Not what this connection was told already (a sync that read the end, or the start, of
    // another process's contract after the lender came back and before this catch-up).
    const quint64 connectedSerial = m_lenders.value(lenderId).connectedSerial;
    for (const ContractRow &c : missed.ended) {
        PushState &state = m_pushed[c.id];
        if (state.ended && state.endedSerial > connectedSerial)
            continue;
        state.started = true;
        markEnded(c.id, state);
        pushToLender(lenderId, endedNotice(c));
    }
    for (auto it = missed.borrowerNames.cbegin(); it != missed.borrowerNames.cend(); ++it)
        rememberBorrowerName(it.key(), it.value());
    for (const ContractRow &c : missed.running) {
        PushState &state = m_pushed[c.id];
        if (state.started && state.startedSerial > connectedSerial)
            continue;
        state.started = true;
        state.startedSerial = ++m_noticeSerial;
        pushToLender(lenderId, startedNotice(c));
    }
    // Rebalancing (second embodiment) the lender has not confirmed: the AllocationChanged sent
    // while it was away reached nobody, and the partition is not offered until the lender
    // confirms. Every such partition's allocation is sent again; an agent that applied it
    // already takes it as a no-op and confirms it.
    for (const PartitionRow &p : missed.unconfirmed)
        sendAllocation(p);
}

void MarketService::askAgainIfDue(const QString &lenderId, LocalLender &lender)
{
    if (lender.askAgainAtMs == 0 || lender.lastSeenMs < lender.askAgainAtMs || !lender.allocationsInFlight.isEmpty())
        return;
    lender.askAgainAtMs = 0;
    catchUpLender(lenderId, CatchUp{.allocationsOnly = true});
}

void MarketService::setLenderOffline(const QString &lenderId)
{
    // Recorded by the writer, as it came online; at shutdown, shutdown() does it. After the
    // requests accepted before: a registration written after this would set it online again.
    submitPending();
    inWriterOrder<bool>(
        Acked::No, [lenderId](MarketStore &store) -> Result<bool> {
            if (Result<void> r = store.setLenderOffline(lenderId); !r)
                return r.error();
            return true;
        },
        [lenderId](const Result<bool> &r, const std::optional<Error> &) {
            if (!r && r.error().code != ErrorCode::Cancelled)
                qCWarning(lcMarket) << "could not mark lender" << lenderId << "offline:" << r.error();
        });
    if (m_index.setLenderOnline(lenderId, false))
        emit lenderOnlineChanged(lenderId, false);
}

void MarketService::sendAllocation(const PartitionRow &p, std::function<void(Result<void>)> answered)
{
    if (!answered)
        answered = [](Result<void>) {};
    const auto it = m_lenders.find(p.lenderId);
    if (it == m_lenders.end() || !it->channel || !it->channel->isEstablished()) {
        // Another process holds the lender's connection, or nobody does: it is sent when the
        // lender is next connected here (replayMissedNotices()).
        answered({});
        return;
    }
    const Resources resources = p.conditions.resources;
    // The same allocation may be due twice at once (the reconnect replay and the sync of
    // another process's rebalance, or two admins): the lender is asked once on a channel,
    // and everyone waiting hears its one answer.
    if (const auto flying = it->allocationsInFlight.constFind(p.offerId);
        flying != it->allocationsInFlight.cend() && flying->resources == resources && flying->channel == it->channel) {
        flying->waiters->append(std::move(answered));
        return;
    }
    const AllocationWaiters waiters = std::make_shared<QList<std::function<void(Result<void>)>>>();
    waiters->append(std::move(answered));
    it->allocationsInFlight.insert(p.offerId, AllocationInFlight{resources, it->channel, waiters});
    it->channel->request<Ack>(
        AllocationChanged{.partitionId = p.partitionId, .resources = resources}, this,
        [this, offerId = p.offerId, lenderId = p.lenderId, partitionId = p.partitionId, resources, waiters](Result<Ack> r) {
            // In flight until the answer is recorded: a replay or a sync that read the
            // allocation unconfirmed before that write joins this one instead of asking again.
            const auto tell = [this, lenderId, offerId, waiters](const Result<void> &answer) {
                if (const auto local = m_lenders.find(lenderId); local != m_lenders.end()) {
                    const auto flying = local->allocationsInFlight.constFind(offerId);
                    if (flying != local->allocationsInFlight.cend() && flying->waiters == waiters)
                        local->allocationsInFlight.erase(flying);
                }
                for (const auto &waiter : std::as_const(*waiters))
                    waiter(answer);
            };
            if (r.ok()) {
                // Recorded by the writer; the partition is offered once that is done.
                inWriterOrder<std::optional<PartitionRow>>(
                    Acked::Yes,
                    [offerId, resources](MarketStore &store) { return store.confirmAllocation(offerId, resources); },
                    [this, partitionId, tell](const Result<std::optional<PartitionRow>> &confirmed,
                                              const std::optional<Error> &undurable) {
                        if (!confirmed) {
                            // Unconfirmed, it is sent again when the lender reconnects.
                            qCWarning(lcMarket) << "could not record the confirmed allocation of" << partitionId << confirmed.error();
                            tell(confirmed.error());
                            return;
                        }
                        if (confirmed->has_value())
                            m_index.upsertPartition(**confirmed); // offered from now on
                        tell(undurable ? Result<void>(*undurable) : Result<void>());
                    });
                return;
            }
            const ErrorCode code = r.error().code;
            if (isUnreachable(code)) {
                // Unanswered: it stays unconfirmed and is sent again when the lender reconnects,
                // or, still connected but silent, when it is next heard from after a while.
                if (const auto local = m_lenders.find(lenderId); code == ErrorCode::Timeout && local != m_lenders.end())
                    local->askAgainAtMs = realNowMs() + m_config.allocationAnswerTimeoutMs;
                tell({});
                return;
            }
            // The lender refused it (it no longer fits the machine, the partition is in use
            // there, ...): the market must not go on offering what the lender will not generate.
            qCWarning(lcMarket, "lender %s refused the allocation %s of %s: %s", qPrintable(lenderId),
                      qPrintable(resources.toString()), qPrintable(partitionId), qPrintable(r.error().toString()));
            inWriterOrder<std::optional<PartitionRow>>(
                Acked::Yes,
                [offerId, resources, refusal = r.error(), at = now()](MarketStore &store) {
                    return store.revertAllocation(offerId, resources, refusal, at);
                },
                [this, partitionId, resources, code, refusal = r.error(), tell](const Result<std::optional<PartitionRow>> &reverted,
                                                                              const std::optional<Error> &) {
                    if (!reverted) {
                        // Still unconfirmed, it is not offered, and is asked again when the
                        // lender reconnects.
                        qCWarning(lcMarket) << "could not put back the allocation of" << partitionId << reverted.error();
                        tell(reverted.error());
                        return;
                    }
                    if (reverted->has_value())
                        m_index.upsertPartition(**reverted);
                    tell(Error(code, QCoreApplication::translate("MarketService", "the lender refused the allocation %1 of "
                                                                     "partition %2, which is back at %3: %4")
                                         .arg(resources.toString(), partitionId,
                                              reverted->has_value()
                                                  ? (*reverted)->conditions.resources.toString()
                                                  : QCoreApplication::translate("MarketService", "its confirmed allocation"),
                                              refusal.message)));
                });
        },
        m_config.allocationAnswerTimeoutMs);
}

void MarketService::pushToLender(const QString &lenderId, const auto &message)
{
    const auto it = m_lenders.constFind(lenderId);
    if (it != m_lenders.cend() && it->channel && it->channel->isEstablished())
        it->channel->push(message);
}

ContractStarted MarketService::startedNotice(const ContractRow &c)
{
    return ContractStarted{.contractId = c.id,
                           .partitionId = c.partitionId,
                           .borrowerId = c.borrowerId,
                           .keyHash = c.keyHash,
                           .startedAtMs = c.startedAtMs,
                           .maxDurationS = c.maxDurationS,
                           .borrowerName = borrowerNameOf(c.borrowerId)};
}

QString MarketService::borrowerNameOf(const QString &borrowerId) const
{
    // Read before the notice, on the writer thread: by the batch that lends, the sync that
    // brings another process's contract, or the replay of what a lender missed.
    return m_borrowerNames.value(borrowerId);
}

void MarketService::rememberBorrowerName(const QString &borrowerId, const QString &name)
{
    if (m_borrowerNames.size() >= kKnownNames && !m_borrowerNames.contains(borrowerId))
        m_borrowerNames.clear(); // a bound, not an eviction policy: read again as needed
    m_borrowerNames.insert(borrowerId, name);
}

void MarketService::borrowerRenamed(const QString &borrowerId, const QString &name)
{
    // Unchanged (this process's own write coming back through the sync, or a re-read within
    // the settle window): nothing to tell.
    const auto known = m_borrowerNames.constFind(borrowerId);
    const bool changed = known == m_borrowerNames.cend() || *known != name;
    rememberBorrowerName(borrowerId, name);
    if (!changed || m_lenders.isEmpty())
        return;
    // Read on the writer thread, and told in its order: a contract that ended meanwhile, or
    // whose start was told since the rename (with the new name), is not told again.
    const quint64 renamedSerial = ++m_noticeSerial;
    inWriterOrder<QList<ContractRow>>(
        Acked::No, [borrowerId](MarketStore &store) { return store.runningContractsOfBorrower(borrowerId); },
        [this, borrowerId, renamedSerial](const Result<QList<ContractRow>> &running, const std::optional<Error> &) {
            if (!running) {
                // The lenders see the new name when they are next told of the contract (a reconnect).
                if (running.error().code != ErrorCode::Cancelled)
                    qCWarning(lcMarket) << "could not read the running contracts of borrower" << borrowerId << running.error();
                return;
            }
            for (const ContractRow &c : std::as_const(*running)) {
                // Only a contract this process told its lender of: the others' lenders are told
                // by the process that holds their connections, and a contract not yet told is
                // told with the name when it is.
                const auto pushed = m_pushed.find(c.id);
                if (pushed != m_pushed.end() && pushed->started && !pushed->ended && pushed->startedSerial < renamedSerial) {
                    pushed->startedSerial = ++m_noticeSerial;
                    pushToLender(c.lenderId, startedNotice(c));
                }
            }
        });
}

void MarketService::notifyStarted(const ContractRow &c, bool keyChanged)
{
    // With a new key (a Borrow sent again) the notice goes again: an agent that knows the
    // contract takes the market's hash from it (LenderStore::takeMarketTerms()). A lender
    // connected to another market process is told by none; its agent asks the market
    // (FIG. 15) when a key does not match the hash it holds.
    if (!m_lenders.contains(c.lenderId))
        return; // its lender is connected to another market process, which tells it
    PushState &state = m_pushed[c.id];
    if ((state.started && !keyChanged) || state.ended)
        return;
    state.started = true;
    state.startedSerial = ++m_noticeSerial;
    pushToLender(c.lenderId, startedNotice(c));
}

void MarketService::notifyEnded(const ContractRow &c)
{
    if (!m_lenders.contains(c.lenderId))
        return;
    PushState &state = m_pushed[c.id];
    if (state.ended)
        return;
    markEnded(c.id, state);
    pushToLender(c.lenderId, endedNotice(c));
}

void MarketService::markEnded(const QString &contractId, PushState &state)
{
    state.ended = true;
    state.endedSerial = ++m_noticeSerial;
    state.endedAtSteadyMs = m_steady.elapsed();
    m_endedNotices.emplace_back(state.endedAtSteadyMs, contractId);
}

void MarketService::forgetOldNotices()
{
    // Forget old notices once no sync can bring their contract back. A notice marked ended
    // again later (a lender's replay) has a newer entry of its own further back.
    const qint64 forgetAfter = m_config.noticeMemoryMs >= 0 ? m_config.noticeMemoryMs
                                                            : qMax<qint64>(60'000, 4LL * m_config.syncSettleMs);
    const qint64 steadyNow = m_steady.elapsed();
    while (!m_endedNotices.empty() && steadyNow - m_endedNotices.front().first > forgetAfter) {
        const auto &[endedAt, contractId] = m_endedNotices.front();
        const auto it = m_pushed.constFind(contractId);
        if (it != m_pushed.cend() && it->ended && it->endedAtSteadyMs == endedAt)
            m_pushed.erase(it);
        m_endedNotices.pop_front();
    }
}

// ───────────────────────── maintenance ─────────────────────────

void MarketService::runMaintenance()
{
    if (!m_store)
        return;
    checkHeartbeats();
    endExpiredContracts();
}

void MarketService::checkHeartbeats()
{
    const qint64 realNow = realNowMs();
    const qint64 cutoff = realNow - m_config.heartbeatTimeoutMs;
    QStringList lapsed;
    for (auto it = m_lenders.begin(); it != m_lenders.end(); ++it) {
        if (it->online && it->lastSeenMs < cutoff) {
            it->online = false;
            lapsed.append(it.key());
        }
    }
    for (const QString &id : std::as_const(lapsed)) {
        qCInfo(lcMarket) << "lender" << id << "missed its heartbeats: offline";
        setLenderOffline(id);
    }

    // Now and then: tell the shared database who is alive here, and time out lenders of
    // other processes that stopped refreshing theirs (a process that died, for instance). On
    // the writer thread, after the batches before it: a database that does not answer holds
    // that thread, not this one, which serves on from memory. One at a time.
    const qint64 flushEvery = qMax<qint64>(50, qMin<qint64>(5000, m_config.heartbeatTimeoutMs / 3));
    if (m_flushInFlight || !m_writer || m_steady.elapsed() - m_lastFlushMs < flushEvery)
        return;
    m_lastFlushMs = m_steady.elapsed();
    // This process vouches for the lenders it sees alive (it times them out itself), so
    // they are all stamped with the current time.
    QStringList alive;
    QSet<QString> keep;
    for (auto it = m_lenders.cbegin(); it != m_lenders.cend(); ++it) {
        if (it->online) {
            alive.append(it.key());
            keep.insert(it.key());
        }
    }
    m_flushInFlight = true;
    m_writer->submit([this, alive, keep, cutoff](MarketStore &store) {
        // Stamped as the job runs, not as it was queued: held at the writer behind other
        // jobs (a slow database, a lock), it would stamp a time long past, and the other
        // processes would time these lenders out early. They were online here when it was
        // queued; one timed out here since is marked offline by a job queued after this one.
        // The cut-off stays the older time: it can only time out fewer.
        auto touched = std::make_shared<Result<void>>(store.touchLenders(alive, realNowMs()));
        auto stale = std::make_shared<Result<QStringList>>(store.markStaleLendersOffline(cutoff, keep));
        completeOnServiceThread([this, touched, stale] { afterLendersFlushed(*touched, *stale); });
    });
}

void MarketService::afterLendersFlushed(const Result<void> &touched, const Result<QStringList> &stale)
{
    m_flushInFlight = false;
    if (!touched)
        periodicFailed("record lender heartbeats", touched.error());
    else
        periodicSucceeded("record lender heartbeats");
    if (!stale) {
        periodicFailed("time out lenders", stale.error());
        return;
    }
    periodicSucceeded("time out lenders");
    for (const QString &id : std::as_const(*stale)) {
        // One that came back here meanwhile is online: its row was stamped again as it did.
        if (const auto local = m_lenders.constFind(id); local != m_lenders.cend() && local->online)
            continue;
        if (m_index.setLenderOnline(id, false))
            emit lenderOnlineChanged(id, false);
    }
}

void MarketService::periodicFailed(const char *job, const Error &error)
{
    PeriodicFailures &f = m_periodicFailures[QLatin1String(job)];
    ++f.failures;
    const qint64 nowMs = m_steady.elapsed();
    if (f.loggedAtMs != 0 && nowMs - f.loggedAtMs < 60'000) {
        ++f.notLogged;
        return;
    }
    if (f.notLogged > 0)
        qCWarning(lcMarket).noquote() << QStringLiteral("could not %1 (%2 more times in the last minute):").arg(QLatin1String(job)).arg(f.notLogged)
                                      << error.toString();
    else
        qCWarning(lcMarket).noquote() << QStringLiteral("could not %1:").arg(QLatin1String(job)) << error.toString();
    f.loggedAtMs = qMax<qint64>(1, nowMs);
    f.notLogged = 0;
}

void MarketService::periodicSucceeded(const char *job)
{
    const auto it = m_periodicFailures.find(QLatin1String(job));
    if (it == m_periodicFailures.end())
        return;
    qCInfo(lcMarket).noquote() << QStringLiteral("%1: works again after %2 failed attempts").arg(QLatin1String(job)).arg(it->failures);
    m_periodicFailures.erase(it);
}

void MarketService::endExpiredContracts()
{
    // Looked for and ended on the writer thread (see checkHeartbeats()): a thousand contracts
    // that expire together are a thousand transactions, which on this thread held every
    // search meanwhile. The lenders and the index hear of the ends in the writer's order.
    if (!m_writer)
        return;
    if (m_expiryUpTo) {
        bringExpiryLookUpToNow();
        return;
    }
    // The clock is read here, on the service thread, and handed to the writer (the
    // clock a test injects is this thread's).
    auto upTo = std::make_shared<std::atomic<qint64>>(now());
    m_expiryUpTo = upTo;
    // The writer, not m_writer: at shutdown this job may run inside m_writer.reset(), which
    // has set m_writer to null already.
    StoreWriter *writer = m_writer.get();
    writer->submit([this, writer, upTo, fee = m_config.feeBasisPoints](MarketStore &store) {
        auto outcome = std::make_shared<ExpiryOutcome>();
        outcome->found = store.expiredContracts(upTo->load());
        if (outcome->found) {
            for (const ContractRow &c : std::as_const(*outcome->found)) {
                // Billed up to the limit, not to whenever this sweep ran: the lender stops
                // lending then.
                Result<ContractRow> ended = store.endContract(c.id, QString(), QStringLiteral("max_duration"), c.limitAtMs(), fee);
                // Conflict: another market process (or its borrower, meanwhile) ended it first.
                if (!ended) {
                    if (ended.error().code != ErrorCode::Conflict)
                        qCWarning(lcMarket) << "could not end expired contract" << c.id << ended.error();
                    continue;
                }
                outcome->ended.append(*ended);
            }
            // Each lender's row once all its ends moved its reliability.
            QSet<QString> lenderIds;
            for (const ContractRow &ended : std::as_const(outcome->ended))
                lenderIds.insert(ended.lenderId);
            outcome->lenders = readLenders(store, lenderIds);
            // Synced before the lenders are told to stop (on SQLite the writer's commits are
            // synced apart from them, StoreWriter::syncCommitted()). If the disk did not take
            // them they are in the database all the same, and the lenders and the index
            // follow the database, as for a batch; nobody waits for an acknowledgement.
            if (!outcome->ended.isEmpty()) {
                if (Result<void> synced = writer->syncCommitted(); !synced)
                    qCCritical(lcMarket) << outcome->ended.size() << "ends of expired contracts are not durable:" << synced.error();
            }
        }
        completeInWriterOrder([this, outcome] { endExpired(*outcome); });
    });
}

void MarketService::bringExpiryLookUpToNow()
{
    // Harmless once the writer has started the look: it read its time as it did.
    if (m_expiryUpTo)
        m_expiryUpTo->store(now());
}

void MarketService::endExpired(const ExpiryOutcome &outcome)
{
    m_expiryUpTo.reset();
    if (!outcome.found) {
        periodicFailed("look for expired contracts", outcome.found.error());
        return;
    }
    periodicSucceeded("look for expired contracts");
    for (const ContractRow &ended : outcome.ended) {
        const auto lender = outcome.lenders.constFind(ended.lenderId);
        afterEnded(ended, lender == outcome.lenders.cend() ? std::nullopt : std::optional<LenderRow>(*lender));
    }
}

void MarketService::syncFromDatabase()
{
    // Read on the writer thread, so that a database that does not answer holds that thread
    // and not this one (which serves searches from memory meanwhile). The read skips this
    // process's own rows, so a batch it saw committed but that is not yet applied here (its
    // receipts are still being signed) is not read back over. One read at a time.
    if (m_syncInFlight || !m_writer)
        return;
    // Re-read from the newest watermark that is older than the settle window, so that a
    // PostgreSQL transaction that took its revision early but committed late is not missed.
    const qint64 steadyNow = m_steady.elapsed();
    Watermarks base = m_syncHistory.front().second;
    for (const auto &[at, marks] : m_syncHistory) {
        if (steadyNow - at >= m_config.syncSettleMs)
            base = marks;
    }
    m_syncInFlight = true;
    m_writer->submit([this, base, recheck = m_recheck, recheckAdded = m_recheckAdded](MarketStore &store) {
        const qint64 readAtMs = m_steady.elapsed(); // const, thread-safe
        auto changes = std::make_shared<const Result<Changes>>(store.changesSince(base, recheck));
        // Applied after the batches committed before this read (completeInWriterOrder()): a
        // batch answered after it would put back the older state it read at its commit (a
        // refused lend's refreshed offer, a lender's row, an end's free partition where
        // another process has lent it since). This process writes only on the writer thread,
        // so nothing it wrote after this read is applied before it.
        completeInWriterOrder([this, changes, readAtMs, recheckAdded] { applySync(*changes, readAtMs, recheckAdded); });
    });
}

void MarketService::completeInWriterOrder(std::function<void()> completion)
{
    // The signer's one thread takes tasks in the order the writer gave them, so this reaches
    // the service thread after the outcomes of the batches the writer committed before it.
    m_signer.start([this, completion = std::move(completion), signerNice = m_signerNice]() mutable {
        lowerSignerOnce(signerNice);
        completeOnServiceThread([this, completion = std::move(completion)]() mutable {
            // Those batches may still be being answered, a few per pass: after them.
            if (m_applying.empty() && m_afterBatches.empty()) {
                completion();
                return;
            }
            m_afterBatches.push_back(AfterBatches{m_batchesAnswered + m_applying.size(), std::move(completion)});
        });
    });
}

void MarketService::runDueAfterBatches()
{
    while (!m_afterBatches.empty() && m_afterBatches.front().batchesAnswered <= m_batchesAnswered) {
        std::function<void()> completion = std::move(m_afterBatches.front().completion);
        m_afterBatches.pop_front();
        completion();
    }
}

void MarketService::applySync(const Result<Changes> &changes, qint64 readAtMs, quint64 recheckAdded)
{
    m_syncInFlight = false;
    if (!changes) {
        periodicFailed("read changes from the database", changes.error());
        return;
    }
    periodicSucceeded("read changes from the database");
    if (!m_store)
        return;
    // What it was asked to read again is read, after its transactions ended: the rows below
    // say where each stands. Unless more came meanwhile, which the next sync reads with it.
    if (!changes->recheck.isEmpty() && recheckAdded == m_recheckAdded)
        m_recheck = Recheck();
    for (const LenderRow &l : std::as_const(changes->lenders)) {
        const auto local = m_lenders.constFind(l.id);
        const bool online = local != m_lenders.cend() ? local->online : l.online;
        const bool was = m_index.isLenderOnline(l.id);
        m_index.upsertLender(l, online);
        if (was != online)
            emit lenderOnlineChanged(l.id, online);
    }
    for (const PartitionRow &p : std::as_const(changes->partitions)) {
        // Another market process rebalanced one of our lenders' externally referenced
        // partitions (second embodiment): the lender hears it from this process, which
        // holds its connection. The index already has what this process changed itself.
        const std::optional<Resources> before = m_index.resourcesOf(p.offerId);
        m_index.upsertPartition(p);
        if (before && *before != p.conditions.resources && p.allocationUnconfirmed() && !p.withdrawn
            && m_lenders.contains(p.lenderId))
            sendAllocation(p);
    }
    // Names borrowers set through other processes, before the contracts: a contract's notice
    // below then carries its borrower's new name.
    for (const BorrowerName &b : std::as_const(changes->borrowers))
        borrowerRenamed(b.borrowerId, b.name);
    // Contract notices for our lenders about contracts other processes made or ended. A
    // new contract's borrower whose name this process does not know yet: its notice waits
    // for a read of the name on the writer thread, which comes back before the next sync's
    // rows (the contract's end among them).
    QList<ContractRow> unnamed;
    QSet<QString> unnamedBorrowers;
    for (const ContractRow &c : std::as_const(changes->contracts)) {
        if (!c.isRunning()) {
            notifyEnded(c);
        } else if (m_lenders.contains(c.lenderId) && !m_borrowerNames.contains(c.borrowerId)) {
            unnamed.append(c);
            unnamedBorrowers.insert(c.borrowerId);
        } else {
            notifyStarted(c);
        }
    }
    if (!unnamed.isEmpty()) {
        inWriterOrder<QHash<QString, QString>>(
            Acked::No, [unnamedBorrowers](MarketStore &store) {
                return Result<QHash<QString, QString>>(readBorrowerNames(store, unnamedBorrowers));
            },
            [this, unnamed](const Result<QHash<QString, QString>> &names, const std::optional<Error> &) {
                if (names) {
                    for (auto it = names->cbegin(); it != names->cend(); ++it)
                        rememberBorrowerName(it.key(), it.value());
                }
                // Those it could not read go without the name (the node ID says who it is).
                for (const ContractRow &c : unnamed)
                    notifyStarted(c);
            });
    }

    m_syncHistory.emplace_back(readAtMs, Watermarks{changes->maxLenderRev, changes->maxPartitionRev, changes->maxContractRev,
                                                    changes->maxBorrowerRev});
    // Keep one entry older than the window and everything inside it.
    const qint64 steadyNow = m_steady.elapsed();
    while (m_syncHistory.size() > 1 && steadyNow - m_syncHistory[1].first >= m_config.syncSettleMs)
        m_syncHistory.pop_front();

    forgetOldNotices();
}

// ───────────────────────── lender flows (FIG. 6, 7, 13–15) ─────────────────────────

void MarketService::onRegister(const RegisterPartition &req, const Ctx &ctx)
{
    const auto refuse = [&](const QString &why) { ctx.fail(ErrorCode::InvalidArgument, why); };
    if (req.partitionId.isEmpty() || req.partitionId.size() > 128)
        return refuse(tr("a partition ID of 1 to 128 characters is required"));
    // Managers' tables, exports and borrowers' lists show it as it is.
    if (protocol::firstForbiddenNameCharacter(req.partitionId) >= 0 || req.partitionId.trimmed() != req.partitionId)
        return refuse(tr("a partition ID may not hold control characters, line breaks or bidirectional embeddings, overrides "
                         "or isolates, nor begin or end with a space"));
    if (req.agentAddress.isEmpty())
        return refuse(tr("the agent address (host:port where borrowers reach the lender) is required"));
    if (Result<void> address = checkAgentAddress(req.agentAddress); !address) {
        ctx.fail(address.error());
        return;
    }
    if (auto valid = validateConditions(req.conditions); !valid) {
        ctx.fail(valid.error());
        return;
    }
    Result<QString> name = checkDisplayName(req.lenderName, NameOf::Lender);
    if (!name) {
        ctx.fail(name.error());
        return;
    }
    RegisterPartition registration = req;
    registration.lenderName = *name;
    // Group commit, as for contracts: an agent (re)registers all its partitions at once, and
    // one fsync per partition made 100,000 registrations take minutes (market-bench).
    m_pendingRegistrations.append(PendingRegistration{ctx, deferAnswer(), ctx.peerId(), std::move(registration)});
    scheduleFlush();
}

void MarketService::settleWrites()
{
    // A shutdown must not drop the requests already accepted: submit what waits, and wait for
    // all of it. Only for the batches: a periodic job queued after the last one (a sync, say,
    // that waits on a frozen server) does not hold this thread.
    if (!m_writer)
        return;
    submitPending();
    m_writer->waitFor(m_lastBatchJob);
    m_signer.waitForDone();
    processCompletions();
    applyPending(-1);
    m_applyMore.stop();
}

template <typename T>
void MarketService::inWriterOrder(Acked acked, std::function<Result<T>(MarketStore &)> work,
                                  std::function<void(const Result<T> &, const std::optional<Error> &)> complete)
{
    if (!m_writer) {
        complete(Error(ErrorCode::Cancelled, tr("the market is shutting down")), std::nullopt);
        return;
    }
    if (acked == Acked::Yes)
        submitPending(); // the registrations and contract requests accepted before go first
    // The writer, not m_writer: at shutdown this job may run inside m_writer.reset().
    StoreWriter *writer = m_writer.get();
    writer->submit([this, writer, acked, work = std::move(work), complete = std::move(complete)](MarketStore &store) mutable {
        auto outcome = std::make_shared<const Result<T>>(
            acked == Acked::No && m_closing.load() ? Result<T>(Error(ErrorCode::Cancelled, tr("the market is shutting down")))
                                                   : work(store));
        std::optional<Error> undurable;
        // Durable before it is acknowledged, as a batch is (a refusal wrote nothing).
        if (acked == Acked::Yes && *outcome) {
            if (Result<void> synced = writer->syncCommitted(); !synced)
                undurable = Error(ErrorCode::StorageError,
                                  tr("the market wrote this request but could not make it durable (%1); it may be "
                                     "undone by a power cut")
                                      .arg(synced.error().message));
        }
        completeInWriterOrder([outcome, undurable, complete = std::move(complete)] { complete(*outcome, undurable); });
    });
}

template <typename T, typename Reply>
void MarketService::writeThen(const Ctx &ctx, MessageType type, std::function<Result<T>(MarketStore &)> write,
                              std::function<Result<Reply>(const Result<T> &)> apply)
{
    const qint64 startNs = deferAnswer();
    inWriterOrder<T>(Acked::Yes, std::move(write),
                     [this, ctx, type, startNs, apply = std::move(apply)](const Result<T> &outcome, const std::optional<Error> &undurable) {
                         const Result<Reply> reply = apply(outcome);
                         if (!reply)
                             ctx.fail(reply.error());
                         else if (undurable)
                             ctx.fail(*undurable);
                         else
                             ctx.reply(*reply);
                         recordTiming(static_cast<quint32>(type), startNs);
                     });
}

void MarketService::onAlter(const AlterPartition &req, const Ctx &ctx)
{
    if (auto valid = validateConditions(req.conditions); !valid) {
        ctx.fail(valid.error());
        return;
    }
    writeThen<PartitionRow, PartitionRegistered>(
        ctx, MessageType::AlterPartition,
        [lenderId = ctx.peerId(), req](MarketStore &store) { return store.alterPartition(lenderId, req.partitionId, req.conditions); },
        [this](const Result<PartitionRow> &row) -> Result<PartitionRegistered> {
            if (!row)
                return row.error();
            m_index.upsertPartition(*row);
            return PartitionRegistered{.partitionId = row->partitionId, .offerId = row->offerId};
        });
}

void MarketService::onWithdraw(const WithdrawPartition &req, const Ctx &ctx)
{
    writeThen<PartitionRow, Ack>(
        ctx, MessageType::WithdrawPartition,
        [lenderId = ctx.peerId(), partitionId = req.partitionId](MarketStore &store) { return store.withdrawPartition(lenderId, partitionId); },
        [this](const Result<PartitionRow> &row) -> Result<Ack> {
            if (!row)
                return row.error();
            m_index.upsertPartition(*row); // withdrawn: off offer, with its revision
            return Ack{};
        });
}

void MarketService::onHeartbeat(const LenderHeartbeat &req, const Ctx &ctx)
{
    // lenderSeen() ran already for the envelope. The address known is in memory: a heartbeat
    // that changes nothing does not wait on the database. A new one is recorded by the
    // writer, and the heartbeat answered once it is.
    const auto local = m_lenders.find(ctx.peerId()); // lenderSeen() made it
    const QString known = m_index.lenderAddress(ctx.peerId());
    const bool askedAlready = local != m_lenders.end()
                              && ((known.isEmpty() && local->addressWithoutRow == req.agentAddress)
                                  || local->addressInFlight == req.agentAddress);
    // Checked first: an address stored before addresses were checked is refused too.
    if (!req.agentAddress.isEmpty()) {
        if (Result<void> address = checkAgentAddress(req.agentAddress); !address) {
            ctx.fail(address.error());
            return;
        }
    }
    if (req.agentAddress.isEmpty() || known == req.agentAddress || askedAlready) {
        ctx.reply(Ack{});
        return;
    }
    if (local != m_lenders.end())
        local->addressInFlight = req.agentAddress;
    writeThen<std::optional<LenderRow>, Ack>(
        ctx, MessageType::LenderHeartbeat,
        [lenderId = ctx.peerId(), address = req.agentAddress, at = realNowMs()](MarketStore &store) -> Result<std::optional<LenderRow>> {
            Result<std::optional<LenderRow>> l = store.lender(lenderId);
            if (!l || !l->has_value())
                return l; // no row: its registration brings the address
            LenderRow row = **l;
            if (row.address != address) {
                if (Result<void> r = store.upsertLender(lenderId, row.name, address, at); !r)
                    return r.error();
                row.address = address;
            }
            return std::optional<LenderRow>(row);
        },
        [this, lenderId = ctx.peerId(), address = req.agentAddress](const Result<std::optional<LenderRow>> &row) -> Result<Ack> {
            const auto local = m_lenders.find(lenderId);
            if (local != m_lenders.end() && local->addressInFlight == address)
                local->addressInFlight.clear();
            if (!row)
                return row.error(); // asked again with the next heartbeat
            if (!row->has_value()) {
                if (local != m_lenders.end())
                    local->addressWithoutRow = address; // its registration brings the address
                return Ack{};
            }
            // Also when the database had it already: asked once.
            m_index.upsertLender(**row, local != m_lenders.end() ? local->online : (*row)->online);
            return Ack{};
        });
}

void MarketService::onVerifyKey(const VerifyKey &req, const Ctx &ctx)
{
    // FIG. 15: valid only for the running contract of this borrower on this lender's partition.
    // Read off this thread, like every read a peer asks for that is not a search, by the quick
    // reader: the borrower waits for this on its way to its partition, and must not wait
    // behind an admin's report on the reader thread.
    answerFromReader<KeyVerdict>(ctx, MessageType::VerifyKey, ReadLane::Quick, [req, lenderId = ctx.peerId()](MarketStore &store) -> Result<KeyVerdict> {
        Result<std::optional<ContractRow>> running = store.runningContract(lenderId, req.partitionId);
        if (!running)
            return running.error();
        KeyVerdict verdict;
        if (!running->has_value()) {
            verdict.reason = tr("no contract is running on partition %1").arg(req.partitionId);
            return verdict;
        }
        const ContractRow &c = **running;
        const bool keyMatches = constantTimeEquals(hashLendingKey(req.key), c.keyHash);
        if (c.borrowerId != req.borrowerId) {
            verdict.reason = tr("partition %1 is lent to another borrower").arg(req.partitionId);
            return verdict;
        }
        if (!keyMatches) {
            verdict.reason = tr("the lending key does not match contract %1").arg(c.id);
            return verdict;
        }
        verdict.valid = true;
        verdict.contractId = c.id;
        verdict.borrowerName = BorrowerNames(store).of(c.borrowerId);
        return verdict;
    });
}

void MarketService::onPartitionLost(const PartitionLost &req, const Ctx &ctx)
{
    qCInfo(lcMarket) << "lender" << ctx.peerId() << "lost partition" << loggedPeerText(req.partitionId) << ":"
                     << loggedPeerText(req.reason);
    // Its running contract ends (billed to now), and the partition is no longer on offer
    // until the lender registers it again. What was done is applied even if a later step
    // failed.
    struct Lost {
        std::optional<ContractRow> ended;
        std::optional<LenderRow> lender; // its reliability, which the end moved
        std::optional<PartitionRow> withdrawn;
        Error error;
    };
    writeThen<Lost, Ack>(
        ctx, MessageType::PartitionLost,
        [lenderId = ctx.peerId(), partitionId = req.partitionId, endedAtMs = now(),
         fee = m_config.feeBasisPoints](MarketStore &store) -> Result<Lost> {
            Lost lost;
            Result<std::optional<ContractRow>> running = store.runningContract(lenderId, partitionId);
            if (!running)
                return running.error();
            if (running->has_value()) {
                Result<ContractRow> ended = store.endContract((*running)->id, QString(), QStringLiteral("lost"), endedAtMs, fee);
                if (ended) {
                    lost.ended = *ended;
                    if (Result<std::optional<LenderRow>> row = store.lender(lenderId); row && row->has_value())
                        lost.lender = **row;
                } else if (ended.error().code != ErrorCode::Conflict) // Conflict: it ended meanwhile
                    return ended.error();
            }
            Result<PartitionRow> withdrawn = store.withdrawPartition(lenderId, partitionId);
            if (withdrawn)
                lost.withdrawn = *withdrawn;
            else if (withdrawn.error().code != ErrorCode::NotFound)
                lost.error = withdrawn.error();
            else if (!lost.ended)
                return withdrawn.error(); // not a partition this lender has on offer here: nothing was done
            return lost;
        },
        [this](const Result<Lost> &lost) -> Result<Ack> {
            if (!lost)
                return lost.error();
            if (lost->ended)
                afterEnded(*lost->ended, lost->lender);
            if (lost->withdrawn)
                m_index.upsertPartition(*lost->withdrawn); // withdrawn: off offer, with its revision
            if (lost->error.isError())
                return lost->error;
            return Ack{};
        });
}

void MarketService::onViolation(const ReportViolation &req, const Ctx &ctx)
{
    // What is kept of the detail (MarketStore::recordViolation()) is what is shown, and the
    // log has its start: a lender's megabytes of "detail" would flood the log and every
    // manager's view.
    ReportViolation report = req;
    report.detail = keptViolationDetail(req.detail);
    const QString &detail = report.detail;
    qCWarning(lcMarket) << "lender" << ctx.peerId() << "reports a lock violation on" << loggedPeerText(req.partitionId) << ":"
                        << loggedPeerText(detail) << (req.restored ? "(restored)" : "(not restored)");
    // Recorded, and the contract ended if the lender could not restore what was leased, by
    // the writer: the report is answered once both are durable.
    struct Reported {
        std::optional<ContractRow> ended;
        std::optional<LenderRow> lender; // its reliability, which the end moved
    };
    writeThen<Reported, Ack>(
        ctx, MessageType::ReportViolation,
        [lenderId = ctx.peerId(), req = report, at = now(), fee = m_config.feeBasisPoints](MarketStore &store) -> Result<Reported> {
            Reported reported;
            // Only about a partition the lender registered here (since withdrawn, perhaps: a
            // report kept while the market was unreachable comes later).
            Result<std::optional<PartitionRow>> partition = store.partition(lenderId, req.partitionId);
            if (!partition)
                return partition.error();
            if (!partition->has_value())
                return Error(ErrorCode::NotFound, QCoreApplication::translate("MarketStore", "partition %1 is not registered with this market")
                                                      .arg(loggedPeerText(req.partitionId)));
            if (Result<void> recorded = store.recordViolation(lenderId, req.partitionId, req.contractId, req.detail, req.restored, at);
                !recorded)
                return recorded.error();
            if (req.restored)
                return reported;
            // The lender could not give the borrower back what was leased: the contract ends
            // now, billed to this moment, and counts against the lender's reliability.
            Result<std::optional<ContractRow>> running = store.runningContract(lenderId, req.partitionId);
            if (!running)
                return running.error();
            if (running->has_value() && (req.contractId.isEmpty() || (*running)->id == req.contractId)) {
                Result<ContractRow> ended = store.endContract((*running)->id, QString(), QStringLiteral("violation"), at, fee);
                if (ended) {
                    reported.ended = *ended;
                    if (Result<std::optional<LenderRow>> row = store.lender(lenderId); row && row->has_value())
                        reported.lender = **row;
                } else if (ended.error().code != ErrorCode::Conflict) { // Conflict: it ended meanwhile
                    return ended.error();
                }
            }
            return reported;
        },
        [this, lenderId = ctx.peerId(), partitionId = req.partitionId, detail](const Result<Reported> &reported) -> Result<Ack> {
            if (!reported)
                return reported.error();
            emit violationReported(lenderId, partitionId, detail);
            if (reported->ended)
                afterEnded(*reported->ended, reported->lender);
            return Ack{};
        });
}

Result<Ack> MarketService::onJobState(const ReportJobState &req, const Ctx &ctx)
{
    qCDebug(lcMarket) << "lender" << ctx.peerId() << "job" << loggedPeerText(req.jobId) << "of contract"
                      << loggedPeerText(req.contractId) << "is" << loggedPeerText(req.state);
    return Ack{};
}

// ───────────────────────── images (third embodiment) ─────────────────────────

QString MarketService::imagesDir() const
{
    if (!m_config.imagesDir.isEmpty())
        return m_config.imagesDir;
    return m_config.dataDir.isEmpty() ? QString() : QDir(m_config.dataDir).filePath(QStringLiteral("images"));
}

QString MarketService::imagePath(const QString &sha256) const
{
    return imagePathIn(imagesDir(), sha256);
}

Result<ImageInfo> MarketService::addImage(const QString &name, const QString &archivePath)
{
    if (auto started = start(); !started)
        return started.error();
    if (!protocol::isValidOsImageName(name))
        return Error(ErrorCode::InvalidArgument, tr("'%1' is not an image name (letters, digits, '.', '_', '+', '-')").arg(name));
    if (imagesDir().isEmpty())
        return Error(ErrorCode::Unsupported, tr("this market has no data directory to keep images in"));
    QFile in(archivePath);
    if (!in.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, tr("cannot read image archive %1: %2").arg(archivePath, in.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&in))
        return Error(ErrorCode::IoError, tr("cannot read image archive %1: %2").arg(archivePath, in.errorString()));
    const QString sha = QString::fromLatin1(hash.result().toHex());
    ImageInfo info{name, sha, in.size()};
    const QString target = imagePath(sha);
    if (Result<void> made = makeDirectory(QFileInfo(target).absolutePath()); !made)
        return made.error();
    // A file already there is taken only if it holds this image: one left short by a copy
    // that was cut off, or damaged since, is written again.
    if (!fileHolds(target, info.sizeBytes, sha)) {
        in.seek(0);
        QSaveFile out(target);
        if (!out.open(QIODevice::WriteOnly))
            return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(target, out.errorString()));
        QByteArray buffer;
        while (!(buffer = in.read(1 << 20)).isEmpty()) {
            if (out.write(buffer) != buffer.size())
                return Error(out.error() == QFileDevice::ResourceError ? ErrorCode::DiskFull : ErrorCode::IoError,
                             tr("cannot write %1: %2").arg(target, out.errorString()));
        }
        if (!out.commit())
            return Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(target, out.errorString()));
    }
    if (auto r = m_store->addImage(info, now()); !r)
        return r.error();
    return info;
}

void MarketService::onFetchImage(const FetchImage &req, const Ctx &ctx)
{
    if (req.sha256.isEmpty() && req.name.isEmpty())
        return ctx.fail(ErrorCode::InvalidArgument, tr("name an image by SHA-256 or by name"));
    if (req.offset < 0 || req.length < 0)
        return ctx.fail(ErrorCode::InvalidArgument, tr("offset and length cannot be negative"));
    // The database and the file are read on the reader thread: a chunk is up to a MiB from disk.
    answerFromReader<ImageChunk>(ctx, MessageType::FetchImage, [req, imagesDir = imagesDir()](MarketStore &store) -> Result<ImageChunk> {
        Result<std::optional<ImageInfo>> info = store.image(req.sha256, req.name);
        if (!info)
            return info.error();
        // By name: the newest of that name this process has a file of, as ListImages lists
        // (another process on the database may have imported a newer one into its own directory).
        if (req.sha256.isEmpty() && info->has_value() && !QFile::exists(imagePathIn(imagesDir, (*info)->sha256))) {
            Result<QList<ImageInfo>> all = store.images();
            if (!all)
                return all.error();
            for (const ImageInfo &image : std::as_const(*all)) {
                if (image.name == req.name && QFile::exists(imagePathIn(imagesDir, image.sha256))) {
                    *info = image;
                    break;
                }
            }
        }
        if (!info->has_value())
            return Error(ErrorCode::NotFound, tr("this market holds no image %1").arg(req.sha256.isEmpty() ? req.name : req.sha256));
        const ImageInfo &image = **info;
        if (req.offset > image.sizeBytes)
            return Error(ErrorCode::InvalidArgument, tr("offset %1 is beyond the end of image %2 (%3 bytes)")
                                                         .arg(QString::number(req.offset), image.name, QString::number(image.sizeBytes)));
        QFile file(imagePathIn(imagesDir, image.sha256));
        if (!file.exists())
            return Error(ErrorCode::NotFound,
                         tr("this market process has no file of image %1 (%2): it was imported by another process on the same "
                            "database. Import it here too, or give every process the same --images directory")
                             .arg(image.name, image.sha256));
        if (!file.open(QIODevice::ReadOnly) || !file.seek(req.offset))
            return Error(ErrorCode::IoError, tr("cannot read image %1: %2").arg(image.name, file.errorString()));
        if (file.size() != image.sizeBytes)
            return Error(ErrorCode::IoError, tr("image %1 is damaged on this market: %2 of its %3 bytes are on disk (import it again)")
                                                 .arg(image.name, QString::number(file.size()), QString::number(image.sizeBytes)));
        const qint64 length = std::min({req.length > 0 ? req.length : kMaxImageChunk, kMaxImageChunk, image.sizeBytes - req.offset});
        ImageChunk chunk;
        chunk.image = image;
        chunk.offset = req.offset;
        chunk.data = file.read(length);
        if (chunk.data.size() != length)
            return Error(ErrorCode::IoError, tr("cannot read image %1: %2").arg(image.name, file.errorString()));
        return chunk;
    });
}

void MarketService::onListImages(const ListImages &, const Ctx &ctx)
{
    answerFromReader<ImageList>(ctx, MessageType::ListImages, [imagesDir = imagesDir()](MarketStore &store) -> Result<ImageList> {
        Result<QList<ImageInfo>> images = store.images();
        if (!images)
            return images.error();
        // Those this process can serve: another on the same database may have imported an
        // image into a directory of its own.
        images->removeIf([&imagesDir](const ImageInfo &image) { return !QFile::exists(imagePathIn(imagesDir, image.sha256)); });
        return ImageList{.images = *images};
    });
}

// ───────────────────────── borrower flows (FIG. 8, 9) ─────────────────────────

void MarketService::onSearch(const SearchOffers &req, const Ctx &ctx)
{
    Result<OfferQuery> query = OfferQuery::fromSearch(req);
    if (!query) {
        ctx.fail(query.error());
        return;
    }
    // The reply is copied together from the offers' kept CBOR: encoding a page of offers was
    // about a fifth of the market's time under the bench's mix.
    const OfferIndex::EncodedPage page = m_index.searchEncoded(*query);
    if (page.total > 0)
        ctx.replyFrame(encodeOfferPageFrame(page.offers, page.total, ctx.id()));
    else
        ctx.reply(m_index.search(*query)); // nothing matches: the explanation
}

namespace {

// Borrow.requestId: up to 64 printable ASCII characters (a UUID has 36).
Result<void> checkBorrowRequestId(const QString &id)
{
    constexpr qsizetype kMaxLength = 64;
    if (id.size() > kMaxLength)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("MarketService", "requestId has %1 characters; at most %2")
                                                     .arg(id.size())
                                                     .arg(kMaxLength));
    for (const QChar ch : id) {
        if (ch.unicode() <= 0x20 || ch.unicode() >= 0x7f)
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("MarketService", "requestId may hold only printable ASCII characters without spaces"));
    }
    return {};
}

} // namespace

void MarketService::onBorrow(const Borrow &req, const Ctx &ctx)
{
    PendingBorrow pending{ctx, 0, ctx.peerId(), {}, req.offerId.isEmpty(), req.agreedTerms, req.requestId.value_or(QString())};
    if (Result<void> valid = checkBorrowRequestId(pending.requestId); !valid) {
        ctx.fail(valid.error());
        return;
    }
    // Terms an offer could have: what is agreed is said back in a refusal.
    if (req.agreedTerms) {
        if (Result<void> valid = validateConditions(*req.agreedTerms, ConditionsOf::Agreement); !valid) {
            ctx.fail(ErrorCode::InvalidArgument, tr("agreedTerms: %1").arg(valid.error().message));
            return;
        }
    }
    if (!pending.bestMatch) {
        pending.candidates.append(req.offerId);
    } else if (req.agreedTerms) {
        // Terms are agreed for one offer; the best match's are whatever the query allows.
        ctx.fail(ErrorCode::InvalidArgument, tr("agreed terms need the offer they were agreed for (offerId)"));
        return;
    } else {
        Result<OfferQuery> query = OfferQuery::parse(req.query);
        if (!query) {
            ctx.fail(query.error());
            return;
        }
        // A few candidates: other borrowers may take the best ones before this commit.
        pending.candidates = m_index.bestMatches(*query, 8);
        pending.matchedTerms.reserve(pending.candidates.size());
        for (const QString &offerId : std::as_const(pending.candidates))
            pending.matchedTerms.append(m_index.conditionsOf(offerId).value_or(LendingConditions{}));
        if (pending.candidates.isEmpty()) {
            const OfferPage why = m_index.search(*query);
            QStringList parts;
            for (const Exclusion &e : why.explanation)
                parts.append(tr("%1 excluded %2").arg(e.requirement).arg(e.excluded));
            pending.noMatch = Error(ErrorCode::NoMatch, parts.isEmpty() ? tr("no offer is available")
                                                                        : tr("no offer matches: %1").arg(parts.join(QStringLiteral("; "))));
            // Sent again, it may have taken the last match itself: the database says.
            if (pending.requestId.isEmpty()) {
                ctx.fail(pending.noMatch);
                return;
            }
        }
    }
    pending.receivedNs = deferAnswer();
    m_pendingBorrows.append(std::move(pending));
    scheduleFlush();
}

void MarketService::onEndContract(const EndContract &req, const Ctx &ctx)
{
    m_pendingEnds.append(PendingEnd{ctx, deferAnswer(), ctx.peerId(), req.contractId});
    scheduleFlush();
}

void MarketService::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    // After the requests already read from the sockets have been queued: one commit (one
    // fsync) then acknowledges all of them. While a batch commits on the writer thread the
    // next one fills here, which is what makes group commit pay.
    QTimer::singleShot(0, this, &MarketService::flushContracts);
}

namespace {

Receipt unsignedReceipt(const ContractRow &c)
{
    Receipt r;
    r.contractId = c.id;
    r.borrowerId = c.borrowerId;
    r.lenderId = c.lenderId;
    r.partitionId = c.partitionId;
    r.ratePerHour = c.ratePerHour;
    r.startedAtMs = c.startedAtMs;
    r.endedAtMs = c.endedAtMs;
    r.charge = c.bill.charge;
    return r;
}

// ── The write jobs: these run on the writer thread, with its store ──

struct RegistrationJob {
    QString lenderId;
    RegisterPartition request;
};
struct BorrowJob {
    QString borrowerId;
    QStringList candidates; // offer IDs, best first
    bool bestMatch = false;
    std::optional<LendingConditions> agreedTerms;
    QList<LendingConditions> matchedTerms; // best match: per candidate, the terms it matched with
    QString requestId;                     // Borrow.requestId; empty: none
    Error noMatch;                         // best match without candidates: why, unless it is a repeat
};
struct EndJob {
    QString borrowerId;
    QString contractId;
};

QList<Result<PartitionRow>> runRegistrations(MarketStore &store, const QList<RegistrationJob> &regs, qint64 t)
{
    QList<Result<PartitionRow>> rows;
    Error batchError;
    {
        WriteTransaction tx(store.database());
        if (!tx.ok()) {
            batchError = tx.error();
        } else {
            for (const RegistrationJob &r : regs)
                rows.append(store.registerInTransaction(r.lenderId, r.request, t));
            // Nothing is acknowledged before this commit returns.
            if (auto committed = tx.commit(); !committed)
                batchError = committed.error();
        }
    }
    if (!batchError.isError())
        return rows;
    // A statement failed (and took the transaction with it) or the commit did: one
    // transaction per registration, so that only the bad one fails.
    if (regs.size() > 1) {
        QList<Result<PartitionRow>> each;
        for (const RegistrationJob &r : regs)
            each.append(runRegistrations(store, {r}, t).constFirst());
        return each;
    }
    return {rows.isEmpty() || rows.constFirst() ? Result<PartitionRow>(batchError) : rows.constFirst()};
}

struct LendOutcome {
    std::optional<LendResult> lent;
    QByteArray key;
    Error error;
    bool repeated = false; // lent by an earlier Borrow with the same request ID
};

// A Borrow sent again with its request ID: the contract the first one made, under the new
// key `o.key` (true), or nothing of it (false: the borrow is new). A refusal or a database
// error is in `o.error`.
bool repeatBorrow(MarketStore &store, const BorrowJob &b, LendOutcome &o)
{
    if (b.requestId.isEmpty())
        return false;
    o.key = generateLendingKey();
    Result<std::optional<LendResult>> made = store.repeatedBorrowInTransaction(
        b.borrowerId, b.requestId, b.bestMatch ? QString() : b.candidates.value(0), hashLendingKey(o.key));
    if (made && !made->has_value())
        return false;
    if (!made) {
        o.error = made.error();
    } else {
        o.lent = std::move(**made);
        o.repeated = true;
    }
    return true;
}

struct ContractOutcomes {
    QList<LendOutcome> lends;
    QList<Result<ContractRow>> ends;
    QSet<QString> conflicted; // offers the service's index thought free, or on other terms
    // A commit that went unanswered and whose end the server could not tell: the offers and
    // contracts it may have changed, for the syncs to read until they can (m_recheck).
    Recheck recheck;
};

// A refusal of a lend or an end (there is no such offer or contract, it is lent or ended
// already, it is another borrower's) is decided before the request writes anything. Any
// other error (the disk, a constraint) may come after some of its statements did.
bool isRefusal(const Error &e)
{
    return e.code == ErrorCode::NotFound || e.code == ErrorCode::Conflict || e.code == ErrorCode::PermissionDenied
        || e.code == ErrorCode::InvalidArgument || e.code == ErrorCode::TermsChanged || e.code == ErrorCode::NoMatch;
}

ContractOutcomes runContracts(MarketStore &store, const QList<BorrowJob> &borrows, const QList<EndJob> &ends, qint64 t,
                              int feeBasisPoints, const std::function<void()> &beforeCommit = {})
{
    ContractOutcomes out;
    Error batchError;
    // A request failed half-way (a partition marked lent, its contract not written): its
    // half must not commit, and a transaction with a failed statement cannot commit anyway
    // (PostgreSQL aborts it; Database rolls SQLite's back). So the batch rolls back and each
    // request runs on its own: only the failing one fails, not its whole group commit.
    bool requestFailed = false;
    bool outcomeUnknown = false; // the commit went unanswered, and the server could not say how it ended
    constexpr int kAttempts = 4;
    const bool alone = borrows.size() + ends.size() == 1;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        out = ContractOutcomes();
        batchError = Error();
        requestFailed = false;
        bool rolledBack = false; // the commit went unanswered, and the server says it aborted
        WriteTransaction tx(store.database());
        if (!tx.ok()) {
            batchError = tx.error();
        } else {
            // A Borrow sent again (its answer lost) finds the contract the first one made.
            // In a batch it is looked for only once the lend is refused, which is what a repeat
            // of a borrow by offer gets (the offer is lent: to that contract). A new lend with an
            // ID already used (a best match, or an offer lent and freed again since) fails at
            // the contracts' unique index instead, and so the batch: each request then runs
            // alone, and alone it looks first. Looking first in every batch cost a tenth of the
            // contracts/s (docs/performance.md).
            const bool lookFirst = alone;
            for (const BorrowJob &b : borrows) {
                LendOutcome o;
                const bool repeated = (lookFirst || b.candidates.isEmpty()) && repeatBorrow(store, b, o);
                if (!repeated && b.candidates.isEmpty())
                    o.error = b.noMatch;
                for (qsizetype c = 0; !repeated && c < b.candidates.size(); ++c) {
                    const QString &offerId = b.candidates[c];
                    o.key = generateLendingKey();
                    // A best match is lent on exactly the terms it matched the query with:
                    // an alteration committed since (this process's, not yet in the index
                    // when the match was made, or another process's) must not lend the
                    // borrower what its query excludes, from below (dearer, smaller) or from
                    // above (time<=1h, os!=x).
                    const std::optional<LendingConditions> held =
                        b.bestMatch && c < b.matchedTerms.size() ? std::optional<LendingConditions>(b.matchedTerms[c]) : b.agreedTerms;
                    Result<LendResult> r =
                        store.lendInTransaction(offerId, b.borrowerId, timeOrderedId(u"c-", t), hashLendingKey(o.key), t, held, feeBasisPoints,
                                                b.bestMatch ? AgreedAs::Exactly : AgreedAs::NoWorse, b.requestId);
                    if (r) {
                        o.lent = std::move(r).value();
                        o.error = Error();
                        break;
                    }
                    o.error = r.error();
                    // Terms changed: by another market process, perhaps, whose alteration
                    // this one's index has not seen yet; the borrower's next search should.
                    if (o.error.code == ErrorCode::TermsChanged) {
                        out.conflicted.insert(offerId);
                        if (b.bestMatch) {
                            // Nobody agreed to these terms by name: the next candidate, and
                            // if it was the last, the offer is taken as far as this query goes.
                            o.error = Error(ErrorCode::Conflict,
                                            QCoreApplication::translate("MarketService", "offer %1 matched, but its lender changed its terms "
                                                                                         "before it could be lent; search again")
                                                .arg(offerId));
                            continue;
                        }
                    }
                    if (o.error.code != ErrorCode::Conflict)
                        break;
                    out.conflicted.insert(offerId);
                    if (!b.bestMatch)
                        break;
                }
                // (Also when it looked first: another market process may have made the
                // contract between that look and this lend, which its lock made wait for it.)
                if (!repeated && !b.candidates.isEmpty() && !o.lent && isRefusal(o.error)) {
                    LendOutcome again;
                    if (repeatBorrow(store, b, again))
                        o = std::move(again);
                }
                const bool failed = o.error.isError() && !o.lent && !isRefusal(o.error);
                if (failed)
                    batchError = o.error;
                out.lends.append(std::move(o));
                if (failed)
                    break;
            }
            for (qsizetype i = 0; i < ends.size() && !batchError.isError(); ++i) {
                const EndJob &e = ends[i];
                out.ends.append(store.endInTransaction(e.contractId, e.borrowerId, QStringLiteral("borrower"), t,
                                                       feeBasisPoints));
                if (!out.ends.back() && !isRefusal(out.ends.back().error()))
                    batchError = out.ends.back().error();
            }
            requestFailed = batchError.isError();
            // Nothing is acknowledged before this commit returns (S48, S61). A batch with a
            // request that failed half-way is not committed: `tx` rolls it back.
            if (!requestFailed) {
                // PostgreSQL: the transaction's ID, to ask the server whether it committed
                // should the answer to the COMMIT be lost (a row read back could come before a
                // commit that is still landing).
                std::optional<qint64> xid;
                if (store.dialect() == SqlDialect::Postgres) {
                    if (Result<QSqlQuery> q = store.database().exec(QStringLiteral("SELECT txid_current()")); q && q->next())
                        xid = q->value(0).toLongLong();
                }
                if (beforeCommit)
                    beforeCommit();
                if (auto committed = tx.commit(); !committed) {
                    batchError = committed.error();
                    if (store.database().commitOutcomeUnknown()) {
                        // Lost with its answer (a connection cut, a server frozen): ask, for up
                        // to 2 s while the server is out of reach or the commit still lands.
                        std::optional<bool> made;
                        for (int asked = 0; xid && !made && asked < 20; ++asked) {
                            if (asked > 0)
                                QThread::msleep(100);
                            made = transactionCommitted(store.database(), *xid);
                        }
                        if (!made && xid)
                            out.recheck.transactions.insert(*xid);
                        qCWarning(lcMarket).noquote() << QStringLiteral("the commit of a contract batch of %1 went unanswered (%2); the server says: %3")
                                                             .arg(QString::number(borrows.size() + ends.size()), batchError.message,
                                                                  !made  ? QStringLiteral("unknown")
                                                                  : *made ? QStringLiteral("committed")
                                                                          : QStringLiteral("not committed"));
                        if (made && *made)
                            batchError = Error();
                        rolledBack = made && !*made;
                        outcomeUnknown = !made;
                    }
                }
            }
        }
        // A statement or the commit lost to another writer (a deadlock, mostly, between
        // market processes), or a commit that did not reach the database: everything rolled
        // back, so the batch runs again as it was.
        // A request alone whose request ID another market process used meanwhile (a best match
        // sent again, which matched another offer there): rolled back, and it runs again, to
        // find that process's contract when it looks first.
        const bool requestIdTaken = alone && isUniqueViolation(batchError);
        if (!batchError.isError() || !(isWriteConflict(batchError) || rolledBack || requestIdTaken))
            break;
        qCDebug(lcMarket) << "contract batch of" << borrows.size() + ends.size() << "retried:" << batchError;
    }
    if (!batchError.isError())
        return out;

    if (outcomeUnknown) {
        // Done or not, all of it: the borrowers are told so, with what to look at, rather
        // than to try again (which could make a second contract); the syncs read these rows
        // until they can, and tell the index and the lenders.
        for (LendOutcome &o : out.lends) {
            if (!o.lent)
                continue;
            const ContractRow &c = o.lent->contract;
            out.recheck.offers.insert(c.offerId);
            out.recheck.contracts.insert(c.id);
            o.error = Error(ErrorCode::StorageError,
                            QCoreApplication::translate("MarketService",
                                                        "the market's database did not answer whether it made contract %1 on offer %2. "
                                                        "Look at your running contracts before you borrow again: if it is there, it "
                                                        "runs and is billed like any other, and you can end it")
                                .arg(c.id, c.offerId));
            o.lent.reset();
        }
        // (Every request ran: only a batch without a failed request commits.)
        for (Result<ContractRow> &e : out.ends) {
            if (!e)
                continue;
            out.recheck.offers.insert(e->offerId);
            out.recheck.contracts.insert(e->id);
            e = Result<ContractRow>(Error(ErrorCode::StorageError,
                                          QCoreApplication::translate("MarketService",
                                                                      "the market's database did not answer whether contract %1 "
                                                                      "ended. Look at it again before you end it again")
                                              .arg(e->id)));
        }
        return out;
    }

    if ((requestFailed || isWriteConflict(batchError)) && borrows.size() + ends.size() > 1) {
        // Still contended, or a request failed half-way: one transaction per request, so
        // that each that can get through does, and a failing one takes only its own writes back.
        ContractOutcomes each;
        for (const BorrowJob &b : borrows) {
            ContractOutcomes one = runContracts(store, {b}, {}, t, feeBasisPoints);
            each.lends.append(one.lends.constFirst());
            each.conflicted.unite(one.conflicted);
            each.recheck.unite(one.recheck);
        }
        for (const EndJob &e : ends) {
            ContractOutcomes one = runContracts(store, {}, {e}, t, feeBasisPoints);
            each.ends.append(one.ends.constFirst());
            each.recheck.unite(one.recheck);
        }
        return each;
    }
    // Nothing of the batch was committed: every request fails, with its own refusal if it
    // had one, or with the batch's error.
    for (qsizetype i = 0; i < borrows.size(); ++i) {
        if (i >= out.lends.size())
            out.lends.append(LendOutcome{});
        LendOutcome &o = out.lends[i];
        if (o.lent || !o.error.isError())
            o.error = batchError;
        o.lent.reset();
    }
    for (qsizetype i = 0; i < ends.size(); ++i) {
        if (i >= out.ends.size())
            out.ends.append(Result<ContractRow>(batchError));
        else if (out.ends[i])
            out.ends[i] = Result<ContractRow>(batchError);
    }
    return out;
}

} // namespace

// The start receipt of every contract a batch granted and the end receipt of every one it
// ended, signed together: one ECDSA signature over the root of their Merkle tree
// (signReceiptBatch()), where one per receipt had been a seventh of the market's CPU in
// market-bench's mix. If they cannot be signed, the contracts stay granted without a start
// receipt and the ends are reported as failed.
void MarketService::signReceipts(BatchOutcome &batch, const Identity &identity)
{
    QList<Receipt *> receipts;
    receipts.reserve(batch.lent.size() + batch.ended.size());
    for (BorrowOutcome &b : batch.lent) {
        if (b.lent)
            receipts.append(&b.receipt.emplace(unsignedReceipt(b.lent->contract)));
    }
    for (EndOutcome &e : batch.ended) {
        if (e.ended) {
            e.receipt = unsignedReceipt(*e.ended);
            receipts.append(&e.receipt);
        }
    }
    const Result<void> signedAll = signReceiptBatch(receipts, identity);
    if (signedAll)
        return;
    qCWarning(lcMarket) << "could not sign the receipts of a batch of" << receipts.size() << signedAll.error();
    for (BorrowOutcome &b : batch.lent)
        b.receipt.reset();
    for (EndOutcome &e : batch.ended) {
        if (e.ended)
            e.ended = Result<ContractRow>(signedAll.error());
    }
}

void MarketService::flushContracts()
{
    m_flushScheduled = false;
    if (maySubmit())
        submitPending();
}

bool MarketService::maySubmit() const
{
    // Two batches at the writer at most, the one it runs and the next: what arrives while
    // they are there waits, so a batch holds what came in during a commit. With only one,
    // the writer sat idle from each commit until this thread, busy answering the batch
    // before, got round to handing it the next (paired bench runs: 5,300 -> 6,300 durable
    // contracts/s, docs/performance.md). The batches before them may still be having their
    // receipts signed or being answered, a few at most, so that a slow signer or a busy
    // service thread holds the writer back rather than piling up batches.
    constexpr std::size_t kMaxBatchesSigning = 3;
    constexpr int kMaxAtWriter = 2;
    return m_atWriter < kMaxAtWriter
        && m_inFlight.size() - static_cast<std::size_t>(m_atWriter) + m_applying.size() <= kMaxBatchesSigning;
}

void MarketService::writerFree()
{
    --m_atWriter;
    if (maySubmit())
        submitPending();
}

void MarketService::submitPending()
{
    if (m_pendingRegistrations.isEmpty() && m_pendingBorrows.isEmpty() && m_pendingEnds.isEmpty())
        return;
    QList<PendingRegistration> regs = std::exchange(m_pendingRegistrations, {});
    QList<PendingBorrow> borrows = std::exchange(m_pendingBorrows, {});
    QList<PendingEnd> ends = std::exchange(m_pendingEnds, {});
    if (!m_store || !m_writer) {
        for (const PendingRegistration &r : std::as_const(regs))
            r.ctx.fail(ErrorCode::Unsupported, tr("the market is shutting down"));
        for (const PendingBorrow &b : std::as_const(borrows))
            b.ctx.fail(ErrorCode::Unsupported, tr("the market is shutting down"));
        for (const PendingEnd &e : std::as_const(ends))
            e.ctx.fail(ErrorCode::Unsupported, tr("the market is shutting down"));
        return;
    }
    // Rows are locked in one order (offer, contract) so that market processes sharing a
    // PostgreSQL database rarely deadlock; when they do, the batch runs again.
    std::sort(borrows.begin(), borrows.end(),
              [](const PendingBorrow &a, const PendingBorrow &b) { return a.candidates.value(0) < b.candidates.value(0); });
    std::sort(ends.begin(), ends.end(), [](const PendingEnd &a, const PendingEnd &b) { return a.contractId < b.contractId; });

    // The job gets copies of what it needs; the requests with their contexts wait on this
    // thread, in m_inFlight, for the outcome.
    QList<RegistrationJob> regJobs;
    regJobs.reserve(regs.size());
    for (const PendingRegistration &r : std::as_const(regs))
        regJobs.append(RegistrationJob{r.lenderId, r.request});
    QList<BorrowJob> borrowJobs;
    borrowJobs.reserve(borrows.size());
    for (const PendingBorrow &b : std::as_const(borrows))
        borrowJobs.append(BorrowJob{b.borrowerId, b.candidates, b.bestMatch, b.agreedTerms, b.matchedTerms, b.requestId, b.noMatch});
    QList<EndJob> endJobs;
    endJobs.reserve(ends.size());
    for (const PendingEnd &e : std::as_const(ends))
        endJobs.append(EndJob{e.borrowerId, e.contractId});

    // The names of borrowers this process does not know yet, for the notices of their
    // contracts to lenders connected here (startedNotice()): read with the batch.
    QSet<QString> unnamed;
    if (!m_lenders.isEmpty()) {
        for (const BorrowJob &b : std::as_const(borrowJobs)) {
            if (!m_borrowerNames.contains(b.borrowerId))
                unnamed.insert(b.borrowerId);
        }
    }
    const qint64 contractNow = now();
    const qint64 realNow = realNowMs();
    const int fee = m_config.feeBasisPoints;
    const Identity identity = m_identity;
    // Before submit(): an inline writer (a private in-memory database) runs the job at once.
    m_inFlight.push_back(InFlightBatch{std::move(regs), std::move(borrows), std::move(ends)});
    ++m_atWriter;
    const qint64 submittedNs = m_steady.nsecsElapsed();
    m_lastBatchJob = m_writer->submit([this, regJobs, borrowJobs, endJobs, unnamed, contractNow, realNow, fee, identity,
                                       submittedNs](MarketStore &store) {
        auto batch = std::make_shared<BatchOutcome>();
        batch->at.submitted = submittedNs;
        batch->at.started = m_steady.nsecsElapsed(); // QElapsedTimer's reads are const: any thread
        if (!regJobs.isEmpty())
            batch->registered = runRegistrations(store, regJobs, realNow);
        if (!borrowJobs.isEmpty() || !endJobs.isEmpty()) {
            ContractOutcomes outcomes = runContracts(store, borrowJobs, endJobs, contractNow, fee,
                                                     [this, &batch] { batch->at.statements = m_steady.nsecsElapsed(); });
            batch->at.committed = m_steady.nsecsElapsed();
            for (LendOutcome &o : outcomes.lends)
                batch->lent.append(BorrowOutcome{std::move(o.lent), std::move(o.key), std::move(o.error), {}, o.repeated});
            for (Result<ContractRow> &e : outcomes.ends)
                batch->ended.append(EndOutcome{std::move(e), {}});
            batch->recheck = std::move(outcomes.recheck);
            // The service's index was stale about these: what the database says now.
            for (const QString &offerId : std::as_const(outcomes.conflicted)) {
                Result<std::optional<PartitionRow>> p = store.partitionByOffer(offerId);
                if (p && p->has_value())
                    batch->refreshed.append(**p);
            }
        }
        // Lenders whose rows the batch changed (a registration, or the reliability an end moves).
        QSet<QString> lenderIds;
        for (qsizetype i = 0; i < batch->registered.size(); ++i) {
            if (batch->registered[i])
                lenderIds.insert(regJobs[i].lenderId);
        }
        for (const EndOutcome &e : std::as_const(batch->ended)) {
            if (e.ended)
                lenderIds.insert(e.ended->lenderId);
        }
        batch->lenders = readLenders(store, lenderIds);
        if (!unnamed.isEmpty()) {
            QSet<QString> lentTo;
            for (const BorrowOutcome &b : std::as_const(batch->lent)) {
                if (b.lent && unnamed.contains(b.lent->contract.borrowerId))
                    lentTo.insert(b.lent->contract.borrowerId);
            }
            batch->borrowerNames = readBorrowerNames(store, lentTo);
        }
        batch->at.writerDone = m_steady.nsecsElapsed();
        // Committed: the writer may take the next batch while this one's receipts are
        // signed (CPU work, on the signer's thread; its one thread keeps the batches' order).
        completeOnServiceThread([this] { writerFree(); });
        m_signer.start([this, batch, identity, signerNice = m_signerNice] {
            lowerSignerOnce(signerNice);
            // Durable before anything of it is acknowledged; the writer is already at the
            // next batch.
            if (Result<void> synced = m_writer->syncCommitted(); !synced) {
                qCCritical(lcMarket) << "a committed batch of" << batch->registered.size() + batch->lent.size() + batch->ended.size()
                                     << "requests is not durable:" << synced.error();
                batch->undurable = synced.error();
            } else {
                batch->at.synced = m_steady.nsecsElapsed();
                if (const int delayMs = g_signingDelayMsForTest.load(); delayMs > 0)
                    QThread::msleep(static_cast<unsigned long>(delayMs));
                signReceipts(*batch, identity);
                batch->at.signedAt = m_steady.nsecsElapsed();
            }
            completeOnServiceThread([this, batch] { applyBatch(batch); });
        });
    });
}

void MarketService::lowerSignerOnce(int signerNice)
{
    // Once per thread: a pool thread starts from the thread that first gives it a task (the
    // writer's, with the writer's nice value), and shutdown()'s waitForDone() ends it, so a
    // market started again starts a new one; the signer's value is set from the service
    // thread's.
    static thread_local bool lowered = false;
    if (!std::exchange(lowered, true))
        setThisThreadsNice(signerNice);
}

void MarketService::delaySigningForTest(int ms)
{
    g_signingDelayMsForTest.store(qMax(0, ms));
}

void MarketService::completeOnServiceThread(std::function<void()> completion)
{
    bool wake = false;
    {
        QMutexLocker lock(&m_completionMutex);
        wake = m_completions.empty();
        m_completions.push_back(std::move(completion));
    }
    if (wake)
        QMetaObject::invokeMethod(this, &MarketService::processCompletions, Qt::QueuedConnection);
}

void MarketService::processCompletions()
{
    std::deque<std::function<void()>> done;
    {
        QMutexLocker lock(&m_completionMutex);
        done.swap(m_completions);
    }
    for (const std::function<void()> &completion : done)
        completion();
}

void MarketService::applyBatch(std::shared_ptr<const BatchOutcome> outcome)
{
    // The writer commits batches in the order they were submitted.
    ApplyingBatch a;
    a.startNs = m_steady.nsecsElapsed();
    a.requests = std::move(m_inFlight.front());
    m_inFlight.pop_front();
    a.outcome = std::move(outcome);
    for (auto it = a.outcome->borrowerNames.cbegin(); it != a.outcome->borrowerNames.cend(); ++it)
        rememberBorrowerName(it.key(), it.value());
    if (!a.outcome->recheck.isEmpty()) {
        m_recheck.unite(a.outcome->recheck);
        ++m_recheckAdded;
    }
    // A batch the disk did not take is in the database all the same (its commit returned),
    // and may or may not survive a power cut: the index and the lenders follow the database,
    // and what it did is not acknowledged. Its requesters get a storage error that says so.
    if (a.outcome->undurable.isError())
        a.unacknowledged = Error(ErrorCode::StorageError,
                                 tr("the market wrote this request but could not make it durable (%1); it may be "
                                    "undone by a power cut. List your contracts to see where it stands.")
                                     .arg(a.outcome->undurable.message));
    m_applying.push_back(std::move(a));
    if (!m_applyMore.isActive())
        applyPending(kAnswersPerPass);
}

void MarketService::applyPending(qsizetype budget)
{
    // Each answer encrypts a frame and updates the index, 8-10 us; a batch of 2,000 answered
    // in one go held every search that arrived meanwhile for 15-25 ms. So at most `budget`
    // per event-loop pass, and the sockets are served in between (a 0 ms timer runs after
    // the events already waiting). Batches are answered in commit order.
    qsizetype answered = 0;
    while (!m_applying.empty()) {
        ApplyingBatch &a = m_applying.front();
        const qsizetype total = a.requests.registrations.size() + a.requests.borrows.size() + a.requests.ends.size();
        if (!a.refreshed) {
            // The offers the index thought free: what the database said at this commit. Once:
            // a later pass must not put back what a sync brought in meanwhile.
            for (const PartitionRow &p : a.outcome->refreshed)
                m_index.upsertPartition(p);
            a.refreshed = true;
        }
        const qint64 passStart = m_steady.nsecsElapsed();
        const qsizetype before = a.next;
        while (a.next < total && (budget < 0 || answered < budget)) {
            answerRequest(a, a.next++);
            ++answered;
        }
        if (a.next > before) {
            ++a.passes;
            a.answeringNs += m_steady.nsecsElapsed() - passStart;
        }
        if (a.next < total) {
            m_applyMore.start();
            return;
        }
        logBatch(a);
        m_applying.pop_front();
        ++m_batchesAnswered;
        runDueAfterBatches();
        // What arrived during this commit is the next batch.
        if (maySubmit())
            submitPending();
    }
}

void MarketService::answerRequest(const ApplyingBatch &a, qsizetype i)
{
    const BatchOutcome &outcome = *a.outcome;
    const InFlightBatch &batch = a.requests;
    const auto lenderRow = [&](const QString &id) -> std::optional<LenderRow> {
        const auto it = outcome.lenders.constFind(id);
        return it == outcome.lenders.cend() ? std::nullopt : std::optional<LenderRow>(*it);
    };
    if (i < batch.registrations.size()) {
        const PendingRegistration &r = batch.registrations[i];
        const Result<PartitionRow> &row = outcome.registered[i];
        if (!row) {
            r.ctx.fail(row.error());
        } else {
            const auto local = m_lenders.find(r.lenderId);
            if (std::optional<LenderRow> lender = lenderRow(r.lenderId))
                m_index.upsertLender(*lender, local != m_lenders.end() && local->online);
            // It has a row now: a heartbeat's address is recorded again if the index lacks it.
            if (local != m_lenders.end())
                local->addressWithoutRow.clear();
            m_index.upsertPartition(*row);
            if (a.unacknowledged)
                r.ctx.fail(*a.unacknowledged);
            else
                r.ctx.reply(PartitionRegistered{.partitionId = row->partitionId, .offerId = row->offerId});
        }
        recordTiming(static_cast<quint32>(MessageType::RegisterPartition), r.receivedNs);
        return;
    }
    i -= batch.registrations.size();
    if (i < batch.borrows.size()) {
        const BorrowOutcome &o = outcome.lent[i];
        if (o.lent)
            afterLent(*o.lent, o.key, o.receipt, batch.borrows[i].ctx, a.unacknowledged, o.repeated);
        else
            batch.borrows[i].ctx.fail(o.error);
        recordTiming(static_cast<quint32>(MessageType::Borrow), batch.borrows[i].receivedNs);
        return;
    }
    i -= batch.borrows.size();
    const EndOutcome &o = outcome.ended[i];
    const Ctx &ctx = batch.ends[i].ctx;
    if (!o.ended) {
        ctx.fail(o.ended.error());
    } else {
        const ContractRow &ended = *o.ended;
        afterEnded(ended, lenderRow(ended.lenderId));
        if (a.unacknowledged)
            ctx.fail(*a.unacknowledged);
        else
            ctx.reply(ContractClosed{.contractId = ended.id,
                                     .durationMs = ended.bill.durationMs,
                                     .charge = ended.bill.charge,
                                     .receipt = o.receipt});
    }
    recordTiming(static_cast<quint32>(MessageType::EndContract), batch.ends[i].receivedNs);
}

void MarketService::logBatch(const ApplyingBatch &a) const
{
    if (!lcMarketBatch().isDebugEnabled())
        return;
    const BatchOutcome &outcome = *a.outcome;
    const qint64 applyStartNs = a.startNs;
    const BatchOutcome::Stages &at = outcome.at;
    const auto ms = [](qint64 from, qint64 to) {
        return from > 0 && to > 0 ? QString::number(static_cast<double>(to - from) / 1e6, 'f', 2) : QStringLiteral("-");
    };
    const qint64 beforeService = at.signedAt > 0 ? at.signedAt : at.writerDone;
    qCDebug(lcMarketBatch).noquote() << QStringLiteral(
        "batch of %1 registrations, %2 borrows, %3 ends: queued %4 ms, statements %5 ms, commit %6 ms, after the commit %7 ms, "
        "sync %8 ms, signing %9 ms, to the service thread %10 ms, replies %11 ms (%12 ms answering in %13 passes)")
                                            .arg(outcome.registered.size())
                                            .arg(outcome.lent.size())
                                            .arg(outcome.ended.size())
                                            .arg(ms(at.submitted, at.started), ms(at.started, at.statements),
                                                 ms(at.statements, at.committed), ms(at.committed > 0 ? at.committed : at.started, at.writerDone),
                                                 ms(at.writerDone, at.synced), ms(at.synced, at.signedAt), ms(beforeService, applyStartNs),
                                                 ms(applyStartNs, m_steady.nsecsElapsed()))
                                            .arg(QString::number(static_cast<double>(a.answeringNs) / 1e6, 'f', 2))
                                            .arg(a.passes);
}

void MarketService::afterLent(const LendResult &r, const QByteArray &key, const std::optional<Receipt> &receipt,
                              const Ctx &ctx, const std::optional<Error> &replyError, bool repeated)
{
    m_index.setLent(r.contract.offerId, true);
    notifyStarted(r.contract, repeated);
    if (!repeated)
        emit contractStarted(r.contract.id, r.contract.lenderId, r.contract.borrowerId);
    ContractGranted granted;
    granted.contractId = r.contract.id;
    granted.lenderId = r.contract.lenderId;
    granted.lenderAddress = m_index.lenderAddress(r.contract.lenderId);
    if (granted.lenderAddress.isEmpty()) {
        Result<std::optional<LenderRow>> lender = m_store->lender(r.contract.lenderId);
        if (lender && lender->has_value())
            granted.lenderAddress = (*lender)->address;
    }
    granted.partitionId = r.contract.partitionId;
    granted.conditions = r.conditions;
    granted.startedAtMs = r.contract.startedAtMs;
    granted.key = key;
    if (repeated)
        granted.repeated = true;
    if (receipt)
        granted.receipt = *receipt;
    if (replyError)
        ctx.fail(*replyError);
    else
        ctx.reply(granted);
}

void MarketService::afterEnded(const ContractRow &ended, std::optional<LenderRow> lender)
{
    m_index.setLent(ended.offerId, false);
    // Every end moves the lender's reliability (completed versus lost contracts). The row
    // comes with the end; one that could not be read then is read again on the writer thread.
    if (lender) {
        m_index.upsertLender(*lender, m_index.isLenderOnline(ended.lenderId));
    } else {
        inWriterOrder<std::optional<LenderRow>>(
            Acked::No, [lenderId = ended.lenderId](MarketStore &store) { return store.lender(lenderId); },
            [this, lenderId = ended.lenderId](const Result<std::optional<LenderRow>> &row, const std::optional<Error> &) {
                if (row && row->has_value())
                    m_index.upsertLender(**row, m_index.isLenderOnline(lenderId));
                else if (!row && row.error().code != ErrorCode::Cancelled)
                    qCWarning(lcMarket) << "could not read lender" << lenderId << "after an end:" << row.error();
            });
    }
    notifyEnded(ended);
    emit contractEnded(ended.id, ended.endReason);
}

void MarketService::onSetBorrowerName(const SetBorrowerName &req, const Ctx &ctx)
{
    Result<QString> name = checkDisplayName(req.name, NameOf::Borrower);
    if (!name) {
        ctx.fail(name.error());
        return;
    }
    // As writeThen(), but in turn with the borrower's other renames (m_renames): each is
    // written, and answered, after the ones it sent before.
    const QString borrowerId = ctx.peerId();
    m_renames[borrowerId].waiting.push_back([this, ctx, borrowerId, name = *name, startNs = deferAnswer()] {
        inWriterOrder<QString>(
            Acked::Yes,
            [borrowerId, name, at = realNowMs()](MarketStore &store) -> Result<QString> {
                if (Result<void> r = store.setBorrowerName(borrowerId, name, at); !r)
                    return r.error();
                return name;
            },
            [this, ctx, borrowerId, startNs](const Result<QString> &set, const std::optional<Error> &undurable) {
                if (!set) {
                    ctx.fail(set.error());
                } else {
                    borrowerRenamed(borrowerId, *set);
                    if (undurable)
                        ctx.fail(*undurable);
                    else
                        ctx.reply(Ack{});
                }
                recordTiming(static_cast<quint32>(MessageType::SetBorrowerName), startNs);
                if (const auto it = m_renames.find(borrowerId); it != m_renames.end())
                    --it->inWriter;
                startRenames(borrowerId);
            });
    });
    startRenames(borrowerId);
}

void MarketService::startRenames(const QString &borrowerId)
{
    // A loop, not a call from each rename's end: at shutdown each ends at once, inside the
    // call that starts it, and thousands waiting would recurse as deep.
    for (;;) {
        auto it = m_renames.find(borrowerId);
        if (it == m_renames.end() || it->starting)
            return;
        if (it->waiting.empty()) {
            if (it->inWriter <= 0)
                m_renames.erase(it);
            return;
        }
        if (it->inWriter >= kRenamesInWriter)
            return;
        std::function<void()> start = std::move(it->waiting.front());
        it->waiting.pop_front();
        ++it->inWriter;
        it->starting = true;
        start();
        if (it = m_renames.find(borrowerId); it != m_renames.end())
            it->starting = false;
    }
}

void MarketService::onListBills(const ListBills &req, const Ctx &ctx)
{
    // Read (and its receipts signed) on the reader thread: a party with many contracts would
    // otherwise hold every search behind its list.
    const bool asLender = ctx.peerRole() == kLender;
    if (req.requestId) {
        // Only a borrower makes Borrows; a lender's request IDs name nothing.
        if (asLender) {
            ctx.fail(Error(ErrorCode::InvalidArgument, tr("requestId is a borrower's; a lender lists its bills without it")));
            return;
        }
        if (Result<void> valid = checkBorrowRequestId(*req.requestId); !valid || req.requestId->isEmpty()) {
            ctx.fail(valid ? Error(ErrorCode::InvalidArgument, tr("requestId is empty")) : valid.error());
            return;
        }
    }
    answerFromReader<BillList>(
        ctx, MessageType::ListBills,
        [req, asLender, peerId = ctx.peerId(), t = now(), identity = m_identity](MarketStore &store) -> Result<BillList> {
            QList<ContractRow> rows;
            if (req.requestId) {
                // What the Borrow made, if it made anything; the contract and request filters together
                // must name the same one.
                Result<std::optional<ContractRow>> c = store.contractOfBorrowRequest(peerId, *req.requestId);
                if (!c)
                    return c.error();
                if (!c->has_value() || (req.contractId && (*c)->id != *req.contractId))
                    return Error(ErrorCode::NotFound, tr("your borrow %1 made no contract at this market").arg(*req.requestId));
                rows.append(**c);
            } else if (req.contractId) {
                Result<std::optional<ContractRow>> c = store.contract(*req.contractId);
                if (!c)
                    return c.error();
                // Another's contract reads as no contract at all: its existence is not the asker's to learn.
                if (!c->has_value() || (asLender ? (*c)->lenderId : (*c)->borrowerId) != peerId)
                    return Error(ErrorCode::NotFound, tr("you have no contract %1 at this market").arg(*req.contractId));
                rows.append(**c);
            } else {
                Result<QList<ContractRow>> all = store.contractsOf(peerId, asLender, req.sinceMs);
                if (!all)
                    return all.error();
                rows = std::move(*all);
            }
            BillList list;
            list.bills.reserve(rows.size());
            BorrowerNames names(store);
            for (const ContractRow &c : std::as_const(rows)) {
                list.bills.append(c.toBill(t));
                // A lender sees who rented its machine by name, as its contract notices say it.
                if (asLender)
                    list.bills.back().borrowerName = names.of(c.borrowerId);
            }
            return withReceipts(std::move(list), rows, req.receipts.value_or(false), identity);
        });
}

// A receipt asked for later is signed when asked: it states what the contract's row states,
// as the one signed at the start or the end did, so either verifies the same facts. The
// answer's receipts are signed together (one signature over their Merkle root), so a page
// of 1,000 costs one signature, not 1,000.
Result<BillList> MarketService::withReceipts(BillList list, const QList<ContractRow> &rows, bool wanted, const Identity &identity)
{
    if (!wanted || list.bills.isEmpty())
        return list;
    QList<Receipt *> receipts;
    receipts.reserve(rows.size());
    // A running contract's row has no end and no bill yet: its receipt is the start receipt.
    for (qsizetype i = 0; i < rows.size() && i < list.bills.size(); ++i)
        receipts.append(&list.bills[i].receipt.emplace(unsignedReceipt(rows[i])));
    if (Result<void> s = signReceiptBatch(receipts, identity); !s) {
        qCWarning(lcMarket) << "could not sign receipts asked for:" << s.error();
        return s.error();
    }
    return list;
}

// ───────────────────────── admin ─────────────────────────

// The admins' lists and reports read the database on the reader thread: a billing report
// over a large market takes long (half a second at 90,000 bills), and on the service thread
// every borrower's request would have waited for it.
template <typename Reply>
void MarketService::answerFromReader(const Ctx &ctx, MessageType type, std::function<Result<Reply>(MarketStore &)> query,
                                     std::function<void(Reply &)> finish)
{
    answerFromReader(ctx, type, ReadLane::Reports, std::move(query), std::move(finish));
}

template <typename Reply>
void MarketService::answerFromReader(const Ctx &ctx, MessageType type, ReadLane lane,
                                     std::function<Result<Reply>(MarketStore &)> query, std::function<void(Reply &)> finish)
{
    const qint64 startNs = deferAnswer();
    StoreWriter &reader = lane == ReadLane::Quick ? *m_quickReader : *m_reader;
    reader.submit([this, ctx, type, startNs, query = std::move(query), finish = std::move(finish)](MarketStore &store) {
        auto outcome = std::make_shared<Result<Reply>>(query(store));
        completeOnServiceThread([this, ctx, type, startNs, outcome, finish] {
            if (*outcome && finish)
                finish(**outcome);
            if (*outcome)
                ctx.reply(**outcome);
            else
                ctx.fail(outcome->error());
            recordTiming(static_cast<quint32>(type), startNs);
        });
    });
}

void MarketService::onAdminPartitions(const AdminListPartitions &req, const Ctx &ctx)
{
    if (const std::optional<Error> bad = badOffset(req.offset)) {
        ctx.fail(*bad);
        return;
    }
    const qint64 limit = adminPageLimit(req.limit);
    answerFromReader<AdminPartitionPage>(
        ctx, MessageType::AdminListPartitions,
        [req, limit](MarketStore &store) -> Result<AdminPartitionPage> {
            Result<PartitionPage> page = store.listPartitions(req.filter, req.sort.value_or(QString()), req.offset, limit);
            if (!page)
                return page.error();
            AdminPartitionPage out;
            out.total = page->total;
            QList<bool> pending;
            QStringList offerIds;
            for (qsizetype i = 0; i < page->rows.size(); ++i) {
                const PartitionRow &p = page->rows[i];
                const LenderRow &l = page->lenders[i];
                out.rows.append(Offer{.offerId = p.offerId,
                                      .lenderId = p.lenderId,
                                      .lenderName = l.name,
                                      .lenderAddress = l.address,
                                      .partitionId = p.partitionId,
                                      .conditions = p.conditions,
                                      .reliability = l.reliability});
                out.lendingStatus.append(p.lendingStatus);
                pending.append(p.allocationUnconfirmed());
                offerIds.append(p.offerId);
            }
            out.allocationPending = std::move(pending);
            // Which rows a manager may rebalance, and how far: each lender's unallocated
            // budget asked once per page.
            QHash<QString, Resources> unallocated;
            QList<bool> external;
            QList<Resources> limits;
            for (const PartitionRow &p : std::as_const(page->rows)) {
                external.append(p.externallyReferenced);
                if (!p.externallyReferenced || p.isLent()) {
                    limits.append(Resources{});
                    continue;
                }
                auto spare = unallocated.constFind(p.lenderId);
                if (spare == unallocated.cend()) {
                    Result<MarketStore::RebalancingBudget> r = store.rebalancingBudget(p.lenderId);
                    if (!r)
                        return r.error();
                    spare = unallocated.insert(p.lenderId, r->unallocated());
                }
                Resources limit = p.conditions.resources;
                limit += *spare;
                limits.append(limit);
            }
            out.externallyReferenced = std::move(external);
            out.rebalanceLimits = std::move(limits);
            Result<QList<AllocationRefusal>> refusals = store.allocationRefusals(offerIds);
            if (!refusals)
                return refusals.error();
            out.allocationRefusals = std::move(*refusals);
            out.borrowerNames = page->borrowerNames;
            return out;
        },
        // Whether a lender is online is this process's to say (the database's flag lags).
        [this](AdminPartitionPage &out) {
            for (const Offer &o : std::as_const(out.rows))
                out.online.append(m_index.isLenderOnline(o.lenderId));
        });
}

void MarketService::onAdminContracts(const AdminListContracts &req, const Ctx &ctx)
{
    if (const std::optional<Error> bad = badOffset(req.offset)) {
        ctx.fail(*bad);
        return;
    }
    const qint64 limit = adminPageLimit(req.limit);
    const qint64 t = now();
    answerFromReader<AdminContractPage>(ctx, MessageType::AdminListContracts,
                                        [req, limit, t](MarketStore &store) -> Result<AdminContractPage> {
                                            Result<ContractPage> page = store.listContracts(
                                                req.filter, req.runningOnly, req.sort.value_or(QString()), t, req.offset, limit,
                                                req.endedSinceMs, req.endedBeforeMs);
                                            if (!page)
                                                return page.error();
                                            AdminContractPage out;
                                            out.total = page->total;
                                            for (const ContractRow &c : std::as_const(page->rows))
                                                out.rows.append(c.toBill(t));
                                            out.lenderNames = page->lenderNames;
                                            out.borrowerNames = page->borrowerNames;
                                            return out;
                                        });
}

void MarketService::onAdminBilling(const AdminBillingReport &req, const Ctx &ctx)
{
    const int feeBasisPoints = m_config.feeBasisPoints;
    const qint64 nowMs = now();
    answerFromReader<BillingReport>(ctx, MessageType::AdminBillingReport, [req, feeBasisPoints, nowMs](MarketStore &store) {
        return store.billingReport(req.fromMs, req.toMs, feeBasisPoints, 10, nowMs);
    });
}

void MarketService::onAdminViolations(const AdminListViolations &req, const Ctx &ctx)
{
    if (const std::optional<Error> bad = badOffset(req.offset)) {
        ctx.fail(*bad);
        return;
    }
    const qint64 limit = adminPageLimit(req.limit);
    if (req.detailTerms.size() > kMaxDetailTerms) {
        ctx.fail(ErrorCode::InvalidArgument, tr("at most %1 detail terms are allowed; this request has %2").arg(kMaxDetailTerms).arg(req.detailTerms.size()));
        return;
    }
    for (const QString &term : req.detailTerms) {
        if (term.trimmed().isEmpty() || term.size() > kMaxDetailTermLength) {
            ctx.fail(ErrorCode::InvalidArgument, tr("a detail term must have 1 to %1 characters").arg(kMaxDetailTermLength));
            return;
        }
    }
    answerFromReader<AdminViolationPage>(ctx, MessageType::AdminListViolations,
                                         [req, limit](MarketStore &store) -> Result<AdminViolationPage> {
                                             Result<ViolationPage> page =
                                                 store.listViolations(req.filter.trimmed(), req.offset, limit, req.detailTerms);
                                             if (!page)
                                                 return page.error();
                                             return AdminViolationPage{.rows = page->rows, .total = page->total};
                                         });
}

void MarketService::onAdminRebalance(const AdminRebalance &req, const Ctx &ctx)
{
    // Within what a lender may register (the store refuses less than kMinPartition): the
    // lender's sums, and the admin pages and budgets read from them, stay within 64 bits.
    if (Result<void> valid = validateResources(req.resources, ConditionsOf::Offer); !valid) {
        ctx.fail(valid.error());
        return;
    }
    const qint64 startNs = deferAnswer();
    inWriterOrder<PartitionRow>(
        Acked::Yes, [req](MarketStore &store) { return store.rebalance(req.lenderId, req.partitionId, req.resources); },
        [this, ctx, startNs](const Result<PartitionRow> &row, const std::optional<Error> &undurable) {
            const auto answer = [this, ctx, startNs](const Result<void> &answered) {
                if (answered)
                    ctx.reply(Ack{});
                else
                    ctx.fail(answered.error());
                recordTiming(static_cast<quint32>(MessageType::AdminRebalance), startNs);
            };
            if (!row) {
                answer(row.error());
                return;
            }
            m_index.upsertPartition(*row);
            // The lender applies it the next time it generates the partition (second
            // embodiment). If it is connected here, the manager hears its answer: a refusal
            // puts the allocation back. Otherwise the partition is not offered until the
            // lender has confirmed the allocation. Not durable, it is sent all the same (the
            // database has it), and the manager hears that instead.
            sendAllocation(*row, [answer, undurable](const Result<void> &answered) {
                if (answered && undurable)
                    answer(*undurable);
                else
                    answer(answered);
            });
        });
}

} // namespace lendable::market
