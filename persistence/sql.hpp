// Runs a named prepared statement, declaring it on the connection first.
// Declaring is idempotent and cheap, so call sites keep the SQL next to the
// code that uses it while each connection still parses a statement only once.
#pragma once

#include <pqxx/pqxx>
#include <utility>

namespace checkout::persistence {

template <class... Args>
pqxx::result exec(pqxx::transaction_base& txn, const char* name, const char* sql, Args&&... args) {
  txn.conn().prepare(name, sql);
  return txn.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace checkout::persistence
