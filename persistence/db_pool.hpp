// A small pool of detached CAF actors, each owning one PostgreSQL connection.
// libpqxx blocks, so no query ever runs on CAF's shared scheduler threads or on
// an Asio I/O thread: an actor sends a db_job and awaits the reply.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <caf/message.hpp>
#include <functional>
#include <pqxx/connection>
#include <string>

namespace checkout::persistence {

// A unit of work run on a pool thread with that thread's connection. It returns
// the reply message (values or a single caf::error). An exception thrown by the
// task becomes a db error reply; a lost connection is re-opened once and the
// task retried before the error is returned.
using db_task = std::function<caf::message(pqxx::connection&)>;

struct db_job {
  db_task run;
};

// Errors of category "db": the HTTP layer maps them to 503 (retryable).
enum class db_errc : std::uint8_t { unavailable = 1, failed = 2 };
const caf::atom_value db_error_category = caf::atom("db");
caf::error make_db_error(db_errc code, std::string what);

// Spawns `size` detached workers behind a round-robin caf::actor_pool. Each
// connection prepares a statement once, on first use (persistence/sql.hpp).
caf::actor spawn_db_pool(caf::actor_system& sys, const std::string& url, size_t size);

}  // namespace checkout::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::persistence::db_job)
