// Domain errors as values: a small enum carried in caf::error (category
// "checkout"), mapped to the contract's status and code in one table.
#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace checkout {

enum class errc : std::uint8_t {
  none = 0,
  malformed_json,            // 400 1000
  invalid_field,             // 422 1000
  payload_too_large,         // 413 1413
  unauthenticated,           // 401 1401
  forbidden,                 // 403 1403
  route_not_found,           // 404 1404
  method_not_allowed,        // 405 1405
  cart_not_found,            // 404 1001
  cart_expired,              // 410 1002
  cart_converted,            // 409 1003
  cart_empty,                // 422 1004
  internship_unknown,        // 422 1101
  internship_unavailable,    // 409 1102
  already_enrolled,          // 409 1103
  internship_not_found,      // 404 1104
  internship_exists,         // 409 1105
  coupon_invalid,            // 422 2004
  order_not_found,           // 404 5001
  price_changed,             // 409 5002
  sold_out,                  // 409 5003
  cart_changed,              // 409 5004
  idempotency_key_missing,   // 400 6000
  idempotency_key_mismatch,  // 422 6001
  idempotency_in_progress,   // 409 6002
  bad_signature,             // 400 7001
  amount_mismatch,           // 422 7002
  bad_webhook,               // 400 7003
  gateway_unavailable,       // 503 4001 (no gateway can take the payment now)
  gateway_rejected,          // 502 4002 (the gateway refused our request)
  order_state_conflict,      // 409 5005 (not possible in the order's status)
  unavailable,               // 503 9503
  timeout,                   // 503 9504
  internal,                  // 500 9500
  dlq_message_not_found,     // 404 9404 (no such message_id in the dead-letter queue)
  actor_not_alive,           // 404 9405 (no live actor of that kind and id; looking never spawns)
  rate_limited,              // 429 1429 (an abuse limit of CONTRACT §13; Retry-After says when)
  too_many_open_orders,      // 409 5006 (MAX_OPEN_ORDERS_PER_USER orders already await payment)
};

const caf::atom_value checkout_error_category = caf::atom("checkout");

caf::error make_error(errc code, std::string detail = {});

// Whether `err` is ours with this code.
bool is_errc(const caf::error& err, errc code);
// Several reasons at once (each becomes one of validation_messages).
caf::error make_error(errc code, std::vector<std::string> details);

// What the HTTP layer needs to render an error envelope.
struct error_view {
  int status = 500;
  int code = 9500;
  std::string message;
  std::vector<std::string> validation_messages;
  bool retryable = false;
  std::string suggested_action;
};

// Maps any caf::error (ours, the database's, CAF's own) onto the contract.
error_view describe(const caf::error& err);
error_view describe(errc code, std::string detail = {});

}  // namespace checkout
