// The non-blocking bridge from an I/O thread into the actor world: a short-lived
// event-based actor sends `msg` to `target`, waits for the reply (or the
// timeout) without blocking anyone, calls exactly one callback on a CAF thread
// and ends. Callbacks should only translate and call responder::send.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <chrono>
#include <functional>
#include <tuple>
#include <utility>

#include "actors/common/actor_kinds.hpp"
#include "actors/common/instrumented_actor.hpp"

namespace checkout::http {

// One per request: counted like every actor, never listed.
struct ask_bridge_state {
  static inline const char* name = actor_kinds::http_bridge.name;
  static constexpr bool listed = false;
};

namespace detail {

// An untyped target takes a message as it is.
template <class Self>
auto request_of(Self* self, const caf::actor& target, std::chrono::milliseconds timeout,
                caf::message msg) {
  return self->request(target, timeout, std::move(msg));
}

// A typed target takes its elements, so the compiler checks them against
// its interface.
template <class Self, class Handle, class... Ts>
auto request_of(Self* self, const Handle& target, std::chrono::milliseconds timeout,
                std::tuple<Ts...> msg) {
  return std::apply([&](Ts&... xs) { return self->request(target, timeout, std::move(xs)...); },
                    msg);
}

}  // namespace detail

// `msg`: a caf::message for an untyped `target`, a std::tuple of the elements
// for a typed one.
template <class R, class Handle, class Msg>
void ask(caf::actor_system& sys, const Handle& target, std::chrono::milliseconds timeout, Msg msg,
         std::function<void(R&)> on_ok, std::function<void(const caf::error&)> on_error) {
  sys.spawn([=](instrumented_actor<ask_bridge_state>* self) mutable {
    detail::request_of(self, target, timeout, std::move(msg))
        .then([=](R& reply) { on_ok(reply); }, [=](caf::error& err) { on_error(err); });
  });
}

}  // namespace checkout::http
