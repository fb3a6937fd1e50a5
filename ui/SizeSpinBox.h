#pragma once
// A spin box for a size in MiB that reads and writes sizes as the tables and the command
// lines do: it shows "512M", "2G", "1536M" (formatSizeMib()), and takes what parseSizeMib()
// takes ("4G", "4GiB", "3000" for MiB) and fractions of a unit that make whole MiB ("1.5G"),
// so that the size typed and the size listed are one text. Its value stays MiB, so sliders
// and code use it as a QSpinBox.

#include <QSpinBox>

namespace lendable::ui {

class SizeSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit SizeSpinBox(QWidget *parent = nullptr);

protected:
    QString textFromValue(int mib) const override;
    int valueFromText(const QString &text) const override;
    QValidator::State validate(QString &input, int &pos) const override;
};

} // namespace lendable::ui
