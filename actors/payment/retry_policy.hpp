// When and how long to wait before trying a gateway call again: exponential
// back-off with full jitter (each wait uniform in [0, min(cap, base * 2^n)]),
// so many callers retrying at once spread out instead of arriving together.
#pragma once

#include <chrono>
#include <functional>

namespace checkout::payment {

// A source of uniform numbers in [0, 1); injected so tests are exact.
using random_unit = std::function<double()>;

// A thread-safe default (one generator per thread).
random_unit default_random_unit();

struct retry_policy {
  int max_attempts = 3;  // the first try and the retries after it
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};

  // Whether a call that failed retryably after `attempts_made` tries (1-based)
  // may be tried again.
  bool may_retry(int attempts_made) const { return attempts_made < max_attempts; }

  // How long to wait after the `attempts_made`-th failed try.
  std::chrono::milliseconds backoff(int attempts_made, const random_unit& random) const;
};

// The HTTP statuses worth trying again: 429 and every 5xx. Other answers are
// final (a 4xx will not change by asking again).
bool retryable_status(int status);

}  // namespace checkout::payment
