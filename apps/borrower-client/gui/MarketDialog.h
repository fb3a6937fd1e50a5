#pragma once
// The market a Borrower Client uses, its address and node ID: asked for at the first start,
// and from File › Market… to use another one.

#include <QDialog>

class QLabel;
class QLineEdit;

namespace lendable::borrower {

class BorrowerSession;

class MarketDialog : public QDialog {
    Q_OBJECT
public:
    /// Filled with `address` (a default if empty) and the session's market ID.
    MarketDialog(BorrowerSession *session, const QString &address, QWidget *parent = nullptr);
    QLineEdit *addressEdit() const { return m_address; }
    QLineEdit *idEdit() const { return m_id; }
    QLabel *errorLabel() const { return m_error; }
    /// OK: both fields given and taken by the session (BorrowerSession::setMarket()), then
    /// the dialog closes; otherwise it stays open and says why.
    void tryAccept();

private:
    BorrowerSession *m_session;
    QLineEdit *m_address;
    QLineEdit *m_id;
    QLabel *m_error;
};

} // namespace lendable::borrower
