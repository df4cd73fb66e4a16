#include "http/routes/html_page.hpp"

namespace checkout::http {

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

std::string money_text(std::int64_t minor, const std::string& currency) {
  auto units = std::to_string(minor / 100);
  auto cents = std::to_string(minor % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return escape_html(currency) + " " + units + "." + cents;
}

response html_page(int status, const std::string& title, const std::string& body) {
  response res;
  res.status = status;
  res.content_type = "text/html; charset=utf-8";
  res.body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape_html(title) +
             "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:3em "
             "auto\"><h1>" +
             escape_html(title) + "</h1>" + body + "</body></html>";
  return res;
}

}  // namespace checkout::http
