#pragma once
// The lender agent's settings as `lender-console` takes them on its command line, declared
// and read in one place for the headless agent and for the desktop app's embedded agent.

#include "LenderAgent.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
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
    QString keepResultsDays;  ///< --keep-results days (0 = for ever)
    QString idleTimeoutS;     ///< --idle-timeout seconds (0 = never)
    bool noCpuPinning = false; ///< --no-cpu-pinning
};

/// The configuration those options make; InvalidArgument naming the bad value otherwise.
Result<AgentConfig> agentConfigFromOptions(const AgentOptionTexts &options);

/// The options that set up a lender agent, as both launchers declare them.
struct AgentCommandLine {
    /// `defaultListen` is where the agent listens without --listen.
    explicit AgentCommandLine(const QString &defaultListen);

    QCommandLineOption listen;
    QCommandLineOption advertise;
    QCommandLineOption market;
    QCommandLineOption marketId;
    QCommandLineOption libvirt;
    QCommandLineOption virtType;
    QCommandLineOption ownerId;
    QCommandLineOption name;
    QCommandLineOption jobTimeout;
    QCommandLineOption keepResults;
    QCommandLineOption idleTimeout;
    QCommandLineOption noCpuPinning;

    /// Every option above, in the order --help lists them.
    QList<const QCommandLineOption *> all() const;
    void addTo(QCommandLineParser &parser) const;
    /// The values the parser (after process()) holds for them.
    AgentOptionTexts texts(const QCommandLineParser &parser, const QString &dataDir) const;
};

} // namespace lendable::lender
