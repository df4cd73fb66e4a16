// The database steps of an order's life, each one transaction run inside a
// db_job: the event's effect, its history, its outbox event and (for gateway
// events) its inbox row commit together or not at all. They decide through
// order_state and answer an order_update (or a caf::error) as a caf::message.
#pragma once

#include <caf/message.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "actors/invoice/invoice_document.hpp"
#include "actors/messages.hpp"
#include "actors/order/order_record.hpp"
#include "actors/order/order_state.hpp"
#include "actors/payment/gateway.hpp"
#include "actors/webhook/gateway_event.hpp"
#include "persistence/idempotency.hpp"

namespace checkout::order_steps {

// What a step did: the order as now stored (when it changed) and the result
// to report (applied | already_applied | ignored | duplicate | refund_needed ...).
struct order_update {
  std::optional<order_record> order;
  std::string result;
  // The 201 body stored under the placement's key with the change (key_reply).
  std::string stored_body;
  // When the step ran on a row another instance had moved on: how many
  // history entries that row had (those are the other instance's to count).
  std::optional<std::size_t> history_before;
};

// A new placement's key, completed by the step that finishes the placement
// with the response rendered from the order as that step stored it.
struct key_reply {
  persistence::idempotency_key_ref ref;
  std::function<std::string(const order_record&)> render;
};

// Stores `key`'s 201 response (rendered from `order`) in `txn`; the body.
std::string complete_key(pqxx::transaction_base& txn, const key_reply& key,
                         const order_record& order);

// A gateway event's row in the inbox (CONTRACT §8): marked applied with the
// event's effect, so a duplicate delivery finds it and changes nothing.
struct inbox_entry {
  std::string gateway;
  std::string event_id;
  std::string event_type;
  // The whole event when the inbox has no row for it yet (written with the claim).
  std::optional<gateway_event> unrecorded;
};

struct event_input {
  order_event event;
  std::string payment_id;  // captured: the gateway's payment id
  std::string reason;      // for the history
  std::optional<inbox_entry> inbox;
  std::string correlation_id;
  // About a payment attempt the order has since replaced: a failure there
  // changes nothing (a capture still pays: the money is in).
  bool stale_attempt = false;
  // Who the invoice a capture issues names as the seller (the settings').
  invoice::party seller;
  // The percent of the reward a capture of a referred order gives (the settings').
  int referral_reward_percent = 10;
};

// Applies a payment, window or refund event. A capture after expiry whose
// seats are gone commits nothing and answers "refund_needed".
caf::message apply_event(pqxx::connection& c, const order_record& order, const event_input& in);

// After the gateway refunded a capture that came too late: expired -> refunded.
caf::message finish_late_refund(pqxx::connection& c, const order_record& order,
                                const event_input& in, const std::string& refund_id);

// An operator's refund, after the gateway accepted it: -> refunded, the
// enrollments revoked, seats and coupon uses given back, and the admin's
// audit entry written, all in one transaction (`reason` is the history's).
caf::message finish_refund(pqxx::connection& c, const order_record& order,
                           const std::string& refund_id, const std::string& reason,
                           const refund_order_request& req);

// The enrollment step: paid -> completed with one enrollment per line.
caf::message enroll(pqxx::connection& c, const order_record& order,
                    const std::string& correlation_id);

// A retry: failed -> awaiting_payment with a new 'pending' attempt at `gateway`.
caf::message open_retry(pqxx::connection& c, const order_record& order, const std::string& gateway,
                        const std::string& payment_token, micros now);

// What the gateway answered for the pending attempt; with `key`, the
// placement's response is stored under its key in the same transaction.
caf::message store_session(pqxx::connection& c, const order_record& order,
                           const payment::session& s, const std::optional<key_reply>& key);

caf::message reload(pqxx::connection& c, const std::string& token);

// The order as stored when another process changed it since `version` (the
// enrollment consumer or a webhook may run in another instance); otherwise
// "current" with no order.
caf::message refresh(pqxx::connection& c, const std::string& token, std::int64_t version);
// The stored order when its version is no longer `version` (another process
// moved it on), nullopt while it is.
std::optional<order_record> newer(pqxx::connection& c, const std::string& token,
                                  std::int64_t version);

}  // namespace checkout::order_steps

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::order_steps::order_update)
