#include "messaging/amqp_url.hpp"

#include <charconv>
#include <string_view>

namespace checkout::messaging {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

constexpr std::string_view scheme = "amqp://";

}  // namespace

std::optional<amqp_endpoint> parse_amqp_url(const std::string& url) {
  std::string_view rest(url);
  if (rest.substr(0, scheme.size()) != scheme) return std::nullopt;
  rest.remove_prefix(scheme.size());
  // Options such as ?heartbeat= are not supported; ignoring them beats refusing
  // a URL that other clients accept.
  if (auto q = rest.find_first_of("?#"); q != std::string_view::npos) rest = rest.substr(0, q);

  amqp_endpoint ep;
  std::string_view authority = rest;
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }

  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    std::string_view user = userinfo;
    std::optional<std::string_view> password;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    }
    auto u = percent_decode(user);
    if (!u) return std::nullopt;
    ep.user = *u;
    if (password) {
      auto p = percent_decode(*password);
      if (!p) return std::nullopt;
      ep.password = *p;
    }
  }

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!host.empty()) {
    auto h = percent_decode(host);
    if (!h) return std::nullopt;
    ep.host = *h;
  }
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    ep.port = static_cast<std::uint16_t>(value);
  }

  // "amqp://host/" would strictly name the empty vhost; nobody means that, so
  // an empty path keeps the default "/".
  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos) return std::nullopt;  // must be encoded as %2f
    auto v = percent_decode(path);
    if (!v) return std::nullopt;
    ep.vhost = *v;
  }
  return ep;
}

namespace {

// The entries of a comma-separated list, spaces around them trimmed; an empty
// entry stays (as "") so that the caller can refuse it.
std::vector<std::string> split_entries(const std::string& urls) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (true) {
    auto comma = urls.find(',', begin);
    auto entry = urls.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    auto first = entry.find_first_not_of(" \t");
    auto last = entry.find_last_not_of(" \t");
    out.push_back(first == std::string::npos ? std::string()
                                             : entry.substr(first, last - first + 1));
    if (comma == std::string::npos) return out;
    begin = comma + 1;
  }
}

std::string redact_one(const std::string& url) {
  if (!parse_amqp_url(url)) return "<unparsable amqp url>";
  std::string_view view(url);
  auto authority_end = view.find_first_of("/?#", scheme.size());
  auto at = view.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < scheme.size()) return url;
  auto colon = view.substr(0, at).find(':', scheme.size());
  if (colon == std::string_view::npos) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

std::optional<std::vector<amqp_endpoint>> parse_amqp_urls(const std::string& urls,
                                                          std::string* error) {
  auto fail = [&](std::string why) -> std::optional<std::vector<amqp_endpoint>> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  const auto entries = split_entries(urls);
  std::vector<amqp_endpoint> nodes;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    // Entries are counted from 1, as an operator reads the list.
    const std::string which = entries.size() > 1 ? "entry " + std::to_string(i + 1) + " " : "";
    if (entries[i].empty()) return fail(which + "is empty");
    auto node = parse_amqp_url(entries[i]);
    if (!node) return fail(which + "'" + redact_one(entries[i]) + "' is not an amqp:// URL");
    if (!nodes.empty()) {
      const auto& first = nodes.front();
      if (node->user != first.user || node->password != first.password)
        return fail(which + "has other credentials than entry 1 (one cluster, one user)");
      if (node->vhost != first.vhost)
        return fail(which + "names vhost '" + node->vhost + "', entry 1 '" + first.vhost + "'");
    }
    for (const auto& earlier : nodes)
      if (earlier.host == node->host && earlier.port == node->port)
        return fail(which + "names node " + node_name(*node) + " a second time");
    nodes.push_back(std::move(*node));
  }
  return nodes;
}

std::string redact_amqp_url(const std::string& urls) {
  std::string out;
  for (const auto& entry : split_entries(urls)) {
    if (!out.empty()) out += ",";
    out += redact_one(entry);
  }
  return out;
}

std::string node_name(const amqp_endpoint& endpoint) {
  bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

}  // namespace checkout::messaging
