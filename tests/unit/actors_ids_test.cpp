// Tokens are random UUIDv4 strings, never sequential (CONTRACT §1).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "actors/common/ids.hpp"

namespace checkout {
namespace {

bool lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

TEST(Ids, NewUuidIsCanonicalV4) {
  for (int n = 0; n < 200; ++n) {
    auto u = new_uuid();
    ASSERT_EQ(u.size(), 36u) << u;
    for (size_t i = 0; i < u.size(); ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        EXPECT_EQ(u[i], '-') << u;
      else
        EXPECT_TRUE(lower_hex(u[i])) << u;
    }
    EXPECT_EQ(u[14], '4') << u;                                          // version
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;  // RFC 4122 variant
    EXPECT_TRUE(is_uuid(u)) << u;
  }
}

TEST(Ids, NewUuidsAreUnique) {
  std::set<std::string> seen;
  for (int n = 0; n < 5000; ++n) seen.insert(new_uuid());
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(Ids, EveryRandomDigitVaries) {
  // Each of the 30 random hex digits takes several values over 300 tokens
  // (a fixed or counter-like digit would not); the variant digit takes all 4.
  std::vector<std::set<char>> values(36);
  for (int n = 0; n < 300; ++n) {
    auto u = new_uuid();
    for (size_t i = 0; i < u.size(); ++i) values[i].insert(u[i]);
  }
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23 || i == 14) {
      EXPECT_EQ(values[i].size(), 1u) << i;
    } else if (i == 19) {
      EXPECT_EQ(values[i].size(), 4u) << i;
    } else {
      EXPECT_GE(values[i].size(), 8u) << i;
    }
  }
}

TEST(Ids, ConsecutiveUuidsAreNotSequential) {
  // Consecutive tokens share no long common prefix (a counter or a timestamp would).
  for (int n = 0; n < 50; ++n) {
    auto a = new_uuid(), b = new_uuid();
    size_t common = 0;
    while (common < a.size() && a[common] == b[common]) ++common;
    EXPECT_LT(common, 8u) << a << " " << b;
  }
}

TEST(Ids, IsUuidAccepts) {
  EXPECT_TRUE(is_uuid("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_TRUE(is_uuid("00000000-0000-4000-8000-000000000000"));
  EXPECT_TRUE(is_uuid("ABCDEF01-2345-4678-9ABC-DEF012345678"));
}

TEST(Ids, IsUuidRejects) {
  for (auto bad : {
           "",
           "123e4567e89b42d3a456426614174000",       // no hyphens
           "123e4567-e89b-42d3-a456-42661417400",    // one short
           "123e4567-e89b-42d3-a456-4266141740000",  // one long
           "123e4567-e89b-42d3-a456_426614174000",   // wrong separator
           "123e4567e-89b-42d3-a456-426614174000",   // hyphen moved
           "g23e4567-e89b-42d3-a456-426614174000",   // not hex
           "123e4567-e89b-42d3-a456-42661417400 ",   // trailing space
           "{23e4567-e89b-42d3-a456-42661417400}",   // braces
           "------------------------------------",
       })
    EXPECT_FALSE(is_uuid(bad)) << bad;
}

TEST(Ids, RandomHex) {
  EXPECT_EQ(random_hex(0), "");
  auto a = random_hex(16);
  ASSERT_EQ(a.size(), 32u);
  for (char c : a) EXPECT_TRUE(lower_hex(c)) << a;
  EXPECT_NE(random_hex(16), a);
  EXPECT_EQ(random_hex(1).size(), 2u);
}

}  // namespace
}  // namespace checkout
