#pragma once

#include "util/Error.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

#include <functional>

class QTableView;

namespace lendable::ui {

/// One page of rows fetched from a service.
struct TablePage {
    qint64 total = 0;                 ///< rows in the whole result
    QList<QVariantList> rows;         ///< display values, one list per row, one value per column
    QList<QVariant> keys;             ///< an ID per row (e.g. offer ID), for selection
    /// Optional, per row: tooltips of some columns (column → text) where the cell's own text
    /// is not all there is to say (a party's name and its node ID); other cells show their text.
    QList<QHash<int, QString>> toolTips;
};

/// A table over a result set that lives in a service: rowCount() is the whole result, but only
/// the pages that are looked at are fetched (and at most a bounded number kept), so 100,000
/// rows open and scroll without loading them all. Sorting and filtering happen in the service.
class PagedTableModel;

/// How the services take an order: the column's sort key, with `-` before it for descending;
/// empty if the column has no key.
QString sortArgument(const QString &sortKey, Qt::SortOrder order);

/// Keeps `view`'s sort indicator on a column the service can sort by: a click on another
/// column's header leaves the order, and the arrow, as they were.
void keepSortIndicatorOnSortableColumns(QTableView *view, PagedTableModel *model);

/// Keeps `view`'s current row on the same key (contract ID, offer ID, …) across the model's
/// refresh(), when rows before it came or went.
void keepSelectionAcrossRefresh(QTableView *view, PagedTableModel *model);

class PagedTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using Reply = std::function<void(Result<TablePage>)>;
    /// Fetch rows [offset, offset+limit) with the current sort and filter.
    using Fetcher = std::function<void(qint64 offset, int limit, const QString &sortKey, Qt::SortOrder order,
                                       const Reply &reply)>;

    struct Column {
        QString title;
        QString sortKey; ///< what the service sorts by; empty = not sortable
        Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter;
        QString toolTip; ///< the header's, if any
    };

    explicit PagedTableModel(QList<Column> columns, QObject *parent = nullptr);

    void setFetcher(Fetcher fetcher);
    /// Drops every cached page and fetches again (after a filter or order change: the view
    /// starts again at the top).
    void reload();
    /// Fetches again, in place, the pages looked at last (the rows in view), showing the rows
    /// as they were until the fresh ones come: for a periodic refresh of a live result, which
    /// must not empty the table, move the scroll position or lose the selection. Pages not
    /// looked at lately are dropped and fetched when scrolled to.
    void refresh();
    /// The row whose key is `key` among the pages held now, or -1.
    int rowOfKey(const QVariant &key) const;
    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows) { m_pageSize = qMax(1, rows); }
    QVariant keyAt(int row) const;
    QVariantList rowAt(int row) const;
    bool isRowLoaded(int row) const;
    qint64 total() const { return m_total; }
    int pagesCached() const { return int(m_pages.size()); }
    /// Pages asked of the service and not answered yet (at most kMaxInFlight).
    int pagesInFlight() const { return int(m_inFlight.size()); }
    /// At most this many page requests are out at once. Pages looked at meanwhile wait, and
    /// only the last few of them (a fast scroll passes many) are asked for, newest first.
    static constexpr int kMaxInFlight = 2;
    static constexpr int kMaxWaiting = 4;
    const Error &lastError() const { return m_lastError; }
    bool isSortable(int column) const;
    /// The column the rows are sorted by (-1 before the first sort) and its order.
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_order; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order) override;

signals:
    void loaded(qint64 total);
    /// refresh() begins: the rows shown are about to be replaced by fresh ones.
    void refreshing();
    void failed(const lendable::Error &error);

private:
    void requestPage(int page) const;
    /// Sends the newest waiting pages while fewer than kMaxInFlight are out.
    void sendWaiting() const;
    void receivePage(int page, quint64 generation, Result<TablePage> result);

    struct CachedPage {
        QList<QVariantList> rows;
        QList<QVariant> keys;
        QList<QHash<int, QString>> toolTips;
        quint64 lastUse = 0;
    };

    QList<Column> m_columns;
    Fetcher m_fetcher;
    int m_pageSize = 200;
    int m_maxPages = 64;
    qint64 m_total = 0;
    QString m_sortKey;
    int m_sortColumn = -1;
    Qt::SortOrder m_order = Qt::AscendingOrder;
    quint64 m_generation = 0;
    mutable quint64 m_useClock = 0;
    mutable QHash<int, CachedPage> m_pages;
    mutable QSet<int> m_inFlight;
    mutable QHash<int, quint64> m_waiting; // page → when it was last looked at (m_useClock)
    Error m_lastError;
};

} // namespace lendable::ui
