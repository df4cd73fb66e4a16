#include "actors/order/order_directory.hpp"

#include <pqxx/pqxx>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/entity_directory.hpp"
#include "actors/common/idempotency_jobs.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/metrics.hpp"
#include "actors/errors.hpp"
#include "actors/invoice/invoice_store.hpp"
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

// Orders to entity_directory.
struct order_entity {
  using actor = order_actor;
  using requests = order_requests;
  using directory = order_directory_actor;
  struct local_state {};
  static constexpr const char* directory_name = actor_kinds::order_directory.name;
  static constexpr errc not_found = errc::order_not_found;
  static actor spawn(caf::actor_system& sys, const actor_context& ctx, std::string token,
                     entity_parent_actor directory, bool fresh) {
    return spawn_order_actor(sys, ctx, std::move(token), std::move(directory), fresh);
  }
};

using orders = entity_directory<order_entity>;
using self_ptr = orders::self_ptr;

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
               key_decision out;
               {
                 // A new key, the usual case, in two statements and no
                 // transaction around them (issue 16: four round trips were
                 // BEGIN, key, order, COMMIT). The key is this request's from
                 // the first one on, so an order made under it before the
                 // second is one an earlier request made.
                 pqxx::nontransaction once(c);
                 if (persistence::begin_fresh(once, ref, request_hash, lease)) {
                   if (ref.scope == orders_scope)
                     out.existing_order = order_store::find_by_key(once, ref.user_id, ref.key);
                   return caf::make_message(std::move(out));
                 }
               }
               pqxx::work txn(c);
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
                 auto child = existing ? orders::find_or_spawn(self, ctx, *existing)
                                       : orders::spawn(self, ctx, new_uuid(), true);
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
  if (!orders::normalize(req.order_token)) return make_error(errc::order_not_found);
  persistence::idempotency_key_ref ref{req.user_id, payments_scope, req.idempotency_key};
  auto hash = req.request_hash;
  return keyed(self, ctx, ref, hash,
               [=](const std::optional<std::string>&, reply_promise rp) mutable {
                 self->request(orders::find_or_spawn(self, ctx, req.order_token),
                               order_timing::placement_wait(*ctx.cfg, ctx.db_timeout),
                               retry_atom::value, req)
                     .then(
                         [=](order_record& o) mutable {
                           rp.deliver(place_order_reply{false, 201, {}, std::move(o)});
                         },
                         [=](caf::error& err) mutable { rp.deliver(err); });
               });
}

order_directory_actor::behavior_type order_directory(self_ptr self, actor_context ctx) {
  return orders::make_behavior(
      self, ctx,
      [=](place_atom, place_order_request& req) { return place(self, ctx, std::move(req)); },
      [=](retry_atom, payment_retry_request& req) { return retry(self, ctx, std::move(req)); },
      [=](get_atom, const payment_lookup& q) -> caf::result<payment_info> {
        if (!is_uuid(q.payment_token)) return make_error(errc::order_not_found);
        self->delegate(ctx.db, persistence::db_job{[q](pqxx::connection& c) {
                         pqxx::nontransaction txn(c);
                         auto p = order_store::find_payment(txn, q.payment_token);
                         if (!p) return caf::make_message(make_error(errc::order_not_found));
                         return caf::make_message(*p);
                       }});
        return caf::delegated<payment_info>{};
      },
      [=](get_atom, const hosted_payment_lookup& q) -> caf::result<hosted_payment> {
        if (!is_uuid(q.payment_token)) return make_error(errc::order_not_found);
        self->delegate(ctx.db, persistence::db_job{[q](pqxx::connection& c) {
                         pqxx::read_transaction txn(c);
                         auto p = order_store::find_hosted_payment(txn, q.payment_token);
                         if (!p) return caf::make_message(make_error(errc::order_not_found));
                         return caf::make_message(std::move(*p));
                       }});
        return caf::delegated<hosted_payment>{};
      },
      [=](get_atom, const invoice_lookup& q) -> caf::result<invoice::document> {
        if (!is_uuid(q.order_token)) return make_error(errc::order_not_found);
        self->delegate(
            ctx.db, persistence::db_job{[q, sac = ctx.cfg->sac_default](pqxx::connection& c) {
              pqxx::read_transaction txn(c);
              auto order = order_store::load(txn, q.order_token);
              auto stored =
                  order ? invoice_store::find(txn, q.order_token) : invoice_store::stored{};
              auto doc = invoice::invoice_of(order, stored, q, sac);
              if (!doc) return caf::make_message(doc.error());
              return caf::make_message(std::move(*doc));
            }});
        return caf::delegated<invoice::document>{};
      },
      [=](list_atom, const order_list_query& q) -> caf::delegated<order_list> {
        self->delegate(ctx.db,
                       persistence::db_job{[q](pqxx::connection& c) { return list_orders(c, q); }});
        return {};
      },
      [=](store_atom, idempotent_response& r) -> caf::delegated<ack_reply> {
        self->delegate(ctx.db, store_response_job(std::move(r)));
        return {};
      });
}

}  // namespace

order_directory_actor spawn_order_directory(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(order_directory, ctx);
}

}  // namespace checkout
