#pragma once
// One borrower job in a lent partition (FIG. 9, S55–S57): prepares the job directory that
// becomes the guest's virtio-9p share, boots the chosen OS image by direct kernel boot in a
// transient domain with the partition's guarantees, follows the serial console live, and
// collects the exit code and output files once the guest powers off (or the job is
// cancelled or runs out of time).

#include "ConsoleParser.h"
#include "DomainXml.h"
#include "ImageStore.h"
#include "LenderStore.h"
#include "Virt.h"
#include "protocol/Messages.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace lendable::lender {

/// What every job of one agent shares.
struct JobEnvironment {
    VirtConnection *virt = nullptr;
    QString agentId;   ///< recorded in each domain's metadata
    QString virtType = QStringLiteral("qemu");
    /// libvirt could not raise QEMU's memlock limit to <hard_limit> (no CAP_SYS_RESOURCE):
    /// start without <memtune> and set the hard limit live (cgroup only).
    bool liveMemtune = false;
    qint64 defaultTimeoutS = 3600;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    JobRunner(JobEnvironment *env, JobRecord record, Resources resources, QObject *parent = nullptr);
    ~JobRunner() override;

    /// Writes job.sh and in/ (names checked: no '/', no '..') into a fresh share directory;
    /// fails with DiskFull when they do not fit on the disk.
    Result<void> prepare(const QByteArray &script, const QList<protocol::JobFile> &inputs);
    /// The host CPUs (bit mask) the domain's vCPUs and emulator threads are pinned to when
    /// it starts; 0 = not pinned. The lock then guards the pinning too.
    void setCpuMask(quint64 mask) { m_cpuMask = mask; }
    /// Boots the domain. On failure the job is finished in state `error`.
    Result<void> start(const ImageEntry &image);
    /// Before start(): a step the agent does for the job (an image download) failed. The job
    /// is finished in state `error`, with its end time, and its share removed.
    void failBeforeStart(const Error &error);
    /// Before start(): progress of a step the agent does for the job (stage as in JobProgress).
    void reportProgress(const QString &stage, qint64 done, qint64 total) { emit progress(m_record.jobId, stage, done, total); }
    /// After an agent restart: the domain still runs; follow it again from the start of
    /// its console (the output offsets come out the same).
    void resume();
    /// After an agent restart: the domain is gone; collect what it left.
    void collectNow();

    /// Stops the job (state `cancelled`). `why` is the message its record keeps; empty: the
    /// borrower cancelled it.
    void cancel(const QString &why = {});

    /// The longest single wait of the deadline timer (a QTimer interval is an int of
    /// milliseconds): a time limit further away is waited for in steps of at most this long.
    static constexpr qint64 kLongestWaitMs = qint64(24) * 3600 * 1000;
    /// For tests: steps of `ms` instead of kLongestWaitMs, so that a time limit longer than
    /// one step is tested without waiting a day.
    static void setLongestWaitMs(qint64 ms);
    /// The job's time limit in seconds: its own, else the agent's default.
    qint64 timeLimitS() const;
    /// When the job's time limit runs out (UTC ms): its submission plus its time limit.
    qint64 deadlineAtMs() const { return m_record.submittedAtMs + timeLimitS() * 1000; }
    /// The disk the job's files and console took at the last check (0 before it runs).
    qint64 diskUsedBytes() const { return m_diskUsedBytes; }
    /// The domain stopped (lifecycle event); safe to call more than once.
    void domainStopped();
    /// The guest is done: it printed LENDABLE-JOB-EXIT (after writing exit_code) or
    /// LENDABLE-INIT-ERROR, or asked to power off. The job is collected and reported at once;
    /// the domain is destroyed in the background rather than waiting for libvirt's own
    /// power-off handling (measured: 1–1.7 s on these machines). Safe to call more than once.
    void guestFinished();

    const JobRecord &record() const { return m_record; }
    /// The partition's allocation the job runs with.
    const Resources &resources() const { return m_resources; }
    QString domainName() const { return m_record.domainName; }
    const DomainSpec &spec() const { return m_spec; }
    /// What the live domain must show (the lease snapshot the lock audits against).
    Tunables lease() const { return leaseTunables(m_spec); }
    bool isRunning() const { return m_domainUp; }
    /// No domain is left: it ended, or its background teardown completed.
    bool isDomainGone() const { return !m_domainUp && !m_tearingDown; }
    qint64 outputSize() const { return m_outputSize; }
    /// Output bytes from `offset` (the agent's own copy, outside the guest's share).
    static QByteArray outputFrom(const QString &jobDir, qint64 offset, qint64 maxBytes = 8 * 1024 * 1024);
    /// Files the job left in out/ (regular files at the top level), once finished.
    static Result<QList<protocol::JobFile>> outputs(const QString &jobDir, qint64 maxBytes);
    /// The same files by name and size, without reading them.
    static Result<QList<protocol::JobFileSize>> outputSizes(const QString &jobDir);
    /// Up to `maxBytes` of the output file `name` from `offset`, and the file's size.
    /// InvalidArgument for a name that is not a plain file name or an offset past the end;
    /// NotFound for a file that is not one of outputs() (missing, a link, a directory).
    static Result<std::pair<QByteArray, qint64>> outputPart(const QString &jobDir, const QString &name, qint64 offset, qint64 maxBytes);

