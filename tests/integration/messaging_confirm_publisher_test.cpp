#include <gtest/gtest.h>

#include "integration/messaging_support.hpp"
#include "messaging/confirm_publisher.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::test_client;

// An exchange of the test's own with nothing bound to it yet.
class ConfirmPublisher : public ::testing::Test {
 protected:
  void TearDown() override {
    try {
      test_client cleanup;
      cleanup.delete_exchange(exchange);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cleanup: " << e.what();
    }
  }

  outgoing_message message(const std::string& key, const std::string& id) {
    return {key, id, R"({"id":")" + id + R"("})", {{"event_type", key}}};
  }

  std::string exchange = "test.publisher." + testing::unique_suffix();
  test_client client;
};

TEST_F(ConfirmPublisher, AMessageNoQueueTakesIsReturnedAndNotConfirmed) {
  client.declare_exchange(exchange);
  std::string error;
  auto confirmed = client.publisher().publish(exchange, {message("order.failed", "lonely")}, 5s,
                                              nullptr, &error);
  ASSERT_EQ(confirmed.size(), 1u);
  EXPECT_FALSE(confirmed[0]);  // the broker acked it too, after returning it
  EXPECT_NE(error.find("NO_ROUTE"), std::string::npos) << error;
  EXPECT_EQ(client.publisher().last_returned(), 1u);
  // A return is an answer, not a failure of the connection.
  EXPECT_TRUE(client.connection().healthy());

  // Once a queue takes the routing key the same message goes through.
  const std::string queue = "test.publisher.q." + testing::unique_suffix();
  client.declare_temp_queue(queue, exchange, "#");
  error.clear();
  confirmed = client.publisher().publish(exchange, {message("order.failed", "lonely")}, 5s, nullptr,
                                         &error);
  ASSERT_EQ(confirmed.size(), 1u);
  EXPECT_TRUE(confirmed[0]) << error;
  EXPECT_EQ(client.publisher().last_returned(), 0u);
  EXPECT_EQ(client.message_count(queue), 1u);
}

TEST_F(ConfirmPublisher, OnlyTheReturnedMessagesOfABatchAreUnconfirmed) {
  client.declare_exchange(exchange);
  const std::string queue = "test.publisher.q." + testing::unique_suffix();
  client.declare_temp_queue(queue, exchange, "order.paid");
  std::string error;
  auto confirmed =
      client.publisher().publish(exchange,
                                 {message("order.paid", "a"), message("order.expired", "b"),
                                  message("order.paid", "c"), message("enrollment.created", "d")},
                                 5s, nullptr, &error);
  ASSERT_EQ(confirmed.size(), 4u);
  EXPECT_TRUE(confirmed[0]);
  EXPECT_FALSE(confirmed[1]);
  EXPECT_TRUE(confirmed[2]);
  EXPECT_FALSE(confirmed[3]);
  EXPECT_EQ(client.publisher().last_returned(), 2u);
  EXPECT_TRUE(client.connection().healthy());
  EXPECT_EQ(client.message_count(queue), 2u);
}

}  // namespace
}  // namespace checkout::messaging
