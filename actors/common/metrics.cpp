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

gateway_counters& registry::gateways(const std::string& name) {
  std::lock_guard<std::mutex> guard(mu_);
  auto& slot = gateways_[name];
  if (!slot) slot = std::make_unique<gateway_counters>();
  return *slot;
}

std::atomic<std::int64_t>& registry::webhooks(const std::string& gateway,
                                              const std::string& result) {
  std::lock_guard<std::mutex> guard(mu_);
  auto& slot = webhooks_[{gateway, result}];
  if (!slot) slot = std::make_unique<std::atomic<std::int64_t>>(0);
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
  if (!gateways_.empty()) {
    out << "# HELP checkout_gateway_calls_total Payment gateway calls by outcome.\n"
        << "# TYPE checkout_gateway_calls_total counter\n";
    for (auto& [name, g] : gateways_) {
      auto line = [&](const char* result, std::int64_t v) {
        out << "checkout_gateway_calls_total{gateway=\"" << name << "\",result=\"" << result
            << "\"} " << v << '\n';
      };
      line("ok", g->ok.load());
      line("unavailable", g->unavailable.load());
      line("rejected", g->rejected.load());
      line("short_circuited", g->short_circuited.load());
    }
    out << "# HELP checkout_gateway_retries_total Payment gateway tries after the first.\n"
        << "# TYPE checkout_gateway_retries_total counter\n";
    for (auto& [name, g] : gateways_)
      out << "checkout_gateway_retries_total{gateway=\"" << name << "\"} " << g->retries.load()
          << '\n';
    out << "# HELP checkout_gateway_breaker_open 1 while the gateway's circuit breaker is not "
           "closed.\n"
        << "# TYPE checkout_gateway_breaker_open gauge\n";
    for (auto& [name, g] : gateways_)
      out << "checkout_gateway_breaker_open{gateway=\"" << name << "\"} " << g->breaker_open.load()
          << '\n';
  }
  out << "# HELP checkout_webhooks_total Webhook deliveries by gateway and result.\n"
      << "# TYPE checkout_webhooks_total counter\n";
  for (auto& [key, v] : webhooks_)
    out << "checkout_webhooks_total{gateway=\"" << key.first << "\",result=\"" << key.second
        << "\"} " << v->load() << '\n';
  auto single = [&](const char* name, const char* type, const char* help, std::int64_t v) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << v << '\n';
  };
  const auto& d = delivery_;
  single("checkout_outbox_pending", "gauge", "Outbox events not yet confirmed by the broker.",
         d.outbox_pending.load());
  single("checkout_amqp_published_total", "counter", "Events confirmed by the broker.",
         d.published.load());
  single("checkout_amqp_redelivered_total", "counter",
         "Enrollment messages NACKed for another delivery.", d.redelivered.load());
  single("checkout_amqp_dead_lettered_total", "counter",
         "Enrollment messages rejected as permanent failures (dead-lettered at once).",
         d.dead_lettered.load());
  single("checkout_enrollments_total", "counter", "Enrollments created.", d.enrollments.load());
  single("checkout_webhook_inbox_reapplied_total", "counter",
         "Inbox events applied by the inbox worker rather than at intake.",
         d.inbox_reapplied.load());
  out << "# HELP checkout_reconciliations_total Corrections made by the service's own sweeps.\n"
      << "# TYPE checkout_reconciliations_total counter\n"
      << "checkout_reconciliations_total{kind=\"enrollment_republished\"} "
      << d.reconciled_enrollment.load() << '\n';
  return out.str();
}

}  // namespace checkout::metrics
