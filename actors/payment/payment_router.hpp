// The payment router: one gateway actor per enabled gateway (each with its own
// circuit breaker and detached workers), and the choice between them. Its
// messages are listed in payment_messages.hpp.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_payment_router(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
