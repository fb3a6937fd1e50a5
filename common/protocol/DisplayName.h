#pragma once
// The rule for the names lenders and borrowers go by (RegisterPartition.lenderName,
// SetBorrowerName): the market enforces it; the apps check it first where they can.

#include <QChar>
#include <QStringView>

namespace lendable::protocol {

/// The longest name a lender or borrower may go by, after its leading and trailing spaces, in
/// code points (displayNameLength()).
inline constexpr qsizetype kMaxDisplayNameLength = 128;

/// A name's length as the rule counts it: in Unicode code points, so that a letter outside
/// the Basic Multilingual Plane (an emoji, a CJK extension ideograph) counts one, not the
/// two UTF-16 units it takes.
inline qsizetype displayNameLength(QStringView name)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < name.size(); ++i, ++n) {
        if (name[i].isHighSurrogate() && i + 1 < name.size() && name[i + 1].isLowSurrogate())
            ++i;
    }
    return n;
}

/// The index of the first character a name may not hold, or -1 when it holds none: a control
/// character, a line or paragraph separator, or a bidirectional embedding, override or
/// isolate (U+202A–U+202E, U+2066–U+2069), which would make a name read as another
/// ("Acme" followed by reversed text) wherever it is shown.
inline qsizetype firstForbiddenNameCharacter(QStringView name)
{
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar::Category c = name[i].category();
        const char16_t u = name[i].unicode();
        if (c == QChar::Other_Control || c == QChar::Separator_Line || c == QChar::Separator_Paragraph
            || (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            return i;
    }
    return -1;
}

} // namespace lendable::protocol
