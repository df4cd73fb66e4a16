// registry::prometheus_text: the text exposition format 0.0.4. Every family
// has its HELP and TYPE lines, label values are escaped, histograms carry
// cumulative buckets ending in +Inf, then _sum and _count.
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "actors/common/metrics.hpp"

namespace checkout::metrics {
namespace {

std::string number(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string escape_label(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

using labels = std::vector<std::pair<std::string, std::string>>;

class writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(const std::string& name, const labels& ls, const std::string& value) {
    out_ += name;
    if (!ls.empty()) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : ls) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        out_ += escape_label(v);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

  void sample(const std::string& name, const labels& ls, std::int64_t value) {
    sample(name, ls, std::to_string(value));
  }

  void histogram_samples(const std::string& name, const labels& ls, const histogram& h) {
    auto r = h.read();
    const auto& bounds = h.bounds();
    for (std::size_t i = 0; i < r.cumulative.size(); ++i) {
      auto with_le = ls;
      with_le.emplace_back("le", i < bounds.size() ? number(bounds[i]) : std::string("+Inf"));
      sample(name + "_bucket", with_le, std::to_string(r.cumulative[i]));
    }
    sample(name + "_sum", ls, number(r.sum));
    sample(name + "_count", ls, std::to_string(r.cumulative.back()));
  }

  void single(const char* name, const char* type, const char* help, std::int64_t v) {
    family(name, type, help);
    sample(name, {}, v);
  }

  void counters(const char* name, const char* help, const counter_family& f) {
    family(name, "counter", help);
    for (const auto& [values, v] : f.read()) {
      labels ls;
      for (std::size_t i = 0; i < values.size() && i < f.label_names().size(); ++i)
        ls.emplace_back(f.label_names()[i], values[i]);
      sample(name, ls, v);
    }
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// This process as /proc sees it; zeros where /proc cannot be read.
struct process_stat {
  double resident_bytes = 0;
  double cpu_seconds = 0;
};

process_stat process_figures() {
  process_stat out;
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  if (std::ifstream statm("/proc/self/statm"); statm) {
    double size = 0, resident = 0;
    if (statm >> size >> resident) out.resident_bytes = resident * page;
  }
  if (std::ifstream stat("/proc/self/stat"); stat) {
    std::string line;
    std::getline(stat, line);
    // Fields 14 and 15 (utime, stime) follow the command name, which may hold spaces.
    auto close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::string field;
      double utime = 0, stime = 0;
      for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::strtod(field.c_str(), nullptr);
        if (i == 15) stime = std::strtod(field.c_str(), nullptr);
      }
      if (ticks > 0) out.cpu_seconds = (utime + stime) / ticks;
    }
  }
  return out;
}

}  // namespace

std::string registry::prometheus_text() const {
  writer w;
  auto all_kinds = kinds();
  auto per_kind = [&](const char* name, const char* type, const char* help, auto value) {
    w.family(name, type, help);
    for (auto* k : all_kinds) w.sample(name, {{"kind", k->name()}}, value(*k));
  };
  per_kind("checkout_actors_live", "gauge", "Actors alive now, by kind.",
           [](const actor_kind_stats& k) { return k.live.load(); });
  per_kind("checkout_actors_spawned_total", "counter", "Actors spawned (new or reloaded), by kind.",
           [](const actor_kind_stats& k) { return k.spawned.load(); });
  per_kind("checkout_actors_passivated_total", "counter",
           "Entity actors passivated after ACTOR_IDLE_TIMEOUT, by kind.",
           [](const actor_kind_stats& k) { return k.passivated.load(); });
  per_kind("checkout_actor_mailbox_depth", "gauge",
           "Messages waiting in the mailboxes of the kind's live actors (sum).",
           [](const actor_kind_stats& k) { return k.mailbox_total.load(); });
  per_kind("checkout_actor_mailbox_max", "gauge",
           "The deepest mailbox among the kind's live actors.",
           [](const actor_kind_stats& k) { return k.mailbox_max(); });
  per_kind("checkout_actor_messages_total", "counter", "Messages handled, by kind.",
           [](const actor_kind_stats& k) { return k.messages.load(); });
  w.family("checkout_actor_message_seconds", "histogram", "Time to handle one message, by kind.");
  for (auto* k : all_kinds)
    w.histogram_samples("checkout_actor_message_seconds", {{"kind", k->name()}},
                        k->message_seconds);

  const route_table* table = routes_.load(std::memory_order_acquire);
  std::map<std::string, const route_stats*> routes;  // sorted output
  for (const auto& [route, stats] : *table) routes.emplace(route, stats.get());
  w.family("checkout_http_requests_total", "counter",
           "HTTP requests answered, by route pattern and status code.");
  for (const auto& [route, stats] : routes)
    for (std::size_t code = 100; code < stats->by_status.size(); ++code)
      if (auto n = stats->by_status[code].load(std::memory_order_relaxed))
        w.sample("checkout_http_requests_total", {{"route", route}, {"code", std::to_string(code)}},
                 n);
  w.family("checkout_http_request_seconds", "histogram",
           "Time from a request read to its response written, by route pattern.");
  // Every route from the start, at 0 (the routes are fixed before serving);
  // request counts need a status code, so they appear with their first answer.
  for (const auto& [route, stats] : routes)
    w.histogram_samples("checkout_http_request_seconds", {{"route", route}}, stats->seconds);

  w.counters("checkout_order_transitions_total", "Order status changes, by the status entered.",
             order_transitions_);
  w.counters("checkout_webhooks_total", "Webhook deliveries, by gateway and result.", webhooks_);
  w.family("checkout_webhook_lag_seconds", "histogram",
           "From the gateway's event time to the event applied to its order, by gateway.");
  for (const auto& [gateway, h] : webhook_lag_)
    if (h->read().cumulative.back() > 0)
      w.histogram_samples("checkout_webhook_lag_seconds", {{"gateway", gateway}}, *h);
  w.counters("checkout_idempotency_total",
             "Idempotency-Key outcomes other than a first request: replayed, conflict (same key, "
             "other request), in_progress.",
             idempotency_);
  w.counters("checkout_coupon_rejections_total", "Coupons refused, by reason.", coupon_rejections_);
  w.counters("checkout_reconciliations_total",
             "Corrections made by the service's own checks and sweeps, by kind.", reconciliations_);

  const auto& s = sampled_;
  w.single("checkout_outbox_pending", "gauge", "Outbox events not yet confirmed by the broker.",
           s.outbox_pending.load());
  w.single("checkout_dlq_messages", "gauge", "Messages in checkout.enrollment.dlq.",
           s.dlq_messages.load());
  w.single("checkout_broker_up", "gauge",
           "1 while RabbitMQ answers (sampled with the DLQ depth), 0 during an outage.",
           s.broker_up.load());
  w.family("checkout_oldest_awaiting_payment_seconds", "gauge",
           "Age of the oldest order awaiting payment (0 when there is none).");
  w.sample("checkout_oldest_awaiting_payment_seconds", {},
           number(static_cast<double>(s.oldest_awaiting_payment_ms.load()) / 1000.0));
  w.single("checkout_paid_not_enrolled", "gauge", "Paid orders without their enrollments yet.",
           s.paid_not_enrolled.load());
  w.single("checkout_webhook_inbox_unapplied", "gauge",
           "Webhook events stored but not applied to their order yet.",
           s.webhook_inbox_unapplied.load());
  w.family("checkout_ops_sampled_timestamp_seconds", "gauge",
           "When the gauges read from PostgreSQL and the broker were last refreshed.");
  w.sample("checkout_ops_sampled_timestamp_seconds", {},
           number(static_cast<double>(s.sampled_at_ms.load()) / 1000.0));

  const auto& d = delivery_;
  w.single("checkout_amqp_published_total", "counter", "Events confirmed by the broker.",
           d.published.load());
  w.single("checkout_amqp_redelivered_total", "counter",
           "Enrollment messages NACKed for another delivery.", d.redelivered.load());
  w.single("checkout_amqp_dead_lettered_total", "counter",
           "Enrollment messages rejected as permanent failures (dead-lettered at once).",
           d.dead_lettered.load());
  w.single("checkout_enrollments_total", "counter", "Enrollments created.", d.enrollments.load());
  w.single("checkout_webhook_inbox_reapplied_total", "counter",
           "Inbox events applied by the inbox worker rather than at intake.",
           d.inbox_reapplied.load());
  w.family("checkout_notifications_total", "counter",
           "Confirmation emails by result: sent (the SMTP server accepted it), no_address (the "
           "buyer's token had no email claim), smtp_failed (a try that failed; tried again).");
  w.sample("checkout_notifications_total", {{"result", "sent"}}, d.notifications_sent.load());
  w.sample("checkout_notifications_total", {{"result", "no_address"}},
           d.notifications_no_address.load());
  w.sample("checkout_notifications_total", {{"result", "smtp_failed"}},
           d.notifications_failed.load());

  std::vector<std::pair<std::string, const gateway_counters*>> gws;
  {
    std::lock_guard<std::mutex> guard(mu_);
    for (auto& [name, g] : gateways_) gws.emplace_back(name, g.get());
  }
  w.family("checkout_gateway_calls_total", "counter", "Payment gateway calls, by outcome.");
  for (auto& [name, g] : gws) {
    w.sample("checkout_gateway_calls_total", {{"gateway", name}, {"result", "ok"}}, g->ok.load());
    w.sample("checkout_gateway_calls_total", {{"gateway", name}, {"result", "unavailable"}},
             g->unavailable.load());
    w.sample("checkout_gateway_calls_total", {{"gateway", name}, {"result", "rejected"}},
             g->rejected.load());
    w.sample("checkout_gateway_calls_total", {{"gateway", name}, {"result", "short_circuited"}},
             g->short_circuited.load());
  }
  w.family("checkout_gateway_retries_total", "counter", "Payment gateway tries after the first.");
  for (auto& [name, g] : gws)
    w.sample("checkout_gateway_retries_total", {{"gateway", name}}, g->retries.load());
  w.family("checkout_gateway_breaker_state", "gauge",
           "The gateway's circuit breaker: 0 closed, 1 half-open, 2 open.");
  for (auto& [name, g] : gws)
    w.sample("checkout_gateway_breaker_state", {{"gateway", name}}, g->breaker_state.load());

  auto* db = find_kind("db_worker");
  w.single("checkout_db_pool_connections", "gauge", "Database connections in the pool.",
           db_pool_connections_.load());
  w.single("checkout_db_pool_in_use", "gauge", "Pool connections running a query now.",
           db ? db->busy.load() : 0);
  w.single("checkout_db_pool_waiting", "gauge", "Database jobs queued behind busy connections.",
           db ? db->mailbox_total.load() : 0);
  // Prometheus' standard process figures, read at scrape time: what a live
  // cart or order costs in memory is their ratio to checkout_actors_live.
  auto self = process_figures();
  w.single("process_resident_memory_bytes", "gauge", "Resident memory of this process.",
           static_cast<std::int64_t>(self.resident_bytes));
  w.family("process_cpu_seconds_total", "counter", "CPU time of this process, user and system.");
  w.sample("process_cpu_seconds_total", {}, number(self.cpu_seconds));
  return w.take();
}

}  // namespace checkout::metrics
