// The broker topology of CONTRACT §9, declared idempotently at start-up and
// again by the outbox relay after every reconnect: a broker that lost its
// definitions (reset, new node, deleted queue) gets them back before the relay
// publishes, instead of every publish coming back unroutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace checkout::messaging {

inline constexpr const char* events_exchange = "checkout.events";
inline constexpr const char* dead_letter_exchange = "checkout.dlx";
inline constexpr const char* enrollment_queue = "checkout.enrollment";
inline constexpr const char* enrollment_dlq = "checkout.enrollment.dlq";
// notification.requested, for the confirmation emails (CONTRACT §16); its dead
// letters go to the same DLQ as the enrollment's, by their routing key.
inline constexpr const char* notification_queue = "checkout.notifications";
// Bound to checkout.events with "#". The relay publishes mandatory, so an
// event no queue takes is returned and retried; this queue makes every
// routing key routable (order.failed, order.expired, enrollment.created, ...
// have no consumer of ours) and keeps the most recent events for operators.
inline constexpr const char* audit_queue = "checkout.events.audit";

struct topology_options {
  // ENROLLMENT_MAX_DELIVERIES: how many times a message is handed to a
  // consumer before it goes to the DLQ (the queue's x-delivery-limit is one
  // less, because the broker counts redeliveries).
  int max_deliveries = 5;
  // NOTIFICATION_MAX_DELIVERIES, the same for checkout.notifications: high,
  // because a mail server that is down makes every try fail alike.
  int notification_max_deliveries = 1000;
  // The audit queue keeps this many events and then drops the oldest, so it
  // can never fill the broker's disk or block publishing (a full queue that
  // rejected publishes would make every event unconfirmed).
  std::int64_t audit_max_length = 100000;
};

// The names declare_topology uses; tests substitute their own so that they
// never touch the service's queues.
struct topology_names {
  std::string events_exchange = checkout::messaging::events_exchange;
  std::string dead_letter_exchange = checkout::messaging::dead_letter_exchange;
  std::string queue = enrollment_queue;
  std::string dlq = enrollment_dlq;
  std::string audit_queue = checkout::messaging::audit_queue;
  std::string binding_key = "order.paid";
  std::string notification_queue = checkout::messaging::notification_queue;
  std::string notification_binding_key = "notification.requested";
};

class amqp_connection;

// Declares exchanges, queues and bindings on an open connection and channel.
// Re-declaring the same topology is a no-op. A queue that already exists with
// other arguments (say, a changed max_deliveries) makes the broker refuse the
// declaration: false with *error set, and the connection is then unusable.
bool declare_topology(amqp_connection& conn, std::uint16_t channel, const topology_options& opts,
                      const topology_names& names, std::string* error);
bool declare_topology(amqp_connection& conn, std::uint16_t channel, const topology_options& opts,
                      std::string* error);
// Connects, declares and disconnects: for start-up and the outbox relay.
// `first_node` is the entry of the URL list tried first (the relay passes the
// node it is connected to, which has just answered).
bool declare_topology(const std::string& amqp_url, const topology_options& opts,
                      const topology_names& names, std::string* error, std::size_t first_node = 0);
bool declare_topology(const std::string& amqp_url, const topology_options& opts,
                      std::string* error);

}  // namespace checkout::messaging
