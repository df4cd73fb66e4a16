// Sends a unit of database work to the pool from inside an actor. Use
// `.await(...)` to keep the entity's other messages waiting until it is
// stored (per-entity serialization without blocking a thread).
#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <utility>

#include "actors/common/context.hpp"
#include "persistence/db_pool.hpp"

namespace checkout {

template <class Self, class F>
auto db_request(Self* self, const actor_context& ctx, F&& task) {
  return self->request(ctx.db, ctx.db_timeout, persistence::db_job{std::forward<F>(task)});
}

}  // namespace checkout
