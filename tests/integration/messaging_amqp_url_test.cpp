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
  // Unparsable: where its password ends cannot be known, so nothing of it shows.
  EXPECT_EQ(redact_amqp_url("amqp://alice:s3cret@h:port/"), "<unparsable amqp url>");
}

// ---- AMQP_URL as a list of the nodes of one cluster ----------------------------

TEST(AmqpUrlList, OneUrlIsAListOfOne) {
  std::string error;
  auto nodes = parse_amqp_urls("amqp://alice:s3cret@h:5673/orders", &error);
  ASSERT_TRUE(nodes) << error;
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].host, "h");
  EXPECT_EQ((*nodes)[0].vhost, "orders");
}

TEST(AmqpUrlList, KeepsTheNodesInTheirOrder) {
  std::string error;
  auto nodes = parse_amqp_urls(
      "amqp://u:p@r1:5674/%2f, amqp://u:p@r2:5675/%2f,amqp://u:p@[::1]:5676/%2f", &error);
  ASSERT_TRUE(nodes) << error;
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ(node_name((*nodes)[0]), "r1:5674");
  EXPECT_EQ(node_name((*nodes)[1]), "r2:5675");
  EXPECT_EQ(node_name((*nodes)[2]), "[::1]:5676");
  for (const auto& n : *nodes) {
    EXPECT_EQ(n.user, "u");
    EXPECT_EQ(n.password, "p");
    EXPECT_EQ(n.vhost, "/");
  }
  // The same node on another port is another node (three nodes on one host).
  EXPECT_TRUE(parse_amqp_urls("amqp://h:5674,amqp://h:5675", &error)) << error;
  // "%2C" is how a password holds a comma.
  auto encoded = parse_amqp_urls("amqp://u:a%2Cb@h1,amqp://u:a%2Cb@h2", &error);
  ASSERT_TRUE(encoded) << error;
  EXPECT_EQ((*encoded)[1].password, "a,b");
}

// What the refusal says, and that it never shows a password.
std::string refusal(const std::string& urls) {
  std::string error;
  auto nodes = parse_amqp_urls(urls, &error);
  EXPECT_FALSE(nodes) << urls;
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
  return error;
}

TEST(AmqpUrlList, RefusesEmptyEntries) {
  EXPECT_EQ(refusal(""), "is empty");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1,,amqp://u:s3cret@h2"), "entry 2 is empty");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1,"), "entry 2 is empty");
  EXPECT_EQ(refusal(",amqp://u:s3cret@h1"), "entry 1 is empty");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1, ,amqp://u:s3cret@h2"), "entry 2 is empty");
}

TEST(AmqpUrlList, RefusesEntriesThatAreNotWholeUrls) {
  // Later entries do not inherit from the first: a bare host:port is refused.
  EXPECT_EQ(refusal("amqp://u:s3cret@h1:5672/v,h2:5672"),
            "entry 2 '<unparsable amqp url>' is not an amqp:// URL");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1/v,amqp://u:s3cret@h2:port/v"),
            "entry 2 '<unparsable amqp url>' is not an amqp:// URL");
  EXPECT_EQ(refusal("http://mq"), "'<unparsable amqp url>' is not an amqp:// URL");
}

TEST(AmqpUrlList, RefusesNodesThatDisagree) {
  EXPECT_EQ(refusal("amqp://u:s3cret@h1/shop,amqp://u:s3cret@h2/other"),
            "entry 2 names vhost 'other', entry 1 'shop'");
  // An omitted vhost is "/", like any other vhost.
  EXPECT_EQ(refusal("amqp://u:s3cret@h1/shop,amqp://u:s3cret@h2"),
            "entry 2 names vhost '/', entry 1 'shop'");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1,amqp://u:other@h2"),
            "entry 2 has other credentials than entry 1 (one cluster, one user)");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1,amqp://v:s3cret@h2"),
            "entry 2 has other credentials than entry 1 (one cluster, one user)");
  EXPECT_EQ(refusal("amqp://u:s3cret@h1:5672,amqp://u:s3cret@h2,amqp://u:s3cret@h1:5672"),
            "entry 3 names node h1:5672 a second time");
  // 5672 is the port an entry without one means.
  EXPECT_EQ(refusal("amqp://u:s3cret@h1,amqp://u:s3cret@h1:5672"),
            "entry 2 names node h1:5672 a second time");
}

TEST(AmqpUrlList, RedactsEveryPassword) {
  EXPECT_EQ(redact_amqp_url("amqp://u:s3cret@h1:5674/%2f,amqp://u:s3cret@h2:5675/%2f"),
            "amqp://u:***@h1:5674/%2f,amqp://u:***@h2:5675/%2f");
  // Spaces around entries go; what cannot be parsed is hidden whole.
  EXPECT_EQ(redact_amqp_url("amqp://u:s3cret@h1 , amqp://u:s3cret@h2:x,"),
            "amqp://u:***@h1,<unparsable amqp url>,<unparsable amqp url>");
  // A comma left unencoded in a password splits it: neither half shows.
  auto redacted = redact_amqp_url("amqp://u:s3c,ret@h1");
  EXPECT_EQ(redacted.find("s3c"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("ret"), std::string::npos) << redacted;
}

}  // namespace
}  // namespace checkout::messaging
