// The Market Manager's main views, offscreen, over a real in-process market: a lender
// registers partitions and a borrower makes contracts through the protocol, and the admin
// window shows them (partitions with lending status, contracts, billing figures, exports).

#include "../borrower/FreezingRelay.h"
#include "MarketService.h"
#include "app/AppSupport.h"
#include "MarketTestSupport.h"
#include "MarketWindow.h"
#include "protocol/SslChannel.h"
#include "ui/ErrorBanner.h"
#include "Pages.h"
#include "ServicePage.h"

#include "ui/Format.h"
#include "ui/SizeSpinBox.h"

#include <cmath>

#include <QBarCategoryAxis>
#include <QCategoryAxis>
#include <QGraphicsTextItem>
#include <QRegularExpression>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialog>
#include <QDir>
#include <QStatusBar>
#include <QDialogButtonBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QScopeGuard>
#include <QSpinBox>
#include <QTcpServer>
#include <QTimer>
#include <QTimeZone>
#include <QLabel>
#include <QBarSeries>
#include <QBarSet>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QStandardItemModel>
#include <QTest>

#include "GuiTimeouts.h"

#include <algorithm>
#include <memory>

using namespace lendable;
using namespace lendable::protocol;

namespace {
// A busybox partition at 1 an hour, as the tests' lenders register theirs.
RegisterPartition busyboxPartition(const QString &id, const QString &lenderName, const QString &agentAddress, Resources resources)
{
    RegisterPartition reg;
    reg.partitionId = id;
    reg.lenderName = lenderName;
    reg.agentAddress = agentAddress;
    reg.conditions.resources = resources;
    reg.conditions.osImages = {QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::fromMicros(1'000'000);
    return reg;
}
/// A market of a test's own and an admin it lists, for the tests that attach to a market
/// over TLS (as --connect does).
struct AttachedMarket {
    Identity market;
    Identity admin;
    market::MarketConfig config;
    explicit AttachedMarket(const QString &dataDir)
        : market(Identity::generate(QStringLiteral("market"), QDateTime::currentDateTimeUtc().addDays(-1),
                                    QDateTime::currentDateTimeUtc().addDays(30))
                     .value())
        , admin(Identity::generate(QStringLiteral("admin"), QDateTime::currentDateTimeUtc().addDays(-1),
                                   QDateTime::currentDateTimeUtc().addDays(30))
                    .value())
    {
        config.dataDir = dataDir;
        config.adminIds = {admin.nodeId()};
    }
    /// A new admin connection to 127.0.0.1:`port` that pins `marketId` (the market's own
    /// unless given).
    Channel *connectAdmin(quint16 port, QObject *parent, const QString &marketId = {}) const
    {
        HandshakeConfig handshake;
        handshake.localRole = QStringLiteral("admin");
        return SslChannel::connectTo(QStringLiteral("127.0.0.1"), port, admin, marketId.isEmpty() ? market.nodeId() : marketId, handshake, parent);
    }
};
} // namespace

class TestMarketGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void partitionsShowLendingStatus();
    void filterNarrowsPartitions();
    void contractsAndBilling();
    void dayChartsAreLabelledWithDates();
    void longPeriodsHaveWiderBars();
    void utilisationHasNoPointWithoutCapacity();
    void topChartKeepsNamesReadable();
    void columnsFitWhatTheyHold();
    void exportFilesFetchesThePeriodOnce();
    void exportsWriteFiles();
    void csvNamesCannotBeFormulas();
    void csvIdsKeepTheirColumns();
    void csvTotalRowsAreDocumented();
    void customRangeReportsItsDays();
    void billingPeriodIsRemembered();
    void violationsAreListed();
    void lockReportsReadAsPeopleSayThem();
    void sizesAreTypedAsTheyAreListed();
    void rebalanceWithSliders();
    void rebalanceAsksOnlyWhatChanged();
    void rebalanceSaysWhatItCannotDo();
    void serviceShowsTheMarketsFigures();
    void serviceChartStartsWithTheMarketsHistory();
    void serviceChartDrawsALoneSample();
    void onlyTheShownPageIsRefreshed();
    void billingAsksOneReportAtATime();
    void headersSortInTheMarket();
    void totalsReadAsPeopleWriteThem();
    void shownTotalsAddUp();
    void pdfTotalsAreItsTablesSums(); // after the tests that count the contracts
    void pdfDatesAreReadWhole();
    void exportKeepsItsPeriod();
    void refreshKeepsTheRowsInView();
    void partitionsAreRefreshedInPlace();
    void reconnectsWhenTheMarketComesBack();
    void marketThatStopsAnsweringIsFoundOut();
    void opensBeforeTheMarketAnswers();
    void cleanupTestCase();

private:
    /// The Billing tab, shown, and its period's list and date edits.
    struct BillingPeriod {
        market::BillingPage *billing;
        QComboBox *period;
        QDateEdit *first;
        QDateEdit *last;
    };
    BillingPeriod showBillingPeriod();
    // A lender's partition whose allocation the market holds, registered and shown alone
    // (filtered by its lender's name) and selected on the Lenders & partitions tab: its
    // enabled Rebalance… button, or nullptr.
    QPushButton *selectHeldPartition(Channel *lender, const QString &partitionId, const QString &lenderName,
                                     const QString &agentAddress, Resources resources);

    QTemporaryDir m_dir;
    std::unique_ptr<market::MarketService> m_market;
    Channel *m_lender = nullptr;
    Channel *m_borrower = nullptr;
    Channel *m_admin = nullptr;
    std::unique_ptr<market::MarketWindow> m_window;
    QString m_contractId;
};

void TestMarketGui::initTestCase()
{
    // Settings the window and pages remember (the tab shown last, the Service chart's choice,
    // the export folder) go to a test location and start empty: a run must not begin where
    // the last one ended (on the Billing tab, say, whose report would then come unasked).
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    // The English catalogue, as the app loads it: it holds the plural forms, so that texts
    // read "1 contract" and "2 contracts" here as they do for users, not "contract(s)".
    QCOMPARE(app::installTranslations(*QCoreApplication::instance(), QStringLiteral("market-manager"), QStringLiteral("en")),
             QStringLiteral("en"));
    Identity marketId = Identity::generate(QStringLiteral("market"), QDateTime::currentDateTimeUtc().addDays(-1),
                                           QDateTime::currentDateTimeUtc().addDays(30)).value();
    market::MarketConfig config;
    config.dataDir = m_dir.path();
    config.statsSampleMs = 200; // ServiceStats.history fills in a test's time
    // The fixture's lender sends no heartbeats: it stays online however long the run takes
    // (the tests that borrow late would find no lender online after the default 30 s).
    config.heartbeatTimeoutMs = 600'000;
    m_market = std::make_unique<market::MarketService>(marketId, QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("m.db")), config);
    QVERIFY(m_market->start().ok());

    m_lender = m_market->connectLocal(QString(64, QLatin1Char('1')), QStringLiteral("lender"));
    QVERIFY(m_lender->waitEstablished(5000).ok());
    for (int i = 0; i < 250; ++i) {
        RegisterPartition reg;
        reg.partitionId = QStringLiteral("p%1").arg(i, 3, 10, QLatin1Char('0'));
        reg.lenderName = QStringLiteral("rack-a");
        reg.agentAddress = QStringLiteral("127.0.0.1:7401");
        reg.conditions.resources = Resources{1 + i % 4, 512 * (1 + i % 3), 4096};
        reg.conditions.osImages = {QStringLiteral("busybox")};
        reg.conditions.ratePerHour = Money::fromMicros(1'000'000 + i * 10'000);
        Result<PartitionRegistered> r = m_lender->call<PartitionRegistered>(reg);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    }
    m_borrower = m_market->connectLocal(QString(64, QLatin1Char('2')), QStringLiteral("borrower"));
    QVERIFY(m_borrower->waitEstablished(5000).ok());
    Borrow borrow;
    borrow.query = QStringLiteral("cpus>=4 order=rate");
    Result<ContractGranted> granted = m_borrower->call<ContractGranted>(borrow);
    QVERIFY2(granted.ok(), qPrintable(granted.error().toString()));
    m_contractId = granted->contractId;
    Result<ContractGranted> second = m_borrower->call<ContractGranted>(Borrow{.offerId = {}, .query = QStringLiteral("cpus>=2")});
    QVERIFY(second.ok());
    QTest::qWait(20);
    QVERIFY(m_borrower->call<ContractClosed>(EndContract{.contractId = second->contractId}).ok());

    m_admin = m_market->connectLocal(marketId.nodeId(), QStringLiteral("admin"));
    QVERIFY(m_admin->waitEstablished(5000).ok());
    m_window = std::make_unique<market::MarketWindow>(m_admin, marketId.nodeId(), QStringLiteral("test"), marketId.nodeId());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMarketGui::partitionsShowLendingStatus()
{
    ui::PagedTableModel *model = m_window->partitionsPage()->model();
    QTRY_COMPARE(model->total(), qint64(250));
    QCOMPARE(model->rowCount(), 250);
    // Only the pages looked at are loaded; scrolling to the end fetches the last page.
    m_window->partitionsPage()->view()->scrollToBottom();
    QTRY_VERIFY(model->isRowLoaded(249));
    int lent = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (!model->isRowLoaded(row)) {
            model->data(model->index(row, 0)); // asks for the page
            QTRY_VERIFY(model->isRowLoaded(row));
        }
        if (model->index(row, 10).data().toString().startsWith(QStringLiteral("lent to")))
            ++lent;
    }
    QCOMPARE(lent, 1); // the second contract ended, the first is running
    // The lender's reliability, as the market counts it (a new lender's is 100 %).
    QCOMPARE(model->headerData(9, Qt::Horizontal).toString(), QStringLiteral("Reliability"));
    QCOMPARE(model->index(0, 9).data().toString(), QStringLiteral("100 %"));
    // The longest a contract may run: none set for these.
    QCOMPARE(model->headerData(7, Qt::Horizontal).toString(), QStringLiteral("Time limit"));
    QCOMPARE(model->index(0, 7).data().toString(), QStringLiteral("none"));
}

void TestMarketGui::filterNarrowsPartitions()
{
    auto *page = m_window->partitionsPage();
    page->filterEdit()->setText(QStringLiteral("p24"));
    QTRY_COMPARE(page->model()->total(), qint64(10)); // p240..p249
    page->filterEdit()->setText(QStringLiteral("zz-none"));
    QTRY_COMPARE(page->findChild<QLabel *>(QStringLiteral("partitionSummaryLabel"))->text(), QStringLiteral("No partition matches \u201czz-none\u201d."));
    page->filterEdit()->clear();
    QTRY_COMPARE(page->model()->total(), qint64(250));
    QTRY_COMPARE(page->findChild<QLabel *>(QStringLiteral("partitionSummaryLabel"))->text(), QStringLiteral("250 partitions"));
}

void TestMarketGui::contractsAndBilling()
{
    auto *contracts = m_window->contractsPage();
    QTRY_COMPARE(contracts->model()->total(), qint64(2));
    contracts->runningOnly()->setChecked(true);
    QTRY_COMPARE(contracts->model()->total(), qint64(1));
    QTRY_COMPARE(contracts->model()->index(0, 0).data().toString(), m_contractId);
    QCOMPARE(contracts->model()->index(0, 2).data().toString(), QStringLiteral("rack-a")); // the lender's name
    // Names are not unique: a party's tooltip has its whole node ID too.
    QCOMPARE(contracts->model()->index(0, 2).data(Qt::ToolTipRole).toString(), QStringLiteral("rack-a\n") + QString(64, QLatin1Char('1')));
    QCOMPARE(contracts->model()->index(0, 1).data(Qt::ToolTipRole).toString(), QString(64, QLatin1Char('2'))); // no name: the ID
    QCOMPARE(contracts->model()->index(0, 0).data(Qt::ToolTipRole).toString(), m_contractId); // other cells: their text
    // The times are this computer's local time, as the headers' tooltips say with the zone's
    // name; a time's tooltip has it in UTC, as billing periods and exports go.
    const QString zone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    for (const int column : {5, 6}) {
        const QString header = contracts->model()->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString();
        QVERIFY2(header.contains(QStringLiteral("in this computer's time zone (%1)").arg(zone)) && header.contains(QStringLiteral("UTC")),
                 qPrintable(header));
    }
    const QString started = contracts->model()->index(0, 5).data().toString();
    const QString startedInUtc =
        QDateTime::fromString(started, QStringLiteral("yyyy-MM-dd HH:mm:ss")).toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    const QString startedTip = contracts->model()->index(0, 5).data(Qt::ToolTipRole).toString();
    QVERIFY2(startedTip.endsWith(QStringLiteral("In UTC, as billing periods and exports go: %1.").arg(startedInUtc)), qPrintable(startedTip));
    // Below the list: how many, or that nothing matches.
    QTRY_COMPARE(contracts->summary()->text(), QStringLiteral("1 running contract"));
    contracts->runningOnly()->setChecked(false);
    QTRY_COMPARE(contracts->summary()->text(), QStringLiteral("2 contracts"));
    contracts->filterEdit()->setText(QStringLiteral("no-such-contract"));
    QTRY_COMPARE(contracts->summary()->text(), QStringLiteral("No contract matches \u201cno-such-contract\u201d."));
    contracts->filterEdit()->clear();
    QTRY_COMPARE(contracts->model()->total(), qint64(2));

    m_window->tabs()->setCurrentIndex(2);
    m_window->billingPage()->reload();
    QTRY_VERIFY(!m_window->billingPage()->report().days.isEmpty());
    Money revenue;
    for (const DayStat &d : m_window->billingPage()->report().days)
        revenue = revenue.add(d.revenue).value();
    QVERIFY(revenue.micros() >= 0);
    QCOMPARE(m_window->billingPage()->report().feeBasisPoints, 1000);
    QTRY_VERIFY(!m_window->billingPage()->report().topBorrowers.isEmpty());
}

void TestMarketGui::dayChartsAreLabelledWithDates()
{
    // The per-day charts label their days with dates, a few of them whatever the period:
    // every day of a week, then every 3rd or 14th day, never one date per bar squeezed (fewer
    // when the period reaches into last year and its labels carry the year).
    auto *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(billing);
    auto *period = billing->findChild<QComboBox *>(QStringLiteral("periodComboBox"));
    QVERIFY(period);
    // (days, step, step when the labels carry a year and are fewer)
    for (const auto &[days, thisYearStep, yearsStep] : {std::tuple{7, 1, 2}, std::tuple{30, 3, 5}, std::tuple{90, 14, 28}}) {
        QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
        period->setCurrentIndex(period->findData(days));
        QTRY_VERIFY(!loaded.isEmpty());
        QCOMPARE(billing->report().days.size(), days);
        // The year is shown (on the first date and where it changes) only for a period that
        // reaches into another year than this one.
        const QDate firstDay = QDateTime::fromMSecsSinceEpoch(billing->report().days.first().dayStartMs, Qt::UTC).date();
        const bool withYears = firstDay.year() != QDateTime::currentDateTimeUtc().date().year();
        const int step = withYears ? yearsStep : thisYearStep;
        QStringList expected;
        int year = 0;
        for (int i = 0; i < days; i += step) {
            const QDate d = QDateTime::fromMSecsSinceEpoch(billing->report().days[i].dayStartMs, Qt::UTC).date();
            expected << d.toString(withYears && d.year() != year ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("MM-dd"));
            year = d.year();
        }
        for (const char *name : {"revenueChart", "feeSplitChart", "utilisationChart"}) {
            auto *view = billing->findChild<QChartView *>(QLatin1String(name));
            QVERIFY2(view, name);
            const QList<QAbstractAxis *> axes = view->chart()->axes(Qt::Horizontal);
            QCOMPARE(axes.size(), 1);
            auto *axis = qobject_cast<QCategoryAxis *>(axes.first());
            QVERIFY2(axis, name);
            QCOMPARE(axis->categoriesLabels(), expected);
            for (int i = 0; i < expected.size(); ++i)
                QCOMPARE(axis->endValue(expected[i]), double(i * step)); // under its bar
            QCOMPARE(axis->min(), -0.5);
            QCOMPARE(axis->max(), days - 0.5);
        }
    }
    // Money axes in the locale's grouped digits ("1,000,000"); the percent axis as it is.
    for (const char *name : {"revenueChart", "feeSplitChart", "topPartiesChart"}) {
        auto *view = billing->findChild<QChartView *>(QLatin1String(name));
        QVERIFY2(view && view->chart()->localizeNumbers(), name);
    }
    QVERIFY(!billing->findChild<QChartView *>(QStringLiteral("utilisationChart"))->chart()->localizeNumbers());
    period->setCurrentIndex(0);
}

