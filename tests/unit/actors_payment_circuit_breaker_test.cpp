// The circuit breaker, transition by transition, on a hand-driven clock.
#include <gtest/gtest.h>

#include <chrono>

#include "actors/payment/circuit_breaker.hpp"

namespace checkout::payment {
namespace {

using namespace std::chrono_literals;
using state = circuit_breaker::state;

class Breaker : public ::testing::Test {
 protected:
  circuit_breaker::clock::time_point now{circuit_breaker::clock::duration(1000000)};
  circuit_breaker make(int failures = 3, std::chrono::milliseconds cooldown = 30s) {
    return circuit_breaker(failures, cooldown, [this] { return now; });
  }
  // One call that fails (or succeeds) under a fresh permit.
  static void call(circuit_breaker& b, bool ok) {
    auto p = b.try_acquire();
    ASSERT_TRUE(p.has_value());
    b.record(*p, ok);
  }
};

TEST_F(Breaker, StartsClosedAndLetsCallsThrough) {
  auto b = make();
  EXPECT_EQ(b.current(), state::closed);
  EXPECT_TRUE(b.accepting());
  for (int i = 0; i < 10; ++i) call(b, true);
  EXPECT_EQ(b.current(), state::closed);
}

TEST_F(Breaker, ClosedToOpenAfterConsecutiveFailures) {
  auto b = make(3);
  call(b, false);
  call(b, false);
  EXPECT_EQ(b.current(), state::closed);
  EXPECT_EQ(b.consecutive_failures(), 2);
  call(b, false);
  EXPECT_EQ(b.current(), state::open);
  EXPECT_FALSE(b.accepting());
  EXPECT_FALSE(b.try_acquire().has_value());
}

TEST_F(Breaker, ASuccessResetsTheCount) {
  auto b = make(3);
  call(b, false);
  call(b, false);
  call(b, true);
  EXPECT_EQ(b.consecutive_failures(), 0);
  call(b, false);
  call(b, false);
  EXPECT_EQ(b.current(), state::closed);
  call(b, false);
  EXPECT_EQ(b.current(), state::open);
}

TEST_F(Breaker, OpenFailsFastUntilTheCooldownPasses) {
  auto b = make(1, 30s);
  call(b, false);
  ASSERT_EQ(b.current(), state::open);
  now += 29999ms;
  EXPECT_FALSE(b.accepting());
  EXPECT_FALSE(b.try_acquire().has_value());
  EXPECT_EQ(b.current(), state::open);
  now += 1ms;
  EXPECT_TRUE(b.accepting());
  EXPECT_EQ(b.current(), state::open);  // asking does not change it
}

TEST_F(Breaker, OpenToHalfOpenLetsExactlyOneProbeThrough) {
  auto b = make(1, 10s);
  call(b, false);
  now += 10s;
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->probe);
  EXPECT_EQ(b.current(), state::half_open);
  EXPECT_FALSE(b.accepting());
  EXPECT_FALSE(b.try_acquire().has_value());
  now += 1h;  // however long the probe takes
  EXPECT_FALSE(b.try_acquire().has_value());
}

TEST_F(Breaker, HalfOpenProbeSuccessCloses) {
  auto b = make(2, 10s);
  call(b, false);
  call(b, false);
  now += 10s;
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe);
  b.record(*probe, true);
  EXPECT_EQ(b.current(), state::closed);
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_TRUE(b.accepting());
  // A fresh count: one failure does not re-open a threshold-2 breaker.
  call(b, false);
  EXPECT_EQ(b.current(), state::closed);
}

TEST_F(Breaker, HalfOpenProbeFailureReopensWithAFreshCooldown) {
  auto b = make(1, 10s);
  call(b, false);
  now += 15s;
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe);
  now += 2s;
  b.record(*probe, false);
  EXPECT_EQ(b.current(), state::open);
  now += 9999ms;  // the cooldown counts from the probe's failure
  EXPECT_FALSE(b.try_acquire().has_value());
  now += 1ms;
  auto second = b.try_acquire();
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->probe);
  EXPECT_EQ(b.current(), state::half_open);
}

TEST_F(Breaker, LateResultsFromAnEarlierStateAreIgnored) {
  auto b = make(2, 10s);
  auto slow_ok = b.try_acquire();    // in flight while the breaker trips
  auto slow_fail = b.try_acquire();  // likewise
  call(b, false);
  call(b, false);
  ASSERT_EQ(b.current(), state::open);
  b.record(*slow_ok, true);  // must not close an open breaker
  EXPECT_EQ(b.current(), state::open);

  now += 10s;
  auto probe = b.try_acquire();
  ASSERT_TRUE(probe);
  b.record(*slow_fail, false);  // must not re-open behind the probe's back
  EXPECT_EQ(b.current(), state::half_open);
  b.record(*probe, true);
  EXPECT_EQ(b.current(), state::closed);

  b.record(*slow_fail, false);  // nor count against the new closed period
  EXPECT_EQ(b.consecutive_failures(), 0);
  b.record(*probe, false);  // a probe's second report changes nothing
  EXPECT_EQ(b.current(), state::closed);
}

TEST_F(Breaker, ThresholdBelowOneMeansOne) {
  auto b = make(0);
  call(b, false);
  EXPECT_EQ(b.current(), state::open);
}

TEST_F(Breaker, OpenForCountsFromTheLastOpeningUntilItCloses) {
  auto b = make(1, 10s);
  EXPECT_FALSE(b.open_for().has_value());
  call(b, false);  // opens now
  now += 4s;
  EXPECT_EQ(b.open_for(), std::optional<circuit_breaker::clock::duration>(4s));
  now += 6s;
  auto probe = b.try_acquire();  // half-open: still counted from the opening
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ(b.open_for(), std::optional<circuit_breaker::clock::duration>(10s));
  b.record(*probe, false);  // re-opens: counted afresh
  EXPECT_EQ(b.open_for(), std::optional<circuit_breaker::clock::duration>(0s));
  now += 10s;
  probe = b.try_acquire();
  b.record(*probe, true);
  EXPECT_FALSE(b.open_for().has_value());
}

TEST(BreakerNames, States) {
  EXPECT_STREQ(to_string(state::closed), "closed");
  EXPECT_STREQ(to_string(state::open), "open");
  EXPECT_STREQ(to_string(state::half_open), "half_open");
}

}  // namespace
}  // namespace checkout::payment
