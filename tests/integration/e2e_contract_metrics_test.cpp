// CONTRACT §11's metrics read from the running binary's /metrics: every family
// the contract names is there with its type and its labels, and the delivery
// gauges follow what they measure (the outbox table, the dead-letter queue).
// (How the request, actor, order and webhook figures move during a checkout:
// e2e_metrics_test.cpp.)
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <set>

#include "actors/common/ids.hpp"
#include "e2e_shop.hpp"
#include "messaging/amqp_connection.hpp"
#include "messaging/confirm_publisher.hpp"
#include "messaging/topology.hpp"
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

// A family of §11: its type and the labels each of its series carries
// (histograms: the labels of their _bucket, _sum and _count series, le aside).
struct family {
  std::string name, type;
  std::set<std::string> labels;
};

const std::vector<family>& section_11() {
  static const std::vector<family> all = {
      {"checkout_actors_live", "gauge", {"kind"}},
      {"checkout_actors_spawned_total", "counter", {"kind"}},
      {"checkout_actors_passivated_total", "counter", {"kind"}},
      {"checkout_actor_mailbox_depth", "gauge", {"kind"}},
      {"checkout_actor_messages_total", "counter", {"kind"}},
      {"checkout_actor_message_seconds", "histogram", {"kind"}},
      {"checkout_http_requests_total", "counter", {"route", "code"}},
      {"checkout_http_request_seconds", "histogram", {"route"}},
      {"checkout_order_transitions_total", "counter", {"to"}},
      {"checkout_webhooks_total", "counter", {"gateway", "result"}},
      {"checkout_outbox_pending", "gauge", {}},
      {"checkout_amqp_published_total", "counter", {}},
      {"checkout_amqp_redelivered_total", "counter", {}},
      {"checkout_dlq_messages", "gauge", {}},
      {"checkout_enrollments_total", "counter", {}},
  };
  return all;
}

std::set<std::string> keys_of(const std::map<std::string, std::string>& labels) {
  std::set<std::string> out;
  for (auto& [k, v] : labels)
    if (k != "le") out.insert(k);
  return out;
}

// Rows of this suite's outbox table that satisfy `where`.
long long outbox_rows(const std::string& where) {
  pqxx::connection c(test_services::database_url());
  pqxx::read_transaction t(c);
  return t.exec1("SELECT count(*) FROM outbox WHERE " + where)[0].as<long long>();
}

class contract_metrics : public e2e::shared_server<contract_metrics> {
 protected:
  e2e::shop shop{srv->port()};

  // A whole checkout, so that every labelled family has series.
  void checkout() {
    auto user = e2e::unique("metrics-buyer");
    auto placed = shop.place(user, shop.cart(user, shop.internship(12000)), e2e::unique("key"));
    ASSERT_EQ(placed.status, 201) << placed.body;
    auto d = placed.json();
    auto token = json_expect::string_at(d, "data.order.order_token");
    ASSERT_EQ(shop.razorpay_event("payment.captured",
                                  json_expect::string_at(d, "data.order.payment.gateway_order_id"),
                                  json_expect::int_at(d, "data.order.total"))
                  .status,
              200);
    ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  }

  static double sampled(const std::string& name) { return scrape(srv->port()).value(name); }
};

TEST_F(contract_metrics, every_family_of_section_11_is_exposed_with_its_type_and_labels) {
  checkout();
  auto e = scrape(shop.port);
  for (auto& f : section_11()) {
    SCOPED_TRACE(f.name);
    ASSERT_TRUE(e.types.count(f.name)) << "no # TYPE line";
    EXPECT_EQ(e.types.at(f.name), f.type);
    EXPECT_FALSE(e.helps[f.name].empty()) << "no # HELP text";
    std::set<std::string> names;
    if (f.type == "histogram")
      names = {f.name + "_bucket", f.name + "_sum", f.name + "_count"};
    else
      names = {f.name};
    for (auto& n : names) {
      int series = 0;
      for (auto& s : e.samples) {
        if (s.name != n) continue;
        ++series;
        EXPECT_EQ(keys_of(s.labels), f.labels) << n;
        if (n == f.name + "_bucket") {
          EXPECT_TRUE(s.labels.count("le")) << n;
        }
      }
      EXPECT_GT(series, 0) << n << " has no series";
    }
  }
  // The labels name what the checkout went through.
  EXPECT_GT(e.value("checkout_actors_spawned_total", {{"kind", "order"}}), 0);
  EXPECT_GE(e.value("checkout_actor_mailbox_depth", {{"kind", "cart"}}), 0);
  EXPECT_GT(e.value("checkout_actor_message_seconds_count", {{"kind", "order"}}), 0);
  EXPECT_GT(e.value("checkout_http_requests_total", {{"route", "/api/v1/orders"}, {"code", "201"}}),
            0);
  EXPECT_GT(e.value("checkout_http_request_seconds_bucket",
                    {{"route", "/api/v1/orders"}, {"le", "+Inf"}}),
            0);
  EXPECT_GT(e.value("checkout_order_transitions_total", {{"to", "completed"}}), 0);
  EXPECT_GT(e.value("checkout_webhooks_total", {{"gateway", "razorpay"}, {"result", "applied"}}),
            0);
  EXPECT_GT(e.value("checkout_enrollments_total"), 0);
}

TEST_F(contract_metrics, the_outbox_figures_match_the_outbox_table) {
  checkout();
  // This suite's database and this process are the only ones here: what the
  // relay confirmed is what the table marks published, and nothing stays pending.
  auto published = [] { return outbox_rows("published_at IS NOT NULL"); };
  EXPECT_TRUE(e2e::eventually(
      [&] {
        return outbox_rows("published_at IS NULL") == 0 &&
               sampled("checkout_outbox_pending") == 0 &&
               sampled("checkout_amqp_published_total") == published();
      },
      15s))
      << "pending " << sampled("checkout_outbox_pending") << ", published "
      << sampled("checkout_amqp_published_total") << " vs " << published() << " rows";
  EXPECT_GT(published(), 0);
}

TEST_F(contract_metrics, the_dlq_gauge_counts_a_message_the_enrollment_step_dead_letters) {
  auto before = sampled("checkout_dlq_messages");
  ASSERT_GE(before, 0);
  // An order.paid naming an order that does not exist: the enrollment step
  // rejects it at once, and the broker dead-letters it to the DLQ.
  std::string error;
  auto conn = checkout::messaging::amqp_connection::open(test_services::amqp_url(),
                                                         "checkout e2e contract metrics", &error);
  ASSERT_TRUE(conn) << error;
  checkout::messaging::confirm_publisher publisher(*conn, 1);
  ASSERT_TRUE(publisher.open(&error)) << error;
  auto id = checkout::new_uuid();
  auto body = R"({"event_id":")" + id + R"(","type":"order.paid","order_token":")" +
              checkout::new_uuid() + R"(","user_id":"nobody","data":{}})";
  auto ok = publisher.publish(checkout::messaging::events_exchange,
                              {{"order.paid", id, body, {{"event_type", "order.paid"}}}}, 5s,
                              nullptr, &error);
  ASSERT_TRUE(!ok.empty() && ok[0]) << error;
  // The gauge is sampled every 5 s off the request path.
  EXPECT_TRUE(e2e::eventually([&] { return sampled("checkout_dlq_messages") == before + 1; }, 15s))
      << sampled("checkout_dlq_messages");
}

}  // namespace
