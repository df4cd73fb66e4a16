// Coupon rules (actors/coupon/coupon_rules.hpp): one row per rule and per
// rejection reason, rows that collect several reasons, and the discount an
// accepted coupon becomes. Expected figures are worked out by hand.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "actors/coupon/coupon.hpp"
#include "actors/coupon/coupon_rules.hpp"

namespace checkout {
namespace {

constexpr micros now = 1'795'341'600'000'000;  // 2026-11-22T10:00:00Z

// The cart every row starts from: INR, two lines worth 30000 in all.
//   i1 "data"   1 x 10000
//   i2 "design" 2 x 10000 = 20000
coupon_context base_context() {
  coupon_context ctx;
  ctx.currency = "INR";
  ctx.lines = {{"i1", "data", 1, 10000}, {"i2", "design", 2, 20000}};
  ctx.now = now;
  ctx.user_id = "u1";
  // 1 USD = 83.5 INR, half-up; no other rates.
  ctx.convert = [](const std::string& from, std::int64_t amount, std::int64_t& out) {
    if (from != "USD") return false;
    out = (amount * 835 * 2 + 10) / 20;
    return true;
  };
  return ctx;
}

coupon base_coupon() {
  coupon c;
  c.code = "SAVE10";
  c.type = coupon_type::percentage;
  c.value = 10;
  return c;
}

coupon other(const std::string& code, bool combinable) {
  coupon c = base_coupon();
  c.code = code;
  c.combinable = combinable;
  return c;
}

struct rule_case {
  const char* name;
  std::function<void(coupon&, coupon_context&)> setup;
  std::vector<std::string> reasons;  // empty: accepted
};

std::ostream& operator<<(std::ostream& os, const rule_case& c) {
  return os << c.name;
}

class coupon_rule : public ::testing::TestWithParam<rule_case> {};

TEST_P(coupon_rule, gives_exactly_these_reasons) {
  auto c = base_coupon();
  auto ctx = base_context();
  GetParam().setup(c, ctx);
  auto v = evaluate(c, ctx);
  EXPECT_EQ(v.reasons, GetParam().reasons);
  EXPECT_EQ(v.ok, GetParam().reasons.empty());
}

const std::string sign_in = "sign in to use this coupon";

INSTANTIATE_TEST_SUITE_P(table, coupon_rule,
                         ::testing::Values(rule_case{"plain_coupon_applies",
                                                     [](coupon&, coupon_context&) {},
                                                     {}},
                                           rule_case{
                                               "inactive",
                                               [](coupon& c, coupon_context&) { c.active = false; },
                                               {"inactive"}},
                                           rule_case{"not_yet_valid",
                                                     [](coupon& c, coupon_context&) {
                                                       c.valid_from = now + 1;
                                                     },
                                                     {"not yet valid"}},
                                           rule_case{"valid_from_reached",
                                                     [](coupon& c, coupon_context&) {
                                                       c.valid_from = now;
                                                     },
                                                     {}},
                                           rule_case{"expired",
                                                     [](coupon& c, coupon_context&) {
                                                       c.valid_until = now - 1;
                                                     },
                                                     {"expired"}},
                                           rule_case{"valid_until_is_inclusive",
                                                     [](coupon& c, coupon_context&) {
                                                       c.valid_until = now;
                                                     },
                                                     {}},
                                           rule_case{"usage_limit_reached",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.usage_limit_total = 5;
                                                       x.uses_total = 5;
                                                     },
                                                     {"usage limit reached"}},
                                           rule_case{"usage_limit_one_left",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.usage_limit_total = 5;
                                                       x.uses_total = 4;
                                                     },
                                                     {}},
                                           rule_case{"per_user_limit_reached",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.usage_limit_per_user = 1;
                                                       x.uses_by_user = 1;
                                                     },
                                                     {"usage limit per user reached"}},
                                           rule_case{
                                               "per_user_limit_not_reached",
                                               [](coupon& c, coupon_context& x) {
                                                 c.usage_limit_per_user = 2;
                                                 x.uses_by_user = 1;
                                                 x.uses_total =
                                                     100;  // others' uses do not count per user
                                               },
                                               {}},
                                           rule_case{"per_user_limit_needs_a_user",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.usage_limit_per_user = 1;
                                                       x.user_id.clear();
                                                     },
                                                     {sign_in}},
                                           rule_case{"first_order_only_with_orders",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.first_order_only = true;
                                                       x.user_has_orders = true;
                                                     },
                                                     {"first order only"}},
                                           rule_case{"first_order_only_without_orders",
                                                     [](coupon& c, coupon_context&) {
                                                       c.first_order_only = true;
                                                     },
                                                     {}},
                                           rule_case{"first_order_only_needs_a_user",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.first_order_only = true;
                                                       x.user_id.clear();
                                                     },
                                                     {sign_in}},
                                           rule_case{"guest_is_asked_to_sign_in_once",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.first_order_only = true;
                                                       c.usage_limit_per_user = 1;
                                                       x.user_id.clear();
                                                     },
                                                     {sign_in}},
                                           rule_case{"other_internships_only",
                                                     [](coupon& c, coupon_context&) {
                                                       c.internship_ids = {"i9"};
                                                     },
                                                     {"not applicable to these internships"}},
                                           rule_case{"other_categories_only",
                                                     [](coupon& c, coupon_context&) {
                                                       c.categories = {"marketing"};
                                                     },
                                                     {"not applicable to these internships"}},
                                           // Both lists must hold for one line: i1 is listed but
                                           // not "design".
                                           rule_case{"ids_and_categories_both_apply",
                                                     [](coupon& c, coupon_context&) {
                                                       c.internship_ids = {"i1"};
                                                       c.categories = {"design"};
                                                     },
                                                     {"not applicable to these internships"}},
                                           rule_case{
                                               "empty_cart",
                                               [](coupon&, coupon_context& x) { x.lines.clear(); },
                                               {"not applicable to these internships"}},
                                           rule_case{"below_minimum_order_value",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "INR";
                                                       c.min_order_value = 30001;
                                                     },
                                                     {"below minimum order value of INR 300.01"}},
                                           rule_case{"minimum_order_value_met",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "INR";
                                                       c.min_order_value = 30000;
                                                     },
                                                     {}},
                                           // Only the applicable line counts: 10000 < 20000.
                                           rule_case{"minimum_counts_applicable_lines_only",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "INR";
                                                       c.min_order_value = 20000;
                                                       c.internship_ids = {"i1"};
                                                     },
                                                     {"below minimum order value of INR 200.00"}},
                                           // USD 5.00 = 500 * 83.5 = 41750 paise > 30000.
                                           rule_case{"minimum_in_another_currency",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "USD";
                                                       c.min_order_value = 500;
                                                     },
                                                     {"below minimum order value of INR 417.50"}},
                                           // USD 3.59 = 29976.5 -> 29977 (half-up) <= 30000.
                                           rule_case{"minimum_in_another_currency_met",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "USD";
                                                       c.min_order_value = 359;
                                                     },
                                                     {}},
                                           rule_case{"minimum_without_a_rate",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "GBP";
                                                       c.min_order_value = 100;
                                                     },
                                                     {"not available in INR"}},
                                           rule_case{"minimum_without_a_currency_is_in_the_carts",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.min_order_value = 30001;
                                                       x.convert = nullptr;
                                                     },
                                                     {"below minimum order value of INR 300.01"}},
                                           rule_case{"fixed_without_a_rate",
                                                     [](coupon& c, coupon_context&) {
                                                       c.type = coupon_type::fixed;
                                                       c.value = 500;
                                                       c.currency = "EUR";
                                                     },
                                                     {"not available in INR"}},
                                           rule_case{"cap_without_a_rate",
                                                     [](coupon& c, coupon_context&) {
                                                       c.currency = "EUR";
                                                       c.max_discount = 500;
                                                     },
                                                     {"not available in INR"}},
                                           rule_case{"no_rate_is_said_once",
                                                     [](coupon& c, coupon_context&) {
                                                       c.type = coupon_type::fixed;
                                                       c.value = 500;
                                                       c.currency = "EUR";
                                                       c.max_discount = 400;
                                                       c.min_order_value = 100;
                                                     },
                                                     {"not available in INR"}},
                                           rule_case{"not_combinable_with_an_applied_coupon",
                                                     [](coupon&, coupon_context& x) {
                                                       x.applied = {other("FIRST", true)};
                                                     },
                                                     {"not combinable with FIRST"}},
                                           rule_case{"names_the_first_applied_coupon",
                                                     [](coupon&, coupon_context& x) {
                                                       x.applied = {other("FIRST", true),
                                                                    other("SECOND", true)};
                                                     },
                                                     {"not combinable with FIRST"}},
                                           rule_case{"applied_coupon_is_not_combinable",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.combinable = true;
                                                       x.applied = {other("FIRST", true),
                                                                    other("ALONE", false)};
                                                     },
                                                     {"not combinable with ALONE"}},
                                           rule_case{"neither_is_combinable_said_once",
                                                     [](coupon&, coupon_context& x) {
                                                       x.applied = {other("ALONE", false)};
                                                     },
                                                     {"not combinable with ALONE"}},
                                           rule_case{"both_combinable_stack",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.combinable = true;
                                                       x.applied = {other("FIRST", true),
                                                                    other("SECOND", true)};
                                                     },
                                                     {}},
                                           rule_case{"already_applied",
                                                     [](coupon& c, coupon_context& x) {
                                                       c.combinable = true;
                                                       x.applied = {other("SAVE10", true)};
                                                     },
                                                     {"already applied"}},
                                           // A non-combinable coupon is not "not combinable with
                                           // itself".
                                           rule_case{"already_applied_alone",
                                                     [](coupon&, coupon_context& x) {
                                                       x.applied = {other("save10", false)};
                                                     },
                                                     {"already applied"}},
                                           rule_case{"tier_not_reached",
                                                     [](coupon& c, coupon_context&) {
                                                       c.type = coupon_type::tiered;
                                                       c.value = 0;
                                                       c.tiers = {{5, 20}, {4, 10}};
                                                     },
                                                     {"needs at least 4 items"}},
                                           // Only applicable lines count: i1 alone is 1 item.
                                           rule_case{"tier_counts_applicable_lines_only",
                                                     [](coupon& c, coupon_context&) {
                                                       c.type = coupon_type::tiered;
                                                       c.tiers = {{2, 10}};
                                                       c.categories = {"data"};
                                                     },
                                                     {"needs at least 2 items"}},
                                           rule_case{"tier_reached",
                                                     [](coupon& c, coupon_context&) {
                                                       c.type = coupon_type::tiered;
                                                       c.tiers = {{3, 10}};
                                                     },
                                                     {}},
                                           rule_case{
                                               "every_reason_at_once",
                                               [](coupon& c, coupon_context& x) {
                                                 c.active = false;
                                                 c.valid_until = now - 1;
                                                 c.usage_limit_total = 1;
                                                 x.uses_total = 1;
                                                 c.usage_limit_per_user = 1;
                                                 x.uses_by_user = 3;
                                                 c.first_order_only = true;
                                                 x.user_has_orders = true;
                                                 c.currency = "INR";
                                                 c.min_order_value = 50000;
                                                 x.applied = {other("ALONE", false),
                                                              other("SAVE10", true)};
                                               },
                                               {"inactive", "expired", "usage limit reached",
                                                "usage limit per user reached", "first order only",
                                                "below minimum order value of INR 500.00",
                                                "not combinable with ALONE", "already applied"}},
                                           rule_case{
                                               "not_yet_valid_and_not_applicable",
                                               [](coupon& c, coupon_context&) {
                                                 c.valid_from = now + 1000;
                                                 c.internship_ids = {"i9"};
                                                 c.min_order_value =
                                                     1;  // nothing to measure: no extra reason
                                               },
                                               {"not yet valid",
                                                "not applicable to these internships"}},
                                           rule_case{"guest_with_a_used_up_coupon",
                                                     [](coupon& c, coupon_context& x) {
                                                       x.user_id.clear();
                                                       c.usage_limit_total = 2;
                                                       x.uses_total = 2;
                                                       c.usage_limit_per_user = 1;
                                                     },
                                                     {"usage limit reached", sign_in}}),
                         [](const ::testing::TestParamInfo<rule_case>& info) {
                           return std::string(info.param.name);
                         });

