// The three executables as a user scripts them: --print-id, --version, --help, and the
// promise that the headless/CLI launchers link no Widgets.

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString &program, const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString bin(const QString &app)
{
    return qEnvironmentVariable("LENDABLE_BINARY_DIR") + QStringLiteral("/bin/") + app;
}
} // namespace

class TestAppLaunchers : public QObject {
    Q_OBJECT
private slots:
    void printId_data();
    void printId();
    void versionAndHelp_data() { printId_data(); }
    void versionAndHelp();
    void corruptIdentityIsAnErrorNotANewIdentity_data() { printId_data(); }
    void corruptIdentityIsAnErrorNotANewIdentity();
    void launchersLinkNoWidgets_data() { printId_data(); }
    void launchersLinkNoWidgets();
    void launchersSpeakTheUsersLanguage_data() { printId_data(); }
    void launchersSpeakTheUsersLanguage();
    void launchersAcceptTheDesktopAppsOptions_data() { printId_data(); }
    void launchersAcceptTheDesktopAppsOptions();
    void desktopAppsAcceptTheLaunchersOptions_data() { printId_data(); }
    void desktopAppsAcceptTheLaunchersOptions();
    void embeddedOnlyOptionsAreRefusedWithConnect();
    void marketManagerExportsTheBillingReport();
    void lenderConsoleOpensWithAnAgentDown();
    void marketManagerOpensWithTheMarketDown();
};

void TestAppLaunchers::printId_data()
{
    QTest::addColumn<QString>("app");
    QTest::newRow("market-manager") << QStringLiteral("market-manager");
    QTest::newRow("lender-console") << QStringLiteral("lender-console");
    QTest::newRow("borrower-client") << QStringLiteral("borrower-client");
}

void TestAppLaunchers::printId()
{
    QFETCH(QString, app);
    QTemporaryDir a, b;
    const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}\n$"));
    const Run first = run(bin(app), {QStringLiteral("--print-id"), QStringLiteral("--data"), a.path()});
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(hex64.match(first.out).hasMatch(), qPrintable(first.out + first.err));
    const Run again = run(bin(app), {QStringLiteral("--print-id"), QStringLiteral("--data"), a.path()});
    QCOMPARE(again.out, first.out);
    const Run other = run(bin(app), {QStringLiteral("--data"), b.path(), QStringLiteral("--print-id")});
    QCOMPARE(other.exitCode, 0);
    QVERIFY(hex64.match(other.out).hasMatch());
    QVERIFY(other.out != first.out);
    // The GUI executable agrees (it reads the same identity).
    if (QFile::exists(bin(app + QStringLiteral("-gui")))) {
        const Run gui = run(bin(app + QStringLiteral("-gui")), {QStringLiteral("--print-id"), QStringLiteral("--data"), a.path()});
        QCOMPARE(gui.out, first.out);
    }
}

