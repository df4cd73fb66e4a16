// The relay's side of the outbox table: claims unpublished rows, marks the ones
// the broker confirmed, and listens for the insert trigger's NOTIFY. Owns one
// PostgreSQL connection, used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <string>
#include <vector>

namespace checkout::messaging {

struct outbox_row {
  std::int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::string correlation_id;
  std::string body;
};

struct outbox_batch {
  std::size_t claimed = 0;
  std::size_t published = 0;
};

class outbox_store {
 public:
  // Connects and LISTENs; nullptr with *error set on failure.
  static std::unique_ptr<outbox_store> connect(const std::string& database_url, std::string* error);
  ~outbox_store();

  bool healthy() const { return !broken_; }

  // In one transaction: claims up to `limit` unpublished rows in id order,
  // skipping rows another relay holds, passes them to `publish` and marks
  // published exactly the rows for which it returned true. The row locks last
  // until the commit, so two relays never publish the same batch.
  using publish_fn = std::function<std::vector<bool>(const std::vector<outbox_row>&)>;
  std::optional<outbox_batch> run_batch(int limit, const publish_fn& publish, std::string* error);

  std::optional<std::int64_t> count_pending(std::string* error);

  // Waits up to `timeout` for NOTIFY outbox: true if one arrived (or had
  // arrived since the last call), false on timeout, nullopt on error.
  std::optional<bool> wait_for_notification(std::chrono::milliseconds timeout, std::string* error);

 private:
  class listener;
  outbox_store() = default;
  void on_error(const std::exception& e, const char* what, std::string* error);

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<listener> listener_;
  bool broken_ = false;
};

}  // namespace checkout::messaging
