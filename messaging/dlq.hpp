// Operator tools for a dead-letter queue: look at what is in it without
// consuming it, and send messages back to be processed again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messaging/topology.hpp"

namespace checkout::messaging {

struct dead_letter {
  std::string message_id;
  std::string correlation_id;
  std::string event_type;
  std::string routing_key;  // the original one, under which replay republishes
  std::string body;
  std::string reason;        // latest x-death reason, e.g. "delivery_limit", "rejected"
  std::string source_queue;  // the queue it died in
  std::int64_t death_count = 0;
};

// Up to `max` messages from the head of `queue`, left in place (they are
// fetched unacknowledged and then handed back with a requeueing nack). nullopt
// with *error on failure.
std::optional<std::vector<dead_letter>> list_dlq(const std::string& amqp_url,
                                                 const std::string& queue = enrollment_dlq,
                                                 std::size_t max = 100,
                                                 std::string* error = nullptr);

// How many messages `queue` holds now (a passive queue.declare); nullopt with
// *error when the broker cannot say.
std::optional<std::int64_t> queue_depth(const std::string& amqp_url,
                                        const std::string& queue = enrollment_dlq,
                                        std::string* error = nullptr);

struct replay_result {
  std::size_t replayed = 0;  // republished, confirmed and removed from the queue
  bool not_found = false;    // a message_id was given and no message carries it
  std::string error;         // empty when the replay finished cleanly
  // The ids of the messages replayed, in order ("" for a message without one).
  std::vector<std::string> message_ids;
  bool ok() const { return error.empty(); }
};

// Moves up to `max` messages from `queue` back to `exchange` under their
// original routing keys. Each is removed from the queue only after the broker
// confirmed the republished copy, so a failure leaves it in the queue rather
// than losing it. x-* headers are dropped: the replayed message starts afresh.
// A message that dies again during the same replay ends it, which keeps a
// persistently failing message from cycling.
//
// With a `message_id`, only the first message carrying it is replayed (at
// most one, whatever `max`); the messages before it are held unacknowledged
// while looking and then handed back, so they keep their places. At most
// `max_scan` messages are looked at; not finding it sets not_found.
replay_result replay_dlq(const std::string& amqp_url, const std::string& queue = enrollment_dlq,
                         const std::string& exchange = events_exchange, std::size_t max = 100,
                         const std::string& message_id = {}, std::size_t max_scan = 10000);

}  // namespace checkout::messaging
