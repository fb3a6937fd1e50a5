#pragma once
// `lender-console --cli …`: the owner's commands for servers without a display. Talks to
// the running agent in the owner role with the identity of the same --data directory.

#include "protocol/Messages.h"

#include <QJsonObject>
#include <QStringList>

namespace lendable::lender {

/// A direct lease as the key file its borrower is handed (`borrower-client --key-file`):
/// partition_id, contract_id, key (hex), and lender_id and lender_address when the agent
/// gave them, so that the file alone says where and whom the key reaches.
QJsonObject directLeaseKeyFile(const protocol::DirectLease &lease);

/// Runs one owner command. `args` are the arguments after the program name (with or
/// without --cli). Prints the result (text, or JSON with --json) on stdout and failures
/// on stderr; returns the exit code (0 ok, 2 usage, 1 other failures).
int runOwnerCli(const QStringList &args, const QString &defaultDataDir);

/// The usage text.
QString ownerCliUsage();

} // namespace lendable::lender
