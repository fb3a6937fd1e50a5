#include "VirtChoice.h"

#include "DomainXml.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>

#include <sys/utsname.h>

namespace lendable::lender {

QString verdictPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("virt-verdict.json"));
}

QByteArray verdictToJson(const VirtVerdict &v)
{
    const QJsonObject o{
        {QStringLiteral("virtType"), v.virtType},
        {QStringLiteral("reason"), v.reason},
        {QStringLiteral("kernelRelease"), v.kernelRelease},
        {QStringLiteral("qemuVersion"), v.qemuVersion},
        {QStringLiteral("checkedAtMs"), v.checkedAtMs},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<VirtVerdict> verdictFromJson(const QByteArray &json)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject())
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the KVM verdict is not a JSON object: %1").arg(pe.errorString()));
    const QJsonObject o = doc.object();
    VirtVerdict v;
    v.virtType = o.value(QStringLiteral("virtType")).toString();
    v.reason = o.value(QStringLiteral("reason")).toString();
    v.kernelRelease = o.value(QStringLiteral("kernelRelease")).toString();
    v.qemuVersion = o.value(QStringLiteral("qemuVersion")).toString();
    v.checkedAtMs = o.value(QStringLiteral("checkedAtMs")).toInteger();
    if (v.virtType != QLatin1String("kvm") && v.virtType != QLatin1String("qemu"))
        return Error(ErrorCode::InvalidArgument, QStringLiteral("the KVM verdict names no domain type ('%1')").arg(v.virtType));
    return v;
}

Result<std::optional<VirtVerdict>> loadVerdict(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return std::optional<VirtVerdict>();
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    Result<VirtVerdict> v = verdictFromJson(f.readAll());
    if (!v.ok())
        return Error(v.error().code, path + QStringLiteral(": ") + v.error().message);
    return std::optional<VirtVerdict>(*v);
}

