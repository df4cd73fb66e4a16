// Coupons on a cart through the real binary (CONTRACT §4–§6): the seed's
// worked example, rejections with reasons, stacking, validate, discounts, sales.
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using json_expect::error_envelope;

class cart_coupon_e2e : public e2e::shared_server<cart_coupon_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }
  std::string admin = "Bearer " + e2e::token_for("coupon-admin", true);

  e2e::shop shop{srv->port()};

  // In category "data", with unlimited seats.
  std::string internship(long long price) {
    return shop.internship(price, "null", "data", {}, "cc-intern");
  }

  // `fields` is the JSON after "code" (starting with a comma).
  std::string coupon(const std::string& fields) {
    auto code = e2e::unique("C");
    auto r = call(port(), "POST", "/api/v1/admin/coupons",
                  R"({"code":")" + code + "\"" + fields + "}", {{"Authorization", admin}});
    EXPECT_EQ(r.status, 201) << r.body;
    return code;
  }

  std::string cart(const std::string& id, const std::string& extra = {}) {
    auto r = call(port(), "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + id + R"("}])" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }

  e2e::reply apply(const std::string& token, const std::string& code) {
    return call(port(), "POST", "/api/v1/cart/" + token + "/coupon",
                R"({"coupon":")" + code + "\"}");
  }
};

TEST_F(cart_coupon_e2e, the_seed_worked_example) {
  auto token = cart(internship(43176));
  auto code = coupon(R"(,"type":"fixed","value":26400,"currency":"INR")");
  // Codes are case-insensitive.
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto applied = apply(token, lower);
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto a = applied.json();
  EXPECT_TRUE(json_expect::at(a, "data.coupon_applied", true));
  EXPECT_TRUE(json_expect::at(a, "data.discount_amount", 26400));
  EXPECT_TRUE(json_expect::at(a, "data.new_total", 19796));
  auto est = call(port(), "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}");
  ASSERT_EQ(est.status, 200) << est.body;
  auto e = est.json();
  EXPECT_TRUE(json_expect::at(e, "data.sub_total", 16776));
  EXPECT_TRUE(json_expect::at(e, "data.tax_total", 3020));
  EXPECT_TRUE(json_expect::at(e, "data.total", 19796));
  EXPECT_TRUE(json_expect::at(e, "data.discount_amount", 26400));
  EXPECT_TRUE(json_expect::at(e, "data.discount_percentage", 61));
}

TEST_F(cart_coupon_e2e, rejections_name_their_reason) {
  auto id = internship(10000);
  struct row {
    std::string fields;
    std::string reason;
  };
  std::vector<row> rows = {
      {R"(,"type":"percentage","value":10,"valid_until":"2020-01-01T00:00:00Z")", "expired"},
      {R"(,"type":"percentage","value":10,"valid_from":"2099-01-01T00:00:00Z")", "not yet valid"},
      {R"(,"type":"percentage","value":10,"min_order_value":50000,"currency":"INR")",
       "below minimum order value"},
      {R"(,"type":"percentage","value":10,"internship_ids":["someone-else"])",
       "not applicable to these internships"},
      {R"(,"type":"percentage","value":10,"categories":["design"])",
       "not applicable to these internships"},
      {R"(,"type":"percentage","value":10,"first_order_only":true)", "sign in"},
  };
  for (auto& r : rows) {
    auto token = cart(id);
    auto res = apply(token, coupon(r.fields));
    EXPECT_TRUE(error_envelope(res.status, res.body, 422, 2004)) << r.fields;
    EXPECT_NE(res.body.find(r.reason), std::string::npos) << r.fields << " " << res.body;
  }
  auto unknown = apply(cart(id), "NO-SUCH-" + e2e::unique("X"));
  EXPECT_TRUE(error_envelope(unknown.status, unknown.body, 422, 2004));
}

