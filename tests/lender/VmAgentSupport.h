#pragma once
// What the real-VM tests (label vm) share: the busybox image, built once into a cache
// directory, and a lender agent on qemu:///system (scripts/test-env.sh starts libvirtd) with
// a minimal in-test market (LenderTestSupport.h) over real TLS, an owner connection, and the
// steps of lending a partition and running a job on it.

#include "LenderAgent.h"
#include "LenderTestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>

namespace lendable::lender::testing {

inline const QString kVmUri = QStringLiteral("qemu:///system");

inline QString vmImageCache()
{
    const QString base = qEnvironmentVariable("LENDABLE_IMAGE_CACHE", QStringLiteral("/var/tmp/lendable-cache"));
    return base + QStringLiteral("/busybox");
}

inline QString binDir()
{
    return qEnvironmentVariable("LENDABLE_BINARY_DIR") + QStringLiteral("/bin");
}

/// Runs `lender-console --cli` and returns its stdout; a non-zero exit is warned about
/// unless the caller asks for the exit code. The agent or market may live in this process:
/// the event loop keeps turning while the CLI runs.
inline QByteArray cli(const QString &dataDir, const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.start(binDir() + QStringLiteral("/lender-console"), QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), dataDir} + args);
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < 120000)
        QTest::qWait(20);
    if (exitCode)
        *exitCode = p.exitCode();
    else if (p.exitCode() != 0)
        qWarning("cli %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), p.readAllStandardError().constData());
    return p.readAllStandardOutput();
}

/// Builds the busybox image into the cache unless it is there (a few seconds once the
/// kernel .deb is cached).
inline Result<void> ensureVmImage()
{
    if (QFile::exists(vmImageCache() + QStringLiteral("/image.json")))
        return {};
    QProcess build;
    build.setProcessChannelMode(QProcess::MergedChannels);
    build.start(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/installer/os-images/build-busybox-image.sh"),
                {vmImageCache()});
    if (!build.waitForFinished(900000) || build.exitCode() != 0)
        return Error(ErrorCode::Internal, QStringLiteral("building the busybox image failed: ") + QString::fromUtf8(build.readAll()));
    return {};
}

/// An in-process agent on qemu:///system with its market, owner and busybox image.
class VmAgent {
public:
    struct Lease {
        QString partitionId;
        TestMarket::Contract contract;
    };

    /// `tweak` changes the agent's configuration before it starts.
    Result<void> start(const std::function<void(AgentConfig &)> &tweak = {})
    {
        if (Result<void> image = ensureVmImage(); !image.ok())
            return image;
        dir.emplace(QStringLiteral("/var/tmp/lendable-vmtest-XXXXXX"));
        if (!dir->isValid())
            return Error(ErrorCode::IoError, QStringLiteral("cannot make a directory under /var/tmp"));
        market = std::make_unique<TestMarket>();
        AgentConfig c;
        c.dataDir = dir->path();
        c.libvirtUri = kVmUri;
        c.virtType = QStringLiteral("qemu"); // the KVM smoke boot has its own test (TestKvmProbeVm)
        c.markets << MarketEndpoint::parse(market->address(), market->id()).value();
        if (tweak)
            tweak(c);
        Result<std::unique_ptr<LenderAgent>> a = LenderAgent::create(c);
        if (!a.ok())
            return Error(a.error().code, a.error().toString() + QStringLiteral(" (is libvirtd running? scripts/libvirt-up.sh)"));
        agent = std::move(*a);
        if (Result<void> s = agent->start(); !s.ok())
            return s;
        if (Result<ImageEntry> img = agent->images().add(QStringLiteral("busybox"), vmImageCache()); !img.ok())
            return img.error();
        for (int i = 0; i < 300 && !market->lenderConnected(); ++i)
            QTest::qWait(50);
        if (!market->lenderConnected())
            return Error(ErrorCode::Timeout, QStringLiteral("the agent did not connect to the market"));
        owner = std::make_unique<Peer>(agent->identity(), agent->localAddress(), agent->nodeId(), QStringLiteral("owner"));
        return owner->waitUp();
    }

    /// Leaves no domain behind, whatever failed.
    void stop()
    {
        if (agent)
            if (Result<QList<JobRecord>> jobs = agent->store().unfinishedJobs(); jobs.ok())
                for (const JobRecord &j : std::as_const(*jobs))
                    (void)agent->virt().destroy(j.domainName);
        owner.reset();
        agent.reset();
    }

    /// A fresh 1-vCPU, 256 MiB busybox partition with `diskMib` of disk, registered and lent
    /// to `borrowerId`; an empty lease when a step failed.
    Lease lendPartition(const QString &borrowerId, qint64 diskMib = 512)
    {
        Result<PartitionInfo> p = owner->channel->call<PartitionInfo>(PartitionCreate{
            .conditions = LendingConditions{Resources{1, 256, diskMib}, {QStringLiteral("busybox")}, Money::parse(u"1.5").value(), 0}});
        if (!p.ok())
            return {};
        const QString pid = p->partition.partitionId;
        if (!owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok())
            return {};
        Lease l{pid, market->startContract(pid, borrowerId)};
        for (int i = 0; i < 200 && agent->store().partition(pid)->state != PartitionStateName::Lent; ++i)
            QTest::qWait(50);
        return l;
    }

    /// Ends the contract and gives the partition's resources back to the machine.
    bool release(const Lease &l)
    {
        market->endContract(l.contract.contractId);
        for (int i = 0; i < 200 && agent->store().partition(l.partitionId)->state == PartitionStateName::Lent; ++i)
            QTest::qWait(50);
        return owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = l.partitionId}).ok()
               && owner->channel->call<Ack>(PartitionDelete{.partitionId = l.partitionId}).ok();
    }

    /// Submits a busybox job on the lease and watches it from `b`; the job ID, or empty.
    static QString submit(Peer &b, const Lease &l, const QByteArray &script, const QList<JobFile> &inputs, qint64 timeoutS)
    {
        Result<JobAccepted> a = b.channel->call<JobAccepted>(SubmitJob{.contractId = l.contract.contractId, .partitionId = l.partitionId,
                                                                       .key = l.contract.key, .os = QStringLiteral("busybox"),
                                                                       .script = script, .inputs = inputs, .timeoutS = timeoutS});
        if (!a.ok()) {
            qWarning() << "submit:" << a.error();
            return {};
        }
        if (!b.channel->call<Ack>(WatchJob{.jobId = a->jobId, .fromOffset = 0}).ok())
            return {};
        return a->jobId;
    }

    std::optional<QTemporaryDir> dir;
    std::unique_ptr<TestMarket> market;
    std::unique_ptr<LenderAgent> agent;
    std::unique_ptr<Peer> owner;
};

} // namespace lendable::lender::testing
