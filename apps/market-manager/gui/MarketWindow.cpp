#include "MarketWindow.h"

#include "Pages.h"
#include "ServicePage.h"
#include "ui/AboutDialog.h"
#include "ui/ErrorBanner.h"
#include "ui/GuiSupport.h"
#include "ui/PagedTableModel.h"
#include "util/Backoff.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lendable::market {

MarketWindow::MarketWindow(protocol::Channel *channel, const QString &marketId, const QString &where,
                           const QString &localNodeId, QWidget *parent)
    : QMainWindow(parent)
    , m_channel(channel)
    , m_marketId(marketId)
    , m_localNodeId(localNodeId)
    , m_tabs(new QTabWidget(this))
    , m_banner(new ui::ErrorBanner(this))
    , m_partitions(new PartitionsPage(channel, this))
    , m_contracts(new ContractsPage(channel, this))
    , m_billing(new BillingPage(channel, this))
    , m_violations(new ViolationsPage(channel, this))
    , m_service(new ServicePage(channel, this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("marketWindow"));
    setWindowTitle(tr("Lendable Market Manager"));
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->addTab(m_partitions, tr("Lenders && partitions"));
    m_tabs->addTab(m_contracts, tr("Contracts"));
    m_tabs->addTab(m_billing, tr("Billing"));
    m_tabs->addTab(m_violations, tr("Violations"));
    m_tabs->addTab(m_service, tr("Service"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_status->setObjectName(QStringLiteral("connectionLabel"));
    m_where = where;
    m_status->setText(tr("Market %1 · %2").arg(marketId.left(16), where));
    m_status->setToolTip(marketId);
    statusBar()->addPermanentWidget(m_status);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Refresh"), QKeySequence::Refresh, this, &MarketWindow::refreshAll);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    ui::addLanguageMenu(menuBar());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        // The ID to hand out is the market's (lenders and borrowers pin it); attached to a
        // market as admin, this app has an ID of its own, which the market lets in.
        QString description = tr("The market: resource database, contracts and billing of lent computer partitions.");
        if (m_localNodeId != m_marketId)
            description += QLatin1Char(' ') + tr("Attached as admin %1.").arg(m_localNodeId);
        ui::AboutDialog(tr("Lendable Market Manager"), description, m_marketId, this,
                        tr("The market's ID (lenders and borrowers pin it):"))
            .exec();
    });

    // An error stays in the banner until dismissed, replaced, or until what failed has
    // succeeded since (the page's rows came after all, a rebalance went through, a report
    // loaded): a banner about a problem that is gone would be taken for a new one.
    const auto showErrorFrom = [this](QObject *page) {
        return [this, page](const Error &e) {
            m_banner->showError(e);
            m_errorFrom = page;
        };
    };
    const auto clearsErrorOf = [this](QObject *page) {
        return [this, page] {
            if (m_errorFrom == page) {
                m_banner->hide();
                m_errorFrom = nullptr;
            }
        };
    };
    connect(m_partitions, &PartitionsPage::error, this, showErrorFrom(m_partitions));
    connect(m_contracts, &ContractsPage::error, this, showErrorFrom(m_contracts));
    connect(m_billing, &BillingPage::error, this, showErrorFrom(m_billing));
    connect(m_violations, &ViolationsPage::error, this, showErrorFrom(m_violations));
    connect(m_service, &ServicePage::error, this, showErrorFrom(m_service));
    connect(m_partitions, &PartitionsPage::recovered, this, clearsErrorOf(m_partitions));
    connect(m_partitions, &PartitionsPage::notice, this, [this](const QString &text) { statusBar()->showMessage(text, 15'000); });
    connect(m_billing, &BillingPage::recovered, this, clearsErrorOf(m_billing));
    // The contracts, violations and service pages fail only at fetching: their next fetch
    // that succeeds ends the error.
    connect(m_contracts->model(), &ui::PagedTableModel::loaded, this, clearsErrorOf(m_contracts));
    connect(m_violations->model(), &ui::PagedTableModel::loaded, this, clearsErrorOf(m_violations));
    connect(m_service, &ServicePage::statsLoaded, this, clearsErrorOf(m_service));
    // An export fetches every contract of its period first, which can take a while on a large
    // market: said while it runs, and where the file went once it is written.
    connect(m_billing, &BillingPage::exportStarted, this, [this](const QString &path) {
        statusBar()->showMessage(tr("Exporting to %1…").arg(QDir::toNativeSeparators(path)));
    });
    connect(m_billing, &BillingPage::exportFinished, this, [this](const QString &path, bool ok) {
        if (ok)
            statusBar()->showMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)), 15'000);
        else
            statusBar()->clearMessage(); // the error banner says why
    });
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &MarketWindow::tryReconnect);
    m_everConnected = channel != nullptr;
    if (channel) {
        connect(channel, &protocol::Channel::closed, this, &MarketWindow::lost);
        // A market that stops answering closes no connection: the pings find it out.
        ui::KeepAlive::keep(channel, tr("the market"), m_keepAliveMs, m_keepAliveTimeoutMs);
    }
    // A live market changes under the admin's eyes: refresh the partitions (their lending
    // status), contracts, billing or violations now and then while one of them is shown, and
    // when it is shown again. Hidden pages are not asked for: a billing report reads every
    // bill of its period, and a window left open on another tab would have the market compute
    // one every 5 s for nobody.
    const auto reloadShown = [this] {
        // Disconnected, a page would only say "not connected" over the banner that says what
        // happened (lost() stops the timer; this is for a tab shown meanwhile).
        if (!m_channel)
            return;
        QWidget *shown = m_tabs->currentWidget();
        // The tables in place: a refresh must not empty them, scroll them to the top or
        // lose the row the admin selected.
        if (shown == m_partitions)
            m_partitions->refresh();
        else if (shown == m_contracts)
            m_contracts->refresh();
        else if (shown == m_billing)
            m_billing->reload();
        else if (shown == m_violations)
            m_violations->refresh();
    };
    m_refresh = new QTimer(this);
    m_refresh->setInterval(5000);
    connect(m_refresh, &QTimer::timeout, this, reloadShown);
    m_refresh->start();
    connect(m_tabs, &QTabWidget::currentChanged, this, reloadShown);
    ui::restoreWindowState(this);
    refreshAll();
}

