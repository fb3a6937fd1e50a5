#pragma once
// Changes made to a client's or an agent's store from a test, beside the program that uses it.

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

} // namespace cliharness
