// Races between instances (CONTRACT §14): the same cart, the same
// Idempotency-Key, the last seats and the last uses of a coupon, asked for at
// once through three instances. Each request goes to an instance chosen by
// its number, so every instance takes a share of every race.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cluster_support.hpp"
#include "e2e_shop.hpp"
#include "fault_support.hpp"
#include "support/json_expect.hpp"

namespace {

using e2e::call;

int error_code(const e2e::reply& r) {
  auto d = r.json();
  return d.IsObject() && d.HasMember("error") && d["error"].IsObject() &&
                 d["error"].HasMember("code") && d["error"]["code"].IsInt()
             ? d["error"]["code"].GetInt()
             : 0;
}

// Runs send(i) for i in [0, count) on `threads` threads at once, all released
// together; answers the replies by i.
std::vector<e2e::reply> all_at_once(int count, int threads,
                                    const std::function<e2e::reply(int)>& send) {
  std::vector<e2e::reply> out(static_cast<size_t>(count));
  std::atomic<int> next{0}, ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      ++ready;
      while (!go) std::this_thread::yield();
      for (int i = next++; i < count; i = next++) {
        try {
          out[static_cast<size_t>(i)] = send(i);
        } catch (const std::exception& e) {
          out[static_cast<size_t>(i)].body = e.what();  // status 0: no answer
        }
      }
    });
  while (ready < threads) std::this_thread::yield();
  go = true;
  for (auto& t : pool) t.join();
  return out;
}

class cluster_races : public ::testing::Test {
 public:
  static void SetUpTestSuite() { shop_ = new cluster::group(3); }
  static void TearDownTestSuite() {
    delete shop_;
    shop_ = nullptr;
  }

 protected:
  static cluster::group* shop_;
  unsigned short via(int i) { return shop_->ports()[static_cast<size_t>(i % shop_->size())]; }
  e2e::shop admin{shop_->port()};
};
cluster::group* cluster_races::shop_ = nullptr;

TEST_F(cluster_races, one_cart_changed_through_all_three_at_once_loses_no_change) {
  constexpr int changes = 200, lines = 4;
  auto user = e2e::unique("one-cart");
  std::vector<std::string> items;
  for (int k = 0; k < lines; ++k) items.push_back(admin.internship(10000 + 1000 * k, "null"));
  auto first = admin.internship(5000, "null");
  auto cart = admin.cart(user, first);
  auto bearer = e2e::shop::bearer(user);

  auto replies = all_at_once(changes, 12, [&](int i) {
    return call(
        via(i), "POST", "/api/v1/cart/" + cart + "/items",
        R"({"internship_id":")" + items[static_cast<size_t>(i % lines)] + R"(","quantity":1})",
        {{"Authorization", bearer}});
  });
  std::map<int, int> statuses;
  for (auto& r : replies) ++statuses[r.status];
  EXPECT_EQ(statuses[200], changes) << "first other answer: " << [&] {
    for (auto& r : replies)
      if (r.status != 200) return std::to_string(r.status) + " " + r.body;
    return std::string();
  }();

  // Every instance answers the cart with all 200 changes in it.
  for (int i = 0; i < shop_->size(); ++i) {
    auto got = call(via(i), "GET", "/api/v1/cart/" + cart, {}, {{"Authorization", bearer}});
    ASSERT_EQ(got.status, 200) << got.body;
    auto doc = got.json();
    const auto& lines_seen = doc["data"]["cart"]["items"];
    ASSERT_TRUE(lines_seen.IsArray());
    std::map<std::string, int> quantity;
    for (const auto& line : lines_seen.GetArray())
      quantity[line["internship_id"].GetString()] = line["quantity"].GetInt();
    EXPECT_EQ(quantity[first], 1) << "instance " << i;
    for (auto& id : items)
      EXPECT_EQ(quantity[id], changes / lines) << "instance " << i << ", line " << id;
  }
}

