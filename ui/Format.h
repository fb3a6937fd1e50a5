#pragma once
// How the desktop apps show times and durations, the same in every window.

#include <QString>

namespace lendable::ui {

/// "yyyy-MM-dd HH:mm:ss" in local time for UTC milliseconds; empty for 0 (not yet).
QString formatTimestamp(qint64 utcMs);
/// "H:MM:SS" for a duration in milliseconds.
QString formatDuration(qint64 ms);

} // namespace lendable::ui
