// Razorpay webhooks (CONTRACT §8): signature check and parsing, pure.
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <string>

namespace checkout::razorpay_webhook {

// X-Razorpay-Signature: hex HMAC-SHA256 of the raw body with the webhook
// secret; compared in constant time.
bool verify_signature(const std::string& secret, const std::string& raw_body,
                      const std::string& signature_hex);

// The hex HMAC-SHA256 a sender computes (the sandbox page and tests sign with it).
std::string sign(const std::string& secret, const std::string& raw_body);

struct event {
  std::string type;  // payment.captured, payment.failed, order.paid, refund.processed, ...
  std::string payment_id;
  std::string gateway_order_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string error_reason;
};

// Errors: errc::bad_webhook when the body is not a Razorpay event.
caf::expected<event> parse(const std::string& raw_body);

// The dedupe key: the x-razorpay-event-id header, or event + payment id.
std::string event_id(const std::string& header_value, const event& ev);

}  // namespace checkout::razorpay_webhook
