#include "actors/report/daily_report.hpp"

#include <cmath>
#include <map>
#include <pqxx/pqxx>

#include "actors/common/rfc3339.hpp"
#include "persistence/sql.hpp"

namespace checkout::report {
namespace {

using persistence::exec;

constexpr micros day_micros = 86400LL * 1000000;

// $1 is the day's start and $2 the next day's, in microseconds since the epoch.
const std::string since = "('epoch'::timestamptz + $1::bigint * interval '1 microsecond')";
const std::string until = "('epoch'::timestamptz + $2::bigint * interval '1 microsecond')";

std::string in_day(const std::string& column) {
  return column + " >= " + since + " AND " + column + " < " + until;
}

// No table stores when an order was paid: its history does. An order counts
// as paid on the day of its first 'paid' row, or of its 'completed' row when
// it never needed paying (a free order goes straight to completed); the
// NOT EXISTS keeps an order paid yesterday and completed today out of today.
const std::string paid_sql =
    "WITH paid AS (SELECT DISTINCT h.order_token FROM order_history h "
    "WHERE h.status IN ('paid', 'completed') AND " +
    in_day("h.at") +
    " AND NOT EXISTS (SELECT 1 FROM order_history e WHERE e.order_token = h.order_token "
    "AND e.status IN ('paid', 'completed') AND e.at < " +
    since +
    ")) "
    "SELECT o.currency, COALESCE(sum(o.total), 0)::bigint, count(*) "
    "FROM orders o JOIN paid p ON p.order_token = o.token GROUP BY o.currency";

// Refunds are whole-order (CONTRACT §7), so the refunded amount is the
// order's total, on the day of its 'refunded' row. A capture that arrived
// after expiry with no seat left is refunded without the order ever being
// paid: it was never in any day's gross, so it is left out of refunds too.
const std::string refunded_sql =
    "WITH refunded AS (SELECT DISTINCT h.order_token FROM order_history h "
    "WHERE h.status = 'refunded' AND " +
    in_day("h.at") +
    " AND EXISTS (SELECT 1 FROM order_history e WHERE e.order_token = h.order_token "
    "AND e.status IN ('paid', 'completed'))) "
    "SELECT o.currency, COALESCE(sum(o.total), 0)::bigint, count(*) "
    "FROM orders o JOIN refunded r ON r.order_token = o.token GROUP BY o.currency";

const std::string carts_sql = "SELECT count(*) FROM carts WHERE " + in_day("created_at");
const std::string orders_sql = "SELECT count(*) FROM orders WHERE " + in_day("created_at");
// Every line of an order is enrolled in one transaction: count orders, not lines.
const std::string enrolled_sql =
    "SELECT count(DISTINCT order_token) FROM enrollments WHERE " + in_day("created_at");

std::int64_t count_of(pqxx::transaction_base& txn, const char* name, const std::string& sql,
                      micros from, micros to) {
  return exec(txn, name, sql.c_str(), from, to)[0][0].as<std::int64_t>();
}

std::vector<currency_sum> sums_of(pqxx::transaction_base& txn, const char* name,
                                  const std::string& sql, micros from, micros to) {
  std::vector<currency_sum> out;
  for (auto row : exec(txn, name, sql.c_str(), from, to))
    out.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>()});
  return out;
}

}  // namespace

std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator) {
  if (denominator == 0) return std::nullopt;
  auto exact = static_cast<double>(numerator) / static_cast<double>(denominator);
  return std::round(exact * 10000.0) / 10000.0;
}

funnel_ratios ratios_of(const daily_report& r) {
  return {ratio(r.orders_placed, r.carts_created), ratio(r.orders_paid, r.orders_placed),
          ratio(r.orders_enrolled, r.orders_paid), ratio(r.orders_enrolled, r.carts_created)};
}

std::vector<daily_revenue> merge_revenue(const std::vector<currency_sum>& paid,
                                         const std::vector<currency_sum>& refunded) {
  std::map<std::string, daily_revenue> by_currency;
  for (const auto& p : paid) {
    auto& r = by_currency[p.currency];
    r.gross += p.amount;
    r.orders_paid += p.orders;
  }
  for (const auto& x : refunded) by_currency[x.currency].refunded += x.amount;
  std::vector<daily_revenue> out;
  for (auto& [currency, r] : by_currency) {
    r.currency = currency;
    r.net = r.gross - r.refunded;
    out.push_back(r);
  }
  return out;
}

std::optional<micros> parse_day(const std::string& text) {
  // parse_rfc3339 checks the calendar; the length check keeps "2026-11-22T..." out.
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (text.compare(0, 4, "0000") == 0) return std::nullopt;
  return parse_rfc3339(text + "T00:00:00Z");
}

std::string day_of(micros t) {
  auto floor = t >= 0 ? t - t % day_micros : t - (day_micros + t % day_micros) % day_micros;
  return to_rfc3339(floor).substr(0, 10);
}

daily_report load_daily_report(pqxx::transaction_base& txn, const std::string& date,
                               micros day_start) {
  const micros from = day_start;
  const micros to = day_start + day_micros;
  daily_report r;
  r.date = date;
  r.carts_created = count_of(txn, "report_carts", carts_sql, from, to);
  r.orders_placed = count_of(txn, "report_orders", orders_sql, from, to);
  r.orders_enrolled = count_of(txn, "report_enrolled", enrolled_sql, from, to);
  auto paid = sums_of(txn, "report_paid", paid_sql, from, to);
  auto refunded = sums_of(txn, "report_refunded", refunded_sql, from, to);
  for (const auto& p : paid) r.orders_paid += p.orders;
  r.revenue = merge_revenue(paid, refunded);
  return r;
}

}  // namespace checkout::report
