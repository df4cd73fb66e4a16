#include "actors/health/preregistered_series.hpp"

#include "actors/common/actor_kinds.hpp"
#include "actors/order/order_state.hpp"
#include "actors/webhook/webhook_results.hpp"

namespace checkout {

void preregister_series(metrics::registry& r, const config::settings& cfg) {
  for (const auto& k : actor_kinds::all) r.kind(k.name, k.id_key);
  for (auto s : all_order_statuses) r.order_transitions().at(std::string(to_string(s)));
  for (const auto& gateway : config::webhook_gateways(cfg))
    for (const char* result : webhook_results::all) r.webhooks(gateway, result);
}

}  // namespace checkout
