#include "AgentOptions.h"

#include "app/AppSupport.h"
#include "identity/Identity.h"
#include "protocol/DisplayName.h"
#include "util/HostPort.h"

#include <QCoreApplication>

namespace lendable::lender {

Result<AgentConfig> agentConfigFromOptions(const AgentOptionTexts &options)
{
    AgentConfig config;
    config.dataDir = options.dataDir;
    if (!options.listen.isEmpty()) {
        Result<ListenAddress> l = parseListenAddress(options.listen);
        if (!l.ok())
            return l.error();
        config.listenAddress = l->address;
        config.listenPort = l->port;
    }
    // Borrowers reach the agent at this address: a typo would be found only by the first
    // borrower who pays for a contract and cannot reach it.
    if (!options.advertise.trimmed().isEmpty()) {
        Result<HostPort> a = parseHostPort(options.advertise);
        if (!a.ok())
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("main", "--advertise: %1").arg(a.error().message));
        config.advertisedAddress = a->toString();
    }
    if (options.markets.size() != options.marketIds.size())
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("main", "give one --market-id per --market (%1 markets, %2 IDs)")
                         .arg(options.markets.size())
                         .arg(options.marketIds.size()));
    for (qsizetype i = 0; i < options.markets.size(); ++i) {
        Result<MarketEndpoint> e = MarketEndpoint::parse(options.markets[i], options.marketIds[i]);
        if (!e.ok())
            return e.error();
        config.markets << *e;
    }
    config.libvirtUri = options.libvirt;
    config.virtType = options.virtType;
    if (!config.virtType.isEmpty() && config.virtType != QLatin1String("qemu") && config.virtType != QLatin1String("kvm"))
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--virt-type is qemu or kvm"));
    for (const QString &id : options.ownerIds) {
        const QString owner = id.trimmed().toLower();
        if (!Identity::isValidNodeId(owner))
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "'%1' is not a node ID (64 hex characters)").arg(id));
        config.ownerIds << owner;
    }
    // The market refuses a name it would not keep; said here, at start, rather than later in
    // the agent's log when each registration is refused.
    config.lenderName = options.name.trimmed();
    if (const qsizetype length = protocol::displayNameLength(config.lenderName); length > protocol::kMaxDisplayNameLength)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--name is %1 characters long; markets keep at most %2")
                                                     .arg(length)
                                                     .arg(protocol::kMaxDisplayNameLength));
    if (const qsizetype bad = protocol::firstForbiddenNameCharacter(config.lenderName); bad >= 0)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--name contains a control character (U+%1)")
                                                     .arg(config.lenderName[bad].unicode(), 4, 16, QLatin1Char('0')));
    if (!options.jobTimeoutS.isEmpty()) {
        bool ok = false;
        config.defaultJobTimeoutS = options.jobTimeoutS.toLongLong(&ok);
        if (!ok || config.defaultJobTimeoutS <= 0)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--job-timeout wants seconds"));
    }
    if (!options.keepResultsDays.isEmpty()) {
        bool ok = false;
        const double days = options.keepResultsDays.toDouble(&ok);
        // Up to ten years: more would be "for ever", which 0 says.
        if (!ok || !(days >= 0) || days > 3660)
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("main", "--keep-results wants days from 0 (for ever) to 3660, not '%1'")
                             .arg(options.keepResultsDays));
        config.resultRetentionMs = qint64(days * 86400.0 * 1000.0);
    }
    if (!options.idleTimeoutS.isEmpty()) {
        Result<int> ms = app::parseIdleTimeoutMs(options.idleTimeoutS);
        if (!ms)
            return ms.error();
        config.idleTimeoutMs = *ms;
    }
    config.pinCpus = !options.noCpuPinning;
    return config;
}

