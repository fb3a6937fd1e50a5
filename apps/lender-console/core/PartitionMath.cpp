#include "PartitionMath.h"

#include <sched.h>

#include <QCoreApplication>

namespace lendable::lender {

namespace {
// `wanted`, with each component that does not grow beyond `current` taken as none.
Resources growth(const Resources &wanted, const std::optional<Resources> &current)
{
    if (!current)
        return wanted;
    return Resources{wanted.cpus > current->cpus ? wanted.cpus : 0, wanted.memoryMib > current->memoryMib ? wanted.memoryMib : 0,
                     wanted.diskMib > current->diskMib ? wanted.diskMib : 0};
}

QStringList shortfalls(const Resources &room, const Resources &wanted)
{
    QStringList out;
    // Only what is asked for can fall short (a component of 0 asks for nothing, even on a
    // machine that is already over).
    if (wanted.cpus > 0 && wanted.cpus > room.cpus)
        out << QCoreApplication::translate("PartitionMath", "%1 CPUs wanted, %2 available").arg(wanted.cpus).arg(qMax(0, room.cpus));
    if (wanted.memoryMib > 0 && wanted.memoryMib > room.memoryMib)
        out << QCoreApplication::translate("PartitionMath", "%1 memory wanted, %2 available")
                   .arg(formatSizeMib(wanted.memoryMib), formatSizeMib(qMax<qint64>(0, room.memoryMib)));
    if (wanted.diskMib > 0 && wanted.diskMib > room.diskMib)
        out << QCoreApplication::translate("PartitionMath", "%1 disk wanted, %2 available")
                   .arg(formatSizeMib(wanted.diskMib), formatSizeMib(qMax<qint64>(0, room.diskMib)));
    return out;
}
} // namespace

Result<void> checkPartitionShape(const Resources &wanted)
{
    if (wanted.anyNegative())
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("PartitionMath", "negative resources: %1").arg(wanted.toString()));
    static_assert(kMinPartition.cpus == 1 && kMinPartition.memoryMib == 64, "the messages below name the minimums");
    if (wanted.cpus < kMinPartition.cpus)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("PartitionMath", "a partition needs at least 1 CPU"));
    if (wanted.memoryMib < kMinPartition.memoryMib)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("PartitionMath", "a partition needs at least 64M of memory"));
    if (wanted.diskMib < kMinPartitionDiskMib)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("PartitionMath", "a partition needs at least %1 of disk (for its job's script, inputs, outputs and console)")
                         .arg(formatSizeMib(kMinPartitionDiskMib)));
    return {};
}

Result<void> checkPartitionFits(const Resources &host, const Resources &reserve, const Resources &allocatedOthers,
                                const Resources &wanted, const std::optional<Resources> &current)
{
    const Resources room = host - reserve - allocatedOthers;
    const QStringList missing = shortfalls(room, growth(wanted, current));
    if (!missing.isEmpty())
        return Error(ErrorCode::ResourceExhausted,
                     QCoreApplication::translate("PartitionMath", "the machine cannot give that (host minus reserve minus other partitions): %1")
                         .arg(missing.join(QStringLiteral("; "))));
    return {};
}

Result<void> checkReserve(const Resources &host, const Resources &reserve, const Resources &allocated,
                          const std::optional<Resources> &current)
{
    if (reserve.anyNegative())
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("PartitionMath", "negative reserve: %1").arg(reserve.toString()));
    const QStringList missing = shortfalls(host - allocated, growth(reserve, current));
    if (!missing.isEmpty())
        return Error(ErrorCode::ResourceExhausted,
                     QCoreApplication::translate("PartitionMath", "that reserve does not fit beside the lendable partitions: %1").arg(missing.join(QStringLiteral("; "))));
    return {};
}

Resources sum(const QList<Resources> &parts)
{
    Resources total;
    for (const Resources &r : parts)
        total += r;
    return total;
}

quint64 choosePinnedCpus(quint64 usable, int reserveCpus, quint64 taken, int vcpus)
{
    if (vcpus <= 0)
        return 0;
    quint64 chosen = 0;
    int skipped = 0;
    int picked = 0;
    for (int cpu = 0; cpu < 64 && picked < vcpus; ++cpu) {
        const quint64 bit = quint64(1) << cpu;
        if (!(usable & bit))
            continue;
        if (skipped < reserveCpus) {
            ++skipped;
            continue;
        }
        if (taken & bit)
            continue;
        chosen |= bit;
        ++picked;
    }
    return picked == vcpus ? chosen : 0;
}

quint64 usableCpuMask(int hostCpus)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return 0;
    quint64 mask = 0;
    for (int cpu = 0; cpu < qMin(64, hostCpus); ++cpu)
        if (CPU_ISSET(cpu, &set))
            mask |= quint64(1) << cpu;
    return mask;
}

} // namespace lendable::lender
