// The lender agent over real TLS, on libvirt's test driver (no VM boots): the owner's
// partition commands and the lock, registration with a (test) market, and the lending-key
// checks of FIG. 9/15 — wrong key, ended key, another borrower with the right key.

#include "AgentOptions.h"
#include "JobRunner.h"
#include "LenderAgent.h"
#include "LockGuard.h"
#include "DiskSupport.h"
#include "LenderTestSupport.h"
#include "OwnerCli.h"
#include "protocol/Terms.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QJsonDocument>
#include <QCryptographicHash>
#include <QTimer>
#include <QLockFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <limits>

#include <QScopeGuard>

#include <cerrno>
#include <cstring>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace lendable;
using namespace lendable::lender;
using namespace lendable::lender::testing;

class TestLenderAgent : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void machineAndReserve();
    void diskUseCountsWhatFilesReallyTake();
    void resultsPastTheirRetentionAreRemoved();
    void commandLineOptionsMakeTheConfig();
    void ownerListsTheJobsNewestFirst();
    void createRefusesWhatTheMachineCannotGive();
    void diskThatShrankBelowThePromisesStaysReadable();
    void lockRefusesAlterWhileRegisteredOrLent();
    void otherNodesAreNotOwners();
    void imageAddDoesNotHoldTheAgent();
    void wrongKeyIsRefused();
    void otherBorrowerWithTheRightKeyIsRefused();
    void endedKeyIsRefused();
    void unknownContractIsCheckedWithTheMarket();
    void newKeyOfAKnownContractIsCheckedWithTheMarket();
    void directLease();
    void ownersSeeTheBorrowersName();
    void oneAgentPerDataDirectory();
    void directLeaseEndsAtItsTimeLimit();
    void registrationUnderWayHoldsThePartition();
    void registrationCommitsOnlyOnTheStateItStartedFrom();
    void alterCommitsOnThePartitionAsItIsNow();
    void oneJobStartsAtATimeInAPartition();
    void contractEndedWhileTheImageWasAskedFor();
    void allocationBelowTheSmallestPartitionIsRefused();
    void timeLimitLongerThanOneTimerWait();
    void timeLimitBeyondAnyContractIsRefused();
    void stoppedJobsSayWhoStoppedThem();
    void contractLearntFromAKeyTakesTheMarketsTerms();
    void resumedKvmJobKeepsItsHardLimit();
    void largeOutputIsSentWhole();
    void domainThatWouldNotStopHoldsItsPartition();
    void marketContractPastItsLimitStartsNoJob();
    void consoleThatRolledOverIsReadWhole();
    void exitCodeIsReadOnlyWhenItIsShort();
    void fullDiskFailsTheJobsPreparation();
    void jobThatFailsBeforeItStartsIsFinishedWhole();
    void jobTheStoreRefusesLeavesNoFiles();
    void interruptedImageDownloadsAreRemovedAtStart();
    void ownerWatchersHearOfDeletesAndReserveChanges();
    void partitionWhoseDomainIsStillStoppingIsHeld();
    void machineCountsADomainStillStopping();
    void marketContractThatReachedItsLimitWhileTheImageWasAskedFor();
    void consoleThatRollsOverWhileItIsReadIsReadOnce();
    void outputsOfAnySizeAreFetchedPartByPart();

private:
    QString createPartition(int cpus = 1, const QString &mem = QStringLiteral("256M"));
    /// A job of this test's borrower as the store keeps it (not inserted).
    JobRecord jobRecord(const QString &id, const QString &partition, const QString &contract, const QString &state,
                        qint64 submittedAtMs, qint64 endedAtMs) const
    {
        JobRecord j;
        j.jobId = id;
        j.partitionId = partition;
        j.contractId = contract;
        j.borrowerId = m_borrower.nodeId();
        j.os = QStringLiteral("busybox");
        j.state = state;
        j.domainName = QStringLiteral("lendable-") + id;
        j.jobDir = QDir(m_dir->path()).filePath(QStringLiteral("jobs/") + id);
        j.submittedAtMs = submittedAtMs;
        j.endedAtMs = endedAtMs;
        j.timeoutS = 3600;
        return j;
    }
    QString registeredAndLent(TestMarket::Contract *contract, const QString &borrowerId);
    Result<JobAccepted> submit(Peer &b, const QString &pid, const QString &cid, const QByteArray &key);

    std::optional<QTemporaryDir> m_dir;
    std::unique_ptr<TestMarket> m_market;
    std::unique_ptr<LenderAgent> m_agent;
    std::unique_ptr<Peer> m_owner;
    Identity m_borrower = newIdentity(QStringLiteral("borrower"));
    Identity m_stranger = newIdentity(QStringLiteral("stranger"));
};

void TestLenderAgent::init()
{
    m_dir.emplace();
    m_market = std::make_unique<TestMarket>();
    AgentConfig c;
    c.dataDir = m_dir->path();
    c.libvirtUri = QStringLiteral("test:///default");
    c.markets << MarketEndpoint::parse(m_market->address(), m_market->id()).value();
    Result<std::unique_ptr<LenderAgent>> a = LenderAgent::create(c);
    QVERIFY2(a.ok(), qPrintable(a.error().toString()));
    m_agent = std::move(*a);
    Result<void> s = m_agent->start();
    QVERIFY2(s.ok(), qPrintable(s.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_market->lenderConnected(), 15000);
    m_owner = std::make_unique<Peer>(m_agent->identity(), m_agent->localAddress(), m_agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(m_owner->waitUp().ok());
}

void TestLenderAgent::cleanup()
{
    JobRunner::setLongestWaitMs(JobRunner::kLongestWaitMs);
    m_owner.reset();
    m_agent.reset();
    m_market.reset();
    m_dir.reset();
}

QString TestLenderAgent::createPartition(int cpus, const QString &mem)
{
    Result<PartitionInfo> p = m_owner->channel->call<PartitionInfo>(PartitionCreate{
        .conditions = LendingConditions{Resources{cpus, parseSizeMib(mem).value(), 1024}, {QStringLiteral("busybox")},
                                        Money::parse(u"0.5").value(), 0}});
    if (!p.ok())
        qWarning() << p.error();
    return p.ok() ? p->partition.partitionId : QString();
}

QString TestLenderAgent::registeredAndLent(TestMarket::Contract *contract, const QString &borrowerId)
{
    const QString pid = createPartition();
    Result<PartitionInfo> r = m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false});
    if (!r.ok() || r->partition.state != QLatin1String("registered"))
        return {};
    *contract = m_market->startContract(pid, borrowerId);
    for (int i = 0; i < 100; ++i) {
        QTest::qWait(50);
        if (m_agent->store().partition(pid)->state == PartitionStateName::Lent)
            return pid;
    }
    return {};
}

Result<JobAccepted> TestLenderAgent::submit(Peer &b, const QString &pid, const QString &cid, const QByteArray &key)
{
    return b.channel->call<JobAccepted>(SubmitJob{.contractId = cid, .partitionId = pid, .key = key, .os = QStringLiteral("busybox"),
                                                  .script = "echo hi\n", .inputs = {}, .timeoutS = 30});
}

void TestLenderAgent::machineAndReserve()
{
    Result<MachineInfo> m = m_owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(m.ok(), qPrintable(m.error().toString()));
    QVERIFY(m->host.cpus > 0);
    QCOMPARE(m->libvirtUri, QStringLiteral("test:///default"));
    QCOMPARE(m->available, m->host);
    // The disk to divide is the free space of the data directory's file system (what other
    // files take is not the machine's to lend), which moves a little as anything on this
    // machine writes: compared within 256 MiB.
    struct statvfs fs {};
    QCOMPARE(::statvfs(QFile::encodeName(m_dir->path()).constData(), &fs), 0);
    const qint64 freeMib = qint64(quint64(fs.f_bavail) * fs.f_frsize / (1024 * 1024));
    const qint64 sizeMib = qint64(quint64(fs.f_blocks) * fs.f_frsize / (1024 * 1024));
    QVERIFY2(qAbs(m->host.diskMib - freeMib) < 256, qPrintable(QStringLiteral("host disk %1 MiB, free %2 MiB").arg(m->host.diskMib).arg(freeMib)));
    if (sizeMib - freeMib > 1024)
        QVERIFY(m->host.diskMib < sizeMib);
    Result<MachineInfo> r = m_owner->channel->call<MachineInfo>(SetReserve{.reserve = Resources{1, 512, 1024}});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r->available.cpus, m->host.cpus - 1);
    QCOMPARE(r->available.memoryMib, m->host.memoryMib - 512);
    QCOMPARE(r->available.diskMib, r->host.diskMib - 1024);
    QVERIFY(qAbs(r->host.diskMib - m->host.diskMib) < 256);
    Result<MachineInfo> tooBig = m_owner->channel->call<MachineInfo>(SetReserve{.reserve = m->host + Resources{1, 0, 0}});
    QCOMPARE(tooBig.error().code, ErrorCode::ResourceExhausted);
}

void TestLenderAgent::diskUseCountsWhatFilesReallyTake()
{
    // A job's disk use is its files' allocated blocks: 1 MiB written counts 1 MiB, a sparse
    // file of 1 GiB with nothing in it counts (nearly) nothing, and a nested directory counts.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("out/deeper")));
    QFile data(dir.filePath(QStringLiteral("out/deeper/data")));
    QVERIFY(data.open(QIODevice::WriteOnly));
    QCOMPARE(data.write(QByteArray(1024 * 1024, 'x')), 1024 * 1024);
    data.close();
    QFile sparse(dir.filePath(QStringLiteral("sparse")));
    QVERIFY(sparse.open(QIODevice::WriteOnly));
    QVERIFY(sparse.resize(1024LL * 1024 * 1024));
    sparse.close();
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("sparse")), dir.filePath(QStringLiteral("link"))));
    const qint64 used = lender::JobRunner::diskUsedBytes(dir.path());
    QVERIFY2(used >= 1024 * 1024 && used < 2 * 1024 * 1024, qPrintable(QString::number(used)));
    QCOMPARE(lender::JobRunner::diskUsedBytes(data.fileName()), 1024 * 1024);
    QCOMPARE(lender::JobRunner::diskUsedBytes(dir.filePath(QStringLiteral("missing"))), 0);
}

void TestLenderAgent::resultsPastTheirRetentionAreRemoved()
{
    // The agent keeps a finished job's output files and console for 14 days by default
    // (--keep-results); older ones go, and a borrower who asks for them is told when and why.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    constexpr qint64 kDay = 86400 * 1000;
    auto finishedJob = [&](const QString &id, qint64 endedAtMs, const QString &state) {
        const JobRecord j = jobRecord(id, QStringLiteral("p-1"), QStringLiteral("c-1"), state, endedAtMs - 60000, endedAtMs);
        QDir().mkpath(lender::JobRunner::resultDir(j.jobDir));
        QFile out(lender::JobRunner::resultDir(j.jobDir) + QStringLiteral("/result.txt"));
        if (out.open(QIODevice::WriteOnly))
            out.write("result\n");
        QFile console(lender::JobRunner::outputPath(j.jobDir));
        if (console.open(QIODevice::WriteOnly))
            console.write("console\n");
        return m_agent->store().insertJob(j).ok() ? j : JobRecord{};
    };
    const JobRecord old = finishedJob(QStringLiteral("j-old"), now - 15 * kDay, QStringLiteral("succeeded"));
    const JobRecord recent = finishedJob(QStringLiteral("j-recent"), now - 13 * kDay, QStringLiteral("failed"));
    QVERIFY(!old.jobId.isEmpty() && !recent.jobId.isEmpty());
    JobRecord running = finishedJob(QStringLiteral("j-running"), 0, QStringLiteral("running"));
    QVERIFY(!running.jobId.isEmpty());

    QCOMPARE(m_agent->removeExpiredResults(now), 1);
    QVERIFY(!QFileInfo::exists(old.jobDir));
    QVERIFY(QFileInfo::exists(lender::JobRunner::outputPath(recent.jobDir)));
    QVERIFY(QFileInfo::exists(running.jobDir));
    QCOMPARE(m_agent->store().job(old.jobId)->resultsRemovedAtMs, now);
    QCOMPARE(m_agent->store().job(recent.jobId)->resultsRemovedAtMs, 0);
    QCOMPARE(m_agent->removeExpiredResults(now), 0); // done once

    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    Result<JobResult> gone = b.channel->call<JobResult>(FetchJobResult{.jobId = old.jobId});
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
    const QString said = gone.error().message;
    QVERIFY2(said.contains(QLatin1String("the results of job j-old (succeeded) were removed on ")) &&
                 said.contains(QLatin1String("keeps a finished job's output files and console for 14 days")),
             qPrintable(said));
    Result<JobResult> kept = b.channel->call<JobResult>(FetchJobResult{.jobId = recent.jobId});
    QVERIFY2(kept.ok(), qPrintable(kept.error().toString()));
    QCOMPARE(kept->outputs.size(), 1);
    QCOMPARE(kept->outputs[0].data, QByteArray("result\n"));
    QCOMPARE(kept->console, QByteArray("console\n"));
    // Two days later the second has passed its 14 days too.
    QCOMPARE(m_agent->removeExpiredResults(now + 2 * kDay), 1);
    QVERIFY(!QFileInfo::exists(recent.jobDir));
    QCOMPARE(b.channel->call<JobResult>(FetchJobResult{.jobId = recent.jobId}).error().code, ErrorCode::NotFound);
}

