#pragma once
// The terms a borrower agreed to (Borrow.agreedTerms) against those an offer has: the market
// checks them before it lends, the borrower's client again on the contract it is granted.

#include "protocol/Messages.h"

#include <QStringList>

#include <optional>

namespace lendable::protocol {

/// The longest time limit (LendingConditions::maxDurationS) a lender may set: 100 years. More
/// is no limit in practice, and its milliseconds must fit a 64-bit count with room to add.
inline constexpr qint64 kMaxContractDurationS = 100LL * 366 * 24 * 3600;

/// The largest partition a lender may offer: far beyond any machine, and small enough that the
/// market's sums over 100,000 partitions (a lender's budget, lent capacity) fit 64 bits, and
/// vCPUs 32.
inline constexpr int kMaxPartitionCpus = 4096;
inline constexpr qint64 kMaxPartitionMemoryMib = qint64(1) << 30; // 1 PiB
inline constexpr qint64 kMaxPartitionDiskMib = qint64(1) << 34;   // 16 PiB

/// The most OS image names one partition may offer (LendingConditions::osImages); the market
/// refuses more, and the lender agent before it. Every page of offers carries each offer's
/// names: unbounded, one lender's 27,000 names per partition made every default page larger
/// than a frame may be, and no borrower could search. With this, the partition ID, the names
/// and the address each bounded, an offer encodes to at most about 6 KB, and the largest page
/// (OfferQuery::kMaxLimit offers) to well under the 16 MiB a frame may have. A lender's
/// machine holds a handful of images.
inline constexpr qsizetype kMaxOsImagesPerPartition = 64;

/// How `offered` is worse for a borrower than the terms it `agreed` to, one phrase each: a
/// higher rate, fewer resources, a shorter longest contract (0: none), an OS image no longer
/// offered. Empty when it is no worse: better terms are no change to refuse.
QStringList agreedTermsChanges(const LendingConditions &offered, const LendingConditions &agreed);

/// A rate per hour as a person types one ("1.5", "0.000001"): a decimal a market takes, not
/// negative and at most Money::kMaxRatePerHourMicros. Nothing for anything else.
std::optional<Money> parseRatePerHour(const QString &text);

/// Seconds of a duration as a person types one: "H:MM:SS" or "H:MM", amounts with units
/// ("90m", "2h", "1d 12h", "45s", any case, spaces between allowed), or plain seconds
/// ("3600", as the command line takes them). Empty, "0" and "none" are 0 (no limit). Nothing
/// for anything else, or above kMaxContractDurationS.
std::optional<qint64> parseDurationS(const QString &text);

} // namespace lendable::protocol
