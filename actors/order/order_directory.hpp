// Finds or spawns the order actor of a token, and runs the idempotency of
// POST /orders before a new order actor is spawned.
//   (place_atom, place_order_request)      -> place_order_reply
//   (store_atom, idempotent_response)      -> caf::unit (status 0 releases the key)
//   (std::string token, caf::message inner) -> delegated to the order actor
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
