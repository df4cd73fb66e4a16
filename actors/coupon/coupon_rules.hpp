// Whether a coupon applies to a cart, and as what discount: pure. Each
// rejection names its reason (CONTRACT §4, issue 3), e.g. "expired",
// "not yet valid", "below minimum order value of INR 500.00", "usage limit
// reached", "not applicable to these internships", "not combinable with SAVE10",
// "first order only", "inactive".
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/cart/pricing.hpp"
#include "actors/coupon/coupon.hpp"

namespace checkout {

struct coupon_line {
  std::string internship_id;
  std::string category;
  int quantity = 1;
  std::int64_t base_price = 0;  // in the cart currency
};

struct coupon_context {
  std::string currency;  // the cart's
  std::vector<coupon_line> lines;
  micros now = 0;
  std::string user_id;            // empty: guest
  std::int64_t uses_total = 0;    // redemptions held or made (all users)
  std::int64_t uses_by_user = 0;  // by this user
  bool user_has_orders = false;   // a paid or completed order exists
  std::vector<coupon> applied;    // already on the cart, in order (not including this one)
  // Converts an amount in `from` into the cart currency; false when no rate.
  std::function<bool(const std::string& from, std::int64_t amount, std::int64_t& out)> convert;
};

struct coupon_verdict {
  bool ok = false;
  std::vector<std::string> reasons;  // empty when ok
  pricing::discount_input discount;  // when ok: kind, value (cart currency), cap, applies_to
};

coupon_verdict evaluate(const coupon& c, const coupon_context& ctx);

}  // namespace checkout
