// SQL for orders, their lines, history, payment attempts and enrollments;
// plain functions run inside a db_job, each call one transaction's worth.
#pragma once

#include <caf/expected.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/order/order_record.hpp"

namespace checkout::order_store {

struct placement {
  std::string order_token;
  std::string user_id;
  std::string idempotency_key;
  std::string correlation_id;
  cart_view cart;        // the cart as priced when the order was asked for
  payment_info payment;  // the first attempt (ignored for a free order)
  micros expires_at = 0;
};

// Checks prices, holds seats, converts the cart and writes the order, its
// lines, history and first payment attempt — or, for a total of 0, enrolls at
// once. Nothing is written unless every check passes.
caf::expected<order_record> place(pqxx::transaction_base& txn, const placement& p);

std::optional<order_record> load(pqxx::transaction_base& txn, const std::string& token);
std::optional<std::string> find_by_key(pqxx::transaction_base& txn, const std::string& user_id,
                                       const std::string& key);
std::optional<std::string> find_by_gateway_order(pqxx::transaction_base& txn,
                                                 const std::string& gateway_order_id);

// A sandbox payment attempt by its token.
std::optional<payment_info> find_sandbox_payment(pqxx::transaction_base& txn,
                                                 const std::string& payment_token);

// Records a gateway event in the inbox; false if it was recorded before.
bool record_webhook(pqxx::transaction_base& txn, const std::string& gateway,
                    const std::string& event_id, const std::string& event_type,
                    const std::string& order_token, const std::string& result);
// The result an earlier delivery of the event got, if any.
std::optional<std::string> webhook_result(pqxx::transaction_base& txn, const std::string& gateway,
                                          const std::string& event_id);

// Moves the order to `to` if it is still at `version`; writes the history.
bool transition(pqxx::transaction_base& txn, const order_record& order, order_status to,
                const std::string& reason);

void update_payment(pqxx::transaction_base& txn, const std::string& payment_token,
                    const std::string& status, const std::string& gateway_payment_id);

// One enrollment per order line; returns the ids of the ones created now.
std::vector<std::string> enroll(pqxx::transaction_base& txn, const order_record& order,
                                const std::string& correlation_id);

std::vector<enrollment_record> enrollments_of(pqxx::transaction_base& txn,
                                              const std::string& user_id);

// The `data` of an order event (CONTRACT §9).
std::string order_event_data(const order_record& order);

}  // namespace checkout::order_store
