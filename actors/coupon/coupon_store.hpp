// SQL for coupons and their redemptions; plain functions run inside a db_job.
// Redemptions are counted so that an atomic conditional update can enforce
// usage limits when an order holds a use (issue 4).
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "actors/coupon/coupon.hpp"

namespace checkout::coupon_store {

// False when the code or the sale_slug is taken (the caller tells which).
bool insert(pqxx::transaction_base& txn, const coupon& c);
std::optional<coupon> find(pqxx::transaction_base& txn, const std::string& code);  // any case
std::optional<coupon> find_by_sale_slug(pqxx::transaction_base& txn, const std::string& slug);

struct coupon_patch {
  std::optional<bool> active;
  bool valid_until_set = false;
  micros valid_until = 0;  // 0 with valid_until_set: no end
  bool usage_limit_total_set = false;
  std::int64_t usage_limit_total = 0;
};
std::optional<coupon> update(pqxx::transaction_base& txn, const std::string& code,
                             const coupon_patch& p);

// What the coupon rules count (coupon_context), in one statement: the uses
// held (by orders awaiting payment) or redeemed (by paid or completed orders),
// all and `user_id`'s, as the counters the holds keep, and whether `user_id`
// has any paid, completed or refunded order. A guest (empty `user_id`) has
// none of either.
struct usage_counts {
  std::int64_t total = 0;
  std::int64_t by_user = 0;
  bool user_has_orders = false;
};
usage_counts usage(pqxx::transaction_base& txn, const std::string& code,
                   const std::string& user_id);
// Whether the user has any paid or completed (or refunded) order.
bool user_has_orders(pqxx::transaction_base& txn, const std::string& user_id);

}  // namespace checkout::coupon_store
