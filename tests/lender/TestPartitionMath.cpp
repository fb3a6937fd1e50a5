// The machine's arithmetic: lendable partitions never exceed host minus reserve.

#include "PartitionMath.h"

#include <QTest>

using namespace lendable;
using namespace lendable::lender;

class TestPartitionMath : public QObject {
    Q_OBJECT
private slots:
    void fitsExactly()
    {
        const Resources host{8, 16384, 100000};
        const Resources reserve{2, 4096, 20000};
        const Resources others{4, 8192, 40000};
        QVERIFY(checkPartitionFits(host, reserve, others, Resources{2, 4096, 40000}).ok());
        QCOMPARE((MachineBudget{host, reserve, others + Resources{2, 4096, 40000}}.available()), (Resources{0, 0, 0}));
    }
    void eachComponentCanBeExhausted_data()
    {
        QTest::addColumn<Resources>("wanted");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("cpus") << Resources{3, 1024, 1000} << QStringLiteral("3 CPUs wanted, 2 available");
        QTest::newRow("memory") << Resources{1, 4097, 1000} << QStringLiteral("memory wanted, 4G available");
        QTest::newRow("disk") << Resources{1, 1024, 40001} << QStringLiteral("disk wanted, 40000M available");
    }
    void eachComponentCanBeExhausted()
    {
        QFETCH(Resources, wanted);
        QFETCH(QString, mentions);
        const Result<void> r = checkPartitionFits({8, 16384, 100000}, {2, 4096, 20000}, {4, 8192, 40000}, wanted);
        QCOMPARE(r.error().code, ErrorCode::ResourceExhausted);
        QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
    }
    void reserveMustLeaveRoomForPartitions()
    {
        const Resources host{4, 8192, 10000};
        QVERIFY(checkReserve(host, {1, 1024, 1000}, {3, 7168, 9000}).ok());
        QCOMPARE(checkReserve(host, {2, 1024, 1000}, {3, 7168, 9000}).error().code, ErrorCode::ResourceExhausted);
        QCOMPARE(checkReserve(host, {5, 0, 0}, {}).error().code, ErrorCode::ResourceExhausted);
        QCOMPARE(checkReserve(host, {-1, 0, 0}, {}).error().code, ErrorCode::InvalidArgument);
    }
    void overcommittedMachineCanBeBroughtBack()
    {
        // The free disk shrank below what was promised (12000 of 10000): a smaller reserve or
        // a smaller partition is taken; growing anything is not.
        const Resources host{4, 8192, 10000};
        const Resources allocated{2, 4096, 12000};
        const Resources reserve{1, 1024, 1000};
        QVERIFY(checkReserve(host, {0, 0, 0}, allocated, reserve).ok());
        QVERIFY(checkReserve(host, {1, 1024, 500}, allocated, reserve).ok());
        QVERIFY(checkReserve(host, {2, 1024, 500}, allocated, reserve).ok()); // the CPU fits
        const Result<void> more = checkReserve(host, {1, 1024, 1001}, allocated, reserve);
        QCOMPARE(more.error().code, ErrorCode::ResourceExhausted);
        QVERIFY2(more.error().message.contains(QStringLiteral("disk")), qPrintable(more.error().message));
        QCOMPARE(checkReserve(host, {1, 1024, 1000}, allocated).error().code, ErrorCode::ResourceExhausted); // without the current one
        // A partition of 6000 beside others of 6000: shrinking it is taken, growing it not.
        const Resources others{1, 2048, 6000};
        QVERIFY(checkPartitionFits(host, reserve, others, {1, 2048, 5000}, Resources{1, 2048, 6000}).ok());
        QCOMPARE(checkPartitionFits(host, reserve, others, {1, 2048, 6001}, Resources{1, 2048, 6000}).error().code,
                 ErrorCode::ResourceExhausted);
        QCOMPARE(checkPartitionFits(host, reserve, others, {1, 2048, 5000}).error().code, ErrorCode::ResourceExhausted);
        QCOMPARE((MachineBudget{host, reserve, allocated}.available().diskMib), qint64(-3000));
    }
    void shape()
    {
        QVERIFY(checkPartitionShape({1, 64, kMinPartitionDiskMib}).ok());
        QCOMPARE(checkPartitionShape({0, 512, 64}).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(checkPartitionShape({1, 63, 64}).error().code, ErrorCode::InvalidArgument);
        // No disk would be no limit at all on what its job writes.
        const Result<void> noDisk = checkPartitionShape({1, 512, 0});
        QCOMPARE(noDisk.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(noDisk.error().message.contains(QStringLiteral("at least 16M of disk")), qPrintable(noDisk.error().message));
        QCOMPARE(checkPartitionShape({1, 512, kMinPartitionDiskMib - 1}).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(checkPartitionShape({1, 512, -1}).error().code, ErrorCode::InvalidArgument);
    }
    void sumAddsUp() { QCOMPARE(sum({{1, 2, 3}, {4, 5, 6}}), (Resources{5, 7, 9})); }

    void pinnedCpusAvoidTheReserveAndEachOther()
    {
        const quint64 eight = 0xff;
        // The reserve is the first usable CPUs; partitions take the lowest free ones after it.
        QCOMPARE(choosePinnedCpus(eight, 2, 0, 2), quint64(0b1100));
        QCOMPARE(choosePinnedCpus(eight, 2, 0b1100, 3), quint64(0b1110000));
        QCOMPARE(choosePinnedCpus(eight, 0, 0, 1), quint64(0b1));
        // Usable CPUs need not start at 0 nor be contiguous (a cpuset cgroup).
        QCOMPARE(choosePinnedCpus(0b10110100, 1, 0, 2), quint64(0b110000));
        QCOMPARE(choosePinnedCpus(0b10110100, 1, 0b10000, 1), quint64(0b100000));
        // Not enough left: not pinned at all, rather than squeezed.
        QCOMPARE(choosePinnedCpus(eight, 6, 0, 3), quint64(0));
        QCOMPARE(choosePinnedCpus(eight, 0, 0xfe, 2), quint64(0));
        QCOMPARE(choosePinnedCpus(eight, 0, 0, 0), quint64(0));
        QCOMPARE(choosePinnedCpus(0, 0, 0, 1), quint64(0));
        // This process may run somewhere: the host has at least one usable CPU.
        QVERIFY(usableCpuMask(64) != 0);
        QCOMPARE(usableCpuMask(1) & ~quint64(1), quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestPartitionMath)
#include "TestPartitionMath.moc"
