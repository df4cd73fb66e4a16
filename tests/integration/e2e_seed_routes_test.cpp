// The seeds' own routes (CONTRACT §16): seed 002's token-less cart routes on
// the signed-in user's active cart, seed 003's plan and item routes, and a
// client that uses nothing else completing a paid checkout.
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using e2e::str;
using json_expect::kind;

const std::string plans = R"(,"plans":[{"period":{"value":1,"unit":"month"},"price":5000},)"
                          R"({"period":{"value":3,"unit":"month"},"price":12000}])";

class seed_routes : public e2e::shared_server<seed_routes> {
 protected:
  e2e::shop shop{srv->port()};
  std::string user = e2e::unique("seed");

  e2e::reply as_user(const std::string& method, const std::string& path,
                     const std::string& body = {}) {
    return call(shop.port, method, path, body, {{"Authorization", shop.bearer(user)}});
  }
  // A cart made through seed 001/003's path, with one line of `internship`.
  std::string proxy_cart(const std::string& internship, const std::string& period = {}) {
    auto line = R"({"internship_id":")" + internship + "\"" +
                (period.empty() ? std::string() : R"(,"period":)" + period) + "}";
    auto r = as_user("POST", "/api-proxy/api/cart", R"({"products":[)" + line + "]}");
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return str(r.json()["data"]["cart"], "token");
  }
};

TEST_F(seed_routes, seed_002_routes_act_on_the_users_active_cart) {
  auto internship = shop.internship(20000);
  auto token = shop.cart(user, internship);
  auto code = shop.coupon(R"("type":"percentage","value":10})");

  auto got = as_user("GET", "/api/v1/cart");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(json_expect::at(got.json(), "data.cart.token", token));

  auto patched = as_user("PATCH", "/api/v1/cart/items/" + internship, R"({"quantity":3})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(json_expect::at(patched.json(), "data.cart.items[0].quantity", 3));

  auto applied = as_user("POST", "/api/v1/cart/discount", R"({"code":")" + code + "\"}");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto a = applied.json();
  EXPECT_TRUE(json_expect::at(a, "data.coupon_applied", true));
  EXPECT_TRUE(json_expect::at(a, "data.discount_amount", std::int64_t{6000}));
  EXPECT_TRUE(json_expect::at(a, "data.cart.token", token));

  // Seed 002 sends the code to remove in the body.
  auto removed = as_user("DELETE", "/api/v1/cart/discount", R"({"code":")" + code + "\"}");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(json_expect::has_size(removed.json(), "data.cart.coupons", 0));

  auto again = as_user("POST", "/api/v1/cart/discount/apply", R"({"code":")" + code + "\"}");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(json_expect::has_size(again.json(), "data.cart.coupons", 1));
  auto bare = as_user("DELETE", "/api/v1/cart/discount");
  ASSERT_EQ(bare.status, 200) << bare.body;
  EXPECT_TRUE(json_expect::has_size(bare.json(), "data.cart.coupons", 0));

  auto deleted = as_user("DELETE", "/api/v1/cart/items/" + internship);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_TRUE(json_expect::has_size(deleted.json(), "data.cart.items", 0));
  // The changes were made to the cart with the token, not to another one.
  auto by_token = as_user("GET", "/api/v1/cart/" + token);
  EXPECT_TRUE(json_expect::has_size(by_token.json(), "data.cart.items", 0));
}

TEST_F(seed_routes, seed_002_routes_refuse_guests_and_users_without_a_cart) {
  for (auto [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/api/v1/cart", ""},
           {"PATCH", "/api/v1/cart/items/x", R"({"quantity":1})"},
           {"DELETE", "/api/v1/cart/items/x", ""},
           {"POST", "/api/v1/cart/discount", R"({"code":"X"})"},
           {"POST", "/api/v1/cart/discount/apply", R"({"code":"X"})"},
           {"DELETE", "/api/v1/cart/discount", ""}}) {
    auto guest = call(shop.port, method, path, body);
    EXPECT_TRUE(json_expect::error_envelope(guest.status, guest.body, 401, 0))
        << method << " " << path << ": " << guest.body;
    auto nobody = call(shop.port, method, path, body,
                       {{"Authorization", shop.bearer(e2e::unique("cartless"))}});
    EXPECT_TRUE(json_expect::error_envelope(nobody.status, nobody.body, 404, 1001))
        << method << " " << path << ": " << nobody.body;
  }
  // A body without `code` names the field.
  shop.cart(user, shop.internship(1000));
  auto missing = as_user("POST", "/api/v1/cart/discount", R"({"coupon":"X"})");
  EXPECT_TRUE(json_expect::error_envelope(missing.status, missing.body, 422, 1000)) << missing.body;
  EXPECT_NE(missing.body.find("code"), std::string::npos) << missing.body;
}

