#include "messaging/outbox_store.hpp"

#include <pqxx/pqxx>
#include <utility>

namespace checkout::messaging {
namespace {

constexpr const char* claim_sql =
    "SELECT id, event_id::text, event_type, correlation_id, body FROM outbox"
    " WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
constexpr const char* mark_sql =
    "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])";
constexpr const char* count_sql = "SELECT count(*) FROM outbox WHERE published_at IS NULL";

// libpq waits for an unreachable host as long as the kernel lets it; a
// bounded connect keeps the relay's reconnect loop (and stop()) responsive.
std::string with_connect_timeout(const std::string& url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  bool uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!uri) return url + " connect_timeout=3";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=3";
}

std::string array_literal(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "}";
}

}  // namespace

// Remembers that a NOTIFY arrived. libpqxx hands pending notifications to the
// receivers whenever a transaction begins and drops the count, so a NOTIFY
// that lands between two of the relay's transactions (say, after a claim that
// saw no rows and before counting the backlog) never shows in
// await_notification's result; only this flag sees it. Relying on the count
// lost such wake-ups and left the row waiting for the next poll.
class outbox_store::listener final : public pqxx::notification_receiver {
 public:
  explicit listener(pqxx::connection_base& conn) : pqxx::notification_receiver(conn, "outbox") {}
  void operator()(const std::string&, int) override { fired_ = true; }
  // True once per batch of notifications received since the last call.
  bool take() { return std::exchange(fired_, false); }

 private:
  bool fired_ = false;
};

std::unique_ptr<outbox_store> outbox_store::connect(const std::string& database_url,
                                                    std::string* error) {
  std::unique_ptr<outbox_store> store(new outbox_store());
  try {
    store->conn_ = std::make_unique<pqxx::connection>(with_connect_timeout(database_url));
    store->conn_->prepare("outbox_claim", claim_sql);
    store->conn_->prepare("outbox_mark", mark_sql);
    store->conn_->prepare("outbox_count", count_sql);
    store->listener_ = std::make_unique<listener>(*store->conn_);
    return store;
  } catch (const std::exception& e) {
    // libpq's messages name host and user but never the password.
    if (error != nullptr) *error = std::string("cannot connect to PostgreSQL: ") + e.what();
    return nullptr;
  }
}

outbox_store::~outbox_store() {
  // The receiver unregisters from the connection, so it goes first; on a dead
  // connection its UNLISTEN may throw, which must not escape a destructor.
  try {
    listener_.reset();
  } catch (...) {
  }
}

void outbox_store::on_error(const std::exception& e, const char* what, std::string* error) {
  // A failed statement leaves the connection usable; anything else (lost
  // connection, commit outcome unknown) calls for a fresh one.
  if (dynamic_cast<const pqxx::sql_error*>(&e) == nullptr || !conn_->is_open()) broken_ = true;
  if (error != nullptr) *error = std::string(what) + ": " + e.what();
}

std::optional<outbox_batch> outbox_store::run_batch(int limit, const publish_fn& publish,
                                                    std::string* error) {
  try {
    pqxx::work txn(*conn_);
    pqxx::result result = txn.exec_prepared("outbox_claim", limit);
    std::vector<outbox_row> rows;
    rows.reserve(result.size());
    for (const auto& r : result) {
      rows.push_back(outbox_row{r[0].as<std::int64_t>(), r[1].as<std::string>(),
                                r[2].as<std::string>(), r[3].as<std::string>(),
                                r[4].as<std::string>()});
    }
    outbox_batch batch;
    batch.claimed = rows.size();
    if (!rows.empty()) {
      std::vector<bool> confirmed = publish(rows);
      std::vector<std::int64_t> ids;
      for (std::size_t i = 0; i < rows.size() && i < confirmed.size(); ++i) {
        if (confirmed[i]) ids.push_back(rows[i].id);
      }
      if (!ids.empty()) txn.exec_prepared0("outbox_mark", array_literal(ids));
      batch.published = ids.size();
    }
    // If this commit fails the published rows stay pending and go out again:
    // a duplicate, which consumers tolerate (same message_id), never a loss.
    txn.commit();
    return batch;
  } catch (const std::exception& e) {
    on_error(e, "outbox batch", error);
    return std::nullopt;
  }
}

std::optional<std::int64_t> outbox_store::count_pending(std::string* error) {
  try {
    pqxx::nontransaction txn(*conn_);  // one statement: no BEGIN and ROLLBACK around it
    return txn.exec_prepared1("outbox_count")[0].as<std::int64_t>();
  } catch (const std::exception& e) {
    on_error(e, "counting pending outbox rows", error);
    return std::nullopt;
  }
}

std::optional<bool> outbox_store::wait_for_notification(std::chrono::milliseconds timeout,
                                                        std::string* error) {
  try {
    if (listener_->take()) return true;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    conn_->await_notification(static_cast<long>(us / 1000000), static_cast<long>(us % 1000000));
    return listener_->take();
  } catch (const std::exception& e) {
    on_error(e, "waiting for outbox notifications", error);
    return std::nullopt;
  }
}

}  // namespace checkout::messaging
