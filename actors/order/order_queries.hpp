// Reading orders by something other than their token: the caller's list
// (GET /orders), and the orders the watchdogs look after.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/common/time.hpp"
#include "actors/order/order_state.hpp"

namespace checkout::order_queries {

// Where a page of the caller's orders continues: after this order in
// (created_at DESC, token DESC) order.
struct list_position {
  micros created_at = 0;
  std::string token;
};

std::string encode_cursor(const list_position& p);
std::optional<list_position> decode_cursor(const std::string& cursor);

// Up to `limit` tokens of the user's orders, newest first, after `after`.
std::vector<list_position> list(pqxx::transaction_base& txn, const std::string& user_id,
                                const std::optional<order_status>& status,
                                const std::optional<list_position>& after, int limit);

// Orders still awaiting payment (or failed) whose window has closed.
std::vector<std::string> due_for_expiry(pqxx::transaction_base& txn, int limit);

// Orders awaiting payment with a gateway order to ask about, oldest first.
std::vector<std::string> open_payments(pqxx::transaction_base& txn, int limit);

}  // namespace checkout::order_queries
