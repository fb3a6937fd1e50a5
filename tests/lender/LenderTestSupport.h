#pragma once
// Test peers for the lender agent's tests, over real TLS:
//  - TestMarket: a minimal market (NOT the real MarketService, which lives in
//    apps/market-manager/core): it answers RegisterPartition/WithdrawPartition/VerifyKey,
//    records reports, and pushes ContractStarted/ContractEnded on demand.
//  - BorrowerPeer: a borrower connection that collects the agent's pushes.

#include "identity/Identity.h"
#include "protocol/Dispatcher.h"
#include "protocol/Server.h"
#include "protocol/SslChannel.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QTest>

#include <functional>
#include <memory>
#include <utility>

namespace lendable::lender::testing {

using namespace lendable::protocol;

inline Identity newIdentity(const QString &name)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(-1), now.addDays(30)).value();
}

inline QByteArray randomKey()
{
    QByteArray k(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(k.data()), 8);
    return k;
}

/// A small OS image directory called `name` in the real format (installer/os-images/README.md):
/// a kernel of `kernelBytes` and a 4 KiB initramfs of the same random bytes every time, with
/// their SHA-256 and sizes in image.json. For the agent's and the market's image handling; it
/// is never booted.
inline bool writeTestImage(const QString &dir, const QString &name, qsizetype kernelBytes)
{
    QRandomGenerator rng(7);
    const auto randomBytes = [&rng](qsizetype n) {
        QByteArray b(n, Qt::Uninitialized);
        for (char &c : b)
            c = char(rng.bounded(256));
        return b;
    };
    const QByteArray kernel = randomBytes(kernelBytes);
    const QByteArray initrd = randomBytes(4096);
    QFile k(dir + QStringLiteral("/vmlinuz")), i(dir + QStringLiteral("/initramfs.img"));
    if (!k.open(QIODevice::WriteOnly) || !i.open(QIODevice::WriteOnly) || k.write(kernel) != kernel.size()
        || i.write(initrd) != initrd.size())
        return false;
    auto sha = [](const QByteArray &b) { return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()); };
    QJsonObject o{{QStringLiteral("formatVersion"), 1},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("kernel"), QStringLiteral("vmlinuz")},
                  {QStringLiteral("initrd"), QStringLiteral("initramfs.img")},
                  {QStringLiteral("cmdline"), QStringLiteral("console=ttyS0")},
                  {QStringLiteral("minMemoryMiB"), 128},
                  {QStringLiteral("sha256"), QJsonObject{{QStringLiteral("vmlinuz"), sha(kernel)}, {QStringLiteral("initramfs.img"), sha(initrd)}}},
                  {QStringLiteral("size"), QJsonObject{{QStringLiteral("vmlinuz"), kernel.size()}, {QStringLiteral("initramfs.img"), initrd.size()}}},
                  {QStringLiteral("initContract"), 1}};
    QFile j(dir + QStringLiteral("/image.json"));
    return j.open(QIODevice::WriteOnly) && j.write(QJsonDocument(o).toJson()) > 0;
}

class TestMarket : public QObject {
public:
    struct Contract {
        QString contractId;
        QString partitionId;
        QString borrowerId;
        QByteArray key;
        bool running = true;
        std::optional<QString> borrowerName; ///< what the notice and the key's verdict say
        qint64 startedAtMs = 0;
        qint64 maxDurationS = 0; ///< 0: no limit
    };

