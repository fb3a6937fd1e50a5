#pragma once
// A TCP relay for tests: passes bytes both ways between each client and a target port until
// told to freeze, as a stopped process or a host gone behind a NAT would: the connections
// stay open, and nothing (or nothing back) comes through any more.

#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace lendable::testing {

class FreezingRelay : public QObject {
public:
    explicit FreezingRelay(quint16 target)
        : m_target(target)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection()) {
                auto *upstream = new QTcpSocket(client);
                upstream->connectToHost(QHostAddress::LocalHost, m_target);
                m_clients.append(client);
                // A frozen direction reads nothing more: what is sent waits in the kernel.
                const auto pass = [client](QTcpSocket *from, QTcpSocket *to, const char *frozen) {
                    if (!client->property(frozen).toBool())
                        to->write(from->readAll());
                };
                QObject::connect(client, &QTcpSocket::readyRead, upstream, [=] { pass(client, upstream, "frozenOut"); });
                QObject::connect(upstream, &QTcpSocket::readyRead, client, [=] { pass(upstream, client, "frozenBack"); });
                QObject::connect(upstream, &QTcpSocket::connected, client, [=] { pass(client, upstream, "frozenOut"); });
                QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    /// The connections open now pass nothing either way (a frozen peer); new ones work.
    void freeze() { setOnOpen("frozenOut", "frozenBack"); }
    /// The connections open now still deliver what the client sends, but nothing comes back
    /// (an answer lost on the way); new ones work.
    void freezeAnswers() { setOnOpen(nullptr, "frozenBack"); }
    /// No new connections (refused); those open stay as they are.
    void stopListening() { m_server.close(); }

private:
    void setOnOpen(const char *a, const char *b)
    {
        for (const QPointer<QTcpSocket> &c : std::as_const(m_clients)) {
            if (!c)
                continue;
            for (const char *p : {a, b})
                if (p)
                    c->setProperty(p, true);
        }
    }

    QTcpServer m_server;
    quint16 m_target;
    QList<QPointer<QTcpSocket>> m_clients;
};

} // namespace lendable::testing
