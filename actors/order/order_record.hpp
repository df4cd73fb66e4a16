// An order as stored and shown (CONTRACT §7): a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/catalog/internship.hpp"
#include "actors/common/time.hpp"
#include "actors/order/order_state.hpp"

namespace checkout {

struct order_line {
  int line_no = 0;
  std::string internship_id;
  std::optional<period> plan_period;
  int quantity = 1;
  std::int64_t unit_price = 0;
  std::int64_t base_price = 0;
  std::int64_t discount_amount = 0;
  std::int64_t tax_amount = 0;
  std::int64_t total = 0;
};

struct payment_info {
  std::string payment_token;
  int attempt_no = 1;
  std::string gateway;
  std::string gateway_order_id;
  std::string gateway_payment_id;
  std::string checkout_url;
  // pending (written, the gateway not yet answered) | created | captured |
  // failed | expired | refunded
  std::string status;
  std::int64_t amount = 0;
  std::string currency;
  micros expires_at = 0;
  std::string refund_id;
  micros created_at = 0;  // when the attempt was written
};

struct history_entry {
  std::string status;
  micros at = 0;
  std::string reason;
};

struct order_record {
  std::string token;
  std::string user_id;
  std::string cart_token;
  std::string idempotency_key;
  order_status status = order_status::awaiting_payment;
  std::string currency;
  std::int64_t subtotal = 0;
  std::int64_t discount_amount = 0;
  std::int64_t tax_amount = 0;
  std::int64_t total = 0;
  std::string pricing_json;  // tax breakdown and discounts, as priced
  std::vector<order_line> lines;
  std::optional<payment_info> payment;
  std::vector<history_entry> history;
  std::vector<std::string> enrollment_ids;
  std::string success_url;
  std::string cancel_url;
  // Stored with the order for its confirmation email; not loaded back.
  std::string buyer_email;
  // Stored with the order for its invoice (invoice::facts as JSON); not loaded back.
  std::string invoice_facts_json;
  std::string holds = "held";  // held | final | released (seats and coupon uses)
  std::int64_t version = 1;
  micros created_at = 0;
  micros expires_at = 0;
};

}  // namespace checkout
