// Which client a request counts against (CONTRACT §13): the peer, or the
// right-most X-Forwarded-For entry that is not a trusted proxy.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/client_address.hpp"

namespace checkout::http {
namespace {

const trusted_proxies proxies({"10.0.0.0/8", "127.0.0.1", "2001:db8:ffff::/48"});

std::string key(const std::string& peer, std::vector<std::string_view> xff,
                const trusted_proxies& trusted = proxies) {
  return client_key(peer, xff, trusted);
}

TEST(HttpClientAddress, AnUntrustedPeerIsTheClientWhateverItForwards) {
  EXPECT_EQ(key("203.0.113.5", {}), "203.0.113.5");
  EXPECT_EQ(key("203.0.113.5", {"198.51.100.1"}), "203.0.113.5");
  EXPECT_EQ(key("203.0.113.5", {"10.0.0.1, 198.51.100.1"}), "203.0.113.5");
  // Without TRUSTED_PROXIES nobody's header is believed, not even loopback's.
  EXPECT_EQ(key("127.0.0.1", {"198.51.100.1"}, trusted_proxies()), "127.0.0.1");
}

TEST(HttpClientAddress, BehindATrustedProxyTheRightMostUntrustedEntryIsTheClient) {
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7"}), "198.51.100.7");
  // The client wrote "6.6.6.6" itself; the proxy appended what it saw.
  EXPECT_EQ(key("10.1.2.3", {"6.6.6.6, 198.51.100.7"}), "198.51.100.7");
  // Through a chain of trusted proxies.
  EXPECT_EQ(key("127.0.0.1", {"6.6.6.6, 198.51.100.7, 10.9.9.9, 10.8.8.8"}), "198.51.100.7");
}

TEST(HttpClientAddress, SeveralHeaderLinesFormOneList) {
  EXPECT_EQ(key("10.1.2.3", {"6.6.6.6", "198.51.100.7, 10.0.0.9"}), "198.51.100.7");
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7", "10.0.0.9"}), "198.51.100.7");
}

TEST(HttpClientAddress, NoHeaderOrOnlyProxies) {
  EXPECT_EQ(key("10.1.2.3", {}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {""}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {" , ,"}), "10.1.2.3");
  // Every hop is ours: the left-most is the nearest thing to a client.
  EXPECT_EQ(key("10.1.2.3", {"10.7.7.7, 10.8.8.8"}), "10.7.7.7");
}

TEST(HttpClientAddress, AMalformedEntryStopsAtTheNearestCheckedHop) {
  // The proxy handed over garbage: count against the proxy, never against
  // whatever is written further left.
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7, unknown"}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7, not an ip"}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7, 999.1.1.1"}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7, 1.2.3.4:port"}), "10.1.2.3");
  EXPECT_EQ(key("10.1.2.3", {"198.51.100.7, _hidden, 10.5.5.5"}), "10.5.5.5");
  // Garbage left of the client is never reached.
  EXPECT_EQ(key("10.1.2.3", {"<script>, 198.51.100.7"}), "198.51.100.7");
}

TEST(HttpClientAddress, EntriesWithPortsBracketsAndBlanks) {
  EXPECT_EQ(key("10.1.2.3", {"  198.51.100.7:4711 "}), "198.51.100.7");
  EXPECT_EQ(key("10.1.2.3", {"[2001:db8:1:2::5]:443"}), "2001:db8:1:2::/64");
  EXPECT_EQ(key("10.1.2.3", {"[2001:db8:1:2::5]"}), "2001:db8:1:2::/64");
  EXPECT_EQ(key("10.1.2.3", {"2001:db8:1:2::5"}), "2001:db8:1:2::/64");
  EXPECT_EQ(key("10.1.2.3", {"\t198.51.100.7\t,\t10.0.0.2"}), "198.51.100.7");
}

TEST(HttpClientAddress, ParsesElementsStrictly) {
  EXPECT_TRUE(parse_forwarded_element("192.0.2.1"));
  EXPECT_TRUE(parse_forwarded_element("192.0.2.1:80"));
  EXPECT_TRUE(parse_forwarded_element("[::1]:80"));
  EXPECT_TRUE(parse_forwarded_element("::1"));
  EXPECT_FALSE(parse_forwarded_element(""));
  EXPECT_FALSE(parse_forwarded_element("192.0.2.1:"));
  EXPECT_FALSE(parse_forwarded_element("192.0.2.1:123456"));
  EXPECT_FALSE(parse_forwarded_element("[192.0.2.1]"));
  EXPECT_FALSE(parse_forwarded_element("[::1"));
  EXPECT_FALSE(parse_forwarded_element("[::1]x"));
  EXPECT_FALSE(parse_forwarded_element("fe80::1%eth0"));
  EXPECT_FALSE(parse_forwarded_element("example.com"));
  EXPECT_FALSE(parse_forwarded_element("192.0.2.1/24"));
}

TEST(HttpClientAddress, IPv6CountsByItsSlash64AndMappedIPv4AsIPv4) {
  EXPECT_EQ(key("2001:db8:1:2::5", {}), "2001:db8:1:2::/64");
  EXPECT_EQ(key("2001:db8:1:2:ffff:1:2:3", {}), "2001:db8:1:2::/64");
  EXPECT_NE(key("2001:db8:1:3::5", {}), key("2001:db8:1:2::5", {}));
  EXPECT_EQ(key("::ffff:198.51.100.7", {}), "198.51.100.7");
  // A trusted IPv6 proxy forwarding an IPv4 client.
  EXPECT_EQ(key("2001:db8:ffff:1::1", {"198.51.100.7"}), "198.51.100.7");
  // Loopback over IPv4-mapped IPv6 is the trusted 127.0.0.1.
  EXPECT_EQ(key("::ffff:127.0.0.1", {"198.51.100.7"}), "198.51.100.7");
}

TEST(HttpClientAddress, AnUnknownPeerSharesOneBucket) {
  EXPECT_EQ(key("", {"198.51.100.7"}), "unknown");
  EXPECT_EQ(key("garbage", {}), "unknown");
}

TEST(HttpClientAddress, TrustedProxiesSkipWhatIsNotARange) {
  trusted_proxies t({"10.0.0.0/8", "nonsense", ""});
  EXPECT_FALSE(t.empty());
  EXPECT_EQ(key("10.0.0.1", {"198.51.100.7"}, t), "198.51.100.7");
  EXPECT_TRUE(trusted_proxies({"nonsense"}).empty());
}

}  // namespace
}  // namespace checkout::http
