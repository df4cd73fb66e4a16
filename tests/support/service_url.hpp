// Where a database or broker URL points, and the same URL pointed at another
// port on loopback: for proxies the tests put in front of the real services.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace test_services {

// host and port of a URL such as amqp://user:pw@host:port/vhost or
// postgresql://user:pw@host:port/db?options.
struct service_address {
  std::string host;
  std::uint16_t port = 0;
};

namespace detail {
// [begin, end) of the authority's host:port part (after any user info).
inline std::pair<std::size_t, std::size_t> host_port_span(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("not a URL: " + url);
  auto begin = scheme + 3;
  auto end = url.find_first_of("/?", begin);
  if (end == std::string::npos) end = url.size();
  auto at = url.rfind('@', end);
  if (at != std::string::npos && at >= begin) begin = at + 1;
  return {begin, end};
}
}  // namespace detail

inline service_address address_of(const std::string& url) {
  auto [begin, end] = detail::host_port_span(url);
  std::string hp = url.substr(begin, end - begin);
  auto colon = hp.rfind(':');
  if (colon == std::string::npos || hp.find(']', colon) != std::string::npos)
    throw std::runtime_error("the URL names no port: " + url);
  service_address a;
  a.host = hp.substr(0, colon);
  if (a.host.size() >= 2 && a.host.front() == '[') a.host = a.host.substr(1, a.host.size() - 2);
  a.port = static_cast<std::uint16_t>(std::stoi(hp.substr(colon + 1)));
  return a;
}

// `url` with its host:port replaced by 127.0.0.1:`port` (a tcp_proxy's),
// everything else (credentials, vhost or database, options) kept.
inline std::string url_via(const std::string& url, std::uint16_t port) {
  auto [begin, end] = detail::host_port_span(url);
  return url.substr(0, begin) + "127.0.0.1:" + std::to_string(port) + url.substr(end);
}

}  // namespace test_services
