// Third embodiment: a lender that lacks an OS image downloads it from the market's image
// store in chunks, checks the archive's SHA-256 and every file against image.json, and only
// then adds it. A market that sends something else is refused and nothing is kept.

#include "ImageDownloads.h"
#include "DiskSupport.h"
#include "ImageFetcher.h"
#include "LenderTestSupport.h"
#include "MarketLink.h"
#include "MarketService.h"
#include "protocol/Dispatcher.h"
#include "protocol/Server.h"

#include <QProcess>
#include <QScopeGuard>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QFileInfo>
#include <QTimer>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

#include <sys/mount.h>
#include <unistd.h>

using namespace lendable;
using namespace lendable::protocol;

namespace {
Identity makeIdentity(const QString &name)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(-1), now.addDays(1)).value();
}
} // namespace

class TestImageFetch : public QObject {
    Q_OBJECT
private slots:
    void downloadsVerifiesAndAdds();
    void refusesWhatDoesNotMatchItsHash();
    void unknownImageIsATypedError();
    void twoFetchersOfOneImageKeepApart();
    void oneDownloadPerImage();
    void noRoomIsSaidBeforeTheDownload();
    void unpackingDoesNotHoldTheAgent();

private:
    /// A market holding image "tiny" (three 1 MiB chunks), its files under `dir`.
    static std::unique_ptr<market::MarketService> marketWithTinyImage(const QTemporaryDir &dir, const Identity &identity);
};

std::unique_ptr<market::MarketService> TestImageFetch::marketWithTinyImage(const QTemporaryDir &dir, const Identity &identity)
{
    QDir().mkpath(dir.filePath(QStringLiteral("src")));
    if (!lender::testing::writeTestImage(dir.filePath(QStringLiteral("src")), QStringLiteral("tiny"), 2'500'000))
        return nullptr;
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-cf"), dir.filePath(QStringLiteral("tiny.tar")), QStringLiteral("-C"),
                                      dir.filePath(QStringLiteral("src")), QStringLiteral(".")});
    if (!tar.waitForFinished() || tar.exitCode() != 0)
        return nullptr;
    market::MarketConfig config;
    config.dataDir = dir.filePath(QStringLiteral("market"));
    auto market = std::make_unique<market::MarketService>(identity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), config);
    if (!market->listen(QHostAddress::LocalHost, 0).ok() || !market->addImage(QStringLiteral("tiny"), dir.filePath(QStringLiteral("tiny.tar"))).ok())
        return nullptr;
    return market;
}

void TestImageFetch::downloadsVerifiesAndAdds()
{
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath(QStringLiteral("src")));
    QVERIFY(lender::testing::writeTestImage(dir.filePath(QStringLiteral("src")), QStringLiteral("tiny"), 2'500'000)); // three 1 MiB chunks
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-cf"), dir.filePath(QStringLiteral("tiny.tar")), QStringLiteral("-C"),
                                      dir.filePath(QStringLiteral("src")), QStringLiteral(".")});
    QVERIFY(tar.waitForFinished() && tar.exitCode() == 0);

    market::MarketConfig config;
    config.dataDir = dir.filePath(QStringLiteral("market"));
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    market::MarketService market(marketIdentity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), config);
    QVERIFY(market.listen(QHostAddress::LocalHost, 0).ok());
    QVERIFY(market.addImage(QStringLiteral("tiny"), dir.filePath(QStringLiteral("tiny.tar"))).ok());

    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market.serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("lender/images")));
    QVERIFY(!store.find(QStringLiteral("tiny")).ok());
    lender::ImageFetcher fetcher(&link, &store, dir.filePath(QStringLiteral("lender/images/.incoming")));
    std::optional<Result<lender::ImageEntry>> done;
    QList<qint64> progress;
    fetcher.fetch(QStringLiteral("tiny"), [&](qint64 d, qint64) { progress.append(d); },
                  [&](Result<lender::ImageEntry> r) { done.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30000);
    QVERIFY2(done->ok(), qPrintable(done->error().toString()));
    QVERIFY(progress.size() >= 3);
    QVERIFY(store.find(QStringLiteral("tiny")).ok());
    QFile original(dir.filePath(QStringLiteral("src/vmlinuz"))), copy(store.find(QStringLiteral("tiny"))->directory + QStringLiteral("/vmlinuz"));
    QVERIFY(original.open(QIODevice::ReadOnly) && copy.open(QIODevice::ReadOnly));
    QVERIFY(original.readAll() == copy.readAll());
    QVERIFY(QDir(dir.filePath(QStringLiteral("lender/images/.incoming"))).entryList(QDir::Files).isEmpty());
    market.shutdown();
}

