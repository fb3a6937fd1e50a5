// `borrower-client --cli` argument parsing and output formatting, without a market.

#include "BorrowerCli.h"
#include "CliArguments.h"
#include "CliFormat.h"
#include "app/AppSupport.h"
#include "model/Money.h"

#include <QJsonArray>
#include <QTest>

using namespace lendable;
using namespace lendable::borrower;

namespace {
QStringList words(const char *line)
{
    return QString::fromUtf8(line).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}
} // namespace

class TestCliArguments : public QObject {
    Q_OBJECT
private slots:
    void offersWithOptions()
    {
        Result<CliInvocation> r = parseCliArguments(
            QStringList{QStringLiteral("--cli"), QStringLiteral("--data"), QStringLiteral("/tmp/d"), QStringLiteral("--json"),
                        QStringLiteral("offers"), QStringLiteral("--query"), QStringLiteral("cpus>=1 memory>=256M"),
                        QStringLiteral("--order"), QStringLiteral("rate"), QStringLiteral("--limit"), QStringLiteral("5"),
                        QStringLiteral("--offset"), QStringLiteral("10")});
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->offset, 10);
        QCOMPARE(r->command, CliCommand::Offers);
        QCOMPARE(r->dataDir, QStringLiteral("/tmp/d"));
        QVERIFY(r->json);
        QCOMPARE(r->query, QStringLiteral("cpus>=1 memory>=256M"));
        QCOMPARE(r->order, QStringLiteral("rate"));
        QCOMPARE(r->limit, 5);
    }

    void queryOffsetIsReadAsTheMarketReadsIt()
    {
        QCOMPARE(queryOffset(QStringLiteral("cpus>=1 offset=20")), std::optional<qint64>(20));
        QCOMPARE(queryOffset(QStringLiteral("OFFSET=3  cpus>=1 offset=7")), std::optional<qint64>(7)); // the last wins
        QCOMPARE(queryOffset(QStringLiteral("cpus>=1")), std::nullopt);
        QCOMPARE(queryOffset(QStringLiteral("offset=lots")), std::nullopt);
    }

    void commonOptionsAfterTheCommand()
    {
        Result<CliInvocation> r = parseCliArguments(words("end c-1 --market 127.0.0.1:7400 --market-id abc --json"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->command, CliCommand::End);
        QCOMPARE(r->contractId, QStringLiteral("c-1"));
        QCOMPARE(r->market, QStringLiteral("127.0.0.1:7400"));
        QCOMPARE(r->marketId, QStringLiteral("abc"));
    }

    void submitWithInputs()
    {
        Result<CliInvocation> r =
            parseCliArguments(words("submit c-9 --os busybox --script job.sh --input a.txt --input b.bin --timeout 60"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->contractId, QStringLiteral("c-9"));
        QCOMPARE(r->os, QStringLiteral("busybox"));
        QCOMPARE(r->scriptPath, QStringLiteral("job.sh"));
        QCOMPARE(r->inputPaths, (QStringList{QStringLiteral("a.txt"), QStringLiteral("b.bin")}));
        QCOMPARE(r->timeoutS, 60);
    }

    void borrowEitherOfferOrQuery()
    {
        QVERIFY(parseCliArguments(words("borrow o-1")).ok());
        Result<CliInvocation> q = parseCliArguments(QStringList{QStringLiteral("borrow"), QStringLiteral("--query"),
                                                                QStringLiteral("cpus>=1"), QStringLiteral("--show-key")});
        QVERIFY(q.ok());
        QVERIFY(q->offerId.isEmpty());
        QVERIFY(q->showKey);
        QCOMPARE(parseCliArguments(words("borrow")).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(parseCliArguments(QStringList{QStringLiteral("borrow"), QStringLiteral("o-1"), QStringLiteral("--query"),
                                               QStringLiteral("cpus>=1")})
                     .error()
                     .code,
                 ErrorCode::InvalidArgument);
    }

    void borrowOnTermsNamed()
    {
        // Without terms named, none are agreed: the offer's as they are.
        QVERIFY(!parseCliArguments(words("borrow o-1")).value().agreedTerms);
        // What is named is agreed; the rest is left open (any resources, image, time limit).
        Result<CliInvocation> r = parseCliArguments(words("borrow o-1 --max-rate 1.5"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QVERIFY(r->agreedTerms);
        QCOMPARE(r->agreedTerms->ratePerHour, Money::parse(u"1.5").value());
        QCOMPARE(r->agreedTerms->resources, Resources{});
        QVERIFY(r->agreedTerms->osImages.isEmpty());
        QCOMPARE(r->agreedTerms->maxDurationS, qint64(1)); // any limit is at least 1 s
        r = parseCliArguments(words("borrow o-1 --min-time-limit 1:30:00 --os busybox --os debian-12"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->agreedTerms->ratePerHour, Money::fromMicros(Money::kMaxRatePerHourMicros));
        QCOMPARE(r->agreedTerms->maxDurationS, qint64(5400));
        QCOMPARE(r->agreedTerms->osImages, (QStringList{QStringLiteral("busybox"), QStringLiteral("debian-12")}));
        // "none": only an offer without a limit; 0 s: any limit.
        QCOMPARE(parseCliArguments(words("borrow o-1 --min-time-limit none")).value().agreedTerms->maxDurationS, qint64(0));
        QCOMPARE(parseCliArguments(words("borrow o-1 --min-time-limit 0")).value().agreedTerms->maxDurationS, qint64(1));
        QCOMPARE(parseCliArguments(words("borrow o-1 --min-time-limit 8h")).value().agreedTerms->maxDurationS, qint64(8 * 3600));
        // Bad values, and terms with "the best match" (the query says them), are usage errors.
        for (const char *bad : {"borrow o-1 --max-rate cheap", "borrow o-1 --max-rate -1", "borrow o-1 --max-rate 1000000.000001",
                                "borrow o-1 --min-time-limit soon", "borrow o-1 --min-time-limit 101y"}) {
            Result<CliInvocation> e = parseCliArguments(words(bad));
            QVERIFY2(!e.ok() && e.error().code == ErrorCode::InvalidArgument, bad);
        }
        Result<CliInvocation> empty = parseCliArguments(QStringList{QStringLiteral("borrow"), QStringLiteral("o-1"),
                                                                    QStringLiteral("--min-time-limit"), QString()});
        QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
        Result<CliInvocation> withQuery = parseCliArguments(QStringList{QStringLiteral("borrow"), QStringLiteral("--query"),
                                                                        QStringLiteral("cpus>=1"), QStringLiteral("--max-rate"),
                                                                        QStringLiteral("2")});
        QCOMPARE(withQuery.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(withQuery.error().message.contains(QLatin1String("rate<=")), qPrintable(withQuery.error().message));
        // --max-rate is borrow's alone.
        QCOMPARE(parseCliArguments(words("offers --max-rate 2")).error().code, ErrorCode::InvalidArgument);
    }

    void logsWaitReceipt()
    {
        Result<CliInvocation> l = parseCliArguments(words("logs j-1 --follow"));
        QVERIFY(l.ok());
        QCOMPARE(l->command, CliCommand::Logs);
        QCOMPARE(l->jobId, QStringLiteral("j-1"));
        QVERIFY(l->follow);
        QCOMPARE(l->requestTimeoutS, 0);
        Result<CliInvocation> w = parseCliArguments(words("wait j-2 --request-timeout 90"));
        QVERIFY(w.ok());
        QCOMPARE(w->command, CliCommand::Wait);
        QCOMPARE(w->requestTimeoutS, 90);
        Result<CliInvocation> v = parseCliArguments(words("receipt verify /tmp/r.json"));
        QVERIFY(v.ok());
        QCOMPARE(v->command, CliCommand::ReceiptVerify);
        QCOMPARE(v->receiptFile, QStringLiteral("/tmp/r.json"));
        QCOMPARE(parseCliArguments(words("receipt sign x")).error().code, ErrorCode::InvalidArgument);
    }

    void nameShowsSetsOrForgets()
    {
        Result<CliInvocation> show = parseCliArguments(words("name"));
        QVERIFY(show.ok());
        QCOMPARE(show->command, CliCommand::Name);
        QVERIFY(!show->newName);
        Result<CliInvocation> set = parseCliArguments({QStringLiteral("name"), QStringLiteral("Acme Lab")});
        QVERIFY(set.ok());
        QCOMPARE(set->newName, std::optional<QString>(QStringLiteral("Acme Lab")));
        Result<CliInvocation> forget = parseCliArguments({QStringLiteral("name"), QString()});
        QVERIFY(forget.ok());
        QCOMPARE(forget->newName, std::optional<QString>(QString()));
        const Error e = parseCliArguments(words("name Acme Lab")).error();
        QCOMPARE(e.code, ErrorCode::InvalidArgument);
        QVERIFY2(e.message.contains(QStringLiteral("in quotes")), qPrintable(e.message));
    }

    void receiptCommandsAndWaitStatus()
    {
        Result<CliInvocation> show = parseCliArguments(words("receipt show c-1"));
        QVERIFY2(show.ok(), qPrintable(show.error().message));
        QCOMPARE(show->command, CliCommand::ReceiptShow);
        QCOMPARE(show->contractId, QStringLiteral("c-1"));
        Result<CliInvocation> verify = parseCliArguments(words("receipt verify r.json"));
        QVERIFY(verify.ok());
        QCOMPARE(verify->command, CliCommand::ReceiptVerify);
        QCOMPARE(verify->receiptFile, QStringLiteral("r.json"));
        QCOMPARE(parseCliArguments(words("receipt show")).error().code, ErrorCode::InvalidArgument);
        // An empty word is no file and no contract.
        const Error emptyFile = parseCliArguments({QStringLiteral("receipt"), QStringLiteral("verify"), QString()}).error();
        QVERIFY2(emptyFile.code == ErrorCode::InvalidArgument && emptyFile.message.contains(QLatin1String("not an empty word")),
                 qPrintable(emptyFile.message));
        QCOMPARE(parseCliArguments({QStringLiteral("receipt"), QStringLiteral("show"), QStringLiteral(" ")}).error().code,
                 ErrorCode::InvalidArgument);
        Result<CliInvocation> strict = parseCliArguments(words("wait j-1 --exit-status"));
        QVERIFY(strict.ok());
        QVERIFY(strict->exitStatus);
        QVERIFY(!parseCliArguments(words("wait j-1"))->exitStatus);
        const Error e = parseCliArguments(words("logs j-1 --exit-status")).error();
        QVERIFY2(e.message.contains(QLatin1String("--exit-status does not apply to `logs`")), qPrintable(e.message));
    }

    void recoverTakesNothingButTheCommonOptions()
    {
        Result<CliInvocation> r = parseCliArguments(words("recover --json --request-timeout 5"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->command, CliCommand::Recover);
        QVERIFY(r->json);
        QCOMPARE(cliCommandName(CliCommand::Recover), QStringLiteral("recover"));
        QVERIFY(cliUsage().contains(QLatin1String("recover")));
    }

    void directMode()
    {
        Result<CliInvocation> d = parseCliArguments(
            words("submit --lender 127.0.0.1:7401 --lender-id ab --key-file k.json --os busybox --script s.sh"));
        QVERIFY2(d.ok(), qPrintable(d.error().message));
        QVERIFY(d->isDirect());
        QVERIFY(d->contractId.isEmpty()); // the key file names it
        QCOMPARE(parseCliArguments(words("submit --os busybox --script s.sh")).error().code, ErrorCode::InvalidArgument);
        // Direct mode is for job commands only.
        const Error e = parseCliArguments(words("end c-1 --key-file k.json")).error();
        QCOMPARE(e.code, ErrorCode::InvalidArgument);
        QVERIFY2(e.message.contains(QStringLiteral("direct mode")), qPrintable(e.message));
    }

    void usageErrorsNameTheWord_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("named");
        QTest::newRow("unknown command") << QStringLiteral("shop") << QStringLiteral("shop");
        QTest::newRow("option of another command") << QStringLiteral("offers --follow") << QStringLiteral("--follow");
        QTest::newRow("unknown option") << QStringLiteral("offers --colour") << QStringLiteral("colour");
        QTest::newRow("bad limit") << QStringLiteral("offers --limit ten") << QStringLiteral("ten");
        QTest::newRow("zero timeout") << QStringLiteral("submit c --os b --script s --timeout 0") << QStringLiteral("--timeout");
        QTest::newRow("bad date") << QStringLiteral("bills --since yesterday") << QStringLiteral("yesterday");
        QTest::newRow("missing job") << QStringLiteral("wait") << QStringLiteral("JOB_ID");
        QTest::newRow("extra argument") << QStringLiteral("end c-1 c-2") << QStringLiteral("c-2");
        QTest::newRow("no command") << QString() << QStringLiteral("no command");
        QTest::newRow("limit above the market's") << QStringLiteral("offers --limit 1001") << QStringLiteral("from 1 to 1000");
        QTest::newRow("negative offset") << QStringLiteral("offers --offset -1") << QStringLiteral("-1");
        QTest::newRow("offset too far") << QStringLiteral("offers --offset 3000000000") << QStringLiteral("from 0 to 2147483647");
        QTest::newRow("offset of another command") << QStringLiteral("borrow --offset 1") << QStringLiteral("--offset");
        QTest::newRow("zero request timeout") << QStringLiteral("offers --request-timeout 0") << QStringLiteral("--request-timeout");
        QTest::newRow("request timeout over an hour") << QStringLiteral("bills --request-timeout 3601") << QStringLiteral("from 1 to 3600");
        QTest::newRow("recover takes no argument") << QStringLiteral("recover r-1") << QStringLiteral("r-1");
        QTest::newRow("option of borrow with recover") << QStringLiteral("recover --query x") << QStringLiteral("--query");
    }

    void usageErrorsNameTheWord()
    {
        QFETCH(QString, line);
        QFETCH(QString, named);
        Result<CliInvocation> r = parseCliArguments(line.split(QLatin1Char(' '), Qt::SkipEmptyParts));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains(named), qPrintable(r.error().message));
    }

    void helpIsNotAnError()
    {
        Result<CliInvocation> r = parseCliArguments(words("--help"));
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(r.error().message.contains(QStringLiteral("receipt verify FILE")));
    }

    void dates()
    {
        QCOMPARE(*parseCliDate(QStringLiteral("2024-05-01")), qint64(1714521600000));
        QCOMPARE(*parseCliDate(QStringLiteral("2024-05-01T00:00:01Z")), qint64(1714521601000));
        QCOMPARE(*parseCliDate(QStringLiteral("2024-05-01T02:00:00+02:00")), qint64(1714521600000));
        // No zone: UTC, not this machine's local time.
        QCOMPARE(*parseCliDate(QStringLiteral("2024-05-01T00:00:00")), qint64(1714521600000));
        QVERIFY(!parseCliDate(QStringLiteral("2024-13-01")).ok());
    }

    void offerJsonHasTheDocumentedKeys()
    {
        protocol::Offer o;
        o.offerId = QStringLiteral("o-1");
        o.lenderId = QStringLiteral("l");
        o.partitionId = QStringLiteral("p-1");
        o.conditions.resources = Resources{2, 512, 4096};
        o.conditions.osImages = {QStringLiteral("busybox")};
        o.conditions.ratePerHour = Money::fromMicros(1'500'000);
        const QJsonObject j = offerToJson(o);
        for (const char *k : {"offer_id", "lender_id", "partition_id", "cpus", "memory_mib", "disk_mib", "os_images", "rate"})
            QVERIFY2(j.contains(QLatin1String(k)), k);
        QCOMPARE(j.value(QStringLiteral("rate")).toString(), QStringLiteral("1.5")); // a decimal string, never a float
        QCOMPARE(j.value(QStringLiteral("cpus")).toInt(), 2);
        QCOMPARE(j.value(QStringLiteral("memory_mib")).toInt(), 512);
        QCOMPARE(j.value(QStringLiteral("os_images")).toArray().first().toString(), QStringLiteral("busybox"));
    }

    void contractJsonHidesTheKeyUnlessAsked()
    {
        ContractRecord c;
        c.contractId = QStringLiteral("c-1");
        c.ratePerHour = Money::fromMicros(2'000'000);
        c.startedAtMs = 1714521600000;
        const QJsonObject hidden = contractToJson(c);
        QVERIFY(!hidden.contains(QStringLiteral("key")));
        for (const char *k : {"contract_id", "lender_id", "lender_address", "partition_id", "rate", "started_at"})
            QVERIFY2(hidden.contains(QLatin1String(k)), k);
        QCOMPARE(hidden.value(QStringLiteral("started_at")).toString(), QStringLiteral("2024-05-01T00:00:00.000Z"));
        const QJsonObject shown = contractToJson(c, QByteArray(32, 'k'));
        QCOMPARE(QByteArray::fromBase64(shown.value(QStringLiteral("key")).toString().toLatin1()), QByteArray(32, 'k'));
    }

    void noMatchExplanation()
    {
        protocol::OfferPage page;
        page.explanation = {protocol::Exclusion{QStringLiteral("cpus>=64"), 3}, protocol::Exclusion{QStringLiteral("os=plan9"), 1}};
        const QString text = explainNoMatch(page);
        QVERIFY2(text.contains(QStringLiteral("cpus>=64")) && text.contains(QStringLiteral("3")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("os=plan9")), qPrintable(text));

        // Conditions of availability in the borrower's words when the market names them by
        // code (it words them in its own language); an unknown code, in the market's words.
        page.explanation = {protocol::Exclusion{QStringLiteral("frei (nicht verliehen)"), 2, QStringLiteral("free")},
                            protocol::Exclusion{QStringLiteral("Verleiher online"), 1, QStringLiteral("online")},
                            protocol::Exclusion{QStringLiteral("Zuteilung bestätigt"), 1, QStringLiteral("confirmed")},
                            protocol::Exclusion{QStringLiteral("vom Mond aus sichtbar"), 1, QStringLiteral("moon")}};
        QCOMPARE(explainNoMatch(page), QStringLiteral("no offer matches: free (not lent) excluded 2 offer(s); lender online excluded "
                                                      "1 offer(s); allocation confirmed by the lender excluded 1 offer(s); vom Mond "
                                                      "aus sichtbar excluded 1 offer(s)"));
    }

    void tableColumnsAlign()
    {
        const QString t = formatTable({QStringLiteral("A"), QStringLiteral("BB")},
                                      {{QStringLiteral("long cell"), QStringLiteral("x")}, {QStringLiteral("s"), QStringLiteral("y")}});
        const QStringList lines = t.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].indexOf(QStringLiteral("BB")), lines[2].indexOf(QStringLiteral("x")));
        QCOMPARE(lines[2].indexOf(QStringLiteral("x")), lines[3].indexOf(QStringLiteral("y")));

        // Japanese characters take two terminal columns: the next column starts at the same
        // display column on every line (padding by characters pushed it right).
        const QString ja = formatTable({QStringLiteral("契約"), QStringLiteral("料金")},
                                       {{QStringLiteral("c-1"), QStringLiteral("0.5")}, {QStringLiteral("実行中の契約"), QStringLiteral("1")}});
        const QStringList jaLines = ja.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(jaLines.size(), 4);
        const auto columnOf = [](const QString &line, const QString &cell) { return app::displayWidth(line.left(line.indexOf(cell))); };
        QCOMPARE(columnOf(jaLines[0], QStringLiteral("料金")), columnOf(jaLines[2], QStringLiteral("0.5")));
        QCOMPARE(columnOf(jaLines[2], QStringLiteral("0.5")), columnOf(jaLines[3], QStringLiteral("1")));
        QCOMPARE(app::displayWidth(QStringLiteral("実行中")), 6);
        QCOMPARE(app::displayWidth(QStringLiteral("e\u0301")), 1); // a combining accent takes none
    }

    void utcDates()
    {
        QCOMPARE(app::parseUtcDate(QStringLiteral("2026-05-01")), std::optional<qint64>(1777593600000));
        QCOMPARE(app::parseUtcDate(QStringLiteral("2026-05-01T00:00:00")), std::optional<qint64>(1777593600000)); // no zone: UTC
        QCOMPARE(app::parseUtcDate(QStringLiteral("2026-05-01T02:00:00+02:00")), std::optional<qint64>(1777593600000));
        for (const char *bad : {"2026-02-30", "yesterday", "", "1777593600000", "2026-13-01"})
            QVERIFY2(!app::parseUtcDate(QString::fromLatin1(bad)), bad);
    }

    void reconnectBackoffDoublesToACap()
    {
        ReconnectPolicy p;
        QCOMPARE(p.delayAfter(1), 500);
        QCOMPARE(p.delayAfter(2), 1000);
        QCOMPARE(p.delayAfter(3), 2000);
        QCOMPARE(p.delayAfter(7), 30'000 < 32'000 ? 30'000 : 32'000);
        QCOMPARE(p.delayAfter(50), 30'000);
        QVERIFY(cliReconnectPolicy().maxAttempts > 0); // the CLI gives up instead of hanging
    }

    void hostPort()
    {
        QCOMPARE(parseHostPort(QStringLiteral("127.0.0.1:7400"), QStringLiteral("market"))->second, quint16(7400));
        QCOMPARE(parseHostPort(QStringLiteral("[::1]:7400"), QStringLiteral("market"))->first, QStringLiteral("::1"));
        for (const char *bad : {"127.0.0.1", ":7400", "host:0", "host:70000", "::1:7400", "host:port"})
            QVERIFY2(!parseHostPort(QString::fromLatin1(bad), QStringLiteral("market")).ok(), bad);
    }
};

QTEST_GUILESS_MAIN(TestCliArguments)
#include "TestCliArguments.moc"
