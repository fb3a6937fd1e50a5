#include "Registry.h"
#include "Channel.h"

#include <QHash>

namespace lendable::protocol {

const QList<MessageInfo> &allMessageInfos()
{
    static const QList<MessageInfo> infos = [] {
        QList<MessageInfo> out;
        forEachMessage([&](auto m) {
            using M = decltype(m);
            out.append({static_cast<quint32>(M::kType), QLatin1String(M::kName), QString::fromUtf8(M::kDirection),
                        QString::fromUtf8(M::kDoc), fieldInfos<M>()});
        });
        return out;
    }();
    return infos;
}

const MessageInfo *messageInfo(quint32 type)
{
    static const QHash<quint32, qsizetype> index = [] {
        QHash<quint32, qsizetype> h;
        const auto &infos = allMessageInfos();
        for (qsizetype i = 0; i < infos.size(); ++i)
            h.insert(infos[i].type, i);
        return h;
    }();
    const auto it = index.constFind(type);
    return it == index.cend() ? nullptr : &allMessageInfos()[*it];
}

QString messageName(quint32 type)
{
    const MessageInfo *info = messageInfo(type);
    return info ? info->name : QStringLiteral("unknown type %1").arg(type);
}

namespace {
QString fieldTable(const QList<FieldInfo> &fields)
{
    if (fields.isEmpty())
        return QStringLiteral("No fields.\n");
    QString out = QStringLiteral("| field | type | meaning |\n|---|---|---|\n");
    for (const FieldInfo &f : fields) {
        QString doc = f.doc;
        doc.replace(QLatin1Char('|'), QStringLiteral("\\|"));
        out += QStringLiteral("| `%1` | %2 | %3 |\n").arg(f.name, f.type, doc);
    }
    return out;
}
} // namespace

QString protocolMarkdown()
{
    QString md;
    md += QStringLiteral(
        "# Lendable protocol\n\n"
        "<!-- Generated from common/protocol/Messages.h by `lendable-protocol-doc`; "
        "do not edit by hand (`cmake --build build --target protocol-doc` rewrites it, "
        "and the test `test_protocol_doc` fails when it is stale). -->\n\n"
        "Every connection is TLS 1.3 with mutual authentication; each side pins the other by node ID "
        "(the lowercase hex SHA-256 of its DER certificate). On the connection, each frame is a 4-byte "
        "big-endian length followed by one CBOR map:\n\n"
        "| key | type | meaning |\n|---|---|---|\n"
        "| `type` | uint | message type number from the registry below |\n"
        "| `id` | uint | request ID chosen by the sender; 0 for pushes |\n"
        "| `re` | bool | present and true when the frame answers the peer's request `id` |\n"
        "| `payload` | map | the message's fields, keyed by name |\n\n"
        "A frame whose declared length exceeds the receiver's cap (16 MiB by default) is refused "
        "before its body is read, with `frame_too_large`, and the connection is closed. "
        "The client's first message is `Hello`; the service answers `Welcome` or `Error`. "
        "Every request is answered by its reply type or by `Error`. "
        "Unknown payload keys are ignored so that newer peers may add optional fields.\n\n"
        "A service reads no more requests from a client while %3 of its requests wait for their answers, "
        "or while %4 MiB of its output wait for the client to read them, and reads on once they went down "
        "(nothing is lost: the requests wait in the connection). A client that waits for its answers and "
        "reads them never meets this; one that sends requests and reads nothing is slowed down instead of "
        "growing the service's memory.\n\n"
        "A service closes a connection over which nothing has moved for %5 minutes or more (nothing came "
        "from the client, and the client read nothing of the service's), unless it owes the client an "
        "answer, and tells the client why first: an `Error` push with the code `timeout` (`--idle-timeout` of "
        "`market-manager` and `lender-console` changes the period). A client that "
        "stays connected without anything to ask sends a `Ping` now and then (this project's clients do "
        "every 10 or 15 s).\n\n"
        "Protocol version: %1 (oldest accepted: %2).\n\n")
              .arg(kProtocolVersion)
              .arg(kMinProtocolVersion)
              .arg(Channel::kMaxUnansweredRequests)
              .arg(Channel::kMaxQueuedOutputBytes / (1024 * 1024))
              .arg(kDefaultIdleTimeoutMs / 60'000);

    md += QStringLiteral("## Messages\n\n| # | message | direction |\n|---|---|---|\n");
    for (const MessageInfo &m : allMessageInfos())
        md += QStringLiteral("| %1 | [%2](#%3) | %4 |\n").arg(m.type).arg(m.name, m.name.toLower(), m.direction);
    md += QLatin1Char('\n');
    for (const MessageInfo &m : allMessageInfos()) {
        md += QStringLiteral("### %1\n\nType %2, %3. %4\n\n").arg(m.name).arg(m.type).arg(m.direction, m.doc);
        md += fieldTable(m.fields) + QLatin1Char('\n');
    }

    md += QStringLiteral("## Shared types\n\n");
    std::apply(
        [&](auto... t) {
            (
                [&] {
                    using T = decltype(t);
                    md += QStringLiteral("### %1\n\n").arg(QLatin1String(T::kName));
                    md += fieldTable(fieldInfos<T>()) + QLatin1Char('\n');
                }(),
                ...);
        },
        SharedTypes{});

    md += QStringLiteral("## Error codes\n\n| code | name |\n|---|---|\n");
    for (int c = 0; c <= 0xff; ++c) {
        const QString name = errorCodeName(static_cast<ErrorCode>(c));
        if (!name.startsWith(QStringLiteral("code_")))
            md += QStringLiteral("| %1 | `%2` |\n").arg(c).arg(name);
    }
    return md;
}

ErrorMessage toErrorMessage(const Error &error)
{
    ErrorMessage m;
    m.code = static_cast<quint32>(error.code);
    m.codeName = errorCodeName(error.code);
    m.message = error.message;
    return m;
}

Error fromErrorMessage(const ErrorMessage &message)
{
    const auto code = static_cast<ErrorCode>(message.code);
    // An unknown code from a newer peer still reads as an error, never as success.
    if (code == ErrorCode::None || errorCodeName(code).startsWith(QStringLiteral("code_")))
        return Error(ErrorCode::Internal, message.message);
    return Error(code, message.message);
}

namespace {

// A CBOR head (RFC 8949, 3.1) in its shortest form, as QCborStreamWriter writes it.
void appendCborHead(QByteArray &out, quint8 major, quint64 argument)
{
    const char type = static_cast<char>(major << 5);
    if (argument < 24) {
        out.append(static_cast<char>(type | static_cast<char>(argument)));
        return;
    }
    int bytes = 8;
    char info = 27;
    if (argument <= 0xff) {
        bytes = 1;
        info = 24;
    } else if (argument <= 0xffff) {
        bytes = 2;
        info = 25;
    } else if (argument <= 0xffffffffULL) {
        bytes = 4;
        info = 26;
    }
    out.append(static_cast<char>(type | info));
    for (int i = bytes - 1; i >= 0; --i)
        out.append(static_cast<char>((argument >> (8 * i)) & 0xff));
}

void appendCborKey(QByteArray &out, QLatin1StringView key)
{
    appendCborHead(out, 3, quint64(key.size()));
    out.append(key.data(), key.size());
}

void appendCborInteger(QByteArray &out, qint64 v)
{
    if (v >= 0)
        appendCborHead(out, 0, quint64(v));
    else
        appendCborHead(out, 1, quint64(-1 - v));
}

} // namespace

QByteArray encodeOfferPageFrame(const QList<QByteArray> &encodedOffers, qint64 total, quint64 id)
{
    qsizetype size = kFrameHeaderBytes + 64;
    for (const QByteArray &offer : encodedOffers)
        size += offer.size();
    QByteArray frame(kFrameHeaderBytes, Qt::Uninitialized);
    frame.reserve(size);
    // The envelope, in encodeMessageFrame's order: type, id, re, payload.
    appendCborHead(frame, 5, 4);
    appendCborKey(frame, QLatin1StringView("type"));
    appendCborInteger(frame, qint64(OfferPage::kType));
    appendCborKey(frame, QLatin1StringView("id"));
    appendCborHead(frame, 0, id);
    appendCborKey(frame, QLatin1StringView("re"));
    frame.append(static_cast<char>(0xf5)); // true
    appendCborKey(frame, QLatin1StringView("payload"));
    // OfferPage's fields in schema order: offers, total, explanation.
    static_assert(std::tuple_size_v<decltype(OfferPage::fields())> == 3);
    appendCborHead(frame, 5, 3);
    appendCborKey(frame, QLatin1StringView("offers"));
    appendCborHead(frame, 4, quint64(encodedOffers.size()));
    for (const QByteArray &offer : encodedOffers)
        frame.append(offer);
    appendCborKey(frame, QLatin1StringView("total"));
    appendCborInteger(frame, total);
    appendCborKey(frame, QLatin1StringView("explanation"));
    appendCborHead(frame, 4, 0);
    qToBigEndian(static_cast<quint32>(frame.size() - kFrameHeaderBytes), frame.data());
    return frame;
}

} // namespace lendable::protocol
