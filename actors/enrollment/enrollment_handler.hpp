// What the enrollment consumer does with one `order.paid` message (CONTRACT
// §9–§10): asks the enrollment supervisor, which has the order's actor write
// one enrollment per line with the move to `completed`. Runs on the
// consumer's own thread, so it may wait for the actor system's answer.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <chrono>
#include <string>

namespace checkout {

// ack: done (or nothing to do); retry: a transient failure, NACK and try again
// later; reject: it can never succeed (not an order event, no such order),
// dead-letter it now.
enum class enrollment_verdict { ack, retry, reject };

enrollment_verdict handle_order_paid(caf::actor_system& sys, const caf::actor& supervisor,
                                     const std::string& body, const std::string& message_id,
                                     const std::string& correlation_id,
                                     std::chrono::milliseconds wait);

}  // namespace checkout
