// The order state machine (CONTRACT §7 status lifecycle, §8 amount checks).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/order/order_state.hpp"

namespace checkout {
namespace {

using s = order_status;
using verdict = order_state::verdict;

const std::vector<s> all_statuses = {s::awaiting_payment, s::paid,    s::completed,
                                     s::failed,           s::expired, s::refunded};

std::string name(s st) {
  return std::string(to_string(st));
}

// CONTRACT §7: awaiting_payment -> paid -> completed; awaiting_payment <-> failed;
// awaiting_payment|failed -> expired; paid|completed -> refunded; a capture
// arriving after failed or expired makes the order paid, or (no seat left) refunded;
// a free order goes from awaiting_payment straight to completed.
const std::set<std::pair<s, s>> allowed = {
    {s::awaiting_payment, s::paid},
    {s::awaiting_payment, s::completed},  // a total of 0: nothing to pay
    {s::awaiting_payment, s::failed},
    {s::awaiting_payment, s::expired},
    {s::failed, s::awaiting_payment},
    {s::failed, s::expired},
    {s::failed, s::paid},
    {s::expired, s::paid},
    {s::expired, s::refunded},
    {s::paid, s::completed},
    {s::paid, s::refunded},
    {s::completed, s::refunded},
};

// Whether failed -> refunded exists is not settled by the contract (a failed
// order still holds its seat, so a late capture always finds one); it is left
// out of both tables.
const std::set<std::pair<s, s>> unsettled = {{s::failed, s::refunded}};

TEST(OrderStatus, Names) {
  EXPECT_EQ(to_string(s::awaiting_payment), "awaiting_payment");
  EXPECT_EQ(to_string(s::paid), "paid");
  EXPECT_EQ(to_string(s::completed), "completed");
  EXPECT_EQ(to_string(s::failed), "failed");
  EXPECT_EQ(to_string(s::expired), "expired");
  EXPECT_EQ(to_string(s::refunded), "refunded");
}

TEST(OrderStatus, ParseRoundTrip) {
  for (auto st : all_statuses) {
    auto parsed = parse_order_status(to_string(st));
    ASSERT_TRUE(parsed) << name(st);
    EXPECT_EQ(*parsed, st);
  }
  for (auto bad : {"", "PAID", "pending", "awaiting-payment", "paid ", "cancelled"})
    EXPECT_FALSE(parse_order_status(bad)) << bad;
}

TEST(OrderTransitions, AllowedOnes) {
  for (auto& [from, to] : allowed)
    EXPECT_TRUE(order_state(from).can_become(to)) << name(from) << " -> " << name(to);
}

TEST(OrderTransitions, EveryOtherIsRefused) {
  int refused = 0;
  for (auto from : all_statuses) {
    for (auto to : all_statuses) {
      if (allowed.count({from, to}) || unsettled.count({from, to})) continue;
      EXPECT_FALSE(order_state(from).can_become(to)) << name(from) << " -> " << name(to);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 36 - 12 - 1);
}

TEST(OrderTransitions, NoSelfTransitions) {
  for (auto st : all_statuses) EXPECT_FALSE(order_state(st).can_become(st)) << name(st);
}

TEST(OrderTransitions, RefundedIsFinal) {
  for (auto to : all_statuses) EXPECT_FALSE(order_state(s::refunded).can_become(to)) << name(to);
}

TEST(OrderState, KeepsItsStatus) {
  for (auto st : all_statuses) EXPECT_EQ(order_state(st).status(), st);
}

// ---- every (status, event) pair ---------------------------------------------

// The events, with the variants that change the answer: a capture of the right
// or the wrong amount, a retry inside or after the window, and a zero total.
enum class ev {
  captured_exact,
  captured_short,
  captured_other_currency,
  failed,
  retry_in_window,
  retry_after_window,
  window_closed,
  enrolled,
  refund,
  refunded,
  nothing_to_pay_free,
  nothing_to_pay_priced,
};
const std::vector<ev> all_events = {
    ev::captured_exact,
    ev::captured_short,
    ev::captured_other_currency,
    ev::failed,
    ev::retry_in_window,
    ev::retry_after_window,
    ev::window_closed,
    ev::enrolled,
    ev::refund,
    ev::refunded,
    ev::nothing_to_pay_free,
    ev::nothing_to_pay_priced,
};

constexpr std::int64_t order_total = 19796;

// What each variant sends, and the order total it is judged against.
std::pair<order_event, std::int64_t> make(ev e) {
  using k = order_event_kind;
  switch (e) {
    case ev::captured_exact:
      return {{k::captured, order_total, "INR"}, order_total};
    case ev::captured_short:
      return {{k::captured, order_total - 1, "INR"}, order_total};
    case ev::captured_other_currency:
      return {{k::captured, order_total, "USD"}, order_total};
    case ev::failed:
      return {event_of(k::failed), order_total};
    case ev::retry_in_window:
      return {{k::retry, 0, "", true}, order_total};
    case ev::retry_after_window:
      return {{k::retry, 0, "", false}, order_total};
    case ev::window_closed:
      return {event_of(k::window_closed), order_total};
    case ev::enrolled:
      return {event_of(k::enrolled), order_total};
    case ev::refund:
      return {event_of(k::refund), order_total};
    case ev::refunded:
      return {event_of(k::refunded), order_total};
    case ev::nothing_to_pay_free:
      return {event_of(k::nothing_to_pay), 0};
    case ev::nothing_to_pay_priced:
      return {event_of(k::nothing_to_pay), order_total};
  }
  return {{}, order_total};
}

struct row {
  s from;
  ev event;
  verdict what;
  s target;
};

using v = verdict;
// One row per pair; `target` is the status after the event (unchanged unless
// applied; `paid` for a reclaim, which may still end in `refunded`).
const std::vector<row> table = {
    // awaiting_payment
    {s::awaiting_payment, ev::captured_exact, v::apply, s::paid},
    {s::awaiting_payment, ev::captured_short, v::mismatch, s::awaiting_payment},
    {s::awaiting_payment, ev::captured_other_currency, v::mismatch, s::awaiting_payment},
    {s::awaiting_payment, ev::failed, v::apply, s::failed},
    {s::awaiting_payment, ev::retry_in_window, v::refuse, s::awaiting_payment},
    {s::awaiting_payment, ev::retry_after_window, v::refuse, s::awaiting_payment},
    {s::awaiting_payment, ev::window_closed, v::apply, s::expired},
    {s::awaiting_payment, ev::enrolled, v::refuse, s::awaiting_payment},
    {s::awaiting_payment, ev::refund, v::refuse, s::awaiting_payment},
    {s::awaiting_payment, ev::refunded, v::ignore, s::awaiting_payment},
    {s::awaiting_payment, ev::nothing_to_pay_free, v::apply, s::completed},
    {s::awaiting_payment, ev::nothing_to_pay_priced, v::refuse, s::awaiting_payment},
    // paid
    {s::paid, ev::captured_exact, v::already, s::paid},
    {s::paid, ev::captured_short, v::already, s::paid},
    {s::paid, ev::captured_other_currency, v::already, s::paid},
    {s::paid, ev::failed, v::ignore, s::paid},
    {s::paid, ev::retry_in_window, v::refuse, s::paid},
    {s::paid, ev::retry_after_window, v::refuse, s::paid},
    {s::paid, ev::window_closed, v::ignore, s::paid},
    {s::paid, ev::enrolled, v::apply, s::completed},
    {s::paid, ev::refund, v::apply, s::refunded},
    {s::paid, ev::refunded, v::apply, s::refunded},
    {s::paid, ev::nothing_to_pay_free, v::refuse, s::paid},
    {s::paid, ev::nothing_to_pay_priced, v::refuse, s::paid},
    // completed
    {s::completed, ev::captured_exact, v::already, s::completed},
    {s::completed, ev::captured_short, v::already, s::completed},
    {s::completed, ev::captured_other_currency, v::already, s::completed},
    {s::completed, ev::failed, v::ignore, s::completed},
    {s::completed, ev::retry_in_window, v::refuse, s::completed},
    {s::completed, ev::retry_after_window, v::refuse, s::completed},
    {s::completed, ev::window_closed, v::ignore, s::completed},
    {s::completed, ev::enrolled, v::already, s::completed},
    {s::completed, ev::refund, v::apply, s::refunded},
    {s::completed, ev::refunded, v::apply, s::refunded},
    {s::completed, ev::nothing_to_pay_free, v::already, s::completed},
    {s::completed, ev::nothing_to_pay_priced, v::refuse, s::completed},
    // failed
    {s::failed, ev::captured_exact, v::apply, s::paid},
    {s::failed, ev::captured_short, v::mismatch, s::failed},
    {s::failed, ev::captured_other_currency, v::mismatch, s::failed},
    {s::failed, ev::failed, v::already, s::failed},
    {s::failed, ev::retry_in_window, v::apply, s::awaiting_payment},
    {s::failed, ev::retry_after_window, v::refuse, s::failed},
    {s::failed, ev::window_closed, v::apply, s::expired},
    {s::failed, ev::enrolled, v::refuse, s::failed},
    {s::failed, ev::refund, v::refuse, s::failed},
    {s::failed, ev::refunded, v::ignore, s::failed},
    {s::failed, ev::nothing_to_pay_free, v::refuse, s::failed},
    {s::failed, ev::nothing_to_pay_priced, v::refuse, s::failed},
    // expired
    {s::expired, ev::captured_exact, v::reclaim, s::paid},
    {s::expired, ev::captured_short, v::mismatch, s::expired},
    {s::expired, ev::captured_other_currency, v::mismatch, s::expired},
    {s::expired, ev::failed, v::ignore, s::expired},
    {s::expired, ev::retry_in_window, v::refuse, s::expired},
    {s::expired, ev::retry_after_window, v::refuse, s::expired},
    {s::expired, ev::window_closed, v::already, s::expired},
    {s::expired, ev::enrolled, v::refuse, s::expired},
    {s::expired, ev::refund, v::refuse, s::expired},
    {s::expired, ev::refunded, v::ignore, s::expired},
    {s::expired, ev::nothing_to_pay_free, v::refuse, s::expired},
    {s::expired, ev::nothing_to_pay_priced, v::refuse, s::expired},
    // refunded
    {s::refunded, ev::captured_exact, v::already, s::refunded},
    {s::refunded, ev::captured_short, v::already, s::refunded},
    {s::refunded, ev::captured_other_currency, v::already, s::refunded},
    {s::refunded, ev::failed, v::ignore, s::refunded},
    {s::refunded, ev::retry_in_window, v::refuse, s::refunded},
    {s::refunded, ev::retry_after_window, v::refuse, s::refunded},
    {s::refunded, ev::window_closed, v::ignore, s::refunded},
    {s::refunded, ev::enrolled, v::refuse, s::refunded},
    {s::refunded, ev::refund, v::already, s::refunded},
    {s::refunded, ev::refunded, v::already, s::refunded},
    {s::refunded, ev::nothing_to_pay_free, v::refuse, s::refunded},
    {s::refunded, ev::nothing_to_pay_priced, v::refuse, s::refunded},
};

TEST(OrderStateTable, CoversEveryPairExactlyOnce) {
  std::set<std::pair<s, ev>> seen;
  for (auto& r : table) EXPECT_TRUE(seen.insert({r.from, r.event}).second) << name(r.from);
  EXPECT_EQ(seen.size(), all_statuses.size() * all_events.size());
}

TEST(OrderStateTable, EveryPairDecidesAsTheTableSays) {
  for (auto& r : table) {
    auto [event, total] = make(r.event);
    auto d = order_state(r.from).decide(event, total, "INR");
    EXPECT_EQ(d.what, r.what) << name(r.from) << " + " << to_string(event.kind) << " ("
                              << static_cast<int>(r.event) << "): " << to_string(d.what);
    EXPECT_EQ(d.target, r.target) << name(r.from) << " + " << to_string(event.kind) << " ("
                                  << static_cast<int>(r.event) << ")";
  }
}

TEST(OrderStateTable, AppliedAndReclaimedTargetsAreAllowedTransitions) {
  for (auto& r : table)
    if (r.what == v::apply || r.what == v::reclaim)
      EXPECT_TRUE(order_state(r.from).can_become(r.target))
          << name(r.from) << " -> " << name(r.target);
}

TEST(OrderStateTable, NoOutcomeButApplyOrReclaimMoves) {
  for (auto& r : table)
    if (r.what != v::apply && r.what != v::reclaim) EXPECT_EQ(r.target, r.from) << name(r.from);
}

TEST(OrderStateTable, MoneyNeverGoesBackward) {
  // Once paid, no event leads anywhere but completed or refunded.
  for (auto& r : table)
    if ((r.from == s::paid || r.from == s::completed || r.from == s::refunded) &&
        r.what == v::apply)
      EXPECT_TRUE(r.target == s::completed || r.target == s::refunded) << name(r.from);
}

TEST(OrderStateTable, AMismatchNeverPays) {
  for (auto from : all_statuses)
    for (std::int64_t amount : {order_total - 1, order_total + 1, std::int64_t{0}}) {
      order_event e{order_event_kind::captured, amount, "INR"};
      auto d = order_state(from).decide(e, order_total, "INR");
      if (from == s::paid || from == s::completed || from == s::refunded)
        EXPECT_EQ(d.what, v::already) << name(from);
      else
        EXPECT_EQ(d.what, v::mismatch) << name(from) << " " << amount;
    }
}

}  // namespace
}  // namespace checkout
