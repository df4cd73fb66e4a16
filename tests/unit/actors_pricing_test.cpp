// Table tests for pricing (CONTRACT §5). Every expected figure below was worked
// out by hand (or with exact fractions), not by calling the code under test.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "actors/cart/cart_pricing.hpp"
#include "actors/cart/pricing.hpp"
#include "actors/errors.hpp"

namespace checkout::pricing {
namespace {

line_input line(std::int64_t unit_price, int quantity = 1, std::string id = "i") {
  line_input l;
  l.internship_id = std::move(id);
  l.category = "cat";
  l.quantity = quantity;
  l.unit_price = unit_price;
  return l;
}

std::vector<line_input> lines_of(std::initializer_list<std::int64_t> prices) {
  std::vector<line_input> out;
  int n = 0;
  for (auto p : prices) out.push_back(line(p, 1, "i" + std::to_string(n++)));
  return out;
}

discount_input percentage(std::int64_t pct, std::int64_t cap = 0, std::vector<bool> applies = {},
                          std::string code = "PCT") {
  return {std::move(code), discount_kind::percentage, pct, cap, std::move(applies)};
}
discount_input fixed(std::int64_t amount, std::int64_t cap = 0, std::vector<bool> applies = {},
                     std::string code = "FIX") {
  return {std::move(code), discount_kind::fixed, amount, cap, std::move(applies)};
}
discount_input free_of_charge(std::int64_t cap = 0, std::vector<bool> applies = {},
                              std::string code = "FREE") {
  return {std::move(code), discount_kind::free, 0, cap, std::move(applies)};
}

// India, billed in another state than the seller's: IGST 18%.
tax_context igst() {
  tax_context t;
  t.country = "IN";
  t.billing_state = "MH";
  t.seller_state = "KA";
  return t;
}
// India, billed in the seller's state: CGST 9% + SGST 9%.
tax_context same_state() {
  tax_context t = igst();
  t.billing_state = "KA";
  return t;
}
tax_context abroad(std::string country, std::map<std::string, int> rates) {
  tax_context t;
  t.country = std::move(country);
  t.seller_state = "KA";
  t.other_rates = std::move(rates);
  return t;
}

std::vector<std::int64_t> line_discounts(const price_result& r) {
  std::vector<std::int64_t> out;
  for (auto& l : r.lines) out.push_back(l.discount);
  return out;
}
std::vector<std::int64_t> line_taxes(const price_result& r) {
  std::vector<std::int64_t> out;
  for (auto& l : r.lines) out.push_back(l.tax);
  return out;
}

void expect_part(const tax_part& p, const std::string& name, int rate, std::int64_t amount) {
  EXPECT_EQ(p.name, name);
  EXPECT_EQ(p.rate, rate);
  EXPECT_EQ(p.amount, amount);
}

// ---- CONTRACT §5 worked example -------------------------------------------

TEST(Pricing, WorkedExampleIgst) {
  auto r = price("INR", {line(43176)}, {fixed(26400)}, igst());
  EXPECT_EQ(r.currency, "INR");
  EXPECT_EQ(r.base_total, 43176);
  EXPECT_EQ(r.discount_amount, 26400);
  EXPECT_EQ(r.sub_total, 16776);
  EXPECT_EQ(r.tax_total, 3020);
  EXPECT_EQ(r.total, 19796);
  EXPECT_EQ(r.discount_percentage, 61);
  EXPECT_EQ(r.tax_rate, 18);
  ASSERT_EQ(r.tax_breakdown.size(), 1u);
  expect_part(r.tax_breakdown[0], "IGST", 18, 3020);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].base_price, 43176);
  EXPECT_EQ(r.lines[0].discount, 26400);
  EXPECT_EQ(r.lines[0].taxable, 16776);
  EXPECT_EQ(r.lines[0].tax, 3020);
  EXPECT_EQ(r.lines[0].total, 19796);
  EXPECT_EQ(r.lines[0].discount_percentage, 61);
  ASSERT_EQ(r.discounts.size(), 1u);
  EXPECT_EQ(r.discounts[0].code, "FIX");
  EXPECT_EQ(r.discounts[0].amount, 26400);
}

