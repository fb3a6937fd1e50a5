#pragma once
// `borrower-client --cli …`: the command line turned into one typed invocation. Kept apart
// from running it so that parsing is unit-tested without a market.

#include "protocol/Messages.h"
#include "util/Error.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace lendable::borrower {

enum class CliCommand { Offers, Borrow, Submit, Logs, Wait, Cancel, End, Bills, ReceiptVerify, ReceiptShow, ReceiptFetch, Name, Recover };

QString cliCommandName(CliCommand command);

struct CliInvocation {
    CliCommand command = CliCommand::Offers;
    // common
    QString dataDir;        ///< empty = the app's default
    QString market;
    QString marketId;
    bool json = false;
    /// --request-timeout: how long each request to the market or a lender waits for its
    /// answer, in seconds; 0: the default (30 s).
    qint64 requestTimeoutS = 0;
    // direct mode (a partition lent without a market)
    QString lender;
    QString lenderId;
    QString keyFile;
    // offers / borrow
    QString query;
    QString order;
    qint64 limit = 0;
    qint64 offset = 0; ///< offers: how many to skip (`offset=` in the query wins, as at the market)
    QString offerId;
    bool showKey = false;
    /// borrow OFFER_ID with --max-rate, --min-time-limit or --os: the terms the caller agrees
    /// to (Borrow.agreedTerms), what it did not name left open. The market lends only if the
    /// offer is no worse then.
    std::optional<protocol::LendingConditions> agreedTerms;
    // submit
    QString contractId;     ///< submit, end, receipt show
    QString os;
    QString scriptPath;
    QStringList inputPaths;
    qint64 timeoutS = 0;
    // logs / wait / cancel
    QString jobId;
    bool follow = false;
    bool exitStatus = false; ///< wait: exit 3 unless the job succeeded
    // bills
    std::optional<qint64> sinceMs;
    // receipt verify
    QString receiptFile;
    // name: the new name, or nothing to show the current one ("" forgets it)
    std::optional<QString> newName;

    bool isDirect() const { return !keyFile.isEmpty(); }
};

/// Parses the arguments after the program name (`--cli` may be among them and is ignored).
/// `--help` gives an InvalidArgument-free Cancelled error carrying the usage text. Usage errors
/// are InvalidArgument naming the offending word and what would be right.
Result<CliInvocation> parseCliArguments(const QStringList &arguments);

/// The usage text printed for --help and after usage errors.
QString cliUsage();

/// "2024-05-01", "2024-05-01T12:00:00Z" or "2024-05-01T12:00:00+02:00" → UTC ms. A date
/// alone means its start in UTC.
Result<qint64> parseCliDate(const QString &text);

} // namespace lendable::borrower
