#include "OwnerCli.h"

#include "LenderAgent.h"
#include "LenderStore.h"
#include "identity/Identity.h"
#include "app/AppSupport.h"
#include "protocol/ReceiptJson.h"
#include "protocol/SslChannel.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace lendable::lender {

using namespace lendable::protocol;

namespace {

struct Args {
    QStringList positional;
    QHash<QString, QString> options;   ///< "--cpus" -> "2"
    QSet<QString> flags;               ///< "--json"
};

const QStringList kValueOptions = {QStringLiteral("--data"), QStringLiteral("--connect"), QStringLiteral("--agent-id"),
                                   QStringLiteral("--cpus"), QStringLiteral("--memory"), QStringLiteral("--disk"),
                                   QStringLiteral("--rate"), QStringLiteral("--os"), QStringLiteral("--max-duration"),
                                   QStringLiteral("--borrower-id"), QStringLiteral("--borrower-name"), QStringLiteral("--market-id"),
                                   QStringLiteral("--timeout"), QStringLiteral("--partition"), QStringLiteral("--limit"),
                                   QStringLiteral("--since"), QStringLiteral("--language")}; // --language is read before parsing (AppSupport)
const QStringList kFlags = {QStringLiteral("--json"), QStringLiteral("--cli"), QStringLiteral("--external"), QStringLiteral("--all"),
                            QStringLiteral("--force"),
                            QStringLiteral("--help"), QStringLiteral("-h")};

Result<Args> parse(const QStringList &in)
{
    Args a;
    for (qsizetype i = 0; i < in.size(); ++i) {
        QString arg = in[i];
        QString value;
        bool hasInlineValue = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            value = arg.section(QLatin1Char('='), 1);
            arg = arg.section(QLatin1Char('='), 0, 0);
            hasInlineValue = true;
        }
        if (kFlags.contains(arg)) {
            a.flags.insert(arg);
        } else if (kValueOptions.contains(arg)) {
            if (!hasInlineValue) {
                if (i + 1 >= in.size())
                    return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "%1 needs a value").arg(arg));
                value = in[++i];
            }
            a.options.insert(arg, value);
        } else if (arg.startsWith(QLatin1String("--"))) {
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "unknown option %1").arg(arg));
        } else {
            a.positional << arg;
        }
    }
    return a;
}

