// lendable-seed: fills a market with simulated lenders' offers (and, optionally, contracts)
// for screenshots, demos and benchmarks. Each simulated lender is a real node with its own
// identity; its partitions are registered with RegisterPartition over real TLS. The offers
// point at no real agent: borrowing one gives a contract, not a VM.
//
// With --history DAYS it writes, instead, the past: DAYS days of contracts of those lenders'
// partitions, begun and ended at their times in the past and billed as the market bills, into
// a market's database directly (as another market process would write it). A market cannot be
// told of past contracts over the protocol, where it stamps every contract with its own clock;
// the billing charts of a demo market would otherwise show one day. With --identities DIR the
// simulated nodes keep their identities in DIR, so that a later run that registers over TLS
// is the same lenders and borrower as the history's.

#include "LendingKey.h"
#include "MarketOptions.h"
#include "MarketStore.h"
#include "app/AppSupport.h"
#include "identity/Identity.h"
#include "model/LockReport.h"
#include "protocol/SslChannel.h"
#include "storage/Database.h"
#include "util/HostPort.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace lendable;
using namespace lendable::protocol;

namespace {

const QStringList kLenderNames{QStringLiteral("lab-ws-01"), QStringLiteral("render-farm"), QStringLiteral("office-pc-7"),
                               QStringLiteral("gpu-box"), QStringLiteral("build-srv"), QStringLiteral("nas-2")};
// The history's borrowers; the first is the one that borrows over TLS (--contracts). The last
// gave no name, as some real borrowers do not.
const QStringList kBorrowerNames{QStringLiteral("Seed borrower"), QStringLiteral("Northwind Labs"),
                                 QStringLiteral("Orbit Analytics"), QStringLiteral("Kestrel Bio"), QString()};
// How often each of them borrows, relative to the others.
constexpr int kBorrowerWeights[] = {30, 30, 20, 15, 5};

// The launchers' convention: exit 2 for what the user asked wrong (an invalid_argument, such
// as a database URL that is not one), 1 for a failure at run time.
using app::fail;

/// Lender `l`'s partition `p`, the same in every run (so that a run over TLS after --history
/// registers what the history lent, unchanged).
RegisterPartition simulatedPartition(int l, int p)
{
    QRandomGenerator rng(static_cast<quint32>(1000 * l + p + 42));
    RegisterPartition reg;
    reg.partitionId = QStringLiteral("part-%1").arg(p + 1);
    reg.lenderName = kLenderNames[l % kLenderNames.size()] + (l >= kLenderNames.size() ? QString::number(l) : QString());
    reg.agentAddress = QStringLiteral("127.0.0.1:%1").arg(7500 + l);
    const int cpus = 1 << rng.bounded(4);
    reg.conditions.resources = Resources{cpus, 512LL << rng.bounded(4), 4096LL << rng.bounded(3)};
    reg.conditions.osImages = rng.bounded(3) == 0 ? QStringList{QStringLiteral("busybox"), QStringLiteral("debian-12")}
                                                  : QStringList{QStringLiteral("busybox")};
    reg.conditions.ratePerHour = Money::fromMicros(250'000LL * cpus + 10'000LL * rng.bounded(50));
    // Some lenders limit how long a contract may run: longer than any the history lends
    // (at most 5 h 20 min), so that what it wrote stays true. From a generator of its own,
    // so that the rest stays as it was.
    static constexpr qint64 kLimits[] = {0, 0, 0, 8 * 3600, 12 * 3600, 24 * 3600};
    QRandomGenerator limits(static_cast<quint32>(1000 * l + p + 4242));
    reg.conditions.maxDurationS = kLimits[limits.bounded(int(std::size(kLimits)))];
    return reg;
}

/// A simulated node's identity: kept in `dir`/`name` when `dir` is given (made there the first
/// time), else new.
Result<Identity> simulatedIdentity(const QString &dir, const QString &name, const QString &commonName)
{
    if (!dir.isEmpty())
        return Identity::loadOrCreate(QDir(dir).filePath(name), commonName);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return Identity::generate(commonName, now.addDays(-1), now.addYears(1));
}

Result<Identity> lenderIdentity(const QString &dir, int l)
{
    return simulatedIdentity(dir, QStringLiteral("lender-%1").arg(l + 1), QStringLiteral("simulated lender"));
}

Result<Identity> borrowerIdentity(const QString &dir, int b)
{
    return simulatedIdentity(dir, QStringLiteral("borrower-%1").arg(b + 1), QStringLiteral("simulated borrower"));
}

struct HistoryOptions {
    QString url;
    QString identities;
    int lenders = 3;
    int partitions = 8;
    int days = 14;
    int feeBasisPoints = 1000;
    qint64 nowMs = 0;
};

/// Writes `o.days` days of ended contracts on the simulated lenders' partitions into the
/// market database at `o.url`, in one transaction, and leaves those lenders offline (until
/// they connect). Returns how many contracts it wrote.
Result<int> writeHistory(const HistoryOptions &o)
{
    Result<std::unique_ptr<market::MarketStore>> opened = market::MarketStore::open(o.url);
    if (!opened)
        return opened.error();
    market::MarketStore &store = **opened;
    if (Result<qint64> tag = store.claimRevisionTag(); !tag)
        return tag.error();
    constexpr qint64 kHour = 3'600'000;
    const qint64 to = o.nowMs - kHour / 6; // every contract of the history ended 10 min ago or earlier
    const qint64 from = o.nowMs - o.days * 24 * kHour;

    QStringList borrowers;
    for (int b = 0; b < kBorrowerNames.size(); ++b) {
        Result<Identity> id = borrowerIdentity(o.identities, b);
        if (!id)
            return id.error();
        borrowers.append(id->nodeId());
    }

    // Each partition's contracts one after another, never overlapping: a busy start of the
    // week, quieter weekends, and a market that grows (gaps shrink towards the present).
    struct Lent {
        qint64 start;
        qint64 end;
        int offer;
        int borrower;
        bool lost; ///< the lender lost the partition (a crash, say): ended with reason `lost`
    };
    QList<Lent> lent;
    QStringList lenderIds;
    QStringList offers;
    QRandomGenerator rng(7);
    int thirdLendersContracts = 0;
    int weightSum = 0;
    for (int w : kBorrowerWeights)
        weightSum += w;
    WriteTransaction tx(store.database());
    if (!tx.ok())
        return tx.error();
    for (int l = 0; l < o.lenders; ++l) {
        Result<Identity> id = lenderIdentity(o.identities, l);
        if (!id)
            return id.error();
        lenderIds.append(id->nodeId());
        for (int p = 0; p < o.partitions; ++p) {
            Result<market::PartitionRow> row = store.registerInTransaction(id->nodeId(), simulatedPartition(l, p), from);
            if (!row)
                return row.error();
            if (row->isLent())
                return Error(ErrorCode::Conflict, QStringLiteral("partition %1 of %2 is lent now; the history would lend it "
                                                                 "again in the past")
                                                      .arg(row->partitionId, id->nodeId()));
            if (p == 0) {
                // A second history over the first would lend the same partitions twice at once:
                // any contract of the lender that ended after the history's start overlaps it,
                // whenever it started (a running one is refused above).
                Result<QSqlQuery> since = store.database().exec(
                    QStringLiteral("SELECT COUNT(*) FROM contracts WHERE lender_id = ? AND ended_at_ms > ?"), {id->nodeId(), from});
                if (!since)
                    return since.error();
                if (since->next() && since->value(0).toLongLong() > 0)
                    return Error(ErrorCode::Conflict,
                                 QStringLiteral("the market already has contracts of simulated lender %1 since %2; a history "
                                                "is written only where those lenders have none")
                                     .arg(id->nodeId().left(12),
                                          QDateTime::fromMSecsSinceEpoch(from, Qt::UTC).toString(Qt::ISODate)));
            }
            const int offer = static_cast<int>(offers.size());
            offers.append(row->offerId);
            qint64 t = from + static_cast<qint64>(rng.bounded(6 * kHour));
            for (;;) {
                const qint64 duration = kHour / 3 + static_cast<qint64>(rng.bounded(5 * kHour));
                if (t + duration > to)
                    break;
                int pick = static_cast<int>(rng.bounded(weightSum));
                int b = 0;
                while (pick >= kBorrowerWeights[b])
                    pick -= kBorrowerWeights[b++];
                // The third lender's machine is less dependable: one contract in 25 ends lost,
                // which the market counts against its reliability (the lender registered the
                // partition again after each). Counted, not drawn: a draw depends on how many
                // contracts today's dates leave room for, and could leave a history with none.
                const bool lost = l == 2 && ++thirdLendersContracts % 25 == 13;
                lent.append(Lent{t, t + duration, offer, b, lost});
                const double progress = double(t - from) / double(to - from);
                const int weekday = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).date().dayOfWeek();
                qint64 gapMax = static_cast<qint64>((16.0 - 10.0 * progress) * double(kHour));
                if (weekday >= 6)
                    gapMax *= 3;
                t += duration + kHour / 4 + static_cast<qint64>(rng.bounded(static_cast<quint64>(gapMax)));
            }
        }
    }
    for (int b = 0; b < borrowers.size(); ++b) {
        if (kBorrowerNames[b].isEmpty())
            continue;
        if (Result<void> named = store.setBorrowerName(borrowers[b], kBorrowerNames[b], from); !named)
            return named.error();
    }
    // Lends and ends in the order of their times (an end before a lend at the same moment),
    // as the market would have run them.
    struct Step {
        qint64 at;
        bool end;
        int contract;
    };
    QList<Step> steps;
    for (int c = 0; c < lent.size(); ++c) {
        steps.append(Step{lent[c].start, false, c});
        steps.append(Step{lent[c].end, true, c});
    }
    std::sort(steps.begin(), steps.end(), [](const Step &a, const Step &b) {
        return a.at != b.at ? a.at < b.at : a.end > b.end;
    });
    QStringList contractIds(lent.size());
    for (const Step &s : steps) {
        const Lent &c = lent[s.contract];
        if (!s.end) {
            contractIds[s.contract] = market::timeOrderedId(u"c-", s.at);
            Result<market::LendResult> r = store.lendInTransaction(offers[c.offer], borrowers[c.borrower], contractIds[s.contract],
                                                                   market::hashLendingKey(market::generateLendingKey()), s.at);
            if (!r)
                return r.error();
        } else if (Result<market::ContractRow> r = store.endInTransaction(contractIds[s.contract], borrowers[c.borrower],
                                                                         c.lost ? QStringLiteral("lost") : QStringLiteral("borrower"),
                                                                         s.at, o.feeBasisPoints);
                   !r) {
            return r.error();
        }
    }
    for (const QString &lender : lenderIds)
        if (Result<void> off = store.setLenderOffline(lender); !off)
            return off.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return static_cast<int>(lent.size());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lendable-seed"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Registers simulated lenders' partitions (and optionally contracts) with a market, or writes their past "
                       "contracts into a market's database (--history)."));
    parser.addHelpOption();
    const QCommandLineOption market(QStringLiteral("market"), QStringLiteral("Market address."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption marketId(QStringLiteral("market-id"), QStringLiteral("Market node ID."), QStringLiteral("ID"));
    const QCommandLineOption lenders(QStringLiteral("lenders"), QStringLiteral("Simulated lenders (default 3)."), QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption partitions(QStringLiteral("partitions"), QStringLiteral("Partitions per lender (default 8)."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption contracts(QStringLiteral("contracts"), QStringLiteral("Contracts to make and end (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption keep(QStringLiteral("keep-open"), QStringLiteral("Stay connected (lenders stay online) until killed."));
    const QCommandLineOption violations(QStringLiteral("violations"), QStringLiteral("Lock violations the first lender reports, each restored (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption identities(QStringLiteral("identities"),
                                        QStringLiteral("Keep the simulated lenders' and borrowers' identities in DIR (made the first "
                                                       "time, reused after), so that runs are the same nodes."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption history(QStringLiteral("history"),
                                     QStringLiteral("Instead of connecting: write DAYS days of past contracts of the simulated "
                                                    "lenders' partitions into the market's database (--data or --database) and "
                                                    "leave those lenders offline."),
                                     QStringLiteral("DAYS"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("With --history: the market's data directory (its market.db)."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("With --history: the market's database URL."),
                                      QStringLiteral("URL"));
    const QCommandLineOption feePercent(QStringLiteral("fee-percent"),
                                        QStringLiteral("With --history: the market's fee in percent (default 10)."),
                                        QStringLiteral("PERCENT"), QStringLiteral("10"));
    for (const auto *o : {&market, &marketId, &lenders, &partitions, &contracts, &violations, &keep, &identities, &history, &data,
                          &database, &feePercent})
        parser.addOption(*o);
    parser.process(app);

    bool countsOk = true;
    const auto count = [&](const QCommandLineOption &o, int min, int max) {
        bool ok = false;
        const int n = parser.value(o).toInt(&ok);
        if (!ok || n < min || n > max) {
            std::fprintf(stderr, "lendable-seed: --%s must be a whole number from %d to %d, not \"%s\"\n",
                         qPrintable(o.names().constFirst()), min, max, qPrintable(parser.value(o)));
            countsOk = false;
        }
        return n;
    };
    const int lenderCount = count(lenders, 0, 10'000);
    const int partitionCount = count(partitions, 0, 100'000);
    const int contractCount = count(contracts, 0, 1'000'000);
    const int violationCount = count(violations, 0, 1'000'000);
    if (!countsOk)
        return 2;
    const QString identityDir = parser.value(identities);

    if (parser.isSet(history)) {
        HistoryOptions o;
        o.identities = identityDir;
        o.lenders = lenderCount;
        o.partitions = partitionCount;
        o.days = count(history, 1, AdminBillingReport::kMaxDays); // what a billing report can show
        // Read as the market reads its own --fee-percent, so that the history bills alike.
        Result<int> fee = market::parseFeePercent(parser.value(feePercent));
        if (!fee) {
            std::fprintf(stderr, "lendable-seed: --fee-percent: %s\n", qPrintable(fee.error().message));
            return 2;
        }
        o.feeBasisPoints = *fee;
        if (!countsOk || parser.isSet(data) == parser.isSet(database)) {
            if (countsOk)
                std::fprintf(stderr, "lendable-seed: --history needs either --data DIR or --database URL\n");
            return 2;
        }
        o.url = parser.isSet(database) ? parser.value(database)
                                       : QStringLiteral("sqlite:") + QDir(parser.value(data)).filePath(QStringLiteral("market.db"));
        o.nowMs = QDateTime::currentMSecsSinceEpoch();
        Result<int> written = writeHistory(o);
        if (!written)
            return fail(written.error());
        std::printf("wrote %d past contracts over %d days on %d partitions of %d simulated lenders\n", *written, o.days,
                    lenderCount * partitionCount, lenderCount);
        return 0;
    }

    const Result<HostPort> at = parseHostPort(parser.value(market));
    if (!at || !Identity::isValidNodeId(parser.value(marketId).toLower())) {
        std::fprintf(stderr, "lendable-seed: --market HOST:PORT and --market-id ID are required%s%s\n", at ? "" : ": ",
                     at ? "" : qPrintable(at.error().message));
        return 2;
    }
    const QString host = at->host;
    const quint16 port = at->port;
    QList<Channel *> open;
    for (int l = 0; l < lenderCount; ++l) {
        const Result<Identity> id = lenderIdentity(identityDir, l);
        if (!id)
            return fail(id.error());
        HandshakeConfig config;
        config.localRole = QStringLiteral("lender");
        auto *channel = SslChannel::connectTo(host, port, *id, parser.value(marketId).toLower(), config, &app);
        if (const Result<void> up = channel->waitEstablished(15000); !up.ok())
            return fail(up.error());
        for (int p = 0; p < partitionCount; ++p) {
            Result<PartitionRegistered> r = channel->call<PartitionRegistered>(simulatedPartition(l, p));
            if (!r.ok())
                return fail(r.error());
        }
        open.append(channel);
    }
    if (contractCount > 0) {
        const Result<Identity> id = borrowerIdentity(identityDir, 0);
        if (!id)
            return fail(id.error());
        HandshakeConfig config;
        config.localRole = QStringLiteral("borrower");
        auto *borrower = SslChannel::connectTo(host, port, *id, parser.value(marketId).toLower(), config, &app);
        if (const Result<void> up = borrower->waitEstablished(15000); !up.ok())
            return fail(up.error());
        if (const Result<Ack> named = borrower->call<Ack>(SetBorrowerName{.name = kBorrowerNames[0]}); !named.ok())
            return fail(named.error());
        QList<QString> running;
        for (int c = 0; c < contractCount; ++c) {
            Result<ContractGranted> g = borrower->call<ContractGranted>(Borrow{.offerId = {}, .query = QStringLiteral("order=rate")});
            if (!g.ok())
                break;
            running.append(g->contractId);
        }
        // End all but one, after a moment, so there is billing and one running contract.
        QThread::msleep(1500);
        for (int c = 0; c + 1 < running.size(); ++c)
            (void)borrower->call<ContractClosed>(EndContract{.contractId = running[c]});
        std::printf("made %lld contracts, %d still running\n", static_cast<long long>(running.size()), running.isEmpty() ? 0 : 1);
    }
    // What an agent's lock reports (LockReport's words), every change put back.
    const auto change = [](const char *what, const char *leased, const char *live) {
        return LockChange{.what = QString::fromLatin1(what), .leased = QString::fromLatin1(leased), .live = QString::fromLatin1(live), .restored = true};
    };
    const QStringList changes{LockReport{{change("vcpus", "2", "4")}, {}}.toString(),
                              LockReport{{change("hard_limit", "1048576", "2097152"), change("cpu_shares", "1024", "4096")}, {}}.toString(),
                              LockReport{{change("vcpu_quota", "50000", "-1")}, {}}.toString(),
                              LockReport{{change("cpu_pin", "0-1", "none")}, {}}.toString()};
    for (int v = 0; v < violationCount && !open.isEmpty(); ++v) {
        ReportViolation report;
        report.partitionId = QStringLiteral("part-%1").arg(v % qMax(1, partitionCount) + 1);
        report.detail = changes[v % changes.size()];
        report.restored = true;
        if (Result<Ack> r = open.first()->call<Ack>(report); !r.ok())
            return fail(r.error());
        QThread::msleep(5); // one report per millisecond at most, so their order shows
    }
    std::printf("registered %d partitions from %lld simulated lenders\n", lenderCount * partitionCount,
                static_cast<long long>(open.size()));
    std::fflush(stdout);
    if (parser.isSet(keep)) {
        // Simulated lenders stay online as real agents do: a heartbeat well inside the
        // market's timeout.
        auto *heartbeat = new QTimer(&app);
        QObject::connect(heartbeat, &QTimer::timeout, &app, [open] {
            for (int l = 0; l < open.size(); ++l) {
                LenderHeartbeat hb;
                hb.agentAddress = simulatedPartition(l, 0).agentAddress;
                open[l]->request<Ack>(hb, open[l], [](Result<Ack>) {});
            }
        });
        heartbeat->start(5000);
        return QCoreApplication::exec();
    }
    return 0;
}
