// Cross-origin access (CONTRACT §13): which origins may call the API from a
// browser, and the Access-Control-* headers their answers carry. Origins not
// listed get no Access-Control-* header at all, so the browser refuses them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkout::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

class cors_policy {
 public:
  cors_policy() = default;
  // Exact origins ("https://shop.example.com"); empty: no cross-origin access.
  explicit cors_policy(std::vector<std::string> allowed_origins);

  // Scheme and host are case-insensitive in an origin; nothing else is folded.
  bool allows(std::string_view origin) const;
  bool enabled() const { return !allowed_.empty(); }

  // What every answer to `origin` carries (empty when it is not allowed).
  // `Vary: Origin` comes with every answer while any origin is allowed, so a
  // shared cache never serves one origin's answer to another.
  header_list answer_headers(std::string_view origin) const;
  // The extra headers of a 204 preflight answer to an allowed origin.
  header_list preflight_headers(std::string_view origin) const;

 private:
  std::vector<std::string> allowed_;
};

// A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(std::string_view method, std::string_view origin,
                  std::string_view request_method);

}  // namespace checkout::http
