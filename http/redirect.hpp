// 303 See Other: after a form POST the browser goes to `location` with a GET
// (the sandbox page's buttons, the gateways' return page).
#pragma once

#include <string>

#include "http/request.hpp"

namespace checkout::http {

// `url` safe as a header value: control characters, spaces and non-ASCII
// bytes percent-encoded, so a stored URL can never split the header.
std::string header_safe_url(const std::string& url);

response see_other(const std::string& location);

}  // namespace checkout::http
