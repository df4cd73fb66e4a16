#include "http/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace checkout::http {

struct rate_limiter::shard {
  std::mutex mutex;
  // key -> the instant (ns on the steady clock) the bucket is full again.
  std::unordered_map<std::string, std::int64_t> full_at;
  std::int64_t last_sweep = 0;
};

namespace {

std::int64_t ns(rate_limiter::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::size_t power_of_two_at_least(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

rate_limiter::rate_limiter(limit l) : rate_limiter(l, options{}) {}

rate_limiter::rate_limiter(limit l, options o) {
  auto count = std::max<std::int64_t>(l.count, 1);
  auto burst = std::max<std::int64_t>(l.burst, 1);
  interval_ = std::max<std::int64_t>(l.period.count() / count, 1);
  capacity_ = interval_ * burst;
  auto n = power_of_two_at_least(std::max<std::size_t>(o.shards, 1));
  per_shard_ = std::max<std::size_t>(o.max_keys / n, 1);
  sweep_every_ = std::max<std::int64_t>(o.sweep_every.count(), 1);
  shards_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) shards_.push_back(std::make_unique<shard>());
}

rate_limiter::~rate_limiter() = default;

rate_limiter::shard& rate_limiter::shard_of(std::string_view key) const {
  // Fibonacci hashing on the top bits: the map inside the shard uses the
  // same hash modulo a prime, so the two choices stay independent.
  auto h = static_cast<std::uint64_t>(std::hash<std::string_view>{}(key));
  h *= 0x9E3779B97F4A7C15ull;
  return *shards_[static_cast<std::size_t>(h >> 32) & (shards_.size() - 1)];
}

// Forgets every bucket that is full again: it would answer as a new one does.
void rate_limiter::sweep(shard& s, std::int64_t now) const {
  auto& m = s.full_at;
  for (auto it = m.begin(); it != m.end();) it = it->second <= now ? m.erase(it) : std::next(it);
  s.last_sweep = now;
}

void rate_limiter::make_room(shard& s, std::int64_t now) const {
  sweep(s, now);
  auto& m = s.full_at;
  if (m.size() < per_shard_) return;
  // Still full of active buckets: forget the quarter nearest to full.
  std::vector<std::int64_t> instants;
  instants.reserve(m.size());
  for (auto& [key, at] : m) instants.push_back(at);
  auto k = std::max<std::size_t>(instants.size() / 4, 1) - 1;
  std::nth_element(instants.begin(), instants.begin() + k, instants.end());
  auto threshold = instants[k];
  for (auto it = m.begin(); it != m.end();)
    it = it->second <= threshold ? m.erase(it) : std::next(it);
}

rate_limiter::verdict rate_limiter::take(std::string_view key, time_point when) {
  const auto now = ns(when);
  auto& s = shard_of(key);
  std::lock_guard<std::mutex> lock(s.mutex);
  if (now - s.last_sweep >= sweep_every_) sweep(s, now);
  std::string k(key);
  auto it = s.full_at.find(k);
  // A bucket not held is a full one: it is full again at `now`.
  auto full_at = it == s.full_at.end() ? now : std::max(it->second, now);
  auto next = full_at + interval_;
  if (next - now > capacity_)
    return {false, retry_after_of(std::chrono::nanoseconds(next - now - capacity_))};
  if (it != s.full_at.end()) {
    it->second = next;
  } else {
    if (s.full_at.size() >= per_shard_) make_room(s, now);
    s.full_at.emplace(std::move(k), next);
  }
  return {true, std::chrono::seconds(0)};
}

std::size_t rate_limiter::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s->mutex);
    n += s->full_at.size();
  }
  return n;
}

std::size_t rate_limiter::max_keys() const {
  return per_shard_ * shards_.size();
}

std::chrono::seconds rate_limiter::retry_after_of(std::chrono::nanoseconds wait) {
  auto whole = std::chrono::ceil<std::chrono::seconds>(wait);
  return std::max(whole, std::chrono::seconds(1));
}

}  // namespace checkout::http
