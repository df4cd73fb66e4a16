// End-to-end support: runs the real checkoutd binary against the PostgreSQL and
// RabbitMQ that scripts/test started, and talks to it over HTTP on loopback.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/test_services.hpp"

namespace e2e {

struct reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  rapidjson::Document json() const;
};

// A loopback port nobody listens on now.
unsigned short free_port();

// One HTTP/1.1 request on a fresh connection.
reply call(unsigned short port, const std::string& method, const std::string& target,
           const std::string& body = {},
           const std::vector<std::pair<std::string, std::string>>& headers = {});

// How a server runs besides its settings.
struct server_options {
  // When set, the child's stderr (its log) is appended to this file instead
  // of going to the test's stderr.
  std::string stderr_path;
};

// A checkoutd child process. The destructor stops it (SIGTERM, then SIGKILL).
class server {
 public:
  explicit server(std::map<std::string, std::string> env = {});
  server(std::map<std::string, std::string> env, server_options opts);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  unsigned short port() const { return port_; }
  // Starts on the same port again after kill_hard (a restart).
  void start();
  void kill_hard();  // SIGKILL: no clean shutdown at all
  bool running() const { return pid_ > 0; }
  // Whether the child still runs (reaps it when it has exited on its own).
  bool alive();
  // SIGTERM, as an orchestrator stops an instance; the child then drains.
  void terminate();
  // Its exit status once it has exited within `limit` (reaped), else -1.
  int wait_exit(std::chrono::milliseconds limit);

 private:
  std::map<std::string, std::string> env_;
  server_options opts_;
  unsigned short port_ = 0;
  int pid_ = -1;
};

// A test suite whose tests share one checkoutd, started before its first test
// and stopped after its last. `Suite` is the deriving class (each suite gets
// its own server); a suite that needs settings declares its own static env().
template <class Suite>
class shared_server : public ::testing::Test {
 public:
  static void SetUpTestSuite() { srv = new server(Suite::env()); }
  static void TearDownTestSuite() {
    delete srv;
    srv = nullptr;
  }
  static std::map<std::string, std::string> env() { return {}; }

 protected:
  static server* srv;
};

template <class Suite>
server* shared_server<Suite>::srv = nullptr;

// A string member of a JSON object, or "" when absent or not a string.
inline std::string str(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string();
}

// How a checkoutd run to its end went: its exit status (-1 when it was still
// running at the limit and was killed: it accepted its settings and served)
// and what it wrote to stdout and stderr.
struct exit_result {
  int code = -1;
  std::string output;
};
// Runs checkoutd with exactly `env` (nothing inherited) and `args` until it
// exits, or kills it after `limit`.
exit_result run_to_exit(const std::map<std::string, std::string>& env,
                        std::vector<std::string> args = {},
                        std::chrono::milliseconds limit = std::chrono::seconds(15));

std::string token_for(const std::string& user_id, bool admin = false);
// A user's token with an `email` claim (the confirmation emails, CONTRACT §16).
std::string token_with_email(const std::string& user_id, const std::string& email);
std::string unique(const std::string& prefix);
std::string razorpay_signature(const std::string& body);
std::string webhook_secret();
// The JWT_SECRET every test server runs with.
std::string jwt_signing_secret();
// The status column of a cart's row, read straight from PostgreSQL.
std::string cart_status(const std::string& token);
// The first column of the first row of `sql` with one text parameter, read
// straight from PostgreSQL ("" when there is no row or it is NULL).
std::string db_value(const std::string& sql, const std::string& param);
// The same, for a statement that writes (committed).
std::string db_write(const std::string& sql, const std::string& param);
// A statement without parameters (DDL a test sets up), committed.
void db_exec(const std::string& sql);

using test_services::eventually;

}  // namespace e2e
