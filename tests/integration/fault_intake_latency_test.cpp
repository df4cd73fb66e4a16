// Webhook intake latency with nobody enrolling (ENROLLMENT_CONSUMERS=0): the
// gateway's answer must not wait for anything downstream of the payment.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "actors/common/ids.hpp"
#include "fault_support.hpp"
#include "persistence/sql.hpp"

using namespace std::chrono_literals;

namespace {

double percentile(std::vector<double> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

TEST(fault_intake, webhook_latency_with_the_enrollment_consumer_stopped) {
  constexpr int deliveries = 300;
  fault::bus_tap tap;
  e2e::server srv(std::map<std::string, std::string>{{"ENROLLMENT_CONSUMERS", "0"}});
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
    auto body = fault::payment_body("payment.captured", o.gateway_order_id, o.total,
                                    "pay_" + o.gateway_order_id.substr(6));
    auto event_id = "evt-" + o.user;
    auto t0 = std::chrono::steady_clock::now();
    auto r = fault::deliver(port, body, event_id);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_EQ(r.status, 200) << r.body;
    o.event_id = event_id;
    o.webhook_result = fault::text(r, {"data", "result"});
    o.finished = r.status == 200;
    ++results[o.webhook_result];
  }
  auto median = percentile(millis, 50);
  auto p95 = percentile(millis, 95);
  auto p99 = percentile(millis, 99);
  auto worst = *std::max_element(millis.begin(), millis.end());
  std::string spread;
  for (auto& [r, n] : results) spread += r + ":" + std::to_string(n) + " ";
  fault::report("deliveries", std::to_string(deliveries));
  fault::report("median_ms", std::to_string(median));
  fault::report("p95_ms", std::to_string(p95));
  fault::report("p99_ms", std::to_string(p99));
  fault::report("max_ms", std::to_string(worst));
  fault::report("results", spread);
  EXPECT_LT(median, 50.0);
  for (auto& [r, n] : results) EXPECT_TRUE(r == "applied" || r == "accepted") << r << " x" << n;

  // Each order is paid, and stays paid: nobody consumes order.paid.
  std::vector<std::string> tokens;
  for (auto& o : orders) tokens.push_back(o.order_token);
  auto count_paid = [&] {
    return fault::query(
               "SELECT count(*) FROM orders WHERE token = ANY($1::uuid[]) AND status = 'paid'",
               ::checkout::persistence::text_array(tokens))[0][0]
        .as<long long>();
  };
  EXPECT_TRUE(e2e::eventually([&] { return count_paid() == deliveries; }, 30s))
      << count_paid() << " of " << deliveries << " paid";
  auto statuses =
      fault::query("SELECT status, count(*) FROM orders WHERE token = ANY($1::uuid[]) GROUP BY 1",
                   ::checkout::persistence::text_array(tokens));
  for (const auto& row : statuses)
    fault::report("orders_" + row[0].as<std::string>(), row[1].as<std::string>());

  // The same audit the fault tests rely on must see every one of these paid
  // orders as not enrolled (lost), and nothing duplicated: it is not blind.
  auto f = fault::audit(orders, tap, 0ms);
  fault::report("audit_self_check", f.line());
  EXPECT_EQ(f.lost, deliveries);
  EXPECT_EQ(f.duplicated, 0);
}

}  // namespace
