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
  // Requests read and not yet answered to the end (a drain waits for 0).
  std::atomic<std::int64_t> answering{0};
};

// One unit of a connection_count figure, held for the holder's lifetime.
template <std::atomic<std::int64_t> connection_count::*Figure>
class counted {
 public:
  explicit counted(std::shared_ptr<connection_count> c) : c_(std::move(c)) {
    if (c_) ((*c_).*Figure).fetch_add(1, std::memory_order_relaxed);
  }
  ~counted() {
    if (c_) ((*c_).*Figure).fetch_sub(1, std::memory_order_relaxed);
  }
  counted(const counted&) = delete;
  counted& operator=(const counted&) = delete;

 private:
  std::shared_ptr<connection_count> c_;
};

// Held by a session for its lifetime.
using counted_connection = counted<&connection_count::live>;
// Held by a session from reading a request until its answer is written.
using counted_request = counted<&connection_count::answering>;

}  // namespace checkout::http
