#pragma once

#include "protocol/Channel.h"
#include "ui/KeepAlive.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>

class QTabWidget;
class QLabel;
class QTimer;

namespace lendable::ui {
class ErrorBanner;
}

namespace lendable::market {

class PartitionsPage;
class ContractsPage;
class BillingPage;
class ViolationsPage;
class ServicePage;

/// The Market Manager: the resource database, contracts and billing of one market, read
/// through the admin role of the protocol — from the in-process service (embedded default)
/// or a remote market (`--connect`).
class MarketWindow : public QMainWindow {
    Q_OBJECT
public:
    MarketWindow(protocol::Channel *channel, const QString &marketId, const QString &where, const QString &localNodeId,
                 QWidget *parent = nullptr);
    ~MarketWindow() override;

    PartitionsPage *partitionsPage() const { return m_partitions; }
    ContractsPage *contractsPage() const { return m_contracts; }
    BillingPage *billingPage() const { return m_billing; }
    ViolationsPage *violationsPage() const { return m_violations; }
    ServicePage *servicePage() const { return m_service; }
    QTabWidget *tabs() const { return m_tabs; }
    ui::ErrorBanner *errorBanner() const { return m_banner; }
    /// Reloads every view (File ▸ Refresh).
    void refreshAll();
    /// How often the partitions, contracts, billing or violations page is reloaded while it
    /// is shown (default 5 s); hidden ones are reloaded when shown.
    void setRefreshIntervalMs(int ms);
    /// How to connect to the market again when the connection is lost (attached with
    /// --connect): the window tries, with a growing pause (1 s up to 30 s), until it is
    /// back, then carries on with the new connection. Without one (the embedded market, whose
    /// connection ends only with the process), a lost connection is only reported.
    using Reconnector = std::function<protocol::Channel *()>;
    void setReconnector(Reconnector reconnect) { m_reconnect = std::move(reconnect); }
    /// Connects with the reconnector, for a window opened without a connection (--connect to
    /// a market not reachable yet): the window is there at once, says it is not connected
    /// and why, and tries again with the same growing pause until the market answers; then
    /// it fills its tabs.
    void connectNow();
    /// The first retry's pause, in ms (tests shorten it).
    void setReconnectDelayMs(int ms) { m_reconnectDelayMs = ms; }
    /// How often the market is pinged, and how long a ping may go unanswered before the
    /// connection counts as lost (ui::KeepAlive; tests shorten them): for the connection now
    /// and those to come.
    void setKeepAlive(int intervalMs, int timeoutMs);
    bool isConnected() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QPointer<protocol::Channel> m_channel;
    QString m_marketId;
    QString m_localNodeId;
    QTabWidget *m_tabs;
    ui::ErrorBanner *m_banner;
    /// The page (or this window, for the connection) whose error the banner shows.
    QPointer<QObject> m_errorFrom;
    PartitionsPage *m_partitions;
    ContractsPage *m_contracts;
    BillingPage *m_billing;
    ViolationsPage *m_violations;
    ServicePage *m_service;
    QLabel *m_status;
    QTimer *m_refresh;
    QString m_where;
    Reconnector m_reconnect;
    int m_reconnectDelayMs = 1000;
    int m_reconnectFailures = 0;
    bool m_everConnected = false; ///< false until the market first answered (a window opened with connectNow())
    int m_keepAliveMs = ui::KeepAlive::kIntervalMs;
    int m_keepAliveTimeoutMs = ui::KeepAlive::kTimeoutMs;
    QTimer *m_reconnectTimer;
    /// Takes `channel` as the market's connection: the pages ask it from now on.
    void adopt(protocol::Channel *channel);
    void lost(const Error &reason);
    void tryReconnect();
};

} // namespace lendable::market
