// The cart as a value (CONTRACT §6) and the internship's unit price (§3).
#include <gtest/gtest.h>

#include <optional>
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

internship course(std::string id = "web-101", std::int64_t price = 43176) {
  internship i;
  i.id = std::move(id);
  i.title = "Web";
  i.category = "web";
  i.price = price;
  i.currency = "INR";
  return i;
}

internship with_plans() {
  auto i = course("ds-200", 0);
  i.plans = {{{1, "month"}, 5000}, {{3, "month"}, 12000}, {{1, "year"}, 40000}};
  return i;
}

cart_state active_cart() {
  cart_state c;
  c.token = "t";
  c.currency = "INR";
  c.expires_at = 1'000'000;
  return c;
}

// ---- internship ------------------------------------------------------------

TEST(Internship, UnitPriceWithoutPlans) {
  auto i = course("a", 999);
  EXPECT_EQ(i.unit_price(std::nullopt), std::optional<std::int64_t>(999));
  // A period for an internship that has no plans is not allowed.
  EXPECT_EQ(i.unit_price(period{1, "month"}), std::nullopt);
}

TEST(Internship, UnitPriceWithPlans) {
  auto i = with_plans();
  EXPECT_EQ(i.unit_price(period{1, "month"}), std::optional<std::int64_t>(5000));
  EXPECT_EQ(i.unit_price(period{3, "month"}), std::optional<std::int64_t>(12000));
  EXPECT_EQ(i.unit_price(period{1, "year"}), std::optional<std::int64_t>(40000));
  // The period is required, and must match value and unit.
  EXPECT_EQ(i.unit_price(std::nullopt), std::nullopt);
  EXPECT_EQ(i.unit_price(period{2, "month"}), std::nullopt);
  EXPECT_EQ(i.unit_price(period{1, "week"}), std::nullopt);
  EXPECT_EQ(i.unit_price(period{3, "year"}), std::nullopt);
}

TEST(Internship, SeatsAvailable) {
  auto i = course();
  EXPECT_EQ(i.seats_available(), std::nullopt);  // unlimited
  i.seats_total = 10;
  i.seats_taken = 3;
  EXPECT_EQ(i.seats_available(), std::optional<int>(7));
  i.seats_taken = 10;
  EXPECT_EQ(i.seats_available(), std::optional<int>(0));
  i.seats_taken = 12;  // capacity lowered below the seats taken
  EXPECT_EQ(i.seats_available(), std::optional<int>(0));
}

TEST(Internship, IsFree) {
  EXPECT_TRUE(course("a", 0).is_free());
  EXPECT_FALSE(course("a", 1).is_free());
  EXPECT_FALSE(with_plans().is_free());  // price 0 but the plans cost money
}

TEST(Internship, PeriodUnits) {
  for (auto u : {"day", "week", "month", "year"}) EXPECT_TRUE(valid_period_unit(u)) << u;
  for (auto u : {"", "days", "Month", "hour", "decade"}) EXPECT_FALSE(valid_period_unit(u)) << u;
}

// ---- add_item --------------------------------------------------------------

TEST(CartAddItem, AddsANewLine) {
  auto r = add_item(active_cart(), course("web-101", 43176), 2, std::nullopt);
  ASSERT_TRUE(r) << to_string(r.error());
  ASSERT_EQ(r->lines.size(), 1u);
  const auto& l = r->lines[0];
  EXPECT_EQ(l.internship_id, "web-101");
  EXPECT_EQ(l.quantity, 2);
  EXPECT_EQ(l.unit_price, 43176);
  EXPECT_EQ(l.price_currency, "INR");
  EXPECT_EQ(l.category, "web");
  EXPECT_FALSE(l.plan_period.has_value());
  EXPECT_EQ(r->token, "t");
}

TEST(CartAddItem, SameInternshipIncreasesTheLine) {
  auto r = add_item(active_cart(), course(), 2, std::nullopt);
  ASSERT_TRUE(r);
  r = add_item(*r, course(), 3, std::nullopt);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].quantity, 5);
}

