// Order promises of CONTRACT §7 and §16 that no other suite covers, through the
// real binary: the success_url / cancel_url allowlist, the seeds' `/order`
// aliases, the body's `idempotency_key`, carts that cannot be ordered (empty,
// expired), and a capture in another currency (§8, code 7002).
// (Someone else's cart: e2e_owasp_bola_test.cpp; an ordered cart: e2e_cart_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"
#include "support/prometheus_text.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;
using json_expect::error_envelope;

// Whether any of the answer's validation_messages mentions `field`.
bool names_field(const e2e::reply& r, const std::string& field) {
  auto d = r.json();
  auto* list = json_expect::find(d, "error.validation_messages");
  if (!list || !list->IsArray()) return false;
  for (auto& m : list->GetArray())
    if (m.IsString() && std::string(m.GetString()).find(field) != std::string::npos) return true;
  return false;
}

std::string orders_of_cart(const std::string& cart) {
  return e2e::db_value("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", cart);
}

class contract_orders : public e2e::shared_server<contract_orders> {
 public:
  static std::map<std::string, std::string> env() {
    return {{"ALLOWED_REDIRECT_ORIGINS", "https://shop.example,http://localhost:3000"}};
  }

 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("contract-buyer");

  e2e::reply place_with(const std::string& cart, const std::string& extra,
                        const std::string& path = "/api/v1/orders",
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", shop.bearer(user));
    return call(shop.port, "POST", path, R"({"cart_token":")" + cart + "\"" + extra + "}", headers);
  }
  e2e::reply place_keyed(const std::string& cart, const std::string& extra) {
    return place_with(cart, extra, "/api/v1/orders", {{"Idempotency-Key", e2e::unique("key")}});
  }
};

