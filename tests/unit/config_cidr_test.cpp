// TRUSTED_PROXIES ranges: IPv4 and IPv6, bare addresses, prefixes at the edges.
#include <gtest/gtest.h>

#include "config/cidr.hpp"

namespace checkout::config {
namespace {

bool in(const char* range, const char* address) {
  auto c = parse_cidr(range);
  auto a = parse_ip(address);
  EXPECT_TRUE(c) << range;
  EXPECT_TRUE(a) << address;
  return c && a && c->contains(*a);
}

TEST(ConfigCidr, Ipv4Ranges) {
  EXPECT_TRUE(in("10.0.0.0/8", "10.1.2.3"));
  EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(in("192.168.1.0/24", "192.168.1.255"));
  EXPECT_FALSE(in("192.168.1.0/24", "192.168.2.0"));
  EXPECT_TRUE(in("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(in("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(in("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(in("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(in("127.0.0.1/32", "127.0.0.1"));
  EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
  // An IPv4 range never covers IPv6 addresses outside the mapped block.
  EXPECT_FALSE(in("0.0.0.0/0", "2001:db8::1"));
  EXPECT_TRUE(in("10.0.0.0/8", "::ffff:10.9.8.7"));
}

TEST(ConfigCidr, Ipv6Ranges) {
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:1::5"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(in("::1", "::1"));
  EXPECT_FALSE(in("::1/128", "::2"));
  EXPECT_TRUE(in("fe80::/10", "febf::1"));
  EXPECT_FALSE(in("fe80::/10", "fec0::1"));
}

TEST(ConfigCidr, RejectsWhatIsNotARange) {
  for (auto bad : {"", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                   "10.0.0", "proxy.local", "10.0.0.0/8/8", " 10.0.0.1", "1.2.3.4/0008"})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
  for (auto bad : {"", "1.2.3.256", "1.2.3", "::g", "localhost"})
    EXPECT_FALSE(parse_ip(bad)) << bad;
}

}  // namespace
}  // namespace checkout::config
