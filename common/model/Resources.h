#pragma once

#include "util/Error.h"

#include <QDebug>
#include <QString>
#include <QStringView>

#include <compare>

namespace lendable {

/// An amount of machine resources: what a partition gets (patent FIG. 2 "allocated
/// resources"), what the owner keeps for the host OS (the non-lendable partition 2P) and
/// what a borrower asks for. Sizes are whole MiB so that arithmetic is exact.
struct Resources {
    int cpus = 0;
    qint64 memoryMib = 0;
    qint64 diskMib = 0;

    /// True when every component is at most the same component of `other` (a request fits
    /// an offer, partitions fit the machine minus the reserve).
    bool fitsWithin(const Resources &other) const;
    bool isZero() const;
    bool anyNegative() const;

    /// Component-wise; the caller keeps the values in range (machine-sized numbers are far
    /// from overflowing qint64 and int).
    Resources operator+(const Resources &other) const;
    Resources operator-(const Resources &other) const;
    Resources &operator+=(const Resources &other);
    Resources &operator-=(const Resources &other);

    /// The order is only there to make == and containers work; use fitsWithin() to compare
    /// capacities.
    auto operator<=>(const Resources &) const = default;

    /// "4 CPUs, 8G memory, 100G disk"
    QString toString() const;
};

/// The smallest partition a Lendable agent builds (lender::checkPartitionShape()): one vCPU,
/// 64 MiB of memory and 16 MiB of disk for its job's script, inputs, outputs and console. A
/// market rebalances no partition below it (a component that already has less may stay).
inline constexpr Resources kMinPartition{1, 64, 16};

/// The least a rebalance may give a partition that has `now`: kMinPartition, except that a
/// component the partition already has less of (its lender registered it so) may stay as it
/// is. A market refuses less, an agent refuses less, and the manager's dialog offers no less.
constexpr Resources leastRebalanceFor(const Resources &now)
{
    return {now.cpus < kMinPartition.cpus ? (now.cpus < 1 ? 1 : now.cpus) : kMinPartition.cpus,
            now.memoryMib < kMinPartition.memoryMib ? (now.memoryMib < 1 ? 1 : now.memoryMib) : kMinPartition.memoryMib,
            now.diskMib < kMinPartition.diskMib ? (now.diskMib < 0 ? 0 : now.diskMib) : kMinPartition.diskMib};
}

/// Parses a size into MiB: a whole number with an optional binary unit K, M, G or T
/// (case-insensitive, optionally followed by "B" or "iB": "2G", "2GiB", "2gb" all mean
/// 2048 MiB); a bare number is MiB. Sizes that are not a whole number of MiB ("1000K"),
/// fractions ("1.5G"), negatives, spaces and values beyond qint64 are InvalidArgument,
/// naming the text.
Result<qint64> parseSizeMib(QStringView text);

/// The shortest exact form that parseSizeMib() reads back: "512M", "2G", "1T", "1536M".
QString formatSizeMib(qint64 mib);

QDebug operator<<(QDebug dbg, const Resources &r);
/// For QCOMPARE (found by argument-dependent lookup); the caller frees with delete[].
char *toString(const Resources &r);

} // namespace lendable
