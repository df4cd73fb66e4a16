// What the service counts about one kind of actor ("cart", "order",
// "db_worker", ...), fed by the one instrumentation point every actor uses
// (actors/common/instrumented_actor.hpp). Per message: relaxed atomic adds
// only. Per actor: a probe on a lock-free list, so GET /admin/actors can see
// mailbox depths and find a live actor by id without asking (or spawning) it.
#pragma once

#include <atomic>
#include <caf/actor_addr.hpp>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "actors/common/histogram.hpp"

namespace checkout::metrics {

// One live actor as the operators see it. Reference counted by hand: the
// actor holds one reference, the live list the other.
struct actor_probe {
  std::string id;        // cart or order token; empty for unnamed actors. Set before listing.
  caf::actor_addr addr;  // set before listing
  std::atomic<std::int64_t> depth{0};            // mailbox size after its last message
  std::atomic<std::int64_t> messages{0};         // messages handled
  std::atomic<std::int64_t> last_message_at{0};  // microseconds since the epoch
  std::atomic<bool> alive{true};
  std::atomic<int> refs{2};
  actor_probe* next = nullptr;  // the live list's link; changed only by push and sweep
};

void release(actor_probe* p) noexcept;

class actor_kind_stats {
 public:
  actor_kind_stats(std::string name, std::string id_key);
  ~actor_kind_stats();
  actor_kind_stats(const actor_kind_stats&) = delete;
  actor_kind_stats& operator=(const actor_kind_stats&) = delete;

  const std::string& name() const { return name_; }
  // The log field naming this kind's ids ("cart_token"); "actor_id" by default.
  const std::string& id_key() const { return id_key_; }

  std::atomic<std::int64_t> live{0};
  std::atomic<std::int64_t> spawned{0};
  std::atomic<std::int64_t> passivated{0};
  std::atomic<std::int64_t> messages{0};
  std::atomic<std::int64_t> busy{0};           // actors handling a message right now
  std::atomic<std::int64_t> mailbox_total{0};  // sum of the live actors' last depths
  histogram message_seconds;

  // Lists a probe (lock-free; any thread).
  void enlist(actor_probe* p) noexcept;
  // Visits every live probe; drops the dead ones from the list. Operator
  // reads only (a scrape, an admin request): serialised by a mutex of its own
  // that no actor ever takes.
  void visit_live(const std::function<void(const actor_probe&)>& f) const;
  // The live actor with this id, or an empty address.
  caf::actor_addr find(const std::string& id) const;
  std::int64_t mailbox_max() const;

 private:
  std::string name_;
  std::string id_key_;
  mutable std::atomic<actor_probe*> head_{nullptr};
  mutable std::mutex sweep_;
};

}  // namespace checkout::metrics
