// The order's state machine (CONTRACT §7) as a plain class: for every status
// and every event, what the event does — a transition, a no-op, or a refusal.
// Money only moves forward: nothing leaves `paid` except to `completed` or
// `refunded`. No I/O; the order actor persists what it decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace checkout {

enum class order_status { awaiting_payment, paid, completed, failed, expired, refunded };
// Every status, for what must know them all up front (the metrics at start-up).
inline constexpr order_status all_order_statuses[] = {
    order_status::awaiting_payment, order_status::paid,    order_status::completed,
    order_status::failed,           order_status::expired, order_status::refunded};

std::string_view to_string(order_status s);
std::optional<order_status> parse_order_status(std::string_view s);

enum class order_event_kind {
  captured,        // the gateway took the money (webhook, payment sync, expiry check)
  failed,          // the gateway says the attempt failed
  retry,           // the customer asks for a new payment attempt
  window_closed,   // the payment window is over
  enrolled,        // the enrollment step created the enrollments
  refund,          // an operator asks for a refund
  refunded,        // the gateway reports a refund
  nothing_to_pay,  // a placed order whose total is 0
};

std::string_view to_string(order_event_kind k);

struct order_event {
  order_event_kind kind = order_event_kind::captured;
  // captured: what the gateway took.
  std::int64_t amount = 0;
  std::string currency;
  // retry: whether the payment window is still open.
  bool window_open = true;
};

inline order_event event_of(order_event_kind k) {
  order_event e;
  e.kind = k;
  return e;
}

inline order_event capture_of(std::int64_t amount, std::string currency) {
  order_event e;
  e.amount = amount;
  e.currency = std::move(currency);
  return e;
}

class order_state {
 public:
  explicit order_state(order_status s) : status_(s) {}
  order_status status() const { return status_; }

  bool can_become(order_status to) const;

  enum class verdict {
    apply,     // move to `target`
    already,   // nothing to do: the order is already there (a repeat)
    ignore,    // nothing to do: the event no longer matters (forward-only)
    mismatch,  // amount or currency differ from the order's: never paid
    reclaim,   // a capture after expiry: `paid` if the seats can be held
               // again, otherwise refund it and become `refunded`
    refuse,    // not possible from this status: the caller gets an error
  };
  struct decision {
    verdict what;
    order_status target;
  };

  // `total` and `currency` are the order's.
  decision decide(const order_event& ev, std::int64_t total, const std::string& currency) const;

 private:
  decision on_captured(const order_event& ev, std::int64_t total,
                       const std::string& currency) const;
  order_status status_;
};

std::string_view to_string(order_state::verdict v);

}  // namespace checkout
