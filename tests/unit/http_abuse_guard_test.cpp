// The abuse limits as an HTTP policy (CONTRACT §13): which routes are exempt,
// what a 429 looks like, which key each limit counts on, and the router hook
// that runs the guard before a handler. Time is injected: no test sleeps.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/errors.hpp"
#include "http/abuse_guard.hpp"
#include "http/auth.hpp"
#include "http/envelope.hpp"
#include "http/router.hpp"

namespace checkout::http {
namespace {

using namespace std::chrono_literals;
using time_point = rate_limiter::time_point;

const time_point t0 = time_point(1000h);
const std::string secret = "abuse-guard-test-secret-0123456789";
const std::string cart_a = "0b7e5a3c-1d2f-4e6a-9b8c-7d6e5f4a3b2c";
const std::string cart_b = "5f4a3b2c-7d6e-4a9b-8c1d-2f0b7e5a3c1d";

jwt_policy policy() {
  jwt_policy p;
  p.secrets = {secret};
  return p;
}

std::string bearer(const std::string& user) {
  return "Bearer " + issue_token(secret, user, {}, std::chrono::hours(1));
}

request make(const std::string& method, const std::string& route, const std::string& peer) {
  request req;
  req.method = method;
  req.route = route;
  req.path = route;
  req.peer = peer;
  req.correlation_id = "cid-1";
  return req;
}

request from(const std::string& xff, const std::string& route = "/api/v1/internships") {
  auto req = make("GET", route, "127.0.0.1");
  req.headers.emplace_back("X-Forwarded-For", xff);
  return req;
}

std::string header_of(const response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return {};
}

int refused(abuse_guard& g, const request& req, int tries, time_point at = t0) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += g.check(req, at) ? 1 : 0;
  return n;
}

TEST(HttpAbuseGuard, ErrorCodesAreTheContracts) {
  auto limited = describe(errc::rate_limited);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code, 1429);
  EXPECT_TRUE(limited.retryable);
  auto open = describe(errc::too_many_open_orders);
  EXPECT_EQ(open.status, 409);
  EXPECT_EQ(open.code, 5006);
  EXPECT_FALSE(open.retryable);
}

TEST(HttpAbuseGuard, TooManyRequestsIsTheEnvelopeWithRetryAfter) {
  auto req = make("GET", "/api/v1/internships", "198.51.100.1");
  auto res = too_many_requests(req, 3s, "too many requests from this client address");
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(header_of(res, "Retry-After"), "3");
  rapidjson::Document d;
  d.Parse(res.body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["status"].GetInt(), 429);
  EXPECT_FALSE(d["success"].GetBool());
  EXPECT_EQ(d["error"]["code"].GetInt(), 1429);
  EXPECT_TRUE(d["error"]["retryable"].GetBool());
  EXPECT_STREQ(d["error"]["correlation_id"].GetString(), "cid-1");
  EXPECT_STREQ(d["error"]["validation_messages"][0].GetString(),
               "too many requests from this client address");
  // Never "Retry-After: 0": a client would retry at once.
  EXPECT_EQ(header_of(too_many_requests(req, 0s, ""), "Retry-After"), "1");
}

TEST(HttpAbuseGuard, ExemptRoutes) {
  for (auto r : {"/healthz", "/readyz", "/api/v1/healthz", "/api/v1/readyz", "/metrics",
                 "/api/v1/webhooks/razorpay", "/api/v1/webhooks/stripe"})
    EXPECT_TRUE(exempt_from_limits(r)) << r;
  for (auto r : {"", "/api/v1/orders", "/api/v1/cart/{token}/coupon", "/api/v1/webhooks",
                 "/metricsx", "/api/v1/admin/dlq", "/api/v1/sandbox/checkout/{payment_token}"})
    EXPECT_FALSE(exempt_from_limits(r)) << r;
}

TEST(HttpAbuseGuard, LimitsEachClientAddressOnItsOwn) {
  abuse_guard g({5, 0, 0, {"127.0.0.1/32"}}, policy());
  auto a = from("198.51.100.1");
  EXPECT_EQ(refused(g, a, 10), 0);  // a burst of twice the rate
  auto res = g.check(a, t0);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(header_of(*res, "Retry-After"), "1");
  // Another client behind the same proxy is unaffected.
  EXPECT_EQ(refused(g, from("198.51.100.2"), 10), 0);
  // The client cannot escape by writing its own X-Forwarded-For entry.
  EXPECT_EQ(refused(g, from("203.0.113.9, 198.51.100.1"), 1), 1);
  // A second later it has five requests back.
  EXPECT_EQ(refused(g, a, 10, t0 + 1s), 5);
}

