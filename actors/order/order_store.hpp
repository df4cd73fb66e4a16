// SQL for orders, their lines, history, payment attempts and enrollments;
// plain functions run inside a db_job, each call one transaction's worth.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/order/order_record.hpp"
#include "persistence/idempotency.hpp"
#include "persistence/outbox.hpp"

namespace checkout::order_store {

std::optional<order_record> load(pqxx::transaction_base& txn, const std::string& token);
std::optional<std::string> find_by_key(pqxx::transaction_base& txn, const std::string& user_id,
                                       const std::string& key);
std::optional<std::string> find_by_gateway_order(pqxx::transaction_base& txn,
                                                 const std::string& gateway_order_id);
// A payment attempt by its token (any gateway).
std::optional<payment_info> find_payment(pqxx::transaction_base& txn,
                                         const std::string& payment_token);
// A sandbox payment attempt by its token.
std::optional<payment_info> find_sandbox_payment(pqxx::transaction_base& txn,
                                                 const std::string& payment_token);

// The order row, its lines and its first history entry; sets created_at.
void insert_order(pqxx::transaction_base& txn, order_record& o);
// A new attempt, written as 'pending' before the gateway is called; its
// created_at is kept exactly (the gateway call derives values from it).
void insert_attempt(pqxx::transaction_base& txn, const std::string& order_token,
                    const payment_info& p);
// What the gateway answered for a pending attempt.
void set_session(pqxx::transaction_base& txn, const std::string& payment_token,
                 const std::string& gateway_order_id, const std::string& checkout_url);
// set_session and the placement's key completed with `body`, in one
// statement: both, when the attempt was still pending, or neither (false).
bool set_session_completing_key(pqxx::transaction_base& txn, const std::string& payment_token,
                                const std::string& gateway_order_id,
                                const std::string& checkout_url,
                                const persistence::idempotency_key_ref& key,
                                const std::string& body);
void update_payment(pqxx::transaction_base& txn, const std::string& payment_token,
                    const std::string& status, const std::string& gateway_payment_id);
void set_refund(pqxx::transaction_base& txn, const std::string& payment_token,
                const std::string& refund_id);

// Moves the order to `to` if it is still at its `version`; writes the history
// (its time in *at, when given).
bool transition(pqxx::transaction_base& txn, const order_record& order, order_status to,
                const std::string& reason, micros* at = nullptr);
void add_history(pqxx::transaction_base& txn, const std::string& token, order_status s,
                 const std::string& reason);

// Periodic work on an order that asks a gateway; each has its own lease.
enum class order_job { expiry_check, payment_sync };
// Takes the job's lease on the order for `length` unless another instance
// holds it; false when it does (then that instance does the work).
bool take_lease(pqxx::transaction_base& txn, const std::string& token, order_job job,
                std::chrono::milliseconds length);

// Events a step writes together, in one statement (emit).
using event_batch = std::vector<persistence::queued_event>;

// One enrollment per order line; returns the ids of the ones created now. Their
// events go into *events when given (for emit to write), else into the outbox.
std::vector<std::string> enroll(pqxx::transaction_base& txn, const order_record& order,
                                const std::string& correlation_id, event_batch* events = nullptr);
void revoke_enrollments(pqxx::transaction_base& txn, const std::string& order_token);
std::vector<enrollment_record> enrollments_of(pqxx::transaction_base& txn,
                                              const std::string& user_id);
// The first of `internship_ids` the user holds an active enrollment for.
std::optional<std::string> enrolled_in(pqxx::transaction_base& txn, const std::string& user_id,
                                       const std::vector<std::string>& internship_ids);

// An order event (CONTRACT §9) into the outbox, in the caller's transaction.
// With `before`, those events first, all in one statement.
void emit(pqxx::transaction_base& txn, const order_record& o, const std::string& type,
          const std::string& correlation_id, event_batch before = {});
// The `data` of an order event.
std::string order_event_data(const order_record& order);

}  // namespace checkout::order_store
