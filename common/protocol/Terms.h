#pragma once
// The terms a borrower agreed to (Borrow.agreedTerms) against those an offer has: the market
// checks them before it lends, the borrower's client again on the contract it is granted.

#include "protocol/Messages.h"

#include <QStringList>

namespace lendable::protocol {

/// The longest time limit (LendingConditions::maxDurationS) a lender may set: 100 years. More
/// is no limit in practice, and its milliseconds must fit a 64-bit count with room to add.
inline constexpr qint64 kMaxContractDurationS = 100LL * 366 * 24 * 3600;

/// How `offered` is worse for a borrower than the terms it `agreed` to, one phrase each: a
/// higher rate, fewer resources, a shorter longest contract (0: none), an OS image no longer
/// offered. Empty when it is no worse: better terms are no change to refuse.
QStringList agreedTermsChanges(const LendingConditions &offered, const LendingConditions &agreed);

} // namespace lendable::protocol
