#include "config/url_template.hpp"

namespace checkout::config {

std::string replace_all(std::string text, const std::string& placeholder,
                        const std::string& value) {
  if (placeholder.empty()) return text;
  for (auto at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
  return text;
}

std::string cart_url(const settings& s, const std::string& cart_token) {
  // The base URL first: a token is a UUID and never holds a placeholder.
  return replace_all(replace_all(s.cart_url_template, "{PUBLIC_BASE_URL}", s.public_base_url),
                     "{token}", cart_token);
}

}  // namespace checkout::config
