// A circuit breaker for one gateway (pure; the clock is injected).
//   closed    --N consecutive failures-->        open
//   open      --cooldown passed, one call asks--> half_open (that call is the probe)
//   half_open --probe succeeds-->                closed
//   half_open --probe fails-->                   open (cooldown starts again)
// Every call holds a permit; results of permits from an earlier state (calls
// that were in flight when the state changed) are ignored, so a late answer
// cannot close or re-open the breaker behind the probe's back.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace checkout::payment {

class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = std::function<clock::time_point()>;
  enum class state { closed, open, half_open };

  struct permit {
    std::uint64_t epoch = 0;
    bool probe = false;
  };

  // `failure_threshold` >= 1; `now` empty: the steady clock.
  circuit_breaker(int failure_threshold, clock::duration cooldown, now_fn now = {});

  // A permit for one call, or nothing when the call must fail fast.
  std::optional<permit> try_acquire();
  // The outcome of the call made under `p`.
  void record(const permit& p, bool success);

  // Whether try_acquire would grant a permit now (no state change).
  bool accepting() const;
  state current() const { return state_; }
  int consecutive_failures() const { return failures_; }
  // How long ago it last opened, while it is not closed (open or half-open);
  // nullopt while closed.
  std::optional<clock::duration> open_for() const;

 private:
  void enter(state s);

  int threshold_;
  clock::duration cooldown_;
  now_fn now_;
  state state_ = state::closed;
  std::uint64_t epoch_ = 0;
  int failures_ = 0;
  clock::time_point opened_at_{};
};

const char* to_string(circuit_breaker::state s);

}  // namespace checkout::payment
