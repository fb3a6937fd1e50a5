#pragma once
// The terms a borrower agreed to (Borrow.agreedTerms) against those an offer has: the market
// checks them before it lends, the borrower's client again on the contract it is granted.

#include "protocol/Messages.h"

#include <QStringList>

namespace lendable::protocol {

/// How `offered` is worse for a borrower than the terms it `agreed` to, one phrase each: a
/// higher rate, fewer resources, a shorter longest contract (0: none), an OS image no longer
/// offered. Empty when it is no worse: better terms are no change to refuse.
QStringList agreedTermsChanges(const LendingConditions &offered, const LendingConditions &agreed);

} // namespace lendable::protocol
