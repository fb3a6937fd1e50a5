#include "Format.h"

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

QString formatTotal(const Money &amount)
{
    const qint64 micros = amount.micros();
    const qint64 cents = (qAbs(micros) + 5'000) / 10'000; // half away from zero
    const QLocale locale;
    const QString whole = locale.toString(cents / 100);
    const QString text = whole + locale.decimalPoint() + QStringLiteral("%1").arg(cents % 100, 2, 10, QLatin1Char('0'));
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
        out += locale.decimalPoint() + decimals;
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

} // namespace lendable::ui
