// The few HTML pages the service serves itself (the sandbox gateway, the
// Razorpay hand-off, the return page): escaping and one page layout.
#pragma once

#include <cstdint>
#include <string>

#include "http/request.hpp"

namespace checkout::http {

std::string escape_html(const std::string& s);
// "INR 431.76" from minor units.
std::string money_text(std::int64_t minor, const std::string& currency);
// A whole page; `body` is HTML already escaped.
response html_page(int status, const std::string& title, const std::string& body);

}  // namespace checkout::http
