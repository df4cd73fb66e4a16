// The token-bucket table behind the abuse limits (CONTRACT §13): refill and
// burst, Retry-After, and memory that stays bounded under floods of distinct
// keys. Time is injected: no test sleeps.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "http/rate_limiter.hpp"
#include "rc_support.hpp"

namespace checkout::http {
namespace {

using namespace std::chrono_literals;
using checkout::testing::check_property;
using checkout::testing::full_range;
using time_point = rate_limiter::time_point;

// An arbitrary instant well after the clock's epoch.
const time_point t0 = time_point(1000h);

rate_limiter::limit per_second(int n) {
  return {n, 1s, 2 * n};
}

int allowed_in_a_row(rate_limiter& rl, const std::string& key, time_point at, int tries) {
  int n = 0;
  for (int i = 0; i < tries; ++i) n += rl.take(key, at).allowed ? 1 : 0;
  return n;
}

TEST(HttpRateLimiter, AFreshKeyHasAFullBurst) {
  rate_limiter rl(per_second(5));
  EXPECT_EQ(allowed_in_a_row(rl, "a", t0, 10), 10);
  auto v = rl.take("a", t0);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 1s);
}

TEST(HttpRateLimiter, RefillsAtTheRate) {
  rate_limiter rl(per_second(5));  // one token every 200 ms
  ASSERT_EQ(allowed_in_a_row(rl, "a", t0, 10), 10);
  EXPECT_FALSE(rl.take("a", t0 + 199ms).allowed);
  EXPECT_TRUE(rl.take("a", t0 + 200ms).allowed);
  EXPECT_FALSE(rl.take("a", t0 + 200ms).allowed);
  // Two seconds later the bucket is full again, and never fuller.
  EXPECT_EQ(allowed_in_a_row(rl, "a", t0 + 200ms + 2s, 20), 10);
  EXPECT_EQ(allowed_in_a_row(rl, "a", t0 + 1h, 20), 10);
}

TEST(HttpRateLimiter, ARefusedRequestTakesNothing) {
  rate_limiter rl(per_second(5));
  ASSERT_EQ(allowed_in_a_row(rl, "a", t0, 10), 10);
  // A client that keeps hammering does not push its own refill further away.
  EXPECT_EQ(allowed_in_a_row(rl, "a", t0 + 100ms, 1000), 0);
  EXPECT_TRUE(rl.take("a", t0 + 200ms).allowed);
}

TEST(HttpRateLimiter, KeysAreIndependent) {
  rate_limiter rl(per_second(1));
  ASSERT_EQ(allowed_in_a_row(rl, "a", t0, 5), 2);
  EXPECT_EQ(allowed_in_a_row(rl, "b", t0, 5), 2);
}

TEST(HttpRateLimiter, SustainedRateIsTheLimit) {
  rate_limiter rl(per_second(50));
  int allowed = 0;
  // One request every millisecond for ten seconds: the burst, then 50 a second.
  for (int ms = 0; ms < 10000; ++ms)
    allowed += rl.take("a", t0 + std::chrono::milliseconds(ms)).allowed ? 1 : 0;
  EXPECT_GE(allowed, 100 + 50 * 10 - 1);
  EXPECT_LE(allowed, 100 + 50 * 10 + 1);
}

TEST(HttpRateLimiter, RetryAfterIsWholeSecondsAtLeastOne) {
  EXPECT_EQ(rate_limiter::retry_after_of(0ns), 1s);
  EXPECT_EQ(rate_limiter::retry_after_of(1ns), 1s);
  EXPECT_EQ(rate_limiter::retry_after_of(1s), 1s);
  EXPECT_EQ(rate_limiter::retry_after_of(1s + 1ns), 2s);
  EXPECT_EQ(rate_limiter::retry_after_of(179s + 500ms), 180s);
}

TEST(HttpRateLimiter, RetryAfterSaysWhenTheNextTokenIsBack) {
  // 20 an hour, all at once: then one every three minutes.
  rate_limiter rl({20, 1h, 20});
  ASSERT_EQ(allowed_in_a_row(rl, "cart", t0, 20), 20);
  auto v = rl.take("cart", t0);
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 180s);
  v = rl.take("cart", t0 + 100s);
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 80s);
  v = rl.take("cart", t0 + 179s + 1ms);
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 1s);
  // Retry-After is honest: waiting that long is enough.
  EXPECT_TRUE(rl.take("cart", t0 + 180s).allowed);
  EXPECT_FALSE(rl.take("cart", t0 + 180s).allowed);
}

TEST(HttpRateLimiter, RetryAfterIsNeverEarly) {
  rate_limiter rl(per_second(3));  // intervals that do not divide a second
  auto now = t0;
  for (int round = 0; round < 50; ++round) {
    while (rl.take("a", now).allowed) {
    }
    auto v = rl.take("a", now);
    ASSERT_FALSE(v.allowed);
    ASSERT_GE(v.retry_after, 1s);
    now += v.retry_after;
    ASSERT_TRUE(rl.take("a", now).allowed) << "round " << round;
  }
}

