#include "actors/catalog/internship.hpp"

namespace checkout {

std::optional<std::int64_t> internship::unit_price(const std::optional<period>& p) const {
  if (plans.empty()) {
    if (p) return std::nullopt;
    return price;
  }
  if (!p) return std::nullopt;
  for (auto& pl : plans)
    if (pl.length == *p) return pl.price;
  return std::nullopt;
}

bool valid_period_unit(const std::string& unit) {
  return unit == "day" || unit == "week" || unit == "month" || unit == "year";
}

}  // namespace checkout
