// Gateway choice and the built-in sandbox gateway (CONTRACT §8): the sandbox
// makes no outbound call; its checkout page is served by this service.
#pragma once

#include <caf/expected.hpp>
#include <string>

#include "actors/order/order_record.hpp"
#include "config/settings.hpp"

namespace checkout {

// The gateway for an order: the one asked for, or by configuration and
// currency (razorpay for INR, stripe otherwise; sandbox when configured).
caf::expected<std::string> choose_gateway(const std::string& requested, const config::settings& cfg,
                                          const std::string& currency);

// A sandbox payment attempt: gateway_order_id "order_…", checkout_url on this
// service's own page.
payment_info sandbox_payment(const config::settings& cfg, micros expires_at);

// The Razorpay-format event the sandbox page sends when Pay or Fail is pressed.
std::string sandbox_webhook_body(const payment_info& p, bool captured);

}  // namespace checkout
