// The borrower's local store, its key files and the offline receipt check.

#include "BorrowerStore.h"
#include "KeyFile.h"
#include "protocol/ReceiptJson.h"

#include "identity/Identity.h"
#include "storage/Database.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lendable;
using namespace lendable::borrower;
using namespace lendable::protocol;

namespace {
ContractRecord sampleContract()
{
    ContractRecord c;
    c.contractId = QStringLiteral("c-42");
    c.marketId = QString(64, QLatin1Char('a'));
    c.marketAddress = QStringLiteral("127.0.0.1:7400");
    c.lenderId = QString(64, QLatin1Char('b'));
    c.lenderAddress = QStringLiteral("127.0.0.1:7401");
    c.partitionId = QStringLiteral("p-1");
    c.ratePerHour = Money::fromMicros(1'250'000);
    c.startedAtMs = 1'700'000'000'000;
    c.osImages = {QStringLiteral("busybox"), QStringLiteral("debian-12")};
    c.maxDurationS = 7200;
    return c;
}

protocol::Receipt signedReceipt(const Identity &market)
{
    protocol::Receipt r;
    r.contractId = QStringLiteral("c-42");
    r.marketId = market.nodeId();
    r.borrowerId = QString(64, QLatin1Char('c'));
    r.lenderId = QString(64, QLatin1Char('b'));
    r.partitionId = QStringLiteral("p-1");
    r.ratePerHour = Money::fromMicros(1'250'000);
    r.startedAtMs = 1'700'000'000'000;
    r.endedAtMs = 1'700'000'090'123;
    r.charge = Money::charge(r.ratePerHour, r.endedAtMs - r.startedAtMs).value();
    r.marketCertificate = market.certificatePem();
    r.signature = market.sign(canonicalReceiptBytes(r)).value();
    return r;
}
} // namespace