    /// Bytes the files under `path` (or the file itself) take on the disk: their allocated
    /// blocks, so that a sparse file counts what it really uses. Symbolic links are not
    /// followed.
    static qint64 diskUsedBytes(const QString &path);
    /// The disk a job's console takes: its file and the files it rolled over to.
    static qint64 consoleDiskBytes(const QString &jobDir);
    /// The files a console rolled over to (`consolePath`.0, .1 …, newest first), as far as
    /// they run without a gap.
    static QStringList rolledOverFiles(const QString &consolePath);

    /// Paths inside a job directory.
    static QString shareDir(const QString &jobDir);
    static QString consolePath(const QString &jobDir);
    static QString outputPath(const QString &jobDir);
    static QString resultDir(const QString &jobDir);

signals:
    void output(const QString &jobId, qint64 offset, const QByteArray &data);
    void stateChanged(const lendable::lender::JobRecord &record);
    void progress(const QString &jobId, const QString &stage, qint64 done, qint64 total);
    /// Emitted once, after the record reached a terminal state and was collected.
    void finished(const lendable::lender::JobRecord &record);
    /// The domain's teardown completed after finished(): the background one started by
    /// guestFinished(), or one that failed and was tried again until libvirt stopped it.
    void domainGone(const QString &jobId);

private:
    void setState(const QString &state, const QString &message = {});
    /// No domain ran: the job ends in `error` with `message`, as collect() ends one.
    void finishUnstarted(const QString &message);
    void buildSpec(const ImageEntry *image);
    void startTimers();
    /// Sets the deadline timer for the rest of the time limit, or the longest wait if sooner.
    void armDeadline();
    void pollConsole();
    /// The console's rolled-over files (virtlogd's console.log.0, .1 …) from where the file
    /// read so far went, before the current file is read from its start.
    void readRolledOver(const QString &path, quint64 current);
    void feedConsole(const QByteArray &chunk);
    void pollDomain();
    /// The partition's disk is the job's share and its console output: past the partition's
    /// disk allocation, the job is stopped.
    void checkDisk();
    void onDeadline();
    /// Destroys the domain now; one libvirt could not stop is tried again (retryTeardown())
    /// until it is gone, and the runner is not isDomainGone() meanwhile.
    void destroyDomain();
    void retryTeardown();
    void teardownDone(const Result<void> &r);
    void collect();
    void appendOutput(const QByteArray &data);
    QString kernelOf(const ImageEntry &image) const;

    JobEnvironment *m_env;
    JobRecord m_record;
    Resources m_resources;
    DomainSpec m_spec;
    ConsoleParser m_parser;
    qint64 m_consoleOffset = 0;
    quint64 m_consoleInode = 0; ///< of the file m_consoleOffset is in; 0: none read yet
    qint64 m_outputSize = 0;
    QFile m_outputFile;
    QFileSystemWatcher m_consoleWatcher;   ///< inotify: console output is passed on as it is written
    QTimer m_consoleTimer;                 ///< fallback, in case the watcher misses a write
    QTimer m_domainTimer;
    QTimer m_deadline;
    QTimer m_diskTimer;
    QTimer m_teardownRetry;
    static constexpr int kTeardownRetryMs = 2000;
    int m_teardownFailures = 0;
    quint64 m_cpuMask = 0;
    /// The domain type of a resumed job's live domain; empty: the agent's (JobEnvironment).
    QString m_virtType;
    qint64 m_diskUsedBytes = 0;            ///< at the last check
    QElapsedTimer m_bootClock;
    bool m_domainUp = false;
    bool m_collected = false;
    bool m_tearingDown = false;
    QString m_endReason;   ///< "cancelled", "timed_out" or empty
    QString m_cancelMessage; ///< why it was cancelled, when not by its borrower
    /// Past its disk only when it ended (between two checks): it ran to its end.
    bool m_diskExceededAtEnd = false;
};

} // namespace lendable::lender