void TestLenderAgent::outputsOfAnySizeAreFetchedPartByPart()
{
    // Output files larger than a result carries (12 MiB) are named in it on request
    // (withoutOutputs) and fetched part by part (FetchJobOutput): only the job's own regular
    // files, by plain name, to its borrower; a part is at most 4 MiB.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const JobRecord j = jobRecord(QStringLiteral("j-big"), QStringLiteral("p-1"), QStringLiteral("c-1"), QStringLiteral("succeeded"),
                                  now - 60'000, now);
    const QString out = lender::JobRunner::resultDir(j.jobDir);
    QVERIFY(QDir().mkpath(out));
    QByteArray big(13 * 1024 * 1024 + 123, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char((i * 7919) >> 3);
    QFile bigFile(out + QStringLiteral("/big.bin"));
    QVERIFY(bigFile.open(QIODevice::WriteOnly) && bigFile.write(big) == big.size());
    bigFile.close();
    QFile small(out + QStringLiteral("/small.txt"));
    QVERIFY(small.open(QIODevice::WriteOnly) && small.write("small\n") == 6);
    small.close();
    QFile empty(out + QStringLiteral("/empty"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), out + QStringLiteral("/link")));
    QVERIFY(QDir().mkpath(out + QStringLiteral("/sub")));
    QFile console(lender::JobRunner::outputPath(j.jobDir));
    QVERIFY(console.open(QIODevice::WriteOnly) && console.write("console\n") == 8);
    console.close();
    QVERIFY(m_agent->store().insertJob(j).ok());

    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QCOMPARE(b.channel->call<JobResult>(FetchJobResult{.jobId = j.jobId}).error().code, ErrorCode::ResourceExhausted);
    Result<JobResult> named = b.channel->call<JobResult>(FetchJobResult{.jobId = j.jobId, .withoutOutputs = true});
    QVERIFY2(named.ok(), qPrintable(named.error().toString()));
    QVERIFY(named->outputs.isEmpty());
    QCOMPARE(named->console, QByteArray("console\n"));
    QCOMPARE(named->state, QStringLiteral("succeeded"));
    const QList<JobFileSize> expected{{QStringLiteral("big.bin"), big.size()}, {QStringLiteral("empty"), 0}, {QStringLiteral("small.txt"), 6}};
    QCOMPARE(named->outputSizes.value_or(QList<JobFileSize>{}), expected);

    QByteArray fetched;
    while (fetched.size() < big.size()) {
        Result<JobOutputPart> part = b.channel->call<JobOutputPart>(
            FetchJobOutput{.jobId = j.jobId, .name = QStringLiteral("big.bin"), .offset = fetched.size(), .length = 64 * 1024 * 1024});
        QVERIFY2(part.ok(), qPrintable(part.error().toString()));
        QCOMPARE(part->offset, fetched.size());
        QCOMPARE(part->size, big.size());
        QVERIFY(part->data.size() <= kMaxJobOutputPartBytes && !part->data.isEmpty());
        fetched += part->data;
    }
    QVERIFY(fetched == big);
    Result<JobOutputPart> atEnd = b.channel->call<JobOutputPart>(
        FetchJobOutput{.jobId = j.jobId, .name = QStringLiteral("big.bin"), .offset = big.size(), .length = 10});
    QVERIFY(atEnd.ok() && atEnd->data.isEmpty());

    const auto refused = [&](const QString &name, qint64 offset, qint64 length) {
        return b.channel->call<JobOutputPart>(FetchJobOutput{.jobId = j.jobId, .name = name, .offset = offset, .length = length}).error().code;
    };
    QCOMPARE(refused(QStringLiteral("link"), 0, 10), ErrorCode::NotFound);          // a link is not followed
    QCOMPARE(refused(QStringLiteral("sub"), 0, 10), ErrorCode::NotFound);           // nor a directory read
    QCOMPARE(refused(QStringLiteral("missing"), 0, 10), ErrorCode::NotFound);
    QCOMPARE(refused(QStringLiteral("../console.log"), 0, 10), ErrorCode::InvalidArgument);
    QCOMPARE(refused(QStringLiteral(".."), 0, 10), ErrorCode::InvalidArgument);
    QCOMPARE(refused(QStringLiteral("small.txt"), 7, 10), ErrorCode::InvalidArgument); // past the end
    QCOMPARE(refused(QStringLiteral("small.txt"), -1, 10), ErrorCode::InvalidArgument);
    QCOMPARE(refused(QStringLiteral("small.txt"), 0, 0), ErrorCode::InvalidArgument);
    // Another borrower's job is not this one's to read.
    Peer other(m_stranger, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(other.waitUp().ok());
    const ErrorCode strangers =
        other.channel->call<JobOutputPart>(FetchJobOutput{.jobId = j.jobId, .name = QStringLiteral("small.txt"), .offset = 0, .length = 6})
            .error()
            .code;
    QVERIFY2(strangers == ErrorCode::PermissionDenied || strangers == ErrorCode::NotFound, errorCodeName(strangers).toUtf8().constData());
}

void TestLenderAgent::ownerListsTheJobsNewestFirst()
{
    // ListJobs: newest first, a page at a time (ties in the same millisecond ordered by ID),
    // of one partition or all, with the borrower's name from the contract and what became of
    // the results; for the owner only.
    const QString pa = createPartition();
    const QString pb = createPartition();
    QVERIFY(!pa.isEmpty() && !pb.isEmpty());
    ContractRecord c;
    c.contractId = QStringLiteral("c-named");
    c.partitionId = pa;
    c.keyHash = QByteArray(32, 'k');
    c.borrowerId = m_borrower.nodeId();
    c.borrowerName = QStringLiteral("Orbit Analytics");
    c.startedAtMs = 1000;
    c.ratePerHour = Money::fromMicros(1);
    QVERIFY(m_agent->store().startContract(c).ok());
    auto job = [&](const QString &id, const QString &partition, qint64 submitted, const QString &state, qint64 ended) {
        JobRecord j = jobRecord(id, partition, partition == pa ? c.contractId : QStringLiteral("c-unnamed"), state, submitted, ended);
        if (state == QLatin1String("failed")) {
            j.exitCode = 3;
            j.message = QStringLiteral("exit code 3");
        }
        return m_agent->store().insertJob(j).ok();
    };
    QVERIFY(job(QStringLiteral("j-1"), pa, 10'000, QStringLiteral("succeeded"), 12'000));
    QVERIFY(job(QStringLiteral("j-2"), pb, 20'000, QStringLiteral("failed"), 25'000));
    QVERIFY(job(QStringLiteral("j-3b"), pa, 30'000, QStringLiteral("running"), 0));
    QVERIFY(job(QStringLiteral("j-3a"), pb, 30'000, QStringLiteral("cancelled"), 31'000));
    QVERIFY(m_agent->store().markResultsRemoved(QStringLiteral("j-1"), 50'000).ok());

    Result<JobList> all = m_owner->channel->call<JobList>(ListJobs{});
    QVERIFY2(all.ok(), qPrintable(all.error().toString()));
    QStringList order;
    for (const JobSummary &j : all->jobs)
        order << j.jobId;
    QCOMPARE(order, (QStringList{QStringLiteral("j-3b"), QStringLiteral("j-3a"), QStringLiteral("j-2"), QStringLiteral("j-1")}));
    QVERIFY(!all->more);
    const JobSummary &running = all->jobs[0];
    QCOMPARE(running.state, QStringLiteral("running"));
    QCOMPARE(running.endedAtMs, 0);
    QVERIFY(!running.resultsKeptUntilMs && !running.resultsRemovedAtMs);
    QCOMPARE(running.borrowerName, std::optional<QString>(QStringLiteral("Orbit Analytics")));
    const JobSummary &failed = all->jobs[2];
    QCOMPARE(failed.exitCode, std::optional<qint32>(3));
    QCOMPARE(failed.message, QStringLiteral("exit code 3"));
    QVERIFY(!failed.borrowerName);
    QCOMPARE(failed.resultsKeptUntilMs, std::optional<qint64>(25'000 + qint64(14) * 86400 * 1000));
    QCOMPARE(all->jobs[3].resultsRemovedAtMs, std::optional<qint64>(50'000));
    QVERIFY(!all->jobs[3].resultsKeptUntilMs);

    // Pages of two, then the rest from the last job of the first page (the same millisecond
    // as the job before it).
    Result<JobList> first = m_owner->channel->call<JobList>(ListJobs{.partitionId = std::nullopt, .submittedBeforeMs = std::nullopt,
                                                                     .beforeJobId = std::nullopt, .limit = 2});
    QVERIFY(first.ok());
    QCOMPARE(first->jobs.size(), 2);
    QVERIFY(first->more);
    Result<JobList> second = m_owner->channel->call<JobList>(ListJobs{.partitionId = std::nullopt,
                                                                      .submittedBeforeMs = first->jobs.last().submittedAtMs,
                                                                      .beforeJobId = first->jobs.last().jobId, .limit = 2});
    QVERIFY(second.ok());
    QCOMPARE(second->jobs.size(), 2);
    QCOMPARE(second->jobs[0].jobId, QStringLiteral("j-2"));
    QVERIFY(!second->more);

    Result<JobList> onlyA = m_owner->channel->call<JobList>(ListJobs{.partitionId = pa});
    QVERIFY(onlyA.ok());
    QCOMPARE(onlyA->jobs.size(), 2);
    QCOMPARE(onlyA->jobs[1].jobId, QStringLiteral("j-1"));

    for (const qint32 bad : {0, 1001}) {
        Result<JobList> refused = m_owner->channel->call<JobList>(ListJobs{.partitionId = std::nullopt, .submittedBeforeMs = std::nullopt,
                                                                           .beforeJobId = std::nullopt, .limit = bad});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
    }
    // A borrower sees its own jobs through its contracts, not the machine's list.
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QCOMPARE(b.channel->call<JobList>(ListJobs{}).error().code, ErrorCode::PermissionDenied);
}

void TestLenderAgent::commandLineOptionsMakeTheConfig()
{
    // What `lender-console` hands the agent (the launcher's refusals are in TestAppLaunchers).
    lender::AgentOptionTexts texts;
    texts.dataDir = m_dir->path();
    Result<AgentConfig> plain = lender::agentConfigFromOptions(texts);
    QVERIFY(plain.ok());
    QVERIFY(plain->pinCpus);
    QCOMPARE(plain->resultRetentionMs, qint64(14) * 86400 * 1000);
    texts.keepResultsDays = QStringLiteral("0.5");
    texts.noCpuPinning = true;
    Result<AgentConfig> set = lender::agentConfigFromOptions(texts);
    QVERIFY(set.ok());
    QVERIFY(!set->pinCpus);
    QCOMPARE(set->resultRetentionMs, qint64(12) * 3600 * 1000);
    texts.keepResultsDays = QStringLiteral("0");
    QCOMPARE(lender::agentConfigFromOptions(texts)->resultRetentionMs, 0);
    QCOMPARE(plain->idleTimeoutMs, protocol::kDefaultIdleTimeoutMs);
    texts.idleTimeoutS = QStringLiteral("600");
    QCOMPARE(lender::agentConfigFromOptions(texts)->idleTimeoutMs, 600'000);
    texts.idleTimeoutS = QStringLiteral("10");
    QVERIFY2(lender::agentConfigFromOptions(texts).error().message.contains(QStringLiteral("not '10'")),
             qPrintable(lender::agentConfigFromOptions(texts).error().message));
    texts.idleTimeoutS.clear();

    // The agent's server closes a borrower's silent connection after the configured time
    // (here less than the option allows), telling it why.
    QTemporaryDir otherDir;
    AgentConfig quick;
    quick.dataDir = otherDir.path();
    quick.libvirtUri = QStringLiteral("test:///default");
    quick.idleTimeoutMs = 400;
    Result<std::unique_ptr<LenderAgent>> agent = LenderAgent::create(quick);
    QVERIFY2(agent.ok(), qPrintable(agent.error().toString()));
    QVERIFY((*agent)->start().ok());
    Peer silent(m_borrower, (*agent)->localAddress(), (*agent)->nodeId());
    QVERIFY(silent.waitUp().ok());
    QSignalSpy closed(silent.channel, &Channel::closed);
    QTRY_COMPARE_WITH_TIMEOUT(closed.count(), 1, 10'000);
    QCOMPARE(closed.at(0).at(0).value<Error>().code, ErrorCode::Timeout);
    for (const char *bad : {"-1", "two", "3661", "nan"}) {
        texts.keepResultsDays = QString::fromLatin1(bad);
        Result<AgentConfig> refused = lender::agentConfigFromOptions(texts);
        QVERIFY2(!refused.ok() && refused.error().code == ErrorCode::InvalidArgument, bad);
        QVERIFY2(refused.error().message.contains(QStringLiteral("not '%1'").arg(texts.keepResultsDays)), qPrintable(refused.error().message));
    }
}

void TestLenderAgent::createRefusesWhatTheMachineCannotGive()
{
    const MachineInfo m = *m_owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY(!createPartition(m.host.cpus).isEmpty());
    // Every CPU is now allocated: one more is too many, whatever else is asked.
    Result<PartitionInfo> p = m_owner->channel->call<PartitionInfo>(
        PartitionCreate{.conditions = LendingConditions{Resources{1, 256, 64}, {}, Money{}, 0}});
    QCOMPARE(p.error().code, ErrorCode::ResourceExhausted);
    Result<PartitionInfo> bad = m_owner->channel->call<PartitionInfo>(
        PartitionCreate{.conditions = LendingConditions{Resources{1, 16, 64}, {}, Money{}, 0}});
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
    // A rate no market takes (its charge would outgrow an amount) is refused before any
    // room is looked at.
    Result<PartitionInfo> dear = m_owner->channel->call<PartitionInfo>(PartitionCreate{
        .conditions = LendingConditions{Resources{1, 256, 64}, {}, Money::fromMicros(Money::kMaxRatePerHourMicros + 1), 0}});
    QCOMPARE(dear.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(dear.error().message.contains(QStringLiteral("highest")), qPrintable(dear.error().message));
}

void TestLenderAgent::diskThatShrankBelowThePromisesStaysReadable()
{
    // A partition given nearly all the free disk; then other files take 1 GiB. The machine
    // is read as before (nothing left to lend, not a negative amount the protocol refuses),
    // and the owner can shrink the partition and the reserve even while still over.
    const MachineInfo before = *m_owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY(before.available.diskMib > 1024 + 128);
    Result<PartitionInfo> created = createPartitionTakingFreeDisk(m_owner->channel.data(), LendingConditions{Resources{1, 256, 0}, {}, Money{}, 0});
    QVERIFY2(created.ok(), qPrintable(created.error().toString()));
    const LendingConditions terms = created->partition.conditions;
    const qint64 disk = terms.resources.diskMib;
    const QString pid = created->partition.partitionId;
    // 1 GiB, not 512 MiB: other tests running beside this one free disk meanwhile (PostgreSQL
    // recycles its WAL), and once 318 MiB of it left the machine only 194 MiB over.
    QVERIFY(fillFile(m_dir->filePath(QStringLiteral("other-files")), 1024));
    Result<MachineInfo> over = m_owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY2(over.ok(), qPrintable(over.error().toString()));
    QCOMPARE(over->available.diskMib, qint64(0));
    QVERIFY2(over->reserve.diskMib + over->allocated.diskMib > over->host.diskMib + 256,
             qPrintable(QStringLiteral("host %1, allocated %2").arg(over->host.diskMib).arg(over->allocated.diskMib)));
    LendingConditions smaller = terms;
    smaller.resources.diskMib = disk - 100; // still over the free disk
    Result<PartitionInfo> shrunk = m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = smaller});
    QVERIFY2(shrunk.ok(), qPrintable(shrunk.error().toString()));
    LendingConditions bigger = terms;
    bigger.resources.diskMib = disk + 100;
    QCOMPARE(m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = bigger}).error().code,
             ErrorCode::ResourceExhausted);
    Result<MachineInfo> noReserve = m_owner->channel->call<MachineInfo>(SetReserve{.reserve = Resources{}});
    QVERIFY2(noReserve.ok(), qPrintable(noReserve.error().toString()));
    QVERIFY(QFile::remove(m_dir->filePath(QStringLiteral("other-files"))));
    QVERIFY(m_owner->channel->call<Ack>(PartitionDelete{.partitionId = pid}).ok());
}

void TestLenderAgent::lockRefusesAlterWhileRegisteredOrLent()
{
    const QString pid = createPartition();
    QVERIFY(!pid.isEmpty());
    const LendingConditions bigger{Resources{1, 512, 1024}, {QStringLiteral("busybox")}, Money::fromMicros(1), 0};
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = bigger}).ok());

    Result<PartitionInfo> reg = m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false});
    QVERIFY2(reg.ok(), qPrintable(reg.error().toString()));
    QCOMPARE(reg->partition.state, QStringLiteral("registered"));
    QCOMPARE(reg->partition.marketId, m_market->id());
    QVERIFY(m_market->registered.contains(pid));
    // Registered: the allocation is locked (only the terms may change, through the market).
    LendingConditions biggest = bigger;
    biggest.resources.memoryMib = 1024;
    QCOMPARE(m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = biggest}).error().code,
             ErrorCode::Conflict);
    QCOMPARE(m_agent->store().partition(pid)->resources.memoryMib, qint64(512));
    QCOMPARE(m_owner->channel->call<Ack>(PartitionDelete{.partitionId = pid}).error().code, ErrorCode::Conflict);

    const TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId());
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Lent, 10000);
    QCOMPARE(m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = bigger}).error().code,
             ErrorCode::Conflict);
    QCOMPARE(m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid}).error().code, ErrorCode::Conflict);

    m_market->endContract(c.contractId);
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Registered, 10000);
    Result<PartitionInfo> w = m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid});
    QVERIFY2(w.ok(), qPrintable(w.error().toString()));
    QCOMPARE(w->partition.state, QStringLiteral("unregistered"));
    QVERIFY(!m_market->registered.contains(pid));
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = bigger}).ok());
}

