// amqp://user:pass@host:port/vhost (vhost percent-encoded, "%2f" = "/").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace checkout::messaging {

struct amqp_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
};

std::optional<amqp_endpoint> parse_amqp_url(const std::string& url);

// The URL with its password replaced by "***", for logs.
std::string redact_amqp_url(const std::string& url);

}  // namespace checkout::messaging
