#pragma once
// The one rule for an OS image's name, which partitions offer (LendingConditions::osImages),
// the market stores images under and lenders keep them by: a letter or digit, then up to 63
// letters, digits, '.', '_', '+' or '-' ("busybox", "debian-12.5", "alpine+musl"). Such a
// name is a plain file name everywhere it becomes one, and an os= token of the query
// language. The market and the lender agent check it alike: a name one takes, the other does.

#include <QRegularExpression>
#include <QString>

namespace lendable::protocol {

inline bool isValidOsImageName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$"));
    return re.match(name).hasMatch();
}

/// The rule above as the lender agent's refusals say it.
inline QString osImageNameRule()
{
    return QStringLiteral("letters, digits, '.', '_', '+', '-'; at most 64");
}

} // namespace lendable::protocol