MarketWindow::~MarketWindow() = default;

void MarketWindow::refreshAll()
{
    if (!m_channel) {
        // The banner says why; with a way to connect again, adopt() refreshes every tab once
        // the market is back.
        if (!m_everConnected)
            statusBar()->showMessage(tr("Not connected to the market yet: the tabs are filled once it answers."), 10'000);
        else
            statusBar()->showMessage(m_reconnect ? tr("Not connected to the market: the tabs are refreshed once it is back.")
                                                 : tr("Not connected to the market: there is nothing to refresh."),
                                     10'000);
        return;
    }
    m_partitions->reload();
    m_contracts->reload();
    m_billing->reload();
    m_violations->reload();
    if (m_service->isVisible())
        m_service->reload();
}

bool MarketWindow::isConnected() const
{
    return m_channel && m_channel->isEstablished();
}

void MarketWindow::lost(const Error &reason)
{
    if (sender() != m_channel && sender() != nullptr)
        return; // an earlier connection, or an attempt that failed (tryReconnect() handles those)
    if (m_channel)
        m_channel->deleteLater();
    m_channel = nullptr;
    m_partitions->setChannel(nullptr);
    m_contracts->setChannel(nullptr);
    m_billing->setChannel(nullptr);
    m_violations->setChannel(nullptr);
    m_service->setChannel(nullptr);
    const QString what = m_reconnect ? tr("Disconnected from the market: %1. Connecting again…").arg(reason.message)
                                     : tr("Disconnected from the market: %1").arg(reason.message);
    m_banner->showError(Error(reason.code, what));
    m_errorFrom = this;
    // No page refreshed until the market is back: each would answer at once that it is not
    // connected, in the banner, over what happened and what the window does about it.
    m_refresh->stop();
    // What the tabs show is what the market said before: the status bar says it is old.
    m_status->setText(m_reconnect ? tr("Disconnected · connecting again… · the figures shown are from before")
                                  : tr("Disconnected · the figures shown are from before"));
    if (m_reconnect) {
        m_reconnectFailures = 1; // the connection lost
        m_reconnectTimer->start(backoffDelayMs(m_reconnectDelayMs, kMaxReconnectDelayMs, m_reconnectFailures));
    }
}

void MarketWindow::setKeepAlive(int intervalMs, int timeoutMs)
{
    m_keepAliveMs = intervalMs;
    m_keepAliveTimeoutMs = timeoutMs;
    if (m_channel)
        ui::KeepAlive::keep(m_channel, tr("the market"), m_keepAliveMs, m_keepAliveTimeoutMs);
}

void MarketWindow::connectNow()
{
    m_status->setText(tr("Connecting to the market at %1…").arg(m_where));
    m_reconnectFailures = 0;
    tryReconnect();
}

void MarketWindow::tryReconnect()
{
    protocol::Channel *attempt = m_reconnect ? m_reconnect() : nullptr;
    if (!attempt)
        return;
    connect(attempt, &protocol::Channel::established, this, [this, attempt] { adopt(attempt); });
    connect(attempt, &protocol::Channel::closed, this, [this, attempt](const Error &reason) {
        if (attempt == m_channel)
            return; // adopted, then lost: lost() has it
        attempt->deleteLater();
        // Not yet: again after a longer pause (doubling, up to 30 s).
        ++m_reconnectFailures;
        const int delay = backoffDelayMs(m_reconnectDelayMs, kMaxReconnectDelayMs, m_reconnectFailures);
        if (m_everConnected) {
            m_status->setText(tr("Disconnected · trying again in %1 s (%2) · the figures shown are from before")
                                  .arg(qMax(1, delay / 1000))
                                  .arg(reason.message));
        } else {
            // Never connected: the tabs are empty, not old. The banner says it once (the
            // admin may have closed it); the status bar keeps the latest attempt's reason.
            m_status->setText(tr("Not connected · trying again in %1 s (%2)").arg(qMax(1, delay / 1000)).arg(reason.message));
            if (m_reconnectFailures == 1) {
                // The reason names the address when the connection failed; a refusal in
                // the handshake (a wrong --market-id) does not.
                const QString why = reason.message.contains(m_where) ? reason.message
                                                                     : tr("the market at %1: %2").arg(m_where, reason.message);
                m_banner->showError(Error(reason.code, tr("Cannot connect: %1. Trying again until the market answers; "
                                                          "the tabs are filled then.")
                                                           .arg(why)));
                m_errorFrom = this;
                // The banner says what the status bar's passing message did (refreshAll()).
                statusBar()->clearMessage();
            }
        }
        m_reconnectTimer->start(delay);
    });
}

void MarketWindow::adopt(protocol::Channel *channel)
{
    m_channel = channel;
    connect(channel, &protocol::Channel::closed, this, &MarketWindow::lost);
    ui::KeepAlive::keep(channel, tr("the market"), m_keepAliveMs, m_keepAliveTimeoutMs);
    m_partitions->setChannel(channel);
    m_contracts->setChannel(channel);
    m_billing->setChannel(channel);
    m_violations->setChannel(channel);
    m_service->setChannel(channel);
    m_status->setText(tr("Market %1 · %2").arg(m_marketId.left(16), m_where));
    if (m_errorFrom == this) {
        m_banner->hide();
        m_errorFrom = nullptr;
    }
    statusBar()->showMessage(m_everConnected ? tr("Connected to the market again.") : tr("Connected to the market."), 10'000);
    m_everConnected = true;
    refreshAll();
    m_refresh->start();
}

void MarketWindow::setRefreshIntervalMs(int ms)
{
    m_refresh->setInterval(ms);
}

void MarketWindow::closeEvent(QCloseEvent *event)
{
    ui::saveWindowState(this);
    event->accept();
}

} // namespace lendable::market
