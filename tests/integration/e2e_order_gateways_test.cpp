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
  return str(r.json()["data"]["order"], "order_token");
}

TEST(order_gateways, a_capture_learned_only_from_the_api_pays_the_order) {
  gateways g;
  e2e::server srv(g.env({{"PAYMENT_SYNC_INTERVAL", "500ms"}, {"ORDER_PAYMENT_TIMEOUT", "1m"}}));
  e2e::shop shop{srv.port()};
  auto user = e2e::unique("api");
  auto r = shop.place(user, shop.cart(user, shop.internship(30000)), e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = r.json();
  auto& payment = d["data"]["order"]["payment"];
  EXPECT_EQ(str(payment, "gateway"), "razorpay");
  auto gateway_order = str(payment, "gateway_order_id");
  EXPECT_EQ(str(payment, "checkout_url").find("/api/v1/checkout/razorpay/") != std::string::npos,
            true);
  auto token = order_token_of(r);
  ASSERT_EQ(g.sessions_for(token), 1);

  // The customer pays at the gateway; no webhook ever comes.
  ASSERT_FALSE(g.razorpay->capture(gateway_order).empty());
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  auto h = shop.order(user, token).json();
  EXPECT_NE(std::string(h["data"]["order"]["history"][1]["reason"].GetString())
                .find("learned from the gateway"),
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
  ASSERT_FALSE(
      g.razorpay->capture(str(r.json()["data"]["order"]["payment"], "gateway_order_id")).empty());
  EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "completed"; }, 10s));
  for (auto& h : shop.order(user, token).json()["data"]["order"]["history"].GetArray())
    EXPECT_NE(str(h, "status"), "expired");
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
  auto gateway_order = str(r.json()["data"]["order"]["payment"], "gateway_order_id");
  auto total = r.json()["data"]["order"]["total"].GetInt64();
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
  EXPECT_EQ(str(d["data"]["order"]["payment"], "gateway"), "stripe");
  EXPECT_EQ(str(d["data"]["order"]["payment"], "gateway_order_id").rfind("cs_", 0), 0u);
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
    attempt a{e2e::unique("brk"), "", e2e::unique("key")};
    a.cart = shop.cart(a.user, internship);
    auto started = std::chrono::steady_clock::now();
    auto r = shop.place(a.user, a.cart, a.key);
    auto took = std::chrono::steady_clock::now() - started;
    a.status = r.status;
    if (r.status == 201) {
      a.token = order_token_of(r);
      a.gateway = str(r.json()["data"]["order"]["payment"], "gateway");
    } else {
      ASSERT_EQ(r.status, 503) << r.body;
      auto e = r.json();
      EXPECT_EQ(e["error"]["code"].GetInt(), 4001);
      EXPECT_TRUE(e["error"]["retryable"].GetBool());
    }
    std::printf("order %d: %d %s in %lld ms\n", i, a.status, a.gateway.c_str(),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
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
  // is open fails fast, without a call.
  auto started = std::chrono::steady_clock::now();
  auto fast = shop.place(attempts[0].user, attempts[0].cart, attempts[0].key);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::printf("retry while open: %d in %lld ms\n", fast.status,
              static_cast<long long>(took.count()));
  EXPECT_EQ(fast.status, 503) << fast.body;
  EXPECT_EQ(fast.json()["error"]["code"].GetInt(), 4001);
  EXPECT_LT(took.count(), 500);
  EXPECT_EQ(g.razorpay->requests(), razorpay_calls);

  // Razorpay recovers; after the cool-down the same requests resume their orders.
  g.razorpay->fail_all(false);
  std::this_thread::sleep_for(2500ms);
  for (int i = 0; i < 3; ++i) {
    auto r = shop.place(attempts[i].user, attempts[i].cart, attempts[i].key);
    ASSERT_EQ(r.status, 201) << r.body;
    attempts[i].token = order_token_of(r);
    EXPECT_EQ(str(r.json()["data"]["order"]["payment"], "gateway"), "razorpay");
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
  g.razorpay->delay(3s);
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
  // The order row is committed with its attempt pending; the slow call is under way.
  ASSERT_TRUE(e2e::eventually([&] { return attempt_status() == "pending"; }, 10s));
  std::this_thread::sleep_for(300ms);
  srv.kill_hard();
  EXPECT_EQ(pending.get(), 0);
  g.razorpay->delay(0ms);
  EXPECT_EQ(attempt_status(), "pending");

  srv.start();
  // The dead request's key stays taken until its lease runs out (409 6002,
  // retryable); the client retries as told, and the retry resumes the order.
  e2e::reply r;
  int conflicts = 0;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        r = shop.place(user, cart, key);
        if (r.status == 409) {
          EXPECT_EQ(r.json()["error"]["code"].GetInt(), 6002);
          ++conflicts;
          std::this_thread::sleep_for(500ms);
        }
        return r.status != 409;
      },
      30s));
  std::printf("retried %d time(s) while the key's lease ran out\n", conflicts);
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
  ASSERT_EQ(first.status, 503) << first.body;
  EXPECT_EQ(first.json()["error"]["code"].GetInt(), 4001);
  ASSERT_EQ(g.razorpay->orders().size(), 1u);

  // A restart, then the same request: the gateway's order is found, not made again.
  srv.kill_hard();
  srv.start();
  auto again = shop.place(user, cart, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(g.razorpay->orders().size(), 1u);
  EXPECT_EQ(str(again.json()["data"]["order"]["payment"], "gateway_order_id"),
            g.razorpay->orders()[0].id);
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
      EXPECT_EQ(r.json()["error"]["code"].GetInt(), 6002) << r.body;
  }
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(g.sessions_for(*tokens.begin()), 1);
  EXPECT_EQ(g.razorpay->create_calls(), 1);
}

}  // namespace