void TestImageFetch::refusesWhatDoesNotMatchItsHash()
{
    // A market that announces one SHA-256 and sends other bytes.
    QTemporaryDir dir;
    const Identity marketIdentity = makeIdentity(QStringLiteral("lying market"));
    HandshakeConfig config;
    config.localRole = QStringLiteral("market");
    Server server(marketIdentity, config);
    Dispatcher dispatcher;
    dispatcher.onCall<FetchImage, ImageChunk>([](const FetchImage &req, const RequestContext &) -> Result<ImageChunk> {
        ImageChunk c;
        c.image = ImageInfo{QStringLiteral("tiny"), QString(64, QLatin1Char('a')), 1000};
        c.offset = req.offset;
        c.data = QByteArray(int(qMin<qint64>(1000 - req.offset, 400)), 'x');
        return c;
    });
    connect(&server, &Server::channelEstablished, this, [&](Channel *c) { dispatcher.attach(c); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0).ok());
    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(server.serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("images")));
    lender::ImageFetcher fetcher(&link, &store, dir.filePath(QStringLiteral("incoming")));
    std::optional<Result<lender::ImageEntry>> done;
    fetcher.fetch(QStringLiteral("tiny"), {}, [&](Result<lender::ImageEntry> r) { done.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30000);
    QVERIFY(!done->ok());
    QCOMPARE(done->error().code, ErrorCode::BadPayload);
    QVERIFY(done->error().message.contains(QStringLiteral("SHA-256")));
    QVERIFY(!store.find(QStringLiteral("tiny")).ok());
    QVERIFY(QDir(dir.filePath(QStringLiteral("incoming"))).entryList(QDir::Files).isEmpty());
}

void TestImageFetch::unknownImageIsATypedError()
{
    QTemporaryDir dir;
    market::MarketConfig config;
    config.dataDir = dir.filePath(QStringLiteral("market"));
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    market::MarketService market(marketIdentity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("m.db")), config);
    QVERIFY(market.listen(QHostAddress::LocalHost, 0).ok());
    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market.serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("images")));
    lender::ImageFetcher fetcher(&link, &store, dir.filePath(QStringLiteral("incoming")));
    std::optional<Result<lender::ImageEntry>> done;
    fetcher.fetch(QStringLiteral("no-such-os"), {}, [&](Result<lender::ImageEntry> r) { done.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30000);
    QCOMPARE(done->error().code, ErrorCode::NotFound);
    market.shutdown();
}

