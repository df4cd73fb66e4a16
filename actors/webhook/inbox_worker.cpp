#include "actors/webhook/inbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_timing.hpp"
#include "actors/webhook/inbox_dispatch.hpp"
#include "actors/webhook/inbox_store.hpp"

namespace checkout {
namespace {

struct unapplied_batch {
  std::vector<inbox_store::unapplied_event> events;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::unapplied_batch)

namespace checkout {
namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

constexpr int batch_size = 100;

void note_failure(caf::event_based_actor* self, const actor_context& ctx,
                  const inbox_store::unapplied_event& u, std::string error) {
  db_request(self, ctx, [g = u.event.gateway, id = u.event.event_id, error](pqxx::connection& c) {
    pqxx::work txn(c);
    inbox_store::note_failure(txn, g, id, error);
    txn.commit();
    return caf::make_message(ack_reply{});
  }).then([](ack_reply&) {}, [](caf::error&) {});
}

// Applies one batch; tells itself `done` with whether the batch was full.
void apply_batch(caf::event_based_actor* self, const actor_context& ctx,
                 std::vector<inbox_store::unapplied_event> events) {
  auto left = std::make_shared<std::size_t>(events.size());
  auto applied = std::make_shared<std::size_t>(0);
  bool full = events.size() >= static_cast<std::size_t>(batch_size);
  if (events.empty()) {
    self->send(self, done_atom::value, false);
    return;
  }
  // A late capture's refund at the gateway is part of applying.
  auto wait = order_timing::placement_wait(*ctx.cfg, ctx.db_timeout);
  for (auto& u : events) {
    apply_to_order(self, ctx, u.order_token, u.event, u.correlation_id, wait,
                   [=](caf::expected<webhook_outcome> out) {
                     if (!out) {
                       note_failure(self, ctx, u, to_string(out.error()));
                     } else if (out->result == "deferred") {
                       note_failure(self, ctx, u, "deferred: waiting for the capture it refunds");
                     } else {
                       ++*applied;
                       metrics::registry::instance().delivery().inbox_reapplied++;
                       spdlog::info("inbox: {} event {} applied to order {}: {}", u.event.gateway,
                                    u.event.event_id, u.order_token, out->result);
                     }
                     // Straight on only while progress is made; failures wait a tick.
                     if (--*left == 0) self->send(self, done_atom::value, full && *applied > 0);
                   });
  }
}

struct worker_state {
  bool busy = false;
  bool again = false;  // asked to scan while a scan was running
};

void scan(caf::event_based_actor* self, const actor_context& ctx,
          const std::shared_ptr<worker_state>& st) {
  if (st->busy) {
    st->again = true;
    return;
  }
  st->busy = true;
  // Younger events may still be on their way through the intake.
  auto settle = ctx.cfg->webhook_apply_wait + std::chrono::seconds(1);
  auto before = now_micros() - to_micros(settle);
  db_request(
      self, ctx,
      [before](pqxx::connection& c) {
        pqxx::read_transaction txn(c);
        return caf::make_message(unapplied_batch{inbox_store::unapplied(txn, before, batch_size)});
      })
      .then([=](unapplied_batch& b) { apply_batch(self, ctx, std::move(b.events)); },
            [=](caf::error& err) {
              spdlog::warn("inbox: scan failed: {}", to_string(err));
              self->send(self, done_atom::value, false);
            });
}

}  // namespace

caf::behavior inbox_worker(instrumented_actor<inbox_worker_state>* self, actor_context ctx) {
  auto st = std::make_shared<worker_state>();
  self->send(self, sync_atom::value);
  self->delayed_send(self, ctx.cfg->inbox_retry_interval, tick_atom::value);
  return {
      [=](sync_atom) { scan(self, ctx, st); },
      [=](tick_atom) {
        scan(self, ctx, st);
        self->delayed_send(self, ctx.cfg->inbox_retry_interval, tick_atom::value);
      },
      [=](done_atom, bool more) {
        st->busy = false;
        if (more || st->again) {
          st->again = false;
          scan(self, ctx, st);
        }
      },
  };
}

}  // namespace checkout
