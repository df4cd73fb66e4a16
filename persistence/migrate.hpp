// Applies the SQL files of persistence/migrations (embedded at build time) in
// order, each once, inside one transaction under a PostgreSQL advisory lock, so
// two processes starting at once never collide.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace checkout::persistence {

struct migration {
  std::string version;  // the file name, e.g. "0001_initial.sql"
  std::string sql;
};

// The migrations compiled into this binary, in order.
const std::vector<migration>& embedded_migrations();

struct migrate_result {
  bool ok = false;
  std::vector<std::string> applied;  // versions applied by this call
  std::string error;
};

migrate_result migrate(const std::string& database_url);

}  // namespace checkout::persistence
