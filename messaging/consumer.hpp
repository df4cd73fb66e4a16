// Consumes one queue with manual acks on a dedicated thread. A `handler` runs
// on that thread and may block, one delivery at a time; a `start_handler`
// only starts the work and answers later from any thread, so up to
// `prefetch` deliveries are handled at once (the enrollment consumer: its
// throughput is then no longer one actor round trip per message). ack: done; retry: NACK with
// requeue after a back-off growing with the delivery count, so that the quorum queue's delivery
// limit moves the message to the dead-letter queue after ENROLLMENT_MAX_DELIVERIES attempts;
// reject: NACK without requeue at once, which makes the queue dead-letter it
// right away (x-death reason "rejected"), for failures no retry can cure.
// A delivery in back-off stays unacknowledged while the consumer goes on with
// the others (at most `prefetch` are held), so one failing message does not
// stall the queue; if the connection closes meanwhile the broker requeues it,
// which RabbitMQ 3.10 also counts as a delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace checkout::messaging {

struct delivery {
  std::string routing_key;
  std::string message_id;
  std::string correlation_id;
  std::string body;
  bool redelivered = false;
  std::int64_t delivery_count = 0;  // x-delivery-count header when present
};

enum class outcome {
  ack,     // handled (or nothing to do): remove it from the queue
  retry,   // may succeed later (database down, timeout): back off, redeliver
  reject,  // can never succeed (not an event we understand): to the DLQ now
};

// Answers one delivery, from any thread. The first call counts; a reply
// dropped without a call counts as retry, so a delivery is never held forever.
using consumer_reply = std::function<void(outcome)>;

struct consumer_options {
  std::string amqp_url;
  std::string queue;
  int prefetch = 16;
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  std::function<outcome(const delivery&)> handler;
  // Used instead of `handler` when set; must not block.
  std::function<void(const delivery&, consumer_reply)> start_handler;
  // Metrics hooks; may be empty. on_redelivered: a retry went back to the
  // queue; on_rejected: a rejected message went to the dead-letter queue.
  std::function<void()> on_redelivered;
  std::function<void()> on_rejected;
};

class consumer {
 public:
  explicit consumer(consumer_options opts);
  ~consumer();  // stops and joins
  void start();
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace checkout::messaging
