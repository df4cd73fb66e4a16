#include <gtest/gtest.h>

#include <atomic>
#include <map>
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

class OutboxRelay : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(declare_topology(testing::amqp_url(), topology_options{}, &error)) << error;
    routing_key = "test." + testing::unique_suffix();
    const std::string queue = "test.relay." + testing::unique_suffix();
    listener.declare_temp_queue(queue, events_exchange, routing_key);
    listener.consume(queue, /*auto_ack=*/true);
  }

  outbox_relay_options options(std::chrono::milliseconds poll = 200ms) {
    outbox_relay_options o;
    o.database_url = schema.url();
    o.amqp_url = testing::amqp_url();
    o.poll_interval = poll;
    o.on_published = [this](std::uint64_t n) { published_count += n; };
    return o;
  }

  // Publishes a marker straight to the listener's routing key and collects
  // everything that arrives up to it (the marker not included): whatever
  // reached the queue before the marker was confirmed is in there, so an
  // empty answer is a positive "nothing was published", not a timeout.
  std::map<std::string, testing::received> receive_until_marker() {
    const std::string marker = "marker-" + testing::unique_suffix();
    test_client publisher;  // the listener's connection consumes: not that one
    publisher.publish(events_exchange, routing_key, "{}", marker);
    std::map<std::string, testing::received> out;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto m = listener.next(50ms);
      if (!m) continue;
      if (m->message_id == marker) return out;
      ++received_total;
      out.emplace(m->message_id, *m);
    }
    ADD_FAILURE() << "the marker never arrived";
    return out;
  }

  // Collects `n` messages (or what arrived before the timeout), by message id.
  std::map<std::string, testing::received> receive(std::size_t n,
                                                   std::chrono::milliseconds timeout) {
    std::map<std::string, testing::received> out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      if (auto m = listener.next(50ms)) {
        ++received_total;
        out.emplace(m->message_id, *m);
      }
    }
    return out;
  }

  outbox_schema schema;
  test_client listener;
  std::string routing_key;
  std::atomic<std::uint64_t> published_count{0};
  std::size_t received_total = 0;
};

TEST_F(OutboxRelay, PublishesACommittedRowWithItsMetadataAndMarksIt) {
  auto rows = schema.insert(routing_key, 1, "corr-42");
  outbox_relay relay(options());
  relay.start();

  auto got = receive(1, 5s);
  ASSERT_EQ(got.size(), 1u);
  const auto& m = got.begin()->second;
  EXPECT_EQ(m.message_id, rows[0].event_id);
  EXPECT_EQ(m.exchange, events_exchange);
  EXPECT_EQ(m.routing_key, routing_key);
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.delivery_mode, 2);
  EXPECT_EQ(m.headers.at("correlation_id"), "corr-42");
  EXPECT_EQ(m.headers.at("event_type"), routing_key);
  EXPECT_EQ(m.body, schema.body_of(rows[0]));

  EXPECT_TRUE(eventually([&] { return schema.published(rows) == 1; }, 2s));
  EXPECT_TRUE(eventually([&] { return relay.pending() == 0 && published_count == 1; }, 2s));
}

TEST_F(OutboxRelay, NotificationWakesTheRelayWellBeforeThePollInterval) {
  // With a 60 s poll only the NOTIFY path can deliver within seconds. The
  // bounds leave room for a machine busy with other suites; a relay that
  // missed the NOTIFY would need the whole poll interval.
  outbox_relay relay(options(60s));
  relay.start();
  // The first row (published by the relay's first drain, whether or not the
  // NOTIFY came) also waits for both connections to be set up, so it only
  // shows that the relay is up; its wait measures nothing.
  schema.insert(routing_key, 1);
  ASSERT_EQ(receive(1, 20s).size(), 1u);

  for (int round = 0; round < 3; ++round) {
    auto start = std::chrono::steady_clock::now();
    auto rows = schema.insert(routing_key, 1);
    auto got = receive(1, 10s);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(got.count(rows[0].event_id), 1u) << "round " << round;
    EXPECT_LT(elapsed, 3s) << "round " << round;
  }

  auto start = std::chrono::steady_clock::now();
  relay.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(OutboxRelay, RowsCommittedWhileStoppedArePublishedAfterARestart) {
  {
    outbox_relay relay(options());
    relay.start();
    auto first = schema.insert(routing_key, 1);
    ASSERT_EQ(receive(1, 5s).size(), 1u);
    // Stopping between the confirm and the mark would publish it again after
    // the restart (allowed: at least once), which this test does not count.
    ASSERT_TRUE(eventually([&] { return schema.published(first) == 1; }, 2s));
    relay.stop();
  }
  auto rows = schema.insert(routing_key, 3);
  EXPECT_TRUE(receive_until_marker().empty());
  EXPECT_EQ(schema.published(rows), 0u);

  outbox_relay relay(options());
  relay.start();
  auto got = receive(3, 5s);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& row : rows) EXPECT_EQ(got.count(row.event_id), 1u);
  EXPECT_TRUE(eventually([&] { return schema.published(rows) == 3; }, 2s));
}

