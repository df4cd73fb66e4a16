// One actor per cart token, spawned by the cart directory. It loads its state
// from PostgreSQL before its first message, stores every change before it
// replies, and asks the directory to passivate it after ACTOR_IDLE_TIMEOUT.
//   (create_atom, cart_create_request)          -> cart_view (created = true)
//   (get_atom, cart_caller)                     -> cart_view
//   (add_atom, cart_caller, cart_product)       -> cart_view
//   (add_atom, cart_caller, std::vector<cart_product>) -> cart_view (merge)
//   (estimate_atom, cart_caller)                -> cart_view
//   (checkout_atom, cart_caller)                -> cart_view (checked for ordering)
//   (converted_atom)                            -> reloads after an order took it
//   (passivate_atom)                            -> quits
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <string>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_cart_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                            caf::actor directory, bool fresh);

}  // namespace checkout
