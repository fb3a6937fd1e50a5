// docs/protocol.md must be what the schema generates: the docs cannot drift from the code.

#include "protocol/Registry.h"

#include <QFile>
#include <QTest>

class TestProtocolDoc : public QObject {
    Q_OBJECT
private slots:
    void docMatchesSchema()
    {
        const QString path = qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/docs/protocol.md");
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("cannot read ") + path));
        const QString onDisk = QString::fromUtf8(f.readAll());
        const QString generated = lendable::protocol::protocolMarkdown();
        QVERIFY2(onDisk == generated,
                 "docs/protocol.md is stale: run `cmake --build build --target protocol-doc` and commit it");
        // Every registered message has its own section.
        for (const auto &m : lendable::protocol::allMessageInfos())
            QVERIFY2(onDisk.contains(QStringLiteral("### ") + m.name + QLatin1Char('\n')), qPrintable(m.name));
    }
};

QTEST_GUILESS_MAIN(TestProtocolDoc)
#include "TestProtocolDoc.moc"