TEST_F(cart_coupon_e2e, stacking_validate_discounts_and_removal) {
  auto token = cart(internship(10000));
  auto solo = coupon(R"(,"type":"percentage","value":10)");
  auto first = coupon(R"(,"type":"percentage","value":10,"combinable":true)");
  auto second = coupon(R"(,"type":"fixed","value":1000,"currency":"INR","combinable":true)");
  ASSERT_EQ(apply(token, first).status, 200);
  // 10% of 10000 = 1000, then 1000 off the remaining 9000.
  auto both = apply(token, second);
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_TRUE(json_expect::at(both.json(), "data.cart.totals.discount_amount", 2000));
  auto refused = apply(token, solo);
  EXPECT_TRUE(error_envelope(refused.status, refused.body, 422, 2004));
  EXPECT_NE(refused.body.find("not combinable with"), std::string::npos) << refused.body;
  auto again = apply(token, first);
  EXPECT_TRUE(error_envelope(again.status, again.body, 422, 2004));
  EXPECT_NE(again.body.find("already applied"), std::string::npos) << again.body;

  auto check = call(port(), "POST", "/api/v1/cart/discount/validate",
                    R"({"cart_token":")" + token + R"(","coupon":")" + solo + "\"}");
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(json_expect::at(check.json(), "data.valid", false));
  auto listed = call(port(), "GET", "/api/v1/cart/" + token + "/discounts");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto l = listed.json();
  ASSERT_TRUE(json_expect::has_size(l, "data.discounts", 2));
  EXPECT_TRUE(json_expect::at(l, "data.discounts[0].amount", 1000));
  EXPECT_TRUE(json_expect::at(l, "data.discounts[1].amount", 1000));

  auto ambiguous = call(port(), "DELETE", "/api/v1/cart/" + token + "/coupon");
  EXPECT_TRUE(error_envelope(ambiguous.status, ambiguous.body, 422, 0));
  auto removed = call(port(), "DELETE", "/api/v1/cart/" + token + "/coupon?code=" + first);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(json_expect::at(removed.json(), "data.cart.totals.discount_amount", 1000));

  auto fresh = cart(internship(5000));
  auto valid = call(port(), "POST", "/api/v1/cart/discount/validate",
                    R"({"cart_token":")" + fresh + R"(","coupon":")" + solo + "\"}");
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_TRUE(json_expect::at(valid.json(), "data.valid", true));
  EXPECT_TRUE(json_expect::at(valid.json(), "data.discount_amount", 500));
}

TEST_F(cart_coupon_e2e, a_sale_applies_itself) {
  auto slug = e2e::unique("diwali");
  auto code = coupon(R"(,"type":"percentage","value":25,"sale_slug":")" + slug + "\"");
  auto token = cart(internship(8000), R"(,"sale_slug":")" + slug + "\"");
  auto got = call(port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(got.status, 200) << got.body;
  auto g = got.json();
  EXPECT_TRUE(json_expect::at(g, "data.cart.totals.discount_amount", 2000));
  ASSERT_TRUE(json_expect::has_size(g, "data.cart.discounts", 1));
  EXPECT_TRUE(json_expect::at(g, "data.cart.discounts[0].sale", true));
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(json_expect::at(g, "data.cart.discounts[0].code", code));  // stored upper-case
}

}  // namespace

