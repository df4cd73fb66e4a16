#include <gtest/gtest.h>

#include "integration/messaging_support.hpp"
#include "messaging/dlq.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::scratch_topology;
using testing::test_client;

class Dlq : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(topology.declare(&error)) << error;
    // One failed delivery each (max_deliveries = 1) sends them to the DLQ
    // the way the enrollment consumer's retries do.
    for (std::string id : {"m-1", "m-2"}) {
      client.publish(topology.names.events_exchange, topology.names.binding_key,
                     R"({"id":")" + id + R"("})", id,
                     {{"correlation_id", "corr-" + id}, {"event_type", "order.paid"}});
    }
    client.consume(topology.names.queue, /*auto_ack=*/false);
    for (int i = 0; i < 2; ++i) {
      auto m = client.next(3s);
      ASSERT_TRUE(m);
      client.nack(m->tag, /*requeue=*/true);
    }
    ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 2; }, 3s));
  }

  // The ids of what reaches the work queue before a marker published now
  // (acked, marker included): what a replay put there, with no wait for
  // "nothing more" to show.
  std::vector<std::string> ids_before_marker() {
    test_client publisher;  // waiting for a confirm on `client` would swallow deliveries
    publisher.publish(topology.names.events_exchange, topology.names.binding_key, "{}", "marker");
    std::vector<std::string> ids;
    while (auto m = client.next(10s)) {
      client.ack(m->tag);
      if (m->message_id == "marker") return ids;
      ids.push_back(m->message_id);
    }
    ADD_FAILURE() << "the marker never arrived";
    return ids;
  }

  std::string url = testing::amqp_url();
  scratch_topology topology{1};
  test_client client;
};

TEST_F(Dlq, ListingDescribesTheMessagesAndLeavesThemInPlace) {
  std::string error;
  auto first = list_dlq(url, topology.names.dlq, 10, &error);
  ASSERT_TRUE(first) << error;
  ASSERT_EQ(first->size(), 2u);
  const dead_letter& d = (*first)[0];
  EXPECT_EQ(d.message_id, "m-1");
  EXPECT_EQ(d.correlation_id, "corr-m-1");
  EXPECT_EQ(d.event_type, "order.paid");
  EXPECT_EQ(d.routing_key, topology.names.binding_key);
  EXPECT_EQ(d.body, R"({"id":"m-1"})");
  EXPECT_EQ(d.reason, "delivery_limit");
  EXPECT_EQ(d.source_queue, topology.names.queue);
  EXPECT_EQ(d.death_count, 1);
  EXPECT_EQ((*first)[1].message_id, "m-2");

  auto second = list_dlq(url, topology.names.dlq, 10, &error);
  ASSERT_TRUE(second) << error;
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].message_id, "m-1");  // same order as before
  EXPECT_EQ(client.message_count(topology.names.dlq), 2u);

  auto limited = list_dlq(url, topology.names.dlq, 1, &error);
  ASSERT_TRUE(limited) << error;
  EXPECT_EQ(limited->size(), 1u);
}

TEST_F(Dlq, ListingAMissingQueueIsAnError) {
  std::string error;
  EXPECT_FALSE(list_dlq(url, "test.missing." + testing::unique_suffix(), 10, &error));
  EXPECT_NE(error.find("NOT_FOUND"), std::string::npos) << error;
}

