#include "persistence/db_pool.hpp"

#include <spdlog/spdlog.h>

#include <caf/actor_pool.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <memory>
#include <pqxx/pqxx>
#include <string_view>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"

namespace checkout::persistence {
namespace {

struct worker_state {
  std::string url;
  std::unique_ptr<pqxx::connection> conn;
  static inline const char* name = actor_kinds::db_worker.name;
};

// Opens the worker's connection on first use and after it broke.
pqxx::connection& connection(worker_state& st) {
  if (!st.conn || !st.conn->is_open()) st.conn = std::make_unique<pqxx::connection>(st.url);
  return *st.conn;
}

// PostgreSQL's error text goes on with DETAIL lines that quote the row or
// key values ("Failing row contains (...)"): a webhook's raw body, a stored
// response. Only the first line (the error itself, no values) is logged and
// passed on.
std::string summary(const std::exception& e) {
  std::string_view what = e.what();
  return std::string(what.substr(0, what.find('\n')));
}

caf::message run_job(worker_state& st, db_job& job) {
  for (int attempt = 0;; ++attempt) {
    try {
      return job.run(connection(st));
    } catch (const pqxx::broken_connection& e) {
      st.conn.reset();
      // A connection that broke between jobs is re-opened and the job retried
      // once; a job is one transaction, so a retry cannot apply it twice.
      if (attempt == 0) continue;
      spdlog::warn("database unavailable: {}", summary(e));
      return caf::make_message(make_db_error(db_errc::unavailable, summary(e)));
    } catch (const pqxx::in_doubt_error& e) {
      st.conn.reset();
      spdlog::error("database commit in doubt: {}", summary(e));
      return caf::make_message(make_db_error(db_errc::unavailable, summary(e)));
    } catch (const std::exception& e) {
      auto what = summary(e);
      spdlog::error("database job failed: {}", what);
      if (st.conn && !st.conn->is_open()) st.conn.reset();
      return caf::make_message(make_db_error(db_errc::failed, std::move(what)));
    }
  }
}

caf::behavior db_worker(instrumented_actor<worker_state>* self, std::string url) {
  self->state.url = std::move(url);
  return {
      [=](db_job& job) -> caf::message { return run_job(self->state, job); },
  };
}

}  // namespace

caf::error make_db_error(db_errc code, std::string what) {
  return caf::error(static_cast<std::uint8_t>(code), db_error_category,
                    caf::make_message(std::move(what)));
}

caf::actor spawn_db_pool(caf::actor_system& sys, const std::string& url, size_t size) {
  metrics::registry::instance().db_pool_connections().store(static_cast<std::int64_t>(size));
  auto factory = [&sys, url] { return sys.spawn<caf::detached>(db_worker, url); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), size, factory,
                               caf::actor_pool::round_robin());
}

}  // namespace checkout::persistence
