#include "persistence/outbox.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "persistence/sql.hpp"

namespace checkout::persistence {

std::string enqueue_event(pqxx::transaction_base& txn, const outbox_event& ev,
                          const std::string& event_id, const std::string& occurred_at) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("event_id");
  w.String(event_id);
  w.Key("type");
  w.String(ev.type);
  w.Key("occurred_at");
  w.String(occurred_at);
  w.Key("order_token");
  w.String(ev.order_token);
  w.Key("user_id");
  w.String(ev.user_id);
  w.Key("correlation_id");
  w.String(ev.correlation_id);
  w.Key("data");
  w.RawValue(ev.data_json.data(), ev.data_json.size(), rapidjson::kObjectType);
  w.EndObject();
  exec(txn, "outbox_insert",
       "INSERT INTO outbox (event_id, event_type, correlation_id, body, order_token) "
       "VALUES ($1, $2, $3, $4, NULLIF($5, '')::uuid)",
       event_id, ev.type, ev.correlation_id, std::string(buf.GetString(), buf.GetSize()),
       ev.order_token);
  return event_id;
}

}  // namespace checkout::persistence
