#include "messaging/amqp_connection.hpp"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <algorithm>
#include <string>

namespace checkout::messaging {
namespace {

constexpr int connect_timeout_s = 3;
// Synchronous calls (declare, qos, get, close) are quick on a healthy broker;
// a longer wait means the broker is wedged and reconnecting is the better bet.
constexpr int rpc_timeout_s = 10;
// Detects a broker that vanished without closing the socket. Owners call into
// rabbitmq-c at least every few seconds, which is when heartbeats are sent.
constexpr int heartbeat_s = 30;
constexpr int frame_max = 131072;

timeval to_timeval(std::chrono::milliseconds d) {
  return timeval{static_cast<time_t>(d.count() / 1000),
                 static_cast<suseconds_t>((d.count() % 1000) * 1000)};
}

void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

std::string method_close_text(const amqp_method_t& method) {
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* m = static_cast<amqp_connection_close_t*>(method.decoded);
    return "connection closed by broker: " + std::to_string(m->reply_code) + " " +
           to_string(m->reply_text);
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    auto* m = static_cast<amqp_channel_close_t*>(method.decoded);
    return "channel closed by broker: " + std::to_string(m->reply_code) + " " +
           to_string(m->reply_text);
  }
  return "unexpected method " + std::string(amqp_method_name(method.id));
}

}  // namespace

std::string describe_reply(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "missing reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      return method_close_text(reply.reply);
  }
  return "unknown reply";
}

std::unique_ptr<amqp_connection> amqp_connection::open(const std::string& urls,
                                                       const std::string& name, std::string* error,
                                                       std::chrono::milliseconds timeout,
                                                       std::size_t first_node) {
  std::string why;
  auto nodes = parse_amqp_urls(urls, &why);
  if (!nodes) {
    set_error(error, "invalid AMQP_URL: " + why);
    return nullptr;
  }
  const std::size_t count = nodes->size();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string failures;
  for (std::size_t tried = 0; tried < count; ++tried) {
    const std::size_t index = (first_node + tried) % count;
    auto slice = timeout;
    if (timeout.count() > 0) {
      // An equal share of what is left: a node that never answers cannot
      // starve the ones after it, and a node that refuses at once hands its
      // share on.
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      slice = std::max(left / static_cast<long>(count - tried), std::chrono::milliseconds(1));
    }
    std::string node_error;
    auto conn = open((*nodes)[index], name, &node_error, slice);
    if (conn) {
      conn->node_ = index;
      return conn;
    }
    if (count == 1) {
      set_error(error, node_error);
      return nullptr;
    }
    failures += (failures.empty() ? "" : "; ") + node_error;
  }
  set_error(error, "no node of AMQP_URL answered: " + failures);
  return nullptr;
}

