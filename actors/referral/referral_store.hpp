// Referrals in PostgreSQL (CONTRACT §16): a user's code (a coupon row with
// referrer_id), the orders placed with one, and each one's reward.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/common/time.hpp"

namespace checkout::referral_store {

// The user's code, made on first asking (two instances asking at once agree:
// the second insert finds the first one's row).
std::string code_of(pqxx::transaction_base& txn, const std::string& user_id, int percent);

// An order placed with `code` of `referrer_id` (in the placement's transaction).
void record(pqxx::transaction_base& txn, const std::string& order_token, const std::string& code,
            const std::string& referrer_id, const std::string& referred_user_id);

// In the transaction that records the order's payment: the referrer's reward
// coupon, if the order was placed with a referral code and has none yet.
void reward(pqxx::transaction_base& txn, const std::string& order_token, int percent);

// On a refund: the order's reward coupon, if still unused, can no longer be used.
void withdraw(pqxx::transaction_base& txn, const std::string& order_token);

struct referred_order {
  std::string order_token;
  std::string code;
  std::string referrer_id;
  std::string referred_user_id;
  std::string status;         // the order's
  std::string reward_coupon;  // empty: none (yet)
  bool reward_used = false;
  bool reward_active = false;
  micros created_at = 0;
};

// The orders placed with `referrer_id`'s code, newest first.
std::vector<referred_order> of_referrer(pqxx::transaction_base& txn, const std::string& referrer_id,
                                        int limit);
// Every referral, newest first (the admin report).
std::vector<referred_order> newest(pqxx::transaction_base& txn, int limit);

struct totals {
  std::int64_t referrals = 0;
  std::int64_t paid = 0;  // paid, completed or refunded after payment
  std::int64_t rewarded = 0;
  std::int64_t refunded = 0;
  std::int64_t rewards_used = 0;
};
totals count_all(pqxx::transaction_base& txn);

}  // namespace checkout::referral_store
