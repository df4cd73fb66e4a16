// The payment timeout supervisor's scans (CONTRACT §7, §12): every
// ORDER_EXPIRY_SCAN_INTERVAL it finds orders whose payment window closed and
// tells each order actor to expire (spawning it if a restart or passivation
// lost its own timer); every PAYMENT_SYNC_INTERVAL it asks the order actors
// of open payments to sync with their gateway.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_order_watchdog(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
