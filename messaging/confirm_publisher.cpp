#include "messaging/confirm_publisher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"

namespace checkout::messaging {
namespace {

void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

bool confirm_publisher::open(std::string* error) {
  if (!conn_->open_channel(channel_, error)) return false;
  amqp_confirm_select(conn_->state(), channel_);
  if (!conn_->check_last(channel_, "confirm.select", error)) return false;
  next_tag_ = 1;
  return true;
}

std::vector<bool> confirm_publisher::publish(const std::string& exchange,
                                             const std::vector<outgoing_message>& messages,
                                             std::chrono::milliseconds timeout, stop_signal* stop,
                                             std::string* error) {
  const std::size_t n = messages.size();
  std::vector<bool> confirmed(n, false);
  std::vector<bool> returned(n, false);
  std::map<std::uint64_t, std::size_t> outstanding;  // delivery tag -> message index
  // basic.return names no delivery tag, only the message: its message_id
  // says which of ours it was.
  std::unordered_multimap<std::string, std::size_t> by_message_id;
  amqp_connection_state_t state = conn_->state();
  last_returned_ = 0;

  for (std::size_t i = 0; i < n; ++i) {
    const outgoing_message& m = messages[i];
    table_builder headers;
    for (const auto& [key, value] : m.headers) headers.add_string(key, value);
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
                   AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.message_id = as_bytes(m.message_id);
    props.headers = headers.table();
    int status = amqp_basic_publish(state, channel_, as_bytes(exchange), as_bytes(m.routing_key),
                                    /*mandatory=*/1, /*immediate=*/0, &props, as_bytes(m.body));
    if (!conn_->check_status(status, "basic.publish", error)) return confirmed;
    outstanding.emplace(next_tag_++, i);
    by_message_id.emplace(m.message_id, i);
  }

  auto resolve = [&](std::uint64_t tag, bool multiple, bool ack) {
    auto settle = [&](std::size_t i) { confirmed[i] = ack && !returned[i]; };
    if (multiple) {
      // Tag 0 with multiple set means "everything outstanding".
      auto end = tag == 0 ? outstanding.end() : outstanding.upper_bound(tag);
      for (auto it = outstanding.begin(); it != end; ++it) settle(it->second);
      outstanding.erase(outstanding.begin(), end);
    } else if (auto it = outstanding.find(tag); it != outstanding.end()) {
      settle(it->second);
      outstanding.erase(it);
    }
  };

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!outstanding.empty()) {
    amqp_maybe_release_buffers(state);  // the previous frame has been dealt with
    if (stop != nullptr && stop->requested()) {
      set_error(error, "stopped while waiting for publisher confirms");
      return confirmed;
    }
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      // Late confirms would still be matched by tag, but a broker this slow is
      // better reconnected to.
      set_error(error, "timed out waiting for publisher confirms (" +
                           std::to_string(outstanding.size()) + " unanswered)");
      conn_->check_status(AMQP_STATUS_TIMEOUT, "publisher confirms", nullptr);
      return confirmed;
    }
    // Short slices so that a stop request is noticed quickly.
    left = std::min<std::chrono::microseconds>(left, std::chrono::milliseconds(100));
    timeval tv{static_cast<time_t>(left.count() / 1000000),
               static_cast<suseconds_t>(left.count() % 1000000)};
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(state, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (!conn_->check_status(status, "waiting for publisher confirms", error)) return confirmed;
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;

    const amqp_method_t& method = frame.payload.method;
    if (method.id == AMQP_CONNECTION_CLOSE_METHOD ||
        (method.id == AMQP_CHANNEL_CLOSE_METHOD && frame.channel == channel_)) {
      set_error(error, conn_->on_close_frame(frame));
      return confirmed;
    }
    if (frame.channel != channel_) continue;
    switch (method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* ack = static_cast<amqp_basic_ack_t*>(method.decoded);
        resolve(ack->delivery_tag, ack->multiple != 0, true);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        auto* nack = static_cast<amqp_basic_nack_t*>(method.decoded);
        spdlog::warn("broker nacked publish {} (multiple={})", nack->delivery_tag,
                     nack->multiple != 0);
        set_error(error, "nacked by broker");
        resolve(nack->delivery_tag, nack->multiple != 0, false);
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        // An unroutable mandatory publish: the broker sends the return before
        // its ack, and the ack must then not count as delivered.
        auto* ret = static_cast<amqp_basic_return_t*>(method.decoded);
        std::string reason = std::to_string(ret->reply_code) + " " + to_string(ret->reply_text);
        std::string key = to_string(ret->routing_key);
        amqp_message_t message;
        amqp_rpc_reply_t reply = amqp_read_message(state, channel_, &message, 0);
        if (!conn_->check(reply, channel_, "reading returned message", error)) return confirmed;
        std::string id = message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG
                             ? to_string(message.properties.message_id)
                             : std::string();
        amqp_destroy_message(&message);
        spdlog::warn("broker returned message {} (routing key {}): {}", id, key, reason);
        ++last_returned_;
        set_error(error, "returned by broker (routing key " + key + "): " + reason);
        auto [first, last] = by_message_id.equal_range(id);
        if (first == last) {
          // Not recognisable as one of ours: better to send them all again
          // than to count a returned one as delivered.
          std::fill(returned.begin(), returned.end(), true);
        }
        for (auto it = first; it != last; ++it) returned[it->second] = true;
        break;
      }
      default:
        break;
    }
  }
  return confirmed;
}

}  // namespace checkout::messaging
