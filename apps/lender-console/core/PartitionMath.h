#pragma once
// The machine's arithmetic (FIG. 1: lendable partitions beside the owner's non-lendable
// partition 2P). Pure functions, so the rule "the lendable total never exceeds the host
// minus the reserve" is tested on its own.

#include <optional>
#include "model/Resources.h"
#include "util/Error.h"

#include <QList>

namespace lendable::lender {

/// The least disk a partition may have: with none, a job could not even hold its script.
inline constexpr qint64 kMinPartitionDiskMib = kMinPartition.diskMib;

struct MachineBudget {
    Resources host;
    Resources reserve;
    Resources allocated;   ///< sum of the lendable partitions

    /// host − reserve − allocated (components may be negative if the host shrank).
    Resources available() const { return host - reserve - allocated; }
};

/// Ok when `wanted` fits next to `allocatedOthers` within host − reserve; otherwise
/// ResourceExhausted naming each component that does not fit and by how much.
/// With `current` (an alteration), only what grows beyond it must fit: a machine whose
/// partitions were promised more than it now has (its free disk shrank) can still be brought
/// back within it, one partition at a time.
Result<void> checkPartitionFits(const Resources &host, const Resources &reserve, const Resources &allocatedOthers,
                                const Resources &wanted, const std::optional<Resources> &current = std::nullopt);

/// Ok when the reserve is within the host and leaves room for what is already allocated.
/// With `current`, only the components that grow must fit (a smaller reserve is always taken).
Result<void> checkReserve(const Resources &host, const Resources &reserve, const Resources &allocated,
                          const std::optional<Resources> &current = std::nullopt);

/// A partition needs at least kMinPartition: one vCPU, 64 MiB of memory and 16 MiB of disk
/// (its job's script, inputs, outputs and console); negative values are refused.
Result<void> checkPartitionShape(const Resources &wanted);

Resources sum(const QList<Resources> &parts);

/// The host CPUs (a bit mask) a partition's domain with `vcpus` vCPUs is pinned to: the
/// lowest of the `usable` CPUs that are neither the owner's reserve (the first
/// `reserveCpus` usable ones, where the host's own work runs) nor `taken` by another
/// running domain. 0 (no pinning) when fewer than `vcpus` are left.
quint64 choosePinnedCpus(quint64 usable, int reserveCpus, quint64 taken, int vcpus);

/// The CPUs this process may run on (sched_getaffinity), up to CPU 63, within the host's
/// `hostCpus`: those a domain can be pinned to.
quint64 usableCpuMask(int hostCpus);

} // namespace lendable::lender
