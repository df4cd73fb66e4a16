// Referrals through the real binary (CONTRACT §16): a user's code gives a
// friend's first order 10% off; the referrer's reward coupon comes when that
// order is paid, once, never for one's own code, and stops working when the
// order is refunded.
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;
using e2e::str;
using json_expect::kind;

class referrals : public e2e::shared_server<referrals> {
 protected:
  e2e::shop shop{srv->port()};
  std::string referrer = e2e::unique("referrer");

  e2e::reply mine(const std::string& user) {
    return call(shop.port, "GET", "/api/v1/referrals/me", {},
                {{"Authorization", shop.bearer(user)}});
  }
  std::string code_of(const std::string& user) {
    auto r = mine(user);
    EXPECT_EQ(r.status, 200) << r.body;
    return json_expect::string_at(r.json(), "data.code");
  }

  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };
  // A cart of `internship` for `user` with `code` applied (asserted to apply).
  std::string cart_with(const std::string& user, const std::string& internship,
                        const std::string& code) {
    auto cart = shop.cart(user, internship);
    auto applied = shop.apply_coupon(cart, user, code);
    EXPECT_EQ(applied.status, 200) << applied.body;
    return cart;
  }
  placed place(const std::string& user, const std::string& cart) {
    auto r = shop.place(user, cart, e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    return {json_expect::string_at(d, "data.order.order_token"),
            json_expect::string_at(d, "data.order.payment.gateway_order_id"),
            json_expect::int_at(d, "data.order.total")};
  }
  void pay(const std::string& user, const placed& o) {
    ASSERT_EQ(shop.razorpay_event("payment.captured", o.gateway_order_id, o.total).status, 200);
    ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, o.token) == "completed"; }, 5s));
  }
  // The referred entry of `order` in the referrer's list ("" members when absent).
  rapidjson::Document entry(const std::string& order) {
    auto d = mine(referrer).json();
    rapidjson::Document out;
    out.SetObject();
    if (!json_expect::is(d, "data.referred", kind::array)) return out;
    for (auto& e : d["data"]["referred"].GetArray())
      if (str(e, "order_token") == order) out.CopyFrom(e, out.GetAllocator());
    return out;
  }
  std::string reward_of(const std::string& order) {
    auto e = entry(order);
    return str(e, "reward_coupon");
  }
};

TEST_F(referrals, every_user_has_one_code_and_a_guest_has_none) {
  auto code = code_of(referrer);
  EXPECT_EQ(code.rfind("REF", 0), 0u) << code;
  EXPECT_EQ(code_of(referrer), code);
  EXPECT_NE(code_of(e2e::unique("other")), code);
  auto guest = call(shop.port, "GET", "/api/v1/referrals/me");
  EXPECT_TRUE(json_expect::error_envelope(guest.status, guest.body, 401, 1401));
}

TEST_F(referrals, ones_own_code_is_refused_with_the_reason) {
  auto code = code_of(referrer);
  auto cart = shop.cart(referrer, shop.internship(10000));
  auto own = shop.apply_coupon(cart, referrer, code);
  EXPECT_TRUE(json_expect::error_envelope(own.status, own.body, 422, 2004));
  EXPECT_NE(own.body.find("your own referral code"), std::string::npos) << own.body;
  // A guest cannot use a code at all: it has to sign in first.
  auto guest_cart = call(shop.port, "POST", "/api/v1/cart",
                         R"({"products":[{"internship_id":")" + shop.internship(10000) + "\"}]}");
  auto guest_token = str(guest_cart.json()["data"]["cart"], "token");
  auto guest = call(shop.port, "POST", "/api/v1/cart/" + guest_token + "/coupon",
                    R"({"coupon":")" + code + R"("})");
  EXPECT_TRUE(json_expect::error_envelope(guest.status, guest.body, 422, 2004));
  EXPECT_NE(guest.body.find("sign in"), std::string::npos) << guest.body;
}

