// Prices a cart: converts each line's unit price into the cart currency at the
// configured rate, evaluates the coupons on the cart in the order applied, then
// applies pricing::price. Pure.
#pragma once

#include <caf/expected.hpp>

#include "actors/cart/cart_state.hpp"
#include "actors/cart/pricing.hpp"
#include "actors/coupon/coupon_rules.hpp"
#include "config/settings.hpp"

namespace checkout {

// A coupon on the cart and what it takes off now; `reasons` says why a coupon
// still on the cart takes nothing off (it expired, its lines were removed, ...).
struct cart_discount {
  std::string code;
  std::int64_t amount = 0;
  bool sale = false;
  std::vector<std::string> reasons;
};

struct cart_price {
  pricing::price_result totals;
  std::vector<cart_discount> discounts;
};

// `defs` are the definitions of the cart's coupons (any order). Usage limits
// are not counted here: they are checked when a coupon is applied and when an
// order holds a use.
caf::expected<cart_price> price_cart(const cart_state& cart, const config::settings& cfg,
                                     const std::vector<coupon>& defs, micros now);
// Without coupons.
caf::expected<pricing::price_result> price_cart(const cart_state& cart,
                                                const config::settings& cfg);

// What evaluate() needs to know of this cart (usage counts left at zero).
caf::expected<coupon_context> coupon_context_for(const cart_state& cart,
                                                 const config::settings& cfg, micros now);

}  // namespace checkout
