#pragma once
// Borrow.requestId as this project's clients make it: 12 hex digits of the milliseconds since
// the epoch, then 20 random hex digits (80 bits), 32 characters in all. The market takes any
// ID of up to 64 printable characters; one that grows with time is added at the end of its
// index of request IDs, where a random one would dirty a page of its own in each group
// commit (docs/performance.md).

#include <QDateTime>
#include <QRandomGenerator>
#include <QString>

namespace lendable::protocol {

inline QString newBorrowRequestId()
{
    const qint64 ms = QDateTime::currentMSecsSinceEpoch();
    QRandomGenerator *random = QRandomGenerator::system();
    const quint64 high = random->generate64() & 0xffffffffffULL; // 40 bits
    const quint64 low = random->generate64() & 0xffffffffffULL;
    return QStringLiteral("%1%2%3")
        .arg(quint64(ms) & 0xffffffffffffULL, 12, 16, QLatin1Char('0'))
        .arg(high, 10, 16, QLatin1Char('0'))
        .arg(low, 10, 16, QLatin1Char('0'));
}

} // namespace lendable::protocol
