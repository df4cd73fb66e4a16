// Timestamps travel as microseconds since the epoch (UTC) and print as RFC 3339.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace checkout {

using micros = std::int64_t;

micros now_micros();
std::string to_rfc3339(micros t);
inline micros to_micros(std::chrono::milliseconds d) {
  return d.count() * 1000;
}

}  // namespace checkout
