// The headers every answer carries whatever the route (CONTRACT §13): no
// MIME sniffing, no Referer leaking tokens from a URL, nothing stored by a
// cache, and a Content-Security-Policy that forbids framing.
#pragma once

#include <string_view>

#include "http/cors.hpp"

namespace checkout::http {

// Headers a route may not set: the server sets them on every answer.
bool server_owned_header(std::string_view name);

// The security headers of an answer of `content_type`. `route_csp` is the
// Content-Security-Policy the route chose for its page (empty: none); it is
// kept, with frame-ancestors forced to 'none'. Without one an HTML answer
// gets a policy that allows nothing at all.
header_list security_headers(std::string_view content_type, std::string_view route_csp);

}  // namespace checkout::http
