#include "actors/payment/gateway_choice.hpp"

#include <algorithm>

#include "actors/errors.hpp"

namespace checkout::payment {

std::vector<std::string> enabled_gateways(const config::settings& cfg) {
  std::vector<std::string> out;
  const bool sandbox = config::sandbox_enabled(cfg);
  // The sandbox leads only when it is the default (PAYMENT_GATEWAY=sandbox).
  if (sandbox && cfg.payment_gateway == "sandbox") out.emplace_back("sandbox");
  if (config::razorpay_configured(cfg)) out.emplace_back("razorpay");
  if (config::stripe_configured(cfg)) out.emplace_back("stripe");
  if (sandbox && cfg.payment_gateway != "sandbox") out.emplace_back("sandbox");
  return out;
}

caf::expected<std::vector<std::string>> gateway_candidates(const std::string& requested,
                                                           const std::vector<std::string>& enabled,
                                                           const std::string& currency) {
  auto on = [&](const std::string& g) {
    return std::find(enabled.begin(), enabled.end(), g) != enabled.end();
  };
  if (!requested.empty()) {
    if (requested != "razorpay" && requested != "stripe" && requested != "sandbox")
      return make_error(errc::invalid_field, "gateway must be one of razorpay, stripe, sandbox");
    if (!on(requested))
      return make_error(errc::invalid_field, "gateway " + requested + " is not enabled");
    return std::vector<std::string>{requested};
  }
  if (!enabled.empty() && enabled.front() == "sandbox") return std::vector<std::string>{"sandbox"};
  std::string preferred = currency == "INR" ? "razorpay" : "stripe";
  std::string other = preferred == "razorpay" ? "stripe" : "razorpay";
  std::vector<std::string> out;
  if (on(preferred)) out.push_back(preferred);
  if (on(other)) out.push_back(other);
  if (out.empty() && on("sandbox")) out.emplace_back("sandbox");
  if (out.empty()) return make_error(errc::gateway_unavailable, "no payment gateway is configured");
  return out;
}

}  // namespace checkout::payment
