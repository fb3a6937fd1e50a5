#include "Billing.h"

#include <QCborMap>
#include <QCborValue>
#include <QCoreApplication>

#include <algorithm>

namespace lendable::market {

Result<BillAmounts> computeBill(Money ratePerHour, qint64 startedAtMs, qint64 endedAtMs, int feeBasisPoints)
{
    if (endedAtMs < startedAtMs)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("Billing", "the contract would end (%1) before it started (%2); is the clock right?")
                         .arg(endedAtMs)
                         .arg(startedAtMs));
    BillAmounts b;
    b.durationMs = endedAtMs - startedAtMs;
    Result<Money> charge = Money::charge(ratePerHour, b.durationMs);
    if (!charge)
        return charge.error();
    b.charge = *charge;
    b.fee = Money::feeOf(b.charge, feeBasisPoints);
    b.payout = Money::payoutOf(b.charge, feeBasisPoints);
    return b;
}

} // namespace lendable::market
