#pragma once
// The libvirt domain XML of a lent partition running one job, and the reading of a live
// domain's XML back into the figures the lock guards. Pure functions: unit-tested with
// golden checks and against libvirt's test driver.

#include "model/LockReport.h"
#include "util/Error.h"

#include <QDebug>
#include <QString>
#include <QStringList>

#include <optional>

namespace lendable::lender {

/// Domains the agent starts are named with this prefix (restart reconciliation finds them).
inline constexpr const char *kDomainPrefix = "lendable-";
/// XML namespace of the agent's <metadata> element.
inline constexpr const char *kMetadataNs = "https://lendable.invalid/xmlns/job/1";

/// Everything a partition's domain is made of (ARCHITECTURE.md, "Partitions").
struct DomainSpec {
    QString name;                 ///< lendable-<jobId>
    QString virtType = QStringLiteral("qemu"); ///< "qemu" (TCG) or "kvm"
    int vcpus = 1;
    qint64 memoryMib = 256;
    qint64 hardLimitMib = 0;      ///< memtune hard limit; 0 = leave it out of the XML (set live)
    quint64 cpuShares = 1024;     ///< cputune shares (proportional weight against other domains)
    qint64 cpuPeriodUs = 100000;  ///< cputune period
    qint64 cpuQuotaUs = 100000;   ///< cputune quota per vCPU: each vCPU gets at most one host CPU
    /// Host CPUs the partition's vCPUs and QEMU's emulator threads run on (vcpupin,
    /// emulatorpin), one bit per CPU; 0 = not pinned.
    quint64 cpuMask = 0;
    QString kernel;
    QString initrd;
    QString cmdline;
    QString shareDir;             ///< host side of the virtio-9p share (tag "lendable")
    QString consolePath;          ///< serial console file
    QString partitionId;          ///< recorded in <metadata>
    QString jobId;                ///< recorded in <metadata>
    QString agentId;              ///< node ID of the agent that owns the domain (restart reconciliation)
    QString seclabelUser;         ///< empty: libvirt default; "root": QEMU of this domain runs as root
};

/// The spec for a partition with these resources: shares grow with vCPUs, quota caps each
/// vCPU at one host CPU, and the memory hard limit leaves room for QEMU's own overhead
/// (TCG's translation cache needs more than KVM).
DomainSpec partitionDomainSpec(int vcpus, qint64 memoryMib, const QString &virtType);
qint64 hardLimitFor(qint64 memoryMib, const QString &virtType);

/// The domain XML: vcpu at its maximum, cputune shares/period/quota, memtune hard limit,
/// memory == currentMemory, no balloon, ACPI (without it poweroff only halts), direct kernel
/// boot, the 9p share, the serial console to a file, destroy on poweroff/reboot/crash.
QString domainXml(const DomainSpec &spec);

/// The figures the lock compares: what the lease promised and what the live domain has.
/// Memory in KiB as libvirt reports it; -1 where the XML has no value.
struct Tunables {
    int vcpus = -1;               ///< current vCPUs
    int maxVcpus = -1;
    qint64 memoryKib = -1;
    qint64 currentMemoryKib = -1;
    qint64 hardLimitKib = -1;
    qint64 cpuShares = -1;
    qint64 cpuPeriodUs = -1;
    qint64 cpuQuotaUs = -1;
    /// Union of the vcpupin and emulatorpin CPU sets as a bit mask; -1 where the lease pins
    /// nothing or the live domain has no vcpupin.
    qint64 cpuMask = -1;
    bool operator==(const Tunables &) const = default;
};

/// "0-2,5" for the CPUs of a mask, as libvirt writes CPU sets.
QString cpuSetString(quint64 mask);
/// The mask of a libvirt CPU set ("0-2,5,^1"); nullopt when it is malformed or names a CPU
/// past 63.
std::optional<quint64> parseCpuSet(QStringView set);

/// What the domain of `spec` must show live.
Tunables leaseTunables(const DomainSpec &spec);

/// Reads a domain XML (live or not). Also returns the metadata IDs when present.
struct ParsedDomain {
    QString name;
    QString virtType;             ///< the domain's type ("qemu", "kvm", ...)
    Tunables tunables;
    QString partitionId;
    QString jobId;
    QString agentId;
};
Result<ParsedDomain> parseDomainXml(const QString &xml);

/// One difference between lease and live domain, for the violation report.
struct TunableDiff {
    QString what;                 ///< "memory", "currentMemory", "vcpus", "hard_limit", "cpu_shares", "vcpu_period", "vcpu_quota", "cpu_pin" (masks)
    qint64 leased = -1;
    qint64 live = -1;
    bool operator==(const TunableDiff &) const = default;
    /// The change as the report to the market words it (a CPU set for cpu_pin, "none" for
    /// no pinning).
    LockChange change(bool restored) const;
};
/// Differences of `live` from `lease`; values the lease leaves unset (-1) are not compared.
QList<TunableDiff> compareTunables(const Tunables &lease, const Tunables &live);

QDebug operator<<(QDebug dbg, const Tunables &t);

} // namespace lendable::lender
