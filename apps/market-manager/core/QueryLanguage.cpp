#include "QueryLanguage.h"

#include "protocol/Terms.h"

#include "model/Resources.h"

#include <QCoreApplication>

#include <array>
#include <limits>
#include <optional>

namespace lendable::market {

namespace {

struct OpSpelling {
    QStringView text;
    CompareOp op;
};
// Two-character operators first, so that ">=" is not read as ">" followed by "=2".
constexpr std::array<OpSpelling, 6> kOps{{{u">=", CompareOp::Ge},
                                          {u"<=", CompareOp::Le},
                                          {u"!=", CompareOp::Ne},
                                          {u">", CompareOp::Gt},
                                          {u"<", CompareOp::Lt},
                                          {u"=", CompareOp::Eq}}};

// Text of the user's echoed in an error, cut short: a megabyte-long token is named by its
// first characters, not sent back whole.
QString shown(const QString &text)
{
    constexpr qsizetype kShown = 40;
    if (text.size() <= kShown + 8)
        return text;
    // Not between the two halves of a character outside the BMP (an emoji, say).
    const qsizetype cut = text.at(kShown - 1).isHighSurrogate() ? kShown - 1 : kShown;
    return text.left(cut) + QStringLiteral("…");
}

Error badToken(const QString &token, const QString &why)
{
    return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("QueryLanguage", "bad query token '%1': %2").arg(shown(token), why));
}

const QString kKnownKeys = QStringLiteral("cpus, memory, disk, os, rate, reliability, time, order, limit, offset");

Result<qint64> parseWhole(const QString &token, const QString &value, qint64 max)
{
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < 0 || value.startsWith(QLatin1Char('+')))
        return badToken(token, QCoreApplication::translate("QueryLanguage", "'%1' is not a whole number").arg(shown(value)));
    if (n > max)
        return badToken(token, QCoreApplication::translate("QueryLanguage", "%1 is above the largest accepted value %2").arg(shown(value)).arg(max));
    return n;
}

Requirement numeric(OfferField field, CompareOp op, qint64 value, const QString &text)
{
    Requirement r;
    r.field = field;
    r.op = op;
    r.value = value;
    r.text = text;
    return r;
}

