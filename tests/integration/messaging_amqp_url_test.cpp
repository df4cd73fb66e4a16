// Pure parsing, but it lives with the messaging suite because that is the
// executable that links checkout_messaging.
#include <gtest/gtest.h>

#include "messaging/amqp_url.hpp"

namespace checkout::messaging {
namespace {

TEST(AmqpUrl, ParsesAllParts) {
  auto ep = parse_amqp_url("amqp://alice:s3cret@broker.example:5673/orders");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->user, "alice");
  EXPECT_EQ(ep->password, "s3cret");
  EXPECT_EQ(ep->host, "broker.example");
  EXPECT_EQ(ep->port, 5673);
  EXPECT_EQ(ep->vhost, "orders");
}

TEST(AmqpUrl, PercentDecodesVhostAndCredentials) {
  auto ep = parse_amqp_url("amqp://us%40er:p%3Aw%2Fd@h/%2f");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->user, "us@er");
  EXPECT_EQ(ep->password, "p:w/d");
  EXPECT_EQ(ep->vhost, "/");
  EXPECT_EQ(parse_amqp_url("amqp://h/%2Fprod")->vhost, "/prod");
}

TEST(AmqpUrl, AppliesDefaults) {
  auto ep = parse_amqp_url("amqp://");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 5672);
  EXPECT_EQ(ep->user, "guest");
  EXPECT_EQ(ep->password, "guest");
  EXPECT_EQ(ep->vhost, "/");

  auto host_only = parse_amqp_url("amqp://rabbit/");
  ASSERT_TRUE(host_only);
  EXPECT_EQ(host_only->host, "rabbit");
  EXPECT_EQ(host_only->port, 5672);
  EXPECT_EQ(host_only->vhost, "/");

  auto user_only = parse_amqp_url("amqp://bob@rabbit:1234");
  ASSERT_TRUE(user_only);
  EXPECT_EQ(user_only->user, "bob");
  EXPECT_EQ(user_only->password, "guest");
  EXPECT_EQ(user_only->port, 1234);
}

TEST(AmqpUrl, AcceptsIpv6Hosts) {
  auto ep = parse_amqp_url("amqp://[::1]:5000/v");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 5000);
}

TEST(AmqpUrl, RejectsMalformedUrls) {
  EXPECT_FALSE(parse_amqp_url("http://h/"));
  EXPECT_FALSE(parse_amqp_url("amqps://h/"));  // no TLS support
  EXPECT_FALSE(parse_amqp_url("amqp://h:notaport/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h:70000/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h:0/"));
  EXPECT_FALSE(parse_amqp_url("amqp://h/a/b"));  // an unencoded '/' in the vhost
  EXPECT_FALSE(parse_amqp_url("amqp://h/%2"));
  EXPECT_FALSE(parse_amqp_url("amqp://h/%zz"));
  EXPECT_FALSE(parse_amqp_url("amqp://[::1/"));
}

TEST(AmqpUrl, RedactsThePassword) {
  EXPECT_EQ(redact_amqp_url("amqp://alice:s3cret@h:5672/%2f"), "amqp://alice:***@h:5672/%2f");
  EXPECT_EQ(redact_amqp_url("amqp://alice@h/"), "amqp://alice@h/");
  EXPECT_EQ(redact_amqp_url("amqp://h/"), "amqp://h/");
  EXPECT_EQ(redact_amqp_url("garbage:pw@x"), "<unparsable amqp url>");
}

}  // namespace
}  // namespace checkout::messaging
