#include "LockReport.h"

namespace lendable {

namespace {
constexpr QStringView kArrow = u" -> ";
constexpr QStringView kRestored = u" (restored)";
constexpr QStringView kNotRestored = u" (not restored)";
constexpr QStringView kSeparator = u"; ";
constexpr QStringView kErrorsOpen = u" [";

bool isName(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (!((c >= u'a' && c <= u'z') || c == u'_'))
            return false;
    return true;
}

// A value is one word: no space, and none of the report's own marks.
bool isValue(QStringView s)
{
    return !s.isEmpty() && !s.contains(u' ') && !s.contains(u';') && !s.contains(u'[') && !s.contains(u']');
}

std::optional<LockChange> parseChange(QStringView text)
{
    LockChange change;
    if (text.endsWith(kRestored)) {
        change.restored = true;
        text.chop(kRestored.size());
    } else if (text.endsWith(kNotRestored)) {
        text.chop(kNotRestored.size());
    } else {
        return std::nullopt;
    }
    const qsizetype arrow = text.indexOf(kArrow);
    const qsizetype space = text.indexOf(u' ');
    if (arrow < 0 || space < 0 || space >= arrow)
        return std::nullopt;
    const QStringView what = text.first(space);
    const QStringView leased = text.sliced(space + 1, arrow - space - 1);
    const QStringView live = text.sliced(arrow + kArrow.size());
    if (!isName(what) || !isValue(leased) || !isValue(live))
        return std::nullopt;
    change.what = what.toString();
    change.leased = leased.toString();
    change.live = live.toString();
    return change;
}
} // namespace

QString LockReport::toString() const
{
    QStringList parts;
    parts.reserve(changes.size());
    for (const LockChange &c : changes) {
        QString part = c.what;
        part.append(u' ').append(c.leased).append(kArrow).append(c.live).append(c.restored ? kRestored : kNotRestored);
        parts << part;
    }
    QString s = parts.join(kSeparator);
    if (!restoreErrors.isEmpty())
        s.append(kErrorsOpen).append(restoreErrors.join(kSeparator)).append(u']');
    return s;
}

std::optional<LockReport> LockReport::parse(QStringView detail)
{
    LockReport report;
    // The changes hold no '[': the first " [" opens the errors, which run to the last ']'.
    const qsizetype open = detail.indexOf(kErrorsOpen);
    QStringView changes = detail;
    if (open >= 0) {
        if (!detail.endsWith(u']'))
            return std::nullopt;
        const QStringView errors = detail.sliced(open + kErrorsOpen.size()).chopped(1);
        for (QStringView e : errors.split(kSeparator))
            report.restoreErrors << e.toString();
        changes = detail.first(open);
    }
    for (QStringView text : changes.split(kSeparator)) {
        std::optional<LockChange> change = parseChange(text);
        if (!change)
            return std::nullopt;
        report.changes << *change;
    }
    return report;
}

} // namespace lendable
