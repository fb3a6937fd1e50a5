#pragma once
// Message boxes run their own event loop: a test answers one from a timer while the code
// under test waits in exec().

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTimer>

namespace lendable::test {

/// Answers the message box named `objectName` with `button` once it shows, and keeps what it
/// said (text, a newline, informative text) in `said`, which must outlive the answer.
inline void answerMessageBox(const QString &objectName, QMessageBox::StandardButton button, QString *said)
{
    auto *poll = new QTimer;
    poll->setInterval(50);
    QObject::connect(poll, &QTimer::timeout, [=] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            auto *box = qobject_cast<QMessageBox *>(w);
            if (box && box->objectName() == objectName && box->isVisible()) {
                *said = box->text() + QLatin1Char('\n') + box->informativeText();
                poll->stop();
                poll->deleteLater();
                box->button(button)->click();
                return;
            }
        }
    });
    poll->start();
}

} // namespace lendable::test
