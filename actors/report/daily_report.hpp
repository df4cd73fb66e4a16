// The operators' daily report (CONTRACT §11, GET /admin/reports/daily): the
// funnel of one UTC day (carts, orders, paid, enrolled) and its revenue per
// currency. The query is a plain function run inside a db_job; everything
// else here is pure, so the arithmetic is unit-tested without a database.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <cstdint>
#include <optional>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "actors/common/time.hpp"

namespace checkout::report {

// One currency's money for the day, in minor units.
struct daily_revenue {
  std::string currency;
  std::int64_t gross = 0;     // totals of the orders paid that day
  std::int64_t refunded = 0;  // totals of the (paid) orders refunded that day
  std::int64_t net = 0;       // gross - refunded
  std::int64_t orders_paid = 0;
};

struct daily_report {
  std::string date;  // YYYY-MM-DD (UTC)
  std::int64_t carts_created = 0;
  std::int64_t orders_placed = 0;
  std::int64_t orders_paid = 0;
  std::int64_t orders_enrolled = 0;
  std::vector<daily_revenue> revenue;  // sorted by currency
};

// Conversion between the day's funnel steps: nullopt when the denominator is 0.
struct funnel_ratios {
  std::optional<double> cart_to_order;
  std::optional<double> order_to_paid;
  std::optional<double> paid_to_enrolled;
  std::optional<double> cart_to_enrolled;
};

// numerator / denominator rounded half away from zero to 4 decimals.
std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator);
funnel_ratios ratios_of(const daily_report& r);

// A sum of order totals (and how many orders) in one currency.
struct currency_sum {
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t orders = 0;
};
// One row per currency that has either, sorted; net = gross - refunded, and
// orders_paid counts the paid orders only.
std::vector<daily_revenue> merge_revenue(const std::vector<currency_sum>& paid,
                                         const std::vector<currency_sum>& refunded);

// The start of the UTC day `text` names ("2026-11-22"), or nullopt unless it
// is exactly YYYY-MM-DD and a real calendar date from year 0001 on.
std::optional<micros> parse_day(const std::string& text);
// The YYYY-MM-DD of the UTC day containing `t`.
std::string day_of(micros t);

// The report of the day starting at `day_start` (UTC). Reads several tables:
// run it in a repeatable-read transaction so the figures agree with each other.
daily_report load_daily_report(pqxx::transaction_base& txn, const std::string& date,
                               micros day_start);

}  // namespace checkout::report

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::report::daily_report)
