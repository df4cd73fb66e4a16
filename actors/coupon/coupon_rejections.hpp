// Coupon refusals as operators count them: the reasons the rules give are
// sentences for customers ("CODE: usage limit reached"); the metric needs a
// small fixed set of labels.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace checkout {

// The label of one reason: inactive, not_yet_valid, expired, usage_limit,
// per_user_limit, sign_in_required, first_order_only, not_combinable,
// already_applied, not_applicable, currency, below_minimum, unknown, other.
std::string_view rejection_label(std::string_view reason);

// Counts each reason in checkout_coupon_rejections_total{reason}.
void count_rejections(const std::vector<std::string>& reasons);

}  // namespace checkout
