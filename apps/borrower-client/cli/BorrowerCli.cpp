#include "BorrowerCli.h"

#include "BorrowerSession.h"
#include "CliFormat.h"
#include "protocol/ReceiptJson.h"

#include "app/AppSupport.h"
#include "util/Paths.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>
#include <unistd.h>
#include <optional>

namespace lendable::borrower {

namespace {
void printOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stderr);
    std::fflush(stderr);
}

void printRaw(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printJson(const QJsonValue &v)
{
    const QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    printRaw(doc.toJson(QJsonDocument::Indented));
}

Result<QByteArray> readSmallFile(const QString &path, const QString &what)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorCode::IoError, QCoreApplication::translate("BorrowerCli", "cannot read the %1 %2: %3").arg(what, path, f.errorString()));
    if (f.size() > BorrowerSession::kMaxJobBytes)
        return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("BorrowerCli", "the %1 %2 is %3 bytes; at most %4 bytes go with a job")
                                                     .arg(what, path)
                                                     .arg(f.size())
                                                     .arg(BorrowerSession::kMaxJobBytes));
    return f.readAll();
}

class Runner {
public:
    Runner(const CliInvocation &inv, BorrowerSession &session)
        : m_inv(inv)
        , m_session(session)
    {
    }

    /// The process's exit code after a successful run(): 0, 3 from `wait --exit-status` for a
    /// job that did not succeed, or 1 when what was done could not all be kept or fetched
    /// here (`end`, `wait`; said on standard error).
    int exitCode() const { return m_exitCode; }

    Result<void> run()
    {
        switch (m_inv.command) {
        case CliCommand::Offers: return offers();
        case CliCommand::Borrow: return borrow();
        case CliCommand::Submit: return submit();
        case CliCommand::Logs: return logs();
        case CliCommand::Wait: return wait();
        case CliCommand::Cancel: return cancel();
        case CliCommand::End: return end();
        case CliCommand::Bills: return bills();
        case CliCommand::ReceiptVerify:
        case CliCommand::ReceiptShow: return {}; // handled before a session exists
        case CliCommand::ReceiptFetch: return fetchReceipt();
        case CliCommand::Name: return name();
        case CliCommand::Recover: return recover();
        }
        return {};
    }

private:
    Result<void> offers()
    {
        protocol::SearchOffers req;
        req.query = m_inv.query;
        req.order = m_inv.order;
        req.limit = m_inv.limit;
        req.offset = m_inv.offset;
        Result<protocol::OfferPage> page = BorrowerSession::await<protocol::OfferPage>(
            [&](QObject *ctx, Callback<protocol::OfferPage> cb) { m_session.searchOffers(req, ctx, cb); });
        if (!page)
            return page.error();
        // The market skips `offset=` of the query if it has one, else --offset.
        const qint64 skipped = queryOffset(m_inv.query).value_or(m_inv.offset);
        const int matching = int(qMin<qint64>(page->total, INT_MAX)); // lupdate reads a plain variable as the count
        if (page->offers.isEmpty() && page->total > 0)
            printErr(QCoreApplication::translate("BorrowerCli", "%n offer(s) match, fewer than the %1 skipped\n", nullptr, matching).arg(skipped));
        else if (page->offers.isEmpty())
            printErr(explainNoMatch(*page) + QLatin1Char('\n'));
        if (m_inv.json)
            printJson(offersToJson(page->offers));
        else if (!page->offers.isEmpty())
            printOut(offersTable(page->offers));
        // A page is never all there is without saying so (the market gives at most 1,000
        // offers per request, 100 unless --limit asks otherwise).
        const qint64 last = skipped + page->offers.size();
        if (!page->offers.isEmpty() && skipped == 0 && page->total > page->offers.size())
            printErr(QCoreApplication::translate("BorrowerCli", "%1 of %2 matching offers shown; %3\n")
                         .arg(page->offers.size())
                         .arg(page->total)
                         .arg(page->offers.size() >= 1000
                                  ? QCoreApplication::translate("BorrowerCli", "the market gives at most %1 per request: --offset %1 shows the next ones, or narrow the query").arg(page->offers.size())
                                  : QCoreApplication::translate("BorrowerCli", "--limit N shows more (up to 1000), or narrow the query")));
        else if (!page->offers.isEmpty() && skipped > 0)
            printErr(QCoreApplication::translate("BorrowerCli", "offers %1 to %2 of %3 matching shown%4\n")
                         .arg(skipped + 1)
                         .arg(last)
                         .arg(page->total)
                         .arg(last < page->total ? QCoreApplication::translate("BorrowerCli", "; --offset %1 shows the next ones").arg(last) : QString()));
        return {};
    }

