// Webhook intake (CONTRACT §8): verifies a gateway's signature on the raw
// bytes, parses the event, stores it in the inbox and, once that is durable,
// hands it to the order's actor. The answer waits at most WEBHOOK_APPLY_WAIT
// for the order; after that it is 200 `accepted` and the inbox worker sees to
// the rest, so the gateway never waits on anything but the inbox.
//   (webhook_atom, webhook_delivery) -> webhook_outcome | bad_signature | bad_webhook |
//   amount_mismatch
//   (sandbox_atom, sandbox_action)   -> webhook_outcome (the sandbox page's buttons)
#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/context.hpp"
#include "actors/common/instrumented_actor.hpp"

namespace checkout {

struct webhook_intake_state {
  static inline const char* name = actor_kinds::webhook_intake.name;
};

caf::behavior webhook_intake(instrumented_actor<webhook_intake_state>* self, actor_context ctx);

}  // namespace checkout
