#include "actors/common/instrumented_actor.hpp"

#include <chrono>

#include "config/log_context.hpp"

namespace checkout {
namespace {

// Wall time from the steady clock the handler was timed with: one clock read
// per message fewer (each costs tens of nanoseconds on a VM's kvm-clock).
micros wall_micros(std::chrono::steady_clock::time_point t) {
  static const auto offset = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch() -
      std::chrono::steady_clock::now().time_since_epoch());
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch() + offset)
      .count();
}

}  // namespace

actor_instrumentation::actor_instrumentation(metrics::actor_kind_stats& kind, bool listed)
    : kind_(kind), probe_(new metrics::actor_probe), listable_(listed) {
  kind_.spawned.fetch_add(1, std::memory_order_relaxed);
  kind_.live.fetch_add(1, std::memory_order_relaxed);
}

actor_instrumentation::~actor_instrumentation() {
  retire();
  // The list's reference was never handed over when the actor never started.
  if (!listed_) metrics::release(probe_);
  metrics::release(probe_);
}

void actor_instrumentation::set_instance_id(std::string id) {
  if (!listed_) probe_->id = std::move(id);
}

void actor_instrumentation::count_passivation() {
  kind_.passivated.fetch_add(1, std::memory_order_relaxed);
}

actor_snapshot actor_instrumentation::snapshot(size_t mailbox_size,
                                               std::chrono::milliseconds idle_timeout) {
  actor_snapshot s;
  s.kind = kind_.name();
  s.id = probe_->id;
  s.mailbox_size = static_cast<std::int64_t>(mailbox_size);
  s.messages = probe_->messages.load(std::memory_order_relaxed);
  s.last_message_at = probe_->last_message_at.load(std::memory_order_relaxed);
  if (idle_timeout.count() > 0)
    s.timers.push_back({"passivation", s.last_message_at + to_micros(idle_timeout)});
  return s;
}

void actor_instrumentation::enlist(const caf::actor_addr& addr) {
  if (listed_ || !listable_) return;
  probe_->addr = addr;
  listed_ = true;
  kind_.enlist(probe_);
}

caf::invoke_message_result actor_instrumentation::measure(caf::scheduled_actor& self,
                                                          caf::mailbox_element& x,
                                                          consume_fn consume) {
  if (!metrics::registry::recording()) return consume(self, x);
  logging::field_scope kind_field("actor_kind", kind_.name());
  logging::field_scope id_field(kind_.id_key(), probe_->id);
  kind_.busy.fetch_add(1, std::memory_order_relaxed);
  auto start = std::chrono::steady_clock::now();
  auto result = consume(self, x);
  auto elapsed = std::chrono::steady_clock::now() - start;
  kind_.busy.fetch_sub(1, std::memory_order_relaxed);
  kind_.messages.fetch_add(1, std::memory_order_relaxed);
  kind_.message_seconds.observe(std::chrono::duration<double>(elapsed).count());
  if (retired_) return result;  // it quit while handling this message
  auto depth = static_cast<std::int64_t>(self.mailbox().size());
  auto before = probe_->depth.exchange(depth, std::memory_order_relaxed);
  if (depth != before) kind_.mailbox_total.fetch_add(depth - before, std::memory_order_relaxed);
  probe_->messages.fetch_add(1, std::memory_order_relaxed);
  probe_->last_message_at.store(wall_micros(start + elapsed), std::memory_order_relaxed);
  return result;
}

void actor_instrumentation::retire() noexcept {
  if (retired_) return;
  retired_ = true;
  kind_.live.fetch_sub(1, std::memory_order_relaxed);
  kind_.mailbox_total.fetch_sub(probe_->depth.exchange(0), std::memory_order_relaxed);
  probe_->alive.store(false, std::memory_order_release);
}

}  // namespace checkout