TEST_F(OutboxRelay, UncommittedRowsAreNotPublished) {
  outbox_relay relay(options());
  relay.start();
  pqxx::connection c(schema.url());
  pqxx::work open_txn(c);
  auto event_id =
      open_txn
          .exec1("INSERT INTO outbox (event_id, event_type, body) VALUES (gen_random_uuid(), '" +
                 routing_key + "', '{}') RETURNING event_id::text")[0]
          .as<std::string>();
  // A row committed after the open one (a later id) is published: the relay
  // has looked at the outbox since the open insert, and passed it by.
  auto later = schema.insert(routing_key, 1);
  auto got = receive(1, 10s);
  ASSERT_EQ(got.count(later[0].event_id), 1u);
  EXPECT_TRUE(eventually([&] { return schema.published(later) == 1; }, 5s));
  EXPECT_EQ(got.count(event_id), 0u);
  EXPECT_TRUE(receive_until_marker().empty()) << "the uncommitted row was published";
  open_txn.commit();
  got = receive(1, 10s);
  EXPECT_EQ(got.count(event_id), 1u);
}

TEST_F(OutboxRelay, ARowTheBrokerNacksStaysPendingAndIsRetried) {
  test_client admin;
  const std::string full = "test.full." + testing::unique_suffix();
  admin.declare_full_queue(full, events_exchange, routing_key);
  outbox_relay relay(options());
  relay.start();
  auto rows = schema.insert(routing_key, 1);

  // Every attempt reaches the listener's queue but is nacked because of the
  // full one, so the row must stay unpublished.
  ASSERT_FALSE(receive(1, 5s).empty());
  ASSERT_FALSE(receive(1, 5s).empty());  // retried
  EXPECT_EQ(schema.published(rows), 0u);
  EXPECT_EQ(relay.pending(), 1);
  EXPECT_EQ(published_count, 0u);

  admin.delete_queue(full);
  EXPECT_TRUE(eventually([&] { return schema.published(rows) == 1; }, 8s));
  EXPECT_TRUE(eventually([&] { return relay.pending() == 0; }, 2s));
  EXPECT_EQ(published_count, 1u);
}

TEST_F(OutboxRelay, KeepsRowsPendingWhileTheBrokerIsAwayAndCatchesUp) {
  testing::tcp_proxy proxy(testing::address_of(testing::amqp_url()));
  proxy.set_accepting(false);
  auto o = options();
  o.amqp_url = testing::url_via(testing::amqp_url(), proxy.port());
  outbox_relay relay(o);
  relay.start();

  auto rows = schema.insert(routing_key, 2);
  EXPECT_TRUE(eventually([&] { return relay.pending() == 2; }, 10s)) << relay.pending();
  // It tried the broker again after the rows were committed, and could not.
  auto tried = proxy.attempts();
  EXPECT_TRUE(eventually([&] { return proxy.attempts() > tried; }, 20s));
  EXPECT_TRUE(receive_until_marker().empty());
  EXPECT_EQ(schema.published(rows), 0u);
  EXPECT_EQ(proxy.accepted(), 0);

  proxy.set_accepting(true);
  ASSERT_EQ(receive(2, 8s).size(), 2u);
  EXPECT_TRUE(eventually([&] { return schema.published(rows) == 2 && relay.pending() == 0; }, 2s));

  // A broker restart as the relay sees it: its connection is cut.
  proxy.drop_connections();
  auto later = schema.insert(routing_key, 1);
  auto got = receive(1, 8s);
  EXPECT_EQ(got.count(later[0].event_id), 1u);
  EXPECT_TRUE(eventually([&] { return schema.published(later) == 1; }, 2s));
  EXPECT_GE(proxy.accepted(), 2);
}

// AMQP_URL lists two nodes (proxies of the one test broker): when the relay's
// node goes away it publishes through the other, without trying the node
// that has just failed first.
TEST_F(OutboxRelay, MovesToTheNextNodeWhenItsNodeFails) {
  testing::tcp_proxy first(testing::address_of(testing::amqp_url()));
  testing::tcp_proxy second(testing::address_of(testing::amqp_url()));
  auto o = options();
  o.amqp_url = testing::url_via(testing::amqp_url(), first.port()) + "," +
               testing::url_via(testing::amqp_url(), second.port());
  outbox_relay relay(o);
  relay.start();
  auto before = schema.insert(routing_key, 1);
  ASSERT_EQ(receive(1, 5s).count(before[0].event_id), 1u);
  ASSERT_TRUE(eventually([&] { return schema.published(before) == 1; }, 2s));
  EXPECT_EQ(second.attempts(), 0) << "the first node answered, the second was not needed";

  const int tried_first = first.attempts();
  first.set_accepting(false);
  first.drop_connections();
  auto after = schema.insert(routing_key, 1);
  EXPECT_EQ(receive(1, 8s).count(after[0].event_id), 1u);
  EXPECT_TRUE(eventually([&] { return schema.published(after) == 1; }, 2s));
  EXPECT_GE(second.accepted(), 1);
  EXPECT_EQ(first.attempts(), tried_first) << "the node that had just failed was tried first";
}

