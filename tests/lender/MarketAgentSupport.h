#pragma once
// For tests that run a real agent against the real market (MarketService): an agent on
// libvirt's test driver, connected to one market.

#include "LenderAgent.h"

#include <memory>

namespace lendable::lender::testing {

/// Creates and starts an agent with its data in `dataDir` (the same directory is the same
/// agent: identity, partitions, contracts), connected to the market at `marketAddress`.
/// nullptr (with the reason logged) if it cannot start.
inline std::unique_ptr<LenderAgent> startAgentOn(const QString &dataDir, const QString &marketAddress, const QString &marketId)
{
    AgentConfig config;
    config.dataDir = dataDir;
    config.libvirtUri = QStringLiteral("test:///default");
    config.markets << MarketEndpoint::parse(marketAddress, marketId).value();
    Result<std::unique_ptr<LenderAgent>> created = LenderAgent::create(config);
    if (!created.ok()) {
        qWarning("%s", qPrintable(created.error().toString()));
        return nullptr;
    }
    if (Result<void> started = (*created)->start(); !started.ok()) {
        qWarning("%s", qPrintable(started.error().toString()));
        return nullptr;
    }
    return std::move(*created);
}

} // namespace lendable::lender::testing
