#include "http/correlation_id.hpp"

#include <random>

#include "http/uuid.hpp"

namespace checkout::http {
namespace {

bool allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Correlation ids need uniqueness, not secrecy: if the CSPRNG is unavailable a
// request still gets an id rather than failing.
std::string fallback_id() {
  std::random_device rd;
  std::string out = "cid-";
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    auto v = rd();
    for (int k = 0; k < 4; ++k, v >>= 4) out.push_back(hex[v & 0x0F]);
  }
  return out;
}

}  // namespace

bool valid_correlation_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!allowed(c)) return false;
  }
  return true;
}

std::string correlation_id_for(std::string_view from_header) {
  if (valid_correlation_id(from_header)) return std::string(from_header);
  if (auto id = uuid_v4()) return *id;
  return fallback_id();
}

}  // namespace checkout::http
