#include "actors/common/page_cursor.hpp"

#include <cstdint>

#include "actors/common/text.hpp"

namespace checkout::page_cursor {
namespace {

constexpr std::string_view version_tag = "v1:";
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of a base64url character, or -1.
int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16 |
                      static_cast<unsigned char>(bytes[i + 1]) << 8 |
                      static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
  } else if (rest == 2) {
    std::uint32_t n =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
  }
  return out;
}

// Strict: no padding, no white space, and unused trailing bits must be zero
// (checked by encoding the result again), so each byte string has one cursor.
std::optional<std::string> unbase64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = sextet(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (base64url(out) != text) return std::nullopt;
  return out;
}

}  // namespace

std::string encode(const std::string& position) {
  std::string plain(version_tag);
  plain += position;
  return base64url(plain);
}

std::optional<std::string> decode(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > max_cursor_length) return std::nullopt;
  auto plain = unbase64url(cursor);
  if (!plain || plain->size() <= version_tag.size() ||
      std::string_view(*plain).substr(0, version_tag.size()) != version_tag)
    return std::nullopt;
  auto position = plain->substr(version_tag.size());
  if (!valid_text(position)) return std::nullopt;
  return position;
}

std::optional<int> parse_limit(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > max_limit) return std::nullopt;
  return value;
}

}  // namespace checkout::page_cursor
