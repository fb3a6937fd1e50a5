#pragma once
// The search side of the resource database (S42–S43), in memory.
//
// Why not SQL: a search must also count every match (OfferPage.total) and, when nothing
// matches, count per requirement what it excluded. With 100,000 partitions and loose
// requirements that is a scan of most rows however the indexes are laid out, which SQLite
// does in several milliseconds and PostgreSQL in more (plus a round trip); the target is a
// p99 of 1 ms inside the server. So the few numeric columns a search reads are kept here
// column by column: each requirement becomes one sequential, branch-free pass over one
// column into a bitmap (one bit per offer), the bitmaps are ANDed, the total is a
// popcount, and the explanation is a popcount per requirement. The page is then read off a
// sorted permutation per order key (rebuilt only when prices or sizes change), testing bits
// in a bitmap that fits in the L1 cache, and stops as soon as the page is full. A
// requirement's bitmap depends only on the columns, so the bitmaps of the requirements
// borrowers send are kept until an offer is registered or altered: lending and freeing
// change only the availability bitmap, and most searches AND cached bitmaps.
//
// The database stays the only authority: a lend is decided by the conditional UPDATE in
// MarketStore, never by this index, so a stale index can at worst show an offer that a
// borrow then refuses with Conflict. The service updates the index after each of its own
// commits and folds in other processes' changes from MarketStore::changesSince(); a row older
// (by its rev) than the one the index last took for that offer is not applied, so a state
// read early and applied late cannot set the index back.

#include "MarketStore.h"
#include "QueryLanguage.h"

#include <QHash>
#include <QSet>

#include <array>
#include <map>
#include <tuple>
#include <vector>

namespace lendable::market {

class OfferIndex {
public:
    /// Adds or replaces a lender's display data and online state.
    void upsertLender(const LenderRow &lender, bool online);
    /// Returns true if the state changed.
    bool setLenderOnline(const QString &lenderId, bool online);
    bool isLenderOnline(const QString &lenderId) const;
    /// The address the lender's agent serves borrowers on; empty if unknown.
    QString lenderAddress(const QString &lenderId) const;
    /// Adds, updates, or (when withdrawn) removes an offer; not if the row's rev is older
    /// than the one the index has of it (rev 0: not known, applied). Returns whether it did.
    bool upsertPartition(const PartitionRow &partition);
    /// The resources a live offer has in the index, if it has that offer.
    std::optional<Resources> resourcesOf(const QString &offerId) const;
    /// The terms a live offer has in the index, if it has that offer.
    std::optional<protocol::LendingConditions> conditionsOf(const QString &offerId) const;
    void setLent(const QString &offerId, bool lent);

    /// Offers that are registered, free and whose lender is online.
    qsizetype availableCount() const;
    qsizetype offerCount() const { return m_liveCount; }

    /// S42–S44: one page of matches in order, the total, and the explanation when nothing
    /// matches.
    protocol::OfferPage search(const OfferQuery &query) const;
    /// search() as the market puts it on the wire: the page's offers as the CBOR the index
    /// keeps for each (encoded the first time it is shown after it changed), when something
    /// matches; total 0 and no offers when nothing does (search() then says why).
    struct EncodedPage {
        qint64 total = 0;
        QList<QByteArray> offers;
    };
    EncodedPage searchEncoded(const OfferQuery &query) const;
    /// The offer IDs of the first `max` matches, best first (for "borrow the best match").
    QStringList bestMatches(const OfferQuery &query, int max) const;

private:
    // Available = Live and nothing else. Unconfirmed: a rebalanced allocation the lender has
    // not confirmed it will generate (second embodiment).
    enum Flag : quint8 { Live = 1, Lent = 2, LenderOffline = 4, Unconfirmed = 8 };
    static constexpr int kOrderKeys = 6;
    static constexpr int kOverflowBit = 63;
    using Bits = std::vector<quint64>;

    // What only a result row needs.
    struct Cold {
        QString offerId;
        QString lenderId;
        QString partitionId;
        protocol::LendingConditions conditions;
    };
    struct LenderInfo {
        QString name;
        QString address;
        qint32 reliability = 100;
        bool online = false;
        std::vector<qint32> slotIds;
    };

    qint32 slotCount() const { return static_cast<qint32>(m_flags.size()); }
    void setFlags(qint32 slot, quint8 flags);
    void requirementBits(const Requirement &req, Bits &out) const;
    // Offers that are available and meet every requirement; per-requirement bitmaps too.
    Bits matchBits(const OfferQuery &query, std::vector<Bits> *perRequirement) const;
    quint64 maskFor(const QStringList &images);
    const std::vector<qint32> &permutation(const Order &order) const;
    void markOrderDirty();
    void setLenderFlag(LenderInfo &info, bool online);
    protocol::Offer offerAt(qint32 slot) const;
    const QByteArray &encodedOfferAt(qint32 slot) const;
    void forgetEncoded(const LenderInfo &lender);
    // Walks matching slots in the query's order after the first `skip` of them;
    // `visit(slot)` returns false to stop.
    template <typename Visit>
    void forEachInOrder(const Order &order, const Bits &match, qint64 skip, Visit &&visit) const;
    // Calls reserve(n) with the page's size, then visit(slot) for each offer of the query's
    // page (its offset and limit, in its order); returns how many offers match in all.
    template <typename Reserve, typename Visit>
    qint64 forEachOnPage(const OfferQuery &query, Reserve &&reserve, Visit &&visit) const;

    // Columns, one entry per slot.
    std::vector<qint64> m_rate;
    std::vector<qint64> m_timeLimit; // seconds; kNoTimeLimit for none
    std::vector<qint64> m_memory;
    std::vector<qint64> m_disk;
    std::vector<qint32> m_cpus;
    std::vector<qint16> m_reliability;
    std::vector<quint64> m_osMask;
    std::vector<quint64> m_tieBreak; // from the offer ID, so that order is the same in every process
    std::vector<quint8> m_flags;
    std::vector<qint64> m_rev; // of the row the slot was last set from; 0 = not known
    Bits m_liveBits;      // registered (not withdrawn)
    Bits m_availableBits; // live, not lent, lender online
    std::vector<Cold> m_cold;
    // offerAt(slot) as CBOR, made when first shown; emptied when the offer or its lender's
    // name, address or reliability changes (lending and freeing do not change an Offer).
    mutable std::vector<QByteArray> m_encoded;

    QHash<QString, qint32> m_slotByOffer;
    QHash<QString, LenderInfo> m_lenders;
    QHash<QString, int> m_imageBits;
    qsizetype m_liveCount = 0;
    mutable std::array<std::vector<qint32>, kOrderKeys> m_order;
    mutable std::array<bool, kOrderKeys> m_orderDirty{true, true, true, true, true, true};
    // Requirement bitmaps by (field, op, value, os), valid until the columns change.
    using RequirementKey = std::tuple<int, int, qint64, QString>;
    const Bits &cachedRequirementBits(const Requirement &r) const;
    mutable std::map<RequirementKey, Bits> m_requirementCache;
};

} // namespace lendable::market
