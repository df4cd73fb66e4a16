// A real HTTP/1.1 server on 127.0.0.1 for tests (port 0: any free port), with
// faults that can be switched on from the test's thread: a delay before every
// answer, answers held until the test releases them, 5xx answers, connections
// dropped without an answer. One request per connection (the client under
// test opens a fresh one each time).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace checkout::testing {

struct fake_request {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const;
};

struct fake_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool drop = false;  // close the connection instead of answering
};

using fake_handler = std::function<fake_response(const fake_request&)>;

class fake_http_server {
 public:
  // `handler` runs on the server's threads; it must be thread-safe.
  explicit fake_http_server(fake_handler handler);
  ~fake_http_server();
  fake_http_server(const fake_http_server&) = delete;
  fake_http_server& operator=(const fake_http_server&) = delete;

  std::uint16_t port() const;
  std::string base_url() const;  // http://127.0.0.1:<port>

  // Every answer waits this long first (the request is handled after the wait).
  void set_delay(std::chrono::milliseconds delay);
  // From now on requests that arrive wait, unhandled, until release(): a
  // gateway that hangs for exactly as long as the test wants, so a test can
  // show what happens *while* a call is stuck instead of timing it.
  void hold();
  // Handles (and answers) every held request, as if it had just arrived, and
  // stops holding. An answer to a client that gave up meanwhile is lost, but
  // the handler has run (a held create still creates).
  void release();
  // Requests waiting in hold() now.
  int held() const;
  // The next `n` requests get `status` without reaching the handler.
  void fail_next(int n, int status = 500);
  // Every request gets `status` while on.
  void fail_all(bool on, int status = 500);
  // The next `n` connections are closed after the request arrived, unanswered
  // and without reaching the handler.
  void drop_next(int n);
  // Requests that arrived (complete), whatever became of them.
  int requests() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace checkout::testing
