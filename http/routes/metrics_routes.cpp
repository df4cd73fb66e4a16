#include "actors/common/metrics.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {

void add_metrics_routes(router& r, const api_ptr&) {
  // Prometheus scrapes plain text, not the JSON envelope.
  r.add("GET", "/metrics", [](request&&, responder out) {
    response res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics::registry::instance().prometheus_text();
    out.send(std::move(res));
  });
}

}  // namespace checkout::http
