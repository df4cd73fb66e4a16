// AMQP_URL: amqp://user:pass@host:port/vhost (vhost percent-encoded, "%2f" =
// "/"), or several nodes of one RabbitMQ cluster separated by commas:
//
//   amqp://u:p@rabbit1:5672/shop,amqp://u:p@rabbit2:5672/shop
//
// Every entry is a whole amqp:// URL (no bare host:port inheriting from the
// first): each entry reads on its own, and nothing has to guess whether
// "rabbit2/shop" names a vhost. Users and vhosts are cluster-wide, so entries
// that disagree on user, password or vhost are a mistake and refused, as are
// empty entries and a node named twice. A comma inside a password must be
// written %2C.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace checkout::messaging {

struct amqp_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
};

// One URL (no commas).
std::optional<amqp_endpoint> parse_amqp_url(const std::string& url);

// The nodes of AMQP_URL in their order; std::nullopt with *error saying which
// entry is wrong and why (never a password).
std::optional<std::vector<amqp_endpoint>> parse_amqp_urls(const std::string& urls,
                                                          std::string* error);

// AMQP_URL with every entry's password replaced by "***", for logs. An entry
// that does not parse shows as "<unparsable amqp url>": where its password
// would be cannot be known.
std::string redact_amqp_url(const std::string& urls);

// "host:port" of a node, for logs (no credentials at all).
std::string node_name(const amqp_endpoint& endpoint);

}  // namespace checkout::messaging
