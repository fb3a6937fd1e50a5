// The Market Manager's window comes up in the language asked for (as with --language de),
// using the catalogues embedded in the app (:/i18n/...), and Settings → Language stores the
// choice that the next start reads.

#include "MarketWindow.h"
#include "ui/GuiSupport.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lendable;

class TestLanguageGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void germanWindow();
    void languageMenuStoresChoice();

private:
    QTemporaryDir m_config;
};

void TestLanguageGui::initTestCase()
{
    QVERIFY(m_config.isValid());
    // Settings go to a throw-away place, never the developer's own.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_config.path());
    QCoreApplication::setOrganizationName(QStringLiteral("LendableTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test-language-gui"));
    QVERIFY(QFile::exists(QStringLiteral(":/i18n/market-manager_de.qm")));
    QVERIFY(QFile::exists(QStringLiteral(":/i18n/lendable_ja.qm")));
}

void TestLanguageGui::germanWindow()
{
    auto &app = *qobject_cast<QApplication *>(QCoreApplication::instance());
    QCOMPARE(app::installTranslations(app, QStringLiteral("market-manager"), QStringLiteral("de")), QStringLiteral("de"));
    market::MarketWindow window(nullptr, QString(64, QLatin1Char('a')), QStringLiteral("test"), QString(64, QLatin1Char('b')));
    QCOMPARE(window.windowTitle(), QStringLiteral("Lendable Marktplatz-Verwaltung"));
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("mainTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->tabText(1), QString::fromUtf8("Verträge"));
    // The shared catalogue is loaded too: the Settings menu from ui/.
    auto *settings = window.menuBar()->findChild<QMenu *>(QStringLiteral("settingsMenu"));
    QVERIFY(settings);
    QCOMPARE(settings->title(), QStringLiteral("&Einstellungen"));
}

void TestLanguageGui::languageMenuStoresChoice()
{
    QSettings().remove(QStringLiteral("language"));
    market::MarketWindow window(nullptr, QString(64, QLatin1Char('a')), QStringLiteral("test"), QString(64, QLatin1Char('b')));
    auto *languages = window.menuBar()->findChild<QMenu *>(QStringLiteral("languageMenu"));
    QVERIFY(languages);
    QCOMPARE(languages->actions().size(), 4);
    auto *system = languages->findChild<QAction *>(QStringLiteral("language_system"));
    auto *japanese = languages->findChild<QAction *>(QStringLiteral("language_ja"));
    QVERIFY(system && japanese);
    QVERIFY(system->isChecked());

    // The choice is confirmed with a message box; answer it as a user would.
    bool answered = false;
    QTimer::singleShot(0, this, [&answered] {
        if (QWidget *box = QApplication::activeModalWidget()) {
            box->close();
            answered = true;
        }
    });
    japanese->trigger();
    QVERIFY(answered);
    QCOMPARE(QSettings().value(QStringLiteral("language")).toString(), QStringLiteral("ja"));

    // The next start (no --language) follows the setting.
    auto &app = *qobject_cast<QApplication *>(QCoreApplication::instance());
    QCOMPARE(app::installTranslations(app, QStringLiteral("market-manager"), QString()), QStringLiteral("ja"));
    market::MarketWindow again(nullptr, QString(64, QLatin1Char('a')), QStringLiteral("test"), QString(64, QLatin1Char('b')));
    QCOMPARE(again.windowTitle(), QString::fromUtf8("Lendable マーケットマネージャー"));
    auto *againJa = again.menuBar()->findChild<QAction *>(QStringLiteral("language_ja"));
    QVERIFY(againJa && againJa->isChecked());
}

QTEST_MAIN(TestLanguageGui)
#include "TestLanguageGui.moc"
