#pragma once
// What a lender's lock found changed in a lent partition, in the words the agent reports it
// to the market (ReportViolation.detail) and the market keeps (Violation.detail):
//
//   CHANGE[; CHANGE…][ [ERROR[; ERROR…]]]
//   CHANGE = WHAT LEASED -> LIVE (restored|not restored)
//
// WHAT names a tunable ("vcpus", "memory", "hard_limit", "cpu_pin" … as the agent compares
// them), LEASED and LIVE are its values (sizes in KiB, times in µs, a CPU set such as "0-3,6"
// or "none"), and the bracketed ERRORs are what libvirt refused while the agent restored the
// lease. The agent writes it with toString(); the desktop apps read it back with parse() to
// show it in their reader's words and language.

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace lendable {

struct LockChange {
    QString what;   ///< the tunable's name, [a-z_]+
    QString leased; ///< its value in the lease
    QString live;   ///< its value found in the live domain
    bool restored = false;
    bool operator==(const LockChange &) const = default;
};

struct LockReport {
    QList<LockChange> changes;
    QStringList restoreErrors;
    bool operator==(const LockReport &) const = default;

    /// "hard_limit 786432 -> 1000 (restored); cpu_shares 1024 -> 5 (not restored) [ERROR]"
    QString toString() const;
    /// The report a toString() wrote; nullopt for any other text (an older or foreign agent's
    /// words), which a reader shows as it is.
    static std::optional<LockReport> parse(QStringView detail);
};

} // namespace lendable
