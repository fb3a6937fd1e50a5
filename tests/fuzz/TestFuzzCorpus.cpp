// Replays the committed fuzz corpus (and any crash reproducers kept beside it) through the
// same decoder the fuzzer drives, in every normal build: a fixed crash stays fixed.

#include "FuzzTarget.h"

#include <QDir>
#include <QTest>

class TestFuzzCorpus : public QObject {
    Q_OBJECT
private slots:
    void replayCorpus()
    {
        const QDir dir(qEnvironmentVariable("LENDABLE_SOURCE_DIR") + QStringLiteral("/tests/fuzz/corpus"));
        const QStringList files = dir.entryList(QDir::Files);
        QVERIFY2(files.size() >= 10, "the seed corpus is missing");
        for (const QString &name : files) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            lendable::fuzz::decodeEverything(reinterpret_cast<const uint8_t *>(bytes.constData()),
                                             static_cast<size_t>(bytes.size()));
        }
    }
};

QTEST_GUILESS_MAIN(TestFuzzCorpus)
#include "TestFuzzCorpus.moc"
