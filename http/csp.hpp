// Content-Security-Policy text: a builder for the directives a page needs,
// the hash source that allows one inline <script> or <style> without
// 'unsafe-inline', and the rule that no answer may be framed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkout::http {

class csp_builder {
 public:
  // Adds `source` to `directive` ("script-src", "'self'"); the directive keeps
  // the place of its first mention, its sources their order, duplicates once.
  csp_builder& allow(const std::string& directive, const std::string& source);
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> directives_;
};

// "'sha256-<base64>'" of exactly these bytes (the element's whole content).
std::string csp_hash(std::string_view content);

// `csp` with any frame-ancestors directive replaced by frame-ancestors 'none'.
std::string with_frame_ancestors_none(std::string_view csp);

}  // namespace checkout::http
