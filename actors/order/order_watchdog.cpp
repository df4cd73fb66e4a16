#include "actors/order/order_watchdog.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_queries.hpp"

namespace checkout {
namespace {

using scan_atom = caf::atom_constant<caf::atom("scan")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

// At most this many orders per scan; the next scan takes the rest.
constexpr int batch = 500;

struct token_batch {
  std::vector<std::string> tokens;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::token_batch)

namespace checkout {
namespace {

// Sends (token, request...) to the order directory for each order `query` finds.
template <class Query, class... Request>
void scan(caf::event_based_actor* self, const actor_context& ctx, const char* what, Query query,
          Request... request) {
  db_request(self, ctx,
             [query](pqxx::connection& c) {
               pqxx::read_transaction txn(c);
               return caf::make_message(token_batch{query(txn)});
             })
      .then(
          [=](token_batch& b) {
            if (!b.tokens.empty()) spdlog::info("{}: {} order(s)", what, b.tokens.size());
            for (auto& t : b.tokens) self->send(ctx.orders, t, request...);
          },
          [=](caf::error&) { spdlog::warn("{}: database unavailable, next time", what); });
}

struct order_watchdog_state {
  static inline const char* name = actor_kinds::order_watchdog.name;
};

caf::behavior order_watchdog(instrumented_actor<order_watchdog_state>* self, actor_context ctx) {
  auto expiry = [=] {
    scan(
        self, ctx, "expiry scan",
        [](pqxx::transaction_base& txn) { return order_queries::due_for_expiry(txn, batch); },
        expire_atom::value, std::uint64_t{0});
  };
  auto payment_sync = [=] {
    scan(
        self, ctx, "payment sync",
        [](pqxx::transaction_base& txn) { return order_queries::open_payments(txn, batch); },
        sync_atom::value);
  };
  self->delayed_send(self, ctx.cfg->order_expiry_scan_interval, tick_atom::value,
                     expire_atom::value);
  self->delayed_send(self, ctx.cfg->payment_sync_interval, tick_atom::value, sync_atom::value);
  return {
      [=](tick_atom, expire_atom) {
        expiry();
        self->delayed_send(self, ctx.cfg->order_expiry_scan_interval, tick_atom::value,
                           expire_atom::value);
      },
      [=](tick_atom, sync_atom) {
        payment_sync();
        self->delayed_send(self, ctx.cfg->payment_sync_interval, tick_atom::value,
                           sync_atom::value);
      },
      // Operators and tests may ask for a scan now.
      [=](scan_atom, expire_atom) { expiry(); },
      [=](scan_atom, sync_atom) { payment_sync(); },
  };
}

}  // namespace

caf::actor spawn_order_watchdog(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(order_watchdog, ctx);
}

}  // namespace checkout
