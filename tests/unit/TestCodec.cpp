// Frames and messages: every registered type round-trips; truncated, oversized,
// wrong-typed and random input gives typed errors and never crashes.

#include "protocol/Dispatcher.h"
#include "protocol/LocalChannel.h"
#include "protocol/Registry.h"
#include "protocol/RequestId.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QtEndian>

using namespace lendable;
using namespace lendable::protocol;

class TestCodec : public QObject {
    Q_OBJECT
private slots:
    void registryNumbersAndNamesAreUnique();
    void everyMessageRoundTrips();
    void everyMessageRoundTripsByteByByte();
    void streamedEncodingIsByteIdentical();
    void offerPageFrameIsByteIdentical();
    void missingFieldIsNamed();
    void wrongTypedFieldIsNamed();
    void optionalFieldsMayBeAbsent();
    void runningContractEarnsByTheMillisecond();
    void unknownKeysAreIgnored();
    void integerOutOfRangeIsRefused();
    void truncatedFramesWaitForMore();
    void oversizedFrameIsRefusedBeforeItsBody();
    void zeroLengthFrameIsMalformed();
    void nonMapAndTrailingBytesAreMalformed();
    void envelopeFieldsAreChecked();
    void frameHeadAgreesWithTheDecoder();
    void readerStaysFailedAfterAnError();
    void randomFramesNeverCrash();
    void dispatcherAnswersUnknownTypesAndBadPayloads();
    void serviceRequiresHelloFirst();
    void borrowRequestIdsGrowWithTime();
};

void TestCodec::registryNumbersAndNamesAreUnique()
{
    QSet<quint32> numbers;
    QSet<QString> names;
    for (const MessageInfo &m : allMessageInfos()) {
        QVERIFY2(!numbers.contains(m.type), qPrintable(QStringLiteral("duplicate number %1").arg(m.type)));
        QVERIFY2(!names.contains(m.name), qPrintable(QStringLiteral("duplicate name %1").arg(m.name)));
        numbers.insert(m.type);
        names.insert(m.name);
        QVERIFY2(!m.doc.isEmpty(), qPrintable(m.name));
        for (const FieldInfo &f : m.fields)
            QVERIFY2(!f.doc.isEmpty(), qPrintable(m.name + QLatin1Char('.') + f.name));
        QVERIFY(messageInfo(m.type) != nullptr);
        QCOMPARE(messageInfo(m.type)->name, m.name);
    }
    QVERIFY(messageInfo(0xfffe) == nullptr);
    QCOMPARE(static_cast<int>(std::tuple_size_v<AllMessages>), allMessageInfos().size());
}

void TestCodec::everyMessageRoundTrips()
{
    int count = 0;
    forEachMessage([&](auto m) {
        using M = decltype(m);
        const M sample = CborTraits<M>::sample();
        const QByteArray frame = encodeFrame(makeEnvelope(sample, 99, true));
        FrameReader reader;
        reader.append(frame);
        Result<std::optional<Envelope>> env = reader.next();
        QVERIFY2(env.ok(), qPrintable(QLatin1String(M::kName)));
        QVERIFY(env->has_value());
        QCOMPARE((*env)->id, quint64(99));
        QVERIFY((*env)->reply);
        Result<M> back = decodeMessage<M>(**env);
        QVERIFY2(back.ok(), qPrintable(QLatin1String(M::kName) + (back.ok() ? QString() : back.error().message)));
        QVERIFY2(*back == sample, M::kName);
        // A default-constructed message round-trips as well (empty strings, zeros, no optionals).
        Result<M> empty = decodeMessage<M>(decodeFrameBody(encodeFrame(makeEnvelope(M{})).mid(4)).value());
        QVERIFY2(empty.ok() && *empty == M{}, M::kName);
        ++count;
    });
    QCOMPARE(count, allMessageInfos().size());
}

void TestCodec::everyMessageRoundTripsByteByByte()
{
    QByteArray stream;
    forEachMessage([&](auto m) { stream += encodeFrame(makeEnvelope(CborTraits<decltype(m)>::sample(), 1)); });
    FrameReader reader;
    int frames = 0;
    for (char c : std::as_const(stream)) {
        reader.append(QByteArrayView(&c, 1));
        for (;;) {
            Result<std::optional<Envelope>> env = reader.next();
            QVERIFY(env.ok());
            if (!env->has_value())
                break;
            ++frames;
        }
    }
    QCOMPARE(frames, allMessageInfos().size());
    QCOMPARE(reader.bufferedBytes(), 0);
}

