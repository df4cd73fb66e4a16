// Placing an order (CONTRACT §7), the first of its phases: in one transaction
// the cart is checked (prices, coupons, enrollments), re-priced with the
// coupons as they are now, seats and coupon uses are held, the cart is
// converted, and the order row is written with its first payment attempt
// ('pending': the gateway is called only after this commits). A free order is
// completed and enrolled in the same transaction. Nothing is written unless
// every check passes.
#pragma once

#include <caf/expected.hpp>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/cart/pricing.hpp"
#include "actors/invoice/invoice_facts.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_record.hpp"
#include "config/settings.hpp"

namespace checkout::order_placement {

struct request {
  std::string order_token;
  std::string user_id;
  std::string idempotency_key;
  std::string correlation_id;
  cart_view cart;       // the cart as its actor priced it
  std::string gateway;  // the attempt's gateway, chosen before (unused for a total of 0)
  std::string success_url;
  std::string cancel_url;
  std::string buyer_email;  // the JWT `email` claim; empty: none (CONTRACT §16)
  micros now = 0;
  micros expires_at = 0;
};

// MAX_OPEN_ORDERS_PER_USER (CONTRACT §13): whether a new order of `total`
// would be one too many when the user already has `open` orders that hold
// seats and await a payment ('awaiting_payment' or 'failed', window not yet
// over). A free order never awaits payment, so it always passes; 0 turns the
// limit off.
bool open_order_limit_reached(std::int64_t open, int limit, std::int64_t total);

// What the order's invoice will say of the buyer and each line (CONTRACT
// §16): the cart's billing, and each line's title, SAC (SAC_DEFAULT when the
// internship names none) and taxes as priced. `items` are the lines'
// internships in line order.
invoice::facts invoice_facts_of(const cart_state& cart, const pricing::price_result& priced,
                                const std::vector<internship>& items, const config::settings& cfg);

// Errors: too_many_open_orders (5006), price_changed (5002: a catalog price, or what the cart's
// coupons take off, differs from what the cart shows), internship_unavailable, sold_out,
// coupon_invalid (with reasons), already_enrolled, cart_changed.
caf::expected<order_record> place(pqxx::transaction_base& txn, const request& req,
                                  const config::settings& cfg);

}  // namespace checkout::order_placement
