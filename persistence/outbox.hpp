// Writes an event into the outbox inside the caller's transaction (CONTRACT §9
// message shape), so it is published if and only if the state change commits.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace checkout::persistence {

struct outbox_event {
  std::string type;  // routing key, e.g. "order.paid"
  std::string order_token;
  std::string user_id;
  std::string correlation_id;
  std::string data_json = "{}";  // the `data` object, already JSON
};

struct queued_event {
  outbox_event ev;
  std::string event_id;
  std::string occurred_at;  // RFC 3339
};

// Returns the new event id.
std::string enqueue_event(pqxx::transaction_base& txn, const outbox_event& ev,
                          const std::string& event_id, const std::string& occurred_at);
// Several events in one statement (one round trip), in their order.
void enqueue_events(pqxx::transaction_base& txn, const std::vector<queued_event>& events);

}  // namespace checkout::persistence
