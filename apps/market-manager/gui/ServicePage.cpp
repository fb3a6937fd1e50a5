#include "ServicePage.h"

#include "LatencyHistogram.h"
#include "MarketService.h"
#include "ui/Format.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QSettings>
#include <QStandardItemModel>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace lendable::market {

using namespace lendable::protocol;

namespace {

constexpr int kPollMs = 2000;
constexpr qint64 kKeepMs = 60 * 60 * 1000; // the longest span the chart shows

// The chart's spans: minutes, and the x axis's ticks for them.
struct Span {
    int minutes;
    int ticks;
};
constexpr Span kSpans[] = {{5, 6}, {15, 4}, {60, 7}};

// The kinds the market reports, in the table's order, with what the table calls them.
struct KindName {
    const char *kind;
    const char *label;
};
constexpr KindName kKinds[] = {
    {"search", QT_TRANSLATE_NOOP("lendable::market::ServicePage", "Searches")},
    {"borrow", QT_TRANSLATE_NOOP("lendable::market::ServicePage", "Borrows")},
    {"end", QT_TRANSLATE_NOOP("lendable::market::ServicePage", "Ends")},
    {"register", QT_TRANSLATE_NOOP("lendable::market::ServicePage", "Registrations")},
    {"other", QT_TRANSLATE_NOOP("lendable::market::ServicePage", "Other")},
};

QString formatMs(double ms)
{
    return QLocale().toString(ms, 'f', ms < 1 ? 3 : (ms < 100 ? 2 : 0));
}

} // namespace

