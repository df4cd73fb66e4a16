// A table of token buckets, one per key (a client address, a JWT subject, a
// cart token), for the abuse limits of CONTRACT §13.
//
// Each bucket is kept in its GCRA form: one instant, the time at which the
// bucket will be full again. Taking a token moves that instant one emission
// interval (period / count) later; a request is refused when that would put it
// more than `burst` intervals ahead of now. This is exactly a token bucket of
// `burst` tokens refilled at `count` per `period`, with integer arithmetic and
// 8 bytes of state per key.
//
// Memory stays bounded whatever keys arrive: a bucket that is full again
// carries no information and is dropped by a sweep (each shard sweeps itself
// on access every `sweep_every`, and whenever it reaches its share of
// `max_keys`). When a shard is still full after a sweep, the quarter of its
// buckets nearest to full go: they are the ones whose clients used the least,
// and forgetting one only ever gives a client back tokens it would have got
// anyway, a little sooner. Both passes are linear in the shard, at most once
// per quarter of its capacity in inserts, so the cost per request stays
// constant.
//
// Thread-safe: keys are spread over shards, each with its own mutex, so I/O
// threads contend only when they touch the same shard at the same instant.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace checkout::http {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  // `count` requests per `period`, at most `burst` at once (count, burst >= 1).
  struct limit {
    std::int64_t count = 1;
    std::chrono::nanoseconds period = std::chrono::seconds(1);
    std::int64_t burst = 1;
  };

  struct options {
    std::size_t max_keys = 1 << 17;  // a hard bound on the buckets held (all shards)
    std::size_t shards = 16;         // rounded up to a power of two
    std::chrono::nanoseconds sweep_every = std::chrono::seconds(10);
  };

  struct verdict {
    bool allowed = true;
    // When refused: whole seconds until one token is back (at least 1).
    std::chrono::seconds retry_after{0};
  };

  explicit rate_limiter(limit l);
  rate_limiter(limit l, options o);
  ~rate_limiter();
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  // Takes one token from `key`'s bucket at `now` (a refused request takes none).
  verdict take(std::string_view key, time_point now);

  // Buckets held now (locks every shard: for tests and gauges, not per request).
  std::size_t size() const;
  // The bound size() never exceeds.
  std::size_t max_keys() const;

  // Whole seconds from `wait` (at least 1): what Retry-After says.
  static std::chrono::seconds retry_after_of(std::chrono::nanoseconds wait);

 private:
  struct shard;
  shard& shard_of(std::string_view key) const;
  void sweep(shard& s, std::int64_t now) const;
  void make_room(shard& s, std::int64_t now) const;

  std::int64_t interval_;  // ns per token
  std::int64_t capacity_;  // ns of credit a full bucket holds: burst * interval
  std::size_t per_shard_;
  std::int64_t sweep_every_;
  std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace checkout::http
