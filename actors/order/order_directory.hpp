// Finds or spawns the order actor of a token and forwards each order request,
// which arrives with the order's token in front, to it; that actor answers the
// original asker. Runs the idempotency of POST /orders and POST
// /orders/{t}/payments before an order actor acts, and the reads that need no
// order actor. Its messages: order_directory_actor in actors/order/order_interface.hpp.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"
#include "actors/order/order_interface.hpp"

namespace checkout {

order_directory_actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
