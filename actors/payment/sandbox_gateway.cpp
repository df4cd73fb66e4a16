#include "actors/payment/sandbox_gateway.hpp"

#include "actors/common/ids.hpp"
#include "actors/errors.hpp"

namespace checkout {

caf::expected<std::string> choose_gateway(const std::string& requested, const config::settings& cfg,
                                          const std::string& currency) {
  if (!requested.empty() && requested != "sandbox" && requested != "razorpay" &&
      requested != "stripe")
    return make_error(errc::invalid_field, "gateway must be one of razorpay, stripe, sandbox");
  std::string chosen = requested;
  if (chosen.empty())
    chosen =
        cfg.payment_gateway == "sandbox" ? "sandbox" : (currency == "INR" ? "razorpay" : "stripe");
  // Only the sandbox is wired in so far; a real gateway must be configured to be used.
  if (chosen != "sandbox")
    return make_error(errc::invalid_field, "gateway " + chosen + " is not available here");
  if (cfg.payment_gateway != "sandbox")
    return make_error(errc::invalid_field, "gateway sandbox is not enabled");
  return chosen;
}

payment_info sandbox_payment(const config::settings& cfg, micros expires_at) {
  payment_info p;
  p.payment_token = new_uuid();
  p.attempt_no = 1;
  p.gateway = "sandbox";
  p.gateway_order_id = "order_" + random_hex(7);
  p.checkout_url = cfg.public_base_url + "/api/v1/sandbox/checkout/" + p.payment_token;
  p.status = "created";
  p.expires_at = expires_at;
  return p;
}

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
