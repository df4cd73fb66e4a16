// Two checkoutd processes on one database and one broker vhost, requests sent
// to either as a balancer without affinity does (CONTRACT §14): each answer
// must be what one process would have answered. Both instances first read
// the cart or order, so each holds an actor for it; then one of them changes
// it, and the other must decide and answer from the committed row, not from
// the copy its actor loaded before.
#include <gtest/gtest.h>

#include "e2e_shop.hpp"
#include "support/fake_gateway.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using checkout::testing::fake_gateway;
using e2e::call;

class instances : public ::testing::Test {
 public:
  // The enrollment sweeper re-publishes a paid order's event only after its
  // grace; a long one keeps it out of the way, so enrollment is the event's.
  static std::map<std::string, std::string> env() { return {{"ENROLLMENT_GRACE", "10m"}}; }
  static void SetUpTestSuite() {
    a_ = new e2e::server(env());
    b_ = new e2e::server(env());
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
    a_ = b_ = nullptr;
  }

 protected:
  static e2e::server* a_;
  static e2e::server* b_;
  e2e::shop a{a_->port()};
  e2e::shop b{b_->port()};
  std::string user = e2e::unique("two-instances");
};
e2e::server* instances::a_ = nullptr;
e2e::server* instances::b_ = nullptr;

