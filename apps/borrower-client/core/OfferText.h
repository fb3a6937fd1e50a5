#pragma once
// How the borrower's command line and window word what the market says about offers, in
// the borrower's language.

#include "protocol/Messages.h"

namespace lendable::borrower {

/// What excluded offers, for "why nothing matches": a requirement as the borrower wrote it
/// ("cpus>=4"); a condition of availability in the borrower's language ("free (not lent)")
/// when the market names it by its code, else in the market's words.
QString exclusionText(const protocol::Exclusion &exclusion);

} // namespace lendable::borrower
