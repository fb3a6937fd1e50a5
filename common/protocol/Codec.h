#pragma once
// Schema-driven CBOR codec. Every payload struct lists its fields once, with a comment
// string, in `static constexpr auto fields()`; encoding, decoding, the round-trip tests and
// docs/protocol.md all come from that one list.
//
// Two encoders, one wire format: encodeSchema() builds a QCborMap (for code that wants a
// value), writeSchema() streams the same bytes straight into a QCborStreamWriter, without
// building the tree: the hot replies (a page of offers) are encoded that way
// (encodeMessageFrame() in Registry.h); a test checks both give identical bytes for every
// message.

#include "model/Money.h"
#include "model/Resources.h"
#include "util/Error.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <tuple>
#include <type_traits>

namespace lendable::protocol {

/// One field of a payload struct: wire name, member pointer, and what it means.
template <typename Owner, typename Member>
struct Field {
    const char *name;
    Member Owner::*member;
    const char *doc;
};

template <typename Owner, typename Member>
constexpr Field<Owner, Member> field(const char *name, Member Owner::*member, const char *doc)
{
    return {name, member, doc};
}

template <typename T>
concept Schema = requires { T::fields(); };

template <typename T>
struct CborTraits;

template <typename T>
concept Encodable = requires(const T &v, const QCborValue &c, T &out) {
    { CborTraits<T>::encode(v) } -> std::same_as<QCborValue>;
    { CborTraits<T>::decode(c, out) } -> std::same_as<bool>;
    { CborTraits<T>::typeName() } -> std::convertible_to<QString>;
};

template <>
struct CborTraits<bool> {
    static QCborValue encode(bool v) { return QCborValue(v); }
    static void write(QCborStreamWriter &w, bool v) { w.append(v); }
    static bool decode(const QCborValue &c, bool &out)
    {
        if (!c.isBool())
            return false;
        out = c.toBool();
        return true;
    }
    static QString typeName() { return QStringLiteral("bool"); }
    static bool sample() { return true; }
};

template <typename Int>
    requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
struct CborTraits<Int> {
    static QCborValue encode(Int v) { return QCborValue(static_cast<qint64>(v)); }
    static void write(QCborStreamWriter &w, Int v) { w.append(static_cast<qint64>(v)); }
    static bool decode(const QCborValue &c, Int &out)
    {
        if (!c.isInteger())
            return false;
        const qint64 v = c.toInteger();
        // Negative values are compared as signed: as unsigned they would look huge.
        if (v < static_cast<qint64>(std::numeric_limits<Int>::min()) || (std::is_unsigned_v<Int> && v < 0)
            || (v > 0 && static_cast<quint64>(v) > static_cast<quint64>(std::numeric_limits<Int>::max())))
            return false;
        out = static_cast<Int>(v);
        return true;
    }
    static QString typeName() { return std::is_unsigned_v<Int> ? QStringLiteral("uint") : QStringLiteral("int"); }
    static Int sample() { return static_cast<Int>(42); }
};

template <>
struct CborTraits<QString> {
    static QCborValue encode(const QString &v) { return QCborValue(v); }
    static void write(QCborStreamWriter &w, const QString &v) { w.append(QStringView(v)); }
    static bool decode(const QCborValue &c, QString &out)
    {
        if (!c.isString())
            return false;
        out = c.toString();
        return true;
    }
    static QString typeName() { return QStringLiteral("text"); }
    static QString sample() { return QStringLiteral("sample \u00e9\u65e5"); }
};

template <>
struct CborTraits<QByteArray> {
    static QCborValue encode(const QByteArray &v) { return QCborValue(v); }
    static void write(QCborStreamWriter &w, const QByteArray &v) { w.append(v); }
    static bool decode(const QCborValue &c, QByteArray &out)
    {
        if (!c.isByteArray())
            return false;
        out = c.toByteArray();
        return true;
    }
    static QString typeName() { return QStringLiteral("bytes"); }
    static QByteArray sample() { return QByteArray("\x00\x01\xfe\xff", 4); }
};

template <>
struct CborTraits<Money> {
    static QCborValue encode(Money v) { return QCborValue(v.micros()); }
    static void write(QCborStreamWriter &w, Money v) { w.append(v.micros()); }
    static bool decode(const QCborValue &c, Money &out)
    {
        if (!c.isInteger())
            return false;
        out = Money::fromMicros(c.toInteger());
        return true;
    }
    static QString typeName() { return QStringLiteral("money (int, micro-units)"); }
    static Money sample() { return Money::fromMicros(1'250'000); }
};

template <>
struct CborTraits<QStringList> {
    static QCborValue encode(const QStringList &v)
    {
        QCborArray a;
        for (const QString &s : v)
            a.append(s);
        return a;
    }
    static void write(QCborStreamWriter &w, const QStringList &v)
    {
        w.startArray(quint64(v.size()));
        for (const QString &s : v)
            w.append(QStringView(s));
        w.endArray();
    }
    static bool decode(const QCborValue &c, QStringList &out)
    {
        if (!c.isArray())
            return false;
        out.clear();
        for (const QCborValue &e : c.toArray()) {
            if (!e.isString())
                return false;
            out.append(e.toString());
        }
        return true;
    }
    static QString typeName() { return QStringLiteral("array of text"); }
    static QStringList sample() { return {QStringLiteral("busybox"), QStringLiteral("debian-12")}; }
};

template <>
struct CborTraits<QCborMap> {
    static QCborValue encode(const QCborMap &v) { return v; }
    static void write(QCborStreamWriter &w, const QCborMap &v) { v.toCborValue().toCbor(w); }
    static bool decode(const QCborValue &c, QCborMap &out)
    {
        if (!c.isMap())
            return false;
        out = c.toMap();
        return true;
    }
    static QString typeName() { return QStringLiteral("map"); }
    static QCborMap sample() { return QCborMap{{QStringLiteral("k"), 1}}; }
};

template <>
struct CborTraits<Resources> {
    static QCborValue encode(const Resources &v)
    {
        return QCborMap{{QStringLiteral("cpus"), v.cpus},
                        {QStringLiteral("memoryMib"), v.memoryMib},
                        {QStringLiteral("diskMib"), v.diskMib}};
    }
    static void write(QCborStreamWriter &w, const Resources &v)
    {
        w.startMap(3);
        w.append(QLatin1StringView("cpus"));
        w.append(qint64(v.cpus));
        w.append(QLatin1StringView("memoryMib"));
        w.append(qint64(v.memoryMib));
        w.append(QLatin1StringView("diskMib"));
        w.append(qint64(v.diskMib));
        w.endMap();
    }
    static bool decode(const QCborValue &c, Resources &out)
    {
        if (!c.isMap())
            return false;
        const QCborMap m = c.toMap();
        const QCborValue cpus = m.value(QStringLiteral("cpus"));
        const QCborValue mem = m.value(QStringLiteral("memoryMib"));
        const QCborValue disk = m.value(QStringLiteral("diskMib"));
        if (!cpus.isInteger() || !mem.isInteger() || !disk.isInteger())
            return false;
        if (cpus.toInteger() < 0 || cpus.toInteger() > 1'000'000 || mem.toInteger() < 0 || disk.toInteger() < 0)
            return false;
        out.cpus = static_cast<int>(cpus.toInteger());
        out.memoryMib = mem.toInteger();
        out.diskMib = disk.toInteger();
        return true;
    }
    static QString typeName() { return QStringLiteral("Resources {cpus: uint, memoryMib: uint, diskMib: uint}"); }
    static Resources sample() { return Resources{2, 1024, 4096}; }
};

template <Schema T>
QCborMap encodeSchema(const T &value);
template <Schema T>
void writeSchema(QCborStreamWriter &w, const T &value);
template <Schema T>
Result<T> decodeSchema(const QCborMap &map);
template <Schema T>
T sampleSchema();

template <Schema T>
struct CborTraits<T> {
    static QCborValue encode(const T &v) { return encodeSchema(v); }
    static void write(QCborStreamWriter &w, const T &v) { writeSchema(w, v); }
    static bool decode(const QCborValue &c, T &out)
    {
        if (!c.isMap())
            return false;
        Result<T> r = decodeSchema<T>(c.toMap());
        if (!r.ok())
            return false;
        out = std::move(r).value();
        return true;
    }
    static QString typeName() { return QString::fromLatin1(T::kName); }
    static T sample() { return sampleSchema<T>(); }
};

template <typename E>
struct CborTraits<QList<E>> {
    static QCborValue encode(const QList<E> &v)
    {
        QCborArray a;
        for (const E &e : v)
            a.append(CborTraits<E>::encode(e));
        return a;
    }
    static void write(QCborStreamWriter &w, const QList<E> &v)
    {
        w.startArray(quint64(v.size()));
        for (const E &e : v)
            CborTraits<E>::write(w, e);
        w.endArray();
    }
    static bool decode(const QCborValue &c, QList<E> &out)
    {
        if (!c.isArray())
            return false;
        out.clear();
        const QCborArray a = c.toArray();
        out.reserve(a.size());
        for (const QCborValue &e : a) {
            E item{};
            if (!CborTraits<E>::decode(e, item))
                return false;
            out.append(std::move(item));
        }
        return true;
    }
    static QString typeName() { return QStringLiteral("array of ") + CborTraits<E>::typeName(); }
    static QList<E> sample() { return {CborTraits<E>::sample()}; }
};

template <typename E>
struct IsOptional : std::false_type {};
template <typename E>
struct IsOptional<std::optional<E>> : std::true_type {};

template <typename E>
struct CborTraits<std::optional<E>> {
    static QCborValue encode(const std::optional<E> &v)
    {
        return v ? CborTraits<E>::encode(*v) : QCborValue(QCborValue::Null);
    }
    static void write(QCborStreamWriter &w, const std::optional<E> &v)
    {
        if (v)
            CborTraits<E>::write(w, *v);
        else
            w.append(nullptr);
    }
    static bool decode(const QCborValue &c, std::optional<E> &out)
    {
        if (c.isNull() || c.isUndefined()) {
            out.reset();
            return true;
        }
        E item{};
        if (!CborTraits<E>::decode(c, item))
            return false;
        out = std::move(item);
        return true;
    }
    static QString typeName() { return QStringLiteral("optional ") + CborTraits<E>::typeName(); }
    static std::optional<E> sample() { return CborTraits<E>::sample(); }
};

/// Calls visit(name, member) for every field of `value` in schema order, skipping absent
/// optionals: what both encoders put on the wire.
template <Schema T, typename Visit>
void forEachPresentField(const T &value, Visit &&visit)
{
    std::apply(
        [&](const auto &...f) {
            (
                [&] {
                    const auto &member = value.*(f.member);
                    using M = std::remove_cvref_t<decltype(member)>;
                    if constexpr (IsOptional<M>::value) {
                        if (!member)
                            return;
                    }
                    visit(f.name, member);
                }(),
                ...);
        },
        T::fields());
}

/// Encodes a schema struct as a CBOR map keyed by field name. Absent optionals are omitted.
template <Schema T>
QCborMap encodeSchema(const T &value)
{
    QCborMap map;
    forEachPresentField(value, [&](const char *name, const auto &member) {
        map.insert(QLatin1String(name), CborTraits<std::remove_cvref_t<decltype(member)>>::encode(member));
    });
    return map;
}

/// writeSchema(): encodeSchema()'s bytes, streamed (same keys, same order, same omissions).
template <Schema T>
void writeSchema(QCborStreamWriter &w, const T &value)
{
    quint64 present = 0;
    forEachPresentField(value, [&](const char *, const auto &) { ++present; });
    w.startMap(present);
    forEachPresentField(value, [&](const char *name, const auto &member) {
        w.append(QLatin1StringView(name));
        CborTraits<std::remove_cvref_t<decltype(member)>>::write(w, member);
    });
    w.endMap();
}

/// Decodes a schema struct; a missing required field or a wrong-typed one is a typed
/// BadPayload error naming the field. Unknown keys are ignored (newer peers may add fields).
template <Schema T>
Result<T> decodeSchema(const QCborMap &map)
{
    T value{};
    Error error;
    std::apply(
        [&](const auto &...f) {
            (
                [&] {
                    if (error.isError())
                        return;
                    auto &member = value.*(f.member);
                    using M = std::remove_cvref_t<decltype(member)>;
                    const QCborValue c = map.value(QLatin1String(f.name));
                    if (c.isUndefined()) {
                        if constexpr (!IsOptional<M>::value)
                            error = Error(ErrorCode::BadPayload,
                                          QStringLiteral("%1: missing field '%2'")
                                              .arg(QLatin1String(T::kName), QLatin1String(f.name)));
                        return;
                    }
                    if (!CborTraits<M>::decode(c, member))
                        error = Error(ErrorCode::BadPayload,
                                      QStringLiteral("%1: field '%2' is not %3")
                                          .arg(QLatin1String(T::kName), QLatin1String(f.name),
                                               CborTraits<M>::typeName()));
                }(),
                ...);
        },
        T::fields());
    if (error.isError())
        return error;
    return value;
}

/// A sample value with every field set, used by the round-trip tests of every message.
template <Schema T>
T sampleSchema()
{
    T value{};
    std::apply(
        [&](const auto &...f) {
            ((value.*(f.member) = CborTraits<std::remove_cvref_t<decltype(value.*(f.member))>>::sample()), ...);
        },
        T::fields());
    return value;
}

/// One row of the generated field documentation.
struct FieldInfo {
    QString name;
    QString type;
    QString doc;
    bool optional = false;
};

template <Schema T>
QList<FieldInfo> fieldInfos()
{
    QList<FieldInfo> out;
    std::apply(
        [&](const auto &...f) {
            (
                [&] {
                    using M = std::remove_cvref_t<decltype(std::declval<T &>().*(f.member))>;
                    out.append({QLatin1String(f.name), CborTraits<M>::typeName(), QString::fromUtf8(f.doc),
                                IsOptional<M>::value});
                }(),
                ...);
        },
        T::fields());
    return out;
}

} // namespace lendable::protocol