void TestAppLaunchers::versionAndHelp()
{
    QFETCH(QString, app);
    const Run version = run(bin(app), {QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.contains(QStringLiteral(LENDABLE_VERSION)), qPrintable(version.out));
    const Run help = run(bin(app), {QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    for (const char *opt : {"--data", "--print-id", "--version", "--help"})
        QVERIFY2(help.out.contains(QLatin1String(opt)), opt);
    const Run bad = run(bin(app), {QStringLiteral("--no-such-option")});
    QVERIFY(bad.exitCode != 0);
    QVERIFY(bad.err.contains(QStringLiteral("no-such-option")));
}

void TestAppLaunchers::corruptIdentityIsAnErrorNotANewIdentity()
{
    QFETCH(QString, app);
    QTemporaryDir dir;
    const Run first = run(bin(app), {QStringLiteral("--print-id"), QStringLiteral("--data"), dir.path()});
    QCOMPARE(first.exitCode, 0);
    const QString keyPath = dir.path() + QStringLiteral("/identity/key.pem");
    QFile key(keyPath);
    QVERIFY(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.write("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
    key.close();
    const Run broken = run(bin(app), {QStringLiteral("--print-id"), QStringLiteral("--data"), dir.path()});
    QVERIFY(broken.exitCode != 0);
    QVERIFY(broken.out.isEmpty());
    QVERIFY2(broken.err.contains(QStringLiteral("key.pem")), qPrintable(broken.err));
    QFile again(keyPath);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QVERIFY(again.readAll().contains("garbage")); // nothing was overwritten
}

void TestAppLaunchers::launchersLinkNoWidgets()
{
    QFETCH(QString, app);
    const Run ldd = run(QStringLiteral("ldd"), {bin(app)});
    QCOMPARE(ldd.exitCode, 0);
    QVERIFY2(ldd.out.contains(QStringLiteral("libQt6Core")), qPrintable(ldd.out));
    QVERIFY2(!ldd.out.contains(QStringLiteral("libQt6Widgets")), qPrintable(ldd.out));
    QVERIFY2(!ldd.out.contains(QStringLiteral("libQt6Gui")), qPrintable(ldd.out));
}

void TestAppLaunchers::launchersSpeakTheUsersLanguage()
{
    // The launcher is what users run: it takes the desktop app's --language (and passes it on),
    // and its own help and errors come in that language, else in the system's.
    QFETCH(QString, app);
    QTemporaryDir config, data;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path()); // no saved language setting
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    const Run english = run(bin(app), {QStringLiteral("--help")}, env);
    QCOMPARE(english.exitCode, 0);
    QVERIFY2(english.out.contains(QStringLiteral("Options:")), qPrintable(english.out));
    for (const char *opt : {"--language", "--screenshot", "--tab"})
        QVERIFY2(english.out.contains(QLatin1String(opt)), opt);

    const Run german = run(bin(app), {QStringLiteral("--language"), QStringLiteral("de"), QStringLiteral("--help")}, env);
    QCOMPARE(german.exitCode, 0);
    QVERIFY2(german.out.contains(QStringLiteral("Optionen:")), qPrintable(german.out));
    QVERIFY2(german.out.contains(QStringLiteral("Datenverzeichnis")), qPrintable(german.out)); // the shared catalogue
    const Run japanese = run(bin(app), {QStringLiteral("--language=ja"), QStringLiteral("--help")}, env);
    QVERIFY2(japanese.out.contains(QStringLiteral("オプション")), qPrintable(japanese.out));

    QProcessEnvironment germanSystem = env;
    germanSystem.insert(QStringLiteral("LC_ALL"), QStringLiteral("de_DE.UTF-8"));
    const Run system = run(bin(app), {QStringLiteral("--help")}, germanSystem);
    QVERIFY2(system.out.contains(QStringLiteral("Optionen:")), qPrintable(system.out));

    // --language is an option like any other: scripts can keep it on every command line.
    const Run id = run(bin(app), {QStringLiteral("--language"), QStringLiteral("de"), QStringLiteral("--print-id"),
                                  QStringLiteral("--data"), data.path()}, env);
    QCOMPARE(id.exitCode, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}\n$")).match(id.out).hasMatch(), qPrintable(id.out + id.err));
    // The desktop app's own executable too: its options are made after its translator.
    QProcessEnvironment offscreen = env;
    offscreen.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const Run guiHelp = run(bin(app + QStringLiteral("-gui")), {QStringLiteral("--language"), QStringLiteral("de"), QStringLiteral("--help")}, offscreen);
    QCOMPARE(guiHelp.exitCode, 0);
    QVERIFY2(guiHelp.out.contains(QStringLiteral("Optionen:")) && guiHelp.out.contains(QStringLiteral("Datenverzeichnis")),
             qPrintable(guiHelp.out));
    if (app == QLatin1String("borrower-client")) { // the CLI too
        const Run cli = run(bin(app), {QStringLiteral("--cli"), QStringLiteral("--language"), QStringLiteral("de"),
                                       QStringLiteral("--data"), data.path(), QStringLiteral("offers")}, env);
        QVERIFY(cli.exitCode != 0);
        QVERIFY2(cli.err.contains(QStringLiteral("invalid_argument: kein Marktplatz")), qPrintable(cli.err));
    }
}

void TestAppLaunchers::launchersAcceptTheDesktopAppsOptions()
{
    // `market-manager --connect … --market-id …` runs market-manager-gui with the same
    // arguments; an option only the desktop app declared was refused by the launcher's own
    // parser ("Unknown option"), so every option of the desktop app must be the launcher's too.
    QFETCH(QString, app);
    if (!QFile::exists(bin(app + QStringLiteral("-gui"))))
        QSKIP("the desktop app is not built");
    QProcessEnvironment offscreen = QProcessEnvironment::systemEnvironment();
    offscreen.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    offscreen.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    const Run gui = run(bin(app + QStringLiteral("-gui")), {QStringLiteral("--help")}, offscreen);
    const Run launcher = run(bin(app), {QStringLiteral("--help")}, offscreen);
    QCOMPARE(gui.exitCode, 0);
    QCOMPARE(launcher.exitCode, 0);
    const QRegularExpression option(QStringLiteral("^\\s+(?:-\\w, )?(--[a-z-]+)"), QRegularExpression::MultilineOption);
    int checked = 0;
    for (auto it = option.globalMatch(gui.out); it.hasNext();) {
        const QString name = it.next().captured(1);
        ++checked;
        QVERIFY2(QRegularExpression(QStringLiteral("^\\s+(?:-\\w, )?") + QRegularExpression::escape(name) + QStringLiteral("\\b"),
                                    QRegularExpression::MultilineOption)
                     .match(launcher.out)
                     .hasMatch(),
                 qPrintable(QStringLiteral("%1-gui has %2, %1 does not").arg(app, name)));
    }
    QVERIFY(checked >= 5);
}

namespace {
QProcessEnvironment offscreenEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    return env;
}

QStringList optionsIn(const QString &help)
{
    QStringList names;
    const QRegularExpression option(QStringLiteral("^\\s+(?:-\\w, )?(--[a-z-]+)"), QRegularExpression::MultilineOption);
    for (auto it = option.globalMatch(help); it.hasNext();)
        names.append(it.next().captured(1));
    return names;
}
} // namespace

void TestAppLaunchers::desktopAppsAcceptTheLaunchersOptions()
{
    // The other way round: without --headless or --cli the launcher runs the desktop app with
    // the same arguments, so an option only the launcher declared made the desktop app fail
    // with "Unknown option" (`market-manager --fee-percent 5` did). Every launcher option is
    // the desktop app's too, but those the launcher refuses itself unless it handles them.
    QFETCH(QString, app);
    if (!QFile::exists(bin(app + QStringLiteral("-gui"))))
        QSKIP("the desktop app is not built");
    const QStringList gui = optionsIn(run(bin(app + QStringLiteral("-gui")), {QStringLiteral("--help")}, offscreenEnvironment()).out);
    const QStringList launcher = optionsIn(run(bin(app), {QStringLiteral("--help")}, offscreenEnvironment()).out);
    QVERIFY(launcher.size() >= 5);
    const QStringList launcherOnly = app == QStringLiteral("borrower-client") ? QStringList{QStringLiteral("--json")} : QStringList();
    for (const QString &name : launcher) {
        if (launcherOnly.contains(name)) {
            QTemporaryDir dir;
            const Run r = run(bin(app), {QStringLiteral("--data"), dir.path(), name}, offscreenEnvironment());
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QStringLiteral("--cli")) && !r.err.contains(QStringLiteral("Unknown option")), qPrintable(r.err));
            continue;
        }
        QVERIFY2(gui.contains(name), qPrintable(QStringLiteral("%1 has %2, %1-gui does not").arg(app, name)));
    }
}

void TestAppLaunchers::embeddedOnlyOptionsAreRefusedWithConnect()
{
    // The settings of an embedded market or agent mean nothing to one attached to with
    // --connect: a clear refusal, exit code 2, before anything connects.
    const QString id(64, QLatin1Char('a'));
    struct Case {
        QString app;
        QStringList args;
        QString said;
    };
    const QList<Case> cases{
        {QStringLiteral("market-manager"), {QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--market-id"), id,
                                            QStringLiteral("--fee-percent"), QStringLiteral("5")},
         QStringLiteral("--fee-percent sets up the embedded market")},
        {QStringLiteral("market-manager"), {QStringLiteral("--stats-file"), QStringLiteral("/tmp/x.json")},
         QStringLiteral("--stats-file works with --headless only")},
        {QStringLiteral("market-manager"), {QStringLiteral("--period"), QStringLiteral("12")}, QStringLiteral("--period takes 7, 30 or 90 days")},
        {QStringLiteral("market-manager"), {QStringLiteral("--fee-percent"), QStringLiteral("101")}, QStringLiteral("'101' is not a fee percentage")},
        // A custom billing period: dates as YYYY-MM-DD, in order, --to only with --from, and
        // --period or --from, not both.
        {QStringLiteral("market-manager"), {QStringLiteral("--to"), QStringLiteral("2026-11-30")}, QStringLiteral("--to needs --from")},
        {QStringLiteral("market-manager"), {QStringLiteral("--from"), QStringLiteral("2026-11-31")},
         QStringLiteral("--from takes a date as YYYY-MM-DD, not '2026-11-31'")},
        {QStringLiteral("market-manager"), {QStringLiteral("--from"), QStringLiteral("2026-11-01"), QStringLiteral("--to"), QStringLiteral("1.12.2026")},
         QStringLiteral("--to takes a date as YYYY-MM-DD")},
        {QStringLiteral("market-manager"), {QStringLiteral("--from"), QStringLiteral("2026-11-30"), QStringLiteral("--to"), QStringLiteral("2026-11-01")},
         QStringLiteral("last day (2026-11-01) is before its first (2026-11-30)")},
        {QStringLiteral("market-manager"), {QStringLiteral("--from"), QStringLiteral("2001-01-01"), QStringLiteral("--to"), QStringLiteral("2026-11-01")},
         QStringLiteral("covers at most 3660 days")},
        {QStringLiteral("market-manager"), {QStringLiteral("--period"), QStringLiteral("30"), QStringLiteral("--from"), QStringLiteral("2026-11-01")},
         QStringLiteral("--period and --from each choose the billing period")},
        // --to defaults to today: a --from after today alone is said to be that, not "the last
        // day is before the first".
        {QStringLiteral("market-manager"), {QStringLiteral("--from"), QDateTime::currentDateTimeUtc().date().addDays(2).toString(Qt::ISODate)},
         QStringLiteral("is after today (%1, UTC), the last day when --to is not given").arg(QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate))},
        // An empty --data would be the current directory.
        {QStringLiteral("market-manager"), {QStringLiteral("--headless"), QStringLiteral("--data"), QString()},
         QStringLiteral("--data was given an empty value; leave the option out for its default")},
        // Likewise any option's empty value (often an unset shell variable), which meant its default.
        {QStringLiteral("market-manager"), {QStringLiteral("--headless"), QStringLiteral("--fee-percent"), QString()},
         QStringLiteral("--fee-percent was given an empty value")},
        {QStringLiteral("market-manager"), {QStringLiteral("--database"), QStringLiteral(" ")},
         QStringLiteral("--database was given an empty value")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--market"), QString()},
         QStringLiteral("--market was given an empty value")},
        {QStringLiteral("borrower-client"), {QStringLiteral("--cli"), QStringLiteral("--data"), QString(), QStringLiteral("offers")},
         QStringLiteral("--data needs a directory; it was given empty")},
        // Each export writes a file of its own, named: nothing is silently dropped or replaced.
        {QStringLiteral("market-manager"), {QStringLiteral("--export-invoices"), QString()},
         QStringLiteral("--export-invoices was given an empty value")},
        {QStringLiteral("market-manager"), {QStringLiteral("--export-payouts"), QStringLiteral("/tmp/a.csv"), QStringLiteral("--export-payouts"), QStringLiteral("/tmp/b.csv")},
         QStringLiteral("--export-payouts was given 2 times (/tmp/a.csv, /tmp/b.csv): give it once")},
        {QStringLiteral("market-manager"), {QStringLiteral("--export-invoices"), QStringLiteral("/tmp/same.csv"), QStringLiteral("--export-payouts"), QStringLiteral("/tmp/../tmp/same.csv")},
         QStringLiteral("--export-invoices and --export-payouts would both write /tmp/same.csv: give each its own file")},
        // Options only the desktop app reads would do nothing with --headless: a headless
        // export would serve forever and write nothing.
        {QStringLiteral("market-manager"), {QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                            QStringLiteral("--export-report"), QStringLiteral("/tmp/r.pdf")},
         QStringLiteral("--export-report is read by the desktop app; with --headless it would do nothing")},
        {QStringLiteral("market-manager"), {QStringLiteral("--headless"), QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1")},
         QStringLiteral("--connect is read by the desktop app")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--screenshot"), QStringLiteral("/tmp/s.png")},
         QStringLiteral("--screenshot is read by the desktop app")},
        {QStringLiteral("lender-console"), {QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--agent-id"), id,
                                            QStringLiteral("--owner-id"), id},
         QStringLiteral("--owner-id sets up the embedded agent")},
        {QStringLiteral("lender-console"), {QStringLiteral("--owner-id"), QStringLiteral("not-an-id")},
         QStringLiteral("'not-an-id' is not a node ID")},
        {QStringLiteral("lender-console"), {QStringLiteral("--virt-type"), QStringLiteral("xen")}, QStringLiteral("--virt-type is qemu or kvm")},
        // Unknown options and stray arguments are usage errors like any other (exit code 2,
        // "program: invalid_argument: …"), not Qt's own message and exit code 1.
        {QStringLiteral("market-manager"), {QStringLiteral("--headless"), QStringLiteral("--bogus")}, QStringLiteral("invalid_argument: Unknown option 'bogus'")},
        {QStringLiteral("borrower-client"), {QStringLiteral("--bogus")}, QStringLiteral("invalid_argument: Unknown option 'bogus'")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("extra")}, QStringLiteral("unexpected argument 'extra'")},
        // The owner's command line: a word too many for a command, or a timeout that is no
        // number of seconds, were ignored (a bad --timeout waited 0 ms).
        {QStringLiteral("lender-console"), {QStringLiteral("--cli"), QStringLiteral("--data"), QStringLiteral("/nonexistent/lendable"), QStringLiteral("partition"),
                                            QStringLiteral("list"), QStringLiteral("all")},
         QStringLiteral("'all' is one word too many for `partition list`")},
        {QStringLiteral("lender-console"), {QStringLiteral("--cli"), QStringLiteral("--data"), QStringLiteral("/nonexistent/lendable"), QStringLiteral("partition"),
                                            QStringLiteral("register"), QStringLiteral("p-1"), QStringLiteral("m-1")},
         QStringLiteral("'m-1' is one word too many for `partition register`")},
        {QStringLiteral("lender-console"), {QStringLiteral("--cli"), QStringLiteral("--data"), QStringLiteral("/nonexistent/lendable"), QStringLiteral("machine"),
                                            QStringLiteral("show"), QStringLiteral("--timeout"), QStringLiteral("soon")},
         QStringLiteral("--timeout wants seconds from 1 to 86400, not 'soon'")},
        {QStringLiteral("market-manager"), {QStringLiteral("--listen")}, QStringLiteral("invalid_argument: Missing value after '--listen'")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--advertise"), QStringLiteral("foo")},
         QStringLiteral("--advertise: ")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--keep-results"), QStringLiteral("-1")},
         QStringLiteral("--keep-results wants days from 0 (for ever) to 3660, not '-1'")},
        {QStringLiteral("lender-console"), {QStringLiteral("--keep-results"), QStringLiteral("week")},
         QStringLiteral("--keep-results wants days from 0 (for ever) to 3660, not 'week'")},
        {QStringLiteral("lender-console"), {QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--agent-id"), id,
                                            QStringLiteral("--no-cpu-pinning")},
         QStringLiteral("--no-cpu-pinning sets up the embedded agent")},
        // A name the markets would refuse at every registration is refused at start, by the
        // desktop app's embedded agent and by the headless one alike.
        {QStringLiteral("lender-console"), {QStringLiteral("--name"), QString(129, QLatin1Char('n'))},
         QStringLiteral("--name is 129 characters long; markets keep at most 128")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--name"), QString(129, QLatin1Char('n'))},
         QStringLiteral("--name is 129 characters long")},
        {QStringLiteral("lender-console"), {QStringLiteral("--headless"), QStringLiteral("--name"), QStringLiteral("bad\tname")},
         QStringLiteral("--name contains a control character (U+0009)")},
    };
    for (const Case &c : cases) {
        if (!QFile::exists(bin(c.app + QStringLiteral("-gui"))))
            QSKIP("the desktop app is not built");
        QTemporaryDir dir;
        const Run r = run(bin(c.app), QStringList{QStringLiteral("--data"), dir.path()} + c.args, offscreenEnvironment());
        QVERIFY2(r.exitCode == 2 && r.err.contains(c.said), qPrintable(c.app + QLatin1Char(' ') + c.args.join(QLatin1Char(' ')) + QStringLiteral(": ")
                                                                      + QString::number(r.exitCode) + QLatin1Char(' ') + r.err));
    }
}

