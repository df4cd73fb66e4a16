#include "http/csp.hpp"

#include <openssl/sha.h>

#include <algorithm>

#include "actors/common/base64.hpp"
#include "http/ascii.hpp"

namespace checkout::http {
namespace {

std::string_view directive_name(std::string_view directive) {
  return directive.substr(0, directive.find_first_of(" \t"));
}

}  // namespace

csp_builder& csp_builder::allow(const std::string& directive, const std::string& source) {
  auto it = std::find_if(directives_.begin(), directives_.end(),
                         [&](const auto& d) { return d.first == directive; });
  if (it == directives_.end()) {
    directives_.push_back({directive, {}});
    it = std::prev(directives_.end());
  }
  if (std::find(it->second.begin(), it->second.end(), source) == it->second.end())
    it->second.push_back(source);
  return *this;
}

std::string csp_builder::str() const {
  std::string out;
  for (const auto& [name, sources] : directives_) {
    if (!out.empty()) out += "; ";
    out += name;
    for (const auto& s : sources) out += " " + s;
  }
  return out;
}

std::string csp_hash(std::string_view content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  return "'sha256-" +
         base64(std::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH)) +
         "'";
}

std::string with_frame_ancestors_none(std::string_view csp) {
  std::string out;
  while (!csp.empty()) {
    auto semi = csp.find(';');
    auto directive = trim_blanks(csp.substr(0, semi));
    csp = semi == std::string_view::npos ? std::string_view{} : csp.substr(semi + 1);
    if (directive.empty() || iequals(directive_name(directive), "frame-ancestors")) continue;
    out.append(directive).append("; ");
  }
  return out + "frame-ancestors 'none'";
}

}  // namespace checkout::http