    Result<void> borrow()
    {
        // Borrows whose answers were lost are asked about first: said, whatever they made.
        QObject::connect(&m_session, &BorrowerSession::borrowsRecovered, &m_session, [](const QList<BorrowRecovery> &recoveries) {
            for (const BorrowRecovery &r : recoveries)
                printErr(BorrowerSession::describeRecovery(r) + QLatin1Char('\n'));
        });
        Result<ContractRecord> c = BorrowerSession::await<ContractRecord>([&](QObject *ctx, Callback<ContractRecord> cb) {
            m_session.borrow(m_inv.offerId, m_inv.query, ctx, cb, m_inv.agreedTerms);
        });
        if (!c)
            return c.error();
        QByteArray key;
        if (m_inv.showKey) {
            if (Result<KeyMaterial> k = m_session.store().key(c->contractId); k)
                key = k->key;
        }
        if (m_inv.json) {
            printJson(contractToJson(*c, key));
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "Contract %1: partition %2 of lender %3 at %4, %5 per hour, started %6.\n"
                        "The lending key is kept in %7.\n")
                         .arg(c->contractId, c->partitionId, c->lenderId, c->lenderAddress, c->ratePerHour.toString(),
                              isoTime(c->startedAtMs), m_session.store().keyPath(c->contractId)));
            if (c->maxDurationS > 0)
                printOut(QCoreApplication::translate("BorrowerCli", "The market ends it by itself at %1 (time limit %2 s).\n")
                             .arg(isoTime(c->endsByItselfAtMs()))
                             .arg(c->maxDurationS));
            if (!key.isEmpty())
                printOut(QCoreApplication::translate("BorrowerCli", "Key: %1\n").arg(QString::fromLatin1(key.toBase64())));
        }
        return {};
    }

    Result<void> importDirect()
    {
        if (!m_inv.isDirect())
            return {};
        Result<KeyMaterial> key = readKeyFile(m_inv.keyFile);
        if (!key)
            return key.error();
        if (m_inv.command == CliCommand::Submit && !m_inv.contractId.isEmpty() && m_inv.contractId != key->contractId)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("BorrowerCli", "the key file %1 is for contract %2, not %3")
                                                         .arg(m_inv.keyFile, key->contractId, m_inv.contractId));
        Result<ContractRecord> c = m_session.addDirectContract(*key, m_inv.lender, m_inv.lenderId);
        if (!c)
            return c.error();
        m_directContract = c->contractId;
        return {};
    }

    Result<void> submit()
    {
        if (Result<void> d = importDirect(); !d)
            return d;
        const QString contractId = m_inv.contractId.isEmpty() ? m_directContract : m_inv.contractId;
        JobSpec spec;
        spec.os = m_inv.os;
        spec.timeoutS = m_inv.timeoutS;
        Result<QByteArray> script = readSmallFile(m_inv.scriptPath, QCoreApplication::translate("BorrowerCli", "script"));
        if (!script)
            return script.error();
        spec.script = *script;
        for (const QString &path : m_inv.inputPaths) {
            Result<QByteArray> data = readSmallFile(path, QCoreApplication::translate("BorrowerCli", "input file"));
            if (!data)
                return data.error();
            const QString name = QFileInfo(path).fileName();
            for (const protocol::JobFile &f : std::as_const(spec.inputs)) {
                if (f.name == name)
                    return Error(ErrorCode::InvalidArgument,
                                 QCoreApplication::translate("BorrowerCli", "two input files are named %1; they would overwrite each other in /job/in").arg(name));
            }
            spec.inputs.append(protocol::JobFile{name, *data});
        }
        Result<JobRecord> job = BorrowerSession::await<JobRecord>(
            [&](QObject *ctx, Callback<JobRecord> cb) { m_session.submitJob(contractId, spec, ctx, cb); });
        if (!job)
            return job.error();
        // The contract's end stops the job, whatever its own time limit: said now, on
        // standard error, not when its outputs are lost.
        if (Result<ContractRecord> contract = m_session.store().contract(contractId); contract && contract->endsByItselfAtMs() > 0
            && spec.timeoutS > 0 && QDateTime::currentMSecsSinceEpoch() + spec.timeoutS * 1000 > contract->endsByItselfAtMs()) {
            printErr((contract->direct ? QCoreApplication::translate("BorrowerCli", "Note: job %1 may run for %2 s, but the lender ends "
                                                                                    "lease %3 at %4 (its time limit): a job still running "
                                                                                    "then is stopped, and its outputs are lost.\n")
                                       : QCoreApplication::translate("BorrowerCli", "Note: job %1 may run for %2 s, but the market ends contract %3 at %4 (its "
                                                                                    "time limit): a job still running then is stopped, and its outputs are lost.\n"))
                         .arg(job->jobId)
                         .arg(spec.timeoutS)
                         .arg(contractId, isoTime(contract->endsByItselfAtMs())));
        }
        if (m_inv.json) {
            QJsonObject o;
            o.insert(QStringLiteral("job_id"), job->jobId);
            o.insert(QStringLiteral("contract_id"), job->contractId);
            printJson(o);
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "Job %1 submitted; follow it with `borrower-client --cli logs %1 --follow`.\n").arg(job->jobId));
        }
        return {};
    }

    // Streams output; with follow=false prints the output so far and stops (on a watch the
    // lender sends what it has, then the job's state). A finished job's console comes this
    // way too: the one in its result is cut at kMaxResultBytes, less its outputs.
    Result<void> logs()
    {
        if (Result<void> d = importDirect(); !d)
            return d;
        QEventLoop loop;
        QObject ctx;
        std::optional<Error> failure;
        qint64 printed = 0;
        bool acked = false;
        // Without --follow, the output so far and then the job's state or result are due: an
        // agent that answers pings but sends neither, and no more output, for a request's time
        // ends the command with a timeout instead of holding it for ever. Output that keeps
        // coming (a long console) keeps it waiting.
        QTimer silence;
        silence.setSingleShot(true);
        silence.setInterval(m_session.reconnectPolicy().requestTimeoutMs);
        QObject::connect(&silence, &QTimer::timeout, &ctx, [&] {
            failure = Error(ErrorCode::Timeout,
                            QCoreApplication::translate("BorrowerCli", "the lender agent sent no more of job %1's console, and not its state, "
                                                                       "for %2 s; what it sent is printed above. Try again, or "
                                                                       "`borrower-client --cli logs %1 --follow`")
                                .arg(m_inv.jobId)
                                .arg(silence.interval() / 1000.0));
            loop.quit();
        });
        QObject::connect(&m_session, &BorrowerSession::jobOutput, &ctx,
                         [&](const QString &jobId, qint64 offset, const QByteArray &data) {
                             if (jobId != m_inv.jobId)
                                 return;
                             printRaw(data);
                             printed = offset + data.size();
                             if (silence.isActive())
                                 silence.start();
                         });
        bool ended = false;
        QObject::connect(&m_session, &BorrowerSession::jobStateChanged, &ctx, [&](const protocol::JobStateChanged &c) {
            if (c.jobId != m_inv.jobId)
                return;
            if (!isFinalJobState(c.state)) {
                // The agent sends the job's state right after the output it had when the watch
                // began: without --follow, that is all there is to print.
                if (!m_inv.follow && acked)
                    loop.quit();
                return;
            }
            // The console goes to stdout untouched; how the job ended goes to stderr. The
            // agent's message for a normal end only repeats the exit code.
            const bool repeatsExitCode = c.exitCode && c.message == QStringLiteral("exit code %1").arg(*c.exitCode);
            printErr(QCoreApplication::translate("BorrowerCli", "job %1 %2%3%4\n")
                         .arg(c.jobId, c.state, c.exitCode ? QCoreApplication::translate("BorrowerCli", ", exit code %1").arg(*c.exitCode) : QString(),
                              c.message.isEmpty() || repeatsExitCode ? QString() : QStringLiteral(": ") + c.message));
            ended = true;
            loop.quit();
        });
        QObject::connect(&m_session, &BorrowerSession::watchLost, &ctx, [&](const QString &jobId, const Error &e) {
            if (jobId == m_inv.jobId) {
                failure = e;
                loop.quit();
            }
        });
        m_session.watchJob(m_inv.jobId, 0, &ctx, [&](Result<void> r) {
            if (!r) {
                failure = r.error();
                loop.quit();
                return;
            }
            acked = true;
            if (!m_inv.follow)
                silence.start();
            // A job that ended before the watch began may send no state change: ask once. The
            // agent answers after the output it had when the watch began, so without --follow
            // its answer also says that all of it is printed (unless the answer timed out
            // behind a long console: the state follows that). Its console is not completed
            // here: the watch prints it. Nor are its output files fetched: `wait` does that.
            m_session.fetchJobResult(
                m_inv.jobId, &ctx,
                [&](Result<JobOutcome> done) {
                    if (done && isFinalJobState(done->state)) {
                        ended = true;
                        loop.quit();
                    } else if (!m_inv.follow && (done || done.error().code != ErrorCode::Timeout)) {
                        loop.quit();
                    }
                },
                false, false);
        });
        if (!failure && !ended)
            loop.exec();
        m_session.unwatchJob(m_inv.jobId);
        if (failure)
            return *failure;
        // Anything the console held beyond what streamed (a push lost in a reconnect); a
        // result holds no more than kMaxResultBytes of it.
        if (ended && printed < BorrowerSession::kMaxResultBytes) {
            Result<JobOutcome> done = BorrowerSession::await<JobOutcome>(
                [&](QObject *c, Callback<JobOutcome> cb) { m_session.fetchJobResult(m_inv.jobId, c, cb, false, false); });
            if (done && done->console.size() > printed)
                printRaw(done->console.mid(printed));
            // Ended, nothing streamed, and no console to fetch (the lender removed the job's
            // results): say why, rather than show an empty console as if it printed nothing.
            if (!done && done.error().code == ErrorCode::NotFound && printed == 0)
                return done.error();
        }
        return {};
    }

    Result<void> wait()
    {
        if (Result<void> d = importDirect(); !d)
            return d;
        // Outputs too large to come with the result come file by file, which may take a while:
        // said once on standard error, and how far it got while it runs if that is a terminal.
        QObject listening;
        const bool terminal = ::isatty(STDERR_FILENO) == 1;
        int shownPercent = -1;
        QObject::connect(&m_session, &BorrowerSession::progress, &listening, [&](const protocol::JobProgress &p) {
            if (p.jobId != m_inv.jobId || p.stage != QLatin1String("result_download") || p.total <= 0)
                return;
            const int percent = int(100 * p.done / p.total);
            const QString what = QCoreApplication::translate("BorrowerCli", "fetching the output files of job %1 (%2 MiB)")
                                     .arg(m_inv.jobId)
                                     .arg(double(p.total) / (1024 * 1024), 0, 'f', 1);
            if (!terminal && shownPercent < 0)
                printErr(what + QLatin1Char('\n'));
            else if (terminal && percent != shownPercent)
                printErr(QStringLiteral("\r%1: %2 %").arg(what).arg(percent) + (p.done >= p.total ? QStringLiteral("\n") : QString()));
            shownPercent = percent;
        });
        Result<JobOutcome> out = BorrowerSession::await<JobOutcome>(
            [&](QObject *ctx, Callback<JobOutcome> cb) { m_session.waitJob(m_inv.jobId, ctx, cb); });
        if (!out)
            return out.error();
        if (m_inv.json) {
            printJson(outcomeToJson(*out));
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "Job %1 %2%3%4.\n")
                         .arg(out->jobId, out->state,
                              out->exitCode ? QCoreApplication::translate("BorrowerCli", ", exit code %1").arg(*out->exitCode) : QString(),
                              out->message.isEmpty() ? QString() : QStringLiteral(": ") + out->message));
            for (const QString &p : std::as_const(out->outputPaths))
                printOut(p + QLatin1Char('\n'));
        }
        if (m_inv.exitStatus && out->state != QLatin1String("succeeded")) {
            printErr(QCoreApplication::translate("BorrowerCli", "job %1 did not succeed: it %2\n")
                         .arg(out->jobId, out->exitCode ? QCoreApplication::translate("BorrowerCli", "ended %1 with exit code %2").arg(out->state).arg(*out->exitCode)
                                                        : QCoreApplication::translate("BorrowerCli", "ended %1").arg(out->state)));
            m_exitCode = 3;
        }
        // Part of the result is missing here: said, and the command failed, whatever the job did.
        for (const QString &missing : std::as_const(out->incomplete))
            m_exitCode = app::fail(Error(ErrorCode::IoError, missing));
        return {};
    }

    Result<void> cancel()
    {
        if (Result<void> d = importDirect(); !d)
            return d;
        Result<void> r = BorrowerSession::await<void>(
            [&](QObject *ctx, Callback<void> cb) { m_session.cancelJob(m_inv.jobId, ctx, cb); });
        if (!r)
            return r;
        if (m_inv.json) {
            QJsonObject o;
            o.insert(QStringLiteral("job_id"), m_inv.jobId);
            o.insert(QStringLiteral("cancelled"), true);
            printJson(o);
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "Job %1 cancelled.\n").arg(m_inv.jobId));
        }
        return {};
    }

    Result<void> end()
    {
        Result<ContractEnd> e = BorrowerSession::await<ContractEnd>(
            [&](QObject *ctx, Callback<ContractEnd> cb) { m_session.endContract(m_inv.contractId, ctx, cb); });
        if (!e)
            return e.error();
        if (e->receiptProblem.isError())
            printErr(QCoreApplication::translate("BorrowerCli", "warning: %1\n").arg(e->receiptProblem.message));
        if (m_inv.json) {
            printJson(contractEndToJson(*e));
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "Contract %1 ended after %2; charge %3%4.\n")
                         .arg(e->closed.contractId, humanDuration(e->closed.durationMs), e->closed.charge.toString(),
                              e->receiptProblem.isError() ? QCoreApplication::translate("BorrowerCli", " (the receipt does NOT verify)")
                                                          : QCoreApplication::translate("BorrowerCli", " (signed receipt verified)")));
        }
        // What the market did is printed above; that this directory does not show it yet is
        // a failure of the command all the same.
        if (e->recordProblem.isError())
            m_exitCode = app::fail(e->recordProblem);
        return {};
    }

    Result<void> recover()
    {
        Result<QList<BorrowRecovery>> r = BorrowerSession::await<QList<BorrowRecovery>>(
            [&](QObject *ctx, Callback<QList<BorrowRecovery>> cb) { m_session.recoverPendingBorrows(ctx, cb); });
        if (!r)
            return r.error();
        if (m_inv.json) {
            QJsonArray a;
            for (const BorrowRecovery &one : std::as_const(*r))
                a.append(recoveryToJson(one));
            printJson(a);
        } else if (r->isEmpty()) {
            printOut(QCoreApplication::translate("BorrowerCli", "No borrow sent from here waits for its answer.\n"));
        } else {
            for (const BorrowRecovery &one : std::as_const(*r))
                printOut(BorrowerSession::describeRecovery(one) + QLatin1Char('\n'));
        }
        // What is not known yet is asked about again; the command did not finish its work.
        int open = 0;
        ErrorCode why = ErrorCode::None;
        for (const BorrowRecovery &one : std::as_const(*r)) {
            if (one.outcome != BorrowRecovery::Outcome::Unknown)
                continue;
            if (open++ == 0)
                why = one.problem ? one.problem->code : ErrorCode::Timeout;
        }
        if (open > 0)
            m_exitCode = app::fail(Error(why, QCoreApplication::translate("BorrowerCli", "%n borrow(s) not known yet; `recover` asks again", nullptr, open)));
        return {};
    }

    Result<void> bills()
    {
        Result<protocol::BillList> b = BorrowerSession::await<protocol::BillList>(
            [&](QObject *ctx, Callback<protocol::BillList> cb) { m_session.listBills(m_inv.sinceMs.value_or(0), ctx, cb); });
        if (!b)
            return b.error();
        if (m_inv.json) {
            QJsonArray a;
            for (const protocol::Bill &bill : std::as_const(b->bills))
                a.append(billToJson(bill));
            printJson(a);
        } else {
            printOut(billsTable(b->bills));
            Money total;
            for (const protocol::Bill &bill : std::as_const(b->bills))
                total = total.add(bill.charge).value();
            printOut(QCoreApplication::translate("BorrowerCli", "Total: %1\n").arg(total.toString()));
        }
        // The market lists the newest contracts only: a full list is not all there is.
        if (b->bills.size() >= BorrowerSession::kMaxBills)
            printErr(QCoreApplication::translate("BorrowerCli", "note: only the newest %1 contracts are listed (the most the market lists), "
                                                                "and the total covers only those; --since DATE lists those started since\n")
                         .arg(BorrowerSession::kMaxBills));
        return {};
    }

    // `receipt fetch`: the contract's receipt as the market signs it now (the end receipt
    // once it ended, also when the market ended it on its own), kept here and printed as
    // `receipt show` prints it.
    Result<void> fetchReceipt()
    {
        Result<protocol::Receipt> r = BorrowerSession::await<protocol::Receipt>(
            [&](QObject *ctx, Callback<protocol::Receipt> cb) { m_session.fetchReceipt(m_inv.contractId, ctx, cb); });
        if (!r)
            return r.error();
        if (r->endedAtMs == 0)
            printErr(QCoreApplication::translate("BorrowerCli", "note: contract %1 is still running; this is its start receipt, which bills "
                                                                "nothing (the end receipt comes once it ended)\n").arg(m_inv.contractId));
        printJson(protocol::receiptToJson(*r));
        return {};
    }

    Result<void> name()
    {
        if (m_inv.newName) {
            Result<void> set = BorrowerSession::await<void>(
                [&](QObject *ctx, Callback<void> cb) { m_session.setDisplayName(*m_inv.newName, ctx, cb); });
            if (!set)
                return set.error();
        }
        const QString current = m_session.displayName();
        if (m_inv.json) {
            QJsonObject o{{QStringLiteral("name"), current}};
            if (m_inv.newName)
                o.insert(QStringLiteral("market_id"), m_session.marketId());
            printJson(o);
        } else if (current.isEmpty()) {
            printOut(QCoreApplication::translate("BorrowerCli", "No name: the market's managers and the lenders you borrow from see your node ID %1.\n").arg(m_session.nodeId()));
        } else {
            printOut(QCoreApplication::translate("BorrowerCli", "The market's managers and the lenders you borrow from see you as \"%1\".\n").arg(current));
        }
        return {};
    }

    const CliInvocation &m_inv;
    BorrowerSession &m_session;
    QString m_directContract;
    int m_exitCode = 0;
};

