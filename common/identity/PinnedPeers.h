#pragma once

#include "util/Error.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace lendable {

/// A peer this node trusts, known by node ID (the SHA-256 of its certificate).
struct PinnedPeer {
    QString nodeId;
    QString name;     ///< what a person calls it ("Alice's market")
    QString role;     ///< "market", "lender" or "borrower"; free text to this class
    QString address;  ///< last known "host:port", may be empty
    QDateTime pinnedAt;

    bool operator==(const PinnedPeer &) const = default;
};

/// The peers a node has pinned, stored as JSON in `dataDir/peers.json`. Every change is
/// written at once, atomically, so a crash never leaves a half-written trust list.
class PinnedPeers {
public:
    /// A missing file is an empty list; a corrupt one is IdentityError naming the file
    /// (an empty list in its place would drop trust silently, or invite re-pinning an
    /// impostor on first use).
    static Result<PinnedPeers> load(const QString &dataDir);

    /// Adds or replaces the peer with the same ID and saves. The ID is trimmed and
    /// lowercased first; anything but 64 hex digits is InvalidArgument. A null pinnedAt
    /// becomes now.
    Result<void> pin(const PinnedPeer &peer);
    /// Removes and saves; NotFound when the ID is not pinned.
    Result<void> unpin(const QString &nodeId);

    bool contains(const QString &nodeId) const;
    std::optional<PinnedPeer> find(const QString &nodeId) const;
    QList<PinnedPeer> all() const;

    static QString filePath(const QString &dataDir);

private:
    Result<void> save(const QList<PinnedPeer> &peers) const;

    QString m_dataDir;
    QList<PinnedPeer> m_peers;
};

} // namespace lendable
