// The enrollment sweeper: every ENROLLMENT_SWEEP_INTERVAL it finds orders that
// have been `paid` for longer than ENROLLMENT_GRACE without an enrollment (an
// order.paid lost on the way, a consumer down) and re-publishes their own
// order.paid event (same event id) through the outbox; counted as a
// reconciliation. An order is re-published at most once per grace period and
// `max_republish` times in all; after that it waits for an operator (the DLQ).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/common/context.hpp"

namespace checkout {

namespace enrollment_sweep {

constexpr int max_republish = 3;

struct swept {
  std::vector<std::string> republished;  // order.paid rows set to be published again
  std::vector<std::string> enroll;       // paid orders without such a row: enrolled directly
};

// One sweep in one transaction.
swept run(pqxx::transaction_base& txn, std::chrono::milliseconds grace, int limit);

}  // namespace enrollment_sweep

caf::actor spawn_enrollment_sweeper(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout
