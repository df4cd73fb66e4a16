// Razorpay through its Orders API (JSON, HTTP Basic auth key_id:key_secret).
//  create  GET /v1/orders?receipt=<order_token> first and reuse the order whose
//          notes.payment_token is ours (Razorpay has no idempotency header, so
//          this is how a resumed call after a crash or a lost answer avoids a
//          second gateway order); otherwise POST /v1/orders {amount, currency,
//          receipt, notes{order_token, payment_token, attempt_no}}. The customer
//          pays on our page PUBLIC_BASE_URL/api/v1/checkout/razorpay/<payment_token>,
//          which hands over to Razorpay's hosted checkout.
//  fetch   GET /v1/orders/{id}/payments: a captured payment -> captured; else
//          open. Never `failed`: a Razorpay order has no terminal unpaid state
//          (a failed payment can be followed by a successful one on the same
//          order, and orders are not cancellable), so only our payment window
//          ends an attempt.
//  expire  Razorpay cannot cancel an order: success without a call (a late
//          capture is then refunded by the order actor).
//  refund  GET /v1/payments/{id}/refunds first and reuse the refund whose
//          notes.idempotency_key is ours; otherwise POST /v1/payments/{id}/refund.
#pragma once

#include <optional>
#include <string>

#include "actors/payment/gateway.hpp"
#include "actors/payment/http_client.hpp"

namespace checkout::payment {

struct razorpay_options {
  std::string api_base = "https://api.razorpay.com";
  std::string key_id;
  std::string key_secret;
  std::string public_base_url;
  http_client_options http;
};

class razorpay_gateway final : public gateway_adapter {
 public:
  explicit razorpay_gateway(razorpay_options opts);
  const std::string& name() const override { return name_; }
  caf::expected<session> create_session(const session_request& req) override;
  caf::expected<remote_payment> fetch(const std::string& gateway_order_id) override;
  caf::error expire(const std::string& gateway_order_id) override;
  caf::expected<refund_result> refund(const refund_request& req) override;

 private:
  caf::expected<std::string> call(const char* method, const std::string& path, const char* step,
                                  const std::string& json_body = {}) const;
  caf::expected<std::optional<session>> find_order(const session_request& req) const;
  session session_for(const session_request& req, std::string gateway_order_id) const;

  std::string name_ = "razorpay";
  razorpay_options opts_;
  http_client http_;
};

}  // namespace checkout::payment
