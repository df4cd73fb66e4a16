#include "actors/payment/retry_policy.hpp"

#include <algorithm>
#include <random>

namespace checkout::payment {

random_unit default_random_unit() {
  return [] {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
  };
}

std::chrono::milliseconds retry_policy::backoff(int attempts_made,
                                                const random_unit& random) const {
  if (attempts_made < 1 || base.count() <= 0) return std::chrono::milliseconds(0);
  // Doubling stops at the cap; the exponent is bounded so the shift cannot overflow.
  auto ceiling = base.count();
  for (int i = 1; i < attempts_made && ceiling < cap.count() && i < 62; ++i) ceiling *= 2;
  ceiling = std::min<long long>(ceiling, std::max<long long>(cap.count(), 0));
  double r = random ? random() : 0.0;
  r = std::clamp(r, 0.0, 1.0);
  auto wait = static_cast<long long>(r * static_cast<double>(ceiling));
  return std::chrono::milliseconds(std::min<long long>(wait, ceiling));
}

bool retryable_status(int status) {
  return status == 429 || (status >= 500 && status <= 599);
}

}  // namespace checkout::payment
