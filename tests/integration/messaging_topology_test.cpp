#include <gtest/gtest.h>

#include "integration/messaging_support.hpp"
#include "messaging/topology.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::scratch_topology;
using testing::test_client;

TEST(Topology, DeclaringTheServiceTopologyTwiceSucceeds) {
  std::string error;
  ASSERT_TRUE(declare_topology(testing::amqp_url(), topology_options{}, &error)) << error;
  ASSERT_TRUE(declare_topology(testing::amqp_url(), topology_options{}, &error)) << error;
  test_client c;
  EXPECT_NO_THROW(c.message_count(enrollment_queue));
  EXPECT_NO_THROW(c.message_count(enrollment_dlq));
  EXPECT_NO_THROW(c.message_count(audit_queue));
  EXPECT_NO_THROW(c.message_count(notification_queue));
}

// CONTRACT §16: notification.requested has a queue of its own, and only it.
TEST(Topology, TheNotificationQueueTakesOnlyNotificationRequests) {
  scratch_topology t(3);
  std::string error;
  ASSERT_TRUE(t.declare(&error)) << error;
  test_client c;
  c.publish(t.names.events_exchange, t.names.binding_key, "{}", "paid");
  c.publish(t.names.events_exchange, t.names.notification_binding_key, "{}", "notify");
  c.publish(t.names.events_exchange, "enrollment.created", "{}", "other");
  EXPECT_TRUE(
      testing::eventually([&] { return c.message_count(t.names.notification_queue) == 1; }, 2s));
  EXPECT_TRUE(testing::eventually([&] { return c.message_count(t.names.queue) == 1; }, 2s));
  c.consume(t.names.notification_queue, /*auto_ack=*/true);
  auto m = c.next(10s);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_id, "notify");
}

// Every event reaches the audit queue, whatever its routing key, so a
// mandatory publish of an event nobody consumes is still confirmed; the
// queue keeps only the newest audit_max_length of them.
TEST(Topology, TheAuditQueueTakesEveryRoutingKeyAndDropsTheOldest) {
  scratch_topology t(3);
  t.opts.audit_max_length = 3;
  std::string error;
  ASSERT_TRUE(t.declare(&error)) << error;
  test_client c;
  int n = 0;
  const std::vector<std::string> keys{t.names.binding_key, "order.failed", "order.expired",
                                      "enrollment.created", "notification.requested"};
  for (const auto& key : keys) {
    // publish() throws unless the broker confirmed it (not returned).
    c.publish(t.names.events_exchange, key, R"({"n":)" + std::to_string(n) + "}",
              "m-" + std::to_string(n));
    ++n;
  }
  EXPECT_EQ(c.message_count(t.names.audit_queue), 3u);
  // The work queue takes only its own binding key.
  EXPECT_TRUE(testing::eventually([&] { return c.message_count(t.names.queue) == 1; }, 2s));
  // Exactly the three it holds (counted above), oldest first.
  c.consume(t.names.audit_queue, /*auto_ack=*/true);
  std::vector<std::string> kept;
  for (int i = 0; i < 3; ++i) {
    auto m = c.next(10s);
    ASSERT_TRUE(m) << "message " << i;
    kept.push_back(m->message_id);
  }
  EXPECT_EQ(kept, (std::vector<std::string>{"m-2", "m-3", "m-4"}));
}

TEST(Topology, FailsCleanlyOnAnUnreachableBroker) {
  std::string error;
  EXPECT_FALSE(declare_topology("amqp://guest:guest@127.0.0.1:1/%2f", topology_options{}, &error));
  EXPECT_NE(error.find("127.0.0.1:1"), std::string::npos) << error;
}

TEST(Topology, RedeclaringWithOtherArgumentsIsRefused) {
  scratch_topology t(3);
  std::string error;
  ASSERT_TRUE(t.declare(&error)) << error;
  ASSERT_TRUE(t.declare(&error)) << error;
  // The queue really carries the arguments: the broker refuses to change them.
  t.opts.max_deliveries = 4;
  EXPECT_FALSE(t.declare(&error));
  EXPECT_NE(error.find("PRECONDITION_FAILED"), std::string::npos) << error;
}

// What RabbitMQ 3.10 does with a NACK-requeue on a quorum queue: does it count
// the delivery (x-delivery-count) and dead-letter at the limit?
TEST(Topology, NackRequeueCountsTowardsTheDeliveryLimitAndDeadLetters) {
  scratch_topology t(2);
  std::string error;
  ASSERT_TRUE(t.declare(&error)) << error;

  test_client c;
  test_client observer;  // counts queues while `c` consumes
  c.publish(t.names.events_exchange, t.names.binding_key, R"({"n":1})", "m-1");
  c.consume(t.names.queue, /*auto_ack=*/false);
  std::vector<std::optional<std::int64_t>> counts;
  // NACK every delivery until the message is in the DLQ: from then on no
  // delivery can come, so the count is final without waiting for quiet.
  bool dead_lettered = testing::eventually(
      [&] {
        if (auto m = c.next(100ms)) {
          counts.push_back(m->delivery_count);
          c.nack(m->tag, /*requeue=*/true);
          return false;
        }
        return observer.message_count(t.names.dlq) == 1;
      },
      20s);
  ASSERT_TRUE(dead_lettered) << "never dead-lettered after " << counts.size() << " deliveries";
  std::string seen;
  for (auto& n : counts) seen += (n ? std::to_string(*n) : std::string("-")) + " ";
  std::cout << "x-delivery-count per delivery: " << seen << "\n";

  ASSERT_EQ(counts.size(), 2u) << seen;  // max_deliveries attempts, then the DLQ
  EXPECT_FALSE(counts[0].has_value());   // first delivery: no header
  EXPECT_EQ(counts[1], 1);
  EXPECT_EQ(observer.message_count(t.names.queue), 0u);
}

}  // namespace
}  // namespace checkout::messaging
