// Orders against the Razorpay and Stripe adapters, with fake gateways on
// loopback (issue 4, acceptance 3, 4 and 5): the circuit breaker and the
// fallback, kill -9 between the order row and the gateway call, captures the
// gateway reports only through its API, and Stripe sessions closed on expiry.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "e2e_shop.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;
using checkout::testing::fake_gateway;

namespace {

using e2e::call;
using e2e::str;

struct gateways {
  std::unique_ptr<fake_gateway> razorpay = fake_gateway::razorpay("rzp_test_e2e", "rzp-secret");
  std::unique_ptr<fake_gateway> stripe = fake_gateway::stripe("sk_test_e2e");

  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> e = {
        {"PAYMENT_GATEWAY", "razorpay"},
        {"RAZORPAY_KEY_ID", "rzp_test_e2e"},
        {"RAZORPAY_KEY_SECRET", "rzp-secret"},
        {"RAZORPAY_API_BASE", razorpay->base_url()},
        {"STRIPE_SECRET_KEY", "sk_test_e2e"},
        {"STRIPE_API_BASE", stripe->base_url()},
        {"GATEWAY_TIMEOUT", "1s"},
        {"GATEWAY_RETRIES", "1"},
        {"GATEWAY_RETRY_BASE", "50ms"},
        {"GATEWAY_BREAKER_FAILURES", "3"},
        {"GATEWAY_BREAKER_COOLDOWN", "2s"},
        {"ORDER_EXPIRY_SCAN_INTERVAL", "500ms"},
    };
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }

  // Gateway orders and sessions made for one of our orders, at both gateways.
  int sessions_for(const std::string& order_token) const {
    int n = 0;
    for (auto* g : {razorpay.get(), stripe.get()})
      for (auto& o : g->orders())
        if (o.order_token == order_token) ++n;
    return n;
  }
};

std::string order_token_of(const e2e::reply& r) {
  return json_expect::string_at(r.json(), "data.order.order_token");
}

std::string gateway_order_of(const e2e::reply& r) {
  return json_expect::string_at(r.json(), "data.order.payment.gateway_order_id");
}

// The statuses an order went through, oldest first.
std::vector<std::string> history_of(e2e::shop& shop, const std::string& user,
                                    const std::string& token) {
  // The document outlives the loop over its array (a temporary would not).
  auto d = shop.order(user, token).json();
  std::vector<std::string> out;
  EXPECT_TRUE(json_expect::is(d, "data.order.history", json_expect::kind::array));
  if (!json_expect::is(d, "data.order.history", json_expect::kind::array)) return out;
  for (auto& h : d["data"]["order"]["history"].GetArray()) out.push_back(str(h, "status"));
  return out;
}

using history = std::vector<std::string>;

TEST(order_gateways, a_capture_learned_only_from_the_api_pays_the_order) {
  gateways g;
  e2e::server srv(g.env({{"PAYMENT_SYNC_INTERVAL", "500ms"}, {"ORDER_PAYMENT_TIMEOUT", "1m"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("api");
  auto r = shop.place(user, shop.cart(user, shop.internship(30000)), e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  EXPECT_TRUE(json_expect::at(d, "data.order.payment.gateway", "razorpay"));
  auto gateway_order = gateway_order_of(r);
  EXPECT_NE(json_expect::string_at(d, "data.order.payment.checkout_url")
                .find("/api/v1/checkout/razorpay/"),
            std::string::npos);
  auto token = order_token_of(r);
  ASSERT_EQ(g.sessions_for(token), 1);

  // The customer pays at the gateway; no webhook ever comes.
  ASSERT_FALSE(g.razorpay->capture(gateway_order).empty());
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  auto h = shop.order(user, token).json();
  EXPECT_NE(
      json_expect::string_at(h, "data.order.history[1].reason").find("learned from the gateway"),
      std::string::npos);
}

TEST(order_gateways, the_check_before_expiry_finds_a_capture_and_does_not_expire) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "2s"}, {"PAYMENT_SYNC_INTERVAL", "1h"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("late");
  auto r = shop.place(user, shop.cart(user, shop.internship(30000)), e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto token = order_token_of(r);
  ASSERT_FALSE(g.razorpay->capture(gateway_order_of(r)).empty());
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  // Never expired on the way: the capture was found before the window closed.
  EXPECT_EQ(history_of(shop, user, token), (history{"awaiting_payment", "paid", "completed"}));
}

TEST(order_gateways, a_capture_after_expiry_with_the_seat_gone_is_refunded_at_the_gateway) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "2s"}, {"PAYMENT_SYNC_INTERVAL", "1h"}}));
  e2e::shop shop{srv.port()};
  auto internship = shop.internship(30000, "1");
  auto user = e2e::unique("slow");
  auto r = shop.place(user, shop.cart(user, internship), e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto token = order_token_of(r);
  auto gateway_order = gateway_order_of(r);
  auto total = json_expect::int_at(r.json(), "data.order.total");
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 10s));
  auto other = e2e::unique("fast");
  ASSERT_EQ(shop.place(other, shop.cart(other, internship), e2e::unique("key")).status, 201);

  // Razorpay authorizes late: the capture arrives after our window closed.
  auto payment_id = g.razorpay->capture(gateway_order);
  ASSERT_FALSE(payment_id.empty());
  auto hook = shop.razorpay_event("payment.captured", gateway_order, total, payment_id);
  ASSERT_EQ(hook.status, 200) << hook.body;
  EXPECT_EQ(shop.status_of(user, token), "refunded");
  auto refunds = g.razorpay->refunds();
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].payment_id, payment_id);
  EXPECT_EQ(refunds[0].amount, total);
  // The gateway retries the event: still one refund.
  ASSERT_EQ(shop.razorpay_event("payment.captured", gateway_order, total, payment_id).status, 200);
  EXPECT_EQ(g.razorpay->refunds().size(), 1u);
}