void TestCodec::streamedEncodingIsByteIdentical()
{
    // The streamed encoder (used for replies and pushes) and the tree encoder must agree to
    // the byte, for every message: with every field set, with optionals absent, with
    // non-ASCII text, as request, reply and push.
    int checked = 0;
    forEachMessage([&](auto m) {
        using M = decltype(m);
        const M full = CborTraits<M>::sample();
        const M empty{};
        for (const auto &[id, reply] : {std::pair<quint64, bool>{0, false}, {1, false}, {4'294'967'296ULL, true}}) {
            QCOMPARE(encodeMessageFrame(full, id, reply), encodeFrame(makeEnvelope(full, id, reply)));
            QCOMPARE(encodeMessageFrame(empty, id, reply), encodeFrame(makeEnvelope(empty, id, reply)));
        }
        // And it decodes to the same value.
        const QByteArray frame = encodeMessageFrame(full, 9, true);
        Result<Envelope> env = decodeFrameBody(QByteArrayView(frame).sliced(kFrameHeaderBytes));
        QVERIFY(env.ok());
        Result<M> back = decodeMessage<M>(*env);
        QVERIFY(back.ok());
        QCOMPARE(encodeFrame(makeEnvelope(*back, 9, true)), frame);
        ++checked;
    });
    QVERIFY(checked > 30);
}

void TestCodec::offerPageFrameIsByteIdentical()
{
    // The market copies its replies to searches together from offers encoded one by one;
    // they must be the bytes the schema encoder makes, at every size of CBOR head.
    Offer sample = CborTraits<Offer>::sample();
    sample.lenderName = QStringLiteral("Zürich 東京 lender");
    for (qsizetype count : {0, 1, 23, 24, 255, 256, 300}) {
        for (qint64 total : {qint64(0), qint64(23), qint64(24), qint64(65'536), qint64(5'000'000'000)}) {
            for (quint64 id : {quint64(1), quint64(23), quint64(24), quint64(70'000), 4'294'967'296ULL}) {
                OfferPage page;
                page.total = total;
                QList<QByteArray> encoded;
                for (qsizetype i = 0; i < count; ++i) {
                    Offer o = sample;
                    o.offerId = QStringLiteral("o-%1").arg(i);
                    o.reliability = static_cast<qint32>(i % 101);
                    page.offers.append(o);
                    encoded.append(encodeSchemaBytes(o));
                }
                QCOMPARE(encodeOfferPageFrame(encoded, total, id), encodeMessageFrame(page, id, true));
            }
        }
    }
}

void TestCodec::missingFieldIsNamed()
{
    Envelope e = makeEnvelope(CborTraits<SubmitJob>::sample(), 1);
    e.payload.remove(QStringLiteral("key"));
    Result<SubmitJob> r = decodeMessage<SubmitJob>(e);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::BadPayload);
    QVERIFY2(r.error().message.contains(QStringLiteral("'key'")), qPrintable(r.error().message));
}

void TestCodec::wrongTypedFieldIsNamed()
{
    // Replace each field of each message by a value of the wrong CBOR type in turn.
    forEachMessage([&](auto m) {
        using M = decltype(m);
        for (const FieldInfo &f : fieldInfos<M>()) {
            Envelope e = makeEnvelope(CborTraits<M>::sample(), 1);
            const QCborValue original = e.payload.value(f.name);
            // A wrong type for anything: a float where no field takes floats, or a map where a scalar is.
            e.payload.insert(f.name, original.isMap() ? QCborValue(1.5) : QCborValue(QCborMap{{1, 2}}));
            Result<M> r = decodeMessage<M>(e);
            QVERIFY2(!r.ok(), qPrintable(QLatin1String(M::kName) + QLatin1Char('.') + f.name));
            QCOMPARE(r.error().code, ErrorCode::BadPayload);
            QVERIFY2(r.error().message.contains(f.name), qPrintable(r.error().message));
        }
    });
}

void TestCodec::optionalFieldsMayBeAbsent()
{
    JobStateChanged s;
    s.jobId = QStringLiteral("j1");
    s.state = QStringLiteral("running");
    const Envelope e = makeEnvelope(s);
    QVERIFY(!e.payload.contains(QStringLiteral("exitCode")));
    Result<JobStateChanged> back = decodeMessage<JobStateChanged>(e);
    QVERIFY(back.ok());
    QVERIFY(!back->exitCode.has_value());
    s.exitCode = 3;
    back = decodeMessage<JobStateChanged>(makeEnvelope(s));
    QVERIFY(back.ok());
    QCOMPARE(back->exitCode.value_or(-1), 3);
}

void TestCodec::runningContractEarnsByTheMillisecond()
{
    PartitionState p;
    QVERIFY(!p.contractEarnedSoFar(1'000'000)); // not lent, or an older agent
    p.contractStartedAtMs = 1'000'000;
    QVERIFY(!p.contractEarnedSoFar(2'000'000)); // a start without a rate says nothing
    p.contractRatePerHour = Money::fromMicros(3'600'000); // 3.6 per hour = 1 micro-unit per ms
    QCOMPARE(p.contractEarnedSoFar(1'000'000), std::optional<Money>(Money::fromMicros(0)));
    QCOMPARE(p.contractEarnedSoFar(1'001'500), std::optional<Money>(Money::fromMicros(1'500)));
    QCOMPARE(p.contractEarnedSoFar(1'000'000 + 3'600'000), std::optional<Money>(Money::fromMicros(3'600'000)));
    // A clock behind the market's start earns nothing rather than a negative amount.
    QCOMPARE(p.contractEarnedSoFar(999'000), std::optional<Money>(Money::fromMicros(0)));
}

void TestCodec::unknownKeysAreIgnored()
{
    Envelope e = makeEnvelope(CborTraits<Hello>::sample());
    e.payload.insert(QStringLiteral("fromTheFuture"), 1);
    QVERIFY(decodeMessage<Hello>(e).ok());
}

void TestCodec::integerOutOfRangeIsRefused()
{
    Envelope e = makeEnvelope(CborTraits<Hello>::sample());
    e.payload.insert(QStringLiteral("protocolVersion"), qint64(-1)); // quint32 field
    QVERIFY(!decodeMessage<Hello>(e).ok());
    e.payload.insert(QStringLiteral("protocolVersion"), qint64(1) << 40);
    QVERIFY(!decodeMessage<Hello>(e).ok());
    Envelope r = makeEnvelope(CborTraits<RegisterPartition>::sample());
    QCborMap cond = r.payload.value(QStringLiteral("conditions")).toMap();
    cond.insert(QStringLiteral("resources"),
                QCborMap{{QStringLiteral("cpus"), -2}, {QStringLiteral("memoryMib"), 1}, {QStringLiteral("diskMib"), 1}});
    r.payload.insert(QStringLiteral("conditions"), cond);
    QVERIFY(!decodeMessage<RegisterPartition>(r).ok());

    // Negative values of signed fields are in range (a date before 1970 in ListBills.sinceMs,
    // a job's exit code): they decode as what they are.
    for (const qint64 since : {qint64(-2'208'988'800'000), qint64(-1), std::numeric_limits<qint64>::min()}) {
        const Result<ListBills> bills = decodeMessage<ListBills>(makeEnvelope(ListBills{.sinceMs = since}));
        QVERIFY2(bills.ok(), qPrintable(bills.error().toString()));
        QCOMPARE(bills->sinceMs, since);
    }
    const Result<JobStateChanged> negative =
        decodeMessage<JobStateChanged>(makeEnvelope(JobStateChanged{.jobId = QStringLiteral("j"), .state = QStringLiteral("failed"),
                                                                    .exitCode = -1, .message = {}}));
    QVERIFY2(negative.ok(), qPrintable(negative.error().toString()));
    QCOMPARE(negative->exitCode, std::optional<qint32>(-1));
    Envelope below = makeEnvelope(JobStateChanged{.jobId = QStringLiteral("j"), .state = QStringLiteral("failed"), .exitCode = 0, .message = {}});
    below.payload.insert(QStringLiteral("exitCode"), qint64(std::numeric_limits<qint32>::min()) - 1);
    QVERIFY(!decodeMessage<JobStateChanged>(below).ok());
}

void TestCodec::truncatedFramesWaitForMore()
{
    const QByteArray frame = encodeFrame(makeEnvelope(CborTraits<ContractGranted>::sample(), 5));
    for (qsizetype n = 0; n < frame.size(); ++n) {
        FrameReader reader;
        reader.append(QByteArrayView(frame).first(n));
        Result<std::optional<Envelope>> env = reader.next();
        QVERIFY(env.ok());
        QVERIFY(!env->has_value());
        QVERIFY(reader.bytesWanted() > 0);
    }
    // A truncated body inside a correct header is a malformed frame, not a crash.
    QByteArray cut = frame.left(frame.size() - 3);
    qToBigEndian(static_cast<quint32>(cut.size() - 4), cut.data());
    FrameReader reader;
    reader.append(cut);
    Result<std::optional<Envelope>> env = reader.next();
    QVERIFY(!env.ok());
    QCOMPARE(env.error().code, ErrorCode::MalformedFrame);
}

void TestCodec::oversizedFrameIsRefusedBeforeItsBody()
{
    FrameReader reader(1024);
    QByteArray header(4, Qt::Uninitialized);
    qToBigEndian(quint32(1025), header.data());
    reader.append(header);
    Result<std::optional<Envelope>> env = reader.next();
    QVERIFY(!env.ok());
    QCOMPARE(env.error().code, ErrorCode::FrameTooLarge);
    // Nothing of the body is kept, whatever follows.
    reader.append(QByteArray(4096, 'x'));
    QCOMPARE(reader.bufferedBytes(), 0);
    QCOMPARE(reader.bytesWanted(), 0);

    FrameReader huge;
    qToBigEndian(quint32(0xffffffff), header.data());
    huge.append(header);
    QCOMPARE(huge.next().error().code, ErrorCode::FrameTooLarge);
}

void TestCodec::zeroLengthFrameIsMalformed()
{
    FrameReader reader;
    reader.append(QByteArray(4, '\0'));
    QCOMPARE(reader.next().error().code, ErrorCode::MalformedFrame);
}

void TestCodec::nonMapAndTrailingBytesAreMalformed()
{
    QCOMPARE(decodeFrameBody(QCborValue(5).toCbor()).error().code, ErrorCode::MalformedFrame);
    QCOMPARE(decodeFrameBody(QCborArray{1, 2}.toCborValue().toCbor()).error().code, ErrorCode::MalformedFrame);
    QByteArray body = encodeFrame(makeEnvelope(Ack{})).mid(4);
    QVERIFY(decodeFrameBody(body).ok());
    QCOMPARE(decodeFrameBody(QByteArray(body + QByteArray("\x01"))).error().code, ErrorCode::MalformedFrame);
    QCOMPARE(decodeFrameBody(QByteArray("\xff\xff\xff")).error().code, ErrorCode::MalformedFrame);
}

void TestCodec::envelopeFieldsAreChecked()
{
    auto bodyOf = [](const QCborMap &m) { return m.toCborValue().toCbor(); };
    const QCborMap payload;
    QCOMPARE(decodeFrameBody(bodyOf({{QStringLiteral("id"), 1}, {QStringLiteral("payload"), payload}})).error().code,
             ErrorCode::MalformedFrame); // no type
    QCOMPARE(decodeFrameBody(bodyOf({{QStringLiteral("type"), QStringLiteral("Hello")},
                                     {QStringLiteral("id"), 1},
                                     {QStringLiteral("payload"), payload}}))
                 .error()
                 .code,
             ErrorCode::MalformedFrame); // type by name: dispatch is on numbers only
    QCOMPARE(decodeFrameBody(bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), -1}, {QStringLiteral("payload"), payload}}))
                 .error()
                 .code,
             ErrorCode::MalformedFrame);
    QCOMPARE(decodeFrameBody(bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), 1}, {QStringLiteral("payload"), 3}}))
                 .error()
                 .code,
             ErrorCode::MalformedFrame);
    QCOMPARE(decodeFrameBody(bodyOf({{QStringLiteral("type"), 1},
                                     {QStringLiteral("id"), 0},
                                     {QStringLiteral("re"), true},
                                     {QStringLiteral("payload"), payload}}))
                 .error()
                 .code,
             ErrorCode::MalformedFrame); // a reply to nothing
    // Decoding as the wrong message type is typed too.
    QCOMPARE(decodeMessage<Welcome>(makeEnvelope(Hello{})).error().code, ErrorCode::BadPayload);
}

