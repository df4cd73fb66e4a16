#include "actors/coupon/coupon_rejections.hpp"

#include <utility>

#include "actors/common/metrics.hpp"

namespace checkout {

std::string_view rejection_label(std::string_view reason) {
  // Most specific first: "usage limit per user" also contains "usage limit".
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"usage limit per user", "per_user_limit"},
      {"usage limit", "usage_limit"},
      {"not yet valid", "not_yet_valid"},
      {"expired", "expired"},
      {"inactive", "inactive"},
      {"sign in", "sign_in_required"},
      {"first order only", "first_order_only"},
      {"not combinable", "not_combinable"},
      {"already applied", "already_applied"},
      {"not applicable", "not_applicable"},
      {"not available in", "currency"},
      {"below minimum", "below_minimum"},
      {"unknown coupon", "unknown"},
  };
  for (const auto& [text, label] : table)
    if (reason.find(text) != std::string_view::npos) return label;
  return "other";
}

void count_rejections(const std::vector<std::string>& reasons) {
  auto& family = metrics::registry::instance().coupon_rejections();
  for (const auto& r : reasons) family.at(std::string(rejection_label(r)))++;
}

}  // namespace checkout
