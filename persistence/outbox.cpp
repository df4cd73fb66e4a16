#include "persistence/outbox.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "persistence/sql.hpp"

namespace checkout::persistence {

namespace {

// The exact message body (CONTRACT §9).
std::string body_of(const queued_event& q) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("event_id");
  w.String(q.event_id);
  w.Key("type");
  w.String(q.ev.type);
  w.Key("occurred_at");
  w.String(q.occurred_at);
  w.Key("order_token");
  w.String(q.ev.order_token);
  w.Key("user_id");
  w.String(q.ev.user_id);
  w.Key("correlation_id");
  w.String(q.ev.correlation_id);
  w.Key("data");
  w.RawValue(q.ev.data_json.data(), q.ev.data_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

std::string enqueue_event(pqxx::transaction_base& txn, const outbox_event& ev,
                          const std::string& event_id, const std::string& occurred_at) {
  enqueue_events(txn, {{ev, event_id, occurred_at}});
  return event_id;
}

void enqueue_events(pqxx::transaction_base& txn, const std::vector<queued_event>& events) {
  if (events.empty()) return;
  std::vector<std::string> ids, types, correlations, bodies, orders;
  for (auto& q : events) {
    ids.push_back(q.event_id);
    types.push_back(q.ev.type);
    correlations.push_back(q.ev.correlation_id);
    bodies.push_back(body_of(q));
    orders.push_back(q.ev.order_token);
  }
  // In array order, so the ids (and the relay's publishing order) follow it.
  exec(txn, "outbox_insert_all",
       "INSERT INTO outbox (event_id, event_type, correlation_id, body, order_token) "
       "SELECT e::uuid, t, c, b, NULLIF(o, '')::uuid FROM unnest($1::text[], $2::text[], "
       "$3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(e, t, c, b, o, n) ORDER BY n",
       text_array(ids), text_array(types), text_array(correlations), text_array(bodies),
       text_array(orders));
}

}  // namespace checkout::persistence
