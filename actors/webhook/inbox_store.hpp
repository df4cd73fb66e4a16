// SQL for the webhook inbox (`webhook_events`): an event is stored before the
// gateway is answered, applied to its order later, and marked applied in the
// order's own transaction, so each (gateway, event id) changes an order once.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/webhook/gateway_event.hpp"
#include "actors/webhook/webhook_log.hpp"

namespace checkout::inbox_store {

// The order an event is about, and the gateway of the payment attempt that
// identified it: by our payment token, the gateway's order or session id, the
// gateway's payment id, then our order token (its latest attempt; "" when it
// has none). Any gateway's attempt matches: the caller judges the gateway.
struct order_match {
  std::string order_token;
  std::string attempt_gateway;
};
std::optional<order_match> find_order(pqxx::transaction_base& txn, const gateway_event& ev);

// Where an event stands in the inbox.
struct entry {
  bool fresh = false;       // stored by this call (the first delivery)
  std::string order_token;  // "" when no order of ours is known
  std::string result;       // pending | applied | duplicate-safe final results
  bool applied = false;     // nothing more to do with it
};

// Stores the event unless it is there already (ON CONFLICT DO NOTHING), and
// answers where it stands. An event naming another gateway's payment
// (`wrong_gateway`), of kind none, or for no known order, is final at once
// (result `wrong_gateway` / `ignored` / `unknown_order`).
entry record(pqxx::transaction_base& txn, const gateway_event& ev, const std::string& order_token,
             const std::string& correlation_id, bool wrong_gateway = false);

// Marks the event applied with `result`, in the transaction that applied it;
// false (with the earlier result) when it had been applied before. Inserts the
// row when it is missing, so an event applied without the intake is kept too:
// with every field of `full` (and `correlation_id`) when given, as record()
// would have written it.
bool mark_applied(pqxx::transaction_base& txn, const std::string& gateway,
                  const std::string& event_id, const std::string& event_type,
                  const std::string& order_token, const std::string& result, std::string* earlier,
                  const gateway_event* full = nullptr, const std::string& correlation_id = {});

// Events stored but not applied, received before `before` (µs since the
// epoch), oldest first. One that failed max_attempts times is left for an
// operator (its last_error says why).
constexpr int max_attempts = 100;
struct unapplied_event {
  gateway_event event;
  std::string order_token;
  std::string correlation_id;
  int attempts = 0;
};
std::vector<unapplied_event> unapplied(pqxx::transaction_base& txn, micros before, int limit);

// A failed try at applying (kept for operators: attempts, last_error).
void note_failure(pqxx::transaction_base& txn, const std::string& gateway,
                  const std::string& event_id, const std::string& error);

// A page of the inbox for operators (GET /admin/webhooks): up to `limit` + 1
// rows newest first, after `before` when given, of one `result` when it is
// not empty (webhook_log::cut_page makes the page).
std::vector<webhook_log::entry> recent(pqxx::transaction_base& txn,
                                       const std::optional<webhook_log::position>& before,
                                       const std::string& result, int limit);

const char* to_string(gateway_event_kind k);
gateway_event_kind kind_from(const std::string& s);

}  // namespace checkout::inbox_store