void out(const QString &s)
{
    std::fputs(qPrintable(s), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int failWith(const Error &e)
{
    std::fprintf(stderr, "lender-console: %s\n", qPrintable(e.toString()));
    return e.code == ErrorCode::InvalidArgument ? 2 : 1;
}

QJsonObject resourcesJson(const Resources &r)
{
    return QJsonObject{{QStringLiteral("cpus"), r.cpus},
                       {QStringLiteral("memory_mib"), r.memoryMib},
                       {QStringLiteral("disk_mib"), r.diskMib}};
}

QJsonObject partitionJson(const PartitionState &p)
{
    QJsonObject o = resourcesJson(p.conditions.resources);
    o.insert(QStringLiteral("partition_id"), p.partitionId);
    o.insert(QStringLiteral("rate"), p.conditions.ratePerHour.toString());
    o.insert(QStringLiteral("os_images"), QJsonArray::fromStringList(p.conditions.osImages));
    o.insert(QStringLiteral("max_duration_s"), p.conditions.maxDurationS);
    o.insert(QStringLiteral("state"), p.state);
    o.insert(QStringLiteral("market_id"), p.marketId);
    o.insert(QStringLiteral("contract_id"), p.contractId);
    o.insert(QStringLiteral("borrower_id"), p.borrowerId);
    o.insert(QStringLiteral("borrower_name"), p.borrowerName.value_or(QString()));
    o.insert(QStringLiteral("job_id"), p.jobId);
    o.insert(QStringLiteral("earnings"), p.earnings.toString());
    if (const std::optional<Money> soFar = p.contractEarnedSoFar(QDateTime::currentMSecsSinceEpoch())) {
        o.insert(QStringLiteral("contract_started_at_ms"), *p.contractStartedAtMs);
        o.insert(QStringLiteral("contract_rate"), p.contractRatePerHour->toString());
        o.insert(QStringLiteral("contract_earned_so_far"), soFar->toString());
    }
    o.insert(QStringLiteral("externally_referenced"), p.externallyReferenced);
    o.insert(QStringLiteral("locked"), p.state != QLatin1String("unregistered"));
    return o;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QJsonObject jobJson(const JobSummary &j)
{
    QJsonObject o{{QStringLiteral("job_id"), j.jobId},
                  {QStringLiteral("partition_id"), j.partitionId},
                  {QStringLiteral("contract_id"), j.contractId},
                  {QStringLiteral("borrower_id"), j.borrowerId},
                  {QStringLiteral("os"), j.os},
                  {QStringLiteral("state"), j.state},
                  {QStringLiteral("message"), j.message},
                  {QStringLiteral("submitted_at_ms"), j.submittedAtMs},
                  {QStringLiteral("ended_at_ms"), j.endedAtMs}};
    if (j.borrowerName)
        o.insert(QStringLiteral("borrower_name"), *j.borrowerName);
    if (j.exitCode)
        o.insert(QStringLiteral("exit_code"), *j.exitCode);
    if (j.resultsKeptUntilMs)
        o.insert(QStringLiteral("results_kept_until_ms"), *j.resultsKeptUntilMs);
    if (j.resultsRemovedAtMs)
        o.insert(QStringLiteral("results_removed_at_ms"), *j.resultsRemovedAtMs);
    return o;
}

QString jobText(const JobSummary &j)
{
    const QString borrower = j.borrowerName ? QStringLiteral("%1 (%2)").arg(*j.borrowerName, j.borrowerId.left(12)) : j.borrowerId.left(12);
    QString state = j.state;
    if (j.exitCode)
        state += QStringLiteral(" (%1)").arg(*j.exitCode);
    QString line = QCoreApplication::translate("OwnerCli", "%1  %2  partition %3  %4  borrower %5  submitted %6")
                       .arg(j.jobId, state, j.partitionId, j.os, borrower, isoTime(j.submittedAtMs));
    if (j.endedAtMs > 0)
        line += QCoreApplication::translate("OwnerCli", "  ran %1 s").arg((j.endedAtMs - j.submittedAtMs + 500) / 1000);
    if (j.resultsRemovedAtMs)
        line += QCoreApplication::translate("OwnerCli", "  results removed %1").arg(isoTime(*j.resultsRemovedAtMs));
    else if (j.resultsKeptUntilMs)
        line += QCoreApplication::translate("OwnerCli", "  results kept until %1").arg(isoTime(*j.resultsKeptUntilMs));
    return line;
}

QString partitionText(const PartitionState &p)
{
    QString s = QCoreApplication::translate("OwnerCli", "%1  %2  rate %3/h  os %4  %5")
                    .arg(p.partitionId, p.conditions.resources.toString(), p.conditions.ratePerHour.toString(),
                         p.conditions.osImages.join(QLatin1Char(',')), p.state);
    if (!p.marketId.isEmpty())
        s += QCoreApplication::translate("OwnerCli", "  market %1").arg(p.marketId.left(12));
    if (!p.borrowerId.isEmpty())
        s += QCoreApplication::translate("OwnerCli", "  lent to %1, contract %2").arg(p.borrowerLabel(), p.contractId);
    if (!p.jobId.isEmpty())
        s += QCoreApplication::translate("OwnerCli", "  job %1").arg(p.jobId);
    s += QCoreApplication::translate("OwnerCli", "  earned %1").arg(p.earnings.toString());
    if (const std::optional<Money> soFar = p.contractEarnedSoFar(QDateTime::currentMSecsSinceEpoch()))
        s += QCoreApplication::translate("OwnerCli", " (this contract %1 so far)").arg(soFar->toString());
    return s;
}

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject billJson(const Bill &b)
{
    QJsonObject o{{QStringLiteral("contract_id"), b.contractId},
                  {QStringLiteral("partition_id"), b.partitionId},
                  {QStringLiteral("borrower_id"), b.borrowerId},
                  {QStringLiteral("borrower_name"), b.borrowerName.value_or(QString())},
                  {QStringLiteral("rate"), b.ratePerHour.toString()},
                  {QStringLiteral("started_at_ms"), b.startedAtMs},
                  {QStringLiteral("ended_at_ms"), b.endedAtMs},
                  {QStringLiteral("started_at"), isoTime(b.startedAtMs)},
                  {QStringLiteral("ended_at"), b.endedAtMs > 0 ? isoTime(b.endedAtMs) : QString()},
                  {QStringLiteral("duration_ms"), b.durationMs},
                  {QStringLiteral("charge"), b.charge.toString()},
                  {QStringLiteral("payout"), b.lenderPayout.toString()},
                  {QStringLiteral("market_fee"), b.marketFee.toString()},
                  {QStringLiteral("state"), b.state}};
    // A running contract is paid out when it ends: no payout or fee yet (null), where "0"
    // read as a contract that earned nothing.
    if (b.state != QLatin1String("ended")) {
        o.insert(QStringLiteral("payout"), QJsonValue::Null);
        o.insert(QStringLiteral("market_fee"), QJsonValue::Null);
    }
    return o;
}

Result<qint64> parseSince(const QString &text)
{
    if (const std::optional<qint64> ms = app::parseUtcDate(text))
        return *ms;
    return Error(ErrorCode::InvalidArgument,
                 QCoreApplication::translate("OwnerCli", "--since: '%1' is not a date; write 2026-05-01 or 2026-05-01T12:00:00Z").arg(text));
}

// Why a receipt with a valid signature is not this machine's receipt: its contract is one the
// agent's data directory keeps, and the receipt is signed by another market than the one the
// contract was made with (any market can sign a valid receipt of its own under another's
// contract ID), or the contract was lent directly, which no market signs for. Nothing when the
// directory keeps no such contract; an error when its records cannot be read (the receipt is
// then not called valid).
std::optional<Error> notThisMachinesReceipt(const Receipt &r, const QString &dataDir)
{
    Result<LenderStore> store = LenderStore::openToRead(QDir(dataDir).filePath(QStringLiteral("lender.db")));
    Result<QString> market = store ? store->marketOfContract(r.contractId) : Result<QString>(store.error());
    if (!market && market.error().code == ErrorCode::NotFound) // no records here, or not this contract
        return std::nullopt;
    // Said as it is (IoError), not as an invalid receipt: the check could not be made.
    if (!market)
        return Error(ErrorCode::IoError, QCoreApplication::translate("OwnerCli", "cannot read which market contract %1 was made with in %2 "
                                                                                "(--market-id ID names the market to expect): %3")
                                             .arg(r.contractId, dataDir, market.error().message));
    // The agent keeps a direct lease without a market.
    return receiptAgainstKeptContract(r, market->isEmpty(), *market);
}

// `receipt verify FILE`: offline, as the borrower's; exit 0 valid, 1 not, 2 usage. Without
// --market-id, a receipt of a contract the agent's data directory keeps must come from the
// market that contract was made with.
int verifyReceiptFile(const QString &path, const QString &marketId, const QString &dataDir, bool asJson)
{
    Result<Receipt> r = readVerifiedReceipt(path, marketId.trimmed().toLower());
    if (r.ok() && marketId.isEmpty()) {
        if (std::optional<Error> notOurs = notThisMachinesReceipt(*r, dataDir))
            r = Result<Receipt>(*notOurs);
    }
    if (!r.ok()) {
        // As the borrower's: {"valid": false, "reason": …}, and the code beside it.
        if (asJson)
            out(json(QJsonObject{{QStringLiteral("valid"), false},
                                 {QStringLiteral("reason"), r.error().message},
                                 {QStringLiteral("code"), errorCodeName(r.error().code)}}));
        // A file that cannot be read is not an invalid receipt: it is said as it is.
        std::fprintf(stderr, "lender-console: %s\n",
                     qPrintable(r.error().code == ErrorCode::IoError
                                    ? r.error().message
                                    : QCoreApplication::translate("OwnerCli", "the receipt is NOT valid: %1").arg(r.error().message)));
        return 1;
    }
    const bool ended = r->endedAtMs > 0;
    if (asJson) {
        out(json(QJsonObject{{QStringLiteral("valid"), true},
                             {QStringLiteral("contract_id"), r->contractId},
                             {QStringLiteral("market_id"), r->marketId},
                             {QStringLiteral("lender_id"), r->lenderId},
                             {QStringLiteral("ended"), ended},
                             {QStringLiteral("charge"), r->charge.toString()}}));
    } else if (ended) {
        out(QCoreApplication::translate("OwnerCli", "The receipt for contract %1 is valid: signed by market %2; charge %3, lender %4.")
                .arg(r->contractId, r->marketId, r->charge.toString(), r->lenderId));
    } else {
        out(QCoreApplication::translate("OwnerCli", "The start receipt for contract %1 is valid: signed by market %2 when the contract "
                                                    "began; it bills nothing (the end receipt carries the charge).")
                .arg(r->contractId, r->marketId));
    }
    if (!asJson && marketId.isEmpty())
        out(QCoreApplication::translate("OwnerCli", "(--market-id ID also checks that it is your market's signature; a contract kept "
                                                    "in the --data directory is checked against the market it was made with)"));
    return 0;
}

Result<Resources> resourcesFrom(const Args &a, const Resources &base, bool required)
{
    Resources r = base;
    if (a.options.contains(QStringLiteral("--cpus"))) {
        bool ok = false;
        r.cpus = a.options.value(QStringLiteral("--cpus")).toInt(&ok);
        if (!ok || r.cpus < 0)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--cpus wants a whole number, not '%1'").arg(a.options.value(QStringLiteral("--cpus"))));
    } else if (required) {
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--cpus is required"));
    }
    for (const auto &[opt, field] : {std::pair{QStringLiteral("--memory"), &r.memoryMib}, std::pair{QStringLiteral("--disk"), &r.diskMib}}) {
        if (a.options.contains(opt)) {
            Result<qint64> v = parseSizeMib(a.options.value(opt));
            if (!v.ok())
                return Error(ErrorCode::InvalidArgument, opt + QStringLiteral(": ") + v.error().message);
            *field = *v;
        } else if (required) {
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "%1 is required (e.g. 512M, 2G)").arg(opt));
        }
    }
    return r;
}

Result<LendingConditions> conditionsFrom(const Args &a, LendingConditions base, bool required)
{
    Result<Resources> r = resourcesFrom(a, base.resources, required);
    if (!r.ok())
        return r.error();
    base.resources = *r;
    if (a.options.contains(QStringLiteral("--rate"))) {
        Result<Money> m = Money::parse(a.options.value(QStringLiteral("--rate")));
        if (!m.ok())
            return Error(ErrorCode::InvalidArgument, QStringLiteral("--rate: ") + m.error().message);
        base.ratePerHour = *m;
    } else if (required) {
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--rate is required (price per hour, e.g. 0.5)"));
    }
    if (a.options.contains(QStringLiteral("--os"))) {
        base.osImages = a.options.value(QStringLiteral("--os")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (QString &os : base.osImages)
            os = os.trimmed();
        base.osImages.removeAll(QString());
        base.osImages.removeDuplicates();
        if (base.osImages.isEmpty())
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--os needs at least one image name"));
    }
    else if (required)
        base.osImages = {QStringLiteral("busybox")};
    if (a.options.contains(QStringLiteral("--max-duration"))) {
        bool ok = false;
        base.maxDurationS = a.options.value(QStringLiteral("--max-duration")).toLongLong(&ok);
        if (!ok || base.maxDurationS < 0)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--max-duration wants seconds"));
    }
    return base;
}

struct Connection {
    std::unique_ptr<SslChannel> channel;
};

Result<Connection> connectToAgent(const Args &a, const QString &defaultDataDir)
{
    const QString dataDir = QDir(a.options.value(QStringLiteral("--data"), defaultDataDir)).absolutePath();
    Result<Identity> id = Identity::load(dataDir);
    if (!id.ok())
        return Error(ErrorCode::IdentityError,
                     QCoreApplication::translate("OwnerCli", "no owner identity in %1 (run the CLI with the agent's --data directory): %2").arg(dataDir, id.error().message));
    QString address = a.options.value(QStringLiteral("--connect"));
    QString agentId = a.options.value(QStringLiteral("--agent-id"));
    QFile af(LenderAgent::addressFilePath(dataDir));
    if (af.open(QIODevice::ReadOnly)) {
        const QStringList lines = QString::fromUtf8(af.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (address.isEmpty())
            address = lines.value(0).trimmed();
        if (agentId.isEmpty())
            agentId = lines.value(1).trimmed();
    }
    if (address.isEmpty())
        return Error(ErrorCode::ConnectionFailed,
                     QCoreApplication::translate("OwnerCli", "no running agent found for %1 (start `lender-console --headless --data %1 …` or pass --connect ADDR:PORT)").arg(dataDir));
    // Without --agent-id (and no address file naming one), the agent is this data
    // directory's own: the same identity serves the agent and its owner.
    const bool ownId = agentId.isEmpty();
    if (ownId)
        agentId = id->nodeId();
    else if (!Identity::isValidNodeId(agentId.trimmed().toLower()))
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("OwnerCli", "'%1' is not an agent ID (64 hex digits; `lender-console --print-id --data DIR` "
                                                             "prints the ID of the agent keeping its data in DIR)")
                         .arg(agentId));
    Result<MarketEndpoint> ep = MarketEndpoint::parse(address, agentId);
    if (!ep.ok())
        return ep.error();
    HandshakeConfig hc;
    hc.localNodeId = id->nodeId();
    hc.localRole = QStringLiteral("owner");
    Connection c;
    c.channel.reset(SslChannel::connectTo(ep->host, ep->port, *id, ep->marketId, hc));
    if (Result<void> up = c.channel->waitEstablished(15000); !up.ok()) {
        if (ownId && up.error().code == ErrorCode::PeerIdMismatch)
            return Error(up.error().code,
                         QCoreApplication::translate("OwnerCli", "the agent at %1 is not the one of %2; name it with --agent-id ID "
                                                                 "(`lender-console --print-id --data ITS_DATA_DIR` prints it): %3")
                             .arg(address, dataDir, up.error().message));
        // The channel's message already names the address: said once, with the way out.
        if (up.error().code == ErrorCode::ConnectionFailed)
            return Error(up.error().code, QCoreApplication::translate("OwnerCli", "no lender agent answers (%1); is `lender-console --headless --data %2` "
                                                                                  "running? --connect ADDR:PORT names another")
                                              .arg(up.error().message, dataDir));
        return Error(up.error().code, QCoreApplication::translate("OwnerCli", "cannot reach the agent at %1: %2").arg(address, up.error().message));
    }
    return c;
}

} // namespace

QJsonObject directLeaseKeyFile(const DirectLease &lease)
{
    QJsonObject o{{QStringLiteral("partition_id"), lease.partitionId},
                  {QStringLiteral("contract_id"), lease.contractId},
                  {QStringLiteral("key"), QString::fromLatin1(lease.key.toHex())}};
    if (lease.lenderId && !lease.lenderId->isEmpty())
        o.insert(QStringLiteral("lender_id"), *lease.lenderId);
    if (lease.lenderAddress && !lease.lenderAddress->isEmpty())
        o.insert(QStringLiteral("lender_address"), *lease.lenderAddress);
    if (lease.startedAtMs && *lease.startedAtMs > 0)
        o.insert(QStringLiteral("started_at_ms"), *lease.startedAtMs);
    if (lease.maxDurationS && *lease.maxDurationS > 0)
        o.insert(QStringLiteral("max_duration_s"), *lease.maxDurationS);
    return o;
}

QString ownerCliUsage()
{
    return QCoreApplication::translate("OwnerCli", "usage: lender-console --cli [--data DIR] [--connect ADDR:PORT] [--agent-id ID] [--json] [--language CODE] COMMAND\n"
              "  machine show\n"
              "  machine reserve --cpus N --memory SIZE --disk SIZE\n"
              "  partition create --cpus N --memory SIZE --disk SIZE --rate DECIMAL [--os IMAGE[,IMAGE...]] [--max-duration S]\n"
              "  partition alter ID [--cpus N] [--memory SIZE] [--disk SIZE] [--rate DECIMAL] [--os ...] [--max-duration S]\n"
              "  partition register ID [--market-id ID] [--external]\n"
              "  partition withdraw ID [--force]          --force: also while the market is unreachable (it is told later)\n"
              "  partition delete ID\n"
              "  partition list\n"
              "  partition lend-direct ID --borrower-id ID [--borrower-name NAME]\n"
              "  job list [--partition ID] [--limit N] [--all]\n"
              "  image list\n"
              "  image add NAME DIR\n"
              "  bill list [--since DATE] [--market-id ID]  the market's bills for this machine's contracts: charge, payout, fee\n"
              "  receipt show CONTRACT_ID [--market-id ID]  the contract's receipt, signed by the market, as JSON\n"
              "  receipt verify FILE [--market-id ID]       check a receipt offline (FILE - reads standard input);\n"
              "                                             exit 0: valid, 1: not valid or not a receipt\n"
              "--timeout SECONDS: how long to wait for the agent's answer (default 60).\n"
              "Sizes accept 512M, 2G; dates 2026-05-01 or 2026-05-01T12:00:00Z (UTC). Exit status 0 on success.");
}

int runOwnerCli(const QStringList &rawArgs, const QString &defaultDataDir)
{
    Result<Args> parsed = parse(rawArgs);
    if (!parsed.ok())
        return failWith(parsed.error());
    const Args &a = *parsed;
    if (a.flags.contains(QStringLiteral("--help")) || a.flags.contains(QStringLiteral("-h")) || a.positional.size() < 2) {
        if (a.positional.size() < 2 && !a.flags.contains(QStringLiteral("--help"))) {
            std::fprintf(stderr, "%s\n", qPrintable(ownerCliUsage()));
            return 2;
        }
        out(ownerCliUsage());
        return 0;
    }
    const bool asJson = a.flags.contains(QStringLiteral("--json"));
    const QString noun = a.positional[0];
    const QString verb = a.positional[1];
    const QString arg1 = a.positional.value(2);
    const QString arg2 = a.positional.value(3);
    // How long to wait for the agent's answer, in seconds (a register or an alteration waits
    // for the market too).
    int timeoutMs = 60'000;
    if (a.options.contains(QStringLiteral("--timeout"))) {
        bool ok = false;
        const int seconds = a.options.value(QStringLiteral("--timeout")).trimmed().toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86'400)
            return failWith(Error(ErrorCode::InvalidArgument, QCoreApplication::translate("OwnerCli", "--timeout wants seconds from 1 to 86400, not '%1'")
                                                                  .arg(a.options.value(QStringLiteral("--timeout")))));
        timeoutMs = seconds * 1000;
    }

    auto usage = [](const QString &what) { return failWith(Error(ErrorCode::InvalidArgument, what)); };
    const bool known = (noun == QLatin1String("machine") && (verb == QLatin1String("show") || verb == QLatin1String("reserve"))) ||
                       (noun == QLatin1String("partition") &&
                        QStringList{QStringLiteral("create"), QStringLiteral("alter"), QStringLiteral("register"),
                                    QStringLiteral("withdraw"), QStringLiteral("delete"), QStringLiteral("list"),
                                    QStringLiteral("lend-direct")}
                            .contains(verb)) ||
                       (noun == QLatin1String("image") && (verb == QLatin1String("list") || verb == QLatin1String("add"))) ||
                       (noun == QLatin1String("job") && verb == QLatin1String("list")) ||
                       (noun == QLatin1String("bill") && verb == QLatin1String("list")) ||
                       (noun == QLatin1String("receipt") && (verb == QLatin1String("show") || verb == QLatin1String("verify")));
    if (!known)
        return usage(QCoreApplication::translate("OwnerCli", "unknown command '%1 %2'\n%3").arg(noun, verb, ownerCliUsage()));
    const bool needsId = noun == QLatin1String("partition") && verb != QLatin1String("create") && verb != QLatin1String("list");
    if (needsId && arg1.isEmpty())
        return usage(QCoreApplication::translate("OwnerCli", "partition %1 needs a partition ID").arg(verb));
    if (noun == QLatin1String("image") && verb == QLatin1String("add") && (arg1.isEmpty() || arg2.isEmpty()))
        return usage(QCoreApplication::translate("OwnerCli", "image add needs NAME and DIR"));
    // A word too many is a mistake, not something to ignore.
    const qsizetype allowed = noun == QLatin1String("receipt")                                      ? 3
                              : noun == QLatin1String("image") && verb == QLatin1String("add")       ? 4
                              : needsId                                                              ? 3
                              : 2; // machine show/reserve, partition create/list, image/job/bill list
    if (a.positional.size() > allowed)
        return usage(QCoreApplication::translate("OwnerCli", "'%1' is one word too many for `%2 %3`").arg(a.positional.value(allowed), noun, verb));
    if (noun == QLatin1String("receipt") && arg1.isEmpty())
        return usage(verb == QLatin1String("show") ? QCoreApplication::translate("OwnerCli", "receipt show needs a contract ID")
                                                   : QCoreApplication::translate("OwnerCli", "receipt verify needs a FILE (- for standard input)"));
    const QString marketId = a.options.value(QStringLiteral("--market-id")).trimmed().toLower();
    if ((noun == QLatin1String("bill") || noun == QLatin1String("receipt")) && !marketId.isEmpty() && !Identity::isValidNodeId(marketId))
        return usage(QCoreApplication::translate("OwnerCli", "--market-id: '%1' is not a market ID (64 hex digits)").arg(a.options.value(QStringLiteral("--market-id"))));
    // Offline: no agent, no network.
    if (noun == QLatin1String("receipt") && verb == QLatin1String("verify"))
        return verifyReceiptFile(arg1, marketId, QDir(a.options.value(QStringLiteral("--data"), defaultDataDir)).absolutePath(), asJson);
    qint64 sinceMs = 0;
    if (a.options.contains(QStringLiteral("--since"))) {
        Result<qint64> since = parseSince(a.options.value(QStringLiteral("--since")));
        if (!since.ok())
            return failWith(since.error());
        sinceMs = *since;
    }

    // Validate arguments before connecting: a typo should not wait for the network.
    LendingConditions createConditions;
    Resources reserve;
    if (noun == QLatin1String("partition") && verb == QLatin1String("create")) {
        Result<LendingConditions> c = conditionsFrom(a, {}, true);
        if (!c.ok())
            return failWith(c.error());
        createConditions = *c;
    } else if (noun == QLatin1String("machine") && verb == QLatin1String("reserve")) {
        Result<Resources> r = resourcesFrom(a, {}, true);
        if (!r.ok())
            return failWith(r.error());
        reserve = *r;
    } else if (verb == QLatin1String("lend-direct") && !a.options.contains(QStringLiteral("--borrower-id"))) {
        return usage(QCoreApplication::translate("OwnerCli", "partition lend-direct needs --borrower-id ID"));
    }
    int jobLimit = 100;
    if (noun == QLatin1String("job")) {
        bool ok = true;
        if (a.options.contains(QStringLiteral("--limit")))
            jobLimit = a.options.value(QStringLiteral("--limit")).toInt(&ok);
        if (!ok || jobLimit < 1 || jobLimit > 1000)
            return usage(QCoreApplication::translate("OwnerCli", "--limit wants a number of jobs from 1 to 1000"));
    }

    Result<Connection> conn = connectToAgent(a, defaultDataDir);
    if (!conn.ok())
        return failWith(conn.error());
    Channel &ch = *conn->channel;

    auto printMachine = [&](const MachineInfo &m) {
        if (asJson) {
            QJsonObject o{{QStringLiteral("host"), resourcesJson(m.host)},
                          {QStringLiteral("reserve"), resourcesJson(m.reserve)},
                          {QStringLiteral("allocated"), resourcesJson(m.allocated)},
                          {QStringLiteral("available"), resourcesJson(m.available)},
                          {QStringLiteral("libvirt_uri"), m.libvirtUri},
                          {QStringLiteral("virt_type"), m.virtType},
                          {QStringLiteral("host_name"), m.hostName}};
            if (m.libvirtProblem)
                o.insert(QStringLiteral("libvirt_problem"), *m.libvirtProblem);
            out(json(o));
        } else {
            out(QCoreApplication::translate("OwnerCli", "host       %1 (%2)").arg(m.host.toString(), m.hostName));
            out(QCoreApplication::translate("OwnerCli", "reserve    %1").arg(m.reserve.toString()));
            out(QCoreApplication::translate("OwnerCli", "allocated  %1").arg(m.allocated.toString()));
            out(QCoreApplication::translate("OwnerCli", "available  %1").arg(m.available.toString()));
            out(QCoreApplication::translate("OwnerCli", "libvirt    %1 (%2)").arg(m.libvirtUri, m.virtType));
            if (m.libvirtProblem)
                out(QCoreApplication::translate("OwnerCli", "           NOT REACHABLE: %1").arg(*m.libvirtProblem));
        }
        return 0;
    };
    auto printPartition = [&](const PartitionState &p) {
        out(asJson ? json(partitionJson(p)) : partitionText(p));
        return 0;
    };
    auto printImages = [&](const ImageList &l) {
        if (asJson) {
            QJsonArray arr;
            for (const ImageInfo &i : l.images)
                arr << QJsonObject{{QStringLiteral("name"), i.name}, {QStringLiteral("sha256"), i.sha256},
                                   {QStringLiteral("size_bytes"), i.sizeBytes}};
            out(json(QJsonObject{{QStringLiteral("images"), arr}}));
        } else {
            for (const ImageInfo &i : l.images)
                out(QCoreApplication::translate("OwnerCli", "%1  %2  %3 bytes").arg(i.name, i.sha256.left(16)).arg(i.sizeBytes));
        }
        return 0;
    };

    if (noun == QLatin1String("machine")) {
        Result<MachineInfo> r = verb == QLatin1String("show") ? ch.call<MachineInfo>(MachineShow{}, timeoutMs)
                                                              : ch.call<MachineInfo>(SetReserve{.reserve = reserve}, timeoutMs);
        return r.ok() ? printMachine(*r) : failWith(r.error());
    }
    if (noun == QLatin1String("job")) {
        // Newest first, a page at a time; --all follows the pages to the oldest job.
        ListJobs ask{.partitionId = std::nullopt, .submittedBeforeMs = std::nullopt, .beforeJobId = std::nullopt, .limit = jobLimit};
        if (a.options.contains(QStringLiteral("--partition")))
            ask.partitionId = a.options.value(QStringLiteral("--partition"));
        QList<JobSummary> jobs;
        bool more = false;
        for (;;) {
            Result<JobList> r = ch.call<JobList>(ask, timeoutMs);
            if (!r.ok())
                return failWith(r.error());
            jobs += r->jobs;
            more = r->more;
            if (!more || !a.flags.contains(QStringLiteral("--all")) || r->jobs.isEmpty())
                break;
            ask.submittedBeforeMs = r->jobs.last().submittedAtMs;
            ask.beforeJobId = r->jobs.last().jobId;
        }
        if (asJson) {
            QJsonArray arr;
            for (const JobSummary &j : std::as_const(jobs))
                arr << jobJson(j);
            out(json(QJsonObject{{QStringLiteral("jobs"), arr}, {QStringLiteral("more"), more}}));
        } else {
            for (const JobSummary &j : std::as_const(jobs))
                out(jobText(j));
            if (more)
                out(QCoreApplication::translate("OwnerCli", "(older jobs remain: --all lists them)"));
        }
        return 0;
    }
    if (noun == QLatin1String("bill")) {
        Result<BillList> r = ch.call<BillList>(OwnerBills{.marketId = marketId, .sinceMs = sinceMs, .contractId = std::nullopt, .receipts = false},
                                               timeoutMs);
        if (!r.ok())
            return failWith(r.error());
        const BillTotals totals = billTotals(r->bills);
        if (asJson) {
            QJsonArray arr;
            for (const Bill &b : std::as_const(r->bills))
                arr << billJson(b);
            out(json(QJsonObject{{QStringLiteral("bills"), arr},
                                 {QStringLiteral("total_charge"), totals.charge.toString()},
                                 {QStringLiteral("total_payout"), totals.payout.toString()},
                                 {QStringLiteral("total_market_fee"), totals.fee.toString()}}));
            return 0;
        }
        if (r->bills.isEmpty()) {
            out(sinceMs > 0 ? QCoreApplication::translate("OwnerCli", "No contracts at this market started since %1.").arg(isoTime(sinceMs))
                            : QCoreApplication::translate("OwnerCli", "No contracts at this market yet."));
            return 0;
        }
        QList<QStringList> rows;
        for (const Bill &b : std::as_const(r->bills)) {
            const bool ended = b.endedAtMs > 0;
            const QString borrower = b.borrowerName && !b.borrowerName->isEmpty()
                                         ? QStringLiteral("%1 (%2)").arg(*b.borrowerName, b.borrowerId.left(12))
                                         : b.borrowerId.left(12);
            rows << QStringList{b.contractId, b.partitionId, borrower, isoTime(b.startedAtMs),
                                ended ? isoTime(b.endedAtMs) : QCoreApplication::translate("OwnerCli", "running"),
                                app::durationText(b.durationMs), b.ratePerHour.toString(), b.charge.toString(),
                                ended ? b.lenderPayout.toString() : QStringLiteral("-"), ended ? b.marketFee.toString() : QStringLiteral("-")};
        }
        std::fputs(qPrintable(app::textTable({QCoreApplication::translate("OwnerCli", "CONTRACT"), QCoreApplication::translate("OwnerCli", "PARTITION"),
                                               QCoreApplication::translate("OwnerCli", "BORROWER"), QCoreApplication::translate("OwnerCli", "STARTED"),
                                               QCoreApplication::translate("OwnerCli", "ENDED"), QCoreApplication::translate("OwnerCli", "DURATION"),
                                               QCoreApplication::translate("OwnerCli", "RATE/H"), QCoreApplication::translate("OwnerCli", "CHARGE"),
                                               QCoreApplication::translate("OwnerCli", "PAYOUT"), QCoreApplication::translate("OwnerCli", "FEE")},
                                              rows)),
                   stdout);
        out(QCoreApplication::translate("OwnerCli", "Contracts: %1; paid out %2 of %3 charged (market fee %4)")
                .arg(r->bills.size())
                .arg(totals.payout.toString(), totals.charge.toString(), totals.fee.toString()));
        if (totals.running > 0)
            out(QCoreApplication::translate("OwnerCli", "Still running: %1 (paid once they end)").arg(totals.running));
        if (r->bills.size() >= 1000)
            out(QCoreApplication::translate("OwnerCli", "(the market lists the newest 1,000: --since DATE shows older ones)"));
        return 0;
    }
    if (noun == QLatin1String("receipt")) { // show
        Result<BillList> r = ch.call<BillList>(OwnerBills{.marketId = marketId, .sinceMs = 0, .contractId = arg1, .receipts = true}, timeoutMs);
        if (!r.ok())
            return failWith(r.error());
        // Checked before it is shown: what the owner keeps must verify later.
        Result<Receipt> receipt = receiptOfBill(*r, arg1, marketId);
        if (!receipt.ok())
            return failWith(receipt.error());
        if (receipt->endedAtMs == 0)
            std::fprintf(stderr, "lender-console: %s\n",
                         qPrintable(QCoreApplication::translate("OwnerCli", "note: contract %1 is still running; this is its start receipt, which "
                                                                            "bills nothing (the end receipt comes once it ended)").arg(arg1)));
        out(QString::fromUtf8(QJsonDocument(receiptToJson(*receipt)).toJson(QJsonDocument::Indented)).trimmed());
        return 0;
    }
    if (noun == QLatin1String("image")) {
        Result<ImageList> r = verb == QLatin1String("list")
                                  ? ch.call<ImageList>(ImageListRequest{}, timeoutMs)
                                  : ch.call<ImageList>(ImageAdd{.name = arg1, .directory = QDir(arg2).absolutePath()}, timeoutMs);
        return r.ok() ? printImages(*r) : failWith(r.error());
    }
    if (verb == QLatin1String("list")) {
        Result<PartitionListReply> r = ch.call<PartitionListReply>(PartitionList{}, timeoutMs);
        if (!r.ok())
            return failWith(r.error());
        if (asJson) {
            QJsonArray arr;
            for (const PartitionState &p : r->partitions)
                arr << partitionJson(p);
            out(json(QJsonObject{{QStringLiteral("partitions"), arr}}));
        } else {
            for (const PartitionState &p : r->partitions)
                out(partitionText(p));
        }
        return 0;
    }
    if (verb == QLatin1String("create")) {
        Result<PartitionInfo> r = ch.call<PartitionInfo>(PartitionCreate{.conditions = createConditions}, timeoutMs);
        return r.ok() ? printPartition(r->partition) : failWith(r.error());
    }
    if (verb == QLatin1String("alter")) {
        Result<PartitionListReply> list = ch.call<PartitionListReply>(PartitionList{}, timeoutMs);
        if (!list.ok())
            return failWith(list.error());
        std::optional<LendingConditions> current;
        for (const PartitionState &p : list->partitions)
            if (p.partitionId == arg1)
                current = p.conditions;
        if (!current)
            return failWith(Error(ErrorCode::NotFound, QCoreApplication::translate("OwnerCli", "no partition %1 on this machine").arg(arg1)));
        Result<LendingConditions> c = conditionsFrom(a, *current, false);
        if (!c.ok())
            return failWith(c.error());
        Result<PartitionInfo> r = ch.call<PartitionInfo>(PartitionAlter{.partitionId = arg1, .conditions = *c}, timeoutMs);
        return r.ok() ? printPartition(r->partition) : failWith(r.error());
    }
    if (verb == QLatin1String("register")) {
        Result<PartitionInfo> r = ch.call<PartitionInfo>(
            PartitionRegister{.partitionId = arg1, .marketId = a.options.value(QStringLiteral("--market-id")),
                              .externallyReferenced = a.flags.contains(QStringLiteral("--external"))},
            timeoutMs);
        return r.ok() ? printPartition(r->partition) : failWith(r.error());
    }
    if (verb == QLatin1String("withdraw")) {
        const bool force = a.flags.contains(QStringLiteral("--force"));
        Result<PartitionInfo> r = ch.call<PartitionInfo>(
            PartitionWithdraw{.partitionId = arg1, .force = force ? std::optional<bool>(true) : std::nullopt}, timeoutMs);
        if (!r.ok())
            return failWith(r.error());
        const bool later = r->marketToldLater.value_or(false);
        if (asJson) {
            QJsonObject o = partitionJson(r->partition);
            o.insert(QStringLiteral("market_told_later"), later);
            out(json(o));
        } else {
            out(partitionText(r->partition));
            if (later)
                out(QCoreApplication::translate("OwnerCli", "The market could not be reached: it is told of the withdrawal when this machine "
                                                            "connects to it again, and a contract it concludes meanwhile is refused."));
        }
        return 0;
    }
    if (verb == QLatin1String("delete")) {
        Result<Ack> r = ch.call<Ack>(PartitionDelete{.partitionId = arg1}, timeoutMs);
        if (!r.ok())
            return failWith(r.error());
        out(asJson ? json(QJsonObject{{QStringLiteral("partition_id"), arg1}, {QStringLiteral("deleted"), true}})
                   : QCoreApplication::translate("OwnerCli", "deleted %1").arg(arg1));
        return 0;
    }
    // lend-direct
    Result<DirectLease> r = ch.call<DirectLease>(
        LendDirect{.partitionId = arg1,
                   .borrowerId = a.options.value(QStringLiteral("--borrower-id")),
                   .borrowerName = a.options.contains(QStringLiteral("--borrower-name"))
                       ? std::optional<QString>(a.options.value(QStringLiteral("--borrower-name")))
                       : std::nullopt},
        timeoutMs);
    if (!r.ok())
        return failWith(r.error());
    const QString keyHex = QString::fromLatin1(r->key.toHex());
    if (asJson)
        out(json(directLeaseKeyFile(*r)));
    else
        out(QCoreApplication::translate("OwnerCli", "partition %1 lent directly: contract %2, key %3 (hand it to the borrower; it is shown once)")
                .arg(r->partitionId, r->contractId, keyHex));
    if (!asJson && r->lenderId && r->lenderAddress)
        out(QCoreApplication::translate("OwnerCli", "the borrower reaches this machine at %1, agent ID %2").arg(*r->lenderAddress, *r->lenderId));
    if (!asJson && r->startedAtMs && r->maxDurationS && *r->maxDurationS > 0)
        out(QCoreApplication::translate("OwnerCli", "the lease ends by itself at %1 (time limit %2 s)")
                .arg(QDateTime::fromMSecsSinceEpoch(*r->startedAtMs + *r->maxDurationS * 1000, Qt::UTC).toString(Qt::ISODate))
                .arg(*r->maxDurationS));
    return 0;
}

} // namespace lendable::lender
