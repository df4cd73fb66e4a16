// One actor per order token, spawned by the order directory. It loads its
// order before its first message (or places a new one), applies payment
// events and enrollment through the order_state machine, and stores every
// transition (with its outbox events) before it replies.
//   (place_atom, place_order_request)      -> place_order_reply
//   (get_atom, order_query)                -> order_record
//   (payment_atom, payment_event)          -> webhook_outcome | amount_mismatch
//   (enroll_atom, enrollment_request)      -> enrollment_done
//   (passivate_atom)                       -> quits
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_order_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                             caf::actor directory, bool fresh);

}  // namespace checkout
