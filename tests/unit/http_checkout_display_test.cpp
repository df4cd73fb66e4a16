// The figures a hosted checkout page shows a buyer.
#include <gtest/gtest.h>

#include <cstdint>

#include "http/checkout_display.hpp"

namespace checkout::http {
namespace {

TEST(DisplayMoney, RupeesWithTheRupeeSignAndIndianGrouping) {
  EXPECT_EQ(display_money(123456, "INR"), "\u20B91,234.56");
  EXPECT_EQ(display_money(23482, "INR"), "\u20B9234.82");
  EXPECT_EQ(display_money(12345678, "INR"), "\u20B91,23,456.78");
  EXPECT_EQ(display_money(1234567800, "INR"), "\u20B91,23,45,678.00");
  EXPECT_EQ(display_money(5, "INR"), "\u20B90.05");
}

TEST(DisplayMoney, DollarsWithTheDollarSignAndThousands) {
  EXPECT_EQ(display_money(123456, "USD"), "$1,234.56");
  EXPECT_EQ(display_money(12345678, "USD"), "$123,456.78");
  EXPECT_EQ(display_money(100000000, "USD"), "$1,000,000.00");
  EXPECT_EQ(display_money(0, "USD"), "$0.00");
}

TEST(DisplayMoney, OtherCurrenciesByTheirCode) {
  EXPECT_EQ(display_money(1200, "EUR"), "EUR 12.00");
  EXPECT_EQ(display_money(123456, "GBP"), "GBP 1,234.56");
}

TEST(DisplayMoney, ANegativeAmountKeepsItsSign) {
  EXPECT_EQ(display_money(-123456, "USD"), "-$1,234.56");
  EXPECT_EQ(display_money(INT64_MIN, "EUR"), "-EUR 92,233,720,368,547,758.08");
}

TEST(DisplayTimeLeft, MinutesAndSecondsThenHours) {
  EXPECT_EQ(display_time_left(1799), "29:59");
  EXPECT_EQ(display_time_left(65), "1:05");
  EXPECT_EQ(display_time_left(59), "0:59");
  EXPECT_EQ(display_time_left(3600), "1:00:00");
  EXPECT_EQ(display_time_left(3725), "1:02:05");
}

TEST(DisplayTimeLeft, NothingLeftIsZero) {
  EXPECT_EQ(display_time_left(0), "0:00");
  EXPECT_EQ(display_time_left(-40), "0:00");
}

}  // namespace
}  // namespace checkout::http