void TestImageFetch::twoFetchersOfOneImageKeepApart()
{
    // Two downloads of one image at once (two fetchers) each write a partial file of their
    // own: neither removes or truncates the other's.
    QTemporaryDir dir;
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    std::unique_ptr<market::MarketService> market = marketWithTinyImage(dir, marketIdentity);
    QVERIFY(market);
    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market->serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("lender/images")));
    const QString incoming = dir.filePath(QStringLiteral("lender/images/.incoming"));
    lender::ImageFetcher a(&link, &store, incoming), b(&link, &store, incoming);
    std::optional<Result<lender::ImageEntry>> doneA, doneB;
    a.fetch(QStringLiteral("tiny"), {}, [&](Result<lender::ImageEntry> r) { doneA.emplace(std::move(r)); });
    b.fetch(QStringLiteral("tiny"), {}, [&](Result<lender::ImageEntry> r) { doneB.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(doneA.has_value() && doneB.has_value(), 30000);
    QVERIFY2(doneA->ok(), qPrintable(doneA->error().toString()));
    QVERIFY2(doneB->ok(), qPrintable(doneB->error().toString()));
    QVERIFY(store.find(QStringLiteral("tiny")).ok());
    QVERIFY(QDir(incoming).entryList(QDir::Files).isEmpty());
    market->shutdown();
}

void TestImageFetch::oneDownloadPerImage()
{
    // Jobs in two partitions need the same missing image at once: one download, whose result
    // both get (and whose progress both see).
    QTemporaryDir dir;
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    std::unique_ptr<market::MarketService> market = marketWithTinyImage(dir, marketIdentity);
    QVERIFY(market);
    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market->serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("lender/images")));
    lender::ImageDownloads downloads(&store, dir.filePath(QStringLiteral("lender/images/.incoming")));
    std::optional<Result<lender::ImageEntry>> first, second;
    qint64 firstSaw = 0, secondSaw = 0;
    downloads.fetch(&link, QStringLiteral("tiny"), [&](qint64 d, qint64) { firstSaw = d; },
                    [&](Result<lender::ImageEntry> r) { first.emplace(std::move(r)); });
    downloads.fetch(&link, QStringLiteral("tiny"), [&](qint64 d, qint64) { secondSaw = d; },
                    [&](Result<lender::ImageEntry> r) { second.emplace(std::move(r)); });
    QVERIFY(downloads.isDownloading(QStringLiteral("tiny")));
    QCOMPARE(downloads.findChildren<lender::ImageFetcher *>().size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(first.has_value() && second.has_value(), 30000);
    QVERIFY2(first->ok(), qPrintable(first->error().toString()));
    QVERIFY2(second->ok(), qPrintable(second->error().toString()));
    QCOMPARE(second->value().directory, first->value().directory);
    QVERIFY(firstSaw > 0);
    QCOMPARE(secondSaw, firstSaw);
    QVERIFY(!downloads.isDownloading(QStringLiteral("tiny")));
    // Done: a later request downloads afresh.
    std::optional<Result<lender::ImageEntry>> again;
    downloads.fetch(&link, QStringLiteral("tiny"), {}, [&](Result<lender::ImageEntry> r) { again.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(again.has_value(), 30000);
    QVERIFY2(again->ok(), qPrintable(again->error().toString()));
    market->shutdown();
}

void TestImageFetch::noRoomIsSaidBeforeTheDownload()
{
    // An image larger than the room the lender has for it: a real small file system (tmpfs,
    // 4 MiB). The archive (about 2.5 MB) is downloaded, unpacked beside itself and copied
    // into the store, so it needs twice its size where it is unpacked, and its size again
    // where the store is if that is another file system. Too little room is a disk_full
    // error before the first byte is written, nothing is kept, and the image comes once there
    // is room. Before, the archive was downloaded whole and tar's failure to unpack it was
    // blamed on the market (bad_payload).
    if (::geteuid() != 0)
        QSKIP("mounting a small tmpfs needs root");
    QTemporaryDir dir;
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    std::unique_ptr<market::MarketService> market = marketWithTinyImage(dir, marketIdentity);
    QVERIFY(market);
    const QString small = dir.filePath(QStringLiteral("small"));
    QVERIFY(QDir().mkpath(small));
    const QByteArray where = QFile::encodeName(small);
    if (::mount("tmpfs", where.constData(), "tmpfs", 0, "size=4m") != 0)
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
    const auto unmount = qScopeGuard([&] { ::umount2(where.constData(), MNT_DETACH); });

    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market->serverPort()), marketIdentity.nodeId()).value());
    link.start();
    const auto fetch = [&](lender::ImageStore &store, const QString &workDir, QList<qint64> &progress) {
        lender::ImageFetcher fetcher(&link, &store, workDir);
        std::optional<Result<lender::ImageEntry>> done;
        fetcher.fetch(QStringLiteral("tiny"), [&](qint64 d, qint64) { progress.append(d); },
                      [&](Result<lender::ImageEntry> r) { done.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return done.has_value(); }, 30'000))
            return Result<lender::ImageEntry>(Error(ErrorCode::Timeout, QStringLiteral("no answer in 30 s")));
        return *done;
    };

    // Downloaded and unpacked on the small file system, the store on it too.
    {
        lender::ImageStore store(small + QStringLiteral("/images"));
        QList<qint64> progress;
        const Result<lender::ImageEntry> r = fetch(store, small + QStringLiteral("/images/.incoming"), progress);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::DiskFull);
        QVERIFY2(r.error().message.contains(QStringLiteral("to download and unpack")), qPrintable(r.error().message));
        QVERIFY2(progress.isEmpty(), qPrintable(QString::number(progress.size())));
        QVERIFY(!store.find(QStringLiteral("tiny")).ok());
        QVERIFY(QDir(small + QStringLiteral("/images/.incoming")).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }
    // Downloaded elsewhere, the store on the small file system, which a file fills but 1 MiB.
    const QString filler = small + QStringLiteral("/filler");
    QVERIFY(lender::testing::fillFile(filler, 3));
    {
        lender::ImageStore store(small + QStringLiteral("/images"));
        QList<qint64> progress;
        const Result<lender::ImageEntry> r = fetch(store, dir.filePath(QStringLiteral("incoming")), progress);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::DiskFull);
        QVERIFY2(r.error().message.contains(QStringLiteral("to keep it")), qPrintable(r.error().message));
        QVERIFY(progress.isEmpty());
        QVERIFY(!store.find(QStringLiteral("tiny")).ok());
    }
    // With room again, the same download goes through.
    QVERIFY(QFile::remove(filler));
    {
        lender::ImageStore store(small + QStringLiteral("/images"));
        QList<qint64> progress;
        const Result<lender::ImageEntry> r = fetch(store, dir.filePath(QStringLiteral("incoming")), progress);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY(progress.size() >= 3);
        QVERIFY(store.find(QStringLiteral("tiny")).ok());
        QVERIFY(QDir(dir.filePath(QStringLiteral("incoming"))).entryList(QDir::Files).isEmpty());
    }
    // An image added by hand (`image add`) to a store without room: disk_full, said as such
    // (the copy's own error said only that it failed), and nothing half-copied is left.
    QVERIFY(lender::testing::fillFile(filler, 0));
    {
        lender::ImageStore store(small + QStringLiteral("/images"));
        const qint64 free = QStorageInfo(small).bytesAvailable();
        QVERIFY(lender::testing::fillFile(filler, int(free / (1024 * 1024)) - 1)); // 1 MiB or so left
        const Result<lender::ImageEntry> added = store.add(QStringLiteral("tiny-again"), dir.filePath(QStringLiteral("src")));
        QVERIFY(!added.ok());
        QCOMPARE(added.error().code, ErrorCode::DiskFull);
        QVERIFY2(added.error().message.contains(QStringLiteral("no room for image tiny-again")), qPrintable(added.error().message));
        QVERIFY(!store.find(QStringLiteral("tiny-again")).ok());
        QVERIFY2(QDir(small + QStringLiteral("/images")).entryList({QStringLiteral(".incoming-*")}, QDir::AllEntries | QDir::Hidden).isEmpty(),
                 qPrintable(QDir(small + QStringLiteral("/images")).entryList(QDir::AllEntries | QDir::Hidden).join(QLatin1Char(' '))));
        QVERIFY(store.find(QStringLiteral("tiny")).ok()); // the image it held is still whole
    }
    market->shutdown();
}