void TestMarketGui::longPeriodsHaveWiderBars()
{
    using Page = market::BillingPage;
    const auto daysFrom = [](QDate first, int n) {
        QList<DayStat> days;
        for (int i = 0; i < n; ++i)
            days.append(DayStat{.dayStartMs = QDateTime(first.addDays(i), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch(),
                                .revenue = Money::fromMicros(1'000'000),
                                .fees = Money::fromMicros(100'000),
                                .payouts = Money::fromMicros(900'000),
                                .lentSeconds = 10,
                                .capacitySeconds = 40});
        return days;
    };
    const QDate today(2026, 1, 13);
    // Up to 92 days, a bar a day.
    Page::Bars bars = Page::barsOf(daysFrom(QDate(2025, 10, 14), 92));
    QCOMPARE(bars.unit, Page::BarUnit::Day);
    QCOMPARE(bars.stats.size(), 92);
    // Over that, a bar a week from the first day: 93 days are 13 weeks and 2 days.
    bars = Page::barsOf(daysFrom(QDate(2025, 10, 13), 93));
    QCOMPARE(bars.unit, Page::BarUnit::Week);
    QCOMPARE(bars.stats.size(), 14);
    QCOMPARE(bars.days.first(), 7);
    QCOMPARE(bars.days.last(), 2);
    QCOMPARE(bars.stats.first().revenue, Money::fromMicros(7'000'000));
    QCOMPARE(bars.stats.last().capacitySeconds, 80);
    QCOMPARE(bars.stats[1].dayStartMs, QDateTime(QDate(2025, 10, 20), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
    // Weeks over a year's end: the year on the first date and on the first of the new year.
    auto labels = Page::barLabels(bars, today);
    QCOMPARE(labels.first(), (std::pair<qsizetype, QString>{0, QStringLiteral("2025-10-13")}));
    QCOMPARE(labels.last(), (std::pair<qsizetype, QString>{12, QStringLiteral("2026-01-05")})); // every third bar
    QStringList texts;
    for (const auto &l : labels)
        texts << l.second;
    QCOMPARE(texts, (QStringList{QStringLiteral("2025-10-13"), QStringLiteral("11-03"), QStringLiteral("11-24"), QStringLiteral("12-15"),
                                 QStringLiteral("2026-01-05")}));
    // Over 644 days, a bar per calendar month, the first from the period's first day.
    bars = Page::barsOf(daysFrom(QDate(2024, 1, 15), 1000));
    QCOMPARE(bars.unit, Page::BarUnit::Month);
    QCOMPARE(bars.days.first(), 17); // 15 to 31 January
    QCOMPARE(bars.days[1], 29);      // February 2024
    QCOMPARE(bars.stats[1].dayStartMs, QDateTime(QDate(2024, 2, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch());
    labels = Page::barLabels(bars, today);
    QCOMPARE(labels.first().second, QStringLiteral("2024-01"));
    QCOMPARE(bars.stats.size(), 34); // January 2024 to October 2026
    QCOMPARE(labels.size(), 6);      // every half year: at most six month labels, each read whole
    QCOMPARE(labels[1], (std::pair<qsizetype, QString>{6, QStringLiteral("2024-07")}));
    // Days across the new year: the year where it changes, between the labels shown.
    bars = Page::barsOf(daysFrom(QDate(2025, 12, 15), 30));
    labels = Page::barLabels(bars, today);
    texts.clear();
    for (const auto &l : labels)
        texts << l.second;
    QCOMPARE(texts, (QStringList{QStringLiteral("2025-12-15"), QStringLiteral("12-20"), QStringLiteral("12-25"), QStringLiteral("12-30"),
                                 QStringLiteral("2026-01-04"), QStringLiteral("01-09")}));
    // Days of this year alone: no year.
    labels = Page::barLabels(Page::barsOf(daysFrom(QDate(2026, 1, 1), 7)), today);
    QCOMPARE(labels.first().second, QStringLiteral("01-01"));

    // The charts say what a bar is.
    auto *billing = m_window->billingPage();
    BillingReport report = billing->report();
    report.days = daysFrom(QDate(2025, 1, 1), 200);
    billing->showReport(report);
    QCOMPARE(billing->findChild<QChartView *>(QStringLiteral("revenueChart"))->chart()->title(), QStringLiteral("Revenue per week"));
    QCOMPARE(billing->findChild<QChartView *>(QStringLiteral("feeSplitChart"))->chart()->title(), QStringLiteral("Fees vs payouts per week"));
    auto *bars200 = qobject_cast<QBarSeries *>(billing->findChild<QChartView *>(QStringLiteral("revenueChart"))->chart()->series().value(0));
    QVERIFY(bars200);
    QCOMPARE(bars200->barSets().value(0)->count(), 29); // 28 weeks and 4 days
    report.days = daysFrom(QDate(2020, 1, 1), 2000);
    billing->showReport(report);
    QCOMPARE(billing->findChild<QChartView *>(QStringLiteral("revenueChart"))->chart()->title(), QStringLiteral("Revenue per month"));
    billing->reload();
}

void TestMarketGui::utilisationHasNoPointWithoutCapacity()
{
    // Days before any partition was registered, or still to come, have no capacity: the
    // line has a gap there, not 0 %; a lone day with capacity is a dot, and the legend has
    // one entry whatever the runs.
    auto *billing = m_window->billingPage();
    BillingReport report = billing->report();
    report.days.clear();
    const qint64 day0 = QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const QList<qint64> capacity{0, 0, 100, 100, 0, 100, 100, 100, 0, 0};
    for (qsizetype i = 0; i < capacity.size(); ++i)
        report.days.append(DayStat{.dayStartMs = day0 + i * 86'400'000LL, .lentSeconds = capacity[i] / 4, .capacitySeconds = capacity[i]});
    report.days[3].capacitySeconds = 0; // day 2 alone, then days 5 to 7
    billing->showReport(report);
    QChart *chart = billing->findChild<QChartView *>(QStringLiteral("utilisationChart"))->chart();
    QList<QList<QPointF>> runs;
    for (QAbstractSeries *s : chart->series()) {
        auto *line = qobject_cast<QLineSeries *>(s);
        QVERIFY(line);
        runs.append(line->points());
        QCOMPARE(line->pointsVisible(), line->count() == 1);
        QCOMPARE(line->color(), qobject_cast<QLineSeries *>(chart->series().first())->color());
    }
    QCOMPARE(runs, (QList<QList<QPointF>>{{QPointF(2, 25)}, {QPointF(5, 25), QPointF(6, 25), QPointF(7, 25)}}));
    int shownMarkers = 0;
    for (QLegendMarker *m : chart->legend()->markers())
        shownMarkers += m->isVisible();
    QCOMPARE(shownMarkers, 1);

    // Nothing registered in the whole period: no point at all, and still the legend.
    for (DayStat &d : report.days)
        d.capacitySeconds = 0;
    billing->showReport(report);
    chart = billing->findChild<QChartView *>(QStringLiteral("utilisationChart"))->chart();
    QCOMPARE(chart->series().size(), 1);
    QCOMPARE(qobject_cast<QLineSeries *>(chart->series().first())->count(), 0);
    billing->reload();
}

void TestMarketGui::topChartKeepsNamesReadable()
{
    // Ten borrowers and ten lenders in the report: the chart shows as many, largest first
    // from the top, as keep every name whole (Qt Charts draws "..." for a name taller than
    // its category), more in a taller window.
    auto *billing = m_window->billingPage();
    QSignalSpy shownReport(billing, &market::BillingPage::reportLoaded);
    m_window->tabs()->setCurrentWidget(m_window->contractsPage());
    m_window->tabs()->setCurrentWidget(billing); // reloads the page, once
    QTRY_VERIFY(!shownReport.isEmpty());
    // The market's own report would replace this test's every 5 s meanwhile.
    QTimer *refresh = nullptr;
    for (QTimer *t : m_window->findChildren<QTimer *>())
        if (t->interval() == 5000 && t->isActive())
            refresh = t;
    QVERIFY(refresh);
    refresh->stop();
    // Reports asked before (the window's first load, the tab shown) may still be on their
    // way on a busy machine, and would replace this test's: wait until none has come for 1 s.
    for (qsizetype seen = -1; seen != shownReport.size();) {
        seen = shownReport.size();
        QTest::qWait(1000);
    }
    auto *view = billing->findChild<QChartView *>(QStringLiteral("topPartiesChart"));
    QVERIFY(view);
    BillingReport report = billing->report();
    report.topBorrowers.clear();
    report.topLenders.clear();
    for (int i = 0; i < 10; ++i) {
        report.topBorrowers.append(PartyTotal{QString(64, QLatin1Char('a' + i)), QStringLiteral("Borrower %1").arg(i + 1),
                                              Money::fromMicros((20 - i) * 1'000'000)});
        report.topLenders.append(PartyTotal{QString(64, QLatin1Char('0' + i)), QStringLiteral("Lender %1").arg(i + 1),
                                            Money::fromMicros((10 - i) * 1'000'000)});
    }
    const auto categories = [view] {
        const QList<QAbstractAxis *> axes = view->chart()->axes(Qt::Vertical);
        auto *axis = axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(axes.first());
        return axis ? axis->categories() : QStringList();
    };
    const auto elided = [view] {
        QStringList out;
        for (QGraphicsItem *item : view->scene()->items()) {
            if (auto *text = dynamic_cast<QGraphicsTextItem *>(item); text && text->isVisible()
                && text->toPlainText().contains(QStringLiteral("...")))
                out.append(text->toPlainText());
        }
        return out;
    };
    const auto settled = [&] {
        // The chart is redrawn with the rows that fit once it has been laid out.
        QTest::qWait(200);
        const qsizetype parties = qMin<qsizetype>(report.topBorrowers.size(), market::BillingPage::kChartParties)
            + qMin<qsizetype>(report.topLenders.size(), market::BillingPage::kChartParties);
        return categories().size() == qMin<qsizetype>(billing->partyRows(), parties);
    };
    const QSize before = m_window->size();
    m_window->resize(1200, 780);
    billing->showReport(report);
    QTRY_VERIFY(settled());
    const int atDefault = billing->partyRows();
    QVERIFY2(atDefault >= 4 && atDefault <= 2 * market::BillingPage::kChartParties, qPrintable(QString::number(atDefault)));
    QStringList shown = categories();
    QCOMPARE(shown.last(), QStringLiteral("Borrower 1")); // the largest borrower on top
    QCOMPARE(shown.filter(QRegularExpression(QStringLiteral("^Borrower "))).size(), atDefault / 2);
    QCOMPARE(shown.first(), QStringLiteral("Lender %1").arg(atDefault - atDefault / 2)); // the smallest lender shown at the bottom
    QVERIFY2(elided().isEmpty(), qPrintable(elided().join(QLatin1Char('|'))));

    m_window->resize(1400, 1300);
    QTRY_VERIFY(billing->partyRows() > atDefault && settled());
    QVERIFY2(elided().isEmpty(), qPrintable(elided().join(QLatin1Char('|'))));
    m_window->resize(900, 560);
    QTRY_VERIFY(billing->partyRows() < atDefault && settled());
    QVERIFY(billing->partyRows() >= 2);
    QVERIFY2(elided().isEmpty(), qPrintable(elided().join(QLatin1Char('|'))));

    // Fewer lenders than their half: the borrowers take the rows left over.
    report.topLenders = report.topLenders.mid(0, 1);
    m_window->resize(1200, 780);
    billing->showReport(report);
    QTRY_VERIFY(billing->partyRows() == atDefault && settled());
    shown = categories();
    QCOMPARE(shown.size(), qMin(atDefault, market::BillingPage::kChartParties + 1));
    QCOMPARE(shown.first(), QStringLiteral("Lender 1"));

    // Two borrowers of one name: told apart by their IDs, a row each (a category axis keeps
    // one of each label, and the bars would have shifted to the wrong names).
    report.topBorrowers[1].name = report.topBorrowers[0].name;
    billing->showReport(report);
    QTRY_VERIFY(settled());
    shown = categories();
    QCOMPARE(shown.size(), qMin(atDefault, market::BillingPage::kChartParties + 1));
    QCOMPARE(shown.last(), QStringLiteral("Borrower 1 (%1)").arg(QString(8, QLatin1Char('a'))));
    QCOMPARE(shown.at(shown.size() - 2), QStringLiteral("Borrower 1 (%1)").arg(QString(8, QLatin1Char('b'))));
    QVERIFY(shown.contains(QStringLiteral("Borrower 3"))); // the others as they were
    // One node that borrows and lends: its two rows say which is which.
    report.topLenders[0] = PartyTotal{report.topBorrowers[2].nodeId, report.topBorrowers[2].name, Money::fromMicros(1'000'000)};
    billing->showReport(report);
    QTRY_VERIFY(settled());
    shown = categories();
    QVERIFY2(shown.contains(QStringLiteral("Borrower 3 (borrower)")), qPrintable(shown.join(QLatin1Char('|'))));
    QCOMPARE(shown.first(), QStringLiteral("Borrower 3 (lender)"));

    m_window->resize(before);
    refresh->start();
    QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
    billing->reload();
    QTRY_VERIFY(!loaded.isEmpty());
}

void TestMarketGui::violationsAreListed()
{
    auto *page = m_window->violationsPage();
    QCOMPARE(m_window->tabs()->indexOf(page), 3);
    QCOMPARE(m_window->tabs()->tabText(3), QStringLiteral("Violations"));
    QTRY_COMPARE(page->model()->total(), qint64(0));
    QVERIFY(m_lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p003"), .contractId = m_contractId,
                                                .detail = QStringLiteral("memory 2048 -> 1024 MiB"), .restored = true})
                .ok());
    QTest::qWait(5); // a later millisecond: the newest is listed first
    QVERIFY(m_lender->call<Ack>(ReportViolation{.partitionId = QStringLiteral("p007"), .contractId = {},
                                                .detail = QStringLiteral("vcpus 4 -> 8 (restored); hard_limit 786432 -> 999 (not restored)"),
                                                .restored = true})
                .ok());
    m_window->tabs()->setCurrentWidget(page);
    page->reload();
    QTRY_COMPARE(page->model()->total(), qint64(2));
    QTRY_VERIFY(page->model()->isRowLoaded(1));
    // Newest first; the lender shown by name.
    QCOMPARE(page->model()->index(0, 2).data().toString(), QStringLiteral("p007"));
    QCOMPARE(page->model()->index(0, 3).data().toString(), QStringLiteral("none"));
    QVERIFY(page->model()->index(0, 1).data().toString().startsWith(QStringLiteral("rack-a (")));
    QCOMPARE(page->model()->index(1, 3).data().toString(), m_contractId);
    QCOMPARE(page->model()->index(1, 4).data().toString(), QStringLiteral("restored"));
    // A lock report is shown in people's words, with the lender's own in the tooltip; any
    // other text (an older agent's) as it came.
    QCOMPARE(page->model()->index(0, 5).data().toString(), QStringLiteral("vCPUs 4 → 8; memory limit 768 MiB → 999 KiB (not restored)"));
    QCOMPARE(page->model()->index(0, 5).data(Qt::ToolTipRole).toString(),
             QStringLiteral("As the lender reported it: vcpus 4 -> 8 (restored); hard_limit 786432 -> 999 (not restored)"));
    QCOMPARE(page->model()->index(1, 5).data().toString(), QStringLiteral("memory 2048 -> 1024 MiB"));
    QCOMPARE(page->model()->index(1, 5).data(Qt::ToolTipRole).toString(), QStringLiteral("memory 2048 -> 1024 MiB")); // nothing more to say
    // The time is local, as the header's tooltip says; the cell's gives it in UTC too.
    QVERIFY(page->model()->headerData(0, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("time zone")));
    const QString reportedTip = page->model()->index(0, 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(reportedTip.startsWith(QLatin1String("Shown in this computer's time zone"))
                 && reportedTip.contains(QLatin1String("In UTC, as billing periods and exports go: ")),
             qPrintable(reportedTip));
    // (No translator is installed here: the source text, with the count.)
    QCOMPARE(page->findChild<QLabel *>(QStringLiteral("violationSummaryLabel"))->text(), QStringLiteral("2 violations reported"));
    page->filterEdit()->setText(QStringLiteral("VCPUS"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_COMPARE(page->findChild<QLabel *>(QStringLiteral("violationSummaryLabel"))->text(), QStringLiteral("1 violation reported"));
    // The words shown find what the lender wrote in its own ("memory limit" is hard_limit).
    page->filterEdit()->setText(QStringLiteral("Memory Limit"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    QCOMPARE(page->model()->index(0, 2).data().toString(), QStringLiteral("p007"));
    page->filterEdit()->setText(QStringLiteral("memory"));
    QTRY_COMPARE(page->model()->total(), qint64(2));
    page->filterEdit()->clear();
    QTRY_COMPARE(page->model()->total(), qint64(2));
}

void TestMarketGui::lockReportsReadAsPeopleSayThem()
{
    const auto restoreLocale = qScopeGuard([before = QLocale()] { QLocale::setDefault(before); });
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // Sizes that read alike rounded are shown exactly, so that a change never reads as none.
    QCOMPARE(ui::describeLockReport(QStringLiteral("memory 4194304 -> 4198400 (restored)")), QStringLiteral("memory 4G → 4100M"));
    // -1 is a value the live domain does not have; the kernel's largest quota is no quota.
    QCOMPARE(ui::describeLockReport(QStringLiteral("current_memory 1048576 -> -1 (restored); vcpu_quota 50000 -> 17592186044415 (restored)")),
             QStringLiteral("memory in use 1 GiB → none; CPU quota 50,000 µs → unlimited"));
    // Sizes (KiB in the report) with a unit, times in µs, libvirt's no-limit values by name.
    QCOMPARE(ui::describeLockReport(QStringLiteral("memory 1048576 -> 2097152 (restored)")), QStringLiteral("memory 1 GiB → 2 GiB"));
    QCOMPARE(ui::describeLockReport(QStringLiteral("current_memory 1048576 -> 1000000 (not restored)")),
             QStringLiteral("memory in use 1 GiB → 1,000,000 KiB (not restored)"));
    QCOMPARE(ui::describeLockReport(QStringLiteral("hard_limit 786432 -> 9007199254740991 (restored)")),
             QStringLiteral("memory limit 768 MiB → unlimited"));
    QCOMPARE(ui::describeLockReport(QStringLiteral("vcpu_period 100000 -> 100000 (restored); vcpu_quota 50000 -> -1 (restored)")),
             QStringLiteral("CPU period 100,000 µs → 100,000 µs; CPU quota 50,000 µs → unlimited"));
    QCOMPARE(ui::describeLockReport(QStringLiteral("cpu_pin 0-1 -> none (not restored); cpu_shares 1024 -> 5 (restored); max_vcpus 2 -> 4 (restored)")),
             QStringLiteral("pinned CPUs 0-1 → none (not restored); CPU shares 1,024 → 5; maximum vCPUs 2 → 4"));
    // What libvirt refused while restoring, in its words.
    QCOMPARE(ui::describeLockReport(QStringLiteral("vcpus 2 -> 4 (not restored) [Requested operation is not valid: domain is not running]")),
             QStringLiteral("vCPUs 2 → 4 (not restored). Restoring failed: Requested operation is not valid: domain is not running"));
    // A tunable this version does not know keeps its name; a value that is not a number its text.
    QCOMPARE(ui::describeLockReport(QStringLiteral("io_weight 100 -> 5 (restored); memory big -> 1024 (restored)")),
             QStringLiteral("io_weight 100 → 5; memory big → 1 MiB"));
    // Anything else, as it came.
    QCOMPARE(ui::describeLockReport(QStringLiteral("the owner resized it")), QStringLiteral("the owner resized it"));
    // A search in the words shown finds the report's words for them.
    QCOMPARE(ui::lockReportTermsFor(QStringLiteral("memory limit")), QStringList{QStringLiteral("hard_limit")});
    QCOMPARE(ui::lockReportTermsFor(QStringLiteral(" CPU ")),
             (QStringList{QStringLiteral("vcpus"), QStringLiteral("max_vcpus"), QStringLiteral("cpu_shares"),
                          QStringLiteral("vcpu_period"), QStringLiteral("vcpu_quota"), QStringLiteral("cpu_pin")}));
    QCOMPARE(ui::lockReportTermsFor(QStringLiteral("memory")),
             (QStringList{QStringLiteral("memory"), QStringLiteral("current_memory"), QStringLiteral("hard_limit")}));
    QCOMPARE(ui::lockReportTermsFor(QStringLiteral("the owner")), QStringList());
    QCOMPARE(ui::lockReportTermsFor(QString()), QStringList());
}

void TestMarketGui::sizesAreTypedAsTheyAreListed()
{
    ui::SizeSpinBox spin;
    spin.setRange(64, 8 * 1024);
    spin.setValue(1536);
    QCOMPARE(spin.text(), QStringLiteral("1536M"));
    spin.setValue(2048);
    QCOMPARE(spin.text(), QStringLiteral("2G"));
    const auto type = [&](const QString &text) {
        spin.selectAll();
        QTest::keyClicks(&spin, text);
        spin.interpretText();
        return spin.value();
    };
    QCOMPARE(type(QStringLiteral("4G")), 4096);
    QCOMPARE(type(QStringLiteral("512")), 512); // a bare number is MiB
    QCOMPARE(type(QStringLiteral("1GiB")), 1024);
    QCOMPARE(spin.text(), QStringLiteral("1G"));
    // What no size has is refused as it is typed; the rest of it stays.
    QCOMPARE(type(QStringLiteral("3x072M")), 3072);
    QCOMPARE(spin.text(), QStringLiteral("3G"));
    // A fraction of a unit that makes whole MiB, with either decimal mark; one that does
    // not is refused (the value stays), not read without its point ("1.5G" as 15G).
    QCOMPARE(type(QStringLiteral("1.5G")), 1536);
    QCOMPARE(type(QStringLiteral("0,25G")), 256);
    QCOMPARE(type(QStringLiteral("1.0001G")), 256);
    QCOMPARE(type(QStringLiteral("3072M")), 3072);
    // Beyond the range: the value stays where it was, and the box says what it took for
    // what (for the dialog it is in to tell the user).
    QSignalSpy refused(&spin, &ui::SizeSpinBox::outOfRange);
    QCOMPARE(type(QStringLiteral("1T")), 3072);
    QCOMPARE(spin.text(), QStringLiteral("3G"));
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first(), (QVariantList{QStringLiteral("1T"), QStringLiteral("at most 8G")}));
    QCOMPARE(type(QStringLiteral("32")), 3072);
    QCOMPARE(refused.last(), (QVariantList{QStringLiteral("32"), QStringLiteral("at least 64M")}));
    refused.clear();
    QCOMPARE(type(QStringLiteral("3G")), 3072); // taken: nothing to say
    QCOMPARE(refused.size(), 0);
    // Steps are MiB, as the sliders' are.
    spin.setSingleStep(64);
    spin.stepBy(1);
    QCOMPARE(spin.value(), 3136);
    QCOMPARE(spin.text(), QStringLiteral("3136M"));
}

void TestMarketGui::rebalanceWithSliders()
{
    // A lender whose two partitions' allocation the market holds (second embodiment). It
    // answers AllocationChanged as an agent does: yes, or no once its machine is full.
    Channel *lender = m_market->connectLocal(QString(64, QLatin1Char('3')), QStringLiteral("lender"));
    QVERIFY(lender->waitEstablished(5000).ok());
    market::test::PushLog answers(lender);
    for (const QString &id : {QStringLiteral("x1"), QStringLiteral("x2")}) {
        RegisterPartition reg = busyboxPartition(id, QStringLiteral("rack-b"), QStringLiteral("127.0.0.1:7402"), Resources{2, 1024, 4096});
        reg.externallyReferenced = true;
        QVERIFY(lender->call<PartitionRegistered>(reg).ok());
    }
    auto *page = m_window->partitionsPage();
    m_window->tabs()->setCurrentWidget(page);
    page->filterEdit()->setText(QStringLiteral("x1"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    auto *button = page->findChild<QPushButton *>(QStringLiteral("rebalanceButton"));
    QVERIFY(button);
    page->view()->selectRow(0);
    QTRY_VERIFY(button->isEnabled());
    // Rows fetched again (Refresh, a filter) clear the selection, and the button with it.
    page->reload();
    QTRY_VERIFY(!button->isEnabled());
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    page->view()->selectRow(0);
    QTRY_VERIFY(button->isEnabled());

    // Drag the sliders (their spin boxes follow) and press OK.
    const auto rebalanceTo = [&](int cpus, int memoryMib) {
        bool seen = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = page->findChild<QDialog *>(QStringLiteral("rebalanceDialog"));
            if (!dialog)
                return;
            seen = true;
            dialog->findChild<QSlider *>(QStringLiteral("cpuSlider"))->setValue(cpus);
            dialog->findChild<QSlider *>(QStringLiteral("memorySlider"))->setValue(memoryMib);
            QCOMPARE(dialog->findChild<QSpinBox *>(QStringLiteral("cpuSpinBox"))->value(), cpus);
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
        button->click();
        return seen;
    };
    // The sliders reach as far as the lender's budget (what it registered for both
    // partitions), not further: nothing is unallocated yet.
    const auto limitsOffered = [&]() -> std::pair<int, int> {
        std::pair<int, int> limits{-1, -1};
        QTimer::singleShot(0, this, [&] {
            auto *dialog = page->findChild<QDialog *>(QStringLiteral("rebalanceDialog"));
            if (!dialog)
                return;
            limits = {dialog->findChild<QSlider *>(QStringLiteral("cpuSlider"))->maximum(),
                      dialog->findChild<QSlider *>(QStringLiteral("memorySlider"))->maximum()};
            // Sizes read as in the table.
            QCOMPARE(dialog->findChild<QSpinBox *>(QStringLiteral("memorySpinBox"))->text(), QStringLiteral("1G"));
            // Wide enough for its title, and the three sliders line up.
            QVERIFY(dialog->width() >= dialog->fontMetrics().horizontalAdvance(dialog->windowTitle()));
            const int left = dialog->findChild<QSlider *>(QStringLiteral("cpuSlider"))->width();
            QCOMPARE(dialog->findChild<QSlider *>(QStringLiteral("memorySlider"))->width(), left);
            QCOMPARE(dialog->findChild<QSlider *>(QStringLiteral("diskSlider"))->width(), left);
            dialog->reject();
        });
        button->click();
        return limits;
    };
    QCOMPARE(limitsOffered(), (std::pair<int, int>{2, 1024}));
    QSignalSpy notices(page, &market::PartitionsPage::notice);
    QVERIFY(rebalanceTo(1, 512));
    QTRY_COMPARE(page->model()->index(0, 2).data().toInt(), 1);
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    QCOMPARE(page->model()->index(0, 10).data().toString(), QStringLiteral("free"));
    // Done is said, in the status bar.
    QTRY_COMPARE(notices.size(), 1);
    QVERIFY2(m_window->statusBar()->currentMessage().contains(
                 QRegularExpression(QStringLiteral("^Partition x1 now has 1 vCPU(\\(s\\))?, 512M memory and 4G disk"))),
             qPrintable(m_window->statusBar()->currentMessage()));
    // What x1 gave up, x2 may take.
    page->filterEdit()->setText(QStringLiteral("x2"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    page->view()->selectRow(0);
    QTRY_VERIFY(button->isEnabled());
    QCOMPARE(limitsOffered(), (std::pair<int, int>{3, 1536}));
    page->filterEdit()->setText(QStringLiteral("x1"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_VERIFY(page->model()->isRowLoaded(0));

    // Refused by the lender: the manager sees why in the dialog, which stays open with what
    // they set (to adjust and send again), and the allocation stays.
    answers.refuseAllocation = Error(ErrorCode::ResourceExhausted, QStringLiteral("the machine is full"));
    page->view()->selectRow(0);
    QTRY_VERIFY(button->isEnabled());
    QString refusal;
    std::pair<int, int> kept{-1, -1};
    QTimer::singleShot(0, this, [&] {
        auto *dialog = page->findChild<QDialog *>(QStringLiteral("rebalanceDialog"));
        if (!dialog)
            return;
        QTimer::singleShot(10'000, dialog, &QDialog::reject); // not left open by a failure
        const QPointer<QDialog> open(dialog);
        dialog->findChild<QSlider *>(QStringLiteral("cpuSlider"))->setValue(2);
        dialog->findChild<QSlider *>(QStringLiteral("memorySlider"))->setValue(1024);
        QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        ok->click();
        auto *banner = dialog->findChild<ui::ErrorBanner *>();
        if (banner && QTest::qWaitFor([&] { return open && banner->isVisible() && ok->isEnabled(); }, 5000))
            refusal = banner->text();
        if (!open)
            return;
        kept = {dialog->findChild<QSpinBox *>(QStringLiteral("cpuSpinBox"))->value(),
                dialog->findChild<QSpinBox *>(QStringLiteral("memorySpinBox"))->value()};
        dialog->reject();
    });
    button->click();
    QVERIFY2(refusal.contains(QStringLiteral("the machine is full")), qPrintable(refusal));
    QCOMPARE(kept, (std::pair<int, int>{2, 1024}));
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    QCOMPARE(page->model()->index(0, 2).data().toInt(), 1);
    // The lending status keeps the refusal for whoever looks later.
    QTRY_VERIFY2(page->model()->index(0, 10).data().toString().contains(QStringLiteral("the lender refused 2 vCPUs")),
                 qPrintable(page->model()->index(0, 10).data().toString()));
    QVERIFY(page->model()->index(0, 10).data().toString().contains(QStringLiteral("the machine is full")));

    // The lender is away: the allocation is offered and shown as awaiting its confirmation.
    answers.refuseAllocation.reset();
    QSignalSpy away(m_market.get(), &market::MarketService::lenderOnlineChanged);
    delete lender; // without close(): the market sees the end go as it sees a dead process's socket
    QTRY_VERIFY(!away.isEmpty() && !away.last().at(1).toBool());
    page->view()->selectRow(0);
    QTRY_VERIFY(button->isEnabled());
    QVERIFY(rebalanceTo(2, 768));
    QTRY_COMPARE(page->model()->index(0, 2).data().toInt(), 2);
    QTRY_COMPARE(page->model()->index(0, 10).data().toString(), QStringLiteral("free, new allocation not yet confirmed by the lender"));

    // A partition whose allocation its lender holds is not offered for rebalancing; the
    // button's tip says why.
    Channel *owner = m_market->connectLocal(QString(64, QLatin1Char('5')), QStringLiteral("lender"));
    QVERIFY(owner->waitEstablished(5000).ok());
    QVERIFY(owner->call<PartitionRegistered>(busyboxPartition(QStringLiteral("x3"), QStringLiteral("rack-c"), QStringLiteral("127.0.0.1:7403"),
                                                              Resources{1, 512, 1024}))
                .ok());
    page->filterEdit()->setText(QStringLiteral("x3"));
    QTRY_COMPARE(page->model()->total(), qint64(1));
    QTRY_VERIFY(page->model()->isRowLoaded(0));
    page->view()->selectRow(0);
    QTRY_VERIFY(button->toolTip().startsWith(QStringLiteral("Its lender holds this partition's allocation")));
    QVERIFY(!button->isEnabled());
    delete owner;
    page->filterEdit()->clear();
}

QPushButton *TestMarketGui::selectHeldPartition(Channel *lender, const QString &partitionId, const QString &lenderName,
                                               const QString &agentAddress, Resources resources)
{
    RegisterPartition reg = busyboxPartition(partitionId, lenderName, agentAddress, resources);
    reg.externallyReferenced = true;
    if (!lender->call<PartitionRegistered>(reg).ok())
        return nullptr;
    auto *page = m_window->partitionsPage();
    m_window->tabs()->setCurrentWidget(page);
    page->filterEdit()->setText(lenderName);
    if (!QTest::qWaitFor([page] { return page->model()->total() == 1 && page->model()->isRowLoaded(0); }, 5000))
        return nullptr;
    auto *button = page->findChild<QPushButton *>(QStringLiteral("rebalanceButton"));
    page->view()->selectRow(0);
    return QTest::qWaitFor([button] { return button->isEnabled(); }, 5000) ? button : nullptr;
}

void TestMarketGui::rebalanceAsksOnlyWhatChanged()
{
    // A partition smaller than the sliders' steps (100M of disk, steps of 256M; 48M of memory,
    // registered before the agents asked for 64M): the dialog shows what it has and goes
    // down to the least a partition may have, and a change of its vCPUs alone asks for that
    // alone, the sizes exactly as they were.
    Channel *lender = m_market->connectLocal(QString(64, QLatin1Char('6')), QStringLiteral("lender"));
    QVERIFY(lender->waitEstablished(5000).ok());
    market::test::PushLog answers(lender);
    QPushButton *button = selectHeldPartition(lender, QStringLiteral("z1"), QStringLiteral("rack-z"), QStringLiteral("127.0.0.1:7406"),
                                              Resources{2, 48, 100});
    QVERIFY(button);
    auto *page = m_window->partitionsPage();
    struct Shown {
        int value = -1;
        int minimum = -1;
        QString text;
    };
    QHash<QString, Shown> shown;
    bool seen = false;
    QTimer::singleShot(0, this, [&] {
        auto *dialog = page->findChild<QDialog *>(QStringLiteral("rebalanceDialog"));
        if (!dialog)
            return;
        seen = true;
        for (const QString &name : {QStringLiteral("cpu"), QStringLiteral("memory"), QStringLiteral("disk")}) {
            auto *spin = dialog->findChild<QSpinBox *>(name + QStringLiteral("SpinBox"));
            auto *slider = dialog->findChild<QSlider *>(name + QStringLiteral("Slider"));
            QCOMPARE(slider->minimum(), spin->minimum());
            QCOMPARE(slider->value(), spin->value());
            shown.insert(name, Shown{spin->value(), spin->minimum(), spin->text()});
        }
        dialog->findChild<QSlider *>(QStringLiteral("cpuSlider"))->setValue(1);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        // Refused, the dialog would stay open with the refusal: closed for the checks below.
        QTimer::singleShot(5000, dialog, &QDialog::reject);
    });
    button->click();
    QVERIFY(seen);
    QCOMPARE(shown.value(QStringLiteral("cpu")).minimum, 1);
    QCOMPARE(shown.value(QStringLiteral("memory")).value, 48);
    QCOMPARE(shown.value(QStringLiteral("memory")).minimum, 48); // less than 64M: what it has
    QCOMPARE(shown.value(QStringLiteral("memory")).text, QStringLiteral("48M"));
    QCOMPARE(shown.value(QStringLiteral("disk")).value, 100);
    QCOMPARE(shown.value(QStringLiteral("disk")).minimum, 16);
    QCOMPARE(shown.value(QStringLiteral("disk")).text, QStringLiteral("100M"));
    // The lender was asked for one vCPU and the sizes it has; the market agreed.
    QTRY_COMPARE(answers.all<AllocationChanged>().size(), 1);
    QCOMPARE(answers.all<AllocationChanged>().first().resources, (Resources{1, 48, 100}));
    QTRY_COMPARE(page->model()->index(0, 2).data().toInt(), 1);
    QCOMPARE(page->model()->index(0, 3).data().toString(), QStringLiteral("48M"));
    QCOMPARE(page->model()->index(0, 4).data().toString(), QStringLiteral("100M"));
    page->filterEdit()->clear();
    delete lender;
}

void TestMarketGui::rebalanceSaysWhatItCannotDo()
{
    // The Rebalance dialog never drops what the user did without a word: a size typed beyond
    // the budget is said (the OK that took the focus from it sends nothing), so is an OK with
    // nothing changed, and a refusal keeps the dialog open with what the user set, to send
    // again.
    Channel *lender = m_market->connectLocal(QString(64, QLatin1Char('8')), QStringLiteral("lender"));
    QVERIFY(lender->waitEstablished(5000).ok());
    market::test::PushLog answers(lender);
    QPushButton *button = selectHeldPartition(lender, QStringLiteral("w1"), QStringLiteral("rack-w"), QStringLiteral("127.0.0.1:7408"),
                                              Resources{2, 1024, 1024});
    QVERIFY(button);
    auto *page = m_window->partitionsPage();
    QSignalSpy notices(page, &market::PartitionsPage::notice);

    // What the dialog showed after each step: whether it was open, its banner, the memory box.
    struct Seen {
        bool open = false;
        QString banner;
        int memory = -1;
    };
    QList<Seen> seen;
    bool closedAtLast = false;
    QTimer::singleShot(0, this, [&] {
        QPointer<QDialog> dialog = page->findChild<QDialog *>(QStringLiteral("rebalanceDialog"));
        if (!dialog)
            return;
        QTimer::singleShot(20'000, dialog, &QDialog::reject); // not left open by a failure
        if (!QTest::qWaitForWindowActive(dialog))
            return;
        auto *memory = dialog->findChild<QSpinBox *>(QStringLiteral("memorySpinBox"));
        auto *banner = dialog->findChild<ui::ErrorBanner *>();
        QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        if (!banner)
            return dialog->reject(); // no room in the dialog to say anything
        const auto look = [&] {
            if (dialog)
                seen.append({dialog->isVisible(), banner->text(), memory->value()});
        };
        const auto type = [&](const QString &text) {
            memory->setFocus();
            memory->selectAll();
            QTest::keyClicks(memory, text);
        };
        // 2G where the budget allows 1G, then OK (clicked: the box loses the focus to it).
        type(QStringLiteral("2G"));
        QTest::mouseClick(ok, Qt::LeftButton);
        look();
        if (!dialog)
            return;
        // OK again: the box went back to 1G, which the partition has.
        QTest::mouseClick(ok, Qt::LeftButton);
        look();
        if (!dialog)
            return;
        // 512M, entered with Enter; the lender says no.
        answers.refuseAllocation = Error(ErrorCode::ResourceExhausted, QStringLiteral("the machine is full"));
        type(QStringLiteral("512M"));
        QTest::keyClick(memory, Qt::Key_Return);
        // Waited for, not asserted: look() records what is shown either way, and the test's
        // checks below say what was wrong.
        (void)QTest::qWaitFor([&] { return !dialog || (banner->isVisible() && ok->isEnabled()); }, 5000);
        look();
        if (!dialog)
            return;
        // Now it can: the same dialog, OK once more.
        answers.refuseAllocation.reset();
        QTest::mouseClick(ok, Qt::LeftButton);
        closedAtLast = QTest::qWaitFor([&] { return !dialog || !dialog->isVisible(); }, 5000);
    });
    button->click();
    QCOMPARE(seen.size(), 3);
    QVERIFY(seen[0].open);
    QCOMPARE(seen[0].banner, QStringLiteral("Memory cannot be 2G: at most 1G."));
    QCOMPARE(seen[0].memory, 1024);
    QVERIFY(seen[1].open);
    QVERIFY2(seen[1].banner.startsWith(QStringLiteral("Nothing to change")), qPrintable(seen[1].banner));
    QVERIFY(seen[2].open);
    QVERIFY2(seen[2].banner.contains(QStringLiteral("the machine is full")), qPrintable(seen[2].banner));
    QCOMPARE(seen[2].memory, 512);
    QVERIFY(closedAtLast);
    QTRY_COMPARE(notices.size(), 1);
    QCOMPARE(answers.all<AllocationChanged>().size(), 2); // the refused one and the last
    QCOMPARE(answers.all<AllocationChanged>().last().resources, (Resources{2, 512, 1024}));
    QTRY_COMPARE(page->model()->index(0, 3).data().toString(), QStringLiteral("512M"));
    page->filterEdit()->clear();
    delete lender;
}

void TestMarketGui::serviceShowsTheMarketsFigures()
{
    // The Service tab: the market process's figures, and per kind of request the rate and
    // the market's own percentiles between two answers.
    auto *page = m_window->servicePage();
    QCOMPARE(m_window->tabs()->indexOf(page), 4);
    QCOMPARE(m_window->tabs()->tabText(4), QStringLiteral("Service"));
    m_window->tabs()->setCurrentWidget(page); // shown: it asks at once, then every 2 s
    QTRY_VERIFY(page->last().has_value());
    QVERIFY2(page->summary()->text().contains(QStringLiteral("%1 offers").arg(m_market->offerCount())), qPrintable(page->summary()->text()));
    QCOMPARE(page->last()->offers, m_market->offerCount());
    QVERIFY(page->summary()->text().contains(QStringLiteral("connections")));
    QStandardItemModel *model = page->model();
    QCOMPARE(model->rowCount(), 5);
    // The table is exactly as tall as its rows, no empty band below them.
    QCOMPARE(page->view()->viewport()->height(), page->view()->verticalHeader()->length());
    QCOMPARE(model->item(0, 0)->text(), QStringLiteral("Searches"));
    QCOMPARE(model->item(1, 0)->text(), QStringLiteral("Borrows"));
    const auto searches = [&] { return model->item(0, 4)->text().remove(QLocale().groupSeparator()).toLongLong(); };
    const qint64 before = page->last()->requests.first().count;
    QCOMPARE(searches(), before);

    for (int i = 0; i < 5; ++i)
        QVERIFY(m_borrower->call<OfferPage>(SearchOffers{}).ok());
    page->reload();
    QTRY_VERIFY(searches() >= before + 5);
    // The interval's figures: a rate and the market's own p50 and p99 for searches.
    QVERIFY(model->item(0, 1)->text() != QStringLiteral("—"));
    QVERIFY(model->item(0, 2)->text() != QStringLiteral("—"));
    QVERIFY(model->item(0, 3)->text() != QStringLiteral("—"));
    QVERIFY(QLocale().toDouble(model->item(0, 1)->text()) > 0);
    QVERIFY2(page->summary()->text().contains(QStringLiteral("% of a core")), qPrintable(page->summary()->text()));
    // The machine's load and steal once two answers' CPU times differ by a clock tick (the
    // next poll at the latest).
    QVERIFY(page->last()->host.has_value());
    QTRY_VERIFY2(page->summary()->text().contains(QStringLiteral("machine: %1 core").arg(page->last()->host->cores)),
                 qPrintable(page->summary()->text()));
    QVERIFY2(page->summary()->text().contains(QStringLiteral("% stolen")), qPrintable(page->summary()->text()));
    // …and the chart's latest point, now (0 minutes ago), is above zero.
    const QList<QPointF> points = page->ratePoints(QStringLiteral("search"));
    QVERIFY(!points.isEmpty());
    QCOMPARE(points.last().x(), 0.0);
    QVERIFY(std::any_of(points.cbegin(), points.cend(), [](const QPointF &p) { return p.y() > 0; }));
    QVERIFY(points.first().x() >= -5.0);

    // Hidden, it stops asking.
    m_window->tabs()->setCurrentIndex(0);
    const qint64 lastAt = page->last()->atMs;
    QTest::qWait(2500);
    QCOMPARE(page->last()->atMs, lastAt);
}

void TestMarketGui::serviceChartStartsWithTheMarketsHistory()
{
    // A Service tab opened now shows what the market did before, from the samples it kept
    // (ServiceStats.history), after its first answer; not only from its second answer on.
    for (int i = 0; i < 5; ++i)
        QVERIFY(m_borrower->call<OfferPage>(SearchOffers{}).ok());
    QTest::qWait(500); // two samples at least
    market::ServicePage page(m_admin);
    QSignalSpy loaded(&page, &market::ServicePage::statsLoaded);
    page.resize(900, 700);
    page.show();
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.count(), 1);
    QList<QPointF> points = page.ratePoints(QStringLiteral("search"));
    QVERIFY2(std::any_of(points.cbegin(), points.cend(), [](const QPointF &p) { return p.y() > 0; }),
             qPrintable(QString::number(points.size())));
    for (const QPointF &p : points)
        QVERIFY(p.x() >= -5.0 && p.x() <= 0.0);
    auto *chart = page.findChild<QChartView *>(QStringLiteral("requestRateChart"))->chart();
    auto *rates = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).value(0));
    QVERIFY(rates);
    // Its labels are whole numbers: so must its ticks be (0, 2, 4 … 10; not 2.5 shown as "2").
    const double tickStep = (rates->max() - rates->min()) / (rates->tickCount() - 1);
    QVERIFY2(tickStep >= 1 && tickStep == std::round(tickStep),
             qPrintable(QStringLiteral("%1 ticks up to %2").arg(rates->tickCount()).arg(rates->max())));

    // The market's p99 per kind, on a logarithmic axis (microseconds to milliseconds).
    page.metricBox()->setCurrentIndex(1);
    QCOMPARE(chart->axes(Qt::Vertical).size(), 1);
    auto *log = qobject_cast<QLogValueAxis *>(chart->axes(Qt::Vertical).value(0));
    QVERIFY(log);
    points = page.ratePoints(QStringLiteral("search"));
    QVERIFY(!points.isEmpty());
    for (const QPointF &p : points) {
        QVERIFY(p.y() > 0 && p.y() < 1000); // ms
        QVERIFY(p.y() >= log->min() && p.y() <= log->max());
    }
    QVERIFY(chart->title().contains(QStringLiteral("p99")));

    // The last hour.
    page.spanBox()->setCurrentIndex(2);
    page.metricBox()->setCurrentIndex(0);
    auto *time = qobject_cast<QValueAxis *>(chart->axes(Qt::Horizontal).value(0));
    QVERIFY(time);
    QCOMPARE(time->min(), -60.0);
    QCOMPARE(page.spanBox()->currentText(), QStringLiteral("Last hour"));

    // The choice is remembered: the next Service tab opens on the p99 of the last hour.
    {
        market::ServicePage next(m_admin);
        QCOMPARE(next.metricBox()->currentIndex(), 0); // the rates were chosen last, above
        QCOMPARE(next.spanBox()->currentIndex(), 2);
    }
    page.metricBox()->setCurrentIndex(1);
    {
        market::ServicePage next(m_admin);
        QCOMPARE(next.metricBox()->currentIndex(), 1);
        auto *nextChart = next.findChild<QChartView *>(QStringLiteral("requestRateChart"))->chart();
        QVERIFY(qobject_cast<QLogValueAxis *>(nextChart->axes(Qt::Vertical).value(0)));
    }
    page.metricBox()->setCurrentIndex(0);
    page.spanBox()->setCurrentIndex(0);
}

void TestMarketGui::serviceChartDrawsALoneSample()
{
    // One registration gives the p99 chart one point of its kind. A line through one point
    // draws nothing: the point must be drawn by itself. (A market of its own: the fixture's
    // registered its partitions in samples of the last minutes.)
    QTemporaryDir dir;
    market::MarketConfig config;
    config.dataDir = dir.path();
    config.statsSampleMs = 200;
    market::MarketService service(Identity::generate(QStringLiteral("market"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                     QDateTime::currentDateTimeUtc().addDays(1))
                                      .value(),
                                  QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), config);
    QVERIFY(service.start().ok());
    const std::unique_ptr<Channel> lender(service.connectLocal(QString(64, QLatin1Char('1')), QStringLiteral("lender")));
    const std::unique_ptr<Channel> admin(service.connectLocal(service.nodeId(), QStringLiteral("admin")));
    QVERIFY(lender->waitEstablished(5000).ok() && admin->waitEstablished(5000).ok());
    QVERIFY(lender->call<PartitionRegistered>(busyboxPartition(QStringLiteral("lone"), QStringLiteral("rack-z"), QStringLiteral("127.0.0.1:7409"),
                                                               Resources{1, 512, 1024}))
                .ok());
    QTest::qWait(500); // in a sample of its own, and later samples without registrations
    market::ServicePage page(admin.get());
    QSignalSpy loaded(&page, &market::ServicePage::statsLoaded);
    page.resize(900, 700);
    page.show();
    QVERIFY(loaded.wait(5000));
    page.metricBox()->setCurrentIndex(1);
    const QList<QPointF> points = page.ratePoints(QStringLiteral("register"));
    QCOMPARE(points.size(), 1);

    auto *view = page.findChild<QChartView *>(QStringLiteral("requestRateChart"));
    QChart *chart = view->chart();
    QLineSeries *series = nullptr;
    for (QAbstractSeries *s : chart->series())
        if (s->name() == QStringLiteral("Registrations"))
            series = qobject_cast<QLineSeries *>(s);
    QVERIFY(series);
    const QImage image = view->grab().toImage();
    const QPoint at = view->mapFromScene(chart->mapToPosition(points.first(), series));
    const QColor want = series->color();
    int near = 0;
    for (int dx = -3; dx <= 3; ++dx)
        for (int dy = -3; dy <= 3; ++dy) {
            const QPoint p = at + QPoint(dx, dy);
            if (!image.rect().contains(p))
                continue;
            const QColor got = image.pixelColor(p);
            near += std::abs(got.red() - want.red()) + std::abs(got.green() - want.green()) + std::abs(got.blue() - want.blue()) < 60;
        }
    QVERIFY2(near >= 4, qPrintable(QStringLiteral("%1 pixels of %2 around (%3, %4)").arg(near).arg(want.name()).arg(at.x()).arg(at.y())));
    page.metricBox()->setCurrentIndex(0);
}

void TestMarketGui::onlyTheShownPageIsRefreshed()
{
    // The window reloads the contracts, billing or violations page now and then only while
    // it is shown (a billing report reads every bill of its period), and a page when it is
    // shown again.
    // The window asks for every page once when it opens: that first report must have come
    // before counting (it has, unless this test runs first).
    if (m_window->billingPage()->report().days.isEmpty()) {
        QSignalSpy first(m_window->billingPage(), &market::BillingPage::reportLoaded);
        QTRY_VERIFY(!first.isEmpty());
    }
    QSignalSpy reports(m_window->billingPage(), &market::BillingPage::reportLoaded);
    m_window->setRefreshIntervalMs(100);
    m_window->tabs()->setCurrentIndex(0);
    QTest::qWait(600); // six refreshes, none of them for the hidden billing page
    QCOMPARE(reports.count(), 0);
    m_window->tabs()->setCurrentWidget(m_window->billingPage());
    QTRY_VERIFY(reports.count() >= 1); // at once when shown…
    QTRY_VERIFY(reports.count() >= 3); // …then on every refresh
    m_window->tabs()->setCurrentIndex(0);
    QTest::qWait(300); // a report asked for before the switch may still arrive
    const int settled = reports.count();
    QTest::qWait(600);
    QCOMPARE(reports.count(), settled);
    m_window->setRefreshIntervalMs(5000);
}

void TestMarketGui::headersSortInTheMarket()
{
    // A click on a header sorts all the rows in the market (not the page at hand), a second
    // click turns the order round; a column the market cannot sort by keeps the arrow where
    // it was.
    const auto clickHeader = [](QTableView *view, int section) {
        QHeaderView *header = view->horizontalHeader();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                          QPoint(header->sectionViewportPosition(section) + header->sectionSize(section) / 2, header->height() / 2));
    };
    const auto firstRow = [](ui::PagedTableModel *model, int column) {
        return model->isRowLoaded(0) ? model->index(0, column).data().toString() : QString();
    };
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage());
    QTableView *view = m_window->partitionsPage()->view();
    ui::PagedTableModel *model = m_window->partitionsPage()->model();
    QHeaderView *header = view->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), 0); // by lender, then partition
    QCOMPARE(model->sortColumn(), 0);
    QTRY_COMPARE(firstRow(model, 1), QStringLiteral("p000"));

    clickHeader(view, 6); // rate: the cheapest first…
    QCOMPARE(header->sortIndicatorSection(), 6);
    QTRY_COMPARE(firstRow(model, 1), QStringLiteral("p000"));
    clickHeader(view, 6); // …then the dearest
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QTRY_COMPARE(firstRow(model, 1), QStringLiteral("p249"));
    // The last row of the whole table, not of the first page.
    view->scrollToBottom();
    QTRY_VERIFY(model->isRowLoaded(249));
    QCOMPARE(model->index(249, 1).data().toString(), QStringLiteral("p000"));

    clickHeader(view, 5); // OS images: not sortable
    QCOMPARE(header->sortIndicatorSection(), 6);
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(model->sortColumn(), 6);

    clickHeader(view, 2); // vCPUs, most first once turned round
    clickHeader(view, 2);
    QTRY_COMPARE(firstRow(model, 2), QStringLiteral("4"));

    m_window->tabs()->setCurrentWidget(m_window->contractsPage());
    QTableView *contracts = m_window->contractsPage()->view();
    ui::PagedTableModel *contractModel = m_window->contractsPage()->model();
    QCOMPARE(contracts->horizontalHeader()->sortIndicatorSection(), 5); // newest first
    QCOMPARE(contracts->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QTRY_VERIFY(contractModel->isRowLoaded(1));
    QCOMPARE(contractModel->index(1, 0).data().toString(), m_contractId); // the running one began first
    clickHeader(contracts, 6); // ended: the running contract after the ended one…
    QTRY_VERIFY(contractModel->isRowLoaded(1));
    QCOMPARE(contractModel->index(1, 0).data().toString(), m_contractId);
    clickHeader(contracts, 6); // …and, turned round, before it
    QTRY_COMPARE(firstRow(contractModel, 0), m_contractId);
    clickHeader(contracts, 9); // state: not sortable
    QCOMPARE(contracts->horizontalHeader()->sortIndicatorSection(), 6);

    // Back to the first orders for the tests that follow.
    view->sortByColumn(0, Qt::AscendingOrder);
    contracts->sortByColumn(5, Qt::DescendingOrder);
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage());
}

void TestMarketGui::columnsFitWhatTheyHold()
{
    // Times, IDs, sizes and amounts are shown whole, not cut to "2026-12-04 …"; the last
    // column (a state) takes the rest of the width.
    const auto fits = [](QTableView *view, int row, int column) {
        const QString text = view->model()->index(row, column).data().toString();
        const int needed = view->fontMetrics().horizontalAdvance(text) + 2 * view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 4;
        return needed <= view->columnWidth(column)
            ? QString()
            : QStringLiteral("column %1: \"%2\" needs %3 px, has %4").arg(column).arg(text).arg(needed).arg(view->columnWidth(column));
    };
    m_window->tabs()->setCurrentWidget(m_window->contractsPage());
    QTableView *contracts = m_window->contractsPage()->view();
    QTRY_VERIFY(m_window->contractsPage()->model()->rowCount() >= 2);
    QTRY_VERIFY(m_window->contractsPage()->model()->isRowLoaded(0));
    QCOMPARE(contracts->textElideMode(), Qt::ElideMiddle); // an ID keeps its start and its end
    for (int row = 0; row < 2; ++row) {
        for (int column = 1; column < 9; ++column) {
            const QString problem = fits(contracts, row, column);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
    }
    // At the window's default size (1200 × 780) every column is in view, the State column too,
    // also once there are enough rows for a vertical scroll bar (the screenshots' case).
    const QSize before = m_window->size();
    m_window->resize(1200, 780);
    QTRY_COMPARE(m_window->size(), QSize(1200, 780));
    int fixed = 0;
    for (int column = 0; column < 9; ++column)
        fixed += contracts->columnWidth(column);
    const int stateNeeds = contracts->fontMetrics().horizontalAdvance(QStringLiteral("running")) + 12;
    const int room = contracts->viewport()->width()
        - (contracts->verticalScrollBar()->isVisible() ? 0 : contracts->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, contracts));
    QVERIFY2(fixed + stateNeeds <= room, qPrintable(QStringLiteral("%1 px of columns in %2 px").arg(fixed + stateNeeds).arg(room)));
    m_window->resize(before);
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage());
    QTableView *partitions = m_window->partitionsPage()->view();
    QTRY_VERIFY(m_window->partitionsPage()->model()->isRowLoaded(0));
    for (int column = 0; column < 10; ++column) { // all but the lending status, which stretches
        const QString problem = fits(partitions, 0, column);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void TestMarketGui::billingAsksOneReportAtATime()
{
    // The window reloads the shown Billing tab every 5 s, and on a large market a report
    // takes longer than that: the tab asks for one report at a time, not for one more on every
    // reload (the market reads its requests one after the other and would queue them).
    auto *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage()); // no refresh meanwhile
    billing->setLastDays(7);
    QTRY_COMPARE(billing->report().days.size(), qsizetype(7));
    QTest::qWait(300); // a report asked for before may still come
    QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
    for (int i = 0; i < 5; ++i)
        billing->reload();
    QTRY_COMPARE(loaded.count(), 1);
    QTest::qWait(500); // none after it: the answer was to the reloads asked meanwhile too
    QCOMPARE(loaded.count(), 1);
    // Another period asked for meanwhile is asked for once the answer is in, and shown.
    loaded.clear();
    billing->reload();
    billing->setLastDays(30);
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(billing->report().days.size(), qsizetype(30));
    QTest::qWait(500);
    QCOMPARE(loaded.count(), 2);
    billing->setLastDays(7);
    QTRY_COMPARE(billing->report().days.size(), qsizetype(7));
}

void TestMarketGui::exportFilesFetchesThePeriodOnce()
{
    // The command line's exports (--export-invoices, --export-payouts, --export-report) are
    // written from one fetch of the period's contracts: the files agree, and a long period
    // is read once, not once per file. Counted by the market's admin ("other") requests, with
    // no page refreshing meanwhile.
    auto *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage());
    QTest::qWait(200); // a refresh asked before settles
    const auto otherRequests = [this] {
        for (const RequestTimes &t : m_market->serviceStats().requests)
            if (t.kind == QStringLiteral("other"))
                return t.count;
        return qint64(-1);
    };
    const auto run = [&](const QList<market::BillingPage::ExportFile> &files, QStringList *wrote) {
        std::optional<Result<void>> outcome;
        billing->exportFiles(files, [wrote](const QString &path) { wrote->append(path); }, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10'000))
            return Result<void>(Error(ErrorCode::Timeout, QStringLiteral("the export did not finish")));
        return *outcome;
    };
    using File = market::BillingPage::ExportFile;
    const QString invoices = m_dir.filePath(QStringLiteral("once-invoices.csv"));
    const QString payouts = m_dir.filePath(QStringLiteral("once-payouts.csv"));
    const QString report = m_dir.filePath(QStringLiteral("once-report.pdf"));
    // The period's report loaded and shown (so that the PDF asks for none of its own), and
    // nothing else on its way, before counting.
    const auto settle = [billing] {
        QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
        billing->reload();
        const bool ok = loaded.wait(10'000);
        QTest::qWait(300);
        return ok;
    };
    QVERIFY(settle());
    QStringList wrote;
    qint64 before = otherRequests();
    QVERIFY(run({File{File::Invoices, invoices}}, &wrote).ok());
    const qint64 oneFile = otherRequests() - before;
    QVERIFY(oneFile >= 1);
    QCOMPARE(wrote, QStringList{invoices});

    wrote.clear();
    QVERIFY(settle());
    before = otherRequests();
    QVERIFY(run({File{File::Invoices, invoices}, File{File::Payouts, payouts}, File{File::Report, report}}, &wrote).ok());
    QCOMPARE(otherRequests() - before, oneFile);
    QCOMPARE(wrote, (QStringList{invoices, payouts, report}));
    for (const QString &path : wrote)
        QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));

    // A failure stops the run there: the files after it are not written.
    wrote.clear();
    QFile::remove(report);
    const Result<void> failed =
        run({File{File::Payouts, payouts}, File{File::Invoices, QStringLiteral("/proc/no/such/dir/x.csv")}, File{File::Report, report}}, &wrote);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::IoError);
    QCOMPARE(wrote, QStringList{payouts});
    QVERIFY(!QFile::exists(report));
}

void TestMarketGui::exportsWriteFiles()
{
    auto *billing = m_window->billingPage();
    const auto exportCsv = [billing](const QString &path, bool invoices) {
        std::optional<Result<void>> outcome;
        billing->exportCsv(path, invoices, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10'000))
            return Result<void>(Error(ErrorCode::Timeout, QStringLiteral("the export did not finish")));
        return *outcome;
    };
    // The borrower's name is the invoice's last column, quoted as CSV quotes (RFC 4180).
    QVERIFY(m_borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Acme \"Labs\", Ltd")}).ok());
    const QString csv = m_dir.filePath(QStringLiteral("invoices.csv"));
    {
        // While it runs, its buttons wait; then the status bar says where the file went.
        std::optional<Result<void>> outcome;
        billing->exportCsv(csv, true, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        QVERIFY(billing->isExporting());
        for (const char *name : {"exportInvoicesButton", "exportPayoutsButton", "exportPdfButton"})
            QVERIFY2(!billing->findChild<QPushButton *>(QLatin1String(name))->isEnabled(), name);
        QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Exporting to %1…").arg(QDir::toNativeSeparators(csv)));
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->ok());
        QVERIFY(!billing->isExporting());
        for (const char *name : {"exportInvoicesButton", "exportPayoutsButton", "exportPdfButton"})
            QVERIFY2(billing->findChild<QPushButton *>(QLatin1String(name))->isEnabled(), name);
        QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Wrote ") + QDir::toNativeSeparators(csv));
    }
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QVERIFY(lines.first().startsWith("borrower_id,contract_id"));
    QVERIFY(lines.first().endsWith(",charge,borrower_name"));
    const QByteArray borrowerId = QByteArray(64, '2');
    int rows = 0;
    for (const QByteArray &line : lines) {
        if (!line.startsWith(borrowerId))
            continue;
        ++rows;
        QVERIFY2(line.endsWith(",\"Acme \"\"Labs\"\", Ltd\""), line.constData());
    }
    QVERIFY(rows >= 2); // its ended contract and its total
    QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [&](const QByteArray &l) { return l.startsWith(QByteArray(borrowerId + ",TOTAL,")); }));

    // The PDF report: the charts' page, then an invoice line per borrower and a payout line
    // per lender, read back with pdftotext (poppler-utils, installed by scripts/deps.sh).
    const auto exportPdf = [billing](const QString &path) {
        std::optional<Result<void>> outcome;
        billing->exportPdf(path, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10'000))
            return Result<void>(Error(ErrorCode::Timeout, QStringLiteral("the export did not finish")));
        return *outcome;
    };
    const QString pdf = m_dir.filePath(QStringLiteral("report.pdf"));
    const Result<void> written = exportPdf(pdf);
    QVERIFY2(written.ok(), qPrintable(written.error().toString()));
    QFile p(pdf);
    QVERIFY(p.open(QIODevice::ReadOnly));
    QVERIFY(p.read(5) == "%PDF-");
    const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    QVERIFY2(!pdftotext.isEmpty(), "pdftotext is missing: run scripts/deps.sh");
    QProcess toText;
    toText.start(pdftotext, {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    QVERIFY(toText.waitForFinished(30'000));
    QCOMPARE(toText.exitCode(), 0);
    const QString text = QString::fromUtf8(toText.readAllStandardOutput());
    QCOMPARE(text.count(QLatin1Char('\f')), 2); // two pages
    const qsizetype invoicesAt = text.indexOf(QStringLiteral("Invoices by borrower"));
    const qsizetype payoutsAt = text.indexOf(QStringLiteral("Payouts by lender"));
    QVERIFY2(invoicesAt > text.indexOf(QLatin1Char('\f')) && payoutsAt > invoicesAt, qPrintable(text));
    // The one ended contract: its borrower (name, ID) and charge under the invoices, its
    // lender under the payouts, with the charge split into fee and payout.
    const auto total = std::find_if(lines.cbegin(), lines.cend(), [&](const QByteArray &l) { return l.startsWith(QByteArray(borrowerId + ",TOTAL,")); });
    const QString charged = QString::fromUtf8(total->split(',').value(8));
    QVERIFY(!charged.isEmpty());
    const QString invoices = text.mid(invoicesAt, payoutsAt - invoicesAt);
    const QString payouts = text.mid(payoutsAt);
    QVERIFY2(invoices.contains(QStringLiteral("Acme \"Labs\", Ltd")), qPrintable(invoices));
    QVERIFY2(invoices.contains(QString(16, QLatin1Char('2'))), qPrintable(invoices));
    QVERIFY2(invoices.contains(charged), qPrintable(charged + QLatin1Char('\n') + invoices));
    QVERIFY2(payouts.contains(QStringLiteral("rack-a")), qPrintable(payouts));
    QVERIFY2(payouts.contains(QString(16, QLatin1Char('1'))), qPrintable(payouts));
    QVERIFY2(invoices.contains(QStringLiteral("Total (1 borrower)")), qPrintable(invoices));
    // An unwritable target: a typed error, and no file.
    QCOMPARE(exportPdf(QStringLiteral("/proc/no/such/dir/x.pdf")).error().code, ErrorCode::IoError);
    QVERIFY(m_window->statusBar()->currentMessage().isEmpty()); // no "Wrote"; the caller has the error
    // The Contracts tab names the borrower too.
    m_window->contractsPage()->reload();
    QTRY_VERIFY(m_window->contractsPage()->model()->isRowLoaded(0)
                && m_window->contractsPage()->model()->index(0, 1).data().toString() == QStringLiteral("Acme \"Labs\", Ltd"));
    // So does the lending status of the partition it has borrowed.
    m_window->partitionsPage()->reload();
    QTRY_VERIFY([&] {
        auto *model = m_window->partitionsPage()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->isRowLoaded(row)
                && model->index(row, 10).data().toString() == QStringLiteral("lent to Acme \"Labs\", Ltd"))
                return true;
        }
        return false;
    }());
    QVERIFY(m_borrower->call<Ack>(SetBorrowerName{.name = QString()}).ok());
    // Unwritable target: a typed error, nothing thrown.
    QCOMPARE(exportCsv(QStringLiteral("/proc/no/such/dir/x.csv"), false).error().code, ErrorCode::IoError);
    // The totals of the report's first page are the sums of the same bills (one borrower's).
    QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
    billing->reload();
    QTRY_VERIFY(!loaded.isEmpty());
    Money revenue;
    for (const DayStat &d : billing->report().days)
        revenue = revenue.add(d.revenue).value();
    QCOMPARE(revenue.toString(), charged);
}

TestMarketGui::BillingPeriod TestMarketGui::showBillingPeriod()
{
    market::BillingPage *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(billing);
    return {billing, billing->findChild<QComboBox *>(QStringLiteral("periodComboBox")),
            billing->findChild<QDateEdit *>(QStringLiteral("periodFirstDayEdit")),
            billing->findChild<QDateEdit *>(QStringLiteral("periodLastDayEdit"))};
}

void TestMarketGui::customRangeReportsItsDays()
{
    // A custom period: whole UTC days from one date to another, both included. Its date edits
    // show only for it; the report has a day per date; the exports hold what ended in it.
    const auto [billing, period, first, last] = showBillingPeriod();
    QVERIFY(period && first && last);
    QVERIFY(!first->isVisible() && !last->isVisible());
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const auto startOf = [](QDate d) { return QDateTime(d, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch(); };
    const auto revenueOf = [](const BillingReport &report) {
        Money sum;
        for (const DayStat &d : report.days)
            sum = sum.add(d.revenue).value();
        return sum;
    };
    QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);

    // Chosen in the window: the list's last item shows the two dates, 30 days to start with.
    period->setCurrentIndex(period->findData(0));
    QVERIFY(first->isVisible() && last->isVisible());
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(billing->report().days.size(), 30);
    // With its dates and its totals shown, the tab still fits a 1024-pixel-wide screen: the
    // totals wrap on a row of their own instead of widening the window.
    QVERIFY2(billing->minimumSizeHint().width() <= 1000, qPrintable(QString::number(billing->minimumSizeHint().width())));
    // The totals are rounded to hundredths for reading, exact in the tooltip.
    auto *totals = billing->findChild<QLabel *>(QStringLiteral("totalsLabel"));
    QVERIFY(totals);
    const Money revenueNow = revenueOf(billing->report());
    QVERIFY2(totals->text().startsWith(QStringLiteral("Revenue %1 · ").arg(ui::formatTotal(revenueNow))), qPrintable(totals->text()));
    QVERIFY2(totals->toolTip().contains(revenueNow.toString()), qPrintable(totals->toolTip()));
    QCOMPARE(billing->report().days.last().dayStartMs, startOf(today));
    const Money thirtyDays = revenueOf(billing->report());
    QVERIFY(thirtyDays.micros() > 0); // the ended contracts of the tests before
    // A date changed in its edit: one report of the new range.
    loaded.clear();
    first->setDate(today.addDays(-2));
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(billing->report().days.size(), 3);
    QCOMPARE(billing->report().days.first().dayStartMs, startOf(today.addDays(-2)));
    QCOMPARE(revenueOf(billing->report()).micros(), thirtyDays.micros()); // all of it ended today
    // A range too long is refused in the banner; the banner goes once a range is right again.
    first->setDate(today.addDays(-4000));
    QTRY_VERIFY(m_window->errorBanner()->isVisible() && m_window->errorBanner()->text().contains(QStringLiteral("3660")));
    loaded.clear();
    first->setDate(today.addDays(-2));
    QTRY_VERIFY(!loaded.isEmpty());
    QTRY_VERIFY(!m_window->errorBanner()->isVisible());
    // Neither date moves the other: a first day after the last (on its way to another, a
    // year half typed) is shown as the wrong range it is, and neither asked for nor
    // remembered until it is right again.
    const QString rememberedFirst = QSettings().value(QStringLiteral("billing/firstDay")).toString();
    QCOMPARE(rememberedFirst, today.addDays(-2).toString(Qt::ISODate));
    loaded.clear();
    first->setDate(today.addDays(3));
    QCOMPARE(last->date(), today);
    QCOMPARE(billing->period().first, today.addDays(3));
    QTRY_VERIFY2(m_window->errorBanner()->isVisible() && m_window->errorBanner()->text().contains(QStringLiteral("before its first")),
                 qPrintable(m_window->errorBanner()->text()));
    QVERIFY(first->styleSheet().contains(QStringLiteral("#b00020")) && last->styleSheet().contains(QStringLiteral("#b00020")));
    QTest::qWait(400); // a report would have been asked for by now
    QVERIFY(loaded.isEmpty());
    QCOMPARE(QSettings().value(QStringLiteral("billing/firstDay")).toString(), rememberedFirst);
    // Made right with the other date: that range, asked for and remembered.
    last->setDate(today.addDays(4));
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(billing->report().days.size(), 2);
    QTRY_VERIFY(!m_window->errorBanner()->isVisible());
    QVERIFY(first->styleSheet().isEmpty() && last->styleSheet().isEmpty());
    QCOMPARE(QSettings().value(QStringLiteral("billing/firstDay")).toString(), today.addDays(3).toString(Qt::ISODate));
    QCOMPARE(QSettings().value(QStringLiteral("billing/lastDay")).toString(), today.addDays(4).toString(Qt::ISODate));

    // A range in the past: its days, none of today's billing, and no bills in its exports.
    loaded.clear();
    QVERIFY(billing->setRange(today.addDays(-40), today.addDays(-31)).ok());
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(billing->report().days.size(), 10);
    QCOMPARE(billing->report().days.first().dayStartMs, startOf(today.addDays(-40)));
    QCOMPARE(revenueOf(billing->report()).micros(), 0);
    // The save dialog proposes a name that says the period.
    QVERIFY2(billing->suggestedExportPath(QStringLiteral("invoices"), QStringLiteral("csv"))
                 .endsWith(QStringLiteral("/lendable-invoices-%1-to-%2.csv")
                               .arg(today.addDays(-40).toString(Qt::ISODate), today.addDays(-31).toString(Qt::ISODate))),
             qPrintable(billing->suggestedExportPath(QStringLiteral("invoices"), QStringLiteral("csv"))));
    const auto exportCsv = [billing](const QString &path) {
        std::optional<Result<void>> outcome;
        billing->exportCsv(path, true, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10'000))
            return Result<void>(Error(ErrorCode::Timeout, QStringLiteral("the export did not finish")));
        return *outcome;
    };
    const auto billLines = [](const QString &path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        return int(f.readAll().trimmed().split('\n').size()) - 1; // less the header
    };
    const QString past = m_dir.filePath(QStringLiteral("past.csv"));
    QVERIFY(exportCsv(past).ok());
    QCOMPARE(billLines(past), 0);
    // A report exported right after a date changed, before the tab has the new range's report:
    // its first page is the new range's, not the one shown a moment before.
    first->setDate(today.addDays(-35));
    const QString rangePdf = m_dir.filePath(QStringLiteral("range.pdf"));
    std::optional<Result<void>> written;
    billing->exportPdf(rangePdf, [&](Result<void> r) { written.emplace(std::move(r)); });
    QTRY_VERIFY(written.has_value());
    QVERIFY2(written->ok(), qPrintable(written->error().toString()));
    QCOMPARE(billing->report().days.size(), 5);
    QCOMPARE(billing->report().days.first().dayStartMs, startOf(today.addDays(-35)));
    QProcess toText;
    toText.start(QStandardPaths::findExecutable(QStringLiteral("pdftotext")), {rangePdf, QStringLiteral("-")});
    QVERIFY(toText.waitForFinished(30'000));
    const QString text = QString::fromUtf8(toText.readAllStandardOutput());
    QVERIFY2(text.contains(QStringLiteral("Lendable billing report — %1 to %2")
                               .arg(today.addDays(-35).toString(Qt::ISODate), today.addDays(-31).toString(Qt::ISODate))),
             qPrintable(text));
    // The same range up to today: today's bills (each contract and the borrower's total).
    QVERIFY(billing->setRange(today.addDays(-40), today).ok());
    const QString upToToday = m_dir.filePath(QStringLiteral("today.csv"));
    QVERIFY(exportCsv(upToToday).ok());
    QVERIFY(billLines(upToToday) >= 2);
    // Ranges the market would not report on: refused, the period left as it was.
    for (const auto &[from, to] : {std::pair{today, today.addDays(-1)}, std::pair{QDate(1999, 12, 31), today},
                                   std::pair{today.addDays(-4000), today}, std::pair{QDate(), today}}) {
        const Result<void> refused = billing->setRange(from, to);
        QVERIFY2(!refused.ok(), qPrintable(from.toString(Qt::ISODate) + QLatin1Char(' ') + to.toString(Qt::ISODate)));
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(first->date(), today.addDays(-40));
        QCOMPARE(last->date(), today);
    }
    period->setCurrentIndex(0);
    QVERIFY(!first->isVisible());
}

void TestMarketGui::pdfTotalsAreItsTablesSums()
{
    // The PDF's first page says its totals are the sums of the bills its tables list: so they
    // are, also when a contract ended after the tab last loaded its report (up to a refresh
    // ago), which the tables list and that report does not.
    auto *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage()); // no refresh of the report meanwhile
    billing->setLastDays(7);
    QSignalSpy loaded(billing, &market::BillingPage::reportLoaded);
    billing->reload();
    QVERIFY(loaded.wait(10'000));
    const QString before = billing->findChild<QLabel *>(QStringLiteral("totalsLabel"))->text();

    // A dear contract (the highest rate a market takes, for a few hundred ms) ends now.
    Channel *lender = m_market->connectLocal(QString(64, QLatin1Char('9')), QStringLiteral("lender"));
    QVERIFY(lender->waitEstablished(5000).ok());
    RegisterPartition reg = busyboxPartition(QStringLiteral("v1"), QStringLiteral("rack-v"), QStringLiteral("127.0.0.1:7409"),
                                             Resources{1, 512, 1024});
    reg.conditions.ratePerHour = Money::fromMicros(Money::kMaxRatePerHourMicros);
    const Result<PartitionRegistered> registered = lender->call<PartitionRegistered>(reg);
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    const Result<ContractGranted> dear = m_borrower->call<ContractGranted>(Borrow{.offerId = registered->offerId, .query = {}});
    QVERIFY2(dear.ok(), qPrintable(dear.error().toString()));
    QTest::qWait(300);
    QVERIFY(m_borrower->call<ContractClosed>(EndContract{.contractId = dear->contractId}).ok());

    // The report and the invoices from one fetch of the period's bills.
    using File = market::BillingPage::ExportFile;
    const QString pdf = m_dir.filePath(QStringLiteral("totals.pdf"));
    const QString csv = m_dir.filePath(QStringLiteral("totals.csv"));
    std::optional<Result<void>> outcome;
    billing->exportFiles({File{File::Report, pdf}, File{File::Invoices, csv}}, {}, [&](Result<void> r) { outcome.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10'000);
    QVERIFY2(outcome->ok(), qPrintable(outcome->error().toString()));
    QCOMPARE(billing->findChild<QLabel *>(QStringLiteral("totalsLabel"))->text(), before); // the tab was not reloaded
    Money charged;
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(',');
        if (fields.value(1) == "TOTAL")
            charged = charged.add(Money::parse(QString::fromUtf8(fields.value(8))).value()).value();
    }
    QVERIFY(charged.micros() > 1'000'000); // the dear contract is in the bills

    QProcess toText;
    toText.start(QStandardPaths::findExecutable(QStringLiteral("pdftotext")), {pdf, QStringLiteral("-")});
    QVERIFY(toText.waitForFinished(30'000));
    const QString text = QString::fromUtf8(toText.readAllStandardOutput());
    const QString firstPage = text.left(text.indexOf(QLatin1Char('\f')));
    const QString revenue = QStringLiteral("Revenue %1 · ").arg(ui::formatTotal(charged));
    QVERIFY2(firstPage.contains(revenue), qPrintable(revenue + QLatin1Char('\n') + firstPage));
    // Not in the way of the tests that sort the partitions by rate.
    QVERIFY(lender->call<Ack>(WithdrawPartition{.partitionId = QStringLiteral("v1")}).ok());
    delete lender;
}

void TestMarketGui::pdfDatesAreReadWhole()
{
    // The PDF's charts are narrower than the window's: their dates are chosen for the width
    // they are drawn at (fewer of them), each read whole, not "11..." ten times; the window's
    // charts keep theirs.
    auto *billing = m_window->billingPage();
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage());
    const auto windowLabels = [billing] {
        auto *axis = qobject_cast<QCategoryAxis *>(
            billing->findChild<QChartView *>(QStringLiteral("revenueChart"))->chart()->axes(Qt::Horizontal).value(0));
        return axis ? axis->categoriesLabels() : QStringList();
    };
    for (const int days : {30, 90}) {
        billing->setLastDays(days);
        QTRY_COMPARE(billing->report().days.size(), qsizetype(days));
        QTest::qWait(200); // a report asked for before may still come
        const QStringList inWindow = windowLabels();
        QVERIFY(!inWindow.isEmpty());
        const QString pdf = m_dir.filePath(QStringLiteral("dates-%1.pdf").arg(days));
        std::optional<Result<void>> outcome;
        billing->exportPdf(pdf, [&](Result<void> r) { outcome.emplace(std::move(r)); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10'000);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().toString()));
        QCOMPARE(windowLabels(), inWindow);
        QProcess toText;
        toText.start(QStandardPaths::findExecutable(QStringLiteral("pdftotext")), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY(toText.waitForFinished(30'000));
        const QString text = QString::fromUtf8(toText.readAllStandardOutput());
        const QString firstPage = text.left(text.indexOf(QLatin1Char('\f')));
        // Three charts with dates under them, at least four dates each, none cut short.
        static const QRegularExpression date(QStringLiteral("(^|\\s)(\\d{4}-)?\\d\\d-\\d\\d(?=\\s|$)"),
                                             QRegularExpression::MultilineOption);
        static const QRegularExpression cut(QStringLiteral("\\d(\\.\\.\\.|\u2026)"));
        QVERIFY2(firstPage.count(date) >= 3 * 4, qPrintable(firstPage));
        QVERIFY2(!firstPage.contains(cut), qPrintable(firstPage));
        // The first day's date is the first label.
        QVERIFY2(firstPage.contains(billing->period().first.toString(QStringLiteral("MM-dd"))), qPrintable(firstPage));
    }
    billing->setLastDays(7);
}

void TestMarketGui::exportKeepsItsPeriod()
{
    // An export writes the period shown when it started, all of it (the title, the footer and
    // the charts as well as the tables), and the period cannot be changed while it runs: the
    // fetch of a long period takes a while, and a period changed meanwhile (or a last-N-days
    // one that crossed midnight UTC) made a PDF of two periods.
    const auto [billing, period, first, last] = showBillingPeriod();
    QVERIFY(period && first && last);
    m_window->tabs()->setCurrentWidget(m_window->partitionsPage()); // no refresh meanwhile
    billing->setLastDays(7);
    QTRY_COMPARE(billing->report().days.size(), qsizetype(7));
    QTest::qWait(200); // a report asked for before may still come
    const market::BillingPage::Period sevenDays = billing->period();
    const QString pdf = m_dir.filePath(QStringLiteral("kept.pdf"));
    // Shared with the export: a check that fails returns before the export ends.
    const auto outcome = std::make_shared<std::optional<Result<void>>>();
    billing->exportPdf(pdf, [outcome](Result<void> r) { outcome->emplace(std::move(r)); });
    QVERIFY(!outcome->has_value()); // fetching
    for (QWidget *w : std::initializer_list<QWidget *>{period, first, last})
        QVERIFY2(!w->isEnabled(), qPrintable(w->objectName()));
    // Changed all the same, as the turn of the day changes a last-N-days period: the export
    // keeps the one it started with.
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QVERIFY(billing->setRange(today.addDays(-40), today.addDays(-31)).ok());
    QTRY_VERIFY_WITH_TIMEOUT(outcome->has_value(), 10'000);
    QVERIFY2((*outcome)->ok(), qPrintable((*outcome)->error().toString()));
    for (QWidget *w : std::initializer_list<QWidget *>{period, first, last})
        QVERIFY2(w->isEnabled(), qPrintable(w->objectName()));
    QProcess toText;
    toText.start(QStandardPaths::findExecutable(QStringLiteral("pdftotext")), {pdf, QStringLiteral("-")});
    QVERIFY(toText.waitForFinished(30'000));
    const QString text = QString::fromUtf8(toText.readAllStandardOutput());
    const QString from = sevenDays.first.toString(Qt::ISODate);
    const QString to = sevenDays.last.toString(Qt::ISODate);
    QVERIFY2(text.contains(QStringLiteral("Lendable billing report — Last 7 days (%1 to %2)").arg(from, to)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Lendable billing report · %1 to %2 (UTC)").arg(from, to)), qPrintable(text));
    // The charts are the seven days' (their first date is the period's first day), not the range's.
    const QString firstPage = text.left(text.indexOf(QLatin1Char('\f')));
    QVERIFY2(firstPage.contains(sevenDays.first.toString(QStringLiteral("MM-dd"))), qPrintable(firstPage));
    QVERIFY2(!firstPage.contains(today.addDays(-40).toString(QStringLiteral("MM-dd"))), qPrintable(firstPage));
    billing->setLastDays(7);
}

void TestMarketGui::billingPeriodIsRemembered()
{
    // The tab opens with the period the user chose last; a period shown as the command line
    // shows one (setLastDays(), setRange()) is not remembered.
    QSettings().remove(QStringLiteral("billing"));
    const auto [billing, period, first, last] = showBillingPeriod();
    QVERIFY(period && first && last);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const auto opened = [this] {
        market::BillingPage page(m_admin);
        return std::pair{page.period(), page.findChild<QDateEdit *>(QStringLiteral("periodFirstDayEdit"))->isVisibleTo(&page)};
    };
    period->setCurrentIndex(0);
    QCOMPARE(opened().first.first, today.addDays(-6)); // nothing chosen yet: the last 7 days
    QVERIFY(!opened().first.custom);

    // Chosen in the list (with the keyboard): the last 30 days next time.
    QTest::keyClick(period, Qt::Key_Down);
    QCOMPARE(period->currentData().toInt(), 30);
    QCOMPARE(opened().first.first, today.addDays(-29));
    QVERIFY(!opened().first.custom);
    // A custom range, its days typed: the range and its days, the date edits shown.
    QTest::keyClick(period, Qt::Key_Down);
    QTest::keyClick(period, Qt::Key_Down);
    QVERIFY(billing->period().custom);
    first->setDate(today.addDays(-20));
    last->setDate(today.addDays(-10));
    auto [restored, editsShown] = opened();
    QVERIFY(restored.custom && editsShown);
    QCOMPARE(restored.first, today.addDays(-20));
    QCOMPARE(restored.last, today.addDays(-10));

    // The command line's periods are shown, not remembered.
    billing->setLastDays(90);
    QCOMPARE(billing->period().first, today.addDays(-89));
    QVERIFY(billing->setRange(today.addDays(-5), today).ok());
    std::tie(restored, editsShown) = opened();
    QVERIFY(restored.custom);
    QCOMPARE(restored.first, today.addDays(-20));
    QCOMPARE(restored.last, today.addDays(-10));

    // Back to 7 days in the list: 7 days next time, and the custom days kept for when the
    // user turns to a custom range again.
    QTest::keyClick(period, Qt::Key_Home);
    QCOMPARE(period->currentData().toInt(), 7);
    QVERIFY(!opened().first.custom);
    {
        market::BillingPage page(m_admin);
        QCOMPARE(page.findChild<QDateEdit *>(QStringLiteral("periodFirstDayEdit"))->date(), today.addDays(-20));
    }

    // A settings file edited by hand to a range the market would refuse: the last 7 days.
    QSettings settings;
    settings.setValue(QStringLiteral("billing/period"), QStringLiteral("custom"));
    settings.setValue(QStringLiteral("billing/firstDay"), QStringLiteral("1990-01-01"));
    settings.setValue(QStringLiteral("billing/lastDay"), QStringLiteral("1990-13-40"));
    QVERIFY(!opened().first.custom);
    QCOMPARE(opened().first.first, today.addDays(-6));
    settings.remove(QStringLiteral("billing"));
}

void TestMarketGui::csvNamesCannotBeFormulas()
{
    // Names are the parties' own text: one starting like a formula opens as text in a
    // spreadsheet (a leading apostrophe), in every row of its party, the total included.
    market::BillingPage::Contracts contracts;
    Bill b;
    b.contractId = QStringLiteral("c-1");
    b.partitionId = QStringLiteral("p-1");
    b.borrowerId = QString(64, QLatin1Char('e'));
    b.lenderId = QString(64, QLatin1Char('f'));
    b.startedAtMs = 1'000;
    b.endedAtMs = 61'000;
    b.durationMs = 60'000;
    b.ratePerHour = Money::fromMicros(1'000'000);
    b.charge = Money::fromMicros(16'667);
    b.marketFee = Money::fromMicros(1'667);
    b.lenderPayout = Money::fromMicros(15'000);
    contracts.bills << b;
    contracts.names.insert(b.borrowerId, QStringLiteral("=HYPERLINK(\"http://evil\",\"x\"),a"));
    contracts.names.insert(b.lenderId, QStringLiteral("-rack-b"));
    const QString invoices = m_dir.filePath(QStringLiteral("formula-invoices.csv"));
    const QString payouts = m_dir.filePath(QStringLiteral("formula-payouts.csv"));
    QVERIFY(market::BillingPage::writeCsv(invoices, true, contracts).ok());
    QVERIFY(market::BillingPage::writeCsv(payouts, false, contracts).ok());
    auto rowsOf = [](const QString &path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().split('\n').mid(1) : QList<QByteArray>();
    };
    const QList<QByteArray> inv = rowsOf(invoices);
    QCOMPARE(inv.size(), 2);
    for (const QByteArray &row : inv)
        QVERIFY2(row.endsWith(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"),a\""), row.constData());
    const QList<QByteArray> pay = rowsOf(payouts);
    QCOMPARE(pay.size(), 2);
    for (const QByteArray &row : pay)
        QVERIFY2(row.endsWith(",'-rack-b"), row.constData());
}

void TestMarketGui::csvIdsKeepTheirColumns()
{
    // A partition ID is the lender's own text (any 1–128 characters the market takes): one
    // with a comma stays one field, and one that starts like a formula opens as text, in the
    // invoices and the payouts alike. So do the party IDs of every row, the total's included.
    market::BillingPage::Contracts contracts;
    Bill b;
    b.contractId = QStringLiteral("c-2");
    b.partitionId = QStringLiteral("=1+2,evil");
    b.borrowerId = QStringLiteral("@borrower");
    b.lenderId = QStringLiteral("+lender\"x\"");
    b.startedAtMs = 1'000;
    b.endedAtMs = 61'000;
    b.durationMs = 60'000;
    b.ratePerHour = Money::fromMicros(1'000'000);
    b.charge = Money::fromMicros(16'667);
    b.marketFee = Money::fromMicros(1'667);
    b.lenderPayout = Money::fromMicros(15'000);
    contracts.bills << b;
    // The fields of one CSV line as RFC 4180 reads them (a spreadsheet would).
    const auto fieldsOf = [](const QString &line) {
        QStringList fields{QString()};
        bool quoted = false;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line[i];
            if (quoted && c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"'))
                fields.last() += line[++i];
            else if (c == QLatin1Char('"'))
                quoted = !quoted;
            else if (c == QLatin1Char(',') && !quoted)
                fields.append(QString());
            else
                fields.last() += c;
        }
        return fields;
    };
    for (const bool invoices : {true, false}) {
        const QString path = m_dir.filePath(invoices ? QStringLiteral("id-invoices.csv") : QStringLiteral("id-payouts.csv"));
        QVERIFY(market::BillingPage::writeCsv(path, invoices, contracts).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3); // the header, the contract, the total
        const qsizetype columns = fieldsOf(lines[0]).size();
        const QString party = invoices ? QStringLiteral("'@borrower") : QStringLiteral("'+lender\"x\"");
        const QStringList row = fieldsOf(lines[1]);
        QCOMPARE(row.size(), columns);
        QCOMPARE(row[0], party);
        QCOMPARE(row[1], QStringLiteral("c-2"));
        QCOMPARE(row[2], QStringLiteral("'=1+2,evil"));
        QCOMPARE(row[3], invoices ? QStringLiteral("'+lender\"x\"") : QStringLiteral("'@borrower"));
        QCOMPARE(row[8], invoices ? QStringLiteral("0.016667") : QStringLiteral("0.001667"));
        const QStringList total = fieldsOf(lines[2]);
        QCOMPARE(total.size(), columns);
        QCOMPARE(total[0], party);
        QCOMPARE(total[1], QStringLiteral("TOTAL"));
    }
}

void TestMarketGui::csvTotalRowsAreDocumented()
{
    // Each party's rows in a CSV export end with a TOTAL row whose sum is in the column of the
    // amounts it adds up, which a spreadsheet's sum over that column counts twice: the user
    // guide says where it is and how to skip it, and that the files are UTF-8. Checked against
    // what writeCsv() writes, so that the guide and the files do not drift apart.
    market::BillingPage::Contracts contracts;
    for (int i = 0; i < 2; ++i) {
        Bill b;
        b.contractId = QStringLiteral("c-%1").arg(i);
        b.partitionId = QStringLiteral("p-1");
        b.borrowerId = QStringLiteral("b-1");
        b.lenderId = QStringLiteral("l-1");
        b.startedAtMs = 1'000;
        b.endedAtMs = 3'601'000;
        b.durationMs = 3'600'000;
        b.ratePerHour = Money::fromMicros(1'500'000 + i * 1'000'000);
        b.charge = b.ratePerHour;
        b.marketFee = Money::feeOf(b.charge, 1000);
        b.lenderPayout = Money::payoutOf(b.charge, 1000);
        b.state = QStringLiteral("ended");
        contracts.bills << b;
    }
    contracts.names = {{QStringLiteral("b-1"), QStringLiteral("Zo\u00eb")}, {QStringLiteral("l-1"), QStringLiteral("J\u00f6rg")}};
    const QString guidePath = qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/docs/user-guide.md");
    QFile guideFile(guidePath);
    QVERIFY2(guideFile.open(QIODevice::ReadOnly), qPrintable(guidePath));
    const QString guide = QString::fromUtf8(guideFile.readAll()).simplified(); // a paragraph's lines joined
    QVERIFY(guide.contains(QStringLiteral("The CSV files are UTF-8")));
    QVERIFY(guide.contains(QStringLiteral("its second column (`contract_id`) reads `TOTAL`")));
    for (const bool invoices : {true, false}) {
        const QString path = m_dir.filePath(invoices ? QStringLiteral("doc-invoices.csv") : QStringLiteral("doc-payouts.csv"));
        QVERIFY(market::BillingPage::writeCsv(path, invoices, contracts).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.startsWith("\xEF\xBB\xBF")); // no byte-order mark, as the guide says
        QVERIFY(bytes.contains(invoices ? QByteArray("Zo\xC3\xAB") : QByteArray("J\xC3\xB6rg")));
        const QStringList lines = QString::fromUtf8(bytes).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 4); // the header, two contracts, the total
        const QStringList header = lines[0].split(QLatin1Char(','));
        QCOMPARE(header.indexOf(QStringLiteral("contract_id")), 1); // column B
        const QString amounts = invoices ? QStringLiteral("charge") : QStringLiteral("payout");
        const qsizetype at = header.indexOf(amounts);
        QVERIFY(at >= 0);
        Money sum;
        for (int row = 1; row <= 2; ++row)
            sum = sum.add(Money::parse(lines[row].split(QLatin1Char(',')).value(at)).value()).value();
        const QStringList total = lines[3].split(QLatin1Char(','));
        QCOMPARE(total.size(), header.size());
        QCOMPARE(total[1], QStringLiteral("TOTAL"));
        QCOMPARE(total[at], sum.toString());
        for (qsizetype c = 2; c < total.size() - 1; ++c)
            QVERIFY2(c == at || total[c].isEmpty(), qPrintable(lines[3]));
        // The guide names the column, its number and its spreadsheet letter, and skips the
        // TOTAL rows in a sum over it.
        const QString letter(QChar(char16_t(u'A' + at)));
        const QRegularExpression named(QStringLiteral("`%1` \\(the %2th(?: column)?, %3\\)").arg(amounts).arg(at + 1).arg(letter));
        QVERIFY2(guide.contains(named), qPrintable(named.pattern()));
        const QString skipped = invoices ? QStringLiteral("=SUMIF(B:B;\"<>TOTAL\";%1:%1)").arg(letter)
                                         : QStringLiteral("`%1:%1` over the payouts").arg(letter);
        QVERIFY2(guide.contains(skipped), qPrintable(skipped));
    }
}

void TestMarketGui::totalsReadAsPeopleWriteThem()
{
    // Hundredths, half away from zero, grouped as the locale groups.
    const QLocale before;
    const auto restoreLocale = qScopeGuard([&before] { QLocale::setDefault(before); });
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(ui::formatTotal(Money::fromMicros(2'638'418'610)), QStringLiteral("2,638.42"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(5'000)), QStringLiteral("0.01"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(4'999)), QStringLiteral("0.00"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(-15'000)), QStringLiteral("-0.02"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(-4'000)), QStringLiteral("0.00"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(1'234'567'890'000)), QStringLiteral("1,234,567.89"));
    // Sizes at a glance (exact ones stay "24105M").
    QCOMPARE(ui::formatSize(512), QStringLiteral("512 MiB"));
    QCOMPARE(ui::formatSize(1024), QStringLiteral("1 GiB"));
    QCOMPARE(ui::formatSize(24105), QStringLiteral("23.5 GiB"));
    QCOMPARE(ui::formatSize(1572864), QStringLiteral("1.5 TiB"));
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(ui::formatTotal(Money::fromMicros(2'638'418'610)), QStringLiteral("2.638,42"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(4'591'496)), QStringLiteral("4,591496")); // not 4.6 million
    QCOMPARE(ui::formatAmount(Money::fromMicros(2'480'000)), QStringLiteral("2,48"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(12'345'678'901)), QStringLiteral("12.345,678901"));
    // A locale with digits of its own writes the decimals in them too, as QLocale writes the
    // same number.
    QLocale::setDefault(QLocale(QLocale::Arabic, QLocale::Egypt));
    QVERIFY(QLocale().zeroDigit() != QLatin1String("0"));
    QCOMPARE(ui::formatTotal(Money::fromMicros(2'638'420'000)), QLocale().toString(2638.42, 'f', 2));
    QCOMPARE(ui::formatCharge(Money::fromMicros(4'591'496)), QLocale().toString(4.591496, 'f', 6));
    QCOMPARE(ui::formatAmount(Money::fromMicros(2'480'000)), QLocale().toString(2.48, 'f', 2));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    // Rates: exact, at least two decimals ("0.6" beside "0.59" read as the larger).
    QCOMPARE(ui::formatAmount(Money::fromMicros(600'000)), QStringLiteral("0.60"));
    QCOMPARE(ui::formatAmount(Money::fromMicros(3'000'000)), QStringLiteral("3.00"));
    QCOMPARE(ui::formatAmount(Money::fromMicros(125'000)), QStringLiteral("0.125"));
    QCOMPARE(ui::formatAmount(Money::fromMicros(1)), QStringLiteral("0.000001"));
    // Charges in columns: exact, all six decimals, so that their points line up.
    QCOMPARE(ui::formatCharge(Money::fromMicros(2'314'760)), QStringLiteral("2.314760"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(1'745)), QStringLiteral("0.001745"));
    // Large ones grouped as the totals are, negative ones with the locale's sign.
    QCOMPARE(ui::formatCharge(Money::fromMicros(1'234'567'000'000)), QStringLiteral("1,234,567.000000"));
    QCOMPARE(ui::formatAmount(Money::fromMicros(1'500'000'000)), QStringLiteral("1,500.00"));
    QCOMPARE(ui::formatAmount(Money::fromMicros(-500'000)), QStringLiteral("-0.50"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(-1'234'000'001)), QStringLiteral("-1,234.000001"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(3'000'000)), QStringLiteral("3.000000"));
    QCOMPARE(ui::formatCharge(Money::fromMicros(-500'000)), QStringLiteral("-0.500000"));
    QLocale::setDefault(before);
}

void TestMarketGui::shownTotalsAddUp()
{
    // The Billing tab's and the PDF's totals, rounded to hundredths, add up: each rounded on
    // its own, revenue 1,630.706 of which fees 163.074 read 1,630.71 = 163.07 + 1,467.63.
    const QLocale before;
    const auto restoreLocale = qScopeGuard([&before] { QLocale::setDefault(before); });
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(market::BillingPage::totalsLine(Money::fromMicros(1'630'706'000), Money::fromMicros(163'074'000),
                                             Money::fromMicros(1'467'632'000), 1000),
             QStringLiteral("Revenue 1,630.71 · Fees 163.07 · Payouts 1,467.64 · Fee 10 %"));
    // Where rounding each on its own adds up, that is what is shown.
    QCOMPARE(market::BillingPage::totalsLine(Money::fromMicros(2'000'000), Money::fromMicros(200'000), Money::fromMicros(1'800'000), 1000),
             QStringLiteral("Revenue 2.00 · Fees 0.20 · Payouts 1.80 · Fee 10 %"));
    QCOMPARE(market::BillingPage::totalsLine(Money::fromMicros(-1'630'706'000), Money::fromMicros(-163'074'000),
                                             Money::fromMicros(-1'467'632'000), 1000),
             QStringLiteral("Revenue -1,630.71 · Fees -163.07 · Payouts -1,467.64 · Fee 10 %"));
    // Figures that do not add up exactly are not made to.
    QCOMPARE(market::BillingPage::totalsLine(Money::fromMicros(1'630'706'000), Money::fromMicros(163'074'000),
                                             Money::fromMicros(1'467'000'000), 1000),
             QStringLiteral("Revenue 1,630.71 · Fees 163.07 · Payouts 1,467.00 · Fee 10 %"));
}

void TestMarketGui::refreshKeepsTheRowsInView()
{
    // The periodic refresh of a live table: the rows stay on screen while fresh ones come,
    // the scroll position stays, and the selected contract stays selected when a new
    // contract comes in above it.
    auto *contracts = m_window->contractsPage();
    m_window->tabs()->setCurrentWidget(contracts);
    contracts->filterEdit()->clear();
    contracts->runningOnly()->setChecked(false);
    contracts->view()->sortByColumn(5, Qt::DescendingOrder); // newest first
    ui::PagedTableModel *model = contracts->model();
    QTRY_VERIFY(model->total() >= 2 && model->isRowLoaded(0));
    const qint64 before = model->total();
    const int row = model->rowOfKey(m_contractId);
    QVERIFY(row >= 0);
    contracts->view()->selectRow(row);
    Result<ContractGranted> fresh = m_borrower->call<ContractGranted>(Borrow{.offerId = {}, .query = QStringLiteral("cpus>=1")});
    QVERIFY2(fresh.ok(), qPrintable(fresh.error().toString()));
    contracts->refresh();
    QCOMPARE(model->total(), before); // not emptied meanwhile
    QVERIFY(model->isRowLoaded(row));
    QTRY_COMPARE(model->total(), before + 1);
    QTRY_COMPARE(model->keyAt(contracts->view()->currentIndex().row()).toString(), m_contractId);
    QCOMPARE(contracts->view()->currentIndex().row(), row + 1);
    QCOMPARE(model->keyAt(0).toString(), fresh->contractId);
    QVERIFY(m_borrower->call<ContractClosed>(EndContract{.contractId = fresh->contractId}).ok());
}

void TestMarketGui::partitionsAreRefreshedInPlace()
{
    // The Lenders & partitions tab is live, as the other tables are: shown, it is fetched again
    // now and then in place, so that a partition lent meanwhile says so, and Rebalance… is no
    // longer offered for it; the filter, the order, the scroll position and the selected
    // partition stay (also when a partition registered meanwhile comes in above it).
    Channel *lender = m_market->connectLocal(QString(64, QLatin1Char('4')), QStringLiteral("lender"));
    QVERIFY(lender->waitEstablished(5000).ok());
    market::test::PushLog answers(lender);
    QHash<QString, QString> offers;
    for (int i = 0; i < 40; ++i) {
        RegisterPartition reg = busyboxPartition(QStringLiteral("y%1").arg(i, 2, 10, QLatin1Char('0')), QStringLiteral("rack-y"),
                                                 QStringLiteral("127.0.0.1:7404"), Resources{1, 512, 1024});
        reg.externallyReferenced = true;
        const Result<PartitionRegistered> r = lender->call<PartitionRegistered>(reg);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        offers.insert(reg.partitionId, r->offerId);
    }
    auto *page = m_window->partitionsPage();
    QTableView *view = page->view();
    ui::PagedTableModel *model = page->model();
    auto *button = page->findChild<QPushButton *>(QStringLiteral("rebalanceButton"));
    m_window->tabs()->setCurrentWidget(page);
    page->filterEdit()->setText(QStringLiteral("rack-y"));
    view->sortByColumn(1, Qt::DescendingOrder); // y39 first
    QTRY_COMPARE(model->total(), qint64(40));
    QTRY_VERIFY(model->isRowLoaded(0));
    QCOMPARE(model->index(0, 1).data().toString(), QStringLiteral("y39"));
    view->scrollToBottom();
    QScrollBar *scroll = view->verticalScrollBar();
    QVERIFY2(scroll->value() > 0, "the window is too tall for the test: the rows do not scroll");
    const int scrolled = scroll->value();
    const int row = 37; // y02
    QCOMPARE(model->index(row, 1).data().toString(), QStringLiteral("y02"));
    view->selectRow(row);
    QTRY_VERIFY(button->isEnabled());
    QCOMPARE(model->index(row, 10).data().toString(), QStringLiteral("free"));

    m_window->setRefreshIntervalMs(100);
    const auto restoreInterval = qScopeGuard([this] { m_window->setRefreshIntervalMs(5000); });
    // Lent meanwhile, and a partition that sorts above it registered.
    Result<ContractGranted> lent = m_borrower->call<ContractGranted>(Borrow{.offerId = offers.value(QStringLiteral("y02")), .query = {}});
    QVERIFY2(lent.ok(), qPrintable(lent.error().toString()));
    RegisterPartition above = busyboxPartition(QStringLiteral("y99"), QStringLiteral("rack-y"), QStringLiteral("127.0.0.1:7404"),
                                               Resources{1, 512, 1024});
    above.externallyReferenced = true;
    QVERIFY(lender->call<PartitionRegistered>(above).ok());
    QTRY_COMPARE(model->total(), qint64(41));
    QTRY_VERIFY2(model->index(row + 1, 10).data().toString().startsWith(QStringLiteral("lent to ")),
                 qPrintable(model->index(row + 1, 10).data().toString()));
    // The selection followed its partition; what the user looks at is as they left it.
    QTRY_COMPARE(view->currentIndex().row(), row + 1);
    QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(view->selectionModel()->selectedRows().first().row(), row + 1);
    QCOMPARE(model->index(row + 1, 1).data().toString(), QStringLiteral("y02"));
    QCOMPARE(page->filterEdit()->text(), QStringLiteral("rack-y"));
    QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), 1);
    QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(model->index(0, 1).data().toString(), QStringLiteral("y99"));
    QCOMPARE(scroll->value(), scrolled);
    // Rebalance… follows: not for a lent partition, and the tip says why.
    QTRY_VERIFY(!button->isEnabled());
    QVERIFY2(button->toolTip().startsWith(QStringLiteral("This partition is lent")), qPrintable(button->toolTip()));

    // The contract ends: free again, and Rebalance… is offered again.
    QVERIFY(m_borrower->call<ContractClosed>(EndContract{.contractId = lent->contractId}).ok());
    QTRY_COMPARE(model->index(row + 1, 10).data().toString(), QStringLiteral("free"));
    QTRY_VERIFY(button->isEnabled());
    QCOMPARE(view->currentIndex().row(), row + 1);
    QCOMPARE(scroll->value(), scrolled);

    page->filterEdit()->clear();
    view->sortByColumn(0, Qt::AscendingOrder);
    delete lender;
}

void TestMarketGui::reconnectsWhenTheMarketComesBack()
{
    // Attached to a market over TLS (as --connect does): the market stops, the window says
    // it is disconnected and that what it shows is from before; the market starts again on
    // the same address, and the window carries on by itself, fetching afresh.
    QTemporaryDir dir;
    const AttachedMarket m(dir.path());
    const Identity &marketIdentity = m.market;
    const Identity &admin = m.admin;
    const market::MarketConfig &config = m.config;
    const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db"));
    auto service = std::make_unique<market::MarketService>(marketIdentity, url, config);
    QVERIFY(service->listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = service->serverPort();
    const auto connectAdmin = [&]() -> Channel * { return m.connectAdmin(port, this); };
    Channel *first = connectAdmin();
    QVERIFY(first->waitEstablished(10'000).ok());
    market::MarketWindow window(first, marketIdentity.nodeId(), QStringLiteral("127.0.0.1:%1").arg(port), admin.nodeId());
    window.setReconnector(connectAdmin);
    window.setReconnectDelayMs(100);
    window.setRefreshIntervalMs(100); // the shown page would be refreshed a few times below
    window.tabs()->setCurrentWidget(window.partitionsPage());
    window.show();
    QTRY_VERIFY(window.isConnected());

    service->shutdown();
    service.reset();
    QTRY_VERIFY(!window.isConnected());
    QTRY_VERIFY2(window.errorBanner()->isVisible() && window.errorBanner()->text().contains(QStringLiteral("Connecting again")),
                 qPrintable(window.errorBanner()->text()));
    auto *status = window.findChild<QLabel *>(QStringLiteral("connectionLabel"));
    QVERIFY(status);
    QVERIFY2(status->text().contains(QStringLiteral("from before")), qPrintable(status->text()));
    QTest::qWait(500); // a few attempts fail meanwhile
    // The banner still says what happened: no page was refreshed meanwhile (each would have
    // said "not connected to the market" over it), neither by the timer nor when shown.
    window.tabs()->setCurrentWidget(window.contractsPage());
    QTest::qWait(300);
    QVERIFY2(window.errorBanner()->isVisible() && window.errorBanner()->text().contains(QStringLiteral("Connecting again")),
             qPrintable(window.errorBanner()->text()));
    window.tabs()->setCurrentWidget(window.partitionsPage());

    // Back, with a partition registered while the window was away.
    service = std::make_unique<market::MarketService>(marketIdentity, url, config);
    QVERIFY(service->listen(QHostAddress::LocalHost, port).ok());
    std::unique_ptr<Channel> lender(service->connectLocal(QString(64, QLatin1Char('7')), QStringLiteral("lender")));
    QVERIFY(lender->waitEstablished(5000).ok());
    RegisterPartition reg = busyboxPartition(QStringLiteral("after-restart"), QString(), QStringLiteral("127.0.0.1:7401"), Resources{1, 512, 1024});
    const Result<PartitionRegistered> registered = lender->call<PartitionRegistered>(reg);
    QVERIFY2(registered.ok(), qPrintable(registered.error().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(window.isConnected(), 30'000);
    QTRY_VERIFY(!window.errorBanner()->isVisible());
    QTRY_COMPARE(window.partitionsPage()->model()->total(), qint64(1));
    QVERIFY2(status->text().startsWith(QStringLiteral("Market ")), qPrintable(status->text()));
    // Refreshed again now and then once back: a partition registered now shows by itself.
    reg.partitionId = QStringLiteral("after-reconnect");
    QVERIFY(lender->call<PartitionRegistered>(reg).ok());
    QTRY_COMPARE(window.partitionsPage()->model()->total(), qint64(2));
    window.close();
    lender.reset();
    service->shutdown();
}

void TestMarketGui::marketThatStopsAnsweringIsFoundOut()
{
    // A market that stops answering without closing the connection (a frozen process, a link
    // gone without a word): the window's pings find it out; it says so and connects again.
    // Before, it went on showing what the market said before as current.
    QTemporaryDir dir;
    const AttachedMarket m(dir.path());
    const Identity &marketIdentity = m.market;
    const Identity &admin = m.admin;
    market::MarketService service(marketIdentity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), m.config);
    QVERIFY(service.listen(QHostAddress::LocalHost, 0).ok());
    lendable::testing::FreezingRelay relay(service.serverPort());
    const auto connectAdmin = [&]() -> Channel * { return m.connectAdmin(relay.port(), this); };
    Channel *first = connectAdmin();
    QVERIFY(first->waitEstablished(10'000).ok());
    market::MarketWindow window(first, marketIdentity.nodeId(), QStringLiteral("127.0.0.1:%1").arg(relay.port()), admin.nodeId());
    window.setReconnector(connectAdmin);
    window.setReconnectDelayMs(100);
    window.setKeepAlive(200, 1500);
    window.show();
    QTRY_VERIFY(window.isConnected());
    QTest::qWait(1000); // pings answered meanwhile: nothing happens
    QVERIFY(window.isConnected());

    relay.freeze(); // the connection open now passes nothing more; new ones do
    QTRY_VERIFY_WITH_TIMEOUT(window.errorBanner()->text().contains(QStringLiteral("the market stopped answering")), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(window.isConnected(), 10'000); // a new connection, through the relay
    QTRY_VERIFY(!window.errorBanner()->isVisible());
    window.close();
    service.shutdown();
}

void TestMarketGui::opensBeforeTheMarketAnswers()
{
    // --connect to a market that does not answer yet (as the app does now): the window opens
    // without a connection, says it cannot reach the market and why, and tries again; once
    // the market is up it connects and fills its tabs by itself. Before, the app waited 15 s
    // and quit.
    QTemporaryDir dir;
    const AttachedMarket m(dir.path());
    const Identity &marketIdentity = m.market;
    const Identity &admin = m.admin;
    quint16 port = 0;
    {
        QTcpServer probe; // a port nothing listens on, for now
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    int attempts = 0;
    const auto connectAdmin = [&]() -> Channel * {
        ++attempts;
        return m.connectAdmin(port, this);
    };
    const QString where = QStringLiteral("127.0.0.1:%1").arg(port);
    market::MarketWindow window(nullptr, marketIdentity.nodeId(), where, admin.nodeId());
    window.setReconnector(connectAdmin);
    window.setReconnectDelayMs(100);
    window.setRefreshIntervalMs(100);
    window.show();
    window.connectNow();
    QVERIFY(!window.isConnected());
    QTRY_VERIFY2(window.errorBanner()->isVisible() && window.errorBanner()->text().startsWith(QStringLiteral("Cannot connect: cannot reach ") + where)
                     && window.errorBanner()->text().contains(QStringLiteral("Trying again until the market answers")),
                 qPrintable(window.errorBanner()->text()));
    auto *status = window.findChild<QLabel *>(QStringLiteral("connectionLabel"));
    QVERIFY(status);
    QTRY_VERIFY2(status->text().startsWith(QStringLiteral("Not connected · trying again in")), qPrintable(status->text()));
    QVERIFY2(!status->text().contains(QStringLiteral("from before")), qPrintable(status->text())); // nothing is shown yet
    // Said once, in the banner: the status bar's passing "not connected yet" is gone.
    QVERIFY2(window.statusBar()->currentMessage().isEmpty(), qPrintable(window.statusBar()->currentMessage()));
    QTRY_VERIFY(attempts >= 3); // it goes on trying
    QVERIFY(!window.isConnected());
    QCOMPARE(window.partitionsPage()->model()->total(), qint64(0));

    // The market comes up, with a partition.
    market::MarketService service(marketIdentity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), m.config);
    QVERIFY(service.listen(QHostAddress::LocalHost, port).ok());
    std::unique_ptr<Channel> lender(service.connectLocal(QString(64, QLatin1Char('7')), QStringLiteral("lender")));
    QVERIFY(lender->waitEstablished(5000).ok());
    QVERIFY(lender->call<PartitionRegistered>(busyboxPartition(QStringLiteral("there-before-the-window"), QString(), QStringLiteral("127.0.0.1:7401"),
                                                               Resources{1, 512, 1024}))
                .ok());
    QTRY_VERIFY_WITH_TIMEOUT(window.isConnected(), 30'000);
    QTRY_VERIFY(!window.errorBanner()->isVisible());
    QTRY_COMPARE(window.partitionsPage()->model()->total(), qint64(1));
    QVERIFY2(status->text().startsWith(QStringLiteral("Market ")), qPrintable(status->text()));
    window.close();

    // A wrong market ID (the handshake refuses the market's certificate): said the same
    // way.
    const QString wrongId(64, QLatin1Char('b'));
    market::MarketWindow wrong(nullptr, wrongId, where, admin.nodeId());
    wrong.setReconnector([&]() -> Channel * { return m.connectAdmin(port, this, wrongId); });
    wrong.setReconnectDelayMs(100);
    wrong.show();
    wrong.connectNow();
    QTRY_VERIFY2(wrong.errorBanner()->isVisible() && wrong.errorBanner()->text().startsWith(QStringLiteral("Cannot connect: ") + where + QStringLiteral(" is node "))
                     && wrong.errorBanner()->text().contains(QStringLiteral("not the pinned node ") + wrongId),
                 qPrintable(wrong.errorBanner()->text()));
    QTest::qWait(300);
    QVERIFY(!wrong.isConnected());
    wrong.close();
    lender.reset();
    service.shutdown();
}

void TestMarketGui::cleanupTestCase()
{
    m_window.reset();
    delete m_admin;
    delete m_borrower;
    delete m_lender;
    m_market->shutdown();
}

QTEST_MAIN(TestMarketGui)
#include "TestMarketGui.moc"