// Applies one token to the query being built.
Result<void> applyToken(const QString &token, OfferQuery &q, bool &orderSet, bool &limitSet, bool &offsetSet)
{
    // Split at the first operator character.
    qsizetype at = -1;
    for (qsizetype i = 0; i < token.size(); ++i) {
        const QChar c = token[i];
        if (c == u'>' || c == u'<' || c == u'=' || c == u'!') {
            at = i;
            break;
        }
    }
    if (at <= 0)
        return badToken(token, QCoreApplication::translate("QueryLanguage", "expected key, operator and value, as in cpus>=2 (keys: %1)").arg(kKnownKeys));
    const QString key = token.left(at).toLower();
    const QStringView rest = QStringView(token).mid(at);
    std::optional<CompareOp> op;
    QString value;
    for (const OpSpelling &s : kOps) {
        if (rest.startsWith(s.text)) {
            op = s.op;
            value = rest.mid(s.text.size()).toString();
            break;
        }
    }
    if (!op)
        return badToken(token, QCoreApplication::translate("QueryLanguage", "unknown operator (use >=, >, <=, <, = or !=)"));
    if (value.isEmpty())
        return badToken(token, QCoreApplication::translate("QueryLanguage", "the value is missing"));
    if (token.size() > OfferQuery::kMaxTokenChars) {
        return badToken(token, QCoreApplication::translate("QueryLanguage", "it is %1 characters long; a token has at most %2")
                                   .arg(token.size())
                                   .arg(OfferQuery::kMaxTokenChars));
    }

    const auto onlyEq = [&]() -> Result<void> {
        if (*op != CompareOp::Eq)
            return badToken(token, QCoreApplication::translate("QueryLanguage", "'%1' takes only '='").arg(shown(key)));
        return {};
    };

    if (key == u"cpus" || key == u"cpu" || key == u"vcpus") {
        Result<qint64> n = parseWhole(token, value, 1'000'000);
        if (!n)
            return n.error();
        q.requirements.append(numeric(OfferField::Cpus, *op, *n, token));
    } else if (key == u"memory" || key == u"mem" || key == u"disk") {
        Result<qint64> mib = parseSizeMib(value);
        if (!mib)
            return badToken(token, mib.error().message);
        q.requirements.append(numeric(key == u"disk" ? OfferField::Disk : OfferField::Memory, *op, *mib, token));
    } else if (key == u"rate" || key == u"price") {
        Result<Money> m = Money::parse(value);
        if (!m)
            return badToken(token, m.error().message);
        if (m->isNegative())
            return badToken(token, QCoreApplication::translate("QueryLanguage", "a rate cannot be negative"));
        q.requirements.append(numeric(OfferField::Rate, *op, m->micros(), token));
    } else if (key == u"time" || key == u"duration") {
        // The offer's time limit: how long a contract may run. "none": no limit, the longest.
        const std::optional<qint64> s = protocol::parseDurationS(value);
        if (!s)
            return badToken(token, QCoreApplication::translate("QueryLanguage", "'%1' is not a duration (as in 2h, 90m, 1d, 1:30:00 or none)")
                                       .arg(value));
        // Only "none" is no limit here: "time>0" is every offer, "time<=0" none, as they read
        // (parseDurationS() also reads "0" and an empty text as none, for a lender's field).
        const bool none = value.trimmed().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0;
        q.requirements.append(numeric(OfferField::TimeLimit, *op, none ? kNoTimeLimit : *s, token));
    } else if (key == u"reliability") {
        Result<qint64> n = parseWhole(token, value.endsWith(QLatin1Char('%')) ? value.chopped(1) : value, 100);
        if (!n)
            return n.error();
        q.requirements.append(numeric(OfferField::Reliability, *op, *n, token));
    } else if (key == u"os" || key == u"image") {
        if (*op != CompareOp::Eq && *op != CompareOp::Ne)
            return badToken(token, QCoreApplication::translate("QueryLanguage", "'os' takes only '=' or '!='"));
        Requirement r;
        r.field = OfferField::Os;
        r.op = *op;
        r.os = value;
        r.text = token;
        q.requirements.append(r);
    } else if (key == u"order" || key == u"sort") {
        if (auto e = onlyEq(); !e)
            return e;
        Result<Order> o = parseOrder(value);
        if (!o)
            return badToken(token, o.error().message);
        q.order = *o;
        orderSet = true;
    } else if (key == u"limit") {
        if (auto e = onlyEq(); !e)
            return e;
        Result<qint64> n = parseWhole(token, value, OfferQuery::kMaxLimit);
        if (!n)
            return n.error();
        if (*n == 0)
            return badToken(token, QCoreApplication::translate("QueryLanguage", "the limit must be at least 1"));
        q.limit = *n;
        limitSet = true;
    } else if (key == u"offset") {
        if (auto e = onlyEq(); !e)
            return e;
        Result<qint64> n = parseWhole(token, value, std::numeric_limits<qint32>::max());
        if (!n)
            return n.error();
        q.offset = *n;
        offsetSet = true;
    } else {
        return badToken(token, QCoreApplication::translate("QueryLanguage", "unknown key '%1' (keys: %2)").arg(shown(key), kKnownKeys));
    }
    return {};
}

Result<OfferQuery> parseText(const QString &text, bool &orderSet, bool &limitSet, bool &offsetSet)
{
    OfferQuery q;
    if (text.size() > OfferQuery::kMaxQueryChars) {
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("QueryLanguage", "the query is %1 characters long; at most %2 are accepted")
                                                     .arg(text.size())
                                                     .arg(OfferQuery::kMaxQueryChars));
    }
    // Tokens are separated by any run of white space. (A QRegularExpression built here was
    // compiled on every search: an eighth of the market's event loop under market-bench.)
    const QStringList tokens = text.simplified().split(u' ', Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        if (auto r = applyToken(token, q, orderSet, limitSet, offsetSet); !r)
            return r.error();
    }
    return q;
}

} // namespace

bool Requirement::accepts(qint64 actual) const
{
    switch (op) {
    case CompareOp::Ge: return actual >= value;
    case CompareOp::Gt: return actual > value;
    case CompareOp::Le: return actual <= value;
    case CompareOp::Lt: return actual < value;
    case CompareOp::Eq: return actual == value;
    case CompareOp::Ne: return actual != value;
    }
    return false;
}

QString Order::toString() const
{
    QString name;
    switch (key) {
    case OrderKey::Rate: name = QStringLiteral("rate"); break;
    case OrderKey::Cpus: name = QStringLiteral("cpus"); break;
    case OrderKey::Memory: name = QStringLiteral("memory"); break;
    case OrderKey::Disk: name = QStringLiteral("disk"); break;
    case OrderKey::Reliability: name = QStringLiteral("reliability"); break;
    case OrderKey::TimeLimit: name = QStringLiteral("time"); break;
    }
    return descending ? QLatin1Char('-') + name : name;
}

