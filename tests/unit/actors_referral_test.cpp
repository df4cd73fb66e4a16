// Referral codes and the coupons they are (actors/referral/referral.hpp).
#include <gtest/gtest.h>

#include <set>

#include "actors/referral/referral.hpp"

namespace checkout::referral {
namespace {

TEST(ReferralCodes, APrefixAndTenCharactersWithoutLookAlikes) {
  code_bytes zero{};
  code_bytes high{};
  high.fill(255);
  EXPECT_EQ(referral_code(zero), "REFAAAAAAAAAA");
  EXPECT_EQ(reward_code(zero).rfind("RWD", 0), 0u);
  for (auto& code : {referral_code(high), reward_code(high)}) {
    EXPECT_EQ(code.size(), 13u);
    EXPECT_EQ(code.substr(3).find_first_of("01OIL"), std::string::npos) << code;
  }
  // Different bytes, different codes.
  std::set<std::string> seen;
  for (std::uint8_t b = 0; b < 31; ++b) {
    code_bytes bytes{};
    bytes[9] = b;
    seen.insert(referral_code(bytes));
  }
  EXPECT_EQ(seen.size(), 31u);
}

TEST(ReferralCoupons, ACodeIsForFriendsFirstOrdersOnceEach) {
  auto c = referral_coupon("REFABC", "asha", 10);
  EXPECT_EQ(c.type, coupon_type::percentage);
  EXPECT_EQ(c.value, 10);
  EXPECT_TRUE(c.first_order_only);
  EXPECT_EQ(c.usage_limit_per_user, 1);
  EXPECT_EQ(c.usage_limit_total, 0);
  EXPECT_EQ(c.referrer_id, "asha");
  EXPECT_TRUE(c.reserved_for.empty());
  EXPECT_TRUE(c.active);
}

TEST(ReferralCoupons, ARewardIsOneUseByTheReferrerOnly) {
  auto c = reward_coupon("RWDXYZ", "asha", 15);
  EXPECT_EQ(c.type, coupon_type::percentage);
  EXPECT_EQ(c.value, 15);
  EXPECT_EQ(c.usage_limit_total, 1);
  EXPECT_EQ(c.usage_limit_per_user, 1);
  EXPECT_EQ(c.reserved_for, "asha");
  EXPECT_TRUE(c.referrer_id.empty());
  EXPECT_FALSE(c.first_order_only);
}

}  // namespace
}  // namespace checkout::referral
