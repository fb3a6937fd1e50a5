#pragma once
// The lender agent's settings as `lender-console` takes them on its command line, read the
// same way for the headless agent and for the desktop app's embedded agent.

#include "LenderAgent.h"

#include <QString>
#include <QStringList>

namespace lendable::lender {

/// What the command line gave, as text; an empty text leaves AgentConfig's default.
struct AgentOptionTexts {
    QString dataDir;
    QString listen;           ///< --listen ADDR:PORT
    QString advertise;        ///< --advertise HOST:PORT
    QStringList markets;      ///< --market ADDR:PORT (repeatable)
    QStringList marketIds;    ///< --market-id ID, one per --market, in order
    QString libvirt;          ///< --libvirt URI
    QString virtType;         ///< --virt-type qemu|kvm
    QStringList ownerIds;     ///< --owner-id ID (repeatable)
    QString name;             ///< --name
    QString jobTimeoutS;      ///< --job-timeout seconds
};

/// The configuration those options make; InvalidArgument naming the bad value otherwise.
Result<AgentConfig> agentConfigFromOptions(const AgentOptionTexts &options);

} // namespace lendable::lender
