// Shared by the payment suite: attempts to pay, an actor system to ask the
// gateway actors from a test thread, a stopwatch.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <chrono>
#include <string>

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
  double elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Asks `target` and waits (this is a test thread): the value or the error.
template <class T, class... Ts>
caf::expected<T> ask(caf::scoped_actor& self, const caf::actor& target, Ts&&... xs) {
  caf::expected<T> out = caf::make_error(caf::sec::request_timeout);
  self->request(target, std::chrono::seconds(60), std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); },
               [&](caf::error& err) { out = std::move(err); });
  return out;
}

}  // namespace payment_test