Result<void> saveVerdict(const QString &path, const VirtVerdict &v)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(verdictToJson(v)) < 0 || !f.commit())
        return Error(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

VirtChoice decideVirtType(const VirtChoiceInput &in)
{
    const auto use = [](const QString &type, const QString &why) {
        return VirtChoice{VirtChoice::Action::Use, type, why};
    };
    if (!in.forced.isEmpty())
        return use(in.forced, QStringLiteral("domain type %1 forced by --virt-type").arg(in.forced));
    if (!in.qemuDriver)
        return use(QStringLiteral("qemu"), QStringLiteral("the libvirt driver is not QEMU: no KVM"));
    if (!in.kvmDevice)
        return use(QStringLiteral("qemu"), QStringLiteral("/dev/kvm does not exist: TCG"));
    if (in.cached && in.cached->kernelRelease == in.kernelRelease && in.cached->qemuVersion == in.qemuVersion)
        return use(in.cached->virtType, QStringLiteral("cached verdict of %1: %2")
                                            .arg(QDateTime::fromMSecsSinceEpoch(in.cached->checkedAtMs, Qt::UTC).toString(Qt::ISODate),
                                                 in.cached->reason));
    if (!in.probeImage)
        return use(QStringLiteral("qemu"), QStringLiteral("/dev/kvm exists but there is no OS image to test it with yet: TCG "
                                                          "(KVM is tested at the next start)"));
    QString why = QStringLiteral("/dev/kvm exists: testing it with a timed smoke boot; TCG until it passes");
    if (in.cached)
        why += QStringLiteral(" (the host kernel or QEMU changed since the last test)");
    return VirtChoice{VirtChoice::Action::Probe, QStringLiteral("qemu"), why};
}

VirtVerdict verdictFromProbe(const JobRecord &r, qint64 timeoutS, qint64 elapsedMs)
{
    VirtVerdict v;
    v.virtType = QStringLiteral("qemu");
    v.checkedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (r.state == QLatin1String("succeeded") && r.exitCode && *r.exitCode == 0) {
        v.virtType = QStringLiteral("kvm");
        v.reason = QStringLiteral("a KVM smoke boot ran its job and powered off in %1 ms").arg(elapsedMs);
    } else if (r.state == QLatin1String("timed_out")) {
        v.reason = QStringLiteral("a KVM smoke boot did not finish within %1 s (the guest hangs): TCG").arg(timeoutS);
    } else if (r.state == QLatin1String("error")) {
        v.reason = QStringLiteral("a KVM smoke boot failed: %1: TCG").arg(r.message);
    } else {
        v.reason = QStringLiteral("a KVM smoke boot ended %1 (%2): TCG").arg(r.state, r.message);
    }
    return v;
}

QString hostKernelRelease()
{
    struct utsname u;
    if (::uname(&u) != 0)
        return {};
    return QString::fromUtf8(u.release);
}

QString formatHypervisorVersion(unsigned long version)
{
    return QStringLiteral("%1.%2.%3").arg(version / 1000000).arg((version / 1000) % 1000).arg(version % 1000);
}

KvmProbe::KvmProbe(JobEnvironment env, QString dataDir, ImageEntry image, qint64 timeoutS, QObject *parent)
    : QObject(parent)
    , m_env(env)
    , m_dataDir(std::move(dataDir))
    , m_image(std::move(image))
    , m_timeoutS(timeoutS)
{
    m_env.virtType = QStringLiteral("kvm");
}

KvmProbe::~KvmProbe()
{
    // Stopped before it answered (the agent is going away): no verdict, the next start tests
    // again; the domain goes now.
    if (m_runner) {
        m_runner->disconnect(this);
        if (!m_runner->record().isFinished())
            m_runner->cancel();
    }
    cleanUp();
}

void KvmProbe::start()
{
    QByteArray id(6, Qt::Uninitialized);
    for (char &c : id)
        c = char(QRandomGenerator::system()->bounded(256));
    JobRecord rec;
    rec.jobId = QStringLiteral("kvmprobe-") + QString::fromLatin1(id.toHex());
    rec.partitionId = QStringLiteral("kvm-probe");
    rec.os = m_image.name;
    rec.state = QStringLiteral("preparing");
    rec.domainName = QLatin1String(kDomainPrefix) + rec.jobId;
    rec.jobDir = QDir(m_dataDir).filePath(QStringLiteral("jobs/") + rec.jobId);
    rec.submittedAtMs = QDateTime::currentMSecsSinceEpoch();
    rec.timeoutS = m_timeoutS;
    m_jobDir = rec.jobDir;
    const qint64 memoryMib = qMax<qint64>(256, m_image.minMemoryMib);
    m_runner = new JobRunner(&m_env, rec, Resources{1, memoryMib, 0}, this);
    connect(m_runner, &JobRunner::finished, this, &KvmProbe::finish);
    m_clock.start();
    if (Result<void> p = m_runner->prepare(QByteArrayLiteral("echo kvm smoke boot\nexit 0\n"), {}); !p.ok()) {
        JobRecord failed = rec;
        failed.state = QStringLiteral("error");
        failed.message = p.error().message;
        finish(failed);
        return;
    }
    (void)m_runner->start(m_image);   // a failure arrives through finished()
}

void KvmProbe::finish(const JobRecord &record)
{
    const VirtVerdict v = verdictFromProbe(record, m_timeoutS, m_clock.elapsed());
    if (m_runner) {
        m_runner->disconnect(this);
        if (m_runner->isDomainGone()) {
            m_runner->deleteLater();
        } else {
            // The domain is still being torn down in the background; the runner goes with it
            // (or with this probe, whichever is first).
            connect(m_runner.data(), &JobRunner::domainGone, m_runner.data(), &QObject::deleteLater);
        }
        m_runner = nullptr;
    }
    cleanUp();
    emit done(v);
}

void KvmProbe::cleanUp()
{
    if (!m_jobDir.isEmpty())
        QDir(m_jobDir).removeRecursively();
    m_jobDir.clear();
}

} // namespace lendable::lender
