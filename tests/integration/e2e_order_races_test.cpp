// Orders under concurrency (issue 4, acceptance 1 and 2): one key placed by
// many requests at once makes one order and one gateway order; seats and
// coupon uses are held atomically and come back when the window closes.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "e2e_shop.hpp"
#include "support/json_expect.hpp"

using namespace std::chrono_literals;

namespace {

using e2e::call;

std::string order_token_of(const e2e::reply& r) {
  return json_expect::string_at(r.json(), "data.order.order_token");
}

class order_races : public e2e::shared_server<order_races> {
 public:
  // A short window and a fast scan, so expiry is seen within the test.
  static std::map<std::string, std::string> env() {
    return {{"ORDER_PAYMENT_TIMEOUT", "3s"},
            {"ORDER_EXPIRY_SCAN_INTERVAL", "500ms"},
            {"DB_POOL_SIZE", "8"}};
  }

 protected:
  e2e::shop shop{srv->port()};
};

// Runs `n` calls of `f(i)` at once on their own threads; answers the replies in order.
template <class F>
std::vector<e2e::reply> at_once(int n, F f) {
  std::atomic<bool> go{false};
  std::vector<std::future<e2e::reply>> futures;
  for (int i = 0; i < n; ++i)
    futures.push_back(std::async(std::launch::async, [&, i] {
      while (!go.load()) std::this_thread::yield();
      return f(i);
    }));
  go = true;
  std::vector<e2e::reply> out;
  for (auto& fu : futures) out.push_back(fu.get());
  return out;
}

long long count_rows(const std::string& sql, const std::string& param) {
  return std::stoll(e2e::db_value(sql, param));
}

TEST_F(order_races, fifty_requests_with_one_key_make_one_order) {
  auto user = e2e::unique("racer");
  auto cart = shop.cart(user, shop.internship(50000));
  auto key = e2e::unique("key");
  auto replies = at_once(50, [&](int) { return shop.place(user, cart, key); });

  std::set<std::string> orders;
  std::string first_body;
  int created = 0, in_progress = 0;
  for (auto& r : replies) {
    if (r.status == 201) {
      ++created;
      orders.insert(order_token_of(r));
      if (first_body.empty()) first_body = r.body;
      EXPECT_EQ(r.body, first_body) << "every 201 is the same response";
    } else {
      ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 409, 6002));
      EXPECT_TRUE(json_expect::at(r.json(), "error.retryable", true));
      ++in_progress;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(created + in_progress, 50);
  ASSERT_EQ(orders.size(), 1u);
  auto token = *orders.begin();
  EXPECT_EQ(count_rows("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", cart), 1);
  // One payment attempt, one gateway order.
  EXPECT_EQ(count_rows("SELECT count(*) FROM payment_attempts WHERE order_token = $1::uuid "
                       "AND gateway_order_id IS NOT NULL",
                       token),
            1);
  // Afterwards the key replays the first answer byte for byte.
  auto again = shop.place(user, cart, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first_body);
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
}

TEST_F(order_races, a_hundred_keys_ten_copies_each_make_a_hundred_orders) {
  auto internship = shop.internship(20000, "null");
  struct job {
    std::string user, cart, key;
  };
  std::vector<job> jobs;
  for (int i = 0; i < 100; ++i) {
    auto user = e2e::unique("buyer");
    jobs.push_back({user, shop.cart(user, internship), e2e::unique("key")});
  }
  auto replies = at_once(1000, [&](int i) {
    auto& j = jobs[i % 100];
    e2e::reply r;
    // A copy that found the first still running retries, as a client would,
    // until the first is done.
    e2e::eventually(
        [&] {
          r = shop.place(j.user, j.cart, j.key);
          return r.status != 409;
        },
        60s);
    return r;
  });
  std::map<std::string, std::set<std::string>> orders_by_key;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(replies[i].status, 201) << replies[i].body;
    orders_by_key[jobs[i % 100].key].insert(order_token_of(replies[i]));
  }
  ASSERT_EQ(orders_by_key.size(), 100u);
  for (auto& [key, tokens] : orders_by_key) EXPECT_EQ(tokens.size(), 1u) << key;
  for (auto& j : jobs)
    EXPECT_EQ(count_rows("SELECT count(*) FROM orders WHERE cart_token = $1::uuid", j.cart), 1);
}