void TestLenderAgent::otherNodesAreNotOwners()
{
    Peer stranger(m_stranger, m_agent->localAddress(), m_agent->nodeId(), QStringLiteral("owner"));
    const Result<void> up = stranger.waitUp();
    QVERIFY(!up.ok());
    QCOMPARE(up.error().code, ErrorCode::PeerNotAllowed);
    // A borrower connection cannot use owner commands either.
    Peer borrower(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(borrower.waitUp().ok());
    QCOMPARE(borrower.channel->call<MachineInfo>(MachineShow{}).error().code, ErrorCode::PermissionDenied);
}

void TestLenderAgent::imageAddDoesNotHoldTheAgent()
{
    // An owner's `image add` of a large image (128 MiB): the store checks every file's
    // SHA-256 and copies it, aside, on a thread of its own. The agent (in this test's thread,
    // as in the Lender Console's) goes on meanwhile: this thread's timer ticks many times
    // before the answer. Before, the add ran on the agent's thread, and nothing else did
    // until it was done.
    QTemporaryDir src;
    QVERIFY(src.isValid());
    QByteArray kernel(128 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < kernel.size(); i += 4096)
        std::memset(kernel.data() + i, int(i / 4096) & 0xff, 4096);
    const QByteArray initrd(4096, 'i');
    {
        QFile k(src.filePath(QStringLiteral("vmlinuz"))), i(src.filePath(QStringLiteral("initramfs.img")));
        QVERIFY(k.open(QIODevice::WriteOnly) && k.write(kernel) == kernel.size());
        QVERIFY(i.open(QIODevice::WriteOnly) && i.write(initrd) == initrd.size());
    }
    const auto sha = [](const QByteArray &b) { return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()); };
    const QJsonObject json{{QStringLiteral("formatVersion"), 1},
                           {QStringLiteral("name"), QStringLiteral("large")},
                           {QStringLiteral("kernel"), QStringLiteral("vmlinuz")},
                           {QStringLiteral("initrd"), QStringLiteral("initramfs.img")},
                           {QStringLiteral("cmdline"), QStringLiteral("console=ttyS0")},
                           {QStringLiteral("minMemoryMiB"), 128},
                           {QStringLiteral("sha256"), QJsonObject{{QStringLiteral("vmlinuz"), sha(kernel)}, {QStringLiteral("initramfs.img"), sha(initrd)}}},
                           {QStringLiteral("size"), QJsonObject{{QStringLiteral("vmlinuz"), kernel.size()}, {QStringLiteral("initramfs.img"), initrd.size()}}}};
    kernel = {};
    {
        QFile j(src.filePath(QStringLiteral("image.json")));
        QVERIFY(j.open(QIODevice::WriteOnly) && j.write(QJsonDocument(json).toJson()) > 0);
    }
    std::optional<Result<ImageList>> added;
    int ticksWhileAdding = 0;
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, this, [&] {
        if (!added)
            ++ticksWhileAdding;
    });
    tick.start();
    m_owner->channel->request<ImageList>(ImageAdd{.name = QStringLiteral("large"), .directory = src.path()}, this,
                                         [&added](Result<ImageList> r) { added.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(added.has_value(), 60'000);
    QVERIFY2(added->ok(), qPrintable(added->error().toString()));
    QCOMPARE(added->value().images.size(), 1);
    QCOMPARE(added->value().images.first().name, QStringLiteral("large"));
    QVERIFY2(ticksWhileAdding >= 5, qPrintable(QString::number(ticksWhileAdding)));
    // A bad one is refused the same way, aside too.
    QVERIFY(QFile::resize(src.filePath(QStringLiteral("initramfs.img")), 10));
    const Result<ImageList> bad = m_owner->channel->call<ImageList>(ImageAdd{.name = QStringLiteral("large2"), .directory = src.path()});
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().message.contains(QStringLiteral("initramfs.img")), qPrintable(bad.error().toString()));
    QVERIFY(!m_agent->images().find(QStringLiteral("large2")).ok());
}

void TestLenderAgent::wrongKeyIsRefused()
{
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QByteArray wrong = c.key;
    wrong[0] = char(wrong[0] ^ 1);
    QCOMPARE(submit(b, pid, c.contractId, wrong).error().code, ErrorCode::KeyInvalid);
    QCOMPARE(submit(b, pid, c.contractId, QByteArray()).error().code, ErrorCode::KeyInvalid);
    // The right key gets past the checks (this lender holds no image: NotFound, not KeyInvalid).
    QCOMPARE(submit(b, pid, c.contractId, c.key).error().code, ErrorCode::NotFound);
}

void TestLenderAgent::otherBorrowerWithTheRightKeyIsRefused()
{
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer thief(m_stranger, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(thief.waitUp().ok());
    QCOMPARE(submit(thief, pid, c.contractId, c.key).error().code, ErrorCode::KeyInvalid);
}

void TestLenderAgent::endedKeyIsRefused()
{
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    m_market->endContract(c.contractId);
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Registered, 10000);
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const Result<JobAccepted> r = submit(b, pid, c.contractId, c.key);
    QCOMPARE(r.error().code, ErrorCode::KeyInvalid);
    QVERIFY2(r.error().message.contains(QLatin1String("ended")), qPrintable(r.error().message));
}

void TestLenderAgent::unknownContractIsCheckedWithTheMarket()
{
    const QString pid = createPartition();
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());
    // FIG. 15: the lender never heard of this contract and must ask the market.
    const TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId(), false, QStringLiteral("Orbit Analytics"));
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QCOMPARE(submit(b, pid, c.contractId, randomKey()).error().code, ErrorCode::KeyInvalid);
    QCOMPARE(m_market->verifyCalls, 1);
    QCOMPARE(submit(b, pid, c.contractId, c.key).error().code, ErrorCode::NotFound); // past the key check
    QCOMPARE(m_market->verifyCalls, 2);
    QCOMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Lent);
    // The market's verdict named the borrower, as a notice would have.
    QCOMPARE(m_agent->store().contract(c.contractId)->borrowerName, QStringLiteral("Orbit Analytics"));
    // Now known locally: no more questions to the market.
    QCOMPARE(submit(b, pid, c.contractId, c.key).error().code, ErrorCode::NotFound);
    QCOMPARE(m_market->verifyCalls, 2);
}

void TestLenderAgent::newKeyOfAKnownContractIsCheckedWithTheMarket()
{
    // The market gave the contract a new key (its borrower sent the Borrow again, the first
    // answer lost) and its notice has not come: the key the agent holds no longer matches,
    // and the market's word decides.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    const QByteArray oldKey = c.key;
    const QByteArray newKey = randomKey();
    m_market->contracts.last().key = newKey;
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const int asked = m_market->verifyCalls;
    QCOMPARE(submit(b, pid, c.contractId, newKey).error().code, ErrorCode::NotFound); // past the key check
    QCOMPARE(m_market->verifyCalls, asked + 1);
    QCOMPARE(m_agent->store().contract(c.contractId)->keyHash, QCryptographicHash::hash(newKey, QCryptographicHash::Sha256));
    // Taken: no more questions for it; the old key is refused (after the market says so).
    QCOMPARE(submit(b, pid, c.contractId, newKey).error().code, ErrorCode::NotFound);
    QCOMPARE(m_market->verifyCalls, asked + 1);
    QCOMPARE(submit(b, pid, c.contractId, oldKey).error().code, ErrorCode::KeyInvalid);
    QCOMPARE(m_market->verifyCalls, asked + 2);
    // Another borrower with the new key is refused without asking; so is the new key once the
    // contract ended.
    Peer thief(m_stranger, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(thief.waitUp().ok());
    QCOMPARE(submit(thief, pid, c.contractId, newKey).error().code, ErrorCode::KeyInvalid);
    QCOMPARE(m_market->verifyCalls, asked + 2);
    m_market->endContract(c.contractId);
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Registered, 10000);
    QCOMPARE(submit(b, pid, c.contractId, newKey).error().code, ErrorCode::KeyInvalid);
    QCOMPARE(m_market->verifyCalls, asked + 2);
}

