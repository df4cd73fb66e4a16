#include "actors/payment/circuit_breaker.hpp"

#include <algorithm>

namespace checkout::payment {

circuit_breaker::circuit_breaker(int failure_threshold, clock::duration cooldown, now_fn now)
    : threshold_(std::max(1, failure_threshold)),
      cooldown_(cooldown),
      now_(now ? std::move(now) : now_fn([] { return clock::now(); })) {}

void circuit_breaker::enter(state s) {
  state_ = s;
  ++epoch_;
  if (s == state::open) opened_at_ = now_();
  if (s == state::closed) failures_ = 0;
}

std::optional<circuit_breaker::permit> circuit_breaker::try_acquire() {
  switch (state_) {
    case state::closed:
      return permit{epoch_, false};
    case state::open:
      if (now_() - opened_at_ < cooldown_) return std::nullopt;
      enter(state::half_open);
      return permit{epoch_, true};
    case state::half_open:
      return std::nullopt;  // the probe is still out
  }
  return std::nullopt;
}

void circuit_breaker::record(const permit& p, bool success) {
  if (p.epoch != epoch_) return;
  switch (state_) {
    case state::closed:
      if (success) {
        failures_ = 0;
      } else if (++failures_ >= threshold_) {
        enter(state::open);
      }
      return;
    case state::half_open:
      if (!p.probe) return;
      enter(success ? state::closed : state::open);
      return;
    case state::open:
      return;
  }
}

bool circuit_breaker::accepting() const {
  switch (state_) {
    case state::closed:
      return true;
    case state::open:
      return now_() - opened_at_ >= cooldown_;
    case state::half_open:
      return false;
  }
  return false;
}

std::optional<circuit_breaker::clock::duration> circuit_breaker::open_for() const {
  if (state_ == state::closed) return std::nullopt;
  return now_() - opened_at_;
}

const char* to_string(circuit_breaker::state s) {
  switch (s) {
    case circuit_breaker::state::closed:
      return "closed";
    case circuit_breaker::state::open:
      return "open";
    case circuit_breaker::state::half_open:
      return "half_open";
  }
  return "unknown";
}

}  // namespace checkout::payment