std::unique_ptr<amqp_connection> amqp_connection::open(const amqp_endpoint& endpoint,
                                                       const std::string& name, std::string* error,
                                                       std::chrono::milliseconds timeout) {
  std::unique_ptr<amqp_connection> conn(new amqp_connection());
  conn->state_ = amqp_new_connection();
  if (conn->state_ == nullptr) {
    set_error(error, "out of memory creating AMQP connection");
    return nullptr;
  }
  // Until login succeeded there is nothing to close politely.
  conn->broken_ = true;
  conn->socket_dead_ = true;

  amqp_socket_t* socket = amqp_tcp_socket_new(conn->state_);
  if (socket == nullptr) {
    set_error(error, "cannot create TCP socket");
    return nullptr;
  }
  const std::string where = messaging::node_name(endpoint);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  timeval connect_tv = timeout.count() > 0 ? to_timeval(timeout) : timeval{connect_timeout_s, 0};
  int status = amqp_socket_open_noblock(socket, endpoint.host.c_str(), endpoint.port, &connect_tv);
  if (status != AMQP_STATUS_OK) {
    set_error(error, "cannot connect to " + where + ": " + amqp_error_string2(status));
    return nullptr;
  }
  // The login gets what is left of a given timeout (at least a millisecond).
  timeval rpc_tv = timeout.count() > 0
                       ? to_timeval(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 deadline - std::chrono::steady_clock::now()),
                                             std::chrono::milliseconds(1)))
                       : timeval{rpc_timeout_s, 0};
  amqp_set_handshake_timeout(conn->state_, &rpc_tv);
  amqp_set_rpc_timeout(conn->state_, &rpc_tv);

  amqp_table_entry_t property;
  property.key = amqp_cstring_bytes("connection_name");
  property.value.kind = AMQP_FIELD_KIND_UTF8;
  property.value.value.bytes = as_bytes(name);
  amqp_table_t properties{1, &property};
  amqp_rpc_reply_t reply = amqp_login_with_properties(
      conn->state_, endpoint.vhost.c_str(), 0, frame_max, heartbeat_s, &properties,
      AMQP_SASL_METHOD_PLAIN, endpoint.user.c_str(), endpoint.password.c_str());
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    set_error(error,
              "cannot log in to " + where + " as " + endpoint.user + ": " + describe_reply(reply));
    return nullptr;
  }
  conn->broken_ = false;
  conn->socket_dead_ = false;
  conn->node_name_ = messaging::node_name(endpoint);
  return conn;
}

amqp_connection::~amqp_connection() {
  if (state_ == nullptr) return;
  if (!socket_dead_) {
    // Closing politely is a courtesy to the broker; it must not hold up stop().
    timeval close_tv{1, 0};
    amqp_set_rpc_timeout(state_, &close_tv);
    amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(state_);
}

bool amqp_connection::open_channel(amqp_channel_t channel, std::string* error) {
  amqp_channel_open(state_, channel);
  return check_last(channel, "channel.open", error);
}

bool amqp_connection::check_last(amqp_channel_t channel, const char* what, std::string* error) {
  return check(amqp_get_rpc_reply(state_), channel, what, error);
}

bool amqp_connection::check(const amqp_rpc_reply_t& reply, amqp_channel_t channel, const char* what,
                            std::string* error) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return true;
  broken_ = true;
  set_error(error, std::string(what) + ": " + describe_reply(reply));
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION) {
    if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      amqp_channel_close_ok_t ok{};
      amqp_send_method(state_, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    } else if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      amqp_connection_close_ok_t ok{};
      amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      socket_dead_ = true;
    }
  } else {
    socket_dead_ = true;
  }
  return false;
}

bool amqp_connection::check_status(int status, const char* what, std::string* error) {
  if (status == AMQP_STATUS_OK) return true;
  broken_ = true;
  socket_dead_ = true;
  set_error(error, std::string(what) + ": " + amqp_error_string2(status));
  return false;
}

std::string amqp_connection::on_close_frame(const amqp_frame_t& frame) {
  broken_ = true;
  if (frame.frame_type != AMQP_FRAME_METHOD) return "unexpected frame";
  std::string text = method_close_text(frame.payload.method);
  if (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    amqp_channel_close_ok_t ok{};
    amqp_send_method(state_, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
  } else if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    amqp_connection_close_ok_t ok{};
    amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    socket_dead_ = true;
  }
  return text;
}

bool amqp_connection::poll_idle(std::string* error) {
  while (!broken_) {
    amqp_maybe_release_buffers(state_);
    timeval zero{0, 0};
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(state_, &frame, &zero);
    if (status == AMQP_STATUS_TIMEOUT) return true;
    if (!check_status(status, "idle connection", error)) return false;
    if (frame.frame_type == AMQP_FRAME_METHOD &&
        (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD ||
         frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD)) {
      set_error(error, on_close_frame(frame));
    }
    // Anything else (a late publisher confirm, say) is of no interest now.
  }
  return false;
}

}  // namespace checkout::messaging
