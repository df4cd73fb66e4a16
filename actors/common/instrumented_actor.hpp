// The one instrumentation point for every actor of the service. An actor is
// spawned as `instrumented_actor<State>` (a caf::stateful_actor whose base
// overrides consume): each message handled is counted and timed, the mailbox
// depth is noted after it, log lines written while it runs carry the actor's
// kind and id, and spawn, exit and passivation move the kind's gauges. The
// kind is State::name; State::id_key (optional) names its ids in logs
// ("cart_token"). Nothing here takes a lock.
#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <chrono>
#include <string>
#include <type_traits>

#include "actors/common/actor_stats.hpp"
#include "actors/common/metrics.hpp"
#include "actors/common/time.hpp"

namespace checkout {

// What GET /admin/actors/{kind}/{id} shows of one live actor.
struct armed_timer {
  std::string name;
  micros due_at = 0;
};

struct actor_snapshot {
  std::string kind;
  std::string id;
  std::string status;
  std::int64_t version = 0;
  std::int64_t mailbox_size = 0;
  std::int64_t messages = 0;
  micros last_message_at = 0;
  std::vector<armed_timer> timers;
  std::string state_json;  // a JSON object the actor writes about itself
};

class instrumented_base : public caf::event_based_actor {
 public:
  // `listed`: whether /admin/actors can find it; short-lived helpers (one per
  // HTTP request) are counted but not listed.
  instrumented_base(caf::actor_config& cfg, metrics::actor_kind_stats& kind, bool listed);
  ~instrumented_base() override;

  // Names the actor for /admin/actors/{kind}/{id} and its log lines. Call in
  // the behavior function (before it returns), at most once.
  void set_instance_id(std::string id);
  // Counts a passivation, then quits.
  void passivate();
  // The generic part of a snapshot: kind, id, mailbox, messages, last message,
  // and for an entity passivated after `idle_timeout` its passivation timer.
  actor_snapshot snapshot_base(std::chrono::milliseconds idle_timeout = {});

  caf::invoke_message_result consume(caf::mailbox_element& x) override;
  void initialize() override;
  bool cleanup(caf::error&& reason, caf::execution_unit* host) override;

 private:
  void retire() noexcept;
  metrics::actor_kind_stats& kind_;
  metrics::actor_probe* probe_;
  bool listable_;
  bool listed_ = false;
  bool retired_ = false;
};

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

template <class State>
class instrumented_actor : public caf::stateful_actor<State, instrumented_base> {
 public:
  explicit instrumented_actor(caf::actor_config& cfg)
      : caf::stateful_actor<State, instrumented_base>(cfg, kind_of<State>(),
                                                      detail::listed_of<State>::value) {}
};

}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::actor_snapshot)
