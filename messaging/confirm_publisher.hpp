// Publishing with publisher confirms: a message counts as sent only once the
// broker acknowledged it (after routing it and, for persistent messages to
// durable queues, after storing it). Publishes are mandatory: the broker acks
// a message that no queue took just like a delivered one, so without
// mandatory an event published while its queue is missing (a reset broker, a
// deleted binding) would be confirmed, marked published and lost. With it,
// the broker returns the message first and the publisher counts it as not
// confirmed.
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

  // Publishes persistent, mandatory JSON messages to `exchange` and waits up
  // to `timeout` for the broker's verdict on each. Element i is true only if
  // message i was acked (not nacked, not returned, not left unanswered).
  // A return or a nack leaves the connection usable and only describes itself
  // in *error; anything else leaves the connection unhealthy with *error set,
  // so the caller reconnects.
  std::vector<bool> publish(const std::string& exchange,
                            const std::vector<outgoing_message>& messages,
                            std::chrono::milliseconds timeout, stop_signal* stop,
                            std::string* error);

  // How many messages of the last publish() the broker returned unroutable.
  std::size_t last_returned() const { return last_returned_; }

 private:
  amqp_connection* conn_;
  amqp_channel_t channel_;
  // The broker numbers publishes on a confirm channel 1, 2, ... and refers to
  // them by that number in basic.ack / basic.nack.
  std::uint64_t next_tag_ = 1;
  std::size_t last_returned_ = 0;
};

}  // namespace checkout::messaging
