#pragma once
// The one parser of the "HOST:PORT" texts users type (--listen, --connect, --market, a
// lender's advertised address): every program reads them the same way and refuses the same
// mistakes with the same typed error.

#include "util/Error.h"

#include <QHostAddress>
#include <QString>

namespace lendable {

/// An address to connect to.
struct HostPort {
    QString host; ///< a host name or an IP address, IPv6 without brackets
    quint16 port = 0;

    /// "host:port", an IPv6 address in brackets: what parseHostPort() reads back.
    QString toString() const;
};

/// "HOST:PORT" or "[IPv6]:PORT", with whitespace around ignored: a host (a name or an IP
/// address, never empty; an IPv6 address only in brackets) and a port from 1 to 65535.
/// Anything else is InvalidArgument naming the text.
Result<HostPort> parseHostPort(const QString &text);

/// An address to listen on.
struct ListenAddress {
    QHostAddress address;
    quint16 port = 0; ///< 0: any free port
};

/// "ADDR:PORT", "[IPv6]:PORT", ":PORT" or "*:PORT" (every address), "localhost:PORT": an IP
/// address (not a host name, which could stand for several) and a port from 0 (any free one)
/// to 65535. Anything else is InvalidArgument naming the text.
Result<ListenAddress> parseListenAddress(const QString &text);

} // namespace lendable
