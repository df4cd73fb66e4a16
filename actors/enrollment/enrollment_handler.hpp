// What the enrollment consumer does with one `order.paid` message (CONTRACT
// §9–§10): asks the enrollment supervisor, which has the order's actor write
// one enrollment per line with the move to `completed`. It does not wait for
// the answer: the consumer's thread goes on with the next delivery, and the
// verdict comes back from an actor thread.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace checkout {

// ack: done (or nothing to do); retry: a transient failure, NACK and try again
// later; reject: it can never succeed (not an order event, no such order),
// dead-letter it now.
enum class enrollment_verdict { ack, retry, reject };

// Calls `done` exactly once: at once for a message that is no order event,
// else with the supervisor's answer or retry after `wait`.
void start_order_paid(caf::actor_system& sys, const caf::actor& supervisor, const std::string& body,
                      const std::string& message_id, const std::string& correlation_id,
                      std::chrono::milliseconds wait, std::function<void(enrollment_verdict)> done);

}  // namespace checkout
