#pragma once

#include <QString>
#include <QStringView>

namespace lendable {

/// An identifier that sorts by creation time: `prefix`, 12 hex characters of the
/// milliseconds since the epoch, 20 random hex characters (80 bits). A database keys new rows
/// of such IDs at the end of its index, where random IDs made every insert dirty a page of
/// its own (docs/performance.md). The market's contract IDs and the clients' borrow request
/// IDs (protocol::newBorrowRequestId()).
QString timeOrderedId(QStringView prefix, qint64 nowMs);

} // namespace lendable
