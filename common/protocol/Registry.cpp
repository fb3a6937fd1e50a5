#include "Registry.h"

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
        "Protocol version: %1 (oldest accepted: %2).\n\n")
              .arg(kProtocolVersion)
              .arg(kMinProtocolVersion);

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

} // namespace lendable::protocol
