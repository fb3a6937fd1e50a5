#include "KeyFile.h"
#include "protocol/Terms.h"
#include "util/Paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

#include <cmath>
#include <string_view>

namespace lendable::borrower {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString().trimmed();
}
} // namespace

Result<KeyMaterial> parseKeyJson(const QByteArray &json, const QString &origin)
{
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (!doc.isObject())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("KeyFile", "%1 is not a key file (a JSON object with contract_id, partition_id and key): %2")
                         .arg(origin, perr.error == QJsonParseError::NoError ? QCoreApplication::translate("KeyFile", "not an object") : perr.errorString()));
    const QJsonObject o = doc.object();
    KeyMaterial k;
    k.contractId = str(o, "contract_id");
    k.partitionId = str(o, "partition_id");
    k.lenderId = str(o, "lender_id").toLower();
    k.lenderAddress = str(o, "lender_address");
    const QString keyText = str(o, "key");
    if (k.contractId.isEmpty() || k.partitionId.isEmpty() || keyText.isEmpty())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("KeyFile", "%1 lacks one of contract_id, partition_id or key").arg(origin));
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (hex64.match(keyText).hasMatch()) {
        k.key = QByteArray::fromHex(keyText.toLatin1());
    } else {
        auto decoded = QByteArray::fromBase64Encoding(keyText.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("KeyFile", "the key in %1 is neither base64 nor 64 hex digits").arg(origin));
        k.key = *decoded;
    }
    // A direct lease's start and time limit, written by agents since 2026-12-07.
    for (const auto &[name, target] : {std::pair{"started_at_ms", &k.startedAtMs}, std::pair{"max_duration_s", &k.maxDurationS}}) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isUndefined() || v.isNull())
            continue;
        const double d = v.toDouble(-1);
        const double most = std::string_view(name) == "max_duration_s" ? double(protocol::kMaxContractDurationS) : 9.0e15;
        if (!v.isDouble() || d < 0 || d > most || d != std::floor(d))
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("KeyFile", "%1 in %2 is not a whole number of %3")
                             .arg(QLatin1String(name), origin,
                                  std::string_view(name) == "started_at_ms" ? QCoreApplication::translate("KeyFile", "milliseconds")
                                                                            : QCoreApplication::translate("KeyFile", "seconds")));
        *target = static_cast<qint64>(d);
    }
    if (k.key.size() < 16)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("KeyFile", "the key in %1 is too short to be a lending key (%2 of 32 bytes)").arg(origin).arg(k.key.size()));
    return k;
}

QJsonObject keyToJson(const KeyMaterial &key)
{
    QJsonObject o;
    o.insert(QStringLiteral("contract_id"), key.contractId);
    o.insert(QStringLiteral("partition_id"), key.partitionId);
    o.insert(QStringLiteral("key"), QString::fromLatin1(key.key.toBase64()));
    if (!key.lenderId.isEmpty())
        o.insert(QStringLiteral("lender_id"), key.lenderId);
    if (!key.lenderAddress.isEmpty())
        o.insert(QStringLiteral("lender_address"), key.lenderAddress);
    if (key.startedAtMs > 0)
        o.insert(QStringLiteral("started_at_ms"), key.startedAtMs);
    if (key.maxDurationS > 0)
        o.insert(QStringLiteral("max_duration_s"), key.maxDurationS);
    return o;
}

Result<KeyMaterial> readKeyFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, QCoreApplication::translate("KeyFile", "cannot read the key file %1: %2").arg(path, f.errorString()));
    if (f.size() > 64 * 1024)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("KeyFile", "%1 is too large to be a key file").arg(path));
    return parseKeyJson(f.readAll(), path);
}

Result<void> writeKeyFile(const QString &path, const KeyMaterial &key)
{
    const QFileInfo info(path);
    QDir dir = info.absoluteDir();
    if (!dir.exists()) {
        if (Result<void> made = makeDirectory(dir.absolutePath()); !made)
            return made;
        QFile::setPermissions(dir.absolutePath(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(ErrorCode::IoError, QCoreApplication::translate("KeyFile", "cannot write the key file %1: %2").arg(path, f.errorString()));
    // Restrict before any byte of the key is written.
    if (!f.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
        return Error(ErrorCode::IoError, QCoreApplication::translate("KeyFile", "cannot make %1 private (mode 0600)").arg(path));
    f.write(QJsonDocument(keyToJson(key)).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return Error(ErrorCode::IoError, QCoreApplication::translate("KeyFile", "cannot write the key file %1: %2").arg(path, f.errorString()));
    return {};
}

} // namespace lendable::borrower
