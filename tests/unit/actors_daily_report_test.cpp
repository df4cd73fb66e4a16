// The pure part of the daily report (actors/report/daily_report.hpp): ratios,
// revenue per currency and the day parameter. Expected values are worked out
// by hand (and the epoch values with Python's datetime), not with the code.
#include <gtest/gtest.h>

#include "actors/report/daily_report.hpp"

namespace checkout::report {
namespace {

TEST(daily_report_ratio, is_null_when_the_denominator_is_zero) {
  EXPECT_FALSE(ratio(0, 0).has_value());
  EXPECT_FALSE(ratio(5, 0).has_value());
}

TEST(daily_report_ratio, rounds_to_four_decimals_half_away_from_zero) {
  EXPECT_DOUBLE_EQ(*ratio(2, 3), 0.6667);
  EXPECT_DOUBLE_EQ(*ratio(1, 3), 0.3333);
  EXPECT_DOUBLE_EQ(*ratio(1, 8), 0.125);
  EXPECT_DOUBLE_EQ(*ratio(1, 20000), 0.0001);  // 0.00005 rounds up
  EXPECT_DOUBLE_EQ(*ratio(1, 20001), 0.0);     // 0.0000499... rounds down
  EXPECT_DOUBLE_EQ(*ratio(0, 7), 0.0);
  EXPECT_DOUBLE_EQ(*ratio(7, 7), 1.0);
  // Orders paid today may have been placed yesterday: above 1 is possible.
  EXPECT_DOUBLE_EQ(*ratio(3, 2), 1.5);
}

TEST(daily_report_ratio, funnel_divides_each_step_by_the_one_before) {
  daily_report r;
  r.carts_created = 9;
  r.orders_placed = 6;
  r.orders_paid = 4;
  r.orders_enrolled = 3;
  auto f = ratios_of(r);
  EXPECT_DOUBLE_EQ(*f.cart_to_order, 0.6667);
  EXPECT_DOUBLE_EQ(*f.order_to_paid, 0.6667);
  EXPECT_DOUBLE_EQ(*f.paid_to_enrolled, 0.75);
  EXPECT_DOUBLE_EQ(*f.cart_to_enrolled, 0.3333);
}

TEST(daily_report_ratio, an_empty_day_has_only_nulls) {
  auto f = ratios_of(daily_report{});
  EXPECT_FALSE(f.cart_to_order);
  EXPECT_FALSE(f.order_to_paid);
  EXPECT_FALSE(f.paid_to_enrolled);
  EXPECT_FALSE(f.cart_to_enrolled);
}

TEST(daily_report_ratio, only_the_steps_with_a_zero_denominator_are_null) {
  daily_report r;
  r.carts_created = 0;
  r.orders_placed = 2;  // carts made yesterday, ordered today
  r.orders_paid = 0;
  r.orders_enrolled = 1;  // paid yesterday, enrolled today
  auto f = ratios_of(r);
  EXPECT_FALSE(f.cart_to_order);
  EXPECT_DOUBLE_EQ(*f.order_to_paid, 0.0);
  EXPECT_FALSE(f.paid_to_enrolled);
  EXPECT_FALSE(f.cart_to_enrolled);
}

TEST(daily_report_revenue, merges_paid_and_refunded_per_currency_sorted) {
  auto out = merge_revenue({{"USD", 2000, 1}, {"INR", 50948, 2}, {"EUR", 0, 1}},
                           {{"INR", 11800, 1}, {"GBP", 500, 1}});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].currency, "EUR");
  EXPECT_EQ(out[0].gross, 0);
  EXPECT_EQ(out[0].orders_paid, 1);   // a free order counts, adding nothing
  EXPECT_EQ(out[1].currency, "GBP");  // refunded today, paid on another day
  EXPECT_EQ(out[1].gross, 0);
  EXPECT_EQ(out[1].refunded, 500);
  EXPECT_EQ(out[1].net, -500);
  EXPECT_EQ(out[1].orders_paid, 0);
  EXPECT_EQ(out[2].currency, "INR");
  EXPECT_EQ(out[2].gross, 50948);
  EXPECT_EQ(out[2].refunded, 11800);
  EXPECT_EQ(out[2].net, 39148);
  EXPECT_EQ(out[2].orders_paid, 2);
  EXPECT_EQ(out[3].currency, "USD");
  EXPECT_EQ(out[3].net, 2000);
}

TEST(daily_report_revenue, nothing_paid_or_refunded_is_an_empty_list) {
  EXPECT_TRUE(merge_revenue({}, {}).empty());
}

TEST(daily_report_day, parses_real_calendar_dates_to_the_utc_midnight) {
  EXPECT_EQ(parse_day("1970-01-01"), micros{0});
  EXPECT_EQ(parse_day("2026-11-22"), micros{1795305600000000});
  EXPECT_EQ(parse_day("2024-02-29"), micros{1709164800000000});
  EXPECT_EQ(parse_day("1969-12-31"), micros{-86400000000});
}

TEST(daily_report_day, refuses_anything_else) {
  for (const char* bad :
       {"", "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-31",
        "2026-1-22", "26-11-22", "2026/11/22", "2026-11-22T00:00:00Z", "2026-11-22 ", " 2026-11-22",
        "20261122", "2026-11-2x", "0000-01-01", "today", "2026-11-22x"})
    EXPECT_FALSE(parse_day(bad).has_value()) << bad;
}

TEST(daily_report_day, names_the_day_of_a_moment) {
  EXPECT_EQ(day_of(0), "1970-01-01");
  EXPECT_EQ(day_of(1795305600000000), "2026-11-22");
  EXPECT_EQ(day_of(1795305600000000 - 1), "2026-11-21");
  EXPECT_EQ(day_of(1795305600000000 + 86399999999), "2026-11-22");
  EXPECT_EQ(day_of(-1), "1969-12-31");
  EXPECT_EQ(day_of(-86400000000), "1969-12-31");
  EXPECT_EQ(day_of(-86400000001), "1969-12-30");
}

}  // namespace
}  // namespace checkout::report
