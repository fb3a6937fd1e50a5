#include "AboutDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lendable::ui {

AboutDialog::AboutDialog(const QString &appTitle, const QString &description, const QString &nodeId, QWidget *parent,
                         const QString &idLabel)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About %1").arg(appTitle));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<h2>%1</h2><p>%2</p><p>%3</p>")
                                 .arg(appTitle.toHtmlEscaped(), tr("Version %1").arg(QApplication::applicationVersion()),
                                      description.toHtmlEscaped()),
                             this);
    title->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(new QLabel(idLabel.isEmpty() ? tr("This node's ID (peers pin it):") : idLabel, this));
    auto *id = new QLineEdit(nodeId, this);
    id->setObjectName(QStringLiteral("nodeIdEdit"));
    id->setReadOnly(true);
    id->setMinimumWidth(id->fontMetrics().horizontalAdvance(nodeId) + 24);
    layout->addWidget(id);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy ID"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [nodeId] { QApplication::clipboard()->setText(nodeId); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace lendable::ui
