#include "JobRunner.h"

#include "LockGuard.h"
#include "protocol/Terms.h"
#include "util/Paths.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>

namespace lendable::lender {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 g_longestWaitMs = JobRunner::kLongestWaitMs;

constexpr QFileDevice::Permissions kTraversable = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;

// A name of a file directly in a job's directory: no directories, not '.' or '..'.
bool isPlainFileName(const QString &name)
{
    return !name.isEmpty() && name != QLatin1String(".") && name != QLatin1String("..") && !name.contains(QLatin1Char('/'))
        && !name.contains(QChar(0));
}

Result<void> checkFileName(const QString &name)
{
    if (!isPlainFileName(name) || name.size() > 255)
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("input file name '%1' is not allowed (no '/', not '.' or '..', at most 255 characters)").arg(name));
    return {};
}

// The job's file `name` (job.sh, in/…) in its share. Written with write() and close()
// checked, not through QFile: QFile keeps a small file in its buffer and meets a full disk
// only when it flushes on closing, which says nothing, and the job then ran an empty job.sh
// and "succeeded" having done nothing.
Result<void> writeFile(const QString &share, const QString &name, const QByteArray &data)
{
    const auto failed = [&name](int err) {
        if (err == ENOSPC || err == EDQUOT)
            return Error(ErrorCode::DiskFull, QStringLiteral("the lender's disk is full: the job's %1 cannot be written").arg(name));
        return Error(ErrorCode::IoError, QStringLiteral("cannot write the job's %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(err))));
    };
    const int fd = ::open(QFile::encodeName(share + QLatin1Char('/') + name).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return failed(errno);
    for (qsizetype done = 0; done < data.size();) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;
            ::close(fd);
            return failed(err);
        }
        done += n;
    }
    // Some file systems (NFS) say only here that the data did not fit.
    if (::close(fd) != 0 && errno != EINTR)
        return failed(errno);
    return {};
}

/// The most an exit_code file holds: a decimal exit status and a newline, with room to spare.
constexpr qint64 kMaxExitCodeBytes = 32;

// share/exit_code is the guest's to write, and it may be anything: a sparse file of a
// terabyte (read whole, it would take the agent down, and again at each restart), a link to
// /dev/zero or to a FIFO nobody writes. Only a short regular file is read; a link is not
// followed (O_NOFOLLOW) and nothing is waited for (O_NONBLOCK). Anything else is no exit code.
std::optional<int> readExitCode(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat st {};
    char buf[kMaxExitCodeBytes + 1];
    ssize_t n = -1;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= kMaxExitCodeBytes)
        n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n < 0 || n > kMaxExitCodeBytes)
        return std::nullopt;
    bool ok = false;
    const int v = QByteArray(buf, n).trimmed().toInt(&ok);
    return ok ? std::optional<int>(v) : std::nullopt;
}

// QEMU runs as libvirt-qemu under qemu:///system and libvirt does not relabel 9p shares:
// the share must belong to that user for the guest to write out/ and exit_code.
Result<void> handShareToQemu(const QString &share)
{
    const struct passwd *pw = ::getpwnam("libvirt-qemu");
    if (!pw)
        return {};
    gid_t gid = pw->pw_gid;
    if (const struct group *gr = ::getgrnam("kvm"))
        gid = gr->gr_gid;
    auto own = [&](const QString &p) { return ::lchown(QFile::encodeName(p).constData(), pw->pw_uid, gid) == 0; };
    if (!own(share))
        return Error(ErrorCode::IoError, QStringLiteral("cannot hand the job share %1 to libvirt-qemu (is the agent root?)").arg(share));
    QDirIterator it(share, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        own(it.next());
    return {};
}
} // namespace

