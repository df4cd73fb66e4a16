// The metrics registry: the one piece of global mutable state the service
// allows. Counters are atomics, so any thread may bump them without a lock;
// only creating a new kind takes the mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace checkout::metrics {

struct actor_counters {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> spawned{0};
  std::atomic<std::int64_t> passivated{0};
};

class registry {
 public:
  static registry& instance();

  // Counters for one kind of entity actor ("cart", "order"); stable address.
  actor_counters& actors(const std::string& kind);

  // Prometheus text exposition (format 0.0.4).
  std::string prometheus_text() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<actor_counters>> actors_;
};

}  // namespace checkout::metrics
