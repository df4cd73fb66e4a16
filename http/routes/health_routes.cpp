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
  // Ready only while the database and the broker both answer. The probe
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
    ask<readiness>(
        *api->sys, api->probe, api->actors.cfg->readyz_timeout * 2,
        caf::make_message(ping_atom::value),
        [=](readiness& r) {
          if (!r.ready()) return unavailable(r.problems());
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
        [=](const caf::error&) { unavailable({"readiness probe: not answering"}); });
  };
  r.add("GET", "/healthz", healthz);
  r.add("GET", "/api/v1/healthz", healthz);
  r.add("GET", "/readyz", readyz);
  r.add("GET", "/api/v1/readyz", readyz);
}

}  // namespace checkout::http