JobRunner::JobRunner(JobEnvironment *env, JobRecord record, Resources resources, QObject *parent)
    : QObject(parent)
    , m_env(env)
    , m_record(std::move(record))
    , m_resources(resources)
{
    m_consoleTimer.setInterval(250);
    m_domainTimer.setInterval(1000);
    m_deadline.setSingleShot(true);
    connect(&m_consoleTimer, &QTimer::timeout, this, &JobRunner::pollConsole);
    connect(&m_consoleWatcher, &QFileSystemWatcher::fileChanged, this, &JobRunner::pollConsole);
    connect(&m_domainTimer, &QTimer::timeout, this, &JobRunner::pollDomain);
    connect(&m_deadline, &QTimer::timeout, this, &JobRunner::onDeadline);
    m_diskTimer.setInterval(50);
    connect(&m_diskTimer, &QTimer::timeout, this, &JobRunner::checkDisk);
    m_teardownRetry.setSingleShot(true);
    connect(&m_teardownRetry, &QTimer::timeout, this, &JobRunner::retryTeardown);
    buildSpec(nullptr);
}

JobRunner::~JobRunner() = default;

QString JobRunner::shareDir(const QString &jobDir) { return jobDir + QStringLiteral("/share"); }
QString JobRunner::consolePath(const QString &jobDir) { return jobDir + QStringLiteral("/console.log"); }
QString JobRunner::outputPath(const QString &jobDir) { return jobDir + QStringLiteral("/output.log"); }
QString JobRunner::resultDir(const QString &jobDir) { return jobDir + QStringLiteral("/out"); }

void JobRunner::setState(const QString &state, const QString &message)
{
    m_record.state = state;
    if (!message.isEmpty())
        m_record.message = message;
    emit stateChanged(m_record);
}

void JobRunner::buildSpec(const ImageEntry *image)
{
    m_spec = partitionDomainSpec(m_resources.cpus, m_resources.memoryMib, m_virtType.isEmpty() ? m_env->virtType : m_virtType);
    m_spec.name = m_record.domainName;
    m_spec.partitionId = m_record.partitionId;
    m_spec.jobId = m_record.jobId;
    m_spec.agentId = m_env->agentId;
    m_spec.shareDir = shareDir(m_record.jobDir);
    m_spec.consolePath = consolePath(m_record.jobDir);
    m_spec.cpuMask = m_cpuMask;
    if (image) {
        m_spec.kernel = image->kernelPath;
        m_spec.initrd = image->initrdPath;
        m_spec.cmdline = image->cmdline;
    }
}

