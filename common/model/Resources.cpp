#include "Resources.h"

#include <QByteArray>

#include <algorithm>
#include <array>
#include <limits>

namespace lendable {

bool Resources::fitsWithin(const Resources &other) const
{
    return cpus <= other.cpus && memoryMib <= other.memoryMib && diskMib <= other.diskMib;
}

bool Resources::isZero() const
{
    return cpus == 0 && memoryMib == 0 && diskMib == 0;
}

bool Resources::anyNegative() const
{
    return cpus < 0 || memoryMib < 0 || diskMib < 0;
}

Resources Resources::operator+(const Resources &other) const
{
    Resources r = *this;
    r += other;
    return r;
}

Resources Resources::operator-(const Resources &other) const
{
    Resources r = *this;
    r -= other;
    return r;
}

Resources &Resources::operator+=(const Resources &other)
{
    cpus += other.cpus;
    memoryMib += other.memoryMib;
    diskMib += other.diskMib;
    return *this;
}

Resources &Resources::operator-=(const Resources &other)
{
    cpus -= other.cpus;
    memoryMib -= other.memoryMib;
    diskMib -= other.diskMib;
    return *this;
}

QString Resources::toString() const
{
    return QStringLiteral("%1 %2, %3 memory, %4 disk")
        .arg(cpus)
        .arg(cpus == 1 ? QStringLiteral("CPU") : QStringLiteral("CPUs"), formatSizeMib(memoryMib),
             formatSizeMib(diskMib));
}

namespace {

// Unit letter and its size as a power of 1024 relative to MiB (K is -1: 1024 KiB per MiB).
struct Unit {
    char16_t letter;
    int exponent;
};
constexpr std::array kUnits{Unit{u'K', -1}, Unit{u'M', 0}, Unit{u'G', 1}, Unit{u'T', 2}};

Error invalidSize(QStringView text, const QString &why)
{
    QString shown = text.left(64).toString();
    if (text.size() > 64)
        shown += QChar(0x2026);
    return Error(ErrorCode::InvalidArgument, QStringLiteral("invalid size \"%1\": %2").arg(shown, why));
}

} // namespace

Result<qint64> parseSizeMib(QStringView text)
{
    if (text.isEmpty())
        return invalidSize(text, QStringLiteral("the size is empty"));

    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    qsizetype i = 0;
    qint64 number = 0;
    for (; i < text.size() && text[i] >= u'0' && text[i] <= u'9'; ++i) {
        const int digit = text[i].unicode() - u'0';
        if (number > (kMax - digit) / 10)
            return invalidSize(text, QStringLiteral("the size is too large"));
        number = number * 10 + digit;
    }
    if (i == 0) {
        if (text[0] == u'-')
            return invalidSize(text, QStringLiteral("a size cannot be negative"));
        return invalidSize(text, QStringLiteral("expected a whole number followed by K, M, G or T"));
    }
    if (i < text.size() && (text[i] == u'.' || text[i] == u',')) {
        return invalidSize(text, QStringLiteral("fractions are not accepted; give a whole number in a smaller unit "
                                                "(for example 1536M rather than 1.5G)"));
    }

    int exponent = 0; // a bare number is MiB
    if (i < text.size()) {
        const QChar letter = text[i].toUpper();
        const auto unit = std::find_if(kUnits.begin(), kUnits.end(), [&](const Unit &u) { return letter == u.letter; });
        if (unit == kUnits.end())
            return invalidSize(text, QStringLiteral("unknown unit '%1' (use K, M, G or T)").arg(text.mid(i)));
        exponent = unit->exponent;
        const QStringView rest = text.mid(i + 1);
        if (!rest.isEmpty() && rest.compare(u"B", Qt::CaseInsensitive) != 0 && rest.compare(u"iB", Qt::CaseInsensitive) != 0)
            return invalidSize(text, QStringLiteral("unknown unit '%1' (use K, M, G or T)").arg(text.mid(i)));
    }

    if (exponent < 0) {
        if (number % 1024 != 0) {
            return invalidSize(text, QStringLiteral("%1 KiB is not a whole number of MiB (use a multiple of 1024K)")
                                         .arg(number));
        }
        return number / 1024;
    }
    for (int e = 0; e < exponent; ++e) {
        if (number > kMax / 1024)
            return invalidSize(text, QStringLiteral("the size is too large"));
        number *= 1024;
    }
    return number;
}

QString formatSizeMib(qint64 mib)
{
    // Largest unit that divides the size exactly; 0 stays "0M".
    if (mib != 0) {
        if (mib % (qint64(1024) * 1024) == 0)
            return QString::number(mib / (qint64(1024) * 1024)) + QLatin1Char('T');
        if (mib % 1024 == 0)
            return QString::number(mib / 1024) + QLatin1Char('G');
    }
    return QString::number(mib) + QLatin1Char('M');
}

QDebug operator<<(QDebug dbg, const Resources &r)
{
    QDebugStateSaver saver(dbg);
    dbg.nospace().noquote() << "Resources(" << r.toString() << ')';
    return dbg;
}

char *toString(const Resources &r)
{
    return qstrdup(QByteArray("Resources(" + r.toString().toUtf8() + ')').constData());
}

} // namespace lendable
