// The borrower's query language: every key and operator, structured fields merged in, and
// every kind of bad token refused with the token named.

#include "QueryLanguage.h"

#include <QTest>

using namespace lendable;
using namespace lendable::market;

class TestQueryLanguage : public QObject {
    Q_OBJECT
private slots:
    void parsesTheIssueExample();
    void everyKeyAndOperator();
    void badTokensAreNamed_data();
    void badTokensAreNamed();
    void longTextIsRefusedBriefly();
    void structuredFieldsCombineWithText();
    void structuredErrors();
    void requirementAccepts();
};

void TestQueryLanguage::parsesTheIssueExample()
{
    Result<OfferQuery> q = OfferQuery::parse(QStringLiteral("cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate"));
    QVERIFY2(q.ok(), qPrintable(q.error().toString()));
    QCOMPARE(q->requirements.size(), 4);
    QCOMPARE(q->requirements[0].field, OfferField::Cpus);
    QCOMPARE(q->requirements[0].op, CompareOp::Ge);
    QCOMPARE(q->requirements[0].value, 2);
    QCOMPARE(q->requirements[0].text, QStringLiteral("cpus>=2"));
    QCOMPARE(q->requirements[1].field, OfferField::Memory);
    QCOMPARE(q->requirements[1].value, 1024);
    QCOMPARE(q->requirements[2].field, OfferField::Os);
    QCOMPARE(q->requirements[2].os, QStringLiteral("busybox"));
    QCOMPARE(q->requirements[3].field, OfferField::Rate);
    QCOMPARE(q->requirements[3].op, CompareOp::Le);
    QCOMPARE(q->requirements[3].value, 1'500'000);
    QCOMPARE(q->order, (Order{OrderKey::Rate, false}));
    QCOMPARE(q->limit, OfferQuery::kDefaultLimit);
    QCOMPARE(q->offset, 0);
}

