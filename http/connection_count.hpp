// Live connections of one server, shared by its listener (which refuses
// connections over the cap) and its sessions (each counts itself).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace checkout::http {

struct connection_count {
  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> refused{0};  // closed at accept: over the cap
};

// Held by a session for its lifetime.
class counted_connection {
 public:
  explicit counted_connection(std::shared_ptr<connection_count> c) : c_(std::move(c)) {
    if (c_) c_->live.fetch_add(1, std::memory_order_relaxed);
  }
  ~counted_connection() {
    if (c_) c_->live.fetch_sub(1, std::memory_order_relaxed);
  }
  counted_connection(const counted_connection&) = delete;
  counted_connection& operator=(const counted_connection&) = delete;

 private:
  std::shared_ptr<connection_count> c_;
};

}  // namespace checkout::http
