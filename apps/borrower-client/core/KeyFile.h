#pragma once
// The lending key as it rests on disk (patent 44/104). One JSON file per contract, mode 0600,
// in a 0700 directory; the same format `lender-console --cli partition lend-direct` writes for
// a partition lent without a market, so a borrower reads both the same way:
//
//   {"contract_id": "...", "partition_id": "...", "key": "<base64 or 64 hex digits>",
//    "lender_id": "<node ID, optional>", "lender_address": "<host:port, optional>",
//    "started_at_ms": <UTC ms, optional>, "max_duration_s": <time limit in s, optional>}

#include "util/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace lendable::borrower {

struct KeyMaterial {
    QString contractId;
    QString partitionId;
    QString lenderId;       ///< may be empty in a key file; then --lender-id supplies it
    QString lenderAddress;  ///< may be empty in a key file; then --lender supplies it
    QByteArray key;
    qint64 startedAtMs = 0;  ///< a direct lease's start as its lender wrote it; 0: not in the file
    qint64 maxDurationS = 0; ///< a direct lease's time limit (its lender ends it then); 0: none or not in the file
    bool operator==(const KeyMaterial &) const = default;
};

/// Parses the JSON of a key file; `origin` names the file in errors. The key is base64
/// (standard alphabet) or exactly 64 hex digits.
Result<KeyMaterial> parseKeyJson(const QByteArray &json, const QString &origin);
QJsonObject keyToJson(const KeyMaterial &key);

/// Reads a key file; IoError or InvalidArgument naming the file.
Result<KeyMaterial> readKeyFile(const QString &path);
/// Writes atomically with mode 0600 (the directory is created 0700 if missing).
Result<void> writeKeyFile(const QString &path, const KeyMaterial &key);

} // namespace lendable::borrower
