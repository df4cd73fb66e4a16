#include "http/options.hpp"

#include <vector>

#include "http/envelope.hpp"

namespace checkout::http {
namespace {

const char* const every_method = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

error_view origin_refused() {
  return {403, 1403,  "Cross-origin requests from this origin are not allowed.",
          {},  false, "Call the API from an origin listed in CORS_ALLOWED_ORIGINS."};
}

response no_content(header_list headers) {
  response r;
  r.status = 204;
  r.headers = std::move(headers);
  return r;
}

std::vector<std::string> split_methods(const std::string& allow) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= allow.size()) {
    auto comma = allow.find(',', at);
    auto item = allow.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    auto first = item.find_first_not_of(' ');
    auto last = item.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

std::string allow_header_of(const response& r) {
  for (const auto& [name, value] : r.headers)
    if (name == "Allow") return value;
  return {};
}

}  // namespace

std::string allow_with_head_and_options(const std::string& allow) {
  auto methods = split_methods(allow);
  std::vector<std::string> out;
  bool has_head = false;
  for (const auto& m : methods) has_head = has_head || m == "HEAD";
  for (const auto& m : methods) {
    if (m == "OPTIONS") continue;
    out.push_back(m);
    if (m == "GET" && !has_head) out.push_back("HEAD");
  }
  out.push_back("OPTIONS");
  std::string joined;
  for (const auto& m : out) joined += (joined.empty() ? "" : ", ") + m;
  return joined;
}

void answer_options(const router& routes, const cors_policy& cors, request&& req, responder out) {
  auto origin = req.header("Origin");
  if (is_preflight(req.method, origin, req.header("Access-Control-Request-Method"))) {
    if (cors.allows(origin)) {
      // The server adds the preflight headers (Access-Control-* are its own).
      out.send(no_content({}));
    } else {
      response refused;
      refused.status = 403;
      refused.body = error_body(origin_refused(), req.correlation_id);
      out.send(std::move(refused));
    }
    return;
  }
  if (req.target == "*") {
    out.send(no_content({{"Allow", every_method}}));
    return;
  }
  // The router knows the path's methods: it answers an OPTIONS it has no
  // route for with 405 and their list, or 404 for an unknown path.
  routes.dispatch(std::move(req), responder([out](response r) {
                    if (r.status == 405) {
                      r = no_content({{"Allow", allow_with_head_and_options(allow_header_of(r))}});
                    }
                    out.send(std::move(r));
                  }));
}

}  // namespace checkout::http
