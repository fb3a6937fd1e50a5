#include "Format.h"

#include "model/LockReport.h"
#include "model/Resources.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

#include <cmath>

namespace lendable::ui {

QString formatTimestamp(qint64 utcMs)
{
    return utcMs > 0 ? QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                     : QString();
}

QString formatDuration(qint64 ms)
{
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString formatTimeLimit(qint64 maxDurationS)
{
    return maxDurationS > 0 ? formatDuration(maxDurationS * 1000) : QCoreApplication::translate("TimeLimit", "none");
}

namespace {
// ASCII digits ("42") in the locale's own (Arabic-Indic, Devanagari, …), as its toString()
// writes whole numbers: a whole part and its decimals in one script.
QString inLocaleDigits(const QString &ascii, const QLocale &locale)
{
    if (locale.zeroDigit() == QLatin1String("0"))
        return ascii;
    QString out;
    for (const QChar c : ascii)
        out += c.isDigit() && c.unicode() < 0x80 ? locale.toString(c.digitValue()) : QString(c);
    return out;
}
} // namespace

QString formatTotal(const Money &amount)
{
    const qint64 micros = amount.micros();
    const qint64 cents = (qAbs(micros) + 5'000) / 10'000; // half away from zero
    const QLocale locale;
    const QString whole = locale.toString(cents / 100);
    const QString text = whole + locale.decimalPoint() + inLocaleDigits(QStringLiteral("%1").arg(cents % 100, 2, 10, QLatin1Char('0')), locale);
    return micros < 0 && cents > 0 ? locale.negativeSign() + text : text;
}

namespace {
// Money::toString() ("2.5", "3", "0.001745") with at least `minDecimals` decimals, and the
// locale's digit grouping, decimal point and minus sign ("12,345.50").
QString withDecimals(const Money &amount, qsizetype minDecimals)
{
    const QString text = amount.toString();
    const bool negative = text.startsWith(QLatin1Char('-'));
    const QStringView digits = QStringView(text).mid(negative ? 1 : 0);
    const qsizetype point = digits.indexOf(QLatin1Char('.'));
    QString decimals = point < 0 ? QString() : digits.mid(point + 1).toString();
    if (decimals.size() < minDecimals)
        decimals += QString(minDecimals - decimals.size(), QLatin1Char('0'));
    const QLocale locale;
    QString out = locale.toString((point < 0 ? digits : digits.left(point)).toULongLong());
    if (!decimals.isEmpty())
        out += locale.decimalPoint() + inLocaleDigits(decimals, locale);
    return negative ? locale.negativeSign() + out : out;
}
} // namespace

QString formatCharge(const Money &amount)
{
    return withDecimals(amount, 6);
}

QString formatAmount(const Money &amount)
{
    return withDecimals(amount, 2);
}

QString formatSize(qint64 mib)
{
    const QLocale locale;
    const auto scaled = [&](double value, const QString &unit) -> QString {
        const double tenths = std::round(value * 10.0) / 10.0;
        return locale.toString(tenths, 'f', tenths == std::floor(tenths) ? 0 : 1) + QLatin1Char(' ') + unit;
    };
    if (qAbs(mib) < 1024)
        return locale.toString(mib) + QStringLiteral(" MiB");
    if (qAbs(mib) < qint64(1024) * 1024)
        return scaled(double(mib) / 1024.0, QStringLiteral("GiB"));
    return scaled(double(mib) / (1024.0 * 1024.0), QStringLiteral("TiB"));
}

namespace {
QString trLock(const char *text)
{
    return QCoreApplication::translate("LockReport", text);
}

// What a tunable is called in the report ("hard_limit") and for people ("memory limit").
const struct TunableName {
    const char *what;
    const char *name;
} kTunableNames[] = {
        {"vcpus", QT_TRANSLATE_NOOP("LockReport", "vCPUs")},
        {"max_vcpus", QT_TRANSLATE_NOOP("LockReport", "maximum vCPUs")},
        {"memory", QT_TRANSLATE_NOOP("LockReport", "memory")},
        {"current_memory", QT_TRANSLATE_NOOP("LockReport", "memory in use")},
        {"hard_limit", QT_TRANSLATE_NOOP("LockReport", "memory limit")},
        {"cpu_shares", QT_TRANSLATE_NOOP("LockReport", "CPU shares")},
        {"vcpu_period", QT_TRANSLATE_NOOP("LockReport", "CPU period")},
        {"vcpu_quota", QT_TRANSLATE_NOOP("LockReport", "CPU quota")},
    {"cpu_pin", QT_TRANSLATE_NOOP("LockReport", "pinned CPUs")},
};

QString tunableName(const QString &what)
{
    for (const TunableName &n : kTunableNames)
        if (what == QLatin1String(n.what))
            return trLock(n.name);
    return what; // a tunable this version does not know: its own name
}

// A value as people read it: sizes (KiB in the report) with a unit, rounded for reading
// unless `exact` ("4100M"), times in µs, libvirt's no-limit values by name; -1 (a value the
// live domain does not have) as "none". What does not parse as the tunable's kind stays as it is.
QString tunableValue(const QString &what, const QString &value, bool exact)
{
    const QLocale locale;
    const QString none = trLock(QT_TRANSLATE_NOOP("LockReport", "none"));
    const QString unlimited = trLock(QT_TRANSLATE_NOOP("LockReport", "unlimited"));
    if (what == QLatin1String("cpu_pin"))
        return value == QLatin1String("none") ? none : value;
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok)
        return value;
    const bool size = what == QLatin1String("memory") || what == QLatin1String("current_memory") || what == QLatin1String("hard_limit");
    const bool micros = what == QLatin1String("vcpu_period") || what == QLatin1String("vcpu_quota");
    if (what == QLatin1String("hard_limit")) {
        // No hard limit: absent from the XML, or VIR_DOMAIN_MEMORY_PARAM_UNLIMITED (2^53 - 1 KiB).
        constexpr qint64 kUnlimitedKib = (qint64(1) << 53) - 1;
        if (n < 0 || n >= kUnlimitedKib)
            return unlimited;
    }
    if (what == QLatin1String("vcpu_quota")) {
        // No quota: negative, or the kernel's largest (2^44 - 1 µs, as libvirt reads it back).
        constexpr qint64 kNoQuotaUs = (qint64(1) << 44) - 1;
        if (n < 0 || n >= kNoQuotaUs)
            return unlimited;
    }
    if (n < 0)
        return none;
    if (size) {
        if (n % 1024 != 0)
            return locale.toString(n) + QStringLiteral(" KiB");
        return exact ? formatSizeMib(n / 1024) : formatSize(n / 1024);
    }
    if (micros)
        return locale.toString(n) + QStringLiteral(" µs");
    return locale.toString(n);
}
} // namespace

QStringList lockReportTermsFor(const QString &text)
{
    QStringList terms;
    const QString wanted = text.simplified();
    if (wanted.isEmpty())
        return terms;
    for (const TunableName &n : kTunableNames) {
        if (trLock(n.name).contains(wanted, Qt::CaseInsensitive))
            terms << QLatin1String(n.what);
    }
    return terms;
}

QString describeLockReport(const QString &detail)
{
    const std::optional<LockReport> report = LockReport::parse(detail);
    if (!report)
        return detail;
    QStringList parts;
    for (const LockChange &c : report->changes) {
        const QString name = tunableName(c.what);
        QString leased = tunableValue(c.what, c.leased, false);
        QString live = tunableValue(c.what, c.live, false);
        if (leased == live) { // rounded alike ("4 GiB → 4 GiB" for 4096 → 4100 MiB): exact
            leased = tunableValue(c.what, c.leased, true);
            live = tunableValue(c.what, c.live, true);
        }
        parts << (c.restored ? trLock(QT_TRANSLATE_NOOP("LockReport", "%1 %2 → %3"))
                             : trLock(QT_TRANSLATE_NOOP("LockReport", "%1 %2 → %3 (not restored)")))
                     .arg(name, leased, live);
    }
    QString text = parts.join(QStringLiteral("; "));
    if (!report->restoreErrors.isEmpty())
        text = trLock(QT_TRANSLATE_NOOP("LockReport", "%1. Restoring failed: %2")).arg(text, report->restoreErrors.join(QStringLiteral("; ")));
    return text;
}

} // namespace lendable::ui
