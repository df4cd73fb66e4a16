#include "actors/order/order_actor.hpp"

#include <spdlog/spdlog.h>

#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/common/ids.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_store.hpp"
#include "actors/payment/sandbox_gateway.hpp"
#include "persistence/outbox.hpp"

namespace checkout {
namespace {

// What a database step did to the order: the order as now stored (when it
// changed or was loaded) and the result to report.
struct order_update {
  std::optional<order_record> order;
  std::string result;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_update)

namespace checkout {
namespace {

struct order_actor_state {
  std::optional<order_record> order;
  static inline const char* name = "order";
};

using self_ptr = caf::stateful_actor<order_actor_state>*;

void emit(pqxx::transaction_base& txn, const order_record& o, const std::string& type,
          const std::string& correlation_id) {
  persistence::enqueue_event(
      txn, {type, o.token, o.user_id, correlation_id, order_store::order_event_data(o)}, new_uuid(),
      to_rfc3339(now_micros()));
}

// Applies a verified payment event in one transaction: the inbox row, the
// transition, the payment attempt and the outbox event commit together.
caf::message apply_payment(pqxx::connection& c, const order_record& order,
                           const payment_event& ev) {
  pqxx::work txn(c);
  order_state machine(order.status);
  auto d = ev.kind == payment_event_kind::captured
               ? machine.on_captured(ev.amount, ev.currency, order.total, order.currency)
               : machine.on_failed();
  using v = order_state::verdict;
  std::string result = d.what == v::apply      ? "applied"
                       : d.what == v::mismatch ? "amount_mismatch"
                       : d.what == v::already  ? "already_applied"
                                               : "ignored";
  if (!order_store::record_webhook(txn, ev.gateway, ev.event_id, ev.event_type, order.token,
                                   result)) {
    // Delivered before: answer as the first delivery was answered.
    auto earlier = order_store::webhook_result(txn, ev.gateway, ev.event_id);
    if (earlier && *earlier == "amount_mismatch")
      return caf::make_message(make_error(errc::amount_mismatch));
    return caf::make_message(order_update{std::nullopt, "duplicate"});
  }
  if (d.what == v::mismatch) {
    txn.commit();
    spdlog::warn("payment {} for order {} does not match: {} {} vs {} {}", ev.payment_id,
                 order.token, ev.amount, ev.currency, order.total, order.currency);
    return caf::make_message(make_error(errc::amount_mismatch));
  }
  if (d.what != v::apply) {
    txn.commit();
    return caf::make_message(order_update{std::nullopt, result});
  }
  auto reason = ev.kind == payment_event_kind::captured ? "payment " + ev.payment_id + " captured"
                                                        : "payment failed: " + ev.reason;
  if (!order_store::transition(txn, order, d.target, reason))
    return caf::make_message(make_error(errc::unavailable, "order changed concurrently"));
  if (order.payment)
    order_store::update_payment(txn, order.payment->payment_token,
                                ev.kind == payment_event_kind::captured ? "captured" : "failed",
                                ev.payment_id);
  auto updated = order_store::load(txn, order.token);
  emit(txn, *updated, d.target == order_status::paid ? "order.paid" : "order.failed",
       ev.correlation_id);
  txn.commit();
  return caf::make_message(order_update{std::move(updated), result});
}

caf::message apply_enrollment(pqxx::connection& c, const order_record& order,
                              const enrollment_request& req) {
  pqxx::work txn(c);
  auto d = order_state(order.status).on_enrolled();
  if (d.what != order_state::verdict::apply)
    return caf::make_message(order_update{std::nullopt, std::string(to_string(order.status))});
  auto ids = order_store::enroll(txn, order, req.correlation_id);
  if (!order_store::transition(txn, order, order_status::completed,
                               std::to_string(order.lines.size()) + " enrollment(s) created"))
    return caf::make_message(make_error(errc::unavailable, "order changed concurrently"));
  auto updated = order_store::load(txn, order.token);
  emit(txn, *updated, "order.completed", req.correlation_id);
  txn.commit();
  return caf::make_message(order_update{std::move(updated), "completed"});
}

caf::error check_owner(const std::optional<order_record>& order, const std::string& user_id) {
  if (!order || order->user_id != user_id) return make_error(errc::order_not_found);
  return {};
}

// Places a new order for this actor's token: the cart checks itself, the
// placement commits in one transaction, and only then is the cart told.
caf::result<place_order_reply> place(self_ptr self, const actor_context& ctx,
                                     const caf::actor& directory, const std::string& token,
                                     place_order_request req) {
  if (self->state.order) {
    // A retried key finds the order it made before.
    if (auto err = check_owner(self->state.order, req.user_id)) return err;
    return place_order_reply{false, 201, {}, *self->state.order};
  }
  auto rp = self->make_response_promise<place_order_reply>();
  auto fail = [=](const caf::error& err) mutable {
    rp.deliver(err);
    // No order was made: nothing for this actor to hold.
    self->send(directory, idle_atom::value, token);
  };
  self->request(ctx.carts, ctx.db_timeout, req.cart_token,
                caf::make_message(checkout_atom::value, cart_caller{req.user_id}))
      .await(
          [=](cart_view& cart) mutable {
            auto gateway = choose_gateway(req.gateway, *ctx.cfg, cart.totals.currency);
            if (!gateway) {
              fail(gateway.error());
              return;
            }
            order_store::placement p;
            p.order_token = token;
            p.user_id = req.user_id;
            p.idempotency_key = req.idempotency_key;
            p.correlation_id = req.correlation_id;
            p.expires_at = now_micros() + to_micros(ctx.cfg->order_payment_timeout);
            p.payment = sandbox_payment(*ctx.cfg, p.expires_at);
            p.cart = std::move(cart);
            db_request(self, ctx,
                       [p](pqxx::connection& c) {
                         pqxx::work txn(c);
                         try {
                           auto placed = order_store::place(txn, p);
                           if (!placed) return caf::make_message(placed.error());
                           txn.commit();
                           return caf::make_message(order_update{std::move(*placed), "placed"});
                         } catch (const pqxx::unique_violation&) {
                           // The same key is being placed by a concurrent request.
                           return caf::make_message(make_error(errc::idempotency_in_progress));
                         }
                       })
                .await(
                    [=](order_update& up) mutable {
                      self->state.order = up.order;
                      rp.deliver(place_order_reply{false, 201, {}, *up.order});
                      self->send(ctx.carts, req.cart_token,
                                 caf::make_message(converted_atom::value));
                    },
                    [=](caf::error& err) mutable { fail(err); });
          },
          [=](caf::error& err) mutable { fail(err); });
  return rp;
}

// Runs a database step on the current order and adopts what it stored.
template <class Step>
caf::result<webhook_outcome> step(self_ptr self, const actor_context& ctx, Step f) {
  auto rp = self->make_response_promise<webhook_outcome>();
  auto order = *self->state.order;
  db_request(self, ctx, [order, f](pqxx::connection& c) { return f(c, order); })
      .await(
          [=](order_update& up) mutable {
            if (up.order) self->state.order = std::move(up.order);
            rp.deliver(webhook_outcome{up.result});
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

void load(self_ptr self, const actor_context& ctx, const caf::actor& directory,
          const std::string& token) {
  db_request(self, ctx,
             [token](pqxx::connection& c) {
               pqxx::read_transaction txn(c);
               return caf::make_message(order_update{order_store::load(txn, token), "loaded"});
             })
      .await(
          [=](order_update& up) {
            self->state.order = std::move(up.order);
            if (!self->state.order) self->send(directory, idle_atom::value, token);
          },
          [=](caf::error& err) { self->quit(err); });
}

caf::behavior order_actor(self_ptr self, actor_context ctx, std::string token, caf::actor directory,
                          bool fresh) {
  if (!fresh) load(self, ctx, directory, token);
  return {
      [=](place_atom, place_order_request req) {
        return place(self, ctx, directory, token, std::move(req));
      },
      [=](get_atom, const order_query& q) -> caf::result<order_record> {
        if (auto err = check_owner(self->state.order, q.user_id)) return err;
        return *self->state.order;
      },
      [=](payment_atom, payment_event ev) -> caf::result<webhook_outcome> {
        if (!self->state.order) return make_error(errc::order_not_found);
        return step(self, ctx, [ev](pqxx::connection& c, const order_record& o) {
          return apply_payment(c, o, ev);
        });
      },
      [=](enroll_atom, enrollment_request req) -> caf::result<enrollment_done> {
        if (!self->state.order) return make_error(errc::order_not_found);
        auto rp = self->make_response_promise<enrollment_done>();
        auto order = *self->state.order;
        db_request(self, ctx,
                   [order, req](pqxx::connection& c) { return apply_enrollment(c, order, req); })
            .await(
                [=](order_update& up) mutable {
                  if (up.order) self->state.order = std::move(up.order);
                  rp.deliver(enrollment_done{self->state.order->enrollment_ids});
                },
                [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [=](passivate_atom) { self->quit(); },
      caf::after(ctx.cfg->actor_idle_timeout) >>
          [=] { self->send(directory, idle_atom::value, token); },
  };
}

}  // namespace

caf::actor spawn_order_actor(caf::actor_system& sys, const actor_context& ctx, std::string token,
                             caf::actor directory, bool fresh) {
  return sys.spawn(order_actor, ctx, std::move(token), std::move(directory), fresh);
}

}  // namespace checkout
