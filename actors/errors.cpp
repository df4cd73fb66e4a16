#include "actors/errors.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace checkout {
namespace {

struct entry {
  int status;
  int code;
  const char* message;
  bool retryable;
  const char* action;
};

entry lookup(errc c) {
  switch (c) {
    case errc::none:
    case errc::internal:
      return {500, 9500, "Internal error.", true, "Retry later."};
    case errc::malformed_json:
      return {400, 1000, "Malformed JSON.", false, "Send a valid JSON body."};
    case errc::invalid_field:
      return {422, 1000, "Invalid request.", false, "Correct the named fields."};
    case errc::payload_too_large:
      return {413, 1413, "Request body too large.", false, "Send at most 64 KiB."};
    case errc::unauthenticated:
      return {401, 1401, "Authentication required.", false, "Send a valid Bearer token."};
    case errc::forbidden:
      return {403, 1403, "Forbidden.", false, "Use an account with the needed role."};
    case errc::route_not_found:
      return {404, 1404, "Route not found.", false, "Check the path."};
    case errc::method_not_allowed:
      return {405, 1405, "Method not allowed.", false, "Check the HTTP method."};
    case errc::cart_not_found:
      return {404, 1001, "Cart not found.", false, "Create a new cart."};
    case errc::cart_expired:
      return {410, 1002, "Cart has expired.", false, "Create a new cart."};
    case errc::cart_converted:
      return {409, 1003, "Cart is already ordered.", false, "Create a new cart."};
    case errc::cart_empty:
      return {422, 1004, "Cart is empty.", false, "Add an internship first."};
    case errc::internship_unknown:
      return {422, 1101, "Unknown internship.", false, "Choose an existing internship."};
    case errc::internship_unavailable:
      return {409, 1102, "Internship is not available.", false, "Choose another internship."};
    case errc::already_enrolled:
      return {409, 1103, "Already enrolled.", false, "Open your enrollments."};
    case errc::internship_not_found:
      return {404, 1104, "Internship not found.", false, "Check the id."};
    case errc::internship_exists:
      return {409, 1105, "Internship already exists.", false, "Use another id or PATCH it."};
    case errc::coupon_invalid:
      return {422, 2004, "Coupon is invalid.", false, "Remove the coupon or try another."};
    case errc::order_not_found:
      return {404, 5001, "Order not found.", false, "Check the order token."};
    case errc::price_changed:
      return {409, 5002, "Prices have changed.", false, "Review the re-priced cart."};
    case errc::sold_out:
      return {409, 5003, "No seats left.", false, "Remove the sold-out internship."};
    case errc::cart_changed:
      return {409, 5004, "Cart changed while ordering.", true, "Review the cart and retry."};
    case errc::idempotency_key_missing:
      return {400, 6000, "Idempotency-Key header is required.", false,
              "Send an Idempotency-Key header."};
    case errc::idempotency_key_mismatch:
      return {422, 6001, "Idempotency-Key was used with a different request.", false,
              "Use a new key for a new request."};
    case errc::idempotency_in_progress:
      return {409, 6002, "A request with this Idempotency-Key is in progress.", true,
              "Retry shortly with the same key."};
    case errc::bad_signature:
      return {400, 7001, "Invalid webhook signature.", false, "Sign with the webhook secret."};
    case errc::amount_mismatch:
      return {422, 7002, "Payment amount or currency does not match the order.", false,
              "Contact support."};
    case errc::bad_webhook:
      return {400, 7003, "Malformed webhook payload.", false, "Send the gateway's format."};
    case errc::gateway_unavailable:
      return {503, 4001, "No payment gateway can take the payment now.", true,
              "Retry with the same Idempotency-Key."};
    case errc::gateway_rejected:
      return {502, 4002, "The payment gateway refused the request.", false, "Contact support."};
    case errc::order_state_conflict:
      return {409, 5005, "Not possible in the order's current status.", false, "Reload the order."};
    case errc::unavailable:
      return {503, 9503, "Service temporarily unavailable.", true, "Retry later."};
    case errc::timeout:
      return {503, 9504, "The request timed out.", true, "Retry with the same key."};
    case errc::dlq_message_not_found:
      return {404, 9404, "Message not found in the dead-letter queue.", false,
              "List the queue for the message ids it holds."};
    case errc::actor_not_alive:
      return {404, 9405, "No live actor with that kind and id.", false,
              "List live actors with GET /admin/actors."};
    case errc::rate_limited:
      return {429, 1429, "Too many requests.", true,
              "Retry after the number of seconds in the Retry-After header."};
    case errc::too_many_open_orders:
      return {409, 5006, "Too many orders awaiting payment.", false,
              "Pay for an open order, or wait until one's payment window closes."};
  }
  return {500, 9500, "Internal error.", true, "Retry later."};
}

}  // namespace

caf::error make_error(errc code, std::string detail) {
  if (detail.empty()) return caf::error(static_cast<std::uint8_t>(code), checkout_error_category);
  return caf::error(static_cast<std::uint8_t>(code), checkout_error_category,
                    caf::make_message(std::move(detail)));
}

caf::error make_error(errc code, std::vector<std::string> details) {
  return caf::error(static_cast<std::uint8_t>(code), checkout_error_category,
                    caf::make_message(std::move(details)));
}

error_view describe(errc code, std::string detail) {
  auto e = lookup(code);
  error_view v{e.status, e.code, e.message, {}, e.retryable, e.action};
  if (!detail.empty()) v.validation_messages.push_back(std::move(detail));
  return v;
}

error_view describe(const caf::error& err) {
  if (err.category() == checkout_error_category) {
    std::string detail;
    // The detail is an optional string in the error's context.
    auto& ctx = err.context();
    if (ctx.size() == 1 && ctx.match_element<std::vector<std::string>>(0)) {
      auto v = describe(static_cast<errc>(err.code()));
      v.validation_messages = ctx.get_as<std::vector<std::string>>(0);
      return v;
    }
    if (ctx.size() == 1 && ctx.match_element<std::string>(0)) detail = ctx.get_as<std::string>(0);
    return describe(static_cast<errc>(err.code()), std::move(detail));
  }
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout) return describe(errc::timeout);
    if (code == caf::sec::request_receiver_down) return describe(errc::unavailable);
  }
  if (err.category() == caf::atom("db")) return describe(errc::unavailable);
  return describe(errc::internal);
}

bool is_errc(const caf::error& err, errc code) {
  return err && err.category() == checkout_error_category &&
         err.code() == static_cast<std::uint8_t>(code);
}

}  // namespace checkout
