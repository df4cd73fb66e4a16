#include "actors/cart/cart_pricing.hpp"

#include <algorithm>

#include "actors/errors.hpp"

namespace checkout {
namespace {

caf::expected<std::vector<pricing::line_input>> priced_lines(const cart_state& cart,
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
  return lines;
}

pricing::tax_context tax_of(const cart_state& cart, const config::settings& cfg) {
  return {cart.billing.country, cart.billing.state, cfg.seller_state, cfg.tax_rates};
}

}  // namespace

caf::expected<coupon_context> coupon_context_for(const cart_state& cart,
                                                 const config::settings& cfg, micros now) {
  auto lines = priced_lines(cart, cfg);
  if (!lines) return lines.error();
  coupon_context ctx;
  ctx.currency = cart.currency;
  ctx.now = now;
  ctx.user_id = cart.user_id;
  for (auto& l : *lines)
    ctx.lines.push_back({l.internship_id, l.category, l.quantity, l.unit_price * l.quantity});
  auto rates = cfg.fx_rates;
  auto to = cart.currency;
  ctx.convert = [rates, to](const std::string& from, std::int64_t amount, std::int64_t& out) {
    auto it = rates.find(from + ":" + to);
    if (it == rates.end()) return false;
    out = pricing::convert(amount, it->second);
    return true;
  };
  return ctx;
}

caf::expected<cart_price> price_cart(const cart_state& cart, const config::settings& cfg,
                                     const std::vector<coupon>& defs, micros now) {
  auto lines = priced_lines(cart, cfg);
  if (!lines) return lines.error();
  auto ctx = coupon_context_for(cart, cfg, now);
  if (!ctx) return ctx.error();
  cart_price out;
  std::vector<pricing::discount_input> inputs;
  std::vector<size_t> input_of;  // discounts index -> inputs index
  for (auto& code : cart.coupons) {
    cart_discount d{code, 0, false, {}};
    auto def = std::find_if(defs.begin(), defs.end(),
                            [&](const coupon& c) { return normalize_code(c.code) == code; });
    if (def == defs.end()) {
      d.reasons.push_back("unknown coupon");
      out.discounts.push_back(std::move(d));
      continue;
    }
    d.sale = !def->sale_slug.empty();
    auto verdict = evaluate(*def, *ctx);
    if (verdict.ok) {
      input_of.push_back(out.discounts.size());
      inputs.push_back(verdict.discount);
      ctx->applied.push_back(*def);
    } else {
      d.reasons = verdict.reasons;
    }
    out.discounts.push_back(std::move(d));
  }
  out.totals = pricing::price(cart.currency, *lines, inputs, tax_of(cart, cfg));
  for (size_t i = 0; i < input_of.size() && i < out.totals.discounts.size(); ++i)
    out.discounts[input_of[i]].amount = out.totals.discounts[i].amount;
  return out;
}

caf::expected<pricing::price_result> price_cart(const cart_state& cart,
                                                const config::settings& cfg) {
  auto priced = price_cart(cart, cfg, {}, 0);
  if (!priced) return priced.error();
  return std::move(priced->totals);
}

}  // namespace checkout
