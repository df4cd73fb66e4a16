// Supervises webhook intake (CONTRACT §8): the HTTP routes talk to this actor,
// which forwards to its intake child and keeps the inbox worker running. A
// child that dies is spawned again; after the intake restarts, the worker
// re-applies whatever the dead one left in the inbox.
//   (webhook_atom, webhook_delivery) -> webhook_outcome (forwarded to the intake)
//   (sandbox_atom, sandbox_action)   -> webhook_outcome (forwarded to the intake)
//   (get_atom)                       -> webhook_children (for tests and /admin)
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <cstdint>

#include "actors/common/context.hpp"

namespace checkout {

struct webhook_children {
  caf::actor intake;
  caf::actor inbox;
  std::int64_t restarts = 0;
};

caf::actor spawn_webhook_supervisor(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::webhook_children)
