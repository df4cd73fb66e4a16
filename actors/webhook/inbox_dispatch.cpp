#include "actors/webhook/inbox_dispatch.hpp"

#include "actors/common/metrics.hpp"
#include "actors/common/time.hpp"

namespace checkout {

payment_event to_payment_event(const gateway_event& ev, const std::string& correlation_id,
                               bool unrecorded) {
  payment_event pe;
  switch (ev.kind) {
    case gateway_event_kind::failed:
      pe.kind = payment_event_kind::failed;
      break;
    case gateway_event_kind::refunded:
      pe.kind = payment_event_kind::refunded;
      break;
    case gateway_event_kind::captured:
    case gateway_event_kind::none:
      pe.kind = payment_event_kind::captured;
      break;
  }
  pe.gateway = ev.gateway;
  pe.event_id = ev.event_id;
  pe.event_type = ev.type;
  pe.gateway_order_id = ev.gateway_order_id;
  pe.payment_token = ev.payment_token;
  pe.payment_id = ev.payment_id;
  pe.amount = ev.amount;
  pe.currency = ev.currency;
  pe.reason = ev.reason;
  pe.correlation_id = correlation_id;
  if (unrecorded) pe.unrecorded = ev;
  return pe;
}

void apply_to_order(caf::event_based_actor* self, const actor_context& ctx,
                    const std::string& order_token, const gateway_event& ev,
                    const std::string& correlation_id, std::chrono::milliseconds wait,
                    std::function<void(caf::expected<webhook_outcome>)> done, bool unrecorded) {
  self->request(ctx.orders, wait, order_token, payment_atom::value,
                to_payment_event(ev, correlation_id, unrecorded))
      .then(
          [done, gateway = ev.gateway, occurred = ev.occurred_at](webhook_outcome& out) {
            // Lag: from the gateway's event time to the order changed by it.
            if (out.result == "applied" && occurred > 0)
              metrics::registry::instance().observe_webhook_lag(
                  gateway, static_cast<double>(now_micros() - occurred) / 1e6);
            done(std::move(out));
          },
          [done](caf::error& err) { done(std::move(err)); });
}

}  // namespace checkout
