// The seats and coupon uses an order holds (CONTRACT §4, §7). Every hold is an
// atomic conditional UPDATE, never a read-check-write, so concurrent orders
// can neither oversell seats nor redeem a coupon past its limits. The order's
// `holds` column (held -> final | released) makes each release happen once.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/coupon/coupon.hpp"
#include "actors/order/order_record.hpp"

namespace checkout::order_holds {

// Takes seats for every line (summed per internship); the internship whose
// seats ran out, or nullopt when all were taken.
std::optional<std::string> hold_seats(pqxx::transaction_base& txn,
                                      const std::vector<order_line>& lines);

// Takes one use of `c` for the order: nullopt when taken, else the reason
// ("usage limit reached" for all users or for this one).
std::optional<std::string> hold_coupon(pqxx::transaction_base& txn, const coupon& c,
                                       const std::string& order_token, const std::string& user_id);

// Claims the user's first order for a first_order_only coupon: false when
// another order of the user holds the claim.
bool claim_first_order(pqxx::transaction_base& txn, const std::string& user_id,
                       const std::string& order_token);

// Paid: the held uses become redemptions and the seats stay taken.
void finalize(pqxx::transaction_base& txn, const std::string& order_token);

// Expired or refunded: seats, uses and a first-order claim go back, once.
void release(pqxx::transaction_base& txn, const order_record& order);

// A capture after expiry: takes the seats again if they are still free (false
// otherwise, and nothing changes); the coupon uses are honoured as redeemed,
// since the customer paid the discounted price.
bool reclaim(pqxx::transaction_base& txn, const order_record& order);

}  // namespace checkout::order_holds
