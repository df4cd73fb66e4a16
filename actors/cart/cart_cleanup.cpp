#include "actors/cart/cart_cleanup.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <functional>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "persistence/idempotency.hpp"
#include "persistence/sql.hpp"

namespace checkout {
namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

// Keys deleted per transaction, and transactions per run: a backlog larger
// than this is worked off over the next runs without one long job.
constexpr int reap_batch = 5000;
constexpr int reap_batches_per_run = 20;

cleanup_report clean(pqxx::connection& c) {
  cleanup_report report;
  {
    pqxx::work txn(c);
    auto r = persistence::exec(txn, "carts_expire_idle",
                               "UPDATE carts SET status = 'expired', version = version + 1 "
                               "WHERE status = 'active' AND expires_at <= now()");
    txn.commit();
    report.carts_expired = static_cast<std::int64_t>(r.affected_rows());
  }
  for (int i = 0; i < reap_batches_per_run; ++i) {
    pqxx::work txn(c);
    auto n = persistence::reap_idempotency_keys(txn, reap_batch);
    txn.commit();
    report.keys_reaped += n;
    if (n < reap_batch) break;
  }
  return report;
}

struct cart_cleanup_state {
  static inline const char* name = "cart_cleanup";
};

caf::behavior cart_cleanup(instrumented_actor<cart_cleanup_state>* self, actor_context ctx) {
  // `done` gets the report, or nothing when the database did not answer.
  auto run = [=](std::function<void(caf::expected<cleanup_report>)> done) {
    db_request(self, ctx, [](pqxx::connection& c) { return caf::make_message(clean(c)); })
        .then(
            [=](cleanup_report& r) {
              if (r.carts_expired > 0)
                spdlog::info("cart cleanup: {} idle cart(s) expired", r.carts_expired);
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
