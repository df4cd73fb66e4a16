#include "actors/common/metrics.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {

void add_health_routes(router& r, const api_ptr& api) {
  auto healthz = [](request&& req, responder out) {
    out.send(ok(req, 200, [](json_writer& w) {
      w.Key("status");
      w.String("up");
    }));
  };
  // Ready only while the database and the broker both answer.
  auto readyz = [api](request&& req, responder out) {
    auto corr = req.correlation_id;
    ask<ack_reply>(
        *api->sys, api->probe, api->actors.db_timeout, caf::make_message(ping_atom::value),
        [=](ack_reply&) {
          response res;
          res.body = success_body(
              200,
              [](json_writer& w) {
                w.Key("database");
                w.String("up");
                w.Key("broker");
                w.String("up");
              },
              corr);
          out.send(std::move(res));
        },
        [=](const caf::error& err) {
          auto view = describe(errc::unavailable);
          auto detail = describe(err);
          view.validation_messages = detail.validation_messages;
          response res;
          res.status = 503;
          res.body = error_body(view, corr);
          out.send(std::move(res));
        });
  };
  // Prometheus scrapes plain text, not the JSON envelope.
  r.add("GET", "/metrics", [](request&&, responder out) {
    response res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics::registry::instance().prometheus_text();
    out.send(std::move(res));
  });
  r.add("GET", "/healthz", healthz);
  r.add("GET", "/api/v1/healthz", healthz);
  r.add("GET", "/readyz", readyz);
  r.add("GET", "/api/v1/readyz", readyz);
}

}  // namespace checkout::http
