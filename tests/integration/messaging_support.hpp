// Shared by the messaging integration suites: where the test broker and
// database are (test_services: this process's own vhost and database), unique
// names, and a small synchronous AMQP client that the tests use to look at
// what the code under test did.
#pragma once

#include <amqp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "messaging/amqp_connection.hpp"
#include "messaging/amqp_table.hpp"
#include "messaging/confirm_publisher.hpp"
#include "messaging/topology.hpp"
#include "support/test_services.hpp"

namespace checkout::messaging::testing {

using test_services::amqp_url;
using test_services::database_url;
using test_services::eventually;

// Lower-case hex, unique enough to keep concurrent runs and reruns apart.
inline std::string unique_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

struct received {
  std::uint64_t tag = 0;
  std::string routing_key;
  std::string exchange;
  bool redelivered = false;
  std::string message_id;
  std::string content_type;
  int delivery_mode = 0;
  std::map<std::string, std::string> headers;  // string-valued headers only
  std::optional<std::int64_t> delivery_count;  // x-delivery-count
  std::string body;
};

// A test's own connection to the broker: channel 1 for declaring and
// consuming, channel 2 for confirmed publishing.
class test_client {
 public:
  test_client() {
    std::string error;
    conn_ = amqp_connection::open(amqp_url(), "checkout messaging tests", &error);
    if (!conn_) throw std::runtime_error(error);
    if (!conn_->open_channel(1, &error)) throw std::runtime_error(error);
    publisher_.emplace(*conn_, 2);
    if (!publisher_->open(&error)) throw std::runtime_error(error);
  }

  amqp_connection& connection() { return *conn_; }

  // A queue that disappears with this connection, bound to `exchange`.
  void declare_temp_queue(const std::string& queue, const std::string& exchange,
                          const std::string& key) {
    amqp_queue_declare(conn_->state(), 1, as_bytes(queue), 0, /*durable=*/0, /*exclusive=*/1,
                       /*auto_delete=*/1, amqp_empty_table);
    expect_ok("queue.declare");
    amqp_queue_bind(conn_->state(), 1, as_bytes(queue), as_bytes(exchange), as_bytes(key),
                    amqp_empty_table);
    expect_ok("queue.bind");
  }

  // A queue that holds nothing and refuses what it cannot hold, which makes
  // the broker nack every publish routed to it.
  void declare_full_queue(const std::string& queue, const std::string& exchange,
                          const std::string& key) {
    table_builder args;
    args.add_int("x-max-length", 0).add_string("x-overflow", "reject-publish");
    amqp_queue_declare(conn_->state(), 1, as_bytes(queue), 0, /*durable=*/0, /*exclusive=*/1,
                       /*auto_delete=*/1, args.table());
    expect_ok("queue.declare");
    amqp_queue_bind(conn_->state(), 1, as_bytes(queue), as_bytes(exchange), as_bytes(key),
                    amqp_empty_table);
    expect_ok("queue.bind");
  }

  // A queue that outlives this connection (and a broker restart), bound to
  // `exchange`; the test deletes it.
  void declare_durable_queue(const std::string& queue, const std::string& exchange,
                             const std::string& key) {
    amqp_queue_declare(conn_->state(), 1, as_bytes(queue), 0, /*durable=*/1, /*exclusive=*/0,
                       /*auto_delete=*/0, amqp_empty_table);
    expect_ok("queue.declare");
    amqp_queue_bind(conn_->state(), 1, as_bytes(queue), as_bytes(exchange), as_bytes(key),
                    amqp_empty_table);
    expect_ok("queue.bind");
  }

