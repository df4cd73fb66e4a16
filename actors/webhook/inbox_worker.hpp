// The inbox worker: applies webhook events that are stored but were never
// applied (the process died after the 200, the order was busy, a refund came
// before its capture). Scans at start, every INBOX_RETRY_INTERVAL, and when
// told to (sync_atom: the supervisor restarted the intake).
#pragma once

#include <caf/event_based_actor.hpp>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/context.hpp"
#include "actors/common/instrumented_actor.hpp"

namespace checkout {

struct inbox_worker_state {
  static inline const char* name = actor_kinds::inbox_worker.name;
};

caf::behavior inbox_worker(instrumented_actor<inbox_worker_state>* self, actor_context ctx);

}  // namespace checkout