TEST(order_gateways, a_stripe_session_is_expired_when_the_window_closes) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "2s"}, {"PAYMENT_SYNC_INTERVAL", "1h"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("stripe");
  auto r = shop.place(user, shop.cart(user, shop.internship(30000)), e2e::unique("key"),
                      R"(,"gateway":"stripe")");
  ASSERT_EQ(r.status, 201) << r.body;
  auto token = order_token_of(r);
  auto d = r.json();
  EXPECT_TRUE(json_expect::at(d, "data.order.payment.gateway", "stripe"));
  EXPECT_EQ(gateway_order_of(r).rfind("cs_", 0), 0u);
  auto sessions = g.stripe->orders();
  ASSERT_EQ(sessions.size(), 1u);
  // Stripe refuses windows under 30 minutes: the session lasts longer and we close it.
  EXPECT_GE(sessions[0].expires_at - std::time(nullptr), 29 * 60);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 10s));
  EXPECT_EQ(g.stripe->expire_calls(), 1);
  EXPECT_EQ(g.stripe->orders()[0].status, "expired");
}

TEST(order_gateways, the_breaker_opens_the_fallback_pays_and_no_order_gets_two_sessions) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "5m"}}));
  e2e::shop shop{srv.port()};
  auto internship = shop.internship(30000, "null");
  g.razorpay->fail_all(true, 503);

  struct attempt {
    std::string user, cart, key, token;
    int status = 0;
    std::string gateway;
  };
  std::vector<attempt> attempts;
  for (int i = 0; i < 6; ++i) {
    attempt a;
    a.user = e2e::unique("brk");
    a.key = e2e::unique("key");
    a.cart = shop.cart(a.user, internship);
    auto r = shop.place(a.user, a.cart, a.key);
    a.status = r.status;
    if (r.status == 201) {
      a.token = order_token_of(r);
      a.gateway = json_expect::string_at(r.json(), "data.order.payment.gateway");
    } else {
      ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 503, 4001));
      EXPECT_TRUE(json_expect::at(r.json(), "error.retryable", true));
    }
    attempts.push_back(a);
  }
  // Three failures open Razorpay's breaker; the orders after them go to Stripe at once.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempts[i].status, 503) << i;
  for (int i = 3; i < 6; ++i) {
    EXPECT_EQ(attempts[i].status, 201) << i;
    EXPECT_EQ(attempts[i].gateway, "stripe") << i;
  }
  auto razorpay_calls = g.razorpay->requests();

  // A failed order's attempt stays with Razorpay: retrying it while the breaker
  // is open fails without a call (the gateway's request count proves it; how
  // fast is not measured here, the machine may be loaded).
  auto fast = shop.place(attempts[0].user, attempts[0].cart, attempts[0].key);
  EXPECT_TRUE(json_expect::error_envelope(fast.status, fast.body, 503, 4001));
  EXPECT_EQ(g.razorpay->requests(), razorpay_calls);

  // Razorpay recovers; once the cool-down is over the same requests resume
  // their orders. Until then each retry is refused as above, without a call.
  g.razorpay->fail_all(false);
  e2e::reply resumed;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        resumed = shop.place(attempts[0].user, attempts[0].cart, attempts[0].key);
        return resumed.status != 503;
      },
      10s))
      << resumed.body;
  for (int i = 0; i < 3; ++i) {
    auto r = i == 0 ? resumed : shop.place(attempts[i].user, attempts[i].cart, attempts[i].key);
    ASSERT_EQ(r.status, 201) << r.body;
    attempts[i].token = order_token_of(r);
    EXPECT_TRUE(json_expect::at(r.json(), "data.order.payment.gateway", "razorpay"));
  }
  for (auto& a : attempts) {
    EXPECT_EQ(g.sessions_for(a.token), 1) << a.token;
    EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", a.cart),
              "1");
  }
}

