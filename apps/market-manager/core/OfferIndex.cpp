#include "OfferIndex.h"

#include "protocol/Registry.h"

#include <QCoreApplication>

#include <algorithm>
#include <bit>

namespace lendable::market {

namespace {

// Offer IDs are "o-" and random hex: their first 64 bits make a tie-break every process
// agrees on.
quint64 tieBreakOf(const QString &offerId)
{
    bool ok = false;
    const quint64 v = QStringView(offerId).mid(2, 16).toULongLong(&ok, 16);
    return ok ? v : qHash(offerId);
}

void setBit(std::vector<quint64> &bits, qint32 slot, bool on)
{
    const quint64 mask = quint64(1) << (slot % 64);
    if (on)
        bits[slot / 64] |= mask;
    else
        bits[slot / 64] &= ~mask;
}

bool testBit(const std::vector<quint64> &bits, qint32 slot)
{
    return (bits[slot / 64] >> (slot % 64)) & 1;
}

// Debian builds for the x86-64 baseline, which has no POPCNT instruction: std::popcount
// became a libgcc call per word, 4 % of the event loop under market-bench. A second copy
// for CPUs with POPCNT is picked when the program loads.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
qint64 popcount(const std::vector<quint64> &bits)
{
    qint64 n = 0;
    for (quint64 w : bits)
        n += std::popcount(w);
    return n;
}

// One sequential pass over a column: bit i of the result is pred(column[i]). Written so
// that the compiler can keep the inner loop free of branches.
template <typename T, typename Pred>
void fillBits(const std::vector<T> &column, Pred pred, std::vector<quint64> &out)
{
    const size_t n = column.size();
    out.resize((n + 63) / 64);
    const T *data = column.data();
    const size_t full = n / 64;
    for (size_t w = 0; w < full; ++w) {
        // A constant trip count: the compiler unrolls and vectorises this (OfferIndex.cpp
        // is built with -O3, see CMakeLists.txt).
        const T *chunk = data + w * 64;
        quint64 bits = 0;
        for (size_t i = 0; i < 64; ++i)
            bits |= quint64(pred(chunk[i])) << i;
        out[w] = bits;
    }
    if (full < out.size()) {
        quint64 bits = 0;
        for (size_t i = 0; i < n - full * 64; ++i)
            bits |= quint64(pred(data[full * 64 + i])) << i;
        out[full] = bits;
    }
}

template <typename T>
void compareBits(const std::vector<T> &column, CompareOp op, qint64 v, std::vector<quint64> &out)
{
    switch (op) {
    case CompareOp::Ge: fillBits(column, [v](T x) { return qint64(x) >= v; }, out); return;
    case CompareOp::Gt: fillBits(column, [v](T x) { return qint64(x) > v; }, out); return;
    case CompareOp::Le: fillBits(column, [v](T x) { return qint64(x) <= v; }, out); return;
    case CompareOp::Lt: fillBits(column, [v](T x) { return qint64(x) < v; }, out); return;
    case CompareOp::Eq: fillBits(column, [v](T x) { return qint64(x) == v; }, out); return;
    case CompareOp::Ne: fillBits(column, [v](T x) { return qint64(x) != v; }, out); return;
    }
}

} // namespace

void OfferIndex::upsertLender(const LenderRow &lender, bool online)
{
    LenderInfo &info = m_lenders[lender.id];
    if (info.name != lender.name || info.address != lender.address || info.reliability != lender.reliability)
        forgetEncoded(info);
    info.name = lender.name;
    info.address = lender.address;
    if (info.reliability != lender.reliability) {
        info.reliability = lender.reliability;
        for (qint32 slot : info.slotIds)
            m_reliability[slot] = static_cast<qint16>(lender.reliability);
        m_orderDirty[static_cast<int>(OrderKey::Reliability)] = true;
        m_requirementCache.clear();
    }
    setLenderFlag(info, online);
}

bool OfferIndex::setLenderOnline(const QString &lenderId, bool online)
{
    auto it = m_lenders.find(lenderId);
    if (it == m_lenders.end() || it->online == online)
        return false;
    setLenderFlag(*it, online);
    return true;
}

bool OfferIndex::isLenderOnline(const QString &lenderId) const
{
    const auto it = m_lenders.constFind(lenderId);
    return it != m_lenders.cend() && it->online;
}

QString OfferIndex::lenderAddress(const QString &lenderId) const
{
    const auto it = m_lenders.constFind(lenderId);
    return it != m_lenders.cend() ? it->address : QString();
}

void OfferIndex::setFlags(qint32 slot, quint8 flags)
{
    const bool wasLive = m_flags[slot] & Live;
    if (wasLive != bool(flags & Live))
        m_liveCount += (flags & Live) ? 1 : -1;
    m_flags[slot] = flags;
    setBit(m_liveBits, slot, flags & Live);
    setBit(m_availableBits, slot, flags == Live);
}

void OfferIndex::setLenderFlag(LenderInfo &info, bool online)
{
    info.online = online;
    for (qint32 slot : info.slotIds)
        setFlags(slot, online ? (m_flags[slot] & ~LenderOffline) : (m_flags[slot] | LenderOffline));
}

quint64 OfferIndex::maskFor(const QStringList &images)
{
    quint64 mask = 0;
    for (const QString &name : images) {
        auto it = m_imageBits.constFind(name);
        if (it == m_imageBits.cend() && m_imageBits.size() < kOverflowBit)
            it = m_imageBits.insert(name, static_cast<int>(m_imageBits.size()));
        // More distinct image names than bits: those offers are matched by name.
        mask |= it != m_imageBits.cend() ? quint64(1) << *it : quint64(1) << kOverflowBit;
    }
    return mask;
}

void OfferIndex::markOrderDirty()
{
    m_orderDirty.fill(true);
}

bool OfferIndex::upsertPartition(const PartitionRow &p)
{
    auto found = m_slotByOffer.constFind(p.offerId);
    // A row's rev grows with each change of it, whichever process made it: one older than
    // what the index has is a state read before that (a sync or a batch answered late).
    if (found != m_slotByOffer.cend() && p.rev != 0 && p.rev < m_rev[*found])
        return false;
    if (p.withdrawn) {
        if (found != m_slotByOffer.cend()) {
            setFlags(*found, m_flags[*found] & ~Live);
            if (p.rev != 0)
                m_rev[*found] = p.rev;
        }
        return true;
    }
    LenderInfo &lender = m_lenders[p.lenderId];
    qint32 slot;
    if (found == m_slotByOffer.cend()) {
        slot = slotCount();
        m_rate.push_back(0);
        m_timeLimit.push_back(kNoTimeLimit);
        m_memory.push_back(0);
        m_disk.push_back(0);
        m_cpus.push_back(0);
        m_reliability.push_back(100);
        m_osMask.push_back(0);
        m_tieBreak.push_back(tieBreakOf(p.offerId));
        m_flags.push_back(0);
        m_rev.push_back(0);
        m_cold.emplace_back();
        m_encoded.emplace_back();
        if (m_liveBits.size() * 64 < m_flags.size()) {
            m_liveBits.push_back(0);
            m_availableBits.push_back(0);
        }
        m_slotByOffer.insert(p.offerId, slot);
        lender.slotIds.push_back(slot);
        markOrderDirty();
        m_requirementCache.clear();
    } else {
        slot = *found;
    }
    const Resources &r = p.conditions.resources;
    const qint64 rate = p.conditions.ratePerHour.micros();
    const qint64 timeLimit = p.conditions.maxDurationS > 0 ? p.conditions.maxDurationS : kNoTimeLimit;
    // A column the orders sort by changed (reliability is the lender's: set and marked with
    // it): the orders go, and the requirement bitmaps with them.
    const bool sortedColumnChanged = m_rate[slot] != rate || m_cpus[slot] != r.cpus || m_memory[slot] != r.memoryMib
                                  || m_disk[slot] != r.diskMib || m_timeLimit[slot] != timeLimit;
    if (sortedColumnChanged)
        markOrderDirty();
    const quint64 osMask = maskFor(p.conditions.osImages);
    if (sortedColumnChanged || m_osMask[slot] != osMask || m_reliability[slot] != lender.reliability
        || m_cold[slot].conditions.osImages != p.conditions.osImages)
        m_requirementCache.clear();
    m_rate[slot] = rate;
    m_timeLimit[slot] = timeLimit;
    m_cpus[slot] = r.cpus;
    m_memory[slot] = r.memoryMib;
    m_disk[slot] = r.diskMib;
    m_osMask[slot] = osMask;
    m_reliability[slot] = static_cast<qint16>(lender.reliability);
    setFlags(slot, Live | (p.isLent() ? Lent : 0) | (lender.online ? 0 : LenderOffline)
                       | (p.allocationUnconfirmed() ? Unconfirmed : 0));
    m_encoded[slot] = QByteArray();
    Cold &c = m_cold[slot];
    c.offerId = p.offerId;
    c.lenderId = p.lenderId;
    c.partitionId = p.partitionId;
    c.conditions = p.conditions;
    if (p.rev != 0)
        m_rev[slot] = p.rev;
    return true;
}

std::optional<Resources> OfferIndex::resourcesOf(const QString &offerId) const
{
    const auto found = m_slotByOffer.constFind(offerId);
    if (found == m_slotByOffer.cend() || !(m_flags[*found] & Live))
        return std::nullopt;
    return m_cold[*found].conditions.resources;
}

std::optional<protocol::LendingConditions> OfferIndex::conditionsOf(const QString &offerId) const
{
    const auto found = m_slotByOffer.constFind(offerId);
    if (found == m_slotByOffer.cend() || !(m_flags[*found] & Live))
        return std::nullopt;
    return m_cold[*found].conditions;
}

void OfferIndex::setLent(const QString &offerId, bool lent)
{
    const auto found = m_slotByOffer.constFind(offerId);
    if (found != m_slotByOffer.cend())
        setFlags(*found, lent ? (m_flags[*found] | Lent) : (m_flags[*found] & ~Lent));
}

qsizetype OfferIndex::availableCount() const
{
    return popcount(m_availableBits);
}

const std::vector<qint32> &OfferIndex::permutation(const Order &order) const
{
    const int k = static_cast<int>(order.key);
    std::vector<qint32> &perm = m_order[k];
    if (m_orderDirty[k] || perm.size() != m_flags.size()) {
        perm.resize(m_flags.size());
        for (qint32 i = 0; i < slotCount(); ++i)
            perm[i] = i;
        const auto sortBy = [&](const auto &column) {
            std::sort(perm.begin(), perm.end(), [&](qint32 a, qint32 b) {
                return column[a] != column[b] ? column[a] < column[b] : m_tieBreak[a] < m_tieBreak[b];
            });
        };
        switch (order.key) {
        case OrderKey::Rate: sortBy(m_rate); break;
        case OrderKey::Cpus: sortBy(m_cpus); break;
        case OrderKey::Memory: sortBy(m_memory); break;
        case OrderKey::Disk: sortBy(m_disk); break;
        case OrderKey::Reliability: sortBy(m_reliability); break;
        case OrderKey::TimeLimit: sortBy(m_timeLimit); break;
        }
        m_orderDirty[k] = false;
    }
    return perm;
}

void OfferIndex::requirementBits(const Requirement &r, Bits &out) const
{
    switch (r.field) {
    case OfferField::Cpus: compareBits(m_cpus, r.op, r.value, out); return;
    case OfferField::Memory: compareBits(m_memory, r.op, r.value, out); return;
    case OfferField::Disk: compareBits(m_disk, r.op, r.value, out); return;
    case OfferField::Rate: compareBits(m_rate, r.op, r.value, out); return;
    case OfferField::TimeLimit: compareBits(m_timeLimit, r.op, r.value, out); return;
    case OfferField::Reliability: compareBits(m_reliability, r.op, r.value, out); return;
    case OfferField::Os: {
        const auto it = m_imageBits.constFind(r.os);
        if (it != m_imageBits.cend()) {
            const quint64 bit = quint64(1) << *it;
            fillBits(m_osMask, [bit](quint64 m) { return (m & bit) != 0; }, out);
        } else {
            // Not one of the bit-mapped names: only offers with overflow names can have it.
            constexpr quint64 overflow = quint64(1) << kOverflowBit;
            fillBits(m_osMask, [](quint64 m) { return (m & overflow) != 0; }, out);
            for (qint32 slot = 0; slot < slotCount(); ++slot) {
                if (testBit(out, slot) && !m_cold[slot].conditions.osImages.contains(r.os))
                    setBit(out, slot, false);
            }
        }
        if (r.op == CompareOp::Ne) {
            for (quint64 &w : out)
                w = ~w;
            if (slotCount() % 64 != 0 && !out.empty())
                out.back() &= (quint64(1) << (slotCount() % 64)) - 1;
        }
        return;
    }
    }
}

const OfferIndex::Bits &OfferIndex::cachedRequirementBits(const Requirement &r) const
{
    // A requirement's bitmap depends only on the columns, which change when offers are
    // registered or altered, not when they are lent or freed (that is m_availableBits). So
    // the bitmaps of the requirements borrowers actually send (a few values each: the
    // GUI's presets, the CLI's usual sizes) are kept until the next such change, and a
    // search is then an AND of cached bitmaps instead of a scan of every offer.
    constexpr size_t kMaxCached = 256;
    const RequirementKey key{static_cast<int>(r.field), static_cast<int>(r.op), r.value, r.os};
    auto it = m_requirementCache.find(key);
    if (it != m_requirementCache.end())
        return it->second;
    if (m_requirementCache.size() >= kMaxCached)
        m_requirementCache.clear();
    Bits bits;
    requirementBits(r, bits);
    return m_requirementCache.emplace(key, std::move(bits)).first->second;
}

OfferIndex::Bits OfferIndex::matchBits(const OfferQuery &query, std::vector<Bits> *perRequirement) const
{
    Bits match = m_availableBits;
    for (const Requirement &r : query.requirements) {
        const Bits &bits = cachedRequirementBits(r);
        for (size_t w = 0; w < match.size(); ++w)
            match[w] &= bits[w];
        if (perRequirement)
            perRequirement->push_back(bits);
    }
    return match;
}

template <typename Visit>
void OfferIndex::forEachInOrder(const Order &order, const Bits &match, qint64 skip, Visit &&visit) const
{
    const std::vector<qint32> &perm = permutation(order);
    const qsizetype n = static_cast<qsizetype>(perm.size());
    const auto slotAt = [&](qsizetype p) { return order.descending ? perm[n - 1 - p] : perm[p]; };
    qsizetype p = 0;
    if (skip > 0) {
        // The matches before the page are only counted, without a branch on each (whether a
        // slot matches is a coin toss to the branch predictor, and deep pages were a fifth
        // of the event loop): eight at a time while the count stays below `skip`, then one
        // by one up to it.
        qint64 seen = 0;
        while (p + 8 <= n) {
            qint64 block = 0;
            for (int k = 0; k < 8; ++k)
                block += testBit(match, slotAt(p + k));
            if (seen + block >= skip)
                break;
            seen += block;
            p += 8;
        }
        for (; p < n && seen < skip; ++p)
            seen += testBit(match, slotAt(p));
        if (seen < skip)
            return;
    }
    for (; p < n; ++p) {
        const qint32 slot = slotAt(p);
        if (testBit(match, slot) && !visit(slot))
            return;
    }
}

protocol::Offer OfferIndex::offerAt(qint32 slot) const
{
    const Cold &c = m_cold[slot];
    protocol::Offer o;
    o.offerId = c.offerId;
    o.lenderId = c.lenderId;
    o.partitionId = c.partitionId;
    o.conditions = c.conditions;
    o.reliability = m_reliability[slot];
    const auto lender = m_lenders.constFind(c.lenderId);
    if (lender != m_lenders.cend()) {
        o.lenderName = lender->name;
        o.lenderAddress = lender->address;
    }
    return o;
}

const QByteArray &OfferIndex::encodedOfferAt(qint32 slot) const
{
    QByteArray &bytes = m_encoded[slot];
    if (bytes.isEmpty())
        bytes = protocol::encodeSchemaBytes(offerAt(slot));
    return bytes;
}

void OfferIndex::forgetEncoded(const LenderInfo &lender)
{
    for (qint32 slot : lender.slotIds)
        m_encoded[slot] = QByteArray();
}

template <typename Reserve, typename Visit>
qint64 OfferIndex::forEachOnPage(const OfferQuery &query, Reserve &&reserve, Visit &&visit) const
{
    const Bits match = matchBits(query, nullptr);
    const qint64 total = popcount(match);
    if (total > query.offset) {
        reserve(static_cast<qsizetype>(qMin(query.limit, total - query.offset)));
        qint64 taken = 0;
        forEachInOrder(query.order, match, query.offset, [&](qint32 slot) {
            visit(slot);
            return ++taken < query.limit;
        });
    }
    return total;
}

OfferIndex::EncodedPage OfferIndex::searchEncoded(const OfferQuery &query) const
{
    EncodedPage page;
    page.total = forEachOnPage(
        query, [&](qsizetype n) { page.offers.reserve(n); }, [&](qint32 slot) { page.offers.append(encodedOfferAt(slot)); });
    return page;
}

protocol::OfferPage OfferIndex::search(const OfferQuery &query) const
{
    protocol::OfferPage page;
    page.total = forEachOnPage(
        query, [&](qsizetype n) { page.offers.reserve(n); }, [&](qint32 slot) { page.offers.append(offerAt(slot)); });
    if (page.total > 0)
        return page;

