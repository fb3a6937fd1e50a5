// The in-memory offer index against a brute-force reference on random offers: same matches,
// same order, same totals and explanations, through lends, withdrawals and lenders going
// offline. Prints (does not assert) the search time at 100,000 offers.

#include "OfferIndex.h"
#include "protocol/Registry.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using namespace lendable;
using namespace lendable::market;

namespace {

struct Ref {
    PartitionRow row;
    bool lenderOnline = true;
};

bool refMatches(const Ref &r, const OfferQuery &q)
{
    if (r.row.withdrawn || r.row.isLent() || !r.lenderOnline)
        return false;
    for (const Requirement &req : q.requirements) {
        const auto &res = r.row.conditions.resources;
        bool ok = true;
        switch (req.field) {
        case OfferField::Cpus: ok = req.accepts(res.cpus); break;
        case OfferField::Memory: ok = req.accepts(res.memoryMib); break;
        case OfferField::Disk: ok = req.accepts(res.diskMib); break;
        case OfferField::Rate: ok = req.accepts(r.row.conditions.ratePerHour.micros()); break;
        case OfferField::Reliability: ok = req.accepts(100); break;
        case OfferField::Os: ok = r.row.conditions.osImages.contains(req.os) == (req.op == CompareOp::Eq); break;
        case OfferField::TimeLimit:
            ok = req.accepts(r.row.conditions.maxDurationS > 0 ? r.row.conditions.maxDurationS : kNoTimeLimit);
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

QList<protocol::Offer> decodeOffers(const QList<QByteArray> &encoded)
{
    QList<protocol::Offer> out;
    for (const QByteArray &bytes : encoded)
        out.append(protocol::decodeSchema<protocol::Offer>(QCborValue::fromCbor(bytes).toMap()).value());
    return out;
}

/// Lender L's partition p1, offered as `offerId`: 2 vCPUs, 1 GiB, 0.5 per hour, busybox.
PartitionRow partitionOfL(const QString &offerId)
{
    PartitionRow p;
    p.offerId = offerId;
    p.lenderId = QStringLiteral("L");
    p.partitionId = QStringLiteral("p1");
    p.conditions.resources = p.applied = Resources{2, 1024, 0};
    p.conditions.ratePerHour = Money::fromMicros(500'000);
    p.conditions.osImages = {QStringLiteral("busybox")};
    return p;
}

} // namespace

class TestOfferIndex : public QObject {
    Q_OBJECT
private slots:
    void matchesBruteForce();
    void manyImageNames();
    void encodedOffersFollowChanges();
    void unconfirmedAllocationsAreNotOffered();
    void olderRowsDoNotSetTheIndexBack();
    void searchTimeAt100k();
};

void TestOfferIndex::matchesBruteForce()
{
    QRandomGenerator rng(42);
    OfferIndex index;
    QList<Ref> refs;
    const QStringList images{QStringLiteral("busybox"), QStringLiteral("debian-12"), QStringLiteral("alpine")};
    for (int l = 0; l < 10; ++l)
        index.upsertLender(LenderRow{.id = QStringLiteral("L%1").arg(l), .name = QStringLiteral("lender %1").arg(l)}, true);
    // A random offer of lender L(i % 10); up to 2^(cpuBits - 1) vCPUs.
    const auto randomRef = [&](int i, const QString &partitionPrefix, int cpuBits) {
        Ref r;
        r.row.offerId = QStringLiteral("o-%1").arg(rng.generate64(), 16, 16, QLatin1Char('0'));
        r.row.lenderId = QStringLiteral("L%1").arg(i % 10);
        r.row.partitionId = partitionPrefix + QString::number(i);
        r.row.conditions.resources = Resources{1 << rng.bounded(cpuBits), 256 * (1 + rng.bounded(64)), 1024 * rng.bounded(100)};
        r.row.conditions.ratePerHour = Money::fromMicros(10'000 * rng.bounded(500));
        r.row.conditions.osImages = {images[rng.bounded(3)]};
        if (rng.bounded(4) == 0)
            r.row.conditions.osImages << images[rng.bounded(3)];
        r.row.conditions.maxDurationS = 3600 * (i % 4); // none, 1, 2 or 3 hours
        return r;
    };
    for (int i = 0; i < 2000; ++i) {
        Ref r = randomRef(i, QStringLiteral("p"), 5);
        index.upsertPartition(r.row);
        refs.append(r);
    }
    // Some lent, some withdrawn, one lender offline.
    for (int i = 0; i < refs.size(); i += 7) {
        refs[i].row.lendingStatus = QStringLiteral("b");
        index.setLent(refs[i].row.offerId, true);
    }
    for (int i = 3; i < refs.size(); i += 11) {
        refs[i].row.withdrawn = true;
        index.upsertPartition(refs[i].row);
    }
    index.setLenderOnline(QStringLiteral("L3"), false);
    for (Ref &r : refs)
        r.lenderOnline = r.row.lenderId != u"L3";

    const QStringList queries{QString(), QStringLiteral("cpus>=4"), QStringLiteral("memory>=4G rate<=2 order=-memory"),
                              QStringLiteral("os=alpine order=cpus"), QStringLiteral("os!=busybox disk<50G order=-disk"),
                              QStringLiteral("cpus=8 memory<=8G order=-rate limit=7 offset=3"),
                              QStringLiteral("cpus>16"), QStringLiteral("rate<0.01 os=alpine cpus>=16"),
                              // Deep pages: the counted skip, in blocks and one by one, both ways.
                              QStringLiteral("cpus>=2 order=rate offset=517 limit=13"),
                              QStringLiteral("order=-memory offset=1999"), QStringLiteral("os=alpine order=-rate offset=9"),
                              QStringLiteral("cpus>=4 offset=8 limit=1"), QStringLiteral("offset=100000"),
                              // The time limit: no limit counts as the longest.
                              QStringLiteral("time>=2h order=rate"), QStringLiteral("time<3h cpus>=2 order=-cpus"),
                              QStringLiteral("time=none order=-rate limit=20"), QStringLiteral("duration!=1:00:00 order=disk"),
                              QStringLiteral("order=time limit=40"), QStringLiteral("cpus>=2 order=-time offset=100 limit=30")};
    const auto checkAll = [&] {
    for (const QString &text : queries) {
        OfferQuery q = OfferQuery::parse(text).value();
        QList<const Ref *> expected;
        for (const Ref &r : refs) {
            if (refMatches(r, q))
                expected.append(&r);
        }
        const auto key = [&](const Ref *r) -> qint64 {
            const auto &c = r->row.conditions;
            switch (q.order.key) {
            case OrderKey::Rate: return c.ratePerHour.micros();
            case OrderKey::Cpus: return c.resources.cpus;
            case OrderKey::Memory: return c.resources.memoryMib;
            case OrderKey::Disk: return c.resources.diskMib;
            case OrderKey::Reliability: return 100;
            case OrderKey::TimeLimit: return c.maxDurationS > 0 ? c.maxDurationS : std::numeric_limits<qint64>::max(); // none last
            }
            return 0;
        };
        std::stable_sort(expected.begin(), expected.end(), [&](const Ref *a, const Ref *b) {
            const qint64 ka = key(a), kb = key(b);
            if (ka != kb)
                return q.order.descending ? ka > kb : ka < kb;
            return q.order.descending ? a->row.offerId > b->row.offerId : a->row.offerId < b->row.offerId;
        });
        const protocol::OfferPage page = index.search(q);
        QCOMPARE(page.total, expected.size());
        // What the market sends: the same page, from the offers' kept CBOR.
        const OfferIndex::EncodedPage encoded = index.searchEncoded(q);
        QCOMPARE(encoded.total, page.total);
        QCOMPARE(decodeOffers(encoded.offers), page.offers);
        QStringList got, want;
        for (const protocol::Offer &o : page.offers)
            got << o.offerId;
        for (qsizetype i = q.offset; i < expected.size() && want.size() < q.limit; ++i)
            want << expected[i]->row.offerId;
        QCOMPARE(got, want);
        if (expected.isEmpty()) {
            // Each requirement that turned away available offers, with how many, in order;
            // then the offers that meet every requirement but are lent or offline.
            QList<protocol::Exclusion> want;
            for (qsizetype i = 0; i < q.requirements.size(); ++i) {
                qint64 excluded = 0;
                OfferQuery one;
                one.requirements = {q.requirements[i]};
                for (const Ref &r : refs) {
                    if (!r.row.withdrawn && !r.row.isLent() && r.lenderOnline && !refMatches(r, one))
                        ++excluded;
                }
                if (excluded > 0)
                    want.append(protocol::Exclusion{q.requirements[i].text, excluded});
            }
            qint64 lent = 0, offline = 0;
            for (const Ref &r : refs) {
                Ref available = r;
                available.row.lendingStatus.clear();
                available.lenderOnline = true;
                if (!r.row.withdrawn && refMatches(available, q)) {
                    lent += r.row.isLent();
                    offline += !r.lenderOnline;
                }
            }
            if (lent > 0)
                want.append(protocol::Exclusion{QStringLiteral("free (not lent)"), lent, QStringLiteral("free")});
            if (offline > 0)
                want.append(protocol::Exclusion{QStringLiteral("lender online"), offline, QStringLiteral("online")});
            QCOMPARE(page.explanation, want);
        }
        QStringList wantBest;
        for (qsizetype i = 0; i < expected.size() && i < 3; ++i)
            wantBest << expected[i]->row.offerId;
        QCOMPARE(index.bestMatches(q, 3), wantBest);
    }
    };
    checkAll();
    if (QTest::currentTestFailed())
        return;
    // The index caches requirement bitmaps between column changes: alter offers' sizes,
    // prices and images, add offers, free lent ones and re-list a withdrawn one, then check
    // every query again (and again once nothing changed, from the cache).
    for (int i = 1; i < refs.size(); i += 13) {
        if (refs[i].row.withdrawn || refs[i].row.isLent())
            continue;
        refs[i].row.conditions.resources.cpus = 1 << rng.bounded(6);
        refs[i].row.conditions.resources.memoryMib = 256 * (1 + rng.bounded(64));
        refs[i].row.conditions.ratePerHour = Money::fromMicros(10'000 * rng.bounded(500));
        refs[i].row.conditions.osImages = {images[rng.bounded(3)]};
        index.upsertPartition(refs[i].row);
    }
    checkAll();
    if (QTest::currentTestFailed())
        return;
    for (int i = 0; i < 100; ++i) {
        Ref r = randomRef(i, QStringLiteral("n"), 6);
        r.lenderOnline = r.row.lenderId != u"L3";
        index.upsertPartition(r.row);
        refs.append(r);
    }
    for (int i = 0; i < refs.size(); i += 14) {
        refs[i].row.lendingStatus.clear();
        index.setLent(refs[i].row.offerId, false);
    }
    refs[3].row.withdrawn = false;
    index.upsertPartition(refs[3].row);
    checkAll();
    if (QTest::currentTestFailed())
        return;
    checkAll();
    QCOMPARE(index.offerCount(), refs.size() - std::count_if(refs.cbegin(), refs.cend(), [](const Ref &r) { return r.row.withdrawn; }));
}

void TestOfferIndex::manyImageNames()
{
    // More distinct image names than the bit mask holds: the rest are matched by name.
    OfferIndex index;
    index.upsertLender(LenderRow{.id = QStringLiteral("L")}, true);
    for (int i = 0; i < 100; ++i) {
        PartitionRow p;
        p.offerId = QStringLiteral("o-%1").arg(i, 16, 10, QLatin1Char('0'));
        p.lenderId = QStringLiteral("L");
        p.partitionId = QStringLiteral("p%1").arg(i);
        p.conditions.resources = Resources{1, 512, 0};
        p.conditions.osImages = {QStringLiteral("img%1").arg(i), QStringLiteral("common")};
        index.upsertPartition(p);
    }
    for (int i : {0, 10, 62, 63, 64, 99}) {
        const protocol::OfferPage page = index.search(OfferQuery::parse(QStringLiteral("os=img%1").arg(i)).value());
        QCOMPARE(page.total, 1);
        QCOMPARE(page.offers.first().partitionId, QStringLiteral("p%1").arg(i));
        QCOMPARE(index.search(OfferQuery::parse(QStringLiteral("os!=img%1").arg(i)).value()).total, 99);
    }
    QCOMPARE(index.search(OfferQuery::parse(QStringLiteral("os=common")).value()).total, 100);
    QCOMPARE(index.search(OfferQuery::parse(QStringLiteral("os=none")).value()).total, 0);
}

void TestOfferIndex::encodedOffersFollowChanges()
{
    // The kept CBOR of an offer must change with everything an Offer shows: its conditions,
    // and its lender's name, address and reliability. Lending and freeing keep it.
    OfferIndex index;
    LenderRow lender{.id = QStringLiteral("L"), .name = QStringLiteral("first"), .address = QStringLiteral("a:1")};
    index.upsertLender(lender, true);
    PartitionRow p;
    p.offerId = QStringLiteral("o-00000000000000aa");
    p.lenderId = lender.id;
    p.partitionId = QStringLiteral("p1");
    p.conditions.resources = Resources{2, 1024, 0};
    p.conditions.ratePerHour = Money::fromMicros(500'000);
    p.conditions.osImages = {QStringLiteral("busybox")};
    index.upsertPartition(p);
    const OfferQuery all = OfferQuery::parse(QString()).value();
    const auto shown = [&]() -> protocol::Offer {
        const OfferIndex::EncodedPage page = index.searchEncoded(all);
        if (page.offers.size() != 1)
            return {};
        const QList<protocol::Offer> offers = decodeOffers(page.offers);
        if (offers != index.search(all).offers)
            return {};
        return offers.first();
    };
    QCOMPARE(shown().lenderName, QStringLiteral("first"));

    lender.name = QStringLiteral("second");
    index.upsertLender(lender, true);
    QCOMPARE(shown().lenderName, QStringLiteral("second"));
    lender.address = QStringLiteral("b:2");
    index.upsertLender(lender, true);
    QCOMPARE(shown().lenderAddress, QStringLiteral("b:2"));
    lender.reliability = 42;
    index.upsertLender(lender, true);
    QCOMPARE(shown().reliability, 42);

    p.conditions.ratePerHour = Money::fromMicros(700'000);
    p.conditions.osImages = {QStringLiteral("busybox"), QStringLiteral("debian-12")};
    index.upsertPartition(p);
    QCOMPARE(shown().conditions, p.conditions);

    index.setLent(p.offerId, true);
    QCOMPARE(index.searchEncoded(all).total, 0);
    index.setLent(p.offerId, false);
    QCOMPARE(shown().conditions, p.conditions);
}

void TestOfferIndex::unconfirmedAllocationsAreNotOffered()
{
    // Second embodiment: a manager's rebalance is offered once the lender confirmed it.
    OfferIndex index;
    index.upsertLender(LenderRow{.id = QStringLiteral("L"), .name = QStringLiteral("l"), .address = QStringLiteral("a:1")}, true);
    PartitionRow p = partitionOfL(QStringLiteral("o-00000000000000ab"));
    p.externallyReferenced = true;
    index.upsertPartition(p);
    const OfferQuery all = OfferQuery::parse(QString()).value();
    QCOMPARE(index.search(all).total, 1);
    p.conditions.resources = Resources{1, 512, 0}; // rebalanced, not confirmed
    index.upsertPartition(p);
    QCOMPARE(index.search(all).total, 0);
    QCOMPARE(index.searchEncoded(all).total, 0);
    QVERIFY(index.bestMatches(all, 5).isEmpty());
    p.applied = p.conditions.resources; // confirmed
    index.upsertPartition(p);
    QCOMPARE(index.search(all).total, 1);
    QCOMPARE(index.search(all).offers.first().conditions.resources, (Resources{1, 512, 0}));
    // A partition whose allocation its lender holds is never unconfirmed.
    p.externallyReferenced = false;
    p.conditions.resources = Resources{4, 4096, 0};
    index.upsertPartition(p);
    QCOMPARE(index.search(all).total, 1);
}

void TestOfferIndex::olderRowsDoNotSetTheIndexBack()
{
    // A row read before the index's (a sync or a batch answered late) is not applied: each
    // change of a row raises its rev. A row without a rev (0) always is.
    OfferIndex index;
    index.upsertLender(LenderRow{.id = QStringLiteral("L"), .name = QStringLiteral("l"), .address = QStringLiteral("a:1")}, true);
    PartitionRow p = partitionOfL(QStringLiteral("o-00000000000000cd"));
    p.rev = 10;
    QVERIFY(index.upsertPartition(p));
    const OfferQuery all = OfferQuery::parse(QString()).value();
    const auto rate = [&] { return index.search(all).offers.value(0).conditions.ratePerHour.micros(); };
    PartitionRow lent = p;
    lent.rev = 20;
    lent.lendingStatus = QStringLiteral("borrower");
    lent.contractId = QStringLiteral("c1");
    QVERIFY(index.upsertPartition(lent));
    QCOMPARE(index.search(all).total, 0);
    QVERIFY(!index.upsertPartition(p)); // the free state of rev 10, read before the lend
    QCOMPARE(index.search(all).total, 0);
    PartitionRow freed = p;
    freed.rev = 30;
    freed.conditions.ratePerHour = Money::fromMicros(700'000);
    QVERIFY(index.upsertPartition(freed));
    QCOMPARE(index.search(all).total, 1);
    QCOMPARE(rate(), 700'000);
    // The same rev again applies (idempotent); a rev-less row applies and keeps the rev.
    QVERIFY(index.upsertPartition(freed));
    PartitionRow unknown = freed;
    unknown.rev = 0;
    unknown.conditions.ratePerHour = Money::fromMicros(800'000);
    QVERIFY(index.upsertPartition(unknown));
    QCOMPARE(rate(), 800'000);
    QVERIFY(!index.upsertPartition(lent)); // rev 20 < 30
    QCOMPARE(index.search(all).total, 1);
    // A withdrawal keeps its rev: an older live row does not bring the offer back.
    PartitionRow withdrawn = freed;
    withdrawn.rev = 40;
    withdrawn.withdrawn = true;
    QVERIFY(index.upsertPartition(withdrawn));
    QCOMPARE(index.search(all).total, 0);
    QVERIFY(!index.upsertPartition(freed));
    QCOMPARE(index.search(all).total, 0);
    // Registered again, it is offered again.
    PartitionRow again = freed;
    again.rev = 50;
    QVERIFY(index.upsertPartition(again));
    QCOMPARE(index.search(all).total, 1);
}

void TestOfferIndex::searchTimeAt100k()
{
    QRandomGenerator rng(7);
    OfferIndex index;
    for (int l = 0; l < 10'000; ++l)
        index.upsertLender(LenderRow{.id = QStringLiteral("L%1").arg(l)}, true);
    const QStringList images{QStringLiteral("busybox"), QStringLiteral("debian-12")};
    for (int i = 0; i < 100'000; ++i) {
        PartitionRow p;
        p.offerId = QStringLiteral("o-%1").arg(rng.generate64(), 16, 16, QLatin1Char('0'));
        p.lenderId = QStringLiteral("L%1").arg(i % 10'000);
        p.partitionId = QStringLiteral("p%1").arg(i);
        p.conditions.resources = Resources{1 << rng.bounded(5), 256 * (1 + rng.bounded(64)), 1024 * rng.bounded(100)};
        p.conditions.ratePerHour = Money::fromMicros(10'000 * rng.bounded(500));
        p.conditions.osImages = {images[rng.bounded(2)]};
        if (i % 5 == 0)
            p.lendingStatus = QStringLiteral("b");
        index.upsertPartition(p);
    }
    QCOMPARE(index.offerCount(), 100'000);
    const QStringList queries{QString(), QStringLiteral("cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate"),
                              QStringLiteral("cpus>=8 order=-memory limit=20"), QStringLiteral("cpus>=64")};
    for (const QString &text : queries) {
        const OfferQuery q = OfferQuery::parse(text).value();
        index.search(q); // builds the order's permutation once
        std::vector<qint64> ns;
        QElapsedTimer t;
        for (int i = 0; i < 200; ++i) {
            t.start();
            const protocol::OfferPage page = index.search(q);
            ns.push_back(t.nsecsElapsed());
            QVERIFY(page.total >= 0);
        }
        std::sort(ns.begin(), ns.end());
        qInfo("search \"%s\" at 100k offers: p50 %.3f ms, p99 %.3f ms", qPrintable(text), ns[ns.size() / 2] / 1e6,
              ns[ns.size() * 99 / 100] / 1e6);
    }
}

QTEST_GUILESS_MAIN(TestOfferIndex)
#include "TestOfferIndex.moc"
