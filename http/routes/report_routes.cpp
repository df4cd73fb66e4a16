// GET /api/v1/admin/reports/daily?date=YYYY-MM-DD (CONTRACT §11): the funnel
// and revenue of one UTC day, today when `date` is absent. The query runs on
// the database pool, never on an I/O thread.
#include <pqxx/pqxx>

#include "actors/common/time.hpp"
#include "actors/report/daily_report.hpp"
#include "http/routes/route_groups.hpp"
#include "persistence/db_pool.hpp"

namespace checkout::http {
namespace {

void write_ratio(json_writer& w, const char* key, const std::optional<double>& r) {
  w.Key(key);
  if (r)
    w.Double(*r);
  else
    w.Null();
}

void write_report(json_writer& w, const report::daily_report& r) {
  auto count = [&w](const char* key, std::int64_t n) {
    w.Key(key);
    w.Int64(n);
  };
  w.Key("report");
  w.StartObject();
  w.Key("date");
  w.String(r.date);
  count("carts_created", r.carts_created);
  count("orders_placed", r.orders_placed);
  count("orders_paid", r.orders_paid);
  count("orders_enrolled", r.orders_enrolled);
  auto ratios = report::ratios_of(r);
  w.Key("conversion");
  w.StartObject();
  write_ratio(w, "cart_to_order", ratios.cart_to_order);
  write_ratio(w, "order_to_paid", ratios.order_to_paid);
  write_ratio(w, "paid_to_enrolled", ratios.paid_to_enrolled);
  write_ratio(w, "cart_to_enrolled", ratios.cart_to_enrolled);
  w.EndObject();
  w.Key("revenue");
  w.StartArray();
  for (const auto& m : r.revenue) {
    w.StartObject();
    w.Key("currency");
    w.String(m.currency);
    count("gross", m.gross);
    count("refunded", m.refunded);
    count("net", m.net);
    count("orders_paid", m.orders_paid);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void get_daily_report(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  auto date = query_param(req, "date");
  if (date.empty()) date = report::day_of(now_micros());
  auto start = report::parse_day(date);
  if (!start)
    return answer_error(
        req, out,
        make_error(errc::invalid_field, "date must be a calendar date written YYYY-MM-DD"));
  persistence::db_job job{[date, day_start = *start](pqxx::connection& c) {
    // One snapshot for every figure, so the funnel steps agree with each other.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(c);
    auto r = report::load_daily_report(txn, date, day_start);
    txn.commit();
    return caf::make_message(std::move(r));
  }};
  ask_and_render_as<report::daily_report>(
      api, api->actors.db, caf::make_message(std::move(job)), req, std::move(out),
      [](const report::daily_report&) { return 200; }, write_report);
}

}  // namespace

void add_report_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/admin/reports/daily",
        [api](request&& req, responder out) { get_daily_report(api, std::move(req), out); });
}

}  // namespace checkout::http
