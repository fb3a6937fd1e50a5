#pragma once
// KVM or TCG? `/dev/kvm` can exist and still be unusable (nested virtualisation: guests hang
// or QEMU aborts, see ARCHITECTURE.md), so the agent uses KVM only after a timed smoke boot
// of a real image passed. The verdict is cached in DATA with the host kernel and QEMU
// versions it was made with, and made again when either changes.
//
// decideVirtType() is the pure decision (unit-tested); KvmProbe runs the smoke boot.

#include "ImageStore.h"
#include "JobRunner.h"
#include "util/Error.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace lendable::lender {

/// The outcome of a KVM smoke boot, as cached in DATA/virt-verdict.json.
struct VirtVerdict {
    QString virtType;        ///< "kvm" or "qemu" (TCG)
    QString reason;          ///< why, for the log and `machine show`
    QString kernelRelease;   ///< host kernel (uname -r) the probe ran on
    QString qemuVersion;     ///< QEMU version libvirt reported ("7.2.22")
    qint64 checkedAtMs = 0;
    bool operator==(const VirtVerdict &) const = default;
};

QByteArray verdictToJson(const VirtVerdict &v);
Result<VirtVerdict> verdictFromJson(const QByteArray &json);
/// Reads the cached verdict; an absent file is not an error (empty optional).
Result<std::optional<VirtVerdict>> loadVerdict(const QString &path);
Result<void> saveVerdict(const QString &path, const VirtVerdict &v);
QString verdictPath(const QString &dataDir);

/// What the decision looks at.
struct VirtChoiceInput {
    QString forced;           ///< --virt-type / AgentConfig::virtType; empty = decide
    bool kvmDevice = false;   ///< /dev/kvm exists
    bool qemuDriver = false;  ///< the libvirt connection runs QEMU (not the test driver)
    bool probeImage = false;  ///< an OS image to boot is at hand
    QString kernelRelease;
    QString qemuVersion;
    std::optional<VirtVerdict> cached;
};

struct VirtChoice {
    enum class Action {
        Use,    ///< use `virtType` now, nothing to probe
        Probe,  ///< run the smoke boot; TCG (`virtType`) until it answers
    };
    Action action = Action::Use;
    QString virtType = QStringLiteral("qemu");
    QString reason;
    bool operator==(const VirtChoice &) const = default;
};

VirtChoice decideVirtType(const VirtChoiceInput &in);

/// The verdict a finished smoke-boot job gives: KVM only if the guest ran the job (exit 0,
/// so it printed its markers) and powered off in time.
VirtVerdict verdictFromProbe(const JobRecord &finished, qint64 timeoutS, qint64 elapsedMs);

/// Host facts for the cache key.
QString hostKernelRelease();
/// "major.minor.micro" of libvirt's hypervisor version number (1000000*major + 1000*minor + micro).
QString formatHypervisorVersion(unsigned long version);

/// Boots `image` once as a transient type='kvm' domain with a short time limit and reports
/// the verdict. The domain carries the agent's ID in its metadata, so a restarted agent
/// destroys it as an orphan if the agent died mid-probe.
class KvmProbe : public QObject {
    Q_OBJECT
public:
    KvmProbe(JobEnvironment env, QString dataDir, ImageEntry image, qint64 timeoutS, QObject *parent = nullptr);
    ~KvmProbe() override;
    void start();

signals:
    void done(const lendable::lender::VirtVerdict &verdict);

private:
    void finish(const JobRecord &record);
    void cleanUp();

    JobEnvironment m_env;
    QString m_dataDir;
    ImageEntry m_image;
    qint64 m_timeoutS;
    QPointer<JobRunner> m_runner;
    QString m_jobDir;
    QElapsedTimer m_clock;
};

} // namespace lendable::lender
