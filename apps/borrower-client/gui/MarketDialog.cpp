#include "MarketDialog.h"

#include "BorrowerSession.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace lendable::borrower {

MarketDialog::MarketDialog(BorrowerSession *session, const QString &address, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_address(new QLineEdit(address.isEmpty() ? QStringLiteral("127.0.0.1:7400") : address, this))
    , m_id(new QLineEdit(session->marketId(), this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to a market"));
    auto *form = new QFormLayout(this);
    auto *intro = new QLabel(tr("Enter the market's address and its node ID (ask its operator, or run "
                                "<tt>market-manager --print-id</tt> on it). The ID is pinned: a different market at that address is refused."),
                             this);
    intro->setWordWrap(true);
    form->addRow(intro);
    m_address->setObjectName(QStringLiteral("marketAddress"));
    m_id->setObjectName(QStringLiteral("marketId"));
    m_id->setMinimumWidth(520);
    form->addRow(tr("Address"), m_address);
    form->addRow(tr("Market ID"), m_id);
    m_error->setObjectName(QStringLiteral("marketError"));
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);
    form->addRow(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, &MarketDialog::tryAccept);
}

void MarketDialog::tryAccept()
{
    // Both, or nothing is kept and every request would fail.
    if (m_address->text().trimmed().isEmpty() || m_id->text().trimmed().isEmpty()) {
        m_error->setText(tr("Enter both the market's address and its ID."));
        return;
    }
    const Result<void> r = m_session->setMarket(m_address->text().trimmed(), m_id->text().trimmed());
    if (r.ok())
        accept();
    else
        m_error->setText(r.error().message);
}

} // namespace lendable::borrower