void TestLenderAgent::directLease()
{
    const QString pid = createPartition();
    Result<DirectLease> lease = m_owner->channel->call<DirectLease>(LendDirect{.partitionId = pid, .borrowerId = m_borrower.nodeId()});
    QVERIFY2(lease.ok(), qPrintable(lease.error().toString()));
    QCOMPARE(lease->key.size(), 32);
    QCOMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Lent);
    Peer thief(m_stranger, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(thief.waitUp().ok());
    QCOMPARE(submit(thief, pid, lease->contractId, lease->key).error().code, ErrorCode::KeyInvalid);
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QCOMPARE(submit(b, pid, lease->contractId, lease->key).error().code, ErrorCode::NotFound);
    // Nobody is billed for a direct lease: it earns nothing while it runs, nor once it ended.
    QTest::qWait(20);
    Result<PartitionListReply> listed = m_owner->channel->call<PartitionListReply>(PartitionList{});
    QVERIFY(listed.ok());
    for (const PartitionState &p : listed->partitions)
        if (p.partitionId == pid)
            QCOMPARE(p.contractEarnedSoFar(QDateTime::currentMSecsSinceEpoch() + 3'600'000).value_or(Money()), Money());
    // Withdrawing a direct lease ends it; its key dies with it.
    Result<PartitionInfo> w = m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid});
    QVERIFY2(w.ok(), qPrintable(w.error().toString()));
    QCOMPARE(w->partition.state, QStringLiteral("unregistered"));
    QCOMPARE(w->partition.earnings, Money());
    QCOMPARE(submit(b, pid, lease->contractId, lease->key).error().code, ErrorCode::KeyInvalid);

    // The owner may say whom it lends to, under the markets' rule for names; a refused name
    // lends nothing.
    const QString named = createPartition();
    const auto lendTo = [&](const QString &name) {
        return m_owner->channel->call<DirectLease>(LendDirect{.partitionId = named, .borrowerId = m_borrower.nodeId(), .borrowerName = name});
    };
    for (const QString &bad : {QString(129, QLatin1Char('x')), QStringLiteral("Lab\nB")}) {
        Result<DirectLease> refused = lendTo(bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.contains(QLatin1String("name")), qPrintable(refused.error().message));
        QCOMPARE(m_agent->store().partition(named)->state, PartitionStateName::Unregistered);
    }
    Result<DirectLease> namedLease = lendTo(QStringLiteral("  Lab B  "));
    QVERIFY2(namedLease.ok(), qPrintable(namedLease.error().toString()));
    Result<PartitionListReply> list = m_owner->channel->call<PartitionListReply>(PartitionList{});
    QVERIFY(list.ok());
    bool seen = false;
    for (const PartitionState &p : list->partitions) {
        if (p.partitionId == named) {
            seen = true;
            QCOMPARE(p.borrowerName, std::optional<QString>(QStringLiteral("Lab B")));
            QCOMPARE(p.borrowerLabel(), QStringLiteral("Lab B (%1)").arg(m_borrower.nodeId().left(12)));
        }
    }
    QVERIFY(seen);
}

void TestLenderAgent::ownersSeeTheBorrowersName()
{
    // The market tells the agent the name its borrower goes by (ContractStarted); the owner
    // sees it beside the node ID while the contract runs.
    const auto ownersView = [this](const QString &pid) -> std::optional<PartitionState> {
        Result<PartitionListReply> list = m_owner->channel->call<PartitionListReply>(PartitionList{});
        if (!list.ok())
            return std::nullopt;
        for (const PartitionState &p : list->partitions)
            if (p.partitionId == pid)
                return p;
        return std::nullopt;
    };
    const auto lentTo = [&](const std::optional<QString> &name) -> std::optional<PartitionState> {
        const QString pid = createPartition();
        if (pid.isEmpty()
            || !m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok())
            return std::nullopt;
        m_market->startContract(pid, m_borrower.nodeId(), true, name);
        if (!QTest::qWaitFor([&] { return m_agent->store().partition(pid)->state == PartitionStateName::Lent; }, 10'000))
            return std::nullopt;
        return ownersView(pid);
    };
    const QString shortId = m_borrower.nodeId().left(12);
    std::optional<PartitionState> named = lentTo(QStringLiteral("  Northwind Labs "));
    QVERIFY(named);
    QCOMPARE(named->borrowerId, m_borrower.nodeId());
    QCOMPARE(named->borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs")));
    QCOMPARE(named->borrowerLabel(), QStringLiteral("Northwind Labs (%1)").arg(shortId));
    QCOMPARE(named->borrowerLabel(8), QStringLiteral("Northwi\u2026 (%1)").arg(shortId));
    // Cut by characters as people count them: never half an emoji (a surrogate pair) or a
    // letter without its accent; a name of exactly the limit is not cut.
    PartitionState wide = *named;
    wide.borrowerName = QStringLiteral("Ab\U0001F680\U0001F680cde");
    QCOMPARE(wide.borrowerLabel(4), QStringLiteral("Ab\U0001F680\u2026 (%1)").arg(shortId));
    QCOMPARE(wide.borrowerLabel(7), QStringLiteral("Ab\U0001F680\U0001F680cde (%1)").arg(shortId));
    wide.borrowerName = QStringLiteral("e\u0301e\u0301e\u0301e\u0301");
    QCOMPARE(wide.borrowerLabel(3), QStringLiteral("e\u0301e\u0301\u2026 (%1)").arg(shortId));
    QCOMPARE(wide.borrowerLabel(4), QStringLiteral("e\u0301e\u0301e\u0301e\u0301 (%1)").arg(shortId));
    // Told again (the lender came back to the market): the name the borrower goes by now. A
    // notice that gives the contract another borrower renames nothing.
    const TestMarket::Contract first = m_market->contracts.first();
    m_market->notifyAgain(first, QStringLiteral("Northwind Labs GmbH"));
    QTRY_COMPARE(ownersView(first.partitionId)->borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs GmbH")));
    m_market->notifyAgain(first, QStringLiteral("Someone else"), m_stranger.nodeId());
    QTest::qWait(300);
    QCOMPARE(ownersView(first.partitionId)->borrowerName, std::optional<QString>(QStringLiteral("Northwind Labs GmbH")));
    QCOMPARE(m_agent->store().contract(first.contractId)->borrowerId, m_borrower.nodeId());
    // No name (an older market, or a borrower that gave none): the node ID alone.
    for (const std::optional<QString> &none : {std::optional<QString>(), std::optional<QString>(QString())}) {
        std::optional<PartitionState> unnamed = lentTo(none);
        QVERIFY(unnamed);
        QVERIFY(!unnamed->borrowerName);
        QCOMPARE(unnamed->borrowerLabel(), shortId);
    }
    // A name against the market's rule (a control character) is not shown, not garbled.
    std::optional<PartitionState> garbled = lentTo(QStringLiteral("evil\x1b[2Jname"));
    QVERIFY(garbled);
    QVERIFY(!garbled->borrowerName);
}

void TestLenderAgent::registrationUnderWayHoldsThePartition()
{
    // The market answers a registration late (it may be away for seconds). Meanwhile the
    // partition is not lent directly, altered, deleted or registered again: the registration
    // ends as asked, with no direct lease's contract on a registered partition.
    const QString pid = createPartition();
    m_market->holdChanges = true;
    std::optional<Result<PartitionInfo>> answer;
    QObject context;
    m_owner->channel->request<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false},
                                             &context, [&answer](Result<PartitionInfo> r) { answer = r; });
    QTRY_COMPARE(m_market->heldCount(), 1);
    const auto refusedAsUnderWay = [](const Error &e) {
        return e.code == ErrorCode::Conflict && e.message.contains(QLatin1String("is being registered with market"));
    };
    const Result<DirectLease> lease = m_owner->channel->call<DirectLease>(LendDirect{.partitionId = pid, .borrowerId = m_borrower.nodeId()});
    QVERIFY2(!lease.ok() && refusedAsUnderWay(lease.error()), qPrintable(lease.ok() ? QStringLiteral("lent") : lease.error().toString()));
    const LendingConditions dearer{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.75").value(), 0};
    const Result<PartitionInfo> altered = m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = dearer});
    QVERIFY(!altered.ok() && refusedAsUnderWay(altered.error()));
    const Result<PartitionInfo> again =
        m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false});
    QVERIFY(!again.ok() && refusedAsUnderWay(again.error()));
    const Result<Ack> deleted = m_owner->channel->call<Ack>(PartitionDelete{.partitionId = pid});
    QVERIFY(!deleted.ok() && refusedAsUnderWay(deleted.error()));
    QCOMPARE(m_market->heldCount(), 1);

    m_market->answerHeld();
    QTRY_VERIFY(answer.has_value());
    QVERIFY2(answer->ok(), qPrintable(answer->error().toString()));
    QCOMPARE(answer->value().partition.state, QStringLiteral("registered"));
    const PartitionRecord p = m_agent->store().partition(pid).value();
    QCOMPARE(p.state, PartitionStateName::Registered);
    QVERIFY(p.contractId.isEmpty());
    // Answered: the partition is free again (its terms change through the market).
    m_market->holdChanges = false;
    const Result<PartitionInfo> later = m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = dearer});
    QVERIFY2(later.ok(), qPrintable(later.error().toString()));
}

void TestLenderAgent::registrationCommitsOnlyOnTheStateItStartedFrom()
{
    // A registration is committed only on the partition as it was when asked for. Here a
    // direct lease reaches the store behind the agent's back while the market is answering:
    // the registration fails, its offer is withdrawn at the market, and the lease stays.
    const QString pid = createPartition();
    m_market->holdChanges = true;
    std::optional<Result<PartitionInfo>> answer;
    QObject context;
    m_owner->channel->request<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false},
                                             &context, [&answer](Result<PartitionInfo> r) { answer = r; });
    QTRY_COMPARE(m_market->heldCount(), 1);
    const ContractRecord direct{.contractId = QStringLiteral("d-behind"), .partitionId = pid, .borrowerId = m_borrower.nodeId(),
                                .keyHash = QByteArray(32, 'k'), .marketId = {}, .startedAtMs = QDateTime::currentMSecsSinceEpoch(),
                                .endedAtMs = 0, .maxDurationS = 0, .ratePerHour = Money(), .borrowerName = {}};
    QVERIFY(m_agent->store().startContract(direct).ok());
    m_market->answerHeld();
    QTRY_VERIFY(answer.has_value());
    QVERIFY(!answer->ok());
    QCOMPARE(answer->error().code, ErrorCode::Conflict);
    QVERIFY2(answer->error().message.contains(QLatin1String("the registration is withdrawn there")), qPrintable(answer->error().message));
    QTRY_COMPARE(m_market->withdrawn, QStringList{pid});
    QTRY_VERIFY(m_agent->store().pendingWithdrawals(m_market->id()).value().isEmpty());
    PartitionRecord p = m_agent->store().partition(pid).value();
    QCOMPARE(p.state, PartitionStateName::Lent);
    QCOMPARE(p.contractId, direct.contractId);
    QVERIFY(p.marketId.isEmpty());

    // A partition left registered with a running direct lease (as an agent without this check
    // could leave it) stays lent when withdrawn, so that the lease can still be ended.
    p.state = PartitionStateName::Registered;
    p.marketId = m_market->id();
    p.offerId = QStringLiteral("o-") + pid;
    QVERIFY(m_agent->store().updatePartition(p).ok());
    Result<PartitionInfo> w = m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid});
    QVERIFY2(w.ok(), qPrintable(w.error().toString()));
    QCOMPARE(w->partition.state, QStringLiteral("lent"));
    QCOMPARE(m_agent->store().partition(pid)->contractId, direct.contractId);
    w = m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid});
    QVERIFY2(w.ok(), qPrintable(w.error().toString()));
    QCOMPARE(w->partition.state, QStringLiteral("unregistered"));
    QVERIFY(!m_agent->store().contract(direct.contractId)->isRunning());
}

