// Stripe through Checkout Sessions (form-encoded, Authorization: Bearer key).
//  create  POST /v1/checkout/sessions with Idempotency-Key
//          "checkout-session-<payment_token>": the same attempt is one session
//          however often the call is resumed. expires_at is the end of our
//          window, but at least 30 minutes (Stripe's minimum) plus a margin and
//          at most 24 hours after the attempt started (session_request.started_at).
//          Stripe compares a repeated key's parameters, so expires_at must not
//          depend on when a resumed call runs: the lower bound moves only in
//          10-minute steps from started_at, and a call tries those values in
//          order (a value Stripe finds too early, or one that differs from what
//          the key first stored, is refused without creating anything), so it
//          ends at the value the first call used, or creates with the first
//          one that is still valid.
//  fetch   GET /v1/checkout/sessions/{id}: complete + paid -> captured
//          (payment_intent, amount_total, CURRENCY); expired -> expired; else open.
//  expire  POST /v1/checkout/sessions/{id}/expire; a session that is already
//          expired is success, a completed one is gateway_rejected.
//  refund  POST /v1/refunds {payment_intent, amount, metadata} with
//          Idempotency-Key "refund-<idempotency_key>".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/payment/form_encoding.hpp"
#include "actors/payment/gateway.hpp"
#include "actors/payment/http_client.hpp"

namespace checkout::payment {

struct stripe_options {
  std::string api_base = "https://api.stripe.com";
  std::string secret_key;
  http_client_options http;
};

// Stripe's bounds on a Checkout Session's life, and our margin above the minimum.
constexpr micros stripe_min_life = 30LL * 60 * 1000000;
constexpr micros stripe_max_life = 24LL * 3600 * 1000000;
constexpr micros stripe_margin = 5LL * 60 * 1000000;

constexpr micros stripe_reference_step = 10LL * 60 * 1000000;

// expires_at in Unix seconds: `window_end` clamped to
// [reference + 30 min + margin, reference + 24 h - margin].
std::int64_t stripe_expires_at(micros window_end, micros reference);

// The expires_at values a create tries, ascending and distinct: the first is
// stripe_expires_at(window_end, started_at); each next one has its lower bound
// one step later, until a value comfortably valid at `now` (at most 16).
std::vector<std::int64_t> stripe_expiry_candidates(micros window_end, micros started_at,
                                                   micros now);

// The form fields of a session for `req` (pure; for tests and create).
form_fields stripe_session_fields(const session_request& req, std::int64_t expires_at);

// Idempotency keys derived from ours.
std::string stripe_session_key(const std::string& payment_token);
std::string stripe_refund_key(const std::string& idempotency_key);

class stripe_gateway final : public gateway_adapter {
 public:
  explicit stripe_gateway(stripe_options opts);
  const std::string& name() const override { return name_; }
  caf::expected<session> create_session(const session_request& req) override;
  caf::expected<remote_payment> fetch(const std::string& gateway_order_id) override;
  caf::error expire(const std::string& gateway_order_id) override;
  caf::expected<refund_result> refund(const refund_request& req) override;

 private:
  http_result call(const char* method, const std::string& path, const std::string& form_body,
                   const std::string& idempotency_key) const;

  std::string name_ = "stripe";
  stripe_options opts_;
  http_client http_;
};

}  // namespace checkout::payment
