#include "actors/enrollment/enrollment_sweeper.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "persistence/sql.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::enrollment_sweep::swept)

namespace checkout {

namespace enrollment_sweep {

swept run(pqxx::transaction_base& txn, std::chrono::milliseconds grace, int limit) {
  using persistence::exec;
  auto due = exec(txn, "sweep_paid_unenrolled",
                  "UPDATE orders o SET reconciled_at = now(), "
                  "reconcile_count = o.reconcile_count + 1 "
                  "WHERE o.token IN (SELECT token FROM orders WHERE status = 'paid' "
                  "AND COALESCE(reconciled_at, updated_at) < now() - $1::bigint * interval '1 ms' "
                  "AND reconcile_count < $2 AND NOT EXISTS "
                  "(SELECT 1 FROM enrollments e WHERE e.order_token = orders.token) "
                  "ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED) "
                  "RETURNING o.token::text",
                  static_cast<std::int64_t>(grace.count()), max_republish, limit);
  swept out;
  for (const auto& row : due) {
    auto token = row[0].as<std::string>();
    // The same row, so the same event id (message_id) goes out again.
    auto r = exec(txn, "sweep_republish",
                  "UPDATE outbox SET published_at = NULL "
                  "WHERE order_token = $1::uuid AND event_type = 'order.paid'",
                  token);
    (r.affected_rows() > 0 ? out.republished : out.enroll).push_back(token);
  }
  if (!out.republished.empty()) exec(txn, "sweep_notify", "SELECT pg_notify('outbox', '')");
  return out;
}

}  // namespace enrollment_sweep

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

constexpr int batch = 200;

void sweep(caf::event_based_actor* self, const actor_context& ctx) {
  db_request(self, ctx,
             [grace = ctx.cfg->enrollment_grace](pqxx::connection& c) {
               pqxx::work txn(c);
               auto s = enrollment_sweep::run(txn, grace, batch);
               txn.commit();
               return caf::make_message(std::move(s));
             })
      .then(
          [=](enrollment_sweep::swept& s) {
            auto& counters = metrics::registry::instance().reconciliations();
            for (auto& t : s.republished) {
              counters.at("enrollment_republished")++;
              spdlog::warn(
                  "enrollment sweep: order {} paid without enrollment; order.paid "
                  "published again",
                  t);
            }
            for (auto& t : s.enroll) {
              counters.at("enrollment_direct")++;
              spdlog::warn(
                  "enrollment sweep: order {} paid without an order.paid row; "
                  "enrolling directly",
                  t);
              // Nobody waits for the answer; a failure is swept again later.
              caf::anon_send(ctx.orders, t, enroll_atom::value,
                             enrollment_request{t, "", "enrollment-sweep"});
            }
          },
          [](caf::error& err) { spdlog::warn("enrollment sweep: {}; next time", to_string(err)); });
}

struct enrollment_sweeper_state {
  static inline const char* name = actor_kinds::enrollment_sweeper.name;
};

caf::behavior enrollment_sweeper(instrumented_actor<enrollment_sweeper_state>* self,
                                 actor_context ctx) {
  self->delayed_send(self, ctx.cfg->enrollment_sweep_interval, tick_atom::value);
  return {
      [=](tick_atom) {
        sweep(self, ctx);
        self->delayed_send(self, ctx.cfg->enrollment_sweep_interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_enrollment_sweeper(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(enrollment_sweeper, ctx);
}

}  // namespace checkout
