#pragma once
// How the desktop apps show times, durations, amounts, sizes and lock reports, the same in
// every window.

#include "model/Money.h"

#include <QString>

namespace lendable::ui {

/// "yyyy-MM-dd HH:mm:ss" in local time for UTC milliseconds; empty for 0 (not yet).
QString formatTimestamp(qint64 utcMs);
/// "H:MM:SS" for a duration in milliseconds.
QString formatDuration(qint64 ms);
/// A contract's time limit (LendingConditions::maxDurationS) as the tables show it:
/// "H:MM:SS", or "none" (in the app's language) for no limit.
QString formatTimeLimit(qint64 maxDurationS);
/// A total as people read one: rounded to hundredths (half away from zero), with this
/// locale's digit grouping and decimal point, "2,638.42". Exact amounts (a charge by the
/// second is often below 0.01) stay Money::toString(); show them beside or in a tooltip.
QString formatTotal(const Money &amount);
/// An exact amount with all six decimals ("2.314760", "0.001745", "12,345.000000"), so that
/// a column of charges lines up on its decimal point; nothing is rounded. The locale's digit
/// grouping and decimal point ("2,314760" in German), as in formatTotal().
QString formatCharge(const Money &amount);
/// An exact amount with at least two decimals ("0.60", "2.48", "0.125", "1,500.00"), with the
/// locale's grouping and decimal point: rates, so that "0.6" and "0.59" are not read side by side.
QString formatAmount(const Money &amount);
/// A size in MiB for reading at a glance: "512 MiB", "23.5 GiB", "1.2 TiB" (one decimal,
/// none when it is whole). Exact sizes for typing stay formatSizeMib() ("24105M").
QString formatSize(qint64 mib);
/// A lender's lock report (Violation.detail, LockReport's words) as people read it, in the
/// app's language: "vCPUs 2 → 4; memory limit 768 MiB → 1,000 KiB (not restored)", then
/// what libvirt refused while restoring. A text that is not such a report is returned as it is.
QString describeLockReport(const QString &detail);
/// The words of a lock report whose names, as describeLockReport() shows them, hold `text`
/// (case-insensitive): {"hard_limit"} for "memory limit". A search in the words shown also
/// looks for these (AdminListViolations.detailTerms).
QStringList lockReportTermsFor(const QString &text);

} // namespace lendable::ui
