#include "actors/common/metrics.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

void intake(const api_ptr& api, webhook_delivery&& d, request&& req, responder out) {
  d.correlation_id = req.correlation_id;
  d.raw_body = std::move(req.body);  // verified byte for byte
  if (d.signature.empty()) {
    // Refused before the intake actor sees it, so counted here.
    metrics::registry::instance().webhooks(d.gateway, "bad_signature")++;
    return answer_error(req, out, make_error(errc::bad_signature));
  }
  // The inbox write, then at most WEBHOOK_APPLY_WAIT for the order (then 200 accepted).
  auto wait = api->actors.cfg->webhook_apply_wait + 2 * api->actors.db_timeout;
  ask_and_render_within<webhook_outcome>(
      api, wait, api->webhooks, caf::make_message(webhook_atom::value, std::move(d)), req, out,
      [](const webhook_outcome&) { return 200; },
      [](json_writer& w, const webhook_outcome& o) {
        w.Key("result");
        w.String(o.result);
      });
}

void razorpay(const api_ptr& api, request&& req, responder out) {
  webhook_delivery d;
  d.gateway = "razorpay";
  d.signature = req.header("X-Razorpay-Signature");
  d.event_id_header = req.header("X-Razorpay-Event-Id");
  intake(api, std::move(d), std::move(req), out);
}

void stripe(const api_ptr& api, request&& req, responder out) {
  webhook_delivery d;
  d.gateway = "stripe";
  d.signature = req.header("Stripe-Signature");  // t=…,v1=…: the timestamp is signed too
  intake(api, std::move(d), std::move(req), out);
}

}  // namespace

// A gateway that is not enabled has no webhook route at all (404, CONTRACT
// §13): nobody can sign for it with a secret the service does not hold. The
// Razorpay route also serves the sandbox's Razorpay-format events.
void add_webhook_routes(router& r, const api_ptr& api) {
  for (const auto& gateway : config::webhook_gateways(*api->actors.cfg)) {
    if (gateway == "razorpay")
      r.add("POST", "/api/v1/webhooks/razorpay",
            [api](request&& req, responder out) { razorpay(api, std::move(req), out); });
    if (gateway == "stripe")
      r.add("POST", "/api/v1/webhooks/stripe",
            [api](request&& req, responder out) { stripe(api, std::move(req), out); });
  }
}

}  // namespace checkout::http
