// Answers /readyz: (ping_atom) -> ack_reply while PostgreSQL and the broker
// both answer, else an `unavailable` error naming what is down. Detached,
// because the broker check opens a connection and blocks for it.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <functional>
#include <string>

#include "actors/common/context.hpp"

namespace checkout {

// Returns an empty string when the broker answers, else what went wrong.
using broker_check = std::function<std::string()>;

caf::actor spawn_readiness_probe(caf::actor_system& sys, const actor_context& ctx,
                                 broker_check check_broker);

}  // namespace checkout
