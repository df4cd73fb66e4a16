#include "actors/health/ops_sampler.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "actors/messages.hpp"

namespace checkout {
namespace {

struct ops_figures {
  std::int64_t outbox_pending = 0;
  std::int64_t oldest_awaiting_payment_ms = 0;
  std::int64_t paid_not_enrolled = 0;
  std::int64_t inbox_unapplied = 0;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::ops_figures)

namespace checkout {
namespace {

struct ops_sampler_state {
  bool sampling = false;
  static inline const char* name = actor_kinds::ops_sampler.name;
};

caf::message read_figures(pqxx::connection& c) {
  pqxx::read_transaction txn(c);
  auto row = txn.exec1(
      "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL), "
      "(SELECT COALESCE((EXTRACT(EPOCH FROM now() - min(created_at)) * 1000)::bigint, 0) "
      " FROM orders WHERE status = 'awaiting_payment'), "
      "(SELECT count(*) FROM orders WHERE status = 'paid'), "
      "(SELECT count(*) FROM webhook_events WHERE applied_at IS NULL)");
  ops_figures f;
  f.outbox_pending = row[0].as<std::int64_t>();
  f.oldest_awaiting_payment_ms = row[1].as<std::int64_t>();
  f.paid_not_enrolled = row[2].as<std::int64_t>();
  f.inbox_unapplied = row[3].as<std::int64_t>();
  return caf::make_message(f);
}

void sweep_live_lists() {
  for (auto* kind : metrics::registry::instance().kinds())
    kind->visit_live([](const metrics::actor_probe&) {});
}

caf::behavior ops_sampler(instrumented_actor<ops_sampler_state>* self, actor_context ctx,
                          caf::actor dlq, std::chrono::milliseconds interval) {
  self->send(self, sync_atom::value);
  auto& gauges = metrics::registry::instance().sampled();
  return {
      [=, &gauges](sync_atom) {
        self->delayed_send(self, interval, sync_atom::value);
        sweep_live_lists();
        if (self->state.sampling) return;  // the last round has not finished
        self->state.sampling = true;
        db_request(self, ctx, read_figures)
            .then(
                [=, &gauges](ops_figures& f) {
                  gauges.outbox_pending.store(f.outbox_pending);
                  gauges.oldest_awaiting_payment_ms.store(f.oldest_awaiting_payment_ms);
                  gauges.paid_not_enrolled.store(f.paid_not_enrolled);
                  gauges.webhook_inbox_unapplied.store(f.inbox_unapplied);
                  gauges.sampled_at_ms.store(now_micros() / 1000);
                  self->state.sampling = false;
                },
                [=](caf::error& err) {
                  spdlog::debug("ops sample skipped: {}", to_string(err));
                  self->state.sampling = false;
                });
        if (!dlq) return;
        self->request(dlq, interval, get_atom::value)
            .then(
                [&gauges](std::int64_t depth) {
                  gauges.dlq_messages.store(depth);
                  gauges.broker_up.store(1);
                },
                [&gauges](caf::error& err) {
                  // Sales go on without the broker (CONTRACT §14); operators see it here.
                  gauges.broker_up.store(0);
                  spdlog::debug("DLQ depth unknown: {}", to_string(err));
                });
      },
  };
}

}  // namespace

caf::actor spawn_ops_sampler(caf::actor_system& sys, const actor_context& ctx, caf::actor dlq,
                             std::chrono::milliseconds interval) {
  return sys.spawn(ops_sampler, ctx, std::move(dlq), interval);
}

}  // namespace checkout
