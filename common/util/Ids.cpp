#include "util/Ids.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace lendable {

QString timeOrderedId(QStringView prefix, qint64 nowMs)
{
    quint32 words[3];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray random = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex().left(20);
    return prefix.toString() + QStringLiteral("%1").arg(quint64(qMax<qint64>(0, nowMs)) & 0xFFFF'FFFF'FFFFULL, 12, 16, QLatin1Char('0'))
        + QString::fromLatin1(random);
}

} // namespace lendable
