// Operators' tools for the enrollment dead-letter queue (CONTRACT §9, §11):
//   (list_atom, dlq_list_request)     -> dlq_listing       (leaves the queue as it is)
//   (replay_atom, dlq_replay_request) -> dlq_replay_reply  (back to checkout.events;
//                                        recorded in the admin audit when messages moved)
// Errors: errc::unavailable when the broker cannot be reached or fails the
// operation; errc::dlq_message_not_found when a replay names a message_id the
// queue does not hold. Detached: each request opens its own connection and
// blocks in rabbitmq-c, which must not happen on the cooperative scheduler.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/audit/audit_messages.hpp"
#include "actors/common/context.hpp"
#include "actors/messages.hpp"

namespace checkout {

struct dlq_list_request {
  std::size_t limit = 100;
};

// One dead letter as operators see it.
struct dlq_message {
  std::string message_id;
  std::string event_type;
  std::string routing_key;
  std::string correlation_id;
  std::string reason;        // latest x-death reason: rejected, delivery_limit, ...; "" if none
  std::string source_queue;  // the queue it died in; "" if none
  std::int64_t death_count = 0;
  std::string order_token;  // from the JSON body when it has one, else ""
  std::string body;
};

struct dlq_listing {
  std::string queue;
  std::vector<dlq_message> messages;
};

struct dlq_replay_request {
  std::string message_id;  // empty: the first `limit` messages
  std::size_t limit = 100;
  audit::admin_stamp by;  // who asked: recorded in the admin audit once messages moved
};

struct dlq_replay_reply {
  std::size_t replayed = 0;
};

caf::actor spawn_dlq_actor(caf::actor_system& sys, const actor_context& ctx);

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::dlq_list_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::dlq_listing)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::dlq_replay_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::dlq_replay_reply)
