// One registration function per resource; add_routes calls them all.
#pragma once

#include "actors/messages.hpp"
#include "http/routes/handler_support.hpp"

namespace checkout::http {

void add_catalog_routes(router& r, const api_ptr& api);
void add_coupon_routes(router& r, const api_ptr& api);
void add_referral_routes(router& r, const api_ptr& api);
void add_cart_routes(router& r, const api_ptr& api);
void add_order_routes(router& r, const api_ptr& api);
void add_webhook_routes(router& r, const api_ptr& api);
void add_enrollment_routes(router& r, const api_ptr& api);
void add_health_routes(router& r, const api_ptr& api);
void add_sandbox_routes(router& r, const api_ptr& api);
void add_checkout_page_routes(router& r, const api_ptr& api);
void add_dlq_routes(router& r, const api_ptr& api);
void add_metrics_routes(router& r, const api_ptr& api);
void add_actor_routes(router& r, const api_ptr& api);
void add_report_routes(router& r, const api_ptr& api);
void add_audit_routes(router& r, const api_ptr& api);
void add_storefront_routes(router& r, const api_ptr& api);
// Development only (CONTRACT §15): not registered in production.
void add_dev_routes(router& r, const api_ptr& api);
void add_ops_console_routes(router& r, const api_ptr& api);

// A period object {value, unit}; nullopt (with a problem noted) when malformed.
std::optional<period> read_period(fields& f, const rapidjson::Value& v, const std::string& name);

}  // namespace checkout::http
