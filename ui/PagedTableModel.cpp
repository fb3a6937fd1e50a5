#include "PagedTableModel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPointer>
#include <QScopeGuard>
#include <QSignalBlocker>
#include <QTableView>

#include <algorithm>
#include <memory>

namespace lendable::ui {

PagedTableModel::PagedTableModel(QList<Column> columns, QObject *parent)
    : QAbstractTableModel(parent)
    , m_columns(std::move(columns))
{
}

void PagedTableModel::setFetcher(Fetcher fetcher)
{
    m_fetcher = std::move(fetcher);
    reload();
}

void PagedTableModel::reload()
{
    beginResetModel();
    ++m_generation;
    m_pages.clear();
    m_inFlight.clear();
    m_waiting.clear();
    m_total = 0;
    endResetModel();
    // The first page tells how many rows there are.
    requestPage(0);
}

void PagedTableModel::refresh()
{
    if (!m_fetcher)
        return;
    emit refreshing();
    // Answers to the earlier generation are dropped; the pages held stay on screen until the
    // fresh ones replace them. Those not looked at lately would be stale where nobody looks:
    // dropped (fetched again when scrolled to).
    ++m_generation;
    m_inFlight.clear();
    m_waiting.clear();
    QList<std::pair<quint64, int>> byUse;
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
        byUse.append({it->lastUse, it.key()});
    std::sort(byUse.begin(), byUse.end(), std::greater<>());
    constexpr qsizetype kRefreshedPages = 3; // a screenful spans two pages at most, and page 0 gives the total
    QSet<int> keep{0};
    for (qsizetype i = 0; i < byUse.size() && keep.size() < kRefreshedPages; ++i)
        keep.insert(byUse[i].second);
    for (auto it = m_pages.begin(); it != m_pages.end();)
        it = keep.contains(it.key()) ? std::next(it) : m_pages.erase(it);
    for (int page : std::as_const(keep))
        requestPage(page);
}

int PagedTableModel::rowOfKey(const QVariant &key) const
{
    if (!key.isValid())
        return -1;
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        const qsizetype i = it->keys.indexOf(key);
        if (i >= 0)
            return int(qint64(it.key()) * m_pageSize + i);
    }
    return -1;
}

QVariant PagedTableModel::keyAt(int row) const
{
    const auto it = m_pages.constFind(row / m_pageSize);
    if (it == m_pages.cend() || row % m_pageSize >= it->keys.size())
        return {};
    return it->keys.at(row % m_pageSize);
}

QVariantList PagedTableModel::rowAt(int row) const
{
    const auto it = m_pages.constFind(row / m_pageSize);
    if (it == m_pages.cend() || row % m_pageSize >= it->rows.size())
        return {};
    return it->rows.at(row % m_pageSize);
}

bool PagedTableModel::isRowLoaded(int row) const
{
    const auto it = m_pages.constFind(row / m_pageSize);
    return it != m_pages.cend() && row % m_pageSize < it->rows.size();
}

int PagedTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(qMin<qint64>(m_total, std::numeric_limits<int>::max()));
}

int PagedTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant PagedTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(m_columns.at(index.column()).alignment);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != Qt::UserRole)
        return {};
    const int page = index.row() / m_pageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        requestPage(page);
        return role == Qt::DisplayRole ? QVariant(tr("…")) : QVariant();
    }
    it->lastUse = ++m_useClock;
    const int r = index.row() % m_pageSize;
    if (r >= it->rows.size())
        return {};
    if (role == Qt::UserRole)
        return it->keys.value(r);
    if (role == Qt::ToolTipRole) {
        if (const QString tip = it->toolTips.value(r).value(index.column()); !tip.isEmpty())
            return tip;
    }
    return it->rows.at(r).value(index.column());
}

QVariant PagedTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section < m_columns.size())
        return m_columns.at(section).title;
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section < m_columns.size() && !m_columns.at(section).toolTip.isEmpty())
        return m_columns.at(section).toolTip;
    return QAbstractTableModel::headerData(section, orientation, role);
}

bool PagedTableModel::isSortable(int column) const
{
    return column >= 0 && column < m_columns.size() && !m_columns.at(column).sortKey.isEmpty();
}

void PagedTableModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column))
        return;
    m_sortKey = m_columns.at(column).sortKey;
    m_sortColumn = column;
    m_order = order;
    reload();
}

