// The operator's view after a scripted checkout: /metrics parses as strict
// Prometheus text and its figures moved as they should; /admin/actors shows
// live actors and one actor's state without spawning anything; idle carts
// passivate and the gauges say so.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "e2e_support.hpp"
#include "support/json_expect.hpp"
#include "support/prometheus_text.hpp"

namespace {

using e2e::call;
using e2e::str;
using json_expect::kind;
using namespace std::chrono_literals;

prom::exposition scrape(unsigned short port) {
  auto r = call(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"].rfind("text/plain", 0), 0u) << r.headers["content-type"];
  auto e = prom::parse(r.body);
  for (auto& err : e.errors) ADD_FAILURE() << "not valid Prometheus text: " << err;
  return e;
}

// A series' value, 0 when it is not there yet (a label set seen for the first time).
double at(const prom::exposition& e, const std::string& name,
          const std::map<std::string, std::string>& labels = {}) {
  auto v = e.value(name, labels);
  return v < 0 ? 0 : v;
}

std::string admin() {
  return "Bearer " + e2e::token_for("metrics-admin", true);
}

class metrics_e2e : public e2e::shared_server<metrics_e2e> {};

TEST_F(metrics_e2e, a_scripted_checkout_moves_the_figures_it_should) {
  e2e::shop s{srv->port()};
  auto user = e2e::unique("m-user");
  auto internship = s.internship(50000);
  auto before = scrape(s.port);

  auto cart = s.cart(user, internship);
  auto key = e2e::unique("m-key");
  auto placed = s.place(user, cart, key);
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = placed.json();
  auto order_token = json_expect::string_at(order, "data.order.order_token");
  auto gateway_order_id = json_expect::string_at(order, "data.order.payment.gateway_order_id");
  auto total = json_expect::int_at(order, "data.order.total");
  ASSERT_EQ(s.place(user, cart, key).status, 201);  // a replay

  // The gateway's event time, 3 s ago: the lag histogram sees it. Razorpay
  // puts `created_at` beside `event`; the rest is the usual capture.
  auto created_at = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count() -
                    3;
  auto body = e2e::razorpay_payment_body("payment.captured", gateway_order_id, total);
  const std::string head = R"({"entity":"event")";
  ASSERT_EQ(body.rfind(head, 0), 0u) << body;
  body.insert(head.size(), R"(,"created_at":)" + std::to_string(created_at));
  auto hook = e2e::razorpay_post(s.port, body);
  ASSERT_EQ(hook.status, 200) << hook.body;
  ASSERT_TRUE(e2e::eventually([&] { return s.status_of(user, order_token) == "completed"; }, 5s));
  // A second cart (the first is ordered; its internship now enrolled) refuses a coupon.
  auto refused = s.apply_coupon(s.cart(user, s.internship(1000)), user, "NO_SUCH_CODE");
  EXPECT_TRUE(json_expect::error_envelope(refused.status, refused.body, 422, 2004));

  auto after = scrape(s.port);
  auto moved = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    return at(after, name, labels) - at(before, name, labels);
  };
  // Two carts (the second one for the refused coupon) and one order came alive.
  EXPECT_EQ(moved("checkout_actors_live", {{"kind", "cart"}}), 2);
  EXPECT_EQ(moved("checkout_actors_spawned_total", {{"kind", "cart"}}), 2);
  EXPECT_EQ(moved("checkout_actors_live", {{"kind", "order"}}), 1);
  EXPECT_EQ(moved("checkout_order_transitions_total", {{"to", "awaiting_payment"}}), 1);
  EXPECT_EQ(moved("checkout_order_transitions_total", {{"to", "paid"}}), 1);
  EXPECT_EQ(moved("checkout_order_transitions_total", {{"to", "completed"}}), 1);
  EXPECT_EQ(moved("checkout_enrollments_total", {}), 1);
  EXPECT_EQ(moved("checkout_webhooks_total", {{"gateway", "razorpay"}, {"result", "applied"}}), 1);
  EXPECT_EQ(moved("checkout_idempotency_total", {{"result", "replayed"}}), 1);
  EXPECT_EQ(moved("checkout_coupon_rejections_total", {{"reason", "unknown"}}), 1);
  EXPECT_EQ(moved("checkout_http_requests_total", {{"route", "/api/v1/orders"}, {"code", "201"}}),
            2);
  EXPECT_EQ(moved("checkout_http_request_seconds_count", {{"route", "/api/v1/orders"}}), 2);
  EXPECT_GE(moved("checkout_http_request_seconds_count", {{"route", "/api/v1/cart"}}), 2);
  EXPECT_GT(moved("checkout_actor_messages_total", {{"kind", "order"}}), 0);
  EXPECT_GT(moved("checkout_actor_message_seconds_count", {{"kind", "order"}}), 0);
  EXPECT_GT(moved("checkout_actor_message_seconds_count", {{"kind", "db_worker"}}), 0);
  EXPECT_EQ(moved("checkout_webhook_lag_seconds_count", {{"gateway", "razorpay"}}), 1);
  EXPECT_GE(moved("checkout_webhook_lag_seconds_sum", {{"gateway", "razorpay"}}), 2.0);
  EXPECT_GT(at(after, "checkout_db_pool_connections"), 0);
  EXPECT_GE(at(after, "checkout_amqp_published_total"), 1);
}

TEST_F(metrics_e2e, the_sampled_gauges_see_an_order_left_unpaid) {
  e2e::shop s{srv->port()};
  auto user = e2e::unique("m-unpaid");
  auto placed = s.place(user, s.cart(user, s.internship(42000)), e2e::unique("m-key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  // The sampler runs every 5 s: within two rounds the unpaid order is counted,
  // once it is at least a second old.
  EXPECT_TRUE(e2e::eventually(
      [&] {
        auto e = scrape(s.port);
        return at(e, "checkout_oldest_awaiting_payment_seconds") >= 1.0 &&
               at(e, "checkout_ops_sampled_timestamp_seconds") > 0;
      },
      12s));
}

TEST_F(metrics_e2e, admin_actors_lists_kinds_and_shows_one_actor_without_spawning) {
  e2e::shop s{srv->port()};
  auto user = e2e::unique("m-inspect");
  auto placed = s.place(user, s.cart(user, s.internship(30000)), e2e::unique("m-key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = placed.json();
  auto order_token = json_expect::string_at(order, "data.order.order_token");

  auto anonymous = call(s.port, "GET", "/api/v1/admin/actors");
  EXPECT_TRUE(json_expect::error_envelope(anonymous.status, anonymous.body, 401, 1401));
  auto not_admin = call(s.port, "GET", "/api/v1/admin/actors", {},
                        {{"Authorization", "Bearer " + e2e::token_for("someone")}});
  EXPECT_TRUE(json_expect::error_envelope(not_admin.status, not_admin.body, 403, 1403));
  auto list = call(s.port, "GET", "/api/v1/admin/actors", {}, {{"Authorization", admin()}});
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = list.json();
  ASSERT_TRUE(json_expect::is(l, "data.actors", kind::array));
  std::map<std::string, std::int64_t> live;
  for (auto& k : l["data"]["actors"].GetArray()) {
    live[json_expect::string_at(k, "kind")] = json_expect::int_at(k, "live");
    for (const char* field : {"spawned", "passivated", "messages", "mailbox_total", "mailbox_max"})
      EXPECT_TRUE(json_expect::is(k, field, kind::integer));
  }
  EXPECT_GE(live["order"], 1);
  EXPECT_GE(live["cart"], 1);
  EXPECT_GE(live["db_worker"], 1);

  auto one = call(s.port, "GET", "/api/v1/admin/actors/order/" + order_token, {},
                  {{"Authorization", admin()}});
  ASSERT_EQ(one.status, 200) << one.body;
  auto o = one.json();
  EXPECT_TRUE(json_expect::at(o, "data.actor.kind", "order"));
  EXPECT_TRUE(json_expect::at(o, "data.actor.id", order_token));
  EXPECT_TRUE(json_expect::at(o, "data.actor.status", "awaiting_payment"));
  EXPECT_GE(json_expect::int_at(o, "data.actor.version"), 1);
  EXPECT_GE(json_expect::int_at(o, "data.actor.messages"), 1);
  EXPECT_TRUE(json_expect::is(o, "data.actor.mailbox_size", kind::integer));
  ASSERT_TRUE(json_expect::is(o, "data.actor.timers", kind::array));
  std::set<std::string> timers;
  for (auto& t : o["data"]["actor"]["timers"].GetArray()) timers.insert(str(t, "name"));
  EXPECT_TRUE(timers.count("payment_window")) << one.body;
  EXPECT_TRUE(timers.count("passivation")) << one.body;
  EXPECT_TRUE(
      json_expect::at(o, "data.actor.state.total", json_expect::int_at(order, "data.order.total")));

  // An order that exists in PostgreSQL but has no live actor: 404, nothing spawned.
  auto spawned = at(scrape(s.port), "checkout_actors_spawned_total", {{"kind", "order"}});
  auto missing = call(s.port, "GET", "/api/v1/admin/actors/order/" + checkout::new_uuid(), {},
                      {{"Authorization", admin()}});
  EXPECT_TRUE(json_expect::error_envelope(missing.status, missing.body, 404, 9405));
  auto no_kind =
      call(s.port, "GET", "/api/v1/admin/actors/no_such_kind/x", {}, {{"Authorization", admin()}});
  EXPECT_TRUE(json_expect::error_envelope(no_kind.status, no_kind.body, 404, 0));
  EXPECT_EQ(at(scrape(s.port), "checkout_actors_spawned_total", {{"kind", "order"}}), spawned);
}

class idle_carts : public e2e::shared_server<idle_carts> {
 public:
  static std::map<std::string, std::string> env() { return {{"ACTOR_IDLE_TIMEOUT", "1s"}}; }
};

TEST_F(idle_carts, live_carts_fall_after_the_idle_timeout_and_looking_does_not_bring_them_back) {
  e2e::shop s{srv->port()};
  auto internship = s.internship(20000);
  auto before = scrape(s.port);
  auto user = e2e::unique("idle");
  auto cart = s.cart(user, internship);
  auto busy = scrape(s.port);
  EXPECT_EQ(at(busy, "checkout_actors_live", {{"kind", "cart"}}),
            at(before, "checkout_actors_live", {{"kind", "cart"}}) + 1);

  EXPECT_TRUE(e2e::eventually(
      [&] {
        auto e = scrape(s.port);
        return at(e, "checkout_actors_live", {{"kind", "cart"}}) ==
                   at(before, "checkout_actors_live", {{"kind", "cart"}}) &&
               at(e, "checkout_actors_passivated_total", {{"kind", "cart"}}) >
                   at(busy, "checkout_actors_passivated_total", {{"kind", "cart"}});
      },
      5s));

  auto spawned = at(scrape(s.port), "checkout_actors_spawned_total", {{"kind", "cart"}});
  auto look =
      call(s.port, "GET", "/api/v1/admin/actors/cart/" + cart, {}, {{"Authorization", admin()}});
  EXPECT_TRUE(json_expect::error_envelope(look.status, look.body, 404, 9405));
  EXPECT_EQ(at(scrape(s.port), "checkout_actors_spawned_total", {{"kind", "cart"}}), spawned);

  // A customer's request brings it back; then operators can see it.
  ASSERT_EQ(
      call(s.port, "GET", "/api/v1/cart/" + cart, {}, {{"Authorization", s.bearer(user)}}).status,
      200);
  EXPECT_EQ(at(scrape(s.port), "checkout_actors_spawned_total", {{"kind", "cart"}}), spawned + 1);
  auto seen =
      call(s.port, "GET", "/api/v1/admin/actors/cart/" + cart, {}, {{"Authorization", admin()}});
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto v = seen.json();
  EXPECT_TRUE(json_expect::at(v, "data.actor.status", "active"));
  EXPECT_GE(json_expect::int_at(v, "data.actor.version"), 1);
  EXPECT_TRUE(json_expect::at(v, "data.actor.state.lines", 1));
}

}  // namespace
