#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace lendable::protocol {
class Channel;
}

namespace lendable::ui {

/// Finds out a peer that stopped answering on a connection a window is attached to (a frozen
/// process, a host gone behind a NAT, a link that dropped without a word). Nothing fails on a
/// connection nothing is sent on, so a window would show what it was told before as current,
/// for ever. It pings the peer every `intervalMs`; a ping left unanswered for `timeoutMs`
/// closes the connection with a Timeout that says so, which the window handles as any lost
/// connection (it says so, and connects again). A child of the channel: it ends with it.
class KeepAlive : public QObject {
    Q_OBJECT
public:
    /// As the Borrower Client's links: a ping every 15 s, answered within 30 s (as long as any
    /// request may take).
    static constexpr int kIntervalMs = 15'000;
    static constexpr int kTimeoutMs = 30'000;

    /// `peer` names the other side in the message ("the lender agent", "the market").
    KeepAlive(protocol::Channel *channel, QString peer, int intervalMs = kIntervalMs, int timeoutMs = kTimeoutMs);
    /// Gives `channel` its one keepalive with these settings, replacing one it has.
    static void keep(protocol::Channel *channel, const QString &peer, int intervalMs, int timeoutMs);

private:
    void ping();

    QPointer<protocol::Channel> m_channel;
    QString m_peer;
    QTimer m_timer;
    int m_timeoutMs;
    bool m_waiting = false;
};

} // namespace lendable::ui
