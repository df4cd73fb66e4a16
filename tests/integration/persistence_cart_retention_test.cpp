// Retention of carts (issue 12): past CART_DATA_RETENTION an expired cart
// loses its analytics data and device id, past CART_DELETE_AFTER it is
// deleted; a converted cart loses the same data but is kept, because its
// order references it, and the order stays whole. The job works in bounded
// batches, and instances running it at once split the work.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "actors/cart/cart_cleanup.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using persistence_test::scratch_schema;

class cart_retention : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = persistence::migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    conn = std::make_unique<pqxx::connection>(schema.url());
  }

  void exec(const std::string& sql) {
    pqxx::work w(*conn);
    w.exec0(sql);
    w.commit();
  }

  // A cart with analytics data and a device id, last changed `changed_ago`
  // and expiring `expires_in` from now (PostgreSQL intervals, e.g. '-31 days').
  std::string cart(const std::string& status, const std::string& expires_in,
                   const std::string& changed_ago = "0 seconds") {
    auto token = "00000000-0000-4000-8000-" + std::string(12 - std::to_string(next).size(), '0') +
                 std::to_string(next);
    ++next;
    exec(
        "INSERT INTO carts (token, status, currency, state, device_id, analytics_data, "
        "created_at, updated_at, expires_at) VALUES ('" +
        token + "', '" + status + "', 'INR', '{\"items\":[{\"internship_id\":\"i1\"}]}', 'device-" +
        token + "', '{\"utm_source\":\"mail\"}', now() - interval '" + changed_ago +
        "', now() - interval '" + changed_ago + "', now() + interval '" + expires_in + "')");
    return token;
  }

  // An order on `cart_token`, as placement writes it (the cart converted).
  void order_on(const std::string& cart_token, const std::string& order_token) {
    exec(
        "INSERT INTO orders (token, user_id, cart_token, idempotency_key, status, currency, "
        "subtotal, discount_amount, tax_amount, total, pricing, expires_at) VALUES ('" +
        order_token + "', 'u1', '" + cart_token + "', 'k-" + order_token +
        "', 'completed', 'INR', 1000, 0, 180, 1180, "
        "'{\"total\":1180}', now())");
  }

  struct row {
    bool exists = false;
    std::string status, device_id, analytics, state;
  };
  row cart_row(const std::string& token) {
    pqxx::read_transaction t(*conn);
    auto r = t.exec(
        "SELECT status, COALESCE(device_id, '<null>'), COALESCE(analytics_data::text, '<null>'), "
        "state::text FROM carts WHERE token = '" +
        token + "'");
    if (r.empty()) return {};
    return {true, r[0][0].c_str(), r[0][1].c_str(), r[0][2].c_str(), r[0][3].c_str()};
  }
  std::int64_t count(const std::string& sql) {
    pqxx::read_transaction t(*conn);
    return t.exec(sql)[0][0].as<std::int64_t>();
  }

  cleanup_report run(const cleanup_batches& b = {}) { return run_cart_cleanup(*conn, cfg, b); }

  scratch_schema schema;
  std::unique_ptr<pqxx::connection> conn;
  config::settings cfg;  // the defaults: data kept 30 days, carts 180 days
  int next = 1;
};

TEST_F(cart_retention, erases_data_after_the_retention_and_deletes_after_the_longer_one) {
  ASSERT_EQ(cfg.cart_data_retention, std::chrono::hours(24 * 30));
  ASSERT_EQ(cfg.cart_delete_after, std::chrono::hours(24 * 180));
  auto live = cart("active", "1 hour");
  auto just_expired = cart("expired", "-1 minute");
  auto month_old = cart("expired", "-31 days");
  auto almost = cart("expired", "-179 days");
  auto half_year = cart("expired", "-181 days");
  // Idle so long it was never even marked expired: marked, then deleted, in one run.
  auto stale = cart("active", "-200 days");

  auto r = run();
  EXPECT_EQ(r.carts_expired, 1);
  // month_old and almost; half_year and stale are deleted before their data
  // would be erased.
  EXPECT_EQ(r.carts_erased, 2);
  EXPECT_EQ(r.carts_deleted, 2);

  for (auto& kept : {live, just_expired}) {
    auto c = cart_row(kept);
    ASSERT_TRUE(c.exists);
    EXPECT_EQ(c.device_id, "device-" + kept);
    EXPECT_EQ(c.analytics, R"({"utm_source": "mail"})");
  }
  EXPECT_EQ(cart_row(live).status, "active");
  for (auto& erased : {month_old, almost}) {
    auto c = cart_row(erased);
    ASSERT_TRUE(c.exists) << erased;
    EXPECT_EQ(c.status, "expired");
    EXPECT_EQ(c.device_id, "<null>");
    EXPECT_EQ(c.analytics, "<null>");
    // Only those two columns: the cart itself is as it was.
    EXPECT_EQ(c.state, R"({"items": [{"internship_id": "i1"}]})");
  }
  EXPECT_FALSE(cart_row(half_year).exists);
  EXPECT_FALSE(cart_row(stale).exists);

  // Everything is done: a second run finds nothing.
  auto again = run();
  EXPECT_EQ(again.carts_expired, 0);
  EXPECT_EQ(again.carts_erased, 0);
  EXPECT_EQ(again.carts_deleted, 0);
}

