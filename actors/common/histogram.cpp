#include "actors/common/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace checkout::metrics {

histogram::histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void histogram::observe(double value) noexcept {
  if (!(value >= 0)) value = 0;  // also catches NaN
  // Few buckets: a linear scan beats a binary search here.
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  auto nanos = value * 1e9;
  sum_nanos_.fetch_add(nanos < 1.8e19 ? static_cast<std::uint64_t>(std::llround(nanos)) : 0,
                       std::memory_order_relaxed);
}

histogram::reading histogram::read() const {
  reading r;
  r.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    r.cumulative.push_back(total);
  }
  r.sum = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
  return r;
}

const std::vector<double>& actor_message_buckets() {
  static const std::vector<double> b = {0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005,
                                        0.01,    0.05,    0.1,    0.5,    1.0};
  return b;
}

const std::vector<double>& http_request_buckets() {
  static const std::vector<double> b = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                        0.25,  0.5,   1.0,  2.5,   5.0,  10.0};
  return b;
}

const std::vector<double>& webhook_lag_buckets() {
  static const std::vector<double> b = {0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600};
  return b;
}

}  // namespace checkout::metrics