void PagedTableModel::requestPage(int page) const
{
    if (!m_fetcher || m_inFlight.contains(page))
        return;
    if (m_inFlight.size() >= kMaxInFlight) {
        // Asked for when one comes back, if it is still among the last looked at: a fast
        // scroll through 100,000 rows passes hundreds of pages that nobody waits for.
        m_waiting.insert(page, ++m_useClock);
        while (m_waiting.size() > kMaxWaiting)
            m_waiting.erase(std::min_element(m_waiting.begin(), m_waiting.end()));
        return;
    }
    m_waiting.remove(page);
    m_inFlight.insert(page);
    auto *self = const_cast<PagedTableModel *>(this);
    const quint64 generation = m_generation;
    QPointer<PagedTableModel> guard(self);
    m_fetcher(qint64(page) * m_pageSize, m_pageSize, m_sortKey, m_order,
              [guard, page, generation](Result<TablePage> result) {
                  if (guard)
                      guard->receivePage(page, generation, std::move(result));
              });
}

void PagedTableModel::sendWaiting() const
{
    while (m_inFlight.size() < kMaxInFlight && !m_waiting.isEmpty()) {
        const auto newest = std::max_element(m_waiting.begin(), m_waiting.end());
        const int page = newest.key();
        m_waiting.erase(newest);
        if (!m_pages.contains(page))
            requestPage(page);
    }
}

void PagedTableModel::receivePage(int page, quint64 generation, Result<TablePage> result)
{
    if (generation != m_generation)
        return; // an answer to a query that was replaced
    m_inFlight.remove(page);
    // The next page waiting goes out once this one's rows are in (below), or at once on failure.
    const auto next = qScopeGuard([this] { sendWaiting(); });
    if (!result.ok()) {
        m_lastError = result.error();
        emit failed(m_lastError);
        return;
    }
    m_lastError = {};
    TablePage p = std::move(result).value();
    // Keep memory bounded: forget the least recently shown pages.
    while (m_pages.size() >= m_maxPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        m_pages.erase(oldest);
    }
    m_pages.insert(page, CachedPage{std::move(p.rows), std::move(p.keys), std::move(p.toolTips), ++m_useClock});
    if (p.total != m_total) {
        const qint64 old = m_total;
        if (p.total > old) {
            beginInsertRows({}, int(old), int(p.total - 1));
            m_total = p.total;
            endInsertRows();
        } else {
            beginRemoveRows({}, int(p.total), int(old - 1));
            m_total = p.total;
            endRemoveRows();
        }
    }
    const int first = page * m_pageSize;
    const int last = int(qMin<qint64>(m_total, qint64(first) + m_pageSize)) - 1;
    if (last >= first)
        emit dataChanged(index(first, 0), index(last, columnCount() - 1));
    emit loaded(m_total);
}

} // namespace lendable::ui

void lendable::ui::keepSortIndicatorOnSortableColumns(QTableView *view, PagedTableModel *model)
{
    QHeaderView *header = view->horizontalHeader();
    QObject::connect(header, &QHeaderView::sortIndicatorChanged, model, [header, model](int section, Qt::SortOrder) {
        if (model->isSortable(section) || model->sortColumn() < 0)
            return;
        const QSignalBlocker block(header);
        header->setSortIndicator(model->sortColumn(), model->sortOrder());
    });
}

void lendable::ui::keepSelectionAcrossRefresh(QTableView *view, PagedTableModel *model)
{
    // The key of the current row when a refresh begins; once fresh rows have come, the
    // current row is moved to where that key is now (if it is among the rows held).
    auto kept = std::make_shared<QVariant>();
    QObject::connect(model, &PagedTableModel::refreshing, view, [view, model, kept] {
        const QModelIndex current = view->currentIndex();
        *kept = current.isValid() ? model->keyAt(current.row()) : QVariant();
    });
    QObject::connect(model, &PagedTableModel::loaded, view, [view, model, kept] {
        if (!kept->isValid())
            return;
        const QModelIndex current = view->currentIndex();
        if (current.isValid() && model->keyAt(current.row()) == *kept)
            return;
        const int row = model->rowOfKey(*kept);
        if (row < 0)
            return; // not among the rows held (yet): the next page that comes may have it
        const QModelIndex to = model->index(row, current.isValid() ? current.column() : 0);
        view->selectionModel()->setCurrentIndex(to, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        *kept = QVariant();
    });
    // Any other change of the current row (a click, a reload) ends what was kept.
    QObject::connect(model, &QAbstractItemModel::modelReset, view, [kept] { *kept = QVariant(); });
}

QString lendable::ui::sortArgument(const QString &sortKey, Qt::SortOrder order)
{
    if (sortKey.isEmpty())
        return {};
    return (order == Qt::DescendingOrder ? QStringLiteral("-") : QString()) + sortKey;
}
