// Splitting and decoding a request target ("/a%20b?x=1&y=2").
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace checkout::http {

// Decodes %XX escapes (and '+' as a space when asked, as in query strings).
// A malformed escape is kept literally rather than rejected.
std::string percent_decode(std::string_view in, bool plus_is_space);

struct split_target_result {
  std::string path;  // decoded
  std::map<std::string, std::string> query;
};
// The first occurrence of a repeated query parameter wins.
split_target_result split_target(std::string_view target);

std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace checkout::http