void TestCodec::frameHeadAgreesWithTheDecoder()
{
    // Every message, as request, push and reply: the same head as the decoder reads.
    quint64 id = 0;
    forEachMessage([&](auto m) {
        for (int kind = 0; kind < 3; ++kind) {
            Envelope e = makeEnvelope(decltype(m){});
            e.id = kind == 1 ? 0 : ++id * 0x1'0000'0001ULL;
            e.reply = kind == 2;
            const QByteArray body = encodeFrame(e).mid(kFrameHeaderBytes);
            Result<FrameHead> head = peekFrameHead(body);
            QVERIFY2(head.ok(), qPrintable(head.ok() ? QString() : head.error().toString()));
            QCOMPARE(head->type, e.type);
            QCOMPARE(head->id, e.id);
            QCOMPARE(head->reply, e.reply);
        }
    });

    // What the decoder refuses for its head, the head refuses, with the same code.
    const auto bodyOf = [](const QCborMap &m) { return m.toCborValue().toCbor(); };
    const QCborMap payload;
    const QByteArray ack = encodeFrame(makeEnvelope(Ack{})).mid(kFrameHeaderBytes);
    const QList<QByteArray> bad{
        QByteArray(),
        QCborValue(5).toCbor(),
        QCborArray{1, 2}.toCborValue().toCbor(),
        QByteArray("\xff\xff\xff"),
        bodyOf({{QStringLiteral("id"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), 1}}),
        bodyOf({{QStringLiteral("type"), QStringLiteral("Hello")}, {QStringLiteral("id"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 0}, {QStringLiteral("id"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 0x10000}, {QStringLiteral("id"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), -1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), 1}, {QStringLiteral("payload"), 3}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), 1}, {QStringLiteral("re"), 1}, {QStringLiteral("payload"), payload}}),
        bodyOf({{QStringLiteral("type"), 1}, {QStringLiteral("id"), 0}, {QStringLiteral("re"), true}, {QStringLiteral("payload"), payload}}),
    };
    for (const QByteArray &body : bad) {
        const Result<Envelope> decoded = decodeFrameBody(body);
        QVERIFY2(!decoded.ok(), body.toHex().constData());
        const Result<FrameHead> head = peekFrameHead(body);
        QVERIFY2(!head.ok(), body.toHex().constData());
        QCOMPARE(head.error().code, ErrorCode::MalformedFrame);
    }

    // The payload, and what follows it, are left to the reader of the body.
    QVERIFY(!decodeFrameBody(ack + QByteArray("\x01")).ok());
    QVERIFY(peekFrameHead(ack + QByteArray("\x01")).ok());

    // Unknown keys are skipped; the first of duplicate keys counts, as in QCborMap::value().
    QCborMap extra{{QStringLiteral("type"), 7}, {QStringLiteral("id"), 9}, {QStringLiteral("x"), QCborArray{1, QCborMap{{1, 2}}}},
                   {QStringLiteral("payload"), payload}};
    Result<FrameHead> head = peekFrameHead(bodyOf(extra));
    QVERIFY(head.ok());
    QCOMPARE(head->type, 7u);
    QCOMPARE(head->id, 9u);
    QByteArray dup = bodyOf(extra);
    // Append a second "type" (7 -> 5 entries in the map's head byte 0xa4 -> 0xa5).
    QCOMPARE(quint8(dup[0]), quint8(0xa4));
    dup[0] = char(0xa5);
    dup += QCborValue(QStringLiteral("type")).toCbor() + QCborValue(8).toCbor();
    QCOMPARE(decodeFrameBody(dup).value().type, 7u);
    QCOMPARE(peekFrameHead(dup).value().type, 7u);
}