TEST(HttpAbuseGuard, ExemptRoutesAreNeverLimitedNorCounted) {
  abuse_guard g({1, 1, 1, {}}, policy());
  auto health = make("GET", "/healthz", "198.51.100.1");
  auto hook = make("POST", "/api/v1/webhooks/razorpay", "198.51.100.1");
  auto metrics = make("GET", "/metrics", "198.51.100.1");
  EXPECT_EQ(refused(g, health, 100), 0);
  EXPECT_EQ(refused(g, hook, 100), 0);
  EXPECT_EQ(refused(g, metrics, 100), 0);
  // The address's own bucket is untouched by all that.
  EXPECT_EQ(refused(g, make("GET", "/api/v1/internships", "198.51.100.1"), 2), 0);
  EXPECT_EQ(refused(g, make("GET", "/api/v1/internships", "198.51.100.1"), 1), 1);
  EXPECT_EQ(refused(g, health, 10), 0);
}

TEST(HttpAbuseGuard, UnmatchedPathsAreLimited) {
  abuse_guard g({1, 0, 0, {}}, policy());
  auto scan = make("GET", "", "198.51.100.1");
  EXPECT_EQ(refused(g, scan, 2), 0);
  EXPECT_EQ(refused(g, scan, 1), 1);
}

TEST(HttpAbuseGuard, LimitsEachUserAcrossAddresses) {
  abuse_guard g({0, 3, 0, {}}, policy());
  auto as = [](const std::string& user, const std::string& peer) {
    auto req = make("GET", "/api/v1/orders", peer);
    req.headers.emplace_back("Authorization", bearer(user));
    return req;
  };
  EXPECT_EQ(refused(g, as("u1", "198.51.100.1"), 3), 0);
  EXPECT_EQ(refused(g, as("u1", "198.51.100.2"), 3), 0);
  auto res = g.check(as("u1", "198.51.100.3"), t0);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(refused(g, as("u2", "198.51.100.1"), 6), 0);
}

TEST(HttpAbuseGuard, AnInvalidTokenKeysNothing) {
  abuse_guard g({0, 1, 0, {}}, policy());
  auto req = make("GET", "/api/v1/orders", "198.51.100.1");
  req.headers.emplace_back("Authorization", "Bearer not-a-token");
  // The handler answers 401; the guard lets every one of them through.
  EXPECT_EQ(refused(g, req, 50), 0);
  auto forged = make("GET", "/api/v1/orders", "198.51.100.1");
  forged.headers.emplace_back(
      "Authorization",
      "Bearer " + issue_token("someone-elses-secret-0123456789", "u1", {}, std::chrono::hours(1)));
  EXPECT_EQ(refused(g, forged, 50), 0);
  // ...and a forged token for u1 did not spend u1's bucket.
  auto real = make("GET", "/api/v1/orders", "198.51.100.1");
  real.headers.emplace_back("Authorization", bearer("u1"));
  EXPECT_EQ(refused(g, real, 2), 0);
}

request coupon_on(const std::string& token) {
  auto req = make("POST", "/api/v1/cart/{token}/coupon", "198.51.100.1");
  req.params["token"] = token;
  req.body = R"({"coupon":"SAVE10"})";
  return req;
}

request validate_on(const std::string& token) {
  auto req = make("POST", "/api/v1/cart/discount/validate", "198.51.100.1");
  req.body = R"({"cart_token":")" + token + R"(","coupon":"SAVE10"})";
  return req;
}