Result<void> JobRunner::prepare(const QByteArray &script, const QList<protocol::JobFile> &inputs)
{
    for (const protocol::JobFile &f : inputs)
        if (Result<void> ok = checkFileName(f.name); !ok.ok())
            return ok;
    const QString share = shareDir(m_record.jobDir);
    QDir(m_record.jobDir).removeRecursively();
    for (const QString &sub : {QStringLiteral("/in"), QStringLiteral("/out")})
        if (Result<void> made = makeDirectory(share + sub); !made)
            return made;
    QFile::setPermissions(m_record.jobDir, kTraversable);
    if (Result<void> w = writeFile(share, QStringLiteral("job.sh"), script); !w.ok())
        return w;
    for (const protocol::JobFile &f : inputs)
        if (Result<void> w = writeFile(share, QStringLiteral("in/") + f.name, f.data); !w.ok())
            return w;
    if (m_env->virt && m_env->virt->runsGuestsUnprivileged())
        if (Result<void> own = handShareToQemu(share); !own.ok())
            return own;
    m_outputFile.setFileName(outputPath(m_record.jobDir));
    if (!m_outputFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error(ErrorCode::IoError, QStringLiteral("cannot write %1").arg(m_outputFile.fileName()));
    return {};
}

void JobRunner::failBeforeStart(const Error &error)
{
    finishUnstarted(error.message);
}

void JobRunner::finishUnstarted(const QString &message)
{
    if (m_collected)
        return;
    // Finished as collect() finishes a job that ran: with its end time (the results sweep
    // and the owner's Jobs dialog go by it), its output file closed and the share (the
    // borrower's script and inputs) gone. Its directory stays for the sweep.
    m_collected = true;
    m_outputFile.close();
    QDir(shareDir(m_record.jobDir)).removeRecursively();
    m_record.endedAtMs = nowMs();
    setState(QStringLiteral("error"), message);
    emit finished(m_record);
}

Result<void> JobRunner::start(const ImageEntry &image)
{
    buildSpec(&image);
    m_bootClock.start();
    setState(QStringLiteral("booting"));
    emit progress(m_record.jobId, QStringLiteral("boot"), 0, 0);
    DomainSpec xmlSpec = m_spec;
    if (m_env->liveMemtune)
        xmlSpec.hardLimitMib = 0;
    Result<DomainRef> dom = m_env->virt->createTransient(domainXml(xmlSpec));
    if (!dom.ok() && !m_env->liveMemtune && dom.error().message.contains(QLatin1String("locked memory"))) {
        // No CAP_SYS_RESOURCE (containers): libvirt cannot raise QEMU's memlock limit to the
        // hard limit. Remember it and apply the limit live instead (cgroup only).
        m_env->liveMemtune = true;
        xmlSpec.hardLimitMib = 0;
        dom = m_env->virt->createTransient(domainXml(xmlSpec));
    }
    if (!dom.ok() && xmlSpec.cpuMask != 0 && m_env->virt->isConnected()) {
        // The CPUs chosen may not be the daemon's to give (a cpuset cgroup narrower than the
        // agent's own): the job runs unpinned rather than not at all.
        qWarning("job %s: cannot pin to CPUs %s (%s); starting it unpinned", qPrintable(m_record.jobId),
                 qPrintable(cpuSetString(xmlSpec.cpuMask)), qPrintable(dom.error().message));
        xmlSpec.cpuMask = 0;
        m_spec.cpuMask = 0;
        m_cpuMask = 0;
        dom = m_env->virt->createTransient(domainXml(xmlSpec));
    }
    if (!dom.ok()) {
        finishUnstarted(dom.error().message);
        return dom.error();
    }
    m_domainUp = true;
    if (m_env->liveMemtune && m_spec.hardLimitMib > 0) {
        virTypedParameter p{};
        qstrncpy(p.field, VIR_DOMAIN_MEMORY_HARD_LIMIT, VIR_TYPED_PARAM_FIELD_LENGTH);
        p.type = VIR_TYPED_PARAM_ULLONG;
        p.value.ul = quint64(m_spec.hardLimitMib) * 1024;
        if (virDomainSetMemoryParameters(dom->get(), &p, 1, VIR_DOMAIN_AFFECT_LIVE) < 0)
            qWarning("job %s: cannot set the memory hard limit live: %s", qPrintable(m_record.jobId),
                     qPrintable(virtError(QString()).message));
    }
    startTimers();
    return {};
}

void JobRunner::setLongestWaitMs(qint64 ms)
{
    g_longestWaitMs = qBound<qint64>(1, ms, kLongestWaitMs);
}

qint64 JobRunner::timeLimitS() const
{
    const qint64 s = m_record.timeoutS > 0 ? m_record.timeoutS : m_env->defaultTimeoutS;
    // Bounded as a contract's time limit is, so that its milliseconds cannot overflow (a
    // record written by an older agent may hold any value).
    return qBound<qint64>(1, s, protocol::kMaxContractDurationS);
}

void JobRunner::armDeadline()
{
    m_deadline.start(int(qBound<qint64>(0, deadlineAtMs() - nowMs(), g_longestWaitMs)));
}

void JobRunner::startTimers()
{
    armDeadline();
    // libvirt creates the console file when the domain starts.
    if (m_consoleWatcher.files().isEmpty() && QFile::exists(consolePath(m_record.jobDir)))
        m_consoleWatcher.addPath(consolePath(m_record.jobDir));
    m_consoleTimer.start();
    m_domainTimer.start();
    m_diskTimer.start();
}

void JobRunner::resume()
{
    if (Result<ParsedDomain> live = liveDomain(*m_env->virt, m_record.domainName); live.ok()) {
        // The pinning the domain was started with (by an agent before this one) goes on being
        // guarded, and no other job is pinned onto its CPUs.
        if (live->tunables.cpuMask > 0)
            m_cpuMask = quint64(live->tunables.cpuMask);
        // So does the domain type it was started with, and the memory hard limit that goes
        // with it (KVM's margin is not TCG's): this agent may not have decided its own yet
        // (start() reconciles first), or may have decided otherwise.
        if (live->virtType == QLatin1String("kvm") || live->virtType == QLatin1String("qemu"))
            m_virtType = live->virtType;
        buildSpec(nullptr);
    }
    m_outputFile.setFileName(outputPath(m_record.jobDir));
    m_outputFile.open(QIODevice::WriteOnly | QIODevice::Truncate);
    m_outputSize = 0;
    m_consoleOffset = 0;
    m_consoleInode = 0;
    m_domainUp = true;
    m_bootClock.start();
    pollConsole();
    if (!m_collected)
        startTimers();
}

void JobRunner::collectNow()
{
    m_outputFile.setFileName(outputPath(m_record.jobDir));
    m_outputFile.open(QIODevice::WriteOnly | QIODevice::Truncate);
    m_outputSize = 0;
    m_consoleOffset = 0;
    m_consoleInode = 0;
    m_domainUp = false;
    if (m_endReason.isEmpty() && !QFile::exists(shareDir(m_record.jobDir) + QStringLiteral("/exit_code")))
        m_record.message = QStringLiteral("the job ended while the lender agent was not running");
    collect();
}

void JobRunner::appendOutput(const QByteArray &data)
{
    if (data.isEmpty())
        return;
    const qint64 offset = m_outputSize;
    if (m_outputFile.isOpen()) {
        m_outputFile.write(data);
        m_outputFile.flush();
    }
    m_outputSize += data.size();
    emit output(m_record.jobId, offset, data);
}

void JobRunner::pollConsole()
{
    const QString path = consolePath(m_record.jobDir);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return;
    struct stat st {};
    if (::fstat(f.handle(), &st) != 0)
        return;
    if (quint64(st.st_ino) != m_consoleInode) {
        // Not the file read so far: it rolled over (or this is the first read since the job
        // started or the agent did). What the earlier files hold comes first.
        readRolledOver(path, quint64(st.st_ino));
        m_consoleInode = quint64(st.st_ino);
        m_consoleOffset = 0;
    }
    if (f.size() < m_consoleOffset)
        return;
    f.seek(m_consoleOffset);
    for (;;) {
        const QByteArray chunk = f.read(1024 * 1024);
        if (chunk.isEmpty())
            break;
        m_consoleOffset += chunk.size();
        feedConsole(chunk);
    }
    // The watch follows the file it was set on, which a roll-over renamed.
    if (m_consoleWatcher.files().isEmpty() && !m_collected)
        m_consoleWatcher.addPath(path);
    if (m_domainUp && !m_collected && (m_parser.exitMarker() || !m_parser.initError().isEmpty()))
        guestFinished();
}

void JobRunner::readRolledOver(const QString &path, quint64 current)
{
    // libvirt hands a file chardev (the console) to virtlogd, which rolls it over at its
    // max_size (2 MiB unless virtlogd.conf says otherwise): console.log becomes console.log.0,
    // the older ones move up to .1, .2 …, and a new console.log begins. Read from where the
    // file read so far went (newest first on disk), then every newer one, oldest first.
    // Each file is opened as it is looked at, and known by the inode of what was opened: a
    // roll-over between looking and reading renames them, and a name looked at earlier would
    // then be another file.
    std::vector<std::unique_ptr<QFile>> rolled;
    int from = -1;
    for (const QString &p : rolledOverFiles(path)) {
        auto f = std::make_unique<QFile>(p);
        struct stat st {};
        if (!f->open(QIODevice::ReadOnly) || ::fstat(f->handle(), &st) != 0)
            break;
        // The file opened as the current one, rolled over since: it is read after these.
        if (quint64(st.st_ino) == current)
            continue;
        rolled.push_back(std::move(f));
        if (m_consoleInode != 0 && quint64(st.st_ino) == m_consoleInode) {
            from = int(rolled.size()) - 1;
            break;
        }
    }
    qint64 offset = 0;
    if (from >= 0) {
        offset = m_consoleOffset;
    } else {
        // The first read (a resumed job: all of it again), or the file read so far is gone
        // already (rolled over more often than virtlogd keeps files): what is left.
        if (m_consoleInode != 0 && !rolled.empty())
            qWarning("job %s: its console rolled over faster than it was read: some of its output is lost", qPrintable(m_record.jobId));
        from = int(rolled.size()) - 1;
    }
    for (int i = from; i >= 0; --i) {
        QFile &r = *rolled[size_t(i)];
        if (i == from && offset > 0)
            r.seek(offset);
        for (QByteArray chunk = r.read(1024 * 1024); !chunk.isEmpty(); chunk = r.read(1024 * 1024))
            feedConsole(chunk);
    }
}

QStringList JobRunner::rolledOverFiles(const QString &consolePath)
{
    QStringList files;
    for (int i = 0; i < 64; ++i) {
        const QString rolled = consolePath + QLatin1Char('.') + QString::number(i);
        if (!QFileInfo::exists(rolled))
            break;
        files << rolled;
    }
    return files;
}

qint64 JobRunner::consoleDiskBytes(const QString &jobDir)
{
    const QString path = consolePath(jobDir);
    qint64 total = diskUsedBytes(path);
    for (const QString &rolled : rolledOverFiles(path))
        total += diskUsedBytes(rolled);
    return total;
}

void JobRunner::feedConsole(const QByteArray &chunk)
{
    const bool wasStarted = m_parser.jobStarted();
    appendOutput(m_parser.feed(chunk));
    if (!wasStarted && m_parser.jobStarted()) {
        emit progress(m_record.jobId, QStringLiteral("boot"), 1, 1);
        if (m_record.state != QLatin1String("running"))
            setState(QStringLiteral("running"));
    }
}

void JobRunner::pollDomain()
{
    if (!m_domainUp)
        return;
    // Only libvirt's word that the domain is gone or inactive ends the job: while its daemon
    // is away (restarted, say) the guest runs on, and the next tick asks again.
    Result<DomainRef> d = m_env->virt->find(m_record.domainName);
    if (!d.ok())
        return;
    if (!*d || virDomainIsActive(d->get()) == 0)
        domainStopped();
}

qint64 JobRunner::diskUsedBytes(const QString &path)
{
    struct stat st;
    const QByteArray top = QFile::encodeName(path);
    if (::lstat(top.constData(), &st) != 0)
        return 0;
    qint64 total = qint64(st.st_blocks) * 512;
    if (!S_ISDIR(st.st_mode))
        return total;
    QDirIterator it(path, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (::lstat(QFile::encodeName(it.next()).constData(), &st) == 0)
            total += qint64(st.st_blocks) * 512;
    }
    return total;
}

void JobRunner::checkDisk()
{
    if (!m_domainUp || m_collected || m_resources.diskMib <= 0)
        return;
    QElapsedTimer walk;
    walk.start();
    m_diskUsedBytes = diskUsedBytes(shareDir(m_record.jobDir)) + consoleDiskBytes(m_record.jobDir);
    // Checked often, since a guest writes hundreds of MiB a second through its share; a
    // job with very many files is looked at less often, so that the walk stays a small part
    // of the agent's time (at most a twentieth).
    m_diskTimer.setInterval(int(qBound(qint64(50), walk.elapsed() * 20, qint64(5000))));
    if (m_diskUsedBytes <= m_resources.diskMib * 1024 * 1024)
        return;
    qWarning("job %s: %lld MiB of disk used, its partition has %lld MiB: stopping it", qPrintable(m_record.jobId),
             m_diskUsedBytes / (1024 * 1024), m_resources.diskMib);
    m_endReason = QStringLiteral("disk_exceeded");
    // Paused first, which takes effect at once: tearing the domain down takes a while, and
    // the guest would go on writing meanwhile.
    if (Result<DomainRef> d = m_env->virt->find(m_record.domainName); d.ok() && *d)
        virDomainSuspend(d->get());
    destroyDomain();
    domainStopped();
}

void JobRunner::onDeadline()
{
    if (m_collected)
        return;
    // A time limit longer than one wait (a day) is reached in several: not yet, wait again.
    if (nowMs() < deadlineAtMs()) {
        armDeadline();
        return;
    }
    m_endReason = QStringLiteral("timed_out");
    destroyDomain();
    domainStopped();
}

void JobRunner::cancel(const QString &why)
{
    if (m_collected)
        return;
    m_endReason = QStringLiteral("cancelled");
    m_cancelMessage = why;
    destroyDomain();
    domainStopped();
}

void JobRunner::guestFinished()
{
    if (m_collected || !m_domainUp)
        return;
    m_domainUp = false;
    m_tearingDown = true;
    // The guest wrote exit_code before its marker and its 9p writes are already on the host
    // (the share is mounted without a cache), so nothing is lost by not waiting for it.
    m_env->virt->destroyInBackground(m_record.domainName, this, [this](Result<void> r) { teardownDone(r); });
    collect();
}

void JobRunner::destroyDomain()
{
    if (Result<void> r = m_env->virt->destroy(m_record.domainName); !r.ok()) {
        qWarning("job %s: %s", qPrintable(m_record.jobId), qPrintable(r.error().toString()));
        // Still running: it holds the partition's CPUs and memory until it is gone.
        ++m_teardownFailures;
        m_tearingDown = true;
        m_teardownRetry.start(kTeardownRetryMs);
    }
}

void JobRunner::retryTeardown()
{
    m_env->virt->destroyInBackground(m_record.domainName, this, [this](Result<void> r) { teardownDone(r); });
}

void JobRunner::teardownDone(const Result<void> &r)
{
    if (!r.ok()) {
        // libvirt could not stop the domain (or could not be asked): the partition is not
        // free while it runs, so the next job there waits, and the agent tries again.
        if (m_teardownFailures++ == 0) // said once (destroyDomain() says its own)
            qWarning("job %s: %s; trying again every %d s", qPrintable(m_record.jobId), qPrintable(r.error().toString()),
                     kTeardownRetryMs / 1000);
        m_tearingDown = true;
        m_teardownRetry.start(kTeardownRetryMs);
        return;
    }
    if (m_teardownFailures > 0)
        qWarning("job %s: its domain is stopped now, after %d failed attempts", qPrintable(m_record.jobId), m_teardownFailures);
    const bool wasTearingDown = m_tearingDown;
    m_tearingDown = false;
    if (wasTearingDown)
        emit domainGone(m_record.jobId);
}

void JobRunner::domainStopped()
{
    if (m_collected)
        return;
    m_domainUp = false;
    collect();
}

void JobRunner::collect()
{
    if (m_collected)
        return;
    m_collected = true;
    m_consoleTimer.stop();
    if (!m_consoleWatcher.files().isEmpty())
        m_consoleWatcher.removePaths(m_consoleWatcher.files());
    m_domainTimer.stop();
    m_diskTimer.stop();
    m_deadline.stop();
    emit progress(m_record.jobId, QStringLiteral("collect"), 0, 1);
    pollConsole();
    appendOutput(m_parser.finish());
    m_outputFile.close();

    const QString share = shareDir(m_record.jobDir);
    // The last word on the disk: the periodic check looks every 50 ms to 5 s (less often
    // when its walk is slow, on a busy disk), and a guest that wrote past its partition's
    // disk and ended between two checks would otherwise count as done, with its files kept.
    if (m_endReason.isEmpty() && m_resources.diskMib > 0) {
        m_diskUsedBytes = diskUsedBytes(share) + consoleDiskBytes(m_record.jobDir);
        if (m_diskUsedBytes > m_resources.diskMib * 1024 * 1024) {
            m_endReason = QStringLiteral("disk_exceeded");
            m_diskExceededAtEnd = true;
        }
    }
    const std::optional<int> rc = readExitCode(share + QStringLiteral("/exit_code"));
    // out/ moves next to the agent's own files, and the share (the guest's view) goes: no
    // stale 9p directories are left behind.
    const QString result = resultDir(m_record.jobDir);
    QDir(result).removeRecursively();
    // A job stopped for filling its disk leaves nothing on the lender's disk.
    if (m_endReason != QLatin1String("disk_exceeded") && QDir(share + QStringLiteral("/out")).exists())
        QDir().rename(share + QStringLiteral("/out"), result);
    QDir(share).removeRecursively();

    m_record.endedAtMs = nowMs();
    QString state;
    QString message;
    if (m_endReason == QLatin1String("cancelled")) {
        state = QStringLiteral("cancelled");
        message = m_cancelMessage.isEmpty() ? QStringLiteral("cancelled by the borrower") : m_cancelMessage;
    } else if (m_endReason == QLatin1String("timed_out")) {
        state = QStringLiteral("timed_out");
        message = QStringLiteral("stopped after its time limit of %1 s").arg(timeLimitS());
    } else if (m_endReason == QLatin1String("disk_exceeded")) {
        state = QStringLiteral("error");
        message = QStringLiteral("%1: its files and console output took %2 MiB of disk, more than its partition's %3 MiB; "
                                 "its output files were discarded")
                      .arg(m_diskExceededAtEnd ? QStringLiteral("ended past its disk") : QStringLiteral("stopped"))
                      .arg(m_diskUsedBytes / (1024 * 1024))
                      .arg(m_resources.diskMib);
    } else if (rc) {
        m_record.exitCode = rc;
        state = *rc == 0 ? QStringLiteral("succeeded") : QStringLiteral("failed");
        message = QStringLiteral("exit code %1").arg(*rc);
    } else {
        state = QStringLiteral("error");
        message = !m_parser.initError().isEmpty() ? QStringLiteral("the guest could not run the job: ") + m_parser.initError()
                  : !m_record.message.isEmpty()   ? m_record.message
                                                  : QStringLiteral("the guest stopped without an exit code");
    }
    emit progress(m_record.jobId, QStringLiteral("collect"), 1, 1);
    setState(state, message);
    emit finished(m_record);
}

QByteArray JobRunner::outputFrom(const QString &jobDir, qint64 offset, qint64 maxBytes)
{
    QFile f(outputPath(jobDir));
    if (!f.open(QIODevice::ReadOnly) || offset < 0)
        return {};
    f.seek(offset);
    return f.read(maxBytes);
}

Result<QList<protocol::JobFile>> JobRunner::outputs(const QString &jobDir, qint64 maxBytes)
{
    QList<protocol::JobFile> out;
    qint64 total = 0;
    const QDir dir(resultDir(jobDir));
    for (const QFileInfo &fi : dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDir::Name)) {
        total += fi.size();
        if (total > maxBytes)
            return Error(ErrorCode::ResourceExhausted,
                         QStringLiteral("the job's output files exceed %1 bytes").arg(maxBytes));
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly))
            return Error(ErrorCode::IoError, QStringLiteral("cannot read output %1").arg(fi.fileName()));
        out << protocol::JobFile{fi.fileName(), f.readAll()};
    }
    return out;
}

