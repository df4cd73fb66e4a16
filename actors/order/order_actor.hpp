// One actor per order token, spawned by the order directory. It loads its
// order before its first message (or places a new one), decides every event
// through the order_state machine, and stores each transition (with its
// outbox event) before it replies. It arms its own payment-window timer; the
// order watchdog's scan catches what a passivation or restart lost.
//   (place_atom, place_order_request)      -> place_order_reply
//   (get_atom, order_query)                -> order_record
//   (payment_atom, payment_event)          -> webhook_outcome | amount_mismatch
//   (retry_atom, payment_retry_request)    -> order_record (a new attempt)
//   (refund_atom, refund_order_request)    -> order_record (refunded)
//   (enroll_atom, enrollment_request)      -> enrollment_done
//   (expire_atom, uint64 generation)       -> checks the gateway, then expires (0: from a scan)
//   (sync_atom)                            -> asks the gateway about an open payment
//   (passivate_atom)                       -> quits
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_order_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                             caf::actor directory, bool fresh);

}  // namespace checkout
