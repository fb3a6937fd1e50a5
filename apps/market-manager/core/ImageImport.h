#pragma once
// Puts an OS image directory (installer/os-images/README.md) into the market's image store,
// which serves images as tar archives addressed by SHA-256 (third embodiment).

#include "MarketService.h"

namespace lendable::market {

/// Archives `directory` (tar, files at the top) and adds it to the market as `name`.
Result<protocol::ImageInfo> importImageDirectory(MarketService &market, const QString &name, const QString &directory);

} // namespace lendable::market
