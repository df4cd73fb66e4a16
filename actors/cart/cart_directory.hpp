// Finds or spawns the cart actor of a token. Messages for a cart arrive as
// (std::string token, caf::message inner) and are delegated to its actor, which
// answers the original asker. A new cart: (create_atom, cart_create_request).
// Signing in with a cart: (login_atom, std::string token, std::string user_id)
// -> cart_view of the user's one active cart (the guest cart attached, or its
// lines merged into the cart the user already had).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_cart_directory(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
