// Cart routes of CONTRACT §6 through the real binary: items, billing, sign-in.
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;
using json_expect::error_envelope;
using headers = std::vector<std::pair<std::string, std::string>>;

class cart_e2e : public e2e::shared_server<cart_e2e> {
 protected:
  unsigned short port() const { return srv->port(); }
  e2e::shop shop{srv->port()};

  // An internship with unlimited seats, so no test runs out of them.
  std::string internship(long long price) {
    return shop.internship(price, "null", "c", {}, "cart-intern");
  }

  std::string cart(const std::vector<std::string>& ids, const headers& h = {}) {
    std::string products;
    for (auto& id : ids)
      products += (products.empty() ? "" : ",") + std::string(R"({"internship_id":")") + id + "\"}";
    auto r = call(port(), "POST", "/api/v1/cart", R"({"products":[)" + products + "]}", h);
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    return json_expect::string_at(r.json(), "data.cart.token");
  }
};

TEST_F(cart_e2e, patch_and_delete_items) {
  auto a = internship(1000);
  auto b = internship(2500);
  auto token = cart({a, b});
  auto base = "/api/v1/cart/" + token + "/items/";
  auto patched = call(port(), "PATCH", base + a, R"({"quantity":3})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(json_expect::at(patched.json(), "data.cart.totals.sub_total", 3 * 1000 + 2500));
  auto too_many = call(port(), "PATCH", base + a, R"({"quantity":101})");
  EXPECT_TRUE(error_envelope(too_many.status, too_many.body, 422, 1000));
  auto text = call(port(), "PATCH", base + a, R"({"quantity":"2"})");
  EXPECT_TRUE(error_envelope(text.status, text.body, 422, 1000));
  auto absent = call(port(), "PATCH", base + "not-in-cart", R"({"quantity":1})");
  EXPECT_TRUE(error_envelope(absent.status, absent.body, 422, 1101));
  auto removed = call(port(), "PATCH", base + a, R"({"quantity":0})");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(json_expect::has_size(removed.json(), "data.cart.items", 1));
  auto deleted = call(port(), "DELETE", base + b);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_TRUE(json_expect::has_size(deleted.json(), "data.cart.items", 0));
  auto twice = call(port(), "DELETE", base + b);
  EXPECT_TRUE(error_envelope(twice.status, twice.body, 422, 1101));
  // Stored, not just answered: a fresh read shows the same.
  auto got = call(port(), "GET", "/api/v1/cart/" + token);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(json_expect::has_size(got.json(), "data.cart.items", 0));
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
  ASSERT_TRUE(json_expect::has_size(same, "data.tax_breakdown", 2));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[0].name", "CGST"));
  EXPECT_TRUE(json_expect::at(same, "data.tax_breakdown[0].amount", 1510));
  EXPECT_TRUE(json_expect::at(same, "data.tax_total", 3020));
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"IN","state":"MH"})").status, 200);
  auto other = estimate();
  EXPECT_TRUE(json_expect::at(other, "data.tax_breakdown[0].name", "IGST"));
  EXPECT_TRUE(json_expect::at(other, "data.total", 19796));
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"US"})").status, 200);
  EXPECT_TRUE(json_expect::at(estimate(), "data.tax_total", 0));
  auto not_iso = call(port(), "PUT", billing, R"({"country":"india"})");
  EXPECT_TRUE(error_envelope(not_iso.status, not_iso.body, 422, 1000));
  auto no_country = call(port(), "PUT", billing, R"({"state":"KA"})");
  EXPECT_TRUE(error_envelope(no_country.status, no_country.body, 422, 1000));
}

