// Lets threads outside the server (actors, timers) hand responses to
// connections only while the server's io_context exists. Closing the gate
// under the same lock guarantees that no post, and no session reference taken
// for one, can race with the io_context's destruction.
#pragma once

#include <mutex>

namespace checkout::http {

class handoff_gate {
 public:
  template <class F>
  void run_if_open(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_) f();
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }

 private:
  std::mutex mutex_;
  bool open_ = true;
};

}  // namespace checkout::http