namespace {

TEST_F(cart_coupon_e2e, more_rejections_through_http) {
  auto id = internship(10000);
  auto expect_reason = [&](const e2e::reply& r, const std::string& reason) {
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 2004)) << reason;
    EXPECT_NE(r.body.find(reason), std::string::npos) << r.body;
  };
  // Deactivated by an admin.
  auto off = coupon(R"(,"type":"percentage","value":10)");
  ASSERT_EQ(call(port(), "PATCH", "/api/v1/admin/coupons/" + off, R"({"active":false})",
                 {{"Authorization", admin}})
                .status,
            200);
  expect_reason(apply(cart(id), off), "inactive");
  // Tiered: the lowest tier needs more items than the cart has.
  auto tiers = coupon(R"(,"type":"tiered","tiers":[{"min_quantity":3,"percentage":10}])");
  expect_reason(apply(cart(id), tiers), "at least 3");
  // A fixed amount in a currency the service has no rate for.
  auto usd = coupon(R"(,"type":"fixed","value":500,"currency":"USD")");
  expect_reason(apply(cart(id), usd), "not available in INR");

  // First order only, for a user who already has a (free, so completed) order.
  auto user_id = e2e::unique("returning");
  std::vector<std::pair<std::string, std::string>> auth{
      {"Authorization", "Bearer " + e2e::token_for(user_id)}};
  auto free_cart = cart(internship(0));
  auto order = call(port(), "POST", "/api/v1/orders", R"({"cart_token":")" + free_cart + "\"}",
                    {auth[0], {"Idempotency-Key", e2e::unique("k")}});
  ASSERT_EQ(order.status, 201) << order.body;
  EXPECT_TRUE(json_expect::at(order.json(), "data.order.status", "completed"));
  auto first_only = coupon(R"(,"type":"percentage","value":10,"first_order_only":true)");
  auto mine = call(port(), "POST", "/api/v1/cart",
                   R"({"products":[{"internship_id":")" + id + "\"}]}", auth);
  ASSERT_EQ(mine.status, 201) << mine.body;
  auto token = json_expect::string_at(mine.json(), "data.cart.token");
  expect_reason(call(port(), "POST", "/api/v1/cart/" + token + "/coupon",
                     R"({"coupon":")" + first_only + "\"}", auth),
                "first order only");
  // A new user gets it.
  std::vector<std::pair<std::string, std::string>> newcomer{
      {"Authorization", "Bearer " + e2e::token_for(e2e::unique("newcomer"))}};
  auto theirs = call(port(), "POST", "/api/v1/cart",
                     R"({"products":[{"internship_id":")" + id + "\"}]}", newcomer);
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  auto their_token = json_expect::string_at(theirs.json(), "data.cart.token");
  auto ok = call(port(), "POST", "/api/v1/cart/" + their_token + "/coupon",
                 R"({"coupon":")" + first_only + "\"}", newcomer);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(json_expect::at(ok.json(), "data.discount_amount", 1000));
}

// Usage limits count the uses orders hold: once orders hold them all, the
// coupon is refused on a cart with "usage limit reached".
TEST_F(cart_coupon_e2e, usage_limits_reached_through_orders) {
  auto id = internship(10000);
  auto as = [](const std::string& user) {
    return std::vector<std::pair<std::string, std::string>>{
        {"Authorization", "Bearer " + e2e::token_for(user)}};
  };
  auto order_with = [&](const std::string& user, const std::string& code) {
    auto c = call(port(), "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + id + "\"}]}", as(user));
    EXPECT_EQ(c.status, 201) << c.body;
    auto token = json_expect::string_at(c.json(), "data.cart.token");
    auto applied = call(port(), "POST", "/api/v1/cart/" + token + "/coupon",
                        R"({"coupon":")" + code + "\"}", as(user));
    EXPECT_EQ(applied.status, 200) << applied.body;
    auto o = call(port(), "POST", "/api/v1/orders", R"({"cart_token":")" + token + "\"}",
                  {as(user)[0], {"Idempotency-Key", e2e::unique("k")}});
    EXPECT_EQ(o.status, 201) << o.body;
  };
  auto apply_as = [&](const std::string& user, const std::string& code) {
    auto c = call(port(), "POST", "/api/v1/cart",
                  R"({"products":[{"internship_id":")" + id + "\"}]}", as(user));
    EXPECT_EQ(c.status, 201) << c.body;
    auto token = json_expect::string_at(c.json(), "data.cart.token");
    return call(port(), "POST", "/api/v1/cart/" + token + "/coupon",
                R"({"coupon":")" + code + "\"}", as(user));
  };
  auto total = coupon(R"(,"type":"percentage","value":10,"usage_limit_total":2)");
  order_with(e2e::unique("u"), total);
  order_with(e2e::unique("u"), total);
  auto r = apply_as(e2e::unique("u"), total);
  EXPECT_TRUE(error_envelope(r.status, r.body, 422, 2004));
  EXPECT_NE(r.body.find("usage limit reached"), std::string::npos) << r.body;

  auto per_user = coupon(R"(,"type":"percentage","value":10,"usage_limit_per_user":1)");
  auto once = e2e::unique("once");
  order_with(once, per_user);
  auto again = apply_as(once, per_user);
  EXPECT_TRUE(error_envelope(again.status, again.body, 422, 2004));
  EXPECT_NE(again.body.find("usage limit"), std::string::npos) << again.body;
  // Another user still may.
  EXPECT_EQ(apply_as(e2e::unique("other"), per_user).status, 200);
}

}  // namespace
