#include "http/checkout_display.hpp"

namespace checkout::http {
namespace {

// "1234567" -> "1,234,567", or "12,34,567" with Indian grouping (the last
// three digits, then pairs).
std::string group_digits(const std::string& digits, bool indian) {
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    int left = n - i;  // digits from here to the end
    bool boundary =
        i > 0 && (indian ? (left == 3 || (left > 3 && (left - 3) % 2 == 0)) : left % 3 == 0);
    if (boundary) out += ',';
    out += digits[i];
  }
  return out;
}

std::string two_digits(std::int64_t v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

}  // namespace

std::string display_money(std::int64_t minor, const std::string& currency) {
  bool negative = minor < 0;
  // In unsigned arithmetic so that INT64_MIN has a magnitude too.
  auto magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  auto figure = group_digits(std::to_string(magnitude / 100), currency == "INR") + "." +
                two_digits(static_cast<std::int64_t>(magnitude % 100));
  std::string sign = negative ? "-" : "";
  if (currency == "INR") return sign + "\u20B9" + figure;
  if (currency == "USD") return sign + "$" + figure;
  return sign + currency + " " + figure;
}

std::string display_time_left(std::int64_t seconds) {
  if (seconds <= 0) return "0:00";
  auto h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
  if (h > 0) return std::to_string(h) + ":" + two_digits(m) + ":" + two_digits(s);
  return std::to_string(m) + ":" + two_digits(s);
}

}  // namespace checkout::http
