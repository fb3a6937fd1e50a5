#include "SizeSpinBox.h"

#include "model/Resources.h"

#include <QRegularExpression>

#include <algorithm>

namespace lendable::ui {

SizeSpinBox::SizeSpinBox(QWidget *parent)
    : QSpinBox(parent)
{
    setToolTip(tr("A size in MiB, or with a unit: 512M, 4G, 1T"));
}

QString SizeSpinBox::textFromValue(int mib) const
{
    return formatSizeMib(mib);
}

int SizeSpinBox::valueFromText(const QString &text) const
{
    const Result<qint64> mib = parseSizeMib(text.trimmed());
    return mib ? int(std::clamp<qint64>(*mib, minimum(), maximum())) : value();
}

QValidator::State SizeSpinBox::validate(QString &input, int &) const
{
    const QString text = input.trimmed();
    if (const Result<qint64> mib = parseSizeMib(text); mib && *mib >= minimum() && *mib <= maximum())
        return QValidator::Acceptable;
    // On the way to a size: digits, then perhaps the start of a unit ("4", "4G", "4Gi").
    static const QRegularExpression typing(QStringLiteral("^[0-9]*([KMGTkmgt]([Ii]?[Bb]?)?)?$"));
    return typing.match(text).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

} // namespace lendable::ui