TEST(Pricing, WorkedExampleSameState) {
  // 9% of 16776 = 1509.84 -> 1510, twice.
  auto r = price("INR", {line(43176)}, {fixed(26400)}, same_state());
  EXPECT_EQ(r.sub_total, 16776);
  EXPECT_EQ(r.tax_total, 3020);
  EXPECT_EQ(r.total, 19796);
  EXPECT_EQ(r.discount_percentage, 61);
  ASSERT_EQ(r.tax_breakdown.size(), 2u);
  expect_part(r.tax_breakdown[0], "CGST", 9, 1510);
  expect_part(r.tax_breakdown[1], "SGST", 9, 1510);
}

TEST(Pricing, WorkedExampleSpreadOverThreeLines) {
  // 26400 over 10000/13176/20000: exact shares 6114.51, 8056.48, 12229.02;
  // floors add to 26399, the largest remainder (.51) takes the last unit.
  auto r = price("INR", lines_of({10000, 13176, 20000}), {fixed(26400)}, igst());
  EXPECT_EQ(line_discounts(r), (std::vector<std::int64_t>{6115, 8056, 12229}));
  EXPECT_EQ(r.sub_total, 16776);
  // Tax per line: 3885*.18=699.3, 5120*.18=921.6, 7771*.18=1398.78.
  EXPECT_EQ(line_taxes(r), (std::vector<std::int64_t>{699, 922, 1399}));
  EXPECT_EQ(r.tax_total, 3020);
  EXPECT_EQ(r.total, 19796);

  auto s = price("INR", lines_of({10000, 13176, 20000}), {fixed(26400)}, same_state());
  // 9%: 349.65->350, 460.8->461, 699.39->699; doubled.
  EXPECT_EQ(line_taxes(s), (std::vector<std::int64_t>{700, 922, 1398}));
  ASSERT_EQ(s.tax_breakdown.size(), 2u);
  expect_part(s.tax_breakdown[0], "CGST", 9, 1510);
  expect_part(s.tax_breakdown[1], "SGST", 9, 1510);
}

// ---- Lines ---------------------------------------------------------------

TEST(Pricing, LineFiguresWithoutDiscount) {
  auto r = price("INR", {line(1500, 3, "a"), line(999, 1, "b")}, {}, igst());
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].internship_id, "a");
  EXPECT_EQ(r.lines[0].quantity, 3);
  EXPECT_EQ(r.lines[0].unit_price, 1500);
  EXPECT_EQ(r.lines[0].base_price, 4500);
  EXPECT_EQ(r.lines[0].discount, 0);
  EXPECT_EQ(r.lines[0].taxable, 4500);
  EXPECT_EQ(r.lines[0].tax, 810);
  EXPECT_EQ(r.lines[0].total, 5310);
  EXPECT_EQ(r.lines[0].discount_percentage, 0);
  ASSERT_EQ(r.lines[0].taxes.size(), 1u);
  expect_part(r.lines[0].taxes[0], "IGST", 18, 810);
  EXPECT_EQ(r.lines[1].internship_id, "b");
  EXPECT_EQ(r.lines[1].tax, 180);  // 179.82
  EXPECT_EQ(r.base_total, 5499);
  EXPECT_EQ(r.discount_amount, 0);
  EXPECT_EQ(r.sub_total, 5499);
  EXPECT_EQ(r.tax_total, 990);
  EXPECT_EQ(r.total, 6489);
  EXPECT_EQ(r.discount_percentage, 0);
  EXPECT_TRUE(r.discounts.empty());
}

TEST(Pricing, EmptyCartIsAllZero) {
  auto r = price("USD", {}, {fixed(500)}, igst());
  EXPECT_EQ(r.currency, "USD");
  EXPECT_EQ(r.base_total, 0);
  EXPECT_EQ(r.discount_amount, 0);
  EXPECT_EQ(r.sub_total, 0);
  EXPECT_EQ(r.tax_total, 0);
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.discount_percentage, 0);
  EXPECT_TRUE(r.lines.empty());
}

