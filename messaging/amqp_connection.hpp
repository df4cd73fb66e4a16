// One AMQP connection, owned by a single thread (rabbitmq-c connections are not
// thread-safe). It remembers when the socket or the broker failed it, so that
// its owner reconnects instead of reusing a dead connection.
#pragma once

#include <amqp.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "messaging/amqp_url.hpp"

namespace checkout::messaging {

class amqp_connection {
 public:
  // Connects and logs in; nullptr with *error set on failure. `name` shows up
  // in the management UI, which tells operators which component is which.
  // A positive `timeout` bounds the connect and the login together (a health
  // check); zero keeps the defaults (3 s to connect, 10 s per call).
  static std::unique_ptr<amqp_connection> open(const amqp_endpoint& endpoint,
                                               const std::string& name, std::string* error,
                                               std::chrono::milliseconds timeout = {});
  // `urls` is AMQP_URL, one node or several of a cluster (amqp_url.hpp). The
  // nodes are tried in their order from `first_node` (wrapping around), each
  // once, and the first that answers is used: node() says which. A positive
  // `timeout` bounds all the tries together, so a node that never answers
  // leaves time for the others; with zero each node gets the defaults.
  static std::unique_ptr<amqp_connection> open(const std::string& urls, const std::string& name,
                                               std::string* error,
                                               std::chrono::milliseconds timeout = {},
                                               std::size_t first_node = 0);

  ~amqp_connection();
  amqp_connection(const amqp_connection&) = delete;
  amqp_connection& operator=(const amqp_connection&) = delete;

  amqp_connection_state_t state() const { return state_; }
  // Which entry of the URL list this connection went to (0 for an endpoint),
  // and that node as "host:port" for logs.
  std::size_t node() const { return node_; }
  const std::string& node_name() const { return node_name_; }
  bool healthy() const { return !broken_; }

  bool open_channel(amqp_channel_t channel, std::string* error);

  // Checks the reply of a synchronous call made on `channel`. Any failure
  // leaves the connection unhealthy: a closed channel or connection is
  // acknowledged to the broker, a socket error ends the connection.
  bool check(const amqp_rpc_reply_t& reply, amqp_channel_t channel, const char* what,
             std::string* error);
  // The same for the reply of the last *_declare/_bind/... call.
  bool check_last(amqp_channel_t channel, const char* what, std::string* error);
  // For calls that return a status code (publish, ack, nack).
  bool check_status(int status, const char* what, std::string* error);

  // Handles a channel.close / connection.close method that arrived
  // asynchronously (outside a synchronous call): answers it and marks the
  // connection unhealthy. Returns a description for the log.
  std::string on_close_frame(const amqp_frame_t& frame);

  // For a connection that is idle between uses: reads whatever the broker
  // sent without blocking and sends a heartbeat when one is due, so the broker
  // does not drop the connection. False (with *error) if it is unusable.
  bool poll_idle(std::string* error);

 private:
  amqp_connection() = default;

  amqp_connection_state_t state_ = nullptr;
  bool broken_ = false;
  bool socket_dead_ = false;  // nothing more can be sent, not even connection.close
  std::size_t node_ = 0;
  std::string node_name_;
};

std::string describe_reply(const amqp_rpc_reply_t& reply);

// Non-owning view of a std::string for rabbitmq-c calls.
inline amqp_bytes_t as_bytes(const std::string& s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}
inline std::string to_string(amqp_bytes_t b) {
  return b.bytes == nullptr ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len);
}

}  // namespace checkout::messaging
