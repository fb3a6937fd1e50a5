// lender-bench: what Lendable adds to a job, measured against the VM it boots.
//
// For the busybox image, over N runs, it measures
//  (a) a real job: a borrower peer sends SubmitJob over real TLS to an in-process
//      LenderAgent on qemu:///system (lent directly, no market); times from sending the
//      request to the first job output line and to the final state (exit code) arriving;
//  (b) in the same run, a bare `qemu-system-x86_64` boot of the same kernel + initramfs,
//      same job share (virtio-9p, mapped), same cmdline, memory, vCPUs and accelerator
//      (TCG), from process start to the first job output line and to process exit.
// Prints a table and a final JSON line (submit_to_first_output_ms, submit_to_exit_ms,
// bare_boot_ms, ratio, ...). Medians, because the machine is shared and noisy.
// A benchmark program, not a test (STYLE.md): it prints figures and asserts nothing timed.

#include "LenderAgent.h"
#include "identity/Identity.h"
#include "protocol/Registry.h"
#include "protocol/SslChannel.h"
#include "util/HostPort.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

using namespace lendable;
using namespace lendable::protocol;

namespace {

// The job both sides run: prints one line at once, then exits with a code we check.
const QByteArray kScript = QByteArrayLiteral("echo hello from lender-bench\nexit 3\n");
constexpr int kExpectedExit = 3;
const QByteArray kFirstLine = QByteArrayLiteral("hello from lender-bench");

void out(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

[[noreturn]] void die(const QString &why)
{
    std::fputs(qPrintable(QStringLiteral("lender-bench: error: ") + why + QLatin1Char('\n')), stderr);
    std::exit(1);
}

// Spins the event loop until `done()` or the timeout; the measurements themselves are
// taken in signal handlers, so how often this wakes up does not change them.
bool waitFor(const std::function<bool()> &done, qint64 timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

double median(QList<double> v)
{
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    const qsizetype n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

bool isFinal(const QString &state)
{
    return QStringList{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("cancelled"),
                       QStringLiteral("timed_out"), QStringLiteral("error")}
        .contains(state);
}

/// One Lendable job as the borrower sees it; times in ms from sending SubmitJob.
struct JobTimes {
    double accepted = -1;
    double booting = -1;     ///< state "booting" (the agent is creating the domain)
    double running = -1;     ///< state "running" (the console showed LENDABLE-JOB-START)
    double firstOutput = -1; ///< first JobOutput holding the job's first line
    double collecting = -1;  ///< progress "collect" 0/1: the agent saw the domain end
    double exit = -1;        ///< final JobStateChanged
    QString state;
    std::optional<int> exitCode;
    QString message;
};

/// One bare QEMU boot; times in ms from QProcess::start().
struct BareTimes {
    double firstOutput = -1;
    double exitMarker = -1;  ///< LENDABLE-JOB-EXIT on the console
    double exit = -1;        ///< QEMU process gone
    std::optional<int> exitCode;
    QString error;
};

class Borrower : public QObject {
public:
    Borrower(const Identity &identity, const QString &address, const QString &agentId)
    {
        HandshakeConfig hc;
        hc.localNodeId = identity.nodeId();
        hc.localRole = QStringLiteral("borrower");
        const Result<HostPort> at = parseHostPort(address);
        if (!at)
            die(QStringLiteral("the agent's address: ") + at.error().toString());
        channel = SslChannel::connectTo(at->host, at->port, identity, agentId, hc, this);
        connect(channel, &Channel::envelopeReceived, this, [this](const Envelope &e) { onPush(e); });
    }

    /// Submits and follows one job to its end.
    JobTimes run(const SubmitJob &job, qint64 timeoutMs)
    {
        m_times = JobTimes{};
        m_jobId.clear();
        m_output.clear();
        m_clock.start();
        channel->request<JobAccepted>(job, this, [this](Result<JobAccepted> a) {
            m_times.accepted = ms();
            if (!a.ok()) {
                m_times.state = QStringLiteral("error");
                m_times.message = a.error().toString();
                m_times.exit = ms();
                return;
            }
            m_jobId = a->jobId;
            channel->request<Ack>(WatchJob{.jobId = a->jobId, .fromOffset = 0}, this, [](Result<Ack>) {});
        });
        if (!waitFor([this] { return m_times.exit >= 0; }, timeoutMs))
            m_times.message = QStringLiteral("no final state within %1 ms").arg(timeoutMs);
        return m_times;
    }
    QString jobId() const { return m_jobId; }

    QPointer<SslChannel> channel;

private:
    double ms() const { return double(m_clock.nsecsElapsed()) / 1e6; }
    void onPush(const Envelope &e)
    {
        const double now = ms();
        if (e.type == quint32(MessageType::JobOutput)) {
            const Result<JobOutput> o = decodeMessage<JobOutput>(e);
            if (!o.ok() || o->jobId != m_jobId)
                return;
            m_output += o->data;
            if (m_times.firstOutput < 0 && m_output.contains(kFirstLine))
                m_times.firstOutput = now;
        } else if (e.type == quint32(MessageType::JobStateChanged)) {
            const Result<JobStateChanged> s = decodeMessage<JobStateChanged>(e);
            if (!s.ok() || s->jobId != m_jobId)
                return;
            if (s->state == QLatin1String("booting") && m_times.booting < 0)
                m_times.booting = now;
            if (s->state == QLatin1String("running") && m_times.running < 0)
                m_times.running = now;
            if (isFinal(s->state) && m_times.exit < 0) {
                m_times.exit = now;
                m_times.state = s->state;
                m_times.exitCode = s->exitCode;
                m_times.message = s->message;
            }
        } else if (e.type == quint32(MessageType::JobProgress)) {
            const Result<JobProgress> p = decodeMessage<JobProgress>(e);
            if (p.ok() && p->jobId == m_jobId && p->stage == QLatin1String("collect") && m_times.collecting < 0)
                m_times.collecting = now;
        }
    }

    QElapsedTimer m_clock;
    JobTimes m_times;
    QString m_jobId;
    QByteArray m_output;
};

struct BareConfig {
    QString qemu;
    QString kernel;
    QString initrd;
    QString cmdline;
    int cpus = 1;
    qint64 memoryMib = 256;
};

// The same machine libvirt gives the agent's domain (see its QEMU command line in
// /var/log/libvirt/qemu/): i440fx "pc", TCG, qemu64, no default devices, the 9p share and
// one serial port. The serial port goes to a pipe here so the first line is timed exactly;
// -no-reboot makes a guest reboot/panic end QEMU, as on_reboot/on_crash=destroy do.
BareTimes bareBoot(const BareConfig &c, const QString &workDir, qint64 timeoutMs)
{
    BareTimes t;
    const QString share = workDir + QStringLiteral("/share");
    QDir(workDir).removeRecursively();
    QDir().mkpath(share + QStringLiteral("/in"));
    QDir().mkpath(share + QStringLiteral("/out"));
    QFile job(share + QStringLiteral("/job.sh"));
    if (!job.open(QIODevice::WriteOnly) || job.write(kScript) != kScript.size()) {
        t.error = QStringLiteral("cannot write ") + job.fileName();
        return t;
    }
    job.close();
    const QStringList args = {
        QStringLiteral("-machine"), QStringLiteral("pc,accel=tcg,usb=off,dump-guest-core=off"),
        QStringLiteral("-cpu"), QStringLiteral("qemu64"),
        QStringLiteral("-m"), QString::number(c.memoryMib),
        QStringLiteral("-smp"), QString::number(c.cpus),
        QStringLiteral("-nodefaults"), QStringLiteral("-no-user-config"),
        QStringLiteral("-display"), QStringLiteral("none"),
        QStringLiteral("-no-reboot"),
        QStringLiteral("-kernel"), c.kernel,
        QStringLiteral("-initrd"), c.initrd,
        QStringLiteral("-append"), c.cmdline,
        QStringLiteral("-virtfs"), QStringLiteral("local,path=%1,mount_tag=lendable,security_model=mapped,id=fs0").arg(share),
        QStringLiteral("-serial"), QStringLiteral("stdio"),
    };
    QProcess qemu;
    qemu.setProcessChannelMode(QProcess::SeparateChannels);
    QByteArray console;
    QElapsedTimer clock;
    bool finished = false;
    QObject::connect(&qemu, &QProcess::readyReadStandardOutput, &qemu, [&] {
        const double now = double(clock.nsecsElapsed()) / 1e6;
        console += qemu.readAllStandardOutput();
        const qsizetype start = console.indexOf("LENDABLE-JOB-START");
        if (start < 0)
            return;
        if (t.firstOutput < 0 && console.indexOf(QByteArray(kFirstLine + '\n'), start) >= 0)
            t.firstOutput = now;
        if (t.exitMarker < 0 && console.indexOf("LENDABLE-JOB-EXIT", start) >= 0)
            t.exitMarker = now;
    });
    QObject::connect(&qemu, &QProcess::finished, &qemu, [&] {
        t.exit = double(clock.nsecsElapsed()) / 1e6;
        finished = true;
    });
    clock.start();
    qemu.start(c.qemu, args);
    if (!qemu.waitForStarted(10000)) {
        t.error = QStringLiteral("cannot start %1: %2").arg(c.qemu, qemu.errorString());
        return t;
    }
    if (!waitFor([&] { return finished; }, timeoutMs)) {
        qemu.kill();
        qemu.waitForFinished(5000);
        t.error = QStringLiteral("bare QEMU did not end within %1 ms").arg(timeoutMs);
        t.exit = -1;
    } else if (qemu.exitStatus() != QProcess::NormalExit || qemu.exitCode() != 0) {
        t.error = QStringLiteral("QEMU exited with %1: %2").arg(qemu.exitCode()).arg(QString::fromLocal8Bit(qemu.readAllStandardError()).trimmed());
    }
    QFile rc(share + QStringLiteral("/exit_code"));
    if (rc.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int v = rc.readAll().trimmed().toInt(&ok);
        if (ok)
            t.exitCode = v;
    }
    if (!t.exitCode && t.error.isEmpty())
        t.error = QStringLiteral("the bare guest wrote no exit code; console:\n") + QString::fromUtf8(console.right(2000));
    QDir(workDir).removeRecursively();
    return t;
}

QString fmt(double ms)
{
    return ms < 0 ? QStringLiteral("     -") : QString::asprintf("%6.0f", ms);
}

QString defaultImageCache()
{
    return qEnvironmentVariable("LENDABLE_IMAGE_CACHE", QStringLiteral("/var/tmp/lendable-cache")) + QStringLiteral("/busybox");
}

QString sourceDir()
{
    const QString env = qEnvironmentVariable("LENDABLE_SOURCE_DIR");
    return env.isEmpty() ? QStringLiteral(LENDABLE_BENCH_SOURCE_DIR) : env;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lender-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "bench", "Times a Lendable job (SubmitJob over TLS to a lender agent on libvirt) against a bare QEMU boot of the same image."));
    parser.addHelpOption();
    const QCommandLineOption runsOpt(QStringList{QStringLiteral("runs")}, QCoreApplication::translate("bench", "Number of runs (default 5)."),
                                     QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption imageOpt(QStringList{QStringLiteral("image")},
                                      QCoreApplication::translate("bench", "busybox image directory (built there if missing)."),
                                      QStringLiteral("DIR"), defaultImageCache());
    const QCommandLineOption uriOpt(QStringList{QStringLiteral("libvirt")}, QCoreApplication::translate("bench", "libvirt URI."),
                                    QStringLiteral("URI"), QStringLiteral("qemu:///system"));
    const QCommandLineOption memOpt(QStringList{QStringLiteral("memory")}, QCoreApplication::translate("bench", "Guest memory in MiB."),
                                    QStringLiteral("MIB"), QStringLiteral("256"));
    const QCommandLineOption cpusOpt(QStringList{QStringLiteral("cpus")}, QCoreApplication::translate("bench", "Guest vCPUs."),
                                     QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption qemuOpt(QStringList{QStringLiteral("qemu")}, QCoreApplication::translate("bench", "QEMU binary for the bare boot."),
                                     QStringLiteral("PATH"), QStringLiteral("qemu-system-x86_64"));
    const QCommandLineOption workOpt(QStringList{QStringLiteral("work-dir")},
                                     QCoreApplication::translate("bench", "Parent of the temporary agent data directory (QEMU must reach it)."),
                                     QStringLiteral("DIR"), QStringLiteral("/var/tmp"));
    const QCommandLineOption timeoutOpt(QStringList{QStringLiteral("timeout")}, QCoreApplication::translate("bench", "Per-boot time limit in seconds."),
                                        QStringLiteral("S"), QStringLiteral("120"));
    for (const QCommandLineOption *o : {&runsOpt, &imageOpt, &uriOpt, &memOpt, &cpusOpt, &qemuOpt, &workOpt, &timeoutOpt})
        parser.addOption(*o);
    parser.process(app);

    bool ok = false;
    const int runs = parser.value(runsOpt).toInt(&ok);
    if (!ok || runs < 1)
        die(QStringLiteral("--runs wants a positive number"));
    const qint64 memoryMib = parser.value(memOpt).toLongLong(&ok);
    if (!ok || memoryMib < 128)
        die(QStringLiteral("--memory wants MiB, at least 128"));
    const int cpus = parser.value(cpusOpt).toInt(&ok);
    if (!ok || cpus < 1)
        die(QStringLiteral("--cpus wants a positive number"));
    const qint64 timeoutMs = parser.value(timeoutOpt).toLongLong(&ok) * 1000;
    if (!ok || timeoutMs <= 0)
        die(QStringLiteral("--timeout wants seconds"));
    const QString imageDir = QDir(parser.value(imageOpt)).absolutePath();

    // The image, built once into a cache directory, as the VM test does.
    if (!QFile::exists(imageDir + QStringLiteral("/image.json"))) {
        out(QStringLiteral("building the busybox image into %1 ...").arg(imageDir));
        QProcess build;
        build.setProcessChannelMode(QProcess::ForwardedChannels);
        build.start(sourceDir() + QStringLiteral("/installer/os-images/build-busybox-image.sh"), {imageDir});
        if (!build.waitForFinished(900000) || build.exitStatus() != QProcess::NormalExit || build.exitCode() != 0)
            die(QStringLiteral("building the busybox image failed"));
    }

    QTemporaryDir data(parser.value(workOpt) + QStringLiteral("/lendable-bench-XXXXXX"));
    if (!data.isValid())
        die(QStringLiteral("cannot create a temporary directory under ") + parser.value(workOpt));
    // QEMU runs as libvirt-qemu under qemu:///system: it must walk down to the images and shares.
    QFile::setPermissions(data.path(), QFile::permissions(data.path()) | QFileDevice::ExeGroup | QFileDevice::ExeOther);

    // The agent: in-process, its own data directory, TCG like the bare boot.
    lender::AgentConfig config;
    config.dataDir = data.path() + QStringLiteral("/agent");
    config.libvirtUri = parser.value(uriOpt);
    config.virtType = QStringLiteral("qemu");
    config.defaultJobTimeoutS = timeoutMs / 1000;
    QElapsedTimer setup;
    setup.start();
    Result<std::unique_ptr<lender::LenderAgent>> created = lender::LenderAgent::create(config);
    if (!created.ok())
        die(created.error().toString() + QStringLiteral(" (is libvirtd running? scripts/libvirt-up.sh)"));
    std::unique_ptr<lender::LenderAgent> agent = std::move(*created);
    if (Result<void> s = agent->start(); !s.ok())
        die(s.error().toString());
    Result<lender::ImageEntry> image = agent->images().add(QStringLiteral("busybox"), imageDir);
    if (!image.ok())
        die(image.error().toString());
    const qint64 agentSetupMs = setup.elapsed();

    // The owner makes a partition and lends it directly to our borrower (LAN variant).
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Identity borrowerId = Identity::generate(QStringLiteral("bench borrower"), now.addDays(-1), now.addDays(1)).value();
    HandshakeConfig ownerHc;
    ownerHc.localNodeId = agent->nodeId();
    ownerHc.localRole = QStringLiteral("owner");
    const QString address = agent->localAddress();
    const Result<HostPort> at = parseHostPort(address);
    if (!at)
        die(QStringLiteral("the agent's address: ") + at.error().toString());
    QPointer<SslChannel> owner = SslChannel::connectTo(at->host, at->port, agent->identity(), agent->nodeId(), ownerHc, &app);
    if (Result<void> up = owner->waitEstablished(15000); !up.ok())
        die(QStringLiteral("owner connection: ") + up.error().toString());
    Result<PartitionInfo> part = owner->call<PartitionInfo>(PartitionCreate{
        .conditions = LendingConditions{Resources{cpus, memoryMib, 512}, {QStringLiteral("busybox")}, Money::parse(u"1").value(), 0}});
    if (!part.ok())
        die(QStringLiteral("partition create: ") + part.error().toString());
    const QString partitionId = part->partition.partitionId;
    Result<DirectLease> lease = owner->call<DirectLease>(LendDirect{.partitionId = partitionId, .borrowerId = borrowerId.nodeId()});
    if (!lease.ok())
        die(QStringLiteral("lend-direct: ") + lease.error().toString());

    Borrower borrower(borrowerId, address, agent->nodeId());
    if (Result<void> up = borrower.channel->waitEstablished(15000); !up.ok())
        die(QStringLiteral("borrower connection: ") + up.error().toString());

    const BareConfig bare{parser.value(qemuOpt), image->kernelPath, image->initrdPath, image->cmdline, cpus, memoryMib};
    const SubmitJob job{.contractId = lease->contractId, .partitionId = partitionId, .key = lease->key,
                        .os = QStringLiteral("busybox"), .script = kScript, .inputs = {}, .timeoutS = timeoutMs / 1000};

    out(QStringLiteral("lender-bench: busybox image %1 (kernel %2), %3 vCPU, %4 MiB, TCG, libvirt %5, %6 runs")
            .arg(imageDir, QFileInfo(image->kernelPath).fileName())
            .arg(cpus)
            .arg(memoryMib)
            .arg(config.libvirtUri)
            .arg(runs));
    out(QStringLiteral("agent setup (identity, database, libvirt, image copy): %1 ms").arg(agentSetupMs));
    out(QStringLiteral("times in ms; Lendable from sending SubmitJob, bare from starting QEMU"));
    out(QStringLiteral("run | accepted booting  running 1st-out  dom-end     exit | bare 1st-out exit-mk     exit | ratio"));

    QList<double> firstOut, toExit, bareFirst, bareExit, bareMarker, ratios, accepted, running, ended;
    int failures = 0;
    for (int i = 0; i < runs; ++i) {
        // Alternate which goes first so a drifting load favours neither side.
        JobTimes j;
        BareTimes b;
        auto runJob = [&] {
            // Each job starts on a quiet agent: the previous job's domain (torn down in the
            // background after its result went out) is gone first.
            QElapsedTimer drain;
            drain.start();
            while (drain.elapsed() < 30000) {
                Result<QStringList> active = agent->virt().activeDomainNames(QLatin1String(lender::kDomainPrefix));
                if (!active.ok() || active->isEmpty())
                    break;
                waitFor([] { return false; }, 50);
            }
            j = borrower.run(job, timeoutMs);
        };
        auto runBare = [&] { b = bareBoot(bare, data.path() + QStringLiteral("/bare"), timeoutMs); };
        if (i % 2 == 0) {
            runJob();
            runBare();
        } else {
            runBare();
            runJob();
        }
        const bool jobOk = j.exitCode && *j.exitCode == kExpectedExit && j.firstOutput >= 0;
        const bool bareOk = b.error.isEmpty() && b.exitCode && *b.exitCode == kExpectedExit && b.firstOutput >= 0;
        const double ratio = (jobOk && bareOk && b.exit > 0) ? j.exit / b.exit : -1;
        out(QStringLiteral("%1 | %2  %3   %4  %5   %6   %7 |   %8  %9   %10 | %11")
                .arg(i + 1, 3)
                .arg(fmt(j.accepted), fmt(j.booting), fmt(j.running), fmt(j.firstOutput), fmt(j.collecting), fmt(j.exit))
                .arg(fmt(b.firstOutput), fmt(b.exitMarker), fmt(b.exit))
                .arg(ratio < 0 ? QStringLiteral("  -") : QString::asprintf("%.2f", ratio)));
        if (!jobOk) {
            ++failures;
            out(QStringLiteral("    job failed: state %1, exit code %2, %3")
                    .arg(j.state, j.exitCode ? QString::number(*j.exitCode) : QStringLiteral("none"), j.message));
        }
        if (!bareOk) {
            ++failures;
            out(QStringLiteral("    bare boot failed: %1").arg(b.error));
        }
        if (jobOk) {
            accepted << j.accepted;
            running << j.running;
            firstOut << j.firstOutput;
            toExit << j.exit;
            ended << j.collecting;
        }
        if (bareOk) {
            bareFirst << b.firstOutput;
            bareExit << b.exit;
            bareMarker << b.exitMarker;
        }
        if (ratio > 0)
            ratios << ratio;
    }

    const double mFirst = median(firstOut), mExit = median(toExit), mBare = median(bareExit), mBareFirst = median(bareFirst);
    const double ratio = (mExit > 0 && mBare > 0) ? mExit / mBare : -1;
    out(QStringLiteral("median | accepted %1  running %2  1st-out %3  dom-end %4  exit %5 | bare 1st-out %6  exit-mk %7  exit %8")
            .arg(fmt(median(accepted)), fmt(median(running)), fmt(mFirst), fmt(median(ended)), fmt(mExit), fmt(mBareFirst),
                 fmt(median(bareMarker)), fmt(mBare)));
    out(QStringLiteral("Lendable adds %1 ms to the exit (%2 %), %3 ms to the first output; target ratio <= 1.20: %4")
            .arg(mExit - mBare, 0, 'f', 0)
            .arg(ratio > 0 ? (ratio - 1) * 100 : -1, 0, 'f', 1)
            .arg(mFirst - mBareFirst, 0, 'f', 0)
            .arg(ratio > 0 && ratio <= 1.2 ? QStringLiteral("met") : QStringLiteral("NOT met")));

    auto round1 = [](double v) { return v < 0 ? QJsonValue() : QJsonValue(qRound64(v * 10) / 10.0); };
    QJsonObject j{
        {QStringLiteral("submit_to_first_output_ms"), round1(mFirst)},
        {QStringLiteral("submit_to_exit_ms"), round1(mExit)},
        {QStringLiteral("bare_boot_ms"), round1(mBare)},
        {QStringLiteral("ratio"), ratio < 0 ? QJsonValue() : QJsonValue(qRound64(ratio * 1000) / 1000.0)},
        {QStringLiteral("bare_first_output_ms"), round1(mBareFirst)},
        {QStringLiteral("submit_to_accepted_ms"), round1(median(accepted))},
        {QStringLiteral("submit_to_running_ms"), round1(median(running))},
        {QStringLiteral("submit_to_domain_end_ms"), round1(median(ended))},
        {QStringLiteral("bare_exit_marker_ms"), round1(median(bareMarker))},
        {QStringLiteral("median_of_ratios"), ratios.isEmpty() ? QJsonValue() : QJsonValue(qRound64(median(ratios) * 1000) / 1000.0)},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("failures"), failures},
        {QStringLiteral("kernel"), QFileInfo(image->kernelPath).fileName()},
        {QStringLiteral("virt_type"), QStringLiteral("qemu")},
        {QStringLiteral("memory_mib"), memoryMib},
        {QStringLiteral("vcpus"), cpus},
    };
    out(QString::fromUtf8(QJsonDocument(j).toJson(QJsonDocument::Compact)));

    borrower.channel->close();
    owner->close();
    agent.reset();
    return failures == 0 ? 0 : 2;
}
