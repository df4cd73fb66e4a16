#include "http/routes/api.hpp"

#include "http/abuse_guard.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {

namespace {
// CONTRACT §13's abuse limits, checked before every handler; the tables live
// as long as the router's copy of the guard.
void install_abuse_guard(router& r, const std::shared_ptr<const api_context>& api) {
  if (!api->actors.cfg) return;
  const auto& cfg = *api->actors.cfg;
  abuse_limits limits{cfg.rate_limit_ip, cfg.rate_limit_user, cfg.coupon_attempts_per_cart,
                      cfg.trusted_proxies};
  auto guard = std::make_shared<abuse_guard>(limits, api->jwt);
  if (!guard->active()) return;
  r.set_guard([guard](const request& req) { return guard->check(req); });
}

}  // namespace

void add_routes(router& r, std::shared_ptr<const api_context> api) {
  add_health_routes(r, api);
  add_catalog_routes(r, api);
  add_coupon_routes(r, api);
  add_referral_routes(r, api);
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
  add_audit_routes(r, api);
  add_storefront_routes(r, api);
  add_dev_routes(r, api);
  add_ops_console_routes(r, api);
  install_abuse_guard(r, api);
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
