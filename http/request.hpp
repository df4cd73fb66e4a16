// What a handler sees of an HTTP request, and how it answers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkout::http {

struct request {
  std::string method;                         // "GET", "POST", ...
  std::string target;                         // as received, with the query
  std::string path;                           // percent-decoded path without the query
  std::map<std::string, std::string> query;   // decoded query parameters
  std::map<std::string, std::string> params;  // path parameters, filled by the router
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer;            // the TCP peer's address ("127.0.0.1", "::1"), empty if unknown
  std::string correlation_id;  // from X-Correlation-ID when valid, else generated
  std::string route;           // the matched route pattern (for metrics), set by the router

  // Case-insensitive header lookup; empty when absent.
  std::string header(std::string_view name) const;
};

struct response {
  int status = 200;
  std::string body;  // the complete envelope
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// Hands one response back to the connection that asked. Copyable and callable
// from any thread (it posts onto the connection's strand); only the first
// send counts.
class responder {
 public:
  using sink = std::function<void(response)>;
  responder() = default;
  explicit responder(sink s);
  void send(response r) const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

using handler = std::function<void(request&&, responder)>;

}  // namespace checkout::http
