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

std::string_view to_string(order_event_kind k) {
  switch (k) {
    case order_event_kind::captured:
      return "captured";
    case order_event_kind::failed:
      return "failed";
    case order_event_kind::retry:
      return "retry";
    case order_event_kind::window_closed:
      return "window_closed";
    case order_event_kind::enrolled:
      return "enrolled";
    case order_event_kind::refund:
      return "refund";
    case order_event_kind::refunded:
      return "refunded";
    case order_event_kind::nothing_to_pay:
      return "nothing_to_pay";
  }
  return "captured";
}

std::string_view to_string(order_state::verdict v) {
  using v_t = order_state::verdict;
  switch (v) {
    case v_t::apply:
      return "apply";
    case v_t::already:
      return "already";
    case v_t::ignore:
      return "ignore";
    case v_t::mismatch:
      return "mismatch";
    case v_t::reclaim:
      return "reclaim";
    case v_t::refuse:
      return "refuse";
  }
  return "refuse";
}

bool order_state::can_become(order_status to) const {
  using s = order_status;
  switch (status_) {
    case s::awaiting_payment:
      return to == s::paid || to == s::failed || to == s::expired || to == s::completed;
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

order_state::decision order_state::on_captured(const order_event& ev, std::int64_t total,
                                               const std::string& currency) const {
  using s = order_status;
  // Once the money is in (or back out), a capture is the same one reported again.
  if (status_ == s::paid || status_ == s::completed || status_ == s::refunded)
    return {verdict::already, status_};
  if (ev.amount != total || ev.currency != currency) return {verdict::mismatch, status_};
  if (status_ == s::expired) return {verdict::reclaim, s::paid};
  return {verdict::apply, s::paid};
}

order_state::decision order_state::decide(const order_event& ev, std::int64_t total,
                                          const std::string& currency) const {
  using s = order_status;
  using k = order_event_kind;
  auto here = [&](verdict v) { return decision{v, status_}; };
  auto go = [](s to) { return decision{verdict::apply, to}; };
  switch (ev.kind) {
    case k::captured:
      return on_captured(ev, total, currency);
    case k::failed:
      if (status_ == s::awaiting_payment) return go(s::failed);
      if (status_ == s::failed) return here(verdict::already);
      // A failure reported after the order moved on changes nothing.
      return here(verdict::ignore);
    case k::retry:
      if (status_ == s::failed && ev.window_open) return go(s::awaiting_payment);
      return here(verdict::refuse);
    case k::window_closed:
      if (status_ == s::awaiting_payment || status_ == s::failed) return go(s::expired);
      if (status_ == s::expired) return here(verdict::already);
      return here(verdict::ignore);
    case k::enrolled:
      if (status_ == s::paid) return go(s::completed);
      if (status_ == s::completed) return here(verdict::already);
      return here(verdict::refuse);
    case k::refund:
      if (status_ == s::paid || status_ == s::completed) return go(s::refunded);
      if (status_ == s::refunded) return here(verdict::already);
      return here(verdict::refuse);
    case k::refunded:
      if (status_ == s::paid || status_ == s::completed) return go(s::refunded);
      if (status_ == s::refunded) return here(verdict::already);
      return here(verdict::ignore);
    case k::nothing_to_pay:
      if (status_ == s::awaiting_payment && total == 0) return go(s::completed);
      if (status_ == s::completed && total == 0) return here(verdict::already);
      return here(verdict::refuse);
  }
  return here(verdict::refuse);
}

}  // namespace checkout