void TestLenderAgent::alterCommitsOnThePartitionAsItIsNow()
{
    // New terms of a registered partition are committed on the partition as it is when the
    // market answers, not on a copy from before: a contract that ran and ended meanwhile
    // keeps its earnings.
    const QString pid = createPartition();
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());
    m_market->holdChanges = true;
    const LendingConditions dearer{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.75").value(), 0};
    std::optional<Result<PartitionInfo>> answer;
    QObject context;
    m_owner->channel->request<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = dearer}, &context,
                                             [&answer](Result<PartitionInfo> r) { answer = r; });
    QTRY_COMPARE(m_market->heldCount(), 1);
    const TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId());
    QTRY_COMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Lent);
    QTest::qWait(300);
    m_market->endContract(c.contractId);
    QTRY_COMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Registered);
    const Money earned = m_agent->store().partition(pid)->earnings;
    QVERIFY(earned > Money());
    m_market->answerHeld();
    QTRY_VERIFY(answer.has_value());
    QVERIFY2(answer->ok(), qPrintable(answer->error().toString()));
    const PartitionRecord p = m_agent->store().partition(pid).value();
    QCOMPARE(p.ratePerHour, Money::parse(u"0.75").value());
    QCOMPARE(p.earnings, earned);
    QCOMPARE(answer->value().partition.earnings, earned);
}

void TestLenderAgent::oneJobStartsAtATimeInAPartition()
{
    // A job whose image the agent lacks waits for the market's word on it; the partition is
    // that job's meanwhile: a second submission is refused at once, not let in beside it.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    m_market->holdImages = true;
    std::optional<Result<JobAccepted>> first;
    QObject context;
    b.channel->request<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key, .os = QStringLiteral("busybox"),
                                              .script = "echo hi\n", .inputs = {}, .timeoutS = 30},
                                    &context, [&first](Result<JobAccepted> r) { first = r; });
    QTRY_COMPARE(m_market->heldImageRequests(), 1);
    const Result<JobAccepted> second = submit(b, pid, c.contractId, c.key);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, ErrorCode::Conflict);
    QVERIFY2(second.error().message.contains(QLatin1String("another job is being started in partition")), qPrintable(second.error().message));
    QCOMPARE(m_market->heldImageRequests(), 1);
    m_market->answerImageRequests(false);
    QTRY_VERIFY(first.has_value());
    QCOMPARE(first->error().code, ErrorCode::NotFound);
    // Refused, the first job leaves the partition free.
    m_market->holdImages = false;
    QCOMPARE(submit(b, pid, c.contractId, c.key).error().code, ErrorCode::NotFound);
}

void TestLenderAgent::contractEndedWhileTheImageWasAskedFor()
{
    // The contract ends while the market is asked for the job's image: the job is refused
    // (its key died with the contract), even though the market has the image.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    m_market->holdImages = true;
    std::optional<Result<JobAccepted>> job;
    QObject context;
    b.channel->request<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key, .os = QStringLiteral("busybox"),
                                              .script = "echo hi\n", .inputs = {}, .timeoutS = 30},
                                    &context, [&job](Result<JobAccepted> r) { job = r; });
    QTRY_COMPARE(m_market->heldImageRequests(), 1);
    m_market->endContract(c.contractId);
    QTRY_VERIFY(!m_agent->store().contract(c.contractId)->isRunning());
    m_market->answerImageRequests(true);
    QTRY_VERIFY(job.has_value());
    QVERIFY(!job->ok());
    QCOMPARE(job->error().code, ErrorCode::KeyInvalid);
    QVERIFY2(job->error().message.contains(QLatin1String("has ended")), qPrintable(job->error().message));
    QCOMPARE(m_agent->activeJobCount(), 0);
}

void TestLenderAgent::allocationBelowTheSmallestPartitionIsRefused()
{
    // A market (another implementation, or an older one) rebalances an externally referenced
    // partition below what this agent builds: the agent refuses and keeps the allocation.
    const QString pid = createPartition(1, QStringLiteral("256M"));
    QVERIFY(!pid.isEmpty());
    Result<PartitionInfo> r =
        m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = true});
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QVERIFY(r->partition.externallyReferenced);
    const Resources before = m_agent->store().partition(pid)->resources;
    for (const Resources &tooSmall : {Resources{0, 256, 1024}, Resources{1, 32, 1024}, Resources{1, 256, 8}}) {
        Result<Ack> refused = m_market->changeAllocation(pid, tooSmall);
        QVERIFY2(!refused.ok(), qPrintable(tooSmall.toString()));
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(m_agent->store().partition(pid)->resources, before);
    }
    Result<Ack> smallest = m_market->changeAllocation(pid, kMinPartition);
    QVERIFY2(smallest.ok(), qPrintable(smallest.error().toString()));
    QCOMPARE(m_agent->store().partition(pid)->resources, kMinPartition);
}

void TestLenderAgent::timeLimitLongerThanOneTimerWait()
{
    // A job's deadline timer waits at most a day at a time (shortened here to 100 ms): a job
    // whose time limit is further away runs on past each wait, and stops at its own limit.
    JobRunner::setLongestWaitMs(100);
    JobEnvironment env;
    env.virt = &m_agent->virt();
    env.agentId = m_agent->nodeId();
    JobRecord rec = jobRecord(QStringLiteral("jlonglimit"), QStringLiteral("p-none"), QStringLiteral("c-none"),
                              QStringLiteral("preparing"), QDateTime::currentMSecsSinceEpoch(), 0);
    rec.timeoutS = 1;
    JobRunner runner(&env, rec, Resources{1, 256, 0});
    QVERIFY(runner.prepare("true\n", {}).ok());
    ImageEntry image; // never booted on the test driver
    image.name = QStringLiteral("busybox");
    image.kernelPath = m_dir->filePath(QStringLiteral("vmlinuz"));
    image.initrdPath = m_dir->filePath(QStringLiteral("initramfs.img"));
    QSignalSpy finished(&runner, &JobRunner::finished);
    const Result<void> started = runner.start(image);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    QTest::qWait(600); // six waits
    const bool stillRunning = runner.isRunning() && finished.isEmpty();
    if (!stillRunning)
        qWarning("the job ended early: %s (%s)", qPrintable(runner.record().state), qPrintable(runner.record().message));
    QVERIFY(stillRunning);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QCOMPARE(runner.record().state, QStringLiteral("timed_out"));
    QCOMPARE(runner.record().message, QStringLiteral("stopped after its time limit of 1 s"));
    QVERIFY(runner.record().endedAtMs >= rec.submittedAtMs + 1000);
    QVERIFY(!m_agent->virt().lookup(rec.domainName));
}

void TestLenderAgent::timeLimitBeyondAnyContractIsRefused()
{
    // A job's time limit is at most a contract's longest (100 years): more is refused as an
    // invalid argument before anything else, rather than overflowing its milliseconds.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const auto withLimit = [&](qint64 timeoutS) {
        return b.channel->call<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key,
                                                      .os = QStringLiteral("busybox"), .script = "echo hi\n", .inputs = {},
                                                      .timeoutS = timeoutS});
    };
    for (const qint64 tooLong : {protocol::kMaxContractDurationS + 1, std::numeric_limits<qint64>::max()}) {
        const Result<JobAccepted> r = withLimit(tooLong);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains(QLatin1String("time limit is at most")), qPrintable(r.error().message));
    }
    // The longest is taken (this lender holds no image: NotFound, past the checks).
    QCOMPARE(withLimit(protocol::kMaxContractDurationS).error().code, ErrorCode::NotFound);
}

void TestLenderAgent::stoppedJobsSayWhoStoppedThem()
{
    // A job stopped because its contract ended says why, in words: not "cancelled by the
    // borrower" whoever ended it. Jobs run on the test driver (nothing boots: they run until
    // stopped).
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const auto runningJob = [&](const QString &pid, const QString &cid, const QByteArray &key) -> QString {
        const Result<JobAccepted> job = submit(b, pid, cid, key);
        if (!job.ok()) {
            qWarning() << job.error();
            return {};
        }
        if (!QTest::qWaitFor([&] { return m_agent->store().job(job->jobId)->state == QLatin1String("booting"); }, 10'000))
            return {};
        return job->jobId;
    };
    const auto endedAs = [&](const QString &jobId) -> QString {
        if (!QTest::qWaitFor([&] { return m_agent->store().job(jobId)->isFinished(); }, 10'000))
            return QStringLiteral("(still %1)").arg(m_agent->store().job(jobId)->state);
        const JobRecord j = m_agent->store().job(jobId).value();
        return j.state + QStringLiteral(": ") + j.message;
    };

    // The market ended the contract at its time limit.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    QString job = runningJob(pid, c.contractId, c.key);
    QVERIFY(!job.isEmpty());
    m_market->endContract(c.contractId, QStringLiteral("max_duration"));
    QCOMPARE(endedAs(job), QStringLiteral("cancelled: stopped: the contract reached its time limit"));

    // The market ended it for a reason this agent does not know.
    TestMarket::Contract other;
    const QString otherPid = registeredAndLent(&other, m_borrower.nodeId());
    QVERIFY(!otherPid.isEmpty());
    job = runningJob(otherPid, other.contractId, other.key);
    QVERIFY(!job.isEmpty());
    m_market->endContract(other.contractId, QStringLiteral("audit_hold"));
    QCOMPARE(endedAs(job), QStringLiteral("cancelled: stopped: the market ended the contract (audit_hold)"));

    // The owner ended a direct lease.
    const QString direct = createPartition();
    Result<DirectLease> lease = m_owner->channel->call<DirectLease>(LendDirect{.partitionId = direct, .borrowerId = m_borrower.nodeId()});
    QVERIFY2(lease.ok(), qPrintable(lease.error().toString()));
    job = runningJob(direct, lease->contractId, lease->key);
    QVERIFY(!job.isEmpty());
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = direct}).ok());
    QCOMPARE(endedAs(job), QStringLiteral("cancelled: stopped: the owner ended the direct lease"));

    // The borrower cancelled its own job.
    TestMarket::Contract third;
    const QString thirdPid = registeredAndLent(&third, m_borrower.nodeId());
    QVERIFY(!thirdPid.isEmpty());
    job = runningJob(thirdPid, third.contractId, third.key);
    QVERIFY(!job.isEmpty());
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = job}).ok());
    QCOMPARE(endedAs(job), QStringLiteral("cancelled: cancelled by the borrower"));
}

void TestLenderAgent::contractLearntFromAKeyTakesTheMarketsTerms()
{
    // A contract first learnt from its borrower's key (FIG. 15) is recorded with what the
    // check can know: started now, no time limit. The market's notice, when it comes, gives
    // its real start (earnings count from it) and its time limit (jobs end by it).
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    const QString pid = createPartition(); // 0.5 per hour
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());
    TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId(), false);
    c.startedAtMs -= 3600 * 1000; // an hour ago
    c.maxDurationS = 2 * 3600;
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const auto submitFor = [&](qint64 timeoutS) {
        return b.channel->call<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key,
                                                      .os = QStringLiteral("busybox"), .script = "echo hi\n", .inputs = {},
                                                      .timeoutS = timeoutS});
    };
    Result<JobAccepted> first = submitFor(30);
    QVERIFY2(first.ok(), qPrintable(first.error().toString()));
    QCOMPARE(m_market->verifyCalls, 1);
    QVERIFY(m_agent->store().contract(c.contractId)->startedAtMs > c.startedAtMs);
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = first->jobId}).ok());
    QTRY_VERIFY(m_agent->store().job(first->jobId)->isFinished());

    // A notice that names another borrower changes nothing.
    m_market->notifyAgain(c, QString(), m_stranger.nodeId());
    QTest::qWait(300);
    QCOMPARE(m_agent->store().contract(c.contractId)->maxDurationS, 0);

    m_market->notifyAgain(c, QStringLiteral("Orbit Analytics"));
    QTRY_COMPARE(m_agent->store().contract(c.contractId)->maxDurationS, 2 * 3600);
    const ContractRecord known = m_agent->store().contract(c.contractId).value();
    QCOMPARE(known.startedAtMs, c.startedAtMs);
    QCOMPARE(known.keyHash, QCryptographicHash::hash(c.key, QCryptographicHash::Sha256));
    QCOMPARE(known.borrowerName, QStringLiteral("Orbit Analytics"));
    QCOMPARE(m_agent->store().partition(pid)->contractId, c.contractId);

    // A job asked for three hours gets what is left of the contract: about an hour.
    Result<JobAccepted> capped = submitFor(3 * 3600);
    QVERIFY2(capped.ok(), qPrintable(capped.error().toString()));
    const qint64 timeoutS = m_agent->store().job(capped->jobId)->timeoutS;
    QVERIFY2(timeoutS > 3500 && timeoutS <= 3600, qPrintable(QString::number(timeoutS)));
    QCOMPARE(m_market->verifyCalls, 1);

    // Ended, it earned its hour: 0.5.
    m_market->endContract(c.contractId);
    QTRY_COMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Registered);
    const Money earned = m_agent->store().partition(pid)->earnings;
    QVERIFY2(earned >= Money::parse(u"0.5").value() && earned < Money::parse(u"0.51").value(), qPrintable(earned.toString()));
}

