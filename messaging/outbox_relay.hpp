// Publishes committed outbox rows to `checkout.events` with publisher confirms
// and marks each row published only after the broker confirmed it. Runs on its
// own thread with its own PostgreSQL and AMQP connections (rabbitmq-c
// connections are not thread-safe). Wakes on NOTIFY 'outbox', and polls as a
// fallback, so a row committed before a crash is published after the restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "messaging/topology.hpp"

namespace checkout::messaging {

struct outbox_relay_options {
  std::string database_url;
  std::string amqp_url;
  int batch_size = 100;
  std::chrono::milliseconds poll_interval{500};
  // Declared after every connect to the broker and after a batch the broker
  // returned as unroutable, so a broker that lost its definitions gets them
  // back without a restart of the service. Must match the start-up
  // declaration (ENROLLMENT_MAX_DELIVERIES), or the broker refuses it; the
  // relay then logs the refusal and publishes anyway.
  topology_options topology;
  // Where events go (names.events_exchange) and what is declared; tests use
  // names of their own.
  topology_names names;
  // Called after each confirmed batch with the number published (metrics).
  std::function<void(std::uint64_t published)> on_published;
};

class outbox_relay {
 public:
  explicit outbox_relay(outbox_relay_options opts);
  ~outbox_relay();  // stops and joins
  void start();
  void stop();
  // Rows still unpublished at the last look (for metrics and tests).
  std::int64_t pending() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace checkout::messaging