// The contract this data directory keeps under `contractId`: nullopt when it has no store
// or no such contract; an error when its store cannot be read (the check is then not made,
// and the receipt not called valid).
Result<std::optional<ContractRecord>> keptContract(const QString &dataDir, const QString &contractId)
{
    Result<BorrowerStore> store = BorrowerStore::openToRead(dataDir);
    if (!store)
        return store.error().code == ErrorCode::NotFound ? Result<std::optional<ContractRecord>>(std::optional<ContractRecord>())
                                                         : store.error();
    Result<ContractRecord> c = store->contract(contractId);
    if (!c)
        return c.error().code == ErrorCode::NotFound ? Result<std::optional<ContractRecord>>(std::optional<ContractRecord>()) : c.error();
    return std::optional<ContractRecord>(*c);
}

Result<void> verifyReceiptFile(const CliInvocation &inv, const QString &dataDir)
{
    const Result<protocol::Receipt> r = protocol::readVerifiedReceipt(inv.receiptFile, inv.marketId);
    if (!r)
        return r.error();
    // Without --market-id, a receipt for a contract this data directory keeps must be signed by
    // the market that contract was made with: any market can sign a valid receipt of its own
    // under another's contract ID.
    if (inv.marketId.isEmpty()) {
        const Result<std::optional<ContractRecord>> kept = keptContract(dataDir, r->contractId);
        if (!kept)
            return Error(kept.error().code, QCoreApplication::translate("BorrowerCli", "cannot read which market contract %1 was made with "
                                                                                       "in %2 (--market-id ID names the market to expect): %3")
                                                .arg(r->contractId, dataDir, kept.error().message));
        if (const std::optional<ContractRecord> &c = *kept; c) {
            if (std::optional<Error> notOurs = protocol::receiptAgainstKeptContract(*r, c->direct, c->marketId))
                return *notOurs;
        }
    }
    // A start receipt is valid too, but it is no bill: it says so, so that its charge of 0
    // is not taken for one.
    const bool ended = r->endedAtMs > 0;
    if (inv.json) {
        QJsonObject o;
        o.insert(QStringLiteral("valid"), true);
        o.insert(QStringLiteral("contract_id"), r->contractId);
        o.insert(QStringLiteral("market_id"), r->marketId);
        o.insert(QStringLiteral("ended"), ended);
        o.insert(QStringLiteral("charge"), r->charge.toString());
        printJson(o);
    } else if (ended) {
        printOut(QCoreApplication::translate("BorrowerCli", "The receipt for contract %1 is valid: signed by market %2; charge %3.\n")
                     .arg(r->contractId, r->marketId, r->charge.toString()));
    } else {
        printOut(QCoreApplication::translate("BorrowerCli", "The start receipt for contract %1 is valid: signed by market %2 when the "
                                                            "contract began; it bills nothing (the end receipt carries the charge).\n")
                     .arg(r->contractId, r->marketId));
    }
    return {};
}

