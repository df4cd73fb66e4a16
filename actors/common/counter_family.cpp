#include "actors/common/counter_family.hpp"

namespace checkout::metrics {

counter_family::counter_family(std::vector<std::string> label_names)
    : names_(std::move(label_names)) {
  versions_.push_back(std::make_unique<const index>());
  current_.store(versions_.back().get());
}

counter_family::~counter_family() = default;

std::atomic<std::int64_t>& counter_family::at(const std::vector<std::string>& values) {
  const index* idx = current_.load(std::memory_order_acquire);
  auto it = idx->find(values);
  if (it != idx->end()) return *it->second;
  std::lock_guard<std::mutex> guard(grow_);
  idx = current_.load(std::memory_order_acquire);
  it = idx->find(values);
  if (it != idx->end()) return *it->second;
  auto& cell = cells_.emplace_back(0);
  auto next = std::make_unique<index>(*idx);
  next->emplace(values, &cell);
  versions_.push_back(std::move(next));
  current_.store(versions_.back().get(), std::memory_order_release);
  return cell;
}

std::vector<std::pair<std::vector<std::string>, std::int64_t>> counter_family::read() const {
  std::vector<std::pair<std::vector<std::string>, std::int64_t>> out;
  const index* idx = current_.load(std::memory_order_acquire);
  out.reserve(idx->size());
  for (const auto& [labels, cell] : *idx)
    out.emplace_back(labels, cell->load(std::memory_order_relaxed));
  return out;
}

}  // namespace checkout::metrics
