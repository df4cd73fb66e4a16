// One interface over the payment gateways (CONTRACT §8): what the order actor
// asks of Razorpay, Stripe or the built-in sandbox. Adapters block (outbound
// HTTPS) and run only on the gateway actor's detached workers, never on the
// cooperative scheduler.
#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <cstdint>
#include <string>

#include "actors/common/time.hpp"

namespace checkout::payment {

// One payment attempt to open at the gateway.
struct session_request {
  std::string order_token;
  // Our attempt's token: the gateway's idempotency key (Stripe) and the
  // lookup note (Razorpay) derive from it, so a resumed call never makes a
  // second gateway order for the same attempt.
  std::string payment_token;
  int attempt_no = 1;
  std::string user_id;
  std::int64_t amount = 0;  // minor units
  std::string currency;     // ISO 4217, upper case
  std::string description;  // shown on the gateway's page
  std::string success_url;  // never empty: the order actor fills a default
  std::string cancel_url;   // never empty
  micros expires_at = 0;    // the end of our payment window
  // When this attempt was first written (before the first gateway call). Stripe
  // derives expires_at from it so a resumed call sends identical parameters
  // under the same Idempotency-Key; 0 means "now" (a resume may then differ).
  micros started_at = 0;
};

struct session {
  std::string gateway;           // razorpay | stripe | sandbox
  std::string gateway_order_id;  // Razorpay order_…, Stripe cs_…, sandbox order_…
  std::string checkout_url;      // where the customer pays
};

// What the gateway says of an attempt when asked (payment sync, expiry).
enum class remote_state { open, captured, failed, expired };

struct remote_payment {
  remote_state state = remote_state::open;
  std::string payment_id;  // Razorpay pay_…, Stripe pi_…; empty while open
  std::int64_t amount = 0;
  std::string currency;
};

struct refund_request {
  std::string order_token;
  std::string gateway_order_id;
  std::string payment_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string idempotency_key;  // stable per order: a resumed refund is one refund
};

struct refund_result {
  std::string refund_id;
  std::string status;  // the gateway's word: pending | processed | succeeded ...
};

// Errors: errc::gateway_unavailable for what may pass (timeouts, dropped
// connections, 5xx, 429) — these count against the circuit breaker;
// errc::gateway_rejected for a definite refusal (4xx other than 429).
class gateway_adapter {
 public:
  virtual ~gateway_adapter() = default;
  virtual const std::string& name() const = 0;
  virtual caf::expected<session> create_session(const session_request& req) = 0;
  virtual caf::expected<remote_payment> fetch(const std::string& gateway_order_id) = 0;
  // Closes the session so nobody can pay it any more (Stripe's …/expire);
  // a gateway without such a call answers success.
  virtual caf::error expire(const std::string& gateway_order_id) = 0;
  virtual caf::expected<refund_result> refund(const refund_request& req) = 0;
};

}  // namespace checkout::payment
