// Text for HTML: pages the service serves and the confirmation email's HTML part.
#pragma once

#include <cstdint>
#include <string>

namespace checkout {

std::string escape_html(const std::string& s);
// "431.76" from minor units (two decimals, the currencies sold here).
std::string amount_text(std::int64_t minor);
// "INR 431.76" from minor units (the currency escaped for HTML).
std::string money_text(std::int64_t minor, const std::string& currency);

}  // namespace checkout
