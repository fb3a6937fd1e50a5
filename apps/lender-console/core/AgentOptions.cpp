#include "AgentOptions.h"

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
    config.advertisedAddress = options.advertise;
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
    if (config.lenderName.size() > protocol::kMaxDisplayNameLength)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--name is %1 characters long; markets keep at most %2")
                                                     .arg(config.lenderName.size())
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
    return config;
}

} // namespace lendable::lender
