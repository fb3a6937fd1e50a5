#include "Money.h"

#include <QByteArray>

#include <limits>

namespace lendable {

namespace {

// GCC and Clang both have a 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
// 64 × 64-bit products (rate micros × milliseconds) need it: they exceed qint64 long before
// the quotient does.
__extension__ typedef __int128 Int128;

constexpr qint64 kMsPerHour = 3'600'000;
constexpr int kBasisPointsPerWhole = 10'000;

// The input as it goes into an error message: quoted and cut short, so a pasted novel
// does not become a novel-sized log line.
QString quoted(QStringView text)
{
    constexpr qsizetype kMaxShown = 64;
    if (text.size() <= kMaxShown)
        return QLatin1Char('"') + text.toString() + QLatin1Char('"');
    return QLatin1Char('"') + text.left(kMaxShown).toString() + QStringLiteral("\u2026\"");
}

Error invalidAmount(QStringView text, const QString &why)
{
    return Error(ErrorCode::InvalidArgument, QStringLiteral("invalid amount %1: %2").arg(quoted(text), why));
}

bool isAsciiDigit(QChar c)
{
    // QChar::isDigit() would also accept Arabic-Indic and other Unicode digits.
    return c >= u'0' && c <= u'9';
}

// Divides and rounds once, half away from zero. Truncating division gives a remainder with
// the sign of the numerator, so comparing magnitudes is enough.
Int128 divideRounded(Int128 numerator, Int128 denominator)
{
    Int128 quotient = numerator / denominator;
    Int128 remainder = numerator % denominator;
    if (remainder < 0)
        remainder = -remainder;
    if (2 * remainder >= denominator)
        quotient += numerator < 0 ? -1 : 1;
    return quotient;
}

bool fitsInt64(Int128 v)
{
    return v >= std::numeric_limits<qint64>::min() && v <= std::numeric_limits<qint64>::max();
}

} // namespace

Result<Money> Money::parse(QStringView text)
{
    if (text.isEmpty())
        return invalidAmount(text, QStringLiteral("the amount is empty"));

    qsizetype i = 0;
    bool negative = false;
    if (text[0] == u'-' || text[0] == u'+') {
        negative = text[0] == u'-';
        ++i;
    }

    // The magnitude is capped at INT64_MAX micros; accumulating in 128 bits and checking at
    // each digit means no digit string, however long, can wrap around.
    constexpr Int128 kMaxMicros = std::numeric_limits<qint64>::max();
    const auto overflow = [&] {
        return invalidAmount(text, QStringLiteral("the amount is too large (at most %1)")
                                       .arg(Money::fromMicros(std::numeric_limits<qint64>::max()).toString()));
    };

    Int128 units = 0;
    const qsizetype intStart = i;
    for (; i < text.size() && isAsciiDigit(text[i]); ++i) {
        units = units * 10 + (text[i].unicode() - u'0');
        if (units * kMicrosPerUnit > kMaxMicros)
            return overflow();
    }
    if (i == intStart) {
        if (i < text.size() && text[i] == u'.')
            return invalidAmount(text, QStringLiteral("expected a digit before the decimal point (write 0.5, not .5)"));
        return invalidAmount(text, QStringLiteral("expected a digit at position %1").arg(i + 1));
    }

    Int128 fraction = 0;
    int decimals = 0;
    if (i < text.size() && text[i] == u'.') {
        ++i;
        for (; i < text.size() && isAsciiDigit(text[i]); ++i) {
            if (++decimals > kMaxDecimals) {
                return invalidAmount(text, QStringLiteral("more than %1 decimals (the smallest amount is 0.000001)")
                                               .arg(kMaxDecimals));
            }
            fraction = fraction * 10 + (text[i].unicode() - u'0');
        }
        if (decimals == 0)
            return invalidAmount(text, QStringLiteral("expected a digit after the decimal point"));
    }
    if (i < text.size()) {
        return invalidAmount(text, QStringLiteral("unexpected character '%1' at position %2")
                                       .arg(text[i])
                                       .arg(i + 1));
    }

    for (int d = decimals; d < kMaxDecimals; ++d)
        fraction *= 10;
    const Int128 micros = units * kMicrosPerUnit + fraction;
    if (micros > kMaxMicros)
        return overflow();
    return Money::fromMicros(static_cast<qint64>(negative ? -micros : micros));
}

QString Money::toString() const
{
    // Through an unsigned magnitude so that INT64_MIN prints too.
    const quint64 magnitude = m_micros < 0 ? quint64(0) - quint64(m_micros) : quint64(m_micros);
    QString out;
    if (m_micros < 0)
        out += QLatin1Char('-');
    out += QString::number(magnitude / quint64(kMicrosPerUnit));
    const quint64 fraction = magnitude % quint64(kMicrosPerUnit);
    if (fraction != 0) {
        QString digits = QStringLiteral("%1").arg(fraction, kMaxDecimals, 10, QLatin1Char('0'));
        while (digits.endsWith(QLatin1Char('0')))
            digits.chop(1);
        out += QLatin1Char('.') + digits;
    }
    return out;
}

Result<Money> Money::charge(Money ratePerHour, qint64 durationMs)
{
    if (durationMs < 0) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("negative duration %1 ms for a charge").arg(durationMs));
    }
    const Int128 micros = divideRounded(Int128(ratePerHour.micros()) * durationMs, kMsPerHour);
    if (!fitsInt64(micros)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("charge of %1 per hour for %2 ms is too large")
                         .arg(ratePerHour.toString())
                         .arg(durationMs));
    }
    return Money::fromMicros(static_cast<qint64>(micros));
}

Money Money::feeOf(Money charge, int basisPoints)
{
    Q_ASSERT(basisPoints >= 0 && basisPoints <= kBasisPointsPerWhole);
    basisPoints = qBound(0, basisPoints, kBasisPointsPerWhole);
    // |fee| <= |charge| because basisPoints <= 10'000, so the cast cannot truncate.
    return Money::fromMicros(
        static_cast<qint64>(divideRounded(Int128(charge.micros()) * basisPoints, kBasisPointsPerWhole)));
}

Money Money::payoutOf(Money charge, int basisPoints)
{
    // fee has the sign of charge and no larger magnitude: the difference always fits.
    return Money::fromMicros(charge.micros() - feeOf(charge, basisPoints).micros());
}

Result<Money> Money::add(Money other) const
{
    qint64 sum = 0;
    if (__builtin_add_overflow(m_micros, other.m_micros, &sum)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 + %2 overflows").arg(toString(), other.toString()));
    }
    return Money::fromMicros(sum);
}

Result<Money> Money::subtract(Money other) const
{
    qint64 difference = 0;
    if (__builtin_sub_overflow(m_micros, other.m_micros, &difference)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 - %2 overflows").arg(toString(), other.toString()));
    }
    return Money::fromMicros(difference);
}

QDebug operator<<(QDebug dbg, Money money)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << "Money(" << money.toString() << ')';
    return dbg;
}

char *toString(const Money &money)
{
    return qstrdup(QByteArray("Money(" + money.toString().toUtf8() + ')').constData());
}

} // namespace lendable
