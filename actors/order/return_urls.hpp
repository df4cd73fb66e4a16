// Where a gateway sends the buyer back after paying or giving up (CONTRACT
// §7): the order's success_url / cancel_url as the storefront gave them, with
// {order_token} filled in, or the service's own return page.
#pragma once

#include <string>

namespace checkout::return_urls {

// The placeholder a storefront writes where the order's token belongs (the
// token does not exist yet when it sends POST /orders).
inline constexpr const char* order_token_placeholder = "{order_token}";

// The service's return page for an order: /api/v1/checkout/return?order_token=...
std::string default_url(const std::string& public_base_url, const std::string& order_token);

// `given` with every {order_token} replaced; other placeholders (Stripe's
// {CHECKOUT_SESSION_ID}) pass through untouched. An empty `given` is the
// default return page.
std::string resolve(const std::string& given, const std::string& public_base_url,
                    const std::string& order_token);

// The storefront's page of an order: {PUBLIC_BASE_URL}/orders/<token>, where
// the service's return page sends the buyer.
std::string order_page(const std::string& public_base_url, const std::string& order_token);

}  // namespace checkout::return_urls