void TestCodec::readerStaysFailedAfterAnError()
{
    FrameReader reader;
    reader.append(QByteArray(4, '\0'));
    QVERIFY(!reader.next().ok());
    reader.append(encodeFrame(makeEnvelope(Ack{})));
    QVERIFY(!reader.next().ok());
    QVERIFY(reader.failed());
}

void TestCodec::randomFramesNeverCrash()
{
    QRandomGenerator rng(20261125);
    QList<QByteArray> seeds;
    forEachMessage([&](auto m) { seeds.append(encodeFrame(makeEnvelope(CborTraits<decltype(m)>::sample(), 3))); });
    int decoded = 0;
    for (int round = 0; round < 20000; ++round) {
        QByteArray bytes;
        if (round % 2 == 0) {
            bytes.resize(rng.bounded(64));
            for (char &c : bytes)
                c = static_cast<char>(rng.bounded(256));
        } else {
            // Mutate a valid frame: flip bytes of the body, keep or break the header.
            bytes = seeds[rng.bounded(seeds.size())];
            const int flips = 1 + rng.bounded(4);
            for (int i = 0; i < flips; ++i)
                bytes[rng.bounded(bytes.size())] = static_cast<char>(rng.bounded(256));
        }
        FrameReader reader(64 * 1024);
        reader.append(bytes);
        for (int i = 0; i < 4; ++i) {
            Result<std::optional<Envelope>> env = reader.next();
            if (!env.ok() || !env->has_value())
                break;
            forEachMessage([&](auto m) {
                if ((*env)->type == static_cast<quint32>(decltype(m)::kType) && decodeMessage<decltype(m)>(**env).ok())
                    ++decoded;
            });
        }
    }
    QVERIFY(decoded > 0); // some mutations leave a frame valid, and those decode
}

