#include <gtest/gtest.h>

#include "integration/messaging_outbox_schema.hpp"
#include "messaging/outbox_store.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::outbox_schema;

// libpqxx hands notifications that are waiting on the connection to the
// receivers whenever a transaction begins, and drops the count. The relay
// lost its wake-up that way when a NOTIFY came in between two of its
// transactions, and then slept until the next poll.
TEST(OutboxStore, ANotifyTakenInByABeginningTransactionStillWakesTheWaiter) {
  outbox_schema schema;
  std::string error;
  auto store = outbox_store::connect(schema.url(), &error);
  ASSERT_TRUE(store) << error;

  schema.insert("test.store", 1);
  // Long enough for the NOTIFY to sit in the store's socket...
  std::this_thread::sleep_for(300ms);
  // ...from where BEGIN takes it in.
  auto pending = store->count_pending(&error);
  ASSERT_TRUE(pending) << error;
  EXPECT_EQ(*pending, 1);

  auto woke = store->wait_for_notification(100ms, &error);
  ASSERT_TRUE(woke) << error;
  EXPECT_TRUE(*woke);
}

TEST(OutboxStore, WaitingWithoutANotifyTimesOut) {
  outbox_schema schema;
  std::string error;
  auto store = outbox_store::connect(schema.url(), &error);
  ASSERT_TRUE(store) << error;
  // Other suites' inserts notify the same channel; a quiet moment shows up
  // within a few tries.
  bool timed_out = false;
  for (int i = 0; i < 20 && !timed_out; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto woke = store->wait_for_notification(200ms, &error);
    ASSERT_TRUE(woke) << error;
    timed_out = !*woke && std::chrono::steady_clock::now() - start >= 190ms;
  }
  EXPECT_TRUE(timed_out);
}

}  // namespace
}  // namespace checkout::messaging