  // A topic exchange of the test's own, bound to nothing until the test says so.
  void declare_exchange(const std::string& exchange) {
    amqp_exchange_declare(conn_->state(), 1, as_bytes(exchange), amqp_cstring_bytes("topic"), 0,
                          /*durable=*/0, /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
    expect_ok("exchange.declare");
  }

  confirm_publisher& publisher() { return *publisher_; }

  void delete_queue(const std::string& queue) {
    amqp_queue_delete(conn_->state(), 1, as_bytes(queue), 0, 0);
    expect_ok("queue.delete");
  }
  void delete_exchange(const std::string& exchange) {
    amqp_exchange_delete(conn_->state(), 1, as_bytes(exchange), 0);
    expect_ok("exchange.delete");
  }
  // Consumers of `queue` (passive declare): 0 once a stopped consumer's
  // channel is gone and its unacknowledged deliveries are back in the queue.
  std::uint32_t consumer_count(const std::string& queue) {
    auto* ok = amqp_queue_declare(conn_->state(), 1, as_bytes(queue), /*passive=*/1, 0, 0, 0,
                                  amqp_empty_table);
    expect_ok("queue.declare passive");
    return ok->consumer_count;
  }
  // Messages ready in `queue` (passive declare).
  std::uint32_t message_count(const std::string& queue) {
    auto* ok = amqp_queue_declare(conn_->state(), 1, as_bytes(queue), /*passive=*/1, 0, 0, 0,
                                  amqp_empty_table);
    expect_ok("queue.declare passive");
    return ok->message_count;
  }

  void consume(const std::string& queue, bool auto_ack, int prefetch = 0) {
    if (prefetch > 0) {
      amqp_basic_qos(conn_->state(), 1, 0, static_cast<std::uint16_t>(prefetch), 0);
      expect_ok("basic.qos");
    }
    amqp_basic_consume(conn_->state(), 1, as_bytes(queue), amqp_empty_bytes, 0, auto_ack ? 1 : 0, 0,
                       amqp_empty_table);
    expect_ok("basic.consume");
  }

  std::optional<received> next(std::chrono::milliseconds timeout) {
    amqp_maybe_release_buffers(conn_->state());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    amqp_envelope_t env;
    amqp_rpc_reply_t reply = amqp_consume_message(conn_->state(), &env, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      return std::nullopt;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      throw std::runtime_error("consume: " + describe_reply(reply));
    }
    received r;
    r.tag = env.delivery_tag;
    r.routing_key = to_string(env.routing_key);
    r.exchange = to_string(env.exchange);
    r.redelivered = env.redelivered != 0;
    const amqp_basic_properties_t& p = env.message.properties;
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) r.message_id = to_string(p.message_id);
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) r.content_type = to_string(p.content_type);
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) r.delivery_mode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
      for (int i = 0; i < p.headers.num_entries; ++i) {
        if (auto s = as_string(p.headers.entries[i].value)) {
          r.headers[to_string(p.headers.entries[i].key)] = *s;
        }
      }
      r.delivery_count = int_field(p.headers, "x-delivery-count");
    }
    r.body = to_string(env.message.body);
    amqp_destroy_envelope(&env);
    return r;
  }

  void ack(std::uint64_t tag) { check(amqp_basic_ack(conn_->state(), 1, tag, 0), "basic.ack"); }
  void nack(std::uint64_t tag, bool requeue) {
    check(amqp_basic_nack(conn_->state(), 1, tag, 0, requeue ? 1 : 0), "basic.nack");
  }

  // Publishes and waits for the broker's confirm. Waiting drops the frames
  // of other channels, so a connection that consumes must not publish: use a
  // second test_client for that.
  void publish(const std::string& exchange, const std::string& key, const std::string& body,
               const std::string& message_id,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string error;
    auto ok = publisher_->publish(exchange, {{key, message_id, body, std::move(headers)}},
                                  std::chrono::seconds(5), nullptr, &error);
    if (ok.empty() || !ok[0]) throw std::runtime_error("publish not confirmed: " + error);
  }

 private:
  void expect_ok(const char* what) {
    std::string error;
    if (!conn_->check_last(1, what, &error)) throw std::runtime_error(error);
  }
  void check(int status, const char* what) {
    std::string error;
    if (!conn_->check_status(status, what, &error)) throw std::runtime_error(error);
  }

  std::unique_ptr<amqp_connection> conn_;
  std::optional<confirm_publisher> publisher_;
};

// A topology with names of its own, removed again at the end of the test.
struct scratch_topology {
  explicit scratch_topology(int max_deliveries) {
    std::string id = unique_suffix();
    names.events_exchange = "test.events." + id;
    names.dead_letter_exchange = "test.dlx." + id;
    names.queue = "test.q." + id;
    names.dlq = "test.dlq." + id;
    names.binding_key = "test.key." + id;
    names.audit_queue = "test.audit." + id;
    names.notification_queue = "test.notifications." + id;
    names.notification_binding_key = "test.notify." + id;
    opts.max_deliveries = max_deliveries;
  }
  ~scratch_topology() {
    try {
      test_client c;
      c.delete_queue(names.queue);
      c.delete_queue(names.dlq);
      c.delete_queue(names.audit_queue);
      c.delete_queue(names.notification_queue);
      c.delete_exchange(names.events_exchange);
      c.delete_exchange(names.dead_letter_exchange);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cleanup: " << e.what();
    }
  }
  bool declare(std::string* error) {
    test_client c;
    return declare_topology(c.connection(), 1, opts, names, error);
  }
  topology_names names;
  topology_options opts;
};

}  // namespace checkout::messaging::testing
