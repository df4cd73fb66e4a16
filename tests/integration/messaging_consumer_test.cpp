#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include "integration/messaging_support.hpp"
#include "integration/messaging_tcp_proxy.hpp"
#include "messaging/consumer.hpp"
#include "messaging/dlq.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using testing::eventually;
using testing::scratch_topology;
using testing::test_client;

// What the handler saw, shared with the consumer thread.
struct calls {
  std::mutex mutex;
  std::vector<delivery> seen;
  std::vector<clock_type::time_point> at;
  void record(const delivery& d) {
    std::lock_guard<std::mutex> lock(mutex);
    seen.push_back(d);
    at.push_back(clock_type::now());
  }
  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex);
    return seen.size();
  }
  std::size_t count(const std::string& message_id) {
    std::lock_guard<std::mutex> lock(mutex);
    std::size_t n = 0;
    for (const auto& d : seen) n += d.message_id == message_id ? 1 : 0;
    return n;
  }
};

class Consumer : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(topology.declare(&error)) << error;
  }

  consumer_options options(std::function<outcome(const delivery&)> handler) {
    consumer_options o;
    o.amqp_url = testing::amqp_url();
    o.queue = topology.names.queue;
    o.initial_backoff = 50ms;
    o.max_backoff = 1s;
    o.handler = [this, handler](const delivery& d) {
      seen.record(d);
      return handler(d);
    };
    o.on_redelivered = [this] { ++redelivered; };
    o.on_rejected = [this] { ++rejected; };
    return o;
  }

  // The one message in the DLQ, as list_dlq describes it.
  dead_letter only_dead_letter() {
    std::string error;
    auto listed = list_dlq(testing::amqp_url(), topology.names.dlq, 10, &error);
    if (!listed) throw std::runtime_error(error);
    if (listed->size() != 1) {
      throw std::runtime_error("expected 1 dead letter, found " + std::to_string(listed->size()));
    }
    return listed->front();
  }

  void publish(const std::string& id) {
    client.publish(topology.names.events_exchange, topology.names.binding_key,
                   R"({"id":")" + id + R"("})", id, {{"correlation_id", "corr-" + id}});
  }

  // Publishes a marker behind the test's messages and waits until the
  // consumer handled it: what the consumer was going to do with the earlier
  // ones (handle one twice, retry it) it has done by then. The handlers ack
  // the marker.
  bool pass_marker() {
    publish("marker");
    return eventually([&] { return seen.count("marker") == 1; }, 10s);
  }

  scratch_topology topology{3};
  test_client client;
  calls seen;
  std::atomic<int> redelivered{0};
  std::atomic<int> rejected{0};
};

TEST_F(Consumer, AcknowledgedMessagesAreHandledOnce) {
  consumer c(options([](const delivery&) { return outcome::ack; }));
  c.start();
  publish("a");
  publish("b");
  ASSERT_TRUE(eventually([&] { return seen.size() == 2; }, 5s));
  ASSERT_TRUE(pass_marker());
  c.stop();
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.count("a"), 1u);
  EXPECT_EQ(seen.count("b"), 1u);
  EXPECT_EQ(seen.seen[0].message_id, "a");
  EXPECT_EQ(seen.seen[0].correlation_id, "corr-a");
  EXPECT_EQ(seen.seen[0].routing_key, topology.names.binding_key);
  EXPECT_EQ(seen.seen[0].body, R"({"id":"a"})");
  EXPECT_FALSE(seen.seen[0].redelivered);
  EXPECT_EQ(redelivered, 0);
  // Acked for real: nothing comes back once the consumer's channel is gone.
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);
  EXPECT_EQ(client.message_count(topology.names.dlq), 0u);
}

TEST_F(Consumer, RetryRedeliversWithGrowingBackoffUntilTheDeadLetterQueue) {
  consumer c(options([](const delivery&) { return outcome::retry; }));
  c.start();
  publish("poison");
  ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 1; }, 5s));
  c.stop();
  ASSERT_EQ(seen.size(), 3u);  // max_deliveries = 3
  EXPECT_EQ(redelivered, 3);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(seen.seen[i].delivery_count, std::int64_t(i));
  EXPECT_TRUE(seen.seen[1].redelivered);
  // 50 ms after the first failure, 100 ms after the second.
  EXPECT_GE(seen.at[1] - seen.at[0], 50ms);
  EXPECT_GE(seen.at[2] - seen.at[1], 100ms);
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);
  EXPECT_EQ(rejected, 0);

  // RabbitMQ 3.10: the quorum queue dead-letters after exactly
  // max_deliveries attempts and says so in x-death.
  dead_letter d = only_dead_letter();
  EXPECT_EQ(d.message_id, "poison");
  EXPECT_EQ(d.reason, "delivery_limit");
  EXPECT_EQ(d.source_queue, topology.names.queue);
  EXPECT_EQ(d.routing_key, topology.names.binding_key);
  EXPECT_EQ(d.death_count, 1);
}

