// The database jobs of Idempotency-Key handling that every key keeper (the
// cart and order directories) runs the same way.
#pragma once

#include <chrono>

#include "actors/messages.hpp"
#include "persistence/db_pool.hpp"
#include "persistence/idempotency.hpp"

namespace checkout {

// Takes the key (or finds what it holds); answers an idempotency_decision.
persistence::db_job begin_key_job(persistence::idempotency_begin b,
                                  std::chrono::milliseconds lease);

// Stores the first answer under the key, or releases the key (status 0);
// answers ack_reply.
persistence::db_job store_response_job(idempotent_response r);

}  // namespace checkout
