#include "actors/cart/cart_cleanup.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <functional>
#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "persistence/idempotency.hpp"
#include "persistence/sql.hpp"

namespace checkout {
namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

// Idempotency keys deleted per transaction, and transactions per run: a
// backlog larger than this is worked off over the next runs without one long job.
constexpr int reap_batch = 5000;
constexpr int reap_batches_per_run = 20;

std::int64_t millis_of(config::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Runs `step` (one batch, answering the rows it changed) in its own
// transaction until a batch comes back short or `per_run` batches ran.
template <class Step>
std::int64_t in_batches(pqxx::connection& c, int rows, int per_run, Step step) {
  std::int64_t total = 0;
  for (int i = 0; i < per_run; ++i) {
    pqxx::work txn(c);
    auto n = static_cast<std::int64_t>(step(txn, rows));
    txn.commit();
    total += n;
    if (n < rows) break;
  }
  return total;
}

// Each statement first claims a batch (oldest first, skipping rows another
// instance or a cart actor holds) and then changes exactly those rows. The
// batch is a MATERIALIZED CTE so it is computed once: as a plain IN (subquery)
// the planner may re-run the LIMIT subquery for every outer row and, among rows
// of equal age, pick others each time, changing more than one batch. Locking
// re-checks the condition against the newest version of a row, so a row
// another instance changed meanwhile is not claimed.

std::size_t expire_idle(pqxx::transaction_base& txn, int rows) {
  return persistence::exec(txn, "carts_expire_idle",
                           "WITH batch AS MATERIALIZED (SELECT token FROM carts "
                           "WHERE status = 'active' AND expires_at <= now() "
                           "ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
                           "UPDATE carts c SET status = 'expired', version = c.version + 1 "
                           "FROM batch WHERE c.token = batch.token",
                           rows)
      .affected_rows();
}

// The cart actor never writes these two columns after creating the cart, so
// erasing them needs no new version: a live actor's next write keeps them NULL.
std::size_t erase_expired_data(pqxx::transaction_base& txn, int rows, std::int64_t retention_ms) {
  return persistence::exec(txn, "carts_erase_expired_data",
                           "WITH batch AS MATERIALIZED (SELECT token FROM carts "
                           "WHERE status = 'expired' "
                           "AND (analytics_data IS NOT NULL OR device_id IS NOT NULL) "
                           "AND expires_at <= now() - $2 * interval '1 millisecond' "
                           "ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
                           "UPDATE carts c SET analytics_data = NULL, device_id = NULL "
                           "FROM batch WHERE c.token = batch.token",
                           rows, retention_ms)
      .affected_rows();
}

// A converted cart stopped changing when its order was placed (updated_at).
std::size_t erase_converted_data(pqxx::transaction_base& txn, int rows, std::int64_t retention_ms) {
  return persistence::exec(txn, "carts_erase_converted_data",
                           "WITH batch AS MATERIALIZED (SELECT token FROM carts "
                           "WHERE status = 'converted' "
                           "AND (analytics_data IS NOT NULL OR device_id IS NOT NULL) "
                           "AND updated_at <= now() - $2 * interval '1 millisecond' "
                           "ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
                           "UPDATE carts c SET analytics_data = NULL, device_id = NULL "
                           "FROM batch WHERE c.token = batch.token",
                           rows, retention_ms)
      .affected_rows();
}

// Only expired carts, and never one an order references (an order is placed
// only on an active cart, which it converts in the same transaction; the check
// keeps one odd row from failing a whole batch on the foreign key).
std::size_t delete_expired(pqxx::transaction_base& txn, int rows, std::int64_t delete_after_ms) {
  return persistence::exec(txn, "carts_delete_expired",
                           "WITH batch AS MATERIALIZED (SELECT c.token FROM carts c "
                           "WHERE c.status = 'expired' "
                           "AND c.expires_at <= now() - $2 * interval '1 millisecond' "
                           "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.cart_token = c.token) "
                           "ORDER BY c.expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
                           "DELETE FROM carts c USING batch WHERE c.token = batch.token",
                           rows, delete_after_ms)
      .affected_rows();
}

}  // namespace

cleanup_report run_cart_cleanup(pqxx::connection& c, const config::settings& cfg,
                                const cleanup_batches& batches) {
  cleanup_report report;
  auto retention = millis_of(cfg.cart_data_retention);
  auto delete_after = millis_of(cfg.cart_delete_after);
  report.carts_expired = in_batches(c, batches.rows, batches.per_run, expire_idle);
  // Deleting before erasing spares erasing what is about to go anyway.
  report.carts_deleted =
      in_batches(c, batches.rows, batches.per_run, [&](pqxx::transaction_base& txn, int rows) {
        return delete_expired(txn, rows, delete_after);
      });
  report.carts_erased =
      in_batches(c, batches.rows, batches.per_run, [&](pqxx::transaction_base& txn, int rows) {
        return erase_expired_data(txn, rows, retention);
      });
  report.carts_erased +=
      in_batches(c, batches.rows, batches.per_run, [&](pqxx::transaction_base& txn, int rows) {
        return erase_converted_data(txn, rows, retention);
      });
  report.keys_reaped =
      in_batches(c, reap_batch, reap_batches_per_run, [](pqxx::transaction_base& txn, int rows) {
        return persistence::reap_idempotency_keys(txn, rows);
      });
  return report;
}

namespace {

struct cart_cleanup_state {
  static inline const char* name = actor_kinds::cart_cleanup.name;
};

caf::behavior cart_cleanup(instrumented_actor<cart_cleanup_state>* self, actor_context ctx) {
  // `done` gets the report, or nothing when the database did not answer.
  auto run = [=](std::function<void(caf::expected<cleanup_report>)> done) {
    db_request(self, ctx,
               [cfg = ctx.cfg](pqxx::connection& c) {
                 return caf::make_message(run_cart_cleanup(c, *cfg));
               })
        .then(
            [=](cleanup_report& r) {
              if (r.carts_expired > 0)
                spdlog::info("cart cleanup: {} idle cart(s) expired", r.carts_expired);
              if (r.carts_erased > 0)
                spdlog::info("cart cleanup: analytics data and device id of {} cart(s) erased",
                             r.carts_erased);
              if (r.carts_deleted > 0)
                spdlog::info("cart cleanup: {} expired cart(s) deleted", r.carts_deleted);
              if (r.keys_reaped > 0)
                spdlog::info("cart cleanup: {} idempotency key(s) past 24 h deleted",
                             r.keys_reaped);
              done(r);
            },
            [=](caf::error& err) {
              spdlog::warn("cart cleanup: database unavailable, next time");
              done(std::move(err));
            });
  };
  self->delayed_send(self, ctx.cfg->cart_cleanup_interval, tick_atom::value);
  return {
      [=](tick_atom) {
        run([](caf::expected<cleanup_report>) {});
        self->delayed_send(self, ctx.cfg->cart_cleanup_interval, tick_atom::value);
      },
      [=](cleanup_atom) {
        auto rp = self->make_response_promise<cleanup_report>();
        run([rp](caf::expected<cleanup_report> r) mutable {
          if (r)
            rp.deliver(*r);
          else
            rp.deliver(r.error());
        });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_cart_cleanup(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(cart_cleanup, ctx);
}

}  // namespace checkout
