// Razorpay webhooks (CONTRACT §8): signature check and parsing, pure.
#pragma once

#include <caf/expected.hpp>
#include <string>
#include <vector>

#include "actors/webhook/gateway_event.hpp"

namespace checkout::razorpay_webhook {

// X-Razorpay-Signature: the hex HMAC-SHA256 of the raw body with the webhook
// secret, as a sender computes it (the sandbox page and tests sign with it).
std::string sign(const std::string& secret, const std::string& raw_body);

// True when signature_hex (either case) is the HMAC of raw_body with any
// non-empty secret, compared in constant time: during a rotation both the
// current and the previous secret sign. Empty secrets are skipped, so an unset
// secret never verifies anything.
bool verify_signature(const std::vector<std::string>& secrets, const std::string& raw_body,
                      const std::string& signature_hex);

// The event reduced for the order. event_id is the X-Razorpay-Event-Id header,
// or, without one, "<event>:<payment id>" ("<event>:<refund id>" for refunds,
// the order id when there is no payment). Fields of the wrong JSON type count
// as absent. Errors: errc::bad_webhook when the body is not an object with a
// string `event`.
caf::expected<gateway_event> parse_event(const std::string& raw_body,
                                         const std::string& event_id_header);

}  // namespace checkout::razorpay_webhook
