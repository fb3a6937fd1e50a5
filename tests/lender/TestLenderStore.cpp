// The partition database (FIG. 2/10): no double lending, contract end frees and pays.

#include "LenderStore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace lendable::lender;

class TestLenderStore : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_dir.emplace();
        Result<LenderStore> s = LenderStore::open(m_dir->filePath(QStringLiteral("lender.db")));
        QVERIFY2(s.ok(), qPrintable(s.error().toString()));
        m_store.emplace(std::move(*s));
        PartitionRecord p;
        p.partitionId = QStringLiteral("p1");
        p.resources = {2, 1024, 4096};
        p.osImages = {QStringLiteral("busybox"), QStringLiteral("debian-12")};
        p.ratePerHour = Money::fromMicros(3'600'000);
        p.marketId = QStringLiteral("m1");
        p.state = PartitionStateName::Registered;
        QVERIFY(m_store->insertPartition(p).ok());
    }
    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }
    void roundTrip()
    {
        Result<PartitionRecord> p = m_store->partition(QStringLiteral("p1"));
        QVERIFY(p.ok());
        QCOMPARE(p->resources, (Resources{2, 1024, 4096}));
        QCOMPARE(p->osImages, (QStringList{QStringLiteral("busybox"), QStringLiteral("debian-12")}));
        QVERIFY(p->isLocked());
        QCOMPARE(m_store->partition(QStringLiteral("nope")).error().code, ErrorCode::NotFound);
    }
    void reservePersists()
    {
        QCOMPARE(*m_store->reserve(), Resources{});
        QVERIFY(m_store->setReserve({1, 2048, 10240}).ok());
        QVERIFY(m_store->setReserve({2, 2048, 10240}).ok());
        QCOMPARE(*m_store->reserve(), (Resources{2, 2048, 10240}));
    }
    void neverLentTwice()
    {
        ContractRecord c{.contractId = QStringLiteral("c1"), .partitionId = QStringLiteral("p1"),
                         .borrowerId = QStringLiteral("b1"), .keyHash = QByteArray(32, 'h'), .marketId = QStringLiteral("m1"),
                         .startedAtMs = 1'000'000, .endedAtMs = 0, .maxDurationS = 0, .ratePerHour = Money::fromMicros(3'600'000)};
        QVERIFY(m_store->startContract(c).ok());
        QCOMPARE(m_store->partition(QStringLiteral("p1"))->state, PartitionStateName::Lent);
        ContractRecord c2 = c;
        c2.contractId = QStringLiteral("c2");
        c2.borrowerId = QStringLiteral("b2");
        QCOMPARE(m_store->startContract(c2).error().code, ErrorCode::Conflict);
        QCOMPARE(m_store->startContract(c).error().code, ErrorCode::AlreadyExists);
        // The refused contract left nothing behind.
        QCOMPARE(m_store->contract(QStringLiteral("c2")).error().code, ErrorCode::NotFound);

        // One hour at 3.6/h earns 3.6; the partition goes back to its market.
        QVERIFY(m_store->endContract(QStringLiteral("c1"), 1'000'000 + 3'600'000).ok());
        QVERIFY(m_store->endContract(QStringLiteral("c1"), 9'999'999'999).ok()); // idempotent
        const PartitionRecord p = *m_store->partition(QStringLiteral("p1"));
        QCOMPARE(p.state, PartitionStateName::Registered);
        QVERIFY(p.contractId.isEmpty());
        QCOMPARE(p.earnings, Money::fromMicros(3'600'000));
        QVERIFY(!m_store->contract(QStringLiteral("c1"))->isRunning());
        QVERIFY(m_store->startContract(c2).ok());
    }
    void pendingWithdrawals()
    {
        // Per market, oldest first; the same one twice is kept once; removed one by one.
        QVERIFY(m_store->addPendingWithdrawal(QStringLiteral("m1"), QStringLiteral("p2"), 2000).ok());
        QVERIFY(m_store->addPendingWithdrawal(QStringLiteral("m1"), QStringLiteral("p1"), 1000).ok());
        QVERIFY(m_store->addPendingWithdrawal(QStringLiteral("m2"), QStringLiteral("p3"), 500).ok());
        QVERIFY(m_store->addPendingWithdrawal(QStringLiteral("m1"), QStringLiteral("p2"), 3000).ok());
        QCOMPARE(m_store->pendingWithdrawals(QStringLiteral("m1")).value(), (QStringList{QStringLiteral("p1"), QStringLiteral("p2")}));
        QCOMPARE(m_store->pendingWithdrawals(QStringLiteral("m2")).value(), QStringList{QStringLiteral("p3")});
        QVERIFY(m_store->removePendingWithdrawal(QStringLiteral("m1"), QStringLiteral("p1")).ok());
        QVERIFY(m_store->removePendingWithdrawal(QStringLiteral("m1"), QStringLiteral("p9")).ok()); // none: nothing to do
        QCOMPARE(m_store->pendingWithdrawals(QStringLiteral("m1")).value(), QStringList{QStringLiteral("p2")});
        QVERIFY(m_store->pendingWithdrawals(QStringLiteral("m3"))->isEmpty());
    }

    void borrowerNames()
    {
        // The name the market gave the borrower is kept with the contract.
        ContractRecord c{.contractId = QStringLiteral("c1"), .partitionId = QStringLiteral("p1"),
                         .borrowerId = QStringLiteral("b1"), .keyHash = QByteArray(32, 'h'), .marketId = QStringLiteral("m1"),
                         .startedAtMs = 1'000'000, .endedAtMs = 0, .maxDurationS = 0, .ratePerHour = Money::fromMicros(1),
                         .borrowerName = QStringLiteral("Northwind Labs")};
        QVERIFY(m_store->startContract(c).ok());
        QCOMPARE(m_store->contract(QStringLiteral("c1"))->borrowerName, QStringLiteral("Northwind Labs"));
        QCOMPARE(m_store->runningContracts()->value(0).borrowerName, QStringLiteral("Northwind Labs"));

        // A database from before names (schema 1): brought up to date, its contracts kept,
        // without a name.
        QVERIFY(m_store->database().exec(QStringLiteral("ALTER TABLE contracts DROP COLUMN borrower_name")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("DROP INDEX jobs_results_kept")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("DROP INDEX jobs_submitted")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("ALTER TABLE jobs DROP COLUMN results_removed_at_ms")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("DROP TABLE pending_withdrawals")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("DROP TABLE pending_violations")).ok());
        QVERIFY(m_store->database().exec(QStringLiteral("UPDATE schema_meta SET value = '1' WHERE key = 'schema_version'")).ok());
        m_store.reset();
        Result<LenderStore> reopened = LenderStore::open(m_dir->filePath(QStringLiteral("lender.db")));
        QVERIFY2(reopened.ok(), qPrintable(reopened.error().toString()));
        m_store.emplace(std::move(*reopened));
        Result<ContractRecord> old = m_store->contract(QStringLiteral("c1"));
        QVERIFY2(old.ok(), qPrintable(old.error().toString()));
        QVERIFY(old->isRunning());
        QCOMPARE(old->borrowerName, QString());
    }
    void jobs()
    {
        JobRecord j{.jobId = QStringLiteral("j1"), .partitionId = QStringLiteral("p1"), .contractId = QStringLiteral("c1"),
                    .borrowerId = QStringLiteral("b1"), .os = QStringLiteral("busybox"), .state = QStringLiteral("booting"),
                    .exitCode = std::nullopt, .message = {}, .domainName = QStringLiteral("lendable-j1"),
                    .jobDir = QStringLiteral("/x"), .submittedAtMs = 5, .endedAtMs = 0, .timeoutS = 60};
        QVERIFY(m_store->insertJob(j).ok());
        QCOMPARE(m_store->unfinishedJobs()->size(), 1);
        j.state = QStringLiteral("failed");
        j.exitCode = 3;
        QVERIFY(m_store->updateJob(j).ok());
        QCOMPARE(m_store->job(QStringLiteral("j1"))->exitCode, std::optional<qint32>(3));
        QCOMPARE(m_store->unfinishedJobs()->size(), 0);

        // Retention: a finished job's results are kept until marked removed.
        QCOMPARE(m_store->jobsWithResultsEndedBefore(1000)->size(), 0); // not ended yet by the clock
        j.endedAtMs = 100;
        QVERIFY(m_store->updateJob(j).ok());
        QCOMPARE(m_store->jobsWithResultsEndedBefore(100)->size(), 0);
        QCOMPARE(m_store->jobsWithResultsEndedBefore(101)->value(0).jobId, QStringLiteral("j1"));
        QVERIFY(m_store->markResultsRemoved(QStringLiteral("j1"), 2000).ok());
        QCOMPARE(m_store->job(QStringLiteral("j1"))->resultsRemovedAtMs, 2000);
        QCOMPARE(m_store->jobsWithResultsEndedBefore(5000)->size(), 0);
    }

private:
    std::optional<QTemporaryDir> m_dir;
    std::optional<LenderStore> m_store;
};

QTEST_GUILESS_MAIN(TestLenderStore)
#include "TestLenderStore.moc"