void TestLenderAgent::resumedKvmJobKeepsItsHardLimit()
{
    // An agent restarted on a KVM host follows its running jobs again before it has decided
    // its own domain type (TCG until then; here, on the test driver, TCG for good): a job's
    // domain started under KVM has KVM's memory hard limit (+256 MiB, not TCG's +512), which
    // the lock must neither report as a violation nor "restore".
    m_owner.reset();
    m_agent.reset();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const JobRecord job = jobRecord(QStringLiteral("jkvm"), QStringLiteral("p-kvm"), QStringLiteral("c-kvm"),
                                    QStringLiteral("running"), now, 0);
    QVERIFY(QDir().mkpath(JobRunner::shareDir(job.jobDir)));
    DomainSpec spec = partitionDomainSpec(1, 256, QStringLiteral("kvm"));
    spec.name = job.domainName;
    spec.partitionId = job.partitionId;
    spec.jobId = job.jobId;
    spec.kernel = m_dir->filePath(QStringLiteral("vmlinuz"));
    spec.initrd = m_dir->filePath(QStringLiteral("initramfs.img"));
    spec.shareDir = JobRunner::shareDir(job.jobDir);
    spec.consolePath = JobRunner::consolePath(job.jobDir);
    // The test driver starts the domains of its node file: the one the earlier agent left.
    const QString node = m_dir->filePath(QStringLiteral("node.xml"));
    QFile nodeFile(node);
    QVERIFY(nodeFile.open(QIODevice::WriteOnly));
    nodeFile.write((QStringLiteral("<node>\n") + domainXml(spec) + QStringLiteral("\n</node>\n")).toUtf8());
    nodeFile.close();

    AgentConfig c;
    c.dataDir = m_dir->path();
    c.libvirtUri = QStringLiteral("test://") + node; // no --virt-type
    Result<std::unique_ptr<LenderAgent>> a = LenderAgent::create(c);
    QVERIFY2(a.ok(), qPrintable(a.error().toString()));
    m_agent = std::move(*a);
    PartitionRecord p;
    p.partitionId = job.partitionId;
    p.resources = Resources{1, 256, 1024};
    p.osImages = {QStringLiteral("busybox")};
    p.createdAtMs = now;
    QVERIFY(m_agent->store().insertPartition(p).ok());
    QVERIFY(m_agent->store().insertJob(job).ok());
    const qint64 kvmLimitKib = hardLimitFor(256, QStringLiteral("kvm")) * 1024;
    QCOMPARE(liveTunables(m_agent->virt(), job.domainName)->hardLimitKib, kvmLimitKib);

    QSignalSpy violations(m_agent.get(), &LenderAgent::violationDetected);
    const Result<void> started = m_agent->start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    QCOMPARE(m_agent->virtType(), QStringLiteral("qemu"));
    QCOMPARE(m_agent->activeJobCount(), 1);
    m_agent->auditNow();
    QTest::qWait(100);
    if (!violations.isEmpty())
        qWarning() << "violation:" << violations.first();
    QVERIFY(violations.isEmpty());
    QCOMPARE(liveTunables(m_agent->virt(), job.domainName)->hardLimitKib, kvmLimitKib);
    QCOMPARE(m_agent->store().job(job.jobId)->state, QStringLiteral("running"));

    // A change to it is still one.
    DomainRef d = m_agent->virt().lookup(job.domainName);
    QVERIFY(d);
    virTypedParameter param{};
    qstrncpy(param.field, VIR_DOMAIN_MEMORY_HARD_LIMIT, VIR_TYPED_PARAM_FIELD_LENGTH);
    param.type = VIR_TYPED_PARAM_ULLONG;
    param.value.ul = quint64(kvmLimitKib) * 2;
    QCOMPARE(virDomainSetMemoryParameters(d.get(), &param, 1, VIR_DOMAIN_AFFECT_LIVE), 0);
    m_agent->auditNow();
    QCOMPARE(violations.size(), 1);
    QCOMPARE(liveTunables(m_agent->virt(), job.domainName)->hardLimitKib, kvmLimitKib);
}

void TestLenderAgent::largeOutputIsSentWhole()
{
    // A finished job's output of many MiB (more than the agent queues for one watcher at a
    // time): a watcher gets all of it, in order, then the job's state, also from an offset.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const JobRecord j = jobRecord(QStringLiteral("j-large"), QStringLiteral("p-1"), QStringLiteral("c-1"),
                                  QStringLiteral("succeeded"), now - 60000, now);
    QVERIFY(QDir().mkpath(j.jobDir));
    QByteArray output;
    for (int line = 0; output.size() < 13 * 1024 * 1024 + 17; ++line)
        output += QByteArray::number(line).rightJustified(12, ' ') + " some of a chatty job's output\n";
    QFile console(lender::JobRunner::outputPath(j.jobDir));
    QVERIFY(console.open(QIODevice::WriteOnly));
    QCOMPARE(console.write(output), output.size());
    console.close();
    QVERIFY(m_agent->store().insertJob(j).ok());

    for (const qint64 from : {qint64(0), qint64(5 * 1024 * 1024 + 3)}) {
        Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
        QVERIFY(b.waitUp().ok());
        b.output = QByteArray(from, '\0'); // what it has already: the pushes continue from `from`
        qint64 outputWhenStateCame = -1;
        QObject::connect(b.channel, &Channel::envelopeReceived, &b, [&](const Envelope &e) {
            if (e.type == quint32(MessageType::JobStateChanged) && outputWhenStateCame < 0)
                outputWhenStateCame = b.output.size();
        });
        QVERIFY(b.channel->call<Ack>(WatchJob{.jobId = j.jobId, .fromOffset = from}).ok());
        // The result, asked for at once (as `borrower-client logs` does), comes after the output.
        qint64 outputWhenResultCame = -1;
        b.channel->request<JobResult>(FetchJobResult{.jobId = j.jobId}, &b, [&](Result<JobResult> r) {
            outputWhenResultCame = r.ok() ? b.output.size() : -2;
        });
        QTRY_VERIFY_WITH_TIMEOUT(!b.states.isEmpty() && outputWhenResultCame != -1, 30'000);
        QCOMPARE(outputWhenResultCame, output.size());
        QVERIFY(!b.outputGaps);
        QCOMPARE(outputWhenStateCame, output.size());
        QCOMPARE(b.output.size(), output.size());
        QVERIFY(b.output.mid(from) == output.mid(from));
        QCOMPARE(b.lastState().state, QStringLiteral("succeeded"));
    }
}

QTEST_GUILESS_MAIN(TestLenderAgent)
void TestLenderAgent::domainThatWouldNotStopHoldsItsPartition()
{
    // libvirt could not destroy a stopped job's domain: it runs on, with the partition's CPUs
    // and memory, so the next job there waits until the agent, trying again, has stopped it.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    const auto stateOf = [&](const QString &jobId) { return m_agent->store().job(jobId)->state; };
    const auto domainRuns = [&](const QString &name) {
        DomainRef d = m_agent->virt().lookup(name);
        return d && virDomainIsActive(d.get()) == 1;
    };

    const Result<JobAccepted> first = submit(b, pid, c.contractId, c.key);
    QVERIFY2(first.ok(), qPrintable(first.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(first->jobId), QStringLiteral("booting"), 10'000);
    const QString firstDomain = m_agent->store().job(first->jobId)->domainName;
    QVERIFY(domainRuns(firstDomain));

    m_agent->virt().failDestroysForTest(1'000);
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = first->jobId}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(first->jobId), QStringLiteral("cancelled"), 10'000);
    QVERIFY(domainRuns(firstDomain));

    // The next job waits for the partition, past one attempt to stop the domain again.
    const Result<JobAccepted> second = submit(b, pid, c.contractId, c.key);
    QVERIFY2(second.ok(), qPrintable(second.error().toString()));
    QTest::qWait(2'500);
    QVERIFY(domainRuns(firstDomain));
    QVERIFY2(stateOf(second->jobId) != QLatin1String("booting"), qPrintable(stateOf(second->jobId)));

    // Once libvirt can stop it, it goes, and the next job starts.
    m_agent->virt().failDestroysForTest(0);
    QTRY_VERIFY_WITH_TIMEOUT(!domainRuns(firstDomain), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(second->jobId), QStringLiteral("booting"), 10'000);
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = second->jobId}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(second->jobId), QStringLiteral("cancelled"), 10'000);
}

void TestLenderAgent::marketContractPastItsLimitStartsNoJob()
{
    // The market's notice that a contract ended at its time limit did not come (the market
    // is out of reach): the agent knows the limit, and starts no job of it past it.
    const QString pid = createPartition();
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());
    TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId(), false);
    c.startedAtMs = QDateTime::currentMSecsSinceEpoch() - 600'000;
    c.maxDurationS = 60;
    m_market->notifyAgain(c, QString());
    QTRY_COMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Lent);
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const Result<JobAccepted> job = submit(b, pid, c.contractId, c.key);
    QVERIFY(!job.ok());
    QCOMPARE(job.error().code, ErrorCode::KeyInvalid);
    QVERIFY2(job.error().message.contains(QLatin1String("reached its time limit (60 s)")), qPrintable(job.error().message));
    QVERIFY(m_agent->store().contract(c.contractId)->isRunning()); // its market ends it, not the agent
}

void TestLenderAgent::consoleThatRolledOverIsReadWhole()
{
    // libvirt's virtlogd rolls a console file over at 2 MiB (console.log becomes console.log.0,
    // the older ones .1 …, and a new console.log begins): the agent reads on from where the
    // file it was reading went, and loses nothing. The test driver boots nothing: the test
    // writes the console as a guest would, and rolls it over as virtlogd does.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    const Result<JobAccepted> job = submit(b, pid, c.contractId, c.key);
    QVERIFY2(job.ok(), qPrintable(job.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().job(job->jobId)->state, QStringLiteral("booting"), 10'000);
    const QString jobDir = m_agent->store().job(job->jobId)->jobDir;
    const QString console = JobRunner::consolePath(jobDir);
    const auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Append) && f.write(bytes) == bytes.size();
    };
    const auto rollOver = [&] {
        for (int i = 8; i >= 0; --i) {
            const QString from = i == 0 ? console : console + QLatin1Char('.') + QString::number(i - 1);
            if (QFile::exists(from) && !QFile::rename(from, console + QLatin1Char('.') + QString::number(i)))
                return false;
        }
        return true;
    };
    const auto output = [&] { return JobRunner::outputFrom(jobDir, 0); };

    QVERIFY(write(console, "boot noise\nLENDABLE-JOB-START\none\n"));
    QTRY_COMPARE(output(), QByteArray("one\n"));
    // Written just before the roll-over, so read from the rolled-over file.
    QVERIFY(write(console, "two\n"));
    QVERIFY(rollOver());
    QVERIFY(write(console, "three\n"));
    QTRY_COMPARE(output(), QByteArray("one\ntwo\nthree\n"));
    // Rolled over twice between two reads: both files, oldest first.
    QVERIFY(write(console, "four\n"));
    QVERIFY(rollOver());
    QVERIFY(write(console, "five\n"));
    QVERIFY(rollOver());
    QVERIFY(write(console, "six\n"));
    QTRY_COMPARE(output(), QByteArray("one\ntwo\nthree\nfour\nfive\nsix\n"));
    // The partition's disk counts the rolled-over files too.
    QVERIFY(JobRunner::consoleDiskBytes(jobDir) > JobRunner::diskUsedBytes(console));
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = job->jobId}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->store().job(job->jobId)->isFinished(), 10'000);
}