rapidjson::Document estimate(e2e::shop& s, const std::string& user, const std::string& cart) {
  auto r = call(s.port, "POST", "/api/v1/cart/estimate", R"({"cart_token":")" + cart + R"("})",
                {{"Authorization", e2e::shop::bearer(user)}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

rapidjson::Document get_cart(e2e::shop& s, const std::string& user, const std::string& cart) {
  auto r =
      call(s.port, "GET", "/api/v1/cart/" + cart, {}, {{"Authorization", e2e::shop::bearer(user)}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

TEST_F(instances, an_estimate_includes_a_coupon_applied_through_the_other_instance) {
  auto code = a.coupon(R"("type":"percentage","value":20})");
  auto cart = a.cart(user, a.internship(100000));
  auto before = estimate(a, user, cart);
  auto full = json_expect::int_at(before, "data.total");
  EXPECT_TRUE(json_expect::at(before, "data.discount_amount", 0));

  auto applied = b.apply_coupon(cart, user, code);
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto new_total = json_expect::int_at(applied.json(), "data.new_total");
  ASSERT_LT(new_total, full);

  // The instance whose cart actor priced the cart before the coupon.
  auto after = estimate(a, user, cart);
  EXPECT_TRUE(json_expect::at(after, "data.total", static_cast<std::int64_t>(new_total)));
  auto seen = get_cart(a, user, cart);
  EXPECT_TRUE(json_expect::has_size(seen, "data.cart.coupons", 1));
  EXPECT_TRUE(
      json_expect::at(seen, "data.cart.totals.total", static_cast<std::int64_t>(new_total)));
}

TEST_F(instances, a_line_added_through_one_instance_is_in_the_other_instances_answers) {
  auto cart = a.cart(user, a.internship(50000));
  EXPECT_TRUE(json_expect::has_size(get_cart(b, user, cart), "data.cart.items", 1));
  auto second = a.internship(70000);
  auto added = call(a.port, "POST", "/api/v1/cart/" + cart + "/items",
                    R"({"internship_id":")" + second + R"(","quantity":1})",
                    {{"Authorization", e2e::shop::bearer(user)}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_TRUE(json_expect::has_size(get_cart(b, user, cart), "data.cart.items", 2));
  auto total = json_expect::int_at(added.json(), "data.cart.totals.total");
  EXPECT_TRUE(
      json_expect::at(estimate(b, user, cart), "data.total", static_cast<std::int64_t>(total)));
}

// Each order is read through both instances first, so both hold an actor
// that saw it awaiting payment; the captures go to one of them, and each
// enrollment event reaches whichever instance's consumer takes it.
TEST_F(instances, an_order_paid_through_either_instance_is_enrolled_within_two_seconds) {
  struct placed {
    std::string token, gateway_order_id;
    long long total = 0;
  };
  std::vector<placed> orders;
  for (int i = 0; i < 8; ++i) {
    auto buyer = user + "-" + std::to_string(i);
    auto& placer = i % 2 ? a : b;
    auto r = placer.place(buyer, placer.cart(buyer, a.internship(30000)), e2e::unique("key"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto d = r.json();
    orders.push_back({json_expect::string_at(d, "data.order.order_token"),
                      json_expect::string_at(d, "data.order.payment.gateway_order_id"),
                      json_expect::int_at(d, "data.order.total")});
    ASSERT_EQ(a.status_of(buyer, orders.back().token), "awaiting_payment");
    ASSERT_EQ(b.status_of(buyer, orders.back().token), "awaiting_payment");
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    auto& o = orders[i];
    // All through one instance: the broker hands the enrollment events to
    // both instances' consumers in turn, so half reach the other one.
    auto r = b.razorpay_event("payment.captured", o.gateway_order_id, o.total);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Two seconds from the last capture (CONTRACT §14). Watched in the
  // database: a read through an instance would refresh its actor.
  auto until = std::chrono::steady_clock::now() + 2s;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    auto& o = orders[i];
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto stored = [&] {
      return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", o.token);
    };
    EXPECT_TRUE(e2e::eventually([&] { return stored() == "completed"; }, std::max(left, 0ms)))
        << "order " << i << " is " << stored() << " two seconds after its capture";
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    auto buyer = user + "-" + std::to_string(i);
    EXPECT_EQ(a.status_of(buyer, orders[i].token), "completed") << "order " << i;
    EXPECT_EQ(b.status_of(buyer, orders[i].token), "completed") << "order " << i;
  }
}

std::string stored_status(const std::string& token) {
  return e2e::db_value("SELECT status FROM orders WHERE token = $1::uuid", token);
}

// Periodic work (CONTRACT §14): both instances hold each order's actor with
// its payment-window timer, and both scan for orders due to expire; still the
// gateway is asked once per order whether it was paid, and its session is
// closed once.
TEST(instances_jobs, an_order_past_its_window_is_checked_and_closed_at_the_gateway_once) {
  auto stripe = fake_gateway::stripe("sk_test_instances");
  std::map<std::string, std::string> env = {
      {"PAYMENT_GATEWAY", "stripe"},           {"STRIPE_SECRET_KEY", "sk_test_instances"},
      {"STRIPE_API_BASE", stripe->base_url()}, {"ORDER_PAYMENT_TIMEOUT", "2s"},
      {"ORDER_EXPIRY_SCAN_INTERVAL", "200ms"}, {"PAYMENT_SYNC_INTERVAL", "1h"}};
  e2e::server a_srv(env);
  e2e::server b_srv(env);
  e2e::shop a{a_srv.port()};
  e2e::shop b{b_srv.port()};
  auto place = [&] {
    auto user = e2e::unique("expiring");
    auto r = a.place(user, a.cart(user, a.internship(30000)), e2e::unique("key"));
    EXPECT_EQ(r.status, 201) << r.body;
    auto token = json_expect::string_at(r.json(), "data.order.order_token");
    EXPECT_EQ(b.status_of(user, token), "awaiting_payment");
    return token;
  };
  std::vector<std::string> orders;
  for (int i = 0; i < 4; ++i) orders.push_back(place());
  for (auto& token : orders)
    EXPECT_TRUE(e2e::eventually([&] { return stored_status(token) == "expired"; }, 15s))
        << token << " is " << stored_status(token);
  // A later order expired through the same two instances: a second check of
  // the first four, had one been started, would have reached the gateway.
  auto marker = place();
  ASSERT_TRUE(e2e::eventually([&] { return stored_status(marker) == "expired"; }, 15s));
  // Per order: the session made at placement, one look at it, one expire.
  EXPECT_EQ(stripe->create_calls(), 5);
  EXPECT_EQ(stripe->expire_calls(), 5);
  EXPECT_EQ(stripe->requests(), 15);
}

}  // namespace
