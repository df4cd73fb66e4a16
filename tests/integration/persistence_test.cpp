// Migrations and the database pool against the real PostgreSQL.
#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <cstdlib>
#include <future>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "persistence/db_pool.hpp"
#include "persistence/idempotency.hpp"
#include "persistence/migrate.hpp"
#include "persistence_support.hpp"

namespace {

using namespace checkout::persistence;

using persistence_test::database_url;
using persistence_test::scratch_schema;

TEST(migrate, two_processes_at_once_apply_each_migration_once) {
  scratch_schema schema;
  auto a = std::async(std::launch::async, [&] { return migrate(schema.url()); });
  auto b = std::async(std::launch::async, [&] { return migrate(schema.url()); });
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_TRUE(ra.ok) << ra.error;
  ASSERT_TRUE(rb.ok) << rb.error;
  EXPECT_EQ(ra.applied.size() + rb.applied.size(), embedded_migrations().size());
  auto again = migrate(schema.url());
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_TRUE(again.applied.empty());
  pqxx::connection c(schema.url());
  pqxx::read_transaction t(c);
  EXPECT_EQ(t.exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
            embedded_migrations().size());
  // The constraints that make duplicates impossible are in place.
  EXPECT_EQ(t.exec1("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema.name() +
                    "' AND indexname = 'enrollments_order_token_line_no_key'")[0]
                .as<int>(),
            1);
  EXPECT_EQ(t.exec1("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema.name() +
                    "' AND indexname = 'webhook_events_pkey'")[0]
                .as<int>(),
            1);
}

TEST(migrate, a_failing_migration_reports_instead_of_throwing) {
  auto r = migrate("postgresql://nobody:wrong@127.0.0.1:1/none");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.error.empty());
}

TEST(idempotency, begin_replay_mismatch_and_release) {
  scratch_schema schema;
  ASSERT_TRUE(migrate(schema.url()).ok);
  pqxx::connection c(schema.url());
  idempotency_key_ref ref{"u1", "orders", "k1"};
  auto lease = std::chrono::milliseconds(60000);
  auto in_txn = [&](auto f) {
    pqxx::work w(c);
    auto r = f(w);
    w.commit();
    return r;
  };
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, ref, "h1", lease); }).what,
            idempotency_decision::proceed);
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, ref, "h1", lease); }).what,
            idempotency_decision::in_progress);
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, ref, "h2", lease); }).what,
            idempotency_decision::mismatch);
  in_txn([&](auto& w) {
    complete_request(w, ref, 201, "{\"x\":1}");
    return 0;
  });
  auto replay = in_txn([&](auto& w) { return begin_request(w, ref, "h1", lease); });
  EXPECT_EQ(replay.what, idempotency_decision::replay);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, "{\"x\":1}");
  // A released key (a 5xx) runs again.
  idempotency_key_ref other{"u1", "orders", "k2"};
  in_txn([&](auto& w) { return begin_request(w, other, "h1", lease); });
  in_txn([&](auto& w) {
    release_request(w, other);
    return 0;
  });
  // ...but only as the same request: another body under the key is still refused.
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, other, "h2", lease); }).what,
            idempotency_decision::mismatch);
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, other, "h1", lease); }).what,
            idempotency_decision::proceed);
  // A lease that ran out (the first request died) is taken over.
  idempotency_key_ref dead{"u1", "orders", "k3"};
  in_txn([&](auto& w) { return begin_request(w, dead, "h1", std::chrono::milliseconds(1)); });
  // Until the database's clock has passed the lease (no guess at how long).
  ASSERT_TRUE(persistence_test::eventually(
      [&] {
        pqxx::read_transaction t(c);
        return t.exec1("SELECT locked_until < now() FROM idempotency_keys WHERE key = 'k3'")[0]
            .as<bool>();
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(in_txn([&](auto& w) { return begin_request(w, dead, "h1", lease); }).what,
            idempotency_decision::proceed);
}

TEST(db_pool, runs_jobs_off_the_scheduler_and_turns_failures_into_errors) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto pool = spawn_db_pool(sys, database_url(), 2);
  caf::scoped_actor self{sys};
  auto timeout = std::chrono::seconds(10);
  auto thread_of_job = std::make_shared<std::thread::id>();
  self->request(pool, timeout, db_job{[=](pqxx::connection& c) {
                  *thread_of_job = std::this_thread::get_id();
                  pqxx::read_transaction t(c);
                  return caf::make_message(t.exec1("SELECT 40 + 2")[0].as<int>());
                }})
      .receive([](int v) { EXPECT_EQ(v, 42); },
               [](caf::error& e) { FAIL() << "unexpected error"; });
  EXPECT_NE(*thread_of_job, std::this_thread::get_id());
  self->request(pool, timeout, db_job{[](pqxx::connection& c) {
                  pqxx::read_transaction t(c);
                  t.exec("SELECT * FROM no_such_table_at_all");
                  return caf::make_message(0);
                }})
      .receive([](int) { FAIL() << "a failing job must answer an error"; },
               [](caf::error& e) {
                 EXPECT_EQ(e.category(), db_error_category);
                 EXPECT_EQ(e.code(), static_cast<std::uint8_t>(db_errc::failed));
               });
  auto dead = spawn_db_pool(sys, "postgresql://nobody:wrong@127.0.0.1:1/none", 1);
  self->request(dead, timeout, db_job{[](pqxx::connection&) { return caf::make_message(0); }})
      .receive([](int) { FAIL() << "no database, no answer"; },
               [](caf::error& e) {
                 EXPECT_EQ(e.category(), db_error_category);
                 EXPECT_EQ(e.code(), static_cast<std::uint8_t>(db_errc::unavailable));
               });
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  self->send_exit(dead, caf::exit_reason::user_shutdown);
}

}  // namespace
