// A gateway's webhook event reduced to what the order needs (CONTRACT §8):
// both parsers (razorpay_webhook, stripe_webhook) produce it, the inbox stores
// it, and the order actor applies it. Pure data, no CAF or I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "actors/common/time.hpp"

namespace checkout {

// What an event means for the order; none = recorded and acknowledged only
// (payment.authorized, a Stripe session completed without payment yet, a partial
// refund, a type we do not act on).
enum class gateway_event_kind { none, captured, failed, refunded };

struct gateway_event {
  std::string gateway;   // razorpay | stripe
  std::string event_id;  // the dedupe key: (gateway, event_id) is unique in the inbox
  std::string type;      // as the gateway names it: payment.captured, charge.refunded, ...
  gateway_event_kind kind = gateway_event_kind::none;
  std::string note;  // why kind is none, for the inbox row ("partial refund", ...)
  // Ways to find the order, most specific first; any may be empty.
  std::string payment_token;     // ours (Stripe metadata.payment_token)
  std::string order_token;       // ours (Stripe metadata.order_token / client_reference_id)
  std::string gateway_order_id;  // Razorpay order_…, Stripe cs_… (the checkout session)
  std::string payment_id;        // Razorpay pay_…, Stripe pi_…
  // The money the event reports (captured: paid; refunded: refunded), minor units.
  std::int64_t amount = 0;
  std::string currency;    // upper case ISO 4217
  std::string reason;      // failure description, when the gateway gives one
  micros occurred_at = 0;  // the gateway's own event time, 0 when unknown
};

// Whether the webhook route of `route_gateway` may change a payment attempt
// made at `attempt_gateway` (CONTRACT §13): each route serves its own
// gateway's attempts, and the Razorpay route also the sandbox's (which speaks
// Razorpay's format) while the sandbox is enabled.
inline bool route_serves(const std::string& route_gateway, const std::string& attempt_gateway,
                         bool sandbox_enabled) {
  if (attempt_gateway == route_gateway) return true;
  return sandbox_enabled && route_gateway == "razorpay" && attempt_gateway == "sandbox";
}

}  // namespace checkout
