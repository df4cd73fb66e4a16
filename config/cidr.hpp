// Address ranges written as CIDR ("10.0.0.0/8", "::1/128", or a bare address):
// parsed once from TRUSTED_PROXIES, matched against each peer address.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace checkout::config {

// An address in IPv6 form: IPv4 is held as ::ffff:a.b.c.d so one range type
// serves both families.
using ip_bytes = std::array<std::uint8_t, 16>;

// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt otherwise.
std::optional<ip_bytes> parse_ip(std::string_view text);

struct cidr {
  ip_bytes network{};
  int prefix = 128;  // in bits of the 16-byte form
  bool contains(const ip_bytes& address) const;
};

// "a.b.c.d/n" (n 0-32), "x::y/n" (n 0-128) or a bare address; nullopt otherwise.
std::optional<cidr> parse_cidr(std::string_view text);

}  // namespace checkout::config