TEST(Pricing, FreeInternshipLineCostsNothing) {
  auto r = price("INR", lines_of({0, 1000}), {fixed(100)}, igst());
  EXPECT_EQ(line_discounts(r), (std::vector<std::int64_t>{0, 100}));
  EXPECT_EQ(r.lines[0].discount_percentage, 0);
  EXPECT_EQ(r.lines[0].tax, 0);
  EXPECT_EQ(r.lines[1].discount_percentage, 10);
  EXPECT_EQ(r.total, 900 + 162);
}

// ---- Tax -------------------------------------------------------------------

struct tax_case {
  const char* name;
  std::int64_t taxable;
  tax_context tax;
  std::vector<tax_part> parts;
  std::int64_t tax_total;
  int tax_rate;
};

void PrintTo(const tax_case& c, std::ostream* os) {
  *os << c.name;
}

class PricingTax : public ::testing::TestWithParam<tax_case> {};

TEST_P(PricingTax, PerLineTax) {
  const auto& c = GetParam();
  auto r = price("INR", {line(c.taxable)}, {}, c.tax);
  EXPECT_EQ(r.tax_rate, c.tax_rate);
  EXPECT_EQ(r.tax_total, c.tax_total);
  EXPECT_EQ(r.total, c.taxable + c.tax_total);
  ASSERT_EQ(r.tax_breakdown.size(), c.parts.size());
  ASSERT_EQ(r.lines[0].taxes.size(), c.parts.size());
  for (size_t i = 0; i < c.parts.size(); ++i) {
    SCOPED_TRACE(c.parts[i].name);
    expect_part(r.tax_breakdown[i], c.parts[i].name, c.parts[i].rate, c.parts[i].amount);
    expect_part(r.lines[0].taxes[i], c.parts[i].name, c.parts[i].rate, c.parts[i].amount);
  }
}

tax_context with_billing_state(tax_context t, std::string state) {
  t.billing_state = std::move(state);
  return t;
}
tax_context with_seller_state(tax_context t, std::string state) {
  t.seller_state = std::move(state);
  return t;
}

