#include "actors/common/metrics.hpp"

#include <sstream>

namespace checkout::metrics {

registry& registry::instance() {
  static registry r;
  return r;
}

actor_counters& registry::actors(const std::string& kind) {
  std::lock_guard<std::mutex> guard(mu_);
  auto& slot = actors_[kind];
  if (!slot) slot = std::make_unique<actor_counters>();
  return *slot;
}

std::string registry::prometheus_text() const {
  std::ostringstream out;
  std::lock_guard<std::mutex> guard(mu_);
  auto family = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (auto& [kind, c] : actors_)
      out << name << "{kind=\"" << kind << "\"} " << value(*c) << '\n';
  };
  family("checkout_actors_live", "gauge", "Entity actors in memory.",
         [](const actor_counters& c) { return c.live.load(); });
  family("checkout_actors_spawned_total", "counter", "Entity actors spawned (new or reloaded).",
         [](const actor_counters& c) { return c.spawned.load(); });
  family("checkout_actors_passivated_total", "counter",
         "Entity actors passivated after ACTOR_IDLE_TIMEOUT.",
         [](const actor_counters& c) { return c.passivated.load(); });
  return out.str();
}

}  // namespace checkout::metrics
