#pragma once
// For tests that run a real agent against the real market (MarketService): an agent on
// libvirt's test driver, connected to one market.

#include "LenderAgent.h"
#include "LenderTestSupport.h"
#include "MarketService.h"

#include <QDateTime>
#include <QHash>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace lendable::lender::testing {

/// Creates and starts an agent with its data in `dataDir` (the same directory is the same
/// agent: identity, partitions, contracts), connected to the market at `marketAddress`.
/// nullptr (with the reason logged) if it cannot start.
inline std::unique_ptr<LenderAgent> startAgentOn(const QString &dataDir, const QString &marketAddress, const QString &marketId,
                                                 const std::function<void(AgentConfig &)> &adjust = {})
{
    AgentConfig config;
    config.dataDir = dataDir;
    config.libvirtUri = QStringLiteral("test:///default");
    config.markets << MarketEndpoint::parse(marketAddress, marketId).value();
    if (adjust)
        adjust(config);
    Result<std::unique_ptr<LenderAgent>> created = LenderAgent::create(config);
    if (!created.ok()) {
        qWarning("%s", qPrintable(created.error().toString()));
        return nullptr;
    }
    if (Result<void> started = (*created)->start(); !started.ok()) {
        qWarning("%s", qPrintable(started.error().toString()));
        return nullptr;
    }
    // The OS image the tests' partitions offer (a registration of an image that neither the
    // agent nor the market has is refused): a small one by that name, never booted on the
    // test driver.
    if (!(*created)->images().find(QStringLiteral("busybox")).ok()) {
        QTemporaryDir image;
        if (!writeTestImage(image.path(), QStringLiteral("busybox"), 4096)) {
            qWarning("cannot write a placeholder busybox image");
            return nullptr;
        }
        if (Result<ImageEntry> added = (*created)->images().add(QStringLiteral("busybox"), image.path()); !added.ok()) {
            qWarning("cannot give the agent a placeholder busybox image: %s", qPrintable(added.error().toString()));
            return nullptr;
        }
    }
    return std::move(*created);
}

/// A real market on an SQLite file in a temporary directory, listening on loopback, that
/// remembers which lenders it saw go online and offline. Its agents keep their data beside it.
class MarketForAgents : public QObject {
public:
    explicit MarketForAgents(const QStringList &adminIds)
    {
        market::MarketConfig config;
        config.adminIds = adminIds;
        config.dataDir = dir.filePath(QStringLiteral("market"));
        config.clock = [this] { return QDateTime::currentMSecsSinceEpoch() + clockAheadMs; };
        service = std::make_unique<market::MarketService>(identity, QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("market.db")),
                                                          config);
        listening = service->listen(QHostAddress::LocalHost, 0).ok();
        address = QStringLiteral("127.0.0.1:%1").arg(service->serverPort());
        connect(service.get(), &market::MarketService::lenderOnlineChanged, this,
                [this](const QString &id, bool isOnline) { online[id] = isOnline; });
    }
    ~MarketForAgents() override
    {
        if (service)
            service->shutdown();
    }
    QString id() const { return identity.nodeId(); }
    /// The data directory of the agent called `name` (the same name is the same agent).
    QString agentDir(const QString &name = QStringLiteral("agent")) const { return dir.filePath(name); }
    std::unique_ptr<LenderAgent> startAgent(const QString &name = QStringLiteral("agent"),
                                            const std::function<void(AgentConfig &)> &adjust = {})
    {
        return startAgentOn(agentDir(name), address, id(), adjust);
    }

    QTemporaryDir dir;
    const Identity identity = newIdentity(QStringLiteral("market"));
    std::unique_ptr<market::MarketService> service;
    bool listening = false;
    QString address;
    QHash<QString, bool> online; ///< lender ID → online, as the market last said
    /// How far the market's contract clock runs ahead of the real one (contracts, ends and
    /// bills are on it; liveness stays on the real clock).
    qint64 clockAheadMs = 0;
};

} // namespace lendable::lender::testing
