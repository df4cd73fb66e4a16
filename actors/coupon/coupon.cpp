#include "actors/coupon/coupon.hpp"

#include <cctype>

namespace checkout {

std::string normalize_code(const std::string& code) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  size_t begin = 0;
  size_t end = code.size();
  while (begin < end && is_space(code[begin])) ++begin;
  while (end > begin && is_space(code[end - 1])) --end;
  std::string out;
  out.reserve(end - begin);
  // ASCII only: codes are [A-Za-z0-9_-], and a locale must not change a lookup.
  for (size_t i = begin; i < end; ++i) {
    char c = code[i];
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

const char* to_string(coupon_type t) {
  switch (t) {
    case coupon_type::percentage:
      return "percentage";
    case coupon_type::fixed:
      return "fixed";
    case coupon_type::free:
      return "free";
    case coupon_type::tiered:
      return "tiered";
  }
  return "percentage";
}

std::optional<coupon_type> parse_coupon_type(const std::string& s) {
  for (auto t :
       {coupon_type::percentage, coupon_type::fixed, coupon_type::free, coupon_type::tiered})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

}  // namespace checkout
