#include "actors/invoice/invoice_store.hpp"

#include "actors/order/sql_time.hpp"
#include "persistence/sql.hpp"

namespace checkout::invoice_store {
namespace {

using persistence::exec;

// The next number of series $1 (when `guard` holds), as the CTE `n` the
// document's INSERT reads.
std::string next_number(const std::string& guard) {
  return "n AS (INSERT INTO document_counters (series, last_no) SELECT $1, 1 " + guard +
         " ON CONFLICT (series) DO UPDATE SET last_no = document_counters.last_no + 1 "
         "RETURNING last_no) ";
}

constexpr const char* at_param = "'epoch'::timestamptz + $3::bigint * interval '1 microsecond'";

}  // namespace

void issue(pqxx::transaction_base& txn, const std::string& order_token, micros at,
           const invoice::party& seller) {
  static const std::string sql = std::string("WITH ") + next_number("") +
                                 "INSERT INTO invoices (series, seq, order_token, issued_at, "
                                 "seller) SELECT $1, n.last_no, $2::uuid, " +
                                 at_param + ", $4::jsonb FROM n";
  exec(txn, "invoice_issue", sql.c_str(), invoice::invoice_series(at), order_token, at,
       invoice::party_to_json(seller));
}

void credit(pqxx::transaction_base& txn, const std::string& order_token, micros at,
            const std::string& reason) {
  static const std::string sql =
      std::string("WITH ") +
      next_number("WHERE EXISTS (SELECT 1 FROM invoices WHERE order_token = $2::uuid)") +
      "INSERT INTO credit_notes (series, seq, order_token, issued_at, reason) "
      "SELECT $1, n.last_no, $2::uuid, " +
      at_param + ", $4 FROM n";
  exec(txn, "invoice_credit", sql.c_str(), invoice::credit_note_series(at), order_token, at,
       reason);
}

stored find(pqxx::transaction_base& txn, const std::string& order_token) {
  static const std::string sql =
      "SELECT o.invoice_facts::text, i.series, i.seq, " + epoch_micros("i.issued_at") +
      ", i.seller::text, c.series, c.seq, " + epoch_micros("c.issued_at") +
      ", c.reason FROM orders o LEFT JOIN invoices i ON i.order_token = o.token "
      "LEFT JOIN credit_notes c ON c.order_token = o.token WHERE o.token = $1::uuid";
  stored s;
  auto rows = exec(txn, "invoice_find", sql.c_str(), order_token);
  if (rows.empty()) return s;
  auto& r = rows[0];
  if (!r[0].is_null()) s.facts = invoice::facts_from_json(r[0].as<std::string>());
  if (!r[1].is_null()) {
    s.invoice = invoice::issue_record{r[1].as<std::string>(), r[2].as<std::int64_t>(),
                                      r[3].as<std::int64_t>()};
    s.seller = invoice::party_from_json(r[4].as<std::string>());
  }
  if (!r[5].is_null()) {
    s.credit_note = invoice::issue_record{r[5].as<std::string>(), r[6].as<std::int64_t>(),
                                          r[7].as<std::int64_t>()};
    s.credit_reason = r[8].as<std::string>();
  }
  return s;
}

}  // namespace checkout::invoice_store
