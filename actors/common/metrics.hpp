// The metrics registry: the one piece of global mutable state the service
// allows. Counters are atomics, so any thread may bump them without a lock;
// only creating a new kind takes the mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace checkout::metrics {

struct actor_counters {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> spawned{0};
  std::atomic<std::int64_t> passivated{0};
};

// Outbound calls to one payment gateway (actors/payment/gateway_actor).
struct gateway_counters {
  std::atomic<std::int64_t> ok{0};               // answered (2xx)
  std::atomic<std::int64_t> unavailable{0};      // no answer, 429 or 5xx after the retries
  std::atomic<std::int64_t> rejected{0};         // a definite refusal (4xx)
  std::atomic<std::int64_t> short_circuited{0};  // refused at once: breaker open
  std::atomic<std::int64_t> retries{0};          // tries after the first
  std::atomic<std::int64_t> breaker_open{0};     // 1 while not closed (open or half-open)
};

// Event delivery (issue 5): the outbox, the broker, the enrollment consumer,
// the webhook inbox and the reconciliations that put things right.
struct delivery_counters {
  std::atomic<std::int64_t> outbox_pending{0};         // gauge: rows not yet confirmed
  std::atomic<std::int64_t> published{0};              // confirmed by the broker
  std::atomic<std::int64_t> redelivered{0};            // NACKed for another try
  std::atomic<std::int64_t> dead_lettered{0};          // rejected as permanent failures
  std::atomic<std::int64_t> enrollments{0};            // enrollment rows created
  std::atomic<std::int64_t> inbox_reapplied{0};        // inbox events applied by the worker
  std::atomic<std::int64_t> reconciled_enrollment{0};  // order.paid re-published by the sweeper
};

class registry {
 public:
  static registry& instance();

  // Counters for one kind of entity actor ("cart", "order"); stable address.
  actor_counters& actors(const std::string& kind);

  // Counters for one gateway ("razorpay"); stable address.
  gateway_counters& gateways(const std::string& name);

  // One webhook outcome counter (gateway, result); stable address.
  std::atomic<std::int64_t>& webhooks(const std::string& gateway, const std::string& result);

  delivery_counters& delivery() { return delivery_; }

  // Prometheus text exposition (format 0.0.4).
  std::string prometheus_text() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<actor_counters>> actors_;
  std::map<std::string, std::unique_ptr<gateway_counters>> gateways_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<std::atomic<std::int64_t>>>
      webhooks_;
  delivery_counters delivery_;
};

}  // namespace checkout::metrics
