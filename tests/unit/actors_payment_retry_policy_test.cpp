// Gateway retries: exponential back-off with full jitter, on 429/5xx only.
#include <gtest/gtest.h>

#include <chrono>

#include "actors/payment/retry_policy.hpp"

namespace checkout::payment {
namespace {

using namespace std::chrono_literals;

random_unit fixed(double v) {
  return [v] { return v; };
}

TEST(RetryPolicy, AttemptsIncludeTheFirstTry) {
  retry_policy p;
  p.max_attempts = 3;  // GATEWAY_RETRIES=2
  EXPECT_TRUE(p.may_retry(1));
  EXPECT_TRUE(p.may_retry(2));
  EXPECT_FALSE(p.may_retry(3));
  p.max_attempts = 1;  // GATEWAY_RETRIES=0
  EXPECT_FALSE(p.may_retry(1));
}

TEST(RetryPolicy, CeilingDoublesPerAttemptUpToTheCap) {
  retry_policy p;
  p.base = 200ms;
  p.cap = 1000ms;
  // Just under 1.0: the wait is (almost) the ceiling itself.
  auto top = fixed(0.999999);
  EXPECT_EQ(p.backoff(1, top), 199ms);
  EXPECT_EQ(p.backoff(2, top), 399ms);
  EXPECT_EQ(p.backoff(3, top), 799ms);
  EXPECT_EQ(p.backoff(4, top), 999ms);   // 1600 capped to 1000
  EXPECT_EQ(p.backoff(60, top), 999ms);  // no overflow far out
}

TEST(RetryPolicy, FullJitterSpansZeroToTheCeiling) {
  retry_policy p;
  p.base = 200ms;
  p.cap = 5000ms;
  EXPECT_EQ(p.backoff(3, fixed(0.0)), 0ms);
  EXPECT_EQ(p.backoff(3, fixed(0.5)), 400ms);
  EXPECT_EQ(p.backoff(3, fixed(0.25)), 200ms);
  // A misbehaving source is clamped into range.
  EXPECT_EQ(p.backoff(1, fixed(7.0)), 200ms);
  EXPECT_EQ(p.backoff(1, fixed(-1.0)), 0ms);
}

TEST(RetryPolicy, DefaultRandomStaysInRangeAndVaries) {
  retry_policy p;
  p.base = 1000ms;
  p.cap = 1000ms;
  auto rnd = default_random_unit();
  std::chrono::milliseconds lo = 1000ms, hi = 0ms;
  for (int i = 0; i < 200; ++i) {
    auto d = p.backoff(1, rnd);
    ASSERT_GE(d, 0ms);
    ASSERT_LE(d, 1000ms);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 250ms);
  EXPECT_GT(hi, 750ms);
}

TEST(RetryPolicy, RetryableStatuses) {
  for (int s : {429, 500, 502, 503, 504, 599}) EXPECT_TRUE(retryable_status(s)) << s;
  for (int s : {200, 201, 301, 400, 401, 403, 404, 409, 422, 428, 430, 600})
    EXPECT_FALSE(retryable_status(s)) << s;
}

}  // namespace
}  // namespace checkout::payment
