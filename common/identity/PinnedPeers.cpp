#include "PinnedPeers.h"

#include "identity/Identity.h"
#include "util/Paths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>

#include <algorithm>

namespace lendable {

namespace {

constexpr int kFormatVersion = 1;
// The list is small; a file this big was not written by us.
constexpr qint64 kMaxFileSize = 16 * 1024 * 1024;

QString normalizedId(const QString &nodeId)
{
    return nodeId.trimmed().toLower();
}

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

QString PinnedPeers::filePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("peers.json"));
}

Result<PinnedPeers> PinnedPeers::load(const QString &dataDir)
{
    PinnedPeers peers;
    peers.m_dataDir = dataDir;
    const QString path = filePath(dataDir);
    QFile file(path);
    if (!file.exists())
        return peers;
    const auto corrupt = [&](const QString &why) {
        return Error(ErrorCode::IdentityError, QStringLiteral("the pinned peers file %1 is corrupt: %2").arg(path, why));
    };
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IdentityError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileSize)
        return corrupt(QStringLiteral("too large"));

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return corrupt(QStringLiteral("%1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(key("peers")).isArray())
        return corrupt(QStringLiteral("expected an object with a \"peers\" array"));
    if (root.value(key("version")).toInt() != kFormatVersion)
        return corrupt(QStringLiteral("unknown format version %1").arg(root.value(key("version")).toVariant().toString()));

    const QJsonArray list = root.value(key("peers")).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject o = list.at(i).toObject();
        PinnedPeer peer;
        peer.nodeId = o.value(key("nodeId")).toString();
        peer.name = o.value(key("name")).toString();
        peer.role = o.value(key("role")).toString();
        peer.address = o.value(key("address")).toString();
        peer.pinnedAt = QDateTime::fromString(o.value(key("pinnedAt")).toString(), Qt::ISODateWithMs);
        if (!Identity::isValidNodeId(peer.nodeId))
            return corrupt(QStringLiteral("entry %1 has no valid node ID").arg(i + 1));
        if (std::any_of(peers.m_peers.cbegin(), peers.m_peers.cend(),
                        [&](const PinnedPeer &p) { return p.nodeId == peer.nodeId; })) {
            return corrupt(QStringLiteral("node ID %1 appears twice").arg(peer.nodeId));
        }
        peers.m_peers.append(peer);
    }
    return peers;
}

Result<void> PinnedPeers::save(const QList<PinnedPeer> &peers) const
{
    QJsonArray list;
    for (const PinnedPeer &p : peers) {
        list.append(QJsonObject{{key("nodeId"), p.nodeId},
                                {key("name"), p.name},
                                {key("role"), p.role},
                                {key("address"), p.address},
                                {key("pinnedAt"), p.pinnedAt.toUTC().toString(Qt::ISODateWithMs)}});
    }
    const QJsonObject root{{key("version"), kFormatVersion}, {key("peers"), list}};

    const QString path = filePath(m_dataDir);
    if (Result<void> made = makeDirectory(m_dataDir); !made)
        return made.error();
    QSaveFile file(path);
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Result<void> PinnedPeers::pin(const PinnedPeer &peer)
{
    PinnedPeer normalized = peer;
    normalized.nodeId = normalizedId(peer.nodeId);
    if (!Identity::isValidNodeId(normalized.nodeId)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("\"%1\" is not a node ID (64 hexadecimal digits)").arg(peer.nodeId.left(128)));
    }
    if (!normalized.pinnedAt.isValid())
        normalized.pinnedAt = QDateTime::currentDateTimeUtc();

    // Change a copy and adopt it only once it is on disk, so memory never claims a trust
    // the file does not hold.
    QList<PinnedPeer> next = m_peers;
    const auto it = std::find_if(next.begin(), next.end(), [&](const PinnedPeer &p) { return p.nodeId == normalized.nodeId; });
    if (it != next.end())
        *it = normalized;
    else
        next.append(normalized);
    if (auto saved = save(next); !saved)
        return saved;
    m_peers = std::move(next);
    return {};
}

Result<void> PinnedPeers::unpin(const QString &nodeId)
{
    const QString id = normalizedId(nodeId);
    QList<PinnedPeer> next = m_peers;
    if (next.removeIf([&](const PinnedPeer &p) { return p.nodeId == id; }) == 0)
        return Error(ErrorCode::NotFound, QStringLiteral("node %1 is not pinned").arg(nodeId.left(128)));
    if (auto saved = save(next); !saved)
        return saved;
    m_peers = std::move(next);
    return {};
}

bool PinnedPeers::contains(const QString &nodeId) const
{
    return find(nodeId).has_value();
}

std::optional<PinnedPeer> PinnedPeers::find(const QString &nodeId) const
{
    const QString id = normalizedId(nodeId);
    for (const PinnedPeer &p : m_peers) {
        if (p.nodeId == id)
            return p;
    }
    return std::nullopt;
}

QList<PinnedPeer> PinnedPeers::all() const
{
    return m_peers;
}

} // namespace lendable
