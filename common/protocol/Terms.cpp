#include "protocol/Terms.h"

#include <QCoreApplication>

namespace lendable::protocol {

QStringList agreedTermsChanges(const LendingConditions &offered, const LendingConditions &agreed)
{
    QStringList changes;
    const Resources &has = offered.resources, &had = agreed.resources;
    if (offered.ratePerHour > agreed.ratePerHour) {
        changes.append(QCoreApplication::translate("Terms", "the rate is now %1 per hour, not %2")
                           .arg(offered.ratePerHour.toString(), agreed.ratePerHour.toString()));
    }
    if (has.cpus < had.cpus)
        changes.append(QCoreApplication::translate("Terms", "vCPUs: %1 now, not %2").arg(has.cpus).arg(had.cpus));
    if (has.memoryMib < had.memoryMib) {
        changes.append(QCoreApplication::translate("Terms", "memory: %1 MiB now, not %2 MiB")
                           .arg(has.memoryMib)
                           .arg(had.memoryMib));
    }
    if (has.diskMib < had.diskMib) {
        changes.append(
            QCoreApplication::translate("Terms", "disk: %1 MiB now, not %2 MiB").arg(has.diskMib).arg(had.diskMib));
    }
    // 0 is "no limit": a limit where there was none is shorter, as is a shorter limit.
    if (offered.maxDurationS > 0 && agreed.maxDurationS == 0) {
        changes.append(QCoreApplication::translate("Terms", "a contract may now last at most %1 s, not without limit")
                           .arg(offered.maxDurationS));
    } else if (offered.maxDurationS > 0 && offered.maxDurationS < agreed.maxDurationS) {
        changes.append(QCoreApplication::translate("Terms", "a contract may now last at most %1 s, not %2 s")
                           .arg(offered.maxDurationS)
                           .arg(agreed.maxDurationS));
    }
    for (const QString &image : agreed.osImages) {
        if (!offered.osImages.contains(image))
            changes.append(QCoreApplication::translate("Terms", "it no longer offers the OS image %1").arg(image));
    }
    return changes;
}

} // namespace lendable::protocol
