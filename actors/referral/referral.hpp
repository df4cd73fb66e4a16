// Referrals (CONTRACT §16) as values: a user's code is a coupon of theirs that
// takes REFERRAL_DISCOUNT_PERCENT off a friend's first order; when that order
// is paid the referrer gets a single-use coupon of REFERRAL_REWARD_PERCENT,
// reserved for them. No I/O here.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "actors/coupon/coupon.hpp"

namespace checkout::referral {

// Ten random bytes make a code: "REF" or "RWD" and ten characters of an
// alphabet without look-alikes (no 0/O, 1/I/L), about 50 bits.
using code_bytes = std::array<std::uint8_t, 10>;
std::string referral_code(const code_bytes& random);
std::string reward_code(const code_bytes& random);

// The referral code of `user_id`: for anyone else's first order, once each.
coupon referral_coupon(const std::string& code, const std::string& user_id, int percent);

// The reward for `referrer_id`: one use, by them only.
coupon reward_coupon(const std::string& code, const std::string& referrer_id, int percent);

}  // namespace checkout::referral
