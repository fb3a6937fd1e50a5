#pragma once
// Changes made to a client's or an agent's store from a test, beside the program that uses it.

#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace cliharness {

/// Writes `marketId` as the market a client's or an agent's store (borrower.db, lender.db:
/// both keep contracts(contract_id, market_id)) records for a contract, beside the program
/// that uses it, as the tests of the receipt checks need; false, with a warning, if no row
/// changed.
inline bool recordContractMarket(const QString &dbPath, const QString &contractId, const QString &marketId)
{
    const QString connection = QStringLiteral("recordContractMarket");
    bool done = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(dbPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        QSqlQuery q(db);
        done = db.open() && q.prepare(QStringLiteral("UPDATE contracts SET market_id = ? WHERE contract_id = ?"));
        q.addBindValue(marketId);
        q.addBindValue(contractId);
        done = done && q.exec() && q.numRowsAffected() == 1;
    }
    QSqlDatabase::removeDatabase(connection);
    if (!done)
        qWarning("cannot record market %s for %s in %s", qPrintable(marketId), qPrintable(contractId), qPrintable(dbPath));
    return done;
}

/// Marks a finished job's results as removed in an agent's store (lender.db) at `atMs`, as the
/// agent does once they are past their retention, and deletes its job directory; false, with
/// a warning, if the job is not there.
inline bool removeJobResults(const QString &dbPath, const QString &jobId, qint64 atMs)
{
    const QString connection = QStringLiteral("removeJobResults");
    QString jobDir;
    bool done = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(dbPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        QSqlQuery q(db);
        if (db.open() && q.prepare(QStringLiteral("SELECT job_dir FROM jobs WHERE job_id = ?"))) {
            q.addBindValue(jobId);
            if (q.exec() && q.next())
                jobDir = q.value(0).toString();
        }
        QSqlQuery u(db);
        done = !jobDir.isEmpty() && u.prepare(QStringLiteral("UPDATE jobs SET results_removed_at_ms = ? WHERE job_id = ?"));
        u.addBindValue(atMs);
        u.addBindValue(jobId);
        done = done && u.exec() && u.numRowsAffected() == 1;
    }
    QSqlDatabase::removeDatabase(connection);
    done = done && QDir(jobDir).removeRecursively();
    if (!done)
        qWarning("cannot remove the results of job %s in %s", qPrintable(jobId), qPrintable(dbPath));
    return done;
}

} // namespace cliharness
