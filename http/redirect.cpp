#include "http/redirect.hpp"

namespace checkout::http {

std::string header_safe_url(const std::string& url) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7F) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

response see_other(const std::string& location) {
  response res;
  res.status = 303;
  res.content_type = "text/plain; charset=utf-8";
  auto safe = header_safe_url(location);
  res.body = "See Other: " + safe + "\n";
  res.headers.emplace_back("Location", safe);
  return res;
}

}  // namespace checkout::http
