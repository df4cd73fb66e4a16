// Random identifiers: tokens are UUIDv4 from OpenSSL's CSPRNG, never sequential.
#pragma once

#include <string>
#include <string_view>

namespace checkout {

std::string new_uuid();
bool is_uuid(std::string_view text);
std::string random_hex(std::size_t bytes);

}  // namespace checkout