void TestLenderAgent::oneAgentPerDataDirectory()
{
    // Two agents on one data directory would both run, collect and destroy its domains and
    // jobs: the second is refused, naming the directory and the first one's process, and
    // leaves the first's agent.address alone.
    AgentConfig c;
    c.dataDir = m_dir->path();
    c.libvirtUri = QStringLiteral("test:///default");
    const auto addressFile = [this] {
        QFile f(LenderAgent::addressFilePath(m_dir->path()));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    const QByteArray firstAddress = addressFile();
    QVERIFY(!firstAddress.isEmpty());
    Result<std::unique_ptr<LenderAgent>> second = LenderAgent::create(c);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, ErrorCode::Conflict);
    const QString message = second.error().message;
    QVERIFY2(message.contains(m_dir->path()) && message.contains(QStringLiteral("process %1").arg(::getpid())), qPrintable(message));
    QCOMPARE(addressFile(), firstAddress);
    QVERIFY(m_owner->channel->call<MachineInfo>(MachineShow{}).ok());

    // Once the first has gone, the next one starts.
    m_owner.reset();
    m_agent.reset();
    Result<std::unique_ptr<LenderAgent>> next = LenderAgent::create(c);
    QVERIFY2(next.ok(), qPrintable(next.error().toString()));
    Result<void> started = (*next)->start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    next->reset();

    // The lock of an agent that was killed (its process is gone) does not hold the next one
    // back: a lock file as QLockFile writes it, of a process that has ended.
    QProcess gone;
    gone.start(QStringLiteral("true"), QStringList());
    QVERIFY(gone.waitForStarted());
    const qint64 deadPid = gone.processId();
    QVERIFY(gone.waitForFinished());
    QLockFile model(m_dir->filePath(QStringLiteral("model.lock")));
    QVERIFY(model.tryLock(0));
    QFile modelFile(m_dir->filePath(QStringLiteral("model.lock")));
    QVERIFY(modelFile.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = modelFile.readAll().split('\n');
    model.unlock();
    lines[0] = QByteArray::number(deadPid);
    QFile stale(LenderAgent::lockFilePath(m_dir->path()));
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.write(lines.join('\n'));
    stale.close();
    Result<std::unique_ptr<LenderAgent>> afterKill = LenderAgent::create(c);
    QVERIFY2(afterKill.ok(), qPrintable(afterKill.error().toString()));
    afterKill->reset();

    // In a container the agent is process 1 on every start: the lock of one killed there
    // names the process ID the next one has. It is stale all the same, as no agent of this
    // process holds the directory (while one does, as above, it is not).
    lines[0] = QByteArray::number(QCoreApplication::applicationPid());
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.write(lines.join('\n'));
    stale.close();
    Result<std::unique_ptr<LenderAgent>> samePid = LenderAgent::create(c);
    QVERIFY2(samePid.ok(), qPrintable(samePid.error().toString()));
    Result<std::unique_ptr<LenderAgent>> whileHeld = LenderAgent::create(c);
    QVERIFY(!whileHeld.ok());
    QCOMPARE(whileHeld.error().code, ErrorCode::Conflict);
}

void TestLenderAgent::directLeaseEndsAtItsTimeLimit()
{
    // A direct lease has no market to end it at the partition's time limit: the agent does,
    // at the limit while it runs, and at its next start when the limit passed while it was
    // down. Its key then stops working, saying why.
    const auto lendWithLimit = [this](qint64 limitS) -> std::optional<DirectLease> {
        const QString pid = createPartition();
        const LendingConditions terms{Resources{1, 256, 1024}, {QStringLiteral("busybox")}, Money::parse(u"0.5").value(), limitS};
        if (pid.isEmpty() || !m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = terms}).ok())
            return std::nullopt;
        Result<DirectLease> lease = m_owner->channel->call<DirectLease>(LendDirect{.partitionId = pid, .borrowerId = m_borrower.nodeId()});
        if (!lease.ok())
            qWarning() << lease.error();
        return lease.ok() ? std::optional<DirectLease>(*lease) : std::nullopt;
    };
    const std::optional<DirectLease> lease = lendWithLimit(2);
    QVERIFY(lease);
    const QString pid = lease->partitionId;
    // The borrower is told the limit with the key (the key file carries it).
    QCOMPARE(lease->maxDurationS, std::optional<qint64>(2));
    QVERIFY(lease->startedAtMs && *lease->startedAtMs == m_agent->store().contract(lease->contractId)->startedAtMs);
    const QJsonObject keyFile = directLeaseKeyFile(*lease);
    QCOMPARE(keyFile.value(QLatin1String("max_duration_s")).toInteger(), 2);
    QCOMPARE(keyFile.value(QLatin1String("started_at_ms")).toInteger(), *lease->startedAtMs);
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    // Within the limit the key is good (this lender holds no image: NotFound, not KeyInvalid).
    QCOMPARE(submit(b, pid, lease->contractId, lease->key).error().code, ErrorCode::NotFound);
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Unregistered, 6000);
    Result<ContractRecord> ended = m_agent->store().contract(lease->contractId);
    QVERIFY(ended.ok());
    QCOMPARE(ended->endedAtMs, ended->startedAtMs + 2000);
    Result<JobAccepted> refused = submit(b, pid, lease->contractId, lease->key);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::KeyInvalid);
    QVERIFY2(refused.error().message.contains(QLatin1String("reached its time limit (2 s)")), qPrintable(refused.error().message));

    // The limit passes while the agent is down: the next one ends the lease as it starts.
    const std::optional<DirectLease> second = lendWithLimit(1);
    QVERIFY(second);
    m_owner.reset();
    m_agent.reset();
    QTest::qWait(1500);
    AgentConfig c;
    c.dataDir = m_dir->path();
    c.libvirtUri = QStringLiteral("test:///default");
    Result<std::unique_ptr<LenderAgent>> again = LenderAgent::create(c);
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    m_agent = std::move(*again);
    QCOMPARE(m_agent->store().partition(second->partitionId)->state, PartitionStateName::Lent);
    QVERIFY(m_agent->start().ok());
    QCOMPARE(m_agent->store().partition(second->partitionId)->state, PartitionStateName::Unregistered);
    Result<ContractRecord> endedWhileDown = m_agent->store().contract(second->contractId);
    QVERIFY(endedWhileDown.ok());
    QCOMPARE(endedWhileDown->endedAtMs, endedWhileDown->startedAtMs + 1000);
}

void TestLenderAgent::exitCodeIsReadOnlyWhenItIsShort()
{
    // The guest writes share/exit_code, and may put anything there: a sparse file of 1 TiB,
    // a link to an endless device, a long text. The agent reads a few bytes of a regular file
    // at most; anything else is no exit code. The test driver boots nothing: the test writes
    // the share and the console as a guest would.
    JobEnvironment env;
    env.virt = &m_agent->virt();
    env.agentId = m_agent->nodeId();
    ImageEntry image; // never booted on the test driver
    image.name = QStringLiteral("busybox");
    image.kernelPath = m_dir->filePath(QStringLiteral("vmlinuz"));
    image.initrdPath = m_dir->filePath(QStringLiteral("initramfs.img"));
    const auto writeBytes = [](const QByteArray &bytes) {
        return [bytes](const QString &path) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() && f.flush();
        };
    };
    struct Case {
        QString name;
        std::function<bool(const QString &path)> write;
        QString state;
        QString message;
    };
    const QString none = QStringLiteral("the guest stopped without an exit code");
    // The sparse file first: read whole, it takes the agent down at once.
    const QList<Case> cases{
        {QStringLiteral("sparse"),
         [](const QString &path) {
             QFile f(path);
             return f.open(QIODevice::WriteOnly) && f.resize(qint64(1) << 40);
         },
         QStringLiteral("error"), none},
        {QStringLiteral("endless"), [](const QString &path) { return QFile::link(QStringLiteral("/dev/zero"), path); },
         QStringLiteral("error"), none},
        {QStringLiteral("long"), writeBytes(QByteArray(4096, '1')), QStringLiteral("error"), none},
        {QStringLiteral("short"), writeBytes("7\n"), QStringLiteral("failed"), QStringLiteral("exit code 7")},
    };
    for (const Case &c : cases) {
        const JobRecord rec = jobRecord(QStringLiteral("jexit") + c.name, QStringLiteral("p-none"), QStringLiteral("c-none"),
                                        QStringLiteral("preparing"), QDateTime::currentMSecsSinceEpoch(), 0);
        JobRunner runner(&env, rec, Resources{1, 256, 0});
        QVERIFY(runner.prepare("true\n", {}).ok());
        QSignalSpy finished(&runner, &JobRunner::finished);
        const Result<void> started = runner.start(image);
        QVERIFY2(started.ok(), qPrintable(started.error().toString()));
        QVERIFY2(c.write(JobRunner::shareDir(rec.jobDir) + QStringLiteral("/exit_code")), qPrintable(c.name));
        QFile console(JobRunner::consolePath(rec.jobDir));
        QVERIFY(console.open(QIODevice::WriteOnly | QIODevice::Append));
        console.write("LENDABLE-JOB-START\nLENDABLE-JOB-EXIT 0\n");
        console.close();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10'000);
        QCOMPARE(runner.record().state, c.state);
        QCOMPARE(runner.record().message, c.message);
        QVERIFY(!QFileInfo::exists(JobRunner::shareDir(rec.jobDir)));
        QTRY_VERIFY_WITH_TIMEOUT(runner.isDomainGone(), 10'000);
    }
}

void TestLenderAgent::fullDiskFailsTheJobsPreparation()
{
    // The borrower's script and inputs are written to a full disk (here a tmpfs of 1 MiB that
    // a file filled): the job's preparation fails, saying the disk is full, rather than
    // leaving an empty job.sh that "succeeds" having done nothing.
    if (::geteuid() != 0)
        QSKIP("mounting a small tmpfs needs root");
    QTemporaryDir mountPoint;
    QVERIFY(mountPoint.isValid());
    const QByteArray where = QFile::encodeName(mountPoint.path());
    if (::mount("tmpfs", where.constData(), "tmpfs", 0, "size=1m") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
    const auto unmount = qScopeGuard([&] { ::umount2(where.constData(), MNT_DETACH); });
    {
        QFile fill(mountPoint.filePath(QStringLiteral("fill")));
        QVERIFY(fill.open(QIODevice::WriteOnly));
        const QByteArray chunk(64 * 1024, 'x');
        while (fill.write(chunk) == chunk.size() && fill.flush()) {
        }
    }
    JobEnvironment env;
    env.virt = &m_agent->virt();
    env.agentId = m_agent->nodeId();
    JobRecord rec = jobRecord(QStringLiteral("jfull"), QStringLiteral("p-none"), QStringLiteral("c-none"), QStringLiteral("preparing"),
                              QDateTime::currentMSecsSinceEpoch(), 0);
    rec.jobDir = mountPoint.filePath(QStringLiteral("jobs/jfull"));
    JobRunner runner(&env, rec, Resources{1, 256, 0});
    const Result<void> prepared = runner.prepare("echo hi\n", {JobFile{QStringLiteral("data.csv"), "1,2,3\n"}});
    QVERIFY2(!prepared.ok(), "prepared on a full disk");
    QCOMPARE(prepared.error().code, ErrorCode::DiskFull);
    QVERIFY2(prepared.error().message.contains(QLatin1String("job.sh")), qPrintable(prepared.error().message));
}

void TestLenderAgent::jobThatFailsBeforeItStartsIsFinishedWhole()
{
    // The image a job needs cannot be had (here the market's download does not match its
    // SHA-256): the job ends in error before any domain starts, with its end time (the Jobs
    // dialog shows how long it took; the results sweep sees it) and without the share that
    // held the borrower's script and inputs.
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    m_market->holdImages = true;
    std::optional<Result<JobAccepted>> accepted;
    QObject context;
    b.channel->request<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key, .os = QStringLiteral("busybox"),
                                              .script = "echo hi\n", .inputs = {JobFile{QStringLiteral("data.csv"), "1,2\n"}},
                                              .timeoutS = 30},
                                    &context, [&accepted](Result<JobAccepted> r) { accepted = r; });
    QTRY_COMPARE(m_market->heldImageRequests(), 1);
    m_market->answerImageRequests(true); // asked whether it has the image: it has
    QTRY_VERIFY(accepted.has_value());
    QVERIFY2(accepted->ok(), qPrintable(accepted->error().toString()));
    const QString jobId = accepted->value().jobId;
    QTRY_COMPARE(m_market->heldImageRequests(), 1);
    m_market->answerImageRequests(true); // the download: not the image it announced
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->store().job(jobId)->isFinished(), 10'000);
    const JobRecord j = m_agent->store().job(jobId).value();
    QCOMPARE(j.state, QStringLiteral("error"));
    QVERIFY2(j.message.contains(QLatin1String("SHA-256")), qPrintable(j.message));
    QVERIFY2(j.endedAtMs >= j.submittedAtMs && j.endedAtMs > 0, qPrintable(QString::number(j.endedAtMs)));
    QVERIFY(!QFileInfo::exists(JobRunner::shareDir(j.jobDir)));
    Result<JobList> listed = m_owner->channel->call<JobList>(ListJobs{.partitionId = pid});
    QVERIFY2(listed.ok(), qPrintable(listed.error().toString()));
    QCOMPARE(listed->jobs.size(), 1);
    QCOMPARE(listed->jobs[0].endedAtMs, j.endedAtMs);
    QCOMPARE(m_agent->removeExpiredResults(j.endedAtMs + qint64(14) * 86400 * 1000 + 1), 1);
    QVERIFY(!QFileInfo::exists(j.jobDir));
}

