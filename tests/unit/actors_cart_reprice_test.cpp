// The pure pieces behind re-pricing a cart (CONTRACT §7, 5002) and refusing a
// quantity the catalog cannot sell (§6, 1102): reprice(), check_sellable() and
// set_quantity() against the internship as it is now.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "actors/cart/cart_state.hpp"
#include "actors/catalog/internship.hpp"
#include "actors/errors.hpp"

namespace checkout {
namespace {

errc code_of(const caf::error& e) {
  EXPECT_EQ(e.category(), checkout_error_category);
  return static_cast<errc>(e.code());
}

internship course(std::string id, std::int64_t price, std::string currency = "INR") {
  internship i;
  i.id = std::move(id);
  i.title = "T";
  i.category = "web";
  i.price = price;
  i.currency = std::move(currency);
  return i;
}

internship planned(std::string id) {
  auto i = course(std::move(id), 0);
  i.plans = {{{1, "month"}, 5000}, {{3, "month"}, 12000}};
  return i;
}

cart_state cart_of(const std::vector<internship>& items,
                   const std::vector<std::optional<period>>& periods) {
  cart_state c;
  c.token = "t";
  c.currency = "INR";
  c.expires_at = 1'000'000;
  for (size_t i = 0; i < items.size(); ++i) {
    auto next = add_item(c, items[i], 2, periods[i]);
    EXPECT_TRUE(next) << items[i].id;
    c = std::move(*next);
  }
  return c;
}

// ---- reprice -----------------------------------------------------------------

TEST(CartReprice, EveryLineTakesTodaysPriceCurrencyAndCategory) {
  auto a = course("a", 1000);
  auto p = planned("p");
  auto cart = cart_of({a, p, p}, {std::nullopt, period{1, "month"}, period{3, "month"}});
  ASSERT_EQ(cart.lines.size(), 3u);

  a.price = 1250;
  a.currency = "USD";
  a.category = "data";
  p.plans = {{{1, "month"}, 5500}, {{3, "month"}, 11000}};
  auto repriced = reprice(cart, {p, a});

  ASSERT_EQ(repriced.lines.size(), 3u);
  EXPECT_EQ(repriced.lines[0].unit_price, 1250);
  EXPECT_EQ(repriced.lines[0].price_currency, "USD");
  EXPECT_EQ(repriced.lines[0].category, "data");
  EXPECT_EQ(repriced.lines[1].unit_price, 5500);  // the plan's price, not the base price
  EXPECT_EQ(repriced.lines[2].unit_price, 11000);
  // Nothing but prices moves: quantities, periods, coupons, the cart currency.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(repriced.lines[i].quantity, cart.lines[i].quantity);
    EXPECT_EQ(repriced.lines[i].plan_period, cart.lines[i].plan_period);
    EXPECT_EQ(repriced.lines[i].internship_id, cart.lines[i].internship_id);
  }
  EXPECT_EQ(repriced.currency, "INR");
  EXPECT_EQ(repriced.version, cart.version);  // the store bumps it, not the pure step
}

TEST(CartReprice, IsIdempotentAndChangesNothingWhenPricesStand) {
  auto a = course("a", 1000);
  auto cart = cart_of({a}, {std::nullopt});
  auto same = reprice(cart, {a});
  EXPECT_EQ(state_to_json(same), state_to_json(cart));
  a.price = 900;
  auto once = reprice(cart, {a});
  auto twice = reprice(once, {a});
  EXPECT_EQ(once.lines[0].unit_price, 900);
  EXPECT_EQ(state_to_json(twice), state_to_json(once));
}

TEST(CartReprice, AMissingInternshipOrAPeriodNoLongerOfferedKeepsItsLine) {
  auto a = course("a", 1000);
  auto p = planned("p");
  auto cart = cart_of({a, p}, {std::nullopt, period{3, "month"}});
  p.plans = {{{1, "month"}, 7000}};    // the 3-month plan is gone
  auto repriced = reprice(cart, {p});  // and "a" is not in the catalog read
  EXPECT_EQ(repriced.lines[0].unit_price, 1000);
  EXPECT_EQ(repriced.lines[1].unit_price, 12000);
  EXPECT_EQ(state_to_json(repriced), state_to_json(cart));
}

// ---- sellable quantities ------------------------------------------------------

TEST(CartSellable, ActiveAndWithinTheFreeSeats) {
  auto a = course("a", 1000);
  EXPECT_FALSE(check_sellable(a, 100));  // unlimited seats
  a.seats_total = 5;
  a.seats_taken = 2;
  EXPECT_FALSE(check_sellable(a, 3));
  auto over = check_sellable(a, 4);
  ASSERT_TRUE(over);
  EXPECT_EQ(code_of(over), errc::internship_unavailable);
  a.seats_taken = 5;
  EXPECT_EQ(code_of(check_sellable(a, 1)), errc::internship_unavailable);
  a.seats_taken = 0;
  a.active = false;
  EXPECT_EQ(code_of(check_sellable(a, 1)), errc::internship_unavailable);
}

TEST(CartSellable, PatchAboveTheFreeSeatsIsRefusedAsAddingIs) {
  auto a = course("a", 1000);
  a.seats_total = 3;
  auto cart = cart_of({a}, {std::nullopt});  // 2 in the cart
  auto to3 = set_quantity(cart, a, 3);
  ASSERT_TRUE(to3);
  EXPECT_EQ(to3->lines[0].quantity, 3);
  auto to4 = set_quantity(cart, a, 4);
  ASSERT_FALSE(to4);
  EXPECT_EQ(code_of(to4.error()), errc::internship_unavailable);
  // Adding the same amount is refused the same way.
  auto add2 = add_item(cart, a, 2, std::nullopt);
  ASSERT_FALSE(add2);
  EXPECT_EQ(code_of(add2.error()), errc::internship_unavailable);
  // Seats taken by others since: even the current quantity is no longer sellable.
  a.seats_taken = 2;
  EXPECT_EQ(code_of(set_quantity(cart, a, 2).error()), errc::internship_unavailable);
  auto to1 = set_quantity(cart, a, 1);
  ASSERT_TRUE(to1);
  EXPECT_EQ(to1->lines[0].quantity, 1);
}

TEST(CartSellable, ZeroStillRemovesAndTheOtherRulesComeFirst) {
  auto a = course("a", 1000);
  auto cart = cart_of({a}, {std::nullopt});
  a.active = false;
  a.seats_total = 0;
  auto removed = set_quantity(cart, a, 0);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->lines.empty());
  // Out of range and not in the cart keep their own codes.
  EXPECT_EQ(code_of(set_quantity(cart, a, 101).error()), errc::invalid_field);
  auto other = course("b", 10);
  EXPECT_EQ(code_of(set_quantity(cart, other, 1).error()), errc::internship_unknown);
  EXPECT_EQ(code_of(set_quantity(cart, a, 1).error()), errc::internship_unavailable);
}

}  // namespace
}  // namespace checkout
