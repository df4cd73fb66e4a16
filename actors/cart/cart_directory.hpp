// Finds or spawns the cart actor of a token. Messages for a cart arrive as
// (std::string token, caf::message inner) and are delegated to its actor, which
// answers the original asker. A new cart: (create_atom, cart_create_request).
// Signing in with a cart: (login_atom, std::string token, std::string user_id)
// -> cart_view of the user's one active cart (the guest cart attached, or its
// lines merged into the cart the user already had).
// The keys of POST /cart's Idempotency-Key (persistence/idempotency.hpp), in
// whichever shard gets the message:
//   (persistence::idempotency_begin)   -> persistence::idempotency_decision
//   (store_atom, idempotent_response)  -> ack_reply (status 0 releases the key)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

// The directory is sharded: `shards` directory actors behind one handle (a CAF
// actor_pool whose policy routes by token, so the handle has no mailbox of its
// own). A shard makes new tokens that hash to itself, so every token has one
// home. ctx.carts must not be set; the returned handle is what to store there.
caf::actor spawn_cart_directory(caf::actor_system& sys, actor_context ctx, size_t shards);

// The shard a token lives in (tokens compared lower-case).
size_t cart_shard_of(const std::string& token, size_t shards);

}  // namespace checkout
