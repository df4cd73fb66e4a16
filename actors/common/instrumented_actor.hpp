// The one instrumentation point for every actor of the service. An actor is
// spawned as `instrumented_actor<State>` (a caf::stateful_actor whose base
// overrides consume): each message handled is counted and timed, the mailbox
// depth is noted after it, log lines written while it runs carry the actor's
// kind and id, and spawn, exit and passivation move the kind's gauges. The
// kind is State::name; State::id_key (optional) names its ids in logs
// ("cart_token"). Nothing here takes a lock.
#pragma once

#include <caf/actor_addr.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <chrono>
#include <string>
#include <type_traits>

#include "actors/common/actor_snapshot.hpp"
#include "actors/common/actor_stats.hpp"
#include "actors/common/metrics.hpp"
#include "actors/common/time.hpp"

namespace checkout {

// The bookkeeping of one actor, kept apart from its CAF base class so that
// untyped and typed actors share it (and its code stays out of the header).
class actor_instrumentation {
 public:
  // `listed`: whether /admin/actors can find it; short-lived helpers (one per
  // HTTP request) are counted but not listed.
  actor_instrumentation(metrics::actor_kind_stats& kind, bool listed);
  ~actor_instrumentation();
  actor_instrumentation(const actor_instrumentation&) = delete;
  actor_instrumentation& operator=(const actor_instrumentation&) = delete;

  void set_instance_id(std::string id);
  void count_passivation();
  actor_snapshot snapshot(size_t mailbox_size, std::chrono::milliseconds idle_timeout);
  void enlist(const caf::actor_addr& addr);
  // Runs the base class's consume as the one measured (and logged) step.
  using consume_fn = caf::invoke_message_result (*)(caf::scheduled_actor&, caf::mailbox_element&);
  caf::invoke_message_result measure(caf::scheduled_actor& self, caf::mailbox_element& x,
                                     consume_fn consume);
  void retire() noexcept;

 private:
  metrics::actor_kind_stats& kind_;
  metrics::actor_probe* probe_;
  bool listable_;
  bool listed_ = false;
  bool retired_ = false;
};

// Base: caf::event_based_actor, or a typed_actor's typed_event_based_actor.
template <class Base>
class instrumented_base_t : public Base {
 public:
  instrumented_base_t(caf::actor_config& cfg, metrics::actor_kind_stats& kind, bool listed)
      : Base(cfg), instr_(kind, listed) {}

  // Names the actor for /admin/actors/{kind}/{id} and its log lines. Call in
  // the behavior function (before it returns), at most once.
  void set_instance_id(std::string id) { instr_.set_instance_id(std::move(id)); }
  // Counts a passivation, then quits.
  void passivate() {
    instr_.count_passivation();
    this->quit();
  }
  // The generic part of a snapshot: kind, id, mailbox, messages, last message,
  // and for an entity passivated after `idle_timeout` its passivation timer.
  actor_snapshot snapshot_base(std::chrono::milliseconds idle_timeout = {}) {
    return instr_.snapshot(this->mailbox().size(), idle_timeout);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    return instr_.measure(*this, x, [](caf::scheduled_actor& self, caf::mailbox_element& y) {
      return static_cast<instrumented_base_t&>(self).Base::consume(y);
    });
  }
  void initialize() override {
    Base::initialize();
    instr_.enlist(this->address());
  }
  bool cleanup(caf::error&& reason, caf::execution_unit* host) override {
    instr_.retire();
    return Base::cleanup(std::move(reason), host);
  }

 private:
  actor_instrumentation instr_;
};

using instrumented_base = instrumented_base_t<caf::event_based_actor>;

namespace detail {
template <class S, class = void>
struct id_key_of {
  static const char* get() { return ""; }
};
template <class S>
struct id_key_of<S, std::void_t<decltype(S::id_key)>> {
  static const char* get() { return S::id_key; }
};
template <class S, class = void>
struct listed_of {
  static constexpr bool value = true;
};
template <class S>
struct listed_of<S, std::void_t<decltype(S::listed)>> {
  static constexpr bool value = S::listed;
};
}  // namespace detail

template <class State>
metrics::actor_kind_stats& kind_of() {
  static auto& k = metrics::registry::instance().kind(State::name, detail::id_key_of<State>::get());
  return k;
}

// Base: as for instrumented_base_t; a typed actor passes its handle's `base`.
template <class State, class Base = caf::event_based_actor>
class instrumented_actor : public caf::stateful_actor<State, instrumented_base_t<Base>> {
 public:
  explicit instrumented_actor(caf::actor_config& cfg)
      : caf::stateful_actor<State, instrumented_base_t<Base>>(cfg, kind_of<State>(),
                                                              detail::listed_of<State>::value) {}
};

}  // namespace checkout
