// Invoices and credit notes in PostgreSQL (CONTRACT §16). Each number comes
// from its series' row in document_counters, incremented by the statement
// that writes the document: the row stays locked until the transaction ends,
// so numbers are consecutive across instances and a rollback leaves no gap.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "actors/invoice/invoice_document.hpp"

namespace checkout::invoice_store {

// The order's invoice, numbered in the series of `at`'s financial year. Call
// it last before the commit: the series row is held from here to the end.
void issue(pqxx::transaction_base& txn, const std::string& order_token, micros at,
           const invoice::party& seller);

// The credit note of a refund, when the order has an invoice (an order that
// was never paid has none, and gets none).
void credit(pqxx::transaction_base& txn, const std::string& order_token, micros at,
            const std::string& reason);

struct stored {
  std::optional<invoice::facts> facts;
  std::optional<invoice::issue_record> invoice;
  invoice::party seller;
  std::optional<invoice::issue_record> credit_note;
  std::string credit_reason;
};

// What is stored for the order's invoice (nothing issued: no `invoice`).
stored find(pqxx::transaction_base& txn, const std::string& order_token);

}  // namespace checkout::invoice_store
