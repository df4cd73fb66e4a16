// Counters told apart by label values ("razorpay", "applied"), found without
// a lock once a label set exists: readers load an immutable index through an
// atomic pointer. A label set seen for the first time copies the index under
// a mutex; label values come from small fixed sets, so that happens a few
// times per process.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace checkout::metrics {

class counter_family {
 public:
  explicit counter_family(std::vector<std::string> label_names);
  ~counter_family();
  counter_family(const counter_family&) = delete;
  counter_family& operator=(const counter_family&) = delete;

  // The counter for these label values (one per label name); stable address.
  std::atomic<std::int64_t>& at(const std::vector<std::string>& values);
  std::atomic<std::int64_t>& at(const std::string& value) { return at(std::vector{value}); }

  const std::vector<std::string>& label_names() const { return names_; }
  // Every label set with its value, sorted by label values.
  std::vector<std::pair<std::vector<std::string>, std::int64_t>> read() const;

 private:
  using index = std::map<std::vector<std::string>, std::atomic<std::int64_t>*>;
  std::vector<std::string> names_;
  std::atomic<const index*> current_;
  std::mutex grow_;
  // Replaced indexes stay alive: a reader may still be looking at one.
  std::vector<std::unique_ptr<const index>> versions_;
  std::deque<std::atomic<std::int64_t>> cells_;
};

}  // namespace checkout::metrics
