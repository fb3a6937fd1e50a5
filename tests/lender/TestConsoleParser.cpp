// The /init contract's console markers: boot noise dropped, markers removed, output live.

#include "ConsoleParser.h"

#include <QTest>

using namespace lendable::lender;

class TestConsoleParser : public QObject {
    Q_OBJECT
private slots:
    void wholeConsole()
    {
        ConsoleParser p;
        QByteArray out = p.feed("[    0.1] booting\nLENDABLE-JOB-START image=busybox\nhello\nworld\nLENDABLE-JOB-EXIT 3\n[ 3.2] reboot: Power down\n");
        out += p.finish();
        QCOMPARE(out, QByteArray("hello\nworld\n"));
        QVERIFY(p.jobStarted());
        QCOMPARE(p.exitMarker(), std::optional<int>(3));
    }
    void bytesOneByOne()
    {
        const QByteArray console = "noise\nLENDABLE-JOB-START image=x\nabc\nLENDABLE-not-a-marker\nLENDABLE-JOB-EXIT 0\n";
        ConsoleParser p;
        QByteArray out;
        for (char c : console)
            out += p.feed(QByteArray(1, c));
        out += p.finish();
        QCOMPARE(out, QByteArray("abc\nLENDABLE-not-a-marker\n"));
        QCOMPARE(p.exitMarker(), std::optional<int>(0));
    }
    void partialLineIsPassedOnLive()
    {
        ConsoleParser p;
        QCOMPARE(p.feed("LENDABLE-JOB-START image=x\nprogress 10%"), QByteArray("progress 10%"));
        QCOMPARE(p.feed(" 20%"), QByteArray(" 20%"));
        QCOMPARE(p.feed("\nLENDABLE-JOB-EX"), QByteArray("\n"));   // could become the exit marker: held
        QCOMPARE(p.feed("IT 7\n"), QByteArray());
        QCOMPARE(p.exitMarker(), std::optional<int>(7));
    }
    void unterminatedLastLine()
    {
        ConsoleParser p;
        QCOMPARE(p.feed("LENDABLE-JOB-START image=x\nLENDABLE"), QByteArray());
        QCOMPARE(p.finish(), QByteArray("LENDABLE"));
        QVERIFY(!p.exitMarker());
    }
    void endlessLineThatCouldBeAMarkerIsPassedOn()
    {
        // A job prints "LENDABLE-" and then never a newline: past the longest marker line
        // (and a margin) it cannot become one, and is passed on as output, not held back for
        // as long as the job runs.
        ConsoleParser p;
        QCOMPARE(p.feed("LENDABLE-JOB-START image=x\n"), QByteArray());
        const QByteArray line = "LENDABLE-" + QByteArray(64 * 1024, 'x');
        QByteArray out;
        for (qsizetype at = 0; at < line.size(); at += 1000)
            out += p.feed(line.mid(at, 1000));
        QVERIFY2(out.size() >= line.size() - 8 * 1024, qPrintable(QString::number(out.size())));
        QVERIFY(line.startsWith(out));
        // Its continuation is output too, and the job's own exit marker still counts.
        out += p.feed("y\nLENDABLE-JOB-EXIT 5\n");
        out += p.finish();
        QCOMPARE(out, line + "y\n");
        QCOMPARE(p.exitMarker(), std::optional<int>(5));
    }
    void initError()
    {
        ConsoleParser p;
        QCOMPARE(p.feed("LENDABLE-INIT-ERROR no job share: cannot mount\n"), QByteArray());
        QVERIFY(!p.jobStarted());
        QCOMPARE(p.initError(), QStringLiteral("no job share: cannot mount"));
    }
};

QTEST_GUILESS_MAIN(TestConsoleParser)
#include "TestConsoleParser.moc"
