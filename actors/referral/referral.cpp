#include "actors/referral/referral.hpp"

namespace checkout::referral {
namespace {

constexpr char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 characters

std::string code_from(const char* prefix, const code_bytes& random) {
  std::string out = prefix;
  for (auto b : random) out += alphabet[b % (sizeof(alphabet) - 1)];
  return out;
}

}  // namespace

std::string referral_code(const code_bytes& random) {
  return code_from("REF", random);
}

std::string reward_code(const code_bytes& random) {
  return code_from("RWD", random);
}

coupon referral_coupon(const std::string& code, const std::string& user_id, int percent) {
  coupon c;
  c.code = code;
  c.type = coupon_type::percentage;
  c.value = percent;
  c.first_order_only = true;
  c.usage_limit_per_user = 1;
  c.referrer_id = user_id;
  return c;
}

coupon reward_coupon(const std::string& code, const std::string& referrer_id, int percent) {
  coupon c;
  c.code = code;
  c.type = coupon_type::percentage;
  c.value = percent;
  c.usage_limit_total = 1;
  c.usage_limit_per_user = 1;
  c.reserved_for = referrer_id;
  return c;
}

}  // namespace checkout::referral