TEST_F(contract_orders, redirect_urls_outside_the_allowed_origins_are_refused) {
  auto cart = shop.cart(user, shop.internship(20000));
  // Each only looks like an allowed origin: another host, a longer host name,
  // credentials before another host, another scheme, no scheme at all.
  for (std::string bad : {"https://evil.example/ok", "https://shop.example.evil.com/ok",
                          "https://shop.example@evil.com/ok", "http://shop.example/ok",
                          "//shop.example/ok", "javascript:alert(1)"}) {
    auto as_success = place_keyed(
        cart, R"(,"success_url":")" + bad + R"(","cancel_url":"https://shop.example/c")");
    EXPECT_TRUE(error_envelope(as_success.status, as_success.body, 422, 1000)) << bad;
    EXPECT_TRUE(names_field(as_success, "success_url")) << bad << ": " << as_success.body;
    EXPECT_FALSE(names_field(as_success, "cancel_url")) << bad << ": " << as_success.body;

    auto as_cancel =
        place_keyed(cart, R"(,"success_url":"https://shop.example/s","cancel_url":")" + bad + "\"");
    EXPECT_TRUE(error_envelope(as_cancel.status, as_cancel.body, 422, 1000)) << bad;
    EXPECT_TRUE(names_field(as_cancel, "cancel_url")) << bad << ": " << as_cancel.body;
    EXPECT_FALSE(names_field(as_cancel, "success_url")) << bad << ": " << as_cancel.body;
  }
  // Nothing was ordered or held: the cart is still there to order.
  EXPECT_EQ(orders_of_cart(cart), "0");
  EXPECT_EQ(e2e::cart_status(cart), "active");

  // Under an allowed origin (a path, or a query right after it) both are kept
  // for the gateway's session.
  auto ok = place_keyed(
      cart,
      R"(,"success_url":"https://shop.example/paid?o=1","cancel_url":"http://localhost:3000?c=1")");
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto token = json_expect::string_at(ok.json(), "data.order.order_token");
  EXPECT_EQ(e2e::db_value("SELECT success_url || ' ' || cancel_url FROM orders WHERE token = "
                          "$1::uuid",
                          token),
            "https://shop.example/paid?o=1 http://localhost:3000?c=1");
}

TEST_F(contract_orders, the_order_aliases_place_and_read_like_the_orders_routes) {
  auto cart = shop.cart(user, shop.internship(30000));
  auto placed = place_with(cart, "", "/api/v1/order", {{"Idempotency-Key", e2e::unique("key")}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto token = json_expect::string_at(placed.json(), "data.order.order_token");
  EXPECT_TRUE(json_expect::at(placed.json(), "data.order.status", "awaiting_payment"));

  auto canonical = shop.order(user, token);
  ASSERT_EQ(canonical.status, 200) << canonical.body;
  auto alias = call(shop.port, "GET", "/api/v1/order/" + token, {},
                    {{"Authorization", shop.bearer(user)}, {"X-Correlation-ID", "alias-read-1"}});
  ASSERT_EQ(alias.status, 200) << alias.body;
  auto a = alias.json();
  auto c = canonical.json();
  EXPECT_TRUE(json_expect::at(a, "success", true));
  EXPECT_TRUE(json_expect::at(a, "status", 200));
  EXPECT_TRUE(json_expect::at(a, "correlation_id", "alias-read-1"));
  EXPECT_EQ(alias.headers["x-correlation-id"], "alias-read-1");
  ASSERT_TRUE(json_expect::is(a, "data", json_expect::kind::object));
  EXPECT_TRUE(a["data"] == c["data"]) << alias.body << "\n" << canonical.body;

  // The same owner rule: another user and an unknown token look alike.
  auto other = call(shop.port, "GET", "/api/v1/order/" + token, {},
                    {{"Authorization", shop.bearer(e2e::unique("stranger"))}});
  EXPECT_TRUE(error_envelope(other.status, other.body, 404, 5001));
  auto unknown = call(shop.port, "GET", "/api/v1/order/00000000-0000-4000-8000-000000000000", {},
                      {{"Authorization", shop.bearer(user)}});
  EXPECT_TRUE(error_envelope(unknown.status, unknown.body, 404, 5001));
  auto guest = call(shop.port, "GET", "/api/v1/order/" + token);
  EXPECT_TRUE(error_envelope(guest.status, guest.body, 401, 1401));
}

TEST_F(contract_orders, the_body_idempotency_key_replays_and_guards_like_the_header) {
  auto cart = shop.cart(user, shop.internship(25000));
  auto key = e2e::unique("body-key");
  auto extra = R"(,"idempotency_key":")" + key + "\"";
  // No Idempotency-Key header anywhere below: the body's key is the key.
  auto first = place_with(cart, extra);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.headers.count("idempotent-replayed"), 0u);
  auto again = place_with(cart, extra);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(orders_of_cart(cart), "1");

  // The same key with another body.
  auto other_cart = shop.cart(user, shop.internship(26000));
  auto mismatch = place_with(other_cart, extra);
  EXPECT_TRUE(error_envelope(mismatch.status, mismatch.body, 422, 6001));
  EXPECT_EQ(orders_of_cart(other_cart), "0");

  // A key that is not 1-255 characters of text is a bad field, not a missing key.
  for (std::string bad : {std::string(R"(,"idempotency_key":42)"),
                          R"(,"idempotency_key":")" + std::string(256, 'k') + "\""}) {
    auto r = place_with(other_cart, bad);
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << bad;
    EXPECT_TRUE(names_field(r, "idempotency_key")) << r.body;
  }
  EXPECT_EQ(orders_of_cart(other_cart), "0");
}

TEST_F(contract_orders, an_empty_cart_cannot_be_ordered) {
  auto internship = shop.internship(15000);
  auto cart = shop.cart(user, internship);
  auto removed = call(shop.port, "DELETE", "/api/v1/cart/" + cart + "/items/" + internship, {},
                      {{"Authorization", shop.bearer(user)}});
  ASSERT_EQ(removed.status, 200) << removed.body;
  ASSERT_TRUE(json_expect::has_size(removed.json(), "data.cart.items", 0));

  auto r = shop.place(user, cart, e2e::unique("key"));
  EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1004));
  EXPECT_EQ(orders_of_cart(cart), "0");
  EXPECT_EQ(e2e::cart_status(cart), "active");

  // Filled again, the same cart orders.
  auto added = call(shop.port, "POST", "/api/v1/cart/" + cart + "/items",
                    R"({"internship_id":")" + internship + R"(","quantity":1})",
                    {{"Authorization", shop.bearer(user)}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(shop.place(user, cart, e2e::unique("key")).status, 201);
}

// A capture event whose amount is right but whose currency is not the order's.
TEST_F(contract_orders, a_capture_in_another_currency_never_pays) {
  auto placed = shop.place(user, shop.cart(user, shop.internship(40000)), e2e::unique("key"));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto d = placed.json();
  auto token = json_expect::string_at(d, "data.order.order_token");
  auto gateway_order = json_expect::string_at(d, "data.order.payment.gateway_order_id");
  auto total = json_expect::int_at(d, "data.order.total");
  ASSERT_TRUE(json_expect::at(d, "data.order.currency", "INR"));

  auto mismatches = [&] {
    auto m = prom::parse(call(shop.port, "GET", "/metrics").body);
    return m.value("checkout_webhooks_total",
                   {{"gateway", "razorpay"}, {"result", "amount_mismatch"}});
  };
  auto before = std::max(0.0, mismatches());
  auto body = e2e::razorpay_payment_body("payment.captured", gateway_order, total, {}, "USD");
  auto event_id = e2e::unique("evt");
  auto r = e2e::razorpay_post(shop.port, body, event_id);
  EXPECT_TRUE(error_envelope(r.status, r.body, 422, 7002));
  // The gateway retries: the same answer, still not paid.
  auto again = e2e::razorpay_post(shop.port, body, event_id);
  EXPECT_TRUE(error_envelope(again.status, again.body, 422, 7002));
  EXPECT_EQ(shop.status_of(user, token), "awaiting_payment");
  EXPECT_EQ(mismatches() - before, 2);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM enrollments WHERE order_token = $1::uuid", token),
            "0");

  // The capture in the order's own currency pays it.
  auto paid = shop.razorpay_event("payment.captured", gateway_order, total);
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_TRUE(json_expect::at(paid.json(), "data.result", "applied"));
}

// Carts that live one second, so one expires within the test.
class contract_orders_cart_ttl : public e2e::shared_server<contract_orders_cart_ttl> {
 public:
  static std::map<std::string, std::string> env() { return {{"CART_TTL", "1s"}}; }
};

TEST_F(contract_orders_cart_ttl, an_expired_cart_cannot_be_ordered_and_holds_nothing) {
  e2e::shop shop{srv->port()};
  auto user = e2e::unique("late-buyer");
  auto internship = shop.internship(20000, "1");
  auto cart = shop.cart(user, internship);
  ASSERT_TRUE(e2e::eventually(
      [&] {
        return call(shop.port, "GET", "/api/v1/cart/" + cart, {},
                    {{"Authorization", shop.bearer(user)}})
                   .status == 410;
      },
      10s));

  auto r = shop.place(user, cart, e2e::unique("key"));
  EXPECT_TRUE(error_envelope(r.status, r.body, 410, 1002));
  EXPECT_EQ(orders_of_cart(cart), "0");
  // Its one seat was never held.
  EXPECT_EQ(shop.seats_available(internship), 1);
}

}  // namespace
