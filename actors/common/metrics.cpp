#include "actors/common/metrics.hpp"

namespace checkout::metrics {

std::atomic<bool> registry::recording_{true};

namespace {
const char* const unmatched = "unmatched";
const char* const webhook_gateways[] = {"razorpay", "stripe", "sandbox", "other"};
}  // namespace

route_stats::route_stats() : seconds(http_request_buckets()) {}

registry& registry::instance() {
  static registry r;
  return r;
}

registry::registry() {
  for (const char* g : webhook_gateways)
    webhook_lag_.emplace(g, std::make_unique<histogram>(webhook_lag_buckets()));
  register_routes({});
}

actor_kind_stats& registry::kind(const std::string& name, const std::string& id_key) {
  std::lock_guard<std::mutex> guard(mu_);
  auto& slot = kinds_[name];
  if (!slot) slot = std::make_unique<actor_kind_stats>(name, id_key);
  return *slot;
}

std::vector<actor_kind_stats*> registry::kinds() const {
  std::lock_guard<std::mutex> guard(mu_);
  std::vector<actor_kind_stats*> out;
  for (auto& [name, k] : kinds_) out.push_back(k.get());
  return out;
}

actor_kind_stats* registry::find_kind(const std::string& name) const {
  std::lock_guard<std::mutex> guard(mu_);
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : it->second.get();
}

gateway_counters& registry::gateways(const std::string& name) {
  std::lock_guard<std::mutex> guard(mu_);
  auto& slot = gateways_[name];
  if (!slot) slot = std::make_unique<gateway_counters>();
  return *slot;
}

void registry::observe_webhook_lag(const std::string& gateway, double seconds) {
  if (!recording()) return;
  auto it = webhook_lag_.find(gateway);
  if (it == webhook_lag_.end()) it = webhook_lag_.find("other");
  it->second->observe(seconds);
}

void registry::register_routes(const std::vector<std::string>& patterns) {
  auto table = std::make_unique<route_table>();
  for (const auto& p : patterns) (*table)[p] = std::make_unique<route_stats>();
  (*table)[unmatched] = std::make_unique<route_stats>();
  std::lock_guard<std::mutex> guard(mu_);
  // Counts so far carry over, so registering again (tests) loses nothing.
  if (auto* old = routes_.load()) {
    for (auto& [route, stats] : *table) {
      auto it = old->find(route);
      if (it == old->end()) continue;
      for (std::size_t i = 0; i < stats->by_status.size(); ++i)
        stats->by_status[i].store(it->second->by_status[i].load());
    }
  }
  route_tables_.push_back(std::move(table));
  routes_.store(route_tables_.back().get(), std::memory_order_release);
}

void registry::record_http(const std::string& route, int status, double seconds) {
  if (!recording()) return;
  const route_table* table = routes_.load(std::memory_order_acquire);
  auto it = table->find(route);
  if (it == table->end()) it = table->find(unmatched);
  if (status < 100 || status >= 600) status = 500;
  it->second->by_status[status].fetch_add(1, std::memory_order_relaxed);
  it->second->seconds.observe(seconds);
}

}  // namespace checkout::metrics
