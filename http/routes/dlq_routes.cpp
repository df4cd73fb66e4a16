// Operator routes for the enrollment dead-letter queue (CONTRACT §11):
// GET /api/v1/admin/dlq?limit= lists without consuming, POST
// /api/v1/admin/dlq/replay sends messages back to checkout.events.
#include "actors/dlq/dlq_actor.hpp"
#include "http/routes/route_groups.hpp"

namespace checkout::http {
namespace {

constexpr std::int64_t default_limit = 100;
constexpr std::int64_t max_limit = 500;
constexpr std::size_t max_message_id = 256;

// Talking to the broker is quick, but a replay of max_limit messages waits
// for a confirm each.
std::chrono::milliseconds dlq_wait(const api_ptr& api) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(api->actors.cfg->request_timeout *
                                                               2);
}

std::optional<std::int64_t> parse_limit(const std::string& text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > max_limit) return std::nullopt;
  return value;
}

void write_message(json_writer& w, const dlq_message& m) {
  auto field = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value);
  };
  field("message_id", m.message_id);
  field("event_type", m.event_type);
  field("routing_key", m.routing_key);
  field("correlation_id", m.correlation_id);
  field("reason", m.reason);
  field("source_queue", m.source_queue);
  w.Key("death_count");
  w.Int64(m.death_count);
  field("order_token", m.order_token);
  field("body", m.body);  // as a string: it may not be JSON at all
}

void list_dlq(const api_ptr& api, request&& req, responder out) {
  if (!authorize_admin(api, req, out)) return;
  dlq_list_request lr;
  lr.limit = default_limit;
  auto limit = query_param(req, "limit");
  if (!limit.empty()) {
    auto n = parse_limit(limit);
    if (!n) {
      return answer_error(
          req, out,
          make_error(errc::invalid_field,
                     std::vector<std::string>{"limit must be an integer from 1 to " +
                                              std::to_string(max_limit)}));
    }
    lr.limit = static_cast<std::size_t>(*n);
  }
  ask_and_render_within<dlq_listing>(
      api, dlq_wait(api), api->dlq, caf::make_message(list_atom::value, lr), req, out,
      [](const dlq_listing&) { return 200; },
      [](json_writer& w, const dlq_listing& l) {
        w.Key("queue");
        w.String(l.queue);
        w.Key("count");
        w.Uint64(l.messages.size());
        w.Key("messages");
        w.StartArray();
        for (const auto& m : l.messages) {
          w.StartObject();
          write_message(w, m);
          w.EndObject();
        }
        w.EndArray();
      });
}

void replay_dlq(const api_ptr& api, request&& req, responder out) {
  auto admin = admin_caller(api, req, out);
  if (!admin) return;
  // No body replays the first default_limit messages.
  auto doc = req.body.empty() ? std::make_shared<rapidjson::Document>() : parse_body(req, out);
  if (!doc) return;
  if (req.body.empty()) doc->SetObject();
  fields f(*doc);
  dlq_replay_request rr;
  auto id = f.opt_str("message_id", max_message_id);
  if (id && id->empty()) f.add_problem("message_id must not be empty");
  rr.message_id = id.value_or("");
  rr.limit = static_cast<std::size_t>(f.opt_integer("limit", 1, max_limit).value_or(default_limit));
  rr.by = {admin->user_id, req.correlation_id};
  if (!f.ok()) return answer_error(req, out, f.error());
  ask_and_render_within<dlq_replay_reply>(
      api, dlq_wait(api), api->dlq, caf::make_message(replay_atom::value, rr), req, out,
      [](const dlq_replay_reply&) { return 200; },
      [](json_writer& w, const dlq_replay_reply& r) {
        w.Key("replayed");
        w.Uint64(r.replayed);
      });
}

}  // namespace

void add_dlq_routes(router& r, const api_ptr& api) {
  r.add("GET", "/api/v1/admin/dlq",
        [api](request&& req, responder out) { list_dlq(api, std::move(req), out); });
  r.add("POST", "/api/v1/admin/dlq/replay",
        [api](request&& req, responder out) { replay_dlq(api, std::move(req), out); });
}

}  // namespace checkout::http
