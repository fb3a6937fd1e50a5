#pragma once
// The rule for the names lenders and borrowers go by (RegisterPartition.lenderName,
// SetBorrowerName): the market enforces it; the apps check it first where they can.

#include <QChar>
#include <QStringView>

namespace lendable::protocol {

/// The longest name a lender or borrower may go by, after its leading and trailing spaces.
inline constexpr qsizetype kMaxDisplayNameLength = 128;

/// The index of the first character a name may not hold (a control character, or a line or
/// paragraph separator), or -1 when it holds none.
inline qsizetype firstForbiddenNameCharacter(QStringView name)
{
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar::Category c = name[i].category();
        if (c == QChar::Other_Control || c == QChar::Separator_Line || c == QChar::Separator_Paragraph)
            return i;
    }
    return -1;
}

} // namespace lendable::protocol
