#pragma once
// The machine's arithmetic (FIG. 1: lendable partitions beside the owner's non-lendable
// partition 2P). Pure functions, so the rule "the lendable total never exceeds the host
// minus the reserve" is tested on its own.

#include "model/Resources.h"
#include "util/Error.h"

#include <QList>

namespace lendable::lender {

struct MachineBudget {
    Resources host;
    Resources reserve;
    Resources allocated;   ///< sum of the lendable partitions

    /// host − reserve − allocated (components may be negative if the host shrank).
    Resources available() const { return host - reserve - allocated; }
};

/// Ok when `wanted` fits next to `allocatedOthers` within host − reserve; otherwise
/// ResourceExhausted naming each component that does not fit and by how much.
Result<void> checkPartitionFits(const Resources &host, const Resources &reserve, const Resources &allocatedOthers,
                                const Resources &wanted);

/// Ok when the reserve is within the host and leaves room for what is already allocated.
Result<void> checkReserve(const Resources &host, const Resources &reserve, const Resources &allocated);

/// A partition needs at least one vCPU and 64 MiB; negative values are refused.
Result<void> checkPartitionShape(const Resources &wanted);

Resources sum(const QList<Resources> &parts);

} // namespace lendable::lender