ServicePage::ServicePage(Channel *channel, QWidget *parent)
    : QWidget(parent)
    , m_channel(channel)
    , m_summary(new QLabel(this))
    , m_view(new QTableView(this))
    , m_model(new QStandardItemModel(0, 5, this))
    , m_chart(new QChartView(new QChart, this))
    , m_metric(new QComboBox(this))
    , m_span(new QComboBox(this))
{
    m_summary->setObjectName(QStringLiteral("serviceSummaryLabel"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_model->setHorizontalHeaderLabels({tr("Requests"), tr("Per second"), tr("p50 (ms)"), tr("p99 (ms)"), tr("Answered since start")});
    for (const KindName &k : kKinds) {
        QList<QStandardItem *> row{new QStandardItem(tr(k.label))};
        for (int c = 1; c < 5; ++c) {
            auto *item = new QStandardItem(QStringLiteral("—"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            row.append(item);
        }
        row.first()->setData(QString::fromLatin1(k.kind), Qt::UserRole);
        for (QStandardItem *item : row)
            item->setEditable(false);
        m_model->appendRow(row);
    }
    m_view->setObjectName(QStringLiteral("serviceView"));
    m_view->setModel(m_model);
    m_view->verticalHeader()->hide();
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setAlternatingRowColors(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_view->setToolTip(tr("The market's own time per request, from the decoded request to the answer handed to the "
                          "connection (borrows, ends and registrations: after their commit), over the last %n second(s).",
                          nullptr, kPollMs / 1000));
    // Tall enough for its five rows, no more: the chart takes the rest.
    m_view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    fitTableHeight();

    m_chart->setObjectName(QStringLiteral("requestRateChart"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumSize(320, 220);
    QChart *chart = m_chart->chart();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    m_timeAxis = new QValueAxis;
    m_timeAxis->setLabelFormat(QStringLiteral("%d"));
    m_timeAxis->setTitleText(tr("minutes"));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    for (const KindName &k : kKinds) {
        auto *series = new QLineSeries;
        series->setName(tr(k.label));
        chart->addSeries(series);
        series->attachAxis(m_timeAxis);
        m_series.insert(QString::fromLatin1(k.kind), series);
    }

    m_metric->setObjectName(QStringLiteral("serviceMetricBox"));
    m_metric->addItem(tr("Requests per second"));
    m_metric->addItem(tr("p99 latency (ms)"));
    m_span->setObjectName(QStringLiteral("serviceSpanBox"));
    for (const Span &span : kSpans)
        m_span->addItem(span.minutes < 60 ? tr("Last %n minute(s)", nullptr, span.minutes) : tr("Last hour"));
    // The chart the user chose last time (QSettings "service/chart" and "service/chartMinutes").
    QSettings settings;
    m_metric->setCurrentIndex(settings.value(QStringLiteral("service/chart")).toString() == QLatin1String("p99") ? 1 : 0);
    const int minutes = settings.value(QStringLiteral("service/chartMinutes"), 5).toInt();
    for (int i = 0; i < int(std::size(kSpans)); ++i) {
        if (kSpans[i].minutes == minutes)
            m_span->setCurrentIndex(i);
    }
    setValueAxis();
    const auto redraw = [this] {
        QSettings settings;
        settings.setValue(QStringLiteral("service/chart"), m_metric->currentIndex() == 1 ? QStringLiteral("p99") : QStringLiteral("rate"));
        settings.setValue(QStringLiteral("service/chartMinutes"), kSpans[qBound(0, m_span->currentIndex(), int(std::size(kSpans)) - 1)].minutes);
        setValueAxis();
        redrawChart(m_last ? m_last->atMs : QDateTime::currentMSecsSinceEpoch());
    };
    connect(m_metric, &QComboBox::currentIndexChanged, this, redraw);
    connect(m_span, &QComboBox::currentIndexChanged, this, redraw);

    auto *chartBar = new QHBoxLayout;
    chartBar->addWidget(new QLabel(tr("Chart:"), this));
    chartBar->addWidget(m_metric);
    chartBar->addWidget(m_span);
    chartBar->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_view);
    layout->addLayout(chartBar);
    layout->addWidget(m_chart, 1);

    m_summary->setText(tr("Asking the market…"));
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &ServicePage::reload);
}

// The header and the rows, and the frame around them: AdjustToContents would leave room for a
// scroll bar below the last row.
void ServicePage::fitTableHeight()
{
    m_view->setFixedHeight(m_view->horizontalHeader()->sizeHint().height() + m_view->verticalHeader()->length()
                           + 2 * m_view->frameWidth());
}

void ServicePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    fitTableHeight(); // the style and font are final now
    reload();
    m_poll.start();
}

void ServicePage::hideEvent(QHideEvent *event)
{
    m_poll.stop();
    QWidget::hideEvent(event);
}

void ServicePage::reload()
{
    // A closed connection is reported once, by the window; asking it again would only repeat that.
    if (!m_channel || !m_channel->isEstablished() || m_asking)
        return;
    m_asking = true;
    AdminServiceStats ask;
    if (m_wantHistory)
        ask.history = true;
    m_channel->request<ServiceStats>(ask, this, [this](Result<ServiceStats> r) {
        m_asking = false;
        if (!r) {
            emit error(r.error());
            return;
        }
        showStats(*r);
    });
}

void ServicePage::showStats(const ServiceStats &stats)
{
    // A restarted market counts from zero again: its first answer starts a new interval.
    std::optional<ServiceStats> previous = m_last;
    if (previous && previous->startedAtMs != stats.startedAtMs) {
        previous.reset();
        m_samples.clear();
        m_wantHistory = true; // the new process's, from the next answer on
    }
    if (stats.history) {
        m_wantHistory = false;
        if (!previous)
            addHistory(*stats.history);
    }
    const double seconds = previous ? static_cast<double>(qMax<qint64>(1, stats.atMs - previous->atMs)) / 1000.0 : 0;
    const QLocale locale;

    QString cpu = QStringLiteral("—");
    if (previous)
        cpu = tr("%1 % of a core").arg(locale.toString(100.0 * static_cast<double>(stats.cpuMs - previous->cpuMs) / (seconds * 1000.0), 'f', 0));
    QString summary = tr("Up %1, since %2 · %3 connections · %4 offers · %5 MiB resident · CPU %6")
                          .arg(ui::formatDuration(qMax<qint64>(0, stats.atMs - stats.startedAtMs)),
                               ui::formatTimestamp(stats.startedAtMs), locale.toString(stats.connections),
                               locale.toString(stats.offers),
                               locale.toString(static_cast<double>(stats.residentKib) / 1024.0, 'f', 1), cpu);
    // The market's machine as a whole: a busy or stolen machine explains slow answers that the
    // market's own CPU does not.
    if (const std::optional<HostCpuShare> share = hostCpuShare(previous ? previous->host : std::nullopt, stats.host)) {
        summary += QStringLiteral(" · ")
            + tr("machine: %n core(s), %1 % busy, %2 % stolen", nullptr, stats.host->cores)
                  .arg(locale.toString(share->busyPercent, 'f', 0), locale.toString(share->stolenPercent, 'f', 1));
    }
    m_summary->setText(summary);

    Sample sample{.atMs = stats.atMs, .perSecond = {}};
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString kind = m_model->item(row, 0)->data(Qt::UserRole).toString();
        const LatencyHistogram now = histogramOfKind(stats, kind);
        m_model->item(row, 4)->setText(locale.toString(now.count()));
        if (!previous)
            continue;
        const LatencyHistogram interval = now.since(histogramOfKind(*previous, kind));
        const double perSecond = static_cast<double>(interval.count()) / seconds;
        sample.perSecond.insert(kind, perSecond);
        if (interval.count())
            sample.p99Ms.insert(kind, interval.percentileMs(99));
        m_model->item(row, 1)->setText(locale.toString(perSecond, 'f', perSecond < 10 ? 1 : 0));
        m_model->item(row, 2)->setText(interval.count() ? formatMs(interval.percentileMs(50)) : QStringLiteral("—"));
        m_model->item(row, 3)->setText(interval.count() ? formatMs(interval.percentileMs(99)) : QStringLiteral("—"));
    }
    if (previous) {
        m_samples.push_back(std::move(sample));
        while (!m_samples.empty() && m_samples.front().atMs < stats.atMs - kKeepMs)
            m_samples.pop_front();
    }
    redrawChart(stats.atMs);
    m_last = stats;
    emit statsLoaded();
}

// The market's own samples, before this page's first answer: each is an interval's counts
// and percentiles, which become points like the page's own intervals.
void ServicePage::addHistory(const QList<ServiceSample> &history)
{
    for (const ServiceSample &h : history) {
        if (h.intervalMs <= 0)
            continue;
        Sample sample{.atMs = h.atMs, .perSecond = {}, .p99Ms = {}};
        for (const RequestInterval &r : h.requests) {
            sample.perSecond.insert(r.kind, static_cast<double>(r.count) * 1000.0 / static_cast<double>(h.intervalMs));
            if (r.count > 0)
                sample.p99Ms.insert(r.kind, static_cast<double>(r.p99Micros) / 1000.0);
        }
        m_samples.push_back(std::move(sample));
    }
}

QList<QPointF> ServicePage::ratePoints(const QString &kind) const
{
    const QLineSeries *series = m_series.value(kind);
    return series ? series->points() : QList<QPointF>{};
}

// A linear axis from 0 for rates; a logarithmic one for latency, where searches take
// microseconds and borrows, which wait for their commit, milliseconds.
void ServicePage::setValueAxis()
{
    QChart *chart = m_chart->chart();
    const bool latency = m_metric->currentIndex() == 1;
    QAbstractAxis *axis = nullptr;
    if (latency) {
        auto *log = new QLogValueAxis;
        log->setBase(10);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setMinorTickCount(-1);
        axis = log;
    } else {
        auto *linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%d"));
        axis = linear;
    }
    if (m_valueAxis) {
        chart->removeAxis(m_valueAxis);
        delete m_valueAxis;
    }
    m_valueAxis = axis;
    chart->addAxis(axis, Qt::AlignLeft);
    // The points of the other metric go first (redrawChart() draws this one's): a rate of 0
    // on a logarithmic axis is undefined, and Qt Charts warns of each.
    for (QLineSeries *series : std::as_const(m_series)) {
        series->clear();
        series->attachAxis(axis);
    }
    const Span span = kSpans[qBound(0, m_span->currentIndex(), int(std::size(kSpans)) - 1)];
    m_timeAxis->setRange(-span.minutes, 0);
    m_timeAxis->setTickCount(span.ticks);
    chart->setTitle(latency ? tr("The market's p99 per kind of request (ms)") : tr("Requests per second"));
}

void ServicePage::redrawChart(qint64 nowMs)
{
    const bool latency = m_metric->currentIndex() == 1;
    const Span span = kSpans[qBound(0, m_span->currentIndex(), int(std::size(kSpans)) - 1)];
    const qint64 fromMs = nowMs - qint64(span.minutes) * 60'000;
    double top = 0;
    double bottom = 0;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        QList<QPointF> points;
        for (const Sample &s : m_samples) {
            if (s.atMs < fromMs)
                continue;
            // Latency only where the kind had requests (and a log axis has no 0).
            const auto value = latency ? s.p99Ms.constFind(it.key()) : s.perSecond.constFind(it.key());
            if (value == (latency ? s.p99Ms.cend() : s.perSecond.cend()) || (latency && *value <= 0))
                continue;
            points.append(QPointF(static_cast<double>(s.atMs - nowMs) / 60'000.0, *value));
            top = qMax(top, *value);
            bottom = bottom > 0 ? qMin(bottom, *value) : *value;
        }
        it.value()->replace(points);
        // A line needs two points: a kind seen in one sample alone (one registration in the
        // last hour) is drawn as a dot, not left out.
        it.value()->setPointsVisible(points.size() == 1);
    }
    if (latency) {
        // Whole powers of ten around what is shown, a decade at least.
        const double low = bottom > 0 ? std::pow(10.0, std::floor(std::log10(bottom))) : 0.001;
        const double high = top > 0 ? std::pow(10.0, std::ceil(std::log10(top))) : 1.0;
        // The axis ticks from the first power of ten it computes to be at or above its
        // minimum, which for 0.01 comes out as 0.1 (log10(0.01) is a hair above -2): a minimum
        // a hair below keeps the lowest label.
        static_cast<QLogValueAxis *>(m_valueAxis)->setRange(low * 0.999, qMax(high, low * 10));
        return;
    }
    // A round top a little above the highest rate, so the lines do not touch the frame.
    double step = 10;
    while (top * 1.1 > step * 10)
        step *= 10;
    const double max = qMax(10.0, std::ceil(top * 1.1 / step) * step);
    auto *axis = static_cast<QValueAxis *>(m_valueAxis);
    axis->setRange(0, max);
    // Ticks at whole, round values (the labels are integers): the smallest of 1, 2 or 5 × a
    // power of ten that divides the range into at most ten.
    double interval = max;
    for (const double candidate : {step / 10, step / 5, step / 2, step, step * 2, step * 5}) {
        const double parts = max / candidate;
        if (candidate >= 1 && parts <= 10 && std::abs(parts - std::round(parts)) < 1e-9) {
            interval = candidate;
            break;
        }
    }
    axis->setTickCount(int(std::round(max / interval)) + 1);
}

} // namespace lendable::market
