// Properties of a whole cart's price (CONTRACT §5): random lines priced in two
// currencies, random coupons of every type and restriction, random billing.
// Whatever the coupons are, the figures add up, nothing is negative, no
// discount exceeds what it applies to, and pricing again gives the same.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <numeric>

#include "actors/cart/cart_pricing.hpp"
#include "rc_support.hpp"

namespace checkout {
namespace {

using checkout::testing::check_property;
using checkout::testing::full_range;

config::settings settings_with_rates() {
  config::settings cfg;
  cfg.seller_state = "KA";
  cfg.fx_rates["USD:INR"] = config::fx_rate{8325, 2};  // 83.25
  cfg.fx_rates["INR:USD"] = config::fx_rate{12, 3};    // 0.012
  cfg.tax_rates["GB"] = 20;
  return cfg;
}

rc::Gen<cart_line> gen_line(int index) {
  return rc::gen::apply(
      [index](int qty, std::int64_t price, bool usd, int category) {
        cart_line l;
        l.internship_id = "i" + std::to_string(index);
        l.quantity = qty;
        l.unit_price = price;
        l.price_currency = usd ? "USD" : "INR";
        l.category = "cat" + std::to_string(category);
        return l;
      },
      full_range(1, 101), full_range<std::int64_t>(0, 10'000'000), rc::gen::arbitrary<bool>(),
      full_range(0, 3));
}

rc::Gen<coupon> gen_coupon(int index) {
  return rc::gen::apply(
      [index](int type, std::int64_t value, std::int64_t cap, bool usd, bool combinable,
              int restrict_category, int tier_qty) {
        coupon c;
        c.code = "C" + std::to_string(index);
        c.type = static_cast<coupon_type>(type);
        c.value = c.type == coupon_type::percentage ? 1 + value % 100 : value;
        c.currency = usd ? "USD" : "INR";
        c.max_discount = cap;
        c.combinable = combinable;
        if (restrict_category < 3) c.categories = {"cat" + std::to_string(restrict_category)};
        if (c.type == coupon_type::tiered) c.tiers = {{1, 5}, {tier_qty, 15}, {tier_qty + 10, 30}};
        return c;
      },
      full_range(0, 4), full_range<std::int64_t>(1, 50'000'000),
      full_range<std::int64_t>(0, 1'000'000), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<bool>(), full_range(0, 5), full_range(2, 50));
}

struct scenario {
  cart_state cart;
  std::vector<coupon> defs;
};

rc::Gen<scenario> gen_scenario() {
  return rc::gen::mapcat(full_range(1, 7), [](int n_lines) {
    return rc::gen::mapcat(full_range(0, 4), [n_lines](int n_coupons) {
      std::vector<rc::Gen<cart_line>> lines;
      for (int i = 0; i < n_lines; ++i) lines.push_back(gen_line(i));
      std::vector<rc::Gen<coupon>> coupons;
      for (int i = 0; i < n_coupons; ++i) coupons.push_back(gen_coupon(i));
      return rc::gen::apply(
          [](std::vector<cart_line> ls, std::vector<coupon> cs, bool usd_cart, int billing) {
            scenario s;
            s.cart.currency = usd_cart ? "USD" : "INR";
            s.cart.lines = std::move(ls);
            static const billing_info billings[] = {
                {"IN", "KA"}, {"IN", "MH"}, {"IN", ""}, {"GB", ""}, {"US", "CA"}};
            s.cart.billing = billings[billing];
            for (auto& c : cs) s.cart.coupons.push_back(c.code);
            s.defs = std::move(cs);
            return s;
          },
          rc::gen::exec([lines] {
            std::vector<cart_line> out;
            for (auto& g : lines) out.push_back(*g);
            return out;
          }),
          rc::gen::exec([coupons] {
            std::vector<coupon> out;
            for (auto& g : coupons) out.push_back(*g);
            return out;
          }),
          rc::gen::arbitrary<bool>(), full_range(0, 5));
    });
  });
}

TEST(CartPricingProperty, FiguresAddUpWhateverTheCoupons) {
  auto cfg = settings_with_rates();
  check_property([&] {
    auto s = *gen_scenario();
    auto priced = price_cart(s.cart, cfg, s.defs, 0);
    RC_ASSERT(static_cast<bool>(priced));
    auto& t = priced->totals;
    RC_ASSERT(t.total == t.sub_total + t.tax_total);
    RC_ASSERT(t.sub_total == t.base_total - t.discount_amount);
    std::int64_t base = 0, discount = 0, tax = 0, totals = 0;
    for (auto& l : t.lines) {
      RC_ASSERT(l.base_price >= 0);
      RC_ASSERT(l.discount >= 0);
      RC_ASSERT(l.discount <= l.base_price);
      RC_ASSERT(l.tax >= 0);
      base += l.base_price;
      discount += l.discount;
      tax += l.tax;
      totals += l.total;
    }
    RC_ASSERT(base == t.base_total);
    RC_ASSERT(discount == t.discount_amount);
    RC_ASSERT(tax == t.tax_total);
    RC_ASSERT(totals == t.total);
    // What each coupon takes off adds up to the cart's discount.
    std::int64_t by_coupon = 0;
    for (auto& d : priced->discounts) {
      RC_ASSERT(d.amount >= 0);
      RC_ASSERT(d.reasons.empty() || d.amount == 0);
      by_coupon += d.amount;
    }
    RC_ASSERT(by_coupon == t.discount_amount);
    RC_ASSERT(t.discount_percentage >= 0 && t.discount_percentage <= 100);
  });
}

TEST(CartPricingProperty, PricingAgainGivesTheSame) {
  auto cfg = settings_with_rates();
  check_property([&] {
    auto s = *gen_scenario();
    auto once = price_cart(s.cart, cfg, s.defs, 0);
    auto twice = price_cart(s.cart, cfg, s.defs, 0);
    RC_ASSERT(static_cast<bool>(once) && static_cast<bool>(twice));
    RC_ASSERT(once->totals.total == twice->totals.total);
    RC_ASSERT(once->totals.tax_total == twice->totals.tax_total);
    RC_ASSERT(once->totals.discount_amount == twice->totals.discount_amount);
    for (size_t i = 0; i < once->discounts.size(); ++i)
      RC_ASSERT(once->discounts[i].amount == twice->discounts[i].amount);
  });
}

TEST(CartPricingProperty, LinesInAnotherCurrencyAreConvertedHalfUp) {
  auto cfg = settings_with_rates();
  check_property([&] {
    auto price = *full_range<std::int64_t>(0, 100'000'000);
    cart_state cart;
    cart.currency = "INR";
    cart.lines.push_back({"usd-line", std::nullopt, 1, price, "USD", "c"});
    auto priced = price_cart(cart, cfg);
    RC_ASSERT(static_cast<bool>(priced));
    // price × 83.25, half-up, computed independently.
    auto expected = (price * 8325 * 2 + 100) / 200;
    RC_ASSERT(priced->lines[0].unit_price == expected);
  });
}

TEST(CartPricing, NoRateIsAnErrorNotAGuess) {
  auto cfg = settings_with_rates();
  cart_state cart;
  cart.currency = "INR";
  cart.lines.push_back({"eur-line", std::nullopt, 1, 1000, "EUR", "c"});
  EXPECT_FALSE(static_cast<bool>(price_cart(cart, cfg)));
}

}  // namespace
}  // namespace checkout
