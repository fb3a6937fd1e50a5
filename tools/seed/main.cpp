// lendable-seed: fills a running market with simulated lenders' offers (and, optionally,
// contracts) over real TLS, for screenshots, demos and benchmarks. Each simulated lender is
// a real node with its own identity; its partitions are registered with RegisterPartition.
// The offers point at no real agent: borrowing one gives a contract, not a VM.

#include "identity/Identity.h"
#include "protocol/SslChannel.h"
#include "util/HostPort.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace lendable;
using namespace lendable::protocol;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lendable-seed"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Registers simulated lenders' partitions (and optionally contracts) with a market."));
    parser.addHelpOption();
    const QCommandLineOption market(QStringLiteral("market"), QStringLiteral("Market address."), QStringLiteral("ADDR:PORT"));
    const QCommandLineOption marketId(QStringLiteral("market-id"), QStringLiteral("Market node ID."), QStringLiteral("ID"));
    const QCommandLineOption lenders(QStringLiteral("lenders"), QStringLiteral("Simulated lenders (default 3)."), QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption partitions(QStringLiteral("partitions"), QStringLiteral("Partitions per lender (default 8)."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption contracts(QStringLiteral("contracts"), QStringLiteral("Contracts to make and end (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption keep(QStringLiteral("keep-open"), QStringLiteral("Stay connected (lenders stay online) until killed."));
    const QCommandLineOption violations(QStringLiteral("violations"), QStringLiteral("Lock violations the first lender reports, each restored (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    for (const auto *o : {&market, &marketId, &lenders, &partitions, &contracts, &violations, &keep})
        parser.addOption(*o);
    parser.process(app);

    const Result<HostPort> at = parseHostPort(parser.value(market));
    if (!at || !Identity::isValidNodeId(parser.value(marketId).toLower())) {
        std::fprintf(stderr, "lendable-seed: --market HOST:PORT and --market-id ID are required%s%s\n", at ? "" : ": ",
                     at ? "" : qPrintable(at.error().message));
        return 2;
    }
    const QString host = at->host;
    const quint16 port = at->port;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QRandomGenerator rng(42);
    const QStringList names{QStringLiteral("lab-ws-01"), QStringLiteral("render-farm"), QStringLiteral("office-pc-7"),
                            QStringLiteral("gpu-box"), QStringLiteral("build-srv"), QStringLiteral("nas-2")};
    QList<Channel *> open;
    for (int l = 0; l < parser.value(lenders).toInt(); ++l) {
        const Identity id = Identity::generate(QStringLiteral("simulated lender"), now.addDays(-1), now.addYears(1)).value();
        HandshakeConfig config;
        config.localRole = QStringLiteral("lender");
        auto *channel = SslChannel::connectTo(host, port, id, parser.value(marketId).toLower(), config, &app);
        if (const Result<void> up = channel->waitEstablished(15000); !up.ok()) {
            std::fprintf(stderr, "lendable-seed: %s\n", qPrintable(up.error().toString()));
            return 1;
        }
        for (int p = 0; p < parser.value(partitions).toInt(); ++p) {
            RegisterPartition reg;
            reg.partitionId = QStringLiteral("part-%1").arg(p + 1);
            reg.lenderName = names[l % names.size()] + (l >= names.size() ? QString::number(l) : QString());
            reg.agentAddress = QStringLiteral("127.0.0.1:%1").arg(7500 + l);
            const int cpus = 1 << rng.bounded(4);
            reg.conditions.resources = Resources{cpus, 512LL << rng.bounded(4), 4096LL << rng.bounded(3)};
            reg.conditions.osImages = rng.bounded(3) == 0 ? QStringList{QStringLiteral("busybox"), QStringLiteral("debian-12")}
                                                          : QStringList{QStringLiteral("busybox")};
            reg.conditions.ratePerHour = Money::fromMicros(250'000LL * cpus + 10'000LL * rng.bounded(50));
            Result<PartitionRegistered> r = channel->call<PartitionRegistered>(reg);
            if (!r.ok()) {
                std::fprintf(stderr, "lendable-seed: %s\n", qPrintable(r.error().toString()));
                return 1;
            }
        }
        open.append(channel);
    }
    const int wanted = parser.value(contracts).toInt();
    if (wanted > 0) {
        const Identity id = Identity::generate(QStringLiteral("simulated borrower"), now.addDays(-1), now.addYears(1)).value();
        HandshakeConfig config;
        config.localRole = QStringLiteral("borrower");
        auto *borrower = SslChannel::connectTo(host, port, id, parser.value(marketId).toLower(), config, &app);
        if (const Result<void> up = borrower->waitEstablished(15000); !up.ok()) {
            std::fprintf(stderr, "lendable-seed: %s\n", qPrintable(up.error().toString()));
            return 1;
        }
        if (const Result<Ack> named = borrower->call<Ack>(SetBorrowerName{.name = QStringLiteral("Seed borrower")}); !named.ok()) {
            std::fprintf(stderr, "lendable-seed: %s\n", qPrintable(named.error().toString()));
            return 1;
        }
        QList<QString> running;
        for (int c = 0; c < wanted; ++c) {
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
    const int reports = parser.value(violations).toInt();
    const QStringList changes{QStringLiteral("vcpus 2 -> 4"), QStringLiteral("memory 1024 -> 2048 MiB"),
                              QStringLiteral("disk 4096 -> 8192 MiB"), QStringLiteral("vcpu pinning removed")};
    for (int v = 0; v < reports && !open.isEmpty(); ++v) {
        ReportViolation report;
        report.partitionId = QStringLiteral("part-%1").arg(v % qMax(1, parser.value(partitions).toInt()) + 1);
        report.detail = changes[v % changes.size()];
        report.restored = true;
        if (Result<Ack> r = open.first()->call<Ack>(report); !r.ok()) {
            std::fprintf(stderr, "lendable-seed: %s\n", qPrintable(r.error().toString()));
            return 1;
        }
        QThread::msleep(5); // one report per millisecond at most, so their order shows
    }
    std::printf("registered %d partitions from %lld simulated lenders\n",
                parser.value(lenders).toInt() * parser.value(partitions).toInt(), static_cast<long long>(open.size()));
    std::fflush(stdout);
    if (parser.isSet(keep)) {
        // Simulated lenders stay online as real agents do: a heartbeat well inside the
        // market's timeout.
        auto *heartbeat = new QTimer(&app);
        QObject::connect(heartbeat, &QTimer::timeout, &app, [open] {
            for (Channel *c : open) {
                LenderHeartbeat hb;
                hb.agentAddress = QStringLiteral("127.0.0.1:7500");
                c->request<Ack>(hb, c, [](Result<Ack>) {});
            }
        });
        heartbeat->start(5000);
        return QCoreApplication::exec();
    }
    return 0;
}
