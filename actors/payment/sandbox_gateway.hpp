// The built-in sandbox gateway's webhook (CONTRACT §8): the Razorpay-format
// event its checkout page sends when Pay or Fail is pressed. Its sessions are
// opened by the sandbox adapter behind the payment router.
#pragma once

#include <string>

#include "actors/order/order_record.hpp"

namespace checkout {

std::string sandbox_webhook_body(const payment_info& p, bool captured);

}  // namespace checkout
