#include "actors/coupon/coupon_rules.hpp"

#include <algorithm>
#include <cstdio>

namespace checkout {
namespace {

const char* const sign_in = "sign in to use this coupon";

// Each reason once: two rules can ask a guest to sign in, or two amounts can
// lack the same exchange rate, and the client should read it only once.
void add_reason(std::vector<std::string>& reasons, std::string reason) {
  if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
    reasons.push_back(std::move(reason));
}

// "500.00" for 50000 minor units. Two decimals: the currencies this service
// sells in (INR, USD, EUR, ...) all have two.
std::string money_text(std::int64_t minor) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(minor / 100),
                static_cast<long long>(minor % 100));
  return buf;
}

// An amount of the coupon's in the cart currency. A coupon without a currency
// states its amounts in whatever currency the cart uses.
bool to_cart_currency(const coupon_context& ctx, const std::string& from, std::int64_t amount,
                      std::int64_t& out) {
  if (from.empty() || from == ctx.currency) {
    out = amount;
    return true;
  }
  return ctx.convert && ctx.convert(from, amount, out);
}

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return list.empty() || std::find(list.begin(), list.end(), item) != list.end();
}

void check_eligibility(const coupon& c, const coupon_context& ctx,
                       std::vector<std::string>& reasons) {
  const bool guest = ctx.user_id.empty();
  if (!c.active) add_reason(reasons, "inactive");
  if (c.valid_from != 0 && ctx.now < c.valid_from) add_reason(reasons, "not yet valid");
  if (c.valid_until != 0 && ctx.now > c.valid_until) add_reason(reasons, "expired");
  if (c.usage_limit_total > 0 && ctx.uses_total >= c.usage_limit_total)
    add_reason(reasons, "usage limit reached");
  // A guest cannot be counted per user, nor known to be new: it has to sign in.
  if (c.usage_limit_per_user > 0) {
    if (guest)
      add_reason(reasons, sign_in);
    else if (ctx.uses_by_user >= c.usage_limit_per_user)
      add_reason(reasons, "usage limit per user reached");
  }
  if (c.first_order_only) {
    if (guest)
      add_reason(reasons, sign_in);
    else if (ctx.user_has_orders)
      add_reason(reasons, "first order only");
  }
  // Referrals (CONTRACT §16): a code is for friends, a reward for its referrer.
  if (!c.referrer_id.empty() && !guest && ctx.user_id == c.referrer_id)
    add_reason(reasons, "this is your own referral code: share it with a friend");
  if (!c.reserved_for.empty()) {
    if (guest)
      add_reason(reasons, sign_in);
    else if (ctx.user_id != c.reserved_for)
      add_reason(reasons, "this reward belongs to another account");
  }
}

void check_combinable(const coupon& c, const coupon_context& ctx,
                      std::vector<std::string>& reasons) {
  const auto code = normalize_code(c.code);
  bool again = false;
  const coupon* first_other = nullptr;
  for (auto& a : ctx.applied) {
    // The same code is "already applied", not "not combinable with itself".
    if (normalize_code(a.code) == code) {
      again = true;
      continue;
    }
    if (!first_other) first_other = &a;
  }
  if (!c.combinable && first_other)
    add_reason(reasons, "not combinable with " + normalize_code(first_other->code));
  for (auto& a : ctx.applied)
    if (!a.combinable && normalize_code(a.code) != code)
      add_reason(reasons, "not combinable with " + normalize_code(a.code));
  if (again) add_reason(reasons, "already applied");
}

}  // namespace

coupon_verdict evaluate(const coupon& c, const coupon_context& ctx) {
  coupon_verdict v;
  auto& reasons = v.reasons;
  const std::string no_rate = "not available in " + ctx.currency;
  check_eligibility(c, ctx, reasons);

  std::vector<bool> applies(ctx.lines.size(), false);
  std::int64_t applicable_base = 0;
  std::int64_t applicable_quantity = 0;
  for (size_t i = 0; i < ctx.lines.size(); ++i) {
    auto& l = ctx.lines[i];
    applies[i] = listed(c.internship_ids, l.internship_id) && listed(c.categories, l.category);
    if (!applies[i]) continue;
    applicable_base += l.base_price;
    applicable_quantity += l.quantity;
  }
  const bool any = std::find(applies.begin(), applies.end(), true) != applies.end();
  if (!any) add_reason(reasons, "not applicable to these internships");

  // Amount and quantity thresholds measure the applicable lines; with none
  // there is nothing to measure and "not applicable" already says why.
  if (any && c.min_order_value > 0) {
    std::int64_t min = 0;
    if (!to_cart_currency(ctx, c.currency, c.min_order_value, min))
      add_reason(reasons, no_rate);
    else if (applicable_base < min)
      add_reason(reasons, "below minimum order value of " + ctx.currency + " " + money_text(min));
  }
  check_combinable(c, ctx, reasons);

  pricing::discount_input d;
  d.code = normalize_code(c.code);
  d.applies_to = applies;
  switch (c.type) {
    case coupon_type::percentage:
      d.kind = pricing::discount_kind::percentage;
      d.value = c.value;
      break;
    case coupon_type::fixed:
      d.kind = pricing::discount_kind::fixed;
      if (!to_cart_currency(ctx, c.currency, c.value, d.value)) add_reason(reasons, no_rate);
      break;
    case coupon_type::free:
      d.kind = pricing::discount_kind::free;
      break;
    case coupon_type::tiered: {
      d.kind = pricing::discount_kind::percentage;
      const coupon_tier* best = nullptr;
      const coupon_tier* lowest = nullptr;
      for (auto& t : c.tiers) {
        if (!lowest || t.min_quantity < lowest->min_quantity) lowest = &t;
        if (t.min_quantity <= applicable_quantity && (!best || t.min_quantity > best->min_quantity))
          best = &t;
      }
      if (best)
        d.value = best->percentage;
      else if (any)
        add_reason(reasons, "needs at least " + std::to_string(lowest ? lowest->min_quantity : 1) +
                                " items");
      break;
    }
  }
  if (c.max_discount > 0 && !to_cart_currency(ctx, c.currency, c.max_discount, d.max_discount))
    add_reason(reasons, no_rate);

  v.ok = reasons.empty();
  if (v.ok) v.discount = std::move(d);
  return v;
}

}  // namespace checkout
