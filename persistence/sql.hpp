// Runs a named prepared statement, declaring it on the connection first.
// Declaring is idempotent and cheap, so call sites keep the SQL next to the
// code that uses it while each connection still parses a statement only once.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

namespace checkout::persistence {

// A PostgreSQL array literal for a TEXT[] parameter, every element quoted
// (libpqxx 6 binds no std::vector).
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

template <class... Args>
pqxx::result exec(pqxx::transaction_base& txn, const char* name, const char* sql, Args&&... args) {
  txn.conn().prepare(name, sql);
  return txn.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace checkout::persistence
