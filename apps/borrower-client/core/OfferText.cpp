#include "OfferText.h"

#include <QCoreApplication>

namespace lendable::borrower {

QString exclusionText(const protocol::Exclusion &exclusion)
{
    const QString condition = exclusion.condition.value_or(QString());
    if (condition == QLatin1String("free"))
        return QCoreApplication::translate("OfferText", "free (not lent)");
    if (condition == QLatin1String("online"))
        return QCoreApplication::translate("OfferText", "lender online");
    if (condition == QLatin1String("confirmed"))
        return QCoreApplication::translate("OfferText", "allocation confirmed by the lender");
    return exclusion.requirement; // a requirement, or a condition this version does not know
}

} // namespace lendable::borrower
