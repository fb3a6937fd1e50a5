#pragma once

#include "app/AppSupport.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSize>

class QMainWindow;
class QMenu;
class QMenuBar;
class QTableView;
class QWidget;

namespace lendable::ui {

/// Options every desktop app has besides the common ones (their launchers accept them too).
struct GuiOptions : app::DesktopOptions {
    /// Applies --tab, --screenshot and --screenshot-delay to a shown main window.
    void apply(const QCommandLineParser &parser, QWidget *window) const;
};

/// Shows a startup error the app cannot go on after: on stderr ("<program>: <error>", for
/// scripts) and, unless nobody could answer it (an offscreen platform, or a --screenshot run
/// from a script), in a dialog. Returns the exit code (app::fail()).
int showStartupError(const QString &title, const Error &error);

/// Adds Settings → Language (system default, English, Deutsch, 日本語) to `menuBar`. The choice is
/// stored in QSettings "language", which app::installTranslations() reads at the next start. Returns
/// the Settings menu.
QMenu *addLanguageMenu(QMenuBar *menuBar);

/// Last connections (QSettings "connections/<address>" = node ID): remembered when a
/// connection succeeds, so `--connect ADDR` alone reaches a peer met before.
QString rememberedNodeId(const QString &address);
void rememberConnection(const QString &address, const QString &nodeId);

/// Starting widths for a table's columns from what they hold: each of the first
/// samples.size() columns as wide as its header or its sample text, whichever is wider
/// (the last column usually stretches over the rest); a null sample leaves its column as it
/// is. The user may still drag them.
void sizeColumns(QTableView *view, const QStringList &samples);

/// Window geometry and state persist across runs (QSettings).
void restoreWindowState(QMainWindow *window, QSize defaultSize = QSize(1200, 780));
void saveWindowState(const QMainWindow *window);

/// Grabs the window from the screen (a real X server under Xvfb) after `delayMs`, writes PNG
/// to `path`, and quits the application.
void scheduleScreenshot(QWidget *window, const QString &path, int delayMs = 2500);

} // namespace lendable::ui
