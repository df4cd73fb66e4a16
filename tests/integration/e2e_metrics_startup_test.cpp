// Every series whose labels are known before the first request is in /metrics
// from start-up, at 0 (Prometheus advice; actors/health/preregistered_series):
// each actor kind, each order status, each webhook result for each gateway
// with a webhook route, and CONTRACT §11's single figures. And nothing that a
// whole checkout goes through adds a kind, status or result later: the lists
// the start-up registers are complete.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "actors/common/actor_kinds.hpp"
#include "actors/order/order_state.hpp"
#include "actors/webhook/webhook_results.hpp"
#include "e2e_shop.hpp"
#include "support/json_expect.hpp"
#include "support/prometheus_text.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;

prom::exposition scrape(unsigned short port) {
  auto r = call(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  auto e = prom::parse(r.body);
  for (auto& err : e.errors) ADD_FAILURE() << "not valid Prometheus text: " << err;
  return e;
}

// Both gateways have a webhook route (Stripe needs its key; no call goes out).
std::map<std::string, std::string> both_gateways() {
  return {{"STRIPE_SECRET_KEY", "sk_test_startup"}, {"STRIPE_API_BASE", "http://127.0.0.1:9"}};
}

// The label values `label` takes among the samples of `name`.
std::set<std::string> label_values(const prom::exposition& e, const std::string& name,
                                   const std::string& label) {
  std::set<std::string> out;
  for (auto& s : e.samples)
    if (s.name == name && s.labels.count(label)) out.insert(s.labels.at(label));
  return out;
}

std::set<std::pair<std::string, std::string>> webhook_series(const prom::exposition& e) {
  std::set<std::pair<std::string, std::string>> out;
  for (auto& s : e.samples)
    if (s.name == "checkout_webhooks_total")
      out.emplace(s.labels.at("gateway"), s.labels.at("result"));
  return out;
}

const char* const per_kind[] = {"checkout_actors_live",
                                "checkout_actors_spawned_total",
                                "checkout_actors_passivated_total",
                                "checkout_actor_mailbox_depth",
                                "checkout_actor_messages_total",
                                "checkout_actor_message_seconds_count"};

TEST(metrics_startup, every_known_series_is_exposed_at_0_before_any_request) {
  e2e::server srv(both_gateways());
  auto e = scrape(srv.port());

  for (const auto& k : checkout::actor_kinds::all)
    for (const char* family : per_kind)
      EXPECT_GE(e.value(family, {{"kind", k.name}}), 0) << family << "{kind=" << k.name << "}";
  // No cart or order exists yet: their series are there, at 0.
  for (const char* kind : {"cart", "order"})
    for (const char* family : per_kind)
      EXPECT_EQ(e.value(family, {{"kind", kind}}), 0) << family << "{kind=" << kind << "}";

  for (auto s : checkout::all_order_statuses) {
    std::string to(checkout::to_string(s));
    EXPECT_EQ(e.value("checkout_order_transitions_total", {{"to", to}}), 0) << to;
  }
  for (const char* gateway : {"razorpay", "stripe"})
    for (const char* result : checkout::webhook_results::all)
      EXPECT_EQ(e.value("checkout_webhooks_total", {{"gateway", gateway}, {"result", result}}), 0)
          << gateway << " " << result;

  // This process's own counts start at 0; the outbox and DLQ figures are read
  // from the shared database and broker (another suite's leftovers show), so
  // they only have to be there.
  for (const char* single : {"checkout_amqp_published_total", "checkout_amqp_redelivered_total",
                             "checkout_enrollments_total"})
    EXPECT_EQ(e.value(single), 0) << single;
  for (const char* shared : {"checkout_outbox_pending", "checkout_dlq_messages"})
    EXPECT_GE(e.value(shared), 0) << shared;
  // Every route's latency histogram, before its first request.
  EXPECT_EQ(e.value("checkout_http_request_seconds_count", {{"route", "/api/v1/orders"}}), 0);
  EXPECT_EQ(e.value("checkout_http_request_seconds_bucket",
                    {{"route", "/api/v1/orders"}, {"le", "+Inf"}}),
            0);
}

TEST(metrics_startup, a_whole_checkout_adds_no_kind_status_or_webhook_result) {
  e2e::server srv(both_gateways());
  auto start = scrape(srv.port());

  e2e::shop shop{srv.port()};
  auto user = e2e::unique("startup-buyer");
  auto placed = shop.place(user, shop.cart(user, shop.internship(12000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto d = placed.json();
  auto token = json_expect::string_at(d, "data.order.order_token");
  auto gateway_order = json_expect::string_at(d, "data.order.payment.gateway_order_id");
  auto total = json_expect::int_at(d, "data.order.total");
  ASSERT_EQ(shop.razorpay_event("payment.captured", gateway_order, total).status, 200);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  // A duplicate, a forged signature and no signature at all.
  auto body = e2e::razorpay_payment_body("payment.captured", gateway_order, total);
  ASSERT_EQ(e2e::razorpay_post(srv.port(), body, "evt-dup-" + token).status, 200);
  ASSERT_EQ(e2e::razorpay_post(srv.port(), body, "evt-dup-" + token).status, 200);
  ASSERT_EQ(e2e::razorpay_post(srv.port(), body, {}, "forged").status, 400);
  ASSERT_EQ(call(srv.port(), "POST", "/api/v1/webhooks/razorpay", body).status, 400);
  ASSERT_EQ(call(srv.port(), "POST", "/api/v1/webhooks/stripe", "{}").status, 400);

  auto after = scrape(srv.port());
  EXPECT_EQ(label_values(after, "checkout_actors_live", "kind"),
            label_values(start, "checkout_actors_live", "kind"));
  EXPECT_EQ(label_values(after, "checkout_order_transitions_total", "to"),
            label_values(start, "checkout_order_transitions_total", "to"));
  EXPECT_EQ(webhook_series(after), webhook_series(start));
  // The figures moved within those series.
  EXPECT_GT(after.value("checkout_actors_spawned_total", {{"kind", "order"}}), 0);
  EXPECT_EQ(after.value("checkout_order_transitions_total", {{"to", "completed"}}), 1);
  // The second delivery of the same event id.
  EXPECT_EQ(
      after.value("checkout_webhooks_total", {{"gateway", "razorpay"}, {"result", "duplicate"}}),
      1);
  // The forged one and the unsigned one (refused before the intake).
  EXPECT_EQ(after.value("checkout_webhooks_total",
                        {{"gateway", "razorpay"}, {"result", "bad_signature"}}),
            2);
  EXPECT_EQ(
      after.value("checkout_webhooks_total", {{"gateway", "stripe"}, {"result", "bad_signature"}}),
      1);
}

}  // namespace
