#include "MarketOptions.h"

#include "ImageImport.h"
#include "app/AppSupport.h"
#include "identity/Identity.h"

#include <QCoreApplication>
#include <QDir>

namespace lendable::market {

Result<int> parseFeePercent(const QString &text)
{
    Result<Money> m = Money::parse(text);
    if (!m || m->isNegative() || m->micros() > 100 * Money::kMicrosPerUnit || m->micros() % 10'000 != 0)
        return Error(ErrorCode::InvalidArgument,
                     QCoreApplication::translate("main", "'%1' is not a fee percentage between 0 and 100 with at most two decimals").arg(text));
    return static_cast<int>(m->micros() / 10'000);
}

Result<MarketConfig> marketConfigFromOptions(const MarketOptionTexts &options)
{
    MarketConfig config;
    config.dataDir = options.dataDir;
    if (!options.imagesDir.isEmpty())
        config.imagesDir = QDir(options.imagesDir).absolutePath();
    for (const QString &id : options.adminIds) {
        if (!Identity::isValidNodeId(id.toLower()))
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "'%1' is not a node ID (64 hex characters)").arg(id));
        config.adminIds.append(id.toLower());
    }
    if (!options.feePercent.isEmpty()) {
        Result<int> bp = parseFeePercent(options.feePercent);
        if (!bp)
            return bp.error();
        config.feeBasisPoints = *bp;
    }
    if (!options.heartbeatS.isEmpty()) {
        bool ok = false;
        const double s = options.heartbeatS.toDouble(&ok);
        // Lender agents send a heartbeat every 10 s: a shorter timeout would have them flap
        // offline between two. (Written so that NaN fails it too.)
        if (!ok || !(s >= 15 && s <= 86'400))
            return Error(ErrorCode::InvalidArgument,
                         QCoreApplication::translate("main", "'%1' is not a heartbeat timeout in seconds from 15 to 86400 (lender agents "
                                                             "send a heartbeat every 10 s)").arg(options.heartbeatS));
        config.heartbeatTimeoutMs = static_cast<int>(s * 1000);
    }
    if (!options.idleTimeoutS.isEmpty()) {
        Result<int> ms = app::parseIdleTimeoutMs(options.idleTimeoutS);
        if (!ms)
            return ms.error();
        config.idleTimeoutMs = *ms;
    }
    return config;
}

Result<QList<protocol::ImageInfo>> importImageOptions(MarketService &market, const QStringList &specs)
{
    QList<protocol::ImageInfo> added;
    for (const QString &spec : specs) {
        const qsizetype eq = spec.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return Error(ErrorCode::InvalidArgument, QCoreApplication::translate("main", "--image wants NAME=DIR, not '%1'").arg(spec));
        Result<protocol::ImageInfo> image = importImageDirectory(market, spec.left(eq), spec.mid(eq + 1));
        if (!image)
            return image.error();
        added.append(*image);
    }
    return added;
}

} // namespace lendable::market
