#include "actors/webhook/webhook_intake.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>
#include <pqxx/pqxx>

#include "actors/common/db.hpp"
#include "actors/common/ids.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_store.hpp"
#include "actors/order/order_timing.hpp"
#include "actors/payment/sandbox_gateway.hpp"
#include "actors/webhook/razorpay_webhook.hpp"

namespace checkout {
namespace {

// The order a gateway order id belongs to; empty when none does.
struct order_lookup {
  std::string order_token;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_lookup)

namespace checkout {
namespace {

std::optional<payment_event_kind> kind_of(const std::string& type) {
  if (type == "payment.captured" || type == "order.paid") return payment_event_kind::captured;
  if (type == "payment.failed") return payment_event_kind::failed;
  return std::nullopt;
}

using outcome_promise = caf::typed_response_promise<webhook_outcome>;

void razorpay(caf::event_based_actor* self, const actor_context& ctx, const webhook_delivery& d,
              outcome_promise rp) {
  if (!razorpay_webhook::verify_signature(ctx.cfg->razorpay_webhook_secret, d.raw_body,
                                          d.signature)) {
    rp.deliver(make_error(errc::bad_signature));
    return;
  }
  auto ev = razorpay_webhook::parse(d.raw_body);
  if (!ev) {
    rp.deliver(ev.error());
    return;
  }
  payment_event pe;
  pe.gateway = "razorpay";
  pe.event_id = razorpay_webhook::event_id(d.event_id_header, *ev);
  pe.event_type = ev->type;
  pe.gateway_order_id = ev->gateway_order_id;
  pe.payment_id = ev->payment_id;
  pe.amount = ev->amount;
  pe.currency = ev->currency;
  pe.reason = ev->error_reason;
  pe.correlation_id = d.correlation_id;
  auto kind = kind_of(ev->type);
  // Find the order; an event we do not act on is recorded and acknowledged.
  db_request(self, ctx,
             [pe, known = kind.has_value()](pqxx::connection& c) {
               pqxx::work txn(c);
               auto token = pe.gateway_order_id.empty()
                                ? std::nullopt
                                : order_store::find_by_gateway_order(txn, pe.gateway_order_id);
               if (known && token) return caf::make_message(order_lookup{*token});
               order_store::record_webhook(txn, pe.gateway, pe.event_id, pe.event_type,
                                           token.value_or(""), known ? "unknown_order" : "ignored");
               txn.commit();
               return caf::make_message(order_lookup{});
             })
      .then(
          [=](order_lookup& found) mutable {
            if (found.order_token.empty()) {
              spdlog::info("razorpay event {} ({}) not applied: {}", pe.event_id, pe.event_type,
                           kind ? "no such order" : "ignored type");
              rp.deliver(webhook_outcome{kind ? "unknown_order" : "ignored"});
              return;
            }
            auto ev_copy = pe;
            ev_copy.kind = *kind;
            // A late capture's refund at the gateway is part of the wait.
            self->request(ctx.orders, order_timing::placement_wait(*ctx.cfg, ctx.db_timeout),
                          found.order_token, caf::make_message(payment_atom::value, ev_copy))
                .then([=](webhook_outcome& out) mutable { rp.deliver(out); },
                      [=](caf::error& err) mutable { rp.deliver(err); });
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
}

// The sandbox page's Pay and Fail buttons: a Razorpay-format event signed with
// the Razorpay webhook secret, taken through exactly the path a real one takes.
void sandbox(caf::event_based_actor* self, const actor_context& ctx, const sandbox_action& a,
             outcome_promise rp) {
  if (!is_uuid(a.payment_token)) {
    rp.deliver(make_error(errc::order_not_found));
    return;
  }
  db_request(self, ctx,
             [token = a.payment_token](pqxx::connection& c) {
               pqxx::read_transaction txn(c);
               auto p = order_store::find_sandbox_payment(txn, token);
               if (!p) return caf::make_message(make_error(errc::order_not_found));
               return caf::make_message(*p);
             })
      .then(
          [=](payment_info& p) mutable {
            webhook_delivery d;
            d.gateway = "razorpay";
            d.raw_body = sandbox_webhook_body(p, a.pay);
            d.signature = razorpay_webhook::sign(ctx.cfg->razorpay_webhook_secret, d.raw_body);
            d.correlation_id = a.correlation_id;
            razorpay(self, ctx, d, rp);
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
}

caf::behavior webhook_intake(caf::event_based_actor* self, actor_context ctx) {
  return {
      [=](webhook_atom, const webhook_delivery& d) -> caf::result<webhook_outcome> {
        if (d.gateway != "razorpay")
          return make_error(errc::route_not_found, "no webhook intake for " + d.gateway);
        auto rp = self->make_response_promise<webhook_outcome>();
        razorpay(self, ctx, d, rp);
        return rp;
      },
      [=](sandbox_atom, const sandbox_action& a) -> caf::result<webhook_outcome> {
        auto rp = self->make_response_promise<webhook_outcome>();
        sandbox(self, ctx, a, rp);
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_webhook_intake(caf::actor_system& sys, const actor_context& ctx) {
  return sys.spawn(webhook_intake, ctx);
}

}  // namespace checkout
