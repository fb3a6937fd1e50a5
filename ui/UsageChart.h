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
    /// The end of the time axis as drawn, UTC ms: now, in the clock of the samples.
    qint64 axisEndMs() const;

protected:
    /// Fewer ticks when small: labels that do not fit would be cut to "…".
    void resizeEvent(QResizeEvent *event) override;
    /// The axis runs on between samples (and before the first): a chart that stood still
    /// would say that no time passed.
    void timerEvent(QTimerEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLineSeries *m_cpu;
    QLineSeries *m_memory;
    QDateTimeAxis *m_time;
    QValueAxis *m_percent;
    qint64 m_windowMs = 120'000;
    /// The newest sample's time (the agent's clock) and when it came (this machine's): the
    /// axis ends at that time plus what passed since, so another clock does not make it jump.
    qint64 m_lastSampleMs = 0;
    qint64 m_lastSampleLocalMs = 0;
    int m_tick = 0;
    void advanceAxis();
    qint64 nowInSampleClockMs() const;
};

} // namespace lendable::ui
