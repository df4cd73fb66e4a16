// amqp_connection::open over AMQP_URL's list of nodes (CONTRACT §14): the first
// node that answers is used, a given node is tried first, and a node that never
// answers cannot use up the time the others need. Nodes are proxies in front
// of the one test broker, so each can fail on its own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "messaging_support.hpp"
#include "messaging_tcp_proxy.hpp"

namespace checkout::messaging {
namespace {

using namespace std::chrono_literals;
using testing::amqp_url;
using testing::tcp_proxy;
using testing::url_via;

// A node that takes TCP connections (the kernel completes them) and never
// says a word: a wedged broker, or a host whose packets vanish after SYN.
class silent_node {
 public:
  silent_node() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("silent_node: cannot listen");
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~silent_node() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

std::string node_via(std::uint16_t port) {
  return url_via(amqp_url(), port);
}

TEST(AmqpFailover, UsesTheFirstNodeThatAnswers) {
  tcp_proxy down(testing::address_of(amqp_url()));
  tcp_proxy up(testing::address_of(amqp_url()));
  down.set_accepting(false);
  std::string error;
  auto conn = amqp_connection::open(node_via(down.port()) + "," + node_via(up.port()),
                                    "checkout failover test", &error);
  ASSERT_TRUE(conn) << error;
  EXPECT_EQ(conn->node(), 1u);
  EXPECT_EQ(conn->node_name(), "127.0.0.1:" + std::to_string(up.port()));
  EXPECT_EQ(down.attempts(), 1);
  EXPECT_EQ(up.accepted(), 1);
}

TEST(AmqpFailover, StartsAtTheGivenNodeAndWrapsAround) {
  tcp_proxy a(testing::address_of(amqp_url()));
  tcp_proxy b(testing::address_of(amqp_url()));
  const auto list = node_via(a.port()) + "," + node_via(b.port());
  std::string error;
  auto second = amqp_connection::open(list, "checkout failover test", &error, {}, 1);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(second->node(), 1u);
  EXPECT_EQ(a.attempts(), 0) << "the first node was tried although the second answers";

  // After the last node comes the first again.
  b.set_accepting(false);
  auto wrapped = amqp_connection::open(list, "checkout failover test", &error, {}, 1);
  ASSERT_TRUE(wrapped) << error;
  EXPECT_EQ(wrapped->node(), 0u);
}

TEST(AmqpFailover, NamesEveryNodeWhenNoneAnswers) {
  tcp_proxy a(testing::address_of(amqp_url()));
  tcp_proxy b(testing::address_of(amqp_url()));
  a.set_accepting(false);
  b.set_accepting(false);
  // The password of the test broker's URL must not show in the error.
  const auto with_secret = [](std::uint16_t port) {
    return "amqp://guest:n0t-the-password@127.0.0.1:" + std::to_string(port) + "/x";
  };
  std::string error;
  auto conn = amqp_connection::open(with_secret(a.port()) + "," + with_secret(b.port()),
                                    "checkout failover test", &error);
  EXPECT_FALSE(conn);
  EXPECT_NE(error.find("no node of AMQP_URL answered"), std::string::npos) << error;
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(a.port())), std::string::npos) << error;
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(b.port())), std::string::npos) << error;
  EXPECT_EQ(error.find("n0t-the-password"), std::string::npos) << error;
}

TEST(AmqpFailover, ANodeThatNeverAnswersLeavesTimeForTheNext) {
  silent_node wedged;
  tcp_proxy up(testing::address_of(amqp_url()));
  std::string error;
  auto start = std::chrono::steady_clock::now();
  // Each node gets a share of the 3 s: the wedged one 1.5 s, not all of it.
  auto conn = amqp_connection::open(node_via(wedged.port()) + "," + node_via(up.port()),
                                    "checkout failover test", &error, 3s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(conn) << error;
  EXPECT_EQ(conn->node(), 1u);
  EXPECT_LT(took, 3s);
}

TEST(AmqpFailover, AnInvalidListIsRefusedBeforeConnecting) {
  std::string error;
  EXPECT_FALSE(amqp_connection::open("amqp://u:s3cret@h1,,amqp://u:s3cret@h2", "test", &error));
  EXPECT_EQ(error, "invalid AMQP_URL: entry 2 is empty");
}

}  // namespace
}  // namespace checkout::messaging