    // HTCondor's -better-analyze: how many otherwise available offers each requirement
    // turns away (those that turn none away are no reason, and are left out), and how many
    // would match but are not available, by why. Only now are the per-requirement bitmaps
    // kept (the common case, a match, needs none of them).
    std::vector<Bits> perRequirement;
    matchBits(query, &perRequirement);
    for (qsizetype i = 0; i < query.requirements.size(); ++i) {
        qint64 excluded = 0;
        for (size_t w = 0; w < m_availableBits.size(); ++w)
            excluded += std::popcount(m_availableBits[w] & ~perRequirement[i][w]);
        if (excluded > 0)
            page.explanation.append(protocol::Exclusion{query.requirements[i].text, excluded});
    }
    // An offer may be unavailable for more than one reason, and counts under each.
    qint64 lent = 0, offline = 0, unconfirmed = 0;
    for (size_t w = 0; w < m_liveBits.size(); ++w) {
        quint64 bits = m_liveBits[w] & ~m_availableBits[w];
        for (const Bits &r : perRequirement)
            bits &= r[w];
        for (; bits != 0; bits &= bits - 1) {
            const quint8 flags = m_flags[w * 64 + size_t(std::countr_zero(bits))];
            lent += (flags & Lent) != 0;
            offline += (flags & LenderOffline) != 0;
            unconfirmed += (flags & Unconfirmed) != 0;
        }
    }
    // Worded in the market's language, and named by a code for the client to word in its own.
    if (lent > 0)
        page.explanation.append(protocol::Exclusion{QCoreApplication::translate("OfferIndex", "free (not lent)"), lent, QStringLiteral("free")});
    if (offline > 0)
        page.explanation.append(protocol::Exclusion{QCoreApplication::translate("OfferIndex", "lender online"), offline, QStringLiteral("online")});
    if (unconfirmed > 0)
        page.explanation.append(protocol::Exclusion{QCoreApplication::translate("OfferIndex", "allocation confirmed by the lender"), unconfirmed,
                                                    QStringLiteral("confirmed")});
    return page;
}

QStringList OfferIndex::bestMatches(const OfferQuery &query, int max) const
{
    const Bits match = matchBits(query, nullptr);
    QStringList out;
    if (max <= 0)
        return out;
    forEachInOrder(query.order, match, 0, [&](qint32 slot) {
        out.append(m_cold[slot].offerId);
        return out.size() < max;
    });
    return out;
}

} // namespace lendable::market
