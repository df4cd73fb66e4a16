// Finds or spawns the order actor of a token, and runs the idempotency of
// POST /orders and POST /orders/{t}/payments before the order actor acts.
//   (place_atom, place_order_request)      -> place_order_reply
//   (retry_atom, payment_retry_request)    -> place_order_reply
//   (list_atom, order_list_query)          -> order_list
//   (get_atom, payment_lookup)             -> payment_info
//   (store_atom, idempotent_response)      -> ack_reply (status 0 releases the key)
//   (std::string token, caf::message inner) -> delegated to the order actor
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
