// Publishing with publisher confirms: a message counts as sent only once the
// broker acknowledged it (after routing it and, for persistent messages to
// durable queues, after storing it).
#pragma once

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "messaging/stop_signal.hpp"

namespace checkout::messaging {

class amqp_connection;

struct outgoing_message {
  std::string routing_key;
  std::string message_id;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class confirm_publisher {
 public:
  confirm_publisher(amqp_connection& conn, amqp_channel_t channel)
      : conn_(&conn), channel_(channel) {}

  // Opens the channel and switches it to confirm mode.
  bool open(std::string* error);

  // Publishes persistent JSON messages (mandatory=false) to `exchange` and
  // waits up to `timeout` for the broker's verdict on each. Element i is true
  // only if message i was acked (not nacked, not returned, not left
  // unanswered). Anything but a clean answer leaves the connection unhealthy
  // with *error set, so the caller reconnects.
  std::vector<bool> publish(const std::string& exchange,
                            const std::vector<outgoing_message>& messages,
                            std::chrono::milliseconds timeout, stop_signal* stop,
                            std::string* error);

 private:
  amqp_connection* conn_;
  amqp_channel_t channel_;
  // The broker numbers publishes on a confirm channel 1, 2, ... and refers to
  // them by that number in basic.ack / basic.nack.
  std::uint64_t next_tag_ = 1;
};

}  // namespace checkout::messaging
