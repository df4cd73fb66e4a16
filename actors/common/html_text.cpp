#include "actors/common/html_text.hpp"

namespace checkout {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string amount_text(std::int64_t minor) {
  auto units = std::to_string(minor / 100);
  auto cents = std::to_string(minor % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return units + "." + cents;
}

std::string money_text(std::int64_t minor, const std::string& currency) {
  return escape_html(currency) + " " + amount_text(minor);
}

}  // namespace checkout
