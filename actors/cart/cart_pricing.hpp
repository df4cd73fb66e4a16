// Prices a cart: converts each line's unit price into the cart currency at the
// configured rate, then applies pricing::price. Pure.
#pragma once

#include <caf/expected.hpp>

#include "actors/cart/cart_state.hpp"
#include "actors/cart/pricing.hpp"
#include "config/settings.hpp"

namespace checkout {

caf::expected<pricing::price_result> price_cart(const cart_state& cart,
                                                const config::settings& cfg);

}  // namespace checkout
