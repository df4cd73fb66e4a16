// Abuse limits through the real binary (CONTRACT §13, OWASP API4:2023
// "Unrestricted resource consumption"): per client address, per user, coupon
// attempts per cart, and open orders per user (409 5006), each with small
// limits so a burst finds them in a few requests. Distinct clients are
// simulated behind a trusted proxy (the test itself, 127.0.0.1) with
// different X-Forwarded-For values.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "e2e_owasp_support.hpp"
#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::reply;
using e2e::owasp::code_of;
using e2e::owasp::headers;
using json_expect::error_envelope;

// Every limit off: each suite turns on the one it is about.
std::map<std::string, std::string> limits_off() {
  return {{"RATE_LIMIT_IP", "0"},
          {"RATE_LIMIT_USER", "0"},
          {"COUPON_ATTEMPTS_PER_CART", "0"},
          {"MAX_OPEN_ORDERS_PER_USER", "0"}};
}

// A client address nobody in this process has used yet.
std::string fresh_address() {
  static std::atomic<int> next{1};
  int n = next++;
  return "198.51." + std::to_string(100 + n / 250) + "." + std::to_string(1 + n % 250);
}

headers from(const std::string& address) {
  return {{"X-Forwarded-For", address}};
}

// Sends `n` requests one after another; answers the replies.
template <class F>
std::vector<reply> burst(int n, F f) {
  std::vector<reply> out;
  for (int i = 0; i < n; ++i) out.push_back(f());
  return out;
}

int count_status(const std::vector<reply>& rs, int status) {
  int n = 0;
  for (auto& r : rs) n += r.status == status ? 1 : 0;
  return n;
}

const reply* first_with(const std::vector<reply>& rs, int status) {
  for (auto& r : rs)
    if (r.status == status) return &r;
  return nullptr;
}

int retry_after_of(const reply& r) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return -1;
  try {
    return std::stoi(it->second);
  } catch (...) {
    return -1;
  }
}

// The contract's 429: code 1429, retryable, the envelope, a Retry-After in
// whole seconds of at least 1.
void expect_429(const reply& r, int max_retry_after) {
  ASSERT_TRUE(error_envelope(r.status, r.body, 429, 1429));
  auto d = r.json();
  EXPECT_TRUE(json_expect::at(d, "error.retryable", true));
  ASSERT_EQ(r.headers.count("x-correlation-id"), 1u);
  EXPECT_TRUE(json_expect::at(d, "error.correlation_id", r.headers.at("x-correlation-id")));
  auto ra = r.headers.count("retry-after") ? r.headers.at("retry-after") : std::string();
  ASSERT_FALSE(ra.empty()) << "no Retry-After";
  EXPECT_EQ(ra.find_first_not_of("0123456789"), std::string::npos) << ra;
  EXPECT_GE(retry_after_of(r), 1);
  EXPECT_LE(retry_after_of(r), max_retry_after);
}

// ---------------------------------------------------------------------------

class OwaspLimitsIp : public e2e::shared_server<OwaspLimitsIp> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = limits_off();
    e["RATE_LIMIT_IP"] = "5";  // bursts of 10
    e["TRUSTED_PROXIES"] = "127.0.0.1/32";
    return e;
  }

 protected:
  unsigned short port = srv->port();
  reply list_from(const std::string& address) {
    return call(port, "GET", "/api/v1/internships?limit=1", {}, from(address));
  }
};

TEST_F(OwaspLimitsIp, ABurstFromOneAddressIsRefusedWhileAnotherIsServed) {
  auto a = fresh_address();
  auto b = fresh_address();
  auto rs = burst(30, [&] { return list_from(a); });
  EXPECT_EQ(rs.front().status, 200) << rs.front().body;
  EXPECT_GE(count_status(rs, 200), 10);  // the burst of twice the rate
  EXPECT_GE(count_status(rs, 429), 1);
  EXPECT_EQ(count_status(rs, 200) + count_status(rs, 429), 30);
  auto refused = first_with(rs, 429);
  ASSERT_NE(refused, nullptr);
  expect_429(*refused, 1);

  // Another client behind the same proxy is unaffected.
  EXPECT_EQ(list_from(b).status, 200);
  // Writing a different address of its own in front changes nothing: the
  // proxy's entry (the right-most) is the one believed.
  // (A few requests: a token may have come back since the burst.)
  EXPECT_GE(count_status(burst(5, [&] { return list_from("203.0.113.77, " + a); }), 429), 1);
  // Retry-After is honest: a client that waits as long as it says is served.
  // (This wait is what is under test, not a synchronisation.)
  std::this_thread::sleep_for(std::chrono::seconds(retry_after_of(*refused)));
  EXPECT_EQ(list_from(a).status, 200);
}

