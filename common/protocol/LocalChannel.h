#pragma once

#include "protocol/Channel.h"

#include <utility>

namespace lendable::protocol {

/// An in-process Channel: two ends that pass encoded frames to each other through the event
/// loop. Service logic is tested with it without sockets; the frames still go through the
/// codec, so what works here works over TLS (a real-socket test sits beside every use).
class LocalChannel : public Channel {
    Q_OBJECT
public:
    /// Makes a connected pair {client end, service end}. The ends know each other's node IDs
    /// as a TLS handshake would have proven them.
    static std::pair<LocalChannel *, LocalChannel *> createPair(const QString &clientNodeId, HandshakeConfig clientConfig,
                                                                const QString &serviceNodeId, HandshakeConfig serviceConfig,
                                                                QObject *parent = nullptr);
    /// A destroyed end closes the other, as a process that dies closes its sockets.
    ~LocalChannel() override { closeTransport(); }
    QString peerAddress() const override { return QStringLiteral("in-process"); }

protected:
    void writeFrame(const QByteArray &frame) override;
    void closeTransport() override;

private:
    using Channel::Channel;
    QPointer<LocalChannel> m_other;
};

} // namespace lendable::protocol
