#include "actors/health/readiness_probe.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {

void add_health_routes(router& r, const api_ptr& api) {
  auto healthz = [](request&& req, responder out) {
    out.send(ok(req, 200, [](json_writer& w) {
      w.Key("status");
      w.String("up");
    }));
  };
  // Ready while the database answers (CONTRACT §14): a broker outage is
  // reported in the body with 200, so a balancer does not take every instance
  // out while sales could go on. While draining, 503 at once. The probe
  // answers within READYZ_TIMEOUT (it checks both at once, each bounded);
  // the wait here is only a backstop should the probe itself be gone.
  auto readyz = [api](request&& req, responder out) {
    auto corr = req.correlation_id;
    auto unavailable = [corr, out](std::vector<std::string> problems) {
      auto view = describe(errc::unavailable);
      view.validation_messages = std::move(problems);
      response res;
      res.status = view.status;
      res.body = error_body(view, corr);
      out.send(std::move(res));
    };
    if (api->draining->load()) return unavailable({"draining"});
    ask<readiness>(
        *api->sys, api->probe, api->actors.cfg->readyz_timeout * 2,
        caf::make_message(ping_atom::value),
        [=](readiness& r) {
          if (!r.ready()) return unavailable(r.problems());
          response res;
          res.body = success_body(
              200,
              [broker_up = r.broker_error.empty()](json_writer& w) {
                w.Key("database");
                w.String("up");
                w.Key("broker");
                w.String(broker_up ? "up" : "down");
              },
              corr);
          out.send(std::move(res));
        },
        [=](const caf::error&) { unavailable({"readiness probe: not answering"}); });
  };
  r.add("GET", "/healthz", healthz);
  r.add("GET", "/api/v1/healthz", healthz);
  r.add("GET", "/readyz", readyz);
  r.add("GET", "/api/v1/readyz", readyz);
}

}  // namespace checkout::http
