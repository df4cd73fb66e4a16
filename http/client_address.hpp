// Which client a request is counted against (CONTRACT §13): the TCP peer, or,
// when the peer is one of TRUSTED_PROXIES, the right-most X-Forwarded-For entry
// that is not a trusted proxy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/cidr.hpp"

namespace checkout::http {

class trusted_proxies {
 public:
  trusted_proxies() = default;
  // Parsed once at start-up; entries that are not CIDR ranges are skipped
  // (the settings loader has already refused them).
  explicit trusted_proxies(const std::vector<std::string>& ranges);
  bool contains(const config::ip_bytes& address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<config::cidr> ranges_;
};

// One X-Forwarded-For element: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1",
// "[2001:db8::1]" or "[2001:db8::1]:4711", with optional surrounding blanks.
std::optional<config::ip_bytes> parse_forwarded_element(std::string_view element);

// The client's address. `forwarded_for` holds the X-Forwarded-For header
// values in the order received (several header lines form one list, RFC 9110
// §5.3). Walking it from the right, trusted proxies are skipped and the first
// other address is the client. Everything left of that was written by the
// client itself and is never believed. An element that is not an address ends
// the walk: the client is then the nearest hop that could be checked (the peer,
// or the trusted proxy right of it). When every element is a trusted proxy, the
// left-most one is the client.
config::ip_bytes client_address(const config::ip_bytes& peer,
                                const std::vector<std::string_view>& forwarded_for,
                                const trusted_proxies& trusted);

// The rate-limit key of an address: IPv4 as dotted quad; IPv6 by its /64
// prefix ("2001:db8:1:2::/64"), because one subscriber normally holds a whole
// /64 and could otherwise walk through 2^64 buckets.
std::string address_key(const config::ip_bytes& address);

// The key for a request's peer and X-Forwarded-For headers; "unknown" when
// the peer is not an address (every such request shares one bucket).
std::string client_key(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                       const trusted_proxies& trusted);

}  // namespace checkout::http
