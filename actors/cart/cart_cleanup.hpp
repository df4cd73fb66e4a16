// Every CART_CLEANUP_INTERVAL, marks carts idle for longer than CART_TTL as
// expired (their expires_at has passed), so they stop counting as a user's
// active cart and answer 410. Cart actors still in memory see the same
// expires_at and answer 410 already; a later write finds the new version.
// The same run deletes idempotency keys whose 24 hours are over.
//   (cleanup_atom) -> cleanup_report: runs once now (also how tests drive it)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <cstdint>

#include "actors/common/context.hpp"

namespace checkout {

using cleanup_atom = caf::atom_constant<caf::atom("cleanup")>;

// What one run did.
struct cleanup_report {
  std::int64_t carts_expired = 0;
  std::int64_t keys_reaped = 0;
};

caf::actor spawn_cart_cleanup(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cleanup_report)
