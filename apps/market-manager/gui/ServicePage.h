#pragma once

#include "protocol/Channel.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <deque>
#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QStandardItemModel;
class QTableView;
class QAbstractAxis;
class QValueAxis;

namespace lendable::market {

/// The market process itself (AdminServiceStats): how long it has run, its connections,
/// offers, memory and CPU, and per kind of request how many it answers a second and its own
/// p50 and p99 over the last interval, with a chart of the rates or the p99 of the last five
/// minutes, quarter of an hour or hour. It asks every two seconds while it is shown; the
/// figures of an interval are the difference of two answers, started over when the market
/// was restarted. The chart starts with the samples the market kept (ServiceStats.history),
/// so it shows the last hour as soon as the tab is opened.
class ServicePage : public QWidget {
    Q_OBJECT
public:
    explicit ServicePage(protocol::Channel *channel, QWidget *parent = nullptr);
    /// The market's connection, after the app reconnected (requests go there from now on).
    void setChannel(protocol::Channel *channel) { m_channel = channel; }
    /// Asks the market now.
    void reload();
    QStandardItemModel *model() const { return m_model; }
    QLabel *summary() const { return m_summary; }
    QTableView *view() const { return m_view; }
    /// The last answer, if any.
    const std::optional<protocol::ServiceStats> &last() const { return m_last; }
    /// The points of the chart for a kind (`search`, `borrow`, …): (minutes ago ≤ 0, per
    /// second) or, when it shows latency, (minutes ago, p99 in ms).
    QList<QPointF> ratePoints(const QString &kind) const;
    /// What the chart shows: 0 = requests per second, 1 = p99 latency; and over how long.
    QComboBox *metricBox() const { return m_metric; }
    QComboBox *spanBox() const { return m_span; }

signals:
    void error(const lendable::Error &error);
    void statsLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showStats(const protocol::ServiceStats &stats);
    void addHistory(const QList<protocol::ServiceSample> &history);
    void redrawChart(qint64 nowMs);
    void setValueAxis();
    void fitTableHeight();

    struct Sample {
        qint64 atMs = 0;
        QHash<QString, double> perSecond;
        QHash<QString, double> p99Ms; // kinds with requests in the interval only
    };

    QPointer<protocol::Channel> m_channel;
    QLabel *m_summary;
    QTableView *m_view;
    QStandardItemModel *m_model;
    QChartView *m_chart;
    QComboBox *m_metric;
    QComboBox *m_span;
    QValueAxis *m_timeAxis = nullptr;
    QAbstractAxis *m_valueAxis = nullptr; // linear for rates, logarithmic for latency
    QHash<QString, QLineSeries *> m_series;
    QTimer m_poll;
    bool m_asking = false;
    bool m_wantHistory = true; // until an answer brought it (again after a restart)
    std::optional<protocol::ServiceStats> m_last;
    std::deque<Sample> m_samples; // the chart's, oldest first
};

} // namespace lendable::market
