#include "actors/cart/cart_pricing.hpp"

#include "actors/errors.hpp"

namespace checkout {

caf::expected<pricing::price_result> price_cart(const cart_state& cart,
                                                const config::settings& cfg) {
  std::vector<pricing::line_input> lines;
  lines.reserve(cart.lines.size());
  for (auto& l : cart.lines) {
    auto unit = l.unit_price;
    if (l.price_currency != cart.currency) {
      auto it = cfg.fx_rates.find(l.price_currency + ":" + cart.currency);
      if (it == cfg.fx_rates.end())
        return make_error(errc::invalid_field,
                          "no exchange rate from " + l.price_currency + " to " + cart.currency);
      unit = pricing::convert(unit, it->second);
    }
    lines.push_back({l.internship_id, l.category, l.quantity, unit});
  }
  pricing::tax_context tax{cart.billing.country, cart.billing.state, cfg.seller_state,
                           cfg.tax_rates};
  return pricing::price(cart.currency, lines, {}, tax);
}

}  // namespace checkout
