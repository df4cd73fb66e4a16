#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "http/ascii.hpp"

namespace checkout::http {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_v4_mapped(const config::ip_bytes& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

// The elements of the combined list, left to right; empty elements (which
// list syntax allows) are dropped.
std::vector<std::string_view> elements(const std::vector<std::string_view>& values) {
  std::vector<std::string_view> out;
  for (auto v : values) {
    while (true) {
      auto comma = v.find(',');
      auto e = trim_blanks(v.substr(0, comma));
      if (!e.empty()) out.push_back(e);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

}  // namespace

trusted_proxies::trusted_proxies(const std::vector<std::string>& ranges) {
  for (auto& r : ranges)
    if (auto c = config::parse_cidr(r)) ranges_.push_back(*c);
}

bool trusted_proxies::contains(const config::ip_bytes& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const config::cidr& c) { return c.contains(address); });
}

std::optional<config::ip_bytes> parse_forwarded_element(std::string_view element) {
  auto e = trim_blanks(element);
  if (e.empty()) return std::nullopt;
  if (e.front() == '[') {
    auto close = e.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = e.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && all_digits(rest.substr(1)))) return std::nullopt;
    auto inner = e.substr(1, close - 1);
    if (inner.find(':') == std::string_view::npos) return std::nullopt;  // "[1.2.3.4]"
    return config::parse_ip(inner);
  }
  auto colon = e.find(':');
  // One colon: IPv4 with a port. Several: a bare IPv6 address (no port possible).
  if (colon != std::string_view::npos && e.find(':', colon + 1) == std::string_view::npos) {
    if (!all_digits(e.substr(colon + 1))) return std::nullopt;
    e = e.substr(0, colon);
    if (e.find(':') != std::string_view::npos) return std::nullopt;
  }
  return config::parse_ip(e);
}

config::ip_bytes client_address(const config::ip_bytes& peer,
                                const std::vector<std::string_view>& forwarded_for,
                                const trusted_proxies& trusted) {
  if (!trusted.contains(peer)) return peer;
  auto list = elements(forwarded_for);
  config::ip_bytes nearest = peer;  // the right-most address checked so far
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    auto address = parse_forwarded_element(*it);
    if (!address) return nearest;
    if (!trusted.contains(*address)) return *address;
    nearest = *address;
  }
  return nearest;
}

std::string address_key(const config::ip_bytes& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_v4_mapped(a)) {
    inet_ntop(AF_INET, a.data() + 12, text, sizeof text);
    return text;
  }
  unsigned char prefix[16] = {};
  std::memcpy(prefix, a.data(), 8);
  inet_ntop(AF_INET6, prefix, text, sizeof text);
  return std::string(text) + "/64";
}

std::string client_key(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                       const trusted_proxies& trusted) {
  auto p = config::parse_ip(peer);
  if (!p) return "unknown";
  return address_key(client_address(*p, forwarded_for, trusted));
}

}  // namespace checkout::http
