#pragma once
// The market's settings as `market-manager` takes them on its command line, read the same way
// for the headless service and for the desktop app's embedded market.

#include "MarketService.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace lendable::market {

/// What the command line gave, as text; an empty text leaves MarketConfig's default.
struct MarketOptionTexts {
    QString dataDir;
    QStringList adminIds;   ///< --admin-id (repeatable): node IDs, 64 hex characters
    QString feePercent;     ///< --fee-percent: 0–100, at most two decimals
    QString heartbeatS;     ///< --heartbeat-timeout: seconds, 0.1 to 86,400
    QString imagesDir;      ///< --images: where imported OS images are kept
    QString idleTimeoutS;   ///< --idle-timeout: seconds, 30 to 86,400, or 0 for never
};

/// A fee in percent ("10", "2.5", "0": 0–100, at most two decimals) in basis points;
/// InvalidArgument quoting the text otherwise.
Result<int> parseFeePercent(const QString &text);

/// The configuration those options make; InvalidArgument naming the bad value otherwise.
Result<MarketConfig> marketConfigFromOptions(const MarketOptionTexts &options);

/// Adds each `--image NAME=DIR` to the market's image store; InvalidArgument for a
/// malformed one, or the import's error. The images added, in order.
Result<QList<protocol::ImageInfo>> importImageOptions(MarketService &market, const QStringList &specs);

} // namespace lendable::market
