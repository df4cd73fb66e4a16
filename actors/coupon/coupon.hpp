// A coupon or sale discount as an admin defines it (CONTRACT §4). Codes are
// stored upper-case, so lookups are case-insensitive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/common/time.hpp"

namespace checkout {

enum class coupon_type { percentage, fixed, free, tiered };

struct coupon_tier {
  int min_quantity = 1;
  int percentage = 0;
};

struct coupon {
  std::string code;  // upper-case
  coupon_type type = coupon_type::percentage;
  std::int64_t value = 0;  // percent 1-100, or minor units in `currency` (fixed)
  std::string currency;    // for fixed (and for min_order_value / max_discount)
  std::vector<coupon_tier> tiers;
  std::int64_t max_discount = 0;            // 0: no cap
  std::int64_t min_order_value = 0;         // 0: none; compared with the applicable base
  micros valid_from = 0;                    // 0: always
  micros valid_until = 0;                   // 0: never ends
  std::int64_t usage_limit_total = 0;       // 0: unlimited
  std::int64_t usage_limit_per_user = 0;    // 0: unlimited
  std::vector<std::string> internship_ids;  // empty: any
  std::vector<std::string> categories;      // empty: any
  bool combinable = false;
  bool first_order_only = false;
  std::string sale_slug;  // empty: not a sale
  bool active = true;
  // A user's referral code (CONTRACT §16): whose it is; they cannot use it.
  std::string referrer_id;
  // A referral reward: the one user who may use it.
  std::string reserved_for;
};

std::string normalize_code(const std::string& code);  // trimmed, upper-case
const char* to_string(coupon_type t);
std::optional<coupon_type> parse_coupon_type(const std::string& s);

}  // namespace checkout