// `receipt show`: the newest signed receipt this data directory keeps for a contract, in the
// form `receipt verify` reads; no network.
Result<void> showReceipt(const CliInvocation &inv, const QString &dataDir)
{
    if (!QFileInfo::exists(dataDir + QStringLiteral("/borrower.db")))
        return Error(ErrorCode::NotFound,
                     QCoreApplication::translate("BorrowerCli", "no contracts are kept in %1 (is --data right?)").arg(dataDir));
    Result<BorrowerStore> store = BorrowerStore::openToRead(dataDir);
    if (!store)
        return store.error();
    Result<ContractRecord> c = store->contract(inv.contractId);
    if (!c)
        return c.error();
    const std::optional<protocol::Receipt> &receipt = c->endReceipt ? c->endReceipt : c->startReceipt;
    if (!receipt)
        return Error(ErrorCode::NotFound,
                     QCoreApplication::translate("BorrowerCli", "no signed receipt is kept for contract %1%2")
                         .arg(inv.contractId, c->direct ? QCoreApplication::translate("BorrowerCli", ": it was lent directly, without a market")
                                                        : QString()));
    if (c->isEnded() && !c->endReceipt)
        printErr(QCoreApplication::translate("BorrowerCli", "warning: contract %1 ended on %2, but no end receipt is kept here (the market "
                                                            "ended it on its own); this is its start receipt, which bills nothing. "
                                                            "`receipt fetch %1` gets the end receipt from the market\n")
                     .arg(inv.contractId, QDateTime::fromMSecsSinceEpoch(c->endedAtMs, Qt::UTC).toString(Qt::ISODate)));
    printJson(protocol::receiptToJson(*receipt));
    return {};
}
} // namespace

