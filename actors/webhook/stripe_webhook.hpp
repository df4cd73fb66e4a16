// Stripe webhooks (CONTRACT §8): the Stripe-Signature check and the reduction
// of an event to a gateway_event, pure (no clock, no I/O: the caller passes now).
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/webhook/gateway_event.hpp"

namespace checkout::stripe_webhook {

enum class signature_check {
  ok,
  missing,    // no Stripe-Signature header
  malformed,  // no t, no v1, a t that is not a number, or an element without '='
  mismatch,   // no v1 is the HMAC of the payload with any non-empty secret
  stale,      // signed correctly, but t is more than tolerance away from now
};

const char* to_string(signature_check c);

// Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]; each v1 is
// the hex HMAC-SHA256 of "<t>.<raw body>". During a secret rotation Stripe
// signs with both secrets (one v1 each), and we accept either of ours: any v1
// matching any non-empty secret will do. The signature is checked before the
// time, so a forged header reads as a mismatch rather than as stale.
signature_check verify_signature(const std::vector<std::string>& secrets, const std::string& header,
                                 const std::string& raw_body, std::int64_t now_seconds,
                                 std::int64_t tolerance_seconds);

// "t=<t>,v1=<hex>", as Stripe would send it (tests and fake gateways sign with it).
std::string signature_header(const std::string& secret, std::int64_t t,
                             const std::string& raw_body);

// The event reduced for the order: event_id = `id`, type = `type`, the rest
// from data.object by type (checkout.session.*, payment_intent.payment_failed,
// charge.refunded; other types come back with kind none, note "ignored type").
// Fields of the wrong JSON type count as absent. Errors: errc::bad_webhook when
// the body is not an object with a string id and type and an object data.object.
caf::expected<gateway_event> parse_event(const std::string& raw_body);

}  // namespace checkout::stripe_webhook
