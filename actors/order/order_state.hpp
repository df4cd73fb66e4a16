// The order's state machine (CONTRACT §7) as a plain class: which transitions
// exist and what an event does to an order. No I/O; the order actor persists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace checkout {

enum class order_status { awaiting_payment, paid, completed, failed, expired, refunded };

std::string_view to_string(order_status s);
std::optional<order_status> parse_order_status(std::string_view s);

class order_state {
 public:
  explicit order_state(order_status s) : status_(s) {}
  order_status status() const { return status_; }

  bool can_become(order_status to) const;

  // What a gateway event asks of the order.
  enum class verdict {
    apply,     // move to `target`
    already,   // nothing to do: it is already there (or past it)
    mismatch,  // amount or currency differ: never mark paid
    refuse,    // not allowed from this state
  };
  struct decision {
    verdict what;
    order_status target;
  };

  decision on_captured(std::int64_t amount, const std::string& currency, std::int64_t total,
                       const std::string& order_currency) const;
  decision on_failed() const;
  decision on_enrolled() const;

 private:
  order_status status_;
};

}  // namespace checkout
