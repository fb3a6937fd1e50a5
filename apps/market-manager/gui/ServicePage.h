#pragma once

#include "protocol/Channel.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <deque>
#include <optional>

class QChartView;
class QLabel;
class QLineSeries;
class QStandardItemModel;
class QTableView;
class QValueAxis;

namespace lendable::market {

/// The market process itself (AdminServiceStats): how long it has run, its connections,
/// offers, memory and CPU, and per kind of request how many it answers a second and its own
/// p50 and p99 over the last interval, with the rates of the last five minutes as a chart.
/// It asks every two seconds while it is shown; the figures of an interval are the
/// difference of two answers, started over when the market was restarted.
class ServicePage : public QWidget {
    Q_OBJECT
public:
    explicit ServicePage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// Asks the market now.
    void reload();
    QStandardItemModel *model() const { return m_model; }
    QLabel *summary() const { return m_summary; }
    QTableView *view() const { return m_view; }
    /// The last answer, if any.
    const std::optional<protocol::ServiceStats> &last() const { return m_last; }
    /// The points of the rates chart for a kind (`search`, `borrow`, …): (minutes ago ≤ 0, per second).
    QList<QPointF> ratePoints(const QString &kind) const;

signals:
    void error(const lendable::Error &error);
    void statsLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showStats(const protocol::ServiceStats &stats);
    void redrawChart(qint64 nowMs);
    void fitTableHeight();

    struct Sample {
        qint64 atMs = 0;
        QHash<QString, double> perSecond;
    };

    QPointer<protocol::Channel> m_channel;
    QLabel *m_summary;
    QTableView *m_view;
    QStandardItemModel *m_model;
    QChartView *m_chart;
    QValueAxis *m_timeAxis = nullptr;
    QValueAxis *m_rateAxis = nullptr;
    QHash<QString, QLineSeries *> m_series;
    QTimer m_poll;
    bool m_asking = false;
    std::optional<protocol::ServiceStats> m_last;
    std::deque<Sample> m_samples; // the chart's, oldest first
};

} // namespace lendable::market
