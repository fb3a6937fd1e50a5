#include "util/HostPort.h"

#include <QCoreApplication>

#include <optional>

namespace lendable {

namespace {

struct Split {
    QString host;
    QString port;
};

// "host:port" or "[host]:port" into its two texts; nullopt when it is neither (an IPv6
// address without brackets has more than one colon and is refused: its port would be a guess).
std::optional<Split> split(const QString &text)
{
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QStringLiteral("]:"));
        if (close < 1 || t.indexOf(QLatin1Char(']')) != close)
            return std::nullopt;
        return Split{t.mid(1, close - 1), t.mid(close + 2)};
    }
    const qsizetype colon = t.indexOf(QLatin1Char(':'));
    if (colon < 0 || t.lastIndexOf(QLatin1Char(':')) != colon)
        return std::nullopt;
    return Split{t.left(colon), t.mid(colon + 1)};
}

// The port's digits, nothing else (QString::toUInt would take "+80" and " 80").
std::optional<uint> portNumber(const QString &text)
{
    if (text.isEmpty() || text.size() > 5)
        return std::nullopt;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
    }
    const uint port = text.toUInt();
    return port <= 65535 ? std::optional<uint>(port) : std::nullopt;
}

} // namespace

QString HostPort::toString() const
{
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

Result<HostPort> parseHostPort(const QString &text)
{
    const std::optional<Split> parts = split(text);
    const std::optional<uint> port = parts ? portNumber(parts->port) : std::nullopt;
    if (!parts || parts->host.isEmpty() || parts->host.contains(QLatin1Char(' ')) || !port || *port == 0)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("lendable::HostPort", "'%1' is not HOST:PORT (for example 127.0.0.1:7400)").arg(text));
    return HostPort{parts->host, quint16(*port)};
}

Result<ListenAddress> parseListenAddress(const QString &text)
{
    const std::optional<Split> parts = split(text);
    const std::optional<uint> port = parts ? portNumber(parts->port) : std::nullopt;
    ListenAddress out;
    bool ok = parts && port;
    if (ok) {
        out.port = quint16(*port);
        const QString &host = parts->host;
        if (host.isEmpty() || host == u"*")
            out.address = QHostAddress(QHostAddress::Any);
        else if (host == u"localhost")
            out.address = QHostAddress(QHostAddress::LocalHost);
        else
            ok = out.address.setAddress(host);
    }
    if (!ok)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("lendable::HostPort", "'%1' is not ADDR:PORT with an IP address (for example 0.0.0.0:7400)")
                         .arg(text));
    return out;
}

} // namespace lendable
