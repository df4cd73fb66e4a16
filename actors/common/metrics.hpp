// The metrics registry: the one piece of global mutable state the service
// allows. Recording never takes a lock: counters and histograms are atomics,
// label sets are found through immutable indexes (counter_family), and actor
// figures come from the one instrumentation point (instrumented_actor).
// Locks are taken only when a new kind or gateway first appears and by the
// operators' reads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/common/actor_stats.hpp"
#include "actors/common/counter_family.hpp"
#include "actors/common/histogram.hpp"

namespace checkout::metrics {

// Outbound calls to one payment gateway (actors/payment/gateway_actor).
struct gateway_counters {
  std::atomic<std::int64_t> ok{0};               // answered (2xx)
  std::atomic<std::int64_t> unavailable{0};      // no answer, 429 or 5xx after the retries
  std::atomic<std::int64_t> rejected{0};         // a definite refusal (4xx)
  std::atomic<std::int64_t> short_circuited{0};  // refused at once: breaker open
  std::atomic<std::int64_t> retries{0};          // tries after the first
  std::atomic<std::int64_t> breaker_state{0};    // 0 closed, 1 half-open, 2 open
};

// Event delivery: the outbox, the broker, the enrollment consumer, the inbox.
struct delivery_counters {
  std::atomic<std::int64_t> published{0};        // confirmed by the broker
  std::atomic<std::int64_t> redelivered{0};      // NACKed for another try
  std::atomic<std::int64_t> dead_lettered{0};    // rejected as permanent failures
  std::atomic<std::int64_t> enrollments{0};      // enrollment rows created
  std::atomic<std::int64_t> inbox_reapplied{0};  // inbox events applied by the worker
  // Confirmation emails (CONTRACT §16): accepted by the SMTP server, skipped
  // for want of an address, tries that failed (tried again later).
  std::atomic<std::int64_t> notifications_sent{0};
  std::atomic<std::int64_t> notifications_no_address{0};
  std::atomic<std::int64_t> notifications_failed{0};
};

// Figures read from PostgreSQL and the broker by the ops sampler
// (actors/health/ops_sampler) rather than counted as things happen.
struct sampled_gauges {
  std::atomic<std::int64_t> outbox_pending{0};  // outbox rows not yet confirmed
  std::atomic<std::int64_t> dlq_messages{0};    // in checkout.enrollment.dlq
  std::atomic<std::int64_t> broker_up{1};       // 1 while the last DLQ read reached the broker
  std::atomic<std::int64_t> oldest_awaiting_payment_ms{0};  // age of the oldest unpaid order
  std::atomic<std::int64_t> paid_not_enrolled{0};           // paid orders still without enrollment
  std::atomic<std::int64_t> webhook_inbox_unapplied{0};     // inbox rows not applied yet
  std::atomic<std::int64_t> sampled_at_ms{0};               // when: ms since the epoch; 0 never
};

// HTTP requests of one route pattern ("/api/v1/cart/{token}").
struct route_stats {
  route_stats();
  std::array<std::atomic<std::int64_t>, 600> by_status{};
  histogram seconds;
};

class registry {
 public:
  static registry& instance();

  // Off only in the metrics benchmark, to measure what recording costs.
  static bool recording() noexcept { return recording_.load(std::memory_order_relaxed); }
  static void set_recording(bool on) noexcept { recording_.store(on); }

  // The stats of one actor kind; stable address. `id_key` names its ids in logs.
  actor_kind_stats& kind(const std::string& name, const std::string& id_key = {});
  // Every kind seen so far, by name.
  std::vector<actor_kind_stats*> kinds() const;
  actor_kind_stats* find_kind(const std::string& name) const;

  // Counters for one gateway ("razorpay"); stable address.
  gateway_counters& gateways(const std::string& name);

  // One webhook outcome counter (gateway, result); stable address.
  std::atomic<std::int64_t>& webhooks(const std::string& gateway, const std::string& result) {
    return webhooks_.at({gateway, result});
  }
  // Seconds from the gateway's event time to the event applied to its order.
  void observe_webhook_lag(const std::string& gateway, double seconds);

  // The routes the server answers, fixed before it starts serving; requests
  // to anything else count under "unmatched".
  void register_routes(const std::vector<std::string>& patterns);
  void record_http(const std::string& route, int status, double seconds);

  counter_family& order_transitions() { return order_transitions_; }  // {to}
  counter_family& idempotency() { return idempotency_; }  // {result}: replayed|conflict|in_progress
  counter_family& coupon_rejections() { return coupon_rejections_; }  // {reason}
  counter_family& reconciliations() { return reconciliations_; }      // {kind}
  delivery_counters& delivery() { return delivery_; }
  sampled_gauges& sampled() { return sampled_; }
  std::atomic<std::int64_t>& db_pool_connections() { return db_pool_connections_; }

  // Prometheus text exposition (format 0.0.4).
  std::string prometheus_text() const;

 private:
  registry();
  using route_table = std::unordered_map<std::string, std::unique_ptr<route_stats>>;
  static std::atomic<bool> recording_;

  mutable std::mutex mu_;  // kinds and gateways appearing, route tables replaced
  std::map<std::string, std::unique_ptr<actor_kind_stats>> kinds_;
  std::map<std::string, std::unique_ptr<gateway_counters>> gateways_;
  std::atomic<const route_table*> routes_{nullptr};
  std::vector<std::unique_ptr<route_table>> route_tables_;         // replaced ones stay readable
  std::map<std::string, std::unique_ptr<histogram>> webhook_lag_;  // fixed at construction
  counter_family webhooks_{{"gateway", "result"}};
  counter_family order_transitions_{{"to"}};
  counter_family idempotency_{{"result"}};
  counter_family coupon_rejections_{{"reason"}};
  counter_family reconciliations_{{"kind"}};
  delivery_counters delivery_;
  sampled_gauges sampled_;
  std::atomic<std::int64_t> db_pool_connections_{0};
};

}  // namespace checkout::metrics
