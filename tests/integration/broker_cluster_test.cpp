// CONTRACT §14: AMQP_URL lists the three nodes of a RabbitMQ cluster; the node
// checkoutd's outbox relay and enrollment consumer are connected to is stopped
// in the middle of a stream of paid checkouts and stays stopped. Publishing
// and consuming go on through the other nodes: every paid order is enrolled,
// nothing is lost and nothing is applied twice.
//
// What is counted (fault::audit): lost = paid orders not completed, events not
// published or not seen on the bus; duplicated = database rows beyond exactly
// one (orders, enrollments per line, payment attempts, history entries, outbox
// rows). A message may be delivered twice (a publish whose confirm died with
// the node is published again; an unacked delivery is redelivered): the
// enrollment consumer is idempotent, so extra copies on the bus are allowed
// and reported (bus_duplicates), extra rows are not.
#include <gtest/gtest.h>

#include <cstdlib>
#include <future>

#include "broker_cluster_support.hpp"
#include "fault_support.hpp"

using namespace std::chrono_literals;

namespace {

// Sets an environment variable for the scope, then puts the old value back.
class scoped_env {
 public:
  scoped_env(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~scoped_env() {
    if (old_.empty())
      ::unsetenv(name_);
    else
      ::setenv(name_, old_.c_str(), 1);
  }

 private:
  const char* name_;
  std::string old_;
};

long long count(const std::string& sql) {
  return fault::query(sql)[0][0].as<long long>();
}

// The nodes the service's connections of `client` are on, as `ask` sees them.
std::vector<std::string> nodes_of(const broker_cluster::node& ask, const std::string& vhost,
                                  const std::string& client) {
  std::string error;
  auto all = broker_cluster::connections(ask, vhost, &error);
  if (!error.empty()) return {"error: " + error};
  auto it = all.find(client);
  return it == all.end() ? std::vector<std::string>{} : it->second;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "none" : out;
}

TEST(broker_cluster, one_node_of_three_stopped_mid_stream_loses_nothing) {
  constexpr int checkouts = 200;
  const auto nodes = broker_cluster::nodes();
  const auto& stopped = nodes[0];
  const auto& witness = nodes[1];  // asked about connections while nodes[0] is down
  broker_cluster::vhost vh;
  // The test's own tap on the bus lives on the last node, which stays up.
  scoped_env tap_url("AMQP_URL", vh.url({2, 1, 0}));
  fault::bus_tap tap;
  const std::string relay = "checkout outbox relay";
  const std::string consumer = "checkout consumer checkout.enrollment";

  // The service is told the nodes in order: it connects to the first.
  e2e::server srv({{"AMQP_URL", vh.url({0, 1, 2})},
                   {"ENROLLMENT_RETRY_BASE", "50ms"},
                   {"ENROLLMENT_RETRY_MAX", "500ms"}});
  fault::stream_options opts;
  opts.checkouts = checkouts;
  opts.threads = 4;
  opts.lines = 2;
  opts.internships = fault::make_internships(srv.port(), 4, 15000);
  opts.user_prefix = "cluster";
  // About 20 s in all: the stop (stop_app takes up to 10 s) falls inside it.
  opts.pace = 100ms;

  // Both are on the first node, the one that will stop.
  std::string before_stop_relay, before_stop_consumer;
  test_services::eventually(
      [&] {
        before_stop_relay = joined(nodes_of(stopped, vh.name(), relay));
        before_stop_consumer = joined(nodes_of(stopped, vh.name(), consumer));
        return before_stop_relay == stopped.name && before_stop_consumer == stopped.name;
      },
      20s);

  std::vector<std::string> failures;
  long long completed_at_stop = 0, published_at_stop = 0;
  int done_at_stop = 0;
  std::string readyz_after_stop;
  auto stream = fault::run_stream(srv.port(), opts, [&](const std::atomic<int>& done) {
    fault::reached(done, checkouts / 5);
    // stop_app closes the node's listener and connections early and then
    // takes seconds more to finish: the figures are taken when the port
    // closes, from when nothing reaches the node any more.
    std::string error;
    auto stopping =
        std::async(std::launch::async, [&] { return broker_cluster::stop_node(stopped, &error); });
    test_services::eventually([&] { return !broker_cluster::serves(stopped); }, 60s);
    completed_at_stop = count("SELECT count(*) FROM orders WHERE status = 'completed'");
    published_at_stop = count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL");
    done_at_stop = done.load();
    if (!stopping.get()) failures.push_back(error);
    // With one node of three down the service still reaches the broker.
    bool up = test_services::eventually(
        [&] {
          auto r = e2e::call(srv.port(), "GET", "/readyz");
          auto d = r.json();
          auto broker = d.IsObject() && d.HasMember("data") ? e2e::str(d["data"], "broker") : "";
          readyz_after_stop = std::to_string(r.status) + " broker=" + broker;
          return readyz_after_stop == "200 broker=up";
        },
        30s);
    if (!up) failures.push_back("/readyz after the stop: " + readyz_after_stop);
  });
  for (auto& f : failures) ADD_FAILURE() << f;
  ASSERT_TRUE(srv.alive());

  // Audited while the node is still stopped: everything after the stop went
  // through the other two.
  auto f = fault::audit(stream.checkouts, tap, 120s);
  auto completed = count("SELECT count(*) FROM orders WHERE status = 'completed'");
  auto published = count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL");
  auto relay_after = joined(nodes_of(witness, vh.name(), relay));
  auto consumer_after = joined(nodes_of(witness, vh.name(), consumer));

  fault::report("stream_seconds", std::to_string(stream.seconds));
  fault::report("stopped_node", stopped.name);
  fault::report("relay_and_consumer_before_the_stop",
                before_stop_relay + " / " + before_stop_consumer);
  fault::report("relay_and_consumer_after_the_stop", relay_after + " / " + consumer_after);
  fault::report("checkouts_finished_when_the_node_had_stopped", std::to_string(done_at_stop));
  fault::report("orders_completed_before_and_after_the_stop",
                std::to_string(completed_at_stop) + " / " + std::to_string(completed));
  fault::report("events_published_before_and_after_the_stop",
                std::to_string(published_at_stop) + " / " + std::to_string(published));
  fault::report("readyz_after_the_stop", readyz_after_stop);
  fault::report("figures", f.line());
  std::string why;
  for (auto& p : f.problems) why += "\n  " + p;

  EXPECT_EQ(before_stop_relay, stopped.name);
  EXPECT_EQ(before_stop_consumer, stopped.name);
  EXPECT_EQ(f.unfinished, 0) << why;
  EXPECT_EQ(f.lost, 0) << why;
  EXPECT_EQ(f.duplicated, 0) << why;
  EXPECT_EQ(f.paid, checkouts);
  EXPECT_EQ(completed, checkouts);
  // The stop fell inside the stream, or it tested nothing: a good part of
  // the publishing and consuming happened without the node.
  EXPECT_GE(completed - completed_at_stop, checkouts / 4) << "the node stopped too late";
  EXPECT_GE(published - published_at_stop, published / 4) << "the node stopped too late";
  auto on_another_node = [&](const std::string& where) {
    return where == nodes[1].name || where == nodes[2].name;
  };
  EXPECT_TRUE(on_another_node(relay_after)) << relay_after;
  EXPECT_TRUE(on_another_node(consumer_after)) << consumer_after;
  EXPECT_TRUE(srv.alive());
}

}  // namespace
