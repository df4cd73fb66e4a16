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

// Before an entity actor decides or answers: the state another process may
// have committed since it loaded its own (CONTRACT §14). `check` runs on the
// database thread and answers a `Loaded` (what changed, if anything), `adopt`
// takes it, then `then` runs; the actor's other messages wait meanwhile.
// While the database does not answer, `then` runs on what memory holds (a
// step that writes fails then anyway).
template <class Loaded, class Self, class Check, class Adopt, class Then>
void with_committed(Self* self, const actor_context& ctx, Check check, Adopt adopt, Then then) {
  db_request(self, ctx, std::move(check))
      .await(
          [=](Loaded& loaded) mutable {
            adopt(loaded);
            then();
          },
          [=](caf::error&) mutable { then(); });
}

}  // namespace checkout
