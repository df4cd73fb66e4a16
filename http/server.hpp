// Asynchronous Boost.Beast HTTP/1.1 server: keep-alive, 64 KiB body limit
// (413), 16 KiB header limit (431), whole-message deadlines for slow clients,
// a connection cap, CORS and security headers on every answer, HEAD and
// OPTIONS; one strand per connection. A request is handed to
// the router and the response is written when the responder fires, so no I/O
// thread ever waits on an actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/router.hpp"

namespace checkout::http {

struct server_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port (tests)
  int threads = 1;
  std::size_t body_limit = 64 * 1024;
  // Request line and headers together; beyond it: 431 (code 1431).
  std::uint32_t header_limit = 16 * 1024;
  // Whole-message deadlines (slow clients are cut, not waited for): the
  // header within header_timeout (of the connection, or of the first byte of
  // a kept-alive connection's next request), the body within body_timeout,
  // the next request on a kept-alive connection within idle_timeout, one
  // response written within write_timeout.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  // Live connections beyond this are answered 503 and closed at accept.
  int max_connections = 10000;
  // Exact origins allowed cross-origin access (CORS); empty: none.
  std::vector<std::string> cors_allowed_origins;
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
  // Connections open now, and refused so far for being over max_connections.
  std::int64_t open_connections() const;
  std::int64_t refused_connections() const;
  // Requests read and not yet answered to the end.
  std::int64_t requests_in_flight() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace checkout::http
