// Finds or spawns the cart actor of a token and forwards each cart request,
// which arrives with the cart's token in front, to it; that actor answers the
// original asker. Also makes new carts, merges a guest cart when its user signs
// in, and keeps the Idempotency-Keys of POST /cart (in whichever shard gets
// the message). Its messages: cart_directory_actor in actors/cart/cart_interface.hpp.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/cart/cart_interface.hpp"
#include "actors/common/context.hpp"

namespace checkout {

// The directory is sharded: `shards` directory actors behind one handle (a CAF
// actor_pool whose policy routes by token, so the handle has no mailbox of its
// own). A shard makes new tokens that hash to itself, so every token has one
// home. ctx.carts must not be set; the returned handle is what to store there.
cart_directory_actor spawn_cart_directory(caf::actor_system& sys, actor_context ctx, size_t shards);

// The shard a token lives in (tokens compared lower-case).
size_t cart_shard_of(const std::string& token, size_t shards);

}  // namespace checkout