void TestCodec::dispatcherAnswersUnknownTypesAndBadPayloads()
{
    HandshakeConfig clientConfig;
    clientConfig.localRole = QStringLiteral("borrower");
    HandshakeConfig serviceConfig;
    serviceConfig.localRole = QStringLiteral("market");
    auto [client, service] = LocalChannel::createPair(QString(64, QLatin1Char('a')), clientConfig,
                                                      QString(64, QLatin1Char('b')), serviceConfig, this);
    Dispatcher dispatcher;
    dispatcher.onCall<EndContract, ContractClosed>([](const EndContract &e, const RequestContext &) -> Result<ContractClosed> {
        return Error(ErrorCode::NotFound, QStringLiteral("no contract %1").arg(e.contractId));
    });
    dispatcher.attach(service);
    QVERIFY(client->waitEstablished(5000).ok());
    QCOMPARE(client->peerRole(), QStringLiteral("market"));

    Result<ContractClosed> notFound = client->call<ContractClosed>(EndContract{.contractId = QStringLiteral("c-404")});
    QVERIFY(!notFound.ok());
    QCOMPARE(notFound.error().code, ErrorCode::NotFound);
    QVERIFY(notFound.error().message.contains(QStringLiteral("c-404")));

    // A registered type the service does not handle.
    Result<OfferPage> unsupported = client->call<OfferPage>(SearchOffers{});
    QCOMPARE(unsupported.error().code, ErrorCode::Unsupported);

    // A number outside the registry and a payload of the wrong shape, sent raw.
    auto rawCall = [&](const Envelope &e) -> Error {
        std::optional<Result<Envelope>> out;
        client->requestRaw(e, this, [&](Result<Envelope> r) { out.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000) || !out->ok()
            || (*out)->type != static_cast<quint32>(MessageType::Error))
            return Error();
        return fromErrorMessage(decodeMessage<ErrorMessage>(**out).value());
    };
    QCOMPARE(rawCall(Envelope{0xbeef, 0, false, {}}).code, ErrorCode::UnknownMessageType);
    const Error bad = rawCall(Envelope{static_cast<quint32>(MessageType::EndContract), 0, false,
                                       QCborMap{{QStringLiteral("contractId"), 5}}});
    QCOMPARE(bad.code, ErrorCode::BadPayload);
    QVERIFY(bad.message.contains(QStringLiteral("contractId")));

    // Ping is answered by the channel itself.
    Result<Pong> pong = client->call<Pong>(Ping{.sentAtMs = 17});
    QVERIFY(pong.ok());
    QCOMPARE(pong->sentAtMs, qint64(17));
    // The channel is still usable after all of that.
    QVERIFY(client->isEstablished());
}