class TestBorrowerStore : public QObject {
    Q_OBJECT
private slots:
    void contractsRoundTripAndSurviveReopening()
    {
        QTemporaryDir dir;
        ContractRecord c = sampleContract();
        {
            Result<BorrowerStore> store = BorrowerStore::open(dir.path());
            QVERIFY2(store.ok(), qPrintable(store.error().message));
            QVERIFY(store->saveContract(c).ok());
        }
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        QVERIFY(store.ok());
        Result<ContractRecord> back = store->contract(QStringLiteral("c-42"));
        QVERIFY2(back.ok(), qPrintable(back.error().message));
        QCOMPARE(*back, c);
        QVERIFY(!back->isEnded());

        const Identity market = Identity::generate(QStringLiteral("m"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                   QDateTime::currentDateTimeUtc().addDays(1))
                                    .value();
        const protocol::Receipt end = signedReceipt(market);
        QVERIFY(store->markContractEnded(c.contractId, end.endedAtMs, end.charge, end).ok());
        back = store->contract(c.contractId);
        QVERIFY(back->isEnded());
        QCOMPARE(back->charge, end.charge);
        QVERIFY(back->endReceipt.has_value());
        QCOMPARE(*back->endReceipt, end);
        QCOMPARE(store->contracts()->size(), 1);
    }

    void contractsOfAnOlderStoreHaveNoTimeLimit()
    {
        // A data directory from before the time limit was kept (schema 1): opened, it gets the
        // column, and its contracts read as without a limit.
        QTemporaryDir dir;
        {
            Result<BorrowerStore> store = BorrowerStore::open(dir.path());
            QVERIFY(store.ok());
            QVERIFY(store->saveContract(sampleContract()).ok());
        }
        {
            Result<Database> db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("borrower.db")));
            QVERIFY(db.ok());
            QVERIFY(db->exec(QStringLiteral("ALTER TABLE contracts DROP COLUMN max_duration_s")).ok());
            QVERIFY(db->exec(QStringLiteral("DROP TABLE pending_borrows")).ok());
            QVERIFY(db->exec(QStringLiteral("UPDATE schema_meta SET value = '1' WHERE key = 'schema_version'")).ok());
        }
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        QVERIFY2(store.ok(), qPrintable(store.error().message));
        Result<ContractRecord> back = store->contract(QStringLiteral("c-42"));
        QVERIFY2(back.ok(), qPrintable(back.error().message));
        QCOMPARE(back->maxDurationS, qint64(0));
        QCOMPARE(back->endsByItselfAtMs(), qint64(0));
        QCOMPARE(back->ratePerHour, sampleContract().ratePerHour);
        // And a place for the borrows waiting for their answer.
        QVERIFY(store->pendingBorrows().ok());
    }

    void unknownIdsAreClearErrors()
    {
        QTemporaryDir dir;
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        const Error e = store->contract(QStringLiteral("c-nope")).error();
        QCOMPARE(e.code, ErrorCode::NotFound);
        QVERIFY2(e.message.contains(QStringLiteral("c-nope")) && e.message.contains(dir.path()), qPrintable(e.message));
        QCOMPARE(store->job(QStringLiteral("j-nope")).error().code, ErrorCode::NotFound);
        QCOMPARE(store->key(QStringLiteral("c-nope")).error().code, ErrorCode::NotFound);
    }

    void jobsAndTheirStates()
    {
        QTemporaryDir dir;
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        JobRecord j;
        j.jobId = QStringLiteral("j-1");
        j.contractId = QStringLiteral("c-42");
        j.lenderId = QString(64, QLatin1Char('b'));
        j.lenderAddress = QStringLiteral("127.0.0.1:7401");
        j.os = QStringLiteral("busybox");
        j.submittedAtMs = 5;
        j.state = QStringLiteral("queued");
        QVERIFY(store->saveJob(j).ok());
        QCOMPARE(*store->job(QStringLiteral("j-1")), j);
        QVERIFY(store->updateJobState(QStringLiteral("j-1"), QStringLiteral("running"), std::nullopt).ok());
        QVERIFY(store->updateJobState(QStringLiteral("j-1"), QStringLiteral("failed"), 3).ok());
        // A later state without an exit code keeps the one known.
        QVERIFY(store->updateJobState(QStringLiteral("j-1"), QStringLiteral("failed"), std::nullopt).ok());
        QCOMPARE(store->job(QStringLiteral("j-1"))->exitCode, std::optional<int>(3));
        QCOMPARE(store->jobsOf(QStringLiteral("c-42"))->size(), 1);
        QVERIFY(isFinalJobState(QStringLiteral("failed")));
        QVERIFY(!isFinalJobState(QStringLiteral("running")));
        QVERIFY(store->jobOutputDir(QStringLiteral("j-1")).startsWith(dir.path() + QStringLiteral("/jobs/j-1")));
    }

    void pendingBorrowsAreKeptUntilForgotten()
    {
        // Noted before a Borrow goes, kept across processes until answered.
        QTemporaryDir dir;
        const PendingBorrowRecord byOffer{QStringLiteral("0193a1b2c3d4aaaabbbbccccddddeeee0001"), QString(64, QLatin1Char('a')),
                                          QStringLiteral("127.0.0.1:7400"), QStringLiteral("o-1"), QString(), 2000};
        const PendingBorrowRecord byQuery{QStringLiteral("0193a1b2c3d4aaaabbbbccccddddeeee0002"), QString(64, QLatin1Char('a')),
                                          QStringLiteral("127.0.0.1:7400"), QString(), QStringLiteral("cpus>=2 order=rate"), 1000};
        {
            Result<BorrowerStore> store = BorrowerStore::open(dir.path());
            QVERIFY(store.ok());
            QVERIFY(store->pendingBorrows()->isEmpty());
            QVERIFY(store->savePendingBorrow(byOffer).ok());
            QVERIFY(store->savePendingBorrow(byQuery).ok());
        }
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        QVERIFY(store.ok());
        QCOMPARE(*store->pendingBorrows(), (QList<PendingBorrowRecord>{byQuery, byOffer})); // oldest first
        // Sent again with its ID: the same row, sent later.
        PendingBorrowRecord later = byQuery;
        later.sentAtMs = 3000;
        QVERIFY(store->savePendingBorrow(later).ok());
        QCOMPARE(*store->pendingBorrows(), (QList<PendingBorrowRecord>{byOffer, later}));
        QVERIFY(store->removePendingBorrow(byOffer.requestId).ok());
        QVERIFY(store->removePendingBorrow(QStringLiteral("never-noted")).ok());
        QCOMPARE(*store->pendingBorrows(), QList<PendingBorrowRecord>{later});
    }

    void settingsRemembered()
    {
        QTemporaryDir dir;
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        QVERIFY(store->setting(QStringLiteral("market_address")).isEmpty());
        QVERIFY(store->setSetting(QStringLiteral("market_address"), QStringLiteral("127.0.0.1:7400")).ok());
        QVERIFY(store->setSetting(QStringLiteral("market_address"), QStringLiteral("127.0.0.1:7500")).ok());
        QCOMPARE(store->setting(QStringLiteral("market_address")), QStringLiteral("127.0.0.1:7500"));
        // A null string empties a setting (it once failed on the column's NOT NULL).
        QVERIFY(store->setSetting(QStringLiteral("market_address"), QString()).ok());
        QCOMPARE(store->setting(QStringLiteral("market_address")), QString());
    }

    void keyFilesArePrivate()
    {
        QTemporaryDir dir;
        Result<BorrowerStore> store = BorrowerStore::open(dir.path());
        KeyMaterial k{QStringLiteral("c-42"), QStringLiteral("p-1"), QString(64, QLatin1Char('b')),
                      QStringLiteral("127.0.0.1:7401"), QByteArray(32, '\x07')};
        QVERIFY(store->saveKey(k).ok());
        const QString path = store->keyPath(QStringLiteral("c-42"));
        QCOMPARE(QFile::permissions(path) & (QFile::ReadOwner | QFile::WriteOwner), QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QCOMPARE(*store->key(QStringLiteral("c-42")), k);
        store->removeKey(QStringLiteral("c-42"));
        QCOMPARE(store->key(QStringLiteral("c-42")).error().code, ErrorCode::NotFound);
    }

    void keyFileFormats()
    {
        const QByteArray raw = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        Result<KeyMaterial> hex = parseKeyJson(
            R"({"contract_id":"d-1","partition_id":"p-2","key":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"})",
            QStringLiteral("k.json"));
        QVERIFY2(hex.ok(), qPrintable(hex.error().message));
        QCOMPARE(hex->key, raw);
        QVERIFY(hex->lenderId.isEmpty());
        const QByteArray b64 = QByteArray(R"({"contract_id":"d-1","partition_id":"p-2","key":")") + raw.toBase64() + "\"}";
        QCOMPARE(parseKeyJson(b64, QStringLiteral("k.json"))->key, raw);
        // Round trip through the writer's JSON.
        KeyMaterial k{QStringLiteral("d-1"), QStringLiteral("p-2"), {}, {}, raw};
        QCOMPARE(*parseKeyJson(QJsonDocument(keyToJson(k)).toJson(), QStringLiteral("x")), k);
        // A direct lease's start and time limit, as its lender's agent writes them.
        k.startedAtMs = 1'765'000'000'123;
        k.maxDurationS = 3600;
        const QJsonObject withLimit = keyToJson(k);
        QCOMPARE(withLimit.value(QLatin1String("max_duration_s")).toInteger(), 3600);
        QCOMPARE(*parseKeyJson(QJsonDocument(withLimit).toJson(), QStringLiteral("x")), k);
        QVERIFY(!keyToJson(KeyMaterial{QStringLiteral("d-1"), QStringLiteral("p-2"), {}, {}, raw}).contains(QLatin1String("max_duration_s")));
        for (const char *badNumber : {R"("max_duration_s":-1)", R"("max_duration_s":"3600")", R"("started_at_ms":1.5)"}) {
            const QByteArray json = QByteArray(R"({"contract_id":"d","partition_id":"p","key":")") + raw.toBase64() + "\"," + badNumber + "}";
            Result<KeyMaterial> r = parseKeyJson(json, QStringLiteral("bad.json"));
            QVERIFY2(!r.ok(), badNumber);
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(r.error().message.contains(QStringLiteral("bad.json")), qPrintable(r.error().message));
        }
        for (const char *bad : {"[]", "{}", R"({"contract_id":"d","partition_id":"p"})",
                                R"({"contract_id":"d","partition_id":"p","key":"!!!"})",
                                R"({"contract_id":"d","partition_id":"p","key":"AAAA"})", "not json"}) {
            Result<KeyMaterial> r = parseKeyJson(QByteArray(bad), QStringLiteral("bad.json"));
            QVERIFY2(!r.ok(), bad);
            QVERIFY2(r.error().message.contains(QStringLiteral("bad.json")), qPrintable(r.error().message));
        }
    }

    void hostileIdsStayInsideTheDataDirectory()
    {
        QCOMPARE(BorrowerStore::safeFileName(QStringLiteral("j-1_x.y")), QStringLiteral("j-1_x.y"));
        for (const char *id : {"../../etc/passwd", "..", ".", "a/b", "", "ä"}) {
            const QString safe = BorrowerStore::safeFileName(QString::fromUtf8(id));
            QCOMPARE(safe.size(), 64);
            QVERIFY(!safe.contains(QLatin1Char('/')));
        }
    }

    void receiptVerifiesAndTamperingIsCaught()
    {
        const Identity market = Identity::generate(QStringLiteral("m"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                   QDateTime::currentDateTimeUtc().addDays(1))
                                    .value();
        const protocol::Receipt r = signedReceipt(market);
        QVERIFY2(verifyReceipt(r).ok(), qPrintable(verifyReceipt(r).error().message));
        QVERIFY(verifyReceipt(r, market.nodeId()).ok());
        // Through the JSON that `end` prints and `receipt verify` reads.
        Result<protocol::Receipt> back = receiptFromJson(receiptToJson(r));
        QVERIFY2(back.ok(), qPrintable(back.error().message));
        QCOMPARE(*back, r);
        QJsonObject wrapped;
        wrapped.insert(QStringLiteral("receipt"), receiptToJson(r));
        QCOMPARE(*receiptFromJson(wrapped), r);

        protocol::Receipt cheaper = r;
        cheaper.charge = Money::fromMicros(r.charge.micros() - 1);
        QCOMPARE(verifyReceipt(cheaper).error().code, ErrorCode::InvalidArgument);
        QJsonObject edited = receiptToJson(r);
        edited.insert(QStringLiteral("ended_at_ms"), r.endedAtMs + 1);
        QVERIFY(!verifyReceipt(*receiptFromJson(edited)).ok());

        // Another "market" signing with its own certificate: valid alone, refused when pinned.
        const Identity other = Identity::generate(QStringLiteral("o"), QDateTime::currentDateTimeUtc().addDays(-1),
                                                  QDateTime::currentDateTimeUtc().addDays(1))
                                   .value();
        const protocol::Receipt forged = signedReceipt(other);
        QVERIFY(verifyReceipt(forged).ok());
        QCOMPARE(verifyReceipt(forged, market.nodeId()).error().code, ErrorCode::PeerIdMismatch);
        // A certificate swapped in without its ID.
        protocol::Receipt swapped = r;
        swapped.marketCertificate = other.certificatePem();
        QCOMPARE(verifyReceipt(swapped).error().code, ErrorCode::PeerIdMismatch);
        protocol::Receipt unsigned_ = r;
        unsigned_.signature.clear();
        QVERIFY(!verifyReceipt(unsigned_).ok());

        QJsonObject missing = receiptToJson(r);
        missing.remove(QStringLiteral("charge"));
        const Error e = receiptFromJson(missing).error();
        QVERIFY2(e.message.contains(QStringLiteral("charge")), qPrintable(e.message));

        // Files: a receipt reads back as it was written; one with a key twice in an object
        // (a charge a person reads first, and another the parser keeps) is refused, also
        // when the second is written with an escape.
        QTemporaryDir files;
        const auto readText = [&](const QByteArray &bytes) {
            const QString path = files.filePath(QStringLiteral("r.json"));
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
                return Result<protocol::Receipt>(Error(ErrorCode::IoError, QStringLiteral("test file")));
            f.close();
            return readReceiptFile(path);
        };
        const QByteArray good = QJsonDocument(receiptToJson(r)).toJson();
        QCOMPARE(*readText(good), r);
        QByteArray twice = good;
        twice.replace("{", "{\n    \"charge\": \"999\",");
        const Error doubled = readText(twice).error();
        QVERIFY2(doubled.message.contains(QStringLiteral("\"charge\" twice")), qPrintable(doubled.message));
        QByteArray escaped = good;
        escaped.replace("{", "{\n    \"\\u0063harge\": \"999\",");
        QVERIFY2(!readText(escaped).ok(), "an escaped duplicate key passed");
        // The same key in two different objects is no duplicate.
        QJsonObject withOuterCharge{{QStringLiteral("receipt"), receiptToJson(r)}, {QStringLiteral("charge"), r.charge.toString()}};
        QVERIFY2(readText(QJsonDocument(withOuterCharge).toJson()).ok(), "a wrapped receipt was refused");
    }
};

QTEST_GUILESS_MAIN(TestBorrowerStore)
#include "TestBorrowerStore.moc"
