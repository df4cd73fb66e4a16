#include "actors/order/order_state.hpp"

namespace checkout {

std::string_view to_string(order_status s) {
  switch (s) {
    case order_status::awaiting_payment:
      return "awaiting_payment";
    case order_status::paid:
      return "paid";
    case order_status::completed:
      return "completed";
    case order_status::failed:
      return "failed";
    case order_status::expired:
      return "expired";
    case order_status::refunded:
      return "refunded";
  }
  return "failed";
}

std::optional<order_status> parse_order_status(std::string_view s) {
  for (auto st : {order_status::awaiting_payment, order_status::paid, order_status::completed,
                  order_status::failed, order_status::expired, order_status::refunded})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

bool order_state::can_become(order_status to) const {
  using s = order_status;
  switch (status_) {
    case s::awaiting_payment:
      return to == s::paid || to == s::failed || to == s::expired;
    case s::failed:
      // A retry re-opens the payment; a late capture is never lost.
      return to == s::awaiting_payment || to == s::expired || to == s::paid;
    case s::expired:
      return to == s::paid || to == s::refunded;
    case s::paid:
      return to == s::completed || to == s::refunded;
    case s::completed:
      return to == s::refunded;
    case s::refunded:
      return false;
  }
  return false;
}

order_state::decision order_state::on_captured(std::int64_t amount, const std::string& currency,
                                               std::int64_t total,
                                               const std::string& order_currency) const {
  if (status_ == order_status::paid || status_ == order_status::completed ||
      status_ == order_status::refunded)
    return {verdict::already, status_};
  if (amount != total || currency != order_currency) return {verdict::mismatch, status_};
  if (!can_become(order_status::paid)) return {verdict::refuse, status_};
  return {verdict::apply, order_status::paid};
}

order_state::decision order_state::on_failed() const {
  if (status_ == order_status::failed) return {verdict::already, status_};
  if (status_ != order_status::awaiting_payment) return {verdict::already, status_};
  return {verdict::apply, order_status::failed};
}

order_state::decision order_state::on_enrolled() const {
  if (status_ == order_status::completed) return {verdict::already, status_};
  if (status_ != order_status::paid) return {verdict::refuse, status_};
  return {verdict::apply, order_status::completed};
}

}  // namespace checkout
