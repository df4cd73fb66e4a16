#include "actors/audit/audit_store.hpp"

#include <limits>

#include "actors/order/sql_time.hpp"
#include "persistence/sql.hpp"

namespace checkout::audit_store {

using persistence::exec;

void insert(pqxx::transaction_base& txn, const audit::record& r) {
  exec(txn, "admin_audit_insert",
       "INSERT INTO admin_audit (admin_sub, action, target, correlation_id, detail) "
       "VALUES ($1, $2, $3, $4, $5::jsonb)",
       r.by.admin, audit::to_string(r.what), r.target, r.by.correlation_id, r.detail);
}

audit::page list(pqxx::transaction_base& txn, const std::optional<std::int64_t>& before,
                 int limit) {
  // Newest first by id, the order entries were written in; the primary key
  // serves both the order and the keyset condition.
  static const std::string sql = "SELECT id, " + epoch_micros("at") +
                                 ", admin_sub, action, target, correlation_id, detail::text "
                                 "FROM admin_audit WHERE id < $1 ORDER BY id DESC LIMIT $2";
  // One row more than the page tells whether another page follows.
  auto rows = exec(txn, "admin_audit_list", sql.c_str(),
                   before.value_or(std::numeric_limits<std::int64_t>::max()), limit + 1);
  std::vector<audit::entry> out;
  out.reserve(rows.size());
  for (auto row : rows) {
    audit::entry e;
    e.id = row[0].as<std::int64_t>();
    e.at = row[1].as<std::int64_t>();
    e.admin = row[2].as<std::string>();
    e.action = row[3].as<std::string>();
    e.target = row[4].as<std::string>();
    e.correlation_id = row[5].as<std::string>();
    e.detail = row[6].as<std::string>();
    out.push_back(std::move(e));
  }
  return audit::cut_page(std::move(out), static_cast<std::size_t>(limit));
}

}  // namespace checkout::audit_store