TEST(order_gateways, kill_9_between_the_order_row_and_the_gateway_call) {
  gateways g;
  // Short waits, so the key the dead request held is released within the test.
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "5m"},
                         {"GATEWAY_TIMEOUT", "5s"},
                         {"GATEWAY_RETRIES", "0"},
                         {"REQUEST_TIMEOUT", "2s"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("crash");
  auto cart = shop.cart(user, shop.internship(30000));
  auto key = e2e::unique("key");

  // The gateway is slow: the order row is committed, the gateway call is in
  // flight, and the process dies.
  g.razorpay->delay(3s);  // the fault: the gateway holds the call
  auto calls_before = g.razorpay->requests();
  auto pending = std::async(std::launch::async, [&] {
    try {
      return shop.place(user, cart, key).status;
    } catch (const std::exception&) {
      return 0;  // the connection died with the process
    }
  });
  auto attempt_status = [&] {
    return e2e::db_value(
        "SELECT p.status FROM payment_attempts p JOIN orders o ON "
        "o.token = p.order_token WHERE o.cart_token = $1::uuid",
        cart);
  };
  // The order row is committed with its attempt pending; the slow call has
  // reached the gateway, which holds it.
  ASSERT_TRUE(e2e::eventually([&] { return attempt_status() == "pending"; }, 10s));
  ASSERT_TRUE(e2e::eventually([&] { return g.razorpay->requests() > calls_before; }, 10s));
  srv.kill_hard();
  EXPECT_EQ(pending.get(), 0);
  g.razorpay->delay(0ms);
  EXPECT_EQ(attempt_status(), "pending");

  srv.start();
  // The dead request's key stays taken until its lease runs out (409 6002,
  // retryable); the client retries as told, and the retry resumes the order.
  e2e::reply r;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        r = shop.place(user, cart, key);
        if (r.status == 409) {
          EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 409, 6002));
          EXPECT_TRUE(json_expect::at(r.json(), "error.retryable", true));
        }
        return r.status != 409;
      },
      30s));
  ASSERT_EQ(r.status, 201) << r.body;
  auto token = order_token_of(r);
  EXPECT_EQ(g.sessions_for(token), 1);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", cart), "1");
}

TEST(order_gateways, a_gateway_order_made_but_never_answered_is_found_again) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "5m"}, {"GATEWAY_RETRIES", "0"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("lost");
  auto cart = shop.cart(user, shop.internship(30000));
  auto key = e2e::unique("key");
  // Razorpay makes the order, and the answer is lost on the way.
  g.razorpay->create_then_drop(1);
  auto first = shop.place(user, cart, key);
  ASSERT_TRUE(json_expect::error_envelope(first.status, first.body, 503, 4001));
  ASSERT_EQ(g.razorpay->orders().size(), 1u);

  // A restart, then the same request: the gateway's order is found, not made again.
  srv.kill_hard();
  srv.start();
  auto again = shop.place(user, cart, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(g.razorpay->orders().size(), 1u);
  EXPECT_EQ(gateway_order_of(again), g.razorpay->orders()[0].id);
}

TEST(order_gateways, fifty_requests_with_one_key_make_one_gateway_order) {
  gateways g;
  e2e::server srv(g.env({{"ORDER_PAYMENT_TIMEOUT", "5m"}}));
  e2e::shop shop{srv.port()};
  // A slow gateway widens the window in which the copies overlap.
  g.razorpay->delay(200ms);
  auto user = e2e::unique("fifty");
  auto cart = shop.cart(user, shop.internship(30000));
  auto key = e2e::unique("key");
  std::atomic<bool> go{false};
  std::vector<std::future<e2e::reply>> copies;
  for (int i = 0; i < 50; ++i)
    copies.push_back(std::async(std::launch::async, [&] {
      while (!go.load()) std::this_thread::yield();
      return shop.place(user, cart, key);
    }));
  go = true;
  std::set<std::string> tokens;
  for (auto& c : copies) {
    auto r = c.get();
    if (r.status == 201)
      tokens.insert(order_token_of(r));
    else
      EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 409, 6002));
  }
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(g.sessions_for(*tokens.begin()), 1);
  EXPECT_EQ(g.razorpay->create_calls(), 1);
}

}  // namespace
