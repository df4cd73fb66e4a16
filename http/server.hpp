// Asynchronous Boost.Beast HTTP/1.1 server: keep-alive, 64 KiB body limit
// (413), read/idle timeouts, one strand per connection. A request is handed to
// the router and the response is written when the responder fires, so no I/O
// thread ever waits on an actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace checkout::http {

struct server_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port (tests)
  int threads = 1;
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds read_timeout{30};
  // A request whose responder has not fired by then is answered 503 (code 9504).
  std::chrono::milliseconds response_timeout{60000};
  // Called once per answered request (metrics); may be empty. `route` is the
  // matched pattern, or "unmatched" when no route answered (404, 400, 413).
  // Runs on an I/O thread: it must not block.
  std::function<void(const std::string& route, int status, double seconds)> on_response;
};

class server {
 public:
  server(server_options opts, std::shared_ptr<const router> routes);
  ~server();
  // Binds and starts the I/O threads; returns false (and logs) if binding fails.
  bool start();
  // Stops the I/O threads and closes every connection; idempotent. Must not be
  // called from an I/O thread (a handler).
  void stop();
  std::uint16_t port() const;  // the bound port

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace checkout::http
