// One actor per cart token, spawned by the cart directory. It loads its state
// from PostgreSQL before its first message, stores every change before it
// replies, and asks the directory to passivate it after ACTOR_IDLE_TIMEOUT.
// Its messages: cart_actor in actors/cart/cart_interface.hpp.
#pragma once

#include <caf/actor_system.hpp>
#include <string>

#include "actors/cart/cart_interface.hpp"
#include "actors/common/context.hpp"

namespace checkout {

// `fresh`: a token just made, with no row to load yet.
cart_actor spawn_cart_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                            entity_parent_actor directory, bool fresh);

}  // namespace checkout
