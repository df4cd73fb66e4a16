#include "actors/cart/cart_cleanup.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/messages.hpp"
#include "persistence/sql.hpp"

namespace checkout {
namespace {

using cleanup_atom = caf::atom_constant<caf::atom("cleanup")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;

caf::behavior cart_cleanup(caf::event_based_actor* self, actor_context ctx) {
  auto run = [=] {
    db_request(self, ctx,
               [](pqxx::connection& c) {
                 pqxx::work txn(c);
                 auto r =
                     persistence::exec(txn, "carts_expire_idle",
                                       "UPDATE carts SET status = 'expired', version = version + 1 "
                                       "WHERE status = 'active' AND expires_at <= now()");
                 txn.commit();
                 return caf::make_message(static_cast<std::int64_t>(r.affected_rows()));
               })
        .then(
            [](std::int64_t n) {
              if (n > 0) spdlog::info("cart cleanup: {} idle cart(s) expired", n);
            },
            [](caf::error&) { spdlog::warn("cart cleanup: database unavailable, next time"); });
  };
  self->delayed_send(self, ctx.cfg->cart_cleanup_interval, tick_atom::value);
  return {
      [=](tick_atom) {
        run();
        self->delayed_send(self, ctx.cfg->cart_cleanup_interval, tick_atom::value);
      },
      [=](cleanup_atom) { run(); },
  };
}

}  // namespace

caf::actor spawn_cart_cleanup(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(cart_cleanup, ctx);
}

}  // namespace checkout
