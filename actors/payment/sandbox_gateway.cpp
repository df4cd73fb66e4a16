#include "actors/payment/sandbox_gateway.hpp"

namespace checkout {

std::string sandbox_webhook_body(const payment_info& p, bool captured) {
  // The payment id is derived from the attempt, so pressing Pay twice is one event.
  auto payment_id = "pay_" + p.gateway_order_id.substr(p.gateway_order_id.find('_') + 1);
  std::string entity = R"({"id":")" + payment_id + R"(","entity":"payment","order_id":")" +
                       p.gateway_order_id + R"(","amount":)" + std::to_string(p.amount) +
                       R"(,"currency":")" + p.currency + R"(","status":")" +
                       (captured ? "captured" : "failed") + "\"";
  if (!captured) entity += R"(,"error_description":"Payment failed in the sandbox")";
  entity += "}";
  return R"({"entity":"event","event":")" +
         std::string(captured ? "payment.captured" : "payment.failed") +
         R"(","payload":{"payment":{"entity":)" + entity + "}}}";
}

}  // namespace checkout