void TestAppLaunchers::marketManagerExportsTheBillingReport()
{
    // `market-manager --export-report … --export-invoices … --export-payouts …` writes the
    // billing files of the period and quits, for a script or a monthly job; with the embedded
    // market's own options (--fee-percent) as the window would take them.
    if (!QFile::exists(bin(QStringLiteral("market-manager-gui"))))
        QSKIP("the desktop app is not built");
    QTemporaryDir dir;
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    const QString invoices = dir.filePath(QStringLiteral("invoices.csv"));
    const QString payouts = dir.filePath(QStringLiteral("payouts.csv"));
    // Stderr stays empty when all went well, also as a cron job runs it (no desktop session,
    // no XDG_RUNTIME_DIR): cron mails whatever an export prints there.
    QProcessEnvironment session = offscreenEnvironment();
    session.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    const Run r = run(bin(QStringLiteral("market-manager")),
                      {QStringLiteral("--data"), dir.filePath(QStringLiteral("market")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                       QStringLiteral("--fee-percent"), QStringLiteral("2.5"), QStringLiteral("--period"), QStringLiteral("30"),
                       QStringLiteral("--export-report"), pdf, QStringLiteral("--export-invoices"), invoices, QStringLiteral("--export-payouts"), payouts},
                      session);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("wrote ") + pdf) && r.out.contains(QStringLiteral("wrote ") + payouts), qPrintable(r.out));
    QFile report(pdf);
    QVERIFY(report.open(QIODevice::ReadOnly));
    QCOMPARE(report.read(5), QByteArray("%PDF-"));
    QFile invoiceFile(invoices);
    QVERIFY(invoiceFile.open(QIODevice::ReadOnly));
    QVERIFY(invoiceFile.readLine().startsWith("borrower_id,contract_id"));
    QFile payoutFile(payouts);
    QVERIFY(payoutFile.open(QIODevice::ReadOnly));
    QVERIFY(payoutFile.readLine().startsWith("lender_id,contract_id"));
    // The fee the embedded market was started with is the report's (its totals line).
    const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    QVERIFY2(!pdftotext.isEmpty(), "pdftotext is missing: run scripts/deps.sh");
    const Run text = run(pdftotext, {pdf, QStringLiteral("-")});
    QVERIFY2(text.out.contains(QStringLiteral("Fee 2.5 %")) && text.out.contains(QStringLiteral("Last 30 days")), qPrintable(text.out));
    // An unwritable target: exit 1 with the error, not a hang.
    const Run bad = run(bin(QStringLiteral("market-manager")),
                        {QStringLiteral("--data"), dir.filePath(QStringLiteral("market")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--export-report"), QStringLiteral("/proc/no/such/dir/r.pdf")},
                        offscreenEnvironment());
    QVERIFY2(bad.exitCode == 1 && bad.err.contains(QStringLiteral("/proc/no/such/dir/r.pdf")), qPrintable(bad.err));

    // A custom period (--from, --to): the report names its days; one in the past has none of
    // today's billing.
    const Run past = run(bin(QStringLiteral("market-manager")),
                         {QStringLiteral("--data"), dir.filePath(QStringLiteral("market")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--from"), QStringLiteral("2026-01-01"), QStringLiteral("--to"), QStringLiteral("2026-01-31"),
                          QStringLiteral("--export-report"), pdf},
                         offscreenEnvironment());
    QVERIFY2(past.exitCode == 0, qPrintable(past.err));
    const Run pastText = run(pdftotext, {pdf, QStringLiteral("-")});
    QVERIFY2(pastText.out.contains(QStringLiteral("Lendable billing report — 2026-01-01 to 2026-01-31")), qPrintable(pastText.out));
    QVERIFY2(pastText.out.contains(QStringLiteral("2026-01-01 to 2026-01-31 (UTC)")), qPrintable(pastText.out));

    // The window opens with the period its user chose last; an export without a period on
    // its command line covers the last 7 days all the same, for a job to rely on.
    QTemporaryDir config;
    QSettings remembered(config.filePath(QStringLiteral("Lendable/market-manager.conf")), QSettings::IniFormat);
    remembered.setValue(QStringLiteral("billing/period"), QStringLiteral("custom"));
    remembered.setValue(QStringLiteral("billing/firstDay"), QStringLiteral("2026-01-01"));
    remembered.setValue(QStringLiteral("billing/lastDay"), QStringLiteral("2026-01-31"));
    remembered.sync();
    QCOMPARE(remembered.status(), QSettings::NoError);
    QProcessEnvironment env = offscreenEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    const Run week = run(bin(QStringLiteral("market-manager")),
                         {QStringLiteral("--data"), dir.filePath(QStringLiteral("market")), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--export-report"), pdf},
                         env);
    QVERIFY2(week.exitCode == 0, qPrintable(week.err));
    const Run weekText = run(pdftotext, {pdf, QStringLiteral("-")});
    QVERIFY2(weekText.out.contains(QStringLiteral("Last 7 days")) && !weekText.out.contains(QStringLiteral("2026-01-01")), qPrintable(weekText.out));
}

void TestAppLaunchers::lenderConsoleOpensWithAnAgentDown()
{
    // `lender-console --connect A --connect B`: an agent that cannot be reached does not stop
    // the window from opening (it gets a tab that tries again); before, the app said the
    // error and quit, also when the other agents were there.
    if (!QFile::exists(bin(QStringLiteral("lender-console-gui"))))
        QSKIP("the desktop app is not built");
    QTemporaryDir dir;
    const QString shot = dir.filePath(QStringLiteral("console.png"));
    const QString id(64, QLatin1Char('a'));
    const Run r = run(bin(QStringLiteral("lender-console")),
                      {QStringLiteral("--data"), dir.path(), QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--agent-id"), id,
                       QStringLiteral("--connect"), QStringLiteral("127.0.0.1:2"), QStringLiteral("--agent-id"), id, QStringLiteral("--screenshot"), shot,
                       QStringLiteral("--screenshot-delay"), QStringLiteral("1500")},
                      offscreenEnvironment());
    QVERIFY2(r.exitCode == 0, qPrintable(QString::number(r.exitCode) + QLatin1Char(' ') + r.err));
    QVERIFY(QFileInfo(shot).size() > 0);
}

void TestAppLaunchers::marketManagerOpensWithTheMarketDown()
{
    // `market-manager --connect A --market-id ID` with no market answering at A: the window
    // opens and tries again until it does (before, the app said the error and quit). An
    // export needs the market's figures, so it still fails, with the reason.
    if (!QFile::exists(bin(QStringLiteral("market-manager-gui"))))
        QSKIP("the desktop app is not built");
    QTemporaryDir dir;
    const QString shot = dir.filePath(QStringLiteral("manager.png"));
    const QString id(64, QLatin1Char('a'));
    const Run r = run(bin(QStringLiteral("market-manager")),
                      {QStringLiteral("--data"), dir.path(), QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--market-id"), id,
                       QStringLiteral("--screenshot"), shot, QStringLiteral("--screenshot-delay"), QStringLiteral("1500")},
                      offscreenEnvironment());
    QVERIFY2(r.exitCode == 0, qPrintable(QString::number(r.exitCode) + QLatin1Char(' ') + r.err));
    QVERIFY(QFileInfo(shot).size() > 0);
    const Run exported = run(bin(QStringLiteral("market-manager")),
                             {QStringLiteral("--data"), dir.path(), QStringLiteral("--connect"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--market-id"), id,
                              QStringLiteral("--export-invoices"), dir.filePath(QStringLiteral("i.csv"))},
                             offscreenEnvironment());
    QVERIFY2(exported.exitCode != 0 && exported.err.contains(QStringLiteral("127.0.0.1:1")), qPrintable(exported.err));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("i.csv"))));
}

QTEST_GUILESS_MAIN(TestAppLaunchers)
#include "TestAppLaunchers.moc"
