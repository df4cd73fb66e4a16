#include "persistence/migrate.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <set>

namespace checkout::persistence {
namespace {

// Any constant works; it only has to be the same in every process.
constexpr long long migration_lock_key = 0x636865636b6f7574;  // "checkout"

}  // namespace

migrate_result migrate(const std::string& database_url) {
  migrate_result out;
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    // Held until commit: a second process waits here, then sees what we applied.
    txn.exec("SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")");
    txn.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    std::set<std::string> done;
    for (auto row : txn.exec("SELECT version FROM schema_migrations"))
      done.insert(row[0].as<std::string>());
    for (auto& m : embedded_migrations()) {
      if (done.count(m.version)) continue;
      txn.exec(m.sql);
      txn.exec_params0("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
      out.applied.push_back(m.version);
    }
    txn.commit();
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace checkout::persistence