TEST_F(seed_routes, seed_003_changes_the_plan_and_removes_an_item) {
  auto internship = shop.internship(5000, "10", "data", plans);
  auto token = proxy_cart(internship, R"({"value":1,"unit":"month"})");

  auto changed = as_user("PUT", "/api/v1/cart/" + token + "/plan/3-month");
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto c = changed.json();
  EXPECT_TRUE(json_expect::has_size(c, "data.cart.items", 1));
  EXPECT_TRUE(json_expect::at(c, "data.cart.items[0].period.value", 3));
  EXPECT_TRUE(json_expect::at(c, "data.cart.items[0].period.unit", "month"));
  EXPECT_TRUE(json_expect::at(c, "data.cart.items[0].base_price", std::int64_t{12000}));

  for (auto bad : {"three-month", "3-fortnight", "0-month", "3", "-month"}) {
    auto r = as_user("PUT", "/api/v1/cart/" + token + "/plan/" + bad);
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 1000)) << bad << ": " << r.body;
  }
  auto not_offered = as_user("PUT", "/api/v1/cart/" + token + "/plan/6-month");
  EXPECT_TRUE(json_expect::error_envelope(not_offered.status, not_offered.body, 422, 1000))
      << not_offered.body;
  // Naming an internship that is not in the cart.
  auto elsewhere =
      as_user("PUT", "/api/v1/cart/" + token + "/plan/1-month", R"({"internship_id":"nope"})");
  EXPECT_TRUE(json_expect::error_envelope(elsewhere.status, elsewhere.body, 422, 1101))
      << elsewhere.body;
  // The refused changes left the 3-month line as it was.
  auto kept = as_user("GET", "/api/v1/cart/" + token);
  EXPECT_TRUE(json_expect::at(kept.json(), "data.cart.items[0].period.value", 3));

  auto removed = as_user("DELETE", "/api/v1/cart/" + token + "/item/" + internship);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(json_expect::has_size(removed.json(), "data.cart.items", 0));
}

TEST_F(seed_routes, seed_003_needs_the_internship_named_when_the_cart_holds_several) {
  auto first = shop.internship(5000, "10", "data", plans);
  auto second = shop.internship(7000);
  auto token = proxy_cart(first, R"({"value":1,"unit":"month"})");
  ASSERT_EQ(as_user("POST", "/api/v1/cart/" + token + "/items",
                    R"({"internship_id":")" + second + R"(","quantity":1})")
                .status,
            200);
  auto unnamed = as_user("PUT", "/api/v1/cart/" + token + "/plan/3-month");
  EXPECT_TRUE(json_expect::error_envelope(unnamed.status, unnamed.body, 422, 1000)) << unnamed.body;
  auto named = as_user("PUT", "/api/v1/cart/" + token + "/plan/3-month",
                       R"({"internship_id":")" + first + "\"}");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_TRUE(json_expect::at(named.json(), "data.cart.items[0].period.value", 3));
  EXPECT_TRUE(json_expect::at(named.json(), "data.cart.items[1].internship_id", second));
}

// CONTRACT §16's floor: a client that knows only seeds 002 and 003 (and the
// gateway that calls the webhook) buys an internship.
TEST_F(seed_routes, a_client_of_the_seeds_routes_completes_a_paid_checkout) {
  auto internship = shop.internship(5000, "10", "data", plans);
  auto code = shop.coupon(R"("type":"percentage","value":10})");
  auto token = proxy_cart(internship, R"({"value":1,"unit":"month"})");
  ASSERT_EQ(as_user("PUT", "/api/v1/cart/" + token + "/plan/3-month").status, 200);
  ASSERT_EQ(as_user("POST", "/api/v1/cart/discount", R"({"code":")" + code + "\"}").status, 200);
  auto estimate = as_user("POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}");
  ASSERT_EQ(estimate.status, 200) << estimate.body;
  auto total = json_expect::int_at(estimate.json(), "data.total");
  // 12000 less 10%, plus 18% GST on 10800.
  EXPECT_EQ(total, 10800 + 1944);

  auto placed = call(shop.port, "POST", "/api/v1/order", R"({"cart_token":")" + token + "\"}",
                     {{"Authorization", shop.bearer(user)}, {"Idempotency-Key", e2e::unique("k")}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto p = placed.json();
  auto order = json_expect::string_at(p, "data.order.order_token");
  EXPECT_EQ(json_expect::int_at(p, "data.order.total"), total);
  auto gateway_order = json_expect::string_at(p, "data.order.payment.gateway_order_id");
  ASSERT_EQ(shop.razorpay_event("payment.captured", gateway_order, total).status, 200);

  ASSERT_TRUE(e2e::eventually(
      [&] {
        auto r = as_user("GET", "/api/v1/order/" + order);
        return r.status == 200 && str(r.json()["data"]["order"], "status") == "completed";
      },
      std::chrono::seconds(15)))
      << as_user("GET", "/api/v1/order/" + order).body;
}

}  // namespace