TEST_F(Consumer, RejectDeadLettersAtOnceWithReasonRejected) {
  consumer c(options(
      [](const delivery& d) { return d.message_id == "marker" ? outcome::ack : outcome::reject; }));
  c.start();
  publish("hopeless");
  ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 1; }, 5s));
  ASSERT_TRUE(pass_marker());  // a wrong second attempt would have come first
  c.stop();
  EXPECT_EQ(seen.count("hopeless"), 1u);  // no retries spent on it
  EXPECT_EQ(rejected, 1);
  EXPECT_EQ(redelivered, 0);
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);

  dead_letter d = only_dead_letter();
  EXPECT_EQ(d.message_id, "hopeless");
  EXPECT_EQ(d.correlation_id, "corr-hopeless");
  EXPECT_EQ(d.reason, "rejected");
  EXPECT_EQ(d.source_queue, topology.names.queue);
  EXPECT_EQ(d.routing_key, topology.names.binding_key);
  EXPECT_EQ(d.death_count, 1);
  EXPECT_EQ(d.body, R"({"id":"hopeless"})");
}

TEST_F(Consumer, RejectingOneMessageLeavesTheOthersAlone) {
  consumer c(options(
      [](const delivery& d) { return d.message_id == "bad" ? outcome::reject : outcome::ack; }));
  c.start();
  publish("good-1");
  publish("bad");
  publish("good-2");
  ASSERT_TRUE(eventually([&] { return seen.size() == 3; }, 5s));
  ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.dlq) == 1; }, 5s));
  ASSERT_TRUE(pass_marker());
  c.stop();
  EXPECT_EQ(seen.size(), 4u);
  for (std::string id : {"good-1", "bad", "good-2"}) EXPECT_EQ(seen.count(id), 1u) << id;
  EXPECT_EQ(rejected, 1);
  EXPECT_EQ(only_dead_letter().message_id, "bad");
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);
}

TEST_F(Consumer, ARetriedMessageIsHandledAgainAndThenAcked) {
  std::atomic<int> n{0};
  consumer c(options([&](const delivery&) { return ++n == 1 ? outcome::retry : outcome::ack; }));
  c.start();
  publish("flaky");
  ASSERT_TRUE(eventually([&] { return seen.size() == 2; }, 5s));
  ASSERT_TRUE(pass_marker());
  c.stop();
  EXPECT_EQ(seen.count("flaky"), 2u);
  EXPECT_EQ(redelivered, 1);
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);
  EXPECT_EQ(client.message_count(topology.names.dlq), 0u);
}

TEST_F(Consumer, AThrowingHandlerCountsAsRetry) {
  std::atomic<int> n{0};
  consumer c(options([&](const delivery&) -> outcome {
    if (++n == 1) throw std::runtime_error("database unavailable");
    return outcome::ack;
  }));
  c.start();
  publish("x");
  ASSERT_TRUE(eventually([&] { return seen.size() == 2; }, 5s));
  c.stop();
  EXPECT_EQ(redelivered, 1);
  EXPECT_EQ(seen.count("x"), 2u);
}

TEST_F(Consumer, AMessageInBackoffDoesNotHoldUpTheOthers) {
  // A back-off of a minute: far beyond what load can add to the waits below,
  // so "before the back-off is over" cannot be confused with "after it".
  auto o = options(
      [](const delivery& d) { return d.message_id == "slow" ? outcome::retry : outcome::ack; });
  o.initial_backoff = 60s;
  o.max_backoff = 60s;
  consumer c(o);
  c.start();
  publish("slow");
  ASSERT_TRUE(eventually([&] { return seen.size() == 1; }, 10s));
  auto start = clock_type::now();
  publish("fast");
  ASSERT_TRUE(eventually([&] { return seen.count("fast") == 1; }, 20s));
  EXPECT_EQ(redelivered, 0) << "\"fast\" came only after \"slow\"'s back-off";

  // stop() does not wait out the back-off either (a third of it at most).
  c.stop();
  EXPECT_LT(clock_type::now() - start, 40s);
  EXPECT_EQ(redelivered, 0);
}

// A start_handler's replies, kept until the test answers them.
struct held_replies {
  std::mutex mutex;
  std::vector<std::pair<std::string, consumer_reply>> items;
  void hold(const delivery& d, consumer_reply r) {
    std::lock_guard<std::mutex> lock(mutex);
    items.emplace_back(d.message_id, std::move(r));
  }
  // Answers (or, with nullopt, drops uncalled) every held reply.
  void answer_all(std::optional<outcome> result) {
    std::vector<std::pair<std::string, consumer_reply>> taken;
    {
      std::lock_guard<std::mutex> lock(mutex);
      taken.swap(items);
    }
    for (auto& [id, reply] : taken) {
      if (result) reply(*result);
    }
  }
};

