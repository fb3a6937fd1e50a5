#pragma once
// Tests of what the agent does when the disk it promised is no longer all there: a partition
// given nearly all the free disk, then a file that takes 1 GiB. Other suites' files come
// and go meanwhile (ctest runs two at a time), so the free figure is read just before and a
// refusal is tried again on fresh figures.

#include "protocol/Channel.h"
#include "protocol/Messages.h"

#include <QFile>

#include <unistd.h>

namespace lendable::lender::testing {

/// Creates a partition with `terms` but the disk: all the agent counts free now, less
/// `marginMib`. Refusals for want of room are tried again (up to 10 times) on fresh figures.
inline Result<protocol::PartitionInfo> createPartitionTakingFreeDisk(protocol::Channel *owner, protocol::LendingConditions terms,
                                                                     qint64 marginMib = 128)
{
    Result<protocol::PartitionInfo> created = Error(ErrorCode::Internal, QStringLiteral("not tried"));
    for (int attempt = 0; attempt < 10; ++attempt) {
        const Result<protocol::MachineInfo> machine = owner->call<protocol::MachineInfo>(protocol::MachineShow{});
        if (!machine)
            return machine.error();
        terms.resources.diskMib = machine->available.diskMib - marginMib;
        created = owner->call<protocol::PartitionInfo>(protocol::PartitionCreate{.conditions = terms});
        if (created || created.error().code != ErrorCode::ResourceExhausted)
            break;
    }
    return created;
}

/// Writes `mib` MiB to `path` and syncs it (so that the file system counts it).
inline bool fillFile(const QString &path, int mib)
{
    QFile fill(path);
    if (!fill.open(QIODevice::WriteOnly))
        return false;
    const QByteArray chunk(1024 * 1024, 'x');
    for (int i = 0; i < mib; ++i)
        if (fill.write(chunk) != chunk.size())
            return false;
    return fill.flush() && ::fsync(fill.handle()) == 0;
}

} // namespace lendable::lender::testing
