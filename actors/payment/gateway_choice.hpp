// Which gateways a configuration enables, and which to try for a new payment
// attempt (pure; the router then skips those whose breaker is open).
// (CONTRACT §13): each real gateway whose credentials are all set, and the
// sandbox in development only; the sandbox comes first when PAYMENT_GATEWAY
// names it, last otherwise.
// Candidates: a requested gateway alone (the customer chose it: never swapped
// for another); the sandbox when it leads; otherwise razorpay for INR and
// stripe for the rest, then the other enabled one as the fallback.
#pragma once

#include <caf/expected.hpp>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace checkout::payment {

std::vector<std::string> enabled_gateways(const config::settings& cfg);

// errc::invalid_field for an unknown or disabled requested gateway;
// errc::gateway_unavailable when nothing is enabled.
caf::expected<std::vector<std::string>> gateway_candidates(const std::string& requested,
                                                           const std::vector<std::string>& enabled,
                                                           const std::string& currency);

}  // namespace checkout::payment
