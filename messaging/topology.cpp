#include "messaging/topology.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"

namespace checkout::messaging {
namespace {

bool declare_exchange(amqp_connection& conn, amqp_channel_t channel, const std::string& name,
                      std::string* error) {
  amqp_exchange_declare(conn.state(), channel, as_bytes(name), amqp_cstring_bytes("topic"),
                        /*passive=*/0, /*durable=*/1, /*auto_delete=*/0, /*internal=*/0,
                        amqp_empty_table);
  return conn.check_last(channel, ("exchange.declare " + name).c_str(), error);
}

bool declare_queue(amqp_connection& conn, amqp_channel_t channel, const std::string& name,
                   amqp_table_t arguments, std::string* error) {
  amqp_queue_declare(conn.state(), channel, as_bytes(name), /*passive=*/0, /*durable=*/1,
                     /*exclusive=*/0, /*auto_delete=*/0, arguments);
  return conn.check_last(channel, ("queue.declare " + name).c_str(), error);
}

bool bind_queue(amqp_connection& conn, amqp_channel_t channel, const std::string& queue,
                const std::string& exchange, const std::string& key, std::string* error) {
  amqp_queue_bind(conn.state(), channel, as_bytes(queue), as_bytes(exchange), as_bytes(key),
                  amqp_empty_table);
  return conn.check_last(channel, ("queue.bind " + queue + " -> " + exchange).c_str(), error);
}

}  // namespace

bool declare_topology(amqp_connection& conn, std::uint16_t channel, const topology_options& opts,
                      const topology_names& names, std::string* error) {
  // The broker dead-letters a message once it was delivered *more* than
  // x-delivery-limit times (verified on 3.10.8: limit 2 gives 3 deliveries),
  // so max_deliveries attempts need a limit of max_deliveries - 1.
  // at-least-once dead-lettering keeps the message in the quorum queue until
  // the DLQ confirmed it; RabbitMQ only honours it with reject-publish
  // overflow (otherwise it silently falls back to at-most-once).
  auto quorum_with_limit = [&](int max_deliveries) {
    table_builder t;
    t.add_string("x-queue-type", "quorum")
        .add_int("x-delivery-limit", std::max(0, max_deliveries - 1))
        .add_string("x-dead-letter-exchange", names.dead_letter_exchange)
        .add_string("x-dead-letter-strategy", "at-least-once")
        .add_string("x-overflow", "reject-publish");
    return t;
  };
  auto quorum = quorum_with_limit(opts.max_deliveries);
  auto notifications = quorum_with_limit(opts.notification_max_deliveries);

  // The DLQ stays classic although it holds what waits for an operator:
  // /admin/dlq lists it by basic.get and requeue, which keeps a classic
  // queue's order, while a quorum queue puts requeued messages at the back
  // and counts every listing as a delivery; and a broker that has it would
  // refuse it as quorum. While its home node is down the enrollment queue's
  // at-least-once dead-lettering keeps the messages until it is back.
  // (Declared with no arguments, like every version before: classic.)

  // Classic, not quorum: a window onto recent traffic that nobody consumes
  // needs no replication. drop-head bounds it by discarding the oldest event;
  // reject-publish would instead nack the relay's publishes and stall the
  // outbox once the queue is full. While its home node is down the broker
  // still confirms publishes (the window just misses them) but refuses to
  // declare it, which is why it is declared last: the refusal then costs
  // nothing the service needs.
  table_builder audit;
  audit.add_string("x-queue-type", "classic")
      .add_int("x-max-length", opts.audit_max_length)
      .add_string("x-overflow", "drop-head");

  return declare_exchange(conn, channel, names.events_exchange, error) &&
         declare_exchange(conn, channel, names.dead_letter_exchange, error) &&
         declare_queue(conn, channel, names.queue, quorum.table(), error) &&
         bind_queue(conn, channel, names.queue, names.events_exchange, names.binding_key, error) &&
         declare_queue(conn, channel, names.notification_queue, notifications.table(), error) &&
         bind_queue(conn, channel, names.notification_queue, names.events_exchange,
                    names.notification_binding_key, error) &&
         declare_queue(conn, channel, names.dlq, amqp_empty_table, error) &&
         // Dead-lettered messages keep their original routing key; "#" takes all.
         bind_queue(conn, channel, names.dlq, names.dead_letter_exchange, "#", error) &&
         declare_queue(conn, channel, names.audit_queue, audit.table(), error) &&
         bind_queue(conn, channel, names.audit_queue, names.events_exchange, "#", error);
}

bool declare_topology(amqp_connection& conn, std::uint16_t channel, const topology_options& opts,
                      std::string* error) {
  return declare_topology(conn, channel, opts, topology_names{}, error);
}

bool declare_topology(const std::string& amqp_url, const topology_options& opts,
                      std::string* error) {
  return declare_topology(amqp_url, opts, topology_names{}, error);
}

bool declare_topology(const std::string& amqp_url, const topology_options& opts,
                      const topology_names& names, std::string* error, std::size_t first_node) {
  std::string local_error;
  std::string* err = error != nullptr ? error : &local_error;
  constexpr amqp_channel_t channel = 1;
  auto conn = amqp_connection::open(amqp_url, "checkout topology", err, {}, first_node);
  if (!conn || !conn->open_channel(channel, err) ||
      !declare_topology(*conn, channel, opts, names, err)) {
    spdlog::error("declaring the AMQP topology on {} failed: {}",
                  conn ? conn->node_name() : redact_amqp_url(amqp_url), *err);
    return false;
  }
  spdlog::info("AMQP topology declared on {}", conn->node_name());
  return true;
}

}  // namespace checkout::messaging
