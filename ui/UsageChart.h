#pragma once

#include <QChartView>

class QLineSeries;
class QValueAxis;
class QDateTimeAxis;

namespace lendable::ui {

/// Live CPU and memory use of one partition over the last minutes (QtCharts).
class UsageChart : public QChartView {
    Q_OBJECT
public:
    explicit UsageChart(QWidget *parent = nullptr);
    /// cpuPermille: ‰ of the partition's vCPUs; memory in MiB.
    void addSample(qint64 atMs, int cpuPermille, qint64 memoryUsedMib, qint64 memoryMib);
    void clear();
    int sampleCount() const;
    void setWindowSeconds(int seconds) { m_windowMs = qint64(seconds) * 1000; }
    /// Ticks on the time axis and the percent axis, as many as have room at this size.
    int timeTickCount() const;
    int percentTickCount() const;

protected:
    /// Fewer ticks when small: labels that do not fit would be cut to "…".
    void resizeEvent(QResizeEvent *event) override;

private:
    QLineSeries *m_cpu;
    QLineSeries *m_memory;
    QDateTimeAxis *m_time;
    QValueAxis *m_percent;
    qint64 m_windowMs = 120'000;
};

} // namespace lendable::ui
