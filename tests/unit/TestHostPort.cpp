#include "util/HostPort.h"

#include <QTest>

using namespace lendable;

// Every program reads HOST:PORT through these two: what they take and what they refuse.
class TestHostPort : public QObject {
    Q_OBJECT
private slots:
    void connectAddresses_data();
    void connectAddresses();
    void badConnectAddresses_data();
    void badConnectAddresses();
    void listenAddresses_data();
    void listenAddresses();
    void badListenAddresses_data();
    void badListenAddresses();
};

void TestHostPort::connectAddresses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("written");
    QTest::newRow("ipv4") << "127.0.0.1:7400" << "127.0.0.1" << 7400 << "127.0.0.1:7400";
    QTest::newRow("name") << "market.example.org:443" << "market.example.org" << 443 << "market.example.org:443";
    QTest::newRow("ipv6") << "[::1]:7400" << "::1" << 7400 << "[::1]:7400";
    QTest::newRow("ipv6 full") << "[fe80::1:2]:1" << "fe80::1:2" << 1 << "[fe80::1:2]:1";
    QTest::newRow("spaces around") << "  lab-ws:65535 " << "lab-ws" << 65535 << "lab-ws:65535";
    QTest::newRow("leading zero") << "h:07400" << "h" << 7400 << "h:7400";
}

void TestHostPort::connectAddresses()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, written);
    const Result<HostPort> hp = parseHostPort(text);
    QVERIFY2(hp.ok(), qPrintable(hp.error().toString()));
    QCOMPARE(hp->host, host);
    QCOMPARE(int(hp->port), port);
    QCOMPARE(hp->toString(), written);
    // What toString() writes reads back as the same address.
    const Result<HostPort> again = parseHostPort(hp->toString());
    QVERIFY(again.ok());
    QCOMPARE(again->host, host);
    QCOMPARE(again->port, hp->port);
}

void TestHostPort::badConnectAddresses_data()
{
    QTest::addColumn<QString>("text");
    for (const char *bad : {"", "   ", "7400", "host", "host:", ":7400", "host:0", "host:65536", "host:99999999", "host:-1",
                            "host:+80", "host: 80", "host:80x", "host:0x50", "::1:7400", "[::1]", "[::1]7400", "[]:7400",
                            "[::1]:", "a b:80", "host:80:90", "[::1]]:80"})
        QTest::newRow(bad) << QString::fromUtf8(bad);
}

void TestHostPort::badConnectAddresses()
{
    QFETCH(QString, text);
    const Result<HostPort> hp = parseHostPort(text);
    QVERIFY2(!hp.ok(), qPrintable(hp.ok() ? hp->toString() : QString()));
    QCOMPARE(hp.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(hp.error().message.contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(hp.error().message));
}

void TestHostPort::listenAddresses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QHostAddress>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("ipv4") << "0.0.0.0:7400" << QHostAddress(QStringLiteral("0.0.0.0")) << 7400;
    QTest::newRow("loopback") << "127.0.0.1:0" << QHostAddress(QHostAddress::LocalHost) << 0;
    QTest::newRow("localhost") << "localhost:7401" << QHostAddress(QHostAddress::LocalHost) << 7401;
    QTest::newRow("every address") << ":7400" << QHostAddress(QHostAddress::Any) << 7400;
    QTest::newRow("star") << "*:7400" << QHostAddress(QHostAddress::Any) << 7400;
    QTest::newRow("ipv6") << "[::1]:7400" << QHostAddress(QHostAddress::LocalHostIPv6) << 7400;
    QTest::newRow("ipv6 any") << "[::]:65535" << QHostAddress(QStringLiteral("::")) << 65535;
}

void TestHostPort::listenAddresses()
{
    QFETCH(QString, text);
    QFETCH(QHostAddress, address);
    QFETCH(int, port);
    const Result<ListenAddress> at = parseListenAddress(text);
    QVERIFY2(at.ok(), qPrintable(at.error().toString()));
    QCOMPARE(at->address, address);
    QCOMPARE(int(at->port), port);
}

void TestHostPort::badListenAddresses_data()
{
    QTest::addColumn<QString>("text");
    // A host name could stand for several addresses: listening wants one.
    for (const char *bad : {"", "7400", "0.0.0.0", "0.0.0.0:", "0.0.0.0:65536", "0.0.0.0:x", "example.org:7400", "300.1.1.1:80",
                            "::1:7400", "[::1]", "[nonsense]:80", "0.0.0.0:80:80"})
        QTest::newRow(bad) << QString::fromUtf8(bad);
}

void TestHostPort::badListenAddresses()
{
    QFETCH(QString, text);
    const Result<ListenAddress> at = parseListenAddress(text);
    QVERIFY2(!at.ok(), qPrintable(at.ok() ? at->address.toString() : QString()));
    QCOMPARE(at.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(at.error().message.contains(QLatin1Char('\'') + text + QLatin1Char('\'')), qPrintable(at.error().message));
}

QTEST_GUILESS_MAIN(TestHostPort)
#include "TestHostPort.moc"
