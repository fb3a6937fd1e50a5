#pragma once
// A fixed-size latency histogram for the market's request timings and for market-bench.
//
// Why not a sorted sample list: the market records every request (tens of thousands a
// second) and must not allocate or grow to do it. Values are microseconds in log-linear
// buckets (HdrHistogram's idea, cut down): exact below 32 µs, then 16 buckets per power of
// two, so a percentile is off by at most 1/16 (6.25 %). Counts are cumulative; a reader
// that wants one period subtracts the snapshot taken at its start.

#include "protocol/Messages.h"

#include <QJsonArray>
#include <QJsonObject>

#include <array>
#include <bit>
#include <cstdint>

namespace lendable::market {

class LatencyHistogram {
public:
    static constexpr int kSubBits = 4;
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kLinear = 2 * kSub; // values below this have a bucket each
    static constexpr int kBuckets = kLinear + (40 - kSubBits - 1) * kSub;

    void record(qint64 micros)
    {
        ++m_buckets[bucketOf(micros)];
        ++m_count;
    }
    qint64 count() const { return m_count; }

    /// The upper bound, in µs, of the bucket that holds the p-th percentile (0 < p ≤ 100); 0 if empty.
    qint64 percentileMicros(double p) const
    {
        if (m_count == 0)
            return 0;
        const qint64 rank = qMax<qint64>(1, static_cast<qint64>(p / 100.0 * static_cast<double>(m_count) + 0.999999));
        qint64 seen = 0;
        for (int i = 0; i < kBuckets; ++i) {
            seen += m_buckets[i];
            if (seen >= rank)
                return upperBound(i);
        }
        return upperBound(kBuckets - 1);
    }
    double percentileMs(double p) const { return static_cast<double>(percentileMicros(p)) / 1000.0; }

    /// This histogram minus an earlier snapshot of the same counter (one period's values).
    LatencyHistogram since(const LatencyHistogram &earlier) const
    {
        LatencyHistogram out;
        for (int i = 0; i < kBuckets; ++i)
            out.m_buckets[i] = m_buckets[i] - earlier.m_buckets[i];
        out.m_count = m_count - earlier.m_count;
        return out;
    }
    void add(const LatencyHistogram &other)
    {
        for (int i = 0; i < kBuckets; ++i)
            m_buckets[i] += other.m_buckets[i];
        m_count += other.m_count;
    }

    /// Calls f(upperBoundMicros, count) for each bucket that is not empty, in order.
    template <typename F>
    void forEachBucket(F &&f) const
    {
        for (int i = 0; i < kBuckets; ++i) {
            if (m_buckets[i] != 0)
                f(upperBound(i), m_buckets[i]);
        }
    }
    /// Adds `count` values to the bucket whose upper bound is `upperMicros` (what
    /// forEachBucket() gave); a bound that is no bucket's goes to the bucket holding it.
    void addToBucket(qint64 upperMicros, qint64 count)
    {
        m_buckets[bucketOf(upperMicros)] += count;
        m_count += count;
    }

    /// {"count": N, "buckets": [[index, count], ...]} with the empty buckets left out
    /// (`market-manager --headless --stats-file`).
    QJsonObject toJson() const
    {
        QJsonArray buckets;
        for (int i = 0; i < kBuckets; ++i) {
            if (m_buckets[i] != 0)
                buckets.append(QJsonArray{i, m_buckets[i]});
        }
        return QJsonObject{{QStringLiteral("count"), m_count}, {QStringLiteral("buckets"), buckets}};
    }

private:
    static int bucketOf(qint64 micros)
    {
        if (micros < kLinear)
            return micros < 0 ? 0 : static_cast<int>(micros);
        const auto v = static_cast<quint64>(micros);
        const int msb = 63 - std::countl_zero(v); // ≥ kSubBits + 1
        const int shift = msb - kSubBits;
        const int index = kLinear + (shift - 1) * kSub + static_cast<int>((v >> shift) & (kSub - 1));
        return index < kBuckets ? index : kBuckets - 1;
    }
    static qint64 upperBound(int index)
    {
        if (index < kLinear)
            return index;
        const int shift = (index - kLinear) / kSub + 1;
        const qint64 mantissa = kSub + (index - kLinear) % kSub;
        return ((mantissa + 1) << shift) - 1;
    }

    std::array<qint64, kBuckets> m_buckets{};
    qint64 m_count = 0;
};

/// The histogram of one kind of request (`search`, `borrow`, …) in an AdminServiceStats
/// answer; empty if the answer has none of that kind.
inline LatencyHistogram histogramOfKind(const protocol::ServiceStats &stats, QStringView kind)
{
    LatencyHistogram h;
    for (const protocol::RequestTimes &t : stats.requests) {
        if (t.kind == kind) {
            for (const protocol::LatencyBucket &b : t.buckets)
                h.addToBucket(b.upperMicros, b.count);
        }
    }
    return h;
}

} // namespace lendable::market
