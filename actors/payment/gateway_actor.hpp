// One actor per enabled gateway: it owns the gateway's circuit breaker and a
// small pool of detached workers that run the (blocking) adapter calls, with
// retries and back-off inside the worker. While the breaker is open a call is
// answered errc::gateway_unavailable at once, without touching a worker.
// Its messages: payment::gateway_actor in actors/payment/payment_interface.hpp.
// What counts against the breaker: a call that ended in gateway_unavailable
// after its retries (or any error that is not ours). A gateway_rejected answer
// is a working gateway saying no, so it counts as a success.
// Worst case for one call: (retries + 1) * GATEWAY_TIMEOUT plus the back-offs.
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <memory>

#include "actors/payment/circuit_breaker.hpp"
#include "actors/payment/gateway.hpp"
#include "actors/payment/payment_interface.hpp"
#include "actors/payment/retry_policy.hpp"
#include "config/settings.hpp"

namespace checkout::payment {

struct gateway_actor_options {
  int workers = 2;
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{30000};
  retry_policy retry;
  random_unit random;             // empty: default_random_unit()
  circuit_breaker::now_fn clock;  // empty: the steady clock
};

// GATEWAY_WORKERS, GATEWAY_BREAKER_*, GATEWAY_RETRIES and GATEWAY_RETRY_BASE.
gateway_actor_options gateway_options(const config::settings& cfg);

// The adapter must allow concurrent calls (all adapters here do: they keep
// no per-call state).
gateway_actor spawn_gateway_actor(caf::actor_system& sys, std::shared_ptr<gateway_adapter> adapter,
                                  gateway_actor_options opts);

}  // namespace checkout::payment
