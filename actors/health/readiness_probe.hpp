// Answers /readyz: (ping_atom) -> readiness, whether PostgreSQL and the broker
// answer. Both are checked at once, each within READYZ_TIMEOUT, so the answer
// comes within about that long however either of them hangs.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "actors/common/context.hpp"

namespace checkout {

// Connects to the broker within `timeout`; an empty string when it answers,
// else what went wrong. It may block: it runs on a thread of its own.
using broker_check = std::function<std::string(std::chrono::milliseconds timeout)>;

struct readiness {
  // What went wrong, for the log only: it may name hosts, users and the
  // server's own messages. Empty: up.
  std::string database_error;
  std::string broker_error;
  // Ready to take traffic: the database answers. The broker may be down
  // (CONTRACT §14): events wait in the outbox, and /readyz says so in its body.
  bool ready() const { return database_error.empty(); }
  // "database: unavailable", "broker: unavailable" for each part that is
  // down: what an unauthenticated caller of /readyz may learn (CONTRACT §13).
  std::vector<std::string> problems() const;
};

// The probe checks the database with ctx.cfg->readyz_timeout on the pool.
caf::actor spawn_readiness_probe(caf::actor_system& sys, const actor_context& ctx,
                                 broker_check check_broker);

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::readiness)
