#include "http/cors.hpp"

#include "http/ascii.hpp"

namespace checkout::http {
namespace {

// Fixed lists rather than echoes of the request: the actual request still
// meets the router's 405 and the usual authentication.
const char* const allowed_methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const char* const allowed_headers =
    "Authorization, Content-Type, Idempotency-Key, X-Correlation-ID";
const char* const exposed_headers = "X-Correlation-ID, Idempotent-Replayed, Retry-After";
// Ten minutes: Chromium caps the cache at two hours anyway, and a shorter
// cache lets a changed CORS_ALLOWED_ORIGINS take effect soon.
const char* const max_age_seconds = "600";

}  // namespace

cors_policy::cors_policy(std::vector<std::string> allowed_origins)
    : allowed_(std::move(allowed_origins)) {}

bool cors_policy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  for (const auto& o : allowed_)
    if (iequals(o, origin)) return true;
  return false;
}

header_list cors_policy::answer_headers(std::string_view origin) const {
  header_list out;
  if (!enabled()) return out;
  out.emplace_back("Vary", "Origin");
  if (!allows(origin)) return out;
  // The browser compares this byte for byte with what it sent.
  out.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  out.emplace_back("Access-Control-Expose-Headers", exposed_headers);
  return out;
}

header_list cors_policy::preflight_headers(std::string_view origin) const {
  header_list out;
  if (!allows(origin)) return out;
  out.emplace_back("Access-Control-Allow-Methods", allowed_methods);
  out.emplace_back("Access-Control-Allow-Headers", allowed_headers);
  out.emplace_back("Access-Control-Max-Age", max_age_seconds);
  return out;
}

bool is_preflight(std::string_view method, std::string_view origin,
                  std::string_view request_method) {
  return method == "OPTIONS" && !origin.empty() && !request_method.empty();
}

}  // namespace checkout::http
