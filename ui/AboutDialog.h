#pragma once

#include <QDialog>

namespace lendable::ui {

/// About box: what the app is, its version, and this node's ID (copyable: it is what peers pin).
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    /// `idLabel` names the ID shown (default: this node's ID, which peers pin).
    AboutDialog(const QString &appTitle, const QString &description, const QString &nodeId, QWidget *parent = nullptr,
                const QString &idLabel = {});
};

} // namespace lendable::ui
