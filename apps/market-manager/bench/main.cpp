// market-bench: a benchmark program (not a test) for the market service.
//
// It runs `market-manager --headless` as a child process (so the market's resident memory
// and CPU time are its own, and the client's work does not share its event loop or heap), or
// drives a market already running elsewhere (--connect), fills it with N partitions
// registered over TLS by simulated lenders,
// opens C borrower connections over real TLS and measures, phase by phase:
//   idle     market RSS with C idle established connections minus RSS with none, / C
//   mix      a closed-loop search/borrow/end mix, pipelined (--depth requests in flight per
//            connection): requests/s, contracts/s, latency per kind
//   latency  the same mix open-loop at a fixed rate (--rate, default half of the mix's
//            throughput): end-to-end latency that is not queueing behind a saturated loop,
//            plus the market's own timings (AdminServiceStats, over an admin connection)
//   contract borrow/end only, closed loop: durable contracts/s (each acknowledged only after
//            its group commit, SQLite synchronous=FULL or PostgreSQL synchronous_commit)
//   handshake open, Hello, close, as fast as possible: new TLS connections/s
// and prints a final JSON line with the figures docs/performance.md reports.

#include "LatencyHistogram.h"
#include "MarketService.h"
#include "identity/Identity.h"
#include "protocol/RequestId.h"
#include "protocol/SslChannel.h"
#include "util/HostPort.h"

#include <QAbstractEventDispatcher>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace lendable;
using namespace lendable::protocol;
using lendable::market::LatencyHistogram;

namespace {

struct Options {
    int partitions = 100'000;
    int lenders = 100;
    int connections = 1000;
    int seconds = 20;
    int depth = 2;
    int rate = 0;
    int searchWeight = 60;
    int borrowWeight = 20;
    int endWeight = 20;
    int handshakeConcurrency = 32;
    QString database;
    QString dataDir;
    QString marketBinary;
    QString connectHost; // --connect: a market already running there, not a child
    quint16 connectPort = 0;
    QString marketId;
};

// A minimal CBOR walker over a frame body for the two things the bench reads of a reply:
// the offer IDs of a search page and the contract ID of a grant. Decoding the page with
// the protocol's decoder (QCborValue, then every field of 20 offers) was over a third of
// this program's CPU, which the market, on the same two cores, then did not get. It reads
// only definite- and indefinite-length items of the kinds CBOR has, allocates nothing but
// the strings it returns, and reports a malformed body as false.
class CborWalk {
public:
    explicit CborWalk(QByteArrayView bytes)
        : m_p(reinterpret_cast<const uchar *>(bytes.data()))
        , m_end(m_p + bytes.size())
    {
    }
    bool ok() const { return m_ok; }

    // Calls onKey(key, *this) for each entry of the map at the cursor, where a text key's
    // bytes are `key`; onKey consumes the value (take* or skip) and returns false to stop
    // (the rest of the map is then not read).
    template <typename OnKey>
    bool forEachEntry(OnKey &&onKey)
    {
        return forEachIn(5, [&] {
            QByteArrayView key;
            if (peekMajor() == 3 ? !takeText(&key) : !skip())
                return false;
            return onKey(key, *this);
        });
    }
    // Calls onItem(*this) for each item of the array at the cursor; onItem consumes it.
    template <typename OnItem>
    bool forEachItem(OnItem &&onItem)
    {
        return forEachIn(4, [&] { return onItem(*this); });
    }
    // A definite-length text string (all our encoders write those).
    bool takeText(QByteArrayView *out)
    {
        quint64 n = 0;
        bool indefinite = false;
        if (!head(3, &n, &indefinite) || indefinite || n > quint64(m_end - m_p))
            return fail();
        *out = QByteArrayView(reinterpret_cast<const char *>(m_p), static_cast<qsizetype>(n));
        m_p += n;
        return true;
    }
    // Skips one whole item of any kind.
    bool skip(int depth = 0)
    {
        if (m_p >= m_end || depth > 64)
            return fail();
        const int major = *m_p >> 5;
        quint64 n = 0;
        bool indefinite = false;
        if (!head(major, &n, &indefinite))
            return false;
        switch (major) {
        case 0: case 1:
            return true;
        case 7:
            return indefinite ? fail() : true; // a break outside an indefinite item
        case 2: case 3:
            if (indefinite) {
                while (!atBreak())
                    if (!m_ok || !skip(depth + 1))
                        return fail();
                return true;
            }
            if (n > quint64(m_end - m_p))
                return fail();
            m_p += n;
            return true;
        case 6:
            return skip(depth + 1);
        default: { // 4 array, 5 map
            const quint64 items = major == 5 ? 2 * n : n;
            for (quint64 i = 0; indefinite || i < items; ++i) {
                if (indefinite && atBreak())
                    return true;
                if (!skip(depth + 1))
                    return false;
            }
            return true;
        }
        }
    }

private:
    // Calls next() for each item (array) or entry (map) of the container of major type
    // `major` at the cursor, until it returns false; false if the body is malformed.
    template <typename Next>
    bool forEachIn(int major, Next &&next)
    {
        quint64 n = 0;
        bool indefinite = false;
        if (!head(major, &n, &indefinite))
            return false;
        for (quint64 i = 0; indefinite || i < n; ++i) {
            if (indefinite && atBreak())
                return m_ok;
            if (!next())
                return m_ok;
        }
        return m_ok;
    }
    int peekMajor() const { return m_p < m_end ? *m_p >> 5 : -1; }
    bool fail()
    {
        m_ok = false;
        return false;
    }
    bool atBreak()
    {
        if (m_p < m_end && *m_p == 0xff) {
            ++m_p;
            return true;
        }
        if (m_p >= m_end)
            fail();
        return !m_ok;
    }
    // Reads an item's head of major type `major`: its argument, or indefinite length.
    bool head(int major, quint64 *n, bool *indefinite)
    {
        if (m_p >= m_end || (*m_p >> 5) != major)
            return fail();
        const int info = *m_p++ & 0x1f;
        *indefinite = false;
        if (info < 24) {
            *n = static_cast<quint64>(info);
            return true;
        }
        if (info == 31) {
            *indefinite = true;
            return major >= 2 ? true : fail();
        }
        if (info > 27)
            return fail();
        const int bytes = 1 << (info - 24);
        if (m_end - m_p < bytes)
            return fail();
        quint64 v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | *m_p++;
        *n = v;
        return true;
    }

