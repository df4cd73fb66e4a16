#include "actors/common/actor_stats.hpp"

#include <algorithm>

namespace checkout::metrics {

void release(actor_probe* p) noexcept {
  if (p && p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}

actor_kind_stats::actor_kind_stats(std::string name, std::string id_key)
    : message_seconds(actor_message_buckets()),
      name_(std::move(name)),
      id_key_(id_key.empty() ? std::string("actor_id") : std::move(id_key)) {}

actor_kind_stats::~actor_kind_stats() {
  auto* p = head_.load();
  while (p) {
    auto* next = p->next;
    release(p);
    p = next;
  }
}

void actor_kind_stats::enlist(actor_probe* p) noexcept {
  p->next = head_.load(std::memory_order_relaxed);
  // Pushers only ever write the head: the sweep below may unlink any node
  // behind it without racing them.
  while (!head_.compare_exchange_weak(p->next, p, std::memory_order_release,
                                      std::memory_order_relaxed)) {
  }
}

void actor_kind_stats::visit_live(const std::function<void(const actor_probe&)>& f) const {
  std::lock_guard<std::mutex> guard(sweep_);
  actor_probe* prev = nullptr;
  actor_probe* cur = head_.load(std::memory_order_acquire);
  while (cur) {
    actor_probe* next = cur->next;
    if (cur->alive.load(std::memory_order_acquire)) {
      f(*cur);
      prev = cur;
    } else if (prev) {
      prev->next = next;
      release(cur);
    } else {
      actor_probe* expected = cur;
      if (head_.compare_exchange_strong(expected, next, std::memory_order_acq_rel))
        release(cur);
      else
        prev = cur;  // someone pushed in front of it: unlinked on a later visit
    }
    cur = next;
  }
}

caf::actor_addr actor_kind_stats::find(const std::string& id) const {
  caf::actor_addr out;
  visit_live([&](const actor_probe& p) {
    if (!out && p.id == id) out = p.addr;
  });
  return out;
}

std::int64_t actor_kind_stats::mailbox_max() const {
  std::int64_t m = 0;
  visit_live([&](const actor_probe& p) { m = std::max(m, p.depth.load()); });
  return m;
}

}  // namespace checkout::metrics
