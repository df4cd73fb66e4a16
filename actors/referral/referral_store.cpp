#include "actors/referral/referral_store.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "actors/coupon/coupon_store.hpp"
#include "actors/order/sql_time.hpp"
#include "actors/referral/referral.hpp"
#include "persistence/sql.hpp"

namespace checkout::referral_store {
namespace {

using persistence::exec;

referral::code_bytes random_bytes() {
  referral::code_bytes b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
    throw std::runtime_error("no randomness for a referral code");
  return b;
}

// A reward coupon under a fresh code; a code that exists already (50 bits:
// rarely) is drawn again.
std::string insert_reward(pqxx::transaction_base& txn, const std::string& referrer, int percent) {
  for (int i = 0; i < 8; ++i) {
    auto c = referral::reward_coupon(referral::reward_code(random_bytes()), referrer, percent);
    if (coupon_store::insert(txn, c)) return c.code;
  }
  throw std::runtime_error("no free coupon code after 8 draws");
}

std::string existing_code(pqxx::transaction_base& txn, const std::string& user_id) {
  auto r =
      exec(txn, "referral_code_of", "SELECT code FROM coupons WHERE referrer_id = $1", user_id);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

const std::string listing =
    "SELECT r.order_token::text, r.code, r.referrer_id, r.referred_user_id, o.status, "
    "COALESCE(r.reward_coupon, ''), COALESCE(c.uses_count > 0, false), "
    "COALESCE(c.active, false), " +
    epoch_micros("r.created_at") +
    " FROM referrals r JOIN orders o ON o.token = r.order_token "
    "LEFT JOIN coupons c ON c.code = r.reward_coupon ";

std::vector<referred_order> rows_of(const pqxx::result& rows) {
  std::vector<referred_order> out;
  for (const auto& r : rows)
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                   r[6].as<bool>(), r[7].as<bool>(), r[8].as<std::int64_t>()});
  return out;
}

}  // namespace

std::string code_of(pqxx::transaction_base& txn, const std::string& user_id, int percent) {
  for (int i = 0; i < 8; ++i) {
    auto code = existing_code(txn, user_id);
    if (!code.empty()) return code;
    // Refused when another request made the user's code meanwhile (then the
    // next look finds it) or when the drawn code is taken (then it is drawn again).
    auto c = referral::referral_coupon(referral::referral_code(random_bytes()), user_id, percent);
    if (coupon_store::insert(txn, c)) return c.code;
  }
  throw std::runtime_error("no referral code after 8 draws");
}

void record(pqxx::transaction_base& txn, const std::string& order_token, const std::string& code,
            const std::string& referrer_id, const std::string& referred_user_id) {
  exec(txn, "referral_record",
       "INSERT INTO referrals (order_token, code, referrer_id, referred_user_id) "
       "VALUES ($1::uuid, $2, $3, $4)",
       order_token, code, referrer_id, referred_user_id);
}

void reward(pqxx::transaction_base& txn, const std::string& order_token, int percent) {
  auto r = exec(txn, "referral_to_reward",
                "SELECT referrer_id FROM referrals WHERE order_token = $1::uuid "
                "AND reward_coupon IS NULL FOR UPDATE",
                order_token);
  if (r.empty()) return;
  auto referrer = r[0][0].as<std::string>();
  auto code = insert_reward(txn, referrer, percent);
  exec(txn, "referral_rewarded",
       "UPDATE referrals SET reward_coupon = $2, rewarded_at = now() "
       "WHERE order_token = $1::uuid",
       order_token, code);
}

void withdraw(pqxx::transaction_base& txn, const std::string& order_token) {
  exec(txn, "referral_withdraw",
       "UPDATE coupons SET active = false, updated_at = now() WHERE uses_count = 0 AND code = "
       "(SELECT reward_coupon FROM referrals WHERE order_token = $1::uuid)",
       order_token);
}

std::vector<referred_order> of_referrer(pqxx::transaction_base& txn, const std::string& referrer_id,
                                        int limit) {
  static const std::string sql =
      listing + "WHERE r.referrer_id = $1 ORDER BY r.created_at DESC LIMIT $2";
  return rows_of(exec(txn, "referral_of_referrer", sql.c_str(), referrer_id, limit));
}

std::vector<referred_order> newest(pqxx::transaction_base& txn, int limit) {
  static const std::string sql = listing + "ORDER BY r.created_at DESC LIMIT $1";
  return rows_of(exec(txn, "referral_newest", sql.c_str(), limit));
}

totals count_all(pqxx::transaction_base& txn) {
  auto r = exec(txn, "referral_totals",
                "SELECT count(*), count(*) FILTER (WHERE o.status IN ('paid', 'completed') OR "
                "r.reward_coupon IS NOT NULL), count(r.reward_coupon), "
                "count(*) FILTER (WHERE o.status = 'refunded'), "
                "count(*) FILTER (WHERE c.uses_count > 0) FROM referrals r "
                "JOIN orders o ON o.token = r.order_token "
                "LEFT JOIN coupons c ON c.code = r.reward_coupon");
  return {r[0][0].as<std::int64_t>(), r[0][1].as<std::int64_t>(), r[0][2].as<std::int64_t>(),
          r[0][3].as<std::int64_t>(), r[0][4].as<std::int64_t>()};
}

}  // namespace checkout::referral_store
