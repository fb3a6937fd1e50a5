#pragma once

#include "util/Error.h"

#include <QFrame>

class QLabel;
class QToolButton;

namespace lendable::ui {

/// An inline banner at the top of a window: errors are shown where the user looks, never
/// only on the terminal. Stays until dismissed or replaced.
class ErrorBanner : public QFrame {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);
    void showError(const lendable::Error &error);
    void showMessage(const QString &text);
    /// Something to know that is not an error: the same banner in a calm colour.
    void showNotice(const QString &text);
    QString text() const;

private:
    void setLook(bool error);

    QLabel *m_icon;
    QLabel *m_label;
    QToolButton *m_close;
};

} // namespace lendable::ui