void TestCodec::serviceRequiresHelloFirst()
{
    HandshakeConfig config;
    config.localRole = QStringLiteral("market");
    config.acceptedRoles = {QStringLiteral("borrower")};
    HandshakeConfig lenderConfig;
    lenderConfig.localRole = QStringLiteral("lender");
    auto [client, service] = LocalChannel::createPair(QString(64, QLatin1Char('a')), lenderConfig,
                                                      QString(64, QLatin1Char('b')), config, this);
    Q_UNUSED(service);
    const Result<void> r = client->waitEstablished(5000);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::RoleRefused);
}

void TestCodec::borrowRequestIdsGrowWithTime()
{
    // 32 hex digits, the first 12 the time in ms: later IDs sort after earlier ones (the
    // market's index takes them at its end), and no two are alike.
    const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    QSet<QString> seen;
    QString previous;
    for (int i = 0; i < 2000; ++i) {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString id = newBorrowRequestId();
        QVERIFY2(hex.match(id).hasMatch(), qPrintable(id));
        const qint64 at = id.left(12).toLongLong(nullptr, 16);
        QVERIFY(at >= before && at <= QDateTime::currentMSecsSinceEpoch());
        QVERIFY(previous.left(12) <= id.left(12));
        QVERIFY(!seen.contains(id));
        seen.insert(id);
        previous = id;
        if (i % 500 == 0)
            QTest::qSleep(2);
    }
}

QTEST_GUILESS_MAIN(TestCodec)
#include "TestCodec.moc"
