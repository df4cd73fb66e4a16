// The metrics registry's parts: histograms, label families, the live lists,
// the coupon reason labels, and an exposition a strict parser accepts.
#include <gtest/gtest.h>

#include <thread>

#include "actors/common/actor_stats.hpp"
#include "actors/common/counter_family.hpp"
#include "actors/common/histogram.hpp"
#include "actors/common/metrics.hpp"
#include "actors/coupon/coupon_rejections.hpp"
#include "support/prometheus_text.hpp"

namespace {

using namespace checkout;

TEST(histogram, buckets_are_cumulative_and_end_in_the_count) {
  metrics::histogram h({0.1, 1.0, 0.5});  // sorted on construction
  for (double v : {0.05, 0.1, 0.2, 0.7, 3.0, -1.0}) h.observe(v);
  auto r = h.read();
  ASSERT_EQ(h.bounds(), (std::vector<double>{0.1, 0.5, 1.0}));
  // <=0.1: 0.05, 0.1, -1 (clamped to 0); <=0.5: + 0.2; <=1: + 0.7; +Inf: + 3.0
  EXPECT_EQ(r.cumulative, (std::vector<std::uint64_t>{3, 4, 5, 6}));
  EXPECT_NEAR(r.sum, 0.05 + 0.1 + 0.2 + 0.7 + 3.0, 1e-9);
}

TEST(counter_family, threads_counting_new_and_old_label_sets_lose_nothing) {
  metrics::counter_family f({"gateway", "result"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&f, t] {
      for (int i = 0; i < 10000; ++i)
        f.at(std::vector<std::string>{"g" + std::to_string(i % 3),
                                      "r" + std::to_string((i + t) % 5)})++;
    });
  for (auto& t : threads) t.join();
  std::int64_t total = 0;
  auto read = f.read();
  for (auto& [labels, v] : read) total += v;
  EXPECT_EQ(total, 40000);
  EXPECT_EQ(read.size(), 15u);
  using labels = std::vector<std::string>;
  EXPECT_EQ(&f.at(labels{"g0", "r0"}), &f.at(labels{"g0", "r0"}));  // a stable address
}

TEST(actor_kind_stats, the_live_list_finds_the_living_and_forgets_the_dead) {
  metrics::actor_kind_stats kind("widget", "");
  EXPECT_EQ(kind.id_key(), "actor_id");
  std::vector<metrics::actor_probe*> probes;
  for (int i = 0; i < 5; ++i) {
    auto* p = new metrics::actor_probe;
    p->id = "w" + std::to_string(i);
    p->depth = i;
    kind.enlist(p);
    probes.push_back(p);
  }
  EXPECT_EQ(kind.mailbox_max(), 4);
  // Dead ones: the head of the list, one in the middle.
  probes[4]->alive = false;
  probes[2]->alive = false;
  int seen = 0;
  kind.visit_live([&](const metrics::actor_probe&) { ++seen; });
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(kind.mailbox_max(), 3);
  EXPECT_FALSE(kind.find("w2"));
  // The list dropped its references to the dead; the "actors" drop theirs.
  for (auto* p : probes) metrics::release(p);
  probes[0]->alive = false;  // still referenced by the list
  kind.visit_live([&](const metrics::actor_probe&) {});
  seen = 0;
  kind.visit_live([&](const metrics::actor_probe&) { ++seen; });
  EXPECT_EQ(seen, 2);
}

TEST(coupon_rejections, reasons_map_to_a_small_fixed_set_of_labels) {
  EXPECT_EQ(rejection_label("SAVE10: usage limit per user reached"), "per_user_limit");
  EXPECT_EQ(rejection_label("SAVE10: usage limit reached"), "usage_limit");
  EXPECT_EQ(rejection_label("expired"), "expired");
  EXPECT_EQ(rejection_label("not yet valid"), "not_yet_valid");
  EXPECT_EQ(rejection_label("sign in to use this coupon"), "sign_in_required");
  EXPECT_EQ(rejection_label("not combinable with FIRST"), "not_combinable");
  EXPECT_EQ(rejection_label("below minimum order value of INR 500.00"), "below_minimum");
  EXPECT_EQ(rejection_label("not available in USD"), "currency");
  EXPECT_EQ(rejection_label("unknown coupon NOPE"), "unknown");
  EXPECT_EQ(rejection_label("something new"), "other");
}

TEST(exposition, the_registry_writes_text_a_strict_parser_accepts) {
  auto& r = metrics::registry::instance();
  r.register_routes({"/api/v1/cart", "/api/v1/cart/{token}"});
  r.record_http("/api/v1/cart", 201, 0.003);
  r.record_http("/api/v1/cart", 201, 0.2);
  r.record_http("/nowhere", 404, 0.001);
  r.webhooks("razorpay", "applied")++;
  r.webhooks("stripe", "weird \"label\"\\\n")++;  // escaped, not broken
  r.order_transitions().at("paid")++;
  r.observe_webhook_lag("razorpay", 1.5);
  r.kind("unit_kind").messages++;
  r.kind("unit_kind").message_seconds.observe(0.0002);
  r.gateways("razorpay").breaker_state = 2;

  auto text = r.prometheus_text();
  auto e = prom::parse(text);
  for (auto& err : e.errors) ADD_FAILURE() << err;
  EXPECT_EQ(e.types["checkout_http_request_seconds"], "histogram");
  EXPECT_EQ(e.value("checkout_http_requests_total", {{"route", "/api/v1/cart"}, {"code", "201"}}),
            2);
  EXPECT_EQ(e.value("checkout_http_requests_total", {{"route", "unmatched"}, {"code", "404"}}), 1);
  EXPECT_EQ(e.value("checkout_http_request_seconds_count", {{"route", "/api/v1/cart"}}), 2);
  EXPECT_EQ(
      e.value("checkout_http_request_seconds_bucket", {{"route", "/api/v1/cart"}, {"le", "0.005"}}),
      1);
  EXPECT_EQ(e.value("checkout_webhooks_total",
                    {{"gateway", "stripe"}, {"result", "weird \"label\"\\\n"}}),
            1);
  EXPECT_EQ(e.value("checkout_webhook_lag_seconds_count", {{"gateway", "razorpay"}}), 1);
  EXPECT_EQ(e.value("checkout_actor_messages_total", {{"kind", "unit_kind"}}), 1);
  EXPECT_EQ(e.value("checkout_actor_message_seconds_count", {{"kind", "unit_kind"}}), 1);
  EXPECT_EQ(e.value("checkout_gateway_breaker_state", {{"gateway", "razorpay"}}), 2);
  // This test process, read from /proc: more than a megabyte.
  EXPECT_GT(e.value("process_resident_memory_bytes", {}), 1e6);
  for (const char* name : {"checkout_actors_live",
                           "checkout_actors_spawned_total",
                           "checkout_actors_passivated_total",
                           "checkout_actor_mailbox_depth",
                           "checkout_actor_messages_total",
                           "checkout_actor_message_seconds",
                           "checkout_http_requests_total",
                           "checkout_http_request_seconds",
                           "checkout_order_transitions_total",
                           "checkout_webhooks_total",
                           "checkout_outbox_pending",
                           "checkout_amqp_published_total",
                           "checkout_amqp_redelivered_total",
                           "checkout_dlq_messages",
                           "checkout_enrollments_total",
                           "checkout_oldest_awaiting_payment_seconds",
                           "checkout_paid_not_enrolled",
                           "checkout_webhook_lag_seconds",
                           "checkout_idempotency_total",
                           "checkout_coupon_rejections_total",
                           "checkout_reconciliations_total",
                           "checkout_gateway_breaker_state",
                           "checkout_db_pool_in_use",
                           "checkout_db_pool_waiting",
                           "process_resident_memory_bytes",
                           "process_cpu_seconds_total"})
    EXPECT_TRUE(e.types.count(name)) << name << " has no TYPE line";
}

TEST(exposition, the_parser_refuses_what_a_scraper_would_refuse) {
  auto bad = [](const std::string& text) { return !prom::parse(text).errors.empty(); };
  EXPECT_FALSE(bad("# HELP a A.\n# TYPE a counter\na 1\n"));
  EXPECT_TRUE(bad("a 1\n"));                                           // no TYPE
  EXPECT_TRUE(bad("# TYPE a counter\na{x=\"\\q\"} 1\n"));              // bad escape
  EXPECT_TRUE(bad("# TYPE a counter\na{x=\"1\"} 1\na{x=\"1\"} 2\n"));  // duplicate series
  EXPECT_TRUE(bad("# TYPE a counter\n# TYPE b counter\nb 1\na 1\n"));  // a split in two
  EXPECT_TRUE(bad("# TYPE a counter\na one\n"));                       // bad value
  EXPECT_TRUE(
      bad("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
          "h_sum 1\nh_count 1\n"));  // not cumulative
  EXPECT_TRUE(bad("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"));  // no +Inf
  EXPECT_TRUE(bad("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"));
  EXPECT_FALSE(
      bad("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
          "h_sum 1.5\nh_count 2\n"));
}

}  // namespace
