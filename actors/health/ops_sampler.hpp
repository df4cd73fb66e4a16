// Keeps the gauges that are read rather than counted: outbox rows waiting,
// the oldest order awaiting payment, paid orders without enrollment, inbox
// events not applied (PostgreSQL) and the dead-letter queue's depth (the
// broker, through the DLQ actor). Every `interval` it also drops passivated
// actors from the instrumentation's live lists, so they never grow unread.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <chrono>

#include "actors/common/context.hpp"

namespace checkout {

caf::actor spawn_ops_sampler(caf::actor_system& sys, const actor_context& ctx, caf::actor dlq,
                             std::chrono::milliseconds interval);

}  // namespace checkout
