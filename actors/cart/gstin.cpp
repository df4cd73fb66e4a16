#include "actors/cart/gstin.hpp"

namespace checkout {
namespace {

constexpr const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

int value_of(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

bool letter(char c) {
  return c >= 'A' && c <= 'Z';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

char gstin_check_char(const std::string& first14) {
  int sum = 0;
  for (size_t i = 0; i < 14 && i < first14.size(); ++i) {
    int product = value_of(first14[i]) * (i % 2 == 0 ? 1 : 2);
    sum += product / 36 + product % 36;
  }
  return alphabet[(36 - sum % 36) % 36];
}

std::optional<std::string> gstin_problem(const std::string& g) {
  if (g.size() != 15) return "gstin must have 15 characters";
  for (char c : g)
    if (!letter(c) && !digit(c)) return "gstin must be upper-case letters and digits";
  if (!digit(g[0]) || !digit(g[1])) return "gstin must start with a two-digit state code";
  int state = (g[0] - '0') * 10 + (g[1] - '0');
  if (!((state >= 1 && state <= 38) || state == 97))
    return "gstin starts with " + g.substr(0, 2) + ", which is no state code";
  for (size_t i = 2; i < 7; ++i)
    if (!letter(g[i]))
      return "gstin's characters 3-12 must be a PAN (5 letters, 4 digits, 1 letter)";
  for (size_t i = 7; i < 11; ++i)
    if (!digit(g[i]))
      return "gstin's characters 3-12 must be a PAN (5 letters, 4 digits, 1 letter)";
  if (!letter(g[11]))
    return "gstin's characters 3-12 must be a PAN (5 letters, 4 digits, 1 letter)";
  if (g[12] == '0') return "gstin's 13th character (the entity number) must be 1-9 or A-Z";
  if (g[13] != 'Z') return "gstin's 14th character must be Z";
  if (gstin_check_char(g) != g[14]) return "gstin's check character does not match";
  return std::nullopt;
}

}  // namespace checkout
