#include "model/LockReport.h"

#include <QTest>

using namespace lendable;

Q_DECLARE_METATYPE(lendable::LockReport)

// The lock report's words are an interface between the lender agent, which writes them, the
// market, which keeps them, and the desktop apps, which read them back.
class TestLockReport : public QObject {
    Q_OBJECT

private slots:
    void writesTheDocumentedWords();
    void readsBackWhatItWrote_data();
    void readsBackWhatItWrote();
    void refusesOtherTexts_data();
    void refusesOtherTexts();
};

void TestLockReport::writesTheDocumentedWords()
{
    LockReport r;
    r.changes << LockChange{.what = QStringLiteral("hard_limit"), .leased = QStringLiteral("786432"), .live = QStringLiteral("1000"), .restored = true}
              << LockChange{.what = QStringLiteral("cpu_pin"), .leased = QStringLiteral("0-3,6"), .live = QStringLiteral("none"), .restored = false};
    QCOMPARE(r.toString(), QStringLiteral("hard_limit 786432 -> 1000 (restored); cpu_pin 0-3,6 -> none (not restored)"));
    r.restoreErrors << QStringLiteral("Operation not supported: cannot change pinning") << QStringLiteral("internal error [x]");
    QCOMPARE(r.toString(), QStringLiteral("hard_limit 786432 -> 1000 (restored); cpu_pin 0-3,6 -> none (not restored)"
                                          " [Operation not supported: cannot change pinning; internal error [x]]"));
}

void TestLockReport::readsBackWhatItWrote_data()
{
    QTest::addColumn<LockReport>("report");
    const auto change = [](const char *what, const char *leased, const char *live, bool restored) {
        return LockChange{.what = QString::fromLatin1(what), .leased = QString::fromLatin1(leased), .live = QString::fromLatin1(live), .restored = restored};
    };
    QTest::newRow("one restored") << LockReport{{change("vcpus", "2", "4", true)}, {}};
    QTest::newRow("one not restored") << LockReport{{change("memory", "1048576", "524288", false)}, {}};
    QTest::newRow("several") << LockReport{{change("vcpu_quota", "50000", "-1", true), change("cpu_shares", "1024", "5", false),
                                            change("cpu_pin", "none", "0-1", true)},
                                           {}};
    QTest::newRow("errors with the report's marks") << LockReport{{change("hard_limit", "786432", "1000", false)},
                                                                  {QStringLiteral("a; b"), QStringLiteral("[c]")}};
}

void TestLockReport::readsBackWhatItWrote()
{
    QFETCH(LockReport, report);
    const std::optional<LockReport> back = LockReport::parse(report.toString());
    QVERIFY2(back, qPrintable(report.toString()));
    QCOMPARE(back->changes, report.changes);
    // Errors are one text joined by "; ": read back, they say the same.
    QCOMPARE(back->restoreErrors.join(QStringLiteral("; ")), report.restoreErrors.join(QStringLiteral("; ")));
    QCOMPARE(back->toString(), report.toString());
}

void TestLockReport::refusesOtherTexts_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("no outcome") << QStringLiteral("vcpus 4 -> 8");
    QTest::newRow("a unit after the value") << QStringLiteral("memory 2048 -> 1024 MiB (restored)");
    QTest::newRow("no arrow") << QStringLiteral("vcpus 4 8 (restored)");
    QTest::newRow("capital name") << QStringLiteral("VCPUs 4 -> 8 (restored)");
    QTest::newRow("empty value") << QStringLiteral("vcpus  -> 8 (restored)");
    QTest::newRow("one good, one not") << QStringLiteral("vcpus 4 -> 8 (restored); someone changed it");
    QTest::newRow("unclosed errors") << QStringLiteral("vcpus 4 -> 8 (restored) [refused");
    QTest::newRow("prose") << QStringLiteral("the owner resized the partition");
}

void TestLockReport::refusesOtherTexts()
{
    QFETCH(QString, text);
    QVERIFY(!LockReport::parse(text));
}


QTEST_GUILESS_MAIN(TestLockReport)
#include "TestLockReport.moc"
