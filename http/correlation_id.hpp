// The X-Correlation-ID rule of CONTRACT §1.
#pragma once

#include <string>
#include <string_view>

namespace checkout::http {

// 1–128 characters of [A-Za-z0-9._-].
bool valid_correlation_id(std::string_view id);

// The client's id when valid, otherwise a fresh UUIDv4.
std::string correlation_id_for(std::string_view from_header);

}  // namespace checkout::http