TEST_F(order_races, thirty_users_race_for_five_seats) {
  auto internship = shop.internship(30000, "5");
  std::vector<std::pair<std::string, std::string>> buyers;
  for (int i = 0; i < 30; ++i) {
    auto user = e2e::unique("seat");
    buyers.emplace_back(user, shop.cart(user, internship));
  }
  auto replies = at_once(
      30, [&](int i) { return shop.place(buyers[i].first, buyers[i].second, e2e::unique("key")); });
  int won = 0, sold_out = 0;
  std::vector<std::pair<std::string, std::string>> winners;
  for (int i = 0; i < 30; ++i) {
    auto& r = replies[i];
    if (r.status == 201) {
      ++won;
      winners.emplace_back(buyers[i].first, order_token_of(r));
    } else {
      ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 409, 5003));
      ++sold_out;
    }
  }
  EXPECT_EQ(won, 5);
  EXPECT_EQ(sold_out, 25);
  EXPECT_EQ(shop.seats_available(internship), 0);

  // Nobody pays: the windows close and the seats come back.
  for (auto& [user, token] : winners)
    EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 15s))
        << token;
  EXPECT_EQ(shop.seats_available(internship), 5);
  auto late = e2e::unique("seat");
  auto r = shop.place(late, shop.cart(late, internship), e2e::unique("key"));
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(order_races, a_coupon_limited_to_three_uses_raced_by_fifteen_users) {
  auto internship = shop.internship(40000, "null");
  auto code = shop.coupon(R"("type":"percentage","value":25,"usage_limit_total":3})");
  std::vector<std::pair<std::string, std::string>> buyers;
  for (int i = 0; i < 15; ++i) {
    auto user = e2e::unique("coupon");
    auto cart = shop.cart(user, internship);
    auto applied = shop.apply_coupon(cart, user, code);
    ASSERT_EQ(applied.status, 200) << applied.body;
    buyers.emplace_back(user, cart);
  }
  auto replies = at_once(
      15, [&](int i) { return shop.place(buyers[i].first, buyers[i].second, e2e::unique("key")); });
  int discounted = 0, refused = 0;
  std::vector<std::pair<std::string, std::string>> winners;
  for (int i = 0; i < 15; ++i) {
    auto& r = replies[i];
    if (r.status == 201) {
      EXPECT_TRUE(json_expect::at(r.json(), "data.order.discount_amount", 10000));
      ++discounted;
      winners.emplace_back(buyers[i].first, order_token_of(r));
    } else {
      ASSERT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 2004));
      EXPECT_NE(json_expect::string_at(r.json(), "error.validation_messages[0]")
                    .find("usage limit reached"),
                std::string::npos)
          << r.body;
      ++refused;
    }
  }
  EXPECT_EQ(discounted, 3);
  EXPECT_EQ(refused, 12);
  EXPECT_EQ(count_rows("SELECT count(*) FROM coupon_redemptions WHERE code = upper($1) "
                       "AND status IN ('held', 'redeemed')",
                       code),
            3);

  // After the windows close the uses come back: a new buyer gets the discount.
  for (auto& [user, token] : winners)
    EXPECT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 15s));
  EXPECT_EQ(count_rows("SELECT uses_count FROM coupons WHERE code = upper($1)", code), 0);
  auto late = e2e::unique("coupon");
  auto cart = shop.cart(late, internship);
  ASSERT_EQ(shop.apply_coupon(cart, late, code).status, 200);
  auto r = shop.place(late, cart, e2e::unique("key"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(json_expect::at(r.json(), "data.order.discount_amount", 10000));
}

TEST_F(order_races, a_per_user_limit_holds_across_the_users_orders) {
  auto code =
      shop.coupon(R"("type":"fixed","value":1000,"currency":"INR","usage_limit_per_user":1})");
  auto user = e2e::unique("once");
  auto first = shop.cart(user, shop.internship(40000, "null"));
  ASSERT_EQ(shop.apply_coupon(first, user, code).status, 200);
  ASSERT_EQ(shop.place(user, first, e2e::unique("key")).status, 201);
  // The first order holds the user's one use, so the second cart cannot be ordered with it.
  auto second = shop.cart(user, shop.internship(40000, "null"));
  auto applied = shop.apply_coupon(second, user, code);
  if (applied.status == 200) {
    auto r = shop.place(user, second, e2e::unique("key"));
    EXPECT_TRUE(json_expect::error_envelope(r.status, r.body, 422, 2004));
  } else {
    EXPECT_TRUE(json_expect::error_envelope(applied.status, applied.body, 422, 2004));
  }
}

// A first-order coupon goes to one order per user, even while the first
// order is unpaid; when that order expires, the claim comes back.
TEST_F(order_races, a_first_order_coupon_goes_to_one_unpaid_order_at_a_time) {
  auto code = shop.coupon(R"("type":"percentage","value":20,"first_order_only":true})");
  auto internship = shop.internship(10000, "null");
  auto user = e2e::unique("first");
  auto cart_with_coupon = [&] {
    auto cart = shop.cart(user, internship);
    auto applied = shop.apply_coupon(cart, user, code);
    EXPECT_EQ(applied.status, 200) << applied.body;
    return cart;
  };
  auto first = shop.place(user, cart_with_coupon(), e2e::unique("key"));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_TRUE(json_expect::at(first.json(), "data.order.discount_amount", 2000));
  // The first order is unpaid, so the cart accepts the coupon; the order does not.
  auto second_cart = cart_with_coupon();
  auto second = shop.place(user, second_cart, e2e::unique("key"));
  ASSERT_TRUE(json_expect::error_envelope(second.status, second.body, 422, 2004));
  EXPECT_NE(second.body.find("first order only"), std::string::npos) << second.body;

  auto token = order_token_of(first);
  ASSERT_TRUE(e2e::eventually([&] { return shop.status_of(user, token) == "expired"; }, 15s));
  auto third = shop.place(user, second_cart, e2e::unique("key"));
  ASSERT_EQ(third.status, 201) << third.body;
  EXPECT_TRUE(json_expect::at(third.json(), "data.order.discount_amount", 2000));
}

}  // namespace
