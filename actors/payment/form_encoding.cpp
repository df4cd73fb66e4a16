#include "actors/payment/form_encoding.hpp"

namespace checkout::payment {
namespace {

constexpr char hex_upper[] = "0123456789ABCDEF";

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void escape_byte(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(hex_upper[c >> 4]);
  out.push_back(hex_upper[c & 0x0f]);
}

void form_escape(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    if (is_alnum(c) || c == '*' || c == '-' || c == '.' || c == '_')
      out.push_back(static_cast<char>(c));
    else if (c == ' ')
      out.push_back('+');
    else
      escape_byte(out, c);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> form_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string form_key(std::initializer_list<std::string_view> path) {
  std::string key;
  bool first = true;
  for (auto part : path) {
    if (first) {
      key.append(part);
      first = false;
    } else {
      key.push_back('[');
      key.append(part);
      key.push_back(']');
    }
  }
  return key;
}

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    form_escape(out, key);
    out.push_back('=');
    form_escape(out, value);
  }
  return out;
}

std::optional<form_fields> form_decode(std::string_view body) {
  form_fields fields;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto amp = body.find('&', pos);
    auto pair =
        body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto key = form_unescape(pair.substr(0, eq));
      auto value =
          form_unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
      if (!key || !value) return std::nullopt;
      fields.emplace_back(std::move(*key), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return fields;
}

std::string url_encode_component(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      escape_byte(out, c);
  }
  return out;
}

}  // namespace checkout::payment
