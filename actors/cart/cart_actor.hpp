// One actor per cart token, spawned by the cart directory. It loads its state
// from PostgreSQL before its first message, stores every change before it
// replies, and asks the directory to passivate it after ACTOR_IDLE_TIMEOUT.
//   (create_atom, cart_create_request)          -> cart_view (created = true)
//   (get_atom, cart_caller)                     -> cart_view
//   (add_atom, cart_caller, cart_product)       -> cart_view
//   (add_atom, cart_caller, std::vector<cart_product>) -> cart_view (merge)
//   (estimate_atom, cart_caller)                -> cart_view
//   (checkout_atom, cart_caller)                -> cart_view (checked for ordering)
//   (patch_atom, cart_caller, std::string id, int quantity) -> cart_view (0 removes)
//   (reprice_atom, cart_caller)                 -> cart_view (every line at today's catalog price)
//   (remove_atom, cart_caller, std::string id)  -> cart_view
//   (billing_atom, cart_caller, billing_info)   -> cart_view
//   (login_atom, std::string user_id)           -> cart_view (a guest cart becomes the user's)
//   (login_atom, std::string user_id, cart_state guest) -> cart_view (guest lines merged in)
//   (expire_atom, cart_caller)                  -> cart_view (merged away: answers 410 after)
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
