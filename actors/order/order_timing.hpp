// How long each party waits in an order's phases, derived from the settings
// so that an outer wait always outlasts the inner ones it contains.
#pragma once

#include <chrono>

#include "config/settings.hpp"

namespace checkout::order_timing {

using ms = std::chrono::milliseconds;

// One gateway call with its retries and back-off.
ms gateway_wait(const config::settings& cfg);

// The order actor's whole placement: cart, gateway choice, database, gateway, database.
ms placement_wait(const config::settings& cfg, ms db_timeout);

// What the HTTP handler and the directory give a placement (or a retry).
ms request_wait(const config::settings& cfg, ms db_timeout);

// How long an idempotency key stays locked to a running first request.
ms key_lease(const config::settings& cfg, ms db_timeout);

}  // namespace checkout::order_timing
