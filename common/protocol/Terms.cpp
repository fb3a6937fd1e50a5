#include "protocol/Terms.h"

#include <QCoreApplication>
#include <QRegularExpression>

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

std::optional<Money> parseRatePerHour(const QString &text)
{
    const Result<Money> rate = Money::parse(text.trimmed());
    if (!rate || rate->isNegative() || rate->micros() > Money::kMaxRatePerHourMicros)
        return std::nullopt;
    return *rate;
}

std::optional<qint64> parseDurationS(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty() || t == QLatin1String("none"))
        return 0;
    qint64 total = 0;
    static const QRegularExpression clock(QStringLiteral("^(\\d{1,7}):([0-5]\\d)(?::([0-5]\\d))?$"));
    static const QRegularExpression units(QStringLiteral("^(?:\\s*\\d{1,10}\\s*[dhms])+$"));
    static const QRegularExpression unit(QStringLiteral("(\\d{1,10})\\s*([dhms])"));
    static const QRegularExpression seconds(QStringLiteral("^\\d{1,12}$"));
    if (const QRegularExpressionMatch m = clock.match(t); m.hasMatch()) {
        total = m.captured(1).toLongLong() * 3600 + m.captured(2).toLongLong() * 60 + m.captured(3).toLongLong();
    } else if (units.match(t).hasMatch()) {
        for (QRegularExpressionMatchIterator it = unit.globalMatch(t); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QChar u = m.captured(2).at(0);
            const qint64 per = u == u'd' ? 86400 : u == u'h' ? 3600 : u == u'm' ? 60 : 1;
            total += m.captured(1).toLongLong() * per;
            if (total > kMaxContractDurationS)
                return std::nullopt;
        }
    } else if (seconds.match(t).hasMatch()) {
        total = t.toLongLong();
    } else {
        return std::nullopt;
    }
    if (total > kMaxContractDurationS)
        return std::nullopt;
    return total;
}

} // namespace lendable::protocol
