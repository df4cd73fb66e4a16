// A Prometheus histogram with fixed buckets: observing is a handful of relaxed
// atomic adds, so any thread records without a lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace checkout::metrics {

class histogram {
 public:
  // Upper bounds in ascending order; +Inf is implied.
  explicit histogram(std::vector<double> upper_bounds);

  void observe(double value) noexcept;

  struct reading {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
  };
  // Buckets are read one by one while others may record: the +Inf bucket is
  // the sum of the buckets read, so count and buckets always agree.
  reading read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<std::uint64_t> sum_nanos_{0};               // of the values, in 1e-9 units
};

// Bucket sets shared by the service's histograms.
const std::vector<double>& actor_message_buckets();  // 10 µs .. 1 s
const std::vector<double>& http_request_buckets();   // 1 ms .. 10 s
const std::vector<double>& webhook_lag_buckets();    // 100 ms .. 1 h

}  // namespace checkout::metrics
