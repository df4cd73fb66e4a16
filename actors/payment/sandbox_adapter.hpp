// The built-in sandbox as a gateway_adapter (CONTRACT §8): no outbound call.
// Ids are derived from our own keys (SHA-256), so a resumed create or refund
// answers the same id. fetch always answers open: the sandbox page's signed
// webhook is its only truth.
#pragma once

#include <string>

#include "actors/payment/gateway.hpp"

namespace checkout::payment {

class sandbox_adapter final : public gateway_adapter {
 public:
  explicit sandbox_adapter(std::string public_base_url);
  const std::string& name() const override { return name_; }
  // gateway_order_id "order_" + 14 hex; checkout_url on this service's own page.
  caf::expected<session> create_session(const session_request& req) override;
  caf::expected<remote_payment> fetch(const std::string& gateway_order_id) override;
  caf::error expire(const std::string& gateway_order_id) override;
  // refund_id "rfnd_" + 14 hex, status "processed".
  caf::expected<refund_result> refund(const refund_request& req) override;

 private:
  std::string name_ = "sandbox";
  std::string public_base_url_;
};

}  // namespace checkout::payment
