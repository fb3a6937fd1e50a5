#include "ErrorBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace lendable::ui {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("errorBanner"));
    setFrameShape(QFrame::StyledPanel);
    setLook(true);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void ErrorBanner::showError(const lendable::Error &error)
{
    showMessage(error.message.isEmpty() ? errorCodeName(error.code) : error.message);
    setToolTip(errorCodeName(error.code));
}

void ErrorBanner::showMessage(const QString &text)
{
    setLook(true);
    m_label->setText(text);
    show();
}

void ErrorBanner::showNotice(const QString &text)
{
    setLook(false);
    setToolTip(QString());
    m_label->setText(text);
    show();
}

void ErrorBanner::setLook(bool error)
{
    setProperty("notice", !error);
    setStyleSheet(error ? QStringLiteral("#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }"
                                         "#errorBanner QLabel { color: #611a15; }")
                        : QStringLiteral("#errorBanner { background: #e8f1fd; border: 1px solid #b6d4fe; border-radius: 4px; }"
                                         "#errorBanner QLabel { color: #084298; }"));
    m_icon->setPixmap(style()->standardIcon(error ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxInformation).pixmap(20, 20));
}

QString ErrorBanner::text() const
{
    return isVisible() ? m_label->text() : QString();
}

} // namespace lendable::ui