// CONTRACT §16: the buyer's name and GSTIN for the invoice, the GSTIN checked.
TEST_F(cart_e2e, billing_takes_a_name_and_a_checked_gstin) {
  auto token = cart({internship(1000)});
  auto billing = "/api/v1/cart/" + token + "/billing";
  auto set = call(port(), "PUT", billing,
                  R"({"country":"IN","state":"KA","name":"Asha Rao","gstin":"29aagcb7383j1z4"})");
  ASSERT_EQ(set.status, 200) << set.body;
  auto got = call(port(), "GET", "/api/v1/cart/" + token).json();
  EXPECT_TRUE(json_expect::at(got, "data.cart.billing.name", "Asha Rao"));
  EXPECT_TRUE(json_expect::at(got, "data.cart.billing.gstin", "29AAGCB7383J1Z4"));

  for (auto [gstin, reason] : std::vector<std::pair<std::string, std::string>>{
           {"29AAGCB7383J1Z5", "check character"},
           {"29AAGCB7383J1Z", "15 characters"},
           {"45AAGCB7383J1Z4", "state code"},
           {"29AAGC17383J1Z4", "PAN"}}) {
    auto r = call(port(), "PUT", billing,
                  R"({"country":"IN","name":"Asha Rao","gstin":")" + gstin + "\"}");
    EXPECT_TRUE(error_envelope(r.status, r.body, 422, 1000)) << gstin << ": " << r.body;
    EXPECT_NE(r.body.find("gstin"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(reason), std::string::npos) << r.body;
  }
  // A refused GSTIN left the stored one as it was.
  got = call(port(), "GET", "/api/v1/cart/" + token).json();
  EXPECT_TRUE(json_expect::at(got, "data.cart.billing.gstin", "29AAGCB7383J1Z4"));
  // Each request replaces the billing: without a GSTIN, none is kept.
  ASSERT_EQ(call(port(), "PUT", billing, R"({"country":"IN","state":"KA"})").status, 200);
  got = call(port(), "GET", "/api/v1/cart/" + token).json();
  EXPECT_TRUE(json_expect::is(got, "data.cart.billing.gstin", json_expect::kind::null));
}

TEST_F(cart_e2e, sign_in_attaches_or_merges_the_guest_cart) {
  auto a = internship(1000);
  auto b = internship(2000);
  auto user_id = e2e::unique("shopper");
  headers auth{{"Authorization", "Bearer " + e2e::token_for(user_id)}};

  auto guest = cart({a});
  auto check = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check");
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_TRUE(json_expect::at(check.json(), "data.authenticated", false));
  auto check_signed = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check", {}, auth);
  ASSERT_EQ(check_signed.status, 200) << check_signed.body;
  EXPECT_TRUE(json_expect::at(check_signed.json(), "data.authenticated", true));
  EXPECT_TRUE(json_expect::at(check_signed.json(), "data.owns_cart", false));

  auto anonymous = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/login");
  EXPECT_TRUE(error_envelope(anonymous.status, anonymous.body, 401, 1401));
  auto attached = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/login", {}, auth);
  ASSERT_EQ(attached.status, 200) << attached.body;
  EXPECT_TRUE(json_expect::at(attached.json(), "data.cart.user_id", user_id));
  auto owns = call(port(), "POST", "/api/v1/cart/" + guest + "/auth/check", {}, auth);
  ASSERT_EQ(owns.status, 200) << owns.body;
  EXPECT_TRUE(json_expect::at(owns.json(), "data.owns_cart", true));
  // Now the user's: invisible to guests and to other users.
  auto read = call(port(), "GET", "/api/v1/cart/" + guest);
  EXPECT_TRUE(error_envelope(read.status, read.body, 404, 1001));
  auto write = call(port(), "PATCH", "/api/v1/cart/" + guest + "/items/" + a, R"({"quantity":2})");
  EXPECT_TRUE(error_envelope(write.status, write.body, 404, 1001));

  // A second guest cart signed in by the same user merges into the first.
  auto second = cart({b});
  auto merged = call(port(), "POST", "/api/v1/cart/" + second + "/auth/login", {}, auth);
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto m = merged.json();
  EXPECT_TRUE(json_expect::at(m, "data.cart.token", guest));
  EXPECT_TRUE(json_expect::has_size(m, "data.cart.items", 2));
  EXPECT_TRUE(json_expect::at(m, "data.cart.totals.sub_total", 3000));
  auto gone = call(port(), "GET", "/api/v1/cart/" + second);
  EXPECT_TRUE(error_envelope(gone.status, gone.body, 410, 1002));
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
  EXPECT_TRUE(json_expect::at(got.json(), "data.cart.status", "converted"));
  auto add = call(port(), "POST", "/api/v1/cart/" + token + "/items",
                  R"({"internship_id":")" + id + R"(","quantity":1})",
                  {{"Authorization", "Bearer " + user}});
  EXPECT_TRUE(error_envelope(add.status, add.body, 409, 1003));
}

}  // namespace