ReconnectPolicy cliReconnectPolicy()
{
    ReconnectPolicy p;
    p.initialDelayMs = 500;
    p.maxDelayMs = 30'000;
    p.maxAttempts = 3;
    p.handshakeTimeoutMs = 10'000;
    return p;
}

int runCli(const QStringList &arguments)
{
    Result<CliInvocation> inv = parseCliArguments(arguments);
    if (!inv) {
        if (inv.error().code == ErrorCode::Cancelled) { // --help
            printOut(inv.error().message);
            return 0;
        }
        return app::fail(inv.error());
    }
    const QString dataDir = inv->dataDir.isEmpty() ? defaultDataDir(QStringLiteral("borrower-client"))
                                                   : QFileInfo(inv->dataDir).absoluteFilePath();
    if (inv->command == CliCommand::ReceiptVerify) {
        // Offline: no identity, no network; the store only read, for the market a kept
        // contract was made with. Anything short of a valid receipt (unreadable, not a
        // receipt, edited, signed by another market) exits 1; usage errors, caught above,
        // exit 2.
        const Result<void> r = verifyReceiptFile(*inv, dataDir);
        if (!r) {
            if (inv->json) {
                QJsonObject o;
                o.insert(QStringLiteral("valid"), false);
                o.insert(QStringLiteral("reason"), r.error().message);
                printJson(o);
            }
            app::fail(r.error());
            return 1;
        }
        return 0;
    }
    if (inv->command == CliCommand::ReceiptShow) {
        if (Result<void> r = showReceipt(*inv, dataDir); !r)
            return app::fail(r.error());
        return 0;
    }
    BorrowerSession session(dataDir);
    if (Result<void> o = session.open(); !o)
        return app::fail(o.error());
    ReconnectPolicy policy = cliReconnectPolicy();
    if (inv->requestTimeoutS > 0) {
        // A ping waits as long as a request: its Pong may come behind an answer.
        policy.requestTimeoutMs = int(inv->requestTimeoutS * 1000);
        policy.keepAliveTimeoutMs = policy.requestTimeoutMs;
    }
    session.setReconnectPolicy(policy);
    if (Result<void> m = session.setMarket(inv->market, inv->marketId); !m)
        return app::fail(m.error());
    Runner runner(*inv, session);
    if (Result<void> r = runner.run(); !r)
        return app::fail(r.error());
    return runner.exitCode();
}

} // namespace lendable::borrower
