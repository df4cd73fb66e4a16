#include "actors/order/order_holds.hpp"

#include <map>

#include "persistence/sql.hpp"

namespace checkout::order_holds {
namespace {

using persistence::exec;

std::map<std::string, int> seats_per_internship(const std::vector<order_line>& lines) {
  std::map<std::string, int> wanted;
  for (auto& l : lines) wanted[l.internship_id] += l.quantity;
  return wanted;
}

void set_holds(pqxx::transaction_base& txn, const std::string& order_token, const char* holds) {
  exec(txn, "order_holds_set", "UPDATE orders SET holds = $2 WHERE token = $1::uuid", order_token,
       std::string(holds));
}

// The codes whose uses the order holds (or held), with their status.
std::vector<std::pair<std::string, std::string>> uses_of(pqxx::transaction_base& txn,
                                                         const std::string& order_token) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto r : exec(txn, "order_coupon_uses",
                     "SELECT code, status FROM coupon_redemptions WHERE order_token = $1::uuid "
                     "ORDER BY code",
                     order_token))
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  return out;
}

void count_use(pqxx::transaction_base& txn, const std::string& code, const std::string& user_id,
               int delta) {
  exec(txn, "coupon_count_use",
       "UPDATE coupons SET uses_count = GREATEST(uses_count + $2, 0) WHERE code = $1", code, delta);
  exec(txn, "coupon_count_user_use",
       "INSERT INTO coupon_user_uses (code, user_id, uses) VALUES ($1, $2, GREATEST($3, 0)) "
       "ON CONFLICT (code, user_id) DO UPDATE SET uses = GREATEST(coupon_user_uses.uses + $3, 0)",
       code, user_id, delta);
}

}  // namespace

std::optional<std::string> hold_seats(pqxx::transaction_base& txn,
                                      const std::vector<order_line>& lines) {
  // In id order, so two orders for the same internships lock rows alike.
  for (auto& [id, qty] : seats_per_internship(lines)) {
    auto r = exec(txn, "seats_hold",
                  "UPDATE internships SET seats_taken = seats_taken + $2 WHERE id = $1 "
                  "AND (seats_total IS NULL OR seats_taken + $2 <= seats_total)",
                  id, qty);
    if (r.affected_rows() != 1) return id;
  }
  return std::nullopt;
}

std::optional<std::string> hold_coupon(pqxx::transaction_base& txn, const coupon& c,
                                       const std::string& order_token, const std::string& user_id) {
  // The three steps of a hold in one statement, each only when the one
  // before it took: the use against the total limit, the user's use against
  // theirs, then the redemption row. A refusal leaves the transaction to its
  // caller, who rolls it back.
  auto r = exec(txn, "coupon_hold",
                "WITH total AS (UPDATE coupons SET uses_count = uses_count + 1 WHERE code = $1 "
                "AND (usage_limit_total IS NULL OR uses_count < usage_limit_total) "
                "RETURNING code), "
                "mine AS (INSERT INTO coupon_user_uses (code, user_id, uses) "
                "SELECT code, $2, 1 FROM total "
                "ON CONFLICT (code, user_id) DO UPDATE SET uses = coupon_user_uses.uses + 1 "
                "WHERE $3::bigint = 0 OR coupon_user_uses.uses < $3::bigint RETURNING code), "
                "held AS (INSERT INTO coupon_redemptions (code, order_token, user_id, status) "
                "SELECT code, $4::uuid, $2, 'held' FROM mine RETURNING code) "
                "SELECT (SELECT count(*) FROM total), (SELECT count(*) FROM held)",
                c.code, user_id, c.usage_limit_per_user, order_token);
  if (r[0][0].as<std::int64_t>() != 1) return std::string("usage limit reached");
  if (r[0][1].as<std::int64_t>() != 1) return std::string("usage limit per customer reached");
  return std::nullopt;
}

bool claim_first_order(pqxx::transaction_base& txn, const std::string& user_id,
                       const std::string& order_token) {
  auto r = exec(txn, "first_order_claim",
                "INSERT INTO first_order_claims (user_id, order_token) VALUES ($1, $2::uuid) "
                "ON CONFLICT (user_id) DO NOTHING",
                user_id, order_token);
  return r.affected_rows() == 1;
}

void finalize(pqxx::transaction_base& txn, const std::string& order_token) {
  // One statement: a capture's round trips are its latency (issue 16).
  exec(txn, "order_holds_finalize",
       "WITH redeemed AS (UPDATE coupon_redemptions SET status = 'redeemed', updated_at = now() "
       "WHERE order_token = $1::uuid AND status = 'held' RETURNING 1) "
       "UPDATE orders SET holds = 'final' WHERE token = $1::uuid",
       order_token);
}

void release(pqxx::transaction_base& txn, const order_record& order) {
  // Only the first release gives anything back.
  auto claimed = exec(txn, "order_holds_release",
                      "UPDATE orders SET holds = 'released' WHERE token = $1::uuid "
                      "AND holds <> 'released'",
                      order.token);
  if (claimed.affected_rows() != 1) return;
  for (auto& [id, qty] : seats_per_internship(order.lines))
    exec(txn, "seats_release",
         "UPDATE internships SET seats_taken = GREATEST(seats_taken - $2, 0) WHERE id = $1", id,
         qty);
  exec(txn, "first_order_release", "DELETE FROM first_order_claims WHERE order_token = $1::uuid",
       order.token);
  for (auto& [code, status] : uses_of(txn, order.token)) {
    if (status == "released") continue;
    count_use(txn, code, order.user_id, -1);
    exec(txn, "coupon_redemption_release",
         "UPDATE coupon_redemptions SET status = 'released', updated_at = now() "
         "WHERE order_token = $1::uuid AND code = $2",
         order.token, code);
  }
}

bool reclaim(pqxx::transaction_base& txn, const order_record& order) {
  auto holds = exec(txn, "order_holds_get",
                    "SELECT holds FROM orders WHERE token = $1::uuid FOR UPDATE", order.token);
  if (!holds.empty() && holds[0][0].as<std::string>() != "released") {
    finalize(txn, order.token);
    return true;
  }
  if (hold_seats(txn, order.lines)) return false;
  for (auto& [code, status] : uses_of(txn, order.token)) {
    if (status != "released") continue;
    count_use(txn, code, order.user_id, +1);
    exec(txn, "coupon_redemption_reclaim",
         "UPDATE coupon_redemptions SET status = 'redeemed', updated_at = now() "
         "WHERE order_token = $1::uuid AND code = $2",
         order.token, code);
  }
  set_holds(txn, order.token, "final");
  return true;
}

}  // namespace checkout::order_holds