void TestLenderAgent::jobTheStoreRefusesLeavesNoFiles()
{
    // The store cannot record a job (its database refuses, here by a trigger): the submission
    // fails, and the job's prepared directory goes with it, as nothing would point to it.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    TestMarket::Contract c;
    const QString pid = registeredAndLent(&c, m_borrower.nodeId());
    QVERIFY(!pid.isEmpty());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    QVERIFY(m_agent->store()
                .database()
                .exec(QStringLiteral("CREATE TEMP TRIGGER refuse_jobs BEFORE INSERT ON main.jobs "
                                     "BEGIN SELECT RAISE(FAIL, 'the test refuses jobs'); END"))
                .ok());
    const QDir jobs(m_dir->filePath(QStringLiteral("jobs")));
    const QStringList before = jobs.entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    QVERIFY(!submit(b, pid, c.contractId, c.key).ok());
    QCOMPARE(jobs.entryList(QDir::AllEntries | QDir::NoDotAndDotDot), before);
    QCOMPARE(m_agent->activeJobCount(), 0);
    // Recorded again, the next one runs.
    QVERIFY(m_agent->store().database().exec(QStringLiteral("DROP TRIGGER temp.refuse_jobs")).ok());
    const Result<JobAccepted> job = submit(b, pid, c.contractId, c.key);
    QVERIFY2(job.ok(), qPrintable(job.error().toString()));
    QVERIFY(b.channel->call<Ack>(CancelJob{.jobId = job->jobId}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->store().job(job->jobId)->isFinished(), 10'000);
}

void TestLenderAgent::interruptedImageDownloadsAreRemovedAtStart()
{
    // An agent stopped during an image download leaves its partial archive (and maybe a
    // half-unpacked image) under images/.incoming: the next one removes them as it starts,
    // and keeps the images it holds.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    m_owner.reset();
    m_agent.reset();
    const QString incoming = m_dir->filePath(QStringLiteral("images/.incoming"));
    QVERIFY(QDir().mkpath(incoming + QStringLiteral("/unpack-Ab12Cd/busybox")));
    QVERIFY(fillFile(incoming + QStringLiteral("/busybox-Ef34Gh.tar.part"), 1));
    AgentConfig c;
    c.dataDir = m_dir->path();
    c.libvirtUri = QStringLiteral("test:///default");
    Result<std::unique_ptr<LenderAgent>> again = LenderAgent::create(c);
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    m_agent = std::move(*again);
    const Result<void> started = m_agent->start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    const QStringList left = QDir(incoming).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QStringLiteral(", "))));
    QVERIFY(m_agent->images().find(QStringLiteral("busybox")).ok());
}

void TestLenderAgent::ownerWatchersHearOfDeletesAndReserveChanges()
{
    // Another owner window watches (the Lender Console open twice, or beside the CLI): a
    // partition deleted or a new reserve is pushed to it as the machine (MachineInfo, on
    // which it reads the machine and the partitions again), as a created one is pushed.
    Peer watcher(m_agent->identity(), m_agent->localAddress(), m_agent->nodeId(), QStringLiteral("owner"));
    QVERIFY(watcher.waitUp().ok());
    QList<MachineInfo> machines;
    connect(watcher.channel, &Channel::envelopeReceived, &watcher, [&machines](const Envelope &e) {
        if (e.type == quint32(MessageType::MachineInfo))
            machines << decodeMessage<MachineInfo>(e).value();
    });
    QVERIFY(watcher.channel->call<Ack>(OwnerWatch{}).ok());
    const QString pid = createPartition(1, QStringLiteral("256M"));
    QVERIFY(!pid.isEmpty());
    const MachineInfo withIt = *m_owner->channel->call<MachineInfo>(MachineShow{});
    QVERIFY(m_owner->channel->call<Ack>(PartitionDelete{.partitionId = pid}).ok());
    QTRY_VERIFY(!machines.isEmpty());
    QCOMPARE(machines.last().allocated.cpus, withIt.allocated.cpus - 1);
    QCOMPARE(machines.last().allocated.memoryMib, withIt.allocated.memoryMib - 256);
    machines.clear();
    const Resources reserve{1, 512, 1024};
    QVERIFY(m_owner->channel->call<MachineInfo>(SetReserve{.reserve = reserve}).ok());
    QTRY_VERIFY(!machines.isEmpty());
    QCOMPARE(machines.last().reserve, reserve);
}

void TestLenderAgent::partitionWhoseDomainIsStillStoppingIsHeld()
{
    // libvirt could not yet destroy the domain of a partition's last job: it runs on with the
    // partition's CPUs and memory. The partition may be altered or deleted meanwhile (most
    // domains take a moment to go, and an owner is not made to wait for it), but until the
    // domain is gone the machine counts what it holds, so that no new partition is given its
    // CPUs and memory to start a domain beside it.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString pid = createPartition();
    QVERIFY(!pid.isEmpty());
    const Result<DirectLease> lease = m_owner->channel->call<DirectLease>(LendDirect{.partitionId = pid, .borrowerId = m_borrower.nodeId()});
    QVERIFY2(lease.ok(), qPrintable(lease.error().toString()));
    const Result<JobAccepted> job = submit(b, pid, lease->contractId, lease->key);
    QVERIFY2(job.ok(), qPrintable(job.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().job(job->jobId)->state, QStringLiteral("booting"), 10'000);
    const QString domain = m_agent->store().job(job->jobId)->domainName;
    const auto domainRuns = [&] {
        DomainRef d = m_agent->virt().lookup(domain);
        return d && virDomainIsActive(d.get()) == 1;
    };

    m_agent->virt().failDestroysForTest(1'000);
    // Withdrawn, the lease ends and its job is stopped; its domain is not.
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionWithdraw{.partitionId = pid}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->store().job(job->jobId)->isFinished(), 10'000);
    QCOMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Unregistered);
    QVERIFY(domainRuns());
    const auto allocatedMemory = [&] { return m_owner->channel->call<MachineInfo>(MachineShow{})->allocated.memoryMib; };
    const qint64 before = allocatedMemory();
    const LendingConditions smaller{Resources{1, 128, 1024}, {QStringLiteral("busybox")}, Money::fromMicros(2), 3600};
    const Result<PartitionInfo> altered = m_owner->channel->call<PartitionInfo>(PartitionAlter{.partitionId = pid, .conditions = smaller});
    QVERIFY2(altered.ok(), qPrintable(altered.error().toString()));
    QCOMPARE(m_agent->store().partition(pid)->resources.memoryMib, qint64(128));
    QCOMPARE(allocatedMemory(), before); // the domain still holds 256 MiB
    QVERIFY(m_owner->channel->call<Ack>(PartitionDelete{.partitionId = pid}).ok());
    QVERIFY(!m_agent->store().partition(pid).ok());
    QCOMPARE(allocatedMemory(), before); // and still does, its partition gone
    QVERIFY(domainRuns());

    // Once libvirt has stopped it, what it held is the machine's again.
    m_agent->virt().failDestroysForTest(0);
    QTRY_VERIFY_WITH_TIMEOUT(!domainRuns(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(allocatedMemory(), before - 256, 10'000);
}

void TestLenderAgent::machineCountsADomainStillStopping()
{
    // The market rebalances a partition (registered --external) whose last job's domain
    // libvirt could not destroy yet: until that domain is gone, the machine counts what it
    // holds, not the smaller new allocation, so that no other partition is given its memory.
    QTemporaryDir imageDir;
    QVERIFY(writeTestImage(imageDir.path(), QStringLiteral("busybox"), 4096));
    QVERIFY(m_agent->images().add(QStringLiteral("busybox"), imageDir.path()).ok());
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    const QString pid = createPartition(1, QStringLiteral("256M"));
    QVERIFY(!pid.isEmpty());
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = true}).ok());
    const TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId());
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Lent, 10'000);
    const Result<JobAccepted> job = submit(b, pid, c.contractId, c.key);
    QVERIFY2(job.ok(), qPrintable(job.error().toString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().job(job->jobId)->state, QStringLiteral("booting"), 10'000);
    const QString domain = m_agent->store().job(job->jobId)->domainName;
    const auto domainRuns = [&] {
        DomainRef d = m_agent->virt().lookup(domain);
        return d && virDomainIsActive(d.get()) == 1;
    };
    const auto allocatedMemory = [&] { return m_owner->channel->call<MachineInfo>(MachineShow{})->allocated.memoryMib; };

    m_agent->virt().failDestroysForTest(1'000);
    m_market->endContract(c.contractId);
    QTRY_VERIFY_WITH_TIMEOUT(m_agent->store().job(job->jobId)->isFinished(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_agent->store().partition(pid)->state, PartitionStateName::Registered, 10'000);
    QVERIFY(domainRuns());
    const qint64 before = allocatedMemory();
    const Result<Ack> smaller = m_market->changeAllocation(pid, Resources{1, 128, 1024});
    QVERIFY2(smaller.ok(), qPrintable(smaller.error().toString()));
    QCOMPARE(m_agent->store().partition(pid)->resources.memoryMib, qint64(128));
    QCOMPARE(allocatedMemory(), before);

    m_agent->virt().failDestroysForTest(0);
    QTRY_VERIFY_WITH_TIMEOUT(!domainRuns(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(allocatedMemory(), before - 128, 10'000);
}

void TestLenderAgent::marketContractThatReachedItsLimitWhileTheImageWasAskedFor()
{
    // The market answers about the job's image only after the contract reached its time limit
    // (its notice that the contract ended has not come): the job is refused, as one submitted
    // after the limit is, rather than started for the second its deadline would leave.
    const QString pid = createPartition();
    QVERIFY(m_owner->channel->call<PartitionInfo>(PartitionRegister{.partitionId = pid, .marketId = {}, .externallyReferenced = false}).ok());
    TestMarket::Contract c = m_market->startContract(pid, m_borrower.nodeId(), false);
    c.startedAtMs = QDateTime::currentMSecsSinceEpoch() - 57'000;
    c.maxDurationS = 60;
    m_market->notifyAgain(c, QString());
    QTRY_COMPARE(m_agent->store().partition(pid)->state, PartitionStateName::Lent);
    QTRY_COMPARE(m_agent->store().contract(c.contractId)->maxDurationS, 60);
    Peer b(m_borrower, m_agent->localAddress(), m_agent->nodeId());
    QVERIFY(b.waitUp().ok());
    m_market->holdImages = true;
    std::optional<Result<JobAccepted>> job;
    QObject context;
    b.channel->request<JobAccepted>(SubmitJob{.contractId = c.contractId, .partitionId = pid, .key = c.key, .os = QStringLiteral("busybox"),
                                              .script = "echo hi\n", .inputs = {}, .timeoutS = 30},
                                    &context, [&job](Result<JobAccepted> r) { job = r; });
    QTRY_COMPARE(m_market->heldImageRequests(), 1);
    const qint64 limitAtMs = c.startedAtMs + 60'000;
    QVERIFY2(QDateTime::currentMSecsSinceEpoch() < limitAtMs, "the submission came after the limit: nothing tested");
    QTest::qWait(int(limitAtMs - QDateTime::currentMSecsSinceEpoch()) + 100);
    m_market->answerImageRequests(true);
    QTRY_VERIFY(job.has_value());
    QVERIFY2(!job->ok(), "a job was accepted past its contract's time limit");
    QCOMPARE(job->error().code, ErrorCode::KeyInvalid);
    QVERIFY2(job->error().message.contains(QLatin1String("reached its time limit (60 s)")), qPrintable(job->error().message));
    QCOMPARE(m_agent->activeJobCount(), 0);
}

void TestLenderAgent::consoleThatRollsOverWhileItIsReadIsReadOnce()
{
    // virtlogd may roll the console over again while the agent reads the files it rolled over
    // before: what is read is the files looked at (held open), not whatever has their names by
    // then. Here the roll-over comes as the agent passes on the first of them. The test driver
    // boots nothing: the test writes and rolls over the console as a guest and virtlogd would.
    JobEnvironment env;
    env.virt = &m_agent->virt();
    env.agentId = m_agent->nodeId();
    const JobRecord rec = jobRecord(QStringLiteral("jrolling"), QStringLiteral("p-none"), QStringLiteral("c-none"),
                                    QStringLiteral("preparing"), QDateTime::currentMSecsSinceEpoch(), 0);
    const QString console = JobRunner::consolePath(rec.jobDir);
    const auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Append) && f.write(bytes) == bytes.size();
    };
    const auto rollOver = [&] {
        for (int i = 8; i >= 0; --i) {
            const QString from = i == 0 ? console : console + QLatin1Char('.') + QString::number(i - 1);
            if (QFile::exists(from) && !QFile::rename(from, console + QLatin1Char('.') + QString::number(i)))
                return false;
        }
        return true;
    };
    bool rolledWhileRead = false;
    JobRunner runner(&env, rec, Resources{1, 256, 0});
    QVERIFY(runner.prepare("true\n", {}).ok());
    ImageEntry image; // never booted on the test driver
    image.name = QStringLiteral("busybox");
    image.kernelPath = m_dir->filePath(QStringLiteral("vmlinuz"));
    image.initrdPath = m_dir->filePath(QStringLiteral("initramfs.img"));
    const Result<void> started = runner.start(image);
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
    const auto output = [&] { return JobRunner::outputFrom(rec.jobDir, 0); };
    QVERIFY(write(console, "LENDABLE-JOB-START\none\n"));
    QTRY_COMPARE(output(), QByteArray("one\n"));

    connect(&runner, &JobRunner::output, &runner, [&](const QString &, qint64, const QByteArray &data) {
        if (data == "two\n" && !rolledWhileRead)
            rolledWhileRead = rollOver() && write(console, "five\n");
    });
    // Rolled over twice before the agent looks again (no event is handled in between).
    QVERIFY(write(console, "two\n"));
    QVERIFY(rollOver());
    QVERIFY(write(console, "three\n"));
    QVERIFY(rollOver());
    QVERIFY(write(console, "four\n"));
    QTRY_VERIFY(rolledWhileRead);
    QTRY_COMPARE(output(), QByteArray("one\ntwo\nthree\nfour\nfive\n"));
    runner.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(runner.isDomainGone(), 10'000);
}

#include "TestLenderAgent.moc"
