#pragma once
// The lending key (patent 44/104): 256 random bits per contract. The market keeps only its
// SHA-256; the borrower is shown the key once (S48); the lender checks it against the hash it
// was pushed (first embodiment) or asks the market (FIG. 15). Hashes are compared in constant
// time so that a caller cannot learn a hash byte by byte from response times.

#include <QByteArray>
#include <QString>
#include <QStringView>

#include "util/Ids.h"

namespace lendable::market {

inline constexpr int kLendingKeyBytes = 32;

/// 32 bytes from the operating system's CSPRNG (OpenSSL RAND_bytes).
QByteArray generateLendingKey();
/// SHA-256 of the key.
QByteArray hashLendingKey(const QByteArray &key);
/// Constant-time equality (CRYPTO_memcmp); false when the lengths differ.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
/// A random identifier: `prefix` followed by 32 hex characters (128 random bits).
QString randomId(QStringView prefix);
/// util/Ids.h: the same length as randomId(), sorting by creation time.
using ::lendable::timeOrderedId;

} // namespace lendable::market
