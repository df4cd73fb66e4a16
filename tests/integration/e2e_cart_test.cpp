// Cart routes of CONTRACT §6 through the real binary: items, billing, sign-in.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace {

using e2e::call;
using headers = std::vector<std::pair<std::string, std::string>>;

using e2e::str;

class cart_e2e : public e2e::shared_server<cart_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }

  std::string internship(long long price) {
    auto id = e2e::unique("cart-intern");
    auto r = call(port(), "POST", "/api/v1/admin/internships",
                  R"({"id":")" + id + R"(","title":"T","category":"c","price":)" +
                      std::to_string(price) + R"(,"currency":"INR","seats":null})",
                  {{"Authorization", "Bearer " + e2e::token_for("admin", true)}});
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  std::string cart(const std::vector<std::string>& ids, const headers& h = {}) {
    std::string products;
    for (auto& id : ids)
      products += (products.empty() ? "" : ",") + std::string(R"({"internship_id":")") + id + "\"}";
    auto r = call(port(), "POST", "/api/v1/cart", R"({"products":[)" + products + "]}", h);
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return str(r.json()["data"]["cart"], "token");
  }

  static void expect_error(const e2e::reply& r, int status, int code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto d = r.json();
    ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
    EXPECT_EQ(d["error"]["code"].GetInt(), code) << r.body;
  }
};

TEST_F(cart_e2e, patch_and_delete_items) {
  auto a = internship(1000);
  auto b = internship(2500);
  auto token = cart({a, b});
  auto base = "/api/v1/cart/" + token + "/items/";
  auto patched = call(port(), "PATCH", base + a, R"({"quantity":3})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto d = patched.json();
  EXPECT_EQ(d["data"]["cart"]["totals"]["sub_total"].GetInt64(), 3 * 1000 + 2500);
  expect_error(call(port(), "PATCH", base + a, R"({"quantity":101})"), 422, 1000);
  expect_error(call(port(), "PATCH", base + a, R"({"quantity":"2"})"), 422, 1000);
  expect_error(call(port(), "PATCH", base + "not-in-cart", R"({"quantity":1})"), 422, 1101);
  auto removed = call(port(), "PATCH", base + a, R"({"quantity":0})");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.json()["data"]["cart"]["items"].Size(), 1u);
  auto deleted = call(port(), "DELETE", base + b);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["data"]["cart"]["items"].Size(), 0u);
  expect_error(call(port(), "DELETE", base + b), 422, 1101);
  // Stored, not just answered: a fresh read shows the same.
  auto got = call(port(), "GET", "/api/v1/cart/" + token);
  EXPECT_EQ(got.json()["data"]["cart"]["items"].Size(), 0u);
}

TEST_F(cart_e2e, billing_drives_the_tax) {
  auto token = cart({internship(16776)});
  auto billing = "/api/v1/cart/" + token + "/billing";
  auto estimate = [&] {
    auto r = call(port(), "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + token + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  // Same state as the seller (default KA): CGST 9% + SGST 9%, each half-up.
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"IN","state":"KA"})").status, 200);
  auto same = estimate();
  ASSERT_EQ(same["data"]["tax_breakdown"].Size(), 2u);
  EXPECT_EQ(str(same["data"]["tax_breakdown"][0], "name"), "CGST");
  EXPECT_EQ(same["data"]["tax_breakdown"][0]["amount"].GetInt64(), 1510);
  EXPECT_EQ(same["data"]["tax_total"].GetInt64(), 3020);
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"IN","state":"MH"})").status, 200);
  auto other = estimate();
  EXPECT_EQ(str(other["data"]["tax_breakdown"][0], "name"), "IGST");
  EXPECT_EQ(other["data"]["total"].GetInt64(), 19796);
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"US"})").status, 200);
  EXPECT_EQ(estimate()["data"]["tax_total"].GetInt64(), 0);
  expect_error(call(port(), "PUT", billing, R"({"country":"india"})"), 422, 1000);
  expect_error(call(port(), "PUT", billing, R"({"state":"KA"})"), 422, 1000);
}

TEST_F(cart_e2e, sign_in_attaches_or_merges_the_guest_cart) {
  auto a = internship(1000);
  auto b = internship(2000);
  auto user_id = e2e::unique("shopper");
  headers auth{{"Authorization", "Bearer " + e2e::token_for(user_id)}};

  auto guest = cart({a});
  auto check = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check");
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_FALSE(check.json()["data"]["authenticated"].GetBool());
  auto check_signed = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check", {}, auth);
  EXPECT_TRUE(check_signed.json()["data"]["authenticated"].GetBool());
  EXPECT_FALSE(check_signed.json()["data"]["owns_cart"].GetBool());

  expect_error(call(port(), "POST", "/api/v1/cart/" + guest + "/auth/login"), 401, 1401);
  auto attached = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/login", {}, auth);
  ASSERT_EQ(attached.status, 200) << attached.body;
  EXPECT_EQ(str(attached.json()["data"]["cart"], "user_id"), user_id);
  auto owns = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check", {}, auth);
  EXPECT_TRUE(owns.json()["data"]["owns_cart"].GetBool());
  // Now the user's: invisible to guests and to other users.
  expect_error(call(port(), "GET", "/api/v1/cart/" + guest), 404, 1001);
  expect_error(call(port(), "PATCH", "/api/v1/cart/" + guest + "/items/" + a, R"({"quantity":2})"),
               404, 1001);

  // A second guest cart signed in by the same user merges into the first.
  auto second = cart({b});
  auto merged = call(port(), "POST", "/api/v1/cart/" + second + "/auth/login", {}, auth);
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto m = merged.json();
  EXPECT_EQ(str(m["data"]["cart"], "token"), guest);
  EXPECT_EQ(m["data"]["cart"]["items"].Size(), 2u);
  EXPECT_EQ(m["data"]["cart"]["totals"]["sub_total"].GetInt64(), 3000);
  expect_error(call(port(), "GET", "/api/v1/cart/" + second), 410, 1002);
}

TEST_F(cart_e2e, converted_cart_is_read_only) {
  auto id = internship(1000);
  auto token = cart({id});
  auto user = e2e::token_for(e2e::unique("buyer"));
  auto order = call(port(), "POST", "/api/v1/orders", R"({"cart_token":")" + token + "\"}",
                    {{"Authorization", "Bearer " + user}, {"Idempotency-Key", e2e::unique("k")}});
  ASSERT_EQ(order.status, 201) << order.body;
  auto got =
      call(port(), "GET", "/api/v1/cart/" + token, {}, {{"Authorization", "Bearer " + user}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(got.json()["data"]["cart"], "status"), "converted");
  expect_error(call(port(), "POST", "/api/v1/cart/" + token + "/items",
                    R"({"internship_id":")" + id + R"(","quantity":1})",
                    {{"Authorization", "Bearer " + user}}),
               409, 1003);
}

}  // namespace
