// docs/protocol.md must be what the schema generates: the docs cannot drift from the code.

#include "protocol/Registry.h"

#include <QFile>
#include <QRegularExpression>
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

    void everyNamedTypeIsDocumented()
    {
        // A field whose type is a struct names it ("Receipt", "optional HostCpu", "array of
        // RequestTimes"); each such struct needs its section under "Shared types", which it gets
        // only when it is listed in SharedTypes.
        const QString md = lendable::protocol::protocolMarkdown();
        const QRegularExpression row(QStringLiteral("^\\| `[^`]+` \\| (?:optional )?(?:array of )?([A-Z][A-Za-z]*)( \\{)?"),
                                     QRegularExpression::MultilineOption);
        int named = 0;
        for (auto it = row.globalMatch(md); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (!m.captured(2).isEmpty())
                continue; // a type spelled out in place, e.g. Resources {cpus: uint, …}
            ++named;
            QVERIFY2(md.contains(QStringLiteral("\n### ") + m.captured(1) + QLatin1Char('\n')),
                     qPrintable(m.captured(1) + QStringLiteral(" is named by a field but has no section: add it to SharedTypes")));
        }
        QVERIFY(named > 10);
    }
};

QTEST_GUILESS_MAIN(TestProtocolDoc)
#include "TestProtocolDoc.moc"
