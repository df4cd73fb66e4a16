// Standard base64 with padding (RFC 4648 §4), by OpenSSL: HTTP Basic
// credentials, CSP hashes, RFC 2047 mail headers.
#pragma once

#include <string>
#include <string_view>

namespace checkout {

std::string base64(std::string_view bytes);

}  // namespace checkout
