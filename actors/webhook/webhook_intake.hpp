// Webhook intake: verifies a gateway's signature, parses the event, finds the
// order it is about and hands it to that order's actor, which applies it once.
//   (webhook_atom, webhook_delivery) -> webhook_outcome | bad_signature | bad_webhook |
//   amount_mismatch
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_webhook_intake(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