TEST_F(OwaspLimitsIp, WebhooksHealthReadinessAndMetricsAreNeverLimited) {
  auto a = fresh_address();
  auto rs = burst(30, [&] { return list_from(a); });
  ASSERT_GE(count_status(rs, 429), 1);
  for (const char* path :
       {"/healthz", "/readyz", "/api/v1/healthz", "/api/v1/readyz", "/metrics"}) {
    for (int i = 0; i < 15; ++i) {
      auto r = call(port, "GET", path, {}, from(a));
      ASSERT_NE(r.status, 429) << path;
      if (std::string(path).find("ready") == std::string::npos) {
        ASSERT_EQ(r.status, 200) << path;
      }
    }
  }
  for (int i = 0; i < 15; ++i) {
    auto r = call(port, "POST", "/api/v1/webhooks/razorpay", R"({"event":"payment.captured"})",
                  {{"X-Forwarded-For", a}, {"X-Razorpay-Signature", "bad"}});
    ASSERT_NE(r.status, 429);
    ASSERT_NE(r.status, 404) << "the webhook route is served";
  }
  // Still limited everywhere else (the bucket has refilled a little while the
  // probes ran), unknown paths included.
  auto again = burst(15, [&] { return list_from(a); });
  EXPECT_GE(count_status(again, 429), 1);
  EXPECT_EQ(call(port, "GET", "/api/v1/no-such-route", {}, from(a)).status, 429);
}

// ---------------------------------------------------------------------------

class OwaspLimitsUser : public e2e::shared_server<OwaspLimitsUser> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = limits_off();
    e["RATE_LIMIT_USER"] = "3";  // bursts of 6
    return e;
  }

 protected:
  unsigned short port = srv->port();
  reply orders_of(const std::string& user, const std::string& address) {
    return call(port, "GET", "/api/v1/orders", {},
                {{"Authorization", e2e::shop::bearer(user)}, {"X-Forwarded-For", address}});
  }
};

TEST_F(OwaspLimitsUser, OneUsersBurstIsRefusedFromEveryAddress) {
  auto user = e2e::unique("limited");
  auto rs = burst(20, [&] { return orders_of(user, fresh_address()); });
  EXPECT_EQ(rs.front().status, 200) << rs.front().body;
  EXPECT_GE(count_status(rs, 200), 6);
  auto refused = first_with(rs, 429);
  ASSERT_NE(refused, nullptr) << "20 requests at once were all served";
  expect_429(*refused, 1);
  EXPECT_GE(count_status(burst(5, [&] { return orders_of(user, fresh_address()); }), 429), 1);
  // Another user is unaffected.
  EXPECT_EQ(orders_of(e2e::unique("other"), fresh_address()).status, 200);
}

TEST_F(OwaspLimitsUser, AnInvalidTokenIsAnswered401NotCounted) {
  for (int i = 0; i < 30; ++i) {
    auto r = call(port, "GET", "/api/v1/orders", {}, {{"Authorization", "Bearer not.a.token"}});
    ASSERT_EQ(r.status, 401) << r.body;
  }
}

// ---------------------------------------------------------------------------

class OwaspLimitsCoupon : public e2e::shared_server<OwaspLimitsCoupon> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = limits_off();
    e["COUPON_ATTEMPTS_PER_CART"] = "3";  // one more every 20 minutes
    return e;
  }

 protected:
  e2e::shop shop{srv->port()};
  reply apply(const std::string& cart, const std::string& code) {
    return call(shop.port, "POST", "/api/v1/cart/" + cart + "/coupon",
                R"({"coupon":")" + code + R"("})");
  }
  reply validate(const std::string& cart, const std::string& code) {
    return call(shop.port, "POST", "/api/v1/cart/discount/validate",
                R"({"cart_token":")" + cart + R"(","coupon":")" + code + R"("})");
  }
};