TEST_F(Dlq, ReplayRepublishesUnderTheOriginalRoutingKey) {
  auto one = replay_dlq(url, topology.names.dlq, topology.names.events_exchange, 1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_EQ(one.replayed, 1u);
  EXPECT_EQ(client.message_count(topology.names.dlq), 1u);

  auto rest = replay_dlq(url, topology.names.dlq, topology.names.events_exchange, 10);
  ASSERT_TRUE(rest.ok()) << rest.error;
  EXPECT_EQ(rest.replayed, 1u);
  EXPECT_EQ(client.message_count(topology.names.dlq), 0u);

  // Back in the work queue (bound by the original routing key), as new
  // messages: same id, headers and body, no broker bookkeeping.
  std::vector<testing::received> back;
  while (auto m = client.next(1s)) {
    back.push_back(*m);
    client.ack(m->tag);
    if (back.size() == 2) break;
  }
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].message_id, "m-1");
  EXPECT_EQ(back[1].message_id, "m-2");
  EXPECT_EQ(back[0].routing_key, topology.names.binding_key);
  EXPECT_EQ(back[0].headers.at("correlation_id"), "corr-m-1");
  EXPECT_EQ(back[0].headers.at("event_type"), "order.paid");
  EXPECT_EQ(back[0].headers.count("x-first-death-reason"), 0u);
  EXPECT_FALSE(back[0].delivery_count.has_value());
  EXPECT_EQ(back[0].body, R"({"id":"m-1"})");
  EXPECT_EQ(back[0].delivery_mode, 2);
}

TEST_F(Dlq, ReplayStopsWhenAMessageComesBackDuringTheSameReplay) {
  // Replaying into the dead-letter exchange puts each message straight back
  // into the DLQ: the worst case of a message that keeps failing.
  auto r = replay_dlq(url, topology.names.dlq, topology.names.dead_letter_exchange, 100);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.replayed, 2u);
  EXPECT_EQ(client.message_count(topology.names.dlq), 2u);
}

TEST_F(Dlq, ReplayOfOneMessageIdLeavesTheOthersInTheirPlaces) {
  // A third dead letter behind the two of SetUp. Published on a connection of
  // its own: waiting for the confirm on the consuming one would swallow the
  // delivery.
  test_client publisher;
  publisher.publish(topology.names.events_exchange, topology.names.binding_key, R"({"id":"m-3"})",
                    "m-3", {{"correlation_id", "corr-m-3"}, {"event_type", "order.paid"}});
  auto m = client.next(3s);
  ASSERT_TRUE(m);
  client.nack(m->tag, /*requeue=*/true);
  ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 3; }, 3s));

  auto r = replay_dlq(url, topology.names.dlq, topology.names.events_exchange, 100, "m-2");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(r.not_found);
  EXPECT_EQ(r.replayed, 1u);

  std::string error;
  auto left = list_dlq(url, topology.names.dlq, 10, &error);
  ASSERT_TRUE(left) << error;
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].message_id, "m-1");
  EXPECT_EQ((*left)[1].message_id, "m-3");

  // Only m-2 is back in the work queue.
  auto back = client.next(2s);
  ASSERT_TRUE(back);
  client.ack(back->tag);
  EXPECT_EQ(back->message_id, "m-2");
  EXPECT_TRUE(ids_before_marker().empty());
}

TEST_F(Dlq, ReplayOfAnUnknownMessageIdReplaysNothing) {
  auto r = replay_dlq(url, topology.names.dlq, topology.names.events_exchange, 100, "m-404");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.not_found);
  EXPECT_EQ(r.replayed, 0u);
  std::string error;
  auto left = list_dlq(url, topology.names.dlq, 10, &error);
  ASSERT_TRUE(left) << error;
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].message_id, "m-1");
  EXPECT_EQ((*left)[1].message_id, "m-2");
  EXPECT_TRUE(ids_before_marker().empty());  // nothing went to the work queue
}

TEST_F(Dlq, ReplayOfAMessageIdBeyondTheScanLimitIsNotFoundAndKeepsTheQueue) {
  auto r = replay_dlq(url, topology.names.dlq, topology.names.events_exchange, 100, "m-2",
                      /*max_scan=*/1);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.not_found);
  EXPECT_EQ(r.replayed, 0u);
  EXPECT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 2; }, 2s));
}

TEST_F(Dlq, ReplayToAMissingExchangeKeepsTheMessage) {
  auto r = replay_dlq(url, topology.names.dlq, "test.missing." + testing::unique_suffix(), 10);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.replayed, 0u);
  EXPECT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 2; }, 2s));
}

}  // namespace
}  // namespace checkout::messaging