TEST(CartAddItem, DifferentInternshipsAreDifferentLines) {
  auto r = add_item(active_cart(), course("a"), 1, std::nullopt);
  ASSERT_TRUE(r);
  r = add_item(*r, course("b", 100), 4, std::nullopt);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->lines.size(), 2u);
  EXPECT_EQ(r->lines[0].internship_id, "a");
  EXPECT_EQ(r->lines[1].internship_id, "b");
  EXPECT_EQ(r->lines[1].quantity, 4);
  EXPECT_EQ(r->lines[1].unit_price, 100);
}

TEST(CartAddItem, PlanPeriodsAreSeparateLines) {
  auto r = add_item(active_cart(), with_plans(), 1, period{1, "month"});
  ASSERT_TRUE(r) << to_string(r.error());
  r = add_item(*r, with_plans(), 2, period{3, "month"});
  ASSERT_TRUE(r);
  r = add_item(*r, with_plans(), 1, period{1, "month"});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->lines.size(), 2u);
  EXPECT_EQ(r->lines[0].plan_period, (std::optional<period>(period{1, "month"})));
  EXPECT_EQ(r->lines[0].quantity, 2);
  EXPECT_EQ(r->lines[0].unit_price, 5000);
  EXPECT_EQ(r->lines[1].plan_period, (std::optional<period>(period{3, "month"})));
  EXPECT_EQ(r->lines[1].quantity, 2);
  EXPECT_EQ(r->lines[1].unit_price, 12000);
}

TEST(CartAddItem, QuantityMustBeOneToHundred) {
  for (int q : {0, -1, 101, 1000}) {
    auto r = add_item(active_cart(), course(), q, std::nullopt);
    ASSERT_FALSE(r) << q;
    EXPECT_EQ(code_of(r.error()), errc::invalid_field) << q;
    auto v = describe(r.error());
    EXPECT_EQ(v.status, 422);
    EXPECT_EQ(v.code, 1000);
  }
  for (int q : {1, 100}) EXPECT_TRUE(add_item(active_cart(), course(), q, std::nullopt)) << q;
}

TEST(CartAddItem, IncreaseBeyondHundredIsRefused) {
  auto r = add_item(active_cart(), course(), 60, std::nullopt);
  ASSERT_TRUE(r);
  auto over = add_item(*r, course(), 41, std::nullopt);
  ASSERT_FALSE(over);
  EXPECT_EQ(code_of(over.error()), errc::invalid_field);
  auto exactly = add_item(*r, course(), 40, std::nullopt);
  ASSERT_TRUE(exactly);
  EXPECT_EQ(exactly->lines[0].quantity, 100);
}

TEST(CartAddItem, InactiveIsUnavailable) {
  auto i = course();
  i.active = false;
  auto r = add_item(active_cart(), i, 1, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), errc::internship_unavailable);
  auto v = describe(r.error());
  EXPECT_EQ(v.status, 409);
  EXPECT_EQ(v.code, 1102);
}

