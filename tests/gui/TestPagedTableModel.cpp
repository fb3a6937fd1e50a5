// The paged table model the Market Manager's and Borrower Client's large tables use: a fast
// scroll through 100,000 rows asks the service for the pages looked at last, not for every
// page it passed. The fetcher here answers when the test says, as a slow market would.

#include "ui/PagedTableModel.h"

#include <QTest>

using namespace lendable;
using namespace lendable::ui;

class TestPagedTableModel : public QObject {
    Q_OBJECT
private slots:
    void fastScrollAsksForTheLastPagesOnly();
    void aFailedPageLetsTheNextOneGo();

private:
    struct Asked {
        qint64 offset = 0;
        PagedTableModel::Reply reply;
    };
    static constexpr qint64 kRows = 100'000;
    static constexpr int kPageSize = 200;

    /// A model over kRows rows whose requests wait in `asked` for answer(); `history` gets
    /// every page asked for, in order.
    static std::unique_ptr<PagedTableModel> model(QList<Asked> &asked, QList<int> *history = nullptr)
    {
        auto m = std::make_unique<PagedTableModel>(QList<PagedTableModel::Column>{{QStringLiteral("Row"), {}, {}, {}}});
        m->setPageSize(kPageSize);
        m->setFetcher([&asked, history](qint64 offset, int, const QString &, Qt::SortOrder, const PagedTableModel::Reply &reply) {
            asked.append({offset, reply});
            if (history)
                history->append(int(offset / kPageSize));
        });
        return m;
    }
    static void answer(const Asked &a)
    {
        TablePage page;
        page.total = kRows;
        for (qint64 row = a.offset; row < qMin(kRows, a.offset + kPageSize); ++row) {
            page.rows.append(QVariantList{row});
            page.keys.append(row);
        }
        a.reply(page);
    }
    static QList<int> pagesOf(const QList<Asked> &asked)
    {
        QList<int> pages;
        for (const Asked &a : asked)
            pages.append(int(a.offset / kPageSize));
        return pages;
    }
};

void TestPagedTableModel::fastScrollAsksForTheLastPagesOnly()
{
    QList<Asked> asked;
    QList<int> history;
    const std::unique_ptr<PagedTableModel> m = model(asked, &history);
    QCOMPARE(pagesOf(asked), QList<int>{0});
    answer(asked.takeFirst());
    QCOMPARE(m->total(), kRows);

    // A view painting as the scroll bar is dragged to the end: each page passed is looked at.
    const int lastPage = int(kRows / kPageSize) - 1;
    for (int page = 1; page <= lastPage; ++page)
        QCOMPARE(m->data(m->index(page * kPageSize, 0)).toString(), QStringLiteral("…"));
    // Two out at once; of the rest, only the last four looked at wait.
    QCOMPARE(pagesOf(asked), (QList<int>{1, 2}));
    QCOMPARE(m->pagesInFlight(), PagedTableModel::kMaxInFlight);

    // As answers come, the newest waiting pages go out: the one in view first.
    while (!asked.isEmpty())
        answer(asked.takeFirst());
    QCOMPARE(history, (QList<int>{0, 1, 2, lastPage, lastPage - 1, lastPage - 2, lastPage - 3}));
    QVERIFY(m->isRowLoaded(lastPage * kPageSize));
    QVERIFY(m->isRowLoaded(kRows - 1));
    QCOMPARE(m->data(m->index(int(kRows - 1), 0)).toLongLong(), kRows - 1);
    QVERIFY(!m->isRowLoaded(100 * kPageSize)); // passed, never asked for
    QCOMPARE(m->pagesInFlight(), 0);
}

void TestPagedTableModel::aFailedPageLetsTheNextOneGo()
{
    QList<Asked> asked;
    const std::unique_ptr<PagedTableModel> m = model(asked);
    answer(asked.takeFirst());
    for (int page : {10, 20, 30})
        m->data(m->index(page * kPageSize, 0));
    QCOMPARE(pagesOf(asked), (QList<int>{10, 20}));
    asked.takeFirst().reply(Error(ErrorCode::ConnectionClosed, QStringLiteral("the market went away")));
    QCOMPARE(m->lastError().code, ErrorCode::ConnectionClosed);
    QCOMPARE(pagesOf(asked), (QList<int>{20, 30}));
    // A reload forgets what waited: it belongs to the old order.
    m->data(m->index(40 * kPageSize, 0));
    m->reload();
    QCOMPARE(pagesOf(asked).last(), 0);
    const qsizetype before = asked.size();
    answer(asked.takeLast()); // page 0 of the new order
    answer(asked.takeFirst()); // answers to the old order are dropped, and send nothing
    QCOMPARE(asked.size(), before - 2);
    QVERIFY(!m->isRowLoaded(40 * kPageSize));
}

QTEST_MAIN(TestPagedTableModel)
#include "TestPagedTableModel.moc"
