#include "KeepAlive.h"

#include "protocol/Channel.h"

#include <QCoreApplication>
#include <QDateTime>

namespace lendable::ui {

KeepAlive::KeepAlive(protocol::Channel *channel, QString peer, int intervalMs, int timeoutMs)
    : QObject(channel)
    , m_channel(channel)
    , m_peer(std::move(peer))
    , m_timeoutMs(timeoutMs)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &KeepAlive::ping);
    m_timer.start();
}

void KeepAlive::keep(protocol::Channel *channel, const QString &peer, int intervalMs, int timeoutMs)
{
    qDeleteAll(channel->findChildren<KeepAlive *>(Qt::FindDirectChildrenOnly));
    new KeepAlive(channel, peer, intervalMs, timeoutMs);
}

void KeepAlive::ping()
{
    if (!m_channel || m_channel->isClosed()) {
        m_timer.stop();
        return;
    }
    if (m_waiting || !m_channel->isEstablished())
        return; // one ping at a time; and none before the Hello exchange
    m_waiting = true;
    const qint64 sentAtMs = QDateTime::currentMSecsSinceEpoch();
    m_channel->request<protocol::Pong>(
        protocol::Ping{.sentAtMs = sentAtMs}, this,
        [this](Result<protocol::Pong> r) {
            m_waiting = false;
            if (r.ok() || r.error().code != ErrorCode::Timeout || !m_channel || m_channel->isClosed())
                return;
            m_channel->close(Error(ErrorCode::Timeout,
                                   QCoreApplication::translate("KeepAlive", "%1 stopped answering (a ping had no answer in %2 s)")
                                       .arg(m_peer)
                                       .arg(m_timeoutMs / 1000.0)));
        },
        m_timeoutMs);
}

} // namespace lendable::ui
