#include "http/security_headers.hpp"

#include <string>

#include "http/ascii.hpp"
#include "http/csp.hpp"

namespace checkout::http {
namespace {

// Not a page: nothing in it may load or run, and nobody may frame it.
const char* const api_csp = "default-src 'none'; frame-ancestors 'none'";
// A page whose route named no policy: it may show its markup and no more.
const char* const bare_page_csp =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

bool is_html(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return iequals(media, "text/html");
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

bool server_owned_header(std::string_view name) {
  for (const char* owned : {"X-Content-Type-Options", "Referrer-Policy", "Cache-Control",
                            "X-Frame-Options", "Vary", "Pragma"}) {
    if (iequals(name, owned)) return true;
  }
  return starts_with_ci(name, "Access-Control-");
}

header_list security_headers(std::string_view content_type, std::string_view route_csp) {
  header_list out;
  out.emplace_back("X-Content-Type-Options", "nosniff");
  out.emplace_back("Referrer-Policy", "no-referrer");
  // Every answer is per caller (carts, orders, payment pages): none may be
  // kept by a browser or a shared cache.
  out.emplace_back("Cache-Control", "no-store");
  if (is_html(content_type)) {
    out.emplace_back("Content-Security-Policy", route_csp.empty()
                                                    ? std::string(bare_page_csp)
                                                    : with_frame_ancestors_none(route_csp));
    // For browsers older than CSP's frame-ancestors.
    out.emplace_back("X-Frame-Options", "DENY");
  } else {
    out.emplace_back("Content-Security-Policy", route_csp.empty()
                                                    ? std::string(api_csp)
                                                    : with_frame_ancestors_none(route_csp));
  }
  return out;
}

}  // namespace checkout::http