TEST(HttpAbuseGuard, CouponAttemptKeys) {
  EXPECT_EQ(coupon_attempt_key(coupon_on(cart_a), std::nullopt), cart_a);
  EXPECT_EQ(coupon_attempt_key(validate_on(cart_a), std::nullopt), cart_a);
  // The database reads any case as the same token.
  std::string upper = cart_a;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(coupon_attempt_key(coupon_on(upper), std::nullopt), cart_a);
  // Not a cart token: nothing to count (the handler answers 404 / 422).
  EXPECT_EQ(coupon_attempt_key(coupon_on("nope"), std::nullopt), std::nullopt);
  auto bad_body = validate_on(cart_a);
  bad_body.body = "{";
  EXPECT_EQ(coupon_attempt_key(bad_body, std::nullopt), std::nullopt);
  // Removing a coupon or reading the cart is not an attempt.
  auto removal = coupon_on(cart_a);
  removal.method = "DELETE";
  EXPECT_EQ(coupon_attempt_key(removal, std::nullopt), std::nullopt);
  auto other = coupon_on(cart_a);
  other.route = "/api/v1/cart/{token}";
  EXPECT_EQ(coupon_attempt_key(other, std::nullopt), std::nullopt);
  // The seeds' aliases act on the caller's active cart.
  auto alias = make("POST", "/api/v1/cart/discount", "198.51.100.1");
  alias.body = R"({"code":"SAVE10"})";
  EXPECT_EQ(coupon_attempt_key(alias, std::string("u1")), "user:u1");
  EXPECT_EQ(coupon_attempt_key(alias, std::nullopt), std::nullopt);
}

TEST(HttpAbuseGuard, CouponAttemptsPerCartPerHour) {
  abuse_guard g({0, 0, 3, {}}, policy());
  EXPECT_EQ(refused(g, coupon_on(cart_a), 2), 0);
  EXPECT_EQ(refused(g, validate_on(cart_a), 1), 0);  // validations count too
  auto res = g.check(coupon_on(cart_a), t0 + 1min);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(header_of(*res, "Retry-After"), "1140");  // 3600 / 3 - 60
  EXPECT_TRUE(g.check(validate_on(cart_a), t0 + 1min));
  // Another cart is unaffected; other routes of the same cart too.
  EXPECT_EQ(refused(g, coupon_on(cart_b), 3), 0);
  auto read = coupon_on(cart_a);
  read.method = "GET";
  read.route = "/api/v1/cart/{token}";
  EXPECT_EQ(refused(g, read, 10), 0);
  // Twenty minutes after the burst one attempt is back.
  EXPECT_EQ(refused(g, coupon_on(cart_a), 2, t0 + 20min), 1);
}

TEST(HttpAbuseGuard, NothingOnMeansInactive) {
  EXPECT_FALSE(abuse_guard({0, 0, 0, {}}, policy()).active());
  EXPECT_TRUE(abuse_guard({0, 0, 1, {}}, policy()).active());
}

// The router hook: after the route is matched, before the handler.
class HttpRouterGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    routes.add("GET", "/api/v1/cart/{token}", [this](request&& req, responder out) {
      ++handled;
      out.send(ok(req, 200, nullptr));
    });
  }
  std::optional<response> run(const std::string& method, const std::string& path) {
    request req;
    req.method = method;
    req.path = path;
    req.correlation_id = "cid";
    std::optional<response> out;
    routes.dispatch(std::move(req), responder([&](response res) { out = std::move(res); }));
    return out;
  }
  router routes;
  int handled = 0;
};

TEST_F(HttpRouterGuard, AnswersInsteadOfTheHandler) {
  std::string seen_route, seen_token;
  routes.set_guard([&](const request& req) -> std::optional<response> {
    seen_route = req.route;
    seen_token = req.params.count("token") ? req.params.at("token") : "";
    return too_many_requests(req, 7s, "");
  });
  auto res = run("GET", "/api/v1/cart/abc");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(header_of(*res, "Retry-After"), "7");
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(seen_route, "/api/v1/cart/{token}");
  EXPECT_EQ(seen_token, "abc");
}

TEST_F(HttpRouterGuard, LetsThroughWhenItHasNothingToSay) {
  routes.set_guard([](const request&) { return std::optional<response>(); });
  auto res = run("GET", "/api/v1/cart/abc");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(handled, 1);
}

TEST_F(HttpRouterGuard, SeesUnknownPathsAndWrongMethods) {
  std::vector<std::string> seen;
  routes.set_guard([&](const request& req) -> std::optional<response> {
    seen.push_back(req.route);
    return std::nullopt;
  });
  EXPECT_EQ(run("GET", "/nowhere")->status, 404);
  EXPECT_EQ(run("POST", "/api/v1/cart/abc")->status, 405);
  EXPECT_EQ(seen, (std::vector<std::string>{"", "/api/v1/cart/{token}"}));
}

TEST_F(HttpRouterGuard, ABrokenGuardDoesNotTakeTheServiceDown) {
  routes.set_guard(
      [](const request&) -> std::optional<response> { throw std::runtime_error("limiter bug"); });
  auto res = run("GET", "/api/v1/cart/abc");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

}  // namespace
}  // namespace checkout::http
