#pragma once
// The borrower's search language (FIG. 8, S41 "borrowing requirements"): whitespace-separated
// tokens `key op value`, e.g. `cpus>=2 memory>=1G os=busybox rate<=1.5 order=rate limit=10`.
// The structured fields of SearchOffers turn into the same requirements, so the index, the
// "nothing matches" explanation and "borrow the best match" see one representation.

#include "model/Money.h"
#include "protocol/Messages.h"
#include "util/Error.h"

#include <QList>
#include <QString>

#include <limits>

namespace lendable::market {

/// What a requirement constrains.
/// TimeLimit: the longest a contract may run, in seconds; no limit counts as the longest of
/// all (kNoTimeLimit), so that `time>=2h` keeps offers without one.
enum class OfferField { Cpus, Memory, Disk, Rate, Reliability, Os, TimeLimit };
inline constexpr qint64 kNoTimeLimit = std::numeric_limits<qint64>::max();

enum class CompareOp { Ge, Gt, Le, Lt, Eq, Ne };

/// One requirement; `text` is how the borrower wrote it (`cpus>=4`), used in explanations.
struct Requirement {
    OfferField field = OfferField::Cpus;
    CompareOp op = CompareOp::Ge;
    qint64 value = 0;   ///< cpus, MiB, micro-units per hour or percent
    QString os;         ///< for OfferField::Os (op Eq or Ne)
    QString text;

    bool operator==(const Requirement &) const = default;
    /// Whether `actual` satisfies the numeric comparison.
    bool accepts(qint64 actual) const;
};

/// Sort keys; `descending` flips the natural order. Ties are broken by offer ID so that
/// paging is stable. TimeLimit puts offers without a limit after every limit.
enum class OrderKey { Rate, Cpus, Memory, Disk, Reliability, TimeLimit };

struct Order {
    OrderKey key = OrderKey::Rate;
    bool descending = false;
    bool operator==(const Order &) const = default;
    /// `rate`, `-cpus`, …
    QString toString() const;
};

/// A parsed search: every requirement, the order and the page wanted.
struct OfferQuery {
    static constexpr qint64 kDefaultLimit = 100;
    static constexpr qint64 kMaxLimit = 1000;
    /// Longer query texts and tokens are refused (InvalidArgument) before any is read: no
    /// requirement needs more, and every requirement is echoed in "why nothing matches".
    static constexpr qsizetype kMaxQueryChars = 4096;
    static constexpr qsizetype kMaxTokenChars = 256;

    QList<Requirement> requirements;
    Order order;
    qint64 offset = 0;
    qint64 limit = kDefaultLimit;

    /// Parses query-language text alone. A bad token is InvalidArgument naming the token.
    static Result<OfferQuery> parse(const QString &text);
    /// Combines SearchOffers' structured fields with its query text (both apply; the text's
    /// order/limit/offset win over the structured ones when given).
    static Result<OfferQuery> fromSearch(const protocol::SearchOffers &search);
};

/// Parses one `order=` value: `rate`, `-rate`, `cpus`, `-cpus`, `memory`, `-memory`,
/// `disk`, `-disk`, `reliability`, `-reliability`, `time`, `-time` (the time limit).
Result<Order> parseOrder(const QString &text);

} // namespace lendable::market