INSTANTIATE_TEST_SUITE_P(
    Table, PricingTax,
    ::testing::Values(
        // IGST: half-up, not half-even (25 * 18% = 4.5 -> 5).
        tax_case{"igst_half_up", 25, igst(), {{"IGST", 18, 5}}, 5, 18},
        tax_case{"igst_rounds_down", 1, igst(), {{"IGST", 18, 0}}, 0, 18},
        tax_case{"igst_rounds_up", 3, igst(), {{"IGST", 18, 1}}, 1, 18},
        // Same state: each 9% part rounded on its own (50 * 9% = 4.5 -> 5 twice).
        tax_case{"cgst_sgst_half_up", 50, same_state(), {{"CGST", 9, 5}, {"SGST", 9, 5}}, 10, 18},
        tax_case{"igst_same_amount", 50, igst(), {{"IGST", 18, 9}}, 9, 18},
        // 25 * 9% = 2.25 -> 2 twice = 4, where IGST gives 5.
        tax_case{
            "cgst_sgst_each_rounded", 25, same_state(), {{"CGST", 9, 2}, {"SGST", 9, 2}}, 4, 18},
        // The state comparison ignores case.
        tax_case{"state_lower_case",
                 1000,
                 with_billing_state(igst(), "ka"),
                 {{"CGST", 9, 90}, {"SGST", 9, 90}},
                 180,
                 18},
        tax_case{"state_mixed_case",
                 1000,
                 with_seller_state(with_billing_state(igst(), "Ka"), "kA"),
                 {{"CGST", 9, 90}, {"SGST", 9, 90}},
                 180,
                 18},
        // Another state (even one that shares a prefix) or no state: IGST.
        tax_case{
            "other_state", 1000, with_billing_state(igst(), "KAR"), {{"IGST", 18, 180}}, 180, 18},
        tax_case{
            "no_billing_state", 1000, with_billing_state(igst(), ""), {{"IGST", 18, 180}}, 180, 18},
        // Other countries: the configured rate, as one TAX part, half-up.
        tax_case{"configured_rate",
                 999,
                 abroad("GB", {{"GB", 20}, {"US", 0}}),
                 {{"TAX", 20, 200}},
                 200,
                 20},
        tax_case{"configured_rate_half_up", 5, abroad("DE", {{"DE", 10}}), {{"TAX", 10, 1}}, 1, 10},
        tax_case{"configured_zero", 1000, abroad("US", {{"GB", 20}, {"US", 0}}), {}, 0, 0},
        tax_case{"unconfigured_defaults_to_zero", 1000, abroad("FR", {{"GB", 20}}), {}, 0, 0},
        // India is GST 18 whatever the table of other countries says.
        tax_case{"india_ignores_other_rates",
                 1000,
                 [] {
                   auto t = igst();
                   t.other_rates = {{"IN", 5}};
                   return t;
                 }(),
                 {{"IGST", 18, 180}},
                 180,
                 18}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Pricing, TaxRateFor) {
  EXPECT_EQ(tax_rate_for(igst()), 18);
  EXPECT_EQ(tax_rate_for(same_state()), 18);
  EXPECT_EQ(tax_rate_for(abroad("GB", {{"GB", 20}})), 20);
  EXPECT_EQ(tax_rate_for(abroad("US", {{"US", 0}})), 0);
  EXPECT_EQ(tax_rate_for(abroad("JP", {{"GB", 20}})), 0);
  EXPECT_EQ(tax_rate_for(abroad("JP", {})), 0);
}

TEST(Pricing, TaxBreakdownSumsPartsOverLines) {
  // 50 and 50 in the seller's state: each line 5 + 5.
  auto r = price("INR", lines_of({50, 50}), {}, same_state());
  ASSERT_EQ(r.tax_breakdown.size(), 2u);
  expect_part(r.tax_breakdown[0], "CGST", 9, 10);
  expect_part(r.tax_breakdown[1], "SGST", 9, 10);
  EXPECT_EQ(r.tax_total, 20);
  // The same lines elsewhere in India: 9 per line.
  auto i = price("INR", lines_of({50, 50}), {}, igst());
  ASSERT_EQ(i.tax_breakdown.size(), 1u);
  expect_part(i.tax_breakdown[0], "IGST", 18, 18);
  EXPECT_EQ(i.tax_total, 18);
}

TEST(Pricing, TaxIsOnTheAmountAfterDiscount) {
  // 1000 - 10% = 900 -> IGST 162 (not 180).
  auto r = price("INR", {line(1000)}, {percentage(10)}, igst());
  EXPECT_EQ(r.sub_total, 900);
  EXPECT_EQ(r.tax_total, 162);
  EXPECT_EQ(r.total, 1062);
}

// ---- Discounts -------------------------------------------------------------

struct discount_case {
  const char* name;
  std::vector<std::int64_t> prices;
  std::vector<discount_input> discounts;
  std::vector<std::int64_t> line_discounts;
  std::vector<std::int64_t> discount_amounts;  // per discount, in order
  int discount_percentage;
};

void PrintTo(const discount_case& c, std::ostream* os) {
  *os << c.name;
}

class PricingDiscount : public ::testing::TestWithParam<discount_case> {};

TEST_P(PricingDiscount, Allocation) {
  const auto& c = GetParam();
  std::vector<line_input> lines;
  for (size_t i = 0; i < c.prices.size(); ++i)
    lines.push_back(line(c.prices[i], 1, "i" + std::to_string(i)));
  auto r = price("INR", lines, c.discounts, abroad("US", {}));  // no tax: figures stay simple
  EXPECT_EQ(line_discounts(r), c.line_discounts);
  ASSERT_EQ(r.discounts.size(), c.discount_amounts.size());
  std::int64_t total_discount = 0, base = 0;
  for (size_t i = 0; i < c.discount_amounts.size(); ++i) {
    EXPECT_EQ(r.discounts[i].code, c.discounts[i].code) << i;
    EXPECT_EQ(r.discounts[i].amount, c.discount_amounts[i]) << i;
    total_discount += c.discount_amounts[i];
  }
  for (auto p : c.prices) base += p;
  EXPECT_EQ(r.discount_amount, total_discount);
  EXPECT_EQ(r.sub_total, base - total_discount);
  EXPECT_EQ(r.total, base - total_discount);
  EXPECT_EQ(r.discount_percentage, c.discount_percentage);
  for (auto& l : r.lines) {
    EXPECT_GE(l.taxable, 0);
    EXPECT_GE(l.total, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, PricingDiscount,
    ::testing::Values(
        discount_case{"percentage", {1000}, {percentage(10)}, {100}, {100}, 10},
        // 15% of 1005 = 150.75 -> 151; 50% of 1001 = 500.5 -> 501 (half-up).
        discount_case{"percentage_rounds", {1005}, {percentage(15)}, {151}, {151}, 15},
        discount_case{"percentage_half_up", {1001}, {percentage(50)}, {501}, {501}, 50},
        discount_case{"percentage_hundred", {700, 300}, {percentage(100)}, {700, 300}, {1000}, 100},
        // 10% of 1000 over 333/333/334: floors 33/33/33, the .4 remainder wins.
        discount_case{
            "percentage_split", {333, 333, 334}, {percentage(10)}, {33, 33, 34}, {100}, 10},
        discount_case{"percentage_capped", {10000}, {percentage(50, 3000)}, {3000}, {3000}, 30},
        discount_case{"cap_zero_means_none", {10000}, {percentage(50, 0)}, {5000}, {5000}, 50},
        discount_case{"cap_above_amount", {10000}, {percentage(50, 9000)}, {5000}, {5000}, 50},
        discount_case{"fixed", {1000}, {fixed(250)}, {250}, {250}, 25},
        discount_case{"fixed_capped", {10000}, {fixed(5000, 3000)}, {3000}, {3000}, 30},
        // 100 over 1000/2000/3000: 16.67/33.33/50 -> 17/33/50.
        discount_case{"fixed_pro_rata", {1000, 2000, 3000}, {fixed(100)}, {17, 33, 50}, {100}, 2},
        // Equal remainders: the earlier line gets the unit.
        discount_case{
            "fixed_ties_to_earlier", {1000, 1000, 1000}, {fixed(100)}, {34, 33, 33}, {100}, 3},
        discount_case{"fixed_ties_two_units", {1000, 1000, 1000}, {fixed(2)}, {1, 1, 0}, {2}, 0},
        // Larger than the total: capped at what it applies to, nothing negative.
        discount_case{"fixed_over_total", {43176}, {fixed(100000)}, {43176}, {43176}, 100},
        discount_case{
            "fixed_over_total_lines", {1000, 3000}, {fixed(999999)}, {1000, 3000}, {4000}, 100},
        discount_case{"free", {1200, 800}, {free_of_charge()}, {1200, 800}, {2000}, 100},
        discount_case{"free_capped", {10000}, {free_of_charge(2500)}, {2500}, {2500}, 25},
        // applies_to: only the lines it names.
        discount_case{"percentage_one_line",
                      {1000, 3000},
                      {percentage(10, 0, {false, true})},
                      {0, 300},
                      {300},
                      8},
        discount_case{"free_one_line",
                      {1000, 3000},
                      {free_of_charge(0, {true, false})},
                      {1000, 0},
                      {1000},
                      25},
        discount_case{"fixed_over_applicable",
                      {1000, 2000},
                      {fixed(5000, 0, {true, false})},
                      {1000, 0},
                      {1000},
                      33},
        // A shorter applies_to leaves the remaining lines out.
        discount_case{
            "applies_to_shorter", {1000, 1000}, {percentage(50, 0, {true})}, {500, 0}, {500}, 25},
        discount_case{"applies_to_nothing",
                      {1000, 1000},
                      {percentage(50, 0, {false, false})},
                      {0, 0},
                      {0},
                      0},
        // Stacking: each on what the earlier ones left, in the order given.
        discount_case{"pct_then_fixed",
                      {1000},
                      {percentage(10, 0, {}, "A"), fixed(100, 0, {}, "B")},
                      {200},
                      {100, 100},
                      20},
        discount_case{"fixed_then_pct",
                      {1000},
                      {fixed(100, 0, {}, "A"), percentage(10, 0, {}, "B")},
                      {190},
                      {100, 90},
                      19},
        discount_case{"pct_then_pct",
                      {1000},
                      {percentage(50, 0, {}, "A"), percentage(50, 0, {}, "B")},
                      {750},
                      {500, 250},
                      75},
        // The free line has nothing left for the second coupon: it all goes to line 1.
        discount_case{"free_then_pct",
                      {1000, 3000},
                      {free_of_charge(0, {true, false}, "A"), percentage(10, 0, {}, "B")},
                      {1000, 300},
                      {1000, 300},
                      33},
        // Nothing remains after the first: the second gives nothing.
        discount_case{"fixed_after_everything",
                      {1000},
                      {fixed(1000, 0, {}, "A"), fixed(50, 0, {}, "B")},
                      {1000},
                      {1000, 0},
                      100},
        discount_case{"fixed_then_fixed_over",
                      {1000, 1000},
                      {fixed(1500, 0, {}, "A"), fixed(800, 0, {}, "B")},
                      {1000, 1000},
                      {1500, 500},
                      100}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Pricing, DiscountPercentageRoundsHalfUp) {
  // 1 of 200 = 0.5% -> 1; 1 of 201 = 0.497% -> 0.
  auto a = price("INR", {line(200)}, {fixed(1)}, igst());
  EXPECT_EQ(a.discount_percentage, 1);
  EXPECT_EQ(a.lines[0].discount_percentage, 1);
  auto b = price("INR", {line(201)}, {fixed(1)}, igst());
  EXPECT_EQ(b.discount_percentage, 0);
}

TEST(Pricing, FixedLargerThanTotalWithTax) {
  auto r = price("INR", lines_of({43176, 100}), {fixed(1000000)}, same_state());
  EXPECT_EQ(r.discount_amount, 43276);
  EXPECT_EQ(r.sub_total, 0);
  EXPECT_EQ(r.tax_total, 0);
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.discount_percentage, 100);
  for (auto& l : r.lines) {
    EXPECT_EQ(l.discount, l.base_price);
    EXPECT_EQ(l.taxable, 0);
    EXPECT_EQ(l.tax, 0);
    EXPECT_EQ(l.total, 0);
    EXPECT_EQ(l.discount_percentage, 100);
  }
  for (auto& p : r.tax_breakdown) EXPECT_EQ(p.amount, 0);
}

TEST(Pricing, QuantityMultipliesBeforeDiscount) {
  // 3 x 1000 = 3000, 10% -> 300.
  auto r = price("INR", {line(1000, 3)}, {percentage(10)}, abroad("US", {}));
  EXPECT_EQ(r.lines[0].base_price, 3000);
  EXPECT_EQ(r.discount_amount, 300);
  EXPECT_EQ(r.total, 2700);
}

// ---- Helpers ---------------------------------------------------------------

TEST(PricingAllocate, Examples) {
  using v = std::vector<std::int64_t>;
  EXPECT_EQ(allocate(100, {1000, 2000, 3000}), (v{17, 33, 50}));
  // Ties: earlier first.
  EXPECT_EQ(allocate(10, {1, 1, 1}), (v{4, 3, 3}));
  EXPECT_EQ(allocate(2, {1, 1, 1}), (v{1, 1, 0}));
  EXPECT_EQ(allocate(1, {5, 5}), (v{1, 0}));
  // Largest remainder, not the earliest line: 1.25 / 3.75 -> 1 / 4.
  EXPECT_EQ(allocate(5, {1, 3}), (v{1, 4}));
  // 0.3 / 0.3 / 0.4 of 1: the last line has the largest remainder.
  EXPECT_EQ(allocate(1, {3, 3, 4}), (v{0, 0, 1}));
  // Exact shares need no rounding.
  EXPECT_EQ(allocate(60, {1, 2, 3}), (v{10, 20, 30}));
  // Zero weights get nothing.
  EXPECT_EQ(allocate(7, {0, 5, 0, 2}), (v{0, 5, 0, 2}));
  EXPECT_EQ(allocate(3, {0, 1, 0, 1}), (v{0, 2, 0, 1}));
  // Nothing to split, or nothing to split over.
  EXPECT_EQ(allocate(0, {1, 2}), (v{0, 0}));
  EXPECT_EQ(allocate(5, {0, 0}), (v{0, 0}));
  EXPECT_EQ(allocate(5, {}), v{});
  // One weight takes everything.
  EXPECT_EQ(allocate(12345, {7}), (v{12345}));
  // Large figures do not overflow (the product exceeds 64 bits).
  EXPECT_EQ(allocate(4000000000000, {4000000000, 4000000000}), (v{2000000000000, 2000000000000}));
}

TEST(PricingConvert, HalfUp) {
  const config::fx_rate usd_inr{8325, 2};  // 83.25
  EXPECT_EQ(convert(100, usd_inr), 8325);
  EXPECT_EQ(convert(1, usd_inr), 83);   // 83.25
  EXPECT_EQ(convert(2, usd_inr), 167);  // 166.5
  EXPECT_EQ(convert(3, usd_inr), 250);  // 249.75
  EXPECT_EQ(convert(0, usd_inr), 0);
  const config::fx_rate half{5, 1};  // 0.5
  EXPECT_EQ(convert(1, half), 1);    // 0.5 -> 1
  EXPECT_EQ(convert(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(convert(4, half), 2);
  const config::fx_rate inr_usd{12, 3};     // 0.012
  EXPECT_EQ(convert(43176, inr_usd), 518);  // 518.112
  EXPECT_EQ(convert(125, inr_usd), 2);      // 1.5 -> 2
  const config::fx_rate whole{2, 0};
  EXPECT_EQ(convert(21, whole), 42);
  const config::fx_rate one{1, 0};
  EXPECT_EQ(convert(987654321, one), 987654321);
}

TEST(PricingDivHalfUp, Examples) {
  EXPECT_EQ(div_half_up(0, 7), 0);
  EXPECT_EQ(div_half_up(5, 2), 3);
  EXPECT_EQ(div_half_up(7, 2), 4);
  EXPECT_EQ(div_half_up(4, 3), 1);
  EXPECT_EQ(div_half_up(5, 3), 2);
  EXPECT_EQ(div_half_up(149, 100), 1);
  EXPECT_EQ(div_half_up(150, 100), 2);
  EXPECT_EQ(div_half_up(10, 5), 2);
}

}  // namespace
}  // namespace checkout::pricing

// ---- price_cart: FX conversion and configuration ---------------------------

namespace checkout {
namespace {

cart_line cart_item(std::string id, int quantity, std::int64_t unit, std::string currency) {
  cart_line l;
  l.internship_id = std::move(id);
  l.quantity = quantity;
  l.unit_price = unit;
  l.price_currency = std::move(currency);
  l.category = "cat";
  return l;
}

config::settings fx_settings() {
  config::settings s;
  s.seller_state = "KA";
  s.fx_rates = {{"USD:INR", {8325, 2}}, {"INR:USD", {12, 3}}};
  s.tax_rates = {{"GB", 20}, {"US", 0}};
  return s;
}

TEST(PriceCart, SameCurrencyNoConversion) {
  cart_state cart;
  cart.currency = "INR";
  cart.lines = {cart_item("a", 2, 1000, "INR")};
  cart.billing = {"IN", "MH"};
  auto r = price_cart(cart, fx_settings());
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->currency, "INR");
  EXPECT_EQ(r->lines[0].unit_price, 1000);
  EXPECT_EQ(r->lines[0].base_price, 2000);
  EXPECT_EQ(r->tax_total, 360);
}

TEST(PriceCart, ConvertsTheUnitPriceThenMultiplies) {
  cart_state cart;
  cart.currency = "INR";
  // 1 cent = 83.25 paise -> 83; x 2 = 166 (converting 2 cents at once would give 167).
  cart.lines = {cart_item("a", 2, 1, "USD"), cart_item("b", 1, 100, "USD"),
                cart_item("c", 1, 500, "INR")};
  cart.billing = {"IN", "MH"};
  auto r = price_cart(cart, fx_settings());
  ASSERT_TRUE(r) << to_string(r.error());
  ASSERT_EQ(r->lines.size(), 3u);
  EXPECT_EQ(r->lines[0].unit_price, 83);
  EXPECT_EQ(r->lines[0].base_price, 166);
  EXPECT_EQ(r->lines[1].unit_price, 8325);
  EXPECT_EQ(r->lines[2].unit_price, 500);
  EXPECT_EQ(r->base_total, 166 + 8325 + 500);
}

TEST(PriceCart, HalfUpConversionIntoUsd) {
  cart_state cart;
  cart.currency = "USD";
  cart.lines = {cart_item("a", 1, 125, "INR")};  // 125 * 0.012 = 1.5 -> 2
  cart.billing = {"US", ""};
  auto r = price_cart(cart, fx_settings());
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->lines[0].unit_price, 2);
  EXPECT_EQ(r->tax_total, 0);
  EXPECT_EQ(r->total, 2);
}

TEST(PriceCart, MissingRateIsAnError) {
  cart_state cart;
  cart.currency = "INR";
  cart.lines = {cart_item("a", 1, 1000, "INR"), cart_item("b", 1, 100, "EUR")};
  auto r = price_cart(cart, fx_settings());
  ASSERT_FALSE(r);
  auto v = describe(r.error());
  EXPECT_EQ(v.status, 422);
  EXPECT_EQ(v.code, 1000);
  ASSERT_EQ(v.validation_messages.size(), 1u);
  EXPECT_NE(v.validation_messages[0].find("EUR"), std::string::npos);
  EXPECT_NE(v.validation_messages[0].find("INR"), std::string::npos);
}

TEST(PriceCart, ReverseRateIsNotAssumed) {
  // Only USD:INR and INR:USD are configured; GBP:USD is not derived from anything.
  cart_state cart;
  cart.currency = "USD";
  cart.lines = {cart_item("a", 1, 100, "GBP")};
  EXPECT_FALSE(price_cart(cart, fx_settings()));
}

TEST(PriceCart, UsesSellerStateAndTaxRatesFromSettings) {
  cart_state cart;
  cart.currency = "INR";
  cart.lines = {cart_item("a", 1, 50, "INR")};
  cart.billing = {"IN", "ka"};
  auto cfg = fx_settings();
  auto r = price_cart(cart, cfg);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->tax_breakdown.size(), 2u);
  EXPECT_EQ(r->tax_breakdown[0].name, "CGST");
  EXPECT_EQ(r->tax_total, 10);

  cfg.seller_state = "MH";
  r = price_cart(cart, cfg);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->tax_breakdown.size(), 1u);
  EXPECT_EQ(r->tax_breakdown[0].name, "IGST");
  EXPECT_EQ(r->tax_total, 9);

  cart.billing = {"GB", ""};
  cart.lines = {cart_item("a", 1, 999, "INR")};
  r = price_cart(cart, cfg);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tax_rate, 20);
  EXPECT_EQ(r->tax_total, 200);
}

}  // namespace
}  // namespace checkout
