// Seed 003's plan change (CONTRACT §16): which line it is for, and the line it leaves.
#include <gtest/gtest.h>

#include <string>

#include "actors/cart/cart_state.hpp"
#include "actors/catalog/internship.hpp"
#include "actors/errors.hpp"

namespace checkout {
namespace {

errc code_of(const caf::error& e) {
  EXPECT_EQ(e.category(), checkout_error_category);
  return static_cast<errc>(e.code());
}

internship planned(std::string id = "ds-200") {
  internship i;
  i.id = std::move(id);
  i.title = "Data";
  i.category = "data";
  i.currency = "INR";
  i.plans = {{{1, "month"}, 5000}, {{3, "month"}, 12000}, {{1, "year"}, 40000}};
  return i;
}

cart_line line(std::string id, period p, int quantity, std::int64_t unit) {
  return cart_line{std::move(id), p, quantity, unit, "INR", "data"};
}

cart_state cart_of(std::vector<cart_line> lines) {
  cart_state c;
  c.token = "t";
  c.currency = "INR";
  c.lines = std::move(lines);
  return c;
}

TEST(CartPlanTarget, TheNamedInternshipWhenInTheCart) {
  auto c = cart_of({line("ds-200", {1, "month"}, 1, 5000), line("web-101", {1, "month"}, 1, 900)});
  EXPECT_EQ(*plan_target(c, "web-101"), "web-101");
  EXPECT_EQ(code_of(plan_target(c, "ml-300").error()), errc::internship_unknown);
}

TEST(CartPlanTarget, TheOnlyInternshipWhenNoneIsNamed) {
  auto c = cart_of({line("ds-200", {1, "month"}, 1, 5000), line("ds-200", {1, "year"}, 2, 40000)});
  EXPECT_EQ(*plan_target(c, ""), "ds-200");
}

TEST(CartPlanTarget, SeveralInternshipsNeedAName) {
  auto c = cart_of({line("ds-200", {1, "month"}, 1, 5000), line("web-101", {1, "month"}, 1, 900)});
  auto t = plan_target(c, "");
  ASSERT_FALSE(t);
  EXPECT_EQ(code_of(t.error()), errc::invalid_field);
}

TEST(CartPlanTarget, AnEmptyCartHasNothingToChange) {
  EXPECT_EQ(code_of(plan_target(cart_of({}), "").error()), errc::internship_unknown);
}

TEST(CartChangePlan, TheLineTakesThePlanAndItsPrice) {
  auto c = cart_of({line("ds-200", {1, "month"}, 2, 5000)});
  auto next = change_plan(c, planned(), {3, "month"});
  ASSERT_TRUE(next) << to_string(next.error());
  ASSERT_EQ(next->lines.size(), 1u);
  EXPECT_EQ(next->lines[0].plan_period, (period{3, "month"}));
  EXPECT_EQ(next->lines[0].unit_price, 12000);
  EXPECT_EQ(next->lines[0].quantity, 2);
}

TEST(CartChangePlan, SeveralPeriodsBecomeOneLineInTheFirstPlace) {
  auto c = cart_of({line("web-101", {1, "month"}, 1, 900), line("ds-200", {1, "month"}, 1, 5000),
                    line("ds-200", {1, "year"}, 2, 40000)});
  auto next = change_plan(c, planned(), {3, "month"});
  ASSERT_TRUE(next);
  ASSERT_EQ(next->lines.size(), 2u);
  EXPECT_EQ(next->lines[0].internship_id, "web-101");
  EXPECT_EQ(next->lines[1].internship_id, "ds-200");
  EXPECT_EQ(next->lines[1].quantity, 3);
  EXPECT_EQ(next->lines[1].unit_price, 12000);
}

TEST(CartChangePlan, APeriodNotOfferedIsRefusedAndTheCartKept) {
  auto c = cart_of({line("ds-200", {1, "month"}, 1, 5000)});
  auto next = change_plan(c, planned(), {6, "month"});
  ASSERT_FALSE(next);
  EXPECT_EQ(code_of(next.error()), errc::invalid_field);
  EXPECT_EQ(c.lines[0].plan_period, (period{1, "month"}));
}

TEST(CartChangePlan, AnInternshipWithoutPlansHasNoPlanToChange) {
  auto plain = planned("web-101");
  plain.plans.clear();
  plain.price = 900;
  auto c = cart_of({cart_line{"web-101", std::nullopt, 1, 900, "INR", "web"}});
  EXPECT_EQ(code_of(change_plan(c, plain, {1, "month"}).error()), errc::invalid_field);
}

TEST(CartChangePlan, InactiveOrNotInTheCartIsRefused) {
  auto c = cart_of({line("ds-200", {1, "month"}, 1, 5000)});
  auto off = planned();
  off.active = false;
  EXPECT_EQ(code_of(change_plan(c, off, {3, "month"}).error()), errc::internship_unavailable);
  EXPECT_EQ(code_of(change_plan(c, planned("ml-300"), {3, "month"}).error()),
            errc::internship_unknown);
}

}  // namespace
}  // namespace checkout
