// Every CART_CLEANUP_INTERVAL, marks carts idle for longer than CART_TTL as
// expired (their expires_at has passed), so they stop counting as a user's
// active cart and answer 410. Cart actors still in memory see the same
// expires_at and answer 410 already; a later write finds the new version.
//   (cleanup_atom) -> runs once now (also how tests drive it)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_cart_cleanup(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
