#include "GuiSupport.h"

#include <QApplication>
#include <QHeaderView>
#include <QActionGroup>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QWindow>

#include <cstdio>

namespace lendable::ui {

void GuiOptions::apply(const QCommandLineParser &parser, QWidget *window) const
{
    if (parser.isSet(tab)) {
        const int index = parser.value(tab).toInt();
        // Tabs may appear once data arrives: select shortly after start.
        QTimer::singleShot(800, window, [window, index] {
            if (auto *tabs = window->findChild<QTabWidget *>())
                tabs->setCurrentIndex(qBound(0, index, tabs->count() - 1));
        });
    }
    if (parser.isSet(screenshot))
        scheduleScreenshot(window, parser.value(screenshot), qBound(0, parser.value(screenshotDelay).toInt(), 600'000));
}

int showStartupError(const QString &title, const Error &error)
{
    const int rc = app::fail(error);
    const bool scripted = qEnvironmentVariable("QT_QPA_PLATFORM") == QStringLiteral("offscreen")
                       || app::optionInArguments(QCoreApplication::arguments(), QStringLiteral("screenshot"));
    if (!scripted)
        QMessageBox::critical(nullptr, title, error.message);
    return rc;
}

QMenu *addLanguageMenu(QMenuBar *menuBar)
{
    QMenu *settings = menuBar->addMenu(QCoreApplication::translate("LanguageMenu", "&Settings"));
    settings->setObjectName(QStringLiteral("settingsMenu"));
    QMenu *languages = settings->addMenu(QCoreApplication::translate("LanguageMenu", "&Language"));
    languages->setObjectName(QStringLiteral("languageMenu"));
    auto *group = new QActionGroup(languages);
    group->setExclusive(true);
    const QString current = QSettings().value(QStringLiteral("language")).toString();
    // Each language is named in itself, so a user who cannot read the current one finds theirs.
    const QList<std::pair<QString, QString>> choices{
        {QString(), QCoreApplication::translate("LanguageMenu", "System default")},
        {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("de"), QStringLiteral("Deutsch")},
        {QStringLiteral("ja"), QString::fromUtf8("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e")}, // 日本語
    };
    for (const auto &[code, name] : choices) {
        QAction *action = languages->addAction(name);
        action->setObjectName(QStringLiteral("language_") + (code.isEmpty() ? QStringLiteral("system") : code));
        action->setData(code);
        action->setCheckable(true);
        action->setChecked(code == current);
        group->addAction(action);
    }
    QObject::connect(group, &QActionGroup::triggered, menuBar, [menuBar](QAction *action) {
        const QString code = action->data().toString();
        QSettings settings;
        if (settings.value(QStringLiteral("language")).toString() == code)
            return;
        if (code.isEmpty())
            settings.remove(QStringLiteral("language"));
        else
            settings.setValue(QStringLiteral("language"), code);
        // Every window builds its texts once; restarting is simpler and surer than retranslating.
        QMessageBox::information(menuBar->window(), QCoreApplication::translate("LanguageMenu", "Language"),
                                 QCoreApplication::translate("LanguageMenu", "The new language applies the next time you start %1.")
                                     .arg(QApplication::applicationDisplayName()));
    });
    return settings;
}

QString rememberedNodeId(const QString &address)
{
    return QSettings().value(QStringLiteral("connections/") + QString(address).replace(QLatin1Char('/'), QLatin1Char('_'))).toString();
}

void rememberConnection(const QString &address, const QString &nodeId)
{
    QSettings settings;
    settings.setValue(QStringLiteral("connections/") + QString(address).replace(QLatin1Char('/'), QLatin1Char('_')), nodeId);
    settings.setValue(QStringLiteral("lastConnection"), address);
}

void sizeColumns(QTableView *view, const QStringList &samples)
{
    const QFontMetrics fm = view->fontMetrics();
    const int pad = 3 * fm.averageCharWidth();
    QHeaderView *header = view->horizontalHeader();
    for (int column = 0; column < samples.size() && column < header->count(); ++column) {
        if (samples[column].isNull())
            continue;
        header->resizeSection(column, qMax(header->sectionSizeHint(column), fm.horizontalAdvance(samples[column]) + pad));
    }
}

void restoreWindowState(QMainWindow *window, QSize defaultSize)
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !window->restoreGeometry(geometry))
        window->resize(defaultSize);
    window->restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

void saveWindowState(const QMainWindow *window)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), window->saveGeometry());
    settings.setValue(QStringLiteral("window/state"), window->saveState());
}

void scheduleScreenshot(QWidget *window, const QString &path, int delayMs)
{
    QTimer::singleShot(delayMs, window, [window, path] {
        QPixmap shot;
        if (QScreen *screen = window->screen(); screen && window->windowHandle())
            shot = screen->grabWindow(window->winId());
        if (shot.isNull() || shot.toImage().allGray())
            shot = window->grab(); // offscreen platform: render the widgets instead
        const bool ok = shot.save(path, "PNG");
        std::fprintf(stderr, "%s %s\n", ok ? "screenshot saved:" : "screenshot FAILED:", qPrintable(path));
        QApplication::exit(ok ? 0 : 1);
    });
}

} // namespace lendable::ui
