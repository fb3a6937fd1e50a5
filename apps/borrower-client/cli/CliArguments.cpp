#include "CliArguments.h"

#include "app/AppSupport.h"
#include "model/Money.h"
#include "protocol/Terms.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QSet>

namespace lendable::borrower {

namespace {
struct Options {
    QCommandLineOption cli{QStringLiteral("cli")};
    QCommandLineOption help{QStringList{QStringLiteral("help"), QStringLiteral("h")}};
    QCommandLineOption data{QStringLiteral("data"), {}, QStringLiteral("DIR")};
    QCommandLineOption market{QStringLiteral("market"), {}, QStringLiteral("ADDR:PORT")};
    QCommandLineOption marketId{QStringLiteral("market-id"), {}, QStringLiteral("ID")};
    QCommandLineOption json{QStringLiteral("json")};
    QCommandLineOption requestTimeout{QStringLiteral("request-timeout"), {}, QStringLiteral("SECONDS")};
    QCommandLineOption lender{QStringLiteral("lender"), {}, QStringLiteral("ADDR:PORT")};
    QCommandLineOption lenderId{QStringLiteral("lender-id"), {}, QStringLiteral("ID")};
    QCommandLineOption keyFile{QStringLiteral("key-file"), {}, QStringLiteral("FILE")};
    QCommandLineOption query{QStringLiteral("query"), {}, QStringLiteral("Q")};
    QCommandLineOption order{QStringLiteral("order"), {}, QStringLiteral("KEY")};
    QCommandLineOption limit{QStringLiteral("limit"), {}, QStringLiteral("N")};
    QCommandLineOption offset{QStringLiteral("offset"), {}, QStringLiteral("N")};
    QCommandLineOption showKey{QStringLiteral("show-key")};
    QCommandLineOption os{QStringLiteral("os"), {}, QStringLiteral("IMAGE")};
    QCommandLineOption script{QStringLiteral("script"), {}, QStringLiteral("FILE")};
    QCommandLineOption input{QStringLiteral("input"), {}, QStringLiteral("FILE")};
    QCommandLineOption timeout{QStringLiteral("timeout"), {}, QStringLiteral("SECONDS")};
    QCommandLineOption follow{QStringLiteral("follow")};
    QCommandLineOption since{QStringLiteral("since"), {}, QStringLiteral("DATE")};
    QCommandLineOption exitStatus{QStringLiteral("exit-status")};
    QCommandLineOption maxRate{QStringLiteral("max-rate"), {}, QStringLiteral("RATE")};
    QCommandLineOption minTimeLimit{QStringLiteral("min-time-limit"), {}, QStringLiteral("DURATION")};
    // Read by the launcher before parsing (app::requestedLanguage()); accepted here so that
    // every command takes it.
    QCommandLineOption language{QStringLiteral("language"), {}, QStringLiteral("CODE")};

