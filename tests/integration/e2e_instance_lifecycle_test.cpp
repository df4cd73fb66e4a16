// An instance's life behind a balancer (CONTRACT §14): it starts and takes
// payments while RabbitMQ is unreachable (the events wait in the outbox and
// flow once the broker is back), and on SIGTERM it drains: /readyz answers
// 503 at once, a request in flight still gets its answer, then it exits 0.
#include <gtest/gtest.h>

#include <future>

#include "e2e_shop.hpp"
#include "messaging_tcp_proxy.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;
using checkout::testing::fake_gateway;

namespace {

using e2e::call;
using test_services::address_of;
using test_services::url_via;

std::string stored_status(const std::string& token) {
  return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", token);
}

TEST(instance_lifecycle, it_starts_and_takes_payments_without_the_broker) {
  checkout::messaging::testing::tcp_proxy broker(address_of(test_services::amqp_url()));
  broker.set_accepting(false);  // every connection to the broker is refused
  e2e::server srv({{"AMQP_URL", url_via(test_services::amqp_url(), broker.port())}});

  auto ready = call(srv.port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(json_expect::at(ready.json(), "data.database", "up")) << ready.body;
  EXPECT_TRUE(json_expect::at(ready.json(), "data.broker", "down")) << ready.body;

  e2e::shop shop{srv.port()};
  auto user = e2e::unique("no-broker");
  auto placed = shop.place(user, shop.cart(user, shop.internship(40000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto d = placed.json();
  auto token = json_expect::string_at(d, "data.order.order_token");
  auto paid = shop.razorpay_event("payment.captured",
                                  json_expect::string_at(d, "data.order.payment.gateway_order_id"),
                                  json_expect::int_at(d, "data.order.total"));
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(shop.status_of(user, token), "paid");
  // Its order.paid waits in the outbox until the broker answers.
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM outbox WHERE order_token = $1::uuid AND "
                          "event_type = 'order.paid' AND published_at IS NULL",
                          token),
            "1");

  broker.set_accepting(true);
  EXPECT_TRUE(e2e::eventually([&] { return stored_status(token) == "completed"; }, 60s))
      << "the order is " << stored_status(token) << " after the broker came back";
  EXPECT_TRUE(e2e::eventually(
      [&] {
        return json_expect::at(call(srv.port(), "GET", "/readyz").json(), "data.broker", "up");
      },
      30s));
}

TEST(instance_lifecycle, sigterm_drains_then_exits_zero) {
  auto razorpay = fake_gateway::razorpay("rzp_test_drain", "rzp-drain-secret");
  e2e::server srv({{"PAYMENT_GATEWAY", "razorpay"},
                   {"RAZORPAY_KEY_ID", "rzp_test_drain"},
                   {"RAZORPAY_KEY_SECRET", "rzp-drain-secret"},
                   {"RAZORPAY_API_BASE", razorpay->base_url()},
                   {"SHUTDOWN_GRACE", "20s"}});
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("drain");
  auto cart = shop.cart(user, shop.internship(25000));

  // A placement in flight: the gateway holds its call until released.
  razorpay->hold();
  auto placing =
      std::async(std::launch::async, [&] { return shop.place(user, cart, e2e::unique("key")); });
  ASSERT_TRUE(e2e::eventually([&] { return razorpay->held() > 0; }, 10s));

  srv.terminate();
  e2e::reply draining;
  EXPECT_TRUE(e2e::eventually(
      [&] {
        draining = call(srv.port(), "GET", "/readyz");
        return draining.status == 503;
      },
      2s))
      << draining.status << " " << draining.body;
  EXPECT_TRUE(json_expect::error_envelope(draining.status, draining.body, 503, 9503));
  EXPECT_NE(draining.body.find("draining"), std::string::npos) << draining.body;
  // Still in flight, so still running.
  EXPECT_TRUE(srv.alive());

  razorpay->release();
  auto placed = placing.get();
  EXPECT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(srv.wait_exit(10s), 0);
}

}  // namespace