    TestMarket()
        : m_identity(newIdentity(QStringLiteral("test market")))
    {
        HandshakeConfig hc;
        hc.localNodeId = m_identity.nodeId();
        hc.localRole = QStringLiteral("market");
        hc.acceptedRoles = {QStringLiteral("lender")};
        m_server = std::make_unique<Server>(m_identity, hc);
        m_dispatcher.on<RegisterPartition>([this](const RegisterPartition &m, const RequestContext &ctx) {
            answer(ctx, [this, m]() -> Result<PartitionRegistered> {
                registered << m.partitionId;
                return PartitionRegistered{.partitionId = m.partitionId, .offerId = QStringLiteral("o-") + m.partitionId};
            });
        });
        m_dispatcher.on<AlterPartition>([this](const AlterPartition &m, const RequestContext &ctx) {
            answer(ctx, [this, m]() -> Result<PartitionRegistered> {
                for (const Contract &c : std::as_const(contracts))
                    if (c.partitionId == m.partitionId && c.running)
                        return Error(ErrorCode::Conflict, QStringLiteral("lent"));
                altered << m;
                return PartitionRegistered{.partitionId = m.partitionId, .offerId = QStringLiteral("o-") + m.partitionId};
            });
        });
        m_dispatcher.onCall<WithdrawPartition, Ack>([this](const WithdrawPartition &m, const RequestContext &) -> Result<Ack> {
            for (const Contract &c : std::as_const(contracts))
                if (c.partitionId == m.partitionId && c.running)
                    return Error(ErrorCode::Conflict, QStringLiteral("lent"));
            registered.removeAll(m.partitionId);
            withdrawn << m.partitionId;
            return Ack{};
        });
        m_dispatcher.onCall<LenderHeartbeat, Ack>([this](const LenderHeartbeat &, const RequestContext &) -> Result<Ack> {
            ++heartbeats;
            return Ack{};
        });
        m_dispatcher.onCall<VerifyKey, KeyVerdict>([this](const VerifyKey &m, const RequestContext &) -> Result<KeyVerdict> {
            ++verifyCalls;
            for (const Contract &c : std::as_const(contracts))
                if (c.partitionId == m.partitionId && c.key == m.key && c.borrowerId == m.borrowerId && c.running)
                    return KeyVerdict{.valid = true, .contractId = c.contractId, .reason = {}, .borrowerName = c.borrowerName};
            return KeyVerdict{.valid = false, .contractId = {}, .reason = QStringLiteral("no running contract with that key")};
        });
        m_dispatcher.on<FetchImage>([this](const FetchImage &m, const RequestContext &ctx) {
            if (!holdImages)
                return ctx.fail(Error(ErrorCode::NotFound, QStringLiteral("this market holds no OS image '%1'").arg(m.name)));
            m_heldImages << qMakePair(m, ctx);
        });
        m_dispatcher.onCall<ReportViolation, Ack>([this](const ReportViolation &m, const RequestContext &) -> Result<Ack> {
            violations << m;
            return Ack{};
        });
        m_dispatcher.onCall<ReportJobState, Ack>([this](const ReportJobState &m, const RequestContext &) -> Result<Ack> {
            jobStates << m;
            return Ack{};
        });
        connect(m_server.get(), &Server::channelEstablished, this, [this](Channel *c) {
            m_dispatcher.attach(c);
            m_lender = c;
        });
        if (Result<void> l = m_server->listen(QHostAddress::LocalHost, 0); !l.ok())
            qFatal("test market cannot listen: %s", qPrintable(l.error().toString()));
    }

    /// While set, requests for OS images (FetchImage) wait for answerImageRequests(); else
    /// the market holds no image.
    bool holdImages = false;
    int heldImageRequests() const { return int(m_heldImages.size()); }
    /// Answers the held requests for images: with the first bytes of a (1000-byte) image of
    /// that name when `held`, else that there is none.
    void answerImageRequests(bool held)
    {
        const auto requests = std::exchange(m_heldImages, {});
        for (const auto &[m, ctx] : requests) {
            if (!held) {
                ctx.fail(Error(ErrorCode::NotFound, QStringLiteral("this market holds no OS image '%1'").arg(m.name)));
                continue;
            }
            ImageChunk c;
            c.image = ImageInfo{m.name, QString(64, QLatin1Char('a')), 1000};
            c.offset = m.offset;
            c.data = QByteArray(int(qBound(qint64(0), qMin(qint64(m.length), qint64(1000) - m.offset), qint64(1000))), 'x');
            ctx.reply(c);
        }
    }

    /// While set, registrations and alterations wait, unanswered and undecided, for
    /// answerHeld(): a market that answers late.
    bool holdChanges = false;
    int heldCount() const { return int(m_held.size()); }
    /// Decides and answers the held registrations and alterations, in the order they came.
    void answerHeld()
    {
        const QList<std::function<void()>> held = std::exchange(m_held, {});
        for (const std::function<void()> &a : held)
            a();
    }