TEST(HttpRateLimiter, SweepDropsBucketsThatAreFullAgain) {
  rate_limiter rl(per_second(5), {1000, 1, 10s});
  for (int i = 0; i < 100; ++i) rl.take("k" + std::to_string(i), t0);
  EXPECT_EQ(rl.size(), 100u);
  // No sweep before sweep_every has passed (that is what keeps it cheap).
  rl.take("x", t0 + 10s - 1ns);
  EXPECT_EQ(rl.size(), 101u);
  rl.take("y", t0 + 20s);  // everything is full again by now
  EXPECT_EQ(rl.size(), 1u);
  // A forgotten bucket is a full one: nothing changes for its client.
  EXPECT_EQ(allowed_in_a_row(rl, "k1", t0 + 20s, 20), 10);
}

TEST(HttpRateLimiter, SweepKeepsBucketsStillRefilling) {
  rate_limiter rl({20, 1h, 20}, {1000, 1, 10s});
  ASSERT_EQ(allowed_in_a_row(rl, "busy", t0, 20), 20);
  rl.take("idle", t0);
  rl.take("z", t0 + 3h);  // a sweep long after "idle" refilled, "busy" too
  EXPECT_EQ(rl.size(), 1u);
  ASSERT_EQ(allowed_in_a_row(rl, "busy", t0 + 3h, 25), 20);
  rl.take("w", t0 + 3h + 30min);  // "z" is full again, "busy" still refilling
  EXPECT_EQ(rl.size(), 2u);
  // Kept means remembered: half an hour gave back half the bucket, not all of it.
  EXPECT_EQ(allowed_in_a_row(rl, "busy", t0 + 3h + 30min, 20), 10);
}

TEST(HttpRateLimiter, AtTheCapTheBusiestBucketsAreKept) {
  rate_limiter rl(per_second(50), {1024, 4, 10s});
  // An abuser exhausts its bucket, then a flood of distinct keys arrives
  // within the same second: the table stays bounded and the abuser is not
  // forgotten (its bucket is the furthest from full).
  ASSERT_EQ(allowed_in_a_row(rl, "abuser", t0, 200), 100);
  for (int i = 0; i < 200000; ++i) {
    rl.take("flood-" + std::to_string(i), t0 + std::chrono::microseconds(i));
    ASSERT_LE(rl.size(), rl.max_keys());
  }
  // 200 ms later it has earned 10 tokens back, not a fresh burst of 100.
  EXPECT_EQ(allowed_in_a_row(rl, "abuser", t0 + 200ms, 200), 10);
}

TEST(HttpRateLimiter, MillionsOfDistinctKeysStayUnderTheCap) {
  std::mt19937_64 rng(20240613);
  for (auto shards : {1u, 16u}) {
    rate_limiter rl(per_second(50), {4096, shards, 10s});
    ASSERT_LE(rl.max_keys(), 4096u);
    const int keys = std::uniform_int_distribution<int>(1000000, 2000000)(rng);
    auto now = t0;
    std::size_t peak = 0;
    for (int i = 0; i < keys; ++i) {
      // Mostly a flood within a second; now and then a long pause, so both
      // the sweep and the forced eviction run.
      now += (i % 250000 == 0) ? 30s : std::chrono::nanoseconds(rng() % 2000);
      ASSERT_TRUE(rl.take(std::to_string(rng()), now).allowed);
      if (i % 1024 == 0) peak = std::max(peak, rl.size());
    }
    peak = std::max(peak, rl.size());
    EXPECT_LE(peak, rl.max_keys()) << keys << " keys, " << shards << " shards";
    EXPECT_GT(peak, rl.max_keys() / 2);  // the table was used, not trivially empty
  }
}

// A token bucket written the textbook way (tokens as credit in nanoseconds,
// refilled by elapsed time, capped at the burst): the table must agree with
// it on every verdict and every Retry-After while it forgets nothing.
struct textbook_bucket {
  std::int64_t credit;
  std::int64_t at;
};

TEST(HttpRateLimiter, AgreesWithATextbookTokenBucket) {
  check_property([] {
    const auto count = *full_range<int>(1, 100);
    const auto burst = *full_range<int>(1, 200);
    const auto period_ms = *rc::gen::element<std::int64_t>(1000, 60000, 3600000);
    const auto steps = *rc::gen::container<std::vector<std::pair<int, int>>>(
        rc::gen::pair(full_range<int>(0, 4), full_range<int>(0, 3000)));
    const std::int64_t interval = period_ms * 1000000 / count;
    const std::int64_t capacity = interval * burst;
    rate_limiter rl({count, std::chrono::milliseconds(period_ms), burst}, {1 << 20, 4, 1h});
    std::map<int, textbook_bucket> model;
    std::int64_t now = 0;
    for (auto [key, dt_ms] : steps) {
      now += std::int64_t(dt_ms) * 1000000;
      auto& b = model.try_emplace(key, textbook_bucket{capacity, now}).first->second;
      b.credit = std::min(capacity, b.credit + (now - b.at));
      b.at = now;
      bool expect = b.credit >= interval;
      if (expect) b.credit -= interval;
      auto v = rl.take("k" + std::to_string(key), t0 + std::chrono::nanoseconds(now));
      RC_ASSERT(v.allowed == expect);
      if (!expect) {
        auto wait = std::chrono::nanoseconds(interval - b.credit);
        RC_ASSERT(v.retry_after == rate_limiter::retry_after_of(wait));
      }
    }
  });
}

}  // namespace
}  // namespace checkout::http