void TestQueryLanguage::everyKeyAndOperator()
{
    Result<OfferQuery> q = OfferQuery::parse(
        QStringLiteral("  cpus>4\tdisk>=20G  memory<2048 reliability>=90 rate<0.25 os!=debian-12 cpus=8 cpus!=3 disk<=1T "
                       "order=-memory limit=5 offset=10 "));
    QVERIFY2(q.ok(), qPrintable(q.error().toString()));
    QCOMPARE(q->requirements.size(), 9);
    QCOMPARE(q->requirements[0].op, CompareOp::Gt);
    QCOMPARE(q->requirements[1].field, OfferField::Disk);
    QCOMPARE(q->requirements[1].value, 20 * 1024);
    QCOMPARE(q->requirements[2].op, CompareOp::Lt);
    QCOMPARE(q->requirements[3].field, OfferField::Reliability);
    QCOMPARE(q->requirements[3].value, 90);
    QCOMPARE(q->requirements[4].value, 250'000);
    QCOMPARE(q->requirements[5].op, CompareOp::Ne);
    QCOMPARE(q->requirements[6].op, CompareOp::Eq);
    QCOMPARE(q->requirements[7].op, CompareOp::Ne);
    QCOMPARE(q->requirements[8].value, 1024 * 1024);
    QCOMPARE(q->order, (Order{OrderKey::Memory, true}));
    QCOMPARE(q->limit, 5);
    QCOMPARE(q->offset, 10);
    QCOMPARE(q->order.toString(), QStringLiteral("-memory"));

    Result<OfferQuery> empty = OfferQuery::parse(QStringLiteral("   "));
    QVERIFY(empty.ok());
    QVERIFY(empty->requirements.isEmpty());

    // Order names in any case and with the keys' aliases, as the keys themselves
    // (CPUS>=1 was taken while order=RATE was refused); a bare size is MiB.
    for (const auto &[text, order] : {std::pair{QStringLiteral("ORDER=RATE"), Order{OrderKey::Rate, false}},
                                      std::pair{QStringLiteral("order=-Reliability"), Order{OrderKey::Reliability, true}},
                                      std::pair{QStringLiteral("sort=+disk"), Order{OrderKey::Disk, false}},
                                      std::pair{QStringLiteral("order=-vcpus"), Order{OrderKey::Cpus, true}},
                                      std::pair{QStringLiteral("order=mem"), Order{OrderKey::Memory, false}},
                                      std::pair{QStringLiteral("order=-price"), Order{OrderKey::Rate, true}},
                                      std::pair{QStringLiteral("order=TIME"), Order{OrderKey::TimeLimit, false}},
                                      std::pair{QStringLiteral("order=-time_limit"), Order{OrderKey::TimeLimit, true}}}) {
        Result<OfferQuery> o = OfferQuery::parse(text);
        QVERIFY2(o.ok(), qPrintable(text + QStringLiteral(": ") + o.error().toString()));
        QVERIFY2(o->order == order, qPrintable(text + QStringLiteral(" → ") + o->order.toString()));
    }
    Result<OfferQuery> bare = OfferQuery::parse(QStringLiteral("memory>=512"));
    QVERIFY(bare.ok());
    QCOMPARE(bare->requirements.constFirst().value, 512);

    // The time limit, in seconds, as durations are typed; none is the longest of all.
    Result<OfferQuery> time = OfferQuery::parse(QStringLiteral("time>=2h duration<1:30:00 TIME=none time!=90m"));
    QVERIFY2(time.ok(), qPrintable(time.error().toString()));
    QCOMPARE(time->requirements.size(), 4);
    QCOMPARE(time->requirements[0].field, OfferField::TimeLimit);
    QCOMPARE(time->requirements[0].value, 7200);
    QCOMPARE(time->requirements[1].value, 5400);
    QCOMPARE(time->requirements[1].op, CompareOp::Lt);
    QCOMPARE(time->requirements[2].value, kNoTimeLimit);
    QCOMPARE(time->requirements[3].value, 5400);
    // 0 is a duration of no time, not "none": time>0 is every offer, time<=0 none.
    Result<OfferQuery> zero = OfferQuery::parse(QStringLiteral("time>0 time<=0s time=0:00 time=None"));
    QVERIFY2(zero.ok(), qPrintable(zero.error().toString()));
    QCOMPARE(zero->requirements[0].value, 0);
    QCOMPARE(zero->requirements[1].value, 0);
    QCOMPARE(zero->requirements[2].value, 0);
    QCOMPARE(zero->requirements[3].value, kNoTimeLimit);
}

void TestQueryLanguage::badTokensAreNamed_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("token");
    QTest::newRow("unknown key") << QStringLiteral("cpus>=2 gpus>=1") << QStringLiteral("gpus>=1");
    QTest::newRow("no operator") << QStringLiteral("cheap") << QStringLiteral("cheap");
    QTest::newRow("no key") << QStringLiteral(">=2") << QStringLiteral(">=2");
    QTest::newRow("no value") << QStringLiteral("cpus>=") << QStringLiteral("cpus>=");
    QTest::newRow("bad number") << QStringLiteral("cpus>=two") << QStringLiteral("cpus>=two");
    QTest::newRow("negative cpus") << QStringLiteral("cpus>=-1") << QStringLiteral("cpus>=-1");
    QTest::newRow("fractional size") << QStringLiteral("memory>=1.5G") << QStringLiteral("memory>=1.5G");
    QTest::newRow("bad unit") << QStringLiteral("disk>=10X") << QStringLiteral("disk>=10X");
    QTest::newRow("bad money") << QStringLiteral("rate<=1.2345678") << QStringLiteral("rate<=1.2345678");
    QTest::newRow("negative rate") << QStringLiteral("rate<=-1") << QStringLiteral("rate<=-1");
    QTest::newRow("os with >=") << QStringLiteral("os>=busybox") << QStringLiteral("os>=busybox");
    QTest::newRow("bad order") << QStringLiteral("order=speed") << QStringLiteral("order=speed");
    QTest::newRow("order with <") << QStringLiteral("order<rate") << QStringLiteral("order<rate");
    QTest::newRow("limit zero") << QStringLiteral("limit=0") << QStringLiteral("limit=0");
    QTest::newRow("limit too big") << QStringLiteral("limit=5000") << QStringLiteral("limit=5000");
    QTest::newRow("reliability over 100") << QStringLiteral("reliability>=101") << QStringLiteral("reliability>=101");
    QTest::newRow("bad operator") << QStringLiteral("cpus=>2") << QStringLiteral("cpus=>2");
    QTest::newRow("bad duration") << QStringLiteral("time>=soon") << QStringLiteral("time>=soon");
    QTest::newRow("duration too long") << QStringLiteral("time>=99999999d") << QStringLiteral("time>=99999999d");
}