TEST_F(cluster_races, one_idempotency_key_raced_across_instances_places_one_order) {
  auto user = e2e::unique("one-key");
  auto cart = admin.cart(user, admin.internship(30000));
  auto key = e2e::unique("key");
  auto send = [&](int i) {
    e2e::shop s{via(i)};
    return s.place(user, cart, key);
  };
  auto replies = all_at_once(12, 12, send);
  std::set<std::string> tokens;
  int placed = 0, busy = 0;
  for (auto& r : replies) {
    if (r.status == 201) {
      ++placed;
      tokens.insert(json_expect::string_at(r.json(), "data.order.order_token"));
    } else if (r.status == 409 && error_code(r) == 6002) {
      ++busy;
    } else {
      ADD_FAILURE() << "answer " << r.status << " " << r.body;
    }
  }
  EXPECT_GE(placed, 1);
  EXPECT_EQ(placed + busy, 12);
  EXPECT_EQ(tokens.size(), 1u);
  // Once the first request is done, every instance replays it.
  for (int i = 0; i < shop_->size(); ++i) {
    auto again = send(i);
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.headers["idempotent-replayed"], "true");
    if (!tokens.empty()) {
      EXPECT_EQ(json_expect::string_at(again.json(), "data.order.order_token"), *tokens.begin());
    }
  }
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM orders WHERE user_id = $1", user), "1");
}

TEST_F(cluster_races, the_last_seats_raced_across_instances_are_never_oversold) {
  constexpr int seats = 5, buyers = 15;
  auto internship = admin.internship(25000, std::to_string(seats));
  std::vector<std::string> users, carts;
  for (int i = 0; i < buyers; ++i) {
    users.push_back(e2e::unique("seat"));
    carts.push_back(admin.cart(users.back(), internship));
  }
  auto replies = all_at_once(buyers, buyers, [&](int i) {
    e2e::shop s{via(i)};
    return s.place(users[static_cast<size_t>(i)], carts[static_cast<size_t>(i)],
                   e2e::unique("key"));
  });
  int placed = 0, sold_out = 0;
  for (auto& r : replies) {
    if (r.status == 201)
      ++placed;
    else if (r.status == 409 && error_code(r) == 5003)
      ++sold_out;
    else
      ADD_FAILURE() << "answer " << r.status << " " << r.body;
  }
  EXPECT_EQ(placed, seats);
  EXPECT_EQ(sold_out, buyers - seats);
  for (int i = 0; i < shop_->size(); ++i) {
    e2e::shop s{via(i)};
    EXPECT_EQ(s.seats_available(internship), 0) << "instance " << i;
  }
}

TEST_F(cluster_races, the_last_uses_of_a_coupon_raced_across_instances_are_never_exceeded) {
  constexpr int limit = 5, buyers = 15;
  auto code = admin.coupon(R"("type":"percentage","value":10,"usage_limit_total":5})");
  auto internship = admin.internship(25000, "null");
  std::vector<std::string> users, carts;
  for (int i = 0; i < buyers; ++i) {
    users.push_back(e2e::unique("coupon"));
    carts.push_back(admin.cart(users.back(), internship));
    auto applied = admin.apply_coupon(carts.back(), users.back(), code);
    ASSERT_EQ(applied.status, 200) << applied.body;
  }
  auto replies = all_at_once(buyers, buyers, [&](int i) {
    e2e::shop s{via(i)};
    return s.place(users[static_cast<size_t>(i)], carts[static_cast<size_t>(i)],
                   e2e::unique("key"));
  });
  int placed = 0, refused = 0;
  for (auto& r : replies) {
    if (r.status == 201)
      ++placed;
    else if (r.status == 422 && error_code(r) == 2004)
      ++refused;
    else
      ADD_FAILURE() << "answer " << r.status << " " << r.body;
  }
  EXPECT_EQ(placed, limit);
  EXPECT_EQ(refused, buyers - limit);
  EXPECT_EQ(e2e::db_value("SELECT count(*) FROM coupon_redemptions WHERE upper(code) = upper($1) "
                          "AND status IN ('held', 'redeemed')",
                          code),
            std::to_string(limit));
}

}  // namespace