TEST_F(cart_retention, an_ordered_cart_loses_its_data_but_is_kept_with_its_order) {
  // Converted 200 days ago: past both horizons. Its order references it.
  auto old_order = cart("converted", "-199 days", "200 days");
  order_on(old_order, "10000000-0000-4000-8000-000000000001");
  // Converted today: its data is still within the retention.
  auto new_order = cart("converted", "1 hour");
  order_on(new_order, "10000000-0000-4000-8000-000000000002");
  // An expired cart an order references (placement never leaves one, but a
  // foreign key error would fail the whole batch): kept.
  auto odd = cart("expired", "-300 days", "300 days");
  order_on(odd, "10000000-0000-4000-8000-000000000003");
  auto deletable = cart("expired", "-300 days", "300 days");

  auto r = run();
  EXPECT_EQ(r.carts_deleted, 1);
  EXPECT_FALSE(cart_row(deletable).exists);

  auto old_cart = cart_row(old_order);
  ASSERT_TRUE(old_cart.exists);
  EXPECT_EQ(old_cart.status, "converted");
  EXPECT_EQ(old_cart.device_id, "<null>");
  EXPECT_EQ(old_cart.analytics, "<null>");
  EXPECT_EQ(old_cart.state, R"({"items": [{"internship_id": "i1"}]})");
  EXPECT_EQ(cart_row(new_order).device_id, "device-" + new_order);
  EXPECT_EQ(cart_row(new_order).analytics, R"({"utm_source": "mail"})");
  EXPECT_TRUE(cart_row(odd).exists);

  // Every order is whole and still joins its cart.
  EXPECT_EQ(count("SELECT count(*) FROM orders o JOIN carts c ON c.token = o.cart_token "
                  "WHERE o.total = 1180 AND o.status = 'completed'"),
            3);
}

TEST_F(cart_retention, erases_in_bounded_batches) {
  for (int i = 0; i < 5; ++i) cart("expired", "-40 days");
  const std::string holding_data =
      "SELECT count(*) FROM carts WHERE device_id IS NOT NULL OR analytics_data IS NOT NULL";
  // Two batches of two per step and run: four now, the last one next time.
  EXPECT_EQ(run({2, 2}).carts_erased, 4);
  EXPECT_EQ(count(holding_data), 1);
  EXPECT_EQ(run({2, 2}).carts_erased, 1);
  EXPECT_EQ(count(holding_data), 0);
}

TEST_F(cart_retention, deletes_in_bounded_batches) {
  for (int i = 0; i < 5; ++i) cart("expired", "-200 days");
  EXPECT_EQ(run({2, 2}).carts_deleted, 4);
  EXPECT_EQ(count("SELECT count(*) FROM carts"), 1);
  EXPECT_EQ(run({2, 2}).carts_deleted, 1);
  EXPECT_EQ(count("SELECT count(*) FROM carts"), 0);
}

// Instances running the job at the same moment (CONTRACT §14): every piece of
// work is done once, by one of them, and none fails or waits out the other.
TEST_F(cart_retention, instances_running_at_once_split_the_work) {
  constexpr int each = 60;
  for (int i = 0; i < each; ++i) cart("active", "-1 day");
  for (int i = 0; i < each; ++i) cart("expired", "-40 days");
  for (int i = 0; i < each; ++i) cart("expired", "-200 days");

  constexpr int instances = 4;
  std::vector<cleanup_report> reports(instances);
  std::vector<std::string> errors(instances);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int i = 0; i < instances; ++i) {
    threads.emplace_back([&, i] {
      try {
        pqxx::connection c(schema.url());
        ++ready;
        while (ready.load() < instances) std::this_thread::yield();
        // Small batches, so the instances interleave many times.
        reports[i] = run_cart_cleanup(c, cfg, {3, 1000});
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  cleanup_report sum;
  for (int i = 0; i < instances; ++i) {
    EXPECT_EQ(errors[i], "") << "instance " << i;
    sum.carts_expired += reports[i].carts_expired;
    sum.carts_erased += reports[i].carts_erased;
    sum.carts_deleted += reports[i].carts_deleted;
  }
  EXPECT_EQ(sum.carts_expired, each);
  EXPECT_EQ(sum.carts_erased, each);
  EXPECT_EQ(sum.carts_deleted, each);
  EXPECT_EQ(count("SELECT count(*) FROM carts WHERE status = 'expired' AND device_id IS NULL "
                  "AND analytics_data IS NULL"),
            each);
  EXPECT_EQ(count("SELECT count(*) FROM carts"), 2 * each);
}

}  // namespace
