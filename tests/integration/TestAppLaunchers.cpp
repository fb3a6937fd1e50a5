// The three executables as a user scripts them: --print-id, --version, --help, and the
// promise that the headless/CLI launchers link no Widgets.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
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

QTEST_GUILESS_MAIN(TestAppLaunchers)
#include "TestAppLaunchers.moc"