// --- the discount an accepted coupon becomes -----------------------------

pricing::discount_input accepted(const coupon& c, const coupon_context& ctx) {
  auto v = evaluate(c, ctx);
  EXPECT_TRUE(v.ok) << (v.reasons.empty() ? "" : v.reasons.front());
  EXPECT_TRUE(v.reasons.empty());
  return v.discount;
}

// Referrals (CONTRACT §16): a code is its referrer's, a reward its owner's.
INSTANTIATE_TEST_SUITE_P(
    referrals, coupon_rule,
    ::testing::Values(rule_case{"own_referral_code",
                                [](coupon& c, coupon_context&) { c.referrer_id = "u1"; },
                                {"this is your own referral code: share it with a friend"}},
                      rule_case{"a_friends_referral_code",
                                [](coupon& c, coupon_context&) { c.referrer_id = "u2"; },
                                {}},
                      rule_case{"reward_of_another_account",
                                [](coupon& c, coupon_context&) { c.reserved_for = "u2"; },
                                {"this reward belongs to another account"}},
                      rule_case{"reward_for_this_account",
                                [](coupon& c, coupon_context&) { c.reserved_for = "u1"; },
                                {}},
                      rule_case{"reward_needs_a_user",
                                [](coupon& c, coupon_context& x) {
                                  c.reserved_for = "u1";
                                  x.user_id.clear();
                                },
                                {sign_in}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(coupon_discount, percentage_keeps_its_percent_on_every_line) {
  auto c = base_coupon();
  c.code = "save10";
  auto d = accepted(c, base_context());
  EXPECT_EQ(d.code, "SAVE10");
  EXPECT_EQ(d.kind, pricing::discount_kind::percentage);
  EXPECT_EQ(d.value, 10);
  EXPECT_EQ(d.max_discount, 0);
  EXPECT_EQ(d.applies_to, (std::vector<bool>{true, true}));
}

TEST(coupon_discount, fixed_in_the_cart_currency_is_taken_as_is) {
  auto c = base_coupon();
  c.type = coupon_type::fixed;
  c.value = 5000;
  c.currency = "INR";
  auto d = accepted(c, base_context());
  EXPECT_EQ(d.kind, pricing::discount_kind::fixed);
  EXPECT_EQ(d.value, 5000);
}

TEST(coupon_discount, fixed_in_another_currency_is_converted_half_up) {
  auto c = base_coupon();
  c.type = coupon_type::fixed;
  c.value = 1001;  // USD 10.01 = 83583.5 paise -> 83584
  c.currency = "USD";
  auto d = accepted(c, base_context());
  EXPECT_EQ(d.kind, pricing::discount_kind::fixed);
  EXPECT_EQ(d.value, 83584);
}

TEST(coupon_discount, cap_is_converted_like_a_fixed_amount) {
  auto c = base_coupon();
  c.currency = "USD";
  c.max_discount = 3;  // 250.5 -> 251
  auto d = accepted(c, base_context());
  EXPECT_EQ(d.max_discount, 251);
  c.currency = "INR";
  c.max_discount = 700;
  EXPECT_EQ(accepted(c, base_context()).max_discount, 700);
}

TEST(coupon_discount, free_applies_to_the_restricted_lines_only) {
  auto c = base_coupon();
  c.type = coupon_type::free;
  c.value = 0;
  c.internship_ids = {"i2"};
  auto d = accepted(c, base_context());
  EXPECT_EQ(d.kind, pricing::discount_kind::free);
  EXPECT_EQ(d.applies_to, (std::vector<bool>{false, true}));
}

TEST(coupon_discount, categories_pick_lines_too) {
  auto c = base_coupon();
  c.categories = {"data", "marketing"};
  auto ctx = base_context();
  ctx.lines.push_back({"i3", "marketing", 1, 500});
  EXPECT_EQ(accepted(c, ctx).applies_to, (std::vector<bool>{true, false, true}));
}

TEST(coupon_discount, highest_tier_reached_applies) {
  auto c = base_coupon();
  c.type = coupon_type::tiered;
  c.value = 0;
  c.tiers = {{5, 25}, {2, 10}, {3, 15}};  // in no particular order
  auto ctx = base_context();              // 3 items
  auto d = accepted(c, ctx);
  EXPECT_EQ(d.kind, pricing::discount_kind::percentage);
  EXPECT_EQ(d.value, 15);
  ctx.lines[0].quantity = 3;  // 5 items
  EXPECT_EQ(accepted(c, ctx).value, 25);
  ctx.lines[0].quantity = 1;
  ctx.lines[1].quantity = 1;  // 2 items
  EXPECT_EQ(accepted(c, ctx).value, 10);
}

TEST(coupon_discount, a_rejected_coupon_carries_no_discount) {
  auto c = base_coupon();
  c.active = false;
  auto v = evaluate(c, base_context());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(v.discount.code.empty());
  EXPECT_EQ(v.discount.value, 0);
}

// --- codes and types ---------------------------------------------------------

TEST(coupon_code, normalized_trimmed_and_upper_case) {
  EXPECT_EQ(normalize_code("  save-10_x \t"), "SAVE-10_X");
  EXPECT_EQ(normalize_code("SAVE10"), "SAVE10");
  EXPECT_EQ(normalize_code(""), "");
  EXPECT_EQ(normalize_code("   "), "");
}

TEST(coupon_type_names, round_trip_and_unknown) {
  for (auto t :
       {coupon_type::percentage, coupon_type::fixed, coupon_type::free, coupon_type::tiered}) {
    auto back = parse_coupon_type(to_string(t));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, t);
  }
  EXPECT_STREQ(to_string(coupon_type::fixed), "fixed");
  EXPECT_FALSE(parse_coupon_type("Percentage").has_value());
  EXPECT_FALSE(parse_coupon_type("bogo").has_value());
}

}  // namespace
}  // namespace checkout
