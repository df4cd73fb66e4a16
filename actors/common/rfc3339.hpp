// Reads RFC 3339 timestamps ("2026-11-22T10:00:00Z", "2026-11-22T15:30:00.25+05:30")
// into microseconds since the epoch (UTC). Pure, so request parsing can reject a
// malformed date as a field error instead of guessing.
#pragma once

#include <optional>
#include <string>

#include "actors/common/time.hpp"

namespace checkout {

// nullopt unless the whole string is a valid RFC 3339 date-time: a real
// calendar date, hours 00-23, minutes and seconds 00-59 (no leap seconds), an
// optional fraction (digits past microseconds are dropped) and `Z` or `±HH:MM`.
std::optional<micros> parse_rfc3339(const std::string& text);

}  // namespace checkout
