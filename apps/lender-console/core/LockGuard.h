#pragma once
// The lock's watchman: compares a running lent domain's live XML with the lease snapshot
// and puts back what libvirt lets it put back (memory, vCPUs, memtune hard limit,
// cputune shares/period/quota). The agent reports every difference to the market,
// restored or not (ARCHITECTURE.md, "Lock while registered/lent").

#include "DomainXml.h"
#include "Virt.h"

namespace lendable::lender {

struct AuditResult {
    QList<TunableDiff> found;      ///< differences seen
    QList<TunableDiff> remaining;  ///< differences still there after restoring
    QStringList restoreErrors;     ///< what libvirt refused while restoring
    bool violated() const { return !found.isEmpty(); }
    bool restored() const { return violated() && remaining.isEmpty(); }
    /// What was found and whether it was put back, as the market is told.
    LockReport report() const;
    /// "hard_limit 786432 -> 1000 (restored); cpu_shares 1024 -> 5 (restored)"
    QString detail() const { return report().toString(); }
};

/// Reads the live XML of `domainName`, compares it with `lease` and restores what differs.
/// NotFound when the domain is gone.
Result<AuditResult> auditAndRestore(VirtConnection &virt, const QString &domainName, const Tunables &lease);

/// Reads the live XML of a domain. NotFound when the domain is gone.
Result<ParsedDomain> liveDomain(VirtConnection &virt, const QString &domainName);
/// Reads the live tunables of a domain (for tests and the owner's view).
Result<Tunables> liveTunables(VirtConnection &virt, const QString &domainName);

} // namespace lendable::lender
