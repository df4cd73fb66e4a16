// The payment router: one gateway actor per enabled gateway (each with its own
// circuit breaker and detached workers), and the choice between them. Its
// messages: payment_router_actor in actors/payment/payment_interface.hpp.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"
#include "actors/payment/payment_interface.hpp"

namespace checkout {

payment_router_actor spawn_payment_router(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
