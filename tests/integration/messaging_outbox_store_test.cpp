#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "integration/messaging_outbox_schema.hpp"
#include "integration/messaging_tcp_proxy.hpp"
#include "messaging/outbox_store.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::outbox_schema;

// Bytes the service on `port` sent to this process that nobody has read yet:
// the receive queues of this process's TCP connections to it (/proc/net/tcp
// rows whose socket inode is one of our descriptors).
std::size_t unread_bytes_from(std::uint16_t port) {
  std::set<std::string> ours;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0) ours.insert(target.substr(8, target.size() - 9));
  }
  std::size_t unread = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeouts, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeouts >> inode;
      if (ours.count(inode) == 0) continue;
      if (std::stoul(remote.substr(remote.find(':') + 1), nullptr, 16) != port) continue;
      unread += std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);  // rx_queue
    }
  }
  return unread;
}

// libpqxx hands notifications that are waiting on the connection to the
// receivers whenever a transaction begins, and drops the count. The relay
// lost its wake-up that way when a NOTIFY came in between two of its
// transactions, and then slept until the next poll.
TEST(OutboxStore, ANotifyTakenInByABeginningTransactionStillWakesTheWaiter) {
  outbox_schema schema;
  std::string error;
  auto store = outbox_store::connect(schema.url(), &error);
  ASSERT_TRUE(store) << error;
  const auto db_port = testing::address_of(testing::database_url()).port;
  ASSERT_EQ(unread_bytes_from(db_port), 0u);

  schema.insert("test.store", 1);
  // The NOTIFY arrives in the store's socket, where nothing reads it...
  ASSERT_TRUE(eventually([&] { return unread_bytes_from(db_port) > 0; }, 10s))
      << "the NOTIFY never reached this process's connection (is the database on TCP?)";
  // ...until BEGIN takes it in.
  auto pending = store->count_pending(&error);
  ASSERT_TRUE(pending) << error;
  EXPECT_EQ(*pending, 1);
  EXPECT_EQ(unread_bytes_from(db_port), 0u);

  auto woke = store->wait_for_notification(100ms, &error);
  ASSERT_TRUE(woke) << error;
  EXPECT_TRUE(*woke);
}

TEST(OutboxStore, WaitingWithoutANotifyTimesOut) {
  outbox_schema schema;
  std::string error;
  auto store = outbox_store::connect(schema.url(), &error);
  ASSERT_TRUE(store) << error;
  // Nobody else notifies: the database is this process's own, and nothing
  // was inserted.
  auto start = std::chrono::steady_clock::now();
  auto woke = store->wait_for_notification(200ms, &error);
  ASSERT_TRUE(woke) << error;
  EXPECT_FALSE(*woke);
  // A lower bound only: load makes the wait longer, never shorter.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);
}

}  // namespace
}  // namespace checkout::messaging
