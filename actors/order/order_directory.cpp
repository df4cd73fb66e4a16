#include "actors/order/order_directory.hpp"

#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>
#include <unordered_map>

#include "actors/common/child_failures.hpp"
#include "actors/common/db.hpp"
#include "actors/common/idempotency_jobs.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/order/order_queries.hpp"
#include "actors/order/order_store.hpp"
#include "actors/order/order_timing.hpp"
#include "persistence/idempotency.hpp"

namespace checkout {
namespace {

constexpr const char* orders_scope = "orders";
constexpr const char* payments_scope = "payments";

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

using self_ptr = instrumented_actor<order_directory_state>*;

caf::actor spawn_child(self_ptr self, const actor_context& ctx, const std::string& token,
                       bool fresh) {
  auto child =
      spawn_order_actor(self->system(), ctx, token, caf::actor_cast<caf::actor>(self), fresh);
  self->monitor(child);
  self->link_to(child);
  self->state.orders.emplace(token, child);
  return child;
}

caf::actor find_or_spawn(self_ptr self, const actor_context& ctx, const std::string& token) {
  auto it = self->state.orders.find(token);
  if (it != self->state.orders.end()) return it->second;
  return spawn_child(self, ctx, token, false);
}

// Takes the key, answers a replay or a conflict on it, and otherwise hands
// the request to `proceed` (with the order the key made before, if any).
template <class Proceed>
caf::result<place_order_reply> keyed(self_ptr self, const actor_context& ctx,
                                     persistence::idempotency_key_ref ref, std::string request_hash,
                                     Proceed proceed) {
  auto rp = self->make_response_promise<place_order_reply>();
  // Longer than a placement may take; a request that died releases it after this.
  auto lease = order_timing::key_lease(*ctx.cfg, ctx.db_timeout);
  db_request(self, ctx,
             [ref, request_hash, lease](pqxx::connection& c) {
               pqxx::work txn(c);
               key_decision out;
               out.decision = persistence::begin_request(txn, ref, request_hash, lease);
               // A placement retried after its first answer was lost finds its order.
               if (out.decision.what == persistence::idempotency_decision::proceed &&
                   ref.scope == orders_scope)
                 out.existing_order = order_store::find_by_key(txn, ref.user_id, ref.key);
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
                metrics::registry::instance().idempotency().at("conflict")++;
                rp.deliver(make_error(errc::idempotency_key_mismatch));
                return;
              case d::in_progress:
                metrics::registry::instance().idempotency().at("in_progress")++;
                rp.deliver(make_error(errc::idempotency_in_progress));
                return;
              case d::proceed:
                proceed(kd.existing_order, rp);
                return;
            }
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

using reply_promise = caf::typed_response_promise<place_order_reply>;

caf::result<place_order_reply> place(self_ptr self, const actor_context& ctx,
                                     place_order_request req) {
  persistence::idempotency_key_ref ref{req.user_id, orders_scope, req.idempotency_key};
  auto hash = req.request_hash;
  return keyed(self, ctx, ref, hash,
               [=](const std::optional<std::string>& existing, reply_promise rp) mutable {
                 auto child = existing ? find_or_spawn(self, ctx, *existing)
                                       : spawn_child(self, ctx, new_uuid(), true);
                 self->request(child, order_timing::placement_wait(*ctx.cfg, ctx.db_timeout),
                               place_atom::value, req)
                     .then([=](place_order_reply& r) mutable { rp.deliver(r); },
                           [=](caf::error& err) mutable { rp.deliver(err); });
               });
}

// The caller's orders, newest first, a page at a time.
caf::message list_orders(pqxx::connection& c, const order_list_query& q) {
  std::optional<order_queries::list_position> after;
  if (!q.cursor.empty()) {
    after = order_queries::decode_cursor(q.cursor);
    if (!after) return caf::make_message(make_error(errc::invalid_field, "cursor is not valid"));
  }
  std::optional<order_status> status;
  if (!q.status.empty()) {
    status = parse_order_status(q.status);
    if (!status) return caf::make_message(make_error(errc::invalid_field, "status is not valid"));
  }
  pqxx::read_transaction txn(c);
  auto rows = order_queries::list(txn, q.user_id, status, after, q.limit + 1);
  order_list out;
  if (rows.size() > static_cast<size_t>(q.limit)) {
    rows.resize(q.limit);
    out.next_cursor = order_queries::encode_cursor(rows.back());
  }
  for (auto& r : rows)
    if (auto o = order_store::load(txn, r.token)) out.orders.push_back(std::move(*o));
  return caf::make_message(std::move(out));
}

// POST /orders/{t}/payments: the key is taken, then the order actor opens a
// new attempt (or finishes one a failed request left pending).
caf::result<place_order_reply> retry(self_ptr self, const actor_context& ctx,
                                     payment_retry_request req) {
  if (!is_uuid(req.order_token)) return make_error(errc::order_not_found);
  for (auto& ch : req.order_token)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  persistence::idempotency_key_ref ref{req.user_id, payments_scope, req.idempotency_key};
  auto hash = req.request_hash;
  return keyed(self, ctx, ref, hash,
               [=](const std::optional<std::string>&, reply_promise rp) mutable {
                 self->request(find_or_spawn(self, ctx, req.order_token),
                               order_timing::placement_wait(*ctx.cfg, ctx.db_timeout),
                               retry_atom::value, req)
                     .then(
                         [=](order_record& o) mutable {
                           rp.deliver(place_order_reply{false, 201, {}, std::move(o)});
                         },
                         [=](caf::error& err) mutable { rp.deliver(err); });
               });
}

caf::behavior order_directory(self_ptr self, actor_context ctx) {
  outlive_failed_children(self, "order");
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& orders = self->state.orders;
    for (auto it = orders.begin(); it != orders.end(); ++it) {
      if (it->second.address() == dm.source) {
        orders.erase(it);
        break;
      }
    }
  });
  return {
      [=](place_atom, place_order_request& req) { return place(self, ctx, std::move(req)); },
      [=](retry_atom, payment_retry_request& req) { return retry(self, ctx, std::move(req)); },
      [=](get_atom, const payment_lookup& q) -> caf::result<payment_info> {
        if (!is_uuid(q.payment_token)) return make_error(errc::order_not_found);
        self->delegate(ctx.db, persistence::db_job{[q](pqxx::connection& c) {
                         pqxx::read_transaction txn(c);
                         auto p = order_store::find_payment(txn, q.payment_token);
                         if (!p) return caf::make_message(make_error(errc::order_not_found));
                         return caf::make_message(*p);
                       }});
        return caf::delegated<payment_info>{};
      },
      [=](list_atom, const order_list_query& q) {
        return self->delegate(
            ctx.db, persistence::db_job{[q](pqxx::connection& c) { return list_orders(c, q); }});
      },
      [=](store_atom, idempotent_response& r) {
        return self->delegate(ctx.db, store_response_job(std::move(r)));
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
        self->state.orders.erase(it);
      },
  };
}

}  // namespace

caf::actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(order_directory, ctx);
}

}  // namespace checkout
