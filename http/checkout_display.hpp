// How a hosted checkout page writes figures for a buyer: an amount the way
// the currency is usually written, and the time left in a payment window.
// Plain text (not yet HTML-escaped).
#pragma once

#include <cstdint>
#include <string>

namespace checkout::http {

// Minor units as a buyer reads them: INR "₹1,23,456.78" (Indian grouping),
// USD "$1,234.56", any other currency "EUR 1,234.56". Two decimals: every
// currency the service prices in has 100 minor units to the major one.
std::string display_money(std::int64_t minor, const std::string& currency);

// Seconds left as "m:ss", or "h:mm:ss" from an hour on; "0:00" when none.
// The countdown script of the sandbox page writes the same form.
std::string display_time_left(std::int64_t seconds);

}  // namespace checkout::http
