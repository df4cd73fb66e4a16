// GET /api/v1/admin/actors: per kind, what the instrumentation counted.
// GET /api/v1/admin/actors/{kind}/{id}: one live actor describes itself. The
// actor is found among the live ones the instrumentation lists, never through
// a directory, so looking never spawns or loads anything.
#include <caf/actor_cast.hpp>

#include "actors/common/instrumented_actor.hpp"
#include "actors/common/metrics.hpp"
#include "actors/common/time.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

void list_kinds(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  auto kinds = metrics::registry::instance().kinds();
  out.send(ok(req, 200, [&](json_writer& w) {
    w.Key("actors");
    w.StartArray();
    for (auto* k : kinds) {
      w.StartObject();
      w.Key("kind");
      w.String(k->name());
      w.Key("live");
      w.Int64(k->live.load());
      w.Key("spawned");
      w.Int64(k->spawned.load());
      w.Key("passivated");
      w.Int64(k->passivated.load());
      w.Key("messages");
      w.Int64(k->messages.load());
      w.Key("mailbox_total");
      w.Int64(k->mailbox_total.load());
      w.Key("mailbox_max");
      w.Int64(k->mailbox_max());
      w.EndObject();
    }
    w.EndArray();
  }));
}

void render_snapshot(json_writer& w, const actor_snapshot& s) {
  w.Key("actor");
  w.StartObject();
  w.Key("kind");
  w.String(s.kind);
  w.Key("id");
  w.String(s.id);
  w.Key("status");
  w.String(s.status);
  w.Key("version");
  w.Int64(s.version);
  w.Key("mailbox_size");
  w.Int64(s.mailbox_size);
  w.Key("messages");
  w.Int64(s.messages);
  w.Key("last_message_at");
  if (s.last_message_at > 0)
    w.String(to_rfc3339(s.last_message_at));
  else
    w.Null();
  w.Key("timers");
  w.StartArray();
  for (const auto& t : s.timers) {
    w.StartObject();
    w.Key("name");
    w.String(t.name);
    w.Key("due_at");
    w.String(to_rfc3339(t.due_at));
    w.EndObject();
  }
  w.EndArray();
  w.Key("state");
  if (s.state_json.empty())
    w.Null();
  else
    w.RawValue(s.state_json.data(), s.state_json.size(), rapidjson::kObjectType);
  w.EndObject();
}

void inspect_one(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  const auto& kind = req.params["kind"];
  auto id = req.params["id"];
  for (auto& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto* stats = metrics::registry::instance().find_kind(kind);
  auto target = stats ? caf::actor_cast<caf::actor>(stats->find(id)) : caf::actor{};
  if (!target) {
    out.send(fail(req, errc::actor_not_alive, kind + "/" + id + " is not alive"));
    return;
  }
  auto corr = req.correlation_id;
  ask<actor_snapshot>(
      *api->sys, target, api->actors.db_timeout, caf::make_message(inspect_atom::value),
      [=](actor_snapshot& s) {
        response res;
        res.body = success_body(
            200, [&](json_writer& w) { render_snapshot(w, s); }, corr);
        out.send(std::move(res));
      },
      [=](const caf::error& err) {
        // It passivated between the lookup and the question: not alive.
        auto view = err == caf::sec::request_receiver_down ? describe(errc::actor_not_alive)
                                                           : describe(err);
        response res;
        res.status = view.status;
        res.body = error_body(view, corr);
        out.send(std::move(res));
      });
}

}  // namespace

void add_actor_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/admin/actors",
        [api](request&& req, responder out) { list_kinds(api, std::move(req), std::move(out)); });
  r.add("GET", "/api/v1/admin/actors/{kind}/{id}",
        [api](request&& req, responder out) { inspect_one(api, std::move(req), std::move(out)); });
}

}  // namespace checkout::http