AgentCommandLine::AgentCommandLine(const QString &defaultListen)
    : listen(QStringList{QStringLiteral("listen")},
             QCoreApplication::translate("main", "Address the agent serves borrowers and the owner on."), QStringLiteral("ADDR:PORT"),
             defaultListen)
    , advertise(QStringList{QStringLiteral("advertise")},
                QCoreApplication::translate("main", "host:port the markets give borrowers (default: the listen address)."),
                QStringLiteral("HOST:PORT"))
    , market(QStringList{QStringLiteral("market")},
             QCoreApplication::translate("main", "A market to register partitions with (repeatable)."), QStringLiteral("ADDR:PORT"))
    , marketId(QStringList{QStringLiteral("market-id")},
               QCoreApplication::translate("main", "Node ID of that market (repeatable, in the same order)."), QStringLiteral("ID"))
    , libvirt(QStringList{QStringLiteral("libvirt")}, QCoreApplication::translate("main", "libvirt connection URI."), QStringLiteral("URI"))
    , virtType(QStringList{QStringLiteral("virt-type")},
               QCoreApplication::translate("main", "Domain type: qemu (TCG) or kvm. Default: kvm if a timed smoke boot passes (tested "
                                                   "once, cached in the data directory), else qemu."),
               QStringLiteral("TYPE"))
    , ownerId(QStringList{QStringLiteral("owner-id")},
              QCoreApplication::translate("main", "Another node ID allowed to act as the machine's owner (repeatable)."),
              QStringLiteral("ID"))
    , name(QStringList{QStringLiteral("name")}, QCoreApplication::translate("main", "Lender name shown to borrowers."),
           QStringLiteral("NAME"))
    , jobTimeout(QStringList{QStringLiteral("job-timeout")}, QCoreApplication::translate("main", "Default job time limit in seconds."),
                 QStringLiteral("S"), QStringLiteral("3600"))
    , keepResults(QStringList{QStringLiteral("keep-results")},
                  QCoreApplication::translate("main", "Days a finished job's output files and console are kept for its borrower "
                                                      "(default %1; 0 = for ever).")
                      .arg(AgentConfig{}.resultRetentionMs / (86400 * 1000)),
                  QStringLiteral("DAYS"), QString::number(AgentConfig{}.resultRetentionMs / (86400 * 1000)))
    , idleTimeout(QStringList{QStringLiteral("idle-timeout")},
                  QCoreApplication::translate("main", "Seconds a borrower's or owner's connection may stay silent before the agent "
                                                      "closes it, 30 to 86400, or 0 for never (default 300)."),
                  QStringLiteral("SECONDS"))
    , noCpuPinning(QStringList{QStringLiteral("no-cpu-pinning")},
                   QCoreApplication::translate("main", "Do not pin running partitions to host CPUs of their own (vcpupin); the "
                                                       "host's scheduler places their vCPUs."))
{
}

QList<const QCommandLineOption *> AgentCommandLine::all() const
{
    return {&listen, &advertise, &market, &marketId, &libvirt, &virtType, &ownerId, &name, &jobTimeout, &keepResults, &idleTimeout, &noCpuPinning};
}

void AgentCommandLine::addTo(QCommandLineParser &parser) const
{
    for (const QCommandLineOption *o : all())
        parser.addOption(*o);
}

AgentOptionTexts AgentCommandLine::texts(const QCommandLineParser &parser, const QString &dataDir) const
{
    return {.dataDir = dataDir,
            .listen = parser.value(listen),
            .advertise = parser.value(advertise),
            .markets = parser.values(market),
            .marketIds = parser.values(marketId),
            .libvirt = parser.value(libvirt),
            .virtType = parser.value(virtType),
            .ownerIds = parser.values(ownerId),
            .name = parser.value(name),
            .jobTimeoutS = parser.value(jobTimeout),
            .keepResultsDays = parser.value(keepResults),
            .idleTimeoutS = parser.value(idleTimeout),
            .noCpuPinning = parser.isSet(noCpuPinning)};
}

} // namespace lendable::lender