    const uchar *m_p;
    const uchar *m_end;
    bool m_ok = true;
};

// Calls onKey(key, walk) for each entry of a frame body's payload map.
template <typename OnKey>
bool forEachPayloadEntry(QByteArrayView body, OnKey &&onKey)
{
    CborWalk walk(body);
    bool found = false;
    walk.forEachEntry([&](QByteArrayView key, CborWalk &w) {
        if (key != "payload")
            return w.skip();
        found = true;
        return w.forEachEntry(onKey) && false; // the payload is all we read
    });
    return found && walk.ok();
}

// The offer IDs of an OfferPage frame body; false if it is not one we can read.
bool offerIdsOfPage(QByteArrayView body, QStringList *ids)
{
    return forEachPayloadEntry(body, [&](QByteArrayView key, CborWalk &w) {
        if (key != "offers")
            return w.skip();
        return w.forEachItem([&](CborWalk &offer) {
            return offer.forEachEntry([&](QByteArrayView field, CborWalk &v) {
                if (field != "offerId")
                    return v.skip();
                QByteArrayView id;
                if (!v.takeText(&id))
                    return false;
                ids->append(QString::fromUtf8(id));
                return true;
            });
        });
    });
}

// The contract ID of a ContractGranted frame body; empty if there is none.
QString contractIdOfGrant(QByteArrayView body)
{
    QString id;
    forEachPayloadEntry(body, [&](QByteArrayView key, CborWalk &w) {
        if (key != "contractId")
            return w.skip();
        QByteArrayView text;
        if (!w.takeText(&text))
            return false;
        id = QString::fromUtf8(text);
        return false; // all we need
    });
    return id;
}

void say(const char *format, auto... args)
{
    std::fprintf(stdout, format, args...);
    std::fflush(stdout);
}

// Runs the event loop until `done()` or the deadline; false on timeout. It sleeps in the
// event dispatcher between events: QCoreApplication::processEvents(flags, ms) drops
// WaitForMoreEvents and so spins, which took a whole core from the market (the two share
// this machine's two cores).
template <typename Pred>
bool spinUntil(Pred done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    QTimer wake; // the predicate is checked at least every 5 ms, events or not
    wake.start(5);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        dispatcher->processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

void spinFor(int ms)
{
    QElapsedTimer t;
    t.start();
    spinUntil([&] { return t.elapsed() >= ms; }, ms + 1000);
}

// ───────────────────────── the market child process ─────────────────────────

class Market {
public:
    // Runs `market-manager --headless` as a child process, `admin` allowed to administer it.
    bool start(const Options &o, const QString &dataDir, const Identity &admin)
    {
        QStringList args{QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--data"), dataDir, QStringLiteral("--admin-id"), admin.nodeId(),
                         // the simulated lenders heartbeat every 5 s; this also keeps the offers of a
                         // run held up longer (a debugger, a swapping machine)
                         QStringLiteral("--heartbeat-timeout"), QStringLiteral("3600")};
        if (!o.database.isEmpty())
            args << QStringLiteral("--database") << o.database;
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(o.marketBinary, args);
        if (!m_process.waitForStarted(10'000)) {
            say("market-bench: cannot start %s: %s\n", qPrintable(o.marketBinary), qPrintable(m_process.errorString()));
            return false;
        }
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains('\n') && t.elapsed() < 120'000) {
            if (!m_process.waitForReadyRead(1000) && m_process.state() != QProcess::Running)
                break;
            out += m_process.readAllStandardOutput();
        }
        // "market <id> listening on <addr>:<port>"
        const QList<QByteArray> words = out.trimmed().split(' ');
        if (words.size() < 4 || words[0] != "market") {
            say("market-bench: the market did not start: %s\n", out.constData());
            return false;
        }
        m_id = QString::fromLatin1(words[1]);
        m_host = QStringLiteral("127.0.0.1");
        m_port = static_cast<quint16>(words.last().mid(words.last().lastIndexOf(':') + 1).toUInt());
        return connectAdmin(admin);
    }
    // A market already running at --connect, whose node ID is --market-id.
    bool attach(const Options &o, const Identity &admin)
    {
        m_host = o.connectHost;
        m_port = o.connectPort;
        m_id = o.marketId;
        return connectAdmin(admin);
    }
    void stop()
    {
        delete m_admin.data();
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(30'000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
    QString id() const { return m_id; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    bool isChild() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }

    // The market's own figures (cumulative since it started), asked over the admin
    // connection, so the same for a child and for a market on another machine.
    std::optional<ServiceStats> stats() const
    {
        if (!m_admin)
            return std::nullopt;
        Result<ServiceStats> s = m_admin->call<ServiceStats>(AdminServiceStats{}, 60'000);
        if (!s) {
            say("market-bench: the market's figures: %s\n", qPrintable(s.error().toString()));
            return std::nullopt;
        }
        return *s;
    }
    qint64 rssKb() const
    {
        const std::optional<ServiceStats> s = stats();
        return s ? s->residentKib : -1;
    }
    qint64 cpuMs() const
    {
        const std::optional<ServiceStats> s = stats();
        return s ? s->cpuMs : 0;
    }

private:
    // A market that does not list `admin` says so, naming the --admin-id it needs.
    bool connectAdmin(const Identity &admin)
    {
        HandshakeConfig config;
        config.localRole = QStringLiteral("admin");
        config.handshakeTimeoutMs = 60'000;
        m_admin = SslChannel::connectTo(m_host, m_port, admin, m_id, config);
        if (Result<void> up = m_admin->waitEstablished(70'000); !up) {
            say("market-bench: cannot reach the market at %s:%u as admin: %s\n", qPrintable(m_host), unsigned(m_port),
                qPrintable(up.error().toString()));
            return false;
        }
        return true;
    }

    QProcess m_process;
    QPointer<Channel> m_admin;
    QString m_id;
    QString m_host;
    quint16 m_port = 0;
};

// CPU use of the market and of this program over a phase, in percent of one core, and the
// share of the machines' CPU time the hypervisor took: of the one machine with a child
// market, of both with --connect (the market reports its machine's in ServiceStats::host).
// report() also raises *maxStolen to the larger share it prints, so that the final JSON holds
// what the phases printed.
struct CpuMeter {
    const Market &market;
    double *maxStolen = nullptr;
    std::optional<ServiceStats> marketStart = market.stats();
    qint64 ownStart = lendable::market::processCpuMs();
    std::optional<HostCpu> machineStart = lendable::market::hostCpu();
    QElapsedTimer wall = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    QString report() const
    {
        const std::optional<ServiceStats> marketNow = market.stats();
        const double ms = static_cast<double>(qMax<qint64>(1, wall.elapsed()));
        const double marketCpu = marketStart && marketNow
            ? 100.0 * static_cast<double>(marketNow->cpuMs - marketStart->cpuMs) / ms
            : 0.0;
        // Stolen: time the hypervisor gave this virtual machine's CPUs to someone else; on a
        // shared host it is what makes two runs of one build differ by a fifth.
        const std::optional<lendable::market::HostCpuShare> own = lendable::market::hostCpuShare(machineStart, lendable::market::hostCpu());
        const double stolen = own ? own->stolenPercent : 0.0;
        double worst = stolen;
        QString text = QStringLiteral("market CPU %1 %, bench CPU %2 % (of one core), stolen %3 % (of %4)")
                           .arg(marketCpu, 0, 'f', 0)
                           .arg(100.0 * static_cast<double>(lendable::market::processCpuMs() - ownStart) / ms, 0, 'f', 0)
                           .arg(stolen, 0, 'f', 1)
                           .arg(market.isChild() ? QStringLiteral("the machine") : QStringLiteral("the bench's machine"));
        if (!market.isChild()) {
            const std::optional<HostCpu> to = marketNow ? marketNow->host : std::nullopt;
            if (const std::optional<lendable::market::HostCpuShare> share =
                    lendable::market::hostCpuShare(marketStart ? marketStart->host : std::nullopt, to)) {
                worst = qMax(worst, share->stolenPercent);
                text += QStringLiteral("; the market's machine (%1 cores) busy %2 %, stolen %3 %")
                            .arg(to->cores)
                            .arg(share->busyPercent, 0, 'f', 0)
                            .arg(share->stolenPercent, 0, 'f', 1);
            } else {
                text += QStringLiteral("; the market does not report its machine's CPU");
            }
        }
        if (maxStolen)
            *maxStolen = qMax(*maxStolen, worst);
        return text;
    }
};

// ───────────────────────── clients ─────────────────────────

Identity makeIdentity(const QString &name)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(name, now.addDays(-1), now.addDays(30)).value();
}

HandshakeConfig clientConfig(const QString &role)
{
    HandshakeConfig config;
    config.localRole = role;
    config.handshakeTimeoutMs = 60'000;
    return config;
}

// Opens `count` established channels, at most `concurrency` handshakes at a time.
QList<Channel *> openChannels(const Market &market, const QList<Identity> &identities, const QString &role, int count,
                              int concurrency, QObject *parent)
{
    QList<Channel *> ready;
    int started = 0;
    int pending = 0;
    int failed = 0;
    std::function<void()> next = [&] {
        while (pending < concurrency && started < count) {
            const Identity &id = identities[started % identities.size()];
            ++started;
            ++pending;
            auto *c = SslChannel::connectTo(market.host(), market.port(), id, market.id(), clientConfig(role), parent);
            QObject::connect(c, &Channel::established, c, [&, c] {
                --pending;
                ready.append(c);
                next();
            });
            QObject::connect(c, &Channel::closed, c, [&, c](const Error &why) {
                if (c->isEstablished() || ready.contains(c))
                    return;
                --pending;
                if (++failed <= 5)
                    say("  connection failed: %s\n", qPrintable(why.toString()));
                c->deleteLater();
                next();
            });
        }
    };
    next();
    spinUntil([&] { return pending == 0 && started == count; }, 600'000);
    return ready;
}

struct Kind {
    const char *name;
    LatencyHistogram latency;
    qint64 ok = 0;
    qint64 failed = 0;
};

enum Op { OpSearch, OpBorrow, OpEnd };

struct Conn {
    Channel *channel = nullptr;
    int inFlight = 0;
    QByteArray page;       // its last search page, undecoded (see offersOf())
    QStringList offers;    // from its last search page, not yet tried
    QStringList contracts; // running
};

// Drives requests over the borrower connections and keeps the per-kind figures.
class Driver : public QObject {
public:
    Driver(QList<Channel *> channels, const Options &o)
        : m_o(o)
        , m_rng(7)
    {
        for (Channel *c : channels)
            m_conns.push_back(Conn{c});
        m_clock.start();
    }

    void resetFigures()
    {
        for (Kind &k : m_kinds) {
            k.latency = {};
            k.ok = 0;
            k.failed = 0;
        }
    }
    const Kind &kind(Op op) const { return m_kinds[op]; }
    qint64 completed() const { return m_kinds[0].ok + m_kinds[1].ok + m_kinds[2].ok; }
    qint64 inFlight() const
    {
        qint64 n = 0;
        for (const Conn &c : m_conns)
            n += c.inFlight;
        return n;
    }
    int connectionCount() const { return static_cast<int>(m_conns.size()); }

    /// Chooses what connection `i` does next under the given weights.
    Op choose(int i, int searchW, int borrowW, int endW)
    {
        Conn &c = m_conns[i];
        const int roll = static_cast<int>(m_rng.bounded(searchW + borrowW + endW));
        Op op = roll < searchW ? OpSearch : roll < searchW + borrowW ? OpBorrow : OpEnd;
        if (op == OpEnd && c.contracts.isEmpty())
            op = OpBorrow;
        if (op == OpBorrow && c.contracts.size() >= 4)
            op = OpEnd;
        if (op == OpBorrow && offersOf(c).isEmpty())
            op = OpSearch;
        return op;
    }

    /// The offer IDs of the connection's last search page, read on first use.
    static QStringList &offersOf(Conn &c)
    {
        if (!c.page.isEmpty()) {
            c.offers.clear();
            const QByteArray page = std::exchange(c.page, {});
            static bool walkerChecked = false;
            if (!offerIdsOfPage(page, &c.offers) || !walkerChecked) {
                // The protocol's decoder says what is wrong with a page the walker cannot
                // read, and checks the walker once against a page that has offers.
                Result<Envelope> e = decodeFrameBody(page);
                Result<OfferPage> decoded = e ? decodeMessage<OfferPage>(*e) : Result<OfferPage>(e.error());
                if (!decoded)
                    qFatal("market-bench: the market sent a page that does not decode: %s", qPrintable(decoded.error().toString()));
                QStringList ids;
                for (const Offer &o : std::as_const(decoded->offers))
                    ids.append(o.offerId);
                if (!c.offers.isEmpty() && c.offers != ids)
                    qFatal("market-bench: the CBOR walker read other offer IDs than the protocol's decoder");
                walkerChecked = walkerChecked || !ids.isEmpty();
                c.offers = ids;
            }
        }
        return c.offers;
    }

    bool send(int i, Op op, std::function<void()> done)
    {
        Conn &c = m_conns[i];
        if (!c.channel->isEstablished())
            return false;
        ++c.inFlight;
        const qint64 sentNs = m_clock.nsecsElapsed();
        auto finish = [this, i, op, sentNs, done = std::move(done)](bool ok) {
            Kind &k = m_kinds[op];
            k.latency.record((m_clock.nsecsElapsed() - sentNs) / 1000);
            ok ? ++k.ok : ++k.failed;
            --m_conns[i].inFlight;
            if (done)
                done();
        };
        switch (op) {
        case OpSearch:
            // The page is kept as bytes and decoded only if this connection borrows from it
            // (offersOf()): decoding every page of 20 offers took over half of this
            // program's time, which the market, on the same two cores, then did not get.
            c.channel->requestFrame(makeEnvelope(randomSearch()), c.channel,
                                    [this, i, finish](Result<Channel::RawReply> r) {
                                        const bool ok = r.ok() && r->type == static_cast<quint32>(MessageType::OfferPage);
                                        if (ok) {
                                            m_conns[i].page = std::move(r->body);
                                            m_conns[i].offers.clear();
                                        }
                                        finish(ok);
                                    });
            break;
        case OpBorrow: {
            QStringList &offers = offersOf(c);
            const QString offer = offers.takeAt(static_cast<qsizetype>(m_rng.bounded(static_cast<int>(offers.size()))));
            // Of the grant only the contract ID is read (its receipt carries the market's
            // certificate). Each Borrow has a request ID, made as the Borrower Client makes
            // them (the market keeps it with the contract, in an index of its own).
            const Borrow borrow{.offerId = offer, .query = {}, .requestId = newBorrowRequestId()};
            c.channel->requestFrame(makeEnvelope(borrow), c.channel,
                                    [this, i, finish](Result<Channel::RawReply> r) {
                                        QString contract;
                                        if (r.ok() && r->type == static_cast<quint32>(MessageType::ContractGranted))
                                            contract = contractIdOfGrant(r->body);
                                        if (!contract.isEmpty())
                                            m_conns[i].contracts.append(contract);
                                        finish(!contract.isEmpty());
                                    });
            break;
        }
        case OpEnd: {
            const QString contract = c.contracts.takeFirst();
            // Only the reply's type is needed: it is not decoded (its receipt carries the
            // market's certificate).
            c.channel->requestFrame(makeEnvelope(EndContract{.contractId = contract}), c.channel,
                                    [finish](Result<Channel::RawReply> r) {
                                        finish(r.ok() && r->type == static_cast<quint32>(MessageType::ContractClosed));
                                    });
            break;
        }
        }
        return true;
    }

    /// Closed loop: every connection keeps `depth` requests in flight for `ms`.
    void closedLoop(int ms, int searchW, int borrowW, int endW)
    {
        m_running = true;
        std::function<void(int)> refill = [&](int i) {
            while (m_running && m_conns[i].inFlight < m_o.depth) {
                if (!send(i, choose(i, searchW, borrowW, endW), [&refill, i] { refill(i); }))
                    break;
            }
        };
        for (int i = 0; i < connectionCount(); ++i)
            refill(i);
        spinFor(ms);
        m_running = false;
        spinUntil([&] { return inFlight() == 0; }, 60'000);
    }

    /// Open loop: `rate` requests/s spread over the connections for `ms`; returns the rate reached.
    double openLoop(int ms, int rate, int searchW, int borrowW, int endW)
    {
        QElapsedTimer t;
        t.start();
        qint64 sent = 0;
        int next = 0;
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&tick, &QTimer::timeout, this, [&] {
            const qint64 due = t.elapsed() * rate / 1000;
            for (int guard = 0; sent < due && guard < connectionCount(); ++guard) {
                next = (next + 1) % connectionCount();
                if (m_conns[next].inFlight >= 8) // that connection is backed up: the client is saturated
                    continue;
                send(next, choose(next, searchW, borrowW, endW), {});
                ++sent;
            }
        });
        tick.start(1);
        spinFor(ms);
        tick.stop();
        const double achieved = static_cast<double>(sent) * 1000.0 / static_cast<double>(t.elapsed());
        spinUntil([&] { return inFlight() == 0; }, 60'000);
        return achieved;
    }

    /// Makes sure every connection has offers to borrow (one search each).
    void primeOffers()
    {
        for (int i = 0; i < connectionCount(); ++i) {
            if (offersOf(m_conns[i]).size() < 4)
                send(i, OpSearch, {});
        }
        spinUntil([&] { return inFlight() == 0; }, 60'000);
    }

    void endAll()
    {
        for (int i = 0; i < connectionCount(); ++i) {
            while (!m_conns[i].contracts.isEmpty()) {
                if (!send(i, OpEnd, {}))
                    break;
            }
        }
        spinUntil([&] { return inFlight() == 0; }, 60'000);
    }

private:
    SearchOffers randomSearch()
    {
        static const QStringList orders{QStringLiteral("rate"), QStringLiteral("-cpus"), QStringLiteral("memory"),
                                        QStringLiteral("reliability"), QStringLiteral("-rate")};
        static const QStringList oses{QString(), QStringLiteral("busybox"), QStringLiteral("debian-12")};
        SearchOffers s;
        if (m_rng.bounded(4) == 0) {
            // the query language, as the CLI and the GUI's search box send it
            s.query = QStringLiteral("cpus>=%1 memory>=%2M order=%3")
                          .arg(1 << m_rng.bounded(3))
                          .arg(512 << m_rng.bounded(3))
                          .arg(orders[m_rng.bounded(static_cast<int>(orders.size()))]);
        } else {
            s.minCpus = static_cast<qint32>(m_rng.bounded(5));
            s.minMemoryMib = m_rng.bounded(2) ? 0 : 512LL << m_rng.bounded(3);
            s.os = oses[m_rng.bounded(static_cast<int>(oses.size()))];
            s.order = orders[m_rng.bounded(static_cast<int>(orders.size()))];
        }
        // Spread borrowers over the offers, as many people browsing would.
        s.offset = m_rng.bounded(2000);
        s.limit = 20;
        return s;
    }

    const Options &m_o;
    QRandomGenerator m_rng;
    QElapsedTimer m_clock;
    std::vector<Conn> m_conns;
    std::array<Kind, 3> m_kinds{Kind{"search"}, Kind{"borrow"}, Kind{"end"}};
    bool m_running = false;
};

void printKinds(const Driver &d, double seconds)
{
    for (Op op : {OpSearch, OpBorrow, OpEnd}) {
        const Kind &k = d.kind(op);
        say("  %-7s %8.0f/s  p50 %7.2f ms  p99 %7.2f ms  max %8.2f ms  (%lld ok, %lld failed)\n", k.name,
            static_cast<double>(k.ok) / seconds, k.latency.percentileMs(50), k.latency.percentileMs(99),
            k.latency.percentileMs(100), static_cast<long long>(k.ok), static_cast<long long>(k.failed));
    }
}

// The market's histogram of `kind` in an answer (empty if there is none).
LatencyHistogram serverHistogram(const std::optional<ServiceStats> &stats, const char *kind)
{
    return stats ? lendable::market::histogramOfKind(*stats, QString::fromLatin1(kind)) : LatencyHistogram{};
}

// ───────────────────────── phases ─────────────────────────

bool registerPartitions(const Market &market, const Options &o, QObject *parent)
{
    QElapsedTimer t;
    t.start();
    QList<Identity> ids;
    for (int l = 0; l < o.lenders; ++l)
        ids.append(makeIdentity(QStringLiteral("bench lender %1").arg(l)));
    const QList<Channel *> lenders = openChannels(market, ids, QStringLiteral("lender"), o.lenders, 16, parent);
    if (lenders.size() != o.lenders) {
        say("market-bench: only %lld of %d lenders connected\n", static_cast<long long>(lenders.size()), o.lenders);
        return false;
    }
    // Heartbeats, so that a market with the default heartbeat timeout keeps the lenders
    // online for the whole run (a market on another machine is not started by the bench).
    auto *heartbeat = new QTimer(parent);
    QObject::connect(heartbeat, &QTimer::timeout, parent, [lenders] {
        for (Channel *l : lenders) {
            if (l->isEstablished())
                l->request<Ack>(LenderHeartbeat{}, l, [](const Result<Ack> &) {});
        }
    });
    heartbeat->start(5000);
    const int perLender = (o.partitions + o.lenders - 1) / o.lenders;
    constexpr int kWindow = 64; // requests in flight per lender: registration is pipelined
    QRandomGenerator rng(42);
    qint64 sent = 0;
    qint64 done = 0;
    qint64 failed = 0;
    std::vector<int> next(lenders.size(), 0);
    std::vector<int> inFlight(lenders.size(), 0);
    std::function<void(int)> pump = [&](int l) {
        while (inFlight[l] < kWindow && next[l] < perLender && sent < o.partitions) {
            RegisterPartition reg;
            reg.partitionId = QStringLiteral("p-%1").arg(next[l]);
            reg.lenderName = QStringLiteral("bench-lender-%1").arg(l);
            reg.agentAddress = QStringLiteral("127.0.0.1:%1").arg(20000 + l);
            const int cpus = 1 << rng.bounded(4);
            reg.conditions.resources = Resources{cpus, 512LL << rng.bounded(4), 4096LL << rng.bounded(3)};
            reg.conditions.osImages = rng.bounded(3) == 0
                ? QStringList{QStringLiteral("busybox"), QStringLiteral("debian-12")}
                : QStringList{QStringLiteral("busybox")};
            reg.conditions.ratePerHour = Money::fromMicros(250'000LL * cpus + 1'000LL * rng.bounded(500));
            ++next[l];
            ++sent;
            ++inFlight[l];
            lenders[l]->request<PartitionRegistered>(reg, lenders[l], [&, l](Result<PartitionRegistered> r) {
                --inFlight[l];
                ++done;
                if (!r.ok() && ++failed <= 5)
                    say("  registration failed: %s\n", qPrintable(r.error().toString()));
                pump(l);
            });
        }
    };
    for (int l = 0; l < lenders.size(); ++l)
        pump(l);
    QElapsedTimer progress;
    progress.start();
    spinUntil([&] {
        if (progress.elapsed() > 10'000) {
            progress.restart();
            say("  ... %lld registered\n", static_cast<long long>(done));
        }
        return done == sent && sent >= o.partitions;
    }, 3'600'000);
    const double s = static_cast<double>(t.elapsed()) / 1000.0;
    say("registered %lld partitions from %d lenders in %.1f s (%.0f/s, %lld failed)\n", static_cast<long long>(done),
        o.lenders, s, static_cast<double>(done) / s, static_cast<long long>(failed));
    return failed == 0;
}

double handshakes(const Market &market, const Identity &id, int ms, int concurrency, QObject *parent)
{
    qint64 established = 0;
    qint64 failed = 0;
    bool running = true;
    int live = 0;
    std::function<void()> one = [&] {
        ++live;
        auto *c = SslChannel::connectTo(market.host(), market.port(), id, market.id(),
                                        clientConfig(QStringLiteral("borrower")), parent);
        QObject::connect(c, &Channel::established, c, [&, c] {
            ++established;
            c->close();
        });
        QObject::connect(c, &Channel::closed, c, [&, c](const Error &) {
            if (!c->isEstablished() && c->closeReason().code != ErrorCode::ConnectionClosed)
                ++failed;
            --live;
            c->deleteLater();
            if (running)
                QTimer::singleShot(0, parent, one);
        });
    };
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < concurrency; ++i)
        one();
    spinFor(ms);
    running = false;
    const double rate = static_cast<double>(established) * 1000.0 / static_cast<double>(t.elapsed());
    spinUntil([&] { return live == 0; }, 60'000);
    if (failed)
        say("  %lld handshakes failed\n", static_cast<long long>(failed));
    return rate;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("market-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Benchmarks a market-manager over TLS: registrations, a search/contract/end mix, handshakes, idle memory."));
    parser.addHelpOption();
    const QCommandLineOption partitions(QStringLiteral("partitions"), QStringLiteral("Partitions to register (default 100000)."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption lenders(QStringLiteral("lenders"), QStringLiteral("Simulated lenders (default 100)."), QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption connections(QStringLiteral("connections"), QStringLiteral("Borrower connections (default 1000)."), QStringLiteral("C"), QStringLiteral("1000"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Length of the mix phase (default 20); the latency and contract phases take half of it each."), QStringLiteral("D"), QStringLiteral("20"));
    const QCommandLineOption depth(QStringLiteral("depth"), QStringLiteral("Requests in flight per connection in the closed-loop phases (default 2)."), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Requests/s of the open-loop latency phase (default: half of the mix's throughput)."), QStringLiteral("R"), QStringLiteral("0"));
    const QCommandLineOption mix(QStringLiteral("mix"), QStringLiteral("Weights search:borrow:end (default 60:20:20)."), QStringLiteral("S:B:E"), QStringLiteral("60:20:20"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("Database URL for the market (default: SQLite in its data directory)."), QStringLiteral("URL"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("The market's data directory (default: a temporary one, on the disk, not tmpfs)."), QStringLiteral("DIR"));
    const QCommandLineOption idleOnly(QStringLiteral("idle-only"), QStringLiteral("Stop after the idle-memory measurement (for memory work)."));
    const QCommandLineOption binary(QStringLiteral("market-binary"), QStringLiteral("market-manager to run (default: next to this program)."), QStringLiteral("PATH"));
    const QCommandLineOption connectTo(QStringLiteral("connect"), QStringLiteral("Drive a market already running at ADDR:PORT (for instance on another machine) instead of starting one; needs --market-id and --identity. Start it fresh for each run."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption marketId(QStringLiteral("market-id"), QStringLiteral("Node ID of the market given with --connect."), QStringLiteral("ID"));
    const QCommandLineOption identity(QStringLiteral("identity"), QStringLiteral("Directory of this bench's own node identity, made there if missing; the market must allow its node ID with --admin-id (default: a new one for each run)."), QStringLiteral("DIR"));
    const QCommandLineOption printId(QStringLiteral("print-id"), QStringLiteral("Print the node ID of --identity (made if missing) and exit."));
    for (const auto *opt : {&partitions, &lenders, &connections, &seconds, &depth, &rate, &mix, &database, &data, &idleOnly, &binary,
                            &connectTo, &marketId, &identity, &printId})
        parser.addOption(*opt);
    parser.process(app);

    Options o;
    o.partitions = qMax(1, parser.value(partitions).toInt());
    o.lenders = qBound(1, parser.value(lenders).toInt(), o.partitions);
    o.connections = qMax(1, parser.value(connections).toInt());
    o.seconds = qMax(1, parser.value(seconds).toInt());
    o.depth = qMax(1, parser.value(depth).toInt());
    o.rate = qMax(0, parser.value(rate).toInt());
    const QStringList weights = parser.value(mix).split(QLatin1Char(':'));
    if (weights.size() != 3) {
        std::fprintf(stderr, "market-bench: --mix wants S:B:E\n");
        return 2;
    }
    o.searchWeight = qMax(0, weights[0].toInt());
    o.borrowWeight = qMax(0, weights[1].toInt());
    o.endWeight = qMax(0, weights[2].toInt());
    if (o.searchWeight + o.borrowWeight + o.endWeight == 0)
        o.searchWeight = 1;
    o.database = parser.value(database);
    o.marketBinary = parser.isSet(binary) ? parser.value(binary)
                                          : QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("market-manager"));

    // The bench's own identity: it administers the market (AdminServiceStats), so a market it
    // does not start must list it with --admin-id, and it must then stay the same.
    if ((parser.isSet(printId) || parser.isSet(connectTo)) && !parser.isSet(identity)) {
        std::fprintf(stderr, "market-bench: %s needs --identity DIR\n", parser.isSet(printId) ? "--print-id" : "--connect");
        return 2;
    }
    Identity admin;
    if (parser.isSet(identity)) {
        Result<Identity> loaded = Identity::loadOrCreate(parser.value(identity), QStringLiteral("market-bench"));
        if (!loaded) {
            std::fprintf(stderr, "market-bench: %s\n", qPrintable(loaded.error().toString()));
            return 1;
        }
        admin = *loaded;
    } else {
        admin = makeIdentity(QStringLiteral("market-bench"));
    }
    if (parser.isSet(printId)) {
        std::fprintf(stdout, "%s\n", qPrintable(admin.nodeId()));
        return 0;
    }
    if (parser.isSet(connectTo)) {
        Result<HostPort> where = parseHostPort(parser.value(connectTo));
        if (!where) {
            std::fprintf(stderr, "market-bench: --connect: %s\n", qPrintable(where.error().message));
            return 2;
        }
        if (!parser.isSet(marketId)) {
            std::fprintf(stderr, "market-bench: --connect needs --market-id (the market prints it when it starts)\n");
            return 2;
        }
        for (const QCommandLineOption *local : {&database, &data, &binary}) {
            if (parser.isSet(*local)) {
                std::fprintf(stderr, "market-bench: --%s is for a market the bench starts, not one it connects to\n",
                             qPrintable(local->names().constFirst()));
                return 2;
            }
        }
        o.connectHost = where->host;
        o.connectPort = where->port;
        o.marketId = parser.value(marketId).trimmed().toLower();
    }

    // Each connection is a socket on both sides; the market inherits this limit.
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < static_cast<rlim_t>(o.connections + o.lenders + 256)) {
        std::fprintf(stderr, "market-bench: %d connections need more than the %llu open files allowed\n", o.connections,
                     static_cast<unsigned long long>(files.rlim_cur));
        return 2;
    }

    Market market;
    // Under the working directory by default: /tmp may be tmpfs, where fsync costs nothing.
    std::optional<QTemporaryDir> tmp;
    if (o.connectHost.isEmpty()) {
        tmp.emplace(QDir::current().filePath(QStringLiteral("market-bench-XXXXXX")));
        const QString dataDir = parser.isSet(data) ? parser.value(data) : tmp->path();
        QDir().mkpath(dataDir);
        say("market-bench: %d partitions, %d lenders, %d connections, %d s mix (depth %d, mix %d:%d:%d), database %s\n",
            o.partitions, o.lenders, o.connections, o.seconds, o.depth, o.searchWeight, o.borrowWeight, o.endWeight,
            o.database.isEmpty() ? "SQLite" : "PostgreSQL");
        if (!market.start(o, dataDir, admin)) {
            market.stop();
            return 1;
        }
        say("market %s on port %u (pid %lld)\n", qPrintable(market.id()), unsigned(market.port()),
            static_cast<long long>(market.pid()));
    } else {
        say("market-bench: %d partitions, %d lenders, %d connections, %d s mix (depth %d, mix %d:%d:%d), the market at %s\n",
            o.partitions, o.lenders, o.connections, o.seconds, o.depth, o.searchWeight, o.borrowWeight, o.endWeight,
            qPrintable((HostPort{o.connectHost, o.connectPort}).toString()));
        if (!market.attach(o, admin)) {
            market.stop();
            return 1;
        }
        say("market %s at %s\n", qPrintable(market.id()), qPrintable((HostPort{o.connectHost, o.connectPort}).toString()));
    }
    QObject root;
    int rc = 0;
    const auto finish = [&] {
        market.stop();
        return rc;
    };

    if (!registerPartitions(market, o, &root)) {
        rc = 1;
        return finish();
    }

    // ── idle memory per connection ──
    QList<Identity> borrowers;
    for (int b = 0; b < 10; ++b)
        borrowers.append(makeIdentity(QStringLiteral("bench borrower %1").arg(b)));
    spinFor(1500);
    const qint64 rssNone = market.rssKb();
    QElapsedTimer connectTime;
    connectTime.start();
    const QList<Channel *> channels = openChannels(market, borrowers, QStringLiteral("borrower"), o.connections, 64, &root);
    say("opened %lld of %d borrower connections in %.1f s\n", static_cast<long long>(channels.size()), o.connections,
        static_cast<double>(connectTime.elapsed()) / 1000.0);
    if (channels.isEmpty()) {
        rc = 1;
        return finish();
    }
    spinFor(2000);
    const qint64 rssIdle = market.rssKb();
    const double idleKb = static_cast<double>(rssIdle - rssNone) / static_cast<double>(channels.size());
    say("idle: market RSS %lld KiB with none, %lld KiB with %lld idle connections: %.1f KiB per connection\n",
        static_cast<long long>(rssNone), static_cast<long long>(rssIdle), static_cast<long long>(channels.size()), idleKb);

    if (parser.isSet(idleOnly)) {
        say("{\"idle_kb_per_connection\":%.1f,\"connections\":%lld}\n", idleKb, static_cast<long long>(channels.size()));
        return finish();
    }
    Driver driver(channels, o);

    // ── mix, closed loop ──
    driver.primeOffers();
    driver.resetFigures();
    double maxStolen = 0; // of the measured phases
    {
        CpuMeter cpu{market, &maxStolen};
        driver.closedLoop(o.seconds * 1000, o.searchWeight, o.borrowWeight, o.endWeight);
        const double s = static_cast<double>(cpu.wall.elapsed()) / 1000.0;
        say("mix (closed loop, %d in flight): %.0f requests/s; %s\n", o.depth * driver.connectionCount(),
            static_cast<double>(driver.completed()) / s, qPrintable(cpu.report()));
        printKinds(driver, s);
    }
    const double mixRate = static_cast<double>(driver.completed()) / static_cast<double>(o.seconds);
    const double mixContracts = static_cast<double>(driver.kind(OpBorrow).ok) / static_cast<double>(o.seconds);

    // ── latency, open loop ──
    const int paced = o.rate > 0 ? o.rate : qMax(100, static_cast<int>(mixRate / 2));
    driver.resetFigures();
    const std::optional<ServiceStats> before = market.stats();
    double achieved = 0;
    {
        CpuMeter cpu{market, &maxStolen};
        achieved = driver.openLoop(o.seconds * 500, paced, o.searchWeight, o.borrowWeight, o.endWeight);
        const double s = static_cast<double>(cpu.wall.elapsed()) / 1000.0;
        say("latency (open loop at %d requests/s, reached %.0f): %s\n", paced, achieved, qPrintable(cpu.report()));
        printKinds(driver, s);
    }
    const std::optional<ServiceStats> after = market.stats();
    const LatencyHistogram serverSearch = serverHistogram(after, "search").since(serverHistogram(before, "search"));
    const LatencyHistogram serverBorrow = serverHistogram(after, "borrow").since(serverHistogram(before, "borrow"));
    const LatencyHistogram serverEnd = serverHistogram(after, "end").since(serverHistogram(before, "end"));
    say("  in the market: search p50 %.3f ms p99 %.3f ms; borrow p50 %.2f ms p99 %.2f ms; end p50 %.2f ms p99 %.2f ms\n",
        serverSearch.percentileMs(50), serverSearch.percentileMs(99), serverBorrow.percentileMs(50),
        serverBorrow.percentileMs(99), serverEnd.percentileMs(50), serverEnd.percentileMs(99));
    const double searchP99 = driver.kind(OpSearch).latency.percentileMs(99);
    const double contractP99 = driver.kind(OpBorrow).latency.percentileMs(99);

    // ── contracts only, closed loop ──
    driver.primeOffers();
    driver.resetFigures();
    double contractsPerS = 0;
    {
        CpuMeter cpu{market, &maxStolen};
        driver.closedLoop(o.seconds * 500, 0, 1, 1);
        const double s = static_cast<double>(cpu.wall.elapsed()) / 1000.0;
        contractsPerS = static_cast<double>(driver.kind(OpBorrow).ok) / s;
        say("contracts (closed loop, borrow/end only): %.0f contracts/s durable, %.0f ends/s; %s\n", contractsPerS,
            static_cast<double>(driver.kind(OpEnd).ok) / s, qPrintable(cpu.report()));
        printKinds(driver, s);
    }
    driver.endAll();
    spinFor(1000);
    say("market RSS after the load, %lld connections idle again: %lld KiB\n", static_cast<long long>(channels.size()),
        static_cast<long long>(market.rssKb()));

    // ── handshakes ──
    double handshakesPerS = 0;
    {
        CpuMeter cpu{market, &maxStolen};
        handshakesPerS = handshakes(market, borrowers[0], qMin(10'000, qMax(2000, o.seconds * 250)), 32, &root);
        say("handshakes (TLS 1.3 + Hello, then close; 32 at a time): %.0f/s; %s\n", handshakesPerS, qPrintable(cpu.report()));
    }

    QJsonObject result{{QStringLiteral("requests_per_s"), qRound(mixRate)},
                       {QStringLiteral("search_p99_ms"), searchP99},
                       {QStringLiteral("search_p99_server_ms"), serverSearch.percentileMs(99)},
                       {QStringLiteral("contracts_per_s"), qRound(qMax(contractsPerS, mixContracts))},
                       {QStringLiteral("contract_p99_ms"), contractP99},
                       {QStringLiteral("handshakes_per_s"), qRound(handshakesPerS)},
                       {QStringLiteral("idle_kb_per_connection"), qRound(idleKb * 10) / 10.0},
                       {QStringLiteral("connections"), static_cast<qint64>(channels.size())},
                       {QStringLiteral("partitions"), o.partitions},
                       {QStringLiteral("latency_rate_per_s"), qRound(achieved)},
                       {QStringLiteral("max_steal_percent"), qRound(maxStolen * 10) / 10.0}};
    say("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return finish();
}