    QList<QCommandLineOption> all() const
    {
        return {cli, help, data, market, marketId, json, requestTimeout, lender, lenderId, keyFile, query, order, limit, offset, showKey,
                os, script, input, timeout, follow, since, exitStatus, maxRate, minTimeLimit, language};
    }
};

// Options each command accepts beyond the common ones.
QHash<CliCommand, QStringList> commandOptions()
{
    return {
        {CliCommand::Offers, {QStringLiteral("query"), QStringLiteral("order"), QStringLiteral("limit"), QStringLiteral("offset")}},
        {CliCommand::Borrow, {QStringLiteral("query"), QStringLiteral("show-key"), QStringLiteral("max-rate"),
                              QStringLiteral("min-time-limit"), QStringLiteral("os")}},
        {CliCommand::Submit, {QStringLiteral("os"), QStringLiteral("script"), QStringLiteral("input"), QStringLiteral("timeout")}},
        {CliCommand::Logs, {QStringLiteral("follow")}},
        {CliCommand::Wait, {QStringLiteral("exit-status")}},
        {CliCommand::Cancel, {}},
        {CliCommand::End, {}},
        {CliCommand::Bills, {QStringLiteral("since")}},
        {CliCommand::ReceiptVerify, {}},
        {CliCommand::ReceiptShow, {}},
        {CliCommand::ReceiptFetch, {}},
        {CliCommand::Name, {}},
        {CliCommand::Recover, {}},
    };
}

const QStringList kCommonOptions{QStringLiteral("cli"),     QStringLiteral("help"),      QStringLiteral("data"),
                                 QStringLiteral("market"),  QStringLiteral("market-id"), QStringLiteral("json"),
                                 QStringLiteral("lender"),  QStringLiteral("lender-id"), QStringLiteral("key-file"),
                                 QStringLiteral("language"), QStringLiteral("request-timeout")};

// --request-timeout's largest value: an hour.
constexpr qint64 kMaxRequestTimeoutS = 3600;

Error usageError(const QString &text)
{
    return Error(ErrorCode::InvalidArgument,
                 QCoreApplication::translate("BorrowerCli", "%1 (see `borrower-client --cli --help`)").arg(text));
}

Result<qint64> positiveNumber(const QString &value, const QString &option, bool allowZero)
{
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < 0 || (!allowZero && n == 0))
        return usageError(QCoreApplication::translate("BorrowerCli", "--%1 wants a whole number of at least %2, not '%3'").arg(option).arg(allowZero ? 0 : 1).arg(value));
    return n;
}
// borrow OFFER_ID's --max-rate, --min-time-limit and --os as Borrow.agreedTerms: what is not
// named accepts anything (0 resources, no images, a time limit of at least 1 s).
Result<std::optional<protocol::LendingConditions>> agreedTermsOf(const QCommandLineParser &parser, const Options &o,
                                                                 const CliInvocation &inv)
{
    if (!parser.isSet(o.maxRate) && !parser.isSet(o.minTimeLimit) && !parser.isSet(o.os))
        return std::optional<protocol::LendingConditions>();
    if (inv.offerId.isEmpty())
        return usageError(QCoreApplication::translate("BorrowerCli", "--max-rate, --min-time-limit and --os go with `borrow OFFER_ID`; "
                                                                     "with --query, write them in it (rate<=1.5 time>=8h os=busybox)"));
    protocol::LendingConditions agreed;
    agreed.ratePerHour = Money::fromMicros(Money::kMaxRatePerHourMicros);
    agreed.maxDurationS = 1;
    if (parser.isSet(o.maxRate)) {
        const std::optional<Money> rate = protocol::parseRatePerHour(parser.value(o.maxRate));
        if (!rate)
            return usageError(QCoreApplication::translate("BorrowerCli", "--max-rate wants a rate per hour such as 1.5, not '%1'").arg(parser.value(o.maxRate)));
        agreed.ratePerHour = *rate;
    }
    if (parser.isSet(o.minTimeLimit)) {
        const QString text = parser.value(o.minTimeLimit).trimmed();
        const std::optional<qint64> s = text.isEmpty() ? std::nullopt : protocol::parseDurationS(text);
        if (!s)
            return usageError(QCoreApplication::translate("BorrowerCli", "--min-time-limit wants a duration such as 8h, 1:30:00 or 3600 "
                                                                         "(seconds), or none for offers without a limit; not '%1'")
                                  .arg(parser.value(o.minTimeLimit)));
        // "none": only an offer without a limit; 0 s: any limit at all.
        agreed.maxDurationS = text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 ? 0 : std::max<qint64>(*s, 1);
    }
    if (parser.isSet(o.os))
        agreed.osImages = parser.values(o.os);
    return std::optional<protocol::LendingConditions>(agreed);
}
} // namespace

QString cliCommandName(CliCommand command)
{
    switch (command) {
    case CliCommand::Offers: return QStringLiteral("offers");
    case CliCommand::Borrow: return QStringLiteral("borrow");
    case CliCommand::Submit: return QStringLiteral("submit");
    case CliCommand::Logs: return QStringLiteral("logs");
    case CliCommand::Wait: return QStringLiteral("wait");
    case CliCommand::Cancel: return QStringLiteral("cancel");
    case CliCommand::End: return QStringLiteral("end");
    case CliCommand::Bills: return QStringLiteral("bills");
    case CliCommand::ReceiptVerify: return QStringLiteral("receipt verify");
    case CliCommand::ReceiptShow: return QStringLiteral("receipt show");
    case CliCommand::ReceiptFetch: return QStringLiteral("receipt fetch");
    case CliCommand::Name: return QStringLiteral("name");
    case CliCommand::Recover: return QStringLiteral("recover");
    }
    return {};
}

