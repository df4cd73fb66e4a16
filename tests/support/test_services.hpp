// Where the integration suites find PostgreSQL and RabbitMQ, and how they wait.
// scripts/test gives each test process a database and a broker vhost of its
// own (support/isolated_services.cpp sets DATABASE_URL and AMQP_URL before the
// first test); they are never the ones scripts/run serves.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace test_services {

// DATABASE_URL and AMQP_URL of this test process; throw when unset, so a test
// never falls back to the demo's database or vhost.
std::string database_url();
std::string amqp_url();

// Polls `pred` every 20 ms until it holds or `limit` passes; answers whether
// it held. The deadline is on the condition itself, never a fixed sleep.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    timespec ts{0, 20 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
  return pred();
}

}  // namespace test_services
