// Broker faults under load: RabbitMQ stopped and started again, and every
// connection to it closed by force, while checkouts go on. Publishing must
// resume by itself, without restarting checkoutd.
#include <gtest/gtest.h>

#include <algorithm>

#include "fault_support.hpp"

using namespace std::chrono_literals;

namespace {

class fault_broker : public ::testing::Test {
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

long long pending_since(const std::string& since) {
  return fault::query(
             "SELECT count(*) FROM outbox WHERE published_at IS NULL AND created_at >= "
             "$1::timestamptz",
             since)[0][0]
      .as<long long>();
}

TEST_F(fault_broker, stop_app_and_closed_connections_during_a_stream) {
  constexpr int checkouts = 500;
  fault::bus_tap tap;
  e2e::server srv({{"ENROLLMENT_RETRY_BASE", "50ms"}, {"ENROLLMENT_RETRY_MAX", "500ms"}});
  auto since = fault::db_now();

  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 8;
  opts.lines = 2;
  opts.internships = fault::make_internships(srv.port(), 4, 15000);
  opts.user_prefix = "broker";
  opts.pace = 50ms;  // about 25 s in all, so that the outage falls inside the stream

  // Checkouts that must finish while the broker is stopped: 10 % of the
  // stream, about 2.5 s of arrivals at this pace.
  constexpr int during_outage = checkouts / 10;
  std::vector<std::string> failures;
  double outage_seconds = 0;
  long long pending_at_restart = 0;
  // "<status> broker=<state>": 200 with the broker down (CONTRACT §14).
  std::string readyz_during_outage;
  int done_at_stop = 0, done_at_start = 0;
  auto run = [&](const std::string& args) {
    auto r = fault::rabbitmqctl(args);
    if (r.status != 0) failures.push_back("rabbitmqctl " + args + ": " + r.output);
  };
  // The service's two connections, the relay's and the consumer's, are cut
  // (each time once they are open again).
  const std::vector<std::string> clients = {"checkout outbox relay",
                                            "checkout consumer checkout.enrollment"};
  std::vector<int> closed;
  auto cut = [&] {
    std::string error;
    closed.push_back(fault::close_connections("fault test", clients, &error));
    if (!error.empty()) failures.push_back("closing connections: " + error);
  };
  auto stream = fault::run_stream(srv.port(), opts, [&](const std::atomic<int>& done) {
    fault::reached(done, checkouts * 15 / 100);
    cut();
    fault::reached(done, checkouts * 30 / 100);
    auto t0 = std::chrono::steady_clock::now();
    run("stop_app");
    done_at_stop = done.load();
    // The outage lasts until it has shown what it is for: checkouts go on
    // without the broker, their events wait in the outbox, /readyz says so
    // and stays ready.
    bool shown = test_services::eventually(
        [&] {
          try {
            auto r = e2e::call(srv.port(), "GET", "/readyz");
            auto d = r.json();
            auto broker = d.IsObject() && d.HasMember("data") ? e2e::str(d["data"], "broker") : "";
            readyz_during_outage = std::to_string(r.status) + " broker=" + broker;
          } catch (const std::exception& e) {
            readyz_during_outage = e.what();
          }
          pending_at_restart = pending_since(since);
          done_at_start = done.load();
          return readyz_during_outage == "200 broker=down" && pending_at_restart > 0 &&
                 done_at_start - done_at_stop >= during_outage;
        },
        60s);
    if (!shown)
      failures.push_back("during 60 s without the broker: /readyz " + readyz_during_outage + ", " +
                         std::to_string(pending_at_restart) + " events waiting, " +
                         std::to_string(done_at_start - done_at_stop) + " checkouts finished");
    run("start_app");
    outage_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fault::reached(done, checkouts * 85 / 100);
    cut();
  });
  for (auto& f : failures) ADD_FAILURE() << f;
  ASSERT_TRUE(srv.alive());
  ASSERT_EQ(closed.size(), 2u);
  for (auto n : closed) EXPECT_EQ(n, 2) << "the relay's and the consumer's connections closed";

  auto f = fault::audit(stream.checkouts, tap, 90s);
  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("outage_seconds", std::to_string(outage_seconds));
  fault::report("connections_closed", std::to_string(closed.empty() ? 0 : closed.front()) + "," +
                                          std::to_string(closed.size() < 2 ? 0 : closed.back()));
  fault::report("outbox_pending_when_the_broker_came_back", std::to_string(pending_at_restart));
  fault::report("readyz_during_outage", readyz_during_outage);
  fault::report("checkouts_finished_while_the_broker_was_stopped",
                std::to_string(done_at_start - done_at_stop));
  fault::report("figures", f.line());
  std::string why;
  for (auto& p : f.problems) why += "\n  " + p;
  EXPECT_EQ(f.unfinished, 0) << why;
  EXPECT_EQ(f.lost, 0) << why;
  EXPECT_EQ(f.duplicated, 0) << why;
  // The outage must have held events back, or it tested nothing; and the
  // checkouts went on without the broker.
  EXPECT_GT(pending_at_restart, 0);
  EXPECT_EQ(readyz_during_outage, "200 broker=down");
  EXPECT_GE(done_at_start - done_at_stop, during_outage);
  // Still the first process: it recovered by itself.
  EXPECT_TRUE(srv.alive());
  EXPECT_EQ(e2e::call(srv.port(), "GET", "/readyz").status, 200);
}

}  // namespace
