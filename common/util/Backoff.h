#pragma once

#include <QtGlobal>

namespace lendable {

/// The longest pause between two attempts to reach a peer that went away.
inline constexpr int kMaxReconnectDelayMs = 30'000;

/// The pause before the next attempt after `failures` consecutive failed ones (a lost
/// connection counts as the first): `firstMs`, doubled for each further failure, at most
/// `maxMs`. The one rule for the borrower's links and the desktop apps' reconnection.
constexpr int backoffDelayMs(int firstMs, int maxMs, int failures)
{
    qint64 delay = firstMs;
    for (int i = 1; i < failures && delay < maxMs; ++i)
        delay *= 2;
    return int(qMin<qint64>(delay, maxMs));
}

} // namespace lendable