TEST(CartAddItem, SeatsLimitTheQuantity) {
  auto i = course();
  i.seats_total = 5;
  i.seats_taken = 2;  // 3 left
  EXPECT_TRUE(add_item(active_cart(), i, 3, std::nullopt));
  auto r = add_item(active_cart(), i, 4, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(code_of(r.error()), errc::internship_unavailable);
  // Counting what the cart already holds.
  auto two = add_item(active_cart(), i, 2, std::nullopt);
  ASSERT_TRUE(two);
  auto more = add_item(*two, i, 2, std::nullopt);
  ASSERT_FALSE(more);
  EXPECT_EQ(code_of(more.error()), errc::internship_unavailable);
  // Sold out.
  i.seats_taken = 5;
  auto sold = add_item(active_cart(), i, 1, std::nullopt);
  ASSERT_FALSE(sold);
  EXPECT_EQ(code_of(sold.error()), errc::internship_unavailable);
}

TEST(CartAddItem, UnlimitedSeats) {
  auto i = course();
  i.seats_total = std::nullopt;
  i.seats_taken = 1'000'000;
  EXPECT_TRUE(add_item(active_cart(), i, 100, std::nullopt));
}

TEST(CartAddItem, PeriodRules) {
  // Plans: the period is required and must be one of them.
  auto missing = add_item(active_cart(), with_plans(), 1, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(code_of(missing.error()), errc::invalid_field);
  auto unknown = add_item(active_cart(), with_plans(), 1, period{6, "month"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(code_of(unknown.error()), errc::invalid_field);
  // No plans: no period.
  auto extra = add_item(active_cart(), course(), 1, period{1, "month"});
  ASSERT_FALSE(extra);
  EXPECT_EQ(code_of(extra.error()), errc::invalid_field);
  auto msg = describe(extra.error()).validation_messages;
  ASSERT_EQ(msg.size(), 1u);
  EXPECT_NE(msg[0].find("web-101"), std::string::npos);
}

TEST(CartAddItem, FailureLeavesTheGivenCartAlone) {
  auto r = add_item(active_cart(), course(), 90, std::nullopt);
  ASSERT_TRUE(r);
  const cart_state before = *r;
  auto over = add_item(before, course(), 20, std::nullopt);
  EXPECT_FALSE(over);
  ASSERT_EQ(before.lines.size(), 1u);
  EXPECT_EQ(before.lines[0].quantity, 90);
}

// ---- check_writable ---------------------------------------------------------

TEST(CartWritable, ActiveBeforeExpiry) {
  auto c = active_cart();
  EXPECT_FALSE(check_writable(c, c.expires_at - 1));
  EXPECT_FALSE(check_writable(c, 0));
}

TEST(CartWritable, ExpiredByTime) {
  auto c = active_cart();
  auto at = check_writable(c, c.expires_at);
  ASSERT_TRUE(at);
  EXPECT_EQ(code_of(at), errc::cart_expired);
  auto after = check_writable(c, c.expires_at + 1);
  ASSERT_TRUE(after);
  EXPECT_EQ(code_of(after), errc::cart_expired);
  auto v = describe(after);
  EXPECT_EQ(v.status, 410);
  EXPECT_EQ(v.code, 1002);
}

TEST(CartWritable, ExpiredByStatus) {
  auto c = active_cart();
  c.status = "expired";
  auto e = check_writable(c, 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(code_of(e), errc::cart_expired);
}

TEST(CartWritable, ConvertedIsReadOnly) {
  auto c = active_cart();
  c.status = "converted";
  auto e = check_writable(c, 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(code_of(e), errc::cart_converted);
  auto v = describe(e);
  EXPECT_EQ(v.status, 409);
  EXPECT_EQ(v.code, 1003);
  // An ordered cart stays "converted" even after its expiry time.
  auto late = check_writable(c, c.expires_at + 10);
  ASSERT_TRUE(late);
  EXPECT_EQ(code_of(late), errc::cart_converted);
}

// ---- JSON state --------------------------------------------------------------

TEST(CartStateJson, RoundTrip) {
  cart_state c = active_cart();
  cart_line a;
  a.internship_id = "web-\"101\"";
  a.quantity = 3;
  a.unit_price = 9'000'000'000;  // beyond 32 bits
  a.price_currency = "USD";
  a.category = "web";
  cart_line b;
  b.internship_id = "ds-200";
  b.plan_period = period{3, "month"};
  b.quantity = 1;
  b.unit_price = 12000;
  b.price_currency = "INR";
  b.category = "data";
  c.lines = {a, b};
  c.coupons = {"WELCOME10", "SALE"};
  c.billing = {"IN", "KA", "Asha Rao", "29AAGCB7383J1Z4"};

  cart_state back;
  ASSERT_TRUE(state_from_json(state_to_json(c), back));
  ASSERT_EQ(back.lines.size(), 2u);
  EXPECT_EQ(back.lines[0].internship_id, a.internship_id);
  EXPECT_FALSE(back.lines[0].plan_period.has_value());
  EXPECT_EQ(back.lines[0].quantity, 3);
  EXPECT_EQ(back.lines[0].unit_price, 9'000'000'000);
  EXPECT_EQ(back.lines[0].price_currency, "USD");
  EXPECT_EQ(back.lines[0].category, "web");
  EXPECT_EQ(back.lines[1].internship_id, "ds-200");
  EXPECT_EQ(back.lines[1].plan_period, (std::optional<period>(period{3, "month"})));
  EXPECT_EQ(back.lines[1].unit_price, 12000);
  EXPECT_EQ(back.lines[1].category, "data");
  EXPECT_EQ(back.coupons, (std::vector<std::string>{"WELCOME10", "SALE"}));
  EXPECT_EQ(back.billing.country, "IN");
  EXPECT_EQ(back.billing.state, "KA");
  EXPECT_EQ(back.billing.name, "Asha Rao");
  EXPECT_EQ(back.billing.gstin, "29AAGCB7383J1Z4");
}

TEST(CartStateJson, BillingStoredBeforeNameAndGstinReadsWithout) {
  cart_state back;
  ASSERT_TRUE(state_from_json(
      R"({"lines":[],"coupons":[],"billing":{"country":"IN","state":"KA"}})", back));
  EXPECT_EQ(back.billing.state, "KA");
  EXPECT_EQ(back.billing.name, "");
  EXPECT_EQ(back.billing.gstin, "");
}

TEST(CartBilling, NameAndGstinAreChecked) {
  auto set = [](billing_info b) { return set_billing(active_cart(), std::move(b)); };
  auto ok = set({"IN", "KA", "Asha Rao", "29AAGCB7383J1Z4"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->billing.gstin, "29AAGCB7383J1Z4");
  EXPECT_TRUE(set({"IN", "", "", ""}));

  auto bad = set({"IN", "KA", "Asha Rao", "29AAGCB7383J1Z5"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_of(bad.error()), errc::invalid_field);
  auto abroad = set({"GB", "", "Asha Rao", "29AAGCB7383J1Z4"});
  ASSERT_FALSE(abroad);
  EXPECT_EQ(code_of(abroad.error()), errc::invalid_field);
  EXPECT_FALSE(set({"IN", "", std::string(201, 'a'), ""}));
  EXPECT_TRUE(set({"IN", "", std::string(200, 'a'), ""}));
}

TEST(CartStateJson, EmptyCartRoundTrip) {
  cart_state c = active_cart();
  c.billing = {"GB", ""};
  cart_state back;
  back.lines.push_back({});
  back.coupons.push_back("OLD");
  ASSERT_TRUE(state_from_json(state_to_json(c), back));
  EXPECT_TRUE(back.lines.empty());
  EXPECT_TRUE(back.coupons.empty());
  EXPECT_EQ(back.billing.country, "GB");
  EXPECT_EQ(back.billing.state, "");
}

TEST(CartStateJson, ReplacesExistingLines) {
  cart_state target = active_cart();
  target.lines.push_back({});
  target.lines.push_back({});
  target.coupons = {"X"};
  ASSERT_TRUE(state_from_json(
      R"({"lines":[{"internship_id":"a","quantity":2,"unit_price":5,"price_currency":"INR"}],)"
      R"("coupons":[],"billing":{"country":"IN","state":"MH"}})",
      target));
  ASSERT_EQ(target.lines.size(), 1u);
  EXPECT_EQ(target.lines[0].internship_id, "a");
  EXPECT_EQ(target.lines[0].quantity, 2);
  EXPECT_EQ(target.lines[0].category, "");  // older rows have no category
  EXPECT_TRUE(target.coupons.empty());
  EXPECT_EQ(target.billing.state, "MH");
}

TEST(CartStateJson, RejectsNonObjects) {
  cart_state c;
  EXPECT_FALSE(state_from_json("", c));
  EXPECT_FALSE(state_from_json("not json", c));
  EXPECT_FALSE(state_from_json("[]", c));
  EXPECT_FALSE(state_from_json("42", c));
  EXPECT_FALSE(state_from_json(R"({"lines":[)", c));
}

TEST(CartStateJson, RejectsObjectsOfTheWrongShape) {
  cart_state c;
  for (
      auto json : {
          R"({"lines":[{"internship_id":"a"}]})",
          R"({"lines":[5]})",
          R"({"lines":[{"internship_id":"a","quantity":"2","unit_price":1,"price_currency":"INR"}]})",
          R"({"billing":{"country":"IN"}})",
          R"({"coupons":[1]})",
      })
    EXPECT_FALSE(state_from_json(json, c)) << json;
}

}  // namespace
}  // namespace checkout