QString cliUsage()
{
    return QCoreApplication::translate("BorrowerCli", "Usage: borrower-client --cli [--data DIR] [--market ADDR:PORT --market-id ID] [--json] [--language CODE] COMMAND …\n"
              "\n"
              "Commands:\n"
              "  offers [--query Q] [--order rate] [--limit N] [--offset N]\n"
              "                                                  search offers, e.g. --query \"cpus>=1 memory>=256M os=busybox rate<=2\"\n"
              "  borrow OFFER_ID | borrow --query Q [--show-key]  conclude a contract (the key stays in DIR/keys)\n"
              "    [--max-rate RATE] [--min-time-limit DURATION] [--os IMAGE]\n"
              "                                                  with OFFER_ID: only if the offer's terms are still these\n"
              "                                                  (DURATION: 8h, 1:30:00, 3600; none: without a limit)\n"
              "  submit CONTRACT_ID --os IMAGE --script FILE [--input FILE …] [--timeout SECONDS]\n"
              "  logs JOB_ID [--follow]                          console output; --follow streams until the job ends\n"
              "  wait JOB_ID [--exit-status]                     block until the job ends; fetch its outputs;\n"
              "                                                  --exit-status: exit 3 unless the job succeeded\n"
              "  cancel JOB_ID                                   stop a job\n"
              "  end CONTRACT_ID                                 end a contract and get the signed bill\n"
              "  bills [--since DATE]                            your contracts with their charges\n"
              "  recover                                         ask the market what borrows whose answer was lost made, and\n"
              "                                                  take their contracts (it makes none); `borrow` does so first\n"
              "  receipt verify FILE                             check a receipt (JSON, as `end --json` prints) offline; FILE - reads\n"
              "                                                  standard input; exit 0: valid, 1: not valid or not a receipt\n"
              "  receipt show CONTRACT_ID                        the signed receipt kept here for a contract, as JSON\n"
              "  receipt fetch CONTRACT_ID                       the contract's receipt, signed by the market now, kept here too\n"
              "  name [NAME]                                     the name the market's managers and your lenders see for you; name \"\" forgets it\n"
              "\n"
              "Direct mode (a partition lent without a market): --key-file FILE [--lender ADDR:PORT --lender-id ID]\n"
              "with submit, logs, wait and cancel.\n"
              "The market used is remembered in the data directory; so are each contract's lender and key.\n"
              "--request-timeout SECONDS (default 30) is how long each request waits for its answer; `logs` without --follow\n"
              "also stops when the lender sends nothing for that long.\n"
              "--language CODE (de, en, ja) chooses the language of messages; what --json prints stays the same.\n");
}

Result<qint64> parseCliDate(const QString &text)
{
    if (const std::optional<qint64> ms = app::parseUtcDate(text))
        return *ms;
    return usageError(QCoreApplication::translate("BorrowerCli", "'%1' is not a date; write 2024-05-01 or 2024-05-01T12:00:00Z").arg(text));
}