void TestImageFetch::unpackingDoesNotHoldTheAgent()
{
    // Unpacking a downloaded image, and the store's checking and copying of its files, take
    // seconds for a large image. They run on a thread of their own: the agent's event loop
    // (in the Lender Console, its window's) goes on meanwhile. Here tar is made slow (a tar
    // in front of the real one on PATH that says it started, then waits 1.5 s); before, the
    // loop stood still until the image was in, so nothing ran while tar did.
    QTemporaryDir dir;
    const Identity marketIdentity = makeIdentity(QStringLiteral("market"));
    std::unique_ptr<market::MarketService> market = marketWithTinyImage(dir, marketIdentity);
    QVERIFY(market);
    const QString realTar = QStandardPaths::findExecutable(QStringLiteral("tar"));
    QVERIFY(!realTar.isEmpty());
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("bin"))));
    const QString started = dir.filePath(QStringLiteral("tar-started"));
    {
        QFile slowTar(dir.filePath(QStringLiteral("bin/tar")));
        QVERIFY(slowTar.open(QIODevice::WriteOnly));
        slowTar.write(QStringLiteral("#!/bin/sh\ntouch '%1'\nsleep 1.5\nexec '%2' \"$@\"\n").arg(started, realTar).toUtf8());
        slowTar.close();
        QVERIFY(slowTar.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    }
    const QByteArray oldPath = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(dir.filePath(QStringLiteral("bin"))) + ':' + oldPath);
    const auto restorePath = qScopeGuard([&] { qputenv("PATH", oldPath); });

    lender::MarketLink link(makeIdentity(QStringLiteral("lender")),
                            lender::MarketEndpoint::parse(QStringLiteral("127.0.0.1:%1").arg(market->serverPort()), marketIdentity.nodeId()).value());
    link.start();
    lender::ImageStore store(dir.filePath(QStringLiteral("lender/images")));
    lender::ImageFetcher fetcher(&link, &store, dir.filePath(QStringLiteral("lender/images/.incoming")));
    std::optional<Result<lender::ImageEntry>> done;
    int ticksWhileUnpacking = 0;
    QTimer tick;
    tick.setInterval(20);
    connect(&tick, &QTimer::timeout, this, [&] {
        if (!done && QFileInfo::exists(started))
            ++ticksWhileUnpacking;
    });
    tick.start();
    fetcher.fetch(QStringLiteral("tiny"), {}, [&](Result<lender::ImageEntry> r) { done.emplace(std::move(r)); });
    QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30'000);
    QVERIFY2(done->ok(), qPrintable(done->error().toString()));
    QVERIFY(QFileInfo::exists(started)); // the slow tar unpacked it
    QVERIFY2(ticksWhileUnpacking >= 10, qPrintable(QString::number(ticksWhileUnpacking)));
    QVERIFY(store.find(QStringLiteral("tiny")).ok());
    market->shutdown();
}

QTEST_GUILESS_MAIN(TestImageFetch)
#include "TestImageFetch.moc"
