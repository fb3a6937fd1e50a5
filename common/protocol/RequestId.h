#pragma once
// Borrow.requestId as this project's clients make it: a time-ordered ID without a prefix
// (util/Ids.h), 12 hex digits of the milliseconds since the epoch then 20 random hex digits,
// 32 characters in all. The market takes any ID of up to 64 printable characters; one that
// grows with time is added at the end of its index of request IDs, where a random one would
// dirty a page of its own in each group commit (docs/performance.md).

#include "util/Ids.h"

#include <QDateTime>

namespace lendable::protocol {

inline QString newBorrowRequestId()
{
    return timeOrderedId(u"", QDateTime::currentMSecsSinceEpoch());
}

} // namespace lendable::protocol
