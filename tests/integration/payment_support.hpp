// Shared by the payment suite: attempts to pay, an actor system to ask the
// gateway actors from a test thread, a stopwatch, a clock the test moves.
#pragma once

#include <atomic>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include "actors/common/ids.hpp"
#include "actors/common/time.hpp"
#include "actors/errors.hpp"
#include "actors/payment/gateway.hpp"
#include "actors/payment/payment_messages.hpp"

namespace payment_test {

using namespace std::chrono_literals;

inline checkout::payment::session_request attempt(std::int64_t amount = 49900,
                                                  const std::string& currency = "INR") {
  checkout::payment::session_request r;
  r.order_token = checkout::new_uuid();
  r.payment_token = checkout::new_uuid();
  r.attempt_no = 1;
  r.user_id = "user-1";
  r.amount = amount;
  r.currency = currency;
  r.description = "Internship: Embedded Systems";
  r.success_url = "https://shop.example/orders/ok";
  r.cancel_url = "https://shop.example/orders/cancel";
  r.started_at = checkout::now_micros();
  r.expires_at = r.started_at + 30LL * 60 * 1000000;
  return r;
}

// The contract's code for an error (4001, 4002, 1000, ...).
inline int code_of(const caf::error& err) {
  return checkout::describe(err).code;
}

class stopwatch {
 public:
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start_);
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Asks `target` and waits up to `limit` (this is a test thread): the value or
// the error (sec::request_timeout when no answer came in time).
template <class T, class Handle, class... Ts>
caf::expected<T> ask_within(caf::scoped_actor& self, std::chrono::milliseconds limit,
                            const Handle& target, Ts&&... xs) {
  caf::expected<T> out = caf::make_error(caf::sec::request_timeout);
  self->request(target, limit, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); },
               [&](caf::error& err) { out = std::move(err); });
  return out;
}

// The same with a minute, for calls that may take their full retries.
template <class T, class Handle, class... Ts>
caf::expected<T> ask(caf::scoped_actor& self, const Handle& target, Ts&&... xs) {
  return ask_within<T>(self, std::chrono::seconds(60), target, std::forward<Ts>(xs)...);
}

// Runs `call` on a thread of its own while `server` (a fake_http_server or
// fake_gateway) holds every response, then releases them. Answers what the
// call returned and whether it returned while the response was still held:
// a client that gave up by its own deadline did; one that waited for the
// answer gets it only after `give_up` (then fails instead of hanging).
template <class Server, class F>
auto while_held(Server& server, F call,
                std::chrono::milliseconds give_up = std::chrono::seconds(20)) {
  server.hold();
  auto pending = std::async(std::launch::async, std::move(call));
  bool returned_while_held = pending.wait_for(give_up) == std::future_status::ready;
  server.release();
  return std::make_pair(pending.get(), returned_while_held);
}

// A steady clock that moves only when the test says so, for the circuit
// breaker's cool-down (gateway_actor_options::clock): the test passes the
// cool-down by advancing it, never by sleeping through it. Shared, because
// the gateway actor may call it until the actor system is gone.
class manual_clock {
 public:
  using clock = std::chrono::steady_clock;

  std::function<clock::time_point()> fn() const {
    auto t = ticks_;
    return [t] { return clock::time_point(clock::duration(t->load())); };
  }
  void advance(clock::duration d) { ticks_->fetch_add(d.count()); }

 private:
  std::shared_ptr<std::atomic<clock::rep>> ticks_ =
      std::make_shared<std::atomic<clock::rep>>(clock::duration(std::chrono::hours(1)).count());
};

}  // namespace payment_test
