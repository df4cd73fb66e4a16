// Webhook intake with nobody enrolling (ENROLLMENT_CONSUMERS=0): the
// gateway's answer must not wait for anything downstream of the payment.
// Shown causally, not by a stopwatch: every delivery is answered while every
// order.paid it caused still waits in checkout.enrollment for a consumer that
// never comes. The answer times are reported as figures only; speed claims
// belong in bench/, not in a test on a loaded 2-core machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "actors/common/ids.hpp"
#include "fault_support.hpp"
#include "messaging/topology.hpp"
#include "persistence/sql.hpp"

using namespace std::chrono_literals;

namespace {

double percentile(std::vector<double> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

// The test leaves nothing in the queue, however it ends: it made every
// message there (the vhost is dropped afterwards too, but not by this test).
struct purge_enrollment_queue {
  ~purge_enrollment_queue() {
    try {
      fault::purge_queue(checkout::messaging::enrollment_queue);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "purging " << checkout::messaging::enrollment_queue << ": " << e.what();
    }
  }
};

TEST(fault_intake, webhooks_are_answered_with_the_enrollment_consumer_stopped) {
  constexpr int deliveries = 300;
  fault::bus_tap tap;
  e2e::server srv(std::map<std::string, std::string>{{"ENROLLMENT_CONSUMERS", "0"}});
  purge_enrollment_queue cleanup;
  auto port = srv.port();
  auto internships = fault::make_internships(port, 2, 18000);

  // Distinct placed orders, made in parallel beforehand.
  std::vector<fault::checkout> orders(deliveries);
  auto run = checkout::random_hex(4);
  std::atomic<int> next{0};
  std::vector<std::thread> placers;
  for (int t = 0; t < 4; ++t) {
    placers.emplace_back([&] {
      for (int i = next++; i < deliveries; i = next++) {
        auto& o = orders[static_cast<size_t>(i)];
        o.user = "latency-" + run + "-" + std::to_string(i);
        o.internships = {internships[static_cast<size_t>(i) % internships.size()]};
        fault::place_only(port, o, 60s);
      }
    });
  }
  for (auto& t : placers) t.join();
  for (auto& o : orders) ASSERT_TRUE(o.placed) << o.user << ": " << o.error;

  // One gateway, one delivery after another, each timed from connect to answer.
  std::vector<double> millis;
  std::map<std::string, int> results;
  for (auto& o : orders) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = fault::pay(port, o);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_EQ(r.status, 200) << r.body;
    o.event_id = "evt-" + o.user;
    o.webhook_result = fault::text(r, {"data", "result"});
    o.finished = r.status == 200;
    ++results[o.webhook_result];
  }
  std::string spread;
  for (auto& [r, n] : results) spread += r + ":" + std::to_string(n) + " ";
  // Figures for the log and the XML report, not assertions (see the top).
  fault::report("deliveries", std::to_string(deliveries));
  fault::report("median_ms", std::to_string(percentile(millis, 50)));
  fault::report("p95_ms", std::to_string(percentile(millis, 95)));
  fault::report("p99_ms", std::to_string(percentile(millis, 99)));
  fault::report("max_ms", std::to_string(*std::max_element(millis.begin(), millis.end())));
  fault::report("results", spread);
  for (auto& [r, n] : results) EXPECT_TRUE(r == "applied" || r == "accepted") << r << " x" << n;

  // Each order is paid, and stays paid: nobody consumes order.paid.
  std::vector<std::string> tokens;
  for (auto& o : orders) tokens.push_back(o.order_token);
  auto all = ::checkout::persistence::text_array(tokens);
  auto count_paid = [&] {
    return fault::query(
               "SELECT count(*) FROM orders WHERE token = ANY($1::uuid[]) AND status = 'paid'",
               all)[0][0]
        .as<long long>();
  };
  EXPECT_TRUE(test_services::eventually([&] { return count_paid() == deliveries; }, 30s))
      << count_paid() << " of " << deliveries << " paid";
  auto unpublished = [&] {
    return fault::query(
               "SELECT count(*) FROM outbox WHERE order_token = ANY($1::uuid[]) AND "
               "published_at IS NULL",
               all)[0][0]
        .as<long long>();
  };
  EXPECT_TRUE(test_services::eventually([&] { return unpublished() == 0; }, 60s))
      << unpublished() << " events unpublished";
  auto statuses = fault::query(
      "SELECT status, count(*) FROM orders WHERE token = ANY($1::uuid[]) GROUP BY 1", all);
  for (const auto& row : statuses)
    fault::report("orders_" + row[0].as<std::string>(), row[1].as<std::string>());

  // Why the answers did not wait for enrollment: all of them came while every
  // order.paid (one per order, each confirmed by the broker) still sits in the
  // queue, unconsumed, and no order has an enrollment.
  EXPECT_EQ(fault::queue_depth(checkout::messaging::enrollment_queue), deliveries);
  EXPECT_EQ(fault::query("SELECT count(*) FROM enrollments WHERE order_token = ANY($1::uuid[])",
                         all)[0][0]
                .as<long long>(),
            0);

  // The same audit the fault tests rely on must see every one of these paid
  // orders as not enrolled (lost), and nothing duplicated: it is not blind.
  auto f = fault::audit(orders, tap, 0ms);
  fault::report("audit_self_check", f.line());
  EXPECT_EQ(f.lost, deliveries);
  EXPECT_EQ(f.duplicated, 0);
}

}  // namespace
