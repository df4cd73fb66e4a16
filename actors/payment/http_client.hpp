// Blocking outbound HTTP/1.1 for the gateway adapters: one request per call on
// a fresh connection, http:// or https:// (OpenSSL, peer verified against the
// system's CAs, SNI), every step (resolve, connect, TLS handshake, write, read)
// under one total deadline. It blocks the calling thread, so it runs only on
// the gateway actor's detached workers.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkout::payment {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method = "GET";
  std::string url;  // http(s)://host[:port]/path?query
  header_list headers;
  std::string body;
};

struct http_response {
  int status = 0;
  header_list headers;
  std::string body;
  // The first header of that name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// Why no HTTP answer arrived. Distinct from any status: a 500 is an answer.
enum class transport_errc { bad_url, resolve, connect, tls, send, receive, timeout };
const char* to_string(transport_errc code);

struct transport_error {
  transport_errc code = transport_errc::connect;
  std::string detail;
};

struct http_result {
  std::optional<http_response> response;  // set when the server answered
  transport_error error;                  // meaningful only without a response
  bool answered() const { return response.has_value(); }
};

struct parsed_url {
  bool tls = false;
  std::string host;         // without brackets for IPv6 literals
  std::string port;         // "80"/"443" when not given
  std::string host_header;  // as the Host header carries it
  std::string target;       // path and query, at least "/"
};
std::optional<parsed_url> parse_url(std::string_view url);

struct http_client_options {
  std::chrono::milliseconds timeout{5000};  // the whole exchange
  std::string extra_ca_file;                // a PEM to trust as well (tests)
  std::size_t body_limit = 4 * 1024 * 1024;
  std::string user_agent = "checkoutd";
};

class http_client {
 public:
  explicit http_client(http_client_options opts = {});
  ~http_client();
  // Thread-safe: concurrent calls share only the TLS context.
  http_result send(const http_request& req) const;
  const http_client_options& options() const { return opts_; }

 private:
  struct tls_state;
  http_client_options opts_;
  std::shared_ptr<tls_state> tls_;
};

}  // namespace checkout::payment
