#include "UsageChart.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QTimerEvent>
#include <QValueAxis>

namespace lendable::ui {

UsageChart::UsageChart(QWidget *parent)
    : QChartView(parent)
    , m_cpu(new QLineSeries)
    , m_memory(new QLineSeries)
    , m_time(new QDateTimeAxis)
    , m_percent(new QValueAxis)
{
    setObjectName(QStringLiteral("usageChart"));
    auto *chart = new QChart;
    m_cpu->setName(tr("CPU %"));
    m_memory->setName(tr("Memory %"));
    chart->addSeries(m_cpu);
    chart->addSeries(m_memory);
    m_time->setFormat(QStringLiteral("HH:mm:ss"));
    m_time->setTickCount(5);
    m_percent->setRange(0, 100);
    m_percent->setLabelFormat(QStringLiteral("%d%%"));
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_percent, Qt::AlignLeft);
    for (QLineSeries *s : {m_cpu, m_memory}) {
        s->attachAxis(m_time);
        s->attachAxis(m_percent);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    advanceAxis();
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    // Room for the percent labels, two time labels and the legend, in any of the languages.
    setMinimumWidth(240);
}

void UsageChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    // A time label ("07:15:42") wants about its own width again as space; 0 %, 50 %, 100 %
    // at the least on the percent axis, 25 % steps when there is height for them.
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("00:00:00")) * 2;
    m_time->setTickCount(qBound(2, (width() - fontMetrics().horizontalAdvance(QStringLiteral("100%")) - 24) / qMax(1, labelWidth) + 1, 5));
    m_percent->setTickCount(height() >= 200 ? 5 : 3);
}

void UsageChart::showEvent(QShowEvent *event)
{
    QChartView::showEvent(event);
    advanceAxis();
    if (m_tick == 0)
        m_tick = startTimer(1000);
}

void UsageChart::hideEvent(QHideEvent *event)
{
    QChartView::hideEvent(event);
    if (m_tick != 0)
        killTimer(m_tick);
    m_tick = 0;
}

void UsageChart::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_tick)
        advanceAxis();
    else
        QChartView::timerEvent(event);
}

void UsageChart::advanceAxis()
{
    const qint64 end = nowInSampleClockMs();
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(end - m_windowMs), QDateTime::fromMSecsSinceEpoch(end));
}

qint64 UsageChart::axisEndMs() const
{
    return m_time->max().toMSecsSinceEpoch();
}

qint64 UsageChart::nowInSampleClockMs() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return m_lastSampleLocalMs > 0 ? m_lastSampleMs + qMax<qint64>(0, now - m_lastSampleLocalMs) : now;
}

int UsageChart::timeTickCount() const
{
    return m_time->tickCount();
}

int UsageChart::percentTickCount() const
{
    return m_percent->tickCount();
}

void UsageChart::addSample(qint64 atMs, int cpuPermille, qint64 memoryUsedMib, qint64 memoryMib)
{
    m_cpu->append(double(atMs), qBound(0.0, cpuPermille / 10.0, 100.0));
    m_memory->append(double(atMs), memoryMib > 0 ? qBound(0.0, 100.0 * double(memoryUsedMib) / double(memoryMib), 100.0) : 0.0);
    // Keep only the window: the chart stays cheap however long a job runs.
    for (QLineSeries *s : {m_cpu, m_memory}) {
        int drop = 0;
        while (drop < s->count() && s->at(drop).x() < double(atMs - m_windowMs))
            ++drop;
        if (drop > 0)
            s->removePoints(0, drop);
    }
    m_lastSampleMs = atMs;
    m_lastSampleLocalMs = QDateTime::currentMSecsSinceEpoch();
    advanceAxis();
}

void UsageChart::clear()
{
    m_cpu->clear();
    m_memory->clear();
}

int UsageChart::sampleCount() const
{
    return int(m_cpu->count());
}

} // namespace lendable::ui