    QString id() const { return m_identity.nodeId(); }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_server->serverPort()); }
    bool lenderConnected() const { return m_lender && m_lender->isEstablished(); }

    /// Concludes a contract (S48); with `notify`, the lender hears of it (first embodiment),
    /// otherwise it has to ask (FIG. 15).
    /// The notice gives `borrowerName` as the name the borrower goes by; none, as an older
    /// market's, when it is not set.
    Contract startContract(const QString &partitionId, const QString &borrowerId, bool notify = true,
                           std::optional<QString> borrowerName = std::nullopt)
    {
        Contract c{QStringLiteral("c-%1").arg(++m_next), partitionId, borrowerId, randomKey(), true, borrowerName,
                   QDateTime::currentMSecsSinceEpoch()};
        contracts << c;
        if (notify && m_lender)
            m_lender->push(ContractStarted{.contractId = c.contractId, .partitionId = partitionId, .borrowerId = borrowerId,
                                           .keyHash = QCryptographicHash::hash(c.key, QCryptographicHash::Sha256),
                                           .startedAtMs = c.startedAtMs, .maxDurationS = c.maxDurationS,
                                           .borrowerName = borrowerName});
        return c;
    }
    /// Tells the lender of a contract again, as a market does when the lender comes back (or
    /// late, after a key check), with its start and time limit as `c` gives them, the name the
    /// borrower goes by now and the borrower `as` (the contract's own if empty).
    void notifyAgain(const Contract &c, const QString &borrowerName, const QString &as = {})
    {
        if (m_lender)
            m_lender->push(ContractStarted{.contractId = c.contractId, .partitionId = c.partitionId,
                                           .borrowerId = as.isEmpty() ? c.borrowerId : as,
                                           .keyHash = QCryptographicHash::hash(c.key, QCryptographicHash::Sha256),
                                           .startedAtMs = c.startedAtMs, .maxDurationS = c.maxDurationS,
                                           .borrowerName = borrowerName});
    }
    /// Ends a contract as the market does, for `reason` (ContractEnded::reason).
    void endContract(const QString &contractId, const QString &reason = QStringLiteral("borrower"))
    {
        for (Contract &c : contracts)
            if (c.contractId == contractId) {
                c.running = false;
                if (m_lender)
                    m_lender->push(ContractEnded{.contractId = c.contractId, .partitionId = c.partitionId,
                                                 .endedAtMs = QDateTime::currentMSecsSinceEpoch(), .reason = reason});
            }
    }

    /// Asks the lender to take a new allocation of an externally referenced partition, as a
    /// market's rebalancing does (second embodiment), and waits for its answer.
    Result<Ack> changeAllocation(const QString &partitionId, const Resources &resources)
    {
        if (!m_lender)
            return Error(ErrorCode::ConnectionClosed, QStringLiteral("no lender is connected"));
        return m_lender->call<Ack>(AllocationChanged{.partitionId = partitionId, .resources = resources});
    }

    QStringList registered;
    QStringList withdrawn; ///< every WithdrawPartition, in order
    QList<AlterPartition> altered;
    QList<Contract> contracts;
    QList<ReportViolation> violations;
    QList<ReportJobState> jobStates;
    int heartbeats = 0;
    int verifyCalls = 0;

private:
    void answer(const RequestContext &ctx, std::function<Result<PartitionRegistered>()> decide)
    {
        auto a = [ctx, decide] {
            const Result<PartitionRegistered> r = decide();
            r.ok() ? ctx.reply(*r) : ctx.fail(r.error());
        };
        if (holdChanges)
            m_held << a;
        else
            a();
    }

    QList<std::function<void()>> m_held;
    QList<QPair<FetchImage, RequestContext>> m_heldImages;
    Identity m_identity;
    std::unique_ptr<Server> m_server;
    Dispatcher m_dispatcher;
    QPointer<Channel> m_lender;
    int m_next = 0;
};

/// A connection in the borrower (or owner) role that collects the agent's pushes.
class Peer : public QObject {
public:
    Peer(const Identity &identity, const QString &agentAddress, const QString &agentId,
         const QString &role = QStringLiteral("borrower"))
        : m_identity(identity)
    {
        HandshakeConfig hc;
        hc.localNodeId = identity.nodeId();
        hc.localRole = role;
        const qsizetype colon = agentAddress.lastIndexOf(QLatin1Char(':'));
        channel = SslChannel::connectTo(agentAddress.left(colon), quint16(agentAddress.mid(colon + 1).toUInt()), identity,
                                        agentId, hc, this);
        connect(channel, &Channel::envelopeReceived, this, [this](const Envelope &e) {
            if (e.type == quint32(MessageType::JobOutput)) {
                const JobOutput o = decodeMessage<JobOutput>(e).value();
                if (o.offset == output.size())
                    output += o.data;
                else
                    outputGaps = true;
            } else if (e.type == quint32(MessageType::JobStateChanged)) {
                states << decodeMessage<JobStateChanged>(e).value();
            } else if (e.type == quint32(MessageType::UsageSample)) {
                usage << decodeMessage<UsageSample>(e).value();
            } else if (e.type == quint32(MessageType::JobProgress)) {
                progress << decodeMessage<JobProgress>(e).value();
            }
        });
    }
    Result<void> waitUp() { return channel->waitEstablished(15000); }
    QString id() const { return m_identity.nodeId(); }
    bool hasFinalState() const
    {
        for (const JobStateChanged &s : states)
            if (QStringList{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("cancelled"),
                            QStringLiteral("timed_out"), QStringLiteral("error")}
                    .contains(s.state))
                return true;
        return false;
    }
    JobStateChanged lastState() const { return states.isEmpty() ? JobStateChanged{} : states.last(); }

    QPointer<SslChannel> channel;
    QByteArray output;
    bool outputGaps = false;
    QList<JobStateChanged> states;
    QList<UsageSample> usage;
    QList<JobProgress> progress;

private:
    Identity m_identity;
};

} // namespace lendable::lender::testing