TEST_F(referrals, the_reward_comes_once_the_friends_order_is_paid_and_only_once) {
  auto code = code_of(referrer);
  auto friend_user = e2e::unique("friend");
  auto cart = cart_with(friend_user, shop.internship(10000), code);
  auto o = place(friend_user, cart);
  // 10000 less 10% plus 18% GST.
  EXPECT_EQ(o.total, 10620);

  // Placed, not paid: listed, no reward yet.
  auto before = entry(o.token);
  EXPECT_EQ(str(before, "status"), "awaiting_payment");
  EXPECT_TRUE(before.HasMember("reward_coupon") && before["reward_coupon"].IsNull());

  pay(friend_user, o);
  auto reward = reward_of(o.token);
  EXPECT_EQ(reward.rfind("RWD", 0), 0u) << reward;
  EXPECT_TRUE(json_expect::at(entry(o.token), "reward_usable", true));

  // The capture delivered again (another event id) gives nothing more.
  shop.razorpay_event("payment.captured", o.gateway_order_id, o.total);
  EXPECT_EQ(reward_of(o.token), reward);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM coupons WHERE reserved_for = $1", referrer), "1");

  // The friend's next order cannot use the code again.
  auto again = shop.apply_coupon(shop.cart(friend_user, shop.internship(10000)), friend_user, code);
  EXPECT_TRUE(json_expect::error_envelope(again.status, again.body, 422, 2004));

  // The reward: 10% for the referrer, once; nobody else may use it.
  auto stranger =
      shop.apply_coupon(shop.cart(friend_user, shop.internship(20000)), friend_user, reward);
  EXPECT_TRUE(json_expect::error_envelope(stranger.status, stranger.body, 422, 2004));
  EXPECT_NE(stranger.body.find("another account"), std::string::npos) << stranger.body;
  auto own_cart = shop.cart(referrer, shop.internship(20000));
  auto used = shop.apply_coupon(own_cart, referrer, reward);
  ASSERT_EQ(used.status, 200) << used.body;
  EXPECT_TRUE(json_expect::at(used.json(), "data.discount_amount", std::int64_t{2000}));
  auto spent = place(referrer, own_cart);
  pay(referrer, spent);
  auto twice = shop.apply_coupon(shop.cart(referrer, shop.internship(20000)), referrer, reward);
  EXPECT_TRUE(json_expect::error_envelope(twice.status, twice.body, 422, 2004));
}

TEST_F(referrals, a_refunded_order_takes_its_unused_reward_back) {
  auto code = code_of(referrer);
  auto friend_user = e2e::unique("friend");
  auto o = place(friend_user, cart_with(friend_user, shop.internship(10000), code));
  pay(friend_user, o);
  auto reward = reward_of(o.token);
  ASSERT_FALSE(reward.empty());
  auto refund = call(shop.port, "POST", "/api/v1/admin/orders/" + o.token + "/refund",
                     R"({"reason":"asked"})", {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(refund.status, 200) << refund.body;
  auto e = entry(o.token);
  EXPECT_EQ(str(e, "status"), "refunded");
  EXPECT_TRUE(json_expect::at(e, "reward_usable", false));
  auto late = shop.apply_coupon(shop.cart(referrer, shop.internship(20000)), referrer, reward);
  EXPECT_TRUE(json_expect::error_envelope(late.status, late.body, 422, 2004));
  EXPECT_NE(late.body.find("inactive"), std::string::npos) << late.body;
}

TEST_F(referrals, an_order_left_unpaid_earns_nothing) {
  auto code = code_of(referrer);
  auto friend_user = e2e::unique("friend");
  auto o = place(friend_user, cart_with(friend_user, shop.internship(10000), code));
  ASSERT_EQ(shop.razorpay_event("payment.failed", o.gateway_order_id, o.total).status, 200);
  EXPECT_EQ(str(entry(o.token), "status"), "failed");
  EXPECT_EQ(reward_of(o.token), "");
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM coupons WHERE reserved_for = $1", referrer), "0");
}

TEST_F(referrals, operators_see_every_referral_and_the_totals) {
  auto code = code_of(referrer);
  auto friend_user = e2e::unique("friend");
  auto o = place(friend_user, cart_with(friend_user, shop.internship(10000), code));
  pay(friend_user, o);
  auto user = call(shop.port, "GET", "/api/v1/admin/referrals", {},
                   {{"Authorization", shop.bearer(friend_user)}});
  EXPECT_TRUE(json_expect::error_envelope(user.status, user.body, 403, 1403));
  auto r = call(shop.port, "GET", "/api/v1/admin/referrals?limit=1000", {},
                {{"Authorization", "Bearer " + shop.admin}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_GE(json_expect::int_at(d, "data.totals.referrals"), 1);
  EXPECT_GE(json_expect::int_at(d, "data.totals.rewarded"), 1);
  bool found = false;
  for (auto& e : d["data"]["referrals"].GetArray())
    if (str(e, "order_token") == o.token) {
      found = true;
      EXPECT_EQ(str(e, "referrer_id"), referrer);
      EXPECT_EQ(str(e, "referred_user_id"), friend_user);
      EXPECT_EQ(str(e, "code"), code);
    }
  EXPECT_TRUE(found) << r.body;
  auto bad = call(shop.port, "GET", "/api/v1/admin/referrals?limit=0", {},
                  {{"Authorization", "Bearer " + shop.admin}});
  EXPECT_TRUE(json_expect::error_envelope(bad.status, bad.body, 422, 1000));
}

}  // namespace