Result<CliInvocation> parseCliArguments(const QStringList &arguments)
{
    Options o;
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(o.all());
    if (!parser.parse(QStringList{QStringLiteral("borrower-client")} + arguments))
        return usageError(parser.errorText());
    if (parser.isSet(o.help))
        return Error(ErrorCode::Cancelled, cliUsage());

    QStringList pos = parser.positionalArguments();
    if (pos.isEmpty())
        return usageError(QCoreApplication::translate("BorrowerCli", "no command given; the commands are offers, borrow, submit, logs, wait, cancel, end, "
                             "bills, recover, receipt verify, receipt show, receipt fetch and name"));
    static const QHash<QString, CliCommand> names{
        {QStringLiteral("offers"), CliCommand::Offers}, {QStringLiteral("borrow"), CliCommand::Borrow},
        {QStringLiteral("submit"), CliCommand::Submit}, {QStringLiteral("logs"), CliCommand::Logs},
        {QStringLiteral("wait"), CliCommand::Wait},     {QStringLiteral("cancel"), CliCommand::Cancel},
        {QStringLiteral("end"), CliCommand::End},       {QStringLiteral("bills"), CliCommand::Bills},
        {QStringLiteral("receipt"), CliCommand::ReceiptVerify}, {QStringLiteral("name"), CliCommand::Name},
        {QStringLiteral("recover"), CliCommand::Recover}};
    const QString name = pos.takeFirst();
    if (!names.contains(name))
        return usageError(QCoreApplication::translate("BorrowerCli", "unknown command '%1'; the commands are offers, borrow, submit, logs, wait, cancel, end, "
                             "bills, recover, receipt verify, receipt show, receipt fetch and name").arg(name));
    CliInvocation inv;
    inv.command = names.value(name);
    if (inv.command == CliCommand::ReceiptVerify) {
        const QString verb = pos.isEmpty() ? QString() : pos.takeFirst();
        if (verb == QLatin1String("show"))
            inv.command = CliCommand::ReceiptShow;
        else if (verb == QLatin1String("fetch"))
            inv.command = CliCommand::ReceiptFetch;
        else if (verb != QLatin1String("verify"))
            return usageError(QCoreApplication::translate("BorrowerCli", "write `receipt verify FILE`, `receipt show CONTRACT_ID` or `receipt fetch CONTRACT_ID`"));
    }

    // An option that belongs to another command is a mistake worth naming.
    const QStringList allowed = kCommonOptions + commandOptions().value(inv.command);
    for (const QString &opt : parser.optionNames()) {
        QString longName = opt == QLatin1String("h") ? QStringLiteral("help") : opt;
        if (!allowed.contains(longName))
            return usageError(QCoreApplication::translate("BorrowerCli", "--%1 does not apply to `%2`").arg(longName, cliCommandName(inv.command)));
    }

    inv.dataDir = parser.value(o.data);
    if (parser.isSet(o.data) && inv.dataDir.trimmed().isEmpty()) // it would be the current directory
        return usageError(QCoreApplication::translate("CommandLine", "--data needs a directory; it was given empty"));
    inv.market = parser.value(o.market);
    inv.marketId = parser.value(o.marketId);
    inv.json = parser.isSet(o.json);
    inv.lender = parser.value(o.lender);
    inv.lenderId = parser.value(o.lenderId);
    inv.keyFile = parser.value(o.keyFile);
    inv.query = parser.value(o.query);
    inv.order = parser.value(o.order);
    inv.showKey = parser.isSet(o.showKey);
    inv.os = parser.value(o.os);
    inv.scriptPath = parser.value(o.script);
    inv.inputPaths = parser.values(o.input);
    inv.follow = parser.isSet(o.follow);
    inv.exitStatus = parser.isSet(o.exitStatus);
    if (parser.isSet(o.limit)) {
        Result<qint64> n = positiveNumber(parser.value(o.limit), QStringLiteral("limit"), false);
        if (!n)
            return n.error();
        // The market gives at most 1000 offers per request; more would be cut without a word.
        if (*n > 1000)
            return usageError(QCoreApplication::translate("BorrowerCli", "--limit wants a number of offers from 1 to 1000, not %1").arg(*n));
        inv.limit = *n;
    }
    if (parser.isSet(o.offset)) {
        Result<qint64> n = positiveNumber(parser.value(o.offset), QStringLiteral("offset"), true);
        if (!n)
            return n.error();
        if (*n > std::numeric_limits<qint32>::max())
            return usageError(QCoreApplication::translate("BorrowerCli", "--offset wants a number of offers to skip from 0 to %1, not %2")
                                  .arg(std::numeric_limits<qint32>::max())
                                  .arg(*n));
        inv.offset = *n;
    }
    if (parser.isSet(o.timeout)) {
        Result<qint64> n = positiveNumber(parser.value(o.timeout), QStringLiteral("timeout"), false);
        if (!n)
            return n.error();
        inv.timeoutS = *n;
    }
    if (parser.isSet(o.requestTimeout)) {
        Result<qint64> n = positiveNumber(parser.value(o.requestTimeout), QStringLiteral("request-timeout"), false);
        if (!n)
            return n.error();
        if (*n > kMaxRequestTimeoutS)
            return usageError(QCoreApplication::translate("BorrowerCli", "--request-timeout wants a number of seconds from 1 to %1, not %2")
                                  .arg(kMaxRequestTimeoutS)
                                  .arg(*n));
        inv.requestTimeoutS = *n;
    }
    if (parser.isSet(o.since)) {
        Result<qint64> ms = parseCliDate(parser.value(o.since));
        if (!ms)
            return ms.error();
        inv.sinceMs = *ms;
    }
    if (!inv.keyFile.isEmpty() || !inv.lender.isEmpty() || !inv.lenderId.isEmpty()) {
        const QList<CliCommand> directOk{CliCommand::Submit, CliCommand::Logs, CliCommand::Wait, CliCommand::Cancel};
        if (!directOk.contains(inv.command))
            return usageError(QCoreApplication::translate("BorrowerCli", "direct mode (--lender, --lender-id, --key-file) works with submit, logs, wait and "
                                 "cancel, not with `%1`").arg(cliCommandName(inv.command)));
        if (inv.keyFile.isEmpty())
            return usageError(QCoreApplication::translate("BorrowerCli", "direct mode needs --key-file FILE (the file the partition's owner gave you)"));
    }

    // Positional arguments per command.
    auto takeOne = [&](const QString &what, QString &out, bool optional) -> Result<void> {
        if (pos.size() > 1)
            return usageError(QCoreApplication::translate("BorrowerCli", "`%1` takes one %2, got: %3").arg(cliCommandName(inv.command), what, pos.join(QLatin1Char(' '))));
        if (pos.isEmpty()) {
            if (optional)
                return {};
            return usageError(QCoreApplication::translate("BorrowerCli", "`%1` needs %2").arg(cliCommandName(inv.command), what));
        }
        out = pos.takeFirst();
        if (out.trimmed().isEmpty() && !optional)
            return usageError(QCoreApplication::translate("BorrowerCli", "`%1` needs %2, not an empty word").arg(cliCommandName(inv.command), what));
        return {};
    };
    Result<void> r;
    switch (inv.command) {
    case CliCommand::Offers:
    case CliCommand::Bills:
    case CliCommand::Recover:
        if (!pos.isEmpty())
            return usageError(QCoreApplication::translate("BorrowerCli", "`%1` takes no arguments, got: %2").arg(cliCommandName(inv.command), pos.join(QLatin1Char(' '))));
        break;
    case CliCommand::Borrow:
        r = takeOne(QCoreApplication::translate("BorrowerCli", "OFFER_ID"), inv.offerId, true);
        if (r && inv.offerId.isEmpty() == inv.query.isEmpty())
            return usageError(QCoreApplication::translate("BorrowerCli", "`borrow` needs either an OFFER_ID or --query \"…\" (the best match), not both"));
        if (r) {
            Result<std::optional<protocol::LendingConditions>> agreed = agreedTermsOf(parser, o, inv);
            if (!agreed)
                return agreed.error();
            inv.agreedTerms = *agreed;
        }
        break;
    case CliCommand::Submit:
        r = takeOne(QCoreApplication::translate("BorrowerCli", "CONTRACT_ID"), inv.contractId, inv.isDirect());
        if (r && inv.os.isEmpty())
            return usageError(QCoreApplication::translate("BorrowerCli", "`submit` needs --os IMAGE (an image the offer lists, e.g. busybox)"));
        if (r && inv.scriptPath.isEmpty())
            return usageError(QCoreApplication::translate("BorrowerCli", "`submit` needs --script FILE (run by /bin/sh in the guest)"));
        break;
    case CliCommand::Logs:
    case CliCommand::Wait:
    case CliCommand::Cancel:
        r = takeOne(QCoreApplication::translate("BorrowerCli", "JOB_ID"), inv.jobId, false);
        break;
    case CliCommand::End:
    case CliCommand::ReceiptShow:
    case CliCommand::ReceiptFetch:
        r = takeOne(QCoreApplication::translate("BorrowerCli", "CONTRACT_ID"), inv.contractId, false);
        break;
    case CliCommand::ReceiptVerify:
        r = takeOne(QCoreApplication::translate("BorrowerCli", "FILE"), inv.receiptFile, false);
        break;
    case CliCommand::Name:
        if (!pos.isEmpty()) {
            QString newName;
            r = takeOne(QCoreApplication::translate("BorrowerCli", "NAME (in quotes if it has spaces)"), newName, true); // "" is allowed: it forgets the name
            inv.newName = newName;
        }
        break;
    }
    if (!r)
        return r.error();
    return inv;
}

} // namespace lendable::borrower
