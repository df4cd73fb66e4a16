#include "http/routes/api.hpp"

#include "http/routes/route_groups.hpp"

namespace checkout::http {

void add_routes(router& r, std::shared_ptr<const api_context> api) {
  add_health_routes(r, api);
  add_catalog_routes(r, api);
  add_coupon_routes(r, api);
  add_cart_routes(r, api);
  add_order_routes(r, api);
  add_webhook_routes(r, api);
  add_enrollment_routes(r, api);
  add_sandbox_routes(r, api);
  add_checkout_page_routes(r, api);
  add_dlq_routes(r, api);
  add_metrics_routes(r, api);
  add_actor_routes(r, api);
  add_report_routes(r, api);
}

std::optional<period> read_period(fields& f, const rapidjson::Value& v, const std::string& name) {
  if (!v.IsObject()) {
    f.add_problem(name + " must be an object {value, unit}");
    return std::nullopt;
  }
  auto sub = f.nested(v, name);
  auto value = sub.integer("value", 1, 1000);
  auto unit = sub.str("unit", 16);
  if (!sub.ok()) return std::nullopt;
  if (!valid_period_unit(unit)) {
    f.add_problem(name + ".unit must be one of day, week, month, year");
    return std::nullopt;
  }
  return period{static_cast<int>(value), unit};
}

}  // namespace checkout::http