TEST_F(OutboxRelay, ReconnectsAfterLosingThePostgresConnection) {
  testing::tcp_proxy proxy(testing::address_of(testing::database_url()));
  auto o = options();
  o.database_url = testing::url_via(schema.url(), proxy.port());
  outbox_relay relay(o);
  relay.start();
  auto first = schema.insert(routing_key, 1);
  ASSERT_EQ(receive(1, 5s).count(first[0].event_id), 1u);
  // Cutting the connection before the commit would (rightly) publish it again.
  ASSERT_TRUE(eventually([&] { return schema.published(first) == 1; }, 2s));

  proxy.drop_connections();  // the relay's LISTEN connection dies with it
  auto second = schema.insert(routing_key, 1);
  EXPECT_EQ(receive(1, 8s).count(second[0].event_id), 1u);
  EXPECT_TRUE(eventually([&] { return schema.published(second) == 1; }, 2s));
  EXPECT_GE(proxy.accepted(), 2);
}

// The relay's own copy of the topology (names of the test's own): declared
// when it connects, and again when the broker returns an event nobody takes.
TEST_F(OutboxRelay, AReturnedEventStaysPendingAndTheTopologyIsDeclaredAgain) {
  testing::scratch_topology topology(3);
  test_client admin;
  auto o = options();
  o.names = topology.names;
  o.topology = topology.opts;
  outbox_relay relay(o);
  relay.start();

  // Nothing was declared before: the relay did it when it connected, and an
  // event only the audit queue takes is confirmed.
  auto first = schema.insert("order.failed", 1);
  ASSERT_TRUE(eventually([&] { return schema.published(first) == 1; }, 5s));
  EXPECT_TRUE(eventually([&] { return admin.message_count(topology.names.audit_queue) == 1; }, 2s));

  // Without the audit queue nothing takes order.expired: the broker returns
  // it, the row stays pending, and the relay declares the topology again
  // before retrying, on the same (healthy) connection.
  admin.delete_queue(topology.names.audit_queue);
  auto second = schema.insert("order.expired", 1);
  ASSERT_TRUE(eventually([&] { return schema.published(second) == 1; }, 10s));
  EXPECT_TRUE(eventually([&] { return admin.message_count(topology.names.audit_queue) == 1; }, 2s));
  EXPECT_TRUE(eventually([&] { return relay.pending() == 0; }, 2s));
  EXPECT_EQ(published_count, 2u);
}

TEST_F(OutboxRelay, AfterReconnectingTheTopologyIsDeclaredAgain) {
  testing::scratch_topology topology(3);
  testing::tcp_proxy proxy(testing::address_of(testing::amqp_url()));
  test_client admin;
  auto o = options();
  o.amqp_url = testing::url_via(testing::amqp_url(), proxy.port());
  o.names = topology.names;
  o.topology = topology.opts;
  outbox_relay relay(o);
  relay.start();
  auto first = schema.insert(topology.names.binding_key, 1);
  ASSERT_TRUE(eventually([&] { return schema.published(first) == 1; }, 5s));
  EXPECT_TRUE(eventually([&] { return admin.message_count(topology.names.queue) == 1; }, 2s));

  // A broker reset as the relay sees it: its definitions are gone and its
  // connection is cut.
  admin.delete_queue(topology.names.queue);
  admin.delete_queue(topology.names.dlq);
  admin.delete_queue(topology.names.audit_queue);
  admin.delete_exchange(topology.names.events_exchange);
  admin.delete_exchange(topology.names.dead_letter_exchange);
  proxy.drop_connections();

  auto second = schema.insert(topology.names.binding_key, 1);
  ASSERT_TRUE(eventually([&] { return schema.published(second) == 1; }, 10s));
  EXPECT_TRUE(eventually([&] { return admin.message_count(topology.names.queue) == 1; }, 2s));
  EXPECT_TRUE(eventually([&] { return admin.message_count(topology.names.audit_queue) == 1; }, 2s));
}

TEST_F(OutboxRelay, TwoRelaysNeverPublishTheSameRow) {
  auto o = options();
  o.batch_size = 10;
  outbox_relay first(o);
  outbox_relay second(o);
  auto rows = schema.insert(routing_key, 200);
  first.start();
  second.start();
  auto got = receive(200, 30s);
  EXPECT_EQ(got.size(), 200u);
  // A row is marked only after its publish was confirmed, so once all are
  // marked any duplicate is in the queue ahead of the marker.
  EXPECT_TRUE(eventually([&] { return schema.published(rows) == 200u; }, 10s));
  receive_until_marker();
  EXPECT_EQ(received_total, 200u) << "a row was published twice";
}

}  // namespace
}  // namespace checkout::messaging