Result<Order> parseOrder(const QString &text)
{
    Order o;
    // Any case, as the query's keys: order=RATE is order=rate.
    const QString lower = text.toLower();
    QStringView name(lower);
    if (name.startsWith(u'-')) {
        o.descending = true;
        name = name.mid(1);
    } else if (name.startsWith(u'+')) {
        name = name.mid(1);
    }
    if (name == u"rate" || name == u"price")
        o.key = OrderKey::Rate;
    else if (name == u"cpus" || name == u"cpu" || name == u"vcpus")
        o.key = OrderKey::Cpus;
    else if (name == u"memory" || name == u"mem")
        o.key = OrderKey::Memory;
    else if (name == u"disk")
        o.key = OrderKey::Disk;
    else if (name == u"reliability")
        o.key = OrderKey::Reliability;
    else if (name == u"time" || name == u"timelimit" || name == u"time_limit")
        o.key = OrderKey::TimeLimit;
    else
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("QueryLanguage", "unknown order '%1' (use rate, cpus, memory, disk, reliability or time, '-' in front to reverse)")
                         .arg(shown(text)));
    return o;
}

Result<OfferQuery> OfferQuery::parse(const QString &text)
{
    bool orderSet = false, limitSet = false, offsetSet = false;
    return parseText(text, orderSet, limitSet, offsetSet);
}

Result<OfferQuery> OfferQuery::fromSearch(const protocol::SearchOffers &s)
{
    bool orderSet = false, limitSet = false, offsetSet = false;
    Result<OfferQuery> parsed = parseText(s.query, orderSet, limitSet, offsetSet);
    if (!parsed)
        return parsed.error();
    OfferQuery q = std::move(parsed).value();

    // Structured requirements come first so that explanations list them in field order.
    QList<Requirement> structured;
    if (s.minCpus < 0 || s.minMemoryMib < 0 || s.minDiskMib < 0 || s.minReliability < 0 || s.offset < 0 || s.limit < 0)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("QueryLanguage", "search requirements, offset and limit cannot be negative"));
    if (s.minCpus > 0)
        structured.append(numeric(OfferField::Cpus, CompareOp::Ge, s.minCpus, QStringLiteral("cpus>=%1").arg(s.minCpus)));
    if (s.minMemoryMib > 0)
        structured.append(numeric(OfferField::Memory, CompareOp::Ge, s.minMemoryMib,
                                  QStringLiteral("memory>=") + formatSizeMib(s.minMemoryMib)));
    if (s.minDiskMib > 0)
        structured.append(numeric(OfferField::Disk, CompareOp::Ge, s.minDiskMib,
                                  QStringLiteral("disk>=") + formatSizeMib(s.minDiskMib)));
    if (s.os.size() > OfferQuery::kMaxTokenChars - 3) { // as long as an os= token may be
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("QueryLanguage", "the OS image name '%1' is %2 characters long; at most %3 are accepted")
                                                     .arg(shown(s.os))
                                                     .arg(s.os.size())
                                                     .arg(OfferQuery::kMaxTokenChars - 3));
    }
    if (!s.os.isEmpty()) {
        Requirement r;
        r.field = OfferField::Os;
        r.op = CompareOp::Eq;
        r.os = s.os;
        r.text = QStringLiteral("os=") + s.os;
        structured.append(r);
    }
    if (s.maxRate) {
        if (s.maxRate->isNegative())
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("QueryLanguage", "the maximum rate cannot be negative"));
        structured.append(numeric(OfferField::Rate, CompareOp::Le, s.maxRate->micros(),
                                  QStringLiteral("rate<=") + s.maxRate->toString()));
    }
    if (s.minReliability > 0)
        structured.append(numeric(OfferField::Reliability, CompareOp::Ge, s.minReliability,
                                  QStringLiteral("reliability>=%1").arg(s.minReliability)));
    q.requirements = structured + q.requirements;

    if (!orderSet && !s.order.isEmpty()) {
        Result<Order> o = parseOrder(s.order);
        if (!o)
            return o.error();
        q.order = *o;
    }
    if (!limitSet && s.limit > 0)
        q.limit = qMin(s.limit, kMaxLimit);
    if (!offsetSet)
        q.offset = s.offset;
    return q;
}

} // namespace lendable::market
