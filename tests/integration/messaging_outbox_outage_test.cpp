// The relay against the real broker going away mid-stream: `rabbitmqctl
// stop_app` / `start_app` (the broker restarts; connections refused for a
// while) and `rabbitmqctl close_all_connections` (every connection cut at
// once). Afterwards every outbox row is marked published and every event id
// reached a queue at least once: duplicates are allowed (and counted), losses
// are not. The relay is never restarted: it has to resume by itself.
//
// These stop the test broker node (the one of scripts/test, never the demo's:
// rabbitmqctl addresses RABBITMQ_NODENAME, which prepare_test_services sets),
// so the suite runs alone; they need the CLI (as root) and fail, rather than
// skip, without it. TearDown leaves a running broker behind even when a test
// failed. The relay reaches the broker through a tcp_proxy, which counts its
// connection attempts while the broker is away.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "integration/messaging_outbox_schema.hpp"
#include "integration/messaging_support.hpp"
#include "integration/messaging_tcp_proxy.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/topology.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::inserted_row;
using testing::outbox_schema;
using testing::test_client;

constexpr int total_rows = 500;
// Committed only once the outage is over: the relay must find the broker
// again by itself to publish them.
constexpr int rows_after_outage = 50;
// Committed by the stop test while the broker is down.
constexpr int rows_while_stopped = 25;
// RabbitMQ's start_app takes a few seconds; a relay backing off (at most 5 s
// between attempts) needs a few more to find it again.
constexpr auto broker_wait = 60s;

struct command_result {
  int status = -1;
  std::string output;
};

command_result run(const std::string& command) {
  command_result r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) r.output += buf;
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool broker_answers() {
  std::string error;
  auto conn = amqp_connection::open(testing::amqp_url(), "checkout messaging tests", &error);
  return conn && conn->open_channel(1, &error);
}

class OutboxRelayOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cli = run("command -v rabbitmqctl");
    ASSERT_EQ(cli.status, 0) << "rabbitmqctl is not on PATH; these tests drive the local broker "
                                "with it (run them through scripts/test, as root)";
    std::string error;
    ASSERT_TRUE(declare_topology(testing::amqp_url(), topology_options{}, &error)) << error;
    // Durable and not exclusive: it has to outlive the test's own connection,
    // which the outage cuts, and the broker restart.
    test_client c;
    c.declare_durable_queue(queue, events_exchange, "#");
    queue_declared = true;
  }

  void TearDown() override {
    // Whatever the test did or where it failed, leave a running broker for
    // everyone else. start_app on a running broker changes nothing.
    if (app_stopped || !broker_answers()) {
      auto r = run("rabbitmqctl -q start_app");
      if (r.status != 0) ADD_FAILURE() << "rabbitmqctl start_app: " << r.output;
    }
    if (!eventually(broker_answers, broker_wait)) {
      ADD_FAILURE() << "the broker did not answer again within 60 s";
      return;
    }
    if (!queue_declared) return;
    try {
      test_client c;
      c.delete_queue(queue);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "deleting " << queue << ": " << e.what();
    }
  }

  outbox_relay_options options() {
    outbox_relay_options o;
    o.database_url = schema.url();
    o.amqp_url = testing::url_via(testing::amqp_url(), proxy.port());
    o.poll_interval = 200ms;
    // Small batches: the outage then falls between or inside batches rather
    // than after one big one.
    o.batch_size = 10;
    return o;
  }

  // Commits `count` rows one per transaction, each with its NOTIFY, the way
  // a busy service trickles events in: the relay is kept busy with small
  // batches, so an outage tends to catch one in flight.
  void insert_paced(int count) {
    pqxx::connection c(schema.url());
    for (int i = 0; i < count; ++i) {
      auto rows = schema.insert(c, routing_key, 1);
      {
        std::lock_guard<std::mutex> lock(mutex);
        inserted.insert(inserted.end(), rows.begin(), rows.end());
      }
      std::this_thread::sleep_for(5ms);  // the pace of the load, not a wait for anything
    }
  }

  std::size_t inserted_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return inserted.size();
  }

  // Runs `outage` while rows keep coming: the relay publishes them as they
  // are committed, the outage starts once some are out and the producer goes
  // on meanwhile (the outage may commit `rows_during` of its own while the
  // broker is down); the last rows are committed after the outage.
  template <class Outage>
  void publish_through(int rows_during, Outage outage) {
    outbox_relay relay(options());
    relay.start();
    std::promise<void> outage_over;
    auto over = outage_over.get_future();
    auto producer = std::async(std::launch::async, [&] {
      insert_paced(total_rows - rows_after_outage - rows_during);
      over.wait();
      insert_paced(total_rows - static_cast<int>(inserted_count()));
    });
    bool started = eventually([&] { return schema.published_count() >= 50; }, 30s);
    if (started) {
      published_at_outage = schema.published_count();
      outage();
    }
    outage_over.set_value();
    producer.get();
    ASSERT_TRUE(started) << "the relay never published the first rows";
    ASSERT_EQ(inserted.size(), std::size_t(total_rows));
    // Mid-stream: rows were still unpublished when the broker went away.
    EXPECT_LT(published_at_outage, std::size_t(total_rows));

    EXPECT_TRUE(eventually([&] { return schema.published_count() == std::size_t(total_rows); },
                           broker_wait))
        << schema.published_count() << " of " << total_rows << " rows marked published";
    EXPECT_TRUE(eventually([&] { return relay.pending() == 0; }, 5s)) << relay.pending();
  }

  // Reads the test queue until every event id arrived (or nothing more comes)
  // and checks that none is missing.
  void expect_every_event_delivered() {
    std::set<std::string> wanted;
    for (const auto& row : inserted) wanted.insert(row.event_id);
    std::map<std::string, int> seen;
    std::size_t ours = 0;
    test_client c;
    c.consume(queue, /*auto_ack=*/true, /*prefetch=*/500);
    auto deadline = std::chrono::steady_clock::now() + 30s;
    auto idle_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = c.next(100ms);
      if (!m) {
        // Everything arrived and the queue stayed quiet for a moment: any
        // duplicate would have been queued before its original was confirmed.
        if (seen.size() == wanted.size() && std::chrono::steady_clock::now() - idle_since > 1s) {
          break;
        }
        continue;
      }
      idle_since = std::chrono::steady_clock::now();
      if (wanted.count(m->message_id) == 0) continue;  // someone else's event
      ++ours;
      ++seen[m->message_id];
    }
    std::size_t lost = 0;
    for (const auto& id : wanted) lost += seen.count(id) == 0 ? 1 : 0;
    std::size_t duplicates = ours - seen.size();
    std::cout << "published at outage: " << published_at_outage << ", delivered " << ours
              << " messages for " << seen.size() << " of " << wanted.size()
              << " events: " << duplicates << " duplicates, " << lost << " lost\n";
    RecordProperty("duplicates", static_cast<int>(duplicates));
    RecordProperty("lost", static_cast<int>(lost));
    EXPECT_EQ(lost, 0u);
    EXPECT_EQ(seen.size(), wanted.size());
  }

  outbox_schema schema;
  testing::tcp_proxy proxy{testing::address_of(testing::amqp_url())};
  std::string routing_key = "test.outage." + testing::unique_suffix();
  std::string queue = "test.outage." + testing::unique_suffix();
  bool queue_declared = false;
  bool app_stopped = false;
  std::mutex mutex;
  std::vector<inserted_row> inserted;
  std::size_t published_at_outage = 0;
};

TEST_F(OutboxRelayOutage, BrokerStopAndStartMidStreamLosesNothing) {
  publish_through(rows_while_stopped, [&] {
    app_stopped = true;
    auto stop = run("rabbitmqctl -q stop_app");
    ASSERT_EQ(stop.status, 0) << "rabbitmqctl stop_app: " << stop.output;
    EXPECT_FALSE(broker_answers());
    // Events committed while the broker is down wait in the outbox.
    insert_paced(rows_while_stopped);
    // The relay keeps trying meanwhile: two more attempts, refused.
    auto tried = proxy.attempts();
    ASSERT_TRUE(eventually([&] { return proxy.attempts() >= tried + 2; }, broker_wait))
        << "the relay stopped trying while the broker was down";
    auto start = run("rabbitmqctl -q start_app");
    ASSERT_EQ(start.status, 0) << "rabbitmqctl start_app: " << start.output;
    app_stopped = false;
    ASSERT_TRUE(eventually(broker_answers, broker_wait));
  });
  expect_every_event_delivered();
}

TEST_F(OutboxRelayOutage, ClosingEveryConnectionMidStreamLosesNothing) {
  publish_through(0, [&] {
    auto close = run("rabbitmqctl -q close_all_connections \"test\"");
    ASSERT_EQ(close.status, 0) << "rabbitmqctl close_all_connections: " << close.output;
  });
  expect_every_event_delivered();
}

}  // namespace
}  // namespace checkout::messaging
