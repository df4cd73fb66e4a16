// Faults of a three-instance deployment (CONTRACT §14), every request through
// the round-robin balancer: an instance killed under load, all three
// restarted one after another under load, and the whole broker away while
// instances restart and sales go on.
#include <gtest/gtest.h>

#include "cluster_support.hpp"
#include "e2e_shop.hpp"
#include "fault_support.hpp"
#include "persistence/sql.hpp"

using namespace std::chrono_literals;

namespace {

std::string why(const fault::figures& f) {
  std::string out;
  for (auto& p : f.problems) out += "\n  " + p;
  return out;
}

// A balancer passes a request that found its instance gone (connection
// refused) to the next one; one cut off mid-way is answered 502 and the
// client repeats it with its Idempotency-Key, as run_stream's clients do.
TEST(cluster_faults, kill_9_of_one_instance_during_a_thousand_checkouts) {
  constexpr int checkouts = 1000;
  fault::bus_tap tap;
  cluster::group shop(3, fault::fast_recovery());
  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 12;
  opts.internships = fault::make_internships(shop.port(), 4, 20000);
  opts.user_prefix = "cluster-kill";
  double restart_seconds = 0;
  auto stream = fault::run_stream(shop.port(), opts, [&](const std::atomic<int>& done) {
    fault::reached(done, checkouts / 3);
    shop.instance(1).kill_hard();
    // Two instances carry the load for a third of the stream.
    fault::reached(done, checkouts * 2 / 3);
    auto t0 = std::chrono::steady_clock::now();
    shop.instance(1).start();
    restart_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  });
  auto f = fault::audit(stream.checkouts, tap, 90s);
  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("restart_seconds", std::to_string(restart_seconds));
  fault::report("figures", f.line());
  EXPECT_EQ(f.unfinished, 0) << why(f);
  EXPECT_EQ(f.lost, 0) << why(f);
  EXPECT_EQ(f.duplicated, 0) << why(f);
  for (int i = 0; i < shop.size(); ++i) EXPECT_TRUE(shop.instance(i).alive()) << i;
}

// The procedure of docs/DEPLOY.md, per instance: out of the balancer, SIGTERM
// (it drains what it holds), start again, ready, back in. No client may see
// a failed request: none is repeated.
TEST(cluster_faults, a_rolling_restart_of_all_three_under_load_fails_no_request) {
  constexpr int checkouts = 600;
  fault::bus_tap tap;
  // The service's own waits: nothing here is killed, so no key is left held
  // by a dead process, and the 1 s database wait of fast_recovery() would
  // only fail requests on a loaded machine.
  cluster::group shop(3);
  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 8;
  opts.internships = fault::make_internships(shop.port(), 4, 20000);
  opts.user_prefix = "cluster-rolling";
  std::vector<int> exits;
  std::vector<std::string> failures;
  auto stream = fault::run_stream(shop.port(), opts, [&](const std::atomic<int>& done) {
    for (int i = 0; i < shop.size(); ++i) {
      fault::reached(done, checkouts * (i + 1) / 5);
      auto others = shop.ports();
      others.erase(others.begin() + i);
      shop.front().route_to(others);
      shop.instance(i).terminate();
      exits.push_back(shop.instance(i).wait_exit(30s));
      shop.instance(i).start();
      bool ready = test_services::eventually(
          [&] {
            try {
              return e2e::call(shop.ports()[static_cast<size_t>(i)], "GET", "/readyz").status ==
                     200;
            } catch (const std::exception&) {
              return false;
            }
          },
          30s);
      if (!ready) failures.push_back("instance " + std::to_string(i) + " not ready again");
      shop.front().route_to(shop.ports());
    }
  });
  for (auto& f : failures) ADD_FAILURE() << f;
  auto f = fault::audit(stream.checkouts, tap, 90s);
  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("figures", f.line());
  EXPECT_EQ(exits, std::vector<int>({0, 0, 0})) << "each drained and exited 0";
  EXPECT_EQ(f.unfinished, 0) << why(f);
  EXPECT_EQ(f.lost, 0) << why(f);
  EXPECT_EQ(f.duplicated, 0) << why(f);
  EXPECT_EQ(f.recovered, 0) << "checkouts that needed a repeated request; " << f.line();
  EXPECT_EQ(f.dropped + f.server_errors + f.key_busy, 0) << f.line();
}

class cluster_broker : public ::testing::Test {
 protected:
  void SetUp() override {
    auto probe = fault::rabbitmqctl("-q list_vhosts");
    ASSERT_EQ(probe.status, 0) << "rabbitmqctl is needed for this test: " << probe.output;
  }
  // Whatever happened, the broker runs again for whoever comes next.
  void TearDown() override {
    auto r = fault::rabbitmqctl("start_app");
    if (r.status != 0) ADD_FAILURE() << "rabbitmqctl start_app: " << r.output;
    if (!fault::broker_up(60s)) ADD_FAILURE() << "the broker did not come back";
  }
};

// Sales go on without RabbitMQ, even through instances (re)started while it
// was away; their events wait in the outbox and every order is enrolled
// within 10 s of the broker's return.
TEST_F(cluster_broker, the_broker_away_instances_restarted_and_every_sale_enrolled_on_its_return) {
  constexpr int checkouts = 200;
  fault::bus_tap tap;
  // The sweeper's grace is long: enrollment comes from the waiting events.
  auto env = fault::fast_recovery();
  env["ENROLLMENT_GRACE"] = "10m";
  cluster::group shop(3, env);
  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 8;
  opts.internships = fault::make_internships(shop.port(), 4, 20000);
  opts.user_prefix = "cluster-broker";

  auto stopped = fault::rabbitmqctl("stop_app");
  ASSERT_EQ(stopped.status, 0) << stopped.output;
  for (int i = 0; i < shop.size(); ++i) {
    shop.instance(i).kill_hard();
    shop.instance(i).start();  // throws unless /healthz answers
  }
  auto stream = fault::run_stream(shop.port(), opts, {});
  std::vector<std::string> paid;
  for (auto& c : stream.checkouts)
    if (c.finished) paid.push_back(c.order_token);
  ASSERT_EQ(paid.size(), static_cast<size_t>(checkouts)) << "sales without the broker";
  auto tokens = checkout::persistence::text_array(paid);
  auto completed = [&] {
    return fault::query(
               "SELECT count(*) FROM orders WHERE status = 'completed' AND "
               "token = ANY($1::uuid[])",
               tokens)[0][0]
        .as<long long>();
  };
  EXPECT_EQ(completed(), 0) << "enrolled without a broker?";

  auto started = fault::rabbitmqctl("start_app");
  ASSERT_EQ(started.status, 0) << started.output;
  ASSERT_TRUE(fault::broker_up(60s));
  auto back = std::chrono::steady_clock::now();
  bool all = test_services::eventually([&] { return completed() == checkouts; }, 10s);
  auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - back).count();
  fault::report("seconds_to_enroll_all_after_the_broker_returned", std::to_string(took));
  EXPECT_TRUE(all) << completed() << " of " << checkouts << " enrolled 10 s after the return";

  auto f = fault::audit(stream.checkouts, tap, 60s);
  fault::report("figures", f.line());
  EXPECT_EQ(f.lost, 0) << why(f);
  EXPECT_EQ(f.duplicated, 0) << why(f);
}

}  // namespace
