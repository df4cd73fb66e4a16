// Idempotency keys past their 24 hours (CONTRACT §7 "kept 24 h"): the reaper
// deletes exactly those, in bounded batches, and the cart cleanup job runs it
// together with expiring idle carts.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <string>

#include "actors/cart/cart_cleanup.hpp"
#include "persistence/db_pool.hpp"
#include "persistence/idempotency.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout;
using namespace checkout::persistence;
using persistence_test::scratch_schema;

class idempotency_reaper : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = migrate(schema.url());
    ASSERT_TRUE(r.ok) << r.error;
    conn = std::make_unique<pqxx::connection>(schema.url());
  }

  template <class F>
  auto in_txn(F f) {
    pqxx::work w(*conn);
    auto r = f(w);
    w.commit();
    return r;
  }

  idempotency_decision begin(const std::string& key, const std::string& hash = "h") {
    return in_txn([&](pqxx::work& w) {
      return begin_request(w, {"u1", "cart", key}, hash, std::chrono::minutes(1));
    });
  }
  void complete(const std::string& key) {
    in_txn([&](pqxx::work& w) {
      complete_request(w, {"u1", "cart", key}, 201, "{}");
      return 0;
    });
  }
  // As if the key had been made `hours` ago.
  void age(const std::string& key, int hours) {
    in_txn([&](pqxx::work& w) {
      w.exec_params0(
          "UPDATE idempotency_keys SET created_at = now() - $2 * interval '1 hour', "
          "expires_at = now() - $2 * interval '1 hour' + interval '24 hours' WHERE key = $1",
          key, hours);
      return 0;
    });
  }
  std::int64_t reap(int limit) {
    return in_txn([&](pqxx::work& w) { return reap_idempotency_keys(w, limit); });
  }
  std::set<std::string> keys() {
    pqxx::read_transaction t(*conn);
    std::set<std::string> out;
    for (auto row : t.exec("SELECT key FROM idempotency_keys")) out.insert(row[0].c_str());
    return out;
  }

  scratch_schema schema;
  std::unique_ptr<pqxx::connection> conn;
};

TEST_F(idempotency_reaper, deletes_only_keys_whose_24_hours_are_over) {
  for (auto k : {"fresh-done", "fresh-running", "day-old-done", "old-done", "old-running"})
    ASSERT_EQ(begin(k).what, idempotency_decision::proceed) << k;
  complete("fresh-done");
  complete("day-old-done");
  complete("old-done");
  age("day-old-done", 23);  // an hour left
  age("old-done", 25);
  age("old-running", 48);

  EXPECT_EQ(reap(100), 2);
  EXPECT_EQ(keys(), (std::set<std::string>{"fresh-done", "fresh-running", "day-old-done"}));
  EXPECT_EQ(reap(100), 0);
  // What is kept still replays; a reaped key starts afresh, whatever its body.
  EXPECT_EQ(begin("day-old-done").what, idempotency_decision::replay);
  EXPECT_EQ(begin("old-done", "another body").what, idempotency_decision::proceed);
}

TEST_F(idempotency_reaper, works_in_batches_of_the_given_size) {
  for (int i = 0; i < 5; ++i) {
    auto k = "old-" + std::to_string(i);
    begin(k);
    age(k, 30);
  }
  begin("young");
  EXPECT_EQ(reap(2), 2);
  EXPECT_EQ(reap(2), 2);
  EXPECT_EQ(reap(2), 1);
  EXPECT_EQ(reap(2), 0);
  EXPECT_EQ(keys(), (std::set<std::string>{"young"}));
}

TEST_F(idempotency_reaper, the_cart_cleanup_job_runs_it_with_the_cart_expiry) {
  begin("kept");
  begin("gone");
  age("gone", 25);
  in_txn([&](pqxx::work& w) {
    w.exec0(
        "INSERT INTO carts (token, status, currency, state, expires_at) VALUES "
        "('00000000-0000-4000-8000-000000000001', 'active', 'INR', '{}', now() - interval '1 "
        "minute'), "
        "('00000000-0000-4000-8000-000000000002', 'active', 'INR', '{}', now() + interval '1 "
        "hour')");
    return 0;
  });

  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto settings = std::make_shared<config::settings>();
  settings->cart_cleanup_interval = std::chrono::hours(1);  // only the explicit run below
  actor_context ctx;
  ctx.cfg = settings;
  ctx.db = spawn_db_pool(sys, schema.url(), 1);
  auto cleanup = spawn_cart_cleanup(sys, ctx);
  caf::scoped_actor self{sys};
  self->request(cleanup, std::chrono::seconds(10), cleanup_atom::value)
      .receive(
          [](cleanup_report& r) {
            EXPECT_EQ(r.carts_expired, 1);
            EXPECT_EQ(r.keys_reaped, 1);
          },
          [](caf::error& err) { FAIL() << "cleanup failed: " << caf::to_string(err); });
  self->request(cleanup, std::chrono::seconds(10), cleanup_atom::value)
      .receive(
          [](cleanup_report& r) {
            EXPECT_EQ(r.carts_expired, 0);
            EXPECT_EQ(r.keys_reaped, 0);
          },
          [](caf::error& err) { FAIL() << "cleanup failed: " << caf::to_string(err); });
  EXPECT_EQ(keys(), (std::set<std::string>{"kept"}));
  {
    pqxx::read_transaction t(*conn);
    EXPECT_EQ(t.exec("SELECT status FROM carts ORDER BY token")[0][0].as<std::string>(), "expired");
    EXPECT_EQ(t.exec("SELECT status FROM carts ORDER BY token")[1][0].as<std::string>(), "active");
  }
  self->send_exit(cleanup, caf::exit_reason::user_shutdown);
  self->send_exit(ctx.db, caf::exit_reason::user_shutdown);
}

}  // namespace