TEST_F(OwaspLimitsCoupon, AttemptsPerCartAreLimitedAcrossApplyAndValidate) {
  auto internship = shop.internship(50000);
  auto cart = e2e::owasp::guest_cart(shop.port, internship);
  auto other = e2e::owasp::guest_cart(shop.port, internship);
  auto good = shop.coupon(R"("type":"percentage","value":10})");

  for (const char* unknown : {"NOPE1", "NOPE2"}) {
    auto r = apply(cart, unknown);
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 2004)) << unknown;
  }
  auto verdict = validate(cart, "NOPE3");
  EXPECT_EQ(verdict.status, 200) << verdict.body;
  EXPECT_TRUE(json_expect::at(verdict.json(), "data.valid", false));
  // The fourth attempt within the hour, even with a good coupon.
  auto r = apply(cart, good);
  expect_429(r, 1200);
  EXPECT_GT(retry_after_of(r), 1000);  // one attempt back every 20 minutes
  expect_429(validate(cart, good), 1200);
  // The same token in capitals is the same cart.
  std::string upper = cart;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  expect_429(apply(upper, good), 1200);

  // Another cart is unaffected, and other routes of the limited cart too.
  EXPECT_EQ(apply(other, good).status, 200);
  EXPECT_EQ(call(shop.port, "GET", "/api/v1/cart/" + cart).status, 200);
}

// ---------------------------------------------------------------------------

class OwaspLimitsOpenOrders : public e2e::shared_server<OwaspLimitsOpenOrders> {
 public:
  static std::map<std::string, std::string> env() {
    auto e = limits_off();
    e["MAX_OPEN_ORDERS_PER_USER"] = "2";
    e["DB_POOL_SIZE"] = "8";
    return e;
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string guest_cart(const std::string& internship) {
    return e2e::owasp::guest_cart(shop.port, internship);
  }
};

TEST_F(OwaspLimitsOpenOrders, OneMoreThanTheLimitIs5006) {
  auto user = e2e::unique("buyer");
  auto paid = shop.internship(50000, "null");
  auto free = shop.internship(0, "null");

  auto first_key = e2e::unique("key");
  auto first_cart = guest_cart(paid);
  auto first = shop.place(user, first_cart, first_key);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(shop.place(user, guest_cart(paid), e2e::unique("key")).status, 201);

  auto third_cart = guest_cart(paid);
  auto third = shop.place(user, third_cart, e2e::unique("key"));
  ASSERT_TRUE(error_envelope(third.status, third.body, 409, 5006));
  EXPECT_TRUE(json_expect::at(third.json(), "error.retryable", false));

  // A replay of an order already placed still replays.
  auto again = shop.place(user, first_cart, first_key);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(again.body, first.body);
  // A free order awaits nothing: never refused, never counted.
  auto gift = shop.place(user, guest_cart(free), e2e::unique("key"));
  ASSERT_EQ(gift.status, 201) << gift.body;
  EXPECT_TRUE(json_expect::at(gift.json(), "data.order.status", "completed"));
  // Another user is unaffected.
  EXPECT_EQ(shop.place(e2e::unique("buyer"), guest_cart(paid), e2e::unique("key")).status, 201);

  // Once one is paid, a seat is free again (a new key: the 5006 is stored under the old one).
  auto first_doc = first.json();
  auto first_order = json_expect::string_at(first_doc, "data.order.order_token");
  auto captured = shop.razorpay_event(
      "payment.captured", json_expect::string_at(first_doc, "data.order.payment.gateway_order_id"),
      json_expect::int_at(first_doc, "data.order.total"));
  ASSERT_EQ(captured.status, 200) << captured.body;
  ASSERT_TRUE(e2e::eventually(
      [&] {
        auto s = shop.status_of(user, first_order);
        return s == "paid" || s == "completed";
      },
      5s));
  // (Another internship: the paid order's enrollment may already exist.)
  auto fourth = shop.place(user, guest_cart(shop.internship(50000, "null")), e2e::unique("key"));
  EXPECT_EQ(fourth.status, 201) << fourth.body;
}

TEST_F(OwaspLimitsOpenOrders, ConcurrentPlacementsCannotExceedTheLimit) {
  auto user = e2e::unique("racer");
  auto internship = shop.internship(50000, "null");
  constexpr int n = 8;
  std::vector<std::string> carts;
  for (int i = 0; i < n; ++i) carts.push_back(guest_cart(internship));

  std::atomic<bool> go{false};
  std::vector<std::future<reply>> futures;
  for (int i = 0; i < n; ++i)
    futures.push_back(std::async(std::launch::async, [&, i] {
      while (!go.load()) std::this_thread::yield();
      return shop.place(user, carts[i], e2e::unique("key"));
    }));
  go = true;
  int created = 0, refused = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (r.status == 201)
      ++created;
    else if (r.status == 409 && code_of(r) == 5006)
      ++refused;
    else
      ADD_FAILURE() << r.status << " " << r.body;
  }
  EXPECT_EQ(created, 2);
  EXPECT_EQ(refused, n - 2);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE user_id = $1 "
                          "AND status = 'awaiting_payment'",
                          user),
            "2");
}

}  // namespace