Result<QList<protocol::JobFileSize>> JobRunner::outputSizes(const QString &jobDir)
{
    QList<protocol::JobFileSize> out;
    const QDir dir(resultDir(jobDir));
    for (const QFileInfo &fi : dir.entryInfoList(QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDir::Name))
        out << protocol::JobFileSize{fi.fileName(), fi.size()};
    return out;
}

Result<std::pair<QByteArray, qint64>> JobRunner::outputPart(const QString &jobDir, const QString &name, qint64 offset, qint64 maxBytes)
{
    if (!isPlainFileName(name))
        return Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not the name of an output file").arg(name));
    const QString path = resultDir(jobDir) + QLatin1Char('/') + name;
    // Not followed if it is a link: only the job's own regular files leave the machine.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st = {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int error = errno;
        if (fd >= 0)
            ::close(fd);
        if (fd >= 0 || error == ENOENT || error == ELOOP || error == ENOTDIR)
            return Error(ErrorCode::NotFound, QStringLiteral("the job left no output file named '%1'").arg(name));
        return Error(ErrorCode::IoError, QStringLiteral("cannot read output %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(error))));
    }
    const qint64 size = st.st_size;
    if (offset > size) {
        ::close(fd);
        return Error(ErrorCode::InvalidArgument, QStringLiteral("output %1 has %2 bytes: offset %3 is past its end").arg(name).arg(size).arg(offset));
    }
    QByteArray data(int(qMin(maxBytes, size - offset)), Qt::Uninitialized);
    qsizetype got = 0;
    while (got < data.size()) {
        const ssize_t n = ::pread(fd, data.data() + got, size_t(data.size() - got), off_t(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return Error(ErrorCode::IoError, QStringLiteral("cannot read output %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(error))));
        }
        if (n == 0)
            break;
        got += n;
    }
    ::close(fd);
    data.truncate(got);
    return std::pair<QByteArray, qint64>(data, size);
}

} // namespace lendable::lender
