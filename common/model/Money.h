#pragma once

#include "util/Error.h"

#include <QDebug>
#include <QString>
#include <QStringView>

#include <compare>

namespace lendable {

/// An amount of money as an integer count of micro-units (1 unit = 1'000'000 micros).
/// Never floating point: charges, fees and payouts must add up to the last micro-unit
/// in the billing DB (patent billing DB 13) and on both sides' receipts.
class Money {
public:
    static constexpr qint64 kMicrosPerUnit = 1'000'000;
    /// Decimals a textual amount may carry; one more would need rounding, which parse() refuses.
    static constexpr int kMaxDecimals = 6;
    /// The highest rate a partition may be lent at: 1,000,000 per hour. Any contract at it
    /// bills within 64 bits for a thousand years; a rate near the top of 64 bits would bill
    /// more than an amount can hold after an hour, and its contract could never end.
    static constexpr qint64 kMaxRatePerHourMicros = 1'000'000 * kMicrosPerUnit;

    constexpr Money() = default;
    static constexpr Money fromMicros(qint64 micros) { return Money(micros); }

    constexpr qint64 micros() const { return m_micros; }
    constexpr bool isZero() const { return m_micros == 0; }
    constexpr bool isNegative() const { return m_micros < 0; }

    /// Parses an exact decimal amount: an optional sign ('-' or '+'), one or more digits,
    /// optionally a '.' followed by 1 to 6 digits. "1.25", "-3", "0.000001", "+7.5" are
    /// accepted; "", " 1", "1.", ".5", "1e3", "+-1", "1,5", 7 decimals and anything whose
    /// magnitude exceeds INT64_MAX micros are InvalidArgument, with the input in the message.
    /// Nothing is ever rounded.
    static Result<Money> parse(QStringView text);

    /// The shortest exact decimal form, which parse() reads back: "1.25", "3", "-0.5",
    /// "0.000001".
    QString toString() const;

    /// The charge of a contract: `ratePerHour × durationMs / 3'600'000`, computed in 128 bits
    /// and rounded once, half away from zero, to micro-units. A negative duration or a result
    /// outside qint64 micros is InvalidArgument.
    static Result<Money> charge(Money ratePerHour, qint64 durationMs);

    /// The market's fee on a charge: `charge × basisPoints / 10'000`, rounded once half away
    /// from zero. basisPoints is clamped to [0, 10'000] (0 % to 100 %), so the fee never
    /// exceeds the charge in magnitude. The lender's payout is `charge - fee` (payoutOf()),
    /// which makes fee + payout == charge exactly, always.
    static Money feeOf(Money charge, int basisPoints);
    /// `charge - feeOf(charge, basisPoints)`; cannot overflow.
    static Money payoutOf(Money charge, int basisPoints);

    /// Overflow-checked arithmetic; overflow is InvalidArgument.
    Result<Money> add(Money other) const;
    Result<Money> subtract(Money other) const;

    auto operator<=>(const Money &) const = default;

private:
    constexpr explicit Money(qint64 micros) : m_micros(micros) {}

    qint64 m_micros = 0;
};

QDebug operator<<(QDebug dbg, Money money);
/// For QCOMPARE: found by argument-dependent lookup from QTest. The caller frees with delete[].
char *toString(const Money &money);

} // namespace lendable
