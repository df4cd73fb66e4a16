#include "actors/order/order_directory.hpp"

#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>
#include <unordered_map>

#include "actors/common/db.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/order/order_store.hpp"
#include "persistence/idempotency.hpp"

namespace checkout {
namespace {

constexpr const char* orders_scope = "orders";

// What the idempotency step decided, and the order a retried key made before.
struct key_decision {
  persistence::idempotency_decision decision;
  std::optional<std::string> existing_order;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::key_decision)

namespace checkout {
namespace {

struct order_directory_state {
  std::unordered_map<std::string, caf::actor> orders;
  static inline const char* name = "order_directory";
};

using self_ptr = caf::stateful_actor<order_directory_state>*;

caf::actor spawn_child(self_ptr self, const actor_context& ctx, const std::string& token,
                       bool fresh) {
  auto child =
      spawn_order_actor(self->system(), ctx, token, caf::actor_cast<caf::actor>(self), fresh);
  self->monitor(child);
  auto& counters = metrics::registry::instance().actors("order");
  counters.spawned++;
  counters.live++;
  self->link_to(child);
  self->state.orders.emplace(token, child);
  return child;
}

caf::actor find_or_spawn(self_ptr self, const actor_context& ctx, const std::string& token) {
  auto it = self->state.orders.find(token);
  if (it != self->state.orders.end()) return it->second;
  return spawn_child(self, ctx, token, false);
}

caf::result<place_order_reply> place(self_ptr self, const actor_context& ctx,
                                     place_order_request req) {
  auto rp = self->make_response_promise<place_order_reply>();
  // Long enough for a placement; a request that died releases it after this.
  auto lease = ctx.db_timeout * 4;
  db_request(self, ctx,
             [req, lease](pqxx::connection& c) {
               pqxx::work txn(c);
               key_decision out;
               out.decision = persistence::begin_request(
                   txn, {req.user_id, orders_scope, req.idempotency_key}, req.request_hash, lease);
               if (out.decision.what == persistence::idempotency_decision::proceed)
                 out.existing_order =
                     order_store::find_by_key(txn, req.user_id, req.idempotency_key);
               txn.commit();
               return caf::make_message(std::move(out));
             })
      .then(
          [=](key_decision& kd) mutable {
            using d = persistence::idempotency_decision;
            switch (kd.decision.what) {
              case d::replay:
                rp.deliver(place_order_reply{true, kd.decision.status, kd.decision.body, {}});
                return;
              case d::mismatch:
                rp.deliver(make_error(errc::idempotency_key_mismatch));
                return;
              case d::in_progress:
                rp.deliver(make_error(errc::idempotency_in_progress));
                return;
              case d::proceed:
                break;
            }
            auto child = kd.existing_order ? find_or_spawn(self, ctx, *kd.existing_order)
                                           : spawn_child(self, ctx, new_uuid(), true);
            self->request(child, ctx.db_timeout * 3, place_atom::value, req)
                .then([=](place_order_reply& r) mutable { rp.deliver(r); },
                      [=](caf::error& err) mutable { rp.deliver(err); });
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::behavior order_directory(self_ptr self, actor_context ctx) {
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& orders = self->state.orders;
    for (auto it = orders.begin(); it != orders.end(); ++it) {
      if (it->second.address() == dm.source) {
        metrics::registry::instance().actors("order").live--;
        orders.erase(it);
        break;
      }
    }
  });
  return {
      [=](place_atom, place_order_request& req) { return place(self, ctx, std::move(req)); },
      [=](store_atom, idempotent_response& r) {
        return self->delegate(ctx.db, persistence::db_job{[r](pqxx::connection& c) {
                                pqxx::work txn(c);
                                persistence::idempotency_key_ref ref{r.user_id, r.scope, r.key};
                                if (r.status == 0)
                                  persistence::release_request(txn, ref);
                                else
                                  persistence::complete_request(txn, ref, r.status, r.body);
                                txn.commit();
                                return caf::make_message(ack_reply{});
                              }});
      },
      [=](std::string& token, caf::message& inner) -> caf::result<caf::message> {
        if (!is_uuid(token)) return make_error(errc::order_not_found);
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        self->delegate(find_or_spawn(self, ctx, token), std::move(inner));
        return caf::delegated<caf::message>{};
      },
      [=](idle_atom, const std::string& token) {
        auto it = self->state.orders.find(token);
        if (it == self->state.orders.end()) return;
        self->unlink_from(it->second);
        self->send(it->second, passivate_atom::value);
        // It is no longer in the map, so its down message will not find it.
        auto& counters = metrics::registry::instance().actors("order");
        counters.passivated++;
        counters.live--;
        self->state.orders.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(order_directory, ctx);
}

}  // namespace checkout
