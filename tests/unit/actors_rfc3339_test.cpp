// RFC 3339 parsing (actors/common/rfc3339.hpp). Expected values were computed
// independently (Python's datetime), not with the code under test.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "actors/common/rfc3339.hpp"
#include "actors/common/time.hpp"

namespace checkout {
namespace {

struct valid_case {
  const char* text;
  micros expected;
};

class rfc3339_valid : public ::testing::TestWithParam<valid_case> {};

TEST_P(rfc3339_valid, parses_to_utc_microseconds) {
  auto got = parse_rfc3339(GetParam().text);
  ASSERT_TRUE(got.has_value()) << GetParam().text;
  EXPECT_EQ(*got, GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    table, rfc3339_valid,
    ::testing::Values(valid_case{"1970-01-01T00:00:00Z", 0},
                      valid_case{"2026-11-22T10:00:00Z", 1795341600000000},
                      valid_case{"2026-11-22t10:00:00z", 1795341600000000},
                      valid_case{"2026-11-22T15:30:00.25+05:30", 1795341600250000},
                      valid_case{"2000-03-01T00:00:00-01:00", 951872400000000},
                      valid_case{"2024-02-29T23:59:59.123456Z", 1709251199123456},
                      // Digits past microseconds are dropped, not rounded.
                      valid_case{"2024-02-29T23:59:59.1234569Z", 1709251199123456},
                      valid_case{"2000-02-29T00:00:00Z", 951782400000000},
                      valid_case{"1969-12-31T23:59:59Z", -1000000},
                      valid_case{"0001-01-01T00:00:00Z", -62135596800000000},
                      valid_case{"9999-12-31T23:59:59Z", 253402300799000000}));

class rfc3339_invalid : public ::testing::TestWithParam<const char*> {};

TEST_P(rfc3339_invalid, is_refused) {
  EXPECT_FALSE(parse_rfc3339(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    table, rfc3339_invalid,
    ::testing::Values("", "2026-11-22", "2026-11-22T10:00:00",  // no zone
                      "2026-11-22 10:00:00Z", "2026-11-22T10:00Z", "2026-13-01T00:00:00Z",
                      "2026-00-01T00:00:00Z", "2026-04-31T00:00:00Z", "2023-02-29T00:00:00Z",
                      "1900-02-29T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z",
                      "2026-11-22T10:00:60Z", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0530",
                      "2026-11-22T10:00:00+24:00", "2026-11-22T10:00:00Zjunk", "26-11-22T10:00:00Z",
                      "2026-1-22T10:00:00Z", "+026-11-22T10:00:00Z", "2026-11-22T10:00:00 Z"));

// What the service prints, it reads back (to_rfc3339 writes milliseconds).
TEST(rfc3339, reads_back_what_to_rfc3339_writes) {
  std::mt19937_64 rng(20261122);
  std::uniform_int_distribution<micros> millis(0, 253402300799999);  // up to 9999-12-31
  for (int i = 0; i < 2000; ++i) {
    micros t = millis(rng) * 1000;
    auto text = to_rfc3339(t);
    auto back = parse_rfc3339(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, t) << text;
  }
}

}  // namespace
}  // namespace checkout