void TestQueryLanguage::badTokensAreNamed()
{
    QFETCH(QString, query);
    QFETCH(QString, token);
    Result<OfferQuery> q = OfferQuery::parse(query);
    QVERIFY(!q.ok());
    QCOMPARE(q.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(q.error().message.contains(QLatin1Char('\'') + token + QLatin1Char('\'')), qPrintable(q.error().message));
}

void TestQueryLanguage::longTextIsRefusedBriefly()
{
    // A megabyte of query is refused by its length, and the answer does not echo it.
    const QString huge = QStringLiteral("os=") + QString(3 * 1024 * 1024, QLatin1Char('x'));
    Result<OfferQuery> q = OfferQuery::parse(huge);
    QVERIFY(!q.ok());
    QCOMPARE(q.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(q.error().message.contains(QStringLiteral("at most %1").arg(OfferQuery::kMaxQueryChars)), qPrintable(q.error().message));
    QVERIFY2(q.error().message.size() < 200, qPrintable(q.error().message.left(300)));

    // A long token in a short enough query is named by its first characters.
    const QString longOs = QStringLiteral("os=") + QString(OfferQuery::kMaxTokenChars, QLatin1Char('y'));
    q = OfferQuery::parse(QStringLiteral("cpus>=1 ") + longOs);
    QVERIFY(!q.ok());
    QCOMPARE(q.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(q.error().message.contains(QStringLiteral("'%1…'").arg(longOs.left(40))), qPrintable(q.error().message));
    QVERIFY2(q.error().message.contains(QStringLiteral("a token has at most %1").arg(OfferQuery::kMaxTokenChars)),
             qPrintable(q.error().message));
    QVERIFY2(q.error().message.size() < 200, qPrintable(q.error().message));

    // So is a long unknown key, in both places it would appear.
    const QString longKey = QString(100, QLatin1Char('k')) + QStringLiteral(">=1");
    q = OfferQuery::parse(longKey);
    QVERIFY(!q.ok());
    QVERIFY2(q.error().message.size() < 250, qPrintable(q.error().message));
    QVERIFY2(q.error().message.contains(QStringLiteral("unknown key '%1…'").arg(longKey.left(40))), qPrintable(q.error().message));

    // The structured OS field is held to the same length.
    protocol::SearchOffers search;
    search.os = QString(100'000, QLatin1Char('o'));
    q = OfferQuery::fromSearch(search);
    QVERIFY(!q.ok());
    QCOMPARE(q.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(q.error().message.size() < 200, qPrintable(q.error().message.left(300)));
    // A cut never splits a character in two.
    const QString emoji = QString(35, QLatin1Char('a')) + QString::fromUtf8("\xF0\x9F\x98\x80") + QString(60, QLatin1Char('b'));
    q = OfferQuery::parse(QStringLiteral("os>=") + emoji);
    QVERIFY(!q.ok());
    QVERIFY2(q.error().message.contains(QStringLiteral("os>=") + QString(35, QLatin1Char('a')) + QStringLiteral("…")), qPrintable(q.error().message)); // the emoji left out whole

    // A token just at the limit is read (and an image name that long simply matches nothing).
    const QString atLimit = QStringLiteral("os=") + QString(OfferQuery::kMaxTokenChars - 3, QLatin1Char('z'));
    QVERIFY(OfferQuery::parse(atLimit).ok());
}

void TestQueryLanguage::structuredFieldsCombineWithText()
{
    protocol::SearchOffers s;
    s.minCpus = 2;
    s.minMemoryMib = 2048;
    s.minDiskMib = 512;
    s.os = QStringLiteral("busybox");
    s.maxRate = Money::parse(u"0.5").value();
    s.minReliability = 80;
    s.query = QStringLiteral("cpus<=8 order=-cpus");
    s.order = QStringLiteral("rate"); // the text's order wins
    s.limit = 20;
    s.offset = 3;
    Result<OfferQuery> q = OfferQuery::fromSearch(s);
    QVERIFY2(q.ok(), qPrintable(q.error().toString()));
    QStringList texts;
    for (const Requirement &r : q->requirements)
        texts << r.text;
    QCOMPARE(texts, (QStringList{QStringLiteral("cpus>=2"), QStringLiteral("memory>=2G"), QStringLiteral("disk>=512M"),
                                 QStringLiteral("os=busybox"), QStringLiteral("rate<=0.5"), QStringLiteral("reliability>=80"),
                                 QStringLiteral("cpus<=8")}));
    QCOMPARE(q->order, (Order{OrderKey::Cpus, true}));
    QCOMPARE(q->limit, 20);
    QCOMPARE(q->offset, 3);

    protocol::SearchOffers big;
    big.limit = 1'000'000;
    QCOMPARE(OfferQuery::fromSearch(big)->limit, OfferQuery::kMaxLimit);
    protocol::SearchOffers none;
    QCOMPARE(OfferQuery::fromSearch(none)->limit, OfferQuery::kDefaultLimit);
}

void TestQueryLanguage::structuredErrors()
{
    protocol::SearchOffers s;
    s.minCpus = -1;
    QCOMPARE(OfferQuery::fromSearch(s).error().code, ErrorCode::InvalidArgument);
    protocol::SearchOffers o;
    o.order = QStringLiteral("fastest");
    QVERIFY(OfferQuery::fromSearch(o).error().message.contains(QStringLiteral("fastest")));
    protocol::SearchOffers r;
    r.maxRate = Money::fromMicros(-1);
    QCOMPARE(OfferQuery::fromSearch(r).error().code, ErrorCode::InvalidArgument);
}

void TestQueryLanguage::requirementAccepts()
{
    Requirement r;
    r.value = 4;
    for (auto [op, three, four, five] : {std::tuple{CompareOp::Ge, false, true, true}, std::tuple{CompareOp::Gt, false, false, true},
                                         std::tuple{CompareOp::Le, true, true, false}, std::tuple{CompareOp::Lt, true, false, false},
                                         std::tuple{CompareOp::Eq, false, true, false}, std::tuple{CompareOp::Ne, true, false, true}}) {
        r.op = op;
        QCOMPARE(r.accepts(3), three);
        QCOMPARE(r.accepts(4), four);
        QCOMPARE(r.accepts(5), five);
    }
}

QTEST_GUILESS_MAIN(TestQueryLanguage)
#include "TestQueryLanguage.moc"
