// One actor per order token, spawned by the order directory. It loads its
// order before its first message (or places a new one), decides every event
// through the order_state machine, and stores each transition (with its
// outbox event) before it replies. It arms its own payment-window timer; the
// order watchdog's scan catches what a passivation or restart lost.
// Its messages: order_actor in actors/order/order_interface.hpp.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"
#include "actors/order/order_interface.hpp"

namespace checkout {

// `fresh`: a token just made, with no row to load yet.
order_actor spawn_order_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                              entity_parent_actor directory, bool fresh);

}  // namespace checkout