TEST_F(Consumer, AStartHandlerGetsTheNextDeliveriesBeforeItAnswersTheFirst) {
  held_replies held;
  auto o = options([](const delivery&) { return outcome::ack; });
  o.handler = nullptr;
  o.start_handler = [&](const delivery& d, consumer_reply r) {
    seen.record(d);
    if (d.message_id == "marker") return r(outcome::ack);
    held.hold(d, std::move(r));
  };
  consumer c(o);
  c.start();
  for (std::string id : {"a", "b", "c"}) publish(id);
  // A blocking handler would still be in "a": all three are in hand at once.
  ASSERT_TRUE(eventually([&] { return seen.size() == 3; }, 5s));
  held.answer_all(outcome::ack);
  ASSERT_TRUE(pass_marker());
  c.stop();
  // Acknowledged for real: an unacknowledged one would be back in the queue
  // once the broker has seen the consumer's channel close.
  ASSERT_TRUE(eventually([&] { return client.consumer_count(topology.names.queue) == 0; }, 5s));
  EXPECT_EQ(client.message_count(topology.names.queue), 0u);
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(redelivered, 0);
  EXPECT_EQ(client.message_count(topology.names.dlq), 0u);
}

TEST_F(Consumer, AReplyDroppedUnansweredCountsAsRetry) {
  held_replies held;
  auto o = options([](const delivery&) { return outcome::ack; });
  o.handler = nullptr;
  std::atomic<int> n{0};
  o.start_handler = [&](const delivery& d, consumer_reply r) {
    seen.record(d);
    if (++n == 1) {
      held.hold(d, std::move(r));  // dropped below without an answer
    } else {
      r(outcome::ack);
      r(outcome::reject);  // only the first answer counts
    }
  };
  consumer c(o);
  c.start();
  publish("lost");
  ASSERT_TRUE(eventually([&] { return seen.size() == 1; }, 5s));
  held.answer_all(std::nullopt);
  ASSERT_TRUE(eventually([&] { return seen.count("lost") == 2; }, 5s));
  ASSERT_TRUE(eventually([&] { return client.message_count(topology.names.queue) == 0; }, 5s));
  c.stop();
  EXPECT_EQ(redelivered, 1);
  EXPECT_EQ(rejected, 0);
  EXPECT_EQ(client.message_count(topology.names.dlq), 0u);
}

TEST_F(Consumer, ReconnectsAfterLosingTheBroker) {
  testing::tcp_proxy proxy(testing::address_of(testing::amqp_url()));
  auto o = options([](const delivery&) { return outcome::ack; });
  o.amqp_url = testing::url_via(testing::amqp_url(), proxy.port());
  consumer c(o);
  c.start();
  publish("before");
  ASSERT_TRUE(eventually([&] { return seen.count("before") == 1; }, 5s));

  proxy.drop_connections();
  publish("after");
  EXPECT_TRUE(eventually([&] { return seen.count("after") == 1; }, 5s));
  EXPECT_GE(proxy.accepted(), 2);
  c.stop();
}

// AMQP_URL lists two nodes (proxies of the one test broker): when the
// consumer's node goes away it consumes from the other, without trying the
// node that has just failed first.
TEST_F(Consumer, MovesToTheNextNodeWhenItsNodeFails) {
  testing::tcp_proxy first(testing::address_of(testing::amqp_url()));
  testing::tcp_proxy second(testing::address_of(testing::amqp_url()));
  auto o = options([](const delivery&) { return outcome::ack; });
  o.amqp_url = testing::url_via(testing::amqp_url(), first.port()) + "," +
               testing::url_via(testing::amqp_url(), second.port());
  consumer c(o);
  c.start();
  publish("before");
  ASSERT_TRUE(eventually([&] { return seen.count("before") == 1; }, 5s));
  EXPECT_EQ(second.attempts(), 0);

  first.set_accepting(false);
  first.drop_connections();
  publish("after");
  EXPECT_TRUE(eventually([&] { return seen.count("after") == 1; }, 8s));
  EXPECT_EQ(second.accepted(), 1);
  EXPECT_EQ(first.attempts(), 1) << "the node that had just failed was tried first";
  c.stop();
}

// The service may start before anyone declared its queue: the consumer keeps
// trying, and consumes once the queue is there.
TEST_F(Consumer, KeepsRetryingToConnectUntilTheQueueExists) {
  scratch_topology later{3};  // names of its own, declared only below
  // Each try is a connection of its own (a consume of a missing queue closes
  // the channel, and the consumer starts over), so the proxy counts them.
  testing::tcp_proxy proxy(testing::address_of(testing::amqp_url()));
  auto o = options([](const delivery&) { return outcome::ack; });
  o.amqp_url = testing::url_via(testing::amqp_url(), proxy.port());
  o.queue = later.names.queue;
  consumer c(o);
  c.start();
  ASSERT_TRUE(eventually([&] { return proxy.accepted() >= 3; }, 20s))
      << "the consumer tried " << proxy.accepted() << " time(s) and gave up";
  EXPECT_EQ(seen.size(), 0u);

  std::string error;
  ASSERT_TRUE(later.declare(&error)) << error;
  client.publish(later.names.events_exchange, later.names.binding_key, R"({"id":"late"})", "late");
  // Its back-off between tries is at most 5 s.
  EXPECT_TRUE(eventually([&] { return seen.count("late") == 1; }, 30s))
      << "not consumed after " << proxy.accepted() << " connections";
  c.stop();
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(client.message_count(later.names.queue), 0u);
}

}  // namespace
}  // namespace checkout::messaging
