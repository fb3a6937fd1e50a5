#pragma once
// `borrower-client --cli COMMAND …`: one command, run to completion against a
// BorrowerSession, printed as JSON (--json) or for people; exit code 0 on success.

#include "CliArguments.h"
#include "PeerLink.h"

#include <QStringList>

namespace lendable::borrower {

/// Runs the command in `arguments` (everything after the program name). Needs a
/// QCoreApplication. Returns the process exit code.
int runCli(const QStringList &arguments);

/// The reconnect policy of one CLI command: a few quick attempts, then a clear error.
ReconnectPolicy cliReconnectPolicy();

} // namespace lendable::borrower
