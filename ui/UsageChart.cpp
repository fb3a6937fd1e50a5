#include "UsageChart.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
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
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(now - m_windowMs), QDateTime::fromMSecsSinceEpoch(now));
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
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(atMs - m_windowMs), QDateTime::fromMSecsSinceEpoch(atMs));
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
